/**
 * Inventory outputs as text: JSON (the model itself, see schemas/inventory.schema.json), Markdown and CSV.
 * Pure functions over the model; every value printed is a name, a location or a message, never data.
 */
import { ACTIVITIES, type Inventory, type InventoryDataType, type InventoryLocation, type ListedActivity } from './model';

export const INVENTORY_FORMATS = ['markdown', 'json', 'csv', 'html'] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

export function formatInventoryJson(inv: Inventory): string {
  return JSON.stringify(inv, null, 2) + '\n';
}

// ── Markdown ────────────────────────────────────────────────────────────────────────────────────────────────

export interface InventoryMarkdownOptions {
  /** Prefix for file links, e.g. `https://github.com/org/repo/blob/<sha>/`; default: links relative to the root. */
  linkBase?: string;
}

function code(text: string): string {
  const t = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((m) => m.length));
  const ticks = '`'.repeat(longest + 1);
  return longest > 0 ? `${ticks} ${t} ${ticks}` : `${ticks}${t}${ticks}`;
}

/** Escapes HTML and table pipes outside code spans; keeps the explanations' own code spans. */
function md(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part.replace(/\|/g, '\\|') : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/([*_[\]])/g, '\\$1')))
    .join('');
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

const ACTIVITY_TITLE: Record<ListedActivity, string> = { collected: 'Collected', stored: 'Stored', logged: 'Logged', sent: 'Sent' };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function protectionText(l: InventoryLocation): string {
  if (l.protection === 'clear') return '**clear**';
  if (!l.protectedBy) return l.protection;
  return `${l.protection} (${/^[\w$.()[\]-]+$/.test(l.protectedBy) ? code(l.protectedBy) : md(l.protectedBy)})`;
}

function findingText(l: InventoryLocation): string {
  const open = l.findings.filter((f) => !f.suppressed);
  const suppressed = l.findings.length - open.length;
  const parts = open.map((f) => `${code(f.ruleId)} ${f.severity}`);
  if (suppressed > 0) parts.push(`${suppressed} suppressed`);
  return parts.join('<br>') || '–';
}

export function formatInventoryMarkdown(inv: Inventory, options: InventoryMarkdownOptions = {}): string {
  const base = options.linkBase ?? '';
  const link = (l: { path: string; line: number }) => `[${md(l.path)}:${l.line}](${base}${encodePath(l.path)}#L${l.line})`;
  const s = inv.summary;
  const out: string[] = ['## Personal-data inventory', ''];
  if (s.dataTypes === 0) {
    out.push(`No personal data found in ${plural(s.filesScanned, 'file')}.`, '');
    return out.join('\n');
  }
  out.push(
    [
      `**${plural(s.dataTypes, 'data type')}** in ${plural(s.categories, 'category').replace('categorys', 'categories')}`,
      `${plural(s.locations, 'location')} (${ACTIVITIES.map((a) => `${a} ${s.byActivity[a]}`).join(', ')})`,
      `**${s.clearLocations}** stored, logged or sent in clear`,
      ...(s.plainTransport > 0 ? [`${s.plainTransport} sent over a plain channel`] : []),
      `${plural(s.findings, 'finding')} at these locations`,
      plural(s.hints, 'minimisation hint'),
      `${plural(s.filesScanned, 'file')} scanned`,
    ].join(' · '),
    '',
  );
  out.push('### Summary', '', '| Category | Data type | Collected | Stored | Logged | Sent | Clear | Findings |', '|---|---|---:|---:|---:|---:|---:|---:|');
  for (const c of inv.categories) {
    for (const id of c.dataTypes) {
      const t = inv.dataTypes.find((x) => x.id === id);
      if (!t) continue;
      out.push(`| ${c.label} | [${md(t.label)}](#${anchor(t)}) | ${t.counts.collected} | ${t.counts.stored} | ${t.counts.logged} | ${t.counts.sent} | ${t.counts.clear ? `**${t.counts.clear}**` : 0} | ${t.counts.findings} |`);
    }
  }
  out.push('', 'Protection: **clear** = not protected; masked, hashed, tokenised, encrypted = protected by the named call.', '');
  for (const c of inv.categories) {
    out.push(`### ${c.label}`, '');
    for (const id of c.dataTypes) {
      const t = inv.dataTypes.find((x) => x.id === id);
      if (t) out.push(...typeSection(t, link));
    }
  }
  if (inv.hints.length > 0) {
    out.push('### Data-minimisation hints', '', '_Hints, not findings: questions for the team about data the code may not need._', '');
    for (const h of inv.hints) {
      const title = h.kind === 'stored-never-read' ? 'Stored, never read' : 'Collected, never used';
      out.push(`- **${title}**: ${md(h.message)} ${h.locations.map(link).join(', ')}`);
    }
    out.push('');
  }
  if (inv.skipped.length > 0) {
    out.push('<details>', `<summary>${plural(inv.skipped.length, 'file')} not analysed</summary>`, '');
    for (const sk of inv.skipped.slice(0, 100)) out.push(`- ${code(sk.path)}: ${sk.reason}`);
    if (inv.skipped.length > 100) out.push(`- … and ${inv.skipped.length - 100} more`);
    out.push('', '</details>', '');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').replace(/\n*$/, '\n');
}

function anchor(t: InventoryDataType): string {
  return `type-${t.id.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
}

function typeSection(t: InventoryDataType, link: (l: { path: string; line: number }) => string): string[] {
  const out = [`<a id="${anchor(t)}"></a>`, `#### ${md(t.label)} (${code(t.id)})`, ''];
  for (const a of ACTIVITIES) {
    const list = t[a];
    if (list.length === 0) continue;
    out.push(`**${ACTIVITY_TITLE[a]}** (${list.length})`, '');
    if (a === 'collected') {
      out.push('| Location | From | Route | Name |', '|---|---|---|---|');
      for (const l of list) out.push(`| ${link(l)} | ${l.sink} | ${l.target ? md(l.target) : '–'} | ${l.name ? code(l.name) : '–'}${l.unused ? ' (never used)' : ''} |`);
    } else {
      out.push('| Location | Kind | Target | Protection | Findings |', '|---|---|---|---|---|');
      for (const l of list) {
        const target = l.target ? code(l.target) + (l.transport === 'plain' ? ' ⚠ plain' : '') : '–';
        out.push(`| ${link(l)} | ${l.sink} | ${target} | ${protectionText(l)} | ${findingText(l)} |`);
      }
    }
    out.push('');
  }
  return out;
}

// ── CSV ─────────────────────────────────────────────────────────────────────────────────────────────────────

export const CSV_COLUMNS = [
  'category', 'data_type', 'data_type_label', 'activity', 'sink', 'target', 'protection', 'protected_by', 'transport',
  'name', 'path', 'line', 'column', 'findings', 'explanation',
] as const;

/** RFC 4180 quoting; cells that a spreadsheet would run as a formula get a leading apostrophe. */
export function csvCell(value: string | number | undefined): string {
  let v = value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One row per location, sorted like the inventory (category, data type, activity, place). */
export function formatInventoryCsv(inv: Inventory): string {
  const rows: string[] = [CSV_COLUMNS.join(',')];
  for (const t of inv.dataTypes) {
    for (const a of ACTIVITIES) {
      for (const l of t[a]) {
        rows.push([
          t.category, t.id, t.label, a, l.sink, l.target, l.protection, l.protectedBy, l.transport, l.name, l.path, l.line, l.column,
          l.findings.filter((f) => !f.suppressed).map((f) => f.ruleId).join(' '), l.explanation,
        ].map(csvCell).join(','));
      }
    }
  }
  return rows.join('\r\n') + '\r\n';
}
