/**
 * The triage file, `.sealant-triage.yml` at the project root (committed): findings a reviewer accepted or marked
 * as false positives, keyed by fingerprint, each with a reason, a reviewer and an optional expiry date. Reviewers
 * keep it without editing source files. Reading keeps line:column for every error; writing goes through the YAML
 * document, so comments and formatting of existing entries survive.
 *
 * - A triaged finding gets `suppression: { kind: 'external', justification }` (SARIF `suppressions`).
 * - From its `expires` date on, an entry no longer suppresses: the finding comes back with a note of the expiry.
 * - An entry whose fingerprint matches no finding of a full scan is stale (`sealant triage list --stale`).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, YAMLSeq } from 'yaml';
import type { Finding } from '../core/types';
import { formatPath, TRIAGE_SCHEMA, validateSchema } from './schema';
import type { ConfigError, TriageEntry } from './types';
import { parseSource } from './yaml';

export type TriageStatus = TriageEntry['status'];

export interface TriageFileData {
  path: string;
  exists: boolean;
  entries: TriageEntry[];
  /** Errors make the file unusable (`entries` is then empty); warnings do not. */
  errors: ConfigError[];
}

const HEADER = `# Sealant triage file: findings reviewed and accepted or marked as false positives, by fingerprint.
# Written by \`sealant triage add\` and the editor's "Accept risk…" / "Mark as false positive…" actions.
# An entry stops suppressing its finding on its \`expires\` date; \`sealant triage list --stale\` shows entries
# that match no finding any more, and \`sealant triage prune\` removes them.
`;

/** YYYY-MM-DD of a date, in UTC. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function validDay(day: string): boolean {
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(t) && isoDay(new Date(t)) === day;
}

/** True from the entry's expiry day on. */
export function isExpired(entry: TriageEntry, now: Date = new Date()): boolean {
  return entry.expires !== undefined && isoDay(now) >= entry.expires;
}

export function readTriageFile(path: string, text?: string): TriageFileData {
  let source = text;
  if (source === undefined) {
    try {
      source = readFileSync(path, 'utf8');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') return { path, exists: false, entries: [], errors: [] };
      return { path, exists: false, entries: [], errors: [{ file: path, line: 1, column: 1, endLine: 1, endColumn: 1, field: '(file)', message: `cannot read the triage file: ${e.message}`, severity: 'error' }] };
    }
  }
  const parsed = parseSource(path, source);
  const errors: ConfigError[] = parsed.syntaxErrors.map((e) => ({ file: path, ...e.range, field: '(file)', message: `YAML syntax error: ${e.message}`, severity: 'error' as const }));
  if (errors.length) return { path, exists: true, entries: [], errors };
  const value = (parsed.value ?? {}) as { entries?: TriageEntry[] };
  for (const i of validateSchema(value, TRIAGE_SCHEMA)) {
    // YAML reads an unquoted all-digit fingerprint as a number: say how to write it.
    const hint = i.path[i.path.length - 1] === 'fingerprint' && i.message.startsWith('must be a string') ? '; quote it: fingerprint: "…"' : '';
    errors.push({ file: path, ...parsed.locate(i.path, i.atKey), field: formatPath(i.path), message: i.message + hint, severity: 'error' });
  }
  if (errors.length) return { path, exists: true, entries: [], errors };
  const entries = value.entries ?? [];
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    for (const field of ['expires', 'added'] as const) {
      const day = e[field];
      if (day !== undefined && !validDay(day)) errors.push({ file: path, ...parsed.locate(['entries', i, field]), field: formatPath(['entries', i, field]), message: `${day} is not a date`, severity: 'error' });
    }
    const first = seen.get(e.fingerprint);
    if (first !== undefined) errors.push({ file: path, ...parsed.locate(['entries', i, 'fingerprint']), field: formatPath(['entries', i, 'fingerprint']), message: `the same fingerprint as entries[${first}]; the first entry is used`, severity: 'warning' });
    else seen.set(e.fingerprint, i);
  });
  const fatal = errors.some((e) => e.severity === 'error');
  return { path, exists: true, entries: fatal ? [] : entries, errors };
}

/**
 * Adds entries (an entry with the fingerprint of an existing one replaces it) and removes the entries whose
 * fingerprints are in `remove`, keeping the comments and formatting of the rest. Creates the file if needed.
 */
export function updateTriageFile(path: string, changes: { add?: readonly TriageEntry[]; remove?: ReadonlySet<string> }): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    text = `${HEADER}version: 1\nentries: []\n`;
  }
  let doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`${path}: cannot update a file with YAML errors: ${doc.errors[0].message.split('\n')[0]}`);
  if (doc.contents === null) doc = parseDocument(`${text.endsWith('\n') || text === '' ? text : `${text}\n`}version: 1\nentries: []\n`);
  if (!isMap(doc.contents)) throw new Error(`${path}: the triage file must be a mapping with an \`entries\` list`);
  let seq = doc.get('entries', true);
  if (!isSeq(seq)) {
    seq = new YAMLSeq();
    doc.set('entries', seq);
  }
  const items = (seq as YAMLSeq).items;
  const fingerprintOf = (item: unknown): string | undefined => (isMap(item) ? String(item.get('fingerprint') ?? '') : undefined);
  const drop = new Set([...(changes.remove ?? []), ...(changes.add ?? []).map((e) => e.fingerprint)]);
  for (let i = items.length - 1; i >= 0; i--) {
    const fp = fingerprintOf(items[i]);
    if (fp && drop.has(fp)) items.splice(i, 1);
  }
  for (const e of changes.add ?? []) {
    const entry: Record<string, string> = { fingerprint: e.fingerprint, rule: e.rule, file: e.file, status: e.status, reason: e.reason };
    if (e.reviewer) entry.reviewer = e.reviewer;
    if (e.expires) entry.expires = e.expires;
    if (e.added) entry.added = e.added;
    items.push(doc.createNode(entry));
  }
  (seq as YAMLSeq).flow = items.length === 0;
  const out = doc.toString({ lineWidth: 0 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, out);
  renameSync(tmp, path);
}

/** The justification shown for a triaged finding (SARIF `suppressions[].justification`). */
export function justification(entry: TriageEntry): string {
  const who = entry.reviewer ? ` (${entry.reviewer}${entry.added ? `, ${entry.added}` : ''})` : '';
  const until = entry.expires ? `; until ${entry.expires}` : '';
  return `${entry.status === 'false-positive' ? 'False positive' : 'Accepted risk'}: ${entry.reason}${who}${until}`;
}

/** Triage entries by fingerprint, recording which ones matched a finding. */
export class TriageIndex {
  private readonly byFingerprint = new Map<string, TriageEntry>();
  readonly used = new Set<string>();

  constructor(readonly entries: readonly TriageEntry[], private readonly now: Date = new Date()) {
    for (const e of entries) if (!this.byFingerprint.has(e.fingerprint)) this.byFingerprint.set(e.fingerprint, e);
  }

  get size(): number {
    return this.byFingerprint.size;
  }

  /**
   * Applies the triage to one finding: a live entry suppresses it (external); an expired one leaves it reported
   * with a note of the expiry. Findings already suppressed inline are left alone (the entry still counts as used).
   */
  apply(finding: Finding): Finding {
    const entry = this.byFingerprint.get(finding.fingerprint);
    if (!entry) return finding;
    this.used.add(entry.fingerprint);
    if (finding.suppression) return finding;
    if (isExpired(entry, this.now)) {
      return { ...finding, message: `${finding.message} (Triage entry expired on ${entry.expires}: ${entry.status === 'false-positive' ? 'marked as a false positive' : 'risk accepted'}${entry.reviewer ? ` by ${entry.reviewer}` : ''}: ${entry.reason})` };
    }
    return { ...finding, suppression: { kind: 'external', justification: justification(entry) } };
  }

  /** Entries that matched no finding seen by `apply`. */
  stale(): TriageEntry[] {
    return this.entries.filter((e) => !this.used.has(e.fingerprint));
  }

  expired(): TriageEntry[] {
    return this.entries.filter((e) => isExpired(e, this.now));
  }
}

/** A new entry for a finding. */
export function entryFor(finding: Pick<Finding, 'fingerprint' | 'ruleId' | 'path'>, details: { status: TriageStatus; reason: string; reviewer?: string; expires?: string; now?: Date }): TriageEntry {
  const entry: TriageEntry = { fingerprint: finding.fingerprint, rule: finding.ruleId, file: finding.path, status: details.status, reason: details.reason };
  if (details.reviewer) entry.reviewer = details.reviewer;
  if (details.expires) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(details.expires) || !validDay(details.expires)) throw new Error(`expiry "${details.expires}" is not a date written YYYY-MM-DD`);
    entry.expires = details.expires;
  }
  entry.added = isoDay(details.now ?? new Date());
  return entry;
}
