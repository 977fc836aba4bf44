/**
 * What the transmission rules share: which calls are HTTP requests (and where their URL, base URL or host is),
 * which calls create reusable clients, the calls made later on such a client, and which files are test code.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import { walk } from '../../core/syntax';
import { classMemberValue } from './urls';
import { goHttpCall, phpHttpCall, rubyHttpCall } from './go';
import { javaHttpCall } from './java';
import { csharpHttpCall } from './csharp';

export interface HttpCall {
  call: Node;
  /** The client library, for messages and fingerprints. */
  library: string;
  /** The URL expression (absolute, or relative to `base`). */
  target?: Node;
  /** A base URL given with the call or by the client it goes through (`axios({ baseURL })`, an `axios.create` instance). */
  base?: Node;
  /** The call that created the client with `base`, when the call goes through one. */
  baseCreation?: Node;
  /** A bare host name (`http.client.HTTPConnection('host')`, `http.request({ hostname })`): always plain HTTP. */
  hostArg?: Node;
  /** True when the call creates a reusable client with a base URL (`axios.create`, `httpx.Client(base_url=…)`). */
  creates?: boolean;
  /** Recognised by its name only (`open_url(URL)`, `downloadFile(URL)`): a project's own wrapper. */
  byName?: boolean;
}

/** A project's own download / request helper, recognised by its name (the URL must still be an http:// literal). */
const WRAPPER_NAMES = /^(open_?url|fetch_?(url|json|text|data|page|file)|get_?(url|json|page)|post_?json|http_?(get|post|put|request)|download(_?(file|url|page|json))?|retrieve_?url|wget|curl)$/i;

const VERBS = /^(get|post|put|patch|delete|del|head|options|request|fetch|stream|send|ajax|getJSON)$/;
const METHOD_NAME = /^(get|post|put|patch|delete|head|options|trace|connect)$/i;

// ── JavaScript / TypeScript ─────────────────────────────────────────────────────────────────────────────────
const JS_FUNCTIONS = /^(fetch|node-fetch|node-fetch\.default|cross-fetch|isomorphic-fetch|isomorphic-unfetch|unfetch|undici\.(fetch|request|stream)|ky|ky\.default|got|got\.default|axios|axios\.default|superagent|request|request-promise|request-promise-native|needle|phin|centra|\$\.ajax|jQuery\.ajax|navigator\.sendBeacon)$/;
const JS_LIBRARY_METHODS = /^(axios|axios\.default|got|got\.default|ky|ky\.default|superagent|request|request-promise|request-promise-native|needle|\$|jQuery|jquery|undici|http|https)\.(get|post|put|patch|delete|del|head|options|request|ajax|getJSON|stream|fetch)$/;
const JS_CREATORS = /^(axios(\.default)?\.create|got(\.default)?\.extend|ky(\.default)?\.(create|extend)|request\.defaults|superagent\.agent)$/;
const JS_CLIENT_NAMES = /^(this\.)?_?(api|apiClient|client|http|httpClient|httpService|axios|axiosInstance|instance|rest|restClient|fetcher|requester|agent|request|service)$/i;

// ── Python ──────────────────────────────────────────────────────────────────────────────────────────────────
const PY_FUNCTIONS = /^(requests|httpx|grequests|treq|aiohttp|urllib3)\.(get|post|put|patch|delete|head|options|request|stream)$|^(requests|httpx)\.Request$|^(urllib\.request|urllib2|urllib|six\.moves\.urllib\.request)\.(urlopen|Request|urlretrieve)$|^(urlopen|urlretrieve)$|^urllib3\.connection_from_url$/;
const PY_CONNECTIONS = /^((http\.client|httplib)\.)?HTTPConnection$|^(urllib3\.(connectionpool\.)?)?HTTPConnectionPool$/;
const PY_CLIENT_FACTORIES = /^(requests\.(Session|session|sessions\.Session)|httpx\.(Client|AsyncClient)|aiohttp\.ClientSession|urllib3\.(PoolManager|ProxyManager)|(requests_toolbelt\.(sessions\.)?)?BaseUrlSession)$/;
const PY_BASE_FACTORIES = /^(httpx\.(Client|AsyncClient)|aiohttp\.ClientSession|(requests_toolbelt\.(sessions\.)?)?BaseUrlSession)$/;
const PY_CLIENT_NAMES = /^(self\.|cls\.)?_?(session|sess|s|client|http|http_client|httpclient|api|api_client|pool|pool_manager|http_pool|requests)$/i;

export function normalisePath(path: string): string {
  // One test first: most paths have nothing to drop.
  if (!GLOBAL_OR_NODE.test(path)) return path;
  return path.replace(/^(new )?(window|globalThis|global|self)\./, '$1').replace(/(^|\s)node:/, '$1');
}

const GLOBAL_OR_NODE = /^(new )?(window|globalThis|global|self)\.|(^|\s)node:/;

/** Unwraps `await`, parentheses and TypeScript casts. */
export function unwrap(ctx: RuleContext, node: Node): Node {
  let n = node;
  for (let i = 0; i < 6; i++) {
    if (!/^(await|await_expression|parenthesized_expression|as_expression|satisfies_expression|non_null_expression|type_assertion)$/.test(n.type)) break;
    const inner = n.namedChildren.find((c) => c && !c.type.endsWith('_type') && c.type !== 'type_identifier' && c.type !== 'type_annotation');
    if (!inner) break;
    n = inner;
  }
  return n;
}

/** The call a receiver was created by: `const api = axios.create()`, `with requests.Session() as s`, `self.session = …`. */
export function creationOf(ctx: RuleContext, receiver: Node): Node | undefined {
  const r = unwrap(ctx, receiver);
  if (ctx.syntax.isCall(r)) return r;
  let value: Node | undefined;
  if (r.type === 'identifier') {
    const def = ctx.flow.definitionOf(r.text, r);
    if (def && def.key === undefined) value = def.value;
  } else if (r.type === 'member_expression' || r.type === 'attribute') {
    value = classMemberValue(ctx, r);
  }
  if (!value) return undefined;
  const v = unwrap(ctx, value);
  return ctx.syntax.isCall(v) ? v : undefined;
}

export function receiverOf(call: Node): Node | undefined {
  if (call.type === 'method_invocation') return call.childForFieldName('object') ?? undefined;
  let fn = call.childForFieldName('function');
  // TypeScript parses `await this.http.post<T>(…)` as a call of an await expression.
  if (fn?.type === 'await_expression') fn = fn.namedChildren[0];
  if (fn?.type === 'selector_expression') return fn.childForFieldName('operand') ?? undefined;
  if (!fn || (fn.type !== 'member_expression' && fn.type !== 'attribute')) return undefined;
  return fn.childForFieldName('object') ?? undefined;
}

function methodOf(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** Whether the file's text matches `re`, computed once per file and rule (cheap gates before binding look-ups). */
export function fileMentions(ctx: RuleContext, key: string, re: RegExp): boolean {
  const k = `mentions:${key}`;
  let v = ctx.state.get(k) as boolean | undefined;
  if (v === undefined) {
    v = re.test(ctx.file.text);
    ctx.state.set(k, v);
  }
  return v;
}

/** Client factories can only be bound in files that import their library. */
const JS_CREATOR_MODULES = /\b(axios|got|ky|request|superagent)(\.default)?\.(create|extend|defaults|agent)\s*\(/;
const PY_FACTORY_MODULES = /\b(requests|httpx|aiohttp|urllib3|requests_toolbelt|BaseUrlSession)\b/;

/** One answer per call and file, shared by the rules of the family (the DataFlow object lives as long as the file). */
const HTTP_CALLS = new WeakMap<object, Map<number, HttpCall | null>>();

/** The HTTP request or client creation a call makes, if it is one. */
export function httpCall(ctx: RuleContext, call: Node): HttpCall | undefined {
  let memo = HTTP_CALLS.get(ctx.flow);
  if (!memo) {
    memo = new Map();
    HTTP_CALLS.set(ctx.flow, memo);
  }
  const known = memo.get(call.id);
  if (known !== undefined) return known ?? undefined;
  const found = ctx.file.syntax === 'ruby' ? rubyHttpCall(ctx, call) : ctx.file.syntax === 'php' ? phpHttpCall(ctx, call) : ctx.file.syntax === 'go' ? goHttpCall(ctx, call) : ctx.file.syntax === 'java' ? javaHttpCall(ctx, call) : ctx.file.syntax === 'csharp' ? csharpHttpCall(ctx, call) : ctx.file.syntax === 'python' ? pythonHttpCall(ctx, call) : jsHttpCall(ctx, call);
  memo.set(call.id, found ?? null);
  return found;
}

function jsHttpCall(ctx: RuleContext, call: Node): HttpCall | undefined {
  const s = ctx.syntax;
  if (call.type === 'new_expression') return undefined;
  const written = normalisePath(s.calleePath(call));
  const resolved = normalisePath(ctx.flow.resolvedPath(call));
  if (JS_CREATORS.test(resolved) || JS_CREATORS.test(written)) {
    const args = s.args(call);
    const options = args[0] ? ctx.flow.objectLiteralOf(args[0]) : undefined;
    const base = options && (s.property(options, 'baseURL') ?? s.property(options, 'prefixUrl') ?? s.property(options, 'baseUrl'));
    return base ? { call, library: resolved.split('.')[0], base, creates: true } : undefined;
  }
  // The arguments only once the call may be a request (most calls of a file are not: no Node for their arguments).
  let argList: Node[] | undefined;
  const argsOf = (): Node[] => (argList ??= s.args(call));
  let library: string | undefined;
  let baseCreation: Node | undefined;
  if (JS_FUNCTIONS.test(resolved) || JS_FUNCTIONS.test(written) || JS_LIBRARY_METHODS.test(resolved) || /^(\$|jQuery)\./.test(written) && JS_LIBRARY_METHODS.test(written)) {
    library = resolved.split('.')[0];
  } else if (WRAPPER_NAMES.test(methodOf(written)) && argsOf()[0] && !ctx.flow.objectLiteralOf(argsOf()[0])) {
    return { call, library: written, target: argsOf()[0], byName: true };
  } else {
    const method = methodOf(written);
    // The name first: most calls are no request, and their receiver need not be looked up.
    const verb = VERBS.test(method);
    if (!verb && method !== 'open') return undefined;
    const receiver = receiverOf(call);
    if (!receiver) return undefined;
    if (method === 'open' && argsOf().length >= 2 && METHOD_NAME.test(s.stringValue(argsOf()[0]) ?? '')) {
      return { call, library: 'XMLHttpRequest', target: argsOf()[1] };
    }
    if (!verb) return undefined;
    const creation = fileMentions(ctx, 'js-creators', JS_CREATOR_MODULES) ? creationOf(ctx, receiver) : undefined;
    const creator = creation ? normalisePath(ctx.flow.resolvedPath(creation)) : '';
    if (creation && JS_CREATORS.test(creator)) {
      library = creator.split('.')[0];
      baseCreation = creation;
    } else if (JS_CLIENT_NAMES.test(receiver.text.replace(/\s+/g, ''))) {
      library = receiver.text;
    } else return undefined;
  }
  const out: HttpCall = { call, library };
  if (baseCreation) {
    const options = s.args(baseCreation)[0] ? ctx.flow.objectLiteralOf(s.args(baseCreation)[0]) : undefined;
    const base = options && (s.property(options, 'baseURL') ?? s.property(options, 'prefixUrl') ?? s.property(options, 'baseUrl'));
    if (base) {
      out.base = base;
      out.baseCreation = baseCreation;
    }
  }
  const args = argsOf();
  let first = args[0];
  if (!first) return undefined;
  // needle('post', url), needle.request('get', url), undici-style (method, url)
  if (args.length >= 2 && METHOD_NAME.test(s.stringValue(first) ?? '')) first = args[1];
  const options = ctx.flow.objectLiteralOf(first);
  if (options) {
    out.target = s.property(options, 'url') ?? s.property(options, 'uri') ?? s.property(options, 'href');
    const base = s.property(options, 'baseURL') ?? s.property(options, 'prefixUrl') ?? s.property(options, 'baseUrl');
    if (base) {
      out.base = base;
      out.baseCreation = undefined;
    }
    // http.request({ hostname, path }) with Node's http module: plain HTTP to that host.
    if (!out.target && /^http\.(request|get)$/.test(resolved) && /^(node:)?http$/.test(ctx.flow.imports.get(s.calleePath(call).split('.')[0]) ?? '')) out.hostArg = s.property(options, 'hostname') ?? s.property(options, 'host');
  } else {
    out.target = first;
  }
  return out;
}

function pythonHttpCall(ctx: RuleContext, call: Node): HttpCall | undefined {
  const s = ctx.syntax;
  const written = s.calleePath(call);
  const resolved = ctx.flow.resolvedPath(call);
  // The arguments only once the call may be a request (most calls of a file are not: no Node for their arguments).
  let argList: Node[] | undefined;
  const argsOf = (): Node[] => (argList ??= s.args(call));
  if (PY_BASE_FACTORIES.test(resolved) || PY_BASE_FACTORIES.test(written)) {
    const base = s.kwarg(call, 'base_url') ?? (/ClientSession$/.test(resolved) ? argsOf()[0] : undefined);
    return base ? { call, library: resolved.split('.')[0], base, creates: true } : undefined;
  }
  if (PY_CONNECTIONS.test(resolved) || PY_CONNECTIONS.test(written)) {
    const host = s.kwarg(call, 'host') ?? argsOf()[0];
    return host ? { call, library: resolved.split('.')[0], hostArg: host } : undefined;
  }
  let library: string | undefined;
  let baseCreation: Node | undefined;
  if (PY_FUNCTIONS.test(resolved)) {
    library = resolved.split('.')[0];
  } else if (WRAPPER_NAMES.test(methodOf(written)) && (s.kwarg(call, 'url') ?? argsOf()[0])) {
    return { call, library: written, target: s.kwarg(call, 'url') ?? argsOf()[0], byName: true };
  } else {
    const method = methodOf(written);
    if (!VERBS.test(method)) return undefined;
    const receiver = receiverOf(call);
    if (!receiver) return undefined;
    const creation = fileMentions(ctx, 'py-factories', PY_FACTORY_MODULES) ? creationOf(ctx, receiver) : undefined;
    const creator = creation ? ctx.flow.resolvedPath(creation) : '';
    if (creation && PY_CLIENT_FACTORIES.test(creator)) {
      library = creator.split('.')[0];
      if (PY_BASE_FACTORIES.test(creator)) baseCreation = creation;
    } else if (PY_CLIENT_NAMES.test(receiver.text)) {
      library = receiver.text;
    } else return undefined;
  }
  const out: HttpCall = { call, library };
  if (baseCreation) {
    const base = s.kwarg(baseCreation, 'base_url') ?? (/ClientSession$/.test(ctx.flow.resolvedPath(baseCreation)) ? s.args(baseCreation)[0] : undefined);
    if (base) {
      out.base = base;
      out.baseCreation = baseCreation;
    }
  }
  const url = s.kwarg(call, 'url');
  if (url) out.target = url;
  else {
    const method = methodOf(written);
    const args = argsOf();
    const methodFirst = (method === 'request' || /^(requests|httpx)\.Request$/.test(resolved)) && args.length >= 2;
    out.target = methodFirst ? args[1] : args[0];
  }
  return out.target ? out : undefined;
}

/** Where a created client is stored: `api` for `const api = axios.create()`, `self.session` for `self.session = …`. */
export function bindingNameOf(ctx: RuleContext, creation: Node): string | undefined {
  let n = creation;
  while (n.parent && /^(await|await_expression|parenthesized_expression|as_expression|satisfies_expression|non_null_expression)$/.test(n.parent.type)) n = n.parent;
  const p = n.parent;
  if (!p) return undefined;
  const clean = (t: string) => t.replace(/\s+/g, '');
  // Go: `c, err := smtp.Dial(addr)`, `client = resty.New()`: the target at the same position on the left.
  if (p.type === 'expression_list' && (p.parent?.type === 'short_var_declaration' || p.parent?.type === 'assignment_statement')) {
    const values = p.namedChildren.filter((c): c is Node => !!c);
    const targets = p.parent.childForFieldName('left')?.namedChildren.filter((c): c is Node => !!c) ?? [];
    const i = values.length === 1 ? 0 : values.findIndex((v) => v.id === n.id);
    const t = targets[i];
    return t && /^(identifier|selector_expression)$/.test(t.type) && t.text !== '_' ? clean(t.text) : undefined;
  }
  switch (p.type) {
    case 'variable_declarator': {
      const name = p.childForFieldName('name');
      return name?.type === 'identifier' ? name.text : undefined;
    }
    case 'assignment_expression':
    case 'assignment': {
      const left = p.childForFieldName('left');
      return left && /^(identifier|member_expression|attribute)$/.test(left.type) ? clean(left.text) : undefined;
    }
    case 'public_field_definition':
    case 'field_definition': {
      const name = p.childForFieldName('name') ?? p.childForFieldName('property');
      return name ? `this.${name.text}` : undefined;
    }
    case 'as_pattern': {
      const alias = p.childForFieldName('alias') ?? p.namedChildren.find((c) => c?.type === 'as_pattern_target');
      const id = alias?.type === 'as_pattern_target' ? alias.namedChildren[0] : alias;
      return id?.type === 'identifier' ? id.text : undefined;
    }
    default:
      return undefined;
  }
}

/** Whether a node type is a call, per syntax family, learnt from the first node of each type (see instanceCalls). */
const CALL_TYPES_SEEN = new Map<string, Map<string, boolean>>();

/** Calls made on the client a call created (`api.post(…)` after `const api = axios.create(…)`), in its scope or class. */
export function instanceCalls(ctx: RuleContext, creation: Node): Node[] {
  const key = `instance-calls:${creation.id}`;
  const cached = ctx.state.get(key) as Node[] | undefined;
  if (cached) return cached;
  const out: Node[] = [];
  const name = bindingNameOf(ctx, creation);
  if (name) {
    let scope: Node | null = ctx.flow.scopeOf(creation);
    const isMember = /^(this|self|cls)\./.test(name);
    if (isMember) {
      scope = creation.parent;
      while (scope && scope.type !== 'class_body' && scope.type !== 'class_definition') scope = scope.parent;
    }
    if (scope) {
      // Only calls are looked at: the walk reads the other node types from the cursor and makes no Node for them.
      let calls = CALL_TYPES_SEEN.get(ctx.file.syntax);
      if (!calls) CALL_TYPES_SEEN.set(ctx.file.syntax, (calls = new Map()));
      const seen = calls;
      walk(scope, (n) => {
        if (!seen.has(n.type)) seen.set(n.type, ctx.syntax.isCall(n));
        if (ctx.syntax.isCall(n) && n.id !== creation.id) {
          const path = ctx.syntax.calleePath(n);
          if (path.startsWith(`${name}.`) && !path.slice(name.length + 1).includes('.')) {
            if (isMember) out.push(n);
            else {
              const recv = receiverOf(n);
              const back = recv ? creationOf(ctx, recv) : undefined;
              if (back && back.id === creation.id) out.push(n);
            }
          }
        }
        return true;
      }, (type) => seen.get(type) !== false);
    }
  }
  ctx.state.set(key, out);
  return out;
}


/** Confidence for a finding in this file: lower in examples and samples. */
export function fileConfidence(ctx: RuleContext, base: 'high' | 'medium' | 'low'): 'high' | 'medium' | 'low' {
  if (!ctx.file.isTestPath || base === 'low') return base;
  return 'medium';
}
