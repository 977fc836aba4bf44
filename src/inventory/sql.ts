/**
 * Just enough SQL for the inventory: the tables and columns that `CREATE TABLE`, `INSERT`, `UPDATE` and `SELECT`
 * statements name, with the offset of each column name in the text and, for writes, the value expression. Not a
 * parser: comments and quoted strings are respected, nesting is counted, anything unusual is skipped.
 *
 * Placeholders in values (`?`, `$1`, `%s`, `:name`, `%(name)s`, `@name`) and substitutions of template strings
 * (marked `\u0001<index>\u0001` by the caller) are reported so the caller can map them to its parameters.
 */

export type SqlStatementKind = 'create' | 'insert' | 'update' | 'select';

export interface SqlColumn {
  name: string;
  /** Offset of the column name in the text. */
  offset: number;
  /** For writes: the value expression as written. For `create`: the column type. */
  value?: string;
  /** For writes: where the value comes from. */
  param?: SqlParam;
  /** Protection applied by an SQL function around the value (`pgp_sym_encrypt($2, key)`, `crypt(?, gen_salt('bf'))`). */
  protection?: 'encrypted' | 'hashed';
  protectedBy?: string;
}

export type SqlParam =
  | { kind: 'positional'; index: number }
  | { kind: 'named'; name: string }
  | { kind: 'substitution'; index: number }
  | { kind: 'literal' };

export interface SqlStatement {
  kind: SqlStatementKind;
  table: string;
  /** Offset of the table name in the text. */
  tableOffset: number;
  columns: SqlColumn[];
  /** `SELECT *` / `SELECT t.*`. */
  star?: boolean;
}

/** A quick test before parsing: does the text look like SQL that names columns? */
export const SQL_HINT = /\b(create\s+(temp(orary)?\s+)?table|insert\s+(or\s+\w+\s+)?(ignore\s+)?into|replace\s+into|update\s+[\w."`[\]]+\s+set|select\s[\s\S]*?\sfrom)\b/i;

const IDENT = String.raw`(?:"[^"]+"|\x60[^\x60]+\x60|\[[^\]]+\]|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|\x60[^\x60]+\x60|\[[^\]]+\]|[A-Za-z_][\w$]*))*`;
const CREATE = new RegExp(String.raw`\bcreate\s+(?:(?:global|local)\s+)?(?:temp(?:orary)?\s+|unlogged\s+|virtual\s+)?table\s+(?:if\s+not\s+exists\s+)?(${IDENT})\s*\(`, 'gi');
const INSERT = new RegExp(String.raw`\b(?:insert|replace|upsert)\s+(?:or\s+\w+\s+)?(?:ignore\s+)?into\s+(${IDENT})\s*\(`, 'gi');
const UPDATE = new RegExp(String.raw`\bupdate\s+(?:only\s+)?(${IDENT})\s+set\s+`, 'gi');
const SELECT = new RegExp(String.raw`\bselect\s+(?:distinct\s+|all\s+|top\s+\d+\s+)?`, 'gi');
const CONSTRAINT_WORDS = /^(constraint|primary|foreign|unique|check|key|index|exclude|like|fulltext|spatial|period|references)$/i;
const ENCRYPT_FN = /\b(pgp_sym_encrypt|pgp_pub_encrypt|aes_encrypt|encryptbykey|encrypt\w*)\s*\(/i;
const HASH_FN = /\b(crypt|sha1|sha2|sha224|sha256|sha384|sha512|md5|digest|hash\w*|password)\s*\(/i;

/** The text with comments and string literal contents replaced by spaces (same length, same offsets). */
export function maskSql(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === "'") {
      let j = i + 1;
      while (j < text.length && !(text[j] === "'" && text[j + 1] !== "'")) j += text[j] === "'" ? 2 : 1;
      const stop = Math.min(text.length, j + 1);
      // Keep the quotes so a literal stays visible as one.
      out += "'" + text.slice(i + 1, stop - 1).replace(/[^\n]/g, ' ') + (stop - 1 > i ? "'" : '');
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The offset of the parenthesis closing the one just before `start`, or -1. */
function closing(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Parts of a comma-separated list at nesting depth 0, with their offsets. */
function splitList(text: string, offset: number): { text: string; offset: number }[] {
  const parts: { text: string; offset: number }[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ',' && depth === 0) || i === text.length) {
      const raw = text.slice(start, i);
      const lead = raw.length - raw.trimStart().length;
      if (raw.trim()) parts.push({ text: raw.trim(), offset: offset + start + lead });
      start = i + 1;
    }
  }
  return parts;
}

function unquote(name: string): string {
  return name.replace(/\s+/g, '').split('.').map((p) => p.replace(/^["`[]|["`\]]$/g, '')).join('.');
}

/** The table part without a schema (`public.users` → `users`). */
function bareTable(name: string): string {
  const u = unquote(name);
  return u.slice(u.lastIndexOf('.') + 1);
}

/** Statements of an SQL text. `original` keeps the literals (for values); the scan runs over the masked text. */
export function parseSql(original: string): SqlStatement[] {
  if (!SQL_HINT.test(original)) return [];
  const text = maskSql(original);
  const out: SqlStatement[] = [];
  for (const m of text.matchAll(CREATE)) {
    const open = (m.index ?? 0) + m[0].length;
    const close = closing(text, open);
    if (close < 0) continue;
    const columns: SqlColumn[] = [];
    for (const part of splitList(text.slice(open, close), open)) {
      const cm = /^("[^"]+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*)\s*(.*)$/s.exec(part.text);
      if (!cm || CONSTRAINT_WORDS.test(cm[1])) continue;
      columns.push({ name: unquote(cm[1]), offset: part.offset + (cm[1].startsWith('"') || cm[1].startsWith('`') || cm[1].startsWith('[') ? 1 : 0), value: original.slice(part.offset + cm[1].length, part.offset + part.text.length).trim().split(/\s+/)[0] });
    }
    out.push({ kind: 'create', table: bareTable(m[1]), tableOffset: (m.index ?? 0) + m[0].indexOf(m[1]), columns });
  }
  const writes: { at: number; statement: SqlStatement; values: { text: string; offset: number }[] }[] = [];
  for (const m of text.matchAll(INSERT)) {
    const open = (m.index ?? 0) + m[0].length;
    const close = closing(text, open);
    if (close < 0) continue;
    const names = splitList(text.slice(open, close), open);
    const rest = text.slice(close + 1);
    const vm = /^\s*values\s*\(/i.exec(rest);
    let values: { text: string; offset: number }[] = [];
    if (vm) {
      const vOpen = close + 1 + vm[0].length;
      const vClose = closing(text, vOpen);
      if (vClose > 0) values = splitList(text.slice(vOpen, vClose), vOpen);
    }
    const statement: SqlStatement = {
      kind: 'insert',
      table: bareTable(m[1]),
      tableOffset: (m.index ?? 0) + m[0].indexOf(m[1]),
      columns: names.map((n) => ({ name: unquote(n.text), offset: n.offset })),
    };
    writes.push({ at: m.index ?? 0, statement, values: values.length === names.length ? values : [] });
  }
  for (const m of text.matchAll(UPDATE)) {
    const start = (m.index ?? 0) + m[0].length;
    const stop = /\b(where|returning|from|limit|order\s+by)\b|;/i.exec(text.slice(start));
    const body = text.slice(start, stop ? start + (stop.index ?? 0) : text.length);
    const columns: SqlColumn[] = [];
    const values: { text: string; offset: number }[] = [];
    for (const part of splitList(body, start)) {
      const am = /^("[^"]+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$.]*)\s*=\s*/.exec(part.text);
      if (!am) continue;
      columns.push({ name: bareTable(am[1]), offset: part.offset });
      values.push({ text: part.text.slice(am[0].length), offset: part.offset + am[0].length });
    }
    writes.push({ at: m.index ?? 0, statement: { kind: 'update', table: bareTable(m[1]), tableOffset: (m.index ?? 0) + m[0].indexOf(m[1]), columns }, values });
  }
  // Values, in text order, so positional placeholders are counted across statements.
  writes.sort((a, b) => a.at - b.at);
  for (const w of writes) {
    w.statement.columns.forEach((col, i) => {
      const v = w.values[i];
      if (!v) return;
      const value = original.slice(v.offset, v.offset + v.text.length);
      col.value = value;
      // Positional placeholders are numbered across the whole text, as a driver numbers them.
      const positional = (text.slice(0, v.offset).match(/\?(?!\d)|%s/g) ?? []).length;
      col.param = paramOf(v.text, value, positional);
      const enc = ENCRYPT_FN.exec(v.text);
      const hash = enc ? undefined : HASH_FN.exec(v.text);
      if (enc) {
        col.protection = 'encrypted';
        col.protectedBy = `SQL ${enc[1]}()`;
      } else if (hash) {
        col.protection = 'hashed';
        col.protectedBy = `SQL ${hash[1]}()`;
      }
    });
    w.statement.columns = w.statement.columns.filter((c) => !/^\*$/.test(c.name));
    out.push(w.statement);
  }
  for (const m of text.matchAll(SELECT)) {
    const start = (m.index ?? 0) + m[0].length;
    const from = /\sfrom\s+/i.exec(text.slice(start));
    if (!from) continue;
    const list = text.slice(start, start + (from.index ?? 0));
    const tm = new RegExp(`^(${IDENT})`).exec(text.slice(start + (from.index ?? 0) + from[0].length));
    if (!tm) continue;
    const columns: SqlColumn[] = [];
    let star = false;
    for (const part of splitList(list, start)) {
      const expr = part.text.replace(/\s+as\s+\S+$/i, '').replace(/\s+[A-Za-z_]\w*$/, '');
      if (/(^|\.)\*$/.test(expr)) {
        star = true;
        continue;
      }
      const cm = /(?:^|\.)("[^"]+"|`[^`]+`|[A-Za-z_]\w*)$/.exec(expr);
      if (!cm) continue;
      columns.push({ name: unquote(cm[1]), offset: part.offset + expr.length - cm[1].length });
    }
    out.push({ kind: 'select', table: bareTable(tm[1]), tableOffset: start + (from.index ?? 0) + from[0].length, columns, ...(star ? { star } : {}) });
  }
  return out;
}

function paramOf(masked: string, value: string, positionalBefore: number): SqlParam {
  const sub = /\u0001(\d+)\u0001/.exec(value);
  if (sub) return { kind: 'substitution', index: Number(sub[1]) };
  const dollar = /\$(\d+)/.exec(masked);
  if (dollar) return { kind: 'positional', index: Number(dollar[1]) - 1 };
  const qn = /\?(\d+)/.exec(masked);
  if (qn) return { kind: 'positional', index: Number(qn[1]) - 1 };
  if (/\?|%s/.test(masked)) return { kind: 'positional', index: positionalBefore };
  const named = /%\((\w+)\)s|(?<![:\w]):(\w+)|@(\w+)|\$([A-Za-z_]\w*)/.exec(masked);
  if (named) return { kind: 'named', name: named[1] ?? named[2] ?? named[3] ?? named[4] };
  return { kind: 'literal' };
}
