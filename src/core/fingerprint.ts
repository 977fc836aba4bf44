/**
 * Stable fingerprints: a finding keeps its fingerprint when the file is reformatted or lines move.
 * The key is the rule id, the file path, the enclosing function's name and the flagged code with all
 * white space removed, plus an occurrence counter for identical code in the same function.
 */

/** 64-bit FNV-1a as 16 hex digits (pure JS: the core imports no node modules). */
export function hash64(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return ((h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0'));
}

export function normaliseCode(code: string): string {
  return code.replace(/\s+/g, '');
}

export class FingerprintCounter {
  private readonly seen = new Map<string, number>();

  fingerprint(ruleId: string, path: string, scopeName: string, code: string): string {
    const base = `${ruleId}\u0000${path}\u0000${scopeName}\u0000${normaliseCode(code)}`;
    const n = this.seen.get(base) ?? 0;
    this.seen.set(base, n + 1);
    return hash64(`${base}\u0000${n}`);
  }
}
