/**
 * A Markdown report for a pull-request comment: a summary table per family and severity, the findings per
 * file with links `path#Lnn`, then (folded) the suppressed findings with their justification and the skipped
 * files. Kept under GitHub's comment limit: past `maxLength` the remaining findings are counted, not listed.
 */
import type { Finding, ScanResult, Severity } from '../core/types';
import { allFindings, allSkipped, FAMILIES, SEVERITIES, summarize } from './json';
import { encodePath } from './sarif';

export interface MarkdownOptions {
  /** Prefix for file links, e.g. `https://github.com/org/repo/blob/<sha>/`; default: links relative to the root. */
  linkBase?: string;
  /** Longest report in characters (GitHub comments hold 65,536); default 60,000. */
  maxLength?: number;
}

const DEFAULT_MAX_LENGTH = 60_000;
/** Room kept at the end for the suppressed and skipped sections. */
const TAIL_RESERVE = 6_000;
const MAX_LISTED = 50;

/** Escapes HTML and line breaks outside `code spans`; the messages' own code spans are kept. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(CONTROL, ' ')
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|')))
    .join('');
}

/** Line breaks and control characters (escape sequences in file names) become spaces. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

function code(text: string): string {
  const t = text.replace(CONTROL, ' ');
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((m) => m.length));
  const ticks = '`'.repeat(longest + 1);
  return longest > 0 ? `${ticks} ${t} ${ticks}` : `${ticks}${t}${ticks}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const SEVERITY_LABEL: Record<Severity, string> = { error: 'Error', warning: 'Warning', note: 'Note' };

export function formatMarkdown(result: ScanResult, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const base = options.linkBase ?? '';
  const link = (path: string, startLine: number, endLine = startLine, label = `L${startLine}`): string => {
    const anchor = endLine > startLine ? `#L${startLine}-L${endLine}` : `#L${startLine}`;
    return `[${label}](${base}${encodePath(path)}${anchor})`;
  };
  const summary = summarize(result);
  const findings = allFindings(result);
  const shown = findings.filter((f) => !f.suppression);
  const suppressed = findings.filter((f) => f.suppression);
  const skipped = allSkipped(result);

  const out: string[] = ['## Sealant report', ''];
  const facts = [
    summary.findings === 0
      ? '**No problems found**'
      : `**${plural(summary.findings, 'problem')}** (${SEVERITIES.map((s) => plural(summary.bySeverity[s], s)).join(', ')}) in ${plural(summary.filesWithFindings, 'file')}`,
    ...(summary.suppressed > 0 ? [`${summary.suppressed} suppressed`] : []),
    `${plural(summary.filesScanned, 'file')} scanned`,
    ...(summary.filesSkipped > 0 ? [`${summary.filesSkipped} skipped`] : []),
  ];
  out.push(facts.join(' · '), '');

  // Summary table: one row per family, one column per severity (findings that are not suppressed).
  const families = FAMILIES.filter((f) => f !== 'sealant' || shown.some((x) => x.family === 'sealant'));
  out.push(`| Family | ${SEVERITIES.map((s) => SEVERITY_LABEL[s]).join(' | ')} | Total |`);
  out.push(`|---|${SEVERITIES.map(() => '---:').join('|')}|---:|`);
  for (const family of families) {
    const counts = SEVERITIES.map((s) => shown.filter((f) => f.family === family && f.severity === s).length);
    out.push(`| ${family} | ${counts.join(' | ')} | ${counts.reduce((a, b) => a + b, 0)} |`);
  }
  out.push(`| **Total** | ${SEVERITIES.map((s) => `**${summary.bySeverity[s]}**`).join(' | ')} | **${summary.findings}** |`, '');

  // Findings per file, within the length budget.
  let length = out.join('\n').length;
  const budget = Math.max(0, maxLength - TAIL_RESERVE);
  let listed = 0;
  let currentPath: string | undefined;
  for (const f of shown) {
    const block: string[] = [];
    if (f.path !== currentPath) block.push(`### ${code(f.path)}`, '');
    block.push(...findingLines(f, link));
    const text = block.join('\n');
    if (length + text.length + 1 > budget) break;
    if (f.path !== currentPath && currentPath !== undefined) out.push('');
    currentPath = f.path;
    out.push(...block);
    length += text.length + 1;
    listed++;
  }
  if (listed < shown.length) {
    out.push('', `_… ${plural(shown.length - listed, 'more finding')} not listed here; see the SARIF or JSON report._`);
  }
  if (currentPath !== undefined) out.push('');

  if (suppressed.length > 0) {
    out.push('<details>', `<summary>${plural(suppressed.length, 'suppressed finding')}</summary>`, '');
    for (const f of suppressed.slice(0, MAX_LISTED)) {
      const s = f.suppression;
      const how = s?.kind === 'external' ? 'triage' : 'inline';
      out.push(`- ${code(f.path)} ${link(f.path, f.range.start.line + 1)} ${code(f.ruleId)} (${how}): ${escapeMarkdown(s?.justification || 'no reason given')}`);
    }
    if (suppressed.length > MAX_LISTED) out.push(`- … and ${suppressed.length - MAX_LISTED} more`);
    out.push('', '</details>', '');
  }
  if (skipped.length > 0) {
    out.push('<details>', `<summary>${plural(skipped.length, 'file')} skipped</summary>`, '');
    for (const s of skipped.slice(0, MAX_LISTED)) {
      out.push(`- ${code(s.path)}: ${s.reason}${s.detail ? ` (${escapeMarkdown(s.detail)})` : ''}`);
    }
    if (skipped.length > MAX_LISTED) out.push(`- … and ${skipped.length - MAX_LISTED} more`);
    out.push('', '</details>', '');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').replace(/\n*$/, '\n');
}

function findingLines(f: Finding, link: (path: string, start: number, end?: number, label?: string) => string): string[] {
  const start = f.range.start.line + 1;
  const end = f.range.end.line > f.range.start.line && f.range.end.column === 0 ? f.range.end.line : f.range.end.line + 1;
  const lines = [`- **${f.severity}** ${link(f.path, start, end)} ${escapeMarkdown(f.message)} ${code(f.ruleId)}`];
  for (const r of f.related) lines.push(`  - related ${link(f.path, r.range.start.line + 1)}: ${escapeMarkdown(r.message)}`);
  for (const x of f.fixes) lines.push(`  - fix: ${escapeMarkdown(x.title)}${x.safe ? '' : ' (review before applying)'}`);
  if (f.evidence !== undefined) lines.push(`  - evidence: ${code(f.evidence)}`);
  return lines;
}
