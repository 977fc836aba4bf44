/**
 * Go persistent sinks: `database/sql` / sqlx / pgx writes with INSERT or UPDATE parameters, GORM `Create` /
 * `Save` / `Update(s)`, MongoDB `InsertOne` / `UpdateOne`, go-redis `Set` / `HSet`, files (`os.WriteFile`,
 * writes on a file from `os.Create` / `os.OpenFile`) and cookies (`http.SetCookie`, gin's `SetCookie`).
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import type { NamedValue, Sink } from './sinks';

const SQL_WRITE = /^\s*(?:\/\*[\s\S]*?\*\/\s*|--[^\n]*\n\s*)*(insert|update|replace|upsert|merge)\b|^\s*with\b[\s\S]*\b(insert\s+into|update\s+\w)/i;
const SQL_METHODS = /^(Exec|ExecContext|Query|QueryContext|QueryRow|QueryRowContext|MustExec|MustExecContext|NamedExec|NamedExecContext|Raw|SendBatch|QueryRowx|Queryx)$/;
const GORM_WRITES = /^(Create|Save|Updates|Update|UpdateColumn|UpdateColumns|FirstOrCreate|CreateInBatches)$/;
const MONGO_WRITES: Record<string, number> = { InsertOne: 1, InsertMany: 1, UpdateOne: 2, UpdateMany: 2, ReplaceOne: 2, FindOneAndUpdate: 2, FindOneAndReplace: 2, UpdateByID: 2 };
const REDIS_RECEIVER = /(^|\.)(rdb|redis\w*|\w*Redis\w*|cache|\w*Cache|rc|kv|redisClient|client\.Redis)$/i;
const FILE_OPEN = /^os\.(Create|OpenFile)$/;

/** `&x`, `*x`, `(x)`: the value under address-of, dereference and parentheses. */
export function unwrap(node: Node): Node {
  let n = node;
  while ((n.type === 'unary_expression' || n.type === 'parenthesized_expression') && n.namedChildren.length > 0) {
    const inner = n.type === 'unary_expression' ? n.childForFieldName('operand') : n.namedChildren[0];
    if (!inner) break;
    n = inner;
  }
  return n;
}

/** Column names of an INSERT / UPDATE by parameter position: `?` in order, `$n` by number. */
export function sqlParameterColumns(sql: string): Map<number, string> {
  const out = new Map<number, string>();
  const clean = (c: string) => c.trim().replace(/["`[\]]/g, '').split('.').pop() ?? '';
  const insert = /insert\s+into\s+[\w."`[\]]+\s*\(([^)]*)\)\s*values\s*\(([^)]*)\)/i.exec(sql);
  let n = 0;
  const place = (v: string, col: string) => {
    const dollar = /^\$(\d+)$/.exec(v.trim());
    if (dollar) out.set(Number(dollar[1]), col);
    else if (v.trim() === '?') out.set(++n, col);
  };
  if (insert) {
    const cols = insert[1].split(',').map(clean);
    insert[2].split(',').forEach((v, i) => place(v, cols[i] ?? ''));
    return out;
  }
  const update = /update\s+[\w."`[\]]+\s+set\s+([\s\S]*?)(\swhere\s|$)/i.exec(sql);
  if (update) {
    for (const part of update[1].split(',')) {
      const m = /^\s*([\w."`[\]]+)\s*=\s*(\?|\$\d+)\s*$/.exec(part);
      if (m) place(m[2], clean(m[1]));
      else n += (part.match(/\?/g) ?? []).length;
    }
  }
  return out;
}

function usesGorm(ctx: RuleContext): boolean {
  const cached = ctx.state.get('go-gorm');
  if (typeof cached === 'boolean') return cached;
  const result = /"(gorm\.io\/gorm|github\.com\/jinzhu\/gorm)"/.test(ctx.file.text);
  ctx.state.set('go-gorm', result);
  return result;
}

function boolField(ctx: RuleContext, lit: Node, key: string): boolean {
  const v = ctx.syntax.property(lit, key);
  return !!v && v.type !== 'false';
}

/** The Go sink a call is, if any. */
export function goCallSink(ctx: RuleContext, call: Node): Sink | undefined {
  const s = ctx.syntax;
  const e = s.expr(call);
  if (e.kind !== 'call') return undefined;
  const { name, receiver } = e;
  const args = s.args(call);
  const path = ctx.flow.resolvedPath(call);
  const written = s.calleePath(call);
  const base = { node: call, label: `\`${written}\`` };

  // SQL: the first or second argument (after a context) is an INSERT / UPDATE; the values are the arguments after it.
  if (SQL_METHODS.test(name) && receiver) {
    for (let i = 0; i < Math.min(2, args.length); i++) {
      const sql = ctx.flow.staticString(args[i]) ?? ctx.flow.staticPrefix(args[i]);
      if (sql === undefined) continue;
      if (!SQL_WRITE.test(sql)) return undefined;
      const columns = sqlParameterColumns(sql);
      const named: NamedValue[] = [];
      const values: Node[] = [];
      const rest = args.slice(i + 1);
      rest.forEach((a, k) => {
        const col = columns.get(k + 1);
        if (col) named.push({ name: col, nameNode: args[i], value: a });
        else values.push(a);
      });
      // Values built into the SQL text itself: "INSERT ... VALUES ('" + pw + "')", fmt.Sprintf(...).
      if (ctx.flow.staticString(args[i]) === undefined) values.push(args[i]);
      return { ...base, kind: 'database', values, named };
    }
    return undefined;
  }
  // Prepared statements: `stmt, _ := db.Prepare("INSERT …"); stmt.Exec(email, pw)`.
  if (/^(Exec|ExecContext)$/.test(name) && receiver?.type === 'identifier') {
    const def = ctx.flow.definitionOf(receiver.text, receiver);
    const prep = def?.value && s.isCall(def.value) ? s.expr(def.value) : undefined;
    if (prep?.kind === 'call' && /^(Prepare|PrepareContext|Preparex|PrepareNamed)$/.test(prep.name)) {
      const sqlArg = prep.name === 'PrepareContext' ? prep.args[1] : prep.args[0];
      const sql = sqlArg ? ctx.flow.staticString(sqlArg) : undefined;
      if (sql === undefined || !SQL_WRITE.test(sql)) return undefined;
      const columns = sqlParameterColumns(sql);
      const rest = name === 'ExecContext' ? args.slice(1) : args;
      const named = rest.flatMap((a, k) => (columns.get(k + 1) ? [{ name: columns.get(k + 1) as string, nameNode: sqlArg as Node, value: a }] : []));
      return { ...base, kind: 'database', values: rest.filter((_, k) => !columns.get(k + 1)), named };
    }
  }
  // GORM: db.Create(&user), db.Save(&user), db.Model(&u).Update("password", pw), .Updates(map[string]any{…}).
  if (GORM_WRITES.test(name) && receiver && usesGorm(ctx)) {
    if ((name === 'Update' || name === 'UpdateColumn') && args.length === 2) {
      const key = ctx.flow.staticString(args[0]);
      return key ? { ...base, kind: 'database', model: true, values: [], named: [{ name: key, nameNode: args[0], value: args[1] }] } : { ...base, kind: 'database', model: true, values: [args[1]], named: [] };
    }
    if (!args[0]) return undefined;
    return { ...base, kind: 'database', model: true, values: [args[0]], named: [] };
  }
  // MongoDB driver: coll.InsertOne(ctx, doc), coll.UpdateOne(ctx, filter, update).
  const mongo = MONGO_WRITES[name];
  if (mongo && receiver && args[mongo]) {
    return { ...base, kind: 'database', values: [args[mongo]], named: [] };
  }
  // go-redis: rdb.Set(ctx, key, value, ttl), rdb.HSet(ctx, key, field, value, …).
  if (/^(Set|SetNX|SetEX|SetXX|HSet|HSetNX|HMSet|LPush|RPush|SAdd)$/.test(name) && receiver && REDIS_RECEIVER.test(receiver.text.replace(/\s+/g, '')) && args.length >= 3) {
    const key = args[1];
    if (/^(Set|SetNX|SetEX|SetXX)$/.test(name)) {
      const keyName = ctx.flow.staticString(key) ?? ctx.flow.staticPrefix(key);
      return keyName ? { ...base, kind: 'cache', values: [], named: [{ name: keyName.replace(/[:_-]+$/, ''), nameNode: key, value: args[2] }] } : { ...base, kind: 'cache', values: [args[2]], named: [] };
    }
    if (/^(HSet|HSetNX|HMSet)$/.test(name)) {
      const named: NamedValue[] = [];
      const values: Node[] = [];
      const rest = args.slice(2);
      if (rest.length === 1) values.push(rest[0]);
      for (let i = 0; i + 1 < rest.length; i += 2) {
        const f = ctx.flow.staticString(rest[i]);
        if (f) named.push({ name: f, nameNode: rest[i], value: rest[i + 1] });
        else values.push(rest[i + 1]);
      }
      return { ...base, kind: 'cache', values, named };
    }
    return { ...base, kind: 'cache', values: args.slice(2), named: [] };
  }
  // Files.
  if (/^(os|ioutil)\.WriteFile$/.test(path) && args[1]) return { ...base, kind: 'file', values: [args[1]], named: [] };
  if (/^(Write|WriteString)$/.test(name) && receiver?.type === 'identifier' && args[0]) {
    const def = ctx.flow.definitionOf(receiver.text, receiver);
    if (def?.value && s.isCall(def.value) && FILE_OPEN.test(ctx.flow.resolvedPath(def.value))) return { ...base, kind: 'file', values: [args[0]], named: [] };
    return undefined;
  }
  if (/^fmt\.Fprint(f|ln)?$/.test(path) && args[0]?.type === 'identifier') {
    const def = ctx.flow.definitionOf(args[0].text, args[0]);
    if (def?.value && s.isCall(def.value) && FILE_OPEN.test(ctx.flow.resolvedPath(def.value))) return { ...base, kind: 'file', values: args.slice(1), named: [] };
    return undefined;
  }
  // Cookies: http.SetCookie(w, &http.Cookie{Name, Value, HttpOnly}); gin c.SetCookie(name, value, maxAge, path, domain, secure, httpOnly).
  if (/^http\.SetCookie$/.test(path) && args[1]) {
    const lit = ctx.flow.objectLiteralOf(unwrap(args[1]));
    if (!lit) return undefined;
    const nameNode = s.property(lit, 'Name');
    const value = s.property(lit, 'Value');
    if (!value) return undefined;
    const cookieName = nameNode ? ctx.flow.staticString(nameNode) : undefined;
    const httpOnly = boolField(ctx, lit, 'HttpOnly');
    return nameNode && cookieName
      ? { ...base, kind: 'cookie', httpOnly, values: [], named: [{ name: cookieName, nameNode, value }] }
      : { ...base, kind: 'cookie', httpOnly, values: [value], named: [] };
  }
  if (name === 'SetCookie' && args.length === 7 && receiver) {
    const cookieName = ctx.flow.staticString(args[0]);
    const httpOnly = args[6].type !== 'false';
    return cookieName ? { ...base, kind: 'cookie', httpOnly, values: [], named: [{ name: cookieName, nameNode: args[0], value: args[1] }] } : { ...base, kind: 'cookie', httpOnly, values: [args[1]], named: [] };
  }
  return undefined;
}

/**
 * `user.Password = pw` followed, in the same function, by a GORM / database write of `user` (`db.Save(&user)`,
 * `db.Create(&user)`, `tx.Updates(&user)`): the field is stored by that write.
 */
export function goAssignSink(ctx: RuleContext, assign: Node, sinkAt: (ctx: RuleContext, node: Node) => Sink | undefined): Sink | undefined {
  const op = assign.childForFieldName('operator')?.text;
  if (op !== '=') return undefined;
  const left = assign.childForFieldName('left')?.namedChildren.filter((c): c is Node => !!c) ?? [];
  const right = assign.childForFieldName('right')?.namedChildren.filter((c): c is Node => !!c) ?? [];
  if (left.length !== 1 || right.length !== 1 || left[0].type !== 'selector_expression') return undefined;
  const e = ctx.syntax.expr(left[0]);
  if (e.kind !== 'member' || e.object.type !== 'identifier') return undefined;
  const value = right[0];
  const valueName = value.text.length <= 80 ? (value.text.split(/[.()[\]"]+/).filter(Boolean).pop() ?? '') : '';
  if (ctx.classifier.classifyName(e.key).length === 0 && (!valueName || ctx.classifier.classifyName(valueName).length === 0)) return undefined;
  const target = e.object.text;
  const scope = ctx.flow.scopeOf(assign);
  let write: Sink | undefined;
  for (const call of scope.descendantsOfType('call_expression')) {
    if (!call || call.startIndex < assign.endIndex || write) continue;
    const args = ctx.syntax.args(call);
    if (!args.some((a) => unwrap(a).text === target)) continue;
    const sink = sinkAt(ctx, call);
    if (sink && sink.kind === 'database' && sink.values.some((v) => unwrap(v).text === target)) write = sink;
  }
  if (!write) return undefined;
  return { node: assign, label: write.label, kind: write.kind, model: write.model, values: [], named: [{ name: e.key, nameNode: e.keyNode, value }] };
}
