/** Syntax helpers for JavaScript, TypeScript and TSX (tree-sitter-javascript / -typescript node types). */
import type { Node } from 'web-tree-sitter';
import type { Binding, Expr, ObjectEntry, Syntax } from '../core/syntax';
import { CLASS_BODY_MEMBERS, named, walk, walkTypes } from '../core/syntax';

const FUNCTION_TYPES = new Set([
  'function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'method_definition',
  'generator_function_declaration',
  'generator_function',
]);

/** The nodes `bindings` and `returns` look at (walkTypes finds them in C). */
const BINDING_WALK = [...FUNCTION_TYPES, 'variable_declaration', 'lexical_declaration', 'assignment_expression', 'augmented_assignment_expression', 'for_in_statement', 'class_declaration'];
const RETURN_WALK = [...FUNCTION_TYPES, 'return_statement'];

const WRAPPERS = new Set([
  'parenthesized_expression',
  'await_expression',
  'as_expression',
  'satisfies_expression',
  'non_null_expression',
  'type_assertion',
  'spread_element',
]);

function stringContent(node: Node): string | undefined {
  if (node.type === 'string') {
    // Without a backslash (escapes) or an `&` (JSX character references, left out below) between its two quotes, a
    // string's fragments are exactly the text between them: one read instead of a Node per child, for every literal.
    const text = node.text;
    const quote = text.charCodeAt(0);
    if (text.length >= 2 && (quote === 0x22 || quote === 0x27) && text.charCodeAt(text.length - 1) === quote && !text.includes('\\') && !text.includes('&')) {
      return text.slice(1, -1);
    }
    // Concatenate fragments and escapes; an empty string has none.
    let out = '';
    for (const c of named(node)) {
      if (c.type === 'string_fragment') out += c.text;
      else if (c.type === 'escape_sequence') out += unescape(c.text);
    }
    return out;
  }
  if (node.type === 'template_string') {
    if (named(node).some((c) => c.type === 'template_substitution')) return undefined;
    return named(node)
      .map((c) => (c.type === 'escape_sequence' ? unescape(c.text) : c.text))
      .join('');
  }
  return undefined;
}

function unescape(seq: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', v: '\v' };
  const c = seq.slice(1);
  if (c in map) return map[c];
  if (c.startsWith('u') || c.startsWith('x')) {
    const hex = c.replace(/^u\{?|^x|\}$/g, '');
    const code = parseInt(hex, 16);
    return Number.isFinite(code) ? String.fromCodePoint(code) : '';
  }
  return c;
}

function keyOf(keyNode: Node | null): string | undefined {
  if (!keyNode) return undefined;
  switch (keyNode.type) {
    case 'property_identifier':
    case 'identifier':
    case 'shorthand_property_identifier':
    case 'shorthand_property_identifier_pattern':
    case 'private_property_identifier':
      return keyNode.text.replace(/^#/, '');
    case 'string':
      return stringContent(keyNode);
    case 'number':
      return keyNode.text;
    case 'computed_property_name': {
      const inner = named(keyNode)[0];
      return inner ? stringContent(inner) : undefined;
    }
    default:
      return undefined;
  }
}

/** Dotted path of an expression used as a callee: `a.b.c`, `f().g`, `a[]`. */
function pathOf(node: Node | null, depth = 0): string {
  if (!node || depth > 12) return '?';
  switch (node.type) {
    case 'identifier':
    case 'this':
    case 'super':
    case 'property_identifier':
      return node.text;
    case 'member_expression':
      return `${pathOf(node.childForFieldName('object'), depth + 1)}.${node.childForFieldName('property')?.text ?? '?'}`;
    case 'subscript_expression': {
      const key = node.childForFieldName('index');
      const k = key ? stringContent(key) : undefined;
      return `${pathOf(node.childForFieldName('object'), depth + 1)}${k !== undefined ? '.' + k : '[]'}`;
    }
    case 'call_expression':
      return `${pathOf(node.childForFieldName('function'), depth + 1)}()`;
    case 'new_expression':
      return `new ${pathOf(node.childForFieldName('constructor'), depth + 1)}()`;
    default:
      if (WRAPPERS.has(node.type)) return pathOf(named(node)[0] ?? null, depth + 1);
      return '?';
  }
}

/** Destructuring nested deeper than this is not followed (hostile input must not exhaust the stack). */
const MAX_PATTERN_DEPTH = 64;

function collectPatternNames(pattern: Node, value: Node | undefined, key: string | undefined, from: number, out: Binding[], param: boolean, depth = 0): void {
  if (depth > MAX_PATTERN_DEPTH) return;
  const d = depth + 1;
  switch (pattern.type) {
    case 'identifier':
    case 'shorthand_property_identifier_pattern':
      out.push({ name: pattern.text, node: pattern, value, key: key ?? (pattern.type === 'shorthand_property_identifier_pattern' ? pattern.text : undefined), from, param });
      return;
    case 'member_expression':
    case 'subscript_expression':
      out.push({ name: memberText(pattern), node: pattern, value, key, from, param });
      return;
    case 'object_pattern':
      for (const c of named(pattern)) {
        if (c.type === 'shorthand_property_identifier_pattern') {
          out.push({ name: c.text, node: c, value, key: c.text, from, param });
        } else if (c.type === 'pair_pattern') {
          const k = keyOf(c.childForFieldName('key'));
          const v = c.childForFieldName('value');
          if (v) collectPatternNames(v.type === 'assignment_pattern' ? (v.childForFieldName('left') ?? v) : v, value, k, from, out, param, d);
        } else if (c.type === 'object_assignment_pattern') {
          const left = c.childForFieldName('left');
          if (left) collectPatternNames(left, value, left.text, from, out, param, d);
        } else if (c.type === 'rest_pattern') {
          const id = named(c)[0];
          if (id) out.push({ name: id.text, node: id, value, from, param });
        }
      }
      return;
    case 'array_pattern':
      for (const c of named(pattern)) collectPatternNames(c.type === 'assignment_pattern' ? (c.childForFieldName('left') ?? c) : c, value, undefined, from, out, param, d);
      return;
    case 'assignment_pattern': {
      const left = pattern.childForFieldName('left');
      if (left) collectPatternNames(left, pattern.childForFieldName('right') ?? value, key, from, out, param, d);
      return;
    }
    case 'rest_pattern': {
      const id = named(pattern)[0];
      if (id) collectPatternNames(id, value, key, from, out, param, d);
      return;
    }
    default:
      return;
  }
}

/** Text of a member chain without whitespace and optional-chaining marks: `user.profile.ssn`. */
export function memberText(node: Node): string {
  return pathOf(node);
}

export const jsSyntax: Syntax = {
  family: 'js',
  members: CLASS_BODY_MEMBERS,

  isComment: (node) => node.type === 'comment' || node.type === 'html_comment',

  isFunction: (node) => FUNCTION_TYPES.has(node.type),

  functionName(fn) {
    const name = fn.childForFieldName('name');
    if (name) return name.text;
    const parent = fn.parent;
    if (parent?.type === 'variable_declarator') return parent.childForFieldName('name')?.text;
    if (parent?.type === 'pair') return keyOf(parent.childForFieldName('key'));
    if (parent?.type === 'assignment_expression') return pathOf(parent.childForFieldName('left'));
    return undefined;
  },

  returns(fn) {
    const body = fn.childForFieldName('body');
    if (!body) return [];
    if (body.type !== 'statement_block') return [body];
    const out: Node[] = [];
    walkTypes(body, RETURN_WALK, (n) => {
      if (n !== body && FUNCTION_TYPES.has(n.type)) return false;
      if (n.type === 'return_statement') {
        const v = named(n)[0];
        if (v) out.push(v);
      }
      return true;
    });
    return out;
  },

  isCall: (node) => node.type === 'call_expression' || node.type === 'new_expression',

  calleePath(call) {
    if (call.type === 'new_expression') return `new ${pathOf(call.childForFieldName('constructor'))}`;
    return pathOf(call.childForFieldName('function'));
  },

  args(call) {
    const args = call.childForFieldName('arguments');
    if (!args || args.type === 'template_string') return args ? [args] : [];
    return named(args).filter((a) => a.type !== 'comment');
  },

  kwarg: () => undefined,

  expr(node): Expr {
    switch (node.type) {
      case 'identifier':
      case 'shorthand_property_identifier':
        return { kind: 'identifier', name: node.text };
      case 'this':
        return { kind: 'other' };
      case 'member_expression': {
        const object = node.childForFieldName('object');
        const prop = node.childForFieldName('property');
        if (!object || !prop) return { kind: 'other' };
        return { kind: 'member', object, key: prop.text.replace(/^#/, ''), keyNode: prop };
      }
      case 'subscript_expression': {
        const object = node.childForFieldName('object');
        const index = node.childForFieldName('index');
        const key = index ? stringContent(index) : undefined;
        if (object && index && key !== undefined) return { kind: 'member', object, key, keyNode: index };
        return { kind: 'union', parts: object ? [object] : [] };
      }
      case 'call_expression':
      case 'new_expression': {
        const fn = node.childForFieldName(node.type === 'new_expression' ? 'constructor' : 'function');
        const path = jsSyntax.calleePath(node);
        const name = fn?.type === 'member_expression' ? (fn.childForFieldName('property')?.text ?? '') : (fn?.text ?? '');
        const receiver = fn?.type === 'member_expression' ? (fn.childForFieldName('object') ?? undefined) : undefined;
        // `obj.get('key')` on a mapping-like receiver reads a property with a static key.
        const args = jsSyntax.args(node);
        return { kind: 'call', path, name, receiver, args };
      }
      case 'template_string':
        return { kind: 'union', parts: named(node).filter((c) => c.type === 'template_substitution').flatMap((c) => named(c)) };
      case 'string':
        return { kind: 'string', value: stringContent(node) };
      case 'binary_expression': {
        const op = node.childForFieldName('operator')?.text;
        if (op === '+' || op === '||' || op === '??' || op === '&&') {
          return { kind: 'union', parts: [node.childForFieldName('left'), node.childForFieldName('right')].filter((n): n is Node => !!n) };
        }
        return { kind: 'other' };
      }
      case 'ternary_expression':
        return { kind: 'union', parts: [node.childForFieldName('consequence'), node.childForFieldName('alternative')].filter((n): n is Node => !!n) };
      case 'array':
      case 'sequence_expression':
        return { kind: 'union', parts: named(node) };
      case 'assignment_expression': {
        const right = node.childForFieldName('right');
        return { kind: 'union', parts: right ? [right] : [] };
      }
      case 'object':
        return { kind: 'object', entries: jsSyntax.entries(node) };
      default:
        if (WRAPPERS.has(node.type)) {
          const inner = named(node).filter((c) => c.type !== 'type_annotation' && !c.type.endsWith('_type') && c.type !== 'type_identifier');
          return { kind: 'union', parts: inner.slice(0, 1) };
        }
        return { kind: 'other' };
    }
  },

  stringValue: (node) => stringContent(node),

  stringPrefix(node) {
    if (node.type === 'string') return stringContent(node);
    if (node.type === 'template_string') {
      let out = '';
      for (const c of named(node)) {
        if (c.type === 'template_substitution') break;
        out += c.type === 'escape_sequence' ? unescape(c.text) : c.text;
      }
      return out;
    }
    if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '+') {
      const left = node.childForFieldName('left');
      return left ? jsSyntax.stringPrefix(left) : undefined;
    }
    return undefined;
  },

  property(obj, key) {
    return jsSyntax.entries(obj).find((e) => e.key === key)?.value;
  },

  entries(obj) {
    if (obj.type !== 'object') return [];
    const out: ObjectEntry[] = [];
    for (const c of named(obj)) {
      if (c.type === 'pair') {
        const keyNode = c.childForFieldName('key');
        const value = c.childForFieldName('value');
        if (value) out.push({ key: keyOf(keyNode), keyNode: keyNode ?? undefined, value });
      } else if (c.type === 'shorthand_property_identifier') {
        out.push({ key: c.text, keyNode: c, value: c });
      } else if (c.type === 'spread_element') {
        const v = named(c)[0];
        if (v) out.push({ value: v });
      } else if (c.type === 'method_definition') {
        const keyNode = c.childForFieldName('name');
        out.push({ key: keyOf(keyNode), keyNode: keyNode ?? undefined, value: c });
      }
    }
    return out;
  },

  bindings(scope) {
    const out: Binding[] = [];
    if (FUNCTION_TYPES.has(scope.type)) {
      const params = scope.childForFieldName('parameters') ?? scope.childForFieldName('parameter');
      if (params) {
        const list = params.type === 'identifier' ? [params] : named(params);
        for (const p of list) {
          let pattern: Node | null = p;
          let value: Node | undefined;
          if (p.type === 'required_parameter' || p.type === 'optional_parameter') {
            pattern = p.childForFieldName('pattern');
            value = p.childForFieldName('value') ?? undefined;
          } else if (p.type === 'assignment_pattern') {
            pattern = p.childForFieldName('left');
            value = p.childForFieldName('right') ?? undefined;
          }
          if (pattern) collectPatternNames(pattern, value, undefined, scope.startIndex, out, true);
        }
      }
    }
    const body = FUNCTION_TYPES.has(scope.type) ? scope.childForFieldName('body') : scope;
    if (!body) return out;
    walkTypes(body, BINDING_WALK, (n) => {
      if (n !== body && FUNCTION_TYPES.has(n.type)) {
        // A named function declaration binds its name in the enclosing scope.
        if (n.type === 'function_declaration' || n.type === 'generator_function_declaration') {
          const name = n.childForFieldName('name');
          if (name) out.push({ name: name.text, node: name, value: n, from: n.startIndex });
        }
        return false;
      }
      if (n.type === 'variable_declaration' || n.type === 'lexical_declaration') {
        // A declarator is in force from the end of its declaration (statementEnd, without walking up the tree).
        for (const d of named(n)) {
          if (d.type !== 'variable_declarator') continue;
          const name = d.childForFieldName('name');
          const value = d.childForFieldName('value') ?? undefined;
          if (name) collectPatternNames(name, value, undefined, n.endIndex, out, false);
        }
      } else if (n.type === 'assignment_expression' || n.type === 'augmented_assignment_expression') {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right') ?? undefined;
        if (left) {
          const value = n.type === 'augmented_assignment_expression' ? n : right;
          collectPatternNames(left, value, undefined, n.endIndex, out, false);
        }
      } else if (n.type === 'for_in_statement') {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right') ?? undefined;
        if (left) collectPatternNames(left, right, undefined, n.startIndex, out, false);
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
    for (const stmt of named(root)) {
      if (stmt.type === 'import_statement') {
        const source = stmt.childForFieldName('source');
        const mod = source ? stringContent(source) : undefined;
        if (!mod) continue;
        walk(stmt, (n) => {
          if (n.type === 'import_clause') {
            for (const c of named(n)) if (c.type === 'identifier') out.set(c.text, mod);
          } else if (n.type === 'namespace_import') {
            const id = named(n).find((c) => c.type === 'identifier');
            if (id) out.set(id.text, mod);
          } else if (n.type === 'import_specifier') {
            const name = n.childForFieldName('name')?.text;
            const alias = n.childForFieldName('alias')?.text ?? name;
            if (name && alias) out.set(alias, `${mod}.${name}`);
          }
          return true;
        });
      } else if (stmt.type === 'lexical_declaration' || stmt.type === 'variable_declaration') {
        for (const decl of named(stmt)) {
          if (decl.type !== 'variable_declarator') continue;
          const value = decl.childForFieldName('value');
          const name = decl.childForFieldName('name');
          const mod = value && requiredModule(value);
          if (!mod || !name) continue;
          if (name.type === 'identifier') out.set(name.text, mod);
          else if (name.type === 'object_pattern') {
            for (const c of named(name)) {
              if (c.type === 'shorthand_property_identifier_pattern') out.set(c.text, `${mod}.${c.text}`);
              else if (c.type === 'pair_pattern') {
                const k = keyOf(c.childForFieldName('key'));
                const v = c.childForFieldName('value');
                if (k && v?.type === 'identifier') out.set(v.text, `${mod}.${k}`);
              }
            }
          }
        }
      }
    }
    return out;
  },
};

/** `require('x')`, `require('x').y`, `await import('x')` → module path. */
function requiredModule(value: Node): string | undefined {
  let n: Node | null = value;
  let suffix = '';
  while (n && (n.type === 'member_expression' || n.type === 'await_expression')) {
    if (n.type === 'member_expression') {
      suffix = `.${n.childForFieldName('property')?.text ?? ''}${suffix}`;
      n = n.childForFieldName('object');
    } else n = named(n)[0] ?? null;
  }
  if (n?.type !== 'call_expression') return undefined;
  const fn = n.childForFieldName('function');
  if (fn?.type !== 'identifier' && fn?.type !== 'import') return undefined;
  if (fn.type === 'identifier' && fn.text !== 'require') return undefined;
  const arg = named(n.childForFieldName('arguments'))[0];
  const mod = arg ? stringContent(arg) : undefined;
  return mod ? mod + suffix : undefined;
}
