import type { Node } from 'web-tree-sitter';
import type { RuleDefinition } from '../../core/rule';
import { capitalise, classificationsOf, describeData, relatedFor } from '../common';
import { carrierOf, hashPasswordFix, type Carrier } from './fixes';
import { attributesOf } from '../../languages/csharp';
import { annotationName, annotationsOf } from '../../languages/java';
import { attributeName, csharpEntityOf, javaEntityOf } from './entities';
import { encodingOf, fileHashesInHooks, isPlainPassword } from './passwords';
import { RUBY_SINK_QUERY } from './sinks-ruby';
import { KIND_LABEL, SINK_QUERIES, isInertLiteral, matchedSink, namedItems, sinkItems, type Sink } from './sinks';

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

/** Anything in the file that hashes passwords, or an entity that says it holds an encoded password. */
const HASHING_IN_FILE = /PasswordEncoder|BCrypt|bcrypt|Argon2|SCrypt|Pbkdf2|PBKDF2|Rfc2898DeriveBytes|PasswordHasher|hashpw|HashPassword|hashPassword|encodePassword|\.encode\s*\(/;

/**
 * A password column declared on an ORM entity (JPA `@Entity` field, EF Core entity property) in a file where
 * nothing hashes it. The hashing usually lives in a service in another file, and Spring Security's convention keeps
 * the encoded password in a field called `password`, so this is a low-confidence hint; a field named for a hash
 * (`passwordHash`, `encodedPassword`), an entity that implements `UserDetails`, a `@Transient` field or a
 * `[NotMapped]` property is not reported.
 */
function checkEntityPassword(ctx: Parameters<NonNullable<RuleDefinition['check']>>[1], decl: Node): void {
  const java = ctx.file.syntax === 'java';
  const entity = java ? javaEntityOf(decl) : csharpEntityOf(ctx, decl);
  if (!entity) return;
  const type = decl.childForFieldName('type')?.text ?? '';
  if (!/^(String|string|char\[\])$/.test(type)) return;
  const markers = java ? annotationsOf(decl).map(annotationName) : attributesOf(decl).map(attributeName);
  if (markers.some((m) => /^(Transient|NotMapped|JsonIgnore|Convert|ColumnTransformer|Encrypted)$/.test(m)) || (java && /\btransient\b/.test(decl.namedChildren.find((c) => c?.type === 'modifiers')?.text ?? ''))) return;
  if (/implements[^{]*\bUserDetails\b/.test(entity.cls.text.slice(0, entity.cls.text.indexOf('{') + 1)) || HASHING_IN_FILE.test(ctx.file.text)) return;
  const names = java ? decl.namedChildren.filter((c) => c?.type === 'variable_declarator').map((d) => d?.childForFieldName('name')) : [decl.childForFieldName('name')];
  for (const nameNode of names) {
    if (!nameNode || /hash|encoded|encrypted|digest|salt|bcrypt|cipher|expir|policy|reset|hint|changed|updated|attempt/i.test(nameNode.text)) continue;
    const classes = ctx.classifier.classifyName(nameNode.text);
    if (!classes.some((c) => c.type === 'password') || classes.some((c) => c.type === 'password_hash')) continue;
    const cls = entity.cls.childForFieldName('name')?.text ?? 'entity';
    ctx.report({
      node: nameNode,
      message: `\`${nameNode.text}\` is a column of the ${entity.where} \`${cls}\` and nothing in this file hashes it: unless a password hasher (BCrypt, Argon2, PBKDF2) hashes it before every save, passwords are stored as typed. If it holds a hash, name it for that (\`passwordHash\`).`,
      severity: 'warning',
      confidence: 'low',
      classifications: classes.filter((c) => c.type === 'password'),
    });
  }
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
    why: 'A password kept as typed is exposed by every database dump, backup, replica, SQL injection and curious administrator, and because people reuse passwords, it unlocks their other accounts too. This is how the FTC\'s InfoTrax case started. Store only a slow, salted hash so a stolen table does not reveal the passwords. In Java and C#, a `password` column declared on a JPA or EF Core entity in a file where nothing hashes it is reported at low confidence, because the hashing usually lives in another file.',
    bad: "const { email, password } = req.body;\nawait User.create({ email, password });",
    good: "const { email, password } = req.body;\nawait User.create({ email, password: await bcrypt.hash(password, 12) });",
    fix: 'Hash the password with bcrypt (cost 12+), argon2id or scrypt before it is written: `await bcrypt.hash(password, 12)`; in Python `generate_password_hash(password)` (werkzeug), `make_password(password)` or `user.set_password(password)` (Django), or passlib. Verify logins with `bcrypt.compare` / `check_password_hash`. Credentials the application must use later (an SMTP password of a tenant) should be encrypted with a key from a KMS instead. In Go, `bcrypt.GenerateFromPassword([]byte(pw), 12)` (golang.org/x/crypto/bcrypt) or `argon2.IDKey` before `db.Exec` / GORM `Create`. In Rails, declare `has_secure_password` on the model (it keeps a bcrypt hash in `password_digest`) or use Devise, and never write to a `password` column yourself.',
  },
  queries: {
    ...SINK_QUERIES,
    java: `${SINK_QUERIES.java}\n(field_declaration) @decl`,
    csharp: `${SINK_QUERIES.csharp}\n(property_declaration) @decl`,
    ruby: RUBY_SINK_QUERY,
  },
  check(match, ctx) {
    const decl = match.get('decl');
    if (decl) return checkEntityPassword(ctx, decl);
    const node = match.get('call') ?? match.get('assign');
    if (!node) return;
    const sink = matchedSink(ctx, node, match);
    // Cookies, Flask's session and browser storage belong to storage/sensitive-data-in-client-storage.
    if (!sink || sink.client || sink.kind === 'cookie' || sink.kind === 'session' || sink.kind === 'web-storage') return;
    if (sink.hashesPasswords || (sink.model && fileHashesInHooks(ctx))) return;
    if (isPrivateHandoffFile(ctx, sink)) return;
    const items = sinkItems(ctx, sink).filter(isPlainPassword);
    if (items.length === 0) return;
    const carrier = passwordCarrier(ctx, sink);
    if (carrier && isInertLiteral(ctx, carrier.node)) return;
    // base64 / hex "protection" is reported by storage/weak-password-hash at the encoding call.
    if (carrier && encodingOf(ctx, unwrap(carrier.node))) return;
    const where = KIND_LABEL[sink.kind];
    const hookNote = !sink.model ? '' : ctx.file.syntax === 'ruby' ? ' (unless the model, defined in another file, uses `has_secure_password`, Devise or a hashing callback)' : ' (unless a model hook or setter hashes it)';
    const confidence = sink.model ? (ctx.file.isTestPath ? 'low' : 'medium') : ctx.file.isTestPath ? 'medium' : 'high';
    // Go: bcrypt.GenerateFromPassword returns (hash, err), so no expression-level fix exists.
    // A Rails `permit(:password)` symbol names the attribute: there is no value to wrap.
    const fixable = carrier && sink.kind === 'database' && !ctx.syntax.stringValue(carrier.node) && ctx.file.syntax !== 'go' && carrier.node.type !== 'simple_symbol' &&
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
