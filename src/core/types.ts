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
  /** Personal-data inventory facts recorded by rules and the inventory pass (absent when there are none). */
  facts?: InventoryFact[];
}

/**
 * Personal-data inventory (src/inventory): where the code collects, stores, logs and sends each data type.
 * `read` facts (a stored field read back) only feed the data-minimisation hints.
 */
export type InventoryActivity = 'collected' | 'stored' | 'logged' | 'sent' | 'read';

/** How the data is protected at that location; `clear` when it is not. */
export type Protection = 'hashed' | 'encrypted' | 'tokenised' | 'masked' | 'clear';

/**
 * What kind of place: collection points (`request` fields, `header`, `cookie`, `handler-param`, browser `form`),
 * stores (`db`, `file`, `cookie`, `web-storage`, `cache`, `session`, `cloud-storage`), `log`, and destinations
 * (`http`, `websocket`, `email`, `sdk`, `queue`).
 */
export type SinkKind =
  | 'request' | 'header' | 'cookie' | 'handler-param' | 'form'
  | 'db' | 'file' | 'web-storage' | 'cache' | 'session' | 'cloud-storage'
  | 'log'
  | 'http' | 'websocket' | 'email' | 'sdk' | 'queue'
  | 'other';

/** One inventory fact: plain data, like a finding. Names only, never a value. */
export interface InventoryFact {
  /** Data type id from the dictionary (`ssn`, `card_number`); `*` on a `read` fact of every column (`SELECT *`). */
  dataType: string;
  category: DataCategory;
  activity: InventoryActivity;
  sink: SinkKind;
  /**
   * Where exactly: table or model and column (`users.ssn`), host with scheme (`https://api.partner.com`), SDK
   * name (`stripe`), cookie or storage key, log library, route (`POST /signup`) for collection points.
   */
  target?: string;
  protection: Protection;
  /** The sanitizer that protects it, as written (`bcrypt.hash`). */
  protectedBy?: string;
  /** The name the data has here: identifier, property path, key or column (`req.body.ssn`). */
  name?: string;
  path: string;
  range: Range;
  /** Why this is that data type, and why this place collects / stores / logs / sends it. */
  explanation: string;
  /** Id of the rule or inventory pass that recorded the fact. */
  source: string;
  /** Where the data came from, when that is another place in the file. */
  origin?: { range: Range; name?: string };
  /** For `sent`: `tls` for https / wss / ftps targets, `plain` for http / ws / ftp. */
  transport?: 'tls' | 'plain';
  /** For `collected`: the value is never read afterwards in its function. */
  unused?: boolean;
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
