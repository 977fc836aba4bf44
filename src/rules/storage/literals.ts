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
 * literal's parent when the caller has it (web-tree-sitter finds a parent by descending from the root); `grand`: the
 * parent's parent, when the caller has it.
 */
export function isNotAValue(ctx: RuleContext, lit: Node, parent: Node | null = lit.parent, grand?: Node | null): boolean {
  const p = parent;
  if (!p) return true;
  const pt = p.type; // read once: each read of a node's type crosses into wasm
  if (pt === 'pair' && p.childForFieldName('key')?.id === lit.id) return true;
  if (pt === 'import_statement' || pt === 'export_statement' || pt === 'import_from_statement') return true;
  if (pt === 'arguments' && isRequireOrImport(ctx, grand !== undefined ? grand : p.parent)) return true;
  // PHP: `$_POST['password']` (no field names), array keys `'password' => …`, `use` and `namespace` names.
  if (ctx.file.syntax === 'php') {
    if (pt === 'subscript_expression') return p.namedChildren[1]?.id === lit.id;
    if (pt === 'array_element_initializer') return p.namedChildCount === 2 && p.namedChildren[0]?.id === lit.id;
  }
  if (pt === 'subscript' || pt === 'subscript_expression') return p.childForFieldName('subscript')?.id === lit.id || p.childForFieldName('index')?.id === lit.id;
  // Go: import paths, struct tags, map keys (`m["password"]`, `map[string]string{"password": …}`).
  if (pt === 'import_spec' || pt === 'field_declaration') return true;
  if (pt === 'index_expression') return p.childForFieldName('index')?.id === lit.id;
  if (pt === 'literal_element' && p.parent?.type === 'keyed_element' && p.parent.childForFieldName('key')?.id === p.id) return true;
  return isStatementString(lit, p) || ctx.syntax.isComment(lit);
}

/**
 * A `require(…)` or `import(…)` call. The callee is the call's first child: a call whose text does not start with
 * either word is not one, without reading the callee's node.
 */
function isRequireOrImport(ctx: RuleContext, call: Node | null): boolean {
  if (!call || !(ctx.file.text.startsWith('require', call.startIndex) || ctx.file.text.startsWith('import', call.startIndex))) return false;
  return /^(require|import)$/.test(call.childForFieldName('function')?.text ?? '');
}

/**
 * The types of a literal's parent that literalContext reads at its first step: under any other parent a literal has
 * no context (no name, no call). Keep in step with literalContext.
 */
const CONTEXT_PARENTS: ReadonlySet<string> = new Set([
  ...WRAPPERS, 'concatenated_string', 'argument', 'method_invocation', 'array_element_initializer', 'property_element', 'const_element',
  'type_conversion_expression', 'literal_element', 'expression_list', 'keyed_element', 'binary_expression', 'boolean_operator',
  'variable_declarator', 'property_declaration', 'public_field_definition', 'field_definition', 'required_parameter', 'optional_parameter',
  'assignment_pattern', 'object_assignment_pattern', 'default_parameter', 'typed_default_parameter', 'pair', 'keyword_argument',
  'assignment_expression', 'assignment', 'arguments', 'argument_list',
]);

/** Whether literalContext may find a name or a call for a literal whose parent has this type (else its context is empty). */
export function mayHaveContext(parentType: string | undefined): boolean {
  return parentType !== undefined && CONTEXT_PARENTS.has(parentType);
}

/**
 * The names of a lookup whose second argument is a default (see literalContext), as whole words: a JavaScript or
 * Python callee's name (the last member, or the whole callee) lies in the text from the call's start to its arguments.
 */
const LOOKUP_NAME_IN_TEXT = /(?<![\w$])(?:get|getenv|get_env|env|getProperty|getOrDefault)(?![\w$])/;

/**
 * The position of `n`, a child of the arguments node `p` of `call`, among the call's arguments (Syntax.args; -1 when
 * it is none). A JavaScript call's arguments are the named children of `p` but comments: their nodes are read in one
 * go, and only those before `n` are asked their type.
 */
function argIndexOf(ctx: RuleContext, call: Node, p: Node, n: Node): number {
  if (ctx.file.syntax !== 'js' || p.type !== 'arguments') return ctx.syntax.args(call).findIndex((a) => a.id === n.id);
  const children = p.namedChildren;
  const at = children.findIndex((c) => c?.id === n.id);
  let index = 0;
  for (let k = 0; k < at; k++) if (children[k]?.type !== 'comment') index++;
  return at < 0 ? -1 : index;
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

/**
 * What gives a literal a name (see LiteralContext); `parent`: the literal's parent when the caller has it, and
 * `grand`: the parent's parent (the call, for an argument), when the caller has that too.
 */
export function literalContext(ctx: RuleContext, lit: Node, parent?: Node | null, grand?: Node | null): LiteralContext {
  let n = lit;
  const out: LiteralContext = {};
  for (let i = 0; i < 6; i++) {
    const p = i === 0 && parent !== undefined ? parent : n.parent;
    if (!p) return out;
    const pt = p.type;
    if (WRAPPERS.has(pt) || pt === 'concatenated_string') {
      n = p;
      continue;
    }
    // C#: an argument wraps its value; `Encoding.UTF8.GetBytes("secret")` passes the literal on.
    if (pt === 'argument' && ctx.file.syntax === 'csharp') {
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
    if (pt === 'method_invocation' && p.childForFieldName('object')?.id === n.id && /^(getBytes|toCharArray)$/.test(p.childForFieldName('name')?.text ?? '')) {
      n = p;
      continue;
    }
    // PHP: an argument, an array entry `'password' => '…'`, a class property or constant, `define('X', '…')`.
    if (ctx.file.syntax === 'php') {
      if (pt === 'argument') {
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
      if (pt === 'array_element_initializer') {
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
      if (pt === 'property_element') {
        const name = p.childForFieldName('name');
        return name ? { ...out, name: name.text.replace(/^\$/, ''), kind: 'property' } : out;
      }
      if (pt === 'const_element') {
        const name = p.namedChildren[0];
        return name && name.id !== n.id ? { ...out, name: name.text, kind: 'variable' } : out;
      }
    }
    // Go: `[]byte("secret")` passes the literal on; `x := "…"`, `const k = "…"`, `Config{Password: "…"}`.
    if (pt === 'type_conversion_expression' || pt === 'literal_element') {
      n = p;
      continue;
    }
    if (pt === 'expression_list' && p.parent && /^(short_var_declaration|assignment_statement|const_spec|var_spec)$/.test(p.parent.type)) {
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
    if (pt === 'keyed_element') {
      if (p.childForFieldName('value')?.id !== n.id) return out;
      const keyEl = p.childForFieldName('key');
      const keyNode = keyEl?.namedChildren[0] ?? null;
      const key = keyText(ctx, keyNode);
      const lit2 = p.parent?.parent;
      const holder = lit2?.type === 'composite_literal' ? containerOf(ctx, lit2) : {};
      const type = lit2?.type === 'composite_literal' ? lit2.childForFieldName('type')?.text : undefined;
      return { ...out, ...holder, container: holder.container ?? type, name: key, kind: 'key' };
    }
    switch (pt) {
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
        const call = i === 0 && parent !== undefined && grand !== undefined ? grand : p.parent;
        if (!call || !ctx.syntax.isCall(call)) return out;
        const argIndex = argIndexOf(ctx, call, p, n);
        // `os.getenv('API_KEY', 'default')`, `config.get('password', 'x')`: the key names the fallback. Only a Python
        // call and a second argument need the callee (most literal arguments are neither: no second look at the call),
        // and in JavaScript and Python only a callee whose text has one of the names.
        const python = ctx.file.syntax === 'python';
        if (!python && argIndex !== 1) return { ...out, call, argIndex };
        if ((python || ctx.file.syntax === 'js') && !LOOKUP_NAME_IN_TEXT.test(ctx.file.text.slice(call.startIndex, p.startIndex))) return { ...out, call, argIndex };
        const e = ctx.syntax.expr(call);
        if (e.kind === 'call' && e.name === 'get' && python && isSectionOption(ctx, call, e.receiver, n)) return { ...out, call, argIndex };
        if (e.kind === 'call' && /^(get|getenv|get_env|env|getProperty|getOrDefault)$/.test(e.name) && argIndex === 1) {
          const first = ctx.syntax.args(call)[0];
          const key = first ? ctx.syntax.stringValue(first) : undefined;
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
  // Each parent and type is read once: a parent is found by descending from the root, a type crosses into wasm.
  let n = obj;
  let p = n.parent;
  for (let i = 0; i < 3 && p; i++) {
    const t = p.type;
    if (!WRAPPERS.has(t) && !(t === 'unary_expression' && p.text.startsWith('&'))) break;
    n = p;
    p = n.parent;
  }
  if (!p) return {};
  let pt = p.type;
  // Go: `cfg := mysql.Config{…}`, `var opts = redis.Options{…}`.
  if (pt === 'expression_list') {
    const decl = p.parent;
    if (decl && /^(short_var_declaration|assignment_statement|var_spec)$/.test(decl.type)) {
      const target = decl.type === 'var_spec' ? decl.childForFieldName('name') : decl.childForFieldName('left')?.namedChildren[0];
      return target ? { container: target.text } : {};
    }
  }
  if (pt === 'literal_element') {
    p = p.parent ?? p;
    pt = p.type;
  }
  if (pt === 'keyed_element') {
    const key = p.childForFieldName('key')?.namedChildren[0];
    const outerLit = p.parent?.parent;
    const outer = outerLit?.type === 'composite_literal' ? containerOf(ctx, outerLit) : {};
    return { ...outer, container: key ? (keyText(ctx, key) ?? outer.container) : outer.container };
  }
  if (pt === 'variable_declarator') return { container: p.childForFieldName('name')?.text };
  if (pt === 'assignment_expression' || pt === 'assignment') return { container: p.childForFieldName('left')?.text };
  if (pt === 'pair') {
    const key = keyText(ctx, p.childForFieldName('key'));
    const obj2 = p.parent;
    const outer = obj2 ? containerOf(ctx, obj2) : {};
    return { ...outer, container: key ?? outer.container };
  }
  if (pt === 'arguments' || pt === 'argument_list') {
    const call = p.parent;
    if (call && ctx.syntax.isCall(call)) return { call, argIndex: ctx.syntax.args(call).findIndex((a) => a.id === n.id) };
  }
  return {};
}
