/**
 * The inventory on Go and PHP, from what the rules already recognise: log calls (`storage/sensitive-data-in-log`),
 * database, cache, file and cookie writes (`sinks-go.ts`, `sinks-php.ts`), HTTP requests (the transmission family's
 * recogniser), and request fields read by name (`r.FormValue("email")`, gin `c.PostForm`, `$_POST['ssn']`,
 * Laravel `$request->input('email')`). Request bodies decoded into structs, ORM model declarations and SDK calls
 * are not recorded yet.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import type { SinkKind } from '../../core/types';
import { isLogCall } from '../../rules/storage/sensitive-data-in-log';
import { isInertLiteral, KIND_LABEL, sinkAt, type Sink } from '../../rules/storage/sinks';
import { unwrap as unwrapGo } from '../../rules/storage/sinks-go';
import { httpCall } from '../../rules/transmission/clients';
import { classifyNameWithProtection, dataAt, dedupeItems, keyedData, memo, recordItems } from './common';
import { goBoundFields } from './go-bind';
import { sendCall } from './send';

const STORE_KIND: Record<Sink['kind'], SinkKind> = { database: 'db', file: 'file', cache: 'cache', cookie: 'cookie', 'web-storage': 'web-storage', session: 'session' };
/** Go structured log fields: `zap.String("ssn", v)`, `slog.String("email", v)`. */
const GO_FIELD = /^(zap|slog|zerolog)\.(String|Any|Reflect|Stringer|ByteString|Attr)$/;
/** Go request reads by name: net/http, gin, echo, fiber. */
const GO_REQUEST_READ = /^(FormValue|PostFormValue|PostForm|DefaultPostForm|Query|DefaultQuery|QueryParam|Param|FormFile|GetHeader|Cookie|Get)$/;
const GO_REQUEST = /^(r|req|request|c|ctx|context|e|\w*[Rr]equest)$/;
/** Laravel / Symfony request reads by name. */
const PHP_REQUEST_READ = /^(input|get|post|query|cookie|header|string|integer|boolean|date)$/;
const PHP_REQUEST = /^\$(request|req|this->request)$|^request\(\)$/;
const SUPERGLOBAL = /^\$_(POST|GET|REQUEST|COOKIE)$/;
const GO_ROUTE_METHODS = /^(HandleFunc|Handle|GET|POST|PUT|PATCH|DELETE|Get|Post|Put|Patch|Delete|Any)$/;

/** Go routes registered in this file, by handler: `http.HandleFunc("/signup", signup)`, gin `r.POST("/signup", h)`. */
function goRoutes(ctx: RuleContext): Map<string, string> {
  return memo(ctx, 'gophp', 'goRoutes', () => {
    const out = new Map<string, string>();
    for (const call of ctx.root.descendantsOfType('call_expression')) {
      if (!call) continue;
      const e = ctx.syntax.expr(call);
      if (e.kind !== 'call' || !GO_ROUTE_METHODS.test(e.name) || e.args.length < 2) continue;
      const pattern = ctx.flow.staticString(e.args[0]);
      if (pattern === undefined || !/^([A-Z]+ )?\//.test(pattern)) continue;
      const handler = e.args[e.args.length - 1];
      const verb = /^(Handle|HandleFunc|Any)$/.test(e.name) ? '' : `${e.name.toUpperCase()} `;
      const key = handler.type === 'func_literal' ? `@${handler.id}` : handler.text.split('.').pop() ?? handler.text;
      out.set(key, `${verb}${pattern}`);
    }
    return out;
  });
}

function goRouteOf(ctx: RuleContext, node: Node): string | undefined {
  const routes = goRoutes(ctx);
  if (routes.size === 0) return undefined;
  for (let fn: Node | null = ctx.flow.scopeOf(node); fn && fn.id !== ctx.root.id; fn = ctx.flow.scopeOf(fn)) {
    const byLiteral = routes.get(`@${fn.id}`);
    if (byLiteral) return byLiteral;
    const name = ctx.syntax.functionName(fn);
    if (name && routes.has(name)) return routes.get(name);
  }
  return undefined;
}

/** A request field read by name: records `collected` when the name classifies. */
function collected(ctx: RuleContext, node: Node, field: string, sink: SinkKind, how: string): void {
  const items = classifyNameWithProtection(ctx, field);
  if (items.length === 0) return;
  const route = ctx.file.syntax === 'go' ? goRouteOf(ctx, node) : undefined;
  recordItems(ctx, node, items.map((i) => ({ ...i, origin: node })), { activity: 'collected', sink, ...(route ? { target: route } : {}), why: `read from the request by \`${how}\`${route ? ` in the handler of ${route}` : ''}`, name: field });
}

function collectCall(ctx: RuleContext, call: Node): void {
  const e = ctx.syntax.expr(call);
  if (e.kind !== 'call' || !e.receiver || e.args.length === 0) return;
  const go = ctx.file.syntax === 'go';
  if (go) {
    // A request body decoded into a struct: each personal-data field of the struct is collected.
    for (const f of goBoundFields(ctx, call)) collected(ctx, call, f.field, 'request', `${f.how}\` into \`${f.path}`);
    if (!GO_REQUEST_READ.test(e.name)) return;
    const recv = e.receiver.text.replace(/\s+/g, '');
    // `r.URL.Query().Get("x")`, `r.Header.Get("X-Email")`, `r.Form.Get("x")`; other `.Get` calls are not request reads.
    let sink: SinkKind = 'request';
    if (e.name === 'Get') {
      const m = /^(\w+)\.(URL\.Query\(\)|Form|PostForm|Header)$/.exec(recv);
      if (!m || !GO_REQUEST.test(m[1])) return;
      if (m[2] === 'Header') sink = 'header';
    } else if (!GO_REQUEST.test(recv)) return;
    if (e.name === 'GetHeader') sink = 'header';
    if (e.name === 'Cookie') sink = 'cookie';
    const field = ctx.flow.staticString(e.args[0]);
    if (field !== undefined) collected(ctx, call, field, sink, ctx.syntax.calleePath(call));
    return;
  }
  if (!PHP_REQUEST_READ.test(e.name) || !PHP_REQUEST.test(e.receiver.text.replace(/\s+/g, ''))) return;
  const field = ctx.flow.staticString(e.args[0]);
  if (field === undefined) return;
  collected(ctx, call, field, e.name === 'header' ? 'header' : e.name === 'cookie' ? 'cookie' : 'request', ctx.syntax.calleePath(call));
}

/** `$_POST['email']`, `$_GET['ssn']`, `$_REQUEST[…]`, `$_COOKIE[…]`. */
export function phpSuperglobal(ctx: RuleContext, node: Node): void {
  const [obj, index] = node.namedChildren.filter((c): c is Node => c !== null);
  if (!obj || !index || !SUPERGLOBAL.test(obj.text)) return;
  // `$_POST['email']` written to (`$_POST['x'] = …`) is not a read.
  if (node.parent?.type === 'assignment_expression' && node.parent.childForFieldName('left')?.id === node.id) return;
  const field = ctx.syntax.stringValue(index);
  if (field === undefined) return;
  collected(ctx, node, field, obj.text === '$_COOKIE' ? 'cookie' : 'request', `${obj.text}['${field}']`);
}

/** The table an INSERT / UPDATE writes. */
function sqlTable(ctx: RuleContext, node: Node): string | undefined {
  const sql = ctx.flow.staticString(node) ?? ctx.flow.staticPrefix(node);
  const m = sql ? /\b(?:insert\s+into|replace\s+into|update)\s+["`[]?([\w.]+)/i.exec(sql) : undefined;
  return m ? m[1].split('.').pop() : undefined;
}

/** The model or table of an ORM write: `User::create`, `DB::table('users')->insert`, `db.Create(&User{…})`. */
function modelName(ctx: RuleContext, sink: Sink, lit: Node | undefined): string | undefined {
  if (lit?.type === 'composite_literal') return lit.childForFieldName('type')?.text.split('.').pop();
  const e = ctx.syntax.expr(sink.node);
  if (e.kind !== 'call' || !e.receiver) return undefined;
  if (sink.node.type === 'scoped_call_expression' && /^[A-Z]\w*$/.test(e.receiver.text)) return e.receiver.text;
  const table = /(?:^|->|::)table\(\s*['"]([\w.]+)['"]\s*\)/.exec(e.receiver.text.slice(0, 200));
  return table?.[1];
}

function storedCall(ctx: RuleContext, call: Node): void {
  const sink = sinkAt(ctx, call);
  if (!sink) return;
  const kind = STORE_KIND[sink.kind];
  const why = `stored in ${KIND_LABEL[sink.kind]} by ${sink.label}`;
  const targetFor = (name: string, nameNode: Node): string => {
    if (sink.kind === 'cookie') return `cookie ${name}`;
    if (sink.kind === 'cache') return ctx.file.syntax === 'go' ? 'redis' : name;
    const table = sink.kind === 'database' ? sqlTable(ctx, nameNode) : undefined;
    return table ? `${table}.${name}` : name;
  };
  for (const n of sink.named) {
    recordItems(ctx, sink.node, keyedData(ctx, n.name, n.value), { activity: 'stored', sink: kind, target: targetFor(n.name, n.nameNode), name: n.name, why });
  }
  const namedValues = new Set(sink.named.map((n) => n.value.id));
  const rest: Node[] = [];
  for (const v of sink.values) {
    if (namedValues.has(v.id) || isInertLiteral(ctx, v)) continue;
    // An ORM write of a literal record: each key is a column of the model.
    const lit = sink.kind === 'database' ? ctx.flow.objectLiteralOf(ctx.file.syntax === 'go' ? unwrapGo(v) : v) : undefined;
    if (lit) {
      const model = modelName(ctx, sink, lit);
      for (const en of ctx.syntax.entries(lit)) {
        if (en.key === undefined) continue;
        recordItems(ctx, en.keyNode ?? en.value, keyedData(ctx, en.key, en.value), { activity: 'stored', sink: kind, target: model ? `${model}.${en.key}` : en.key, name: en.key, why: `${why}${model ? ` (${model})` : ''}` });
      }
      continue;
    }
    rest.push(v);
  }
  const target = sink.kind === 'file' ? fileTarget(ctx, call) : sink.kind === 'cache' && ctx.file.syntax === 'go' ? 'redis' : undefined;
  recordItems(ctx, sink.node, dedupeItems(rest.flatMap((v) => dataAt(ctx, v))), { activity: 'stored', sink: kind, ...(target ? { target } : {}), why });
}

function fileTarget(ctx: RuleContext, call: Node): string | undefined {
  const first = ctx.syntax.args(call)[0];
  const path = first ? (ctx.flow.staticString(first) ?? ctx.flow.staticPrefix(first)) : undefined;
  return path && /^[\w./-]{1,120}$/.test(path) ? path : undefined;
}

/** The structured logging library a Go file imports (a logger held in a field or variable is one of those). */
function goLogLibrary(ctx: RuleContext): string | undefined {
  return memo(ctx, 'gophp', 'goLogLibrary', () => {
    // Go import specs name the package path in a string: `"go.uber.org/zap"`.
    const imports = ctx.root.descendantsOfType('import_spec').map((i) => i?.text ?? '').join(' ');
    return /go\.uber\.org\/zap\b/.test(imports) ? 'zap' : /sirupsen\/logrus\b/.test(imports) ? 'logrus' : /rs\/zerolog\b/.test(imports) ? 'zerolog' : /\blog\/slog\b/.test(imports) ? 'slog' : undefined;
  });
}

function loggedCall(ctx: RuleContext, call: Node): void {
  const path = ctx.syntax.calleePath(call);
  const args = ctx.syntax.args(call);
  const items = args.flatMap((a) => {
    if (ctx.file.syntax === 'go' && ctx.syntax.isCall(a) && GO_FIELD.test(ctx.flow.resolvedPath(a))) {
      const [k, v] = ctx.syntax.args(a);
      const key = k ? ctx.flow.staticString(k) : undefined;
      if (v) return keyedData(ctx, key, v);
    }
    return dataAt(ctx, a);
  });
  const target = ctx.file.syntax === 'go'
    ? (/^fmt\./.test(path) ? 'stdout' : /^(log|logrus|slog|zap|zerolog|glog|klog)\./.exec(ctx.flow.resolvePath(path))?.[1] ?? goLogLibrary(ctx) ?? path.slice(0, path.lastIndexOf('.')))
    : /^(error_log|syslog|trigger_error)$/.test(path) ? path : /^(Log|Illuminate)/.test(ctx.flow.resolvePath(path)) ? 'Log' : 'monolog';
  recordItems(ctx, call, dedupeItems(items), { activity: 'logged', sink: 'log', target, why: `written to a log by \`${path}\`` });
}

/** Calls in Go and PHP files: request reads, log calls, storage writes and HTTP requests. */
export function goPhpCall(ctx: RuleContext, call: Node): void {
  collectCall(ctx, call);
  if (isLogCall(ctx, call)) return loggedCall(ctx, call);
  storedCall(ctx, call);
  const req = httpCall(ctx, call);
  if (req && !req.creates) sendCall(ctx, call);
}
