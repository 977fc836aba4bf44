/** Helpers shared by the built-in rules: describing data, related locations, severities, call sinks. */
import type { Node } from 'web-tree-sitter';
import type { TaintItem } from '../core/flow';
import type { RelatedInput, RuleContext } from '../core/rule';
import type { Classification, DataCategory, Severity } from '../core/types';

export const CATEGORY_RANK: Record<DataCategory, number> = {
  credentials: 5,
  government_id: 5,
  financial: 5,
  health: 4,
  biometric: 4,
  contact: 2,
  personal: 2,
  location: 2,
};

/** Items of one flow answer, strongest category first, one per type. */
export function byStrength(items: TaintItem[]): TaintItem[] {
  const seen = new Set<string>();
  return [...items]
    .sort((a, b) => CATEGORY_RANK[b.classification.category] - CATEGORY_RANK[a.classification.category])
    .filter((i) => (seen.has(i.classification.type) ? false : (seen.add(i.classification.type), true)));
}

/** Human label of a data type, from the dictionary. */
export function typeLabel(ctx: RuleContext, type: string): string {
  if (type === 'request_data') return 'a whole request body';
  return ctx.classifier.type(type)?.label ?? type;
}

/** "a password (`req.body.password`) and a Social Security number (`user.ssn`)" — names only, never values. */
export function describeData(ctx: RuleContext, items: TaintItem[], max = 2): string {
  const parts = byStrength(items)
    .slice(0, max)
    .map((i) => `${typeLabel(ctx, i.classification.type)} (\`${shorten(i.origin.text)}\`)`);
  const more = byStrength(items).length - parts.length;
  return parts.join(' and ') + (more > 0 ? ` and ${more} more` : '');
}

export function shorten(text: string, max = 40): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** Related locations pointing at where each piece of data came from (skipping the finding's own node). */
export function relatedFor(items: TaintItem[], at: Node): RelatedInput[] {
  const out: RelatedInput[] = [];
  const seen = new Set<number>();
  for (const i of byStrength(items)) {
    if (seen.has(i.origin.id) || (i.origin.startIndex >= at.startIndex && i.origin.endIndex <= at.endIndex)) continue;
    seen.add(i.origin.id);
    out.push({ node: i.origin, message: i.classification.explanation });
  }
  return out.slice(0, 5);
}

export function classificationsOf(items: TaintItem[]): Classification[] {
  return byStrength(items).map((i) => i.classification);
}

/** Severity by the strongest category: credentials, government ids, financial → error; health → warning; others → note. */
export function severityFor(items: TaintItem[]): Severity {
  const top = Math.max(0, ...items.map((i) => CATEGORY_RANK[i.classification.category]));
  return top >= 5 ? 'error' : top >= 4 ? 'warning' : 'note';
}

/** The last segment of a dotted callee path. */
export function lastName(path: string): string {
  const i = path.lastIndexOf('.');
  return (i < 0 ? path : path.slice(i + 1)).replace(/\(\)$/, '');
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The identifier characters (ASCII letters, digits, `_`, `$`) of `text` just before `end`. For a JavaScript callee
 * that is an identifier or a member expression, ending at `end`, calleePath's last segment is this word whenever
 * that segment is an ASCII name (a member expression's text ends with its property: trailing comments lie outside).
 */
export function lastWordBefore(text: string, end: number): string {
  let i = end;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36) i--;
    else break;
  }
  return text.slice(i, end);
}

/** A per-file memo in the rule's scratch space. */
export function memo<T>(ctx: RuleContext, table: string, key: string | number, compute: () => T): T {
  let m = ctx.state.get(table) as Map<string | number, T> | undefined;
  if (!m) {
    m = new Map();
    ctx.state.set(table, m);
  }
  if (m.has(key)) return m.get(key) as T;
  const v = compute();
  m.set(key, v);
  return v;
}

/** Whether the file imports a module matching `re` (memoised per file and pattern). */
export function importsAny(ctx: RuleContext, re: RegExp): boolean {
  return memo(ctx, 'importsAny', re.source, () => [...ctx.flow.imports.values()].some((m) => re.test(m)));
}
