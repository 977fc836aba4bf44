/**
 * Syntax helpers for Ruby (tree-sitter-ruby node types). Instance variables keep their `@` (`@user`), symbols and
 * hash keys are read without their colon (`:password` and `password:` are `password`).
 */
import type { Node } from 'web-tree-sitter';
import type { Binding, Expr, ObjectEntry, Syntax } from '../core/syntax';
import { CLASS_BODY_MEMBERS, named, walk } from '../core/syntax';

const FUNCTION_TYPES = new Set(['method', 'singleton_method', 'lambda', 'block', 'do_block']);
const WRAPPERS = new Set(['parenthesized_statements', 'begin']);
/** Argument-less methods that transform their receiver (not attribute readers): `h.to_json`, `s.strip`. */
const TRANSFORMS = new Set(['to_json', 'to_s', 'to_str', 'to_h', 'to_a', 'to_param', 'as_json', 'inspect', 'strip', 'squish', 'downcase', 'upcase', 'dup', 'freeze', 'compact', 'chomp']);

function unescape(seq: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', s: ' ', e: '\x1b' };
  const c = seq.slice(1);
  return c in map ? map[c] : c;
}

/** Content of a string or symbol without interpolation. */
function stringContent(node: Node): string | undefined {
  switch (node.type) {
    case 'string':
    case 'bare_string': {
      let out = '';
      for (const c of named(node)) {
        if (c.type === 'string_content') out += c.text;
        else if (c.type === 'escape_sequence') out += unescape(c.text);
        else return undefined;
      }
      return out;
    }
    case 'simple_symbol':
      return node.text.replace(/^:/, '');
    case 'hash_key_symbol':
      return node.text;
    case 'delimited_symbol': {
      let out = '';
      for (const c of named(node)) {
        if (c.type === 'string_content') out += c.text;
        else return undefined;
      }
      return out;
    }
    default:
      return undefined;
  }
}

function pathOf(node: Node | null, depth = 0): string {
  if (!node || depth > 12) return '?';
  switch (node.type) {
    case 'identifier':
    case 'constant':
    case 'instance_variable':
    case 'class_variable':
    case 'global_variable':
    case 'self':
      return node.text;
    case 'scope_resolution': {
      const scope = node.childForFieldName('scope');
      const name = node.childForFieldName('name')?.text ?? '?';
      return scope ? `${pathOf(scope, depth + 1)}.${name}` : name;
    }
    case 'call': {
      const recv = node.childForFieldName('receiver');
      const method = node.childForFieldName('method')?.text ?? '?';
      // `Rails.logger` is a reader call without arguments: keep it as a path segment.
      const hasArgs = !!node.childForFieldName('arguments');
      return `${recv ? `${pathOf(recv, depth + 1)}.` : ''}${method}${hasArgs ? '()' : ''}`;
    }
    case 'element_reference': {
      const [obj, index] = named(node);
      const k = index ? stringContent(index) : undefined;
      return `${pathOf(obj ?? null, depth + 1)}${k !== undefined ? '.' + k : '[]'}`;
    }
    default:
      if (WRAPPERS.has(node.type)) return pathOf(named(node)[0] ?? null, depth + 1);
      return '?';
  }
}

function calleePath(call: Node): string {
  const recv = call.childForFieldName('receiver');
  const method = call.childForFieldName('method')?.text ?? '?';
  return recv ? `${pathOf(recv)}.${method}` : method;
}

function argumentList(call: Node): Node[] {
  return named(call.childForFieldName('arguments')).filter((a) => a.type !== 'comment');
}

function hashEntries(nodes: Node[]): ObjectEntry[] {
  const out: ObjectEntry[] = [];
  for (const c of nodes) {
    if (c.type === 'pair') {
      const keyNode = c.childForFieldName('key');
      const value = c.childForFieldName('value');
      if (value) out.push({ key: keyNode ? stringContent(keyNode) : undefined, keyNode: keyNode ?? undefined, value });
    } else if (c.type === 'hash_splat_argument') {
      const v = named(c)[0];
      if (v) out.push({ value: v });
    }
  }
  return out;
}

function collectTargets(target: Node, value: Node | undefined, from: number, out: Binding[], param = false, depth = 0): void {
  if (depth > 32) return;
  switch (target.type) {
    case 'identifier':
    case 'constant':
    case 'instance_variable':
    case 'class_variable':
    case 'global_variable':
      out.push({ name: target.text, node: target, value, from, param });
      return;
    case 'call':
    case 'element_reference':
      out.push({ name: pathOf(target).replace(/\(\)$/, ''), node: target, value, from, param });
      return;
    case 'left_assignment_list':
    case 'destructured_left_assignment': {
      const targets = named(target);
      const values = value?.type === 'right_assignment_list' ? named(value) : undefined;
      targets.forEach((t, i) => collectTargets(t, values && values.length === targets.length ? values[i] : value, from, out, param, depth + 1));
      return;
    }
    case 'rest_assignment': {
      const id = named(target)[0];
      if (id) collectTargets(id, value, from, out, param, depth + 1);
      return;
    }
    default:
      return;
  }
}

export const rubySyntax: Syntax = {
  family: 'ruby',
  members: CLASS_BODY_MEMBERS,

  isComment: (node) => node.type === 'comment',

  isFunction: (node) => FUNCTION_TYPES.has(node.type),

  functionName(fn) {
    const name = fn.childForFieldName('name');
    if (name) return name.text;
    const parent = fn.parent;
    if (parent?.type === 'assignment') return pathOf(parent.childForFieldName('left'));
    return undefined;
  },

  returns(fn) {
    const body = fn.childForFieldName('body');
    if (!body) return [];
    const out: Node[] = [];
    walk(body, (n) => {
      if (n !== body && FUNCTION_TYPES.has(n.type)) return false;
      if (n.type === 'return') {
        const v = named(named(n)[0])[0] ?? named(n)[0];
        if (v) out.push(v);
      }
      return true;
    });
    // The last expression is the value of a method.
    const last = named(body).filter((c) => c.type !== 'comment').at(-1);
    if (last && last.type !== 'return') out.push(last);
    return out;
  },

  isCall: (node) => node.type === 'call',

  calleePath,

  args: (call) => argumentList(call).filter((a) => a.type !== 'pair' && a.type !== 'block_argument'),

  kwarg(call, name) {
    return hashEntries(argumentList(call)).find((e) => e.key === name)?.value;
  },

  expr(node): Expr {
    switch (node.type) {
      case 'identifier':
      case 'constant':
      case 'instance_variable':
      case 'class_variable':
        return { kind: 'identifier', name: node.text };
      case 'element_reference': {
        const [object, index] = named(node);
        const key = index ? stringContent(index) : undefined;
        if (object && index && key !== undefined) return { kind: 'member', object, key, keyNode: index };
        return { kind: 'union', parts: object ? [object] : [] };
      }
      case 'scope_resolution': {
        const scope = node.childForFieldName('scope');
        const name = node.childForFieldName('name');
        if (scope && name) return { kind: 'member', object: scope, key: name.text, keyNode: name };
        return { kind: 'other' };
      }
      case 'call': {
        const receiver = node.childForFieldName('receiver') ?? undefined;
        const method = node.childForFieldName('method');
        // `user.password` (a reader: no arguments, no block) is a property read.
        if (receiver && method && !node.childForFieldName('arguments') && !node.childForFieldName('block') && /^[a-z_]\w*$/.test(method.text) && !TRANSFORMS.has(method.text)) {
          return { kind: 'member', object: receiver, key: method.text, keyNode: method };
        }
        return { kind: 'call', path: calleePath(node), name: method?.text ?? '', receiver, args: argumentList(node).map((a) => (a.type === 'pair' ? (a.childForFieldName('value') ?? a) : a)) };
      }
      case 'string':
      case 'bare_string': {
        const value = stringContent(node);
        if (value !== undefined) return { kind: 'string', value };
        return { kind: 'union', parts: named(node).filter((c) => c.type === 'interpolation').flatMap((c) => named(c).slice(0, 1)) };
      }
      case 'simple_symbol':
      case 'hash_key_symbol':
        return { kind: 'string', value: stringContent(node) };
      case 'binary': {
        const op = node.childForFieldName('operator')?.text;
        if (op === '+' || op === '<<' || op === '||' || op === 'or') return { kind: 'union', parts: [node.childForFieldName('left'), node.childForFieldName('right')].filter((n): n is Node => !!n) };
        return { kind: 'other' };
      }
      case 'conditional':
        return { kind: 'union', parts: [node.childForFieldName('consequence'), node.childForFieldName('alternative')].filter((n): n is Node => !!n) };
      case 'array':
      case 'right_assignment_list':
        return { kind: 'union', parts: named(node) };
      case 'hash':
        return { kind: 'object', entries: hashEntries(named(node)) };
      default:
        if (WRAPPERS.has(node.type)) return { kind: 'union', parts: named(node).slice(-1) };
        return { kind: 'other' };
    }
  },

  stringValue: (node) => (node.type === 'string' || node.type === 'bare_string' ? stringContent(node) : undefined),

  stringPrefix(node) {
    if (node.type === 'string') {
      let out = '';
      for (const c of named(node)) {
        if (c.type === 'interpolation') break;
        if (c.type === 'string_content') out += c.text;
        else if (c.type === 'escape_sequence') out += unescape(c.text);
      }
      return out;
    }
    if (node.type === 'binary' && node.childForFieldName('operator')?.text === '+') {
      const left = node.childForFieldName('left');
      return left ? rubySyntax.stringPrefix(left) : undefined;
    }
    return undefined;
  },

  property(obj, key) {
    return rubySyntax.entries(obj).find((e) => e.key === key)?.value;
  },

  entries(obj) {
    if (obj.type === 'hash') return hashEntries(named(obj));
    if (obj.type === 'call') return hashEntries(argumentList(obj));
    return [];
  },

  bindings(scope) {
    const out: Binding[] = [];
    if (FUNCTION_TYPES.has(scope.type)) {
      for (const p of named(scope.childForFieldName('parameters'))) {
        if (p.type === 'identifier') out.push({ name: p.text, node: p, from: scope.startIndex, param: true });
        else if (p.type === 'optional_parameter' || p.type === 'keyword_parameter') {
          const name = p.childForFieldName('name');
          if (name) out.push({ name: name.text, node: name, value: p.childForFieldName('value') ?? undefined, from: scope.startIndex, param: true });
        }
      }
    }
    const body = FUNCTION_TYPES.has(scope.type) ? scope.childForFieldName('body') : scope;
    if (!body) return out;
    walk(body, (n) => {
      if (n !== body && FUNCTION_TYPES.has(n.type)) {
        if (n.type === 'method') {
          const name = n.childForFieldName('name');
          if (name) out.push({ name: name.text, node: name, value: n, from: n.startIndex });
        }
        return false;
      }
      if (n.type === 'assignment') {
        const left = n.childForFieldName('left');
        if (left) collectTargets(left, n.childForFieldName('right') ?? undefined, n.endIndex, out);
      } else if (n.type === 'operator_assignment') {
        const left = n.childForFieldName('left');
        if (left) collectTargets(left, n, n.endIndex, out);
      }
      return true;
    });
    return out;
  },

  imports: () => new Map<string, string>(),
};

export const rubyHelpers = { stringContent, pathOf };
