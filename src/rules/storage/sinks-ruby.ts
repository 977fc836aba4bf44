/**
 * Ruby persistent sinks: ActiveRecord class writes (`User.create(password: …)`, `insert_all`, `upsert`,
 * `find_or_create_by`, `User.new(…)` saved later), record writes (`user.update(…)`, `update_column(:ssn, v)`,
 * `user.password = v` followed by `user.save`), Sequel datasets (`DB[:users].insert(…)`), raw SQL through a
 * connection (`connection.execute("INSERT … #{pw}")`), files (`File.write`) and caches (`Rails.cache.write`, Redis).
 *
 * The model class, when this file defines it, decides what happens on the way: `has_secure_password`, Devise's
 * `database_authenticatable` or a hashing callback hash passwords (`hashesPasswords`), and `encrypts :ssn` (Rails 7),
 * Lockbox's `has_encrypted` or `attr_encrypted` encrypt a named attribute, which is then not reported as stored.
 * A model defined in another file is a `model` write: its callbacks and setters are unknown.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import { walk } from '../../core/syntax';
import type { NamedValue, Sink } from './sinks';

/** The query the Ruby sink rules include: every method call, and assignments to an attribute. */
export const RUBY_SINK_QUERY = `(call method: (identifier)) @call
(assignment left: (call)) @assign`;

const CLASS_WRITES = /^(create|create!|insert|insert!|insert_all|insert_all!|upsert|upsert_all|find_or_create_by|find_or_create_by!|create_or_find_by|create_or_find_by!|first_or_create|first_or_create!|update|update!|update_all)$/;
const RECORD_WRITES = /^(update|update!|update_attributes|update_attributes!|update_columns|update_column|update_attribute)$/;
/** Constants that are not models. */
const NOT_MODEL = /^(File|IO|Dir|FileUtils|Rails|Redis|JSON|YAML|Marshal|CSV|Digest|Base64|ENV|Time|Date|DateTime|Struct|OpenStruct|Hash|Set|Array|String|Logger|Net|HTTParty|Faraday|RestClient|URI|Zip|Aws|Stripe|SecureRandom|BCrypt|OpenSSL|ActiveSupport|ActiveRecord|Kernel|Thread|Mutex|Concurrent|Sidekiq|Resque|Pathname|Tempfile|StringIO|Struct|Class|Module|Object)$|(Job|Mailer|Service|Worker|Serializer|Form|Client|Api|API|Controller|Helper|Policy|Presenter|Decorator|Builder|Command|Interactor|Operation|Params|Config|Configuration|Settings)$/;
/** Record variables named for what they hold. */
const RECORD_NAME = /^@?(current_)?(user|account|customer|member|profile|patient|employee|admin|person|client|record|model|resource|owner|subscriber|contact|applicant|student|tenant|payment_method|card|bank_account|beneficiary|payee|vendor|merchant|identity|credential|login)s?$/;
const RECORD_FINDER = /^(find|find_by|find_by!|find_or_initialize_by|new|create|create!|first|last|take|sole|find_sole_by|build)$/;
const CACHE_RECEIVER = /(^|\.)(\$?\w*redis\w*|REDIS|\w*cache|CACHE|Rails\.cache|dalli|memcache\w*|kv)$/i;
const LAST_FOUR = /(\[\s*-4\s*(\.\.\s*(-1)?)?\s*(,\s*4\s*)?\]|\.last\(\s*4\s*\))$/;
const SQL_WRITE = /^\s*(insert|update|replace|upsert|merge)\b/i;

interface ModelFacts {
  hashesPasswords: boolean;
  encrypted: Set<string>;
}

function named(node: Node | null | undefined): Node[] {
  return node ? node.namedChildren.filter((c): c is Node => c !== null) : [];
}

function symbolName(ctx: RuleContext, node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'simple_symbol') return node.text.replace(/^:/, '');
  return ctx.syntax.stringValue(node);
}

/** ActiveRecord classes this file defines, by name: what their declarations say about passwords and encryption. */
function modelsInFile(ctx: RuleContext): Map<string, ModelFacts> {
  const cached = ctx.state.get('rubyModels');
  if (cached instanceof Map) return cached as Map<string, ModelFacts>;
  const out = new Map<string, ModelFacts>();
  walk(ctx.root, (n) => {
    if (n.type !== 'class') return true;
    const name = n.childForFieldName('name');
    const superclass = n.childForFieldName('superclass')?.text ?? '';
    if (!name || !/(ApplicationRecord|ActiveRecord::Base|Record)\b/.test(superclass)) return true;
    const body = n.text;
    const encrypted = new Set<string>();
    walk(n, (m) => {
      if (m.type !== 'call' || m.childForFieldName('receiver')) return true;
      const method = m.childForFieldName('method')?.text ?? '';
      if (/^(encrypts|has_encrypted|attr_encrypted|encrypts_attribute|lockbox_attributes)$/.test(method)) {
        for (const a of ctx.syntax.args(m)) {
          const s = symbolName(ctx, a);
          if (s) encrypted.add(s);
        }
      }
      return true;
    });
    const hook = /\b(before_save|before_create|before_validation|before_update)\b|def\s+password=/.test(body) && /BCrypt|Argon2|SCrypt|pbkdf2/i.test(body);
    const hashesPasswords = /\bhas_secure_password\b/.test(body) || /\bdevise\b[^\n]*:database_authenticatable/.test(body) || hook;
    out.set(name.text.split('::').pop() ?? name.text, { hashesPasswords, encrypted });
    return true;
  });
  ctx.state.set('rubyModels', out);
  return out;
}

/** The enclosing class name of a node (`self` in a model method). */
function enclosingClassName(node: Node): string | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'class') return p.childForFieldName('name')?.text.split('::').pop();
  }
  return undefined;
}

/** The leftmost receiver of a call chain: `User.where(…).first` → `User`. */
function chainRoot(node: Node): Node {
  let n = node;
  for (let i = 0; i < 12 && n.type === 'call'; i++) {
    const r = n.childForFieldName('receiver');
    if (!r) break;
    n = r;
  }
  return n;
}

function modelConstant(node: Node): string | undefined {
  if (node.type !== 'constant' && node.type !== 'scope_resolution') return undefined;
  const parts = node.text.split('::');
  const name = parts[parts.length - 1];
  return /^[A-Z]\w*$/.test(name) && !parts.some((p) => NOT_MODEL.test(p)) ? name : undefined;
}

/** The model class of a record variable: `user = User.find(id)`, `@user = User.new(…)`; '' when it is a record of unknown class. */
function recordClass(ctx: RuleContext, recv: Node): string | undefined {
  if (recv.type === 'self') return enclosingClassName(recv);
  const name = recv.type === 'identifier' || recv.type === 'instance_variable' ? recv.text : recv.type === 'call' && !recv.childForFieldName('receiver') ? recv.childForFieldName('method')?.text : undefined;
  if (!name) return undefined;
  const def = recv.type !== 'call' ? ctx.flow.definitionOf(name, recv) : undefined;
  const v = def?.value;
  if (v?.type === 'call') {
    const root = chainRoot(v);
    const method = v.childForFieldName('method')?.text ?? '';
    const cls = modelConstant(root);
    if (cls && RECORD_FINDER.test(method)) return cls;
  }
  return RECORD_NAME.test(name) ? '' : undefined;
}

/** The strong-parameters call a value is: `params.require(:user).permit(…)`, or a private `user_params` method returning one. */
function permitCall(ctx: RuleContext, value: Node): Node | undefined {
  if (value.type === 'call' && value.childForFieldName('method')?.text === 'permit') return value;
  const name = value.type === 'identifier' ? value.text : value.type === 'call' && !value.childForFieldName('receiver') && !value.childForFieldName('arguments') ? value.childForFieldName('method')?.text : undefined;
  if (!name || !/_params$/.test(name)) return undefined;
  let found: Node | undefined;
  walk(ctx.root, (n) => {
    if (found) return false;
    if (n.type !== 'method' || n.childForFieldName('name')?.text !== name) return true;
    const last = ctx.syntax.returns(n).at(-1);
    if (last?.type === 'call' && last.childForFieldName('method')?.text === 'permit') found = last;
    return false;
  });
  return found;
}

/** `permit(:email, :password)`: each permitted attribute is written under its own name. */
function permitted(ctx: RuleContext, value: Node): NamedValue[] {
  const call = permitCall(ctx, value);
  if (!call) return [];
  return ctx.syntax.args(call).filter((a) => a.type === 'simple_symbol' && a.text !== ':password_confirmation').map((a) => ({ name: a.text.slice(1), nameNode: a, value: a }));
}

/** Key/value pairs and other arguments of a write: named values for `password: v`, plain values for the rest. */
function written(ctx: RuleContext, call: Node): Pick<Sink, 'values' | 'named'> {
  const values: Node[] = [];
  const namedValues: NamedValue[] = [];
  const args = named(call.childForFieldName('arguments')).filter((a) => a.type !== 'comment' && a.type !== 'block_argument');
  for (const a of args) {
    const obj = a.type === 'pair' ? undefined : a.type === 'hash' ? a : undefined;
    const pairs = a.type === 'pair' ? [a] : obj ? named(obj).filter((p) => p.type === 'pair') : [];
    if (pairs.length === 0) {
      values.push(a);
      namedValues.push(...permitted(ctx, a));
      continue;
    }
    for (const p of pairs) {
      const key = p.childForFieldName('key');
      const value = p.childForFieldName('value');
      const name = key ? symbolName(ctx, key) ?? (key.type === 'hash_key_symbol' ? key.text : undefined) : undefined;
      // `card_last4: number.to_s[-4..]`: only the last four digits are kept (PCI DSS allows them).
      if (value && LAST_FOUR.test(value.text)) continue;
      // A virtual attribute Rails validates against `password` and never stores.
      if (name === 'password_confirmation') continue;
      if (key && value && name) namedValues.push({ name, nameNode: key, value });
      else if (value) values.push(value);
    }
  }
  return { values, named: namedValues };
}

/** Apply what the model class in this file declares: encrypted attributes are dropped, password hashing is noted. */
function withModel(ctx: RuleContext, sink: Sink, cls: string | undefined): Sink {
  const facts = cls ? modelsInFile(ctx).get(cls) : undefined;
  if (!facts) return { ...sink, model: true };
  return {
    ...sink,
    model: false,
    hashesPasswords: facts.hashesPasswords,
    named: sink.named.filter((n) => !facts.encrypted.has(n.name)),
  };
}

/** `x = User.new(…)` followed by `x.save`, or `User.new(…).save`. */
function savedLater(ctx: RuleContext, call: Node): boolean {
  const parent = call.parent;
  if (parent?.type === 'call' && parent.childForFieldName('receiver')?.id === call.id) return /^save!?$/.test(parent.childForFieldName('method')?.text ?? '');
  if (parent?.type !== 'assignment') return false;
  const left = parent.childForFieldName('left');
  if (!left || (left.type !== 'identifier' && left.type !== 'instance_variable')) return false;
  const scope = ctx.flow.scopeOf(call);
  const after = scope.text.slice(parent.endIndex - scope.startIndex);
  return new RegExp(`(^|[^\\w@])${left.text.replace(/[@$]/g, '\\$&')}\\.save!?\\b`).test(after);
}

export function rubyCallSink(ctx: RuleContext, call: Node): Sink | undefined {
  const method = call.childForFieldName('method')?.text ?? '';
  const recv = call.childForFieldName('receiver');
  if (!recv) return undefined;
  const path = ctx.syntax.calleePath(call);
  const base = { node: call, label: `\`${path}\`` };
  const args = ctx.syntax.args(call);

  // Files: File.write(path, data), IO.write, File.binwrite.
  if (/^(File\.(write|binwrite)|IO\.(write|binwrite))$/.test(path) && args[1]) return { ...base, kind: 'file', values: [args[1]], named: [] };
  // Caches and Redis: Rails.cache.write(key, value), redis.set(key, value), redis.hset(key, field, value), setex(key, ttl, value).
  if (/^(write|set|setex|setnx|hset|hmset|mapped_hmset|lpush|rpush|sadd)$/.test(method) && CACHE_RECEIVER.test(ctx.syntax.calleePath(call).replace(/\.\w+!?$/, '')) && args.length >= 2) {
    const key = method === 'hset' && args.length >= 3 ? args[1] : args[0];
    const value = method === 'setex' || (method === 'hset' && args.length >= 3) ? args[2] : args[1];
    if (!value) return undefined;
    const name = symbolName(ctx, key) ?? ctx.flow.staticString(key);
    return name ? { ...base, kind: 'cache', values: [], named: [{ name, nameNode: key, value }] } : { ...base, kind: 'cache', values: [value], named: [] };
  }
  // Raw SQL through a connection: connection.execute("INSERT … '#{pw}'"), exec_insert / exec_update with binds.
  if (/^(execute|exec_query|exec_insert|exec_update|insert|update|run)$/.test(method) && /(^|\.)(connection|conn|db|DB|database)$/i.test(ctx.syntax.calleePath(call).replace(/\.\w+!?$/, '')) && args[0]) {
    const sql = ctx.syntax.stringPrefix(args[0]) ?? ctx.flow.staticPrefix(args[0]);
    if (sql === undefined || !SQL_WRITE.test(sql)) return undefined;
    const interpolated = args[0].type === 'string' && named(args[0]).some((c) => c.type === 'interpolation');
    return { ...base, kind: 'database', values: [...(interpolated ? [args[0]] : []), ...args.slice(1)], named: [] };
  }
  // Sequel: DB[:users].insert(email: e, password: pw), DB[:users].where(id: 1).update(…).
  if (/^(insert|update|insert_conflict)$/.test(method)) {
    const root = chainRoot(recv);
    const ds = root.parent?.type === 'element_reference' ? root.parent : root.type === 'element_reference' ? root : undefined;
    if (ds && /^(DB|db|\$db|database|DATABASE)$/.test(named(ds)[0]?.text ?? '')) return { ...base, kind: 'database', ...written(ctx, call) };
  }
  // ActiveRecord class writes: User.create(…), User.where(…).update_all(…), User.new(…) saved later.
  const cls = modelConstant(chainRoot(recv));
  if (cls && (CLASS_WRITES.test(method) || (method === 'new' && recv.type !== 'call' && savedLater(ctx, call)))) {
    const w = written(ctx, call);
    // `update_all("password = '#{pw}'")` and friends: a SQL fragment with the value built in.
    return withModel(ctx, { ...base, kind: 'database', ...w }, cls);
  }
  // Record writes: user.update(password: …), @user.update_column(:ssn, v).
  if (RECORD_WRITES.test(method)) {
    const owner = recordClass(ctx, recv);
    if (owner === undefined) return undefined;
    if (/^update_(column|attribute)$/.test(method)) {
      const name = symbolName(ctx, args[0]);
      if (!name || !args[1]) return undefined;
      return withModel(ctx, { ...base, kind: 'database', values: [], named: [{ name, nameNode: args[0], value: args[1] }] }, owner || undefined);
    }
    return withModel(ctx, { ...base, kind: 'database', ...written(ctx, call) }, owner || undefined);
  }
  return undefined;
}

/** Server-side session stores: with one of these named in the file, `session[…]` stays on the server. */
const SERVER_SESSION_STORE = /session_store\s*\(?\s*:(active_record_store|redis_store|redis_session_store|cache_store|mem_cache_store|dalli_store)/;

/**
 * Rails cookies and the session: `cookies[:token] = v`, `cookies.permanent[:ssn] = { value: v, httponly: true }`,
 * `cookies.signed[:id] = v` (signed, not encrypted: readable), and `session[:password] = v` with the default cookie
 * store (encrypted and httpOnly, but kept by the browser). `cookies.encrypted[…]` is not a sink: scripts and the
 * user only see ciphertext.
 */
function rubyClientSink(ctx: RuleContext, assign: Node, left: Node, right: Node): Sink | undefined {
  const [object, key] = named(left);
  if (!object || !key) return undefined;
  const name = symbolName(ctx, key) ?? ctx.flow.staticString(key);
  if (!name) return undefined;
  if (object.type === 'identifier' && object.text === 'session') {
    if (SERVER_SESSION_STORE.test(ctx.file.text)) return undefined;
    return { node: assign, label: `\`session[${key.text}]\``, kind: 'session', httpOnly: true, values: [], named: [{ name, nameNode: key, value: right }] };
  }
  const jar = object.text.replace(/\s+/g, '');
  if (!/^cookies(\.permanent)?(\.signed)?$/.test(jar)) return undefined;
  // `cookies[:k] = { value: v, httponly: true, expires: … }`
  const options = right.type === 'hash' ? right : undefined;
  const value = options ? ctx.syntax.property(options, 'value') : right;
  if (!value) return undefined;
  const httpOnly = options ? ((n) => !!n && n.type !== 'false' && n.type !== 'nil')(ctx.syntax.property(options, 'httponly')) : false;
  return { node: assign, label: `\`${jar}[${key.text}]\``, kind: 'cookie', httpOnly, values: [], named: [{ name, nameNode: key, value }] };
}

/** `user.password = value` followed by `user.save` / `user.save!` in the same method. */
export function rubyAssignSink(ctx: RuleContext, assign: Node): Sink | undefined {
  const left = assign.childForFieldName('left');
  const right = assign.childForFieldName('right');
  if (left?.type === 'element_reference' && right) return rubyClientSink(ctx, assign, left, right);
  if (!left || !right || left.type !== 'call' || left.childForFieldName('arguments')) return undefined;
  const recv = left.childForFieldName('receiver');
  const attr = left.childForFieldName('method');
  if (!recv || !attr || !/^(identifier|instance_variable|self)$/.test(recv.type) || attr.text === 'password_confirmation') return undefined;
  const valueName = right.text.length <= 80 ? (right.text.split(/[.[\]:'"()]+/).filter(Boolean).pop() ?? '') : '';
  if (ctx.classifier.classifyName(attr.text).length === 0 && (!valueName || ctx.classifier.classifyName(valueName).length === 0)) return undefined;
  const scope = ctx.flow.scopeOf(assign);
  let save: Node | undefined;
  walk(scope, (n) => {
    if (save || n.endIndex <= assign.endIndex) return !save && n.endIndex > assign.endIndex;
    if (n.id !== scope.id && ctx.syntax.isFunction(n) && n.type === 'method') return false;
    if (n.startIndex >= assign.endIndex && n.type === 'call' && /^save!?$/.test(n.childForFieldName('method')?.text ?? '') && n.childForFieldName('receiver')?.text === recv.text) {
      save = n;
      return false;
    }
    return true;
  });
  if (!save) return undefined;
  const owner = recordClass(ctx, recv) ?? '';
  return withModel(ctx, { node: assign, label: `\`${ctx.syntax.calleePath(save)}\``, kind: 'database', values: [], named: [{ name: attr.text, nameNode: attr, value: right }] }, owner || undefined);
}
