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
 * When error recovery splits a class (an open parenthesis ends it at the edited method and puts the methods after it at
 * the top of the file, until the parenthesis closes), the unit becomes several: the edited function, the class's
 * header, the members that changed and the statements at the end of the file the parser read anew (splitUnits). The
 * methods the parser moved as they were keep their findings, though a full analysis of the broken tree sees them
 * outside their class (a finding that needs the class, as `self.x` resolved through `__init__`, can differ until the
 * parenthesis closes or the next full analysis); a finding whose fix or related location lies outside its function
 * is computed again with its function.
 *
 * A full analysis is made instead when the edit is outside every function, when the file has suppression comments, when the set of active rules
 * changed, when a finding (or one of its related locations or fixes) straddles the edited declaration, and
 * every REFRESH_EVERY analyses, which bounds how long a finding that depends on another function (a local
 * helper that stopped hashing, say) can be out of date.
 */
import type { Node } from 'web-tree-sitter';
import { ancestorsOf } from './flow';
import type { Carry } from './rule';
import type { Syntax } from './syntax';
import { LineIndex } from './text';
import type { Finding, Fix, Range } from './types';

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
  /**
   * The parts analysed again, in order and apart (one, or several when error recovery split a class: its header and
   * the changed members, see narrowChanges); `start`-`end` spans them all.
   */
  units: readonly Unit[];
  /** The imports of the previous analysis, when the edit touched no import (see mayImport). */
  imports?: ReadonlyMap<string, string>;
  /** Where the unit ended in the previous text, and how far what follows it moved. */
  oldEnd: number;
  delta: number;
  /** Where the edit starts (the same in both texts), and where the units lay in the old text. */
  at: number;
  oldUnits: readonly (readonly [number, number])[];
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
/** A unit larger than this is split into the parts that changed when it can be (see splitUnits). */
const SPLIT_ABOVE = 8192;
/** Parts this close are analysed as one (one query instead of two). */
const JOIN_WITHIN = 256;

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
    const unit = editScope(root, syntax, from, to, [prefix, editEnd]) ?? (cover && from === prefix && to === editEnd ? afterFunction(root, syntax, old, text, prefix, editEnd, old.length - suffix) : undefined);
    let units = unit && unit.startIndex <= from && unit.endIndex >= to ? [unit] : undefined;
    // What the parser changed may lie far from the edit (error recovery split a class): the parts alone, when smaller.
    if ((!units || size(units) > SPLIT_ABOVE) && (cover?.length ?? 0) > 1) {
      const split = splitUnits(root, syntax, prefix, editEnd, cover ?? []);
      if (split && (!units || size(split) < size(units))) {
        // A finding the parts leave out may point elsewhere in the file (a fix that adds an import): the parser may
        // have moved it out of its class, so that place can read differently now. Its function is analysed again too.
        const reaching: Unit[] = [];
        for (const p of memo.pending) {
          const f = p.finding;
          if (wholeFile(f.ruleId) || (f.related.length === 0 && f.fixes.length === 0)) continue;
          const moved = moveFinding(f, oldPlaces(split, prefix, editEnd, delta), prefix, delta, lines);
          if (typeof moved === 'string') continue;
          const a = moved.range.startOffset;
          const b = moved.range.endOffset;
          const u = editScope(root, syntax, a, b, [a, b]) ?? partUnit(root, syntax, a, b);
          if (!u) return undefined;
          const others = [...moved.related.map((r) => r.range), ...moved.fixes.flatMap((x) => x.edits.map((e) => e.range))];
          if (others.some((r) => r.startOffset < u.startIndex || r.endOffset > u.endIndex)) reaching.push(u);
        }
        units = reaching.length > 0 ? joinUnits([...split, ...reaching]) : split;
      }
    }
    if (!units) return undefined;
    const start = units[0].startIndex;
    const end = units[units.length - 1].endIndex;
    const oldUnits = oldPlaces(units, prefix, editEnd, delta);
    const oldEnd = end - delta;
    const kept: PendingFinding[] = [];
    for (const p of memo.pending) {
      if (wholeFile(p.finding.ruleId)) continue;
      const moved = moveFinding(p.finding, oldUnits, prefix, delta, lines);
      if (moved === 'inside') continue;
      if (moved === 'straddles') return undefined;
      kept.push({ ...p, finding: moved });
    }
    const touched = (t: string, at: readonly (readonly [number, number])[]) => at.some(([a, b]) => mayImport(syntax.family, t.slice(a, b)));
    const imports = memo.imports && !touched(old, oldUnits) && !touched(text, units.map((u) => [u.startIndex, u.endIndex] as const)) ? memo.imports : undefined;
    return { start, end, startPosition: units[0].startPosition, endPosition: units[units.length - 1].endPosition, units, kept, imports, oldEnd, delta, at: prefix, oldUnits, carried: memo.carried };
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

  /**
   * Whether the document's last analysis was of `base` (see Engine.parse's `defer`): its findings can stand for a text
   * edited from it. Not with suppression comments (their findings are made after the remembered ones).
   */
  canHold(path: string, languageId: string, base: string): boolean {
    const memo = this.docs.get(path);
    return !!memo && memo.languageId === languageId && memo.text === base && !base.includes('sealant-ignore');
  }

  /**
   * The findings of the document's last analysis, of `base`, moved to their places in `text` (Engine.parse held the tree
   * of `base`, see ParseOptions.defer): what lies before the edited region stays, what follows it moves with it, and a
   * range that reaches into it ends (or starts) at its edge; a fix that would change text in or at the edited region is
   * left out. Copies; the memo is left as it was. Undefined when the last analysis was of another text.
   */
  held(path: string, languageId: string, text: string, base: string): Finding[] | undefined {
    if (!this.canHold(path, languageId, base)) return undefined;
    const memo = this.docs.get(path)!;
    const { prefix, suffix } = this.changed(base, text);
    const oldEnd = base.length - suffix;
    const newEnd = text.length - suffix;
    const delta = text.length - base.length;
    const lines = memo.pending.length > 0 ? new LineIndex(text) : undefined;
    const move = (r: Range): Range => {
      const start = r.startOffset >= oldEnd ? r.startOffset + delta : Math.min(r.startOffset, prefix);
      const end = r.endOffset <= prefix ? r.endOffset : r.endOffset >= oldEnd ? r.endOffset + delta : newEnd;
      return start === r.startOffset && end === r.endOffset ? { ...r } : lines!.range(start, end);
    };
    const touches = (r: Range) => r.startOffset <= oldEnd && r.endOffset >= prefix;
    return memo.pending.map(({ finding: f }) => withRanges(f, move, f.fixes.filter((x) => !x.edits.some((e) => touches(e.range)))));
  }

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
    else if (insideUnits(scope, r.startOffset, r.endOffset)) inside.push(p);
    else if (!kept.has(key(p))) return undefined;
  }
  return [...scope.kept, ...inside];
}

/** The edit as rules see it (RuleContext.carry): the units, with where they lay in the old text when there are several. */
export function carriedEdit(scope: EditScope): NonNullable<Carry['edit']> {
  const edit = { start: scope.start, end: scope.end, oldEnd: scope.oldEnd, delta: scope.delta, startPosition: scope.startPosition, endPosition: scope.endPosition };
  if (scope.units.length === 1) return edit;
  const old = scope.oldUnits;
  return {
    ...edit,
    at: scope.at,
    parts: scope.units.map((u, i) => ({ start: u.startIndex, end: u.endIndex, oldStart: old[i][0], oldEnd: old[i][1], startPosition: u.startPosition, endPosition: u.endPosition })),
  };
}

/** Does a range of the new text lie inside one of the scope's units? */
export function insideUnits(scope: Pick<EditScope, 'units'>, from: number, to: number): boolean {
  return scope.units.some((u) => from >= u.startIndex && to <= u.endIndex);
}

/** Where units of the new text lay in the old one (the edit is inside one of them: what follows it moved by `delta`). */
function oldPlaces(units: readonly Unit[], prefix: number, editEnd: number, delta: number): [number, number][] {
  return units.map((u): [number, number] => [u.startIndex <= prefix ? u.startIndex : u.startIndex - delta, u.endIndex < editEnd ? u.endIndex : u.endIndex - delta]);
}

function size(units: readonly Unit[]): number {
  return units.reduce((n, u) => n + u.endIndex - u.startIndex, 0);
}

/**
 * The units of an edit whose changed ranges lie apart: the edit's unit (it must be inside a function), and for each
 * changed range outside it the member or statement that holds it (partUnit), joined where they overlap or nearly
 * touch. Undefined when a range has no unit.
 */
function splitUnits(root: Node, syntax: Syntax, prefix: number, editEnd: number, cover: readonly (readonly [number, number])[]): Unit[] | undefined {
  const first = editScope(root, syntax, prefix, editEnd, [prefix, editEnd]);
  if (!first) return undefined;
  const list: Unit[] = [first];
  for (const [a, b] of cover) {
    if (b <= a || list.some((u) => a >= u.startIndex && b <= u.endIndex)) continue;
    const u = editScope(root, syntax, a, b, [a, b]) ?? partUnit(root, syntax, a, b);
    if (!u || u.startIndex > a || u.endIndex < b) return undefined;
    list.push(u);
  }
  return joinUnits(list);
}

/** Units in order, those that overlap or nearly touch joined. */
function joinUnits(list: Unit[]): Unit[] {
  list.sort((x, y) => x.startIndex - y.startIndex);
  const joined: Unit[] = [];
  for (const u of list) {
    const last = joined[joined.length - 1];
    if (last && u.startIndex <= last.endIndex + JOIN_WITHIN) {
      if (u.endIndex > last.endIndex) joined[joined.length - 1] = { startIndex: last.startIndex, startPosition: last.startPosition, endIndex: u.endIndex, endPosition: u.endPosition };
    } else joined.push(u);
  }
  return joined;
}

/**
 * The part of the file that holds a changed range outside every function: the statement of the file that holds it, or
 * when that is a class, the header alone for a range in the header, or the member (again: a nested class's header)
 * for a range in its body. Ranges across statements: from the statement at the start to the one at the end.
 */
function partUnit(root: Node, syntax: Syntax, a: number, b: number): Unit | undefined {
  const at = root.descendantForIndex(a, Math.max(a, b - 1));
  if (!at) return undefined;
  const path = [...ancestorsOf(at, root), at];
  let i = 1;
  while (path[i]?.type === 'ERROR' && path[i + 1]) i++;
  const n0 = path[i];
  if (!n0 || n0.type === 'ERROR' || n0.startIndex > a || n0.endIndex < b) {
    // Across statements of the file (those of an ERROR node around them included): from the first to the last.
    const over: Node[] = [];
    const add = (n: Node): void => {
      for (const c of n.children) {
        if (!c || c.endIndex <= a || c.startIndex >= b) continue;
        if (c.type === 'ERROR' && c.childCount > 0 && (c.startIndex < a || c.endIndex > b)) add(c);
        else over.push(c);
      }
    };
    add(root);
    const f = over[0];
    const l = over[over.length - 1];
    return f && l ? { startIndex: Math.min(f.startIndex, a), endIndex: Math.max(l.endIndex, b), startPosition: f.startPosition, endPosition: l.endPosition } : undefined;
  }
  for (; i < path.length; i++) {
    const n = path[i];
    const block = syntax.members.classBody(n);
    if (!block || a < block.startIndex && b > block.startIndex) return n;
    if (b <= block.startIndex) return { startIndex: n.startIndex, endIndex: block.startIndex, startPosition: n.startPosition, endPosition: block.startPosition };
    // In the class body: the member that holds the range, next in the path after the block, or the members it spans.
    const j = path.findIndex((p, k) => k > i && p.id === block.id);
    if (j < 0 || !path[j + 1]) {
      const members = block.children.filter((m): m is Node => !!m && m.endIndex > a && m.startIndex < b);
      const f = members[0];
      const l = members[members.length - 1];
      return f && l ? { startIndex: f.startIndex, endIndex: l.endIndex, startPosition: f.startPosition, endPosition: l.endPosition } : block;
    }
    i = j;
  }
  return undefined;
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

/**
 * While typing (Engine.parse's `defer`): the unit of the edited old tree that holds all of [from, to) (a top-level
 * function or statement holding one, or a member of a class), when the previous parse found no syntax error in it.
 */
export function heldUnit(root: Node, syntax: Syntax, from: number, to: number): Node | undefined {
  const unit = unitAt(root, syntax, from, to);
  return unit && !unit.hasError && unit.startIndex <= from && unit.endIndex >= to ? unit : undefined;
}

/**
 * Whitespace typed or deleted right after the last token of a function, where no node holds it (a Python block ends
 * at its last token, so the end of a method's last line, or a blank line after it): when the parser's changed ranges
 * are known and lie within the edit (the caller checks), the tree is the same apart from places, and that function
 * is the unit, stretched over the whitespace. Its positions stay the function's: nothing in the stretch is there for
 * a query to find.
 */
function afterFunction(root: Node, syntax: Syntax, old: string, text: string, prefix: number, editEnd: number, oldEnd: number): Unit | undefined {
  if (!isBlank(text, prefix, editEnd) || !isBlank(old, prefix, oldEnd)) return undefined;
  let last = prefix;
  while (last > 0 && isBlank(text, last - 1, last)) last--;
  const fn = last > 0 ? unitAt(root, syntax, last - 1, last) : undefined;
  if (!fn || fn.endIndex !== last) return undefined;
  return { startIndex: fn.startIndex, endIndex: editEnd, startPosition: fn.startPosition, endPosition: fn.endPosition };
}

/**
 * Whether [from, to) holds spaces, tabs and line ends only: what every grammar skips between tokens (`\s`, as
 * engine.ts's isSpace reads it, takes in characters such as U+00A0 that a grammar may read as an error token).
 */
function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
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
 *
 * A class that changed (error recovery ends it at the edited method and puts the methods after it at the top of the
 * file, or joins them again) counts by parts: its header, and each member but the functions the other tree holds
 * unchanged at the same place, in the class or at the top of the file (see sameFunction).
 */
export function narrowChanges(syntax: Syntax, oldRoot: Node, newRoot: Node, changed: readonly (readonly [number, number])[]): (readonly [number, number])[] {
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
    if (o && same(o, n)) kept.add(place(n));
    else ranges.push(...parts(syntax, n, oldRoot, false));
  }
  // Statements of the old tree that are gone or changed (their places are already those of the new text).
  for (const [key, n] of before) if (!kept.has(key)) ranges.push(...parts(syntax, n, newRoot, true));
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

/** Two nodes at the same place parse alike: same type, neither with a syntax error, `old` not edited, as many nodes. */
function same(old: Node, n: Node): boolean {
  return old.type === n.type && !old.hasChanges && !old.hasError && !n.hasError && old.childCount === n.childCount && old.descendantCount === n.descendantCount;
}

/**
 * A function of one tree the other holds unchanged at the same place (in a class or at the top of the file): error
 * recovery moved it out of its class or back without reading it differently. `isOld`: `n` is of the old tree.
 */
function sameFunction(syntax: Syntax, n: Node, other: Node, isOld: boolean): boolean {
  if (!syntax.members.isFunctionStatement(n)) return false;
  // The smallest node spanning the function's bytes: the function itself (none of its children spans them all).
  const twin = other.descendantForIndex(n.startIndex, n.endIndex);
  if (!twin || twin.startIndex !== n.startIndex || twin.endIndex !== n.endIndex) return false;
  return isOld ? same(n, twin) : same(twin, n);
}

/**
 * The ranges of a changed statement: none for a function the other tree holds unchanged (sameFunction), else all of it,
 * or for a class its header and the ranges of its members.
 */
function parts(syntax: Syntax, n: Node, other: Node, isOld: boolean): (readonly [number, number])[] {
  if (sameFunction(syntax, n, other, isOld)) return [];
  const block = syntax.members.classBody(n);
  if (!block) return [[n.startIndex, n.endIndex]];
  // The header ends with its colon (the line break and indentation after it belong to no statement).
  const out: (readonly [number, number])[] = [[n.startIndex, block.previousSibling?.endIndex ?? block.startIndex]];
  for (const m of block.children) if (m) out.push(...parts(syntax, m, other, isOld));
  return out;
}

type Unit = Pick<Node, 'startIndex' | 'endIndex' | 'startPosition' | 'endPosition'>;

function unitAt(root: Node, syntax: Syntax, start: number, end: number): Node | undefined {
  const at = root.descendantForIndex(start, Math.max(start, end));
  if (!at || at.id === root.id) return undefined;
  const path = [...ancestorsOf(at, root), at];
  const fn = path.findIndex((n, i) => i > 0 && syntax.isFunction(n));
  if (fn < 0) return undefined;
  let i = fn;
  while (i > 1 && !isContainer(syntax, path[i - 1], root)) i--;
  return path[i];
}

function isContainer(syntax: Syntax, n: Node, root: Node): boolean {
  // An ERROR node too: while a parenthesis or quote is open the parser can wrap the rest of the file in one, and the
  // functions inside it are still units (the parser's changed ranges tell whether the edit reached further).
  return n.id === root.id || n.type === 'ERROR' || syntax.members.isMemberList(n);
}

/**
 * A previous finding in the new text: unchanged before the edit, moved by `delta` after it; 'inside' when it lies in
 * one of the units (`units`: where they were in the old text; it is recomputed), 'straddles' when it or a related
 * location or fix crosses one, or a related location or fix lies in one. `edit`: where the edit starts (it is in a unit).
 */
function moveFinding(f: Finding, units: readonly (readonly [number, number])[], edit: number, delta: number, lines: LineIndex): Finding | 'inside' | 'straddles' {
  const where = (r: Range): 'outside' | 'inside' | 'straddles' => {
    for (const [start, oldEnd] of units) {
      if (r.endOffset <= start && !(r.startOffset === start && r.endOffset === start)) continue;
      if (r.startOffset >= oldEnd) continue;
      return r.startOffset >= start && r.endOffset <= oldEnd ? 'inside' : 'straddles';
    }
    return 'outside';
  };
  const main = where(f.range);
  if (main !== 'outside') return main;
  const others = [...f.related.map((r) => r.range), ...f.fixes.flatMap((x) => x.edits.map((e) => e.range))];
  if (others.some((r) => where(r) !== 'outside')) return 'straddles';
  // Outside every unit, so wholly before the edit or after it.
  const after = (r: Range) => r.startOffset > edit || (r.startOffset === edit && r.endOffset > edit);
  if (!after(f.range) && !others.some(after)) return { ...f };
  return withRanges(f, (r) => (after(r) ? lines.range(r.startOffset + delta, r.endOffset + delta) : r));
}

/** A finding with its range, its related locations' and its fixes' edits' ranges moved (`fixes`: the fixes to keep). */
function withRanges(f: Finding, move: (r: Range) => Range, fixes: readonly Fix[] = f.fixes): Finding {
  return {
    ...f,
    range: move(f.range),
    related: f.related.map((r) => ({ ...r, range: move(r.range) })),
    fixes: fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, range: move(e.range) })) })),
  };
}
