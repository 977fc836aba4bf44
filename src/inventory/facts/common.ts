/**
 * Helpers shared by the inventory pass: what data reaches a node and how it is protected, names that say the
 * data is protected (`encrypted_ssn`, `email_hash`), routes of request handlers, and recording facts.
 * Everything recorded is a name (identifier, key, column, host), never a value.
 */
import type { Node } from 'web-tree-sitter';
import type { Classifier } from '../../core/classifier';
import { pathText, type TaintItem } from '../../core/flow';
import type { FactInput, RuleContext } from '../../core/rule';
import type { Classification, InventoryActivity, Protection, SinkKind } from '../../core/types';
import { HASH_WORDS } from '../../rules/data-dictionary';
import type { SanitizerKind } from '../../rules/sanitizers';

export { importsAny, memo } from '../../rules/common';

/** One piece of data at a location: what it is, and how it is protected there. */
export interface DataItem {
  classification: Classification;
  protection: Protection;
  protectedBy?: string;
  /** Where the data was recognised (a request field, a parameter, a key). */
  origin?: Node;
}

export const KIND_PROTECTION: Readonly<Record<SanitizerKind, Protection>> = Object.freeze({
  'password-hash': 'hashed',
  hash: 'hashed',
  encrypt: 'encrypted',
  tokenize: 'tokenised',
  mask: 'masked',
});

/** Words in a name that say how the data under it is protected (`ssn_encrypted`, `emailHash`, `cardToken`). */
const NAME_PROTECTION: ReadonlyMap<string, Protection> = new Map<string, Protection>([
  ...HASH_WORDS.filter((w) => !w.includes(' ')).map((w) => [w, 'hashed'] as const),
  ...['encrypted', 'encrypt', 'enc', 'cipher', 'ciphertext', 'ciphered', 'sealed', 'wrapped', 'crypted'].map((w) => [w, 'encrypted'] as const),
  ...['tokenized', 'tokenised', 'token', 'tokenize', 'tokenise'].map((w) => [w, 'tokenised'] as const),
  ...['masked', 'mask', 'redacted', 'redact', 'truncated', 'truncate', 'obfuscated', 'anonymized', 'anonymised', 'pseudonymized', 'pseudonymised', 'scrubbed', 'last4', 'lastfour'].map((w) => [w, 'masked'] as const),
]);

/** Calls outside the sanitizer list that still protect what they are given (`uuid.uuid5(ns, email)` is a name hash). */
const EXTRA_PROTECTORS: readonly { re: RegExp; protection: Protection; label: string }[] = [
  { re: /^uuid\.(uuid3|uuid5)$/, protection: 'hashed', label: 'uuid3/uuid5 name hash' },
  { re: /(^|\.)(v3|v5|uuidv3|uuidv5)$/, protection: 'hashed', label: 'UUID v3/v5 name hash' },
];

/**
 * Classifications of a name, also when a word in it says the data is protected: `encrypted_ssn` is an SSN that is
 * encrypted, `email_hash` a hashed email, `passwordHash` a hashed password. The classifier alone cancels those.
 */
export function classifyNameWithProtection(ctx: RuleContext, name: string): DataItem[] {
  return classifyProtectedName(ctx.classifier, name);
}

const protectedNames = new WeakMap<Classifier, Map<string, DataItem[]>>();

/** Memoised per classifier: names repeat (every `x.email` in a code base). */
export function classifyProtectedName(classifier: Classifier, name: string): DataItem[] {
  let cache = protectedNames.get(classifier);
  if (!cache) {
    cache = new Map();
    protectedNames.set(classifier, cache);
  }
  let items = cache.get(name);
  if (!items) {
    items = computeProtectedName(classifier, name);
    if (cache.size > 20_000) cache.clear();
    cache.set(name, items);
  }
  return items.map((i) => ({ ...i }));
}

function computeProtectedName(classifier: Classifier, name: string): DataItem[] {
  const direct = classifier.classifyName(name);
  const words = classifier.tokenize(name);
  // `card_number_token`, `ssnToken`: the token that stands for the data, not an access token.
  if (direct.length > 0 && direct.every((c) => c.type === 'token') && words.length > 1 && /^tokens?$/.test(words[words.length - 1])) {
    const stands = classifier.classifyName(words.slice(0, -1).join('_')).filter((c) => c.category !== 'credentials');
    if (stands.length > 0) {
      return stands.map((c) => ({ classification: { ...c, explanation: `\`${name}\` names a token standing for ${c.type} data (${c.explanation.replace(/^`[^`]*` /, '')})` }, protection: 'tokenised' as const, protectedBy: `the name \`${name}\`` }));
    }
  }
  if (direct.length > 0) return direct.map(itemFromNameClassification);
  let protection: Protection | undefined;
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const p = NAME_PROTECTION.get(w) ?? (w === 'last' && (words[i + 1] === '4' || words[i + 1] === 'four') ? 'masked' : undefined);
    if (p) {
      protection ??= p;
      if (w === 'last') i++;
    } else rest.push(w);
  }
  if (!protection || rest.length === 0 || rest.length === words.length) return [];
  return classifier
    .classifyName(rest.join('_'))
    .filter((c) => !(protection === 'tokenised' && c.category === 'credentials'))
    .map((c) => ({
      classification: { ...c, explanation: `\`${name}\` names ${c.type} data (${c.explanation.replace(/^`[^`]*` /, '')}) that is ${protection}` },
      protection: protection as Protection,
      protectedBy: `the name \`${name}\``,
    }));
}

function itemFromNameClassification(c: Classification): DataItem {
  if (c.type === 'password_hash') return { classification: { ...c, type: 'password' }, protection: 'hashed', protectedBy: 'a password hash (by its name)' };
  return { classification: c, protection: 'clear' };
}

/** A taint item of the data flow as an inventory item: password hashes are hashed passwords; bulk bodies are left out. */
export function fromTaint(item: TaintItem): DataItem | undefined {
  if (item.bulk) return undefined;
  const s = item.sanitizedBy;
  if (item.classification.type === 'password_hash') {
    return { classification: { ...item.classification, type: 'password' }, protection: 'hashed', protectedBy: s?.name ?? 'a password hash (by its name)', origin: item.origin };
  }
  // The token a tokeniser returns is not an access token, it stands for the data.
  if (item.classification.type === 'token' && s?.kind === 'tokenize') return undefined;
  if (!s) return { classification: item.classification, protection: 'clear', origin: item.origin };
  return { classification: item.classification, protection: KIND_PROTECTION[s.kind], protectedBy: s.name, origin: item.origin };
}

/** The data that reaches `node`, protected or not. */
export function dataAt(ctx: RuleContext, node: Node): DataItem[] {
  const items = ctx.flow.taint(node).map(fromTaint).filter((i): i is DataItem => !!i);
  if (items.length > 0) return dedupeItems(items);
  // Data passed through a protecting call the sanitizer list does not know.
  const inner = unwrap(ctx, node);
  if (inner && ctx.syntax.isCall(inner)) {
    const path = ctx.flow.resolvedPath(inner);
    const extra = EXTRA_PROTECTORS.find((p) => p.re.test(path));
    if (extra) {
      const args = ctx.syntax.expr(inner);
      const found = (args.kind === 'call' ? args.args : []).flatMap((a) => ctx.flow.taint(a).map(fromTaint).filter((i): i is DataItem => !!i));
      return dedupeItems(found.map((i) => (i.protection === 'clear' ? { ...i, protection: extra.protection, protectedBy: ctx.syntax.calleePath(inner) } : i)));
    }
  }
  return [];
}

function unwrap(ctx: RuleContext, node: Node): Node | undefined {
  let n: Node | undefined = node;
  for (let i = 0; n && i < 4; i++) {
    if (ctx.syntax.isCall(n)) return n;
    const e = ctx.syntax.expr(n);
    if (e.kind === 'identifier') {
      const def = ctx.flow.definitionOf(e.name, n);
      n = def?.value && !def.key ? def.value : undefined;
    } else n = e.kind === 'union' && e.parts.length === 1 ? e.parts[0] : undefined;
  }
  return undefined;
}

/**
 * Data stored or sent under a key (`{ ssn: value }`, `ssn=value`, a column): the key says what it is, the value's
 * flow where it came from and how it was protected. When every piece of the value is protected, so is the key's type.
 */
export function keyedData(ctx: RuleContext, key: string | undefined, value: Node | undefined): DataItem[] {
  const byKey = key !== undefined ? classifyNameWithProtection(ctx, key) : [];
  const fromValue = value ? dataAt(ctx, value) : [];
  if (byKey.length === 0) return fromValue;
  const protectedValue = fromValue.length > 0 && fromValue.every((i) => i.protection !== 'clear');
  const keyed = byKey.map((k) => {
    // The value's flow says best how the data was protected; the name decides only when the value says nothing.
    const same = fromValue.find((v) => v.classification.type === k.classification.type);
    if (same) return { ...k, protection: same.protection, protectedBy: same.protectedBy, origin: same.origin };
    if (k.protection !== 'clear') return k;
    if (protectedValue) return { ...k, protection: fromValue[0].protection, protectedBy: fromValue[0].protectedBy };
    return k;
  });
  return dedupeItems([...keyed, ...fromValue]);
}

/** One item per data type: the least protected wins (a clear copy is what matters). */
export function dedupeItems(items: DataItem[]): DataItem[] {
  const byType = new Map<string, DataItem>();
  for (const i of items) {
    const known = byType.get(i.classification.type);
    if (!known || (known.protection !== 'clear' && i.protection === 'clear')) byType.set(i.classification.type, i);
  }
  return [...byType.values()];
}

/** A short name for a node: identifier or member path, a string key's content; never a literal value otherwise. */
export function nameOf(ctx: RuleContext, node: Node): string | undefined {
  if (/^(identifier|shorthand_property_identifier|shorthand_property_identifier_pattern|property_identifier)$/.test(node.type)) return node.text;
  const p = pathText(ctx.syntax, node);
  if (p && p.length <= 80 && !p.includes('"')) return p;
  const s = ctx.syntax.stringValue(node);
  if (s !== undefined && /^[\w.$:-]{1,60}$/.test(s) && ctx.classifier.classifyName(s).length > 0) return s;
  const parent = node.parent;
  if (parent && (parent.type === 'pair' || parent.type === 'keyword_argument')) {
    const k = parent.childForFieldName('key') ?? parent.childForFieldName('name');
    if (k) return ctx.syntax.stringValue(k) ?? (/^[\w$]+$/.test(k.text) ? k.text : undefined);
  }
  return undefined;
}

export interface RecordBase {
  activity: InventoryActivity;
  sink: SinkKind;
  target?: string;
  /** Why this place collects / stores / logs / sends data, e.g. "written to the database by `db.users.insert`". */
  why: string;
  transport?: 'tls' | 'plain';
  /** The name the data has at this place (key, column); defaults to the origin's name. */
  name?: string;
  unused?: boolean;
}

/** Records one fact per item at `node`. */
export function recordItems(ctx: RuleContext, node: Node, items: readonly DataItem[], base: RecordBase): void {
  for (const item of items) {
    const originName = item.origin ? nameOf(ctx, item.origin) : undefined;
    const elsewhere = item.origin && (item.origin.startIndex < node.startIndex || item.origin.endIndex > node.endIndex);
    const protection = item.protection === 'clear' ? '' : `; ${item.protection} by ${item.protectedBy ?? 'a sanitizer'}`;
    const fact: FactInput = {
      node,
      dataType: item.classification.type,
      category: item.classification.category,
      activity: base.activity,
      sink: base.sink,
      protection: item.protection,
      explanation: `${item.classification.explanation}; ${base.why}${protection}.`,
    };
    if (base.target !== undefined) fact.target = base.target;
    if (item.protectedBy !== undefined) fact.protectedBy = item.protectedBy;
    const name = base.name ?? originName;
    if (name !== undefined) fact.name = name;
    if (base.transport) fact.transport = base.transport;
    if (base.unused) fact.unused = true;
    if (elsewhere && item.origin) fact.origin = originName !== undefined ? { node: item.origin, name: originName } : { node: item.origin };
    ctx.record(fact);
  }
}

/** The first string argument of a route registration (`app.post('/signup', …)`) → `POST /signup`. */
const JS_ROUTE_METHODS = /^(get|post|put|patch|delete|del|all|options|head)$/;
const JS_ROUTER = /^(app|router|server|api|route|routes|fastify|r|express|this\.app|this\.router)$/;

/** The route served by the function around `node`: `POST /signup`, or undefined. */
export function routeOf(ctx: RuleContext, node: Node): string | undefined {
  const memo = ctx.state.get('routes') as Map<number, string | null> | undefined ?? new Map<number, string | null>();
  ctx.state.set('routes', memo);
  for (let fn: Node | null = ctx.flow.scopeOf(node); fn && fn.id !== ctx.root.id; fn = ctx.flow.scopeOf(fn)) {
    const known = memo.get(fn.id);
    if (known !== undefined) {
      if (known) return known;
      continue;
    }
    const route = ctx.file.syntax === 'js' ? jsRoute(ctx, fn) : pythonRoute(ctx, fn);
    memo.set(fn.id, route ?? null);
    if (route) return route;
  }
  return undefined;
}

function jsRoute(ctx: RuleContext, fn: Node): string | undefined {
  const args = fn.parent;
  const call = args?.parent;
  if (!args || args.type !== 'arguments' || !call || call.type !== 'call_expression') return undefined;
  const path = ctx.syntax.calleePath(call);
  const dot = path.lastIndexOf('.');
  const method = path.slice(dot + 1);
  if (dot < 0 || !JS_ROUTE_METHODS.test(method) || !JS_ROUTER.test(path.slice(0, dot))) {
    // `app.route('/x').post(handler)`
    const m = /^(.*)\.route\(\)\.(\w+)$/.exec(path);
    if (!m || !JS_ROUTE_METHODS.test(m[2])) return undefined;
    const inner = call.childForFieldName('function')?.childForFieldName('object');
    const first = inner && ctx.syntax.isCall(inner) ? ctx.syntax.args(inner)[0] : undefined;
    const p = first ? ctx.syntax.stringValue(first) : undefined;
    return p !== undefined ? `${m[2].toUpperCase()} ${p}` : undefined;
  }
  const first = ctx.syntax.args(call)[0];
  const p = first ? ctx.syntax.stringValue(first) : undefined;
  if (p === undefined) return undefined;
  return `${method === 'del' ? 'DELETE' : method.toUpperCase()} ${p}`;
}

const PY_ROUTE = /^(app|bp|blueprint|router|api|\w+_bp|\w+_router|\w+_blueprint|\w+)\.(route|get|post|put|patch|delete|api_route|websocket)$/;

function pythonRoute(ctx: RuleContext, fn: Node): string | undefined {
  const decorated = fn.parent?.type === 'decorated_definition' ? fn.parent : undefined;
  if (!decorated) return undefined;
  for (const d of decorated.namedChildren) {
    if (!d || d.type !== 'decorator') continue;
    const call = d.namedChildren[0];
    if (!call || call.type !== 'call') continue;
    const path = ctx.syntax.calleePath(call);
    const m = PY_ROUTE.exec(path);
    if (!m) continue;
    const first = ctx.syntax.args(call)[0];
    const p = first ? ctx.syntax.stringValue(first) : undefined;
    if (p === undefined || !p.startsWith('/')) continue;
    if (m[2] !== 'route' && m[2] !== 'api_route') return `${m[2] === 'websocket' ? 'WS' : m[2].toUpperCase()} ${p}`;
    const methods = ctx.syntax.kwarg(call, 'methods');
    const list = methods ? methods.namedChildren.flatMap((c) => (c ? [ctx.syntax.stringValue(c)] : [])).filter((s): s is string => !!s) : [];
    return `${list.length ? list.map((s) => s.toUpperCase()).join('|') : 'GET'} ${p}`;
  }
  return undefined;
}

/** The last segment of a dotted path, without a trailing `()`. */
export function lastSegment(path: string): string {
  const clean = path.replace(/\(\)$/, '');
  return clean.slice(clean.lastIndexOf('.') + 1);
}

/** The node a name is bound to, following plain `x = y` assignments. */
export function valueOf(ctx: RuleContext, node: Node, depth = 0): Node {
  if (depth > 4) return node;
  const e = ctx.syntax.expr(node);
  if (e.kind === 'identifier') {
    const def = ctx.flow.definitionOf(e.name, node);
    if (def?.value && !def.key && !def.param && def.value.id !== node.id) return valueOf(ctx, def.value, depth + 1);
  }
  if (e.kind === 'union' && e.parts.length === 1 && WRAPPERS.has(node.type)) return valueOf(ctx, e.parts[0], depth + 1);
  return node;
}

/** Nodes that only wrap a value: parentheses, `await`, type assertions. */
const WRAPPERS = new Set(['parenthesized_expression', 'await_expression', 'await', 'as_expression', 'satisfies_expression', 'non_null_expression', 'type_assertion']);
