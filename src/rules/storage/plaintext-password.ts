import type { Node } from 'web-tree-sitter';
import type { RuleDefinition } from '../../core/rule';
import { capitalise, classificationsOf, describeData, relatedFor } from '../common';
import { carrierOf, hashPasswordFix, type Carrier } from './fixes';
import { encodingOf, fileHashesInHooks, isPlainPassword } from './passwords';
import { KIND_LABEL, SINK_QUERIES, isInertLiteral, namedItems, sinkAt, sinkItems, type Sink } from './sinks';

/** Where in the written values the clear-text password is: the node a fix wraps. */
function passwordCarrier(ctx: Parameters<NonNullable<RuleDefinition['check']>>[1], sink: Sink): Carrier | undefined {
  for (const v of sink.values) {
    const c = carrierOf(ctx, v, isPlainPassword);
    if (c) return c;
  }
  for (const n of sink.named) {
    if (namedItems(ctx, n.name, n.nameNode, n.value).some(isPlainPassword)) return carrierOf(ctx, n.value, isPlainPassword) ?? { node: n.value };
  }
  return undefined;
}

function unwrap(node: Node): Node {
  let n = node;
  while ((n.type === 'await_expression' || n.type === 'parenthesized_expression' || n.type === 'await') && n.namedChildren[0]) n = n.namedChildren[0];
  return n;
}

/**
 * A password handed to another program through a private file (`tempfile`, `mkstemp`, mode 0600, a password file
 * for `ipmitool -f` or `qemu-img --object secret`): it must stay usable, so a hash is not the answer.
 */
function isPrivateHandoffFile(ctx: Parameters<NonNullable<RuleDefinition['check']>>[1], sink: Sink): boolean {
  if (sink.kind !== 'file') return false;
  const scope = ctx.flow.scopeOf(sink.node);
  if (scope.id === ctx.root.id) return false;
  return /\b(tempfile\.|mkstemp|NamedTemporaryFile|mkdtemp|tmp\.file|os\.tmpdir\(\))|chmod\w*\([^)]*0o?600|mode\s*[:=]\s*0o?600/.test(scope.text);
}

export const plaintextPassword: RuleDefinition = {
  id: 'storage/plaintext-password',
  family: 'storage',
  title: 'Password stored without a password hash',
  description: 'A password reaches a database, file or cache write without going through bcrypt, argon2, scrypt or PBKDF2.',
  severity: 'error',
  confidence: 'high',
  cwe: [256, 257, 312],
  owasp: ['A02:2021 Cryptographic Failures', 'A07:2021 Identification and Authentication Failures'],
  standards: ['PCI DSS 8.3.2', 'GDPR Art. 32(1)(a)', 'OWASP ASVS 2.4.1', 'NIST SP 800-63B 5.1.1.2'],
  fixable: true,
  // A password is named somewhere in the file (the dictionary's password phrases, the team's synonyms included).
  gateTypes: ['password'],
  guidance: {
    why: 'A password kept as typed is exposed by every database dump, backup, replica, SQL injection and curious administrator, and because people reuse passwords, it unlocks their other accounts too. This is how the FTC\'s InfoTrax case started. Store only a slow, salted hash so a stolen table does not reveal the passwords.',
    bad: "const { email, password } = req.body;\nawait User.create({ email, password });",
    good: "const { email, password } = req.body;\nawait User.create({ email, password: await bcrypt.hash(password, 12) });",
    fix: 'Hash the password with bcrypt (cost 12+), argon2id or scrypt before it is written: `await bcrypt.hash(password, 12)`; in Python `generate_password_hash(password)` (werkzeug), `make_password(password)` or `user.set_password(password)` (Django), or passlib. Verify logins with `bcrypt.compare` / `check_password_hash`. Credentials the application must use later (an SMTP password of a tenant) should be encrypted with a key from a KMS instead. In Go, `bcrypt.GenerateFromPassword([]byte(pw), 12)` (golang.org/x/crypto/bcrypt) or `argon2.IDKey` before `db.Exec` / GORM `Create`.',
  },
  queries: SINK_QUERIES,
  check(match, ctx) {
    const node = match.get('call') ?? match.get('assign');
    if (!node) return;
    const sink = sinkAt(ctx, node);
    // Cookies, Flask's session and browser storage belong to storage/sensitive-data-in-client-storage.
    if (!sink || sink.client || sink.kind === 'cookie' || sink.kind === 'session' || sink.kind === 'web-storage') return;
    if (sink.model && fileHashesInHooks(ctx)) return;
    if (isPrivateHandoffFile(ctx, sink)) return;
    const items = sinkItems(ctx, sink).filter(isPlainPassword);
    if (items.length === 0) return;
    const carrier = passwordCarrier(ctx, sink);
    if (carrier && isInertLiteral(ctx, carrier.node)) return;
    // base64 / hex "protection" is reported by storage/weak-password-hash at the encoding call.
    if (carrier && encodingOf(ctx, unwrap(carrier.node))) return;
    const where = KIND_LABEL[sink.kind];
    const hookNote = sink.model ? ' (unless a model hook or setter hashes it)' : '';
    const confidence = sink.model ? (ctx.file.isTestPath ? 'low' : 'medium') : ctx.file.isTestPath ? 'medium' : 'high';
    // Go: bcrypt.GenerateFromPassword returns (hash, err), so no expression-level fix exists.
    const fixable = carrier && sink.kind === 'database' && !ctx.syntax.stringValue(carrier.node) && ctx.file.syntax !== 'go' &&
      // mysqli bind_param / PDO bindParam take variables by reference: a call result cannot be passed.
      !(ctx.file.syntax === 'php' && /bind_?[pP]aram/.test(sink.label));
    ctx.report({
      node: sink.node,
      message: `${capitalise(describeData(ctx, items, 1))} is written to ${where} by ${sink.label} without a password hash${hookNote}.`,
      confidence,
      classifications: classificationsOf(items),
      related: relatedFor(items, sink.node),
      fixes: fixable ? [hashPasswordFix(ctx, carrier)] : [],
    });
  },
};
