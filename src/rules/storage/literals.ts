/**
 * Where a string literal sits, for the rules that judge literals (`storage/hardcoded-secret`, `storage/pii-literal`):
 * the name it is assigned to (variable, property, key, keyword argument, default parameter), whether it is only a
 * fallback for an environment lookup, and the call it is an argument of.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';

export interface LiteralContext {
  /** The name the literal is bound to (`dbPassword`, `SECRET_KEY`, `password=`), if any. */
  name?: string;
  kind?: 'variable' | 'property' | 'key' | 'keyword' | 'parameter' | 'fallback';
  /** The literal is the default of an environment or config lookup (`process.env.X || 'dev'`, `os.getenv('X', 'dev')`). */
  fallback?: boolean;
  /** The call the literal (or the object holding it) is an argument of, and its position. */
  call?: Node;
  argIndex?: number;
  /** The keyword a Python argument is passed as. */
  keyword?: string;
  /** The variable an object literal holding this literal is assigned to (`const dbConfig = { password: '…' }`). */
  container?: string;
}

const WRAPPERS = new Set([
  'parenthesized_expression', 'as_expression', 'satisfies_expression', 'non_null_expression', 'type_assertion',
]);

function keyText(ctx: RuleContext, key: Node | null): string | undefined {
  if (!key) return undefined;
  return ctx.syntax.stringValue(key) ?? (key.type === 'computed_property_name' ? undefined : key.text);
}

/** A Python docstring or a bare string statement (JS directives such as 'use strict'). */
export function isStatementString(node: Node, parent: Node | null = node.parent): boolean {
  return parent?.type === 'expression_statement' && parent.namedChildCount === 1;
}

/**
 * True when the literal is the key of a pair, an import source or a `require` argument: not a value. `parent`: the
 * literal's parent when the caller has it (web-tree-sitter finds a parent by descending from the root).
 */
export function isNotAValue(ctx: RuleContext, lit: Node, parent: Node | null = lit.parent): boolean {
  const p = parent;
  if (!p) return true;
  if (p.type === 'pair' && p.childForFieldName('key')?.id === lit.id) return true;
  if (p.type === 'import_statement' || p.type === 'export_statement' || p.type === 'import_from_statement') return true;
  if (p.type === 'arguments' && p.parent && /^(require|import)$/.test(p.parent.childForFieldName('function')?.text ?? '')) return true;
  // PHP: `$_POST['password']` (no field names), array keys `'password' => …`, `use` and `namespace` names.
  if (ctx.file.syntax === 'php') {
    if (p.type === 'subscript_expression') return p.namedChildren[1]?.id === lit.id;
    if (p.type === 'array_element_initializer') return p.namedChildCount === 2 && p.namedChildren[0]?.id === lit.id;
  }
  if (p.type === 'subscript' || p.type === 'subscript_expression') return p.childForFieldName('subscript')?.id === lit.id || p.childForFieldName('index')?.id === lit.id;
  // Go: import paths, struct tags, map keys (`m["password"]`, `map[string]string{"password": …}`).
  if (p.type === 'import_spec' || p.type === 'field_declaration') return true;
  if (p.type === 'index_expression') return p.childForFieldName('index')?.id === lit.id;
  if (p.type === 'literal_element' && p.parent?.type === 'keyed_element' && p.parent.childForFieldName('key')?.id === p.id) return true;
  return isStatementString(lit, p) || ctx.syntax.isComment(lit);
}

function memberKey(ctx: RuleContext, left: Node): string | undefined {
  const e = ctx.syntax.expr(left);
  if (e.kind === 'identifier') return e.name;
  if (e.kind === 'member') return e.key;
  return undefined;
}

/**
 * `config.get('password', 'forbidden', fallback=None)` is ConfigParser's (section, option): no value there. So is
 * `config.get('password', 'passlib')` on a config object with an option-like name.
 */
function isSectionOption(ctx: RuleContext, call: Node, receiver: Node | undefined, arg: Node): boolean {
  if ((ctx.syntax.kwarg(call, 'fallback') ?? ctx.syntax.kwarg(call, 'default') ?? ctx.syntax.kwarg(call, 'raw')) !== undefined) return true;
  return /^(config|conf|cfg|parser|config_parser|configparser|cp|ini)$/i.test(receiver?.text ?? '') && /^[a-z][a-z0-9_]*$/.test(ctx.syntax.stringValue(arg) ?? '');
}

/** What gives a literal a name (see LiteralContext); `parent`: the literal's parent when the caller has it. */
export function literalContext(ctx: RuleContext, lit: Node, parent?: Node | null): LiteralContext {
  let n = lit;
  const out: LiteralContext = {};
  for (let i = 0; i < 6; i++) {
    const p = i === 0 && parent !== undefined ? parent : n.parent;
    if (!p) return out;
    if (WRAPPERS.has(p.type) || p.type === 'concatenated_string') {
      n = p;
      continue;
    }
    // C#: an argument wraps its value; `Encoding.UTF8.GetBytes("secret")` passes the literal on.
    if (p.type === 'argument' && ctx.file.syntax === 'csharp') {
      const named = p.childForFieldName('name');
      if (named) {
        const call = p.parent?.parent ?? undefined;
        return { ...out, name: named.text, kind: 'keyword', keyword: named.text, call: call && ctx.syntax.isCall(call) ? call : undefined };
      }
      const call = p.parent?.parent;
      if (call && ctx.syntax.isCall(call) && /(^|\.)Encoding\.\w+\.GetBytes$|^Convert\.FromBase64String$/.test(ctx.syntax.calleePath(call))) {
        n = call;
        continue;
      }
      if (!call || !ctx.syntax.isCall(call)) return out;
      const at = n;
      return { ...out, call, argIndex: ctx.syntax.args(call).findIndex((a) => a.id === at.id) };
    }
    // Java: `"secret".getBytes(UTF_8)` and `"pw".toCharArray()` pass the literal on.
    if (p.type === 'method_invocation' && p.childForFieldName('object')?.id === n.id && /^(getBytes|toCharArray)$/.test(p.childForFieldName('name')?.text ?? '')) {
      n = p;
      continue;
    }
    // PHP: an argument, an array entry `'password' => '…'`, a class property or constant, `define('X', '…')`.
    if (ctx.file.syntax === 'php') {
      if (p.type === 'argument') {
        const call = p.parent?.parent;
        if (!call || !ctx.syntax.isCall(call)) return out;
        const args = ctx.syntax.args(call);
        const argIndex = args.findIndex((a) => a.id === n.id);
        const path = ctx.syntax.calleePath(call);
        if (/^define$/i.test(path) && argIndex === 1) {
          const key = args[0] ? ctx.syntax.stringValue(args[0]) : undefined;
          return key ? { ...out, name: key, kind: 'variable' } : out;
        }
        if (/^(getenv|env|config|Config\.get|\$_ENV\.get)$/.test(path) && argIndex === 1) {
          const key = args[0] ? ctx.syntax.stringValue(args[0]) : undefined;
          if (key) return { ...out, name: key, kind: 'fallback', fallback: true, call, argIndex };
        }
        return { ...out, call, argIndex };
      }
      if (p.type === 'array_element_initializer') {
        const parts = p.namedChildren.filter((c): c is Node => !!c);
        if (parts.length !== 2 || parts[1].id !== n.id) return out;
        const key = keyText(ctx, parts[0]);
        const arr = p.parent;
        let holder: Pick<LiteralContext, 'container' | 'call' | 'argIndex'> = {};
        const ap = arr?.parent;
        if (ap?.type === 'assignment_expression') holder = { container: ap.childForFieldName('left')?.text.replace(/^\$/, '') };
        else if (ap?.type === 'argument' && ap.parent?.parent && ctx.syntax.isCall(ap.parent.parent)) holder = { call: ap.parent.parent, argIndex: ctx.syntax.args(ap.parent.parent).findIndex((a) => a.id === arr?.id) };
        else if (ap?.type === 'return_statement') holder = { container: 'config' };
        else if (ap?.type === 'array_element_initializer') {
          const outerKey = ap.namedChildCount === 2 ? ap.namedChildren[0] : null;
          holder = { container: outerKey ? keyText(ctx, outerKey) : undefined };
        }
        return { ...out, ...holder, name: key, kind: 'key' };
      }
      if (p.type === 'property_element') {
        const name = p.childForFieldName('name');
        return name ? { ...out, name: name.text.replace(/^\$/, ''), kind: 'property' } : out;
      }
      if (p.type === 'const_element') {
        const name = p.namedChildren[0];
        return name && name.id !== n.id ? { ...out, name: name.text, kind: 'variable' } : out;
      }
    }
    // Go: `[]byte("secret")` passes the literal on; `x := "…"`, `const k = "…"`, `Config{Password: "…"}`.
    if (p.type === 'type_conversion_expression' || p.type === 'literal_element') {
      n = p;
      continue;
    }
    if (p.type === 'expression_list' && p.parent && /^(short_var_declaration|assignment_statement|const_spec|var_spec)$/.test(p.parent.type)) {
      const decl = p.parent;
      const values = p.namedChildren.filter((c): c is Node => !!c);
      const i = values.findIndex((v) => v.id === n.id);
      const targets = decl.type === 'const_spec' || decl.type === 'var_spec'
        ? decl.childrenForFieldName('name').filter((c): c is Node => !!c)
        : (decl.childForFieldName('left')?.namedChildren.filter((c): c is Node => !!c) ?? []);
      if (decl.childForFieldName(decl.type === 'const_spec' || decl.type === 'var_spec' ? 'value' : 'right')?.id !== p.id) return out;
      const target = i >= 0 ? targets[i] : undefined;
      if (!target) return out;
      const name = memberKey(ctx, target);
      const member = target.type === 'selector_expression';
      return name ? { ...out, name, kind: member ? 'property' : 'variable', container: member ? target.text : undefined } : out;
    }
    if (p.type === 'keyed_element') {
      if (p.childForFieldName('value')?.id !== n.id) return out;
      const keyEl = p.childForFieldName('key');
      const keyNode = keyEl?.namedChildren[0] ?? null;
      const key = keyText(ctx, keyNode);
      const lit2 = p.parent?.parent;
      const holder = lit2?.type === 'composite_literal' ? containerOf(ctx, lit2) : {};
      const type = lit2?.type === 'composite_literal' ? lit2.childForFieldName('type')?.text : undefined;
      return { ...out, ...holder, container: holder.container ?? type, name: key, kind: 'key' };
    }
    switch (p.type) {
      case 'binary_expression':
      case 'boolean_operator': {
        // `process.env.X || 'dev-secret'`, `os.environ.get('X') or 'dev'`: a fallback default.
        const op = p.childForFieldName('operator')?.text ?? '';
        if (/^(\|\||\?\?|or)$/.test(op) && p.childForFieldName('right')?.id === n.id) {
          out.fallback = true;
          n = p;
          continue;
        }
        return out;
      }
      case 'variable_declarator': {
        const name = p.childForFieldName('name');
        // C#'s declarator has no `value` field: the initialiser is its last child.
        const value = p.childForFieldName('value') ?? (ctx.file.syntax === 'csharp' ? p.namedChildren[p.namedChildren.length - 1] : null);
        if (value?.id === n.id && value.id !== name?.id && name?.type === 'identifier') return { ...out, name: name.text, kind: 'variable' };
        return out;
      }
      case 'property_declaration': {
        // C#: `public string ApiKey { get; set; } = "…";`
        const name = p.childForFieldName('name');
        return name && p.childForFieldName('value')?.id === n.id ? { ...out, name: name.text, kind: 'property' } : out;
      }
      case 'public_field_definition':
      case 'field_definition': {
        const name = p.childForFieldName('name') ?? p.childForFieldName('property');
        return name ? { ...out, name: name.text.replace(/^#/, ''), kind: 'property' } : out;
      }
      case 'required_parameter':
      case 'optional_parameter': {
        const name = p.childForFieldName('pattern');
        return name?.type === 'identifier' && p.childForFieldName('value')?.id === n.id ? { ...out, name: name.text, kind: 'parameter' } : out;
      }
      case 'assignment_pattern':
      case 'object_assignment_pattern': {
        const left = p.childForFieldName('left');
        return left && p.childForFieldName('right')?.id === n.id ? { ...out, name: left.text, kind: 'parameter' } : out;
      }
      case 'default_parameter':
      case 'typed_default_parameter': {
        const name = p.childForFieldName('name');
        return name ? { ...out, name: name.text, kind: 'parameter' } : out;
      }
      case 'pair': {
        if (p.childForFieldName('value')?.id !== n.id) return out;
        const key = keyText(ctx, p.childForFieldName('key'));
        const obj = p.parent;
        const holder = obj ? containerOf(ctx, obj) : {};
        return { ...out, ...holder, name: key, kind: 'key' };
      }
      case 'keyword_argument': {
        const name = p.childForFieldName('name')?.text;
        const call = p.parent?.parent ?? undefined;
        return { ...out, name, kind: 'keyword', keyword: name, call: call && ctx.syntax.isCall(call) ? call : undefined };
      }
      case 'assignment_expression':
      case 'assignment': {
        const left = p.childForFieldName('left');
        if (!left || p.childForFieldName('right')?.id !== n.id) return out;
        const name = memberKey(ctx, left);
        return name ? { ...out, name, kind: left.type === 'identifier' ? 'variable' : 'property', container: left.type === 'identifier' ? undefined : ctx.syntax.expr(left).kind === 'member' ? left.text : undefined } : out;
      }
      case 'arguments':
      case 'argument_list': {
        const call = p.parent;
        if (!call || !ctx.syntax.isCall(call)) return out;
        const args = ctx.syntax.args(call);
        const argIndex = args.findIndex((a) => a.id === n.id);
        // `os.getenv('API_KEY', 'default')`, `config.get('password', 'x')`: the key names the fallback. Only a Python
        // call and a second argument need the callee (most literal arguments are neither: no second look at the call).
        const python = ctx.file.syntax === 'python';
        if (!python && argIndex !== 1) return { ...out, call, argIndex };
        const e = ctx.syntax.expr(call);
        if (e.kind === 'call' && e.name === 'get' && python && isSectionOption(ctx, call, e.receiver, n)) return { ...out, call, argIndex };
        if (e.kind === 'call' && /^(get|getenv|get_env|env|getProperty|getOrDefault)$/.test(e.name) && argIndex === 1) {
          const key = args[0] ? ctx.syntax.stringValue(args[0]) : undefined;
          if (key) return { ...out, name: key, kind: 'fallback', fallback: /environ|getenv|env|getProperty/.test(e.path) || out.fallback, call, argIndex };
        }
        return { ...out, call, argIndex };
      }
      default:
        return out;
    }
  }
  return out;
}

/** The variable or call an object literal belongs to: `const dbConfig = {...}`, `mysql.createConnection({...})`. */
function containerOf(ctx: RuleContext, obj: Node): Pick<LiteralContext, 'container' | 'call' | 'argIndex'> {
  let n = obj;
  for (let i = 0; i < 3 && n.parent && (WRAPPERS.has(n.parent.type) || (n.parent.type === 'unary_expression' && n.parent.text.startsWith('&'))); i++) n = n.parent;
  let p = n.parent;
  if (!p) return {};
  // Go: `cfg := mysql.Config{…}`, `var opts = redis.Options{…}`.
  if (p.type === 'expression_list' && p.parent && /^(short_var_declaration|assignment_statement|var_spec)$/.test(p.parent.type)) {
    const decl = p.parent;
    const target = decl.type === 'var_spec' ? decl.childForFieldName('name') : decl.childForFieldName('left')?.namedChildren[0];
    return target ? { container: target.text } : {};
  }
  if (p.type === 'literal_element') p = p.parent ?? p;
  if (p.type === 'keyed_element') {
    const key = p.childForFieldName('key')?.namedChildren[0];
    const outerLit = p.parent?.parent;
    const outer = outerLit?.type === 'composite_literal' ? containerOf(ctx, outerLit) : {};
    return { ...outer, container: key ? (keyText(ctx, key) ?? outer.container) : outer.container };
  }
  if (p.type === 'variable_declarator') return { container: p.childForFieldName('name')?.text };
  if (p.type === 'assignment_expression' || p.type === 'assignment') return { container: p.childForFieldName('left')?.text };
  if (p.type === 'pair') {
    const key = keyText(ctx, p.childForFieldName('key'));
    const outer = p.parent ? containerOf(ctx, p.parent) : {};
    return { ...outer, container: key ?? outer.container };
  }
  if ((p.type === 'arguments' || p.type === 'argument_list') && p.parent && ctx.syntax.isCall(p.parent)) {
    return { call: p.parent, argIndex: ctx.syntax.args(p.parent).findIndex((a) => a.id === n.id) };
  }
  return {};
}
