/** Applying fix edits to a text: the "fix all" semantics shared by the extension and the CLI. */
import type { Fix, TextEdit } from './types';

/**
 * Applies the fixes' edits in order of position. A fix whose edits overlap an edit already taken is
 * dropped whole (as ESLint's source-code-fixer does), so the result is always well-formed.
 */
export function applyFixes(text: string, fixes: readonly Fix[]): { text: string; applied: Fix[]; skipped: Fix[] } {
  const sorted = [...fixes].sort((a, b) => firstOffset(a) - firstOffset(b));
  const taken: TextEdit[] = [];
  const applied: Fix[] = [];
  const skipped: Fix[] = [];
  for (const fix of sorted) {
    const overlaps = fix.edits.some((e) => taken.some((t) => e.range.startOffset < t.range.endOffset && t.range.startOffset < e.range.endOffset || (e.range.startOffset === t.range.startOffset && e.range.endOffset === t.range.endOffset)));
    if (overlaps) {
      skipped.push(fix);
      continue;
    }
    taken.push(...fix.edits);
    applied.push(fix);
  }
  taken.sort((a, b) => b.range.startOffset - a.range.startOffset || b.range.endOffset - a.range.endOffset);
  let out = text;
  for (const e of taken) out = out.slice(0, e.range.startOffset) + e.newText + out.slice(e.range.endOffset);
  return { text: out, applied, skipped };
}

function firstOffset(fix: Fix): number {
  return Math.min(...fix.edits.map((e) => e.range.startOffset));
}
