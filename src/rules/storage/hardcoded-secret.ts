import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext, RuleDefinition } from '../../core/rule';
import type { Confidence, Severity } from '../../core/types';
import { looksLikePlaceholder, recogniseSecretFormat, type SecretFormat } from '../../core/values';
import { capitalise, lastWordBefore } from '../common';
import { entryAt } from '../../languages/config';
import { isLocalOrReservedHost } from '../hosts';
import { envFix, envName } from './fixes';
import { isNotAValue, literalContext, mayHaveContext, type LiteralContext } from './literals';
import { withArticle } from './wording';

const SECRET_TYPES = new Set(['password', 'secret', 'api_key', 'token', 'private_key']);
/** Cheap pre-test before running every key-format recogniser over a literal. */
const FORMAT_HINT = /AKIA|ASIA|gh[pousr]_|github_pat_|glpat-|xox[abprs]-|hooks\.slack\.com|[sr]k_(live|test)_|AIza|SG\.|SK[0-9a-fA-F]{32}|npm_|sk-|eyJ|-----BEGIN/;
/** `scheme://user:password@host`. */
const CONNECTION_STRING = /^([a-z][a-z0-9+.-]*):\/\/([^:/@\s]*):([^@/\s]+)@([^/:?#\s]*)/i;
/** Go DSNs: go-sql-driver/mysql `user:password@tcp(host:3306)/db`, lib/pq and pgx `host=… password=…`. */
const MYSQL_DSN = /^([^:@/\s]+):([^@\s]+)@(tcp|unix)\(([^)]*)\)/;
const KEY_VALUE_DSN = /(?:^|\s)password=('[^']*'|[^\s']+)/;
/** Passwords of local development defaults (docker images, tutorials). */
const DEFAULT_PASSWORDS = new Set(['password', 'pass', 'passwd', 'pwd', 'secret', 'postgres', 'root', 'admin', 'guest', 'test', 'user', 'mysql', 'redis', 'rabbitmq', 'mongo', 'sa']);

/** Calls whose argument at a position is a signing or session secret. */
const SECRET_ARGUMENTS: { syntax: 'js' | 'python' | 'java' | 'go' | 'csharp' | 'php' | 'ruby'; path: RegExp; index: number; keyword?: string; env: string }[] = [
  { syntax: 'csharp', path: /^new (Microsoft\.IdentityModel\.Tokens\.)?SymmetricSecurityKey$|^new (System\.Security\.Cryptography\.)?HMAC(SHA1|SHA256|SHA384|SHA512|MD5)$/, index: 0, env: 'JWT_SECRET' },
  { syntax: 'csharp', path: /^new (System\.Net\.)?NetworkCredential$/, index: 1, env: 'SMTP_PASSWORD' },
  { syntax: 'java', path: /(^|\.)DriverManager\.getConnection$/, index: 2, env: 'DB_PASSWORD' },
  { syntax: 'java', path: /(^|\.)(signWith|setSigningKey|verifyWith)$/, index: 1, env: 'JWT_SECRET' },
  { syntax: 'java', path: /(^|\.)Algorithm\.(HMAC256|HMAC384|HMAC512)$|(^|\.)(setSigningKey|hmacShaKeyFor)$/, index: 0, env: 'JWT_SECRET' },
  { syntax: 'java', path: /^new (javax\.crypto\.spec\.)?SecretKeySpec$/, index: 0, env: 'ENCRYPTION_KEY' },
  { syntax: 'java', path: /^new (javax\.crypto\.spec\.)?PBEKeySpec$|(^|\.)(setPassword)$/, index: 0, env: 'SECRET' },
  { syntax: 'php', path: /^new (\\?PDO|mysqli)$|^(mysqli_connect|mysql_connect)$/, index: 2, env: 'DB_PASSWORD' },
  { syntax: 'php', path: /^(JWT\.encode|Firebase\\JWT\\JWT\.encode)$/, index: 1, env: 'JWT_SECRET' },
  { syntax: 'php', path: /^hash_hmac$/, index: 2, env: 'HMAC_SECRET' },
  { syntax: 'php', path: /^openssl_(encrypt|decrypt)$/, index: 2, env: 'ENCRYPTION_KEY' },
  { syntax: 'ruby', path: /^JWT\.(encode|decode)$/, index: 1, env: 'JWT_SECRET' },
  { syntax: 'ruby', path: /^OpenSSL\.HMAC\.(hexdigest|digest)$/, index: 1, env: 'HMAC_SECRET' },
  { syntax: 'ruby', path: /^ActiveSupport\.(MessageEncryptor|MessageVerifier)\.new$/, index: 0, env: 'ENCRYPTION_KEY' },
  { syntax: 'go', path: /(^|\.)SignedString$/, index: 0, env: 'JWT_SECRET' },
  { syntax: 'go', path: /^hmac\.New$/, index: 1, env: 'HMAC_SECRET' },
  { syntax: 'go', path: /^(aes\.NewCipher|chacha20poly1305\.New|chacha20poly1305\.NewX)$/, index: 0, env: 'ENCRYPTION_KEY' },
  { syntax: 'go', path: /^(sessions\.NewCookieStore|sessions\.NewFilesystemStore|securecookie\.New|cookie\.NewStore|csrf\.Protect)$/, index: 0, env: 'SESSION_SECRET' },
  { syntax: 'go', path: /^smtp\.(PlainAuth|CRAMMD5Auth)$/, index: 2, env: 'SMTP_PASSWORD' },
  { syntax: 'js', path: /^(jsonwebtoken|jwt|jws|jose)\.(sign|verify)$|^(jwt|jsonwebtoken)\.default\.(sign|verify)$|^jsonwebtoken\.(sign|verify)$/, index: 1, env: 'JWT_SECRET' },
  { syntax: 'js', path: /^cookie-parser$|^cookieParser$/, index: 0, env: 'COOKIE_SECRET' },
  { syntax: 'js', path: /(^|\.)createHmac$/, index: 1, env: 'HMAC_SECRET' },
  { syntax: 'js', path: /(^|\.)createCipheriv$|(^|\.)createDecipheriv$/, index: 1, env: 'ENCRYPTION_KEY' },
  { syntax: 'python', path: /^(jwt|jose\.jwt)\.(encode|decode)$/, index: 1, keyword: 'key', env: 'JWT_SECRET' },
  { syntax: 'python', path: /^hmac\.(new|digest)$/, index: 0, keyword: 'key', env: 'HMAC_SECRET' },
  { syntax: 'python', path: /^(cryptography\.fernet\.)?Fernet$/, index: 0, keyword: 'key', env: 'FERNET_KEY' },
];
/** A word in the text of every call SECRET_ARGUMENTS can match (keyword gate); keep the two together. */
const SECRET_API_WORDS = 'SymmetricSecurityKey|hmac|NetworkCredential|getConnection|signWith|setSigningKey|verifyWith|hmacShaKeyFor|SecretKeySpec|PBEKeySpec|PDO|mysqli|mysql_connect|jwt|openssl_(en|de)crypt|MessageEncryptor|MessageVerifier|SignedString|NewCipher|chacha20poly1305|securecookie|NewStore|csrf|PlainAuth|CRAMMD5Auth|jsonwebtoken|jws|jose|cookie-?parser|createCipheriv|createDecipheriv|Fernet';
/** Every call check 3 may report an argument of (SECRET_ARGUMENTS, SESSION_MIDDLEWARE) names one of these words. */
const SECRET_API_TEXT = `${SECRET_API_WORDS}|session|setPassword`;

/**
 * Whether the file names an API whose arguments check 3 looks at (the text test `secretApi`: memoised per file, and
 * answered by the engine's keyword scan where none of the words occur).
 */
function mayCallSecretApi(ctx: RuleContext): boolean {
  return ctx.textHas('secretApi');
}

/**
 * Whether literalContext may give an argument or entry a name (check 4). A plain argument gets one only as the
 * default of a lookup (`os.getenv('API_KEY', '…')`, `config.get('password', '…')`: a callee named get…/…env…).
 */
function mayBeNamed(ctx: RuleContext, lit: Node, parentType: string | undefined, call: Node | null | undefined /* lit.parent.parent */): boolean {
  if (parentType !== 'arguments' && parentType !== 'argument_list') return true;
  return !!call && /get|env/.test(ctx.file.text.slice(call.startIndex, lit.startIndex));
}

/** The last segment of every JavaScript SECRET_ARGUMENTS path that has a dot. Keep in step with SECRET_ARGUMENTS. */
const JS_SECRET_METHOD = /^(sign|verify|createHmac|createCipheriv|createDecipheriv)$/;

/**
 * Whether a JavaScript call may be one of SECRET_ARGUMENTS, before its paths are built: a callee that is a member
 * expression (`jwt.sign`, `crypto.createHmac`) has a written and a resolved path with a dot, both ending in its
 * property, the last word of its text (lastWordBefore). Other callees and other languages: true (the paths decide).
 */
export function maySecretArgumentCall(ctx: RuleContext, call: Node): boolean {
  if (ctx.file.syntax !== 'js') return true;
  const fn = call.type === 'new_expression' ? call.childForFieldName('constructor') : call.childForFieldName('function');
  if (!fn || fn.type !== 'member_expression') return true;
  return JS_SECRET_METHOD.test(lastWordBefore(ctx.file.text, fn.endIndex));
}

/** Session middleware whose `secret` option signs the session cookie. */
const SESSION_MIDDLEWARE = /^(express-session|cookie-session|koa-session|@fastify\/session|@fastify\/secure-session|fastify-session|iron-session)(\.default)?$|^(session|expressSession|cookieSession)$/;

const FORMAT_ENV: [RegExp, string][] = [
  [/AWS/, 'AWS_ACCESS_KEY_ID'], [/GitHub/, 'GITHUB_TOKEN'], [/GitLab/, 'GITLAB_TOKEN'], [/Slack incoming/, 'SLACK_WEBHOOK_URL'],
  [/Slack/, 'SLACK_TOKEN'], [/Stripe/, 'STRIPE_SECRET_KEY'], [/Google/, 'GOOGLE_API_KEY'], [/SendGrid/, 'SENDGRID_API_KEY'],
  [/Twilio/, 'TWILIO_API_KEY'], [/npm/, 'NPM_TOKEN'], [/Anthropic/, 'ANTHROPIC_API_KEY'], [/OpenAI/, 'OPENAI_API_KEY'],
  [/JSON Web Token/, 'JWT'], [/private key/i, 'PRIVATE_KEY'],
];

/** A literal value that could be a real credential of this type rather than a label, a name, a path or a template. */
function plausible(ctx: RuleContext, type: string, value: string, relaxed: boolean): boolean {
  const v = value.trim();
  if (relaxed || type === 'private_key') {
    // A private key's shape first: most long literals are text, and the placeholder tests cost more.
    if (!relaxed && !(/-----BEGIN/.test(v) || /^[A-Za-z0-9+/=_-]{40,}$/.test(v))) return false;
    if (looksLikePlaceholder(v) || isObviousDummy(v) || TEMPLATE_OR_REFERENCE.test(v)) return false;
    return !relaxed || v.length >= 4;
  }
  return plausibleShape(type, v) && plausibleWords(ctx, v);
}

/**
 * The cheap part of plausible() for a trimmed value of a type other than a private key: its length and shape (most
 * literals are short words, paths, labels and templates). plausibleWords() is the rest (placeholders and data names).
 */
function plausibleShape(type: string, v: string): boolean {
  if (v.length < 6 || /\s/.test(v)) return false;
  if (type !== 'password' && v.length < 12) return false;
  if (TEMPLATE_OR_REFERENCE.test(v)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^[.~]{0,2}\//.test(v) || /\\[A-Za-z]/.test(v)) return false;
  if (/\.(pem|key|crt|cer|p12|pfx|json|txt|env|ya?ml|ini|cfg|conf|jks|keystore|der|pub|gpg|asc)$/i.test(v)) return false;
  if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(v)) return false; // an environment variable's name
  if (/[?:!.,;]$/.test(v) || /^[A-Z][a-z]+$/.test(v)) return false; // a label or a translated word
  // Translated text: 'Contraseña', 'proxy-пароль', '上記データベースに接続するパスワード…' (three non-ASCII letters in a row).
  // Both need a non-ASCII character: that test first (the Unicode classes cost more, and most literals are ASCII).
  if (/[^\x00-\x7f]/.test(v) && (/^\p{L}+$/u.test(v) || /[^\x00-\x7f\P{L}]{3,}/u.test(v))) return false;
  if (/^@[\w.-]+$|^%[\w.-]+%$/.test(v)) return false; // a service or parameter reference (Symfony '@mailer', '%db_password%')
  if (/\[[^\]]*\]|\([^)]*\)|=\s*['"]|^[.#][\w-]+$/.test(v)) return false; // a selector, a call or markup
  // An enum-like label of an authentication method (`basic_auth`, `certificate_auth`, `login_type`).
  if (/^[a-z]+(?:_[a-z]+)+$/.test(v) && /(^|_)(auth|login|mode|type|style|method|scheme|kind|flow)(_|$)/.test(v)) return false;
  if (/^urn:/i.test(v) || /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*){2,}$/.test(v)) return false; // a URN, a module or class path
  if (/^(text|hidden|email|number|off|on|required|true|false|null|bearer|basic|digest|jwt|oauth|oauth2|none|hash|sha256|sha512|md5|bcrypt|hex|base64|utf-?8|ascii|latin1|binary)$/i.test(v)) return false;
  // Keys, tokens and secrets are long random strings, not words (`msal:acquireTokenSuccess`, `urn:ietf:params:oauth:jwt-bearer`).
  return !(type !== 'password' && (wordLike(v) || !((/\d/.test(v) && /[A-Za-z]/.test(v)) || v.length >= 24)));
}

/**
 * The second part of plausible(): not a placeholder or a dummy, not a data name such as 'access_token'.
 * `notPlaceholder`: the caller has found that looksLikePlaceholder(v) is false.
 */
function plausibleWords(ctx: RuleContext, v: string, notPlaceholder = false): boolean {
  if ((!notPlaceholder && looksLikePlaceholder(v)) || isObviousDummy(v)) return false;
  if (/^[A-Za-z]+(?:[_.-][A-Za-z]+)*$/.test(v) && ctx.classifier.classifyName(v).length > 0) return false; // a name such as 'access_token'
  // A namespaced name (`OS-OAUTH1:access_token`, `scope:read_password`): word segments, one of them a data name.
  return !(/^[\w.-]+(:[\w.-]+)+$/.test(v) && v.split(':').some((seg) => /^[A-Za-z]+(?:[_.-][A-Za-z]+)*$/.test(seg) && ctx.classifier.classifyName(seg).length > 0));
}

/**
 * What check() has left to ask of a literal's value until a report is due (most literals get no name that could
 * make them reportable, and these tests cost more than the context): 'placeholder', that it is not a placeholder;
 * 'words', that it passes plausibleWords() (a plausible password: its shape was tested first).
 */
type Deferred = 'nothing' | 'placeholder' | 'words';

function passesDeferred(ctx: RuleContext, value: string, deferred: Deferred): boolean {
  return deferred === 'nothing' || (!looksLikePlaceholder(value) && (deferred === 'placeholder' || plausibleWords(ctx, value.trim(), true)));
}

/** Templates, format strings and references to a secret store rather than a value. */
const TEMPLATE_OR_REFERENCE = /\$\{|\{\{|\{[\w.]*\}|%\(?\w*\)?[sd]|^\$[A-Za-z_]|^(env|vault|secret|ssm|arn|projects)[:/]/;

/** An object or dict of 4+ entries whose values are all lower-case words: an alias table, not a config. */
function isLookupTable(ctx: RuleContext, lit: Node): boolean {
  const obj = lit.parent?.parent;
  if (!obj || (obj.type !== 'object' && obj.type !== 'dictionary' && obj.type !== 'array_creation_expression')) return false;
  const entries = ctx.syntax.entries(obj);
  if (entries.length < 4) return false;
  return entries.every((e) => {
    const v = ctx.syntax.stringValue(e.value);
    return v !== undefined && /^[a-z_-]{1,40}$/.test(v);
  }) && entries.filter((e) => e.key && ctx.classifier.classifyName(e.key).length > 0).length <= entries.length / 4;
}

/** `P@SSWORD`, `s3cr3t`, `passw0rd123`: a placeholder word in leetspeak, maybe with a few digits. */
function isObviousDummy(v: string): boolean {
  // `0123456789…`, `abcdefgh…`, `xxxxxxxx`, `aaaa1111`: a run or a repeat, not a random value.
  if (/^(?:0123456789)+\d*$|^(?:abcdefghijklmnopqrstuvwxyz)+/i.test(v) || /^(.{1,4})\1{3,}$/.test(v)) return true;
  const plain = v.toLowerCase().replace(/@|4/g, 'a').replace(/0/g, 'o').replace(/[1!|]/g, 'i').replace(/3/g, 'e').replace(/\$|5/g, 's').replace(/7/g, 't');
  const word = plain.replace(/[^a-z]/g, '');
  return word.length >= 4 && (looksLikePlaceholder(word) || DEFAULT_PASSWORDS.has(word) || /^(pas+word|pas+wd|secret|letmein|qwerty|abc|admin|test|demo)+$/.test(word.replace(/ii$/, '')));
}

/** Text made only of words: every run of letters between separators and case changes is a word of 3+ letters. */
function wordLike(v: string): boolean {
  const parts = v.split(/[^A-Za-z0-9]+/).flatMap((p) => p.split(/(?<=[a-z])(?=[A-Z])/)).filter(Boolean);
  return parts.length > 0 && parts.every((p) => /^[A-Za-z]{2,}$/.test(p));
}

function severityFor(ctx: RuleContext, base: Severity, format?: SecretFormat): { severity: Severity; confidence: Confidence } {
  if (format?.test) return { severity: 'note', confidence: 'low' };
  if (ctx.file.isTestPath) return { severity: base === 'error' ? 'warning' : 'note', confidence: 'low' };
  return { severity: base, confidence: 'high' };
}

function formatEnv(label: string): string {
  return FORMAT_ENV.find(([re]) => re.test(label))?.[1] ?? 'API_KEY';
}

/** The environment variable name for a literal's context: `dbPassword` → `DB_PASSWORD`, `{ password }` in `dbConfig` → `DB_PASSWORD`. */
function envNameFor(ctx: RuleContext, lc: LiteralContext, fallback: string): string {
  if (!lc.name) return fallback;
  const base = envName(lc.name).replace(/^(PASS|PW|PWD|PASSWD)$/, 'PASSWORD');
  if (lc.kind === 'key' && lc.container) {
    const words = ctx.classifier.tokenize(lc.container.split('.').pop() ?? '').filter((w) => !/^(config|configuration|settings|options|opts|params|credentials|creds|auth|conf|cfg|env|secrets?)$/.test(w));
    const prefix = words.join('_').toUpperCase();
    if (prefix && !base.startsWith(prefix)) return `${prefix}_${base}`;
  }
  // A bare `password` passed to a client: name it after what it connects to.
  if (/^(PASSWORD|SECRET|TOKEN|API_KEY|KEY)$/.test(base) && lc.call) {
    const callee = ctx.flow.resolvedPath(lc.call);
    const prefix = /smtp|mail|transport/i.test(callee) ? 'SMTP' : /redis/i.test(callee) ? 'REDIS' : /mongo/i.test(callee) ? 'MONGO'
      : /connect|pool|client|psycopg|mysql|pg\b|sequelize|knex|database|db/i.test(callee) ? 'DB' : '';
    if (prefix) return `${prefix}_${base}`;
  }
  return base;
}

function fixFor(ctx: RuleContext, lit: Node, lc: LiteralContext, name: string): FixInput[] {
  if (lc.fallback) return [];
  // PHP class constants and property defaults must be constant expressions: `getenv()` is not allowed there.
  if (ctx.file.syntax === 'php' && /^(property_element|const_element)$/.test(lit.parent?.type ?? '')) return [];
  return [envFix(ctx, lit, name, { optional: lc.kind === 'parameter' })];
}

export const hardcodedSecret: RuleDefinition = {
  id: 'storage/hardcoded-secret',
  family: 'storage',
  title: 'Hard-coded secret',
  description: 'A password, API key, token, signing secret or private key is written into the source as a literal.',
  severity: 'error',
  confidence: 'high',
  cwe: [798, 259, 321],
  owasp: ['A07:2021 Identification and Authentication Failures', 'A02:2021 Cryptographic Failures'],
  standards: ['PCI DSS 8.6.2', 'GDPR Art. 32', 'OWASP ASVS 2.10.4'],
  fixable: true,
  // Runs where a name may be a secret's (gateTypes) or the text has what the other checks need: a key format, a
  // connection string or DSN, a session `secret`, or an API of SECRET_ARGUMENTS / SESSION_MIDDLEWARE (by a name
  // that is in the text however it is imported).
  keywords: `${FORMAT_HINT.source}|://|password|pwd|@tcp\\(|@unix\\(|secret|session|${SECRET_API_WORDS}`,
  gateTypes: [...SECRET_TYPES],
  gateEither: true,
  textTests: { secretApi: SECRET_API_TEXT },
  guidance: {
    why: 'Source code is copied to every laptop, CI runner, fork, backup and code-search index, and stays in the git history forever. A secret in it is readable by everyone who can read the code, cannot be rotated without a release, and is the same in every environment. Leaked keys are found by bots within minutes of a push to a public repository.',
    bad: "const dbPassword = 'Spr1ng-2024!db';\njwt.sign(payload, 'signing-secret-v2');",
    good: "const dbPassword = process.env.DB_PASSWORD;\njwt.sign(payload, process.env.JWT_SECRET);",
    fix: 'Read the secret from the environment or a secret manager (`process.env.DB_PASSWORD`, `os.environ["DB_PASSWORD"]`, AWS Secrets Manager, Vault), rotate the leaked value, and remove it from the git history. Keep local defaults in an untracked `.env` file. In Go, `os.Getenv("DB_PASSWORD")` (a `const` becomes a `var`). In Spring Boot `application*.properties` / `.yml`, `spring.datasource.password=${DB_PASSWORD}` (or set `SPRING_DATASOURCE_PASSWORD` and drop the line), Spring Cloud Config `{cipher}…` or Jasypt `ENC(…)` values.',
  },
  queries: {
    java: '(string_literal) @str',
    csharp: '(string_literal) @str\n(verbatim_string_literal) @str\n(raw_string_literal) @str',
    js: '(string) @str\n(template_string) @str',
    python: '(string) @str\n(concatenated_string) @str',
    go: '[(interpreted_string_literal) (raw_string_literal)] @str',
    php: '[(string) (encapsed_string)] @str',
    ruby: '(string) @str',
    properties: '(property (value) @str)',
    yaml: '(block_mapping_pair value: (flow_node) @str)\n(block_mapping_pair value: (block_node (block_scalar)) @str)\n(flow_pair value: (flow_node) @str)',
  },
  check(match, ctx) {
    const lit = match.get('str');
    if (!lit) return;
    if (ctx.file.syntax === 'properties' || ctx.file.syntax === 'yaml') return configSecret(ctx, lit);
    if (ctx.file.syntax === 'java' && lit.text.startsWith('"${') && javaValueDefault(ctx, lit)) return;
    // In JavaScript and Python a literal's value is never longer than its text without the two quotes (escapes only
    // shorten it): a short literal is skipped before its value is read (one Node per part of a Python string).
    if ((ctx.file.syntax === 'js' || ctx.file.syntax === 'python') && lit.endIndex - lit.startIndex < 6) return;
    const value = ctx.syntax.stringValue(lit);
    if (value === undefined || value.length < 4 || value.length > 16_384) return;
    // The literal's parent, read once (web-tree-sitter finds a parent by descending from the root).
    let parent: Node | null | undefined;
    const parentOf = (): Node | null => (parent === undefined ? (parent = lit.parent) : parent);
    // Its type, read once too (a crossing into wasm).
    let parentType: string | undefined | null = null;
    const parentTypeOf = (): string | undefined => (parentType === null ? (parentType = parentOf()?.type) : parentType);
    // The call an argument is passed to (its parent's parent), read once; undefined for a literal that is no argument.
    let argCall: Node | null | undefined;
    const callOf = (): Node | null | undefined => {
      const t = parentTypeOf();
      if (t !== 'arguments' && t !== 'argument_list') return undefined;
      return argCall === undefined ? (argCall = parentOf()?.parent ?? null) : argCall;
    };
    // Judge the value before its context: most literals are short words that cannot be secrets.
    const goDsn = ctx.file.syntax === 'go' ? goDsnPassword(value) : undefined;
    const adoConnection = ctx.file.syntax === 'csharp' && /(?:^|;)\s*(?:password|pwd)\s*=/i.test(value);
    // What checks 3 and 4 still ask of the value before they report (see Deferred).
    let deferred: Deferred = 'nothing';
    if (!FORMAT_HINT.test(value) && !CONNECTION_STRING.test(value) && !goDsn && !adoConnection) {
      // Beyond key formats and connection strings, a value is reported by check 3 (a secret API's argument or a
      // session's `secret`, possible only where the file names such an API) or check 4 (a credential name, when the
      // value is plausible for a secret type: a password's test is the loosest of them but a private key's, which
      // without its PEM header is 40+ characters of base64). Most literals fail both before their parent is asked for.
      // plausible(password) is plausibleShape() && plausibleWords(): the cheap part first, the rest when needed.
      const passwordShape = plausibleShape('password', value.trim());
      const keyLike = value.length >= 40 && plausible(ctx, 'private_key', value, false);
      if (!passwordShape && !keyLike && !mayCallSecretApi(ctx)) return;
      const relaxedSpot = /^(arguments|argument_list|argument|pair|keyword_argument)$/.test(parentTypeOf() ?? '');
      if (!relaxedSpot && (value.length < 6 || /\s/.test(value))) return;
      // A plain argument gets a name only as the default of a lookup (see mayBeNamed): else only check 3 may report it.
      if (relaxedSpot && !mayCallSecretApi(ctx) && !mayBeNamed(ctx, lit, parentTypeOf(), callOf())) return;
      // Outside an argument or entry, and where check 3 cannot apply to a value that is not key-like, only a
      // plausible password can be reported: its shape now, its words (and not a placeholder) where a report is due.
      const wordsNeeded = !relaxedSpot || (!keyLike && !mayCallSecretApi(ctx));
      if (wordsNeeded && !passwordShape) return;
      deferred = wordsNeeded ? 'words' : 'placeholder';
      // Checks 3 and 4 need a call or a name: under a parent literalContext does not read, a literal has neither.
      if (!mayHaveContext(parentTypeOf())) return;
    }
    if (parentTypeOf() === 'concatenated_string' || isNotAValue(ctx, lit, parentOf(), callOf())) return;
    const lc = literalContext(ctx, lit, parentOf(), callOf());

    // 1. Keys in a well-known format, wherever they are.
    if (FORMAT_HINT.test(value)) {
      const format = recogniseSecretFormat(value);
      if (format && !looksLikePlaceholder(value)) {
        const jwt = format.label === 'JSON Web Token';
        const { severity, confidence } = severityFor(ctx, jwt ? 'warning' : 'error', format);
        const whole = !/\s/.test(value.trim()) || format.type === 'private_key';
        ctx.report({
          node: lit,
          message: `${capitalise(withArticle(format.label))}${format.test ? ' (test mode)' : ''} is hard-coded${lc.name ? ` in \`${lc.name}\`` : ''}.`,
          severity,
          confidence: jwt && confidence === 'high' ? 'medium' : confidence,
          secret: value,
          dataTypes: [format.type],
          fixes: whole ? fixFor(ctx, lit, lc, lc.name && ctx.classifier.classifyName(lc.name).some((c) => SECRET_TYPES.has(c.type)) ? envNameFor(ctx, lc, formatEnv(format.label)) : formatEnv(format.label)) : [],
          fingerprintKey: `${format.label} ${lc.name ?? ''}`,
        });
        return;
      }
    }

    // 2a. ADO.NET connection strings: `Server=db.example.com;Database=shop;User Id=app;Password=…;`.
    if (ctx.file.syntax === 'csharp' && /(?:^|;)\s*(?:password|pwd)\s*=/i.test(value) && /(?:^|;)\s*(?:server|data source|host|address|addr)\s*=/i.test(value)) {
      const pw = /(?:^|;)\s*(?:password|pwd)\s*=\s*([^;]*)/i.exec(value)?.[1].trim() ?? '';
      const host = /(?:^|;)\s*(?:server|data source|host|address|addr)\s*=\s*([^;,]*)/i.exec(value)?.[1].trim().replace(/^tcp:/i, '') ?? '';
      if (!pw || looksLikePlaceholder(pw) || isObviousDummy(pw) || /[{}$%<>*]/.test(pw) || DEFAULT_PASSWORDS.has(pw.toLowerCase())) return;
      const local = isLocalOrReservedHost(host.replace(/\\.*$/, '')) || !host.includes('.') || /^\(local|localdb\)/i.test(host);
      const { severity, confidence } = severityFor(ctx, local ? 'warning' : 'error');
      ctx.report({
        node: lit,
        message: `A connection string${lc.name ? ` in \`${lc.name}\`` : ''} carries an inline password for ${host || 'its server'}.`,
        severity,
        confidence: local && confidence === 'high' ? 'medium' : confidence,
        secret: pw,
        dataTypes: ['password'],
        fixes: fixFor(ctx, lit, lc, 'DB_CONNECTION_STRING'),
        fingerprintKey: `ado ${host} ${lc.name ?? ''}`,
      });
      return;
    }

    // 2. Connection strings with an inline password.
    const conn = CONNECTION_STRING.exec(value);
    if (conn) {
      const [, scheme, user, password, host] = conn;
      const pw = decodeURIComponentSafe(password);
      if (looksLikePlaceholder(pw) || isObviousDummy(pw) || /[{}$%<>*]/.test(pw) || pw === user || DEFAULT_PASSWORDS.has(pw.toLowerCase())) return;
      const local = isLocalOrReservedHost(host) || !host.includes('.');
      const { severity, confidence } = severityFor(ctx, local ? 'warning' : 'error');
      ctx.report({
        node: lit,
        message: `${capitalise(withArticle(scheme))} connection string${lc.name ? ` in \`${lc.name}\`` : ''} carries an inline password for ${host || 'its host'}.`,
        severity,
        confidence: local && confidence === 'high' ? 'medium' : confidence,
        secret: pw,
        dataTypes: ['password'],
        fixes: fixFor(ctx, lit, lc, lc.name && !/^(URL|URI|DSN|CONN|CONNECTION|CONNECTION_STRING|CONN_STR)$/.test(envName(lc.name)) ? envName(lc.name) : 'DATABASE_URL'),
        fingerprintKey: `${scheme}://${host} ${lc.name ?? ''}`,
      });
      return;
    }

    // 2b. Go DSNs that are not URLs.
    if (goDsn) {
      const { password: pw, host } = goDsn;
      if (looksLikePlaceholder(pw) || isObviousDummy(pw) || /[{}$%<>*]/.test(pw) || DEFAULT_PASSWORDS.has(pw.toLowerCase())) return;
      const local = !host || isLocalOrReservedHost(host.replace(/:\d+$/, '')) || !host.includes('.');
      const { severity, confidence } = severityFor(ctx, local ? 'warning' : 'error');
      ctx.report({
        node: lit,
        message: `A database DSN${lc.name ? ` in \`${lc.name}\`` : ''} carries an inline password for ${host || 'its host'}.`,
        severity,
        confidence: local && confidence === 'high' ? 'medium' : confidence,
        secret: pw,
        dataTypes: ['password'],
        fixes: fixFor(ctx, lit, lc, 'DATABASE_DSN'),
        fingerprintKey: `dsn ${host} ${lc.name ?? ''}`,
      });
      return;
    }

    // 3. Secrets passed straight to signing, HMAC and session APIs.
    // Only a session middleware's `secret` option or an argument at a position (or keyword) some API takes a secret
    // at can be one: the callee's path (imports resolved) is looked up only then.
    const call = lc.call;
    const sessionSpot = lc.kind === 'key' && lc.name === 'secret';
    const argumentSpot = (lc.kind === undefined || lc.kind === 'keyword') && SECRET_ARGUMENTS.some((s) => s.syntax === ctx.file.syntax && (lc.kind === 'keyword' ? s.keyword === lc.keyword : s.index === lc.argIndex));
    if (call && lc.argIndex !== undefined && (sessionSpot || (argumentSpot && maySecretArgumentCall(ctx, call)))) {
      const path = ctx.flow.resolvedPath(call);
      const written = ctx.syntax.calleePath(call);
      if (sessionSpot && (SESSION_MIDDLEWARE.test(path) || SESSION_MIDDLEWARE.test(written)) && plausible(ctx, 'secret', value, true) && passesDeferred(ctx, value, deferred)) {
        const { severity, confidence } = severityFor(ctx, 'error');
        ctx.report({ node: lit, message: `The session secret passed to \`${written}\` is hard-coded: anyone with the code can forge session cookies.`, severity, confidence, secret: value, dataTypes: ['secret'], fixes: fixFor(ctx, lit, lc, 'SESSION_SECRET') });
        return;
      }
      if (lc.kind === undefined || lc.kind === 'keyword') {
        const hit = SECRET_ARGUMENTS.find((s) => s.syntax === ctx.file.syntax && (s.path.test(path) || s.path.test(written)) && (lc.kind === 'keyword' ? s.keyword === lc.keyword : s.index === lc.argIndex));
        if (hit && plausible(ctx, 'secret', value, true) && passesDeferred(ctx, value, deferred)) {
          const { severity, confidence } = severityFor(ctx, 'error');
          ctx.report({ node: lit, message: hit.env === 'SMTP_PASSWORD' ? `The mail password passed to \`${written}\` is hard-coded: anyone with the code can send mail as this account.` : hit.env === 'DB_PASSWORD' ? `The database password passed to \`${written}\` is hard-coded: anyone with the code can log in to the database.` : `The key passed to \`${written}\` is hard-coded: anyone with the code can sign or decrypt with it.`, severity, confidence, secret: value, dataTypes: ['secret'], fixes: fixFor(ctx, lit, lc, hit.env) });
          return;
        }
      }
    }

    // 4. Credential-named variables, properties, keys, keyword arguments and default parameters.
    // Keys that are not names (`'AWS::ApiGateway::ApiKey'`, `'Api key:'`) are data of a lookup table.
    if (!lc.name || !/^[A-Za-z_$][\w$.-]*$/.test(lc.name)) return;
    // Bare `pass` / `pw` mapped to a plain word is an alias (`{ pass: 'bandpass' }`), not a password.
    if (/^(pass|pw)$/i.test(lc.name) && /^[a-z]+$/.test(value)) return;
    const types = ctx.classifier.classifyName(lc.name).filter((c) => SECRET_TYPES.has(c.type));
    if (types.length === 0) return;
    if (lc.kind === 'key' && isLookupTable(ctx, lit)) return;
    const type = types[0].type;
    if (!plausible(ctx, type, value, false) || !passesDeferred(ctx, value, deferred)) return;
    // Test fixtures are full of dummy credentials (`'badpass'`, `'testPass'`): there, only values that look generated.
    if (ctx.file.isTestPath && (wordLike(value) || !/\d/.test(value) || !/[A-Za-z]/.test(value) || value.length < 8)) return;
    const base: Severity = lc.fallback ? 'warning' : 'error';
    // In tests a named password is usually a fixture's: a note to look at, not a warning.
    const { severity, confidence } = ctx.file.isTestPath ? { severity: 'note' as Severity, confidence: 'low' as Confidence } : severityFor(ctx, base);
    const label = ctx.classifier.type(type)?.label ?? 'a secret';
    ctx.report({
      node: lit,
      message: lc.fallback
        ? `\`${lc.name}\` falls back to a hard-coded ${label.replace(/^(a|an) /, '')} when the environment does not set it.`
        : `${label.charAt(0).toUpperCase()}${label.slice(1)} is hard-coded in \`${lc.name}\`.`,
      severity,
      confidence: lc.fallback && confidence === 'high' ? 'medium' : confidence,
      classifications: types,
      secret: value,
      fixes: fixFor(ctx, lit, lc, envNameFor(ctx, lc, 'SECRET')),
      fingerprintKey: `${lc.kind ?? ''} ${lc.container ?? ''}.${lc.name}`,
    });
  },
};

/**
 * Spring's `@Value("\${db.password:Spr1ng-2024}")`: the text after the colon is the default used when the property is
 * not set. Reports it when the property names a secret; returns true when the literal was a `@Value` expression.
 */
function javaValueDefault(ctx: RuleContext, lit: Node): boolean {
  const annotation = lit.parent?.type === 'annotation_argument_list' ? lit.parent.parent : lit.parent?.type === 'element_value_pair' ? lit.parent.parent?.parent : undefined;
  if (annotation?.type !== 'annotation' || !/(^|\.)Value$/.test(annotation.childForFieldName('name')?.text ?? '')) return false;
  const m = /^\$\{([\w.-]+):([^}]*)\}$/.exec(ctx.syntax.stringValue(lit) ?? '');
  if (!m) return true;
  const [, key, value] = m;
  const types = ctx.classifier.classifyName(key.split('.').pop() ?? key).filter((c) => SECRET_TYPES.has(c.type));
  if (types.length === 0 || !plausible(ctx, types[0].type, value, false)) return true;
  const { severity, confidence } = severityFor(ctx, 'warning');
  const label = ctx.classifier.type(types[0].type)?.label ?? 'a secret';
  ctx.report({
    node: lit,
    message: `\`${key}\` falls back to a hard-coded ${label.replace(/^(a|an) /, '')} when the property is not set.`,
    severity,
    confidence: confidence === 'high' ? 'medium' : confidence,
    classifications: types,
    secret: value,
    fixes: [{ title: 'Remove the default so a missing property fails at start-up', safe: false, edits: [{ node: lit, newText: `"\${${key}}"` }] }],
    fingerprintKey: `@Value ${key}`,
  });
  return true;
}

/** Spring profiles whose settings do not reach production (`application-dev.yml`, `application-test.properties`). */
const LOCAL_PROFILE = /(^|[/\\])(application|bootstrap)-(dev|development|local|test|tests|it)\.[a-z]+$/i;

/**
 * Spring Boot config files: a literal under a credential-named key (`spring.datasource.password`, `*.client-secret`,
 * `jwt.secret`), or a key of a known format under any key. Placeholders (`${DB_PASSWORD}`), Spring Cloud Config
 * `{cipher}` and Jasypt `ENC(…)` values are not clear text; `${DB_PASSWORD:literal}` falls back to the literal.
 */
function configSecret(ctx: RuleContext, value: Node): void {
  const entry = entryAt(ctx.syntax, ctx.root, value);
  const text = ctx.syntax.stringValue(value)?.trim();
  if (!entry?.key || !text || text.length > 16_384 || /^\{cipher\}|^ENC\(.*\)$/.test(text)) return;
  const key = entry.key;
  const local = LOCAL_PROFILE.test(ctx.file.path);
  const fallback = /^\$\{([\w.-]+):(.+)\}$/.exec(text);
  const literal = fallback ? fallback[2] : text;
  const env = key.replace(/\[(\d+)\]/g, '_$1').replace(/[.-]/g, '_').toUpperCase();
  const fixes: FixInput[] = fallback
    ? [{ title: 'Remove the default so a missing property fails at start-up', safe: false, edits: [{ node: value, newText: `\${${fallback[1]}}` }] }]
    : [{ title: `Read it from the environment: \${${env}}`, safe: false, edits: [{ node: value, newText: `\${${env}}` }] }];
  if (FORMAT_HINT.test(literal)) {
    const format = recogniseSecretFormat(literal);
    if (format && !looksLikePlaceholder(literal)) {
      const { severity, confidence } = severityFor(ctx, format.label === 'JSON Web Token' ? 'warning' : 'error', format);
      ctx.report({ node: value, message: `${capitalise(withArticle(format.label))} is hard-coded in \`${key}\`.`, severity, confidence: local && confidence === 'high' ? 'medium' : confidence, secret: literal, dataTypes: [format.type], fixes, fingerprintKey: `config ${key}` });
      return;
    }
  }
  if (!fallback && text.includes('${')) return;
  const last = key.split('.').pop() ?? key;
  const types = ctx.classifier.classifyName(last).filter((c) => SECRET_TYPES.has(c.type));
  if (types.length === 0 || !plausible(ctx, types[0].type, literal, false) || DEFAULT_PASSWORDS.has(literal.toLowerCase())) return;
  if (ctx.file.isTestPath && (wordLike(literal) || literal.length < 8)) return;
  const { severity, confidence } = severityFor(ctx, fallback || local ? 'warning' : 'error');
  const label = ctx.classifier.type(types[0].type)?.label ?? 'a secret';
  ctx.report({
    node: value,
    message: fallback
      ? `\`${key}\` falls back to a hard-coded ${label.replace(/^(a|an) /, '')} when \`${fallback[1]}\` is not set.`
      : `${capitalise(label)} is hard-coded in \`${key}\`${local ? ' (a development or test profile)' : ''}: everyone who can read the repository can use it.`,
    severity,
    confidence: (fallback || local) && confidence === 'high' ? 'medium' : confidence,
    classifications: types,
    secret: literal,
    fixes,
    fingerprintKey: `config ${key}`,
  });
}

/** The password and host of a Go MySQL or key=value DSN. */
function goDsnPassword(value: string): { password: string; host: string } | undefined {
  const my = MYSQL_DSN.exec(value);
  if (my) return { password: my[2], host: my[4] };
  const kv = /\bhost=/.test(value) ? KEY_VALUE_DSN.exec(value) : null;
  if (kv) return { password: kv[1].replace(/^'|'$/g, ''), host: (/\bhost=([^\s]+)/.exec(value)?.[1] ?? '').replace(/^'|'$/g, '') };
  return undefined;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
