/**
 * Collection points: request fields (`req.body.ssn`, `const { ssn } = req.body`, `request.form["ssn"]`,
 * `request.args.get("email")`), headers and cookies read from a request, browser form data, and the parameters of
 * Python route handlers (Flask / FastAPI), including the fields of a Pydantic body model defined in the same file.
 */
import type { Node } from 'web-tree-sitter';
import { pathText } from '../../core/flow';
import type { RuleContext } from '../../core/rule';
import type { SinkKind } from '../../core/types';
import { walk } from '../../core/syntax';
import { memo, recordItems, routeOf, valueOf, type DataItem } from './common';

interface Source {
  sink: SinkKind;
  /** "the request body", "the request headers". */
  label: string;
  /** Path of the source object as written, for names (`req.body`). */
  path: string;
}

const JS_PARTS: Record<string, Omit<Source, 'path'>> = {
  body: { sink: 'request', label: 'the request body' },
  query: { sink: 'request', label: 'the query string' },
  params: { sink: 'request', label: 'the route parameters' },
  headers: { sink: 'header', label: 'the request headers' },
  cookies: { sink: 'cookie', label: 'the request cookies' },
  signedCookies: { sink: 'cookie', label: 'the request cookies' },
};
const JS_REQUEST = /^(req|request|ctx\.request|ctx|event|c\.req)\.(body|query|params|headers|cookies|signedCookies)$/;
/** `await req.json()`, `await request.formData()` (fetch API handlers, Next.js route handlers). */
const JS_BODY_CALL = /^(req|request|c\.req)\.(json|formData)\(\)$/;
const PY_PARTS: Record<string, Omit<Source, 'path'>> = {
  form: { sink: 'request', label: 'the submitted form' },
  json: { sink: 'request', label: 'the JSON request body' },
  data: { sink: 'request', label: 'the request body' },
  values: { sink: 'request', label: 'the request form and query string' },
  args: { sink: 'request', label: 'the query string' },
  POST: { sink: 'request', label: 'the submitted form' },
  GET: { sink: 'request', label: 'the query string' },
  query_params: { sink: 'request', label: 'the query string' },
  path_params: { sink: 'request', label: 'the route parameters' },
  files: { sink: 'request', label: 'the uploaded files' },
  headers: { sink: 'header', label: 'the request headers' },
  META: { sink: 'header', label: 'the request headers' },
  cookies: { sink: 'cookie', label: 'the request cookies' },
  COOKIES: { sink: 'cookie', label: 'the request cookies' },
};
const PY_REQUEST = /^(request|self\.request|req)\.(form|json|data|values|args|POST|GET|query_params|path_params|files|headers|META|cookies|COOKIES)$/;
const PY_BODY_CALL = /^(request|self\.request|req)\.(get_json|json)\(\)$/;

/** The request part an expression reads from, following local names (`data = request.get_json()`). */
export function requestSource(ctx: RuleContext, node: Node): Source | undefined {
  const value = valueOf(ctx, node);
  const path = pathText(ctx.syntax, value);
  if (!path) return undefined;
  const js = ctx.file.syntax === 'js';
  const m = (js ? JS_REQUEST : PY_REQUEST).exec(path);
  if (m) return { ...(js ? JS_PARTS : PY_PARTS)[m[2]], path };
  if ((js ? JS_BODY_CALL : PY_BODY_CALL).test(path)) {
    return { sink: 'request', label: /formData/.test(path) ? 'the submitted form' : 'the JSON request body', path: path.replace(/\(\)$/, '()') };
  }
  // `new FormData(form)` in the browser
  if (js && ctx.syntax.isCall(value) && /^new (FormData|URLSearchParams)$/.test(ctx.syntax.calleePath(value))) {
    return { sink: 'form', label: 'a browser form', path: 'FormData' };
  }
  // `req.body.customer.ssn`: any object below a request part.
  const e = ctx.syntax.expr(value);
  if (e.kind === 'member') {
    const inner = requestSource(ctx, e.object);
    if (inner) return { ...inner, path };
  }
  return undefined;
}

/** Names bound in this file to something read from a request (`data = request.get_json()`, `const body = await req.json()`). */
function requestBoundNames(ctx: RuleContext): Set<string> {
  return memo(ctx, 'requestBound', 0, () => {
    const re = ctx.file.syntax === 'js'
      ? /([A-Za-z_$][\w$]*)\s*=\s*(?:await\s+)?(?:\(?\s*)?(?:req|request|ctx|event|c\.req|new\s+(?:FormData|URLSearchParams))\b/g
      : /([A-Za-z_]\w*)\s*=\s*(?:await\s+)?(?:self\.)?request\b/g;
    return new Set([...ctx.file.text.matchAll(re)].map((m) => m[1]));
  });
}

const REQUEST_ROOTS = new Set(['req', 'request', 'ctx', 'event', 'c', 'self']);

/** The leftmost identifier of a member chain (`req` of `req.body.user.ssn`). */
function rootName(ctx: RuleContext, node: Node): string | undefined {
  let n: Node = node;
  for (let i = 0; i < 8; i++) {
    const e = ctx.syntax.expr(n);
    if (e.kind === 'identifier') return e.name;
    if (e.kind === 'member') n = e.object;
    else if (e.kind === 'call' && e.receiver) n = e.receiver;
    else if (e.kind === 'union' && e.parts.length === 1) n = e.parts[0];
    else return n.type === 'this' ? 'this' : undefined;
  }
  return undefined;
}

/** `req.body.ssn`, `request.form["ssn"]`, `data["email"]` after `data = request.get_json()`. */
export function collectMember(ctx: RuleContext, node: Node): boolean {
  const e = ctx.syntax.expr(node);
  if (e.kind !== 'member') return false;
  const root = rootName(ctx, e.object);
  if (!root || (!REQUEST_ROOTS.has(root) && !requestBoundNames(ctx).has(root))) return false;
  const source = requestSource(ctx, e.object);
  if (!source) return false;
  const items = ctx.classifier.classifyName(e.key).map((classification): DataItem => ({ classification, protection: 'clear' }));
  if (items.length === 0) return true;
  record(ctx, node, items, source, `${source.path}.${e.key}`, unusedAfter(ctx, node));
  return true;
}

/** `request.form.get("email")`, `request.args.getlist("x")`, `req.get('X-Api-Key')`, `formData.get('ssn')`. */
export function collectCall(ctx: RuleContext, call: Node): void {
  const e = ctx.syntax.expr(call);
  if (e.kind !== 'call' || !e.receiver) return;
  let source: Source | undefined;
  if (e.name === 'get' || e.name === 'getlist' || e.name === 'getAll') source = requestSource(ctx, e.receiver);
  const path = ctx.syntax.calleePath(call);
  if (!source && ctx.file.syntax === 'js' && /^(req|request|ctx)\.(get|header|param)$/.test(path)) {
    source = path.endsWith('.param') ? { sink: 'request', label: 'the request parameters', path: 'req' } : { sink: 'header', label: 'the request headers', path: 'req.headers' };
  }
  if (!source) return;
  const keyNode = ctx.syntax.args(call)[0];
  const key = keyNode ? ctx.syntax.stringValue(keyNode) : undefined;
  if (key === undefined) return;
  const items = ctx.classifier.classifyName(key).map((classification): DataItem => ({ classification, protection: 'clear' }));
  if (items.length > 0) record(ctx, call, items, source, `${source.path}.${key}`, unusedAfter(ctx, call));
}

/** `const { email, password: pw } = req.body` */
export function collectDestructuring(ctx: RuleContext, declarator: Node): void {
  const pattern = declarator.childForFieldName('name');
  const value = declarator.childForFieldName('value');
  if (!pattern || !value || pattern.type !== 'object_pattern') return;
  const source = requestSource(ctx, value);
  if (!source) return;
  for (const el of pattern.namedChildren) {
    if (!el) continue;
    let key: string | undefined;
    let bound: Node | undefined;
    if (el.type === 'shorthand_property_identifier_pattern') {
      key = el.text;
      bound = el;
    } else if (el.type === 'object_assignment_pattern') {
      bound = el.childForFieldName('left') ?? undefined;
      key = bound?.text;
    } else if (el.type === 'pair_pattern') {
      const k = el.childForFieldName('key');
      key = k ? (ctx.syntax.stringValue(k) ?? k.text) : undefined;
      const v = el.childForFieldName('value');
      bound = v?.type === 'assignment_pattern' ? (v.childForFieldName('left') ?? undefined) : (v ?? undefined);
    }
    if (key === undefined) continue;
    const items = ctx.classifier.classifyName(key).map((classification): DataItem => ({ classification, protection: 'clear' }));
    if (items.length === 0) continue;
    const unused = bound?.type === 'identifier' || bound?.type === 'shorthand_property_identifier_pattern' ? !usedAfter(ctx, bound.text, bound) : false;
    record(ctx, el, items, source, `${source.path}.${key}`, unused);
  }
}

function record(ctx: RuleContext, node: Node, items: DataItem[], source: Source, name: string, unused: boolean): void {
  const route = routeOf(ctx, node);
  recordItems(ctx, node, items, {
    activity: 'collected',
    sink: source.sink,
    target: route,
    why: `read from ${source.label}${route ? ` of ${route}` : ''}`,
    name,
    unused,
  });
}

/**
 * True when a value read from a request is bound to a name (`x = request.form["x"]`) that nothing reads afterwards.
 * A value used in place (an argument, a return) is used.
 */
function unusedAfter(ctx: RuleContext, node: Node): boolean {
  let parent = node.parent;
  while (parent && (parent.type === 'await_expression' || parent.type === 'parenthesized_expression' || parent.type === 'as_expression')) parent = parent.parent;
  if (!parent) return false;
  let target: Node | null = null;
  if (parent.type === 'variable_declarator') target = parent.childForFieldName('name');
  else if (parent.type === 'assignment' || parent.type === 'assignment_expression') {
    if (parent.childForFieldName('right')?.id !== node.id) return false;
    target = parent.childForFieldName('left');
  }
  if (!target || target.type !== 'identifier') return false;
  return !usedAfter(ctx, target.text, target);
}

/** Whether `name` is mentioned in the scope of `binding` after it. */
function usedAfter(ctx: RuleContext, name: string, binding: Node): boolean {
  const scope = ctx.flow.scopeOf(binding);
  let used = false;
  walk(scope, (n) => {
    if (used || n.endIndex <= binding.endIndex) return false;
    if (n.startIndex >= binding.endIndex && (n.type === 'identifier' || n.type === 'shorthand_property_identifier') && n.text === name) {
      used = true;
      return false;
    }
    return true;
  });
  return used;
}

const SKIP_PARAMS = /^(self|cls|request|req|res|response|db|session|background_tasks|current_user|user_id|id|pk)$/;

/** Parameters of a Flask / FastAPI route handler, and the fields of a body model defined in the same file. */
export function collectHandlerParams(ctx: RuleContext, decorated: Node): void {
  const fn = decorated.childForFieldName('definition');
  if (!fn || fn.type !== 'function_definition') return;
  const body = fn.childForFieldName('body');
  const route = body ? routeOf(ctx, body) : undefined;
  if (!route) return;
  const params = fn.childForFieldName('parameters');
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    const id = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier') ?? null);
    if (!id || SKIP_PARAMS.test(id.text)) continue;
    const items = ctx.classifier.classifyName(id.text).map((classification): DataItem => ({ classification, protection: 'clear' }));
    if (items.length > 0) {
      recordItems(ctx, id, items, { activity: 'collected', sink: 'handler-param', target: route, why: `a parameter of the handler of ${route}`, name: id.text, unused: !usedAfter(ctx, id.text, id) });
      continue;
    }
    // `def create(user: UserIn)`: a body model declared in this file.
    const type = p.childForFieldName('type');
    const model = type && /^[A-Z]\w*$/.test(type.text) ? classNamed(ctx, type.text) : undefined;
    if (!model || !type) continue;
    for (const field of modelFields(model)) {
      const found = ctx.classifier.classifyName(field.text).map((classification): DataItem => ({ classification, protection: 'clear' }));
      if (found.length > 0) {
        recordItems(ctx, field, found, { activity: 'collected', sink: 'request', target: route, why: `a field of the request model \`${type.text}\` of ${route}`, name: `${type.text}.${field.text}` });
      }
    }
  }
}

function classNamed(ctx: RuleContext, name: string): Node | undefined {
  for (const c of ctx.root.namedChildren) {
    const def = c?.type === 'decorated_definition' ? c.childForFieldName('definition') : c;
    if (def?.type === 'class_definition' && def.childForFieldName('name')?.text === name) return def;
  }
  return undefined;
}

/** Annotated fields of a class body (`ssn: str`, `email: EmailStr = Field(...)`). */
function modelFields(cls: Node): Node[] {
  const out: Node[] = [];
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    if (a?.type !== 'assignment' || !a.childForFieldName('type')) continue;
    const left = a.childForFieldName('left');
    if (left?.type === 'identifier') out.push(left);
  }
  return out;
}
