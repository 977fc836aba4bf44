import type { Node } from 'web-tree-sitter';
import type { TaintItem } from '../../core/flow';
import type { RuleContext, RuleDefinition } from '../../core/rule';
import type { Severity } from '../../core/types';
import { walk } from '../../core/syntax';
import { classificationsOf, relatedFor, shorten } from '../common';
import { carrierOf, hashPasswordFix } from './fixes';
import { encodingOf, isFastHashedPassword, isPlainPassword, outermost, storedUse, type Use } from './passwords';
import { SINK_QUERIES, capturedCallee, capturedCalleeText, matchedSink, sinkItems } from './sinks';

interface Weakness {
  /** base64 / hex rather than a hash. */
  encoding?: boolean;
  /** "MD5", "SHA-256", "HMAC-SHA256", "base64". */
  algorithm: string;
  /** The hashed or encoded input. */
  inputs: Node[];
  severity: Severity;
  /** Why it is weak, for the message. */
  reason: string;
}

const WEAK_CALLEE = /md5|md4|sha|hash|hmac|ripemd|blake|digest|update|btoa|base64|b64|hex|toString|encode|new$|MD5|SHA/i;
const BROKEN = /^(md4|md5|sha1|sha-1|ripemd160|md5-sha1)$/i;

/** The fast hash a call applies, with its input. */
function fastHash(ctx: RuleContext, call: Node): Weakness | undefined {
  const s = ctx.flow.sanitizerOf(call);
  if (s?.kind !== 'hash') return undefined;
  const e = ctx.syntax.expr(call);
  if (e.kind !== 'call') return undefined;
  const path = ctx.flow.resolvedPath(call);
  let algorithm = '';
  let keyed = false;
  let inputs = ctx.syntax.args(call);
  if (ctx.file.syntax === 'js') {
    const m = /(createHash|createHmac)\(\)\.update$/.exec(path);
    if (m && e.receiver && ctx.syntax.isCall(e.receiver)) {
      algorithm = ctx.syntax.stringValue(ctx.syntax.args(e.receiver)[0] ?? e.receiver) ?? '';
      keyed = m[1] === 'createHmac';
    } else {
      algorithm = (path.split('.').pop() ?? '').replace(/^Hmac/, () => {
        keyed = true;
        return '';
      });
    }
  } else if (ctx.file.syntax === 'ruby') {
    // Digest::MD5.hexdigest(pw), OpenSSL::Digest::SHA256.hexdigest(pw), OpenSSL::HMAC.hexdigest('SHA256', key, pw)
    const m = /^(?:OpenSSL\.)?Digest\.(MD5|SHA1|SHA256|SHA384|SHA512|SHA2)\.(hexdigest|digest|base64digest)$/.exec(path);
    if (m) algorithm = m[1].toLowerCase().replace(/^sha2$/, 'sha256');
    else if (/^OpenSSL\.HMAC\.(hexdigest|digest)$/.test(path)) {
      algorithm = (ctx.syntax.stringValue(inputs[0] ?? call) ?? '').toLowerCase();
      keyed = true;
      inputs = inputs.slice(2, 3);
    } else return undefined;
  } else if (ctx.file.syntax === 'php') {
    // md5($pw), sha1($pw), hash('sha256', $pw), hash_hmac('sha256', $pw, $key)
    if (/^(md5|sha1|crc32)$/.test(path)) algorithm = path;
    else if (/^(hash|hash_hmac)$/.test(path)) {
      algorithm = ctx.syntax.stringValue(inputs[0] ?? call) ?? '';
      keyed = path === 'hash_hmac';
      inputs = inputs.slice(1, 2);
    } else return undefined;
  } else if (ctx.file.syntax === 'go') {
    // md5.Sum(b), sha1.Sum(b), sha256.Sum256(b), sha512.Sum512(b)
    const m = /^(md5|sha1|sha256|sha512|sha3)\.Sum(\d*)/.exec(path);
    if (!m) return undefined;
    algorithm = m[1] === 'sha512' || m[1] === 'sha3' ? `${m[1] === 'sha3' ? 'sha3_' : 'sha'}${m[2] || '512'}` : m[1] === 'sha256' ? `sha${m[2] || '256'}` : m[1];
  } else if (ctx.file.syntax === 'csharp') {
    const cs = csharpHash(ctx, e.name, e.receiver, inputs);
    if (!cs) return undefined;
    ({ algorithm, keyed, inputs } = cs);
  } else if (ctx.file.syntax === 'java') {
    const java = javaHash(ctx, call, e.name, e.receiver, inputs);
    if (!java) return undefined;
    ({ algorithm, keyed, inputs } = java);
  } else {
    const last = path.split('.').pop() ?? '';
    if (/^hmac\.(new|digest)$/.test(path)) {
      keyed = true;
      const mod = ctx.syntax.kwarg(call, 'digestmod') ?? ctx.syntax.args(call)[2];
      const modName = mod ? (ctx.syntax.stringValue(mod) ?? (/^hashlib\.\w+$/.test(mod.text) ? mod.text.split('.').pop() : undefined)) : 'md5';
      algorithm = modName ?? '';
      inputs = [ctx.syntax.kwarg(call, 'msg') ?? ctx.syntax.args(call)[1]].filter((n): n is Node => !!n);
    } else if (last === 'new') {
      algorithm = ctx.syntax.stringValue(ctx.syntax.args(call)[0] ?? call) ?? '';
      inputs = ctx.syntax.args(call).slice(1);
    } else algorithm = last;
  }
  // The algorithm comes from a variable (`hashlib.new(method, ...)`): it may well be PBKDF2; do not guess.
  if (!/^[A-Za-z0-9_-]+$/.test(algorithm) || /^(a fast hash|method|algorithm|alg|digest|digestmod|hash_name|hash_func)$/i.test(algorithm)) return undefined;
  const name = algorithm.toUpperCase().replace(/^SHA(\d)/, 'SHA-$1').replace(/^SHA3_(\d+)/, 'SHA3-$1').replace(/^SHA-1$/, 'SHA-1');
  const inputText = inputs.map((i) => i.text).join(' ');
  const salted = /salt|pepper|nonce/i.test(inputText);
  if (BROKEN.test(algorithm.replace(/-/g, ''))) {
    return { algorithm: keyed ? `HMAC-${name}` : name, inputs, severity: 'error', reason: `${name} is broken and billions of ${name} guesses per second are cheap on a GPU` };
  }
  if (keyed || salted) {
    return { algorithm: keyed ? `HMAC-${name}` : `salted ${name}`, inputs, severity: 'warning', reason: `a single ${keyed ? 'keyed' : 'salted'} ${name} pass is fast to brute-force once the key or salt leaks with the table` };
  }
  return { algorithm: name, inputs, severity: 'error', reason: `a single unsalted ${name} pass is fast to brute-force and identical passwords get identical hashes` };
}

/**
 * C#: `MD5.HashData(bytes)`, `SHA256.Create().ComputeHash(bytes)`, `md5.ComputeHash(bytes)` on `var md5 = MD5.Create()`,
 * `new HMACSHA256(key).ComputeHash(bytes)`.
 */
function csharpHash(ctx: RuleContext, name: string, receiver: Node | undefined, args: Node[]): { algorithm: string; keyed: boolean; inputs: Node[] } | undefined {
  if (!receiver || !/^(ComputeHash|HashData|ComputeHashAsync)$/.test(name)) return undefined;
  let source = receiver;
  if (receiver.type === 'identifier' && !/^(MD5|SHA1|SHA256|SHA384|SHA512|HMACSHA\d+|HMACMD5)$/.test(receiver.text)) {
    const def = ctx.flow.definitionOf(receiver.text, receiver);
    if (!def?.value) return undefined;
    source = def.value;
  }
  const text = ctx.syntax.isCall(source) ? ctx.syntax.calleePath(source) : source.text;
  const m = /(?:^|\.|new )(HMAC)?(MD5|SHA1|SHA256|SHA384|SHA512)(?:Managed|CryptoServiceProvider|Cng)?(?:\.Create)?$/.exec(text.replace(/\s+/g, ''));
  if (!m) return undefined;
  return { algorithm: m[2].toLowerCase(), keyed: !!m[1], inputs: args.slice(0, 1) };
}

/**
 * Java: `md.digest(pw.getBytes())` or `md.update(pw.getBytes()); md.digest()` on `MessageDigest.getInstance("MD5")`,
 * `DigestUtils.sha256Hex(pw)`, Guava `Hashing.sha256().hashString(pw, UTF_8)`, `mac.doFinal(pw)` on an HMAC.
 */
function javaHash(ctx: RuleContext, call: Node, name: string, receiver: Node | undefined, args: Node[]): { algorithm: string; keyed: boolean; inputs: Node[] } | undefined {
  const m = /^(md5|md2|sha1|sha256|sha384|sha512|sha3_256|sha3_512|sha)(Hex)?$/i.exec(name);
  if (m && !receiver?.text.match(/^(md|digest|messageDigest)$/i)) return { algorithm: m[1].replace(/^sha$/i, 'sha1'), keyed: false, inputs: args };
  if (!receiver) return undefined;
  if (/^(hashString|hashBytes|hashUnencodedChars)$/.test(name) && ctx.syntax.isCall(receiver)) {
    const alg = ctx.syntax.expr(receiver);
    return alg.kind === 'call' ? { algorithm: alg.name.replace(/^hmac/, ''), keyed: /^hmac/.test(alg.name), inputs: args.slice(0, 1) } : undefined;
  }
  if (name !== 'digest' && name !== 'doFinal') return undefined;
  const instance = ctx.syntax.isCall(receiver) ? receiver : receiver.type === 'identifier' ? ctx.flow.definitionOf(receiver.text, receiver)?.value : undefined;
  if (!instance || !ctx.syntax.isCall(instance)) return undefined;
  const inst = ctx.syntax.expr(instance);
  if (inst.kind !== 'call' || inst.name !== 'getInstance' || !inst.args[0]) return undefined;
  const algorithm = ctx.flow.staticString(inst.args[0]);
  if (!algorithm) return undefined;
  const keyed = /^Hmac/i.test(algorithm);
  let inputs = args;
  // `md.update(bytes)` calls before a bare `md.digest()`.
  if (inputs.length === 0 && receiver.type === 'identifier') {
    const scope = ctx.flow.scopeOf(call);
    inputs = [];
    walk(scope, (n) => {
      if (n.type === 'method_invocation' && n.startIndex < call.startIndex && n.childForFieldName('object')?.text === receiver.text && n.childForFieldName('name')?.text === 'update') inputs.push(...ctx.syntax.args(n).slice(0, 1));
      return n.startIndex < call.startIndex;
    });
  }
  return { algorithm: algorithm.replace(/^Hmac/i, '').replace(/^SHA-?1$/i, 'sha1').replace(/^MD5$/i, 'md5'), keyed, inputs };
}

/** `base64(user + ':' + password)` or an encoding used in a `Basic …` / Authorization header. */
function isBasicAuth(ctx: RuleContext, input: Node, call: Node): boolean {
  const joined = (n: Node): boolean => /:/.test(n.text) && /user|name|login|id\b|client/i.test(n.text);
  if (joined(input)) return true;
  const e = ctx.syntax.expr(input.type === 'call' || input.type === 'call_expression' ? (ctx.syntax.expr(input).kind === 'call' ? ((ctx.syntax.expr(input) as { receiver?: Node }).receiver ?? input) : input) : input);
  if (e.kind === 'identifier') {
    const def = ctx.flow.definitionOf(e.name, input);
    if (def?.value && joined(def.value)) return true;
  }
  let n: Node | null = call;
  for (let i = 0; i < 5 && n; i++, n = n.parent) if (/\bBasic\b|Authorization|Proxy-Authorization/.test(n.text.slice(0, 300)) && n.type !== 'program' && n.type !== 'module') return true;
  return false;
}

function weaknessOf(ctx: RuleContext, call: Node): Weakness | undefined {
  const hash = fastHash(ctx, call);
  if (hash) return hash;
  const enc = encodingOf(ctx, call);
  // `user:password` encoded for an HTTP Basic Authorization header is a protocol, not storage.
  if (enc && isBasicAuth(ctx, enc.input, call)) return undefined;
  if (enc) return { encoding: true, algorithm: enc.label, inputs: [enc.input], severity: 'error', reason: `${enc.label} is an encoding anyone can reverse, not protection` };
  return undefined;
}

function describeUse(use: Use): string {
  switch (use.how) {
    case 'named':
      return ` and kept as \`${shorten(use.name, 30)}\``;
    case 'stored':
      return ` and written by ${use.sink.label}`;
    case 'compared':
      return ' and compared with a stored value';
    case 'returned':
      return ` by \`${use.name}\``;
  }
}

function report(ctx: RuleContext, call: Node, weakness: Weakness, items: TaintItem[], use: Use): void {
  const whole = outermost(ctx, call);
  const pw = byFirst(items);
  const carrier = weakness.inputs.map((i) => carrierOf(ctx, i, isPlainPassword)).find((c) => c);
  // Java: only where the replaced expression is a String (a hex or base64 digest), so the encoder's String fits.
  const typed = ctx.file.syntax === 'csharp' ? /(^|\.)(Convert\.ToBase64String|Convert\.ToHexString|BitConverter\.ToString)$/.test(ctx.syntax.isCall(whole) ? ctx.syntax.calleePath(whole) : '') : ctx.file.syntax !== 'java' || /(^|\.)(md5Hex|sha1Hex|sha256Hex|sha512Hex|encodeToString|encodeHexString|printHexBinary|printBase64Binary|toString)$|^new String$/.test(ctx.syntax.isCall(whole) ? ctx.syntax.calleePath(whole) : '');
  const fix = use.how !== 'compared' && carrier && ctx.file.syntax !== 'go' && typed ? [hashPasswordFix(ctx, carrier, whole)] : [];
  ctx.report({
    node: whole,
    message: `A password (\`${shorten(pw.origin.text)}\`) is ${weakness.algorithm === 'base64' || weakness.algorithm === 'hex' ? 'encoded with' : 'hashed with'} ${weakness.algorithm}${describeUse(use)}: ${weakness.reason}. Use bcrypt, argon2id or scrypt.`,
    severity: weakness.severity,
    confidence: ctx.file.isTestPath ? 'medium' : use.how === 'stored' || use.how === 'named' ? 'high' : 'medium',
    classifications: classificationsOf(items),
    related: relatedFor(items, whole),
    fixes: fix,
    fingerprintKey: `${weakness.algorithm} ${pw.origin.text}`,
  });
}

/** Items for a target whose name says it holds a password or its hash. */
function namedPassword(ctx: RuleContext, name: string, at: Node): TaintItem[] {
  const classes = ctx.classifier.classifyName(name.split('.').pop() ?? name).filter((c) => c.type === 'password' || c.type === 'password_hash');
  return classes.map((classification) => ({ classification, origin: at }));
}

function byFirst(items: TaintItem[]): TaintItem {
  return items[0];
}

export const weakPasswordHash: RuleDefinition = {
  id: 'storage/weak-password-hash',
  family: 'storage',
  title: 'Password hashed with a fast hash or only encoded',
  description: 'A password is "protected" with MD5, SHA-1, a single SHA-2 pass or base64/hex encoding before it is stored or compared.',
  severity: 'error',
  confidence: 'high',
  cwe: [916, 328, 261],
  owasp: ['A02:2021 Cryptographic Failures'],
  standards: ['PCI DSS 8.3.2', 'GDPR Art. 32(1)(a)', 'OWASP ASVS 2.4.1', 'NIST SP 800-63B 5.1.1.2'],
  fixable: true,
  keywords: 'md5|sha|hash|hmac|btoa|base64|b64|hex',
  // Every report names a password or its hash (`flow.sensitive(…, { types: ['password'] })`, namedPassword).
  gateTypes: ['password', 'password_hash'],
  guidance: {
    why: 'General-purpose hashes are built to be fast: a GPU tries billions of MD5 or SHA-256 guesses per second, so most passwords in a leaked table of fast hashes are recovered within hours, and unsalted hashes give identical passwords identical hashes (rainbow tables). base64 and hex are not hashes at all: anyone can decode them.',
    bad: "const hash = crypto.createHash('md5').update(password).digest('hex');\nawait db.users.insert({ email, password: hash });",
    good: "const hash = await bcrypt.hash(password, 12);\nawait db.users.insert({ email, password: hash });",
    fix: 'Use a slow, salted password hash: bcrypt (cost 12+), argon2id, scrypt or PBKDF2 with 600,000+ iterations; in Python `generate_password_hash`, Django `make_password`, or passlib. Migrate existing hashes by re-hashing on the next successful login. In Go, replace `md5.Sum` / `sha256.Sum256` with `bcrypt.GenerateFromPassword` and compare with `bcrypt.CompareHashAndPassword`.',
  },
  queries: { ...SINK_QUERIES, ruby: '(call method: (identifier)) @call' },
  check(match, ctx) {
    const node = match.get('call') ?? match.get('assign');
    if (!node) return;
    // Fast hashes and encodings whose input is a password, used as the stored form of it.
    // Cheap test on the callee before asking for sanitizers: hashes and encodings have telling names.
    const callee = capturedCallee(ctx, node, match.get('callee'));
    const calleeText = callee ? capturedCalleeText(ctx, callee, match.get('args')) : ctx.syntax.isCall(node) ? ((node.childForFieldName('function') ?? node.childForFieldName('name') ?? node.childForFieldName('method'))?.text ?? '') : undefined;
    if (calleeText !== undefined && WEAK_CALLEE.test(calleeText.slice(-60))) {
      const weakness = weaknessOf(ctx, node);
      if (weakness) {
        let items = weakness.inputs.flatMap((i) => ctx.flow.sensitive(i, { types: ['password'] }));
        let use = items.length > 0 || weakness.inputs.some((i) => /^[A-Za-z_$][\w$.]*$/.test(i.text) || /[+%]/.test(i.text)) ? storedUse(ctx, outermost(ctx, node)) : undefined;
        // base64 under a `password` key is often what a protocol wants (registry auth, basic auth configs):
        // an encoding counts only when it is stored, compared or assigned to a record's password field.
        if (weakness.encoding && use?.how === 'named' && use.via !== 'member') use = undefined;
        // Whatever is hashed, it is kept as the password: `user.password = md5(input)`.
        if (items.length === 0 && use?.how === 'named') items = namedPassword(ctx, use.name, outermost(ctx, node));
        if (use && items.length > 0) report(ctx, node, weakness, items, use);
      }
    }
    // A sink that stores a password whose only protection was a fast hash computed elsewhere.
    const sink = matchedSink(ctx, node, match);
    if (!sink) return;
    const hashed = sinkItems(ctx, sink).filter(isFastHashedPassword);
    for (const item of hashed) {
      const call = item.sanitizedBy?.node;
      const weakness = call && fastHash(ctx, call);
      if (!call || !weakness) continue;
      const items = weakness.inputs.flatMap((i) => ctx.flow.sensitive(i, { types: ['password'] }));
      report(ctx, call, weakness, items.length ? items : [item], { how: 'stored', sink });
    }
  },
};
