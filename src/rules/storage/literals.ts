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
export function isStatementString(node: Node): boolean {
  return node.parent?.type === 'expression_statement' && node.parent.namedChildCount === 1;
}

/** True when the literal is the key of a pair, an import source or a `require` argument: not a value. */
export function isNotAValue(ctx: RuleContext, lit: Node): boolean {
  const p = lit.parent;
  if (!p) return true;
  if (p.type === 'pair' && p.childForFieldName('key')?.id === lit.id) return true;
  if (p.type === 'import_statement' || p.type === 'export_statement' || p.type === 'import_from_statement') return true;
  if (p.type === 'arguments' && p.parent && /^(require|import)$/.test(p.parent.childForFieldName('function')?.text ?? '')) return true;
  if (p.type === 'subscript' || p.type === 'subscript_expression') return p.childForFieldName('subscript')?.id === lit.id || p.childForFieldName('index')?.id === lit.id;
  return isStatementString(lit) || ctx.syntax.isComment(lit);
}

function memberKey(ctx: RuleContext, left: Node): string | undefined {
  const e = ctx.syntax.expr(left);
  if (e.kind === 'identifier') return e.name;
  if (e.kind === 'member') return e.key;
  return undefined;
}

export function literalContext(ctx: RuleContext, lit: Node): LiteralContext {
  let n = lit;
  const out: LiteralContext = {};
  for (let i = 0; i < 6; i++) {
    const p = n.parent;
    if (!p) return out;
    if (WRAPPERS.has(p.type) || p.type === 'concatenated_string') {
      n = p;
      continue;
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
        if (p.childForFieldName('value')?.id === n.id && name?.type === 'identifier') return { ...out, name: name.text, kind: 'variable' };
        return out;
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
        // `os.getenv('API_KEY', 'default')`, `config.get('password', 'x')`: the key names the fallback.
        const e = ctx.syntax.expr(call);
        if (e.kind === 'call' && /^(get|getenv|get_env|env)$/.test(e.name) && argIndex === 1) {
          const key = args[0] ? ctx.syntax.stringValue(args[0]) : undefined;
          if (key) return { ...out, name: key, kind: 'fallback', fallback: /environ|getenv|env/.test(e.path) || out.fallback, call, argIndex };
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
  for (let i = 0; i < 3 && n.parent && WRAPPERS.has(n.parent.type); i++) n = n.parent;
  const p = n.parent;
  if (!p) return {};
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
