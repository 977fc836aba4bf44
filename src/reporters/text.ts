/**
 * The terminal report: findings grouped by file, each with a code frame of its own lines only, its related
 * locations and fixes, then a summary. ANSI colour only when asked for (the CLI asks when the stream is a TTY
 * and NO_COLOR is unset). Suppressed findings are counted, not shown.
 *
 * Nothing here prints a secret: evidence is redacted by the engine, code frames show only the lines of the
 * finding, and when a finding was raised on a value (it has evidence, was classified by value, or is a
 * hard-coded credential) the string literals in its frame are masked too. Control characters from the
 * scanned files are replaced, so a file cannot send escape sequences to the terminal.
 */
import type { Finding, ScanResult, Severity } from '../core/types';
import { ibanValid, looksLikeCardNumber, looksLikeSsn, recogniseSecretFormat } from '../core/values';
import { allFindings, summarize, type JsonSummary, FAMILIES } from './json';

export interface TextOptions {
  /** ANSI colours. */
  color?: boolean;
  /** The text of a file (path relative to the root, as in the findings), for code frames. */
  getSource?: (path: string) => string | undefined;
}

/** Longest part of a source line shown in a frame; longer (minified) lines are cut around the finding. */
const FRAME_WIDTH = 160;
/** Most lines of one finding shown in its frame. */
const FRAME_LINES = 3;
/** CWEs of hard-coded credentials and keys: their frames always have literals masked. */
const SECRET_CWES: ReadonlySet<number> = new Set([259, 321, 798]);

interface Paint {
  severity(s: Severity, text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  underline(text: string): string;
}

function paint(color: boolean): Paint {
  const wrap = (code: string, close: string) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[${close}m` : text);
  const bySeverity: Record<Severity, (t: string) => string> = {
    error: wrap('31', '39'),
    warning: wrap('33', '39'),
    note: wrap('36', '39'),
  };
  return {
    severity: (s, t) => bySeverity[s](t),
    dim: wrap('2', '22'),
    bold: wrap('1', '22'),
    underline: wrap('4', '24'),
  };
}

/** Replaces control characters (other than tab) so scanned text cannot drive the terminal. */
export function clean(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, '\ufffd');
}

function redactLiteral(content: string): string {
  if (content.length === 0) return '';
  return content.length >= 8 ? `${content.slice(0, 2)}*****` : '*****';
}

/**
 * True when a literal's content holds something that must never be printed: a key in a known format, a
 * card number, an SSN, an IBAN, or a URL with a password in it.
 */
export function literalLooksSensitive(content: string): boolean {
  if (/:\/\/[^/@\s:]+:[^/@\s]+@/.test(content)) return true;
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(content)) return true;
  for (const token of content.match(/[A-Za-z0-9_\-+/=.]{12,}/g) ?? []) if (recogniseSecretFormat(token)) return true;
  for (const digits of content.match(/\d[\d -]{11,22}\d/g) ?? []) if (looksLikeCardNumber(digits)) return true;
  for (const ssn of content.match(/\b\d{3}-\d{2}-\d{4}\b/g) ?? []) if (looksLikeSsn(ssn)) return true;
  for (const iban of content.match(/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g) ?? []) if (ibanValid(iban)) return true;
  return false;
}

/** Masks the contents of every '…', "…" and `…` literal on a line (an unclosed one to the end of the line). */
export function maskLiterals(line: string, only: (content: string) => boolean = () => true): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    const ch = line[i];
    if (ch !== '"' && ch !== "'" && ch !== '`') {
      out += ch;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < line.length && line[j] !== ch) j += line[j] === '\\' ? 2 : 1;
    const closed = j < line.length;
    const content = line.slice(i + 1, Math.min(j, line.length));
    out += ch + (only(content) ? redactLiteral(content) : content) + (closed ? ch : '');
    i = closed ? j + 1 : line.length;
  }
  return out;
}

/** Masks `line[from, to)` unless it holds a quoted literal (which maskLiterals masks, keeping its quotes). */
function maskRange(line: string, from: number, to: number): string {
  const a = Math.max(0, from);
  const b = Math.min(line.length, to);
  if (b <= a || /(['"`])[^]*\1/.test(line.slice(a, b))) return line;
  return line.slice(0, a) + redactLiteral(line.slice(a, b)) + line.slice(b);
}

function isValueFinding(f: Finding): boolean {
  return f.evidence !== undefined || f.classifications.some((c) => c.by === 'value') || f.cwe.some((n) => SECRET_CWES.has(n));
}

function splitLines(source: string): string[] {
  // Tree-sitter and the engine count rows by '\n'; a '\r' before it belongs to the line break.
  return source.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** The frame of one finding: its own lines only, never the lines around them. */
function codeFrame(f: Finding, lines: string[], p: Paint, pad: string): string[] {
  const { start, end } = f.range;
  let last = end.line > start.line && end.column === 0 ? end.line - 1 : end.line;
  const masked = isValueFinding(f);
  if (masked) last = start.line;
  const shownLast = Math.min(last, start.line + FRAME_LINES - 1, lines.length - 1);
  if (start.line > shownLast) return [];
  const gutter = String(shownLast + 1).length;
  const out: string[] = [];
  for (let n = start.line; n <= shownLast; n++) {
    const raw = lines[n];
    const from = n === start.line ? start.column : raw.length - raw.trimStart().length;
    const to = n === end.line ? end.column : raw.length;
    // Cut long lines to a window around the marked part.
    let winStart = 0;
    let winEnd = raw.length;
    if (raw.length > FRAME_WIDTH) {
      winStart = Math.max(0, Math.min(from - 40, raw.length - FRAME_WIDTH));
      winEnd = winStart + FRAME_WIDTH;
    }
    const visible = raw.slice(winStart, winEnd);
    // Value findings have every literal masked; any other frame still masks literals that hold secrets. An unquoted
    // value (a config file's `password=…`) is the finding's own range: masked as a literal would be.
    const unquoted = masked && n === start.line ? maskRange(visible, from - winStart, (n === end.line ? end.column : raw.length) - winStart) : visible;
    const text = clean(masked ? maskLiterals(unquoted) : maskLiterals(visible, literalLooksSensitive));
    const changed = text !== clean(visible);
    const prefix = winStart > 0 ? '…' : '';
    const suffix = winEnd < raw.length ? '…' : '';
    out.push(`${pad}${p.dim(`${String(n + 1).padStart(gutter)} |`)} ${prefix}${text}${suffix}`);
    const a = Math.max(from, winStart) - winStart;
    const b = Math.min(Math.max(to, from + 1), winEnd) - winStart;
    // A masked line has another length than the source, so markers would point at the wrong place: none.
    if (b > a && !masked && !changed) {
      const lead = visible.slice(0, a).replace(/[^\t]/g, ' ');
      out.push(`${pad}${p.dim(`${' '.repeat(gutter)} |`)} ${prefix ? ' ' : ''}${lead}${p.severity(f.severity, '^'.repeat(b - a))}`);
    }
  }
  if (shownLast < last) out.push(`${pad}${p.dim(`${' '.repeat(gutter)} |`)} ${p.dim(`… ${last - shownLast} more line${last - shownLast === 1 ? '' : 's'}`)}`);
  return out;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function summaryLines(summary: JsonSummary, p: Paint): string[] {
  const lines: string[] = [];
  const severities = (['error', 'warning', 'note'] as const).map((s) => plural(summary.bySeverity[s], s));
  const families = FAMILIES.filter((f) => f !== 'sealant' || summary.byFamily.sealant > 0).map((f) => `${f} ${summary.byFamily[f]}`);
  const suppressed = summary.suppressed > 0 ? `; ${summary.suppressed} suppressed` : '';
  if (summary.findings === 0) {
    lines.push(`${p.bold('No problems found')}${suppressed}`);
  } else {
    const worst: Severity = summary.bySeverity.error > 0 ? 'error' : summary.bySeverity.warning > 0 ? 'warning' : 'note';
    lines.push(`${p.severity(worst, p.bold(plural(summary.findings, 'problem')))} (${severities.join(', ')}); by family: ${families.join(', ')}${suppressed}`);
  }
  let files = `${plural(summary.filesScanned, 'file')} scanned`;
  if (summary.filesSkipped > 0) {
    const reasons = Object.entries(summary.skippedByReason)
      .sort(([a, x], [b, y]) => (y ?? 0) - (x ?? 0) || (a < b ? -1 : 1))
      .map(([reason, n]) => `${n} ${reason}`);
    files += `, ${plural(summary.filesSkipped, 'file')} skipped (${reasons.join(', ')}); see --format json for the list`;
  }
  lines.push(files);
  return lines;
}

export function formatText(result: ScanResult, options: TextOptions = {}): string {
  const p = paint(!!options.color);
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of allFindings(result)) {
    if (f.suppression) continue;
    const list = byFile.get(f.path);
    if (list) list.push(f);
    else byFile.set(f.path, [f]);
  }
  for (const [path, findings] of byFile) {
    out.push(p.underline(clean(path)));
    const source = options.getSource?.(path);
    const lines = source === undefined ? undefined : splitLines(source);
    const posWidth = Math.max(...findings.map((f) => `${f.range.start.line + 1}:${f.range.start.column + 1}`.length));
    const pad = ' '.repeat(2 + posWidth + 2);
    for (const f of findings) {
      const pos = `${f.range.start.line + 1}:${f.range.start.column + 1}`.padEnd(posWidth);
      out.push(`  ${p.dim(pos)}  ${p.severity(f.severity, f.severity.padEnd(7))}  ${clean(f.message)}  ${p.dim(`[${f.ruleId}]`)}`);
      if (lines) out.push(...codeFrame(f, lines, p, pad));
      for (const r of f.related) {
        out.push(`${pad}${p.dim('related:')} ${r.range.start.line + 1}:${r.range.start.column + 1}  ${clean(r.message)}`);
      }
      for (const x of f.fixes) out.push(`${pad}${p.dim('fix:')} ${clean(x.title)}${x.safe ? '' : p.dim(' (review before applying)')}`);
      if (f.evidence !== undefined) out.push(`${pad}${p.dim('evidence:')} ${clean(f.evidence)}`);
    }
    out.push('');
  }
  // The list of skipped files lives in the JSON, SARIF and Markdown reports; the count and reasons are enough here.
  out.push(...summaryLines(summarize(result), p));
  return out.join('\n') + '\n';
}
