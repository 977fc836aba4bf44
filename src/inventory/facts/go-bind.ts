/**
 * Go request bodies decoded into structs: `json.NewDecoder(r.Body).Decode(&req)`, `json.Unmarshal(body, &req)` after
 * `body, _ := io.ReadAll(r.Body)`, gin `c.ShouldBindJSON(&req)` / `c.Bind(&req)`, echo `c.Bind(&u)`, fiber
 * `c.BodyParser(&u)`. The struct type, declared in the same file (or inline: `var req struct{ … }`), says which
 * fields the request carries: each field is named by its `json` / `form` / `xml` tag when it has one.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import { walk } from '../../core/syntax';
import { memo } from './common';

/** Binders of gin, echo and fiber that fill a struct from the request. */
const BINDERS = /^(ShouldBind|ShouldBindJSON|ShouldBindXML|ShouldBindYAML|ShouldBindTOML|ShouldBindQuery|ShouldBindUri|ShouldBindHeader|ShouldBindWith|ShouldBindBodyWith|Bind|BindJSON|BindXML|BindYAML|BindQuery|BindUri|BindHeader|BindWith|BodyParser|QueryParser|ReqHeaderParser|ParamsParser)$/;
const CONTEXT = /^(c|ctx|context|e|\w*[Cc]tx|\w*[Cc]ontext)$/;
const BODY = /^(r|req|request|\w*[Rr]equest|c\.Request|ctx\.Request)\.Body$/;

export interface BoundField {
  /** The name the request uses: the tag's name, or the field's. */
  field: string;
  /** `SignupRequest.SSN`. */
  path: string;
  /** How the body was read, for the explanation: `json.NewDecoder(r.Body).Decode`. */
  how: string;
}

function named(node: Node | null | undefined): Node[] {
  return node ? node.namedChildren.filter((c): c is Node => c !== null) : [];
}

/** `&req` / `req` → `req`. */
function targetName(node: Node | undefined): string | undefined {
  const n = node?.type === 'unary_expression' ? node.childForFieldName('operand') : node;
  return n?.type === 'identifier' ? n.text : undefined;
}

/** Whether `json.Unmarshal(body, …)` reads a request body: `body, err := io.ReadAll(r.Body)` earlier in the function. */
function isBodyBytes(ctx: RuleContext, node: Node, scope: Node): boolean {
  const name = node.type === 'identifier' ? node.text : undefined;
  if (!name) return false;
  const before = scope.text.slice(0, node.startIndex - scope.startIndex);
  const re = new RegExp(`\\b${name}\\s*(,\\s*\\w+\\s*)?:?=\\s*(io|ioutil)\\.ReadAll\\(\\s*([\\w.]+)\\s*\\)`, 'g');
  return [...before.matchAll(re)].some((m) => BODY.test(m[3]));
}

/** The struct type declared in this file under `name`. */
function structNamed(ctx: RuleContext, name: string): Node | undefined {
  return memo(ctx, 'goBind', `struct:${name}`, () => {
    let found: Node | undefined;
    walk(ctx.root, (n) => {
      if (found) return false;
      if (n.type === 'type_spec' && n.childForFieldName('name')?.text === name) {
        const t = n.childForFieldName('type');
        if (t?.type === 'struct_type') found = t;
        return false;
      }
      return n.type !== 'function_declaration' && n.type !== 'method_declaration';
    });
    return found;
  });
}

/** A type node to its struct: `T`, `*T`, `struct{ … }`, `pkg.T` (not declared here: undefined). */
function structOfType(ctx: RuleContext, type: Node | null | undefined): { struct: Node; name: string } | undefined {
  if (!type) return undefined;
  if (type.type === 'pointer_type') return structOfType(ctx, named(type)[0]);
  if (type.type === 'struct_type') return { struct: type, name: 'struct' };
  if (type.type === 'type_identifier') {
    const s = structNamed(ctx, type.text);
    return s ? { struct: s, name: type.text } : undefined;
  }
  return undefined;
}

/** The struct a local variable holds: `var req T`, `req := T{}`, `req := &T{}`, `req := new(T)`. */
function structOfVariable(ctx: RuleContext, name: string, scope: Node, before: number): { struct: Node; name: string } | undefined {
  let found: { struct: Node; name: string } | undefined;
  walk(scope, (n) => {
    if (n.startIndex >= before) return false;
    if (n.type === 'var_spec' && named(n).some((c) => c.type === 'identifier' && c.text === name)) {
      found = structOfType(ctx, n.childForFieldName('type')) ?? found;
    } else if (n.type === 'short_var_declaration' || n.type === 'assignment_statement') {
      const left = named(n.childForFieldName('left'));
      const right = named(n.childForFieldName('right'));
      const i = left.findIndex((c) => c.text === name);
      let v: Node | undefined = i >= 0 ? right[i] : undefined;
      if (v?.type === 'unary_expression') v = v.childForFieldName('operand') ?? undefined;
      if (v?.type === 'composite_literal') found = structOfType(ctx, v.childForFieldName('type')) ?? found;
      else if (v?.type === 'call_expression' && v.childForFieldName('function')?.text === 'new') {
        const arg = named(v.childForFieldName('arguments'))[0];
        found = structOfType(ctx, arg) ?? found;
      }
    } else if (n.type === 'parameter_declaration' && n.childForFieldName('name')?.text === name) {
      found = structOfType(ctx, n.childForFieldName('type')) ?? found;
    }
    return true;
  });
  return found;
}

/** The tag's name for a field: `json:"ssn,omitempty"` → `ssn`; `-` (never bound) → null. */
function tagName(tag: string): string | null | undefined {
  const m = /\b(json|form|xml|query|yaml)\s*:\s*"([^",]*)/.exec(tag);
  if (!m) return undefined;
  return m[2] === '-' ? null : m[2] || undefined;
}

function fieldsOf(struct: Node, typeName: string): { field: string; path: string }[] {
  const out: { field: string; path: string }[] = [];
  for (const decl of named(named(struct).find((c) => c.type === 'field_declaration_list'))) {
    if (decl.type !== 'field_declaration') continue;
    const tag = decl.childForFieldName('tag');
    const byTag = tag ? tagName(tag.text) : undefined;
    if (byTag === null) continue;
    for (const id of named(decl).filter((c) => c.type === 'field_identifier')) out.push({ field: byTag ?? id.text, path: `${typeName}.${id.text}` });
  }
  return out;
}

/** The fields of a struct a request body is decoded into at `call`, or an empty list. */
export function goBoundFields(ctx: RuleContext, call: Node): BoundField[] {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return [];
  const method = fn.childForFieldName('field')?.text ?? '';
  const operand = fn.childForFieldName('operand');
  const args = named(call.childForFieldName('arguments'));
  let target: Node | undefined;
  let how: string | undefined;
  if (method === 'Decode' && operand?.type === 'call_expression') {
    // `json.NewDecoder(r.Body).Decode(&req)`
    const maker = operand.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '';
    const src = named(operand.childForFieldName('arguments'))[0]?.text.replace(/\s+/g, '') ?? '';
    if (!/^(json|xml)\.NewDecoder$/.test(maker) || !BODY.test(src)) return [];
    target = args[0];
    how = `${maker}(${src}).Decode`;
  } else if (method === 'Unmarshal' && /^(json|xml)$/.test(operand?.text ?? '') && args.length === 2) {
    if (!isBodyBytes(ctx, args[0], ctx.flow.scopeOf(call))) return [];
    target = args[1];
    how = `${operand?.text}.Unmarshal`;
  } else if (BINDERS.test(method) && CONTEXT.test(operand?.text ?? '')) {
    target = args[0];
    how = `${operand?.text}.${method}`;
  }
  const name = targetName(target);
  if (!name || !how) return [];
  const scope = ctx.flow.scopeOf(call);
  const found = structOfVariable(ctx, name, scope, call.startIndex);
  if (!found) return [];
  return fieldsOf(found.struct, found.name === 'struct' ? name : found.name).map((f) => ({ ...f, how }));
}
