/**
 * The personal-data inventory: a pure function from scan results (FileResults with facts and findings) to one
 * model that every output format and the editor view read. For every data type, grouped by category: where it is
 * collected, stored, logged and sent, with file:line, protection and the findings at that place; a summary; the
 * collection points and destinations for the diagram; and data-minimisation hints.
 *
 * The JSON output is this model; its shape is `schemas/inventory.schema.json` (version `INVENTORY_VERSION`).
 */
import type { DataCategory, FileResult, Finding, InventoryActivity, InventoryFact, Protection, Severity, SinkKind, SkippedFile } from '../core/types';
import { DATA_DICTIONARY } from '../rules/data-dictionary';

/** Bumped when a field is renamed or removed; fields are only ever added within a version. */
export const INVENTORY_VERSION = 1;
export const INVENTORY_SCHEMA_ID = 'https://sealant.dev/schemas/inventory-1.json';

/** The activities an inventory lists, in order. (`read` facts only feed the hints.) */
export const ACTIVITIES = ['collected', 'stored', 'logged', 'sent'] as const;
export type ListedActivity = (typeof ACTIVITIES)[number];

/** Protections from the weakest to the strongest. */
export const PROTECTIONS: readonly Protection[] = ['clear', 'masked', 'hashed', 'tokenised', 'encrypted'];

export const CATEGORY_ORDER: readonly DataCategory[] = ['credentials', 'government_id', 'financial', 'health', 'biometric', 'contact', 'personal', 'location'];
export const CATEGORY_LABELS: Readonly<Record<DataCategory, string>> = {
  credentials: 'Credentials',
  government_id: 'Government identifiers',
  financial: 'Financial',
  health: 'Health',
  biometric: 'Biometric',
  contact: 'Contact',
  personal: 'Personal',
  location: 'Location',
};

export interface InventoryFindingRef {
  ruleId: string;
  severity: Severity;
  message: string;
  /** 1-based. */
  line: number;
  column: number;
  fingerprint: string;
  suppressed: boolean;
}

export interface InventoryLocation {
  activity: ListedActivity;
  sink: SinkKind;
  target?: string;
  protection: Protection;
  protectedBy?: string;
  /** The name the data has here (`req.body.ssn`, a column): never a value. */
  name?: string;
  /** `tls` or `plain` for data sent to a URL with a known scheme. */
  transport?: 'tls' | 'plain';
  path: string;
  /** 1-based line and column of the start, and of the end. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  explanation: string;
  /** The rule or pass that recorded it. */
  source: string;
  /** Where the data came from in the same file. */
  origin?: { line: number; column: number; name?: string };
  /** Collected but never read afterwards in its function. */
  unused?: boolean;
  findings: InventoryFindingRef[];
}

export interface InventoryDataType {
  id: string;
  /** "US Social Security number". */
  label: string;
  category: DataCategory;
  collected: InventoryLocation[];
  stored: InventoryLocation[];
  logged: InventoryLocation[];
  sent: InventoryLocation[];
  counts: Record<ListedActivity, number> & { clear: number; findings: number };
  /** The protections seen, weakest first. */
  protections: Protection[];
}

export interface InventoryCategory {
  id: DataCategory;
  label: string;
  dataTypes: string[];
}

/** A collection point for the diagram: a route, or the file that reads a request. */
export interface InventorySource {
  id: string;
  label: string;
  dataTypes: string[];
}

export type DestinationKind = 'store' | 'log' | 'external';

/** Where data goes, for the diagram: a table, a file, a cookie jar, a cache, a log, a host, an SDK. */
export interface InventoryDestination {
  id: string;
  kind: DestinationKind;
  sink: SinkKind;
  label: string;
  /** For external destinations with a known scheme. */
  transport?: 'tls' | 'plain';
  flows: { dataType: string; protection: Protection; locations: number }[];
}

export type HintKind = 'stored-never-read' | 'collected-never-used';

/** A data-minimisation hint: not a finding, a question for the team. */
export interface InventoryHint {
  kind: HintKind;
  dataType: string;
  target?: string;
  message: string;
  locations: { path: string; line: number }[];
}

export interface InventorySummary {
  dataTypes: number;
  categories: number;
  locations: number;
  byActivity: Record<ListedActivity, number>;
  byProtection: Record<Protection, number>;
  /** Locations where the data is not protected. */
  clearLocations: number;
  /** Sent locations over a plain (http://, ws://, ftp://) channel. */
  plainTransport: number;
  /** Findings attached to locations (not suppressed). */
  findings: number;
  hints: number;
  filesScanned: number;
  filesWithData: number;
  filesSkipped: number;
}

export interface Inventory {
  $schema: string;
  version: number;
  tool: { name: string; version: string };
  root: string;
  generatedAt: string;
  summary: InventorySummary;
  categories: InventoryCategory[];
  dataTypes: InventoryDataType[];
  sources: InventorySource[];
  destinations: InventoryDestination[];
  hints: InventoryHint[];
  skipped: SkippedFile[];
}

export interface BuildOptions {
  root?: string;
  tool?: { name: string; version: string };
  generatedAt?: string;
  /** Files the walk or the scan passed over. */
  skipped?: readonly SkippedFile[];
  /** Labels of data types the team config added (id → label); the dictionary's are built in. */
  labels?: Readonly<Record<string, string>>;
}

const DICTIONARY_LABELS = new Map(DATA_DICTIONARY.map((t) => [t.id, t.label] as const));

/** "a US Social Security number" → "US Social Security number". */
export function dataTypeLabel(id: string, extra?: Readonly<Record<string, string>>): string {
  const label = extra?.[id] ?? DICTIONARY_LABELS.get(id) ?? id.replace(/_/g, ' ');
  const bare = label.replace(/^(a|an|the) /, '');
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}

const isListed = (a: InventoryActivity): a is ListedActivity => a !== 'read';

function overlaps(a: { startOffset: number; endOffset: number }, b: { startOffset: number; endOffset: number }): boolean {
  return (a.startOffset < b.endOffset && b.startOffset < a.endOffset) || a.startOffset === b.startOffset;
}

/** Findings at a fact's location that concern its data. */
function findingsAt(fact: InventoryFact, findings: readonly Finding[]): InventoryFindingRef[] {
  return findings
    .filter((f) => f.family !== 'sealant')
    .filter((f) => (fact.activity === 'collected'
      ? f.range.startOffset >= fact.range.startOffset && f.range.endOffset <= fact.range.endOffset
      : overlaps(f.range, fact.range)))
    .filter((f) => f.dataTypes.length === 0 || f.dataTypes.includes(fact.dataType) || (fact.dataType === 'password' && f.dataTypes.includes('password_hash')))
    .map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      line: f.range.start.line + 1,
      column: f.range.start.column + 1,
      fingerprint: f.fingerprint,
      suppressed: !!f.suppression,
    }));
}

function toLocation(fact: InventoryFact & { activity: ListedActivity }, findings: readonly Finding[]): InventoryLocation {
  const loc: InventoryLocation = {
    activity: fact.activity,
    sink: fact.sink,
    protection: fact.protection,
    path: fact.path,
    line: fact.range.start.line + 1,
    column: fact.range.start.column + 1,
    endLine: fact.range.end.line + 1,
    endColumn: fact.range.end.column + 1,
    explanation: fact.explanation,
    source: fact.source,
    findings: findingsAt(fact, findings),
  };
  if (fact.target !== undefined) loc.target = fact.target;
  if (fact.protectedBy !== undefined) loc.protectedBy = fact.protectedBy;
  if (fact.name !== undefined) loc.name = fact.name;
  if (fact.transport !== undefined) loc.transport = fact.transport;
  if (fact.origin) loc.origin = { line: fact.origin.range.start.line + 1, column: fact.origin.range.start.column + 1, ...(fact.origin.name !== undefined ? { name: fact.origin.name } : {}) };
  if (fact.unused) loc.unused = true;
  return loc;
}

const byPlace = (a: InventoryLocation, b: InventoryLocation): number =>
  a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column || (a.target ?? '').localeCompare(b.target ?? '');

/** The same fact recorded twice (by a rule and by the inventory pass, or by two patterns) is listed once. */
function dedupeFacts(facts: InventoryFact[]): InventoryFact[] {
  const byKey = new Map<string, InventoryFact>();
  for (const f of facts) {
    const key = [f.activity, f.dataType, f.path, f.range.start.line, f.sink, f.target ?? ''].join('\u0000');
    const known = byKey.get(key);
    if (!known || (known.protection !== 'clear' && f.protection === 'clear')) byKey.set(key, f);
  }
  return [...byKey.values()];
}

/** The destination a stored / logged / sent location belongs to. */
export function destinationOf(loc: Pick<InventoryLocation, 'activity' | 'sink' | 'target' | 'transport'>): { id: string; kind: DestinationKind; label: string } {
  const t = loc.target;
  switch (loc.sink) {
    case 'db': {
      const table = t && t.includes('.') ? t.slice(0, t.lastIndexOf('.')) : t;
      return { id: `db:${table ?? ''}`, kind: 'store', label: table ? `database: ${table}` : 'database' };
    }
    case 'log':
      return { id: `log:${t ?? ''}`, kind: 'log', label: `log: ${t ?? 'logger'}` };
    case 'http':
    case 'websocket':
      return { id: `${loc.sink}:${t ?? ''}`, kind: 'external', label: t ?? 'unknown host' };
    case 'sdk':
    case 'email':
    case 'queue':
      return { id: `${loc.sink}:${t ?? ''}`, kind: 'external', label: t ?? loc.sink };
    case 'cookie':
      return { id: 'cookie', kind: loc.activity === 'sent' ? 'external' : 'store', label: 'cookies' };
    case 'web-storage': {
      const store = t ? t.split('.')[0] : 'web storage';
      return { id: `web-storage:${store}`, kind: 'store', label: store };
    }
    case 'file':
      return { id: `file:${t ?? ''}`, kind: 'store', label: t ? `file: ${t}` : 'files' };
    case 'cache':
      return { id: `cache:${t ?? ''}`, kind: 'store', label: `cache: ${t ?? 'cache'}` };
    case 'session':
      return { id: 'session', kind: 'store', label: 'session' };
    case 'cloud-storage':
      return { id: `cloud-storage:${t ?? ''}`, kind: loc.activity === 'sent' ? 'external' : 'store', label: t ?? 'cloud storage' };
    default:
      return { id: `${loc.sink}:${t ?? ''}`, kind: loc.activity === 'sent' ? 'external' : loc.activity === 'logged' ? 'log' : 'store', label: t ?? loc.sink };
  }
}

const normaliseField = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

function contains(outer: InventoryFact, inner: InventoryFact): boolean {
  return outer.path === inner.path && inner.range.startOffset >= outer.range.startOffset && inner.range.endOffset <= outer.range.endOffset;
}

function hintsOf(listed: InventoryFact[], reads: InventoryFact[], labels: (id: string) => string): InventoryHint[] {
  const hints: InventoryHint[] = [];
  // Stored in a column that nothing reads back.
  const stored = listed.filter((f) => f.activity === 'stored' && f.sink === 'db' && f.target && f.target.includes('.'));
  const byTarget = new Map<string, InventoryFact[]>();
  for (const f of stored) {
    const list = byTarget.get(`${f.dataType}\u0000${f.target}`) ?? [];
    list.push(f);
    byTarget.set(`${f.dataType}\u0000${f.target}`, list);
  }
  for (const [key, facts] of byTarget) {
    const [dataType, target] = key.split('\u0000');
    const dot = target.lastIndexOf('.');
    const table = target.slice(0, dot);
    const column = normaliseField(target.slice(dot + 1));
    const read = reads.some((r) => {
      if (facts.some((w) => contains(w, r))) return false;
      const t = r.target ?? '';
      if (t === `${table}.*`) return true;
      if (r.dataType === '*') return false;
      const rDot = t.lastIndexOf('.');
      const rTable = rDot > 0 ? t.slice(0, rDot) : undefined;
      return normaliseField(r.name ?? t.slice(rDot + 1)) === column && (!rTable || normaliseField(rTable) === normaliseField(table));
    });
    if (read) continue;
    const protections = [...new Set(facts.map((f) => f.protection))];
    hints.push({
      kind: 'stored-never-read',
      dataType,
      target,
      message: `${labels(dataType)} is stored in \`${target}\` (${protections.join(', ')}) but no code in the scanned files reads it back: if nothing needs it, stop storing it, or delete it once it has served its purpose.`,
      locations: facts.map((f) => ({ path: f.path, line: f.range.start.line + 1 })).sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line),
    });
  }
  // Collected and never used.
  for (const f of listed.filter((x) => x.activity === 'collected' && x.unused)) {
    hints.push({
      kind: 'collected-never-used',
      dataType: f.dataType,
      ...(f.target !== undefined ? { target: f.target } : {}),
      message: `${labels(f.dataType)} is collected as \`${f.name ?? f.dataType}\`${f.target ? ` by ${f.target}` : ''} but never used afterwards: if the feature does not need it, stop asking for it.`,
      locations: [{ path: f.path, line: f.range.start.line + 1 }],
    });
  }
  return hints.sort((a, b) => a.kind.localeCompare(b.kind) || a.dataType.localeCompare(b.dataType) || (a.target ?? '').localeCompare(b.target ?? '') || a.locations[0].path.localeCompare(b.locations[0].path) || a.locations[0].line - b.locations[0].line);
}

/** Builds the inventory from scan results. Pure: the same input gives the same output. */
export function buildInventory(files: readonly FileResult[], options: BuildOptions = {}): Inventory {
  const labels = (id: string): string => dataTypeLabel(id, options.labels);
  const all = files.flatMap((f) => f.facts ?? []);
  const listed = dedupeFacts(all.filter((f) => isListed(f.activity) && f.dataType !== '*')) as (InventoryFact & { activity: ListedActivity })[];
  const reads = all.filter((f) => f.activity === 'read');
  const findingsByPath = new Map(files.map((f) => [f.path, f.findings] as const));

  const types = new Map<string, InventoryDataType>();
  for (const fact of listed) {
    let t = types.get(fact.dataType);
    if (!t) {
      t = {
        id: fact.dataType,
        label: labels(fact.dataType),
        category: fact.category,
        collected: [],
        stored: [],
        logged: [],
        sent: [],
        counts: { collected: 0, stored: 0, logged: 0, sent: 0, clear: 0, findings: 0 },
        protections: [],
      };
      types.set(fact.dataType, t);
    }
    t[fact.activity].push(toLocation(fact, findingsByPath.get(fact.path) ?? []));
  }
  const dataTypes = [...types.values()];
  for (const t of dataTypes) {
    for (const a of ACTIVITIES) {
      t[a].sort(byPlace);
      t.counts[a] = t[a].length;
    }
    const locs = ACTIVITIES.flatMap((a) => t[a]);
    t.counts.clear = locs.filter((l) => l.protection === 'clear' && l.activity !== 'collected').length;
    t.counts.findings = new Set(locs.flatMap((l) => l.findings.filter((f) => !f.suppressed).map((f) => f.fingerprint))).size;
    t.protections = PROTECTIONS.filter((p) => locs.some((l) => l.activity !== 'collected' && l.protection === p));
  }
  const catRank = (c: DataCategory) => CATEGORY_ORDER.indexOf(c);
  dataTypes.sort((a, b) => catRank(a.category) - catRank(b.category) || a.label.localeCompare(b.label));

  const categories: InventoryCategory[] = CATEGORY_ORDER.filter((c) => dataTypes.some((t) => t.category === c)).map((c) => ({
    id: c,
    label: CATEGORY_LABELS[c],
    dataTypes: dataTypes.filter((t) => t.category === c).map((t) => t.id),
  }));

  // Diagram: collection points → data types → destinations.
  const sources = new Map<string, InventorySource>();
  const destinations = new Map<string, InventoryDestination>();
  for (const t of dataTypes) {
    for (const loc of t.collected) {
      const id = loc.target ? `route:${loc.target}` : `file:${loc.path}`;
      const s = sources.get(id) ?? { id, label: loc.target ?? `${loc.path.slice(loc.path.lastIndexOf('/') + 1)} (${loc.sink})`, dataTypes: [] };
      if (!s.dataTypes.includes(t.id)) s.dataTypes.push(t.id);
      sources.set(id, s);
    }
    for (const loc of [...t.stored, ...t.logged, ...t.sent]) {
      const d = destinationOf(loc);
      const dest = destinations.get(d.id) ?? { ...d, sink: loc.sink, flows: [], ...(loc.transport ? { transport: loc.transport } : {}) };
      const flow = dest.flows.find((f) => f.dataType === t.id && f.protection === loc.protection);
      if (flow) flow.locations++;
      else dest.flows.push({ dataType: t.id, protection: loc.protection, locations: 1 });
      destinations.set(d.id, dest);
    }
  }
  const kindRank: Record<DestinationKind, number> = { store: 0, log: 1, external: 2 };
  const typeRank = new Map(dataTypes.map((t, i) => [t.id, i] as const));
  const destList = [...destinations.values()].sort((a, b) => kindRank[a.kind] - kindRank[b.kind] || a.label.localeCompare(b.label));
  for (const d of destList) d.flows.sort((a, b) => (typeRank.get(a.dataType) ?? 0) - (typeRank.get(b.dataType) ?? 0) || PROTECTIONS.indexOf(a.protection) - PROTECTIONS.indexOf(b.protection));

  const hints = hintsOf(listed, reads, labels);
  const locations = dataTypes.flatMap((t) => ACTIVITIES.flatMap((a) => t[a]));
  const byProtection = Object.fromEntries(PROTECTIONS.map((p) => [p, locations.filter((l) => l.activity !== 'collected' && l.protection === p).length])) as Record<Protection, number>;
  const skipped = [...(options.skipped ?? []), ...files.flatMap((f) => (f.skipped ? [f.skipped] : []))]
    .filter((s, i, list) => list.findIndex((x) => x.path === s.path) === i)
    .sort((a, b) => a.path.localeCompare(b.path));
  return {
    $schema: INVENTORY_SCHEMA_ID,
    version: INVENTORY_VERSION,
    tool: options.tool ?? { name: 'Sealant', version: '0.0.0' },
    root: options.root ?? '',
    generatedAt: options.generatedAt ?? new Date(0).toISOString(),
    summary: {
      dataTypes: dataTypes.length,
      categories: categories.length,
      locations: locations.length,
      byActivity: Object.fromEntries(ACTIVITIES.map((a) => [a, locations.filter((l) => l.activity === a).length])) as Record<ListedActivity, number>,
      byProtection,
      clearLocations: byProtection.clear,
      plainTransport: locations.filter((l) => l.activity === 'sent' && l.transport === 'plain').length,
      findings: new Set(locations.flatMap((l) => l.findings.filter((f) => !f.suppressed).map((f) => f.fingerprint))).size,
      hints: hints.length,
      filesScanned: files.filter((f) => !f.skipped).length,
      filesWithData: new Set(locations.map((l) => l.path)).size,
      filesSkipped: skipped.length,
    },
    categories,
    dataTypes,
    sources: [...sources.values()].sort((a, b) => a.label.localeCompare(b.label)),
    destinations: destList,
    hints,
    skipped,
  };
}
