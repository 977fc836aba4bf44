/**
 * SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/) for GitHub code scanning, Azure DevOps and
 * SARIF viewers. One run. Paths are relative URIs against `%SRCROOT%`, which `originalUriBaseIds` maps to the
 * scan root; columns are UTF-16 code units (`run.columnKind`), 1-based, with an exclusive `endColumn`.
 *
 * Rule metadata follows GitHub code scanning's conventions: `properties.tags` carries the family, `security`
 * and the CWE ids (`CWE-312` and `external/cwe/cwe-312`), `properties.precision` the confidence and
 * `properties['security-severity']` a score from the table below.
 */
import type { Confidence, Finding, Range, RuleDescriptor, ScanResult, Severity, SkippedFile, SkipReason } from '../core/types';
import { allFindings, allSkipped, compareStrings } from './json';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_VERSION = '2.1.0';
/** Where the tool is described (the extension's Marketplace page: publisher `sealant`, name `sealant`). */
export const DEFAULT_INFORMATION_URI = 'https://marketplace.visualstudio.com/items?itemName=sealant.sealant';
export const SRCROOT = '%SRCROOT%';
export const FINGERPRINT_KEY = 'sealant/v1';

/**
 * `security-severity` by severity and confidence. The severity picks GitHub's band (error → high 7.0–8.9,
 * warning → medium 4.0–6.9, note → low 0.1–3.9); lower confidence moves the score down inside the band.
 * Nothing is "critical" (9.0+): a static finding is a likely weakness, not a confirmed exploit.
 */
export const SECURITY_SEVERITY: Readonly<Record<Severity, Readonly<Record<Confidence, string>>>> = {
  error: { high: '8.0', medium: '7.5', low: '7.0' },
  warning: { high: '6.5', medium: '5.5', low: '4.5' },
  note: { high: '3.5', medium: '2.5', low: '1.5' },
};

/** Skip reasons that mean "we meant to scan this and could not": a warning. The others are deliberate: a note. */
const FAILED_SKIPS: ReadonlySet<SkipReason> = new Set<SkipReason>(['unreadable', 'parse-timeout', 'error']);

export interface SarifOptions {
  /** `tool.driver.informationUri`; default {@link DEFAULT_INFORMATION_URI}. */
  informationUri?: string;
  /** A page with the rule's guidance, put in `helpUri` when given. */
  ruleHelpUri?: (rule: RuleDescriptor) => string | undefined;
}

// ---- The subset of the SARIF object model that Sealant writes ----------------------------------------------

export interface SarifMessage {
  text: string;
  markdown?: string;
}
export interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}
export interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
}
export interface SarifPhysicalLocation {
  artifactLocation: SarifArtifactLocation;
  region?: SarifRegion;
}
export interface SarifLocation {
  id?: number;
  physicalLocation: SarifPhysicalLocation;
  message?: SarifMessage;
}
export interface SarifReplacement {
  deletedRegion: SarifRegion;
  insertedContent: { text: string };
}
export interface SarifFix {
  description: SarifMessage;
  artifactChanges: { artifactLocation: SarifArtifactLocation; replacements: SarifReplacement[] }[];
  properties: { safe: boolean };
}
/**
 * No `status`: absent means the suppression stands, and the property was named `state` in some published
 * revisions of the 2.1.0 schema, so leaving it out keeps the log valid against all of them.
 */
export interface SarifSuppression {
  kind: 'inSource' | 'external';
  justification?: string;
}
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: Severity;
  message: SarifMessage;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
  fixes?: SarifFix[];
  suppressions?: SarifSuppression[];
  properties: { confidence: Confidence; dataTypes: string[]; evidence?: string };
}
export interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: Severity };
  properties: {
    tags: string[];
    precision: Confidence;
    'security-severity'?: string;
    cwe: string[];
    owasp?: string[];
    standards?: string[];
  };
}
export interface SarifNotification {
  level: 'note' | 'warning';
  message: SarifMessage;
  locations: SarifLocation[];
  descriptor: { id: string };
  properties: { reason: SkipReason; detail: string };
}
export interface SarifInvocation {
  executionSuccessful: boolean;
  startTimeUtc?: string;
  endTimeUtc?: string;
  toolExecutionNotifications: SarifNotification[];
}
export interface SarifRun {
  tool: { driver: { name: string; version: string; semanticVersion?: string; informationUri: string; rules: SarifRule[] } };
  invocations: SarifInvocation[];
  originalUriBaseIds: Record<string, { uri: string }>;
  columnKind: 'utf16CodeUnits';
  results: SarifResult[];
}
export interface SarifLog {
  $schema: string;
  version: typeof SARIF_VERSION;
  runs: SarifRun[];
}

// ---- Building blocks ----------------------------------------------------------------------------------------

/** `storage/sensitive-data-in-log` → `StorageSensitiveDataInLog`. */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** A relative path with `/` separators as a relative URI reference, each segment percent-encoded. */
export function encodePath(path: string): string {
  return path.split('/').map((s) => encodeURIComponent(s)).join('/');
}

function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(path);
}

/** An absolute file-system path (POSIX, Windows drive or UNC) as a `file:` URI; directories end in `/`. */
export function fileUri(absPath: string, directory = false): string {
  let p = absPath.replace(/\\/g, '/');
  let authority = '';
  if (p.startsWith('//')) {
    const end = p.indexOf('/', 2);
    authority = end < 0 ? p.slice(2) : p.slice(2, end);
    p = end < 0 ? '/' : p.slice(end);
  } else if (/^[A-Za-z]:/.test(p)) {
    p = '/' + p;
  }
  const encoded = p
    .split('/')
    .map((seg, i) => (i === 1 && /^[A-Za-z]:$/.test(seg) ? seg : encodeURIComponent(seg)))
    .join('/');
  const withSlash = directory && !encoded.endsWith('/') ? encoded + '/' : encoded;
  return `file://${encodeURIComponent(authority)}${withSlash}`;
}

function artifactLocation(path: string): SarifArtifactLocation {
  return isAbsolutePath(path) ? { uri: fileUri(path) } : { uri: encodePath(path), uriBaseId: SRCROOT };
}

/** Zero-based model range → 1-based SARIF region with an exclusive end column. */
export function toRegion(range: Range): SarifRegion {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.column + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.column + 1,
  };
}

function cweTags(cwe: readonly number[]): string[] {
  return [...cwe.map((n) => `CWE-${n}`), ...cwe.map((n) => `external/cwe/cwe-${n}`)];
}

function fence(code: string): string {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((m) => m.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}\n${code.replace(/\n+$/, '')}\n${ticks}`;
}

function cweLink(n: number): string {
  return `[CWE-${n}](https://cwe.mitre.org/data/definitions/${n}.html)`;
}

export function ruleHelp(rule: RuleDescriptor): { text: string; markdown: string } {
  const g = rule.guidance;
  const md: string[] = [`**${rule.title}**`, '', rule.description];
  const txt: string[] = [`${rule.title}`, '', rule.description];
  if (g.why) {
    md.push('', '## Why it matters', '', g.why);
    txt.push('', 'Why it matters:', g.why);
  }
  if (g.bad) {
    md.push('', '## Bad', '', fence(g.bad));
    txt.push('', 'Bad:', indent(g.bad));
  }
  if (g.good) {
    md.push('', '## Good', '', fence(g.good));
    txt.push('', 'Good:', indent(g.good));
  }
  if (g.fix) {
    md.push('', '## How to fix', '', g.fix);
    txt.push('', 'How to fix:', g.fix);
  }
  const refs = [...rule.cwe.map(cweLink), ...rule.owasp.map((o) => `OWASP ${o}`), ...rule.standards];
  if (refs.length > 0) {
    md.push('', '## References', '', ...refs.map((r) => `- ${r}`));
    txt.push('', 'References:', ...[...rule.cwe.map((n) => `CWE-${n}`), ...rule.owasp.map((o) => `OWASP ${o}`), ...rule.standards].map((r) => `- ${r}`));
  }
  return { text: txt.join('\n'), markdown: md.join('\n') };
}

function indent(code: string): string {
  return code.replace(/\n+$/, '').split('\n').map((l) => `    ${l}`).join('\n');
}

export function toSarifRule(rule: RuleDescriptor, options: SarifOptions = {}): SarifRule {
  const security = rule.family !== 'sealant';
  const out: SarifRule = {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: ruleHelp(rule),
    defaultConfiguration: { level: rule.severity },
    properties: {
      tags: [...new Set([rule.family, ...(security ? ['security'] : []), ...cweTags(rule.cwe)])],
      precision: rule.confidence,
      cwe: [...new Set(rule.cwe.map((n) => `CWE-${n}`))],
    },
  };
  if (security) out.properties['security-severity'] = SECURITY_SEVERITY[rule.severity][rule.confidence];
  if (rule.owasp.length > 0) out.properties.owasp = [...rule.owasp];
  if (rule.standards.length > 0) out.properties.standards = [...rule.standards];
  const helpUri = options.ruleHelpUri?.(rule);
  if (helpUri) out.helpUri = helpUri;
  return out;
}

/** A descriptor for a finding whose rule is not in `result.rules` (so every result still has a ruleIndex). */
function descriptorFromFinding(f: Finding): RuleDescriptor {
  return {
    id: f.ruleId,
    family: f.family,
    title: f.ruleId,
    description: `Findings of ${f.ruleId}.`,
    severity: f.severity,
    confidence: f.confidence,
    cwe: [...f.cwe],
    owasp: [],
    standards: [],
    languages: [],
    guidance: { why: '', bad: '', good: '', fix: '' },
    fixable: f.fixes.length > 0,
  };
}

function toSarifResult(f: Finding, ruleIndex: number): SarifResult {
  const location = artifactLocation(f.path);
  const out: SarifResult = {
    ruleId: f.ruleId,
    ruleIndex,
    level: f.severity,
    message: { text: f.message },
    locations: [{ physicalLocation: { artifactLocation: location, region: toRegion(f.range) } }],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: { confidence: f.confidence, dataTypes: [...f.dataTypes] },
  };
  if (f.related.length > 0) {
    out.relatedLocations = f.related.map((r, i) => ({
      id: i + 1,
      physicalLocation: { artifactLocation: { ...location }, region: toRegion(r.range) },
      message: { text: r.message },
    }));
  }
  const fixes = f.fixes.filter((x) => x.edits.length > 0);
  if (fixes.length > 0) {
    out.fixes = fixes.map((x) => ({
      description: { text: x.title },
      artifactChanges: [
        {
          artifactLocation: { ...location },
          replacements: x.edits.map((e) => ({ deletedRegion: toRegion(e.range), insertedContent: { text: e.newText } })),
        },
      ],
      properties: { safe: x.safe },
    }));
  }
  if (f.suppression) {
    const s: SarifSuppression = { kind: f.suppression.kind };
    if (f.suppression.justification) s.justification = f.suppression.justification;
    out.suppressions = [s];
  }
  if (f.evidence !== undefined) out.properties.evidence = f.evidence;
  return out;
}

function toNotification(s: SkippedFile): SarifNotification {
  return {
    level: FAILED_SKIPS.has(s.reason) ? 'warning' : 'note',
    message: { text: `Skipped ${s.path}: ${s.reason}${s.detail ? ` (${s.detail})` : ''}.` },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(s.path) } }],
    descriptor: { id: `sealant/skipped/${s.reason}` },
    properties: { reason: s.reason, detail: s.detail },
  };
}

function validIso(date: string): string | undefined {
  const t = Date.parse(date);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

export function toSarif(result: ScanResult, options: SarifOptions = {}): SarifLog {
  const findings = allFindings(result);
  const descriptors = [...result.rules].sort((a, b) => compareStrings(a.id, b.id));
  const index = new Map<string, number>();
  descriptors.forEach((r, i) => index.set(r.id, i));
  for (const f of findings) {
    if (!index.has(f.ruleId)) {
      index.set(f.ruleId, descriptors.length);
      descriptors.push(descriptorFromFinding(f));
    }
  }
  const invocation: SarifInvocation = {
    executionSuccessful: true,
    toolExecutionNotifications: allSkipped(result).map(toNotification),
  };
  const start = validIso(result.startedAt);
  if (start) {
    invocation.startTimeUtc = start;
    invocation.endTimeUtc = new Date(Date.parse(start) + Math.max(0, result.durationMs || 0)).toISOString();
  }
  const driver: SarifRun['tool']['driver'] = {
    name: result.tool.name || 'Sealant',
    version: result.tool.version,
    informationUri: options.informationUri ?? DEFAULT_INFORMATION_URI,
    rules: descriptors.map((r) => toSarifRule(r, options)),
  };
  if (/^\d+\.\d+\.\d+(?:[-+].*)?$/.test(result.tool.version)) driver.semanticVersion = result.tool.version;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [
      {
        tool: { driver },
        invocations: [invocation],
        originalUriBaseIds: { [SRCROOT]: { uri: fileUri(result.root, true) } },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => toSarifResult(f, index.get(f.ruleId) ?? 0)),
      },
    ],
  };
}

export function formatSarif(result: ScanResult, options: SarifOptions = {}): string {
  return JSON.stringify(toSarif(result, options), null, 2) + '\n';
}
