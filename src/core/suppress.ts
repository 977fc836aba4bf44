/**
 * Inline suppressions: `sealant-ignore <rule-id>[, <rule-id>…]: <reason>` in a comment on the flagged
 * line or the line before. A rule id may be a family wildcard (`storage/*`). A suppression without a
 * reason, or one that suppresses nothing, is reported as a note.
 */
import type { Range } from './types';

export const SUPPRESSION_MARKER = 'sealant-ignore';

export interface SuppressionComment {
  range: Range;
  ruleIds: string[];
  reason: string;
  used: boolean;
}

const PATTERN = /sealant-ignore\b[ \t]*([^:\n]*?)[ \t]*(?::[ \t]*([^\n]*?))?[ \t]*(?:\*\/|-->)?[ \t]*$/m;

/** Parses the suppression in a comment's text, or undefined when the comment has none. */
export function parseSuppression(comment: string): { ruleIds: string[]; reason: string } | undefined {
  if (!comment.includes(SUPPRESSION_MARKER)) return undefined;
  const m = PATTERN.exec(comment);
  if (!m) return undefined;
  const ruleIds = m[1]
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return { ruleIds, reason: (m[2] ?? '').trim() };
}

export function suppressionMatches(s: SuppressionComment, ruleId: string, line: number): boolean {
  const end = s.range.end.line;
  if (line !== end && line !== end + 1) return false;
  return s.ruleIds.some((id) => id === ruleId || (id.endsWith('/*') && ruleId.startsWith(id.slice(0, -1))) || id === '*');
}
