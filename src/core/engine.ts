/**
 * The engine: text + language + compiled rules in, findings out. It never touches the editor or the disk:
 * grammars arrive through the Host. One parser per grammar, grammars loaded and rule queries compiled on
 * first use, all active rules of a grammar compiled into ONE query, a file parsed once, every Tree, Query
 * and cursor freed.
 */
import { Language, Parser, Query, type Node, type QueryMatch, type Tree } from 'web-tree-sitter';
import { GRAMMAR_FILES, GRAMMAR_SYNTAX, RUNTIME_WASM_FILE, acceptsPath, languageById, languageForPath, type GrammarId, type LanguageInfo, type SyntaxFamily } from '../languages/registry';
import { jsSyntax } from '../languages/js';
import { pythonSyntax } from '../languages/python';
import { goSyntax } from '../languages/go';
import { phpSyntax } from '../languages/php';
import { rubySyntax } from '../languages/ruby';
import { javaSyntax } from '../languages/java';
import { csharpSyntax } from '../languages/csharp';
import { propertiesSyntax, yamlSyntax } from '../languages/config';
import { META_RULES } from '../rules/meta';
import { SANITIZERS, type SanitizerDef } from '../rules/sanitizers';
import { Classifier, type ClassifierExtension } from './classifier';
import { FingerprintCounter } from './fingerprint';
import { EditMemo, REFRESH_EVERY, carriedEdit, heldUnit, insideUnits, mergeScoped, narrowChanges } from './incremental';
import { DataFlow } from './flow';
import { NEVER_CANCELLED, type Cancellation, type Host } from './host';
import type { Carry, FactInput, FixInput, RelatedInput, ReportInput, RuleContext, RuleDefinition, RuleMatch } from './rule';
import { parseSuppression, suppressionMatches, type SuppressionComment } from './suppress';
import type { Syntax } from './syntax';
import { walk } from './syntax';
import { DEFAULT_LIMITS, LineIndex, pathKind, skipReason, type TextLimits } from './text';
import type { FileResult, Finding, InventoryFact, Range, RuleDescriptor, Severity } from './types';
import { INVENTORY_RULES } from '../inventory/rules';
import { KeywordPrefilter } from './prefilter';
import { redact } from './values';

export type RuleLevel = Severity | 'off';

export interface RuleSetting {
  severity?: RuleLevel;
  options?: Record<string, unknown>;
}

/** What the engine needs of the team config (the config layer resolves files, extends and globs). */
export interface EngineConfig {
  rules?: Record<string, RuleSetting>;
  sanitizers?: SanitizerDef[];
  dataTypes?: ClassifierExtension;
  hosts?: { allowInsecure?: string[]; approved?: string[] };
  /**
   * Also run the personal-data inventory pass (src/inventory) and return its facts in `FileResult.facts`.
   * Plain data, so it reaches the scan workers with the rest of the config.
   */
  inventory?: boolean;
}

export interface EngineOptions {
  rules: readonly RuleDefinition[];
  config?: EngineConfig;
  limits?: TextLimits;
  /** Parse time budget per file in milliseconds (default 5000). */
  parseTimeoutMs?: number;
  /** Time budget for running the rules over one parsed file, in milliseconds (default 20000). */
  analysisTimeoutMs?: number;
  /**
   * For the editor: remember each document's last analysis (a few documents, by path) so that analyzeTree
   * after an edit inside a function re-analyses only that function (see incremental.ts).
   */
  incremental?: boolean;
}

/** Options of Engine.parse. */
export interface ParseOptions {
  /**
   * Typing in the editor's document at this path (incremental engines): when the edit leaves the function that holds it
   * with a syntax error it did not have (an open parenthesis or quote, a statement half typed), the file is not parsed
   * again. Error recovery would re-read much of the file for a text that is about to change (a Python keystroke inside
   * an open parenthesis costs 15-50 ms of parsing in 5,000 lines), and its tree can read the rest of the file
   * differently until the function is whole again. parse() returns a copy of the edited old tree instead, which still
   * describes the last text parsed (isHeld tells); analyzeTree gives that text's findings, moved to their places in the
   * new one (EditMemo.held); the next parse starts from that tree. The editor parses without `defer` once typing
   * pauses, so a function left broken gets the same findings as a scan.
   *
   * Whether the function has a syntax error is read by parsing it alone (its range of the text), so only for a
   * function the grammar reads alone as it reads it in the file (not a JavaScript method), that the last parse found
   * no error in, with no suppression comment in the file, right after an analysis of the last text parsed.
   */
  defer?: { path: string };
}

/** Filled in by analyzeTree when the rules ran past their time budget (their findings are then incomplete). */
export interface AnalysisBudget {
  timedOut: boolean;
}

/** A text the grammar cannot be trusted with (see Engine.unsupportedReason); thrown by parse(). */
export class UnsupportedInputError extends Error {}

/**
 * tree-sitter's wasm module trapped (e.g. "memory access out of bounds"): its memory may be corrupt, so this
 * engine refuses further work. The CLI's workers exit and are replaced; in-process callers make a new process.
 */
export class EngineCrashedError extends Error {}

/**
 * tree-sitter-python's external scanner keeps its indentation stack in a fixed serialisation buffer and
 * corrupts wasm memory past about 510 nested indentation levels (later files then parse wrongly or trap).
 * Real code stays far below this limit.
 */
export const PYTHON_MAX_INDENT_LEVELS = 200;

/**
 * Whether an edit (the texts' common prefix and suffix) leaves what pythonIndentDepth reads as it was: it adds or
 * removes no line break and lies after the first character of its line that is not a space, tab or form feed (that
 * character, the indentation before it, and so whether the line counts, are unchanged).
 */
function sameIndentation(old: string, text: string, { prefix, suffix }: { prefix: number; suffix: number }): boolean {
  if (/[\n\r]/.test(old.slice(prefix, old.length - suffix)) || /[\n\r]/.test(text.slice(prefix, text.length - suffix))) return false;
  let first = text.lastIndexOf('\n', prefix - 1) + 1;
  while (first < prefix && /[ \t\f]/.test(text[first])) first++;
  return first < prefix;
}

/** Indentation nesting depth of a Python text, counted as the scanner's indent stack grows (an upper bound). */
export function pythonIndentDepth(text: string): number {
  const stack: number[] = [0];
  let max = 0;
  let i = 0;
  while (i < text.length) {
    let col = 0;
    let j = i;
    for (; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 32) col++;
      else if (c === 9) col += 8 - (col % 8);
      else if (c === 12) col = 0;
      else break;
    }
    const c = j < text.length ? text.charCodeAt(j) : 10;
    if (c !== 10 && c !== 13 && c !== 35) {
      while (stack.length > 1 && stack[stack.length - 1] > col) stack.pop();
      if (col > stack[stack.length - 1]) {
        stack.push(col);
        if (stack.length - 1 > max) max = stack.length - 1;
      }
    }
    const nl = text.indexOf('\n', j);
    if (nl < 0) break;
    i = nl + 1;
  }
  return max;
}

function isWasmTrap(err: unknown): boolean {
  return err instanceof Error && err.name === 'RuntimeError';
}

export interface SourceFile {
  /** Path used in findings (the CLI passes it relative to the scan root). */
  path: string;
  text: string;
  /** VS Code language id; derived from the path when absent. */
  languageId?: string;
}

interface CompiledRule {
  rule: RuleDefinition;
  /** The keyword gate's source (RuleDefinition.keywords, or keywordsUnlessApprovedHosts without approved hosts). */
  keywords: string | undefined;
  /** The keyword and data-type gates (see RuleDefinition); the data-type test is built on first use. */
  gate: Gate | undefined;
  gateTypes: RuleDefinition['gateTypes'];
  /** RuleDefinition.gateSources, compiled. */
  sources: Partial<Record<SyntaxFamily, RegExp>> | undefined;
  /** Either gate is enough (RuleDefinition.gateEither). */
  either: boolean;
  /** The keyword pattern cannot match across lines (see activeAfterEdit). */
  lineLocal: boolean;
  /** While typing (see activeAfterEdit): what may make the keyword gate pass where it did not (null: nothing
   * shorter than the whole text; undefined: not worked out yet — only editors need it, so it is made on first use). */
  editGate: EditGate | null | undefined;
  /** The same for each source pattern (RuleDefinition.gateSources), by family; made on first use. */
  sourceGates: Partial<Record<SyntaxFamily, EditGate | null>>;
  /** RuleDefinition.textTests, compiled (case-insensitive). */
  textTests: Record<string, RegExp>;
  severity: Severity | undefined;
  options: Record<string, unknown>;
}

interface PatternOwner {
  rule: CompiledRule;
  local: number;
}

interface GrammarState {
  language: Language;
  parser: Parser;
  query: Query | undefined;
  /** Pattern index of the combined query -> the rules that have it and its index inside each rule's own query. */
  patterns: PatternOwner[][];
  rules: CompiledRule[];
  /** Rules whose query failed to compile for this grammar. */
  errors: string[];
}

/** Keyword patterns that may match a line break or depend on more than their own line (anchors, lookarounds). */
const CROSSES_LINES = /\\[sSWDnr]|\[\^|[\^$]|\(\?|\\p\{/;
/** Characters handed to the parser per read (see parse). */
const PARSE_CHUNK = 512;
/** Edits whose changed lines are longer than this test every gate on the whole text. */
const MAX_EDIT_WINDOW = 4096;

/**
 * A keyword gate that may match across lines, taken apart for typing: a text where it did not match can match after an
 * edit only if `lines` matches the changed lines or `whole` matches the new text (the alternatives that may span
 * lines). Built for a top-level alternation (`a|b\\s*c`) and for the conjunction `^(?=[\\s\\S]*(X))[\\s\\S]*(Y)` (X or Y
 * must be new: both alternations are taken apart).
 */
interface EditGate {
  lines: RegExp | undefined;
  whole: RegExp | undefined;
  /**
   * The most characters other than whitespace a match of `whole` holds (nonSpaceReach), or undefined: then `whole` is
   * tested on the whole text, else only around the edit (see aroundEdit).
   */
  reach: number | undefined;
}

/**
 * The most characters that `\s` does not match which a match of a regex source can hold (whitespace runs `\s*` and `\s+`
 * hold none, `\b` none, any other character, escape or class one, an optional or alternative part its largest), or
 * undefined when unbounded (a repeated part that holds any) or outside this simple form (lookarounds, anchors,
 * backreferences, `\u`/`\x`/`\c`/`\p` escapes).
 */
export function nonSpaceReach(source: string): number | undefined {
  let i = 0;
  const alternation = (): number | undefined => {
    let most = 0;
    for (;;) {
      const n = sequence();
      if (n === undefined) return undefined;
      most = Math.max(most, n);
      if (source[i] !== '|') return most;
      i++;
    }
  };
  const sequence = (): number | undefined => {
    let total = 0;
    while (i < source.length && source[i] !== '|' && source[i] !== ')') {
      const c = source[i];
      let atom = 1;
      if (c === '(') {
        if (source[i + 1] === '?') {
          if (source[i + 2] !== ':') return undefined;
          i += 3;
        } else i++;
        const n = alternation();
        if (n === undefined || source[i] !== ')') return undefined;
        i++;
        atom = n;
      } else if (c === '[') {
        let j = i + 1;
        if (source[j] === '^') j++;
        if (source[j] === ']') j++;
        while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
        if (j >= source.length) return undefined;
        i = j + 1;
      } else if (c === '\\') {
        const e = source[i + 1];
        if (e === undefined || /[1-9kuxcpP]/.test(e)) return undefined;
        if (e === 'b' || e === 'B' || e === 's') atom = 0;
        i += 2;
      } else if ('^$*+?{}'.includes(c)) return undefined;
      else i++;
      const q = source[i];
      if (q === '?') i++;
      else if (q === '*' || q === '+') {
        if (atom > 0) return undefined;
        i++;
      } else if (q === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
        if (!m) return undefined;
        if (atom > 0 && m[2] !== undefined && m[3] === '') return undefined;
        atom *= Number(m[3] || m[1]);
        i += m[0].length;
      }
      if (q !== undefined && '?*+{'.includes(q) && source[i] === '?') i++;
      total += atom;
    }
    return total;
  };
  const n = alternation();
  return i === source.length ? n : undefined;
}

const SPACE = /\s/;

/** Whether `\s` matches the character at an index (ASCII decided without a regex). */
function isSpace(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c < 128 ? c === 32 || (c >= 9 && c <= 13) : SPACE.test(text[i]);
}

/**
 * The part of a text that holds every match of a regex with at most `reach` characters other than whitespace
 * (nonSpaceReach) which the edit of [from, to) can have made: such a match ends at or after `from` and starts at or
 * before `to` (a match that ends before, or starts after, with the character on either side for `\b`, lies in text
 * the edit kept, so it matched before), so the text it holds before `from` or after `to` has at most `reach`
 * characters other than whitespace; one character more on each side for `\b`.
 */
export function aroundEdit(text: string, from: number, to: number, reach: number): string {
  let start = from;
  for (let seen = 0; start > 0; start--) {
    if (!isSpace(text, start - 1) && seen++ === reach) break;
  }
  let end = to;
  for (let seen = 0; end < text.length; end++) {
    if (!isSpace(text, end) && seen++ === reach) break;
  }
  return text.slice(Math.max(0, start - 1), Math.min(text.length, end + 1));
}

/** The top-level alternatives of a regex source, or undefined when its groups or classes are unbalanced. */
function alternatives(source: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return undefined;
    else if (c === '|' && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0 || inClass) return undefined;
  out.push(source.slice(start));
  return out;
}

const CONJUNCTION = '^(?=[\\s\\S]*';
const ANYTHING = '[\\s\\S]*';

/** A compiled keyword gate: what the engine asks of a RegExp. */
type Gate = Pick<RegExp, 'test' | 'source'>;

/**
 * A keyword gate, case-insensitive. The conjunction `^(?=[\s\S]*X)[\s\S]*Y` (X somewhere and Y somewhere) becomes two
 * searches that each stop at their first match: as one regex, each `[\s\S]*` runs to the end of the text and backs up
 * through all of it. The same answer: X may look behind its place in both forms, and `^` in X or Y means the start of
 * the text in both. Only when X and Y are single alternatives (a top-level `|` would change what the parts mean).
 */
export function compileGate(source: string): Gate {
  const whole = new RegExp(source, 'i');
  const parts = conjunctionParts(source);
  if (!parts || alternatives(parts.x)?.length !== 1 || alternatives(parts.y)?.length !== 1) return whole;
  try {
    const [a, b] = [new RegExp(parts.x, 'i'), new RegExp(parts.y, 'i')];
    return { source, test: (text: string) => a.test(text) && b.test(text) };
  } catch {
    return whole;
  }
}

/** `^(?=[\s\S]*X)[\s\S]*Y` taken apart: X ends at the first closing parenthesis after which `[\s\S]*` follows. */
function conjunctionParts(source: string): { x: string; y: string } | undefined {
  if (!source.startsWith(CONJUNCTION)) return undefined;
  const inner = source.slice(CONJUNCTION.length);
  for (let i = 1; i <= inner.length; i++) {
    const x = inner.slice(0, i);
    const rest = inner.slice(i);
    if (alternatives(x) && rest.startsWith(`)${ANYTHING}`)) return { x, y: rest.slice(1 + ANYTHING.length) };
  }
  return undefined;
}

function editGate(source: string): EditGate | undefined {
  const parts = editParts(source);
  if (!parts) return undefined;
  const local = parts.filter((p) => !CROSSES_LINES.test(p));
  const spanning = parts.filter((p) => CROSSES_LINES.test(p));
  // Anchors and lookarounds in an alternative: no shortcut.
  if (spanning.some((p) => /[\^$]|\(\?/.test(p.replace(/\\./g, '')))) return undefined;
  const reaches = spanning.map(nonSpaceReach);
  return {
    lines: local.length > 0 ? new RegExp(local.join('|'), 'i') : undefined,
    whole: spanning.length > 0 ? new RegExp(spanning.join('|'), 'i') : undefined,
    reach: reaches.every((r) => r !== undefined) ? Math.max(0, ...(reaches as number[])) : undefined,
  };
}

/** The patterns of which one must match anew where `source` did not match before (see editGate), or undefined. */
function editParts(source: string): string[] | undefined {
  const tops = alternatives(source);
  // An alternation of conjunctions (`^(?=…)…|^(?=…)…`, as gateSources are): one of them must pass anew.
  if (tops && tops.length > 1 && tops.some((t) => t.startsWith(CONJUNCTION))) {
    const each = tops.map(editParts);
    return each.every((p) => p !== undefined) ? each.flat() : undefined;
  }
  if (!source.startsWith(CONJUNCTION)) return tops;
  // `^(?=[\s\S]*X)[\s\S]*Y`: either X or Y must be new.
  const parts = conjunctionParts(source);
  const x = parts && alternatives(parts.x);
  const y = parts && alternatives(parts.y);
  if (!x || !y) return undefined;
  return [...x, ...y].flatMap((p) => (/^\((?!\?)/.test(p) && p.endsWith(')') && alternatives(p.slice(1, -1)) ? alternatives(p.slice(1, -1))! : [p]));
}

/** Whether an edit of [from, to) (on the changed `lines`) may have made the pattern of an EditGate match. */
function madeNew(gate: EditGate, lines: string, text: string, from: number, to: number): boolean {
  const { whole, reach } = gate;
  return !!gate.lines?.test(lines) || (!!whole && whole.test(reach === undefined ? text : aroundEdit(text, from, to, reach)));
}

export const SYNTAXES: Readonly<Record<string, Syntax>> = Object.freeze({ js: jsSyntax, python: pythonSyntax, java: javaSyntax, csharp: csharpSyntax, go: goSyntax, php: phpSyntax, ruby: rubySyntax, properties: propertiesSyntax, yaml: yamlSyntax });

let runtime: Promise<void> | undefined;

/**
 * Loaded grammars, shared by every engine of the process. A grammar loaded into web-tree-sitter's runtime
 * stays in its wasm memory for good (Language has no delete()), so an engine made again (a new config, a
 * second scan in the same process) must reuse it rather than load it again. Keyed by file and checked
 * byte for byte, so a different grammar file under the same name is loaded anew.
 */
const languages = new Map<string, { bytes: Uint8Array; language: Promise<Language> }[]>();

export function loadLanguage(file: string, bytes: Uint8Array): Promise<Language> {
  const known = languages.get(file) ?? [];
  const same = known.find((k) => sameBytes(k.bytes, bytes));
  if (same) return same.language;
  const language = Language.load(bytes);
  const entry = { bytes, language };
  languages.set(file, [...known, entry]);
  language.catch(() => languages.set(file, (languages.get(file) ?? []).filter((k) => k !== entry)));
  return language;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** web-tree-sitter's runtime is one wasm module per process; it is initialised once. */
export function initRuntime(host: Host): Promise<void> {
  if (!runtime) {
    runtime = host.readGrammar(RUNTIME_WASM_FILE).then((wasmBinary) => Parser.init({ wasmBinary }));
    runtime.catch(() => {
      runtime = undefined;
    });
  }
  return runtime;
}

export class Engine {
  private classifierInstance: Classifier | undefined;
  private readonly dataTypes: ClassifierExtension | undefined;
  /** The rules active for the last text seen by activeRules (analyze, then analyzeTree, test the same text). */
  private lastActive: { text: string; syntax: string; rules: CompiledRule[] } | undefined;
  /** The last analysis of each open document, when the engine is incremental. */
  private readonly edits: EditMemo | undefined;
  /** Single-rule queries (see ownQuery) and the grammars loaded, for them. */
  private readonly ownQueries = new Map<string, Query | null>();
  private readonly loadedLanguages = new Map<GrammarId, Language>();
  private readonly grammars = new Map<GrammarId, Promise<GrammarState>>();
  private readonly compiled: CompiledRule[];
  private readonly sanitizers: SanitizerDef[];
  private readonly limits: TextLimits;
  private readonly parseTimeoutMs: number;
  private readonly analysisTimeoutMs: number;
  /** Set when tree-sitter trapped: the engine then refuses work (see EngineCrashedError). */
  private crashed: string | undefined;
  private readonly hosts: { allowInsecure: string[]; approved: string[] | undefined };
  private disposed = false;

  constructor(
    private readonly host: Host,
    options: EngineOptions,
  ) {
    const config = options.config ?? {};
    // The dictionary is compiled on first use (start-up cost); a team extension is compiled now so that its
    // errors surface when the engine is made.
    this.dataTypes = config.dataTypes;
    if (config.dataTypes) this.classifierInstance = new Classifier(undefined, config.dataTypes);
    this.sanitizers = [...SANITIZERS, ...(config.sanitizers ?? [])];
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.parseTimeoutMs = options.parseTimeoutMs ?? 5000;
    this.analysisTimeoutMs = options.analysisTimeoutMs ?? 20_000;
    this.edits = options.incremental ? new EditMemo() : undefined;
    this.hosts = { allowInsecure: config.hosts?.allowInsecure ?? [], approved: config.hosts?.approved };
    this.compiled = [];
    for (const rule of config.inventory ? [...options.rules, ...INVENTORY_RULES] : options.rules) {
      const setting = config.rules?.[rule.id];
      if (setting?.severity === 'off') continue;
      const options: Record<string, unknown> = {};
      for (const [name, opt] of Object.entries(rule.options ?? {})) options[name] = opt.default;
      Object.assign(options, setting?.options ?? {});
      const keywords = rule.keywordsUnlessApprovedHosts !== undefined && !config.hosts?.approved ? rule.keywordsUnlessApprovedHosts : rule.keywords;
      this.compiled.push({
        rule,
        keywords,
        gate: keywords ? compileGate(keywords) : undefined,
        gateTypes: rule.gateTypes,
        sources: rule.gateSources ? Object.fromEntries(Object.entries(rule.gateSources).map(([family, source]) => [family, new RegExp(source, 'i')])) : undefined,
        either: !!rule.gateEither && !!keywords && !!rule.gateTypes,
        lineLocal: !keywords || !CROSSES_LINES.test(keywords),
        editGate: keywords && CROSSES_LINES.test(keywords) ? undefined : null,
        sourceGates: {},
        textTests: Object.fromEntries(Object.entries(rule.textTests ?? {}).map(([name, source]) => [name, new RegExp(source, 'i')])),
        severity: setting?.severity as Severity | undefined,
        options,
      });
    }
  }

  /** The sensitive-data classifier, compiled on first use. */
  get classifier(): Classifier {
    if (!this.classifierInstance) this.classifierInstance = new Classifier(undefined, this.dataTypes);
    return this.classifierInstance;
  }

  /** Data-type gate tests (Classifier.mayName) by the list of types, built on first use. */
  private readonly typeGates = new Map<NonNullable<RuleDefinition['gateTypes']>, (text: string) => boolean>();

  private namesAnyOf(types: NonNullable<RuleDefinition['gateTypes']>): (text: string) => boolean {
    let test = this.typeGates.get(types);
    if (!test) this.typeGates.set(types, (test = this.classifier.mayName(this.typeList(types))));
    return test;
  }

  /** The type ids a data-type gate names (`{ except }`: every type of the dictionary but those). */
  private typeList(types: NonNullable<RuleDefinition['gateTypes']>): readonly string[] {
    return 'except' in types ? this.classifier.typeIds().filter((t) => !types.except.includes(t)) : types;
  }

  /** Every rule's data-type list as a set of type ids, and their union (see typesPass); made on first use. */
  private typeSets: { sets: Map<NonNullable<RuleDefinition['gateTypes']>, ReadonlySet<string>>; union: string[] } | undefined;
  /** The data-type gates already decided for the last text passingAll saw. */
  private typeMemo: { text: string; union: boolean | undefined; known: Map<ReadonlySet<string>, boolean> } | undefined;

  /**
   * `namesAnyOf(types)(text)` for a whole text, with fewer regex passes: Classifier.mayName is monotone in its list (a
   * longer list only adds names), so a text that names none of the union of all the rules' lists passes no data-type
   * gate, a list that holds a list already passed passes, and a list inside one already failed fails.
   */
  private typesPass(types: NonNullable<RuleDefinition['gateTypes']>, text: string): boolean {
    if (!this.typeSets) {
      const sets = new Map<NonNullable<RuleDefinition['gateTypes']>, ReadonlySet<string>>();
      for (const c of this.compiled) {
        const t = c.gateTypes;
        if (t && !sets.has(t)) sets.set(t, new Set(this.typeList(t)));
      }
      this.typeSets = { sets, union: [...new Set([...sets.values()].flatMap((s) => [...s]))] };
    }
    const set = this.typeSets.sets.get(types);
    if (!set) return this.namesAnyOf(types)(text);
    let memo = this.typeMemo;
    if (!memo || memo.text !== text) this.typeMemo = memo = { text, union: undefined, known: new Map() };
    const known = memo.known.get(set);
    if (known !== undefined) return known;
    memo.union ??= this.namesAnyOf(this.typeSets.union)(text);
    // A list that holds every type of the union (the union holds every list's types) has the union's answer.
    let pass: boolean | undefined = !memo.union ? false : set.size === this.typeSets.union.length ? true : undefined;
    for (const [k, v] of memo.known) {
      if (pass !== undefined) break;
      if (v && [...k].every((t) => set.has(t))) pass = true;
      else if (!v && [...set].every((t) => k.has(t))) pass = false;
    }
    pass ??= this.namesAnyOf(types)(text);
    memo.known.set(set, pass);
    return pass;
  }

  /** Descriptors of every active rule plus Sealant's own notes, for reporters. */
  descriptors(): RuleDescriptor[] {
    return [...this.compiled.filter((c) => !INVENTORY_RULES.includes(c.rule)).map((c) => describe(c.rule, c.severity)), ...META_RULES];
  }

  /** The language of a file, by language id or path. */
  languageOf(file: { path: string; languageId?: string }): LanguageInfo | undefined {
    const byId = file.languageId ? languageById(file.languageId) : undefined;
    // A YAML document is Sealant's only when it is a Spring config file (registry `baseNames`).
    if (byId) return acceptsPath(byId, file.path) ? byId : undefined;
    return languageForPath(file.path);
  }

  /** Grammar state, loaded and compiled on first use. */
  private grammar(id: GrammarId): Promise<GrammarState> {
    let state = this.grammars.get(id);
    if (!state) {
      state = this.loadGrammar(id);
      this.grammars.set(id, state);
      state.catch(() => this.grammars.delete(id));
    }
    return state;
  }

  private async loadGrammar(id: GrammarId): Promise<GrammarState> {
    await initRuntime(this.host);
    const bytes = await this.host.readGrammar(GRAMMAR_FILES[id]);
    const language = await loadLanguage(GRAMMAR_FILES[id], bytes);
    this.loadedLanguages.set(id, language);
    const parser = new Parser();
    parser.setLanguage(language);
    const syntax = GRAMMAR_SYNTAX[id];
    const rules = this.compiled.filter((c) => c.rule.queries[syntax] !== undefined);
    const errors: string[] = [];
    // Rules share patterns (the storage sinks, every string literal): compile each distinct pattern once and hand
    // its matches to every rule that has it. Any surprise (a pattern not understood, a count that differs) falls
    // back to compiling the rules' texts as they are.
    const shared = sharedPatterns(rules.map((r) => ({ rule: r, source: r.rule.queries[syntax] ?? '' })));
    if (shared) {
      const q = tryQuery(language, shared.texts.join('\n'));
      if (q instanceof Query && q.patternCount() === shared.texts.length) {
        if (shared.texts.length === 0) q.delete();
        return { language, parser, query: shared.texts.length > 0 ? q : undefined, patterns: shared.owners, rules, errors };
      }
      if (q instanceof Query) q.delete();
    }
    // Compile every rule's patterns into one query. When that fails, find the culprits one by one.
    let usable = rules;
    let query = tryQuery(language, rules.map((r) => r.rule.queries[syntax] ?? '').join('\n'));
    if (query instanceof Error) {
      usable = [];
      for (const r of rules) {
        const q = tryQuery(language, r.rule.queries[syntax] ?? '');
        if (q instanceof Error) errors.push(`rule ${r.rule.id}: its ${syntax} query does not compile for grammar ${id}: ${q.message}`);
        else {
          q.delete();
          usable.push(r);
        }
      }
      query = tryQuery(language, usable.map((r) => r.rule.queries[syntax] ?? '').join('\n'));
      if (query instanceof Error) throw query;
      for (const e of errors) this.host.log?.('error', e);
    }
    // Map combined pattern indexes back to rules through the byte offsets of each rule's text.
    const encoder = new TextEncoder();
    const bounds: { rule: CompiledRule; start: number; end: number }[] = [];
    let offset = 0;
    for (const r of usable) {
      const len = encoder.encode(r.rule.queries[syntax] ?? '').length;
      bounds.push({ rule: r, start: offset, end: offset + len });
      offset += len + 1;
    }
    const patterns: GrammarState['patterns'] = [];
    const count = query.patternCount();
    const firstOfRule = new Map<CompiledRule, number>();
    for (let i = 0; i < count; i++) {
      const at = query.startIndexForPattern(i);
      const owner = bounds.find((b) => at >= b.start && at < b.end) ?? bounds[bounds.length - 1];
      if (!firstOfRule.has(owner.rule)) firstOfRule.set(owner.rule, i);
      patterns.push([{ rule: owner.rule, local: i - (firstOfRule.get(owner.rule) ?? i) }]);
    }
    const hasPatterns = count > 0;
    if (!hasPatterns) query.delete();
    return { language, parser, query: hasPatterns ? query : undefined, patterns, rules: usable, errors };
  }

  /** One rule's own query for a grammar (incremental analysis runs whole-file rules alone), compiled on first use. */
  private ownQuery(language: LanguageInfo, c: CompiledRule): Query | undefined {
    const key = `${language.grammar}\u0000${c.rule.id}`;
    if (!this.ownQueries.has(key)) {
      const lang = this.languageFor(language.grammar);
      const q = lang ? tryQuery(lang, c.rule.queries[language.syntax] ?? '') : undefined;
      this.ownQueries.set(key, q instanceof Query ? q : null);
    }
    return this.ownQueries.get(key) ?? undefined;
  }

  /** Rule errors found while compiling the grammars used so far. */
  async compileErrors(): Promise<string[]> {
    const states = await Promise.all([...this.grammars.values()].map((p) => p.catch(() => undefined)));
    return states.flatMap((s) => s?.errors ?? []);
  }

  /** Parse a text (optionally incrementally against an edited old tree). The caller deletes the tree. */
  async parse(language: LanguageInfo, text: string, oldTree?: Tree, options?: ParseOptions): Promise<Tree | undefined> {
    const unsupported = this.unsupportedReason(language, text);
    if (unsupported) throw new UnsupportedInputError(unsupported);
    const state = await this.grammar(language.grammar);
    const held = oldTree && options?.defer ? this.hold(state, language, text, oldTree, options.defer.path) : undefined;
    if (held) return held;
    const deadline = Date.now() + this.parseTimeoutMs;
    const tree = this.guard('parsing', () => {
      // Short chunks: web-tree-sitter copies up to 5,119 characters into wasm memory on every read, and an incremental
      // parse reads at many places (a one-character edit in 5,000 lines parses about a third faster).
      const t = state.parser.parse((index: number) => text.slice(index, index + PARSE_CHUNK), oldTree ?? null, {
        progressCallback: () => Date.now() > deadline,
      });
      state.parser.reset();
      return t;
    });
    // Where the syntax changed (incremental engines): a scoped analysis is valid only when it stays inside the unit.
    if (tree && oldTree && this.edits) this.changedRanges.set(tree, this.guard('comparing trees', () => narrowChanges(SYNTAXES[language.syntax], oldTree.rootNode, tree.rootNode, oldTree.getChangedRanges(tree).map((r) => [r.startIndex, r.endIndex] as const))));
    if (tree && this.edits) this.parsedFrom.set(tree, text);
    return tree ?? undefined;
  }

  /** The text each tree describes, for incremental engines (a held tree: the last text parsed before it, see hold). */
  private readonly parsedFrom = new WeakMap<Tree, string>();
  /** Trees parse() returned without parsing (ParseOptions.defer). */
  private readonly heldTrees = new WeakSet<Tree>();

  /** Whether parse() returned this tree without parsing the text it was given (see ParseOptions.defer). */
  isHeld(tree: Tree): boolean {
    return this.heldTrees.has(tree);
  }

  /** The tree to return instead of parsing `text` (see ParseOptions.defer), or undefined to parse it. */
  private hold(state: GrammarState, language: LanguageInfo, text: string, oldTree: Tree, path: string): Tree | undefined {
    const edits = this.edits;
    const base = this.parsedFrom.get(oldTree);
    if (!edits || base === undefined || !edits.canHold(path, language.id, base) || text.includes('sealant-ignore')) return undefined;
    const { prefix, suffix } = edits.changed(base, text);
    const unit = this.guard('comparing trees', () => heldUnit(oldTree.rootNode, SYNTAXES[language.syntax], prefix, text.length - suffix));
    if (!unit) return undefined;
    const not = this.notAlone;
    if (not && not.path === path && not.start === unit.startIndex && not.type === unit.type) return undefined;
    // The function, as typed, read alone: whole (or too slow to tell), the text is parsed.
    if (this.parsesAlone(state, text, unit.startIndex, unit.endIndex, unit.startPosition) !== false) return undefined;
    // The grammar must read it alone as it reads it in the file, one node of the same type (a JavaScript method alone is
    // not one): so it did before the edit. Asked once while the function stays broken (the last text parsed stays).
    const start = unit.startIndex;
    const end = unit.endIndex - (text.length - base.length);
    const known = this.wholeAlone;
    const whole = known && known.text === base && known.start === start && known.end === end ? known.whole : this.parsesAlone(state, base, start, end, unit.startPosition, unit.type);
    this.wholeAlone = { text: base, start, end, whole };
    if (whole === false) this.notAlone = { path, start, type: unit.type };
    if (whole !== true) return undefined;
    const copy = oldTree.copy();
    this.parsedFrom.set(copy, base);
    this.heldTrees.add(copy);
    return copy;
  }

  /** The last unit the grammar did not read alone as in the file (a JavaScript method): not tried again while typing in it. */
  private notAlone: { path: string; start: number; type: string } | undefined;
  /** The last answer of parsesAlone for the last text parsed before a hold (see hold). */
  private wholeAlone: { text: string; start: number; end: number; whole: boolean | undefined } | undefined;

  /**
   * Whether the grammar reads [start, end) of a text alone without a syntax error, and given `type`, as one node of that
   * type (undefined: it took too long).
   */
  private parsesAlone(state: GrammarState, text: string, start: number, end: number, at: { row: number; column: number }, type?: string): boolean | undefined {
    let { row, column } = at;
    for (let i = start; i < end; i++) {
      if (text.charCodeAt(i) === 10) {
        row++;
        column = 0;
      } else column++;
    }
    const deadline = Date.now() + this.parseTimeoutMs;
    return this.guard('parsing', () => {
      const t = state.parser.parse((index: number) => text.slice(index, index + PARSE_CHUNK), null, {
        includedRanges: [{ startIndex: start, endIndex: end, startPosition: at, endPosition: { row, column } }],
        progressCallback: () => Date.now() > deadline,
      });
      state.parser.reset();
      const root = t?.rootNode;
      const answer = root ? !root.hasError && (!type || (root.namedChildCount === 1 && root.namedChild(0)?.type === type)) : undefined;
      t?.delete();
      return answer;
    });
  }

  /** For a tree parsed against an edited old tree: the ranges whose syntax changed (Tree.getChangedRanges). */
  private readonly changedRanges = new WeakMap<Tree, readonly (readonly [number, number])[]>();

  /**
   * Why a text must not be given to its grammar, or undefined. Checked by parse(); the editor can call it
   * first to show the reason.
   */
  unsupportedReason(language: LanguageInfo, text: string): string | undefined {
    if (language.grammar !== 'python') return undefined;
    // analyze() asks before parse() asks again: the answer for the last text is kept.
    const last = this.lastIndent;
    let indent = last;
    if (!indent || indent.text !== text) {
      // While typing (incremental engines), most edits leave every line's indentation as it was.
      indent = { text, depth: last && this.edits && sameIndentation(last.text, text, this.edits.changed(last.text, text)) ? last.depth : pythonIndentDepth(text) };
      this.lastIndent = indent;
    }
    const depth = indent.depth;
    if (depth <= PYTHON_MAX_INDENT_LEVELS) return undefined;
    return `indentation nested ${depth} levels deep; the Python grammar is only safe up to ${PYTHON_MAX_INDENT_LEVELS}`;
  }

  private lastIndent: { text: string; depth: number } | undefined;

  /** Runs a call into tree-sitter; a wasm trap marks the engine as crashed (see EngineCrashedError). */
  private guard<T>(what: string, run: () => T): T {
    if (this.crashed) throw new EngineCrashedError(this.crashed);
    try {
      return run();
    } catch (err) {
      if (!isWasmTrap(err)) throw err;
      this.crashed = `tree-sitter crashed while ${what} (${(err as Error).message}); this engine stopped analysing`;
      this.host.log?.('error', this.crashed);
      throw new EngineCrashedError(this.crashed);
    }
  }

  /** Analyse a whole file: checks, gate, parse, rules, suppressions. */
  async analyze(file: SourceFile, cancellation: Cancellation = NEVER_CANCELLED): Promise<FileResult> {
    const started = now();
    const language = this.languageOf(file);
    const lines = countLines(file.text);
    if (!language) {
      return { path: file.path, language: 'unknown', findings: [], parsed: false, ms: 0, lines, skipped: { path: file.path, reason: 'unsupported', detail: 'no supported language for this file' } };
    }
    const skip = skipReason(file.text, this.limits);
    if (skip) return { path: file.path, language: language.id, findings: [], parsed: false, ms: now() - started, lines, skipped: { path: file.path, ...skip } };
    const active = this.activeRules(language, file.text);
    if (active.length === 0 && !file.text.includes('sealant-ignore')) {
      return { path: file.path, language: language.id, findings: [], parsed: false, ms: now() - started, lines };
    }
    const unsupported = this.unsupportedReason(language, file.text);
    if (unsupported) return { path: file.path, language: language.id, findings: [], parsed: false, ms: now() - started, lines, skipped: { path: file.path, reason: 'unsupported', detail: unsupported } };
    const tree = await this.parse(language, file.text);
    if (!tree) {
      return { path: file.path, language: language.id, findings: [], parsed: false, ms: now() - started, lines, skipped: { path: file.path, reason: 'parse-timeout', detail: `parsing took longer than ${this.parseTimeoutMs} ms` } };
    }
    try {
      const facts: InventoryFact[] = [];
      const budget: AnalysisBudget = { timedOut: false };
      const findings = await this.analyzeTree(file, language, tree, cancellation, facts, budget);
      if (budget.timedOut) {
        return { path: file.path, language: language.id, findings: [], parsed: true, ms: now() - started, lines, skipped: { path: file.path, reason: 'parse-timeout', detail: `the rules took longer than ${this.analysisTimeoutMs} ms on this file; its findings would be incomplete` } };
      }
      return { path: file.path, language: language.id, findings, parsed: true, ms: now() - started, lines, ...(facts.length > 0 ? { facts } : {}) };
    } finally {
      tree.delete();
    }
  }

  /** The rules whose gates pass on a text; `path` (incremental engines) lets a document's edit update its last answer. */
  private activeRules(language: LanguageInfo, text: string, path?: string): CompiledRule[] {
    const last = this.lastActive;
    if (last && last.syntax === language.syntax && last.text === text) return last.rules;
    const rules = (path !== undefined ? this.activeAfterEdit(language, text, path) : undefined) ?? this.passingAll(language, text);
    this.lastActive = { text, syntax: language.syntax, rules };
    return rules;
  }

  /** Keyword prefilters by syntax family, over the rules that have a query for it; built on first use. */
  private readonly prefilters = new Map<string, { filter: KeywordPrefilter; tests: { c: CompiledRule; name: string }[] }>();
  /** The text tests (RuleDefinition.textTests) the last prefilter scan ruled out on `text`: none of their literals occur. */
  private textTestsOut: { text: string; out: Map<CompiledRule, Set<string>> } | undefined;

  /**
   * Every rule whose gates pass on a whole text: one scan for the literals of all keyword gates (see KeywordPrefilter)
   * rules out most of them, and a rule's own regex runs only where one of its literals occurs. Same answer as `passes`.
   */
  private passingAll(language: LanguageInfo, text: string): CompiledRule[] {
    let prefilter = this.prefilters.get(language.syntax);
    if (!prefilter) {
      // The rules' text tests follow their keyword gates in the same scan.
      const has = (c: CompiledRule): boolean => c.rule.queries[language.syntax] !== undefined;
      const tests = this.compiled.flatMap((c) => (has(c) ? Object.keys(c.textTests).map((name) => ({ c, name })) : []));
      const filter = new KeywordPrefilter([...this.compiled.map((c) => (has(c) ? c.keywords : undefined)), ...tests.map((t) => t.c.textTests[t.name].source)]);
      this.prefilters.set(language.syntax, (prefilter = { filter, tests }));
    }
    const maybe = prefilter.filter.mayMatch(text);
    const out = new Map<CompiledRule, Set<string>>();
    prefilter.tests.forEach((t, j) => maybe[this.compiled.length + j] || out.set(t.c, (out.get(t.c) ?? new Set()).add(t.name)));
    this.textTestsOut = { text, out };
    return this.compiled.filter((c, i) => c.rule.queries[language.syntax] !== undefined && this.gatesPass(c, text, language.syntax, maybe[i]));
  }

  /** The keyword and data-type gates of a rule on a text; `maybe` false: the prefilter ruled its keywords out. */
  private gatesPass(c: CompiledRule, text: string, syntax: SyntaxFamily, maybe = true): boolean {
    const keywords = (): boolean => !c.gate || (maybe && c.gate.test(text));
    const source = c.sources?.[syntax];
    const types = (): boolean => (!c.gateTypes && !source) || (!!c.gateTypes && this.typesPass(c.gateTypes, text)) || (!!source && source.test(text));
    return c.either ? keywords() || types() : keywords() && types();
  }

  /**
   * For a rule whose gates failed before an edit: can they pass now? Each gate (keywords, data types) fails on the old
   * text or the rule was active; a gate that matches within one line can only start to match on the changed lines
   * (the other lines are as they were), so unless one of them does, the rule stays off. Exact, and cheap: the whole
   * text is tested only when a gate matches on the changed lines, or for keyword alternatives and source patterns
   * (RuleDefinition.gateSources) that may span lines; keyword alternatives with a bounded reach (see aroundEdit) are
   * tested around the changed region [from, to) of the text only.
   */
  private mayPassNow(c: CompiledRule, lines: string, text: string, syntax: SyntaxFamily, from: number, to: number): boolean {
    if (c.gateTypes && this.namesAnyOf(c.gateTypes)(lines)) return true;
    // A source pattern may match across lines: taken apart as keywords are, else tested on the whole text.
    const source = c.sources?.[syntax];
    if (source) {
      if (c.sourceGates[syntax] === undefined) c.sourceGates[syntax] = editGate(source.source) ?? null;
      const gate = c.sourceGates[syntax];
      if (gate ? madeNew(gate, lines, text, from, to) : source.test(text)) return true;
    }
    if (!c.gate) return false;
    if (c.lineLocal) return c.gate.test(lines);
    if (c.editGate === undefined) c.editGate = editGate(c.keywords ?? c.gate.source) ?? null;
    if (!c.editGate) return c.gate.test(text);
    return madeNew(c.editGate, lines, text, from, to);
  }

  private passes(c: CompiledRule, language: LanguageInfo, text: string): boolean {
    return c.rule.queries[language.syntax] !== undefined && this.gatesPass(c, text, language.syntax);
  }

  /**
   * While typing (incremental engines): the active rules of the document's last analysis, updated from the lines the
   * edit changed instead of testing every gate on the whole text again. A rule that was active stays active: a gate
   * only says a rule cannot find anything without its words, so running it costs no false finding. An inactive
   * rule is tested on the whole text only when one of its gates may have started to match (see mayPassNow). Undefined (test the whole text) without a previous analysis, when a full
   * analysis is due (see EditMemo.scope) or when the edit spans many lines.
   */
  private activeAfterEdit(language: LanguageInfo, text: string, path: string): CompiledRule[] | undefined {
    const edits = this.edits;
    const memo = edits?.last(path);
    if (!edits || !memo || memo.languageId !== language.id || memo.scoped >= REFRESH_EVERY) return undefined;
    const { prefix, suffix } = edits.changed(memo.text, text);
    const from = text.lastIndexOf('\n', prefix - 1) + 1;
    const nl = text.indexOf('\n', text.length - suffix);
    const to = nl < 0 ? text.length : nl;
    if (to - from > MAX_EDIT_WINDOW) return undefined;
    const lines = text.slice(from, to);
    const before = new Set(memo.rules);
    return this.compiled.filter((c) => before.has(c) || (this.mayPassNow(c, lines, text, language.syntax, prefix, text.length - suffix) && this.passes(c, language, text)));
  }

  /**
   * Run the rules over a parsed tree (the extension keeps trees for incremental re-parsing). Inventory facts
   * recorded by the rules are appended to `facts` when it is given.
   */
  async analyzeTree(file: SourceFile, language: LanguageInfo, tree: Tree, cancellation: Cancellation = NEVER_CANCELLED, facts?: InventoryFact[], budget?: AnalysisBudget): Promise<Finding[]> {
    if (this.heldTrees.has(tree)) {
      const base = this.parsedFrom.get(tree) ?? '';
      const held = facts ? undefined : this.edits?.held(file.path, language.id, file.text, base);
      if (held) return held;
      // The document was analysed again since the tree was held: its text is parsed after all.
      const exact = await this.parse(language, file.text, tree);
      if (!exact) throw new Error(`parsing ${file.path} took longer than ${this.parseTimeoutMs} ms`);
      try {
        return await this.analyzeTree(file, language, exact, cancellation, facts, budget);
      } finally {
        exact.delete();
      }
    }
    const state = await this.grammar(language.grammar);
    // Past the deadline the query stops early and no further rule runs; the caller learns it through `budget`.
    const deadline = Date.now() + this.analysisTimeoutMs;
    let late = false;
    const overdue = (): boolean => {
      if (!late && Date.now() > deadline) {
        late = true;
        if (budget) budget.timedOut = true;
        this.host.log?.('warn', `the rules took longer than ${this.analysisTimeoutMs} ms on ${file.path}; findings are incomplete`);
      }
      return late;
    };
    const syntax = SYNTAXES[language.syntax];
    const root = tree.rootNode;
    const lineIndex = new LineIndex(file.text);
    const active = new Set(this.activeRules(language, file.text, facts ? undefined : file.path));
    const activeList = [...active];
    // After an edit inside one function, only that function is queried again (incremental engines only).
    const wholeFile = (ruleId: string) => activeList.some((c) => c.rule.id === ruleId && !!c.rule.finish);
    // The unit also covers where the parser changed the tree (error recovery can reach past the edited function).
    const changed = this.changedRanges.get(tree);
    let scope = facts ? undefined : this.edits?.scope(file.path, language.id, file.text, root, syntax, activeList, wholeFile, lineIndex, changed);
    if (scope && changed?.some(([from, to]) => to > from && !insideUnits(scope!, from, to))) scope = undefined;
    const kept = new Map<string, unknown>();
    const carry: Carry | undefined = this.edits && !facts
      ? {
          // Only when the parser's changed ranges were checked against the unit (the tree was parsed here against the old one).
          edit: scope && changed && carriedEdit(scope),
          previous: (key) => (scope && changed ? scope.carried.get(key) : undefined),
          keep: (key, value) => void kept.set(key, value),
        }
      : undefined;
    const flow = new DataFlow(root, syntax, this.classifier, this.sanitizers, scope?.imports, file.text);
    // The rules' view of the syntax: callee paths memoised for the file (every rule with a call pattern asks).
    const ruleSyntax: Syntax = { ...syntax, calleePath: (call) => flow.calleePath(call) };
    const kind = pathKind(file.path);
    const info = { path: file.path, text: file.text, languageId: language.id, syntax: language.syntax, isTestPath: kind !== 'source', pathKind: kind };
    const pending: { finding: Finding; scopeName: string; key: string }[] = [];
    const contexts = new Map<CompiledRule, RuleContext>();

    const contextFor = (c: CompiledRule): RuleContext => {
      let ctx = contexts.get(c);
      if (ctx) return ctx;
      const textAnswers = new Map<string, boolean>();
      ctx = {
        file: info,
        root,
        classifier: this.classifier,
        flow,
        syntax: ruleSyntax,
        state: new Map(),
        textHas: (name) => {
          let yes = textAnswers.get(name);
          if (yes === undefined) {
            const test = c.textTests[name];
            const ruledOut = this.textTestsOut?.text === file.text && !!this.textTestsOut.out.get(c)?.has(name);
            textAnswers.set(name, (yes = !!test && !ruledOut && test.test(file.text)));
          }
          return yes;
        },
        hosts: this.hosts,
        carry,
        option: <T>(name: string) => c.options[name] as T,
        report: (input: ReportInput) => {
          const finding = this.toFinding(c, file.path, input, lineIndex);
          pending.push({ finding, scopeName: scopeName(syntax, flow.ancestors(input.node)), key: input.fingerprintKey ?? input.node.text });
        },
        record: (input: FactInput) => {
          facts?.push(this.toFact(c, file.path, input, lineIndex));
        },
      };
      contexts.set(c, ctx);
      return ctx;
    };

    if (state.query && active.size > 0) {
      const query = state.query;
      const run = (range?: Pick<Node, 'startPosition' | 'endPosition'>) => this.guard('running the rule queries', () => query.matches(root, { progressCallback: overdue, ...(range ? { startPosition: range.startPosition, endPosition: range.endPosition } : {}) }));
      // Several units (error recovery split a class): one query each, a match that reaches into two of them seen once.
      const matches = !scope || scope.units.length === 1 ? run(scope?.units[0]) : uniqueMatches(scope.units.flatMap((u) => run(u)));
      for (const m of matches) {
        if (cancellation.isCancellationRequested || overdue()) break;
        const get = (name: string) => m.captures.find((cap) => cap.name === name)?.node;
        const all = (name: string) => m.captures.filter((cap) => cap.name === name).map((cap) => cap.node);
        for (const p of state.patterns[m.patternIndex] ?? []) {
          if (!active.has(p.rule) || !p.rule.rule.check || (scope && p.rule.rule.finish)) continue;
          try {
            p.rule.rule.check({ pattern: p.local, get, all }, contextFor(p.rule));
          } catch (err) {
            this.host.log?.('error', `rule ${p.rule.rule.id} failed on ${file.path}: ${String(err)}`);
          }
        }
      }
    }
    // With a scope, rules that have a finish step still see the whole file, through their own query.
    for (const c of scope ? activeList : []) {
      if (!c.rule.finish || !c.rule.check || cancellation.isCancellationRequested || overdue()) continue;
      const own = this.ownQuery(language, c);
      if (!own) continue;
      const check = c.rule.check;
      for (const m of this.guard('running the rule queries', () => own.matches(root, { progressCallback: overdue }))) {
        const match: RuleMatch = {
          pattern: m.patternIndex,
          get: (name) => m.captures.find((cap) => cap.name === name)?.node,
          all: (name) => m.captures.filter((cap) => cap.name === name).map((cap) => cap.node),
        };
        try {
          check(match, contextFor(c));
        } catch (err) {
          this.host.log?.('error', `rule ${c.rule.id} failed on ${file.path}: ${String(err)}`);
        }
      }
    }
    for (const c of active) {
      if (!c.rule.finish || cancellation.isCancellationRequested || overdue()) continue;
      try {
        c.rule.finish(contextFor(c));
      } catch (err) {
        this.host.log?.('error', `rule ${c.rule.id} failed on ${file.path}: ${String(err)}`);
      }
    }

    let all = pending;
    if (scope) {
      const merged = mergeScoped(scope, pending, wholeFile);
      if (!merged) {
        this.edits?.forget(file.path);
        return this.analyzeTree(file, language, tree, cancellation, facts, budget);
      }
      all = merged;
    }
    // One finding per rule and range.
    const unique = new Map<string, (typeof pending)[number]>();
    for (const p of all) {
      const k = `${p.finding.ruleId}:${p.finding.range.startOffset}:${p.finding.range.endOffset}`;
      if (!unique.has(k)) unique.set(k, p);
    }
    const ordered = [...unique.values()].sort((a, b) => a.finding.range.startOffset - b.finding.range.startOffset || a.finding.ruleId.localeCompare(b.finding.ruleId));
    const counter = new FingerprintCounter();
    for (const p of ordered) p.finding.fingerprint = counter.fingerprint(p.finding.ruleId, file.path, p.scopeName, p.key);
    if (this.edits) {
      if (late || cancellation.isCancellationRequested || facts) this.edits.forget(file.path);
      else this.edits.remember(file.path, language.id, file.text, activeList, ordered, !!scope, flow.knownImports, kept);
    }
    const findings = ordered.map((p) => p.finding);
    findings.push(...this.applySuppressions(file, syntax, root, lineIndex, findings, counter));
    return findings;
  }

  private toFinding(c: CompiledRule, path: string, input: ReportInput, lines: LineIndex): Finding {
    const rule = c.rule;
    const severity = c.severity ?? input.severity ?? rule.severity;
    return {
      ruleId: rule.id,
      family: rule.family,
      cwe: rule.cwe,
      severity,
      confidence: input.confidence ?? rule.confidence,
      path,
      range: lines.range(input.node.startIndex, input.node.endIndex),
      message: input.message,
      dataTypes: [...new Set(input.dataTypes ?? input.classifications?.map((k) => k.type) ?? [])],
      classifications: dedupeClassifications(input.classifications ?? []),
      related: (input.related ?? []).map((r) => toRelated(r, lines)).filter((r): r is NonNullable<typeof r> => !!r),
      fixes: (input.fixes ?? []).map((f) => toFix(f, lines)),
      fingerprint: '',
      evidence: input.secret !== undefined ? `"${redact(input.secret)}"` : undefined,
    };
  }

  private toFact(c: CompiledRule, path: string, input: FactInput, lines: LineIndex): InventoryFact {
    const { node, origin, category, offsets, ...rest } = input;
    return {
      ...rest,
      category: category ?? this.classifier.type(input.dataType)?.category ?? 'personal',
      path,
      range: offsets ? lines.range(offsets.start, offsets.end) : lines.range(node.startIndex, node.endIndex),
      source: c.rule.id,
      ...(origin ? { origin: { range: lines.range(origin.node.startIndex, origin.node.endIndex), ...(origin.name !== undefined ? { name: origin.name } : {}) } } : {}),
    };
  }

  private applySuppressions(file: SourceFile, syntax: Syntax, root: Node, lines: LineIndex, findings: Finding[], counter: FingerprintCounter): Finding[] {
    if (!file.text.includes('sealant-ignore')) return [];
    const comments: SuppressionComment[] = [];
    walk(root, (n) => {
      if (syntax.isComment(n)) {
        const parsed = parseSuppression(n.text);
        if (parsed) comments.push({ ...parsed, range: lines.range(n.startIndex, n.endIndex), used: false });
        return false;
      }
      return true;
    });
    for (const f of findings) {
      const s = comments.find((c) => suppressionMatches(c, f.ruleId, f.range.start.line));
      if (s) {
        s.used = true;
        f.suppression = { kind: 'inSource', justification: s.reason };
      }
    }
    const notes: Finding[] = [];
    for (const s of comments) {
      const meta = s.ruleIds.length === 0 || !s.reason ? META_RULES[1] : !s.used ? META_RULES[0] : undefined;
      if (!meta) continue;
      const message = meta === META_RULES[1]
        ? s.ruleIds.length === 0
          ? 'This sealant-ignore comment names no rule; write `sealant-ignore <rule-id>: <reason>`.'
          : 'This suppression gives no reason; write `sealant-ignore <rule-id>: <reason>` so reviewers know why.'
        : `This suppression of ${s.ruleIds.join(', ')} matches no finding on this line or the next; remove it.`;
      notes.push({
        ruleId: meta.id,
        family: 'sealant',
        cwe: [],
        severity: 'note',
        confidence: 'high',
        path: file.path,
        range: s.range,
        message,
        dataTypes: [],
        classifications: [],
        related: [],
        fixes: [],
        fingerprint: counter.fingerprint(meta.id, file.path, '', s.ruleIds.join(',')),
      });
    }
    return notes;
  }

  /** Free every parser, language query and tree held by the engine. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const states = await Promise.all([...this.grammars.values()].map((p) => p.catch(() => undefined)));
    for (const s of states) {
      s?.query?.delete();
      s?.parser.delete();
    }
    this.grammars.clear();
    for (const q of this.ownQueries.values()) q?.delete();
    this.ownQueries.clear();
  }

  private languageFor(id: GrammarId): Language | undefined {
    return this.loadedLanguages.get(id);
  }
}

/**
 * The distinct top-level patterns of the rules' query texts, and for each the rules that have it with its index in
 * their own text. Undefined when a text is not understood (then the caller compiles the texts as they are).
 */
function sharedPatterns(sources: { rule: CompiledRule; source: string }[]): { texts: string[]; owners: PatternOwner[][] } | undefined {
  const byText = new Map<string, PatternOwner[]>();
  for (const { rule, source } of sources) {
    const parts = splitPatterns(source);
    if (!parts) return undefined;
    parts.forEach((raw, local) => {
      const text = canonicalPattern(raw);
      const owners = byText.get(text);
      if (owners) owners.push({ rule, local });
      else byText.set(text, [{ rule, local }]);
    });
  }
  // A pattern that differs from another only by having fewer captures matches the same nodes: its rules take the
  // matches of the one with more captures (they ask only for the captures they named).
  const texts = [...byText.keys()];
  const shapes = texts.map(captureShape);
  for (let i = 0; i < texts.length; i++) {
    const small = shapes[i];
    if (!small) continue;
    const j = shapes.findIndex((big, k) => k !== i && !!big && big.bare === small.bare && byText.has(texts[k]) && big.captures.length > small.captures.length && small.captures.every((c) => big.captures.includes(c)));
    if (j < 0 || !byText.has(texts[i])) continue;
    byText.get(texts[j])!.push(...byText.get(texts[i])!);
    byText.delete(texts[i]);
  }
  return { texts: [...byText.keys()], owners: [...byText.values()] };
}

/** Alternations of bare node types in a canonical order (`[(identifier) (attribute)]` = `[(attribute) (identifier)]`). */
function canonicalPattern(text: string): string {
  return text.replace(/\[((?:\s*\([a-z_]+\))+)\s*\]/g, (_, items: string) => `[${(items.match(/\([a-z_]+\)/g) ?? []).sort().join(' ')}]`);
}

/** A pattern without its captures and where they stand, or undefined when it has strings or predicates. */
function captureShape(text: string): { bare: string; captures: string[] } | undefined {
  if (/["#]/.test(text)) return undefined;
  const captures: string[] = [];
  let bare = '';
  let last = 0;
  for (const m of text.matchAll(/\s*@[\w.-]+/g)) {
    bare += text.slice(last, m.index);
    captures.push(`${bare.length}${m[0].trim()}`);
    last = m.index! + m[0].length;
  }
  bare += text.slice(last);
  return { bare, captures };
}

/**
 * A query text split into its top-level patterns (each with its trailing quantifier and captures; comments between
 * patterns dropped), or undefined when the text holds something else at the top level.
 */
export function splitPatterns(source: string): string[] | undefined {
  const out: string[] = [];
  const n = source.length;
  let i = 0;
  const space = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  for (;;) {
    for (;;) {
      while (i < n && space(source[i])) i++;
      if (source[i] !== ';') break;
      while (i < n && source[i] !== '\n') i++;
    }
    if (i >= n) return out;
    if (source[i] !== '(' && source[i] !== '[') return undefined;
    const start = i;
    let depth = 0;
    for (; i < n; i++) {
      const c = source[i];
      if (c === '"') {
        for (i++; i < n && source[i] !== '"'; i++) if (source[i] === '\\') i++;
      } else if (c === ';') {
        while (i + 1 < n && source[i + 1] !== '\n') i++;
      } else if (c === '(' || c === '[') {
        depth++;
      } else if (c === ')' || c === ']') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (depth !== 0 || i >= n) return undefined;
    i++;
    if (source[i] === '*' || source[i] === '+' || source[i] === '?') i++;
    for (;;) {
      let j = i;
      while (j < n && space(source[j])) j++;
      if (source[j] !== '@') break;
      for (j++; j < n && /[\w.-]/.test(source[j]); j++);
      i = j;
    }
    out.push(source.slice(start, i));
  }
}

function tryQuery(language: Language, source: string): Query | Error {
  try {
    return new Query(language, source);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function describe(rule: RuleDefinition, severity: Severity | undefined): RuleDescriptor {
  return {
    id: rule.id,
    family: rule.family,
    title: rule.title,
    description: rule.description,
    severity: severity ?? rule.severity,
    confidence: rule.confidence,
    cwe: rule.cwe,
    owasp: rule.owasp,
    standards: rule.standards ?? [],
    languages: Object.keys(rule.queries),
    guidance: rule.guidance,
    fixable: rule.fixable,
  };
}

/** Matches of one query over several ranges, each once (same pattern, same captured nodes). */
function uniqueMatches(matches: QueryMatch[]): QueryMatch[] {
  const seen = new Set<string>();
  return matches.filter((m) => {
    const key = `${m.patternIndex}:${m.captures.map((c) => `${c.name}=${c.node.id}`).join(',')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function scopeName(syntax: Syntax, ancestors: readonly Node[]): string {
  return ancestors
    .filter((p) => syntax.isFunction(p))
    .map((p) => syntax.functionName(p) ?? '<anonymous>')
    .join('>');
}

function toRelated(r: RelatedInput, lines: LineIndex): { range: Range; message: string } | undefined {
  if (r.range) return { range: r.range, message: r.message };
  if (r.node) return { range: lines.range(r.node.startIndex, r.node.endIndex), message: r.message };
  return undefined;
}

function toFix(f: FixInput, lines: LineIndex): Finding['fixes'][number] {
  return {
    title: f.title,
    safe: f.safe,
    edits: f.edits.map((e) => {
      const start = e.node ? e.node.startIndex : e.range ? e.range.startOffset : (e.start ?? 0);
      const end = e.node ? e.node.endIndex : e.range ? e.range.endOffset : (e.end ?? start);
      return { range: lines.range(start, end), newText: e.newText };
    }),
  };
}

function dedupeClassifications<T extends { type: string; explanation: string }>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((c) => {
    const k = `${c.type}:${c.explanation}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
