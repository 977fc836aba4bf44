/** Syntax helpers for C# (tree-sitter-c-sharp node types). */
import type { Node } from 'web-tree-sitter';
import type { Binding, Expr, ObjectEntry, Syntax } from '../core/syntax';
import { CLASS_BODY_MEMBERS, named, walk } from '../core/syntax';

const FUNCTION_TYPES = new Set(['method_declaration', 'constructor_declaration', 'local_function_statement', 'lambda_expression', 'anonymous_method_expression']);
const WRAPPERS = new Set(['parenthesized_expression', 'cast_expression', 'await_expression', 'postfix_unary_expression', 'checked_expression']);
const STRING_TYPES = new Set(['string_literal', 'verbatim_string_literal', 'raw_string_literal']);

/** The operator token of a binary or assignment expression. */
export function operatorOf(node: Node): string {
  return node.childForFieldName('operator')?.text ?? node.children.find((c) => c && !c.isNamed)?.text ?? '';
}

function unescape(seq: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', v: '\v', a: '\x07' };
  const c = seq.slice(1);
  if (c in map) return map[c];
  if (/^[ux][0-9a-fA-F]{1,4}$/.test(c)) return String.fromCharCode(parseInt(c.slice(1), 16));
  return c;
}

function stringContent(node: Node): string | undefined {
  switch (node.type) {
    case 'string_literal': {
      let out = '';
      for (const c of named(node)) {
        if (c.type === 'string_literal_content') out += c.text;
        else if (c.type === 'escape_sequence') out += unescape(c.text);
      }
      return out;
    }
    case 'verbatim_string_literal':
      return node.text.replace(/^@"|"$/g, '').replace(/""/g, '"');
    case 'raw_string_literal':
      return named(node).filter((c) => c.type === 'raw_string_content').map((c) => c.text).join('');
    case 'interpolated_string_expression':
      if (named(node).some((c) => c.type === 'interpolation')) return undefined;
      return named(node).filter((c) => c.type === 'string_content').map((c) => c.text).join('');
    default:
      return undefined;
  }
}

function typeName(type: Node | null): string {
  if (!type) return '?';
  if (type.type === 'generic_name') return named(type)[0]?.text ?? '?';
  return type.text.replace(/\s+/g, '').replace(/^global::/, '');
}

/** The argument's value (`name: value` and `ref x` unwrapped). */
function argValue(arg: Node): Node {
  const parts = named(arg).filter((c) => c.type !== 'name_colon' && !(c.type === 'identifier' && arg.childForFieldName('name')?.id === c.id));
  return parts[parts.length - 1] ?? arg;
}

function argumentNodes(call: Node): Node[] {
  return named(call.childForFieldName('arguments')).filter((a) => a.type === 'argument');
}

function argName(arg: Node): string | undefined {
  return arg.childForFieldName('name')?.text ?? named(arg).find((c) => c.type === 'name_colon')?.namedChildren[0]?.text;
}

function pathOf(node: Node | null, depth = 0): string {
  if (!node || depth > 12) return '?';
  switch (node.type) {
    case 'identifier':
    case 'this_expression':
    case 'this':
    case 'base_expression':
    case 'predefined_type':
      return node.text;
    case 'generic_name':
      return named(node)[0]?.text ?? '?';
    case 'qualified_name':
      return node.text.replace(/\s+/g, '').replace(/^global::/, '');
    case 'member_access_expression':
      return `${pathOf(node.childForFieldName('expression'), depth + 1)}.${pathOf(node.childForFieldName('name'), depth + 1)}`;
    case 'conditional_access_expression': {
      const binding = named(node).find((c) => c.type === 'member_binding_expression');
      return `${pathOf(node.childForFieldName('condition'), depth + 1)}.${binding?.childForFieldName('name')?.text ?? '?'}`;
    }
    case 'element_access_expression': {
      const sub = named(node.childForFieldName('subscript'))[0];
      const k = sub ? stringContent(argValue(sub)) : undefined;
      return `${pathOf(node.childForFieldName('expression'), depth + 1)}${k !== undefined ? '.' + k : '[]'}`;
    }
    case 'invocation_expression':
      return `${pathOf(node.childForFieldName('function'), depth + 1)}()`;
    case 'object_creation_expression':
      return `new ${typeName(node.childForFieldName('type'))}()`;
    default:
      if (WRAPPERS.has(node.type)) return pathOf(wrapped(node) ?? null, depth + 1);
      return '?';
  }
}

function wrapped(node: Node): Node | undefined {
  if (node.type === 'cast_expression') return node.childForFieldName('value') ?? undefined;
  return named(node)[0];
}

function receiverOf(fn: Node | null): Node | undefined {
  if (!fn) return undefined;
  if (fn.type === 'member_access_expression') return fn.childForFieldName('expression') ?? undefined;
  if (fn.type === 'conditional_access_expression') return fn.childForFieldName('condition') ?? undefined;
  return undefined;
}

function methodName(fn: Node | null): string {
  if (!fn) return '';
  if (fn.type === 'member_access_expression') return pathOf(fn.childForFieldName('name'));
  if (fn.type === 'conditional_access_expression') return named(fn).find((c) => c.type === 'member_binding_expression')?.childForFieldName('name')?.text ?? '';
  if (fn.type === 'generic_name') return named(fn)[0]?.text ?? '';
  return fn.text;
}

/** Object and collection initialiser entries: `new User { Password = pw }`, `new { Password = pw }`, `["k"] = v`. */
function initializerEntries(obj: Node): ObjectEntry[] {
  const out: ObjectEntry[] = [];
  if (obj.type === 'anonymous_object_creation_expression') {
    // Children come as name, value pairs (`Password = pw`) or lone values (`user.Email`, named after the member).
    const kids = named(obj);
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      const next = kids[i + 1];
      const eq = next && obj.text.slice(k.endIndex - obj.startIndex, next.startIndex - obj.startIndex).includes('=');
      if (k.type === 'identifier' && next && eq) {
        out.push({ key: k.text, keyNode: k, value: next });
        i++;
      } else {
        const key = k.type === 'member_access_expression' ? k.childForFieldName('name')?.text : k.type === 'identifier' ? k.text : undefined;
        out.push({ key, keyNode: key ? (k.childForFieldName('name') ?? k) : undefined, value: k });
      }
    }
    return out;
  }
  const init = obj.type === 'initializer_expression' ? obj : obj.childForFieldName('initializer');
  for (const a of named(init)) {
    if (a.type !== 'assignment_expression') continue;
    const left = a.childForFieldName('left');
    const value = a.childForFieldName('right');
    if (!left || !value) continue;
    if (left.type === 'identifier') out.push({ key: left.text, keyNode: left, value });
    else if (left.type === 'element_binding_expression') {
      const keyNode = named(left)[0];
      const key = keyNode ? stringContent(argValue(keyNode)) : undefined;
      out.push({ key, keyNode: keyNode ? argValue(keyNode) : undefined, value });
    } else out.push({ value });
  }
  return out;
}

export const csharpSyntax: Syntax = {
  family: 'csharp',
  members: CLASS_BODY_MEMBERS,

  isComment: (node) => node.type === 'comment',

  isFunction: (node) => FUNCTION_TYPES.has(node.type),

  functionName(fn) {
    const name = fn.childForFieldName('name');
    if (name) return name.text;
    const parent = fn.parent;
    if (parent?.type === 'variable_declarator') return parent.childForFieldName('name')?.text;
    if (parent?.type === 'assignment_expression') return pathOf(parent.childForFieldName('left'));
    return undefined;
  },

  returns(fn) {
    const body = fn.childForFieldName('body');
    if (!body) return [];
    if (body.type === 'arrow_expression_clause') return named(body).slice(0, 1);
    if (body.type !== 'block') return [body];
    const out: Node[] = [];
    walk(body, (n) => {
      if (n !== body && (FUNCTION_TYPES.has(n.type) || n.type === 'class_declaration')) return false;
      if (n.type === 'return_statement') {
        const v = named(n).find((c) => c.type !== 'comment');
        if (v) out.push(v);
      }
      return true;
    });
    return out;
  },

  isCall: (node) => node.type === 'invocation_expression' || node.type === 'object_creation_expression',

  calleePath(call) {
    if (call.type === 'object_creation_expression') return `new ${typeName(call.childForFieldName('type'))}`;
    return pathOf(call.childForFieldName('function'));
  },

  args: (call) => argumentNodes(call).filter((a) => argName(a) === undefined).map(argValue),

  kwarg(call, name) {
    const a = argumentNodes(call).find((x) => argName(x) === name);
    return a ? argValue(a) : undefined;
  },

  expr(node): Expr {
    switch (node.type) {
      case 'identifier':
        return { kind: 'identifier', name: node.text };
      case 'member_access_expression': {
        const object = node.childForFieldName('expression');
        const name = node.childForFieldName('name');
        if (!object || !name) return { kind: 'other' };
        if (object.type === 'this_expression' || object.type === 'this') return { kind: 'identifier', name: name.text };
        return { kind: 'member', object, key: name.text, keyNode: name };
      }
      case 'conditional_access_expression': {
        const object = node.childForFieldName('condition');
        const name = named(node).find((c) => c.type === 'member_binding_expression')?.childForFieldName('name');
        if (!object || !name) return { kind: 'union', parts: object ? [object] : [] };
        return { kind: 'member', object, key: name.text, keyNode: name };
      }
      case 'element_access_expression': {
        const object = node.childForFieldName('expression');
        const sub = named(node.childForFieldName('subscript'))[0];
        const keyNode = sub ? argValue(sub) : undefined;
        const key = keyNode ? stringContent(keyNode) : undefined;
        if (object && keyNode && key !== undefined) return { kind: 'member', object, key, keyNode };
        return { kind: 'union', parts: object ? [object] : [] };
      }
      case 'invocation_expression': {
        const fn = node.childForFieldName('function');
        const receiver = receiverOf(fn);
        const name = methodName(fn);
        const args = csharpSyntax.args(node);
        // `config["Key"]`-style reads through methods: `GetValue<string>("Password")`, `GetConnectionString("Default")`.
        if (receiver && /^(GetValue|GetSection|GetEnvironmentVariable|GetString|Get)$/.test(name) && args.length === 1) {
          const key = stringContent(args[0]);
          if (key !== undefined) return { kind: 'member', object: receiver, key: key.split(':').pop() ?? key, keyNode: args[0] };
        }
        return { kind: 'call', path: pathOf(fn), name, receiver, args: [...args, ...argumentNodes(node).filter((a) => argName(a) !== undefined).map(argValue)] };
      }
      case 'object_creation_expression': {
        const type = node.childForFieldName('type');
        return { kind: 'call', path: csharpSyntax.calleePath(node), name: typeName(type).split('.').pop() ?? '', args: csharpSyntax.args(node) };
      }
      case 'anonymous_object_creation_expression':
        return { kind: 'object', entries: initializerEntries(node) };
      case 'string_literal':
      case 'verbatim_string_literal':
      case 'raw_string_literal':
        return { kind: 'string', value: stringContent(node) };
      case 'interpolated_string_expression': {
        const parts = named(node).filter((c) => c.type === 'interpolation').flatMap((c) => named(c).filter((x) => x.type !== 'interpolation_brace' && x.type !== 'interpolation_alignment_clause' && x.type !== 'interpolation_format_clause').slice(0, 1));
        return parts.length > 0 ? { kind: 'union', parts } : { kind: 'string', value: stringContent(node) };
      }
      case 'binary_expression': {
        const op = operatorOf(node);
        if (op === '+' || op === '??') return { kind: 'union', parts: [node.childForFieldName('left'), node.childForFieldName('right')].filter((n): n is Node => !!n) };
        return { kind: 'other' };
      }
      case 'conditional_expression':
        return { kind: 'union', parts: [node.childForFieldName('consequence'), node.childForFieldName('alternative')].filter((n): n is Node => !!n) };
      case 'assignment_expression': {
        const right = node.childForFieldName('right');
        return { kind: 'union', parts: right ? [right] : [] };
      }
      case 'initializer_expression':
      case 'array_creation_expression':
      case 'implicit_array_creation_expression':
      case 'collection_expression':
        return { kind: 'union', parts: named(node).filter((c) => !c.type.endsWith('type') && c.type !== 'array_rank_specifier') };
      default:
        if (WRAPPERS.has(node.type)) {
          const v = wrapped(node);
          return { kind: 'union', parts: v ? [v] : [] };
        }
        return { kind: 'other' };
    }
  },

  stringValue: (node) => stringContent(node),

  stringPrefix(node) {
    if (STRING_TYPES.has(node.type)) return stringContent(node);
    if (node.type === 'interpolated_string_expression') {
      let out = '';
      for (const c of named(node)) {
        if (c.type === 'interpolation') break;
        if (c.type === 'string_content') out += c.text;
        else if (c.type === 'escape_sequence') out += unescape(c.text);
      }
      return out;
    }
    if (node.type === 'binary_expression' && operatorOf(node) === '+') {
      const left = node.childForFieldName('left');
      return left ? csharpSyntax.stringPrefix(left) : undefined;
    }
    if (node.type === 'invocation_expression' && /^(string|String)\.Format$/.test(pathOf(node.childForFieldName('function')))) {
      const first = csharpSyntax.args(node)[0];
      return first ? stringContent(first)?.split('{')[0] : undefined;
    }
    return undefined;
  },

  property(obj, key) {
    return csharpSyntax.entries(obj).find((e) => e.key === key)?.value;
  },

  entries(obj) {
    if (obj.type === 'object_creation_expression' || obj.type === 'anonymous_object_creation_expression' || obj.type === 'initializer_expression') return initializerEntries(obj);
    if (obj.type === 'attribute') {
      const out: ObjectEntry[] = [];
      for (const a of named(named(obj).find((c) => c.type === 'attribute_argument_list'))) {
        if (a.type !== 'attribute_argument') continue;
        const nameNode = a.childForFieldName('name') ?? named(a).find((c) => c.type === 'name_equals' || c.type === 'name_colon')?.namedChildren[0] ?? undefined;
        const value = named(a).filter((c) => c.type !== 'name_equals' && c.type !== 'name_colon' && c.id !== nameNode?.id).pop();
        if (nameNode && value) out.push({ key: nameNode.text, keyNode: nameNode, value });
      }
      return out;
    }
    return [];
  },

  bindings(scope) {
    const out: Binding[] = [];
    if (FUNCTION_TYPES.has(scope.type)) {
      const params = scope.childForFieldName('parameters');
      if (params?.type === 'identifier') out.push({ name: params.text, node: params, from: scope.startIndex, param: true });
      for (const p of named(params)) {
        if (p.type !== 'parameter') continue;
        const name = p.childForFieldName('name');
        if (name) out.push({ name: name.text, node: name, from: scope.startIndex, param: true });
      }
    }
    const body = FUNCTION_TYPES.has(scope.type) ? scope.childForFieldName('body') : scope;
    if (!body) return out;
    walk(body, (n) => {
      if (n !== body && FUNCTION_TYPES.has(n.type)) {
        if (n.type === 'method_declaration' || n.type === 'local_function_statement') {
          const name = n.childForFieldName('name');
          if (name) out.push({ name: name.text, node: name, value: n, from: n.startIndex });
        }
        return false;
      }
      if (n.type === 'variable_declarator') {
        const name = n.childForFieldName('name');
        const value = named(n).filter((c) => c.id !== name?.id && c.type !== 'bracketed_argument_list').pop();
        const stmt = n.parent?.parent;
        if (name) out.push({ name: name.text, node: name, value, from: stmt ? stmt.endIndex : n.endIndex });
      } else if (n.type === 'property_declaration') {
        const name = n.childForFieldName('name');
        const value = n.childForFieldName('value') ?? undefined;
        if (name && value) out.push({ name: name.text, node: name, value, from: n.endIndex });
      } else if (n.type === 'assignment_expression') {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right') ?? undefined;
        if (left && (left.type === 'identifier' || left.type === 'member_access_expression')) {
          const e = csharpSyntax.expr(left);
          const name = e.kind === 'identifier' ? e.name : pathOf(left);
          if (name && !name.includes('?')) out.push({ name, node: left, value: operatorOf(n) === '=' ? right : n, from: n.endIndex });
        }
      } else if (n.type === 'foreach_statement') {
        const left = n.childForFieldName('left');
        if (left?.type === 'identifier') out.push({ name: left.text, node: left, value: n.childForFieldName('right') ?? undefined, from: n.startIndex });
      } else if (n.type === 'catch_declaration' || n.type === 'declaration_pattern') {
        const name = n.childForFieldName('name');
        if (name) out.push({ name: name.text, node: name, from: n.startIndex });
      } else if (n.type === 'class_declaration' || n.type === 'record_declaration') {
        const name = n.childForFieldName('name');
        if (name) out.push({ name: name.text, node: name, value: n, from: n.startIndex });
      }
      return true;
    });
    return out;
  },

  imports(root) {
    const out = new Map<string, string>();
    for (const n of root.descendantsOfType('using_directive')) {
      const alias = n?.childForFieldName('name');
      const target = n ? named(n).find((c) => c.id !== alias?.id && (c.type === 'qualified_name' || c.type === 'identifier')) : undefined;
      if (alias && target) out.set(alias.text, target.text.replace(/\s+/g, ''));
    }
    return out;
  },
};

/** Attributes on a declaration (`[HttpPost]`, `[RequestSizeLimit(…)]`). */
export function attributesOf(decl: Node): Node[] {
  return named(decl).filter((c) => c.type === 'attribute_list').flatMap((l) => named(l).filter((a) => a.type === 'attribute'));
}

/** The declared type of a parameter or variable, without generics. */
export function csharpType(decl: Node): string | undefined {
  const t = decl.childForFieldName('type') ?? (decl.type === 'variable_declarator' ? decl.parent?.childForFieldName('type') : null);
  return t ? typeName(t) : undefined;
}
