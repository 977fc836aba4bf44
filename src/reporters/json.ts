/**
 * The JSON report, and the counting and ordering every reporter shares.
 *
 * Shape (version 1; fields are only ever added, never renamed or removed, without bumping `version`):
 *
 * ```jsonc
 * {
 *   "version": 1,
 *   "tool": { "name": "Sealant", "version": "0.1.0" },
 *   "root": "/abs/path/of/the/scan/root",          // every `path` below is relative to it, with `/`
 *   "startedAt": "2025-01-01T00:00:00.000Z",
 *   "durationMs": 1234,
 *   "summary": {
 *     "findings": 7,                                 // not suppressed
 *     "suppressed": 2,
 *     "bySeverity": { "error": 3, "warning": 3, "note": 1 },                  // not suppressed
 *     "byFamily": { "storage": 3, "transmission": 2, "upload": 2, "sealant": 0 }, // not suppressed
 *     "byRule": { "storage/sensitive-data-in-log": 2 },                       // not suppressed, sorted by id
 *     "filesScanned": 12, "filesParsed": 9, "filesWithFindings": 3,
 *     "filesSkipped": 2, "skippedByReason": { "binary": 1, "too-large": 1 }   // sorted by reason
 *   },
 *   "findings": [ {                                  // sorted by path, line, column, rule id
 *     "path": "src/server.js", "line": 34, "column": 3,   // 1-based, as the text report shows them
 *     "ruleId": "...", "family": "storage", "severity": "error", "confidence": "high", "cwe": [532],
 *     "message": "...", "range": { "start": {"line": 33, "column": 2}, "end": {...}, "startOffset": 0, "endOffset": 0 },
 *     "dataTypes": ["ssn"], "classifications": [...], "related": [...], "fixes": [...],
 *     "fingerprint": "0123456789abcdef",
 *     "evidence": "hu*****",                         // only when the rule recorded (redacted) evidence
 *     "suppression": { "kind": "inSource", "justification": "..." } // only on suppressed findings
 *   } ],
 *   "skipped": [ { "path": "public/logo.png", "reason": "binary", "detail": "..." } ],  // sorted by path
 *   "rules": [ ...RuleDescriptor ]                   // every active rule, as in the result model
 * }
 * ```
 * `range` and `related[].range` stay zero-based, exactly as in the result model (`src/core/types.ts`).
 */
import type {
  Family,
  Finding,
  RuleDescriptor,
  ScanResult,
  Severity,
  SkippedFile,
  SkipReason,
} from '../core/types';

export const JSON_REPORT_VERSION = 1;

export interface JsonSummary {
  findings: number;
  suppressed: number;
  bySeverity: Record<Severity, number>;
  byFamily: Record<Family, number>;
  byRule: Record<string, number>;
  filesScanned: number;
  filesParsed: number;
  filesWithFindings: number;
  filesSkipped: number;
  skippedByReason: Partial<Record<SkipReason, number>>;
}

/** A finding as written to JSON: the model's finding plus 1-based `line` and `column` of its start. */
export interface JsonFinding extends Finding {
  /** 1-based line of the start of `range`. */
  line: number;
  /** 1-based column (UTF-16 code units) of the start of `range`. */
  column: number;
}

export interface JsonReport {
  version: typeof JSON_REPORT_VERSION;
  tool: { name: string; version: string };
  root: string;
  startedAt: string;
  durationMs: number;
  summary: JsonSummary;
  findings: JsonFinding[];
  skipped: SkippedFile[];
  rules: RuleDescriptor[];
}

/** Plain code-unit comparison: the same order on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareStrings(a.path, b.path) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.column - b.range.start.column ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.fingerprint, b.fingerprint)
  );
}

/** Every finding of the result (suppressed ones included), in report order. */
export function allFindings(result: ScanResult): Finding[] {
  return result.files.flatMap((f) => f.findings).sort(compareFindings);
}

/**
 * Every skipped file, once, sorted by path. The CLI lists them in `result.skipped`; a file result may also
 * carry its own `skipped` entry, so both are merged.
 */
export function allSkipped(result: ScanResult): SkippedFile[] {
  const byPath = new Map<string, SkippedFile>();
  for (const s of result.skipped) if (!byPath.has(s.path)) byPath.set(s.path, s);
  for (const f of result.files) if (f.skipped && !byPath.has(f.skipped.path)) byPath.set(f.skipped.path, f.skipped);
  return [...byPath.values()].sort((a, b) => compareStrings(a.path, b.path));
}

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note'];
export const FAMILIES: readonly Family[] = ['storage', 'transmission', 'upload', 'sealant'];

export function summarize(result: ScanResult): JsonSummary {
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  const byFamily: Record<Family, number> = { storage: 0, transmission: 0, upload: 0, sealant: 0 };
  const byRule: Record<string, number> = {};
  let findings = 0;
  let suppressed = 0;
  const withFindings = new Set<string>();
  for (const f of allFindings(result)) {
    if (f.suppression) {
      suppressed++;
      continue;
    }
    findings++;
    bySeverity[f.severity]++;
    byFamily[f.family]++;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
    withFindings.add(f.path);
  }
  const skipped = allSkipped(result);
  const skippedPaths = new Set(skipped.map((s) => s.path));
  const scanned = result.files.filter((f) => !f.skipped && !skippedPaths.has(f.path));
  const skippedByReason: Partial<Record<SkipReason, number>> = {};
  for (const reason of skipped.map((s) => s.reason).sort(compareStrings)) skippedByReason[reason] = (skippedByReason[reason] ?? 0) + 1;
  const sortedByRule: Record<string, number> = {};
  for (const id of Object.keys(byRule).sort(compareStrings)) sortedByRule[id] = byRule[id];
  return {
    findings,
    suppressed,
    bySeverity,
    byFamily,
    byRule: sortedByRule,
    filesScanned: scanned.length,
    filesParsed: scanned.filter((f) => f.parsed).length,
    filesWithFindings: withFindings.size,
    filesSkipped: skipped.length,
    skippedByReason,
  };
}

function toJsonFinding(f: Finding): JsonFinding {
  const out: JsonFinding = {
    path: f.path,
    line: f.range.start.line + 1,
    column: f.range.start.column + 1,
    ruleId: f.ruleId,
    family: f.family,
    severity: f.severity,
    confidence: f.confidence,
    cwe: [...f.cwe],
    message: f.message,
    range: f.range,
    dataTypes: [...f.dataTypes],
    classifications: f.classifications,
    related: f.related,
    fixes: f.fixes,
    fingerprint: f.fingerprint,
  };
  if (f.evidence !== undefined) out.evidence = f.evidence;
  if (f.suppression) out.suppression = { kind: f.suppression.kind, justification: f.suppression.justification };
  return out;
}

export function toJsonReport(result: ScanResult): JsonReport {
  return {
    version: JSON_REPORT_VERSION,
    tool: { name: result.tool.name, version: result.tool.version },
    root: result.root,
    startedAt: result.startedAt,
    durationMs: result.durationMs,
    summary: summarize(result),
    findings: allFindings(result).map(toJsonFinding),
    skipped: allSkipped(result).map((s) => ({ path: s.path, reason: s.reason, detail: s.detail })),
    rules: [...result.rules].sort((a, b) => compareStrings(a.id, b.id)),
  };
}

export function formatJson(result: ScanResult): string {
  return JSON.stringify(toJsonReport(result), null, 2) + '\n';
}
