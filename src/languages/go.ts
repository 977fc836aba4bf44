/** Syntax helpers for Go (tree-sitter-go node types). */
import type { Node } from 'web-tree-sitter';
import type { Binding, Expr, ObjectEntry, Syntax } from '../core/syntax';
import { CLASS_BODY_MEMBERS, named, walk } from '../core/syntax';

const FUNCTION_TYPES = new Set(['function_declaration', 'method_declaration', 'func_literal']);
/** Expressions that hand on one value unchanged: `(x)`, `&x`, `*x`, `x.(T)`, `[]byte(x)`. */
const WRAPPERS = new Set(['parenthesized_expression', 'type_assertion_expression', 'type_conversion_expression']);
const STRING_TYPES = new Set(['interpreted_string_literal', 'raw_string_literal']);

function unescape(seq: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };
  const c = seq.slice(1);
  if (c in map) return map[c];
  if (/^[xuU][0-9a-fA-F]+$/.test(c)) {
    const code = parseInt(c.slice(1), 16);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  }
  return c;
}

/** Content of a string literal (escapes decoded); undefined for anything else. */
function stringContent(node: Node): string | undefined {
  if (node.type === 'raw_string_literal') return named(node).map((c) => c.text).join('');
  if (node.type !== 'interpreted_string_literal') return undefined;
  let out = '';
  for (const c of named(node)) {
    if (c.type === 'escape_sequence') out += unescape(c.text);
    else out += c.text;
  }
  return out;
}

/** The expression inside `&x` / `*x` / `(x)`, or the node itself. */
function unwrapped(node: Node): Node {
  let n = node;
  for (let i = 0; i < 16; i++) {
    if (n.type === 'unary_expression' && (n.childForFieldName('operator')?.text === '&' || n.childForFieldName('operator')?.text === '*')) {
      n = n.childForFieldName('operand') ?? n;
    } else if (n.type === 'parenthesized_expression') n = named(n)[0] ?? n;
    else break;
  }
  return n;
}

function pathOf(node: Node | null, depth = 0): string {
  if (!node || depth > 12) return '?';
  switch (node.type) {
    case 'identifier':
    case 'field_identifier':
    case 'package_identifier':
    case 'type_identifier':
      return node.text;
    case 'selector_expression':
      return `${pathOf(node.childForFieldName('operand'), depth + 1)}.${node.childForFieldName('field')?.text ?? '?'}`;
    case 'qualified_type':
      return `${node.childForFieldName('package')?.text ?? '?'}.${node.childForFieldName('name')?.text ?? '?'}`;
    case 'index_expression': {
      const index = node.childForFieldName('index');
      const k = index ? stringContent(index) : undefined;
      return `${pathOf(node.childForFieldName('operand'), depth + 1)}${k !== undefined ? '.' + k : '[]'}`;
    }
    case 'call_expression':
      return `${pathOf(node.childForFieldName('function'), depth + 1)}()`;
    case 'composite_literal':
      return `${pathOf(node.childForFieldName('type'), depth + 1)}{}`;
    case 'generic_type':
      return pathOf(node.childForFieldName('type'), depth + 1);
    case 'unary_expression':
    case 'parenthesized_expression':
      return pathOf(unwrapped(node) === node ? null : unwrapped(node), depth + 1);
    default:
      return '?';
  }
}

function argumentList(call: Node): Node[] {
  return named(call.childForFieldName('arguments')).filter((a) => a.type !== 'comment');
}

/** The children of an expression_list, or the node itself. */
function listOf(node: Node | null | undefined): Node[] {
  if (!node) return [];
  return node.type === 'expression_list' ? named(node).filter((c) => c.type !== 'comment') : [node];
}

/** `a, b := f()` gives every name the call; `a, b := x, y` pairs them. */
function pair(targets: Node[], values: Node[], i: number): Node | undefined {
  if (values.length === targets.length) return values[i];
  return values.length === 1 ? values[0] : undefined;
}

/** `err` from `json.NewEncoder(w).Encode(creds)` is an error, not the data: only error constructors give it a value. */
function errorValue(name: string, value: Node | undefined): Node | undefined {
  if (!value || !/^(err|\w+Err|\w+Error)$/.test(name)) return value;
  return value.type === 'call_expression' && /^(fmt\.Errorf|errors\.(New|Join|Wrap|Wrapf))$/.test(pathOf(value.childForFieldName('function'))) ? value : undefined;
}

function pushTarget(target: Node, value: Node | undefined, from: number, out: Binding[], param = false): void {
  if (target.type === 'identifier') {
    if (target.text !== '_') out.push({ name: target.text, node: target, value: errorValue(target.text, value), from, param });
  } else if (target.type === 'selector_expression' || target.type === 'index_expression') {
    out.push({ name: pathOf(target), node: target, value, from, param });
  } else if (target.type === 'unary_expression' || target.type === 'parenthesized_expression') {
    const inner = unwrapped(target);
    if (inner !== target) pushTarget(inner, value, from, out, param);
  }
}

function paramBindings(list: Node | null, from: number, out: Binding[]): void {
  for (const p of named(list)) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    for (const name of p.childrenForFieldName('name')) if (name) pushTarget(name, undefined, from, out, true);
  }
}

/** The package name a Go import path binds when it has no alias: `github.com/golang-jwt/jwt/v5` -> `jwt`. */
export function goPackageName(importPath: string): string {
  const parts = importPath.split('/').filter((p) => p && !/^v\d+$/.test(p));
  let last = parts[parts.length - 1] ?? importPath;
  last = last.replace(/\.v\d+$/, '').replace(/^go-/, '').replace(/-go$/, '');
  return last.replace(/[^A-Za-z0-9_]/g, '_');
}

export const goSyntax: Syntax = {
  family: 'go',
  members: CLASS_BODY_MEMBERS,

  isComment: (node) => node.type === 'comment',

  isFunction: (node) => FUNCTION_TYPES.has(node.type),

  functionName(fn) {
    if (fn.type !== 'func_literal') return fn.childForFieldName('name')?.text;
    // f := func(...) {...}
    const list = fn.parent;
    const decl = list?.type === 'expression_list' ? list.parent : list;
    if (decl && (decl.type === 'short_var_declaration' || decl.type === 'assignment_statement')) {
      const values = listOf(decl.childForFieldName('right'));
      const targets = listOf(decl.childForFieldName('left'));
      const i = values.findIndex((v) => v.id === fn.id);
      if (i >= 0 && targets[i]) return pathOf(targets[i]);
    }
    return undefined;
  },

  returns(fn) {
    const body = fn.childForFieldName('body');
    if (!body) return [];
    const out: Node[] = [];
    walk(body, (n) => {
      if (n !== body && FUNCTION_TYPES.has(n.type)) return false;
      if (n.type === 'return_statement') {
        for (const v of listOf(named(n)[0])) if (v.type !== 'nil') out.push(v);
      }
      return true;
    });
    return out;
  },

  isCall: (node) => node.type === 'call_expression',

  calleePath: (call) => pathOf(call.childForFieldName('function')),

  args: (call) => argumentList(call),

  kwarg: () => undefined,

  expr(node): Expr {
    switch (node.type) {
      case 'identifier':
        return { kind: 'identifier', name: node.text };
      case 'selector_expression': {
        const object = node.childForFieldName('operand');
        const field = node.childForFieldName('field');
        if (!object || !field) return { kind: 'other' };
        return { kind: 'member', object, key: field.text, keyNode: field };
      }
      case 'index_expression': {
        const object = node.childForFieldName('operand');
        const index = node.childForFieldName('index');
        const key = index ? stringContent(index) : undefined;
        if (object && index && key !== undefined) return { kind: 'member', object, key, keyNode: index };
        return { kind: 'union', parts: object ? [object] : [] };
      }
      case 'slice_expression': {
        const operand = node.childForFieldName('operand');
        return { kind: 'union', parts: operand ? [operand] : [] };
      }
      case 'call_expression': {
        const fn = node.childForFieldName('function');
        const receiver = fn?.type === 'selector_expression' ? (fn.childForFieldName('operand') ?? undefined) : undefined;
        const name = fn?.type === 'selector_expression' ? (fn.childForFieldName('field')?.text ?? '') : (fn?.text ?? '');
        return { kind: 'call', path: pathOf(fn), name, receiver, args: argumentList(node) };
      }
      case 'interpreted_string_literal':
      case 'raw_string_literal':
        return { kind: 'string', value: stringContent(node) };
      case 'binary_expression': {
        const op = node.childForFieldName('operator')?.text;
        if (op === '+' || op === '||' || op === '&&') return { kind: 'union', parts: [node.childForFieldName('left'), node.childForFieldName('right')].filter((n): n is Node => !!n) };
        return { kind: 'other' };
      }
      case 'unary_expression': {
        const op = node.childForFieldName('operator')?.text;
        const operand = node.childForFieldName('operand');
        if ((op === '&' || op === '*' || op === '<-') && operand) return { kind: 'union', parts: [operand] };
        return { kind: 'other' };
      }
      case 'composite_literal': {
        const entries = goSyntax.entries(node);
        if (entries.some((e) => e.key !== undefined)) return { kind: 'object', entries };
        return { kind: 'union', parts: entries.map((e) => e.value) };
      }
      case 'expression_list':
        return { kind: 'union', parts: listOf(node) };
      case 'type_conversion_expression': {
        const operand = node.childForFieldName('operand');
        return { kind: 'union', parts: operand ? [operand] : [] };
      }
      case 'type_assertion_expression': {
        const operand = node.childForFieldName('operand');
        return { kind: 'union', parts: operand ? [operand] : [] };
      }
      default:
        if (WRAPPERS.has(node.type)) return { kind: 'union', parts: named(node).slice(0, 1) };
        return { kind: 'other' };
    }
  },

  stringValue: (node) => stringContent(node),

  stringPrefix(node) {
    if (STRING_TYPES.has(node.type)) return stringContent(node);
    if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '+') {
      const left = node.childForFieldName('left');
      return left ? goSyntax.stringPrefix(left) : undefined;
    }
    if (node.type === 'call_expression') {
      // fmt.Sprintf("http://%s/api", host)
      const path = pathOf(node.childForFieldName('function'));
      if (/^fmt\.Sprintf$/.test(path)) {
        const first = argumentList(node)[0];
        const s = first ? stringContent(first) : undefined;
        return s?.split('%')[0];
      }
    }
    if (node.type === 'parenthesized_expression') {
      const inner = named(node)[0];
      return inner ? goSyntax.stringPrefix(inner) : undefined;
    }
    return undefined;
  },

  property(obj, key) {
    return goSyntax.entries(obj).find((e) => e.key === key)?.value;
  },

  entries(obj) {
    const lit = unwrapped(obj);
    if (lit.type !== 'composite_literal' && lit.type !== 'literal_value') return [];
    const body = lit.type === 'literal_value' ? lit : lit.childForFieldName('body');
    const out: ObjectEntry[] = [];
    for (const c of named(body)) {
      if (c.type === 'keyed_element') {
        const keyEl = c.childForFieldName('key');
        const valueEl = c.childForFieldName('value');
        const keyNode = keyEl?.type === 'literal_element' ? named(keyEl)[0] : (keyEl ?? undefined);
        const value = valueEl?.type === 'literal_element' ? named(valueEl)[0] : (valueEl ?? undefined);
        if (!value) continue;
        let key: string | undefined;
        if (keyNode?.type === 'identifier' || keyNode?.type === 'field_identifier') key = keyNode.text;
        else if (keyNode) key = stringContent(keyNode);
        out.push({ key, keyNode: keyNode ?? undefined, value });
      } else if (c.type === 'literal_element') {
        const v = named(c)[0];
        if (v) out.push({ value: v });
      }
    }
    return out;
  },

  bindings(scope) {
    const out: Binding[] = [];
    if (FUNCTION_TYPES.has(scope.type)) {
      paramBindings(scope.childForFieldName('receiver'), scope.startIndex, out);
      paramBindings(scope.childForFieldName('parameters'), scope.startIndex, out);
    }
    const body = FUNCTION_TYPES.has(scope.type) ? scope.childForFieldName('body') : scope;
    if (!body) return out;
    walk(body, (n) => {
      if (n !== body && FUNCTION_TYPES.has(n.type)) {
        if (n.type === 'function_declaration') {
          const name = n.childForFieldName('name');
          if (name) out.push({ name: name.text, node: name, value: n, from: n.startIndex });
        }
        return false;
      }
      switch (n.type) {
        case 'short_var_declaration':
        case 'assignment_statement': {
          const targets = listOf(n.childForFieldName('left'));
          const values = listOf(n.childForFieldName('right'));
          const op = n.type === 'assignment_statement' ? n.childForFieldName('operator')?.text : ':=';
          targets.forEach((t, i) => pushTarget(t, op && op !== '=' && op !== ':=' ? n : pair(targets, values, i), n.endIndex, out));
          break;
        }
        case 'var_spec':
        case 'const_spec': {
          const targets = n.childrenForFieldName('name').filter((c): c is Node => !!c);
          const values = listOf(n.childForFieldName('value'));
          targets.forEach((t, i) => pushTarget(t, pair(targets, values, i), n.endIndex, out));
          break;
        }
        case 'range_clause': {
          const targets = listOf(n.childForFieldName('left'));
          const right = n.childForFieldName('right') ?? undefined;
          targets.forEach((t) => pushTarget(t, right, n.startIndex, out));
          break;
        }
        case 'type_spec': {
          const name = n.childForFieldName('name');
          if (name) out.push({ name: name.text, node: name, value: n, from: n.startIndex });
          break;
        }
        default:
          break;
      }
      return true;
    });
    return out;
  },

  imports(root) {
    const out = new Map<string, string>();
    for (const spec of root.descendantsOfType('import_spec')) {
      if (!spec) continue;
      const pathNode = spec.childForFieldName('path');
      const path = pathNode ? stringContent(pathNode) : undefined;
      if (!path) continue;
      const alias = spec.childForFieldName('name');
      const pkg = goPackageName(path);
      if (alias?.type === 'package_identifier' && alias.text !== pkg) out.set(alias.text, pkg);
    }
    return out;
  },
};

/** Go helpers the rules share. */
export const goHelpers = { stringContent, unwrapped, pathOf, listOf };
