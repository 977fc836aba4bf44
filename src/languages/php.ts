/**
 * Syntax helpers for PHP (tree-sitter-php's `php` grammar, which parses HTML text and `<?php … ?>` blocks in one
 * tree). Variables are named without their `$`: `$password` is `password`, `$this->logger` is `this.logger`.
 */
import type { Node } from 'web-tree-sitter';
import type { Binding, Expr, ObjectEntry, Syntax } from '../core/syntax';
import { CLASS_BODY_MEMBERS, named, walk } from '../core/syntax';

const FUNCTION_TYPES = new Set(['function_definition', 'method_declaration', 'anonymous_function', 'anonymous_function_creation_expression', 'arrow_function']);
const CALL_TYPES = new Set(['function_call_expression', 'member_call_expression', 'nullsafe_member_call_expression', 'scoped_call_expression', 'object_creation_expression']);
const STRING_TYPES = new Set(['string', 'encapsed_string', 'heredoc', 'nowdoc']);
const WRAPPERS = new Set(['parenthesized_expression', 'cast_expression', 'error_suppression_expression', 'reference_modifier', 'by_ref']);

function unescape(seq: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', v: '\v', f: '\f', e: '\x1b' };
  const c = seq.slice(1);
  return c in map ? map[c] : c;
}

/** The text of a string without interpolation; undefined for anything else. */
function stringContent(node: Node): string | undefined {
  if (!STRING_TYPES.has(node.type)) return undefined;
  let out = '';
  for (const c of named(node)) {
    if (c.type === 'string_content' || c.type === 'string_value' || c.type === 'heredoc_body' || c.type === 'nowdoc_body') {
      // heredoc / nowdoc bodies hold their content (and, for heredoc, interpolations) below.
      if ((c.type === 'heredoc_body' || c.type === 'nowdoc_body') && named(c).length > 0) {
        for (const part of named(c)) {
          if (part.type === 'string_content' || part.type === 'string_value' || part.type === 'nowdoc_string') out += part.text;
          else if (part.type === 'escape_sequence') out += unescape(part.text);
          else return undefined;
        }
      } else out += c.text;
    } else if (c.type === 'escape_sequence') out += node.type === 'string' && !/^\\['\\]$/.test(c.text) ? c.text : unescape(c.text);
    else if (c.type === 'heredoc_start' || c.type === 'heredoc_end' || c.type === 'nowdoc_start' || c.type === 'nowdoc_end') continue;
    else return undefined;
  }
  return out;
}

function varName(node: Node): string {
  return node.text.replace(/^\$/, '');
}

function pathOf(node: Node | null, depth = 0): string {
  if (!node || depth > 12) return '?';
  switch (node.type) {
    case 'name':
    case 'qualified_name':
      return node.text.replace(/^\\/, '');
    case 'variable_name':
      return varName(node);
    case 'member_access_expression':
    case 'nullsafe_member_access_expression':
      return `${pathOf(node.childForFieldName('object'), depth + 1)}.${node.childForFieldName('name')?.text ?? '?'}`;
    case 'scoped_property_access_expression':
    case 'class_constant_access_expression': {
      const parts = named(node);
      return `${pathOf(parts[0] ?? null, depth + 1)}.${parts[1]?.text.replace(/^\$/, '') ?? '?'}`;
    }
    case 'subscript_expression': {
      const [obj, index] = named(node);
      const k = index ? stringContent(index) : undefined;
      return `${pathOf(obj ?? null, depth + 1)}${k !== undefined ? '.' + k : '[]'}`;
    }
    case 'function_call_expression':
      return `${pathOf(node.childForFieldName('function'), depth + 1)}()`;
    case 'member_call_expression':
    case 'nullsafe_member_call_expression':
      return `${pathOf(node.childForFieldName('object'), depth + 1)}.${node.childForFieldName('name')?.text ?? '?'}()`;
    case 'scoped_call_expression':
      return `${pathOf(node.childForFieldName('scope'), depth + 1)}.${node.childForFieldName('name')?.text ?? '?'}()`;
    case 'object_creation_expression': {
      const cls = named(node).find((c) => c.type === 'name' || c.type === 'qualified_name');
      return `new ${cls ? pathOf(cls, depth + 1) : '?'}()`;
    }
    default:
      if (WRAPPERS.has(node.type)) return pathOf(named(node).at(-1) ?? null, depth + 1);
      return '?';
  }
}

function calleePath(call: Node): string {
  switch (call.type) {
    case 'function_call_expression':
      return pathOf(call.childForFieldName('function'));
    case 'member_call_expression':
    case 'nullsafe_member_call_expression':
      return `${pathOf(call.childForFieldName('object'))}.${call.childForFieldName('name')?.text ?? '?'}`;
    case 'scoped_call_expression':
      return `${pathOf(call.childForFieldName('scope'))}.${call.childForFieldName('name')?.text ?? '?'}`;
    case 'object_creation_expression': {
      const cls = named(call).find((c) => c.type === 'name' || c.type === 'qualified_name');
      return `new ${cls ? pathOf(cls) : '?'}`;
    }
    default:
      return '?';
  }
}

/** The argument expressions of a call (named arguments `name: value` give their value). */
function argumentNodes(call: Node): Node[] {
  const list = call.childForFieldName('arguments') ?? named(call).find((c) => c.type === 'arguments');
  return named(list)
    .filter((a) => a.type === 'argument' || a.type === 'variadic_unpacking')
    .map((a) => named(a).filter((c) => c.type !== 'name' || named(a).length === 1).at(-1) ?? a);
}

function namedArgument(call: Node, name: string): Node | undefined {
  const list = call.childForFieldName('arguments') ?? named(call).find((c) => c.type === 'arguments');
  for (const a of named(list)) {
    if (a.type !== 'argument') continue;
    const parts = named(a);
    if (parts.length === 2 && parts[0].type === 'name' && parts[0].text === name) return parts[1];
  }
  return undefined;
}

function arrayEntries(arr: Node): ObjectEntry[] {
  const out: ObjectEntry[] = [];
  for (const el of named(arr)) {
    if (el.type !== 'array_element_initializer') continue;
    const parts = named(el);
    if (parts.length === 2) {
      const keyNode = parts[0];
      out.push({ key: stringContent(keyNode) ?? (keyNode.type === 'integer' ? keyNode.text : undefined), keyNode, value: parts[1] });
    } else if (parts.length === 1) {
      // `...$other` spreads and list items.
      const v = parts[0].type === 'variadic_unpacking' ? (named(parts[0])[0] ?? parts[0]) : parts[0];
      out.push({ value: v });
    }
  }
  return out;
}

function collectTargets(target: Node, value: Node | undefined, from: number, out: Binding[], param = false, depth = 0): void {
  if (depth > 32) return;
  switch (target.type) {
    case 'variable_name':
      out.push({ name: varName(target), node: target, value, from, param });
      return;
    case 'member_access_expression':
    case 'subscript_expression':
    case 'scoped_property_access_expression':
      out.push({ name: pathOf(target), node: target, value, from, param });
      return;
    case 'list_literal':
    case 'array_creation_expression':
      for (const el of named(target)) {
        const parts = el.type === 'array_element_initializer' ? named(el) : [el];
        const t = parts.at(-1);
        if (t) collectTargets(t, value, from, out, param, depth + 1);
      }
      return;
    default:
      return;
  }
}

export const phpSyntax: Syntax = {
  family: 'php',
  members: { ...CLASS_BODY_MEMBERS, isFunctionStatement: (n) => n.type === 'function_definition' },

  isComment: (node) => node.type === 'comment',

  isFunction: (node) => FUNCTION_TYPES.has(node.type),

  functionName(fn) {
    const name = fn.childForFieldName('name');
    if (name) return name.text;
    const parent = fn.parent;
    if (parent?.type === 'assignment_expression') return pathOf(parent.childForFieldName('left'));
    return undefined;
  },

  returns(fn) {
    const body = fn.childForFieldName('body');
    if (!body) return [];
    if (fn.type === 'arrow_function') return [body];
    const out: Node[] = [];
    walk(body, (n) => {
      if (n !== body && FUNCTION_TYPES.has(n.type)) return false;
      if (n.type === 'return_statement') {
        const v = named(n)[0];
        if (v) out.push(v);
      }
      return true;
    });
    return out;
  },

  isCall: (node) => CALL_TYPES.has(node.type),

  calleePath,

  args: (call) => argumentNodes(call),

  kwarg: (call, name) => namedArgument(call, name),

  expr(node): Expr {
    switch (node.type) {
      case 'variable_name':
        return node.text === '$this' ? { kind: 'other' } : { kind: 'identifier', name: varName(node) };
      case 'member_access_expression':
      case 'nullsafe_member_access_expression': {
        const object = node.childForFieldName('object');
        const name = node.childForFieldName('name');
        if (!object || !name) return { kind: 'other' };
        return { kind: 'member', object, key: name.text.replace(/^\$/, ''), keyNode: name };
      }
      case 'subscript_expression': {
        const [object, index] = named(node);
        const key = index ? stringContent(index) : undefined;
        if (object && index && key !== undefined) return { kind: 'member', object, key, keyNode: index };
        return { kind: 'union', parts: object ? [object] : [] };
      }
      case 'function_call_expression':
      case 'member_call_expression':
      case 'nullsafe_member_call_expression':
      case 'scoped_call_expression':
      case 'object_creation_expression': {
        const receiver = node.childForFieldName('object') ?? node.childForFieldName('scope') ?? undefined;
        const path = calleePath(node);
        const name = node.type === 'object_creation_expression' ? path.replace(/^new /, '').split('\\').pop() ?? '' : (node.childForFieldName('name') ?? node.childForFieldName('function'))?.text.replace(/^\\/, '') ?? '';
        return { kind: 'call', path, name, receiver: node.type === 'scoped_call_expression' ? receiver : node.type === 'function_call_expression' ? undefined : receiver, args: argumentNodes(node) };
      }
      case 'string':
      case 'encapsed_string':
      case 'heredoc':
      case 'nowdoc': {
        const value = stringContent(node);
        if (value !== undefined) return { kind: 'string', value };
        return { kind: 'union', parts: named(node).filter((c) => c.type !== 'string_content' && c.type !== 'escape_sequence' && c.type !== 'string_value').flatMap((c) => (c.type === 'heredoc_body' ? named(c).filter((p) => p.type !== 'string_content' && p.type !== 'string_value') : [c])) };
      }
      case 'binary_expression': {
        const op = node.childForFieldName('operator')?.text;
        if (op === '.' || op === '??' || op === '?:' || op === 'or' || op === '||') return { kind: 'union', parts: [node.childForFieldName('left'), node.childForFieldName('right')].filter((n): n is Node => !!n) };
        return { kind: 'other' };
      }
      case 'conditional_expression': {
        const parts = named(node);
        return { kind: 'union', parts: parts.slice(1) };
      }
      case 'array_creation_expression': {
        const entries = arrayEntries(node);
        if (entries.some((e) => e.key !== undefined)) return { kind: 'object', entries };
        return { kind: 'union', parts: entries.map((e) => e.value) };
      }
      case 'assignment_expression': {
        const right = node.childForFieldName('right');
        return { kind: 'union', parts: right ? [right] : [] };
      }
      default:
        if (WRAPPERS.has(node.type)) return { kind: 'union', parts: named(node).slice(-1) };
        return { kind: 'other' };
    }
  },

  stringValue: (node) => stringContent(node),

  stringPrefix(node) {
    if (node.type === 'string') return stringContent(node);
    if (node.type === 'encapsed_string' || node.type === 'heredoc') {
      let out = '';
      const parts = node.type === 'heredoc' ? named(node).flatMap((c) => (c.type === 'heredoc_body' ? named(c) : [])) : named(node);
      for (const c of parts) {
        if (c.type === 'string_content' || c.type === 'string_value') out += c.text;
        else if (c.type === 'escape_sequence') out += unescape(c.text);
        else break;
      }
      return out;
    }
    if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '.') {
      const left = node.childForFieldName('left');
      return left ? phpSyntax.stringPrefix(left) : undefined;
    }
    if (node.type === 'function_call_expression' && /^(sprintf|vsprintf)$/.test(pathOf(node.childForFieldName('function')))) {
      const first = argumentNodes(node)[0];
      const s = first ? stringContent(first) : undefined;
      return s?.split('%')[0];
    }
    return undefined;
  },

  property(obj, key) {
    if (CALL_TYPES.has(obj.type)) return namedArgument(obj, key);
    return phpSyntax.entries(obj).find((e) => e.key === key)?.value;
  },

  entries(obj) {
    return obj.type === 'array_creation_expression' ? arrayEntries(obj) : [];
  },

  bindings(scope) {
    const out: Binding[] = [];
    if (FUNCTION_TYPES.has(scope.type)) {
      for (const p of named(scope.childForFieldName('parameters'))) {
        const name = p.childForFieldName('name');
        if (name) out.push({ name: varName(name), node: name, value: p.childForFieldName('default_value') ?? undefined, from: scope.startIndex, param: true });
      }
    }
    const body = FUNCTION_TYPES.has(scope.type) ? scope.childForFieldName('body') : scope;
    if (!body) return out;
    walk(body, (n) => {
      if (n !== body && FUNCTION_TYPES.has(n.type)) {
        if (n.type === 'function_definition') {
          const name = n.childForFieldName('name');
          if (name) out.push({ name: name.text, node: name, value: n, from: n.startIndex });
        }
        return false;
      }
      if (n.type === 'assignment_expression') {
        const left = n.childForFieldName('left');
        if (left) collectTargets(left, n.childForFieldName('right') ?? undefined, n.endIndex, out);
      } else if (n.type === 'augmented_assignment_expression') {
        const left = n.childForFieldName('left');
        if (left) collectTargets(left, n, n.endIndex, out);
      } else if (n.type === 'foreach_statement') {
        const parts = named(n);
        const source = parts[0];
        const target = parts[1];
        if (target?.type === 'pair') {
          const v = named(target).at(-1);
          if (v) collectTargets(v, source, n.startIndex, out);
        } else if (target) collectTargets(target, source, n.startIndex, out);
      } else if (n.type === 'const_element') {
        const [name, value] = named(n);
        if (name) out.push({ name: name.text, node: name, value, from: n.endIndex });
      } else if (n.type === 'class_declaration') {
        const name = n.childForFieldName('name');
        if (name) out.push({ name: name.text, node: name, value: n, from: n.startIndex });
      }
      return true;
    });
    return out;
  },

  imports(root) {
    const out = new Map<string, string>();
    for (const clause of root.descendantsOfType('namespace_use_clause')) {
      if (!clause) continue;
      const target = named(clause).find((c) => c.type === 'qualified_name' || c.type === 'name');
      if (!target) continue;
      const full = target.text.replace(/^\\/, '');
      const alias = clause.childForFieldName('alias')?.text ?? full.split('\\').pop() ?? full;
      if (alias !== full) out.set(alias, full);
    }
    return out;
  },
};

export const phpHelpers = { stringContent, pathOf, varName };
