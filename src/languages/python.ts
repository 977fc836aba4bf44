/** Syntax helpers for Python (tree-sitter-python node types). */
import type { Node } from 'web-tree-sitter';
import type { Binding, Expr, ObjectEntry, Syntax } from '../core/syntax';
import { named, typesEndingWith, walkTypes } from '../core/syntax';

const FUNCTION_TYPES = new Set(['function_definition', 'lambda']);
/** The nodes `bindings` (with every `_statement`) and `returns` look at (walkTypes finds them in C). */
const BINDING_WALK = [...FUNCTION_TYPES, 'class_definition', 'assignment', 'augmented_assignment', 'with_item', 'named_expression'];
/** The same for a scope without syntax errors: every statement an assignment can be in, and `for` targets. */
const BINDING_WALK_CLEAN = [...BINDING_WALK, 'expression_statement', 'for_statement'];
const RETURN_WALK = [...FUNCTION_TYPES, 'class_definition', 'return_statement'];
const WRAPPERS = new Set(['parenthesized_expression', 'await', 'list_splat', 'dictionary_splat', 'expression_list', 'not_operator']);

function isFString(node: Node): boolean {
  const start = named(node).find((c) => c.type === 'string_start');
  return !!start && /f/i.test(start.text);
}

/**
 * The text between the quotes of a `string` node, read in one go, when that is what its children give (stringContent
 * joins the `string_content` children, the raw text): a literal without errors, backslashes, or braces when it is an
 * f-string (interpolations and `{{`), is its prefix letters, its quotes, one content and the same quotes. Otherwise
 * undefined (read the children). Saves a Node per part of every string literal.
 */
function plainString(node: Node): string | undefined {
  const text = node.text;
  let p = 0;
  while (p < text.length && p < 3 && /[a-zA-Z]/.test(text[p])) p++;
  const q = text[p];
  if (q !== '"' && q !== "'") return undefined;
  const quotes = text.startsWith(q + q + q, p) && text.length >= p + 6 ? q + q + q : q;
  if (text.length < p + 2 * quotes.length || !text.endsWith(quotes) || text.includes('\\')) return undefined;
  if (/[ft]/i.test(text.slice(0, p)) && /[{}]/.test(text)) return undefined;
  if (node.hasError) return undefined;
  return text.slice(p + quotes.length, text.length - quotes.length);
}

function stringContent(node: Node): string | undefined {
  if (node.type === 'concatenated_string') {
    let out = '';
    for (const part of named(node)) {
      const s = stringContent(part);
      if (s === undefined) return undefined;
      out += s;
    }
    return out;
  }
  if (node.type !== 'string') return undefined;
  const plain = plainString(node);
  if (plain !== undefined) return plain;
  let out = '';
  for (const c of named(node)) {
    if (c.type === 'interpolation') return undefined;
    if (c.type === 'string_content') out += c.text;
    else if (c.type === 'escape_sequence') out += unescape(c.text);
  }
  return out;
}

function unescape(seq: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };
  const c = seq.slice(1);
  return c in map ? map[c] : c;
}

function pathOf(node: Node | null, depth = 0): string {
  if (!node || depth > 12) return '?';
  switch (node.type) {
    case 'identifier':
      return node.text;
    case 'attribute':
      return `${pathOf(node.childForFieldName('object'), depth + 1)}.${node.childForFieldName('attribute')?.text ?? '?'}`;
    case 'subscript': {
      const sub = node.childForFieldName('subscript');
      const k = sub ? stringContent(sub) : undefined;
      return `${pathOf(node.childForFieldName('value'), depth + 1)}${k !== undefined ? '.' + k : '[]'}`;
    }
    case 'call':
      return `${pathOf(node.childForFieldName('function'), depth + 1)}()`;
    case 'string':
      return '"str"';
    default:
      if (WRAPPERS.has(node.type)) return pathOf(named(node)[0] ?? null, depth + 1);
      return '?';
  }
}

function argumentList(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  return named(args).filter((a) => a.type !== 'comment');
}

/** Target lists nested deeper than this are not followed (hostile input must not exhaust the stack). */
const MAX_TARGET_DEPTH = 64;

function collectTargets(target: Node, value: Node | undefined, from: number, out: Binding[], param = false, depth = 0): void {
  if (depth > MAX_TARGET_DEPTH) return;
  switch (target.type) {
    case 'identifier':
      out.push({ name: target.text, node: target, value, from, param });
      return;
    case 'attribute':
    case 'subscript':
      out.push({ name: pathOf(target), node: target, value, from, param });
      return;
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern': {
      const targets = named(target);
      const values = value && (value.type === 'expression_list' || value.type === 'tuple' || value.type === 'list') ? named(value) : undefined;
      targets.forEach((t, i) => collectTargets(t, values && values.length === targets.length ? values[i] : value, from, out, param, depth + 1));
      return;
    }
    case 'list_splat_pattern':
    case 'as_pattern_target': {
      const id = named(target)[0];
      if (id) collectTargets(id, value, from, out, param, depth + 1);
      return;
    }
    default:
      return;
  }
}

/**
 * The statements around the nodes of a pre-order walk, innermost last: `end(n)` is where the statement holding
 * `n` ends (n's own end outside any). Replaces walking up with `node.parent`, which is quadratic in deep trees.
 */
class StatementStack {
  private readonly open: Node[] = [];

  /** Call for every node the walk enters, in order. */
  enter(n: Node): void {
    this.drop(n);
    if (n.type.endsWith('_statement')) this.open.push(n);
  }

  end(n: Node): number {
    this.drop(n);
    const top = this.open[this.open.length - 1];
    return top ? top.endIndex : n.endIndex;
  }

  private drop(n: Node): void {
    for (let top = this.open[this.open.length - 1]; top && !(top.startIndex <= n.startIndex && n.endIndex <= top.endIndex && top.id !== n.id); top = this.open[this.open.length - 1]) this.open.pop();
  }
}

/** A function definition, decorated or not. */
function isFunctionStatement(n: Node): boolean {
  if (n.type === 'function_definition') return true;
  return n.type === 'decorated_definition' && n.childForFieldName('definition')?.type === 'function_definition';
}

export const pythonSyntax: Syntax = {
  family: 'python',

  members: {
    isMemberList: (n) => n.type === 'block' && n.parent?.type === 'class_definition',
    classBody(n) {
      const cls = n.type === 'decorated_definition' ? n.childForFieldName('definition') : n;
      if (cls?.type !== 'class_definition') return undefined;
      const body = cls.childForFieldName('body');
      return body?.type === 'block' ? body : undefined;
    },
    isFunctionStatement,
  },

  isComment: (node) => node.type === 'comment',

  isFunction: (node) => FUNCTION_TYPES.has(node.type),

  functionName(fn) {
    if (fn.type === 'function_definition') return fn.childForFieldName('name')?.text;
    const parent = fn.parent;
    if (parent?.type === 'assignment') return pathOf(parent.childForFieldName('left'));
    return undefined;
  },

  returns(fn) {
    const body = fn.childForFieldName('body');
    if (!body) return [];
    if (fn.type === 'lambda') return [body];
    const out: Node[] = [];
    walkTypes(body, RETURN_WALK, (n) => {
      if (n !== body && (FUNCTION_TYPES.has(n.type) || n.type === 'class_definition')) return false;
      if (n.type === 'return_statement') {
        const v = named(n)[0];
        if (v) out.push(v);
      }
      return true;
    });
    return out;
  },

  isCall: (node) => node.type === 'call',

  calleePath: (call) => pathOf(call.childForFieldName('function')),

  args: (call) => argumentList(call).filter((a) => a.type !== 'keyword_argument'),

  kwarg(call, name) {
    for (const a of argumentList(call)) {
      if (a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a.childForFieldName('value') ?? undefined;
    }
    return undefined;
  },

  expr(node): Expr {
    switch (node.type) {
      case 'identifier':
        return { kind: 'identifier', name: node.text };
      case 'attribute': {
        const object = node.childForFieldName('object');
        const attr = node.childForFieldName('attribute');
        if (!object || !attr) return { kind: 'other' };
        return { kind: 'member', object, key: attr.text, keyNode: attr };
      }
      case 'subscript': {
        const object = node.childForFieldName('value');
        const sub = node.childForFieldName('subscript');
        const key = sub ? stringContent(sub) : undefined;
        if (object && sub && key !== undefined) return { kind: 'member', object, key, keyNode: sub };
        return { kind: 'union', parts: object ? [object] : [] };
      }
      case 'call': {
        const fn = node.childForFieldName('function');
        const receiver = fn?.type === 'attribute' ? (fn.childForFieldName('object') ?? undefined) : undefined;
        const name = fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : (fn?.text ?? '');
        const args = argumentList(node).map((a) => (a.type === 'keyword_argument' ? (a.childForFieldName('value') ?? a) : a));
        return { kind: 'call', path: pathOf(fn), name, receiver, args };
      }
      case 'string':
        if (isFString(node)) return { kind: 'union', parts: named(node).filter((c) => c.type === 'interpolation').flatMap((c) => named(c).slice(0, 1)) };
        return { kind: 'string', value: stringContent(node) };
      case 'concatenated_string':
        return { kind: 'union', parts: named(node) };
      case 'binary_operator': {
        const op = node.childForFieldName('operator')?.text;
        if (op === '+' || op === '%') return { kind: 'union', parts: [node.childForFieldName('left'), node.childForFieldName('right')].filter((n): n is Node => !!n) };
        return { kind: 'other' };
      }
      case 'boolean_operator':
        return { kind: 'union', parts: [node.childForFieldName('left'), node.childForFieldName('right')].filter((n): n is Node => !!n) };
      case 'conditional_expression': {
        const parts = named(node);
        return { kind: 'union', parts: [parts[0], parts[2]].filter((n): n is Node => !!n) };
      }
      case 'list':
      case 'tuple':
      case 'set':
      case 'expression_list':
        return { kind: 'union', parts: named(node) };
      case 'dictionary':
        return { kind: 'object', entries: pythonSyntax.entries(node) };
      case 'named_expression': {
        const v = node.childForFieldName('value');
        return { kind: 'union', parts: v ? [v] : [] };
      }
      default:
        if (WRAPPERS.has(node.type)) return { kind: 'union', parts: named(node).slice(0, 1) };
        return { kind: 'other' };
    }
  },

  stringValue: (node) => stringContent(node),

  stringPrefix(node) {
    if (node.type === 'string') {
      const plain = plainString(node);
      if (plain !== undefined) return plain;
      let out = '';
      for (const c of named(node)) {
        if (c.type === 'interpolation') break;
        if (c.type === 'string_content') out += c.text;
        else if (c.type === 'escape_sequence') out += unescape(c.text);
      }
      return out;
    }
    if (node.type === 'concatenated_string') {
      const first = named(node)[0];
      return first ? pythonSyntax.stringPrefix(first) : undefined;
    }
    if (node.type === 'binary_operator') {
      const left = node.childForFieldName('left');
      return left ? pythonSyntax.stringPrefix(left) : undefined;
    }
    if (node.type === 'call' && node.childForFieldName('function')?.type === 'attribute') {
      const fn = node.childForFieldName('function');
      if (fn?.childForFieldName('attribute')?.text === 'format') {
        const recv = fn.childForFieldName('object');
        const s = recv ? stringContent(recv) : undefined;
        return s?.split('{')[0];
      }
    }
    return undefined;
  },

  property(obj, key) {
    if (obj.type === 'call') return pythonSyntax.kwarg(obj, key);
    return pythonSyntax.entries(obj).find((e) => e.key === key)?.value;
  },

  entries(obj) {
    const out: ObjectEntry[] = [];
    if (obj.type === 'dictionary') {
      for (const c of named(obj)) {
        if (c.type === 'pair') {
          const keyNode = c.childForFieldName('key');
          const value = c.childForFieldName('value');
          if (value) out.push({ key: keyNode ? stringContent(keyNode) : undefined, keyNode: keyNode ?? undefined, value });
        } else if (c.type === 'dictionary_splat') {
          const v = named(c)[0];
          if (v) out.push({ value: v });
        }
      }
    } else if (obj.type === 'call') {
      // dict(password=..., ssn=...) and Model(field=...) calls: keyword arguments are entries.
      for (const a of argumentList(obj)) {
        if (a.type === 'keyword_argument') {
          const keyNode = a.childForFieldName('name');
          const value = a.childForFieldName('value');
          if (keyNode && value) out.push({ key: keyNode.text, keyNode, value });
        } else if (a.type === 'dictionary_splat') {
          const v = named(a)[0];
          if (v) out.push({ value: v });
        }
      }
    }
    return out;
  },

  bindings(scope) {
    const out: Binding[] = [];
    if (FUNCTION_TYPES.has(scope.type)) {
      const params = scope.childForFieldName('parameters');
      for (const p of named(params)) {
        if (p.type === 'identifier') out.push({ name: p.text, node: p, from: scope.startIndex, param: true });
        else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
          const name = p.childForFieldName('name');
          if (name) out.push({ name: name.text, node: name, value: p.childForFieldName('value') ?? undefined, from: scope.startIndex, param: true });
        } else if (p.type === 'typed_parameter') {
          const id = named(p).find((c) => c.type === 'identifier');
          if (id) out.push({ name: id.text, node: id, from: scope.startIndex, param: true });
        } else if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') {
          const id = named(p)[0];
          if (id) out.push({ name: id.text, node: id, from: scope.startIndex, param: true });
        }
      }
    }
    const body = FUNCTION_TYPES.has(scope.type) ? scope.childForFieldName('body') : scope;
    if (!body) return out;
    // Without syntax errors an assignment's innermost statement is its `expression_statement` (the grammar puts an
    // assignment nowhere else), so only those are walked; error recovery may put one in any statement.
    const statements = new StatementStack();
    walkTypes(body, body.hasError ? [...BINDING_WALK, ...typesEndingWith(body, '_statement')] : BINDING_WALK_CLEAN, (n) => {
      statements.enter(n);
      if (n !== body && FUNCTION_TYPES.has(n.type)) {
        if (n.type === 'function_definition') {
          const name = n.childForFieldName('name');
          if (name) out.push({ name: name.text, node: name, value: n, from: n.startIndex });
        }
        return false;
      }
      if (n.type === 'class_definition') {
        const name = n.childForFieldName('name');
        if (name) out.push({ name: name.text, node: name, value: n, from: n.startIndex });
        return true;
      }
      if (n.type === 'assignment' || n.type === 'augmented_assignment') {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right') ?? undefined;
        if (left) collectTargets(left, n.type === 'augmented_assignment' ? n : right, statements.end(n), out);
      } else if (n.type === 'for_statement') {
        const left = n.childForFieldName('left');
        if (left) collectTargets(left, n.childForFieldName('right') ?? undefined, n.startIndex, out);
      } else if (n.type === 'with_item') {
        const v = n.childForFieldName('value');
        if (v?.type === 'as_pattern') {
          const target = named(v).find((c) => c.type === 'as_pattern_target');
          const value = named(v)[0];
          if (target) collectTargets(target, value, v.endIndex, out);
        }
      } else if (n.type === 'named_expression') {
        const name = n.childForFieldName('name');
        if (name) out.push({ name: name.text, node: name, value: n.childForFieldName('value') ?? undefined, from: n.endIndex });
      }
      return true;
    });
    return out;
  },

  imports(root) {
    const out = new Map<string, string>();
    // The statements are found from the `import` keywords of the text (the keyword token's parent), in the text's
    // order: a search of the whole tree, even in C, cost a fifth of the parse. A keyword has one statement and a
    // statement one keyword; a word `import` in a string or a comment is not a keyword token.
    const text = root.text;
    for (const word of text.matchAll(/\bimport\b/g)) {
      const keyword = root.descendantForIndex(root.startIndex + word.index);
      const n = keyword?.type === 'import' ? keyword.parent : null;
      if (!n) continue;
      if (n.type === 'import_statement') {
        for (const c of named(n)) {
          if (c.type === 'dotted_name') out.set(c.text.split('.')[0], c.text.split('.')[0]);
          else if (c.type === 'aliased_import') {
            const name = c.childForFieldName('name')?.text;
            const alias = c.childForFieldName('alias')?.text;
            if (name && alias) out.set(alias, name);
          }
        }
        continue;
      }
      if (n.type === 'import_from_statement') {
        const mod = n.childForFieldName('module_name')?.text;
        if (!mod) continue;
        for (const c of n.childrenForFieldName('name')) {
          if (!c) continue;
          if (c.type === 'dotted_name') out.set(c.text, `${mod}.${c.text}`);
          else if (c.type === 'aliased_import') {
            const name = c.childForFieldName('name')?.text;
            const alias = c.childForFieldName('alias')?.text;
            if (name && alias) out.set(alias, `${mod}.${name}`);
          }
        }
      }
    }
    return out;
  },
};
