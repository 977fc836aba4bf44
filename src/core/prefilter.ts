/**
 * One pass over a file's text for the literals of every rule's keyword gate. A keyword regex (case-insensitive) is
 * taken apart into the literal strings one of which every match must contain (`literalsOf`, `requirementsOf`); one
 * combined scan of the lower-cased text then says which rules' literals occur. A rule none of whose literals occur cannot pass its gate, so
 * its own regex is not run; otherwise it is (the prefilter only says "maybe"). Where every match of an alternative
 * needs several literals (`ssl\s*=\s*False`, the conjunction `^(?=[\s\S]*(X))[\s\S]*(Y)`), one of each set must
 * occur (see `requirementsOf`). Regexes whose literals cannot be worked out (`\d{3}`) are always "maybe".
 */

/** A parsed piece of a regex: what it requires of the text, read left to right. */
interface Piece {
  /** The one character it matches (lower-cased), when it matches exactly one ASCII character (case aside). */
  char?: string;
  /** Literal sets one of whose strings every match of the piece contains. */
  sets: string[][];
}

class Parser {
  private i = 0;
  constructor(private readonly source: string) {}

  /** The alternation from here to the closing parenthesis (or the end): a literal set per alternative, unioned. */
  alternation(): string[] | undefined {
    const branches = this.branches().map(best);
    if (branches.some((b) => b === undefined)) return undefined;
    return [...new Set(branches.flat() as string[])];
  }

  /** The alternatives from here to the closing parenthesis (or the end), each as the literal sets it requires. */
  branches(): string[][][] {
    const branches = [this.sequence()];
    while (this.source[this.i] === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    return branches;
  }

  get done(): boolean {
    return this.i >= this.source.length;
  }

  /** One alternative: its runs of literal characters and its required groups, each a set one of whose strings occurs. */
  private sequence(): string[][] {
    const candidates: string[][] = [];
    let run = '';
    const flush = (): void => {
      if (run.length > 0) candidates.push([run]);
      run = '';
    };
    while (!this.done && this.source[this.i] !== '|' && this.source[this.i] !== ')') {
      const piece = this.atom();
      const { min, max } = this.quantifier();
      if (min === 0) {
        flush();
        continue;
      }
      if (piece.char !== undefined) {
        run += piece.char;
        if (max !== 1) flush();
        continue;
      }
      flush();
      candidates.push(...piece.sets);
    }
    flush();
    return candidates.filter((set) => set.length > 0 && set.every((s) => s.length > 0));
  }

  private quantifier(): { min: number; max: number } {
    const c = this.source[this.i];
    let q: { min: number; max: number } = { min: 1, max: 1 };
    if (c === '?') q = { min: 0, max: 1 };
    else if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.i));
      if (!m) return q;
      this.i += m[0].length;
      const min = Number(m[1]);
      const result = { min, max: m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]) };
      if (this.source[this.i] === '?') this.i++;
      return result;
    } else return q;
    this.i++;
    if (this.source[this.i] === '?') this.i++;
    return q;
  }

  private atom(): Piece {
    const c = this.source[this.i++];
    if (c === '\\') {
      const e = this.source[this.i++] ?? '';
      if (/[A-Za-z0-9]/.test(e)) {
        if (e === 'p' || e === 'P') this.skipBraces();
        else if (e === 'x') this.i += 2;
        else if (e === 'u' && this.source[this.i] === '{') this.skipBraces();
        else if (e === 'u') this.i += 4;
        else if (e === 'c') this.i++;
        // A named backreference matches what its group did, not the text `<name>`.
        else if (e === 'k' && this.source[this.i] === '<') this.i = this.source.indexOf('>', this.i) + 1;
        return { sets: [] };
      }
      return literal(e);
    }
    if (c === '[') {
      while (!this.done && this.source[this.i] !== ']') this.i += this.source[this.i] === '\\' ? 2 : 1;
      this.i++;
      return { sets: [] };
    }
    if (c === '(') {
      let ignored = false;
      if (this.source.startsWith('?:', this.i) || this.source.startsWith('?=', this.i)) this.i += 2;
      else if (/^\?(!|<=|<!)/.test(this.source.slice(this.i, this.i + 3))) {
        this.i += this.source[this.i + 1] === '<' ? 3 : 2;
        ignored = true;
      }
      else if (this.source.startsWith('?<', this.i)) this.i = this.source.indexOf('>', this.i) + 1;
      // Any other `(?` (modifiers such as `(?i:`): not taken apart.
      else if (this.source[this.i] === '?') throw new Error('unsupported group');
      const inner = this.alternation();
      this.i++; // ')'
      // A lookahead's literals must occur (after this place); a negative lookaround or a lookbehind is left out.
      return { sets: inner && !ignored ? [inner] : [] };
    }
    // `.`, `^`, `$`: no literal (and a zero-width anchor ends a run of literal characters, which only loses selectivity).
    if (c === '.' || c === '^' || c === '$') return { sets: [] };
    return literal(c);
  }

  private skipBraces(): void {
    if (this.source[this.i] === '{') this.i = this.source.indexOf('}', this.i) + 1;
  }
}

function literal(c: string): Piece {
  // ASCII only: case-insensitive matching (without the `u` flag) pairs an ASCII letter with its other case and nothing else.
  if (c.charCodeAt(0) > 127) return { sets: [] };
  return { char: c.toLowerCase(), sets: [] };
}

/** The most selective of an alternative's sets: the longest shortest literal, then the fewest literals. */
function best(candidates: string[][]): string[] | undefined {
  let chosen: string[] | undefined;
  let score = 0;
  for (const set of candidates) {
    if (set.length === 0 || set.some((s) => s.length === 0)) continue;
    const shortest = Math.min(...set.map((s) => s.length));
    if (!chosen || shortest > score || (shortest === score && set.length < chosen.length)) {
      chosen = set;
      score = shortest;
    }
  }
  return chosen;
}

/**
 * Lower-case literals one of which occurs (in the lower-cased text) wherever the case-insensitive regex `source`
 * matches, or undefined when no such set could be worked out.
 */
export function literalsOf(source: string): string[] | undefined {
  try {
    const parser = new Parser(source);
    const set = parser.alternation();
    if (!parser.done || !set || set.length === 0) return undefined;
    // A literal that contains another of the set adds nothing.
    return set.filter((s) => !set.some((t) => t !== s && t.length < s.length && s.includes(t)));
  } catch {
    return undefined;
  }
}

/**
 * What every match of the case-insensitive regex `source` requires of the lower-cased text: for one of the returned
 * alternatives, a literal of each of its sets. Undefined when some alternative requires no literal (or the regex is
 * not understood).
 */
export function requirementsOf(source: string): string[][][] | undefined {
  try {
    const parser = new Parser(source);
    const branches = parser.branches();
    if (!parser.done || branches.some((b) => b.length === 0)) return undefined;
    // Within a set, a literal that contains another adds nothing.
    return branches.map((sets) => sets.map((set) => [...new Set(set)].filter((s) => !set.some((t) => t !== s && t.length < s.length && s.includes(t)))));
  } catch {
    return undefined;
  }
}

/**
 * Which of a list of case-insensitive keyword regexes may match a text, in one pass over it for all their literals: an
 * Aho-Corasick automaton over the ASCII characters of the literals (upper case folded onto lower case; any other
 * character cannot be part of a literal, see `literal`).
 */
export class KeywordPrefilter {
  /** Character code (< 128) -> its class; 0 for characters in no literal. */
  private readonly classes = new Uint8Array(128);
  private readonly width: number;
  /** Transitions: state * width + class -> next state. */
  private readonly delta: Int32Array;
  /** The literal sets (slots, see requirementsOf) a state completes a literal of (its own and along its failure links). */
  private readonly outputs: (number[] | undefined)[];
  /** Slot -> the alternative it belongs to; alternative -> its regex, and how many slots it needs. */
  private readonly slotBranch: Int32Array;
  private readonly branchOwner: Int32Array;
  private readonly branchNeeds: Int32Array;
  /** Regexes with no literal set (always "maybe"). */
  private readonly always: number[] = [];
  private readonly withLiterals: number;

  constructor(private readonly sources: readonly (string | undefined)[]) {
    const owners = new Map<string, number[]>();
    const slotBranch: number[] = [];
    const branchOwner: number[] = [];
    const branchNeeds: number[] = [];
    sources.forEach((source, index) => {
      if (source === undefined) return;
      const branches = requirementsOf(source);
      if (!branches) {
        this.always.push(index);
        return;
      }
      for (const sets of branches) {
        const branch = branchOwner.length;
        branchOwner.push(index);
        branchNeeds.push(sets.length);
        for (const set of sets) {
          const slot = slotBranch.length;
          slotBranch.push(branch);
          for (const l of set) owners.set(l, [...(owners.get(l) ?? []), slot]);
        }
      }
    });
    this.slotBranch = Int32Array.from(slotBranch);
    this.branchOwner = Int32Array.from(branchOwner);
    this.branchNeeds = Int32Array.from(branchNeeds);
    this.withLiterals = sources.filter((s, i) => s !== undefined && !this.always.includes(i)).length;
    let width = 1;
    for (const literal of owners.keys()) {
      for (const ch of literal) {
        const code = ch.charCodeAt(0);
        if (this.classes[code] === 0) {
          this.classes[code] = width;
          const upper = ch.toUpperCase().charCodeAt(0);
          if (upper < 128) this.classes[upper] = width;
          width++;
        }
      }
    }
    this.width = width;
    // The trie, then the failure links breadth first (goto completed into a full transition table).
    const next: Int32Array[] = [new Int32Array(width).fill(-1)];
    const out: Set<number>[] = [new Set()];
    for (const [literal, who] of owners) {
      let state = 0;
      for (const ch of literal) {
        const c = this.classes[ch.charCodeAt(0)];
        if (next[state][c] < 0) {
          next[state][c] = next.length;
          next.push(new Int32Array(width).fill(-1));
          out.push(new Set());
        }
        state = next[state][c];
      }
      for (const o of who) out[state].add(o);
    }
    const delta = new Int32Array(next.length * width);
    const fail = new Int32Array(next.length);
    const queue: number[] = [];
    for (let c = 0; c < width; c++) {
      const v = next[0][c];
      delta[c] = v < 0 ? 0 : v;
      if (v > 0) queue.push(v);
    }
    for (let head = 0; head < queue.length; head++) {
      const u = queue[head];
      for (const o of out[fail[u]]) out[u].add(o);
      for (let c = 0; c < width; c++) {
        const v = next[u][c];
        if (v < 0) delta[u * width + c] = delta[fail[u] * width + c];
        else {
          fail[v] = delta[fail[u] * width + c];
          delta[u * width + c] = v;
          queue.push(v);
        }
      }
    }
    this.delta = delta;
    this.outputs = out.map((o) => (o.size > 0 ? [...o] : undefined));
  }

  /**
   * For each regex: false when it cannot match `text` (no alternative has a literal of each of its sets in the text),
   * true when it may (a regex given as undefined: false).
   */
  mayMatch(text: string): boolean[] {
    const out = this.sources.map(() => false);
    for (const i of this.always) out[i] = true;
    let left = this.withLiterals;
    const { classes, delta, outputs, width, slotBranch, branchOwner } = this;
    const seen = new Uint8Array(slotBranch.length);
    const needs = this.branchNeeds.slice();
    let state = 0;
    for (let i = 0; i < text.length && left > 0; i++) {
      const code = text.charCodeAt(i);
      state = delta[state * width + (code < 128 ? classes[code] : 0)];
      const found = outputs[state];
      if (found) {
        for (const slot of found) {
          if (seen[slot]) continue;
          seen[slot] = 1;
          const branch = slotBranch[slot];
          const o = branchOwner[branch];
          if (--needs[branch] === 0 && !out[o]) {
            out[o] = true;
            left--;
          }
        }
      }
    }
    return out;
  }
}
