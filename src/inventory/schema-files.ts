/**
 * Schema files the engine does not parse: SQL (`.sql`: `CREATE TABLE` columns are stored data; `SELECT`s read
 * columns back) and Prisma (`.prisma`: model fields). Pure: text in, a FileResult with facts out.
 */
import { Classifier } from '../core/classifier';
import { LineIndex } from '../core/text';
import type { FileResult, InventoryFact } from '../core/types';
import { columnItems } from './facts/store';
import { parseSql } from './sql';

export const SCHEMA_FILE_SOURCE = 'inventory/schema-files';

/** True for the files `schemaFileFacts` reads. */
export function isSchemaFile(path: string): boolean {
  return /\.(sql|prisma)$/i.test(path);
}

interface Column {
  table: string;
  column: string;
  type: string;
  start: number;
  end: number;
  what: string;
}

function sqlColumns(text: string): { stored: Column[]; read: Column[] } {
  const stored: Column[] = [];
  const read: Column[] = [];
  for (const st of parseSql(text)) {
    if (st.kind === 'create') {
      for (const c of st.columns) stored.push({ table: st.table, column: c.name, type: c.value ?? '', start: c.offset, end: c.offset + c.name.length, what: 'a column of the table' });
    } else if (st.kind === 'select') {
      for (const c of st.columns) read.push({ table: st.table, column: c.name, type: '', start: c.offset, end: c.offset + c.name.length, what: 'read by a SELECT' });
      if (st.star) read.push({ table: st.table, column: '*', type: '', start: st.tableOffset, end: st.tableOffset + st.table.length, what: 'read by SELECT *' });
    }
  }
  return { stored, read };
}

const PRISMA_MODEL = /^[ \t]*model[ \t]+(\w+)[ \t]*\{([^}]*)\}/gm;

function prismaColumns(text: string): Column[] {
  const out: Column[] = [];
  for (const m of text.matchAll(PRISMA_MODEL)) {
    const body = m[2];
    const bodyStart = (m.index ?? 0) + m[0].indexOf('{') + 1;
    const map = /@@map\(\s*"([^"]+)"\s*\)/.exec(body)?.[1];
    const table = map ?? m[1];
    let offset = bodyStart;
    for (const line of body.split('\n')) {
      const fm = /^([ \t]*)([A-Za-z_]\w*)[ \t]+([A-Za-z_][\w]*(\[\])?\??)(.*)$/.exec(line);
      if (fm && !line.trim().startsWith('//') && !line.trim().startsWith('@@')) {
        const start = offset + fm[1].length;
        out.push({ table, column: fm[2], type: `${fm[3]} ${fm[5].trim()}`.trim(), start, end: start + fm[2].length, what: `a field of the Prisma model \`${m[1]}\` →` });
      }
      offset += line.length + 1;
    }
  }
  return out;
}

/** Facts of a `.sql` or `.prisma` file, as the FileResult a scan would give. */
export function schemaFileFacts(path: string, text: string, classifier: Classifier = new Classifier()): FileResult {
  const started = Date.now();
  const lines = new LineIndex(text);
  const prisma = /\.prisma$/i.test(path);
  const { stored, read } = prisma ? { stored: prismaColumns(text), read: [] } : sqlColumns(text);
  const facts: InventoryFact[] = [];
  for (const c of stored) {
    for (const item of columnItems({ classifier }, c.column, c.type)) {
      const protection = item.protection === 'clear' ? '' : `; ${item.protection} by ${item.protectedBy ?? 'its definition'}`;
      facts.push({
        dataType: item.classification.type,
        category: item.classification.category,
        activity: 'stored',
        sink: 'db',
        target: `${c.table}.${c.column}`,
        protection: item.protection,
        ...(item.protectedBy ? { protectedBy: item.protectedBy } : {}),
        name: c.column,
        path,
        range: lines.range(c.start, c.end),
        explanation: `${item.classification.explanation}; ${c.what} \`${c.table}\`${protection}.`,
        source: SCHEMA_FILE_SOURCE,
      });
    }
  }
  for (const c of read) {
    const items = c.column === '*' ? [{ classification: { type: '*', category: 'personal' as const, explanation: '', by: 'name' as const }, protection: 'clear' as const }] : columnItems({ classifier }, c.column, undefined);
    for (const item of items) {
      facts.push({
        dataType: item.classification.type,
        category: item.classification.category,
        activity: 'read',
        sink: 'other',
        target: `${c.table}.${c.column}`,
        protection: item.protection,
        name: c.column,
        path,
        range: lines.range(c.start, c.end),
        explanation: `\`${c.table}.${c.column}\` ${c.what}.`,
        source: SCHEMA_FILE_SOURCE,
      });
    }
  }
  return { path, language: prisma ? 'prisma' : 'sql', findings: [], parsed: true, ms: Date.now() - started, lines: lines.lineCount, ...(facts.length ? { facts } : {}) };
}
