/**
 * Reads of sensitive fields (`user.ssn`, `row["card_number"]`, `SELECT ssn FROM users`): `read` facts, used only
 * for the data-minimisation hint "stored but never read again". An over-approximation on purpose: any read of a
 * field of that name keeps the hint quiet.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import { parseSql } from '../sql';
import { classifyNameWithProtection } from './common';
import { sqlText } from './sql-code';

/** Members that are written, not read: assignment targets and the keys of object literals. */
function isWriteTarget(node: Node): boolean {
  const p = node.parent;
  if (!p) return false;
  if ((p.type === 'assignment_expression' || p.type === 'assignment' || p.type === 'augmented_assignment_expression') && p.childForFieldName('left')?.id === node.id) return true;
  return false;
}

function recordRead(ctx: RuleContext, node: Node, field: string, target: string, offsets?: { start: number; end: number }): void {
  const items = classifyNameWithProtection(ctx, field);
  for (const item of items) {
    ctx.record({
      node,
      ...(offsets ? { offsets } : {}),
      dataType: item.classification.type,
      category: item.classification.category,
      activity: 'read',
      sink: 'other',
      target,
      protection: item.protection,
      name: field,
      explanation: `${item.classification.explanation}; read from \`${target}\`.`,
    });
  }
}

/** `user.ssn`, `row["ssn"]` (not request fields: those are collection points). */
export function readMember(ctx: RuleContext, node: Node): void {
  if (isWriteTarget(node)) return;
  const e = ctx.syntax.expr(node);
  if (e.kind !== 'member' || e.key.length > 60) return;
  // Only reads of a record's field: `x.ssn`, not a module constant like `config.ENCRYPTION_KEY`.
  if (/^[A-Z0-9_]+$/.test(e.key) && e.key.length > 3) return;
  recordRead(ctx, node, e.key, e.key);
}

/** `row.get("ssn")`, `getattr(user, "ssn")`. */
export function readCall(ctx: RuleContext, call: Node): void {
  const e = ctx.syntax.expr(call);
  if (e.kind !== 'call') return;
  if ((e.name === 'get' && e.receiver) || e.path === 'getattr') {
    const keyNode = e.path === 'getattr' ? ctx.syntax.args(call)[1] : ctx.syntax.args(call)[0];
    const key = keyNode ? ctx.syntax.stringValue(keyNode) : undefined;
    if (key !== undefined && /^[\w-]{1,60}$/.test(key)) recordRead(ctx, call, key, key);
  }
}

/** `SELECT a, b FROM t` in a string: reads of `t.a`, `t.b`; `SELECT *` reads every column of `t`. */
export function readSql(ctx: RuleContext, node: Node): void {
  if (node.parent && (node.parent.type === 'concatenated_string' || node.parent.type === 'binary_expression' || node.parent.type === 'binary_operator')) return;
  if (!/select\s/i.test(node.text)) return;
  const sql = sqlText(ctx, node);
  if (!sql) return;
  for (const st of parseSql(sql.text)) {
    if (st.kind !== 'select') continue;
    if (st.star) {
      const start = sql.fileOffset(st.tableOffset);
      ctx.record({
        node,
        ...(start !== undefined ? { offsets: { start, end: start + st.table.length } } : {}),
        dataType: '*',
        category: 'personal',
        activity: 'read',
        sink: 'other',
        target: `${st.table}.*`,
        protection: 'clear',
        name: '*',
        explanation: `every column of \`${st.table}\` is read by SELECT *.`,
      });
    }
    for (const col of st.columns) {
      const start = sql.fileOffset(col.offset);
      recordRead(ctx, node, col.name, `${st.table}.${col.name}`, start !== undefined ? { start, end: start + col.name.length } : undefined);
    }
  }
}
