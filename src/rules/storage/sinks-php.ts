/**
 * PHP persistent sinks: PDO / mysqli INSERT and UPDATE parameters (prepared statements with `?` or `:name`
 * placeholders, interpolated SQL), Eloquent `Model::create([...])` / query-builder `insert` / `update`,
 * `file_put_contents`, and cookies (`setcookie`).
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import type { NamedValue, Sink } from './sinks';

const SQL_WRITE = /^\s*(?:\/\*[\s\S]*?\*\/\s*|--[^\n]*\n\s*)*(insert|update|replace)\b/i;

/** Column names by placeholder: `?` by position (1-based), `:name` by name. */
function placeholderColumns(sql: string): { byIndex: Map<number, string>; byName: Map<string, string> } {
  const byIndex = new Map<number, string>();
  const byName = new Map<string, string>();
  const clean = (c: string) => c.trim().replace(/["`[\]]/g, '').split('.').pop() ?? '';
  let n = 0;
  const place = (v: string, col: string) => {
    const t = v.trim();
    if (t === '?') byIndex.set(++n, col);
    else if (/^:\w+$/.test(t)) byName.set(t.slice(1), col);
  };
  const insert = /insert\s+into\s+[\w."`[\]]+\s*\(([^)]*)\)\s*values\s*\(([^)]*)\)/i.exec(sql);
  if (insert) {
    const cols = insert[1].split(',').map(clean);
    insert[2].split(',').forEach((v, i) => place(v, cols[i] ?? ''));
  } else {
    const update = /update\s+[\w."`[\]]+\s+set\s+([\s\S]*?)(\swhere\s|$)/i.exec(sql);
    if (update) {
      for (const part of update[1].split(',')) {
        const m = /^\s*([\w."`[\]]+)\s*=\s*(\?|:\w+)\s*$/.exec(part);
        if (m) place(m[2], clean(m[1]));
      }
    }
  }
  return { byIndex, byName };
}

/** The SQL a prepared-statement variable was prepared with: `$stmt = $pdo->prepare("INSERT …")`. */
function preparedSql(ctx: RuleContext, receiver: Node | undefined): { sql: string; node: Node } | undefined {
  if (receiver?.type !== 'variable_name') return undefined;
  const def = ctx.flow.definitionOf(receiver.text.replace(/^\$/, ''), receiver);
  const v = def?.value;
  if (!v || !ctx.syntax.isCall(v)) return undefined;
  const e = ctx.syntax.expr(v);
  if (e.kind !== 'call' || !/^(prepare|mysqli_prepare)$/.test(e.name)) return undefined;
  const sqlNode = e.name === 'mysqli_prepare' ? e.args[1] : e.args[0];
  const sql = sqlNode ? (ctx.flow.staticString(sqlNode) ?? ctx.flow.staticPrefix(sqlNode)) : undefined;
  return sql !== undefined && sqlNode ? { sql, node: sqlNode } : undefined;
}

function arrayValues(ctx: RuleContext, arr: Node, columns: ReturnType<typeof placeholderColumns>, nameNode: Node): { values: Node[]; named: NamedValue[] } {
  const values: Node[] = [];
  const named: NamedValue[] = [];
  const lit = ctx.flow.objectLiteralOf(arr) ?? (arr.type === 'array_creation_expression' ? arr : undefined);
  if (!lit) return { values: [arr], named };
  let i = 0;
  for (const en of ctx.syntax.entries(lit)) {
    const col = en.key !== undefined ? columns.byName.get(en.key.replace(/^:/, '')) : columns.byIndex.get(++i);
    if (col) named.push({ name: col, nameNode, value: en.value });
    else values.push(en.value);
  }
  return { values, named };
}

function hasInterpolation(node: Node): boolean {
  return node.type === 'encapsed_string' || node.type === 'heredoc' || node.type === 'binary_expression';
}

export function phpCallSink(ctx: RuleContext, call: Node): Sink | undefined {
  const s = ctx.syntax;
  const e = s.expr(call);
  if (e.kind !== 'call') return undefined;
  const { name, receiver } = e;
  const args = s.args(call);
  const written = s.calleePath(call);
  const base = { node: call, label: `\`${written}\`` };

  // PDO / mysqli prepared statements: `$stmt->execute([$email, $password])`, `$stmt->bind_param('ss', $a, $b)`.
  if ((name === 'execute' || name === 'bind_param' || name === 'bindValue' || name === 'bindParam') && receiver) {
    const prepared = preparedSql(ctx, receiver);
    if (!prepared || !SQL_WRITE.test(prepared.sql)) return undefined;
    const columns = placeholderColumns(prepared.sql);
    if (name === 'execute') return args[0] ? { ...base, kind: 'database', ...arrayValues(ctx, args[0], columns, prepared.node) } : undefined;
    if (name === 'bind_param') {
      const named: NamedValue[] = [];
      const values: Node[] = [];
      args.slice(1).forEach((a, i) => {
        const col = columns.byIndex.get(i + 1);
        if (col) named.push({ name: col, nameNode: prepared.node, value: a });
        else values.push(a);
      });
      return { ...base, kind: 'database', values, named };
    }
    // bindValue(':password', $pw) / bindValue(2, $pw)
    if (args.length >= 2) {
      const key = s.stringValue(args[0]);
      const col = key !== undefined ? columns.byName.get(key.replace(/^:/, '')) : columns.byIndex.get(Number(args[0].text));
      return col ? { ...base, kind: 'database', values: [], named: [{ name: col, nameNode: args[0], value: args[1] }] } : { ...base, kind: 'database', values: [args[1]], named: [] };
    }
    return undefined;
  }
  // SQL text with the values built in: `$pdo->exec("INSERT … '$pw'")`, `mysqli_query($c, "INSERT …")`.
  if (/^(exec|query|mysqli_query|pg_query|mysql_query|statement|insert|update)$/.test(name) && args.length > 0) {
    const sqlNode = name === 'mysqli_query' || name === 'pg_query' ? args[1] : args[0];
    if (sqlNode && (s.stringValue(sqlNode) !== undefined || hasInterpolation(sqlNode) || sqlNode.type === 'variable_name')) {
      const sql = s.stringPrefix(sqlNode) ?? ctx.flow.staticPrefix(sqlNode);
      if (sql !== undefined && SQL_WRITE.test(sql)) {
        // `DB::insert('INSERT … VALUES (?, ?)', [$a, $b])` (Laravel) binds like execute().
        const bindings = name === 'insert' || name === 'update' || name === 'statement' ? args[1] : undefined;
        const columns = placeholderColumns(ctx.flow.staticString(sqlNode) ?? sql);
        const bound = bindings ? arrayValues(ctx, bindings, columns, sqlNode) : { values: [], named: [] };
        return { ...base, kind: 'database', values: [...bound.values, ...(hasInterpolation(sqlNode) ? [sqlNode] : [])], named: bound.named };
      }
      if (s.stringValue(sqlNode) !== undefined || hasInterpolation(sqlNode)) return undefined;
    }
  }
  // Eloquent and the query builder: `User::create([...])`, `DB::table('users')->insert([...])`, `$user->update([...])`.
  if (/^(create|forceCreate|insert|insertGetId|update|updateOrCreate|firstOrCreate|fill)$/.test(name) && receiver && args.length > 0) {
    const model = call.type === 'scoped_call_expression' && /^[A-Z]\w*$/.test(receiver.text) && !/^(DB|Cache|Log|Hash|Crypt|Session|Cookie|Storage|Str|Arr)$/.test(receiver.text);
    const builder = /(^|->|::)table\(|DB::|->where\(|query\(\)/.test(receiver.text.slice(0, 120));
    const instance = receiver.type === 'variable_name' && /^\$(user|customer|account|member|profile|patient|employee|model|record|entity)s?$/i.test(receiver.text);
    if (!model && !builder && !instance) return undefined;
    const data = name === 'updateOrCreate' || name === 'firstOrCreate' ? args[1] ?? args[0] : args[0];
    // `Address::create($email)`, `Success::create($value)`: a static factory, not an Eloquent write. Eloquent's
    // `Model::create` takes an array of attributes (a literal, or `$request->validated()` / `->all()` / `->only()`).
    if (model && !builder && ctx.flow.objectLiteralOf(data)?.type !== 'array_creation_expression' && !/->(all|validated|safe|only|except|input|toArray)\(/.test(data.text)) return undefined;
    return { ...base, kind: 'database', model: model || instance, values: [data], named: [] };
  }
  // Files.
  if (/^(file_put_contents|fwrite|fputs|fputcsv)$/.test(written) && args[1]) return { ...base, kind: 'file', values: [args[1]], named: [] };
  // Cookies: setcookie(name, value, expires, path, domain, secure, httponly) or setcookie(name, value, ['httponly' => true]).
  if (/^(setcookie|setrawcookie)$/.test(written) && args.length >= 2) {
    const options = args[2] ? (ctx.flow.objectLiteralOf(args[2]) ?? undefined) : undefined;
    const flag = options ? s.property(options, 'httponly') : args[6];
    const httpOnly = !!flag && !/^(false|0|null)$/i.test(flag.text);
    const key = ctx.flow.staticString(args[0]);
    return key
      ? { ...base, kind: 'cookie', httpOnly, values: [], named: [{ name: key, nameNode: args[0], value: args[1] }] }
      : { ...base, kind: 'cookie', httpOnly, values: [args[1]], named: [] };
  }
  return undefined;
}
