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
  const hook = /\.pre\(\s*['"](save|validate|updateOne|findOneAndUpdate)|beforeCreate|beforeSave|beforeUpdate|beforeBulkCreate|@BeforeInsert|@BeforeUpdate|\.setter\b|def set_password|@validates\(|@PrePersist|@PreUpdate|\)\s*Before(Create|Save|Update)\(\s*\w+\s+\*gorm\.DB\)/.test(text);
  const hashes = /bcrypt|argon2|scrypt|pbkdf2|generate_password_hash|make_password|hashPassword|hash_password|passlib|passwordEncoder/i.test(text);
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
  if (ctx.file.syntax === 'ruby') {
    if (/^Base64\.(encode64|strict_encode64|urlsafe_encode64)$/.test(path) && args[0]) return { label: 'base64', input: args[0] };
    if (/\.unpack1?$/.test(path) && /^['"]H\*['"]$/.test(args[0]?.text ?? '') && e.receiver) return { label: 'hex', input: e.receiver };
    return undefined;
  }
  if (ctx.file.syntax === 'php') {
    if (/^base64_encode$/.test(path) && args[0]) return { label: 'base64', input: args[0] };
    if (/^bin2hex$/.test(path) && args[0]) return { label: 'hex', input: args[0] };
    return undefined;
  }
  if (ctx.file.syntax === 'go') {
    if (/^base64\.(StdEncoding|URLEncoding|RawStdEncoding|RawURLEncoding)\.EncodeToString$/.test(path) && args[0]) return { label: 'base64', input: args[0] };
    if (/^hex\.EncodeToString$/.test(path) && args[0]) return { label: 'hex', input: args[0] };
    return undefined;
  }
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
  if (ctx.file.syntax === 'csharp') {
    if (/(^|\.)Convert\.ToBase64String$/.test(path) && args[0]) return { label: 'base64', input: args[0] };
    if (/(^|\.)(Convert\.ToHexString|BitConverter\.ToString)$/.test(path) && args[0]) return { label: 'hex', input: args[0] };
    return undefined;
  }
  if (ctx.file.syntax === 'java') {
    if (/Base64\.(getEncoder|getUrlEncoder|getMimeEncoder)\(\)\.(encodeToString|encode)$|(^|\.)(encodeBase64String|encodeBase64|printBase64Binary)$/.test(path) && args[0]) return { label: 'base64', input: args[0] };
    if (/(^|\.)(encodeHexString|encodeHex|printHexBinary)$/.test(path) && args[0]) return { label: 'hex', input: args[0] };
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
    // C#: `Convert.ToBase64String(sha.ComputeHash(...))`, `BitConverter.ToString(md5.ComputeHash(...))`.
    if (p.type === 'argument' && ctx.file.syntax === 'csharp') {
      const call = p.parent?.parent;
      if (call && ctx.syntax.isCall(call) && /(^|\.)(Convert\.ToBase64String|Convert\.ToHexString|BitConverter\.ToString)$/.test(ctx.syntax.calleePath(call))) {
        n = call;
        continue;
      }
    }
    // Java: `Hex.encodeHexString(md.digest(...))`, `new BigInteger(1, md.digest(...)).toString(16)`.
    if (p.type === 'argument_list' && p.parent && ctx.syntax.isCall(p.parent) && /(^|\.)(encodeToString|encodeHexString|encodeHex|toHexString|printHexBinary|printBase64Binary|encodeBase64String)$|^new (String|BigInteger)$/.test(ctx.syntax.calleePath(p.parent))) {
      n = p.parent;
      continue;
    }
    if (p.type === 'method_invocation' && p.childForFieldName('object')?.id === n.id && /^(toString|toUpperCase|toLowerCase|trim)$/.test(p.childForFieldName('name')?.text ?? '')) {
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
      case 'argument':
        n = p;
        continue;
      case 'binary_expression':
      case 'binary':
      case 'binary_operator':
      case 'comparison_operator': {
        const op = p.childForFieldName('operator')?.text ?? p.children.find((c) => c && !c.isNamed)?.text ?? '';
        if (/^(===|==|!==|!=|is|is not)$/.test(op) || p.type === 'comparison_operator') {
          // `x !== null`, `x is None`: a presence check, not a comparison with a stored value.
          const other = p.namedChildren.find((c) => c && c.id !== n.id);
          return other && /^(null|undefined|None|true|false|True|False|''|""|0)$/.test(other.text) ? undefined : { how: 'compared' };
        }
        if (op === '+' || op === '%' || (op === '.' && ctx.file.syntax === 'php')) {
          n = p;
          continue;
        }
        return undefined;
      }
      // Go: `sum := md5.Sum(...)`, `u.Password = hex.EncodeToString(sum[:])`, `User{Password: h}`, `&x`, `b[:]`.
      case 'short_var_declaration':
      case 'assignment_statement': {
        const values = p.childForFieldName('right')?.namedChildren ?? [];
        // `n` is the right-hand expression_list by now: find the value that holds the expression we started from.
        const i = values.findIndex((v) => !!v && v.startIndex <= expr.startIndex && expr.endIndex <= v.endIndex);
        const targets = p.childForFieldName('left')?.namedChildren ?? [];
        const left = i >= 0 ? targets[i] : undefined;
        if (!left) return undefined;
        const e = ctx.syntax.expr(left);
        if (e.kind === 'member') return passwordish(ctx, e.key) ? { how: 'named', name: left.text, via: 'member' } : undefined;
        if (e.kind !== 'identifier') return undefined;
        if (passwordish(ctx, e.name)) return { how: 'named', name: e.name, via: 'variable' };
        return laterUse(ctx, e.name, p, depth);
      }
      case 'keyed_element': {
        const key = p.childForFieldName('key');
        if (!key || key.id === n.id) return undefined;
        if (passwordish(ctx, key.text.replace(/^"|"$/g, ''))) return { how: 'named', name: key.text.replace(/^"|"$/g, ''), via: 'key' };
        n = p;
        continue;
      }
      // PHP: `['password' => md5($pw)]`, an argument wrapper.
      case 'array_element_initializer': {
        const parts = p.namedChildren.filter((c): c is Node => !!c);
        if (parts.length !== 2 || parts[1].id !== n.id) return undefined;
        const k = ctx.syntax.stringValue(parts[0]) ?? parts[0].text;
        if (passwordish(ctx, k)) return { how: 'named', name: k, via: 'key' };
        n = p.parent ?? p;
        if (!p.parent) return undefined;
        continue;
      }
      case 'array_creation_expression':
        n = p;
        continue;
      case 'literal_element':
      case 'literal_value':
      case 'composite_literal':
      case 'slice_expression':
      case 'type_conversion_expression':
        n = p;
        continue;
      case 'unary_expression':
        if (p.childForFieldName('operator')?.text !== '&') return undefined;
        n = p;
        continue;
      case 'variable_declarator':
      case 'assignment_expression':
      case 'assignment': {
        const left = p.childForFieldName(p.type === 'variable_declarator' ? 'name' : 'left');
        // C#'s declarator has no `value` field: the initialiser is its last child.
        const right = p.childForFieldName(p.type === 'variable_declarator' ? 'value' : 'right') ?? (p.type === 'variable_declarator' && ctx.file.syntax === 'csharp' ? p.namedChildren[p.namedChildren.length - 1] : null);
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
        // Java: `new BigInteger(1, digest)`, `Hex.encodeHexString(digest)` only re-encode the hash.
        if ((ctx.file.syntax === 'java' && /(^|\.)(encodeToString|encodeHexString|encodeHex|toHexString|printHexBinary|printBase64Binary|encodeBase64String)$|^new (String|BigInteger)$/.test(callee)) ||
          (ctx.file.syntax === 'csharp' && /(^|\.)(Convert\.ToBase64String|Convert\.ToHexString|BitConverter\.ToString)$/.test(callee))) {
          n = call;
          continue;
        }
        if (/(^|\.)(compare_digest|timingSafeEqual|safe_str_cmp|constant_time_compare|safeCompare|secureCompare|hash_equals)$/.test(callee)) return { how: 'compared' };
        if (ctx.file.syntax === 'go') {
          if (/^(subtle\.ConstantTimeCompare|bytes\.Equal|hmac\.Equal)$/.test(callee)) return { how: 'compared' };
          // hex.EncodeToString(sum[:]), string(b), fmt.Sprintf("%x", sum) only re-encode the hash.
          if (/^(hex\.EncodeToString|base64\.\w+\.EncodeToString|fmt\.Sprintf|fmt\.Sprint|string)$/.test(callee)) {
            n = call;
            continue;
          }
        }
        if (/(^|\.)(isEqual|equals|contentEquals)$/.test(callee) && ctx.file.syntax === 'java') return { how: 'compared' };
        // Java: `user.setPassword(md5(pw))` keeps the value as the record's password.
        const setter = ctx.file.syntax === 'java' ? /(?:^|\.)set([A-Z]\w*)$/.exec(callee) : null;
        if (setter && passwordish(ctx, setter[1])) return { how: 'named', name: callee, via: 'member' };
        const sink = sinkAt(ctx, call);
        if (sink && [...sink.values, ...sink.named.map((x) => x.value)].some((v) => v.startIndex <= n.startIndex && n.endIndex <= v.endIndex)) return { how: 'stored', sink };
        return undefined;
      }
      case 'return_statement': {
        const fn = ctx.flow.scopeOf(p);
        const name = ctx.syntax.isFunction(fn) ? ctx.syntax.functionName(fn) : undefined;
        return name && /pass|pwd|hash|encrypt|encode|digest|crypt|protect/i.test(name) ? { how: 'returned', name } : undefined;
      }
      case 'method_invocation': {
        // Java: `hashed.equals(user.getPasswordHash())`; `.toString(16)` keeps the value.
        const method = p.childForFieldName('name')?.text ?? '';
        if (p.childForFieldName('object')?.id !== n.id) return undefined;
        if (/^(toString|toUpperCase|toLowerCase|trim)$/.test(method)) {
          n = p;
          continue;
        }
        return /^(equals|equalsIgnoreCase|contentEquals)$/.test(method) ? { how: 'compared' } : undefined;
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
