/** Syntax helpers for Java (tree-sitter-java node types). */
import type { Node } from 'web-tree-sitter';
import type { Binding, Expr, ObjectEntry, Syntax } from '../core/syntax';
import { CLASS_BODY_MEMBERS, named, walk } from '../core/syntax';

const FUNCTION_TYPES = new Set(['method_declaration', 'constructor_declaration', 'compact_constructor_declaration', 'lambda_expression']);
const WRAPPERS = new Set(['parenthesized_expression', 'cast_expression']);

/**
 * Calls that read one named value from a map-like receiver: `request.getParameter("ssn")`, `props.getProperty(
 * "db.password")`, `System.getenv("API_KEY")`, `map.get("card")`. The data flow treats them as a member access.
 */
const KEYED_READS = new Set(['get', 'getOrDefault', 'getParameter', 'getHeader', 'getProperty', 'getAttribute', 'getString', 'getenv', 'getFirst', 'getValue', 'getPart', 'getFile', 'optString']);

/**
 * Message catalogues whose `getString("key")` returns a translated message, not a stored value: Tomcat's
 * `StringManager` (`sm.getString("realm.getPassword")`), the servlet API's `lStrings`, a `messages` catalogue.
 */
const MESSAGE_BUNDLE = /^(sm|sm[A-Z]\w*|\w*StringManager|lStrings|[mM]essages|MESSAGES)$/;

function isString(node: Node): boolean {
  return node.type === 'string_literal';
}

function stringContent(node: Node): string | undefined {
  if (!isString(node)) return undefined;
  let out = '';
  for (const c of named(node)) {
    if (c.type === 'string_fragment') out += c.text;
    else if (c.type === 'multiline_string_fragment') out += c.text.replace(/^\n/, '');
    else if (c.type === 'escape_sequence') out += unescape(c.text);
    else if (c.type === 'string_interpolation') return undefined;
  }
  return out;
}

function unescape(seq: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', s: ' ' };
  const c = seq.slice(1);
  if (c in map) return map[c];
  if (/^u+[0-9a-fA-F]{4}$/.test(c)) return String.fromCharCode(parseInt(c.replace(/^u+/, ''), 16));
  return c;
}

/** `HashMap<String, X>` → `HashMap`; `java.net.URL` stays dotted. */
function typeName(type: Node | null): string {
  if (!type) return '?';
  if (type.type === 'generic_type') return typeName(named(type)[0] ?? null);
  return type.text.replace(/\s+/g, '');
}

/** Dotted path of an expression used as a callee: `a.b.c`, `f().g`, `new URL()`. */
function pathOf(node: Node | null, depth = 0): string {
  if (!node || depth > 12) return '?';
  switch (node.type) {
    case 'identifier':
    case 'this':
    case 'super':
    case 'type_identifier':
      return node.text;
    case 'scoped_identifier':
    case 'scoped_type_identifier':
      return node.text.replace(/\s+/g, '');
    case 'field_access':
      return `${pathOf(node.childForFieldName('object'), depth + 1)}.${node.childForFieldName('field')?.text ?? '?'}`;
    case 'array_access':
      return `${pathOf(node.childForFieldName('array'), depth + 1)}[]`;
    case 'method_invocation':
      return `${calleeOf(node, depth + 1)}()`;
    case 'object_creation_expression':
      return `new ${typeName(node.childForFieldName('type'))}()`;
    case 'string_literal':
      return '"str"';
    default:
      if (WRAPPERS.has(node.type)) return pathOf(valueOfWrapper(node) ?? null, depth + 1);
      return '?';
  }
}

function calleeOf(call: Node, depth = 0): string {
  if (call.type === 'object_creation_expression') return `new ${typeName(call.childForFieldName('type'))}`;
  const name = call.childForFieldName('name')?.text ?? '?';
  const object = call.childForFieldName('object');
  return object ? `${pathOf(object, depth)}.${name}` : name;
}

function valueOfWrapper(node: Node): Node | undefined {
  if (node.type === 'cast_expression') return node.childForFieldName('value') ?? undefined;
  return named(node)[0];
}

function argumentList(call: Node): Node[] {
  return named(call.childForFieldName('arguments')).filter((a) => a.type !== 'line_comment' && a.type !== 'block_comment');
}

/** `get…()` calls that are not property reads (they convert or open something). */
const NOT_GETTERS = new Set(['getBytes', 'getClass', 'getInstance', 'getConnection', 'getOutputStream', 'getInputStream', 'getEncoder', 'getDecoder', 'getUrlEncoder', 'getMimeEncoder', 'getLogger', 'getDefault', 'getRuntime']);

/** `getSsn` → `ssn`; undefined for other names (`isAdmin()` is a boolean, not data). */
function getterKey(name: string): string | undefined {
  if (NOT_GETTERS.has(name)) return undefined;
  // `isX()` returns a boolean about X (`isRequestedSessionIdFromCookie()`), never X itself: not a getter of data.
  const m = /^get([A-Z].*)$/.exec(name);
  if (!m) return undefined;
  const rest = m[1];
  // `getURL` stays `URL`; `getCardNumber` → `cardNumber`.
  return /^[A-Z]{2}/.test(rest) ? rest : rest[0].toLowerCase() + rest.slice(1);
}

/** Annotations on a declaration (class, field, method, parameter). */
export function annotationsOf(decl: Node): Node[] {
  const mods = named(decl).find((c) => c.type === 'modifiers');
  return named(mods).filter((c) => c.type === 'annotation' || c.type === 'marker_annotation');
}

/** The simple name of an annotation (`@javax.persistence.Column` → `Column`). */
export function annotationName(annotation: Node): string {
  const name = annotation.childForFieldName('name')?.text ?? '';
  return name.slice(name.lastIndexOf('.') + 1);
}

/** The declared type of a field, local variable or parameter, without generics (`List<X>` → `List`). */
export function declaredType(decl: Node): string | undefined {
  const t = decl.childForFieldName('type');
  return t ? typeName(t) : undefined;
}

export const javaSyntax: Syntax = {
  family: 'java',
  members: CLASS_BODY_MEMBERS,

  isComment: (node) => node.type === 'line_comment' || node.type === 'block_comment',

  isFunction: (node) => FUNCTION_TYPES.has(node.type),

  functionName(fn) {
    const name = fn.childForFieldName('name');
    if (name) return name.text;
    const parent = fn.parent;
    if (parent?.type === 'variable_declarator') return parent.childForFieldName('name')?.text;
    return undefined;
  },

  returns(fn) {
    const body = fn.childForFieldName('body');
    if (!body) return [];
    if (fn.type === 'lambda_expression' && body.type !== 'block') return [body];
    const out: Node[] = [];
    walk(body, (n) => {
      if (n !== body && (FUNCTION_TYPES.has(n.type) || n.type === 'class_body')) return false;
      if (n.type === 'return_statement') {
        const v = named(n).find((c) => c.type !== 'line_comment' && c.type !== 'block_comment');
        if (v) out.push(v);
      }
      return true;
    });
    return out;
  },

  isCall: (node) => node.type === 'method_invocation' || node.type === 'object_creation_expression',

  calleePath: (call) => calleeOf(call),

  args: (call) => argumentList(call),

  kwarg: () => undefined,

  expr(node): Expr {
    switch (node.type) {
      case 'identifier':
        return { kind: 'identifier', name: node.text };
      case 'field_access': {
        const object = node.childForFieldName('object');
        const field = node.childForFieldName('field');
        if (!object || !field) return { kind: 'other' };
        // `this.password` reads the field `password`.
        if (object.type === 'this') return { kind: 'identifier', name: field.text };
        return { kind: 'member', object, key: field.text, keyNode: field };
      }
      case 'array_access': {
        const array = node.childForFieldName('array');
        return { kind: 'union', parts: array ? [array] : [] };
      }
      case 'method_invocation': {
        const nameNode = node.childForFieldName('name');
        const name = nameNode?.text ?? '';
        const receiver = node.childForFieldName('object') ?? undefined;
        const args = argumentList(node);
        // A getter reads a property: `user.getSsn()` is `user.ssn`.
        const getter = getterKey(name);
        if (receiver && nameNode && args.length === 0 && getter && receiver.type !== 'this') return { kind: 'member', object: receiver, key: getter, keyNode: nameNode };
        // A keyed read with a static key: `request.getParameter("ssn")`.
        if (receiver && KEYED_READS.has(name) && args.length === 1 && !(name === 'getString' && MESSAGE_BUNDLE.test(receiver.text))) {
          const key = stringContent(args[0]);
          if (key !== undefined) return { kind: 'member', object: receiver, key, keyNode: args[0] };
        }
        return { kind: 'call', path: calleeOf(node), name, receiver, args };
      }
      case 'object_creation_expression': {
        const type = node.childForFieldName('type');
        const name = typeName(type).split('.').pop() ?? '';
        return { kind: 'call', path: calleeOf(node), name, args: argumentList(node) };
      }
      case 'string_literal':
        return { kind: 'string', value: stringContent(node) };
      case 'binary_expression': {
        const op = node.childForFieldName('operator')?.text;
        if (op === '+') return { kind: 'union', parts: [node.childForFieldName('left'), node.childForFieldName('right')].filter((n): n is Node => !!n) };
        return { kind: 'other' };
      }
      case 'ternary_expression':
        return { kind: 'union', parts: [node.childForFieldName('consequence'), node.childForFieldName('alternative')].filter((n): n is Node => !!n) };
      case 'array_initializer':
        return { kind: 'union', parts: named(node) };
      case 'array_creation_expression': {
        const v = node.childForFieldName('value');
        return { kind: 'union', parts: v ? [v] : [] };
      }
      case 'assignment_expression': {
        const right = node.childForFieldName('right');
        return { kind: 'union', parts: right ? [right] : [] };
      }
      default:
        if (WRAPPERS.has(node.type)) {
          const v = valueOfWrapper(node);
          return { kind: 'union', parts: v ? [v] : [] };
        }
        return { kind: 'other' };
    }
  },

  stringValue: (node) => stringContent(node),

  stringPrefix(node) {
    if (isString(node)) {
      let out = '';
      for (const c of named(node)) {
        if (c.type === 'string_interpolation') break;
        if (c.type === 'string_fragment' || c.type === 'multiline_string_fragment') out += c.text;
        else if (c.type === 'escape_sequence') out += unescape(c.text);
      }
      return out;
    }
    if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '+') {
      const left = node.childForFieldName('left');
      return left ? javaSyntax.stringPrefix(left) : undefined;
    }
    if (node.type === 'method_invocation') {
      // String.format("http://%s/x", host) and "http://%s".formatted(host)
      const name = node.childForFieldName('name')?.text;
      const object = node.childForFieldName('object');
      if (name === 'format' && object?.text === 'String') {
        const first = argumentList(node)[0];
        const s = first ? stringContent(first) : undefined;
        return s?.split('%')[0];
      }
      if (name === 'formatted' && object) return stringContent(object)?.split('%')[0];
    }
    return undefined;
  },

  property(obj, key) {
    const found = javaSyntax.entries(obj).find((e) => e.key === key)?.value;
    if (found) return found;
    // `@Value("${x}")` is `@Value(value = "${x}")`.
    if (key === 'value' && obj.type === 'annotation') {
      const only = named(obj.childForFieldName('arguments')).filter((c) => c.type !== 'element_value_pair');
      if (only.length === 1) return only[0];
    }
    return undefined;
  },

  entries(obj) {
    const out: ObjectEntry[] = [];
    if (obj.type === 'annotation') {
      for (const c of named(obj.childForFieldName('arguments'))) {
        if (c.type !== 'element_value_pair') continue;
        const keyNode = c.childForFieldName('key');
        const value = c.childForFieldName('value');
        if (keyNode && value) out.push({ key: keyNode.text, keyNode, value });
      }
    } else if (obj.type === 'method_invocation') {
      // Map.of("password", pw, "email", email) and ImmutableMap.of(...): alternate keys and values.
      const name = obj.childForFieldName('name')?.text;
      const recv = obj.childForFieldName('object')?.text ?? '';
      if (name === 'of' && /(^|\.)(Map|ImmutableMap)$/.test(recv)) {
        const args = argumentList(obj);
        for (let i = 0; i + 1 < args.length; i += 2) {
          const key = stringContent(args[i]);
          out.push({ key, keyNode: args[i], value: args[i + 1] });
        }
      }
    }
    return out;
  },

  bindings(scope) {
    const out: Binding[] = [];
    if (FUNCTION_TYPES.has(scope.type)) {
      const params = scope.childForFieldName('parameters');
      if (params?.type === 'identifier') out.push({ name: params.text, node: params, from: scope.startIndex, param: true });
      for (const p of named(params)) {
        if (p.type === 'identifier') out.push({ name: p.text, node: p, from: scope.startIndex, param: true });
        else if (p.type === 'formal_parameter' || p.type === 'spread_parameter') {
          const name = p.childForFieldName('name') ?? named(p).find((c) => c.type === 'variable_declarator')?.childForFieldName('name') ?? named(p).find((c) => c.type === 'identifier');
          if (name) out.push({ name: name.text, node: name, from: scope.startIndex, param: true });
        }
      }
    }
    const body = FUNCTION_TYPES.has(scope.type) ? scope.childForFieldName('body') : scope;
    if (!body) return out;
    walk(body, (n) => {
      if (n !== body && FUNCTION_TYPES.has(n.type)) {
        // Methods bind their name in the class (calls to local helpers).
        if (n.type === 'method_declaration') {
          const name = n.childForFieldName('name');
          if (name) out.push({ name: name.text, node: name, value: n, from: n.startIndex });
        }
        return false;
      }
      if (n.type === 'local_variable_declaration' || n.type === 'field_declaration' || n.type === 'constant_declaration') {
        for (const d of named(n)) {
          if (d.type !== 'variable_declarator') continue;
          const name = d.childForFieldName('name');
          if (name) out.push({ name: name.text, node: name, value: d.childForFieldName('value') ?? undefined, from: n.endIndex });
        }
      } else if (n.type === 'assignment_expression') {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right') ?? undefined;
        const op = n.childForFieldName('operator')?.text ?? '=';
        if (left) {
          const name = left.type === 'field_access' && left.childForFieldName('object')?.type === 'this' ? (left.childForFieldName('field')?.text ?? '') : pathOf(left);
          if (name && !name.includes('?')) out.push({ name, node: left, value: op === '=' ? right : n, from: n.endIndex });
        }
      } else if (n.type === 'enhanced_for_statement') {
        const name = n.childForFieldName('name');
        if (name) out.push({ name: name.text, node: name, value: n.childForFieldName('value') ?? undefined, from: n.startIndex });
      } else if (n.type === 'catch_formal_parameter') {
        const name = n.childForFieldName('name');
        if (name) out.push({ name: name.text, node: name, from: n.startIndex });
      } else if (n.type === 'resource') {
        const name = n.childForFieldName('name');
        if (name) out.push({ name: name.text, node: name, value: n.childForFieldName('value') ?? undefined, from: n.endIndex });
      } else if (n.type === 'class_declaration' || n.type === 'record_declaration' || n.type === 'enum_declaration' || n.type === 'interface_declaration') {
        const name = n.childForFieldName('name');
        if (name) out.push({ name: name.text, node: name, value: n, from: n.startIndex });
      }
      return true;
    });
    return out;
  },

  imports(root) {
    const out = new Map<string, string>();
    for (const n of named(root)) {
      if (n.type !== 'import_declaration') continue;
      if (named(n).some((c) => c.type === 'asterisk')) continue;
      const path = named(n).find((c) => c.type === 'scoped_identifier' || c.type === 'identifier');
      if (!path) continue;
      const full = path.text.replace(/\s+/g, '');
      out.set(full.slice(full.lastIndexOf('.') + 1), full);
    }
    return out;
  },
};
