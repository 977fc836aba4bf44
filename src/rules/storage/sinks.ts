/**
 * Persistent sinks shared by the storage rules: the calls and assignments that write a value somewhere it
 * outlives the request — ORM and driver writes, SQL INSERT/UPDATE parameters, files, caches and Redis, cookies,
 * web storage and IndexedDB, Flask's client-side session — and the values they write.
 *
 * `sinkAt(ctx, node)` recognises a sink at a call or assignment matched by `SINK_QUERIES`; answers are memoised
 * per file (keyed by the file's DataFlow), so every storage rule can ask about the same call for free.
 * `sinkItems` turns a sink into the taint items the rules filter: the values' own flow, plus the types a key, a
 * cookie name, a hash field or a keyword argument gives the value it names.
 */
import type { Node } from 'web-tree-sitter';
import type { DataFlow, TaintItem } from '../../core/flow';
import type { RuleContext, RuleMatch } from '../../core/rule';
import { walk } from '../../core/syntax';
import { importsAny, memo as memoFor } from '../common';
import { goAssignSink, goCallSink } from './sinks-go';
import { phpCallSink } from './sinks-php';
import { rubyAssignSink, rubyCallSink } from './sinks-ruby';

export type SinkKind = 'database' | 'file' | 'cache' | 'cookie' | 'web-storage' | 'session';

export interface NamedValue {
  /** The key, cookie name, field or keyword that says what the value is (`'token'`, `password=`). */
  name: string;
  nameNode: Node;
  value: Node;
}

export interface Sink {
  kind: SinkKind;
  /** The write as messages show it: "`User.create`". */
  label: string;
  /** Where findings are shown. */
  node: Node;
  /** Expressions whose values are stored. */
  values: Node[];
  /** Values stored under a name that classifies them. */
  named: NamedValue[];
  /** An ORM write through a model class or entity: hooks or property setters may hash or encrypt on the way. */
  model?: boolean;
  /** A cookie set with httpOnly (page scripts cannot read it). */
  httpOnly?: boolean;
  /** Storage in the browser or on the device: web storage, IndexedDB, `document.cookie`, js-cookie. */
  client?: boolean;
  /** The model class, defined in this file, hashes passwords itself (Rails `has_secure_password`, Devise). */
  hashesPasswords?: boolean;
}

/**
 * Tree-sitter patterns every sink-using rule includes: `@call` for calls, `@assign` for assignments. A JavaScript
 * call's arguments are an `arguments` list or a tagged template, a Python call's an `argument_list` or a generator
 * (`f.writelines(p for p in rows)`): the calls are matched by two patterns, one for each, so that the first is the
 * very pattern the log and transmission rules have and the engine runs it once for all of them (one match per call
 * instead of two).
 */
export const SINK_QUERIES = {
  js: `(call_expression function: [(member_expression) (identifier)] arguments: (arguments)) @call
(call_expression function: [(member_expression) (identifier)] arguments: (template_string)) @call
(assignment_expression left: [(member_expression) (subscript_expression)] @left) @assign`,
  python: `(call function: [(attribute) (identifier)] arguments: (argument_list)) @call
(call function: [(attribute) (identifier)] arguments: (generator_expression)) @call
(assignment left: [(attribute) (subscript)] @left right: (_) @right) @assign`,
  java: `(method_invocation name: (identifier)) @call
(object_creation_expression) @call
(assignment_expression left: (field_access)) @assign`,
  go: `(call_expression function: [(selector_expression) (identifier)]) @call
(assignment_statement left: (expression_list (selector_expression))) @assign`,
  php: `[(function_call_expression) (member_call_expression) (scoped_call_expression)] @call`,
  csharp: `(invocation_expression function: (member_access_expression)) @call
(object_creation_expression) @call
(assignment_expression left: (member_access_expression)) @assign`,
};

export const KIND_LABEL: Record<SinkKind, string> = {
  database: 'a database',
  file: 'a file',
  cache: 'a cache',
  cookie: 'a cookie',
  'web-storage': 'browser storage',
  session: "Flask's client-side session cookie",
};

const memo = new WeakMap<DataFlow, Map<number, Sink | null>>();

/** sinkAt for the `@call` or `@assign` node of a match of SINK_QUERIES, with the captures that save questions to the tree. */
export function matchedSink(ctx: RuleContext, node: Node, match: Pick<RuleMatch, 'get'>): Sink | undefined {
  return sinkAt(ctx, node, match.get('callee'), match.get('args'), match.get('left'), match.get('right'));
}

/**
 * The sink at a matched call or assignment node, if it is one. `callee`, `args`: the call's callee and arguments when
 * the match captured them (`@callee` and `@args` of the JavaScript and Python call patterns); `left`, `right`: the
 * sides of an assignment (`@left` of the JavaScript and Python patterns, `@right` of Python's); they save looking
 * them up, and let quietAttribute pass over most attribute assignments from the text.
 */
export function sinkAt(ctx: RuleContext, node: Node, callee?: Node, args?: Node, left?: Node, right?: Node): Sink | undefined {
  let cache = memo.get(ctx.flow);
  if (!cache) {
    cache = new Map();
    memo.set(ctx.flow, cache);
  }
  const known = cache.get(node.id);
  if (known !== undefined) return known ?? undefined;
  let sink: Sink | undefined;
  try {
    if (capturedCallee(ctx, node, callee) || ctx.syntax.isCall(node)) {
      if (ctx.file.syntax === 'go') sink = goCallSink(ctx, node);
      else if (ctx.file.syntax === 'php') sink = phpCallSink(ctx, node);
      else if (ctx.file.syntax === 'ruby') sink = rubyCallSink(ctx, node);
      else if (ctx.file.syntax === 'java') sink = javaCallSink(ctx, node);
      else if (ctx.file.syntax === 'csharp') sink = csharpCallSink(ctx, node);
      else if (SINK_NAMES.has(calleeName(ctx, node, callee, args))) sink = ctx.file.syntax === 'js' ? jsCallSink(ctx, node) : pyCallSink(ctx, node);
    }
    else if (ctx.file.syntax === 'go' && node.type === 'assignment_statement') sink = goAssignSink(ctx, node, sinkAt);
    else if (ctx.file.syntax === 'ruby') sink = node.type === 'assignment' ? rubyAssignSink(ctx, node) : undefined;
    // A captured left side starts where the assignment does (the pattern captures nothing else there).
    else if (ctx.file.syntax === 'python' && left && right && left.id !== node.id && left.startIndex === node.startIndex) sink = quietAttribute(ctx, left, right) ? undefined : assignmentSink(ctx, node, left, right);
    else if (ctx.file.syntax === 'js' && left && left.id !== node.id && left.startIndex === node.startIndex) {
      const value = node.childForFieldName('right');
      sink = value && quietAttribute(ctx, left, value) ? undefined : assignmentSink(ctx, node, left, value ?? undefined);
    }
    else if (node.type === 'assignment_expression' || node.type === 'assignment') sink = assignmentSink(ctx, node);
  } finally {
    cache.set(node.id, sink ?? null);
  }
  return sink;
}

/** Last names of every call `jsCallSink` / `pyCallSink` may recognise: a cheap test before the real work. */
const SINK_NAMES: ReadonlySet<string> = new Set([
  // files
  'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'outputFile', 'outputFileSync', 'writeJson', 'writeJsonSync',
  'writeJSON', 'writeJSONSync', 'outputJson', 'outputJsonSync', 'outputJSON', 'write', 'end', 'writelines', 'write_text',
  'write_bytes', 'dump', 'safe_dump', 'dump_all', 'writerow', 'writerows',
  // browser and device storage
  'setItem', 'put', 'add', 'set', 'update',
  // cookies
  'cookie', 'setCookie', 'serialize', 'set_cookie', 'set_signed_cookie',
  // caches and Redis
  'setnx', 'getset', 'setEx', 'setex', 'psetex', 'pSetEx', 'hset', 'hSet', 'hsetnx', 'hSetNX', 'hmset', 'hMSet', 'lpush', 'rpush',
  'lPush', 'rPush', 'sadd', 'sAdd', 'mset', 'mSet', 'set_many', 'setMany', 'append',
  // SQL and ORMs
  'query', 'execute', 'run', 'raw', 'none', 'one', 'oneOrNone', 'many', 'manyOrNone', 'any', 'result', 'multi', 'exec', 'unsafe',
  'sql', 'executemany', 'exec_driver_sql', 'values', 'add_all', 'merge', 'bulk_save_objects', 'create', 'get_or_create',
  'update_or_create', 'bulk_create', 'bulk_update', 'insert_one', 'insert_many', 'replace_one', 'update_one', 'update_many',
  'find_one_and_update', 'find_one_and_replace', 'save', 'insertOne', 'insertMany', 'bulkCreate', 'createMany', 'upsert',
  'findOrCreate', 'replaceOne', 'updateOne', 'updateMany', 'findOneAndUpdate', 'findByIdAndUpdate', 'findOneAndReplace',
  'bulkWrite', 'insert', 'persist', 'write',
]);

/** `usersService`, `this.userService`, or a local bound to `new UsersService(…)`. */
function isServiceLayer(ctx: RuleContext, recv: Node): boolean {
  if (/(^|[._])[a-zA-Z]*[sS]ervice$/.test(recv.text)) return true;
  // The constructor's name is written in the file: without `Service` there, skip the definition lookup.
  if (!fileMentions(ctx, 'Service')) return false;
  const bound = boundValue(ctx, recv);
  return !!bound && /(^|\.)[A-Z]\w*Service$/.test(ctx.syntax.calleePath(bound).replace(/^new /, ''));
}

/**
 * The callee captured with a JavaScript or Python call (`@callee` of the call patterns the log and transmission rules
 * share with SINK_QUERIES): it starts where the call does, as the call's `function` does (the patterns capture
 * nothing else there). Where there is one, the matched node is a call: no need to ask the tree for its type.
 */
export function capturedCallee(ctx: RuleContext, call: Node, callee: Node | undefined): Node | undefined {
  return callee && (ctx.file.syntax === 'python' || ctx.file.syntax === 'js') && callee.id !== call.id && callee.startIndex === call.startIndex ? callee : undefined;
}

/**
 * The text of a captured callee (capturedCallee), read from the file's text up to the captured arguments (`@args`)
 * without asking the tree where the callee ends. Only spaces, comments, a line continuation, type arguments (`f<T>(…)`)
 * or an optional call (`f?.(…)`) can stand between the two: the text up to the arguments, without trailing spaces, is
 * the callee's when it holds no `#`, `/` or `\\` and ends with a letter, digit, `_` or `$` (type arguments end with `>`,
 * an optional call with `.`). Anything else is read from the tree.
 */
export function capturedCalleeText(ctx: RuleContext, callee: Node, args: Node | undefined): string {
  if (args && args.startIndex > callee.startIndex) {
    const before = ctx.file.text.slice(callee.startIndex, args.startIndex);
    if (!/[#/\\]/.test(before)) {
      const text = before.trimEnd();
      if (/[\w$]$/.test(text)) return text;
    }
  }
  return callee.text;
}

/** A name at the end of a callee's text, after a `.` or a space (`obj.attr`, `obj .\n attr`), or the whole text. */
const TRAILING_NAME = /(?:^|[.\s])([A-Za-z_$][\w$]*)$/;

/** The last name of a call's callee, read straight from the tree (`db.users.insert` → `insert`). */
function calleeName(ctx: RuleContext, call: Node, callee?: Node, args?: Node): string {
  const captured = capturedCallee(ctx, call, callee);
  // A captured callee is an identifier or a member access / attribute, which ends with its property: the name at
  // the end of its text is the property's (no question to the tree). Anything else there (`#x`, a letter outside
  // ASCII) is read from the tree.
  const m = captured ? TRAILING_NAME.exec(capturedCalleeText(ctx, captured, args)) : null;
  if (m) return m[1];
  const fn = captured ?? call.childForFieldName('function') ?? call.childForFieldName('constructor');
  if (!fn) return '';
  if (fn.type === 'identifier') return fn.text;
  const prop = fn.childForFieldName('property') ?? fn.childForFieldName('attribute');
  return prop?.text ?? '';
}

// ── taint of what a sink stores ──────────────────────────────────────────────────────────────────────────

/** Types a name gives its value, combined with the value's own flow (sanitized when the value is protected). */
export function namedItems(ctx: RuleContext, name: string, nameNode: Node, value: Node): TaintItem[] {
  const fromValue = ctx.flow.taint(value);
  if (isInertLiteral(ctx, value)) return [];
  const byName = ctx.classifier.classifyName(name).map((classification) => ({ classification, origin: nameNode }));
  if (byName.length === 0) return fromValue;
  const protectedBy = protection(fromValue);
  return [...fromValue, ...byName.map((i) => (protectedBy ? { ...i, sanitizedBy: protectedBy } : i))];
}

/** The sanitizer that protects every item of a value, or a password-hash mark when the value is itself a hash. */
export function protection(items: TaintItem[]): TaintItem['sanitizedBy'] | undefined {
  if (items.length === 0) return undefined;
  if (!items.every((i) => i.sanitizedBy || i.classification.type === 'password_hash')) return undefined;
  const s = items.find((i) => i.sanitizedBy)?.sanitizedBy;
  if (s) return s;
  const hash = items[0];
  return { kind: 'password-hash', name: hash.origin.text, node: hash.origin };
}

/** Every taint item a sink stores, sanitized or not. */
export function sinkItems(ctx: RuleContext, sink: Sink): TaintItem[] {
  return [
    ...sink.values.flatMap((v) => (isInertLiteral(ctx, v) ? [] : ctx.flow.taint(v))),
    ...sink.named.flatMap((n) => namedItems(ctx, n.name, n.nameNode, n.value)),
  ].filter((i) => !keyOfInertValue(ctx, i.origin));
}

/** The key of `{ password: null }` / `password=None`: the name classifies, but nothing is stored. */
function keyOfInertValue(ctx: RuleContext, origin: Node): boolean {
  const p = origin.parent;
  if (!p || (p.type !== 'pair' && p.type !== 'keyword_argument')) return false;
  const key = p.childForFieldName(p.type === 'pair' ? 'key' : 'name');
  const value = p.childForFieldName('value');
  return key?.id === origin.id && !!value && isInertLiteral(ctx, value);
}

/** `null`, `None`, `undefined`, booleans, numbers and empty strings: clearing a field stores nothing sensitive. */
export function isInertLiteral(ctx: RuleContext, node: Node): boolean {
  const t = node.type;
  if (t === 'null' || t === 'nil' || t === 'undefined' || t === 'none' || t === 'true' || t === 'false' || t === 'number' || t === 'integer' || t === 'float') return true;
  if (t === 'null_literal' || t === 'decimal_integer_literal' || t === 'decimal_floating_point_literal' || t === 'boolean_literal' || t === 'integer_literal' || t === 'real_literal') return true;
  if (t === 'identifier' && (node.text === 'undefined' || node.text === 'None')) return true;
  const s = ctx.syntax.stringValue(node);
  return s !== undefined && s.trim() === '';
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────

function lastSegment(path: string): string {
  const clean = path.replace(/\(\)/g, '');
  const i = clean.lastIndexOf('.');
  return i < 0 ? clean : clean.slice(i + 1);
}

function stripAwait(node: Node): Node {
  let n = node;
  while ((n.type === 'await_expression' || n.type === 'await' || n.type === 'parenthesized_expression') && n.namedChildren[0]) n = n.namedChildren[0];
  return n;
}

const mentionsMemo = new WeakMap<DataFlow, Map<string, boolean>>();

/**
 * Whether the file's text holds `word` (memoised per file). A callee path is made of text written in the file (an
 * import's module and names included), so a path that must end in `word` cannot be there without it: a cheap test
 * before a definition lookup, which computes the bindings of every scope around a node.
 */
function fileMentions(ctx: RuleContext, word: string, ignoreCase = false): boolean {
  let known = mentionsMemo.get(ctx.flow);
  if (!known) mentionsMemo.set(ctx.flow, (known = new Map()));
  const key = ignoreCase ? `i:${word}` : word;
  let has = known.get(key);
  if (has === undefined) known.set(key, (has = ignoreCase ? new RegExp(word, 'i').test(ctx.file.text) : ctx.file.text.includes(word)));
  return has;
}

/** The value a receiver identifier was bound to (`const s = fs.createWriteStream(...)`, `with open(...) as f`). */
function boundValue(ctx: RuleContext, receiver: Node | undefined): Node | undefined {
  if (!receiver) return undefined;
  const r = stripAwait(receiver);
  if (ctx.syntax.isCall(r)) return r;
  if (r.type !== 'identifier') return undefined;
  const def = ctx.flow.definitionOf(r.text, r);
  return def?.value && !def.key ? stripAwait(def.value) : undefined;
}

function staticText(ctx: RuleContext, node: Node | undefined): string | undefined {
  return node ? ctx.flow.staticPrefix(node) : undefined;
}

const SQL_WRITE = /^\s*(?:\/\*[\s\S]*?\*\/\s*|--[^\n]*\n\s*)*(insert|update|replace|upsert|merge)\b/i;
const SQL_WITH_WRITE = /^\s*with\b[\s\S]*\b(insert\s+into|update\s+\w)/i;

function isSqlWrite(text: string | undefined): boolean {
  return !!text && (SQL_WRITE.test(text) || SQL_WITH_WRITE.test(text));
}

function hasInterpolation(node: Node): boolean {
  return node.namedChildren.some((c) => c && (c.type === 'template_substitution' || c.type === 'interpolation')) ||
    node.type === 'binary_expression' || node.type === 'binary_operator' ||
    (node.type === 'call' && /\.format$/.test(node.childForFieldName('function')?.text ?? ''));
}

/** A boolean option: true or false when written as a literal, true when set from elsewhere (config decides). */
function boolProperty(ctx: RuleContext, options: Node | undefined, keys: string[]): boolean | undefined {
  if (!options) return undefined;
  const obj = ctx.flow.objectLiteralOf(options);
  if (!obj) return true;
  for (const key of keys) {
    const v = ctx.syntax.property(obj, key);
    if (v) return !/^(false|False|None|null|undefined|0)$/.test(v.text);
  }
  // `{ ...cookieOptions }` may carry the flag: an options spread gets the benefit of the doubt.
  if (ctx.syntax.entries(obj).some((e) => e.key === undefined)) return true;
  return undefined;
}

function namedOrValue(ctx: RuleContext, key: Node | undefined, value: Node | undefined): Pick<Sink, 'values' | 'named'> {
  if (!value) return { values: [], named: [] };
  const name = key ? staticText(ctx, key) : undefined;
  if (key && name) return { values: [], named: [{ name, nameNode: key, value }] };
  return { values: [value], named: [] };
}

/** Field/value pairs of a variadic write (`hset(key, 'f1', v1, 'f2', v2)`, `mset('k1', v1, ...)`). */
function pairs(ctx: RuleContext, args: Node[]): Pick<Sink, 'values' | 'named'> {
  const out: Pick<Sink, 'values' | 'named'> = { values: [], named: [] };
  if (args.length === 1) {
    out.values.push(args[0]);
    return out;
  }
  for (let i = 0; i + 1 < args.length; i += 2) {
    const part = namedOrValue(ctx, args[i], args[i + 1]);
    out.values.push(...part.values);
    out.named.push(...part.named);
  }
  return out;
}

// ── JavaScript / TypeScript ──────────────────────────────────────────────────────────────────────────────

const JS_FILE_WRITE = /^(node:)?(fs|fs\/promises|fs-extra|graceful-fs|fse|fsp|fsPromises|fsExtra|jsonfile|promises)(\.promises|\.default)?\.(writeFile|writeFileSync|appendFile|appendFileSync|outputFile|outputFileSync|writeJson|writeJsonSync|writeJSON|writeJSONSync|outputJson|outputJsonSync|outputJSON)$|^Bun\.write$/;
const JS_FILE_WRITE_BARE = /^(writeFile|writeFileSync|appendFile|appendFileSync|outputFile|outputFileSync|writeJson|writeJsonSync|outputJson|outputJsonSync)$/;
const JS_WEB_STORAGE = /^((window|globalThis|self)\.)?(localStorage|sessionStorage)\.setItem$|^(localforage|localForage|AsyncStorage)\.setItem$|^@react-native-async-storage\/async-storage(\.default)?\.setItem$|^localforage(\.default)?\.setItem$|^idb-keyval\.(set|update)$/;
/** Redis and cache write commands, and where their values are. */
const KV_WRITES: Record<string, 'set' | 'setex' | 'pairs' | 'list' | 'hash'> = {
  set: 'set', setnx: 'set', getset: 'set', setEx: 'setex', setex: 'setex', psetex: 'setex', pSetEx: 'setex', hset: 'hash',
  hSet: 'hash', hsetnx: 'hash', hSetNX: 'hash', hmset: 'hash', hMSet: 'hash', lpush: 'list', rpush: 'list', lPush: 'list',
  rPush: 'list', sadd: 'list', sAdd: 'list', mset: 'pairs', mSet: 'pairs', add: 'set', set_many: 'pairs', setMany: 'pairs',
  append: 'set',
};
/** Factories of cache and Redis clients (the last name of the receiver's definition), and those names alone. */
const JS_KV_FACTORY_WORDS = ['createClient', 'Redis', 'createCluster', 'Keyv', 'createCache', 'caching', 'Memcached'];
const JS_KV_FACTORY = new RegExp(`(^|\\.)(${JS_KV_FACTORY_WORDS.join('|')})$`);
/** Receivers that are caches or Redis clients (by their last name). */
const KV_RECEIVER = /^(\w*(redis|Redis|cache|Cache|memcached?|Memcached?|keyv|Keyv|valkey|kvStore|KvStore)\w*|kv|rds|r|caches\[\]|mc)$/;
const GLOBAL_CLASSES = new Set([
  'Object', 'Array', 'Promise', 'Reflect', 'Symbol', 'Date', 'Math', 'JSON', 'React', 'Vue', 'Buffer', 'URL', 'Intl',
  'Error', 'String', 'Number', 'Proxy', 'WeakMap', 'Map', 'Set', 'Logger', 'Stripe', 'Stream', 'Element', 'Document',
  'Node', 'Event', 'Blob', 'File', 'Response', 'Request', 'Headers', 'FormData', 'Vuex', 'Redux', 'Ember', 'Backbone',
  'Handlebars', 'Mustache', 'Immutable', 'Crypto', 'CryptoJS', 'ReactDOM', 'Cookies', 'Intl', 'Atomics', 'Function',
]);
const MODELISH_LAST = /^(\w*(Repository|Repo|Model|Collection|Table|Dao|DAO)|repository|repo|model|collection|coll|table|dao|manager|entityManager|em|knex|db|database|prisma|orm|trx|tx|transaction|queryRunner)$/;
const PRISMA_DELEGATE = /^(this\.)?(prisma|db|tx|trx|client|database|ctx\.prisma|ctx\.db)\.[a-z]\w*$/;
const QUERY_BUILDER_CALL = /(^|\.)(knex|db|trx|tx|getRepository|getCustomRepository|getMongoRepository|collection|table|into|from|model|withSchema|queryBuilder|createQueryBuilder)$/;
/** Receivers whose `update` is a hash or cipher update, not a database write. */
const CRYPTO_RECEIVER = /hash|hmac|cipher|md5|sha\d*|digest|crypto|sign|verify|checksum|crc/i;
const INSTANCE_NAMES = /^(user|account|customer|member|profile|record|entity|instance|doc|document|row|patient|employee|person|payment|card|applicant|client|order)$/i;

function jsReceiverKind(ctx: RuleContext, receiver: Node | undefined): 'model' | 'store' | undefined {
  if (!receiver) return undefined;
  const r = stripAwait(receiver);
  const path = ctx.syntax.isCall(r) ? `${ctx.syntax.calleePath(r)}()` : (pathOf(ctx, r) ?? '');
  if (!path) return undefined;
  const last = lastSegment(path);
  if (ctx.syntax.isCall(r)) {
    const cp = ctx.syntax.calleePath(r);
    // knex('users').where(...).update(...), db.collection('users'), getRepository(User).
    return QUERY_BUILDER_CALL.test(cp) || /^(this\.)?(knex|db|trx|tx|database|qb)\(\)/.test(cp) ? 'store' : undefined;
  }
  if (/^[A-Z][A-Za-z0-9]*$/.test(last) && !GLOBAL_CLASSES.has(last) && !/^[A-Z0-9_]+$/.test(last)) return 'model';
  if (MODELISH_LAST.test(last)) return /Model$|^model$/.test(last) ? 'model' : 'store';
  if (PRISMA_DELEGATE.test(path)) return 'store';
  return undefined;
}

function pathOf(ctx: RuleContext, node: Node): string | undefined {
  const e = ctx.syntax.expr(node);
  if (e.kind === 'identifier') return e.name;
  if (node.type === 'this') return 'this';
  if (e.kind === 'member') {
    const base = pathOf(ctx, e.object);
    return base ? `${base}.${e.key}` : e.key;
  }
  if (e.kind === 'union' && e.parts.length === 1) return pathOf(ctx, e.parts[0]);
  return undefined;
}

/** Prisma-style `{ where, data }` arguments: only `data`, `create` and `update` are written. */
function prismaData(ctx: RuleContext, arg: Node | undefined): Node[] | undefined {
  if (!arg) return undefined;
  const obj = ctx.flow.objectLiteralOf(arg);
  if (!obj) return undefined;
  const parts = ['data', 'create', 'update', 'defaults'].map((k) => ctx.syntax.property(obj, k)).filter((n): n is Node => !!n);
  if (parts.length > 0) return parts;
  if (ctx.syntax.property(obj, 'where')) return [];
  return undefined;
}

function jsCallSink(ctx: RuleContext, call: Node): Sink | undefined {
  const written = ctx.syntax.calleePath(call);
  const resolved = ctx.flow.resolvedPath(call);
  const e = ctx.syntax.expr(call);
  if (e.kind !== 'call') return undefined;
  const { name, receiver } = e;
  const args = ctx.syntax.args(call);
  const label = `\`${written}\``;
  const base = { node: call, label };

  // Files.
  if (JS_FILE_WRITE.test(resolved) || JS_FILE_WRITE.test(written) || (JS_FILE_WRITE_BARE.test(written) && /^(node:)?(fs|fs\/promises|fs-extra)/.test(resolved))) {
    return args[1] ? { ...base, kind: 'file', values: [args[1]], named: [] } : undefined;
  }
  if ((name === 'write' || name === 'end') && args[0]) {
    const bound = fileMentions(ctx, 'createWriteStream') ? boundValue(ctx, receiver) : undefined;
    if (bound && ctx.syntax.isCall(bound) && /(^|\.)createWriteStream$/.test(ctx.flow.resolvedPath(bound))) {
      return { ...base, kind: 'file', values: [args[0]], named: [] };
    }
    return undefined;
  }
  // Browser and device storage.
  if (JS_WEB_STORAGE.test(written) || JS_WEB_STORAGE.test(resolved)) {
    return { ...base, kind: 'web-storage', client: true, ...namedOrValue(ctx, args[0], args[1]) };
  }
  if ((name === 'put' || name === 'add') && args[0] && (fileMentions(ctx, 'objectStore') || fileMentions(ctx, 'openDB'))) {
    const bound = boundValue(ctx, receiver);
    if (bound && ctx.syntax.isCall(bound) && /(^|\.)objectStore$/.test(ctx.syntax.calleePath(bound))) {
      return { ...base, kind: 'web-storage', client: true, values: [args[0]], named: [] };
    }
    // idb: `db.put('store', value)` on a database from `openDB()`.
    const db = receiver && stripAwait(receiver).type === 'identifier' ? boundValue(ctx, receiver) : undefined;
    if (db && ctx.syntax.isCall(db) && /(^|\.)openDB$/.test(ctx.flow.resolvedPath(db)) && args[1]) {
      return { ...base, kind: 'web-storage', client: true, values: [args[1]], named: [] };
    }
  }
  // Cookies.
  if (name === 'cookie' && args.length >= 2 && receiver && /^(res|response|reply|resp|ctx\.res|this\.res|c)$/.test(pathOf(ctx, receiver) ?? '')) {
    return { ...base, kind: 'cookie', httpOnly: boolProperty(ctx, args[2], ['httpOnly', 'httponly']) === true, ...namedOrValue(ctx, args[0], args[1]) };
  }
  if (/(^|\.)cookies(\(\))?\.set$/.test(written) && !/^Cookies\.set$/.test(written) && args.length >= 2) {
    // Koa's ctx.cookies.set is httpOnly unless told otherwise; Next.js cookies().set only when asked.
    const koa = /^(ctx|this|context)\.cookies\.set$/.test(written);
    const flag = boolProperty(ctx, args[2], ['httpOnly']);
    return { ...base, kind: 'cookie', httpOnly: flag ?? koa, ...namedOrValue(ctx, args[0], args[1]) };
  }
  if (name === 'setCookie' && args.length >= 2 && receiver && /^(reply|res|response)$/.test(pathOf(ctx, receiver) ?? '')) {
    return { ...base, kind: 'cookie', httpOnly: boolProperty(ctx, args[2], ['httpOnly']) === true, ...namedOrValue(ctx, args[0], args[1]) };
  }
  if (/^(js-cookie|universal-cookie|react-cookie|typescript-cookie)(\.default)?\.set$|^Cookies\.set$|^(js-cookie|typescript-cookie)\.setCookie$/.test(resolved) || /^Cookies\.set$/.test(written)) {
    return args.length >= 2 ? { ...base, kind: 'cookie', client: true, httpOnly: false, ...namedOrValue(ctx, args[0], args[1]) } : undefined;
  }
  if (/^(nookies|cookies-next)\.setCookie$/.test(resolved) && args.length >= 3) {
    return { ...base, kind: 'cookie', httpOnly: boolProperty(ctx, args[3], ['httpOnly']) === true, ...namedOrValue(ctx, args[1], args[2]) };
  }
  if (/^cookie\.serialize$/.test(resolved) && args.length >= 2) {
    return { ...base, kind: 'cookie', httpOnly: boolProperty(ctx, args[2], ['httpOnly']) === true, ...namedOrValue(ctx, args[0], args[1]) };
  }
  // Caches and Redis.
  const kv = KV_WRITES[name];
  if (kv && receiver) {
    const rpath = pathOf(ctx, stripAwait(receiver)) ?? '';
    const last = lastSegment(rpath);
    // Only a receiver named like a cache, or a file that names a client factory, needs the receiver's definition.
    const bound = KV_RECEIVER.test(last) || JS_KV_FACTORY_WORDS.some((w) => fileMentions(ctx, w)) ? boundValue(ctx, receiver) : undefined;
    const factory = bound && ctx.syntax.isCall(bound) ? ctx.flow.resolvedPath(bound).replace(/^new /, '') : '';
    // In-process caches (Map, lru-cache, node-cache) are gone with the process: not storage at rest.
    const inMemory = /(^|\.)(Map|WeakMap|LRU|LRUCache|QuickLRU|NodeCache|lru-cache|lru_cache|TTLCache|LruCache|Cache)$|^(lru-cache|quick-lru|node-cache|@isaacs\/ttlcache)(\.default)?$/.test(factory) || bound?.type === 'object' || bound?.type === 'dictionary';
    const isKv = !inMemory && (KV_RECEIVER.test(last) || JS_KV_FACTORY.test(factory));
    if (isKv && !(name === 'add' && args.length < 2)) {
      const kind: SinkKind = 'cache';
      if (kv === 'set') return { ...base, kind, ...namedOrValue(ctx, args[0], args[1]) };
      if (kv === 'setex') return { ...base, kind, ...namedOrValue(ctx, args[0], args[2]) };
      if (kv === 'hash') return { ...base, kind, ...pairs(ctx, args.slice(1)) };
      if (kv === 'pairs') return { ...base, kind, ...pairs(ctx, args) };
      return { ...base, kind, values: [], named: args.slice(1).map((v) => ({ name: staticText(ctx, args[0]) ?? '', nameNode: args[0], value: v })) };
    }
  }
  // SQL: INSERT / UPDATE with parameters or interpolated values.
  if (args[0] && /^(query|execute|run|raw|none|one|oneOrNone|many|manyOrNone|any|result|multi|exec|unsafe)$/.test(name)) {
    const sqlNode = args[0];
    const text = sqlNode.type === 'template_string' ? ctx.syntax.stringPrefix(sqlNode) : staticText(ctx, sqlNode);
    if (isSqlWrite(text)) {
      const values = [...args.slice(1), ...(hasInterpolation(sqlNode) ? [sqlNode] : [])];
      return { ...base, kind: 'database', values, named: [] };
    }
    return undefined;
  }
  // Tagged SQL templates: sql`INSERT ... ${value}` (postgres.js, slonik, @vercel/postgres).
  const argList = call.childForFieldName('arguments');
  if (argList?.type === 'template_string' && /(^|\.)(sql|query|execute)$/i.test(written)) {
    return isSqlWrite(ctx.syntax.stringPrefix(argList)) ? { ...base, kind: 'database', values: [argList], named: [] } : undefined;
  }
  // The application's own service layer (`usersService.updateOne(id, { password })`) hashes and validates inside.
  if (receiver && isServiceLayer(ctx, stripAwait(receiver))) return undefined;
  // Document and ORM writes with unambiguous names.
  switch (name) {
    case 'insertOne':
    case 'insertMany':
    case 'bulkCreate':
      return args[0] ? { ...base, kind: 'database', values: [args[0]], named: [], model: name === 'bulkCreate' } : undefined;
    case 'createMany':
    case 'upsert':
    case 'findOrCreate': {
      const data = prismaData(ctx, args[0]);
      return args[0] ? { ...base, kind: 'database', values: data ?? [args[0]], named: [], model: !data } : undefined;
    }
    case 'replaceOne':
    case 'updateOne':
    case 'updateMany':
    case 'findOneAndUpdate':
    case 'findByIdAndUpdate':
    case 'findOneAndReplace':
      return args[1] ? { ...base, kind: 'database', values: [args[1]], named: [] } : undefined;
    case 'bulkWrite':
      return args[0] ? { ...base, kind: 'database', values: [args[0]], named: [] } : undefined;
    default:
      break;
  }
  if (!receiver) return undefined;
  const recv = stripAwait(receiver);
  if (name === 'save' || name === 'create' || name === 'insert' || name === 'update' || name === 'persist') {
    if (CRYPTO_RECEIVER.test(recv.text.slice(0, 200)) && name === 'update') return undefined;
    const who = jsReceiverKind(ctx, recv);
    // `new User({...}).save()`, `user.save()` on a document built in this function.
    if (name === 'save' && args.length === 0) {
      const built = recv.type === 'new_expression' ? recv : boundValue(ctx, recv);
      if (built && (built.type === 'new_expression' || /(^|\.)(build|create)$/.test(ctx.syntax.calleePath(built)))) {
        const e2 = ctx.syntax.expr(built);
        const ctor = e2.kind === 'call' ? e2.path.replace(/^new /, '') : '';
        if (/^[A-Z]/.test(lastSegment(ctor)) || jsReceiverKind(ctx, built.childForFieldName('function')?.childForFieldName('object') ?? built) === 'model') {
          return { ...base, kind: 'database', values: ctx.syntax.args(built), named: [], model: true };
        }
      }
      return undefined;
    }
    if (!who) {
      // `user.update({...})` on a Sequelize instance.
      if (name === 'update' && recv.type === 'identifier' && INSTANCE_NAMES.test(recv.text) && args[0] && ctx.flow.objectLiteralOf(args[0])) {
        return { ...base, kind: 'database', values: [args[0]], named: [], model: true };
      }
      return undefined;
    }
    if (args.length === 0) return undefined;
    const data = PRISMA_DELEGATE.test(pathOf(ctx, recv) ?? '') ? prismaData(ctx, args[0]) : undefined;
    if (data) return { ...base, kind: 'database', values: data, named: [] };
    if (name === 'update') {
      // TypeORM `repo.update(criteria, partial)`; Sequelize `Model.update(values, { where })`; knex `.update(values)`.
      const values = who === 'model' || args.length === 1 || ctx.syntax.isCall(recv) ? [args[0]] : [args[args.length - 1]];
      return { ...base, kind: 'database', values, named: [], model: who === 'model' };
    }
    if (name === 'save') return { ...base, kind: 'database', values: args, named: [], model: true };
    return { ...base, kind: 'database', values: [args[0]], named: [], model: who === 'model' || name === 'create' };
  }
  return undefined;
}

// ── Python ───────────────────────────────────────────────────────────────────────────────────────────────

const PY_OPEN = /^(open|io\.open|codecs\.open|gzip\.open|bz2\.open|lzma\.open|aiofiles\.open|tempfile\.NamedTemporaryFile|tempfile\.TemporaryFile)$|\.open$/;
const PY_SERIALISE = /^(json|simplejson|ujson|orjson|pickle|cPickle|dill|marshal|yaml|toml|tomli_w|tomlkit)\.(dump|safe_dump|dump_all)$/;
const PY_REDIS_CTOR = /(^|\.)(Redis|StrictRedis|from_url|get_redis_connection|RedisCluster|Client)$/;
const PY_KV_RECEIVER = /^(\w*(redis|Redis|cache|Cache|memcache|Memcache)\w*|r|rds|kv|mc|caches\[\]|caches\.\w+)$/;
const DJANGO_WRITES = /\.objects\.(create|update|get_or_create|update_or_create|bulk_create|bulk_update)$|\.objects\.\w+\([^)]*\)\.update$/;
/** Names pyCallSink takes as a plain call (no receiver), besides an imported `json.dump` and its kind. */
const PY_BARE_WRITES: ReadonlySet<string> = new Set([
  'write_text', 'write_bytes', 'set_cookie', 'set_signed_cookie', 'execute', 'executemany', 'exec_driver_sql', 'insert_one', 'insert_many',
  'replace_one', 'update_one', 'update_many', 'find_one_and_update', 'find_one_and_replace',
]);
/** The path of a SQLAlchemy Core write's `.values(…)`: `insert(users).values`, `users.update().values`. */
const PY_CORE_WRITE = /(^|\.)(insert|update)\(\)/;
const PY_SESSION_ADD = /(^|\.)(session|Session|db\.session|dbsession|db_session|s)\.(add|add_all|merge|bulk_save_objects)$/;

function pyWriteMode(ctx: RuleContext, open: Node): boolean {
  const mode = ctx.syntax.kwarg(open, 'mode') ?? ctx.syntax.args(open)[1];
  const m = mode ? ctx.syntax.stringValue(mode) : undefined;
  if (/NamedTemporaryFile|TemporaryFile/.test(ctx.syntax.calleePath(open))) return true;
  if (m === undefined) return !!mode && !/^(Path|pathlib)/.test(ctx.syntax.calleePath(open)); // unknown mode: assume it may write
  return /[wax+]/.test(m);
}

function pyFileHandle(ctx: RuleContext, receiver: Node | undefined): boolean {
  const bound = boundValue(ctx, receiver);
  if (!bound || !ctx.syntax.isCall(bound)) return false;
  const path = ctx.flow.resolvedPath(bound);
  return PY_OPEN.test(path) && pyWriteMode(ctx, bound);
}

/** Keyword arguments of a call as named values (`User(password=pw)`, `objects.create(ssn=ssn)`). */
function kwargs(ctx: RuleContext, call: Node, skip: RegExp = /^$/): { values: Node[]; named: NamedValue[] } {
  const named: NamedValue[] = [];
  const values: Node[] = [];
  for (const en of ctx.syntax.entries(call)) {
    if (en.key && en.keyNode) {
      if (skip.test(en.key)) continue;
      named.push({ name: en.key, nameNode: en.keyNode, value: en.value });
    } else values.push(en.value);
  }
  return { values, named };
}

function pyCallSink(ctx: RuleContext, call: Node): Sink | undefined {
  const written = ctx.syntax.calleePath(call);
  // A method's path ends with `.` and its name (`self.extra.update`), and resolving the path through the imports keeps
  // that end (no `json.dump` then): `update` and `values` are sinks only where the Django and SQLAlchemy tests below
  // pass, which need nothing but the path, and no other test takes those names.
  const dot = written.lastIndexOf('.');
  if (dot >= 0) {
    const method = written.slice(dot + 1);
    if (method === 'update' && !DJANGO_WRITES.test(written)) return undefined;
    if (method === 'values' && !PY_CORE_WRITE.test(written)) return undefined;
  } else if (!PY_BARE_WRITES.has(written) && !PY_SERIALISE.test(ctx.flow.resolvedPath(call))) {
    // A plain name (`any(…)`, `set(…)`) has no receiver: only the tests below that need none can take it.
    return undefined;
  }
  const resolved = ctx.flow.resolvedPath(call);
  const e = ctx.syntax.expr(call);
  if (e.kind !== 'call') return undefined;
  const { name, receiver } = e;
  const args = ctx.syntax.args(call);
  const base = { node: call, label: `\`${written}\`` };

  // Files.
  if ((name === 'write' || name === 'writelines') && args[0] && receiver) {
    return pyFileHandle(ctx, receiver) ? { ...base, kind: 'file', values: [args[0]], named: [] } : undefined;
  }
  if ((name === 'write_text' || name === 'write_bytes') && args[0]) return { ...base, kind: 'file', values: [args[0]], named: [] };
  if (PY_SERIALISE.test(resolved) && args.length >= 2) return { ...base, kind: 'file', values: [args[0]], named: [] };
  if ((name === 'writerow' || name === 'writerows') && args[0] && receiver) {
    const bound = boundValue(ctx, receiver);
    if (bound && /(^|\.)(writer|DictWriter)$/.test(ctx.flow.resolvedPath(bound))) return { ...base, kind: 'file', values: [args[0]], named: [] };
    return undefined;
  }
  // Cookies set by the server.
  if (name === 'set_cookie' || name === 'set_signed_cookie') {
    const key = ctx.syntax.kwarg(call, 'key') ?? args[0];
    const value = ctx.syntax.kwarg(call, 'value') ?? args[1];
    const flag = ctx.syntax.kwarg(call, 'httponly');
    // `**cookie_kwargs` may carry httponly: without an explicit flag, give the call the benefit of the doubt.
    const splat = call.childForFieldName('arguments')?.namedChildren.some((a) => a?.type === 'dictionary_splat') ?? false;
    const httpOnly = flag ? !/^(False|None|0)$/.test(flag.text) : splat;
    return value ? { ...base, kind: 'cookie', httpOnly, ...namedOrValue(ctx, key, value) } : undefined;
  }
  // Caches and Redis.
  const kv = KV_WRITES[name];
  if (kv && receiver) {
    const rpath = pathOf(ctx, receiver) ?? '';
    const isKv = PY_KV_RECEIVER.test(lastSegment(rpath)) || /^caches\[\]/.test(rpath) || resolvedIsDjangoCache(ctx, rpath) || pyRedisClient(ctx, receiver, rpath);
    if (isKv && !(name === 'add' && args.length < 2)) {
      const mapping = ctx.syntax.kwarg(call, 'mapping');
      if (kv === 'set') return { ...base, kind: 'cache', ...namedOrValue(ctx, ctx.syntax.kwarg(call, 'name') ?? ctx.syntax.kwarg(call, 'key') ?? args[0], ctx.syntax.kwarg(call, 'value') ?? args[1]) };
      if (kv === 'setex') return { ...base, kind: 'cache', ...namedOrValue(ctx, args[0], ctx.syntax.kwarg(call, 'value') ?? args[2]) };
      if (kv === 'hash') {
        const p = pairs(ctx, args.slice(1));
        return { ...base, kind: 'cache', values: [...p.values, ...(mapping ? [mapping] : [])], named: p.named };
      }
      if (kv === 'pairs') return { ...base, kind: 'cache', ...pairs(ctx, [...args, ...(mapping ? [mapping] : [])]) };
      return { ...base, kind: 'cache', values: [], named: args.slice(1).map((v) => ({ name: staticText(ctx, args[0]) ?? '', nameNode: args[0], value: v })) };
    }
  }
  // SQL through DB-API and SQLAlchemy.
  if (/^(execute|executemany|exec_driver_sql)$/.test(name) && args[0]) {
    let sql = args[0];
    const inner = ctx.syntax.isCall(sql) && /(^|\.)text$/.test(ctx.syntax.calleePath(sql)) ? ctx.syntax.args(sql)[0] : undefined;
    if (inner) sql = inner;
    if (ctx.syntax.isCall(sql) && /(^|\.)(insert|update)$/.test(ctx.syntax.calleePath(sql))) {
      return { ...base, kind: 'database', ...mergeParts({ values: args.slice(1), named: [] }, kwargs(ctx, call)) };
    }
    if (isSqlWrite(staticText(ctx, sql))) {
      const values = [...args.slice(1), ...(hasInterpolation(sql) ? [sql] : [])];
      return { ...base, kind: 'database', values, named: kwargs(ctx, call).named };
    }
    return undefined;
  }
  // SQLAlchemy Core: insert(users).values(password=...), users.update().values({...}).
  if (name === 'values' && receiver && PY_CORE_WRITE.test(written)) {
    return { ...base, kind: 'database', ...kwargs(ctx, call) };
  }
  // SQLAlchemy sessions.
  if (PY_SESSION_ADD.test(written) && args[0]) return { ...base, kind: 'database', values: args, named: [], model: true };
  // Django ORM.
  if (DJANGO_WRITES.test(written)) {
    const kw = kwargs(ctx, call, /^(defaults|create_defaults|batch_size|ignore_conflicts|fields|using)$/);
    const defaults = ctx.syntax.kwarg(call, 'defaults');
    return { ...base, kind: 'database', values: [...args, ...kw.values, ...(defaults ? [defaults] : [])], named: kw.named };
  }
  // PyMongo.
  switch (name) {
    case 'insert_one':
    case 'insert_many':
      return args[0] ? { ...base, kind: 'database', values: [args[0]], named: [] } : undefined;
    case 'replace_one':
    case 'update_one':
    case 'update_many':
    case 'find_one_and_update':
    case 'find_one_and_replace':
      return args[1] ? { ...base, kind: 'database', values: [args[1]], named: [] } : undefined;
    default:
      break;
  }
  // Model.create(field=...) (peewee, Tortoise), Model(...).save() and obj.save() on a model built here.
  if (name === 'create' && receiver && /^[A-Z][A-Za-z0-9]*$/.test(receiver.text) && usesPythonOrm(ctx)) {
    return { ...base, kind: 'database', ...kwargs(ctx, call), model: true };
  }
  if (name === 'save' && receiver && args.length === 0) {
    const built = boundValue(ctx, receiver);
    if (built && ctx.syntax.isCall(built) && /^[A-Z][A-Za-z0-9]*$/.test(lastSegment(ctx.syntax.calleePath(built)))) {
      return { ...base, kind: 'database', ...kwargs(ctx, built), model: !isDjango(ctx) };
    }
  }
  return undefined;
}

/** A receiver bound to a Redis client's constructor (`r = redis.Redis(...)`): `redis` is then written in the file. */
function pyRedisClient(ctx: RuleContext, receiver: Node, rpath: string): boolean {
  if (!fileMentions(ctx, 'redis', true)) return false;
  const bound = boundValue(ctx, receiver);
  return !!bound && ctx.syntax.isCall(bound) && PY_REDIS_CTOR.test(ctx.flow.resolvedPath(bound)) && /redis/i.test(ctx.flow.resolvedPath(bound) + rpath);
}

/** `rpath`: the receiver's path (pathOf), or '' when it has none. */
function resolvedIsDjangoCache(ctx: RuleContext, rpath: string): boolean {
  return !!rpath && /^django\.core\.cache\.cache(s)?/.test(ctx.flow.resolvePath(rpath));
}

function mergeParts(a: { values: Node[]; named: NamedValue[] }, b: { values: Node[]; named: NamedValue[] }): { values: Node[]; named: NamedValue[] } {
  return { values: [...a.values, ...b.values], named: [...a.named, ...b.named] };
}

/** True when the file imports an ORM whose models have `Model.create(field=...)` (peewee, Tortoise, MongoEngine, Django). */
const PYTHON_ORM = /^(peewee|tortoise|mongoengine|pony|ormar|piccolo|django|sqlmodel|beanie|odmantic)/;
const DJANGO_MODULE = /^django/;
const PYTHON_MODEL_CLASS = /\(\s*(\w+\.)?(Model|Document|SQLModel)\s*\)\s*:/;

function usesPythonOrm(ctx: RuleContext): boolean {
  return importsAny(ctx, PYTHON_ORM) || memoFor(ctx, 'pythonModelClass', 0, () => PYTHON_MODEL_CLASS.test(ctx.file.text));
}

/** True when the file uses Django (its ORM does not hash passwords assigned to fields). */
export function isDjango(ctx: RuleContext): boolean {
  return importsAny(ctx, DJANGO_MODULE);
}

// ── Java ─────────────────────────────────────────────────────────────────────────────────────────────────

/** Spring Data repositories, DAOs, JPA EntityManager and Hibernate sessions. */
const JAVA_REPOSITORY = /(Repository|Repo|Dao|DAO|repository|repo|dao|entityManager|em|session|Session|mongoTemplate|MongoTemplate)$/;
const JAVA_REPOSITORY_WRITE = /^(save|saveAll|saveAndFlush|saveAllAndFlush|persist|merge|saveOrUpdate|update|insert)$/;
const JDBC_SET = /^(setString|setNString|setObject|setBytes|setClob|setNClob)$/;
const JAVA_FILE_WRITE = /^(java\.nio\.file\.)?Files\.(write|writeString|newBufferedWriter)$/;
const JAVA_WRITER = /^new (java\.io\.)?(FileWriter|PrintWriter|FileOutputStream|BufferedWriter|OutputStreamWriter)$|(^|\.)Files\.(newBufferedWriter|newOutputStream)$/;
const JAVA_KV_RECEIVER = /redis|jedis|lettuce|cache|opsFor(Value|Hash)\(\)|memcache|hazelcast|ignite/i;
const JAVA_CONTAINERS = /^(List|ArrayList|Map|HashMap|Set|HashSet|Arrays|Collections|Optional|Stream|StringBuilder|String|Objects|LinkedList|TreeMap|LinkedHashMap)$/;

/** `getSsn` / `setCardNumber` → `ssn` / `cardNumber`. */
function javaPropertyName(method: string): string {
  const rest = method.replace(/^(set|get|is)/, '');
  return /^[A-Z]{2}/.test(rest) ? rest : rest.charAt(0).toLowerCase() + rest.slice(1);
}

/** Column names of an INSERT or UPDATE by the position of their `?` placeholders (1-based, JDBC order). */
function sqlParameterColumns(sql: string): Map<number, string> {
  const out = new Map<number, string>();
  const insert = /insert\s+into\s+[\w."`\[\]]+\s*\(([^)]*)\)\s*values\s*\(([^)]*)\)/i.exec(sql);
  if (insert) {
    const cols = insert[1].split(',').map((c) => c.trim().replace(/["`[\]]/g, ''));
    const vals = insert[2].split(',').map((v) => v.trim());
    let n = 0;
    vals.forEach((v, i) => {
      if (v === '?') out.set(++n, cols[i] ?? '');
    });
    return out;
  }
  const update = /update\s+[\w."`\[\]]+\s+set\s+([\s\S]*?)(\swhere\s|$)/i.exec(sql);
  if (update) {
    let n = 0;
    for (const part of update[1].split(',')) {
      const m = /^\s*([\w."`\[\]]+)\s*=\s*\?\s*$/.exec(part);
      if (m) out.set(++n, m[1].replace(/["`[\]]/g, ''));
      else n += (part.match(/\?/g) ?? []).length;
    }
  }
  return out;
}

/** The SQL text a JDBC statement variable was prepared with (`conn.prepareStatement(SQL)`), when known. */
function preparedSql(ctx: RuleContext, receiver: Node | undefined): string | undefined {
  const prepared = boundValue(ctx, receiver);
  if (!prepared || !ctx.syntax.isCall(prepared)) return undefined;
  const e = ctx.syntax.expr(prepared);
  if (e.kind !== 'call' || !/^(prepareStatement|prepareCall)$/.test(e.name) || !e.args[0]) return undefined;
  return ctx.flow.staticString(e.args[0]) ?? ctx.flow.staticPrefix(e.args[0]);
}

function javaCallSink(ctx: RuleContext, call: Node): Sink | undefined {
  const e = ctx.syntax.expr(call);
  if (e.kind !== 'call') return undefined;
  const args = ctx.syntax.args(call);
  const path = ctx.flow.resolvedPath(call);
  const written = ctx.syntax.calleePath(call);
  const label = `\`${written}\``;
  const base = { node: call, label };
  if (call.type === 'object_creation_expression') {
    // `new Cookie("ssn", value)` stores the value in the browser.
    if (/^new (javax\.servlet\.http\.|jakarta\.servlet\.http\.)?Cookie$/.test(path) && args.length === 2) {
      const scope = ctx.flow.scopeOf(call);
      return { ...base, kind: 'cookie', httpOnly: /\.setHttpOnly\(\s*true\s*\)/.test(scope.text), ...namedOrValue(ctx, args[0], args[1]) };
    }
    return undefined;
  }
  const receiver = e.receiver;
  const recvText = receiver ? (ctx.syntax.isCall(receiver) ? `${ctx.syntax.calleePath(receiver)}()` : receiver.text) : '';
  const recvLast = lastSegment(recvText);
  // JDBC: `ps.setString(2, password)` on an INSERT or UPDATE statement.
  if (JDBC_SET.test(e.name) && args.length === 2) {
    const sql = preparedSql(ctx, receiver);
    if (sql !== undefined && !isSqlWrite(sql)) return undefined;
    if (sql === undefined && !/(stmt|statement|ps|pstmt|insert|update)/i.test(recvLast)) return undefined;
    const index = Number(args[0].text);
    const column = sql !== undefined && Number.isInteger(index) ? sqlParameterColumns(sql).get(index) : undefined;
    const sqlBase = { ...base, kind: 'database' as const, label: `\`${written}\` (JDBC)` };
    return column ? { ...sqlBase, values: [], named: [{ name: column, nameNode: args[0], value: args[1] }] } : { ...sqlBase, values: [args[1]], named: [] };
  }
  // Spring JdbcTemplate: `jdbcTemplate.update("INSERT ... VALUES (?, ?)", email, password)`.
  if (e.name === 'update' && /jdbc|template/i.test(recvLast) && args.length >= 2) {
    const sql = ctx.flow.staticString(args[0]) ?? ctx.flow.staticPrefix(args[0]);
    if (!isSqlWrite(sql)) return undefined;
    const columns = sqlParameterColumns(sql ?? '');
    const named: NamedValue[] = [];
    const values: Node[] = [];
    args.slice(1).forEach((a, i) => {
      const col = columns.get(i + 1);
      if (col) named.push({ name: col, nameNode: args[0], value: a });
      else values.push(a);
    });
    return { ...base, kind: 'database', label: `\`${written}\` (JDBC)`, values, named };
  }
  // Spring Data / JPA / Hibernate: `userRepository.save(user)`, `entityManager.persist(user)`.
  if (JAVA_REPOSITORY_WRITE.test(e.name) && JAVA_REPOSITORY.test(recvLast) && args.length >= 1 && args.length <= 2) {
    return { ...base, kind: 'database', model: true, values: [args[args.length === 2 ? 1 : 0]], named: [] };
  }
  // A setter on an entity that is saved later in the same method: `user.setSsn(ssn); repo.save(user)`.
  const setter = /^set[A-Z]\w*$/.exec(e.name);
  if (setter && args.length === 1 && receiver?.type === 'identifier' && !JAVA_CONTAINERS.test(recvLast)) {
    const field = javaPropertyName(e.name);
    const valueName = args[0].text.length <= 80 ? (args[0].text.split(/[.()]+/).filter(Boolean).pop() ?? '') : '';
    if (ctx.classifier.classifyName(field).length === 0 && ctx.classifier.classifyName(javaPropertyName(valueName)).length === 0) return undefined;
    const write = laterWriteOf(ctx, receiver.text, call, true);
    if (!write) return undefined;
    const nameNode = call.childForFieldName('name') ?? call;
    return { node: call, label: write.label, kind: write.kind, model: write.model, values: [], named: [{ name: field, nameNode, value: args[0] }] };
  }
  // Files: `Files.writeString(path, text)`, `writer.write(text)` on a FileWriter.
  if (JAVA_FILE_WRITE.test(path) && args[1] && !/newBufferedWriter$/.test(path)) return { ...base, kind: 'file', values: [args[1]], named: [] };
  if (/^(write|append|print|println|printf)$/.test(e.name) && args[0]) {
    const bound = boundValue(ctx, receiver);
    if (bound && JAVA_WRITER.test(ctx.flow.resolvedPath(bound))) return { ...base, kind: 'file', values: args, named: [] };
    return undefined;
  }
  // Caches and Redis: `redisTemplate.opsForValue().set(key, value)`, `jedis.set(key, value)`, `cache.put(key, value)`.
  if (/^(set|put|setex|hset|putIfAbsent|lpush|rpush|sadd)$/.test(e.name) && args.length >= 2 && JAVA_KV_RECEIVER.test(recvText)) {
    if (e.name === 'setex') return { ...base, kind: 'cache', ...namedOrValue(ctx, args[0], args[2]) };
    if (e.name === 'hset' && args.length === 3) return { ...base, kind: 'cache', ...namedOrValue(ctx, args[1], args[2]) };
    return { ...base, kind: 'cache', ...namedOrValue(ctx, args[0], args[1]) };
  }
  return undefined;
}

// ── C# ───────────────────────────────────────────────────────────────────────────────────────────────────

/** EF Core contexts and DbSets, Dapper connections. */
const CS_DB_RECEIVER = /(^|\.)_?(db|context|dbContext|ctx|_db|_context|_dbContext|repository|repo|_repository|_repo)\b|Context\b|Repository$/i;
const CS_EF_WRITE = /^(Add|AddAsync|AddRange|AddRangeAsync|Update|UpdateRange|Attach)$/;
const CS_FILE_WRITE = /(^|\.)File\.(WriteAllText|WriteAllTextAsync|AppendAllText|AppendAllTextAsync|WriteAllLines|WriteAllLinesAsync|AppendAllLines|WriteAllBytes|WriteAllBytesAsync)$/;
const CS_CACHE_RECEIVER = /cache|redis|database|_db|distributed/i;

/** The SQL a command variable was created with (`new SqlCommand(sql, conn)`, `cmd.CommandText = sql`), when known. */
function commandSql(ctx: RuleContext, command: Node | undefined): string | undefined {
  if (!command || command.type !== 'identifier') return undefined;
  const def = ctx.flow.definitionOf(command.text, command);
  const v = def?.value;
  if (v && ctx.syntax.isCall(v) && /Command$/.test(ctx.syntax.calleePath(v))) {
    const sql = ctx.syntax.args(v)[0] ?? ctx.syntax.property(v, 'CommandText');
    if (sql) return ctx.flow.staticString(sql) ?? ctx.flow.staticPrefix(sql);
  }
  const assigned = ctx.flow.definitionOf(`${command.text}.CommandText`, command);
  return assigned?.value ? (ctx.flow.staticString(assigned.value) ?? ctx.flow.staticPrefix(assigned.value)) : undefined;
}

function csharpCallSink(ctx: RuleContext, call: Node): Sink | undefined {
  const e = ctx.syntax.expr(call);
  if (e.kind !== 'call' || call.type === 'object_creation_expression') return undefined;
  const args = ctx.syntax.args(call);
  const path = ctx.syntax.calleePath(call);
  const base = { node: call, label: `\`${path}\`` };
  const receiver = e.receiver;
  const recv = receiver?.text.replace(/\s+/g, '') ?? '';
  // ADO.NET: cmd.Parameters.AddWithValue("@Password", password) on an INSERT / UPDATE command.
  if (/^(AddWithValue|Add)$/.test(e.name) && /\.Parameters$/.test(recv) && args.length === 2 && ctx.syntax.stringValue(args[0]) !== undefined) {
    const command = receiver && ctx.syntax.expr(receiver).kind === 'member' ? (ctx.syntax.expr(receiver) as { object: Node }).object : undefined;
    const sql = commandSql(ctx, command);
    if (sql !== undefined && !isSqlWrite(sql)) return undefined;
    if (sql === undefined && !/insert|update|cmd|command/i.test(recv)) return undefined;
    const name = (ctx.syntax.stringValue(args[0]) ?? '').replace(/^[@:?]/, '');
    return { ...base, kind: 'database', label: `\`${path}\` (ADO.NET)`, values: [], named: [{ name, nameNode: args[0], value: args[1] }] };
  }
  // Dapper: conn.Execute("INSERT … VALUES (@Email, @Password)", new { Email = email, Password = password })
  if (/^(Execute|ExecuteAsync|ExecuteScalar|ExecuteScalarAsync)$/.test(e.name) && args.length >= 2) {
    const sql = ctx.flow.staticString(args[0]) ?? ctx.flow.staticPrefix(args[0]);
    if (!isSqlWrite(sql)) return undefined;
    return { ...base, kind: 'database', label: `\`${path}\` (Dapper)`, values: [args[1]], named: [] };
  }
  // EF Core: _db.Users.Add(user), _context.Add(entity), _db.Customers.Update(c)
  if (CS_EF_WRITE.test(e.name) && args.length === 1 && CS_DB_RECEIVER.test(recv) && !/Parameters$|Headers$|Cookies$|Claims$|Items$|List$/.test(recv)) {
    return { ...base, kind: 'database', model: true, values: [args[0]], named: [] };
  }
  // Response.Cookies.Append(name, value, options)
  if (e.name === 'Append' && /(^|\.)Cookies$/.test(recv) && args.length >= 2) {
    const options = args[2];
    const obj = options ? ctx.flow.objectLiteralOf(options) ?? (options.type === 'object_creation_expression' ? options : undefined) : undefined;
    const httpOnly = obj ? /^true$/.test(ctx.syntax.property(obj, 'HttpOnly')?.text ?? '') : false;
    return { ...base, kind: 'cookie', httpOnly, ...namedOrValue(ctx, args[0], args[1]) };
  }
  // Files
  if (CS_FILE_WRITE.test(path) && args[1]) return { ...base, kind: 'file', values: [args[1]], named: [] };
  // Caches: _cache.SetString(key, value), IMemoryCache.Set(key, value), StackExchange.Redis StringSet(key, value)
  if (/^(SetString|SetStringAsync|Set|SetAsync|StringSet|StringSetAsync|HashSet|HashSetAsync)$/.test(e.name) && args.length >= 2 && CS_CACHE_RECEIVER.test(recv)) {
    if (/^HashSet/.test(e.name) && args.length >= 3) return { ...base, kind: 'cache', ...namedOrValue(ctx, args[1], args[2]) };
    return { ...base, kind: 'cache', ...namedOrValue(ctx, args[0], args[1]) };
  }
  return undefined;
}

// ── assignments ──────────────────────────────────────────────────────────────────────────────────────────

const JS_STORAGE_OBJECT = /^((window|globalThis|self)\.)?(localStorage|sessionStorage)$/;

/**
 * A Python attribute or JavaScript member assignment (`self.x = y`, `this.x = y`) that assignmentSink passes over
 * because neither the attribute nor the value is named like sensitive data, read from the text: between the start
 * of the left side and the value stand the left side, spaces and `=`, unless a type (`:`), a comment or a line
 * continuation is there too (then false, and the tree is asked). The left side is an attribute / member access when
 * its text ends with a name after a `.` or a space (a subscript ends with `]`), and that name is its property.
 * JavaScript's `document.cookie` and `localStorage.x` are sinks whatever their names: a left side that holds
 * `cookie`, `Storage`, a quote or an escape (which could spell them) is asked about too.
 */
function quietAttribute(ctx: RuleContext, left: Node, right: Node): boolean {
  const js = ctx.file.syntax === 'js';
  const before = ctx.file.text.slice(left.startIndex, right.startIndex);
  if (js ? /[#/\\'"`]|cookie|Storage/.test(before) : /[#\\:]/.test(before)) return false;
  const key = (js ? /[.\s]([A-Za-z_$][\w$]*)\s*=\s*$/ : /[.\s]([A-Za-z_]\w*)\s*=\s*$/).exec(before)?.[1];
  if (!key || ctx.classifier.classifyName(key).length > 0) return false;
  const valueName = valueNameOf(right);
  return !valueName || ctx.classifier.classifyName(valueName).length === 0;
}

/** The last name in a short assigned value (`request.POST['password']` → `password`), or '' (see assignmentSink). */
function valueNameOf(right: Node): string {
  const text = right.text;
  return text.length <= 80 ? (text.split(/[.[\]'"]+/).filter(Boolean).pop() ?? '') : '';
}

/** `left`, `right`: the sides when the match captured them. */
function assignmentSink(ctx: RuleContext, assign: Node, capturedLeft?: Node, capturedRight?: Node): Sink | undefined {
  const left = capturedLeft ?? assign.childForFieldName('left');
  const right = capturedRight ?? assign.childForFieldName('right');
  if (!left || !right) return undefined;
  const e = ctx.syntax.expr(left);
  const js = ctx.file.syntax === 'js';
  const base = { node: assign };
  // Only `=`: `+=` and friends are not new writes of a whole value.
  // JavaScript's and Python's augmented assignments are other node types.
  const op = ctx.file.syntax === 'js' || ctx.file.syntax === 'python' ? '=' : assign.children.find((c) => c && !c.isNamed && /=$/.test(c.type))?.type;
  if (op && op !== '=') return undefined;

  if (js) {
    const path = pathOf(ctx, left);
    if (path === 'document.cookie' || path === 'window.document.cookie') {
      return { ...base, label: '`document.cookie`', kind: 'cookie', client: true, httpOnly: false, values: [right], named: cookieNamed(ctx, right) };
    }
    if (e.kind === 'member' && JS_STORAGE_OBJECT.test(pathOf(ctx, e.object) ?? '')) {
      return { ...base, label: `\`${pathOf(ctx, e.object)}\``, kind: 'web-storage', client: true, values: [], named: [{ name: e.key, nameNode: e.keyNode, value: right }] };
    }
    if (left.type === 'subscript_expression' && JS_STORAGE_OBJECT.test(left.childForFieldName('object')?.text ?? '')) {
      return { ...base, label: `\`${left.childForFieldName('object')?.text}\``, kind: 'web-storage', client: true, values: [right], named: [] };
    }
  } else if (left.type === 'subscript' && e.kind === 'member') {
    const obj = e.object;
    // Flask's `session` is a signed, not encrypted, cookie kept by the browser.
    if (obj.type === 'identifier' && obj.text === 'session' && ctx.flow.imports.get('session') === 'flask.session') {
      return { ...base, label: '`session`', kind: 'session', httpOnly: true, values: [], named: [{ name: e.key, nameNode: e.keyNode, value: right }] };
    }
  }
  // `user.password = value` followed by a write of `user` in the same function.
  if (e.kind !== 'member') return undefined;
  // Only worth the search when the field or the value is named like sensitive data.
  const valueName = valueNameOf(right);
  if (ctx.classifier.classifyName(e.key).length === 0 && (!valueName || ctx.classifier.classifyName(valueName).length === 0)) return undefined;
  const target = stripAwait(e.object);
  if (target.type !== 'identifier' && !(target.type === 'this' || target.text === 'self')) return undefined;
  const write = laterWriteOf(ctx, target.text, assign, left.type === 'attribute' || left.type === 'member_expression' || left.type === 'member_access_expression');
  if (!write) return undefined;
  return { ...base, label: write.label, kind: write.kind, model: write.model, values: [], named: [{ name: e.key, nameNode: e.keyNode, value: right }] };
}

/** `document.cookie = 'token=' + value`: the cookie name is the static text before `=`. */
function cookieNamed(ctx: RuleContext, right: Node): NamedValue[] {
  const prefix = ctx.syntax.stringPrefix(right) ?? ctx.flow.staticPrefix(right);
  const m = prefix ? /^\s*([\w.-]+)=/.exec(prefix) : null;
  return m ? [{ name: m[1], nameNode: right, value: right }] : [];
}

/**
 * A later write of an object whose field was just assigned: `obj.save()`, `repo.save(obj)`, `session.add(obj)`,
 * `coll.insert_one(obj)`, or (Python, attributes only) `session.commit()`.
 */
/**
 * Node types a later-write search must see (calls, and functions to skip), per syntax family and learnt from the
 * first node of each type: the walk reads the other types from the cursor and makes no Node for them (the search
 * runs over the rest of a scope for every sensitive attribute assignment).
 */
const WRITE_WALK_TYPES = new Map<string, Map<string, boolean>>();

function laterWriteOf(ctx: RuleContext, name: string, after: Node, attribute: boolean): Pick<Sink, 'kind' | 'label' | 'model'> | undefined {
  const scope = ctx.flow.scopeOf(after);
  let found: Pick<Sink, 'kind' | 'label' | 'model'> | undefined;
  const body = ctx.syntax.isFunction(scope) ? (scope.childForFieldName('body') ?? scope) : scope;
  // Every write found below is a call after the assignment whose receiver or an argument is the object (its text is
  // `name`), or an EF Core `SaveChanges` / SQLAlchemy `commit`: without that text after the assignment, no walk.
  const rest = ctx.file.text.slice(after.endIndex, body.endIndex);
  if (!rest.includes(name) && !(attribute && (rest.includes('SaveChanges') || rest.includes('commit')))) return undefined;
  let seen = WRITE_WALK_TYPES.get(ctx.file.syntax);
  if (!seen) WRITE_WALK_TYPES.set(ctx.file.syntax, (seen = new Map()));
  const types = seen;
  // A node of another type is only descended into: any call inside it is judged on its own (skipped when it ends
  // before the assignment), so the calls judged, and their order, are the same as when every node is entered.
  const visit = (n: Node): boolean => {
    if (!types.has(n.type)) types.set(n.type, ctx.syntax.isFunction(n) || ctx.syntax.isCall(n));
    if (found || n.endIndex <= after.startIndex) return false;
    if (n.id !== body.id && ctx.syntax.isFunction(n)) return false;
    // Nodes around the assignment: look inside them; the write itself must come after it.
    if (n.startIndex < after.endIndex || !ctx.syntax.isCall(n)) return true;
    const e = ctx.syntax.expr(n);
    if (e.kind !== 'call') return true;
    const recv = e.receiver ? stripAwait(e.receiver) : undefined;
    if (recv?.text === name && /^(save|persist|put)$/.test(e.name) && ctx.syntax.args(n).length <= 1 && attribute) {
      found = { kind: 'database', label: `\`${ctx.syntax.calleePath(n)}\``, model: !(ctx.file.syntax === 'python' && isDjango(ctx)) };
      return false;
    }
    // EF Core: a tracked entity's property set before `SaveChanges()` on a context.
    if (attribute && ctx.file.syntax === 'csharp' && /^SaveChanges(Async)?$/.test(e.name) && CS_DB_RECEIVER.test(e.receiver?.text ?? '')) {
      found = { kind: 'database', label: `\`${ctx.syntax.calleePath(n)}\``, model: true };
      return false;
    }
    if (attribute && ctx.file.syntax === 'python' && e.name === 'commit' && /(^|\.)session$/.test(ctx.syntax.calleePath(n).replace(/\.commit$/, ''))) {
      found = { kind: 'database', label: `\`${ctx.syntax.calleePath(n)}\``, model: true };
      return false;
    }
    const args = ctx.syntax.args(n);
    if (args.some((a) => stripAwait(a).text === name)) {
      const sink = sinkAt(ctx, n);
      if (sink && sink.values.some((v) => stripAwait(v).text === name)) {
        found = { kind: sink.kind, label: sink.label, model: sink.model };
        return false;
      }
    }
    return true;
  };
  const only = (type: string): boolean => types.get(type) !== false;
  // Nothing before the assignment or inside it can be the write: only the subtrees after it are walked, the later
  // siblings of the assignment and of each of its ancestors up to the body, in document order (what a walk of the
  // whole body judges).
  const chain = followingFrom(ctx, after, body);
  if (chain === undefined) walk(body, visit, only);
  else {
    for (const node of chain) {
      for (let s = node.nextSibling; s && !found; s = s.nextSibling) walk(s, visit, only);
      if (found) break;
    }
  }
  return found;
}

/**
 * The nodes whose later siblings a later-write search walks, innermost first: the assignment, or the outermost
 * function below `body` that holds it, and each of its ancestors below `body`. Undefined when `body` does not hold it.
 */
function followingFrom(ctx: RuleContext, after: Node, body: Node): Node[] | undefined {
  const chain = [after];
  for (let n = after.parent; ; n = n.parent) {
    if (!n) return undefined;
    if (n.id === body.id) return chain;
    // A function between the two: a walk of the body skips it whole, so the search starts after it.
    if (ctx.syntax.isFunction(n)) chain.length = 0;
    chain.push(n);
  }
}
