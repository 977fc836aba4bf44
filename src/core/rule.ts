/**
 * What a rule is: metadata + a tree-sitter query per syntax family + a small predicate + an optional fix.
 * Rules are data the engine compiles once per grammar (all active rules of a grammar become ONE query).
 */
import type { Node } from 'web-tree-sitter';
import type { SyntaxFamily } from '../languages/registry';
import type { Classifier } from './classifier';
import type { DataFlow } from './flow';
import type { Syntax } from './syntax';
import type { PathKind } from './text';
import type { Classification, Confidence, DataCategory, Family, InventoryFact, Range, RuleDescriptor, Severity } from './types';

export interface RuleOption {
  description: string;
  default: number | string | boolean | string[];
}

export interface RuleDefinition extends Omit<RuleDescriptor, 'family' | 'standards' | 'languages'> {
  family: Exclude<Family, 'sealant'>;
  standards?: string[];
  options?: Record<string, RuleOption>;
  /**
   * Keyword gate: a case-insensitive regex source. The rule runs on a file only when the file text matches.
   * Rules that depend on the classifier may leave it out (the engine then runs them on every file).
   */
  keywords?: string;
  /**
   * The keyword gate instead of `keywords` when the team config lists no approved hosts (`hosts.approved`), for a rule
   * that reports less without the list (data sent to any host off the list).
   */
  keywordsUnlessApprovedHosts?: string;
  /**
   * Data-type gate, for rules that report only some kinds of sensitive data: the rule runs on a file only when the
   * file may name one of these data types (see Classifier.mayName; the team's synonyms count). With `keywords`,
   * both must match, unless `gateEither` is set. `{ except }`: every data type the classifier knows (the team's
   * new types included) but these.
   */
  gateTypes?: readonly string[] | { readonly except: readonly string[] };
  /**
   * More ways to pass the data-type gate, per syntax family: a case-insensitive regex source for data the rule
   * reports that the classifier does not name (a whole request body, a customer record). The data-type gate passes
   * where the file may name one of `gateTypes` OR this regex matches.
   */
  gateSources?: Partial<Record<SyntaxFamily, string>>;
  /**
   * The rule runs where its keywords match OR where the file may name one of `gateTypes`: for a rule that reports
   * values by their name (the names of a data type, team synonyms included, are only known to the classifier) and
   * also by what its keywords find (formats, APIs).
   */
  gateEither?: boolean;
  /**
   * Named whole-text tests the rule asks through RuleContext.textHas (case-insensitive regex sources). Their literals
   * join the keyword prefilter's one scan of the file: where none of a test's literals occur, it is false at no cost.
   */
  textTests?: Readonly<Record<string, string>>;
  /**
   * Tree-sitter query source per syntax family. Captures are handed to `check`. The family's key decides
   * which languages the rule supports. A rule may have an empty query and do all its work in `finish`.
   */
  queries: Partial<Record<SyntaxFamily, string>>;
  /** Called for every match of one of this rule's patterns. */
  check?(match: RuleMatch, ctx: RuleContext): void;
  /** Called once per file after all matches: for absence checks and cross-match reasoning. */
  finish?(ctx: RuleContext): void;
}

export interface RuleMatch {
  /** Index of the pattern inside this rule's own query text (0-based). */
  pattern: number;
  /** First node of a capture, or undefined. */
  get(name: string): Node | undefined;
  /** All nodes of a capture (quantified captures). */
  all(name: string): Node[];
}

export interface RelatedInput {
  node?: Node;
  range?: Range;
  message: string;
}

export interface FixInput {
  title: string;
  safe: boolean;
  edits: { node?: Node; range?: Range; start?: number; end?: number; newText: string }[];
}

export interface ReportInput {
  /** Where the finding is shown. */
  node: Node;
  message: string;
  severity?: Severity;
  confidence?: Confidence;
  dataTypes?: string[];
  classifications?: Classification[];
  related?: RelatedInput[];
  fixes?: FixInput[];
  /** The raw value that makes this a finding (a secret, a card number): the engine stores only its redaction. */
  secret?: string;
  /**
   * Text that identifies the finding for its fingerprint (defaults to the node text). Must not depend on
   * line numbers or whitespace.
   */
  fingerprintKey?: string;
}

/** What a rule gives `ctx.record`: the fact without the file, range and source the engine fills in. */
export interface FactInput extends Omit<InventoryFact, 'path' | 'range' | 'source' | 'category' | 'origin'> {
  /** The location of the fact (the sink call, the request field, the column). */
  node: Node;
  /** Defaults to the data type's category in the dictionary. */
  category?: DataCategory;
  /** Where the data came from, when that is another node. */
  origin?: { node: Node; name?: string };
  /** A part of `node` (UTF-16 offsets into the file), e.g. one column inside an SQL string. */
  offsets?: { start: number; end: number };
}

export interface FileInfo {
  path: string;
  text: string;
  languageId: string;
  syntax: SyntaxFamily;
  /** True under test, fixture, spec, mock and example paths: rules lower confidence or severity there. */
  isTestPath: boolean;
  /** Test code, an example or source, by the path (see pathKind in text.ts): the transmission rules skip test code. */
  pathKind: PathKind;
}

export interface RuleContext {
  readonly file: FileInfo;
  readonly root: Node;
  readonly classifier: Classifier;
  readonly flow: DataFlow;
  readonly syntax: Syntax;
  /** Rule options, merged from defaults and the team config. */
  option<T extends number | string | boolean | string[]>(name: string): T;
  /** Per-file scratch space shared between `check` calls and `finish` of this rule. */
  readonly state: Map<string, unknown>;
  /** Whether the file's text matches the rule's text test `name` (RuleDefinition.textTests; false for none); memoised per file. */
  textHas(name: string): boolean;
  report(finding: ReportInput): void;
  /**
   * Records a personal-data inventory fact (where data is collected, stored, logged or sent). Facts are kept only
   * when the caller asked for them (the inventory); otherwise this does nothing. Names only, never a value.
   */
  record(fact: FactInput): void;
  /** Hosts the team allows on plain HTTP, and hosts approved to receive personal data. */
  readonly hosts: { allowInsecure: string[]; approved: string[] | undefined };
  /** Incremental engines only: per-document facts handed from one analysis to the next (see Carry). */
  readonly carry?: Carry;
}

/**
 * Facts a rule hands to the next analysis of the same document, so that whole-file work (a `finish` step's list
 * of every call, say) is redone only for the edited unit. One Carry is shared by every rule of an analysis: key
 * names by rule or module. `previous` answers only when this analysis re-checks one edited unit (see
 * incremental.ts): the text outside `edit` is unchanged and its syntax tree is the same (the engine checks the
 * parser's changed ranges), offsets after the unit moved by `edit.delta`.
 */
export interface Carry {
  /**
   * The edited unit in the new text ([start, end)), where it ended in the old text, and the shift after it. When error
   * recovery split a class, `parts` are the units analysed again (in order; what lies between them is as it was, moved
   * by `delta` when it follows `at`, where the edit starts), and `start`-`end` spans them.
   */
  readonly edit?: {
    start: number;
    end: number;
    oldEnd: number;
    delta: number;
    startPosition: { row: number; column: number };
    endPosition: { row: number; column: number };
    at?: number;
    parts?: readonly { start: number; end: number; oldStart: number; oldEnd: number; startPosition: { row: number; column: number }; endPosition: { row: number; column: number } }[];
  };
  /** What the previous analysis kept under `key`; undefined unless `edit` is set. */
  previous(key: string): unknown;
  /** Keeps a value for the next analysis of this document. */
  keep(key: string, value: unknown): void;
}
