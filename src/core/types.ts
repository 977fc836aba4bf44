/**
 * The result model shared by the engine, the reporters, the CLI and the extension.
 * Everything here is plain data: it crosses worker-thread boundaries and is written to caches.
 */

export type Family = 'storage' | 'transmission' | 'upload' | 'sealant';
export type Severity = 'error' | 'warning' | 'note';
export type Confidence = 'high' | 'medium' | 'low';

/** Zero-based line and column (column in UTF-16 code units, as VS Code and tree-sitter's JS binding use). */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
  /** UTF-16 offsets into the file text. */
  startOffset: number;
  endOffset: number;
}

export interface RelatedLocation {
  range: Range;
  message: string;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  /** Shown as the quick-fix title, e.g. "Hash the password with bcrypt". */
  title: string;
  edits: TextEdit[];
  /** Safe fixes may be preferred and applied by "fix all"; unsafe ones are offered only. */
  safe: boolean;
}

/** How a piece of data was recognised as sensitive. */
export interface Classification {
  /** Data type id from the dictionary, e.g. `ssn`, `password`, `card_number`. */
  type: string;
  category: DataCategory;
  /** Human-readable explanation, e.g. "`cust_ssn` matched type `ssn` by the name pattern `ssn`". */
  explanation: string;
  /** `name` when recognised from an identifier / key, `value` when recognised from a literal value. */
  by: 'name' | 'value';
}

export type DataCategory =
  | 'credentials'
  | 'government_id'
  | 'financial'
  | 'contact'
  | 'personal'
  | 'health'
  | 'biometric'
  | 'location';

export interface Suppression {
  kind: 'inSource' | 'external';
  justification: string;
}

export interface Finding {
  ruleId: string;
  family: Family;
  cwe: number[];
  severity: Severity;
  confidence: Confidence;
  /** Path as given to the engine (the CLI passes paths relative to the scan root, with `/`). */
  path: string;
  range: Range;
  message: string;
  /** Data types involved (dictionary ids). */
  dataTypes: string[];
  /** Explanations of how the data was classified. */
  classifications: Classification[];
  /** Where the sensitive data came from, and other places worth seeing. */
  related: RelatedLocation[];
  fixes: Fix[];
  /** Stable across reformatting and moved lines. */
  fingerprint: string;
  /** Redacted evidence, e.g. `"hu*****"`; never the value itself. */
  evidence?: string;
  suppression?: Suppression;
}

export type SkipReason =
  | 'binary'
  | 'too-large'
  | 'minified'
  | 'generated'
  | 'unreadable'
  | 'parse-timeout'
  | 'unsupported'
  | 'error';

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  detail: string;
}

export interface FileResult {
  path: string;
  language: string;
  findings: Finding[];
  /** True when the file was parsed; false when the keyword gate showed that no rule could match. */
  parsed: boolean;
  skipped?: SkippedFile;
  /** Milliseconds spent on this file by the engine. */
  ms: number;
  lines: number;
}

export interface ScanResult {
  tool: { name: string; version: string };
  /** Absolute root the paths are relative to (a file URI base for SARIF). */
  root: string;
  files: FileResult[];
  skipped: SkippedFile[];
  /** Rule metadata of every rule that was active, for reporters. */
  rules: RuleDescriptor[];
  startedAt: string;
  durationMs: number;
}

/** Rule metadata as reporters and the extension see it (no functions). */
export interface RuleDescriptor {
  id: string;
  family: Family;
  title: string;
  /** One sentence: what the rule finds. */
  description: string;
  severity: Severity;
  confidence: Confidence;
  cwe: number[];
  owasp: string[];
  /** Other references: PCI DSS, GDPR articles. */
  standards: string[];
  languages: string[];
  guidance: Guidance;
  fixable: boolean;
}

export interface Guidance {
  /** Why it matters, in a few sentences of Markdown. */
  why: string;
  /** A bad example and a good one, as code. */
  bad: string;
  good: string;
  /** How to fix it, in Markdown. */
  fix: string;
}

export const SEVERITY_RANK: Record<Severity, number> = { note: 1, warning: 2, error: 3 };
