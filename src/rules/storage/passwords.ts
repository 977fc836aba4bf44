/**
 * Password helpers shared by `storage/plaintext-password` and `storage/weak-password-hash`: which taint items are
 * clear-text passwords, which calls only encode (base64, hex), how a hash expression is used (stored, named as a
 * password, compared, returned by a hashing helper), and whether the file hashes passwords in a model hook.
 */
import type { Node } from 'web-tree-sitter';
import type { TaintItem } from '../../core/flow';
import type { RuleContext } from '../../core/rule';
import { sinkAt, type Sink } from './sinks';

/** A password that no sanitizer touched on its way. */
export const isPlainPassword = (i: TaintItem): boolean => i.classification.type === 'password' && !i.sanitizedBy && !i.bulk;

/** A password that went through a fast hash (MD5, SHA-*, HMAC) and nothing stronger. */
export const isFastHashedPassword = (i: TaintItem): boolean => i.classification.type === 'password' && i.sanitizedBy?.kind === 'hash';

/** Names that say "this holds a stored password, its hash or its encoding". */
export function passwordish(ctx: RuleContext, name: string): boolean {
  if (ctx.classifier.classifyName(name).some((c) => c.type === 'password' || c.type === 'password_hash')) return true;
  return /pass(w|$|_)|pwd|^pw$/i.test(name.split('.').pop() ?? name);
}

/**
 * Model hooks and setters that hash passwords in this file (Mongoose `pre('save')`, Sequelize `beforeCreate`,
 * TypeORM `@BeforeInsert`, SQLAlchemy property setters): ORM writes here are hashed on the way.
 */
export function fileHashesInHooks(ctx: RuleContext): boolean {
  const cached = ctx.state.get('hooks');
  if (typeof cached === 'boolean') return cached;
  const text = ctx.file.text;
  const hook = /\.pre\(\s*['"](save|validate|updateOne|findOneAndUpdate)|beforeCreate|beforeSave|beforeUpdate|beforeBulkCreate|@BeforeInsert|@BeforeUpdate|\.setter\b|def set_password|@validates\(/.test(text);
  const hashes = /bcrypt|argon2|scrypt|pbkdf2|generate_password_hash|make_password|hashPassword|hash_password|passlib/i.test(text);
  const result = hook && hashes;
  ctx.state.set('hooks', result);
  return result;
}

export interface Encoding {
  label: string;
  /** The encoded input. */
  input: Node;
}

/** base64 / hex "protection": `btoa(pw)`, `Buffer.from(pw).toString('base64')`, `base64.b64encode(pw)`, `binascii.hexlify`. */
export function encodingOf(ctx: RuleContext, call: Node): Encoding | undefined {
  if (!ctx.syntax.isCall(call)) return undefined;
  const e = ctx.syntax.expr(call);
  if (e.kind !== 'call') return undefined;
  const path = ctx.flow.resolvedPath(call);
  const args = ctx.syntax.args(call);
  if (ctx.file.syntax === 'js') {
    if (/^((window|globalThis|self)\.)?btoa$|^(js-base64\.)?Base64\.(encode|encodeURI|btoa)$|^base-64\.encode$|(^|\.)encodeBase64$/.test(path) && args[0]) return { label: 'base64', input: args[0] };
    if (e.name === 'toString' && args[0] && e.receiver) {
      const enc = ctx.syntax.stringValue(args[0]);
      if (enc && /^(base64|base64url|hex)$/.test(enc)) {
        const recv = e.receiver;
        const inner = ctx.syntax.isCall(recv) && /(^|\.)Buffer\.from$/.test(ctx.syntax.calleePath(recv)) ? ctx.syntax.args(recv)[0] : recv;
        return inner ? { label: enc === 'hex' ? 'hex' : 'base64', input: inner } : undefined;
      }
    }
    return undefined;
  }
  if (/^base64\.(b64encode|urlsafe_b64encode|b32encode|b16encode|encodebytes|standard_b64encode)$|^binascii\.(hexlify|b2a_base64|b2a_hex)$/.test(path) && args[0]) {
    return { label: /hex|b16/.test(path) ? 'hex' : 'base64', input: args[0] };
  }
  if (/^codecs\.encode$/.test(path) && args[0] && /^(base64|hex|base_64|hex_codec|base64_codec)$/.test(ctx.syntax.stringValue(args[1] ?? args[0]) ?? '')) {
    return { label: 'base64', input: args[0] };
  }
  if (e.name === 'hex' && e.receiver && args.length === 0 && /^(bytes|\w+\.encode)/.test(e.receiver.text)) return { label: 'hex', input: e.receiver };
  return undefined;
}

/** Climbs from a hash or encoding call to the end of its chain: `.digest('hex')`, `.hexdigest()`, `.decode()`, `await`. */
export function outermost(ctx: RuleContext, call: Node): Node {
  let n = call;
  for (let i = 0; i < 8; i++) {
    const p = n.parent;
    if (!p) break;
    if (p.type === 'await_expression' || p.type === 'await' || p.type === 'parenthesized_expression') {
      n = p;
      continue;
    }
    if ((p.type === 'member_expression' || p.type === 'attribute') && p.childForFieldName('object')?.id === n.id) {
      const prop = (p.childForFieldName('property') ?? p.childForFieldName('attribute'))?.text ?? '';
      const gp = p.parent;
      if (gp && ctx.syntax.isCall(gp) && /^(digest|hexdigest|toString|decode|update|upper|lower|hex|encode|strip|toUpperCase|toLowerCase)$/.test(prop)) {
        n = gp;
        continue;
      }
    }
    break;
  }
  return n;
}

export type Use =
  | { how: 'named'; name: string; via: 'member' | 'variable' | 'key' | 'keyword' }
  | { how: 'stored'; sink: Sink }
  | { how: 'compared' }
  | { how: 'returned'; name: string };

/**
 * How the value of an expression is used, when that use shows it is the stored form of a password: assigned to a
 * password-ish name or field, written to a sink, compared with `==` (a login check against a stored value), or
 * returned by a function named like a hashing helper. Follows a plain variable to its later uses.
 */
export function storedUse(ctx: RuleContext, expr: Node, depth = 0): Use | undefined {
  if (depth > 3) return undefined;
  let n = expr;
  for (let i = 0; i < 6; i++) {
    const p = n.parent;
    if (!p) return undefined;
    switch (p.type) {
      case 'parenthesized_expression':
      case 'await_expression':
      case 'await':
      case 'as_expression':
      case 'non_null_expression':
      case 'satisfies_expression':
      case 'template_substitution':
      case 'interpolation':
      case 'template_string':
      case 'string':
      case 'array':
      case 'list':
      case 'tuple':
      case 'expression_list':
      case 'ternary_expression':
      case 'conditional_expression':
        n = p;
        continue;
      case 'binary_expression':
      case 'binary_operator':
      case 'comparison_operator': {
        const op = p.childForFieldName('operator')?.text ?? p.children.find((c) => c && !c.isNamed)?.text ?? '';
        if (/^(===|==|!==|!=|is|is not)$/.test(op) || p.type === 'comparison_operator') {
          // `x !== null`, `x is None`: a presence check, not a comparison with a stored value.
          const other = p.namedChildren.find((c) => c && c.id !== n.id);
          return other && /^(null|undefined|None|true|false|True|False|''|""|0)$/.test(other.text) ? undefined : { how: 'compared' };
        }
        if (op === '+' || op === '%') {
          n = p;
          continue;
        }
        return undefined;
      }
      case 'variable_declarator':
      case 'assignment_expression':
      case 'assignment': {
        const left = p.childForFieldName(p.type === 'variable_declarator' ? 'name' : 'left');
        const right = p.childForFieldName(p.type === 'variable_declarator' ? 'value' : 'right');
        if (!left || right?.id !== n.id) return undefined;
        const e = ctx.syntax.expr(left);
        if (e.kind === 'member') {
          if (passwordish(ctx, e.key)) return { how: 'named', name: left.text, via: 'member' };
          const sink = sinkAt(ctx, p);
          return sink ? { how: 'stored', sink } : undefined;
        }
        if (e.kind !== 'identifier') return undefined;
        if (passwordish(ctx, e.name)) return { how: 'named', name: e.name, via: 'variable' };
        return laterUse(ctx, e.name, p, depth);
      }
      case 'pair': {
        if (p.childForFieldName('value')?.id !== n.id) return undefined;
        const key = p.childForFieldName('key');
        const k = key ? (ctx.syntax.stringValue(key) ?? key.text) : '';
        if (passwordish(ctx, k)) return { how: 'named', name: k, via: 'key' };
        n = p.parent ?? p;
        if (!p.parent) return undefined;
        continue;
      }
      case 'keyword_argument': {
        const k = p.childForFieldName('name')?.text ?? '';
        if (passwordish(ctx, k)) return { how: 'named', name: k, via: 'keyword' };
        const call = p.parent?.parent;
        const sink = call ? sinkAt(ctx, call) : undefined;
        return sink ? { how: 'stored', sink } : undefined;
      }
      case 'object':
      case 'dictionary':
        n = p;
        continue;
      case 'arguments':
      case 'argument_list': {
        const call = p.parent;
        if (!call) return undefined;
        const callee = ctx.syntax.calleePath(call);
        if (/(^|\.)(compare_digest|timingSafeEqual|safe_str_cmp|constant_time_compare|safeCompare|secureCompare)$/.test(callee)) return { how: 'compared' };
        const sink = sinkAt(ctx, call);
        if (sink && [...sink.values, ...sink.named.map((x) => x.value)].some((v) => v.startIndex <= n.startIndex && n.endIndex <= v.endIndex)) return { how: 'stored', sink };
        return undefined;
      }
      case 'return_statement': {
        const fn = ctx.flow.scopeOf(p);
        const name = ctx.syntax.isFunction(fn) ? ctx.syntax.functionName(fn) : undefined;
        return name && /pass|pwd|hash|encrypt|encode|digest|crypt|protect/i.test(name) ? { how: 'returned', name } : undefined;
      }
      default:
        if (ctx.syntax.isFunction(p) && p.childForFieldName('body')?.id === n.id) {
          const name = ctx.syntax.functionName(p);
          return name && /pass|pwd|hash|encrypt|encode|digest|crypt|protect/i.test(name) ? { how: 'returned', name } : undefined;
        }
        return undefined;
    }
  }
  return undefined;
}

/** Later uses of a local variable that store it. */
function laterUse(ctx: RuleContext, name: string, decl: Node, depth: number): Use | undefined {
  const scope = ctx.flow.scopeOf(decl);
  const body = ctx.syntax.isFunction(scope) ? (scope.childForFieldName('body') ?? scope) : scope;
  let found: Use | undefined;
  const visit = (n: Node): void => {
    if (found) return;
    if (n.endIndex <= decl.endIndex && !(n.startIndex < decl.endIndex && n.endIndex > decl.endIndex)) return;
    if (n.type === 'identifier' && n.text === name && n.startIndex >= decl.endIndex) {
      found = storedUse(ctx, n, depth + 1);
      return;
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(body);
  return found;
}
