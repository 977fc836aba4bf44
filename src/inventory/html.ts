/**
 * The HTML inventory report: ONE self-contained file (inline CSS, inline SVG, a few lines of inline script; no
 * CDN, no fonts, no images, works offline) with a diagram from collection points to data types to where the data
 * goes (stores, logs, external hosts and SDKs), colour-coded by protection, then the tables.
 *
 * A Content-Security-Policy allows nothing but the page's own style and script (by nonce). Pass `nonce` (and
 * `cspSource`) to show it in a VS Code webview; without a nonce one is derived from the content.
 */
import { hash64 } from '../core/fingerprint';
import type { Protection } from '../core/types';
import { ACTIVITIES, CATEGORY_LABELS, PROTECTIONS, type Inventory, type InventoryDataType, type InventoryDestination, type InventoryLocation } from './model';

export interface InventoryHtmlOptions {
  /** CSP nonce for the inline style and script (a webview passes its own). */
  nonce?: string;
  /** Extra CSP source (a webview's `cspSource`). */
  cspSource?: string;
  /** Prefix for file links (e.g. a repository URL); without it locations are plain text. */
  linkBase?: string;
  title?: string;
}

export const PROTECTION_COLOURS: Readonly<Record<Protection, string>> = {
  clear: '#d1242f',
  masked: '#bf8700',
  hashed: '#0969da',
  tokenised: '#8250df',
  encrypted: '#1a7f37',
};

const PROTECTION_TEXT: Readonly<Record<Protection, string>> = {
  clear: 'clear (not protected)',
  masked: 'masked',
  hashed: 'hashed',
  tokenised: 'tokenised',
  encrypted: 'encrypted',
};

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Markdown code spans in explanations → <code>. */
function rich(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? `<code>${escapeHtml(part.slice(1, -1))}</code>` : escapeHtml(part)))
    .join('');
}

// ── diagram ─────────────────────────────────────────────────────────────────────────────────────────────────

const NODE_H = 24;
const GAP = 8;
const GROUP_GAP = 22;
const COL_W = 230;
const COLS = [16, 336, 656];
const WIDTH = 902;
const TOP = 44;

interface Box {
  id: string;
  label: string;
  x: number;
  y: number;
  cls: string;
  title: string;
}

function truncate(label: string, max = 32): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

function curve(x1: number, y1: number, x2: number, y2: number): string {
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}

const safeId = (s: string): string => `n${hash64(s).slice(0, 10)}`;

/** The SVG diagram: collection points → data types → destinations, links coloured by protection. */
export function inventoryDiagram(inv: Inventory): string {
  const types = inv.dataTypes;
  if (types.length === 0) return '';
  const boxes: Box[] = [];
  const headings: string[] = [];
  let y = TOP;
  for (const s of inv.sources) {
    boxes.push({ id: safeId(`s:${s.id}`), label: s.label, x: COLS[0], y, cls: 'src', title: `${s.label}: collects ${s.dataTypes.length} data type${s.dataTypes.length === 1 ? '' : 's'}` });
    y += NODE_H + GAP;
  }
  const leftBottom = y;
  y = TOP;
  let lastCategory = '';
  for (const t of types) {
    if (t.category !== lastCategory) {
      if (lastCategory) y += GROUP_GAP - GAP;
      headings.push(`<text class="group" x="${COLS[1]}" y="${y + 10}">${escapeHtml(CATEGORY_LABELS[t.category])}</text>`);
      y += 16;
      lastCategory = t.category;
    }
    boxes.push({ id: safeId(`t:${t.id}`), label: t.label, x: COLS[1], y, cls: `type cat-${t.category}`, title: `${t.label}: collected ${t.counts.collected}, stored ${t.counts.stored}, logged ${t.counts.logged}, sent ${t.counts.sent}` });
    y += NODE_H + GAP;
  }
  const midBottom = y;
  y = TOP;
  let lastKind = '';
  const kindLabel = { store: 'Stores', log: 'Logs', external: 'External hosts and services' } as const;
  for (const d of inv.destinations) {
    if (d.kind !== lastKind) {
      if (lastKind) y += GROUP_GAP - GAP;
      headings.push(`<text class="group" x="${COLS[2]}" y="${y + 10}">${kindLabel[d.kind]}</text>`);
      y += 16;
      lastKind = d.kind;
    }
    boxes.push({ id: safeId(`d:${d.id}`), label: d.label, x: COLS[2], y, cls: `dest ${d.kind}${d.transport === 'plain' ? ' plain' : ''}`, title: destinationTitle(d, inv) });
    y += NODE_H + GAP;
  }
  const height = Math.max(leftBottom, midBottom, y) + 12;
  const at = new Map(boxes.map((b) => [b.id, b] as const));
  const links: string[] = [];
  for (const s of inv.sources) {
    const from = at.get(safeId(`s:${s.id}`));
    for (const t of s.dataTypes) {
      const to = at.get(safeId(`t:${t}`));
      if (!from || !to) continue;
      links.push(`<path class="link collect" data-a="${from.id}" data-b="${to.id}" d="${curve(from.x + COL_W, from.y + NODE_H / 2, to.x, to.y + NODE_H / 2)}"><title>${escapeHtml(`${s.label} collects ${types.find((x) => x.id === t)?.label ?? t}`)}</title></path>`);
    }
  }
  for (const d of inv.destinations) {
    const to = at.get(safeId(`d:${d.id}`));
    const flows = d.flows;
    flows.forEach((f, i) => {
      const from = at.get(safeId(`t:${f.dataType}`));
      if (!from || !to) return;
      const spread = flows.length > 1 ? ((i / (flows.length - 1)) - 0.5) * (NODE_H - 8) : 0;
      const w = Math.min(6, 1.5 + f.locations);
      const label = `${types.find((x) => x.id === f.dataType)?.label ?? f.dataType} → ${d.label}: ${PROTECTION_TEXT[f.protection]} (${f.locations} location${f.locations === 1 ? '' : 's'})`;
      links.push(`<path class="link p-${f.protection}" stroke="${PROTECTION_COLOURS[f.protection]}" stroke-width="${w}" data-a="${from.id}" data-b="${to.id}" d="${curve(from.x + COL_W, from.y + NODE_H / 2, to.x, to.y + NODE_H / 2 + spread)}"><title>${escapeHtml(label)}</title></path>`);
    });
  }
  const nodes = boxes.map((b) => `<g class="node ${b.cls}" id="${b.id}" tabindex="0"><title>${escapeHtml(b.title)}</title><rect x="${b.x}" y="${b.y}" width="${COL_W}" height="${NODE_H}" rx="5"></rect><text x="${b.x + 10}" y="${b.y + 16}">${escapeHtml(truncate(b.label))}</text></g>`);
  const colTitles = [
    `<text class="coltitle" x="${COLS[0]}" y="18">Collected from</text>`,
    `<text class="coltitle" x="${COLS[1]}" y="18">Data types</text>`,
    `<text class="coltitle" x="${COLS[2]}" y="18">Stored, logged and sent to</text>`,
  ];
  return `<svg class="diagram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="Where personal data goes">
${colTitles.join('\n')}
${headings.join('\n')}
<g class="links">${links.join('\n')}</g>
<g class="nodes">${nodes.join('\n')}</g>
</svg>`;
}

function destinationTitle(d: InventoryDestination, inv: Inventory): string {
  const parts = d.flows.map((f) => `${inv.dataTypes.find((t) => t.id === f.dataType)?.label ?? f.dataType} (${f.protection})`);
  return `${d.label}${d.transport === 'plain' ? ' (plain, unencrypted channel)' : ''}: ${parts.join(', ')}`;
}

// ── page ────────────────────────────────────────────────────────────────────────────────────────────────────

const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --panel: #f6f8fa; --border: #d1d9e0; --link: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --border: #3d444d; --link: #4493f8; } }
body.vscode-light, body.vscode-dark, body.vscode-high-contrast { --fg: var(--vscode-foreground); --bg: var(--vscode-editor-background); --panel: var(--vscode-sideBar-background, var(--panel)); --border: var(--vscode-panel-border, var(--border)); --link: var(--vscode-textLink-foreground); --muted: var(--vscode-descriptionForeground); }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid var(--border); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 6px; } h4 { font-size: 13px; margin: 12px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.meta { color: var(--muted); margin: 0 0 16px; }
.facts { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0 20px; padding: 0; list-style: none; }
.facts li { background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: 6px 12px; }
.facts b { font-size: 18px; margin-right: 4px; }
.facts .bad b { color: ${PROTECTION_COLOURS.clear}; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; margin: 6px 0 10px; padding: 0; list-style: none; color: var(--muted); font-size: 12px; }
.legend span { display: inline-block; width: 18px; height: 4px; border-radius: 2px; vertical-align: middle; margin-right: 6px; }
${PROTECTIONS.map((p) => `.legend .p-${p}, .badge.p-${p} { background: ${PROTECTION_COLOURS[p]}; }`).join('\n')}
.figure { overflow-x: auto; background: var(--panel); border: 1px solid var(--border); border-radius: 8px; padding: 8px; }
.diagram text { font-size: 12px; fill: var(--fg); }
.diagram .coltitle { font-weight: 600; font-size: 13px; }
.diagram .group { fill: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .05em; }
.diagram .node rect { fill: var(--bg); stroke: var(--border); stroke-width: 1; }
.diagram .node.type rect { stroke-width: 1.5; }
.diagram .node.dest.plain rect { stroke: ${PROTECTION_COLOURS.clear}; stroke-dasharray: 4 3; }
.diagram .node:focus { outline: none; } .diagram .node:focus rect { stroke: var(--link); stroke-width: 2; }
.diagram .link { fill: none; opacity: .75; }
.diagram .link.collect { stroke: var(--muted); stroke-width: 1.5; opacity: .45; }
.diagram.focus .link { opacity: .08; } .diagram.focus .link.on { opacity: 1; }
.diagram.focus .node { opacity: .35; } .diagram.focus .node.on { opacity: 1; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { text-align: left; border-bottom: 1px solid var(--border); padding: 5px 8px; vertical-align: top; }
th { background: var(--panel); font-weight: 600; } td.num, th.num { text-align: right; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--panel); padding: 1px 4px; border-radius: 4px; }
.badge { display: inline-block; color: #fff; border-radius: 10px; padding: 0 8px; font-size: 12px; }
.plainwarn { color: ${PROTECTION_COLOURS.clear}; font-weight: 600; }
.finding { display: block; } .sev-error { color: ${PROTECTION_COLOURS.clear}; } .sev-warning { color: ${PROTECTION_COLOURS.masked}; }
.why { color: var(--muted); font-size: 12px; }
a { color: var(--link); } [data-path] { cursor: pointer; }
.card { border: 1px solid var(--border); border-radius: 8px; padding: 4px 16px 8px; margin: 12px 0; }
.hint { border-left: 3px solid ${PROTECTION_COLOURS.masked}; background: var(--panel); padding: 6px 12px; margin: 8px 0; }
.note { color: var(--muted); font-style: italic; }
`;

/** Highlights a node's links on hover / focus; in a VS Code webview, clicking a location opens it. */
const SCRIPT = `
(function () {
  var svg = document.querySelector('svg.diagram');
  if (svg) {
    var links = Array.prototype.slice.call(svg.querySelectorAll('.link'));
    var focus = function (id) {
      svg.classList.add('focus');
      var on = {}; on[id] = true;
      links.forEach(function (l) {
        var hit = l.getAttribute('data-a') === id || l.getAttribute('data-b') === id;
        l.classList.toggle('on', hit);
        if (hit) { on[l.getAttribute('data-a')] = true; on[l.getAttribute('data-b')] = true; }
      });
      Array.prototype.forEach.call(svg.querySelectorAll('.node'), function (n) { n.classList.toggle('on', !!on[n.id]); });
    };
    var clear = function () { svg.classList.remove('focus'); };
    Array.prototype.forEach.call(svg.querySelectorAll('.node'), function (n) {
      n.addEventListener('mouseenter', function () { focus(n.id); });
      n.addEventListener('focus', function () { focus(n.id); });
      n.addEventListener('mouseleave', clear);
      n.addEventListener('blur', clear);
    });
  }
  var api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  if (api) {
    document.addEventListener('click', function (e) {
      var el = e.target && e.target.closest ? e.target.closest('[data-path]') : null;
      if (!el) return;
      e.preventDefault();
      api.postMessage({ type: 'open', path: el.getAttribute('data-path'), line: Number(el.getAttribute('data-line')) });
    });
  }
})();
`;

function locationCell(l: InventoryLocation, linkBase: string | undefined): string {
  const text = `${escapeHtml(l.path)}:${l.line}`;
  const attrs = `data-path="${escapeHtml(l.path)}" data-line="${l.line}"`;
  if (linkBase !== undefined) return `<a ${attrs} href="${escapeHtml(linkBase + l.path.split('/').map(encodeURIComponent).join('/'))}#L${l.line}">${text}</a>`;
  return `<span ${attrs}>${text}</span>`;
}

function protectionCell(l: InventoryLocation): string {
  const by = l.protectedBy && l.protection !== 'clear' ? ` <span class="why">${/^[\w$.()[\]-]+$/.test(l.protectedBy) ? `<code>${escapeHtml(l.protectedBy)}</code>` : rich(l.protectedBy)}</span>` : '';
  return `<span class="badge p-${l.protection}">${l.protection}</span>${by}`;
}

function findingsCell(l: InventoryLocation): string {
  if (l.findings.length === 0) return '–';
  return l.findings
    .map((f) => `<span class="finding sev-${f.severity}" title="${escapeHtml(f.message)}">${f.suppressed ? '<s>' : ''}<code>${escapeHtml(f.ruleId)}</code> ${f.severity}${f.suppressed ? '</s> (suppressed)' : ''}</span>`)
    .join('');
}

function typeCard(t: InventoryDataType, linkBase: string | undefined): string {
  const out: string[] = [`<section class="card" id="type-${escapeHtml(t.id)}"><h3>${escapeHtml(t.label)} <code>${escapeHtml(t.id)}</code></h3>`];
  for (const a of ACTIVITIES) {
    const list = t[a];
    if (list.length === 0) continue;
    out.push(`<h4>${a} (${list.length})</h4>`);
    if (a === 'collected') {
      out.push('<table><thead><tr><th>Location</th><th>From</th><th>Route</th><th>Name</th><th>Why</th></tr></thead><tbody>');
      for (const l of list) {
        out.push(`<tr><td>${locationCell(l, linkBase)}</td><td>${escapeHtml(l.sink)}</td><td>${l.target ? escapeHtml(l.target) : '–'}</td><td>${l.name ? `<code>${escapeHtml(l.name)}</code>` : '–'}${l.unused ? ' <span class="note">never used</span>' : ''}</td><td class="why">${rich(l.explanation)}</td></tr>`);
      }
    } else {
      out.push('<table><thead><tr><th>Location</th><th>Kind</th><th>Target</th><th>Protection</th><th>Findings</th><th>Why</th></tr></thead><tbody>');
      for (const l of list) {
        const target = l.target ? `<code>${escapeHtml(l.target)}</code>${l.transport === 'plain' ? ' <span class="plainwarn">plain</span>' : ''}` : '–';
        out.push(`<tr><td>${locationCell(l, linkBase)}</td><td>${escapeHtml(l.sink)}</td><td>${target}</td><td>${protectionCell(l)}</td><td>${findingsCell(l)}</td><td class="why">${rich(l.explanation)}</td></tr>`);
      }
    }
    out.push('</tbody></table>');
  }
  out.push('</section>');
  return out.join('\n');
}

export function formatInventoryHtml(inv: Inventory, options: InventoryHtmlOptions = {}): string {
  const s = inv.summary;
  const title = options.title ?? 'Personal-data inventory';
  const body: string[] = [];
  body.push(`<h1>${escapeHtml(title)}</h1>`);
  body.push(`<p class="meta">${escapeHtml(inv.tool.name)} ${escapeHtml(inv.tool.version)} · ${escapeHtml(inv.root)} · ${s.filesScanned} file${s.filesScanned === 1 ? '' : 's'} scanned · ${escapeHtml(inv.generatedAt)}</p>`);
  body.push('<ul class="facts">',
    `<li><b>${s.dataTypes}</b> data types</li>`,
    `<li><b>${s.byActivity.collected}</b> collected</li>`,
    `<li><b>${s.byActivity.stored}</b> stored</li>`,
    `<li><b>${s.byActivity.logged}</b> logged</li>`,
    `<li><b>${s.byActivity.sent}</b> sent</li>`,
    `<li class="${s.clearLocations ? 'bad' : ''}"><b>${s.clearLocations}</b> in clear</li>`,
    ...(s.plainTransport ? [`<li class="bad"><b>${s.plainTransport}</b> over plain HTTP</li>`] : []),
    `<li><b>${s.findings}</b> findings</li>`,
    `<li><b>${s.hints}</b> hints</li>`,
    '</ul>');
  if (inv.dataTypes.length === 0) {
    body.push('<p>No personal data found.</p>');
  } else {
    body.push('<h2>Where the data goes</h2>');
    body.push(`<ul class="legend">${PROTECTIONS.map((p) => `<li><span class="p-${p}"></span>${PROTECTION_TEXT[p]}</li>`).join('')}<li><span class="collect-key"></span>grey: collected</li></ul>`);
    body.push(`<div class="figure">${inventoryDiagram(inv)}</div>`);
    body.push('<h2>Summary</h2>', '<table><thead><tr><th>Category</th><th>Data type</th><th class="num">Collected</th><th class="num">Stored</th><th class="num">Logged</th><th class="num">Sent</th><th class="num">In clear</th><th class="num">Findings</th><th>Protection</th></tr></thead><tbody>');
    for (const t of inv.dataTypes) {
      body.push(`<tr><td>${escapeHtml(CATEGORY_LABELS[t.category])}</td><td><a href="#type-${escapeHtml(t.id)}">${escapeHtml(t.label)}</a></td>${(['collected', 'stored', 'logged', 'sent'] as const).map((a) => `<td class="num">${t.counts[a]}</td>`).join('')}<td class="num">${t.counts.clear}</td><td class="num">${t.counts.findings}</td><td>${t.protections.map((p) => `<span class="badge p-${p}">${p}</span>`).join(' ')}</td></tr>`);
    }
    body.push('</tbody></table>');
    for (const c of inv.categories) {
      body.push(`<h2>${escapeHtml(c.label)}</h2>`);
      for (const id of c.dataTypes) {
        const t = inv.dataTypes.find((x) => x.id === id);
        if (t) body.push(typeCard(t, options.linkBase));
      }
    }
  }
  if (inv.hints.length > 0) {
    body.push('<h2>Data-minimisation hints</h2>', '<p class="note">Hints, not findings: questions for the team about data the code may not need.</p>');
    for (const h of inv.hints) {
      const where = h.locations.map((l) => locationCell({ path: l.path, line: l.line } as InventoryLocation, options.linkBase)).join(', ');
      body.push(`<div class="hint"><b>${h.kind === 'stored-never-read' ? 'Stored, never read' : 'Collected, never used'}</b>: ${rich(h.message)} <span class="why">${where}</span></div>`);
    }
  }
  if (inv.skipped.length > 0) {
    body.push(`<details><summary>${inv.skipped.length} file${inv.skipped.length === 1 ? '' : 's'} not analysed</summary><ul>${inv.skipped.slice(0, 200).map((sk) => `<li><code>${escapeHtml(sk.path)}</code>: ${escapeHtml(sk.reason)}</li>`).join('')}</ul></details>`);
  }
  const content = body.join('\n');
  const nonce = options.nonce ?? hash64(content);
  const csp = [`default-src 'none'`, `style-src 'nonce-${nonce}'${options.cspSource ? ` ${options.cspSource}` : ''}`, `script-src 'nonce-${nonce}'`, `img-src data:${options.cspSource ? ` ${options.cspSource}` : ''}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${escapeHtml(nonce)}">${CSS}.legend .collect-key { background: #9198a1; }</style>
</head>
<body>
${content}
<script nonce="${escapeHtml(nonce)}">${SCRIPT}</script>
</body>
</html>
`;
}
