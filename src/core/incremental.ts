/**
 * Editor feedback while typing: when a document is analysed again after an edit inside one function, only
 * that function (its top-level declaration, or its method in a class) is queried and checked again; the
 * findings elsewhere are carried over from the previous analysis with their ranges moved, and fingerprints
 * are recomputed over the whole file, so the result equals a full analysis whenever no finding outside the
 * edited declaration depends on it.
 *
 * Rules with `finish` (whole-file absence checks) are run over the whole file every time, each with its own
 * query; their findings are never carried over.
 *
 * The unit also holds every range whose syntax the parser changed (the engine passes Tree.getChangedRanges: an open
 * parenthesis or quote can make error recovery reach past the edited function), widened to whole members or top-level
 * statements; an ERROR node counts as a container, so a function the parser wrapped in one is still a unit, and the
 * changed ranges leave out the statements of the file the parser kept as they were (see narrowChanges). Rules can
 * hand per-file facts to the next analysis (RuleContext.carry), kept here with the findings.
 *
 * A full analysis is made instead when the edit is outside every function, when the file has suppression comments, when the set of active rules
 * changed, when a finding (or one of its related locations or fixes) straddles the edited declaration, and
 * every REFRESH_EVERY analyses, which bounds how long a finding that depends on another function (a local
 * helper that stopped hashing, say) can be out of date.
 */
import type { Node } from 'web-tree-sitter';
import { ancestorsOf } from './flow';
import type { Syntax } from './syntax';
import type { LineIndex } from './text';
import type { Finding, Range } from './types';

/** A finding with what its fingerprint is computed from. */
export interface PendingFinding {
  finding: Finding;
  scopeName: string;
  key: string;
}

/** The part of the file to analyse again, and the findings carried over from the previous analysis. */
export interface EditScope {
  start: number;
  end: number;
  startPosition: { row: number; column: number };
  endPosition: { row: number; column: number };
  kept: PendingFinding[];
  /** The imports of the previous analysis, when the edit touched no import (see mayImport). */
  imports?: ReadonlyMap<string, string>;
  /** Where the unit ended in the previous text, and how far what follows it moved. */
  oldEnd: number;
  delta: number;
  /** What the rules of the previous analysis kept for this one (RuleContext.carry). */
  carried: ReadonlyMap<string, unknown>;
}

interface Memo {
  languageId: string;
  text: string;
  rules: readonly unknown[];
  pending: PendingFinding[];
  /** Analyses made with a scope since the last full one. */
  scoped: number;
  /** The file's imports (DataFlow.imports), when the analysis needed them. */
  imports?: ReadonlyMap<string, string>;
  /** What the rules kept for the next analysis (RuleContext.carry). */
  carried: ReadonlyMap<string, unknown>;
}

/** A full analysis at least this often, however the edits fall. */
export const REFRESH_EVERY = 50;
const MAX_DOCUMENTS = 8;
/** Characters compared at a time when looking for the edited region. */
const BLOCK = 512;

/** Node types whose children are the units re-analysed: a class body's members. */
const CLASS_BODIES = new Set(['class_body']);

export class EditMemo {
  private readonly docs = new Map<string, Memo>();

  /**
   * The scope to analyse for `text` given the previous analysis of the same path, or undefined for a full
   * analysis. `rules` are the active rules (compared by identity); `wholeFile(ruleId)` tells the rules whose
   * findings are recomputed over the whole file (never carried over).
   */
  scope(path: string, languageId: string, text: string, root: Node, syntax: Syntax, rules: readonly unknown[], wholeFile: (ruleId: string) => boolean, lines: LineIndex, cover?: readonly (readonly [number, number])[]): EditScope | undefined {
    const memo = this.docs.get(path);
    if (!memo || memo.languageId !== languageId || memo.scoped >= REFRESH_EVERY) return undefined;
    if (memo.rules.length !== rules.length || memo.rules.some((r, i) => r !== rules[i])) return undefined;
    if (text.includes('sealant-ignore') || memo.text.includes('sealant-ignore')) return undefined;
    const old = memo.text;
    if (old === text) return undefined;
    // The edited region: what lies between the common prefix and the common suffix.
    const { prefix, suffix } = this.changed(old, text);
    const delta = text.length - old.length;
    const editEnd = text.length - suffix;
    // The unit must also hold what the parser changed (error recovery can reach past the edited function).
    let from = prefix;
    let to = editEnd;
    for (const [a, b] of cover ?? []) {
      if (b <= a) continue;
      from = Math.min(from, a);
      to = Math.max(to, b);
    }
    const unit = editScope(root, syntax, from, to, [prefix, editEnd]);
    if (!unit) return undefined;
    const start = unit.startIndex;
    const end = unit.endIndex;
    if (start > from || end < to) return undefined;
    const oldEnd = end - delta;
    const kept: PendingFinding[] = [];
    for (const p of memo.pending) {
      if (wholeFile(p.finding.ruleId)) continue;
      const moved = moveFinding(p.finding, start, oldEnd, delta, lines);
      if (moved === 'inside') continue;
      if (moved === 'straddles') return undefined;
      kept.push({ ...p, finding: moved });
    }
    const imports = memo.imports && !mayImport(syntax.family, old.slice(start, end - delta)) && !mayImport(syntax.family, text.slice(start, end)) ? memo.imports : undefined;
    return { start, end, startPosition: unit.startPosition, endPosition: unit.endPosition, kept, imports, oldEnd, delta, carried: memo.carried };
  }

  /** Keeps an analysis for the next edit of the same document (`scoped`: it was made with a scope). */
  remember(path: string, languageId: string, text: string, rules: readonly unknown[], pending: PendingFinding[], scoped: boolean, imports?: ReadonlyMap<string, string>, carried: ReadonlyMap<string, unknown> = new Map()): void {
    const before = this.docs.get(path);
    this.docs.delete(path);
    // Copies: the caller owns the findings it was given (and may mark them, e.g. as triaged).
    const copies = pending.map((p) => ({ ...p, finding: { ...p.finding } }));
    this.docs.set(path, { languageId, text, rules, pending: copies, scoped: scoped ? (before?.scoped ?? 0) + 1 : 0, imports, carried });
    while (this.docs.size > MAX_DOCUMENTS) this.docs.delete(this.docs.keys().next().value as string);
  }

  /**
   * The edited region between two texts: the lengths of their common prefix and common suffix (not overlapping).
   * The last answer is kept: the engine asks for the same pair twice per analysis.
   */
  changed(old: string, text: string): { prefix: number; suffix: number } {
    const last = this.lastChange;
    if (last && last.old === old && last.text === text) return last;
    const max = Math.min(old.length, text.length);
    // Whole blocks first (string equality compares natively, many times faster than a loop over characters).
    let prefix = 0;
    while (prefix + BLOCK <= max && old.slice(prefix, prefix + BLOCK) === text.slice(prefix, prefix + BLOCK)) prefix += BLOCK;
    while (prefix < max && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
    let suffix = 0;
    while (suffix + BLOCK <= max - prefix && old.slice(old.length - suffix - BLOCK, old.length - suffix) === text.slice(text.length - suffix - BLOCK, text.length - suffix)) suffix += BLOCK;
    while (suffix < max - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
    this.lastChange = { old, text, prefix, suffix };
    return this.lastChange;
  }

  private lastChange: { old: string; text: string; prefix: number; suffix: number } | undefined;

  forget(path: string): void {
    this.docs.delete(path);
  }

  /** The text and active rules of the last analysis remembered for a document, and its count of scoped analyses. */
  last(path: string): { languageId: string; text: string; rules: readonly unknown[]; scoped: number } | undefined {
    return this.docs.get(path);
  }
}

/**
 * Could this text of the edited unit hold an import (`import`, `require(`, Python's `__import__`, C#'s `using`, PHP's
 * `use` and `include`)? Imports live in the file's top-level statements and, in Python, anywhere in functions; an
 * edit whose unit holds none before and after leaves the file's imports as they were.
 */
function mayImport(family: string, text: string): boolean {
  if (family === 'python') return text.includes('import');
  if (family === 'js') return /import|require/.test(text);
  return /import|require|using|\buse\b|include/.test(text);
}

/**
 * The findings of a scoped analysis: those carried over plus the new ones inside the unit. Undefined when
 * the unit's rules reported something new outside it (the edit reaches further: analyse the whole file).
 */
export function mergeScoped(scope: EditScope, fresh: PendingFinding[], wholeFile: (ruleId: string) => boolean): PendingFinding[] | undefined {
  const key = (p: PendingFinding) => `${p.finding.ruleId}:${p.finding.range.startOffset}:${p.finding.range.endOffset}`;
  const kept = new Set(scope.kept.map(key));
  const inside: PendingFinding[] = [];
  for (const p of fresh) {
    const r = p.finding.range;
    if (wholeFile(p.finding.ruleId)) inside.push(p);
    else if (r.startOffset >= scope.start && r.endOffset <= scope.end) inside.push(p);
    else if (!kept.has(key(p))) return undefined;
  }
  return [...scope.kept, ...inside];
}

/**
 * The unit an edit falls in: the outermost function around it, widened to the statement that holds it at
 * the top level of the file or of a class body. Undefined when the edit is not inside a function. `start`-`end` is
 * the edit with the parser's changed ranges, `edit` the edit alone.
 */
function editScope(root: Node, syntax: Syntax, start: number, end: number, edit: readonly [number, number]): Unit | undefined {
  const unit = unitAt(root, syntax, start, end);
  if (unit || end <= start + 1 || !unitAt(root, syntax, edit[0], edit[1])) return unit;
  // Across several members of one file or class body: from the unit at the start to the unit at the end, or, when
  // they lie in different classes, from the top-level statement at the start to the one at the end.
  let first = unitAt(root, syntax, start, start);
  let last = unitAt(root, syntax, end - 1, end - 1);
  if (!first || !last || first.parent?.id !== last.parent?.id) {
    // The edit is inside a function; what the parser changed past it is analysed again, whole top-level statements.
    first = first ?? root.descendantForIndex(start, start) ?? undefined;
    last = last ?? root.descendantForIndex(end - 1, end - 1) ?? undefined;
    if (!first || !last) return undefined;
    first = topLevel(first, root);
    last = topLevel(last, root);
  }
  if (first.startIndex > last.startIndex) return undefined;
  return { startIndex: first.startIndex, endIndex: last.endIndex, startPosition: first.startPosition, endPosition: last.endPosition };
}

/** The statement of the file that holds a node (an ERROR node that wraps statements of the file is looked through). */
function topLevel(n: Node, root: Node): Node {
  const path = [...ancestorsOf(n, root), n];
  let i = 1;
  while (path[i]?.type === 'ERROR' && path[i + 1]) i++;
  return path[i] ?? n;
}

/**
 * The parser's changed ranges (Tree.getChangedRanges), narrowed to the statements of the file that changed. While a
 * parenthesis is open, error recovery can wrap every statement of a module in one ERROR node (and unwrap them when it
 * closes): every range then counts as changed, though the statements themselves parse as they did. A statement of the
 * file, or of an ERROR node at the top of the file, is unchanged when the other tree holds a statement of the same type
 * at the same place (`oldRoot` is the edited old tree, so its places are those of the new text), neither holds a
 * syntax error, the edit is not inside it (so its text is the same) and both have as many nodes and children; the
 * ranges become those of the other statements.
 */
export function narrowChanges(oldRoot: Node, newRoot: Node, changed: readonly (readonly [number, number])[]): (readonly [number, number])[] {
  // Only when one of the trees is wrapped so (its first node after any comments an ERROR over most of the file):
  // elsewhere the ranges are left as they are (listing the statements of a large file costs milliseconds).
  const wrapped = (root: Node): boolean => {
    let first = root.firstChild;
    while (first && first.type === 'comment') first = first.nextSibling;
    return !!first && first.type === 'ERROR' && 2 * (first.endIndex - first.startIndex) > root.endIndex - root.startIndex;
  };
  if (changed.length === 0 || (!oldRoot.hasError && !newRoot.hasError) || (!wrapped(newRoot) && !wrapped(oldRoot))) return [...changed];
  const statements = (root: Node): Node[] => {
    const list: Node[] = [];
    const add = (n: Node): void => {
      for (const c of n.children) {
        if (!c) continue;
        if (c.type === 'ERROR' && c.childCount > 0) add(c);
        else list.push(c);
      }
    };
    add(root);
    return list;
  };
  const place = (n: Node): string => `${n.type}:${n.startIndex}:${n.endIndex}`;
  const before = new Map(statements(oldRoot).map((n) => [place(n), n]));
  const kept = new Set<string>();
  const ranges: (readonly [number, number])[] = [];
  for (const n of statements(newRoot)) {
    const o = before.get(place(n));
    if (o && !o.hasChanges && !o.hasError && !n.hasError && o.childCount === n.childCount && o.descendantCount === n.descendantCount) kept.add(place(n));
    else ranges.push([n.startIndex, n.endIndex]);
  }
  // Statements of the old tree that are gone or changed (their places are already those of the new text).
  for (const [key, n] of before) if (!kept.has(key)) ranges.push([n.startIndex, n.endIndex]);
  // Only within what the parser said changed.
  const narrowed: (readonly [number, number])[] = [];
  for (const [a, b] of ranges) {
    for (const [c, d] of changed) {
      const from = Math.max(a, c);
      const to = Math.min(b, d);
      if (from < to || (from === to && a === b)) narrowed.push([from, to]);
    }
  }
  return narrowed;
}

type Unit = Pick<Node, 'startIndex' | 'endIndex' | 'startPosition' | 'endPosition'>;

function unitAt(root: Node, syntax: Syntax, start: number, end: number): Node | undefined {
  const at = root.descendantForIndex(start, Math.max(start, end));
  if (!at || at.id === root.id) return undefined;
  const path = [...ancestorsOf(at, root), at];
  const fn = path.findIndex((n, i) => i > 0 && syntax.isFunction(n));
  if (fn < 0) return undefined;
  let i = fn;
  while (i > 1 && !isContainer(path[i - 1], root)) i--;
  return path[i];
}

function isContainer(n: Node, root: Node): boolean {
  // An ERROR node too: while a parenthesis or quote is open the parser can wrap the rest of the file in one, and the
  // functions inside it are still units (the parser's changed ranges tell whether the edit reached further).
  if (n.id === root.id || CLASS_BODIES.has(n.type) || n.type === 'ERROR') return true;
  // Python: a class's `block`.
  return n.type === 'block' && n.parent?.type === 'class_definition';
}

/**
 * A previous finding in the new text: unchanged before the edited unit, moved by `delta` after it; 'inside'
 * when it lies in the unit (it is recomputed), 'straddles' when it or a related location or fix crosses it.
 */
function moveFinding(f: Finding, start: number, oldEnd: number, delta: number, lines: LineIndex): Finding | 'inside' | 'straddles' {
  const where = (r: Range): 'before' | 'after' | 'inside' | 'straddles' => {
    if (r.endOffset <= start && !(r.startOffset === start && r.endOffset === start)) return 'before';
    if (r.startOffset >= oldEnd) return 'after';
    if (r.startOffset >= start && r.endOffset <= oldEnd) return 'inside';
    return 'straddles';
  };
  const main = where(f.range);
  if (main === 'inside') return 'inside';
  if (main === 'straddles') return 'straddles';
  const others = [...f.related.map((r) => r.range), ...f.fixes.flatMap((x) => x.edits.map((e) => e.range))];
  if (others.some((r) => where(r) === 'inside' || where(r) === 'straddles')) return 'straddles';
  if (main === 'before' && others.every((r) => where(r) === 'before')) return { ...f };
  const move = (r: Range): Range => (where(r) === 'after' ? lines.range(r.startOffset + delta, r.endOffset + delta) : r);
  return {
    ...f,
    range: move(f.range),
    related: f.related.map((r) => ({ ...r, range: move(r.range) })),
    fixes: f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, range: move(e.range) })) })),
  };
}
