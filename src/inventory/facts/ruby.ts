/**
 * The inventory on Ruby (Rails, Sinatra), from what the rules already recognise: log calls
 * (`storage/sensitive-data-in-log`), ActiveRecord / Sequel / file / cache / cookie / session writes (`sinks-ruby.ts`),
 * HTTP requests (the transmission family's recogniser), plus what this file adds: request fields read by name
 * (`params[:ssn]`, `params.require(:user).permit(:email)`, `params.fetch(:ssn)`, `request.headers["X-Email"]`,
 * `cookies[:email]`, keys of `JSON.parse(request.body.read)`) and the columns of `db/schema.rb` and migrations
 * (`create_table "users" do |t| t.string :ssn end`, `add_column :users, :ssn, :string`).
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import type { SinkKind } from '../../core/types';
import { walk } from '../../core/syntax';
import { isLogCall } from '../../rules/storage/sensitive-data-in-log';
import { isInertLiteral, KIND_LABEL, sinkAt, type Sink } from '../../rules/storage/sinks';
import { httpCall } from '../../rules/transmission/clients';
import { classifyNameWithProtection, dataAt, dedupeItems, keyedData, memo, recordItems, type DataItem } from './common';
import { hostTarget, sendCall } from './send';
import { columnItems, recordSchemaColumn } from './store';

const STORE_KIND: Record<Sink['kind'], SinkKind> = { database: 'db', file: 'file', cache: 'cache', cookie: 'cookie', 'web-storage': 'web-storage', session: 'session' };
/** Rails request objects read by key: `params`, `request.params`, `request.POST`, `request.GET`. */
const PARAMS = /^(params|request\.(params|parameters|POST|GET|query_parameters|request_parameters|path_parameters))$/;
const SINATRA_ROUTE = /^(get|post|put|patch|delete)$/;

function named(node: Node | null | undefined): Node[] {
  return node ? node.namedChildren.filter((c): c is Node => c !== null) : [];
}

function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

/** `:ssn`, `"ssn"`, `ssn:` as a name. */
function keyName(ctx: RuleContext, node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'simple_symbol') return node.text.slice(1);
  if (node.type === 'hash_key_symbol') return node.text;
  return ctx.syntax.stringValue(node) ?? (node.type === 'delimited_symbol' ? ctx.flow.staticString(node) : undefined);
}

/** The route a node is served under: Sinatra `post '/signup' do … end`, or the Rails action `UsersController#create`. */
function routeOf(ctx: RuleContext, node: Node): string | undefined {
  let action: string | undefined;
  for (let p = node.parent; p; p = p.parent) {
    if ((p.type === 'do_block' || p.type === 'block') && p.parent?.type === 'call') {
      const call = p.parent;
      const method = call.childForFieldName('method')?.text ?? '';
      const path = SINATRA_ROUTE.test(method) && !call.childForFieldName('receiver') ? ctx.syntax.stringValue(ctx.syntax.args(call)[0] ?? call) : undefined;
      if (path?.startsWith('/')) return `${method.toUpperCase()} ${path}`;
    }
    if (p.type === 'method' && !action) action = p.childForFieldName('name')?.text;
    if (p.type === 'class') {
      const cls = p.childForFieldName('name')?.text ?? '';
      return action && /Controller$/.test(cls) ? `${cls.split('::').pop()}#${action}` : undefined;
    }
  }
  return undefined;
}

function collected(ctx: RuleContext, node: Node, field: string, sink: SinkKind, how: string): void {
  const items = classifyNameWithProtection(ctx, field);
  if (items.length === 0) return;
  const route = routeOf(ctx, node);
  recordItems(ctx, node, items.map((i) => ({ ...i, origin: node })), { activity: 'collected', sink, ...(route ? { target: route } : {}), why: `read from the request by \`${how}\`${route ? ` in ${route}` : ''}`, name: field });
}

/** Names bound in this file to a parsed request body: `data = JSON.parse(request.body.read)`, `body = request.raw_post`. */
function bodyNames(ctx: RuleContext): Set<string> {
  return memo(ctx, 'rubyInventory', 'bodyNames', () => {
    const re = /(@?[a-z_]\w*)\s*=\s*(?:JSON\.parse\(\s*|Oj\.load\(\s*|MultiJson\.load\(\s*)?request\.(?:body\.(?:read|string)|raw_post)\b/g;
    return new Set([...ctx.file.text.matchAll(re)].map((m) => m[1]));
  });
}

/** What a receiver reads from: request parameters, headers, cookies, or a parsed body. */
function requestPart(ctx: RuleContext, recv: Node): { sink: SinkKind; label: string } | undefined {
  const text = compact(recv.text);
  // `def update_with_password(params)`: a local `params` is a plain hash, not the request's.
  if (text === 'params' && recv.type === 'identifier' && ctx.flow.definitionOf('params', recv)) return undefined;
  if (PARAMS.test(text)) return { sink: 'request', label: text };
  if (/^request\.headers$/.test(text)) return { sink: 'header', label: text };
  if (/^(cookies|request\.cookies)(\.(signed|encrypted|permanent))*$/.test(text)) return { sink: 'cookie', label: text };
  if ((recv.type === 'identifier' || recv.type === 'instance_variable') && bodyNames(ctx).has(recv.text)) return { sink: 'request', label: `${recv.text} (the parsed request body)` };
  // `params[:user][:email]`, `params.require(:user)[:email]`, `params.fetch(:user)[:ssn]`.
  if (recv.type === 'element_reference') return requestPart(ctx, named(recv)[0] ?? recv);
  if (recv.type === 'call' && /^(require|fetch|dig|permit|to_unsafe_h|to_h)$/.test(recv.childForFieldName('method')?.text ?? '')) {
    const inner = recv.childForFieldName('receiver');
    const part = inner ? requestPart(ctx, inner) : undefined;
    return part?.sink === 'request' ? part : undefined;
  }
  return undefined;
}

/** `params[:ssn]`, `params[:user][:email]`, `request.headers["X-Email"]`, `cookies[:email]`, `data["ssn"]`. */
export function rubyElement(ctx: RuleContext, node: Node): void {
  const parent = node.parent;
  // Only the innermost key read counts (`params[:user][:email]` reads `email`), and a write is not a read.
  if (parent?.type === 'element_reference' && named(parent)[0]?.id === node.id) return;
  if ((parent?.type === 'assignment' || parent?.type === 'operator_assignment') && parent.childForFieldName('left')?.id === node.id) return;
  const [obj, index] = named(node);
  if (!obj || !index) return;
  const part = requestPart(ctx, obj);
  const field = part ? keyName(ctx, index) : undefined;
  if (!part || field === undefined) return;
  collected(ctx, node, field, part.sink, `${compact(obj.text).slice(0, 60)}[${index.text.slice(0, 40)}]`);
}

/** `params.require(:user).permit(:email, :ssn, address: [:street])`, `params.fetch(:ssn)`, `params.dig(:user, :ssn)`. */
function collectCall(ctx: RuleContext, call: Node): void {
  const method = call.childForFieldName('method')?.text ?? '';
  const recv = call.childForFieldName('receiver');
  if (!recv || !/^(permit|fetch|dig|require)$/.test(method)) return;
  const part = requestPart(ctx, recv);
  if (!part) return;
  const args = ctx.syntax.args(call);
  const how = `${compact(recv.text).slice(0, 60)}.${method}`;
  if (method === 'permit') {
    for (const a of args) {
      if (a.type === 'pair') {
        const k = keyName(ctx, a.childForFieldName('key') ?? undefined);
        if (k !== undefined) collected(ctx, call, k, part.sink, how);
        for (const v of named(a.childForFieldName('value'))) {
          const n = keyName(ctx, v);
          if (n !== undefined) collected(ctx, call, n, part.sink, how);
        }
        continue;
      }
      const n = keyName(ctx, a);
      if (n !== undefined && n !== 'password_confirmation') collected(ctx, call, n, part.sink, how);
    }
    return;
  }
  // `params.require(:user).permit(…)`, `params.fetch(:user)[:email]`: the inner names say what is read, not the wrapper key.
  const outer = call.parent;
  if (outer?.type === 'call' && outer.childForFieldName('receiver')?.id === call.id && /^(permit|fetch|dig|require|\[\])$/.test(outer.childForFieldName('method')?.text ?? '')) return;
  if (outer?.type === 'element_reference' && named(outer)[0]?.id === call.id) return;
  const key = method === 'dig' ? args[args.length - 1] : args[0];
  const n = keyName(ctx, key);
  if (n !== undefined) collected(ctx, call, n, part.sink, how);
}

/** The ActiveRecord class a write goes through: `User.create(…)`, `User.where(…).update_all`, `@user = User.find(…)` then `@user.update(…)`. */
function modelOf(ctx: RuleContext, node: Node): string | undefined {
  let target: Node | null = node.type === 'assignment' ? node.childForFieldName('left') : node;
  for (let i = 0; target && i < 12; i++) {
    if (target.type === 'constant' || target.type === 'scope_resolution') return target.text.split('::').pop();
    if (target.type === 'call') target = target.childForFieldName('receiver');
    else if (target.type === 'identifier' || target.type === 'instance_variable') {
      const def = ctx.flow.definitionOf(target.text, target);
      target = def?.value && def.value.id !== target.id && !def.param ? def.value : null;
    } else return undefined;
  }
  return undefined;
}

function storeTarget(ctx: RuleContext, sink: Sink, name: string | undefined, model: string | undefined): string | undefined {
  if (sink.kind === 'cookie') return name !== undefined ? `cookie ${name}` : undefined;
  if (sink.kind === 'session') return name !== undefined ? `session ${name}` : undefined;
  if (sink.kind === 'cache') return /Rails\.cache/.test(sink.label) ? 'Rails.cache' : /redis/i.test(sink.label) ? 'redis' : name;
  if (sink.kind === 'file') {
    const first = ctx.syntax.args(sink.node)[0];
    const path = first ? (ctx.flow.staticString(first) ?? ctx.flow.staticPrefix(first)) : undefined;
    return path && /^[\w./-]{1,120}$/.test(path) ? path : undefined;
  }
  if (name === undefined) return model;
  return model ? `${model}.${name}` : name;
}

/** A write `sinks-ruby.ts` recognises: one `stored` fact per data type, named by attribute where the call names it. */
function stored(ctx: RuleContext, node: Node): void {
  const sink = sinkAt(ctx, node);
  if (!sink) return;
  const kind = STORE_KIND[sink.kind];
  const model = sink.kind === 'database' ? modelOf(ctx, node) : undefined;
  const why = `stored in ${sink.kind === 'session' ? 'the Rails session (a cookie by default)' : KIND_LABEL[sink.kind]} by ${sink.label}${model ? ` (${model})` : ''}`;
  // `has_secure_password` / Devise on a model this file defines: the password is hashed on the way.
  const hashed = (items: DataItem[]): DataItem[] => (sink.hashesPasswords ? items.map((i) => (i.classification.type === 'password' && i.protection === 'clear' ? { ...i, protection: 'hashed' as const, protectedBy: 'the model (has_secure_password / Devise)' } : i)) : items);
  for (const n of sink.named) {
    // `session[:pwd] = '1'`: a flag under a telling name, not the data.
    const literalFlag = n.value.id !== n.nameNode.id && (n.value.type === 'simple_symbol' || (ctx.syntax.stringValue(n.value)?.length ?? 99) <= 3);
    if (isInertLiteral(ctx, n.value) || literalFlag) continue;
    // `@address.safe_attributes = params[:email_address]`: the value says what is stored, the attribute is no column name for it.
    const telling = sink.kind === 'cookie' || sink.kind === 'session' || classifyNameWithProtection(ctx, n.name).length > 0;
    const items = hashed(keyedData(ctx, n.name, n.value));
    const note = sink.model && items.some((i) => i.classification.type === 'password' && i.protection === 'clear') ? ' (the model, defined in another file, may hash it in a callback or setter)' : '';
    recordItems(ctx, sink.node, items, { activity: 'stored', sink: kind, target: storeTarget(ctx, sink, telling ? n.name : undefined, model), ...(telling ? { name: n.name } : {}), why: why + note });
  }
  const namedValues = new Set(sink.named.map((n) => n.value.id));
  const rest = sink.values.filter((v) => !namedValues.has(v.id) && !isInertLiteral(ctx, v) && v.type !== 'hash');
  const target = storeTarget(ctx, sink, undefined, model);
  recordItems(ctx, sink.node, hashed(dedupeItems(rest.flatMap((v) => dataAt(ctx, v)))), { activity: 'stored', sink: kind, ...(target ? { target } : {}), why });
}

function logTarget(path: string): string {
  if (/^(puts|p|pp|print)$/.test(path)) return 'stdout';
  if (path === 'warn') return 'stderr';
  return path.startsWith('Rails.logger') ? 'Rails.logger' : 'logger';
}

/** Columns of `db/schema.rb` and migrations: `t.string :ssn` in `create_table "users" do |t|`, `add_column :users, :ssn, :string`. */
function schemaColumn(ctx: RuleContext, call: Node): boolean {
  const method = call.childForFieldName('method')?.text ?? '';
  const recv = call.childForFieldName('receiver');
  const args = ctx.syntax.args(call);
  if (!recv && method === 'add_column' && args.length >= 2) {
    const table = keyName(ctx, args[0]);
    const column = keyName(ctx, args[1]);
    if (table === undefined || column === undefined) return true;
    recordSchemaColumn(ctx, args[1], columnItems(ctx, column, args.slice(2).map((a) => a.text).join(' ')), table, column, 'a column a migration adds to');
    return true;
  }
  if (recv?.type !== 'identifier' || /^(index|references|belongs_to|timestamps|check_constraint|foreign_key)$/.test(method)) return false;
  // The block parameter of `create_table` / `change_table`.
  const block = call.parent?.type === 'body_statement' ? call.parent.parent : call.parent;
  if (block?.type !== 'do_block' && block?.type !== 'block') return false;
  const param = named(block.childForFieldName('parameters'))[0];
  const owner = block.parent;
  if (param?.text !== recv.text || owner?.type !== 'call' || !/^(create_table|change_table)$/.test(owner.childForFieldName('method')?.text ?? '')) return false;
  const table = keyName(ctx, ctx.syntax.args(owner)[0]);
  const columnArg = method === 'column' ? args[0] : args[0];
  const column = keyName(ctx, columnArg);
  if (table === undefined || column === undefined || !columnArg) return true;
  const type = method === 'column' ? args.slice(1).map((a) => a.text).join(' ') : `${method} ${args.slice(1).map((a) => a.text).join(' ')}`;
  recordSchemaColumn(ctx, columnArg, columnItems(ctx, column, type), table, column, 'a column (Rails schema) of');
  return true;
}

/** Calls in Ruby files: request reads, schema columns, log calls, storage writes and HTTP requests. */
export function rubyCall(ctx: RuleContext, call: Node): void {
  collectCall(ctx, call);
  if (schemaColumn(ctx, call)) return;
  if (isLogCall(ctx, call)) {
    const path = ctx.syntax.calleePath(call);
    const target = logTarget(path);
    const items = dedupeItems(ctx.syntax.args(call).flatMap((a) => dataAt(ctx, a)));
    recordItems(ctx, call, items, { activity: 'logged', sink: 'log', target, why: `written to a log by \`${path}\`` });
    return;
  }
  stored(ctx, call);
  const req = httpCall(ctx, call);
  if (req && !req.creates) sendCall(ctx, call);
  else if (!req) clientSend(ctx, call);
}

/** The host of a client object: `Faraday.new(url: "https://…")`, `Excon.new("https://…")`, `Net::HTTP.new("host", 443)`. */
function clientHost(ctx: RuleContext, creation: Node, scope: Node): { target?: string; transport?: 'tls' | 'plain' } | undefined {
  const path = ctx.syntax.calleePath(creation);
  const args = ctx.syntax.args(creation);
  if (/^(Faraday|Excon|HTTPClient)\.new$/.test(path)) {
    const base = ctx.syntax.kwarg(creation, 'url') ?? args[0];
    return hostTarget(base ? ctx.flow.staticPrefix(base) : undefined);
  }
  if (/^Net\.HTTP\.(new|start)$/.test(path)) {
    const host = args[0] ? ctx.syntax.stringValue(args[0]) : undefined;
    if (host === undefined || !/^[\w.-]+$/.test(host)) return {};
    const port = args[1]?.text;
    const tls = port === '443' || /\buse_ssl\s*(=|:)\s*true\b/.test(scope.text) || /use_ssl:\s*true/.test(creation.text);
    return { target: `${tls ? 'https' : 'http'}://${host.toLowerCase()}${port && port !== '443' && port !== '80' && /^\d+$/.test(port) ? `:${port}` : ''}`, transport: tls ? 'tls' : 'plain' };
  }
  return undefined;
}

/** `conn.post("/leads", body)` on `conn = Faraday.new(url: …)`, `http.post(path, data)` on `http = Net::HTTP.new(host, 443)`. */
function clientSend(ctx: RuleContext, call: Node): void {
  const method = call.childForFieldName('method')?.text ?? '';
  const recv = call.childForFieldName('receiver');
  if (!recv || !/^(get|post|put|patch|delete|request|run_request|post_form|send_request)$/.test(method) || (recv.type !== 'identifier' && recv.type !== 'instance_variable')) return;
  const def = ctx.flow.definitionOf(recv.text, recv);
  const creation = def?.value && !def.param ? def.value : undefined;
  if (!creation || creation.type !== 'call') return;
  const host = clientHost(ctx, creation, ctx.flow.scopeOf(call));
  if (!host) return;
  // `http.request(req)` with `req.body = …` / `req.set_form_data(…)` before it: the request object carries the data.
  const args = ctx.syntax.args(call);
  const carried = args.flatMap((a) => {
    if (a.type !== 'identifier') return [a];
    const scope = ctx.flow.scopeOf(call);
    const set: Node[] = [];
    walk(scope, (n) => {
      if (n.startIndex >= call.startIndex) return false;
      const left = n.type === 'assignment' ? n.childForFieldName('left') : undefined;
      if (left?.type === 'call' && left.childForFieldName('receiver')?.text === a.text && /^(body|form_data)$/.test(left.childForFieldName('method')?.text ?? '')) set.push(n.childForFieldName('right') ?? n);
      if (n.type === 'call' && n.childForFieldName('receiver')?.text === a.text && /^(set_form_data|body=)$/.test(n.childForFieldName('method')?.text ?? '')) set.push(...ctx.syntax.args(n));
      return true;
    });
    return [a, ...set];
  });
  const items = dedupeItems(carried.flatMap((a) => dataAt(ctx, a)));
  const path = ctx.syntax.calleePath(call);
  recordItems(ctx, call, items, { activity: 'sent', sink: 'http', why: `sent by \`${path}\` to ${host.target ?? 'a host not known statically'}`, ...host });
}

/** Assignments: `cookies[:email] = v`, `session[:ssn] = v`, `user.ssn = v` followed by `user.save`. */
export function rubyAssign(ctx: RuleContext, assign: Node): void {
  stored(ctx, assign);
}
