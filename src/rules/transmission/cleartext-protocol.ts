import type { Node } from 'web-tree-sitter';
import type { TaintItem } from '../../core/flow';
import type { FixInput, RelatedInput, RuleContext, RuleDefinition } from '../../core/rule';
import type { Severity } from '../../core/types';
import { classificationsOf, relatedFor } from '../common';
import { walk } from '../../core/syntax';
import { initializerInsert, smtpSslState } from './csharp';
import { classifyHost, hostOf, type HostKind } from '../hosts';
import { creationOf, fileConfidence, instanceCalls, normalisePath, receiverOf } from './clients';
import { indentOf, insertIntoObject, replaceNode, statementOf } from './edits';
import { sentData } from './insecure-request';
import { reportable } from './urls';
import { rubyInstanceCalls, rubyMethod } from './ruby';
import { springMailStarttls } from './spring-config';

const DB_SCHEMES = /^(postgres|postgresql|postgresql\+\w+|mysql|mysql\+\w+|mariadb|mongodb|mongodb\+srv|mssql|sqlserver|redis|amqp|cockroachdb|oracle:thin:@)$/i;
const PY_DB_CALLS = /^(psycopg2|psycopg|asyncpg|pymysql|MySQLdb|mysql\.connector|aiomysql|aiopg|pg8000|pymongo|motor\.motor_asyncio|redis|redis\.asyncio)\.[\w.]+$|(^|\.)(MongoClient|AsyncIOMotorClient|Redis|StrictRedis|create_pool|connect)$/;

interface Finding {
  node: Node;
  message: string;
  severity: Severity;
  kind: HostKind | 'unknown';
  items?: TaintItem[];
  related?: RelatedInput[];
  fix?: FixInput;
}

function emit(ctx: RuleContext, f: Finding): void {
  const items = f.items ?? [];
  ctx.report({
    node: f.node,
    message: f.message,
    severity: f.severity,
    confidence: fileConfidence(ctx, f.kind === 'public' ? 'high' : 'medium'),
    classifications: classificationsOf(items),
    related: [...(f.related ?? []), ...relatedFor(items, f.node)],
    fixes: f.fix ? [f.fix] : [],
  });
}

/** The host a connection goes to: a static host name (with an optional `:port`), or unknown. */
function hostKind(ctx: RuleContext, node: Node | undefined): { host?: string; kind: HostKind } {
  if (!node) return { kind: 'unknown' };
  const v = ctx.flow.staticString(node);
  if (v === undefined) return { kind: 'unknown' };
  const host = v.includes('://') ? hostOf(v) : v.replace(/:\d+$/, '');
  return { host, kind: classifyHost(host, ctx.hosts.allowInsecure) };
}

/** Unknown hosts (from settings) are reported with medium confidence; local and allowed ones not at all. */
function worthReporting(kind: HostKind): boolean {
  return kind === 'unknown' || reportable(kind);
}

function shownHost(h: { host?: string; kind: HostKind }): string {
  return h.host && h.kind !== 'unknown' ? h.host : 'the configured host';
}

function credentialItems(ctx: RuleContext, nodes: Node[]): TaintItem[] {
  return nodes.flatMap((n) => ctx.flow.sensitive(n, { categories: ['credentials'] }));
}

// ── SMTP ──────────────────────────────────────────────────────────────────────────────────────────────────────

function checkNodemailer(ctx: RuleContext, call: Node): void {
  const s = ctx.syntax;
  let arg = s.args(call)[0];
  if (!arg) return;
  if (s.isCall(arg) && s.args(arg)[0]) arg = s.args(arg)[0]; // createTransport(smtpTransport({…}))
  const url = ctx.flow.staticString(arg);
  if (url !== undefined) {
    if (!/^smtp:\/\//i.test(url) || /[?&]requireTLS=true/i.test(url)) return;
    const h = { host: hostOf(url), kind: classifyHost(hostOf(url), ctx.hosts.allowInsecure) };
    if (!reportable(h.kind)) return;
    const creds = /^smtp:\/\/[^@/]+:[^@/]+@/i.test(url);
    emit(ctx, {
      node: call,
      message: `SMTP transport to ${h.host} over smtp:// without requireTLS: ${creds ? 'the password and ' : ''}every message can travel in clear text; use smtps:// or add requireTLS.`,
      severity: creds ? 'error' : 'warning',
      kind: h.kind,
    });
    return;
  }
  const options = ctx.flow.objectLiteralOf(arg);
  if (!options) return;
  const prop = (k: string) => s.property(options, k);
  if (prop('service') || prop('sendmail') || prop('streamTransport') || prop('jsonTransport') || prop('SES')) return;
  const hostNode = prop('host');
  if (!hostNode) return; // nodemailer defaults to localhost
  const h = hostKind(ctx, hostNode);
  if (!worthReporting(h.kind)) return;
  const secure = prop('secure');
  const requireTLS = prop('requireTLS');
  const ignoreTLS = prop('ignoreTLS');
  const isTrue = (n: Node | undefined) => n?.type === 'true';
  const isDynamic = (n: Node | undefined) => !!n && n.type !== 'true' && n.type !== 'false';
  if (isTrue(secure) || isDynamic(secure)) return;
  const ignored = isTrue(ignoreTLS);
  if (!ignored && (isTrue(requireTLS) || isDynamic(requireTLS))) return;
  const port = prop('port');
  const portValue = port ? Number(ctx.flow.staticString(port) ?? port.text) : NaN;
  const auth = prop('auth');
  const items = auth ? credentialItems(ctx, [auth]) : [];
  const text = ctx.file.text;
  let fix: FixInput;
  const secureEntry = secure?.parent?.type === 'pair' ? secure.parent : undefined;
  if (portValue === 465) {
    fix = { title: 'Use implicit TLS on port 465: secure: true', safe: false, edits: [secure ? replaceNode(secure, 'true') : insertIntoObject(text, options, 'secure: true')] };
  } else if (ignored && ignoreTLS?.parent?.type === 'pair') {
    fix = { title: 'Require STARTTLS: requireTLS: true instead of ignoreTLS', safe: false, edits: [replaceNode(ignoreTLS.parent, 'requireTLS: true')] };
  } else {
    fix = { title: 'Require STARTTLS: requireTLS: true (check that the server supports it)', safe: false, edits: [insertIntoObject(text, options, 'requireTLS: true')] };
  }
  const why = ignored ? '`ignoreTLS: true` never upgrades the connection to TLS' : `${secureEntry ? '`secure: false`' : 'no `secure: true`'} and no \`requireTLS: true\`: STARTTLS is optional and an attacker can strip it`;
  emit(ctx, {
    node: call,
    message: `SMTP transport to ${shownHost(h)} with ${why}, so ${auth ? 'the SMTP password and ' : ''}every message can travel in clear text.`,
    severity: auth ? 'error' : 'warning',
    kind: h.kind,
    items,
    fix,
  });
}

function checkSmtplib(ctx: RuleContext, call: Node): void {
  const s = ctx.syntax;
  const method = s.calleePath(call).split('.').pop() ?? '';
  if (!/^(login|sendmail|send_message)$/.test(method)) return;
  const receiver = receiverOf(call);
  const creation = receiver && creationOf(ctx, receiver);
  if (!creation || !/^smtplib\.(SMTP|LMTP)$/.test(ctx.flow.resolvedPath(creation))) return;
  const calls = instanceCalls(ctx, creation);
  const named = (m: RegExp) => calls.filter((c) => m.test(s.calleePath(c).split('.').pop() ?? ''));
  const first = named(/^login$/)[0] ?? named(/^(sendmail|send_message)$/)[0];
  if (!first || first.id !== call.id) return;
  if (named(/^starttls$/).some((c) => c.startIndex < call.startIndex)) return;
  const connect = named(/^connect$/)[0];
  const h = hostKind(ctx, s.kwarg(creation, 'host') ?? s.args(creation)[0] ?? (connect ? s.args(connect)[0] : undefined));
  if (!worthReporting(h.kind)) return;
  const login = method === 'login';
  const items = login ? credentialItems(ctx, s.args(call)) : [];
  const recv = receiver.text;
  const statement = statementOf(call);
  const text = ctx.file.text;
  // smtplib's starttls() without a context does not check the certificate (ssl._create_stdlib_context): pass one when `ssl` is imported.
  const starttls = ctx.flow.imports.get('ssl') === 'ssl' ? `${recv}.starttls(context=ssl.create_default_context())` : `${recv}.starttls()`;
  emit(ctx, {
    node: call,
    message: login
      ? `SMTP login to ${shownHost(h)} without \`${recv}.starttls()\`: the password and every message travel in clear text.`
      : `Mail sent through ${shownHost(h)} without \`${recv}.starttls()\`: the message travels in clear text.`,
    severity: login ? 'error' : 'warning',
    kind: h.kind,
    items,
    related: [{ node: creation, message: 'The SMTP connection is opened here without TLS.' }],
    fix: statement.type === 'expression_statement'
      ? { title: `Call ${recv}.starttls() before ${method} (check that the server supports STARTTLS)`, safe: false, edits: [{ start: statement.startIndex, end: statement.startIndex, newText: `${starttls}\n${indentOf(text, statement)}` }] }
      : undefined,
  });
}

// ── FTP and telnet ────────────────────────────────────────────────────────────────────────────────────────────

const JS_FTP_CLIENTS = /^new (basic-ftp\.Client|ftp|promise-ftp|ftp\.Client|jsftp|telnet-client(\.Telnet)?|telnet-client\.default)$/;

function checkJsClient(ctx: RuleContext, call: Node): void {
  const s = ctx.syntax;
  const path = normalisePath(ctx.flow.resolvedPath(call));
  let options: Node | undefined;
  let protocol: 'FTP' | 'telnet' | undefined;
  if (path === 'new jsftp') {
    options = s.args(call)[0] && ctx.flow.objectLiteralOf(s.args(call)[0]);
    protocol = 'FTP';
  } else {
    const method = s.calleePath(call).split('.').pop() ?? '';
    if (!/^(access|connect)$/.test(method)) return;
    const receiver = receiverOf(call);
    const creation = receiver && creationOf(ctx, receiver);
    const creator = creation ? normalisePath(ctx.flow.resolvedPath(creation)) : '';
    if (!creation || !JS_FTP_CLIENTS.test(creator)) return;
    protocol = /telnet/.test(creator) ? 'telnet' : 'FTP';
    options = s.args(call)[0] && ctx.flow.objectLiteralOf(s.args(call)[0]);
  }
  if (!options || !protocol) return;
  const secure = s.property(options, 'secure');
  if (protocol === 'FTP' && path !== 'new jsftp' && secure && secure.type !== 'false') return;
  const h = hostKind(ctx, s.property(options, 'host'));
  if (!worthReporting(h.kind)) return;
  const password = s.property(options, 'password') ?? s.property(options, 'pass');
  const items = password ? credentialItems(ctx, [options]) : [];
  const ftpAdvice = path === 'new jsftp' ? 'jsftp cannot encrypt: switch to SFTP or basic-ftp with `secure: true`' : 'set `secure: true` (FTPS) or use SFTP';
  emit(ctx, {
    node: call,
    message: protocol === 'FTP'
      ? `FTP connection to ${shownHost(h)} without TLS: ${password ? 'the password and every file travel' : 'every file travels'} in clear text; ${ftpAdvice}.`
      : `Telnet session to ${shownHost(h)}: ${password ? 'the password and everything typed travel' : 'everything typed travels'} in clear text; use SSH.`,
    severity: password ? 'error' : 'warning',
    kind: h.kind,
    items,
  });
}

function checkPyClient(ctx: RuleContext, call: Node): void {
  const s = ctx.syntax;
  const path = ctx.flow.resolvedPath(call);
  const ftp = /^ftplib\.FTP$/.test(path);
  const telnet = /^(telnetlib\.Telnet|telnetlib3\.open_connection)$/.test(path);
  if (!ftp && !telnet) return;
  const calls = instanceCalls(ctx, call);
  const connect = calls.find((c) => /\.(connect|open)$/.test(s.calleePath(c)));
  const h = hostKind(ctx, s.kwarg(call, 'host') ?? s.args(call)[0] ?? (connect ? s.args(connect)[0] : undefined));
  if (!worthReporting(h.kind)) return;
  if (h.kind === 'unknown' && !s.args(call)[0] && !connect && calls.length === 0) return;
  const login = ftp ? calls.find((c) => /\.login$/.test(s.calleePath(c)) && (s.args(c).length >= 2 || s.kwarg(c, 'passwd'))) : undefined;
  const written = telnet ? calls.filter((c) => /\.write$/.test(s.calleePath(c))) : [];
  const items = login ? sentData(ctx, [login]) : credentialItems(ctx, written.flatMap((c) => s.args(c)));
  const withPassword = !!login || items.length > 0;
  emit(ctx, {
    node: call,
    message: ftp
      ? `FTP connection to ${shownHost(h)} without TLS: ${withPassword ? 'the password and every file travel' : 'every file travels'} in clear text; use \`ftplib.FTP_TLS\` with \`prot_p()\`, or SFTP.`
      : `Telnet session to ${shownHost(h)}: ${withPassword ? 'the password and everything sent travel' : 'everything sent travels'} in clear text; use SSH.`,
    severity: withPassword ? 'error' : 'warning',
    kind: h.kind,
    items: items.length ? items : [],
    related: login ? [{ node: login, message: 'The FTP password is sent here.' }] : [],
  });
}

// ── Databases ─────────────────────────────────────────────────────────────────────────────────────────────────

/** The host of the connection an options object (or a string) belongs to: `host` entries, or a connection URI. */
function connectionHost(ctx: RuleContext, from: Node): { host?: string; kind: HostKind } | undefined {
  const s = ctx.syntax;
  let obj: Node | null = from;
  for (let i = 0; obj && i < 8; obj = obj.parent, i++) {
    if (s.isCall(obj)) {
      for (const a of s.args(obj)) {
        const v = ctx.flow.staticString(a);
        if (v && DB_SCHEMES.test(v.split('://')[0] ?? '') && v.includes('://')) return { host: hostOf(v), kind: classifyHost(hostOf(v), ctx.hosts.allowInsecure) };
      }
      const hostArg = s.kwarg(obj, 'host');
      if (hostArg) return hostKind(ctx, hostArg);
      for (const a of s.args(obj)) {
        const o = ctx.flow.objectLiteralOf(a);
        const found = o && hostIn(ctx, o);
        if (found) return found;
      }
      return undefined;
    }
    if (obj.type === 'object' || obj.type === 'dictionary') {
      const found = hostIn(ctx, obj);
      if (found) return found;
    }
    if (/_statement$|_declaration$/.test(obj.type)) break;
  }
  return undefined;
}

// ── Go ────────────────────────────────────────────────────────────────────────────────────────────────────────

/** gRPC options that switch transport security off. */
const GO_GRPC_INSECURE = /^grpc\.WithInsecure\(\)$|^grpc\.WithTransportCredentials\(\s*insecure\.NewCredentials\(\)\s*\)$/;

function goHost(ctx: RuleContext, node: Node | undefined): { host?: string; kind: HostKind } {
  const v = node ? ctx.flow.staticString(node) : undefined;
  if (v === undefined) return { kind: 'unknown' };
  // "dns:///api.partner.com:443", "passthrough:///host:port", "api.partner.com:443"
  const host = v.replace(/^[a-z]+:\/{2,3}/i, '').replace(/\/.*$/, '').replace(/:\d+$/, '');
  return { host, kind: classifyHost(host, ctx.hosts.allowInsecure) };
}

function checkGoCall(ctx: RuleContext, call: Node): void {
  const s = ctx.syntax;
  const path = ctx.flow.resolvedPath(call);
  const args = s.args(call);
  // gRPC: grpc.Dial / DialContext / NewClient with WithInsecure() or insecure.NewCredentials().
  const grpc = /^grpc\.(Dial|DialContext|NewClient)$/.exec(path);
  if (grpc) {
    const target = grpc[1] === 'DialContext' ? args[1] : args[0];
    const option = args.find((a) => GO_GRPC_INSECURE.test(a.text.replace(/\s+/g, '')));
    if (!option) return;
    const h = goHost(ctx, target);
    if (!worthReporting(h.kind)) return;
    emit(ctx, {
      node: option,
      message: `gRPC connection to ${shownHost(h)} without transport security (\`${option.text.replace(/\s+/g, '')}\`): every call, its metadata (tokens) and its messages travel in clear text.`,
      severity: 'warning',
      kind: h.kind,
    });
    return;
  }
  // net/smtp: smtp.Dial without a later StartTLS on the client.
  if (/^smtp\.Dial$/.test(path)) {
    const h = goHost(ctx, args[0]);
    if (!worthReporting(h.kind)) return;
    const calls = instanceCalls(ctx, call);
    const method = (c: Node) => s.calleePath(c).split('.').pop() ?? '';
    if (calls.some((c) => method(c) === 'StartTLS')) return;
    const auth = calls.find((c) => method(c) === 'Auth');
    emit(ctx, {
      node: call,
      message: `SMTP connection to ${shownHost(h)} with \`smtp.Dial\` and no \`StartTLS\`: ${auth ? 'the login and ' : ''}every message travel in clear text; call \`c.StartTLS(&tls.Config{ServerName: host})\` first, or connect with \`tls.Dial\` on port 465.`,
      severity: auth ? 'error' : 'warning',
      kind: h.kind,
    });
    return;
  }
  // go-sql-driver/mysql: the DSN has no TLS unless it says `tls=`.
  if (/^(sql\.Open|sqlx\.(Open|Connect|MustConnect))$/.test(path) && args[1] && /^mysql$/.test(ctx.flow.staticString(args[0]) ?? '')) checkMysqlDsn(ctx, args[1]);
  else if (/^mysql\.Open$/.test(path) && args[0]) checkMysqlDsn(ctx, args[0]);
}

/**
 * Java: JavaMail `Properties` for SMTP (`props.put("mail.smtp.host", …)`) with neither `mail.smtp.starttls.enable`
 * nor `mail.smtp.ssl.enable` set to true in the same method (or set to "false"); Commons Net `FTPClient` / `TelnetClient`.
 */
function checkJavaCall(ctx: RuleContext, call: Node): void {
  const s = ctx.syntax;
  const e = s.expr(call);
  if (e.kind !== 'call') return;
  const path = ctx.flow.resolvedPath(call);
  if (call.type === 'object_creation_expression') {
    const m = /^new (org\.apache\.commons\.net\.(ftp|telnet)\.)?(FTPClient|TelnetClient)$/.exec(path);
    if (!m) return;
    const ftp = m[3] === 'FTPClient';
    emit(ctx, {
      node: call,
      message: ftp
        ? '`FTPClient` speaks plain FTP: the login and every file travel in clear text; use `FTPSClient` (explicit TLS) or SFTP.'
        : '`TelnetClient` sends the login and the whole session in clear text; use SSH.',
      severity: 'warning',
      kind: 'unknown',
    });
    return;
  }
  if (!/^(put|setProperty)$/.test(e.name) || e.args.length !== 2) return;
  const key = s.stringValue(e.args[0]);
  if (key !== 'mail.smtp.host' && key !== 'mail.smtp.starttls.enable') return;
  const scope = ctx.flow.scopeOf(call);
  const settings = new Map<string, Node>();
  walk(scope, (n) => {
    if (n.type === 'method_invocation' && /^(put|setProperty)$/.test(n.childForFieldName('name')?.text ?? '')) {
      const [k, v] = s.args(n);
      const name = k ? s.stringValue(k) : undefined;
      if (name?.startsWith('mail.smtp') && v) settings.set(name, v);
    }
    return true;
  });
  const on = (k: string): boolean | undefined => {
    const v = settings.get(k);
    if (!v) return undefined;
    const str = s.stringValue(v) ?? v.text;
    return !/^(false|Boolean\.FALSE)$/i.test(str);
  };
  const starttls = on('mail.smtp.starttls.enable');
  const ssl = on('mail.smtp.ssl.enable');
  if (starttls || ssl) return;
  // Report once: at the starttls switch when it is off, else at the host.
  if (starttls === false ? key !== 'mail.smtp.starttls.enable' : key !== 'mail.smtp.host') return;
  const hostNode = settings.get('mail.smtp.host');
  const h = hostKind(ctx, hostNode);
  if (!worthReporting(h.kind)) return;
  const auth = on('mail.smtp.auth') === true;
  const statement = statementOf(call);
  const receiver = e.receiver?.text ?? 'props';
  emit(ctx, {
    node: call,
    message: `JavaMail SMTP session to ${shownHost(h)} ${starttls === false ? 'with `mail.smtp.starttls.enable` set to false' : 'without `mail.smtp.starttls.enable` or `mail.smtp.ssl.enable`'}: ${auth ? 'the login and ' : ''}every message travel in clear text.`,
    severity: auth ? 'error' : 'warning',
    kind: h.kind,
    fix: starttls === false
      ? { title: 'Enable and require STARTTLS', safe: false, edits: [replaceNode(e.args[1], '"true"')] }
      : { title: 'Enable and require STARTTLS', safe: false, edits: [{ start: statement.endIndex, end: statement.endIndex, newText: `\n${indentOf(ctx.file.text, statement)}${receiver}.${e.name}("mail.smtp.starttls.enable", "true");\n${indentOf(ctx.file.text, statement)}${receiver}.${e.name}("mail.smtp.starttls.required", "true");` }] },
  });
}

/** C#: `new SmtpClient(host)` without `EnableSsl = true` (initialiser or a later assignment in the method). */
function checkCsharpSmtp(ctx: RuleContext, call: Node): void {
  if (!/^new (System\.Net\.Mail\.)?SmtpClient$/.test(ctx.syntax.calleePath(call))) return;
  const state = smtpSslState(ctx, call);
  if (state.state === 'set') return;
  const hostArg = ctx.syntax.args(call)[0] ?? ctx.syntax.property(call, 'Host');
  const h = hostKind(ctx, hostArg);
  if (!worthReporting(h.kind)) return;
  const scope = ctx.flow.scopeOf(call).text;
  const auth = /\bCredentials\s*=/.test(scope);
  const init = call.childForFieldName('initializer');
  emit(ctx, {
    node: call,
    message: `\`SmtpClient\` to ${shownHost(h)} ${state.state === 'false' ? 'with `EnableSsl = false`' : 'without `EnableSsl = true`'}: ${auth ? 'the login and ' : ''}every message travel in clear text.`,
    severity: auth ? 'error' : 'warning',
    kind: h.kind,
    fix: state.node
      ? { title: 'Set EnableSsl = true', safe: false, edits: [replaceNode(state.node, 'true')] }
      : init ? { title: 'Set EnableSsl = true', safe: false, edits: [initializerInsert(ctx.file.text, init, 'EnableSsl = true')] } : undefined,
  });
}

/**
 * PHP: PHPMailer `$mail->isSMTP()` whose settings in the same function leave TLS optional (no `SMTPSecure`, so only
 * opportunistic STARTTLS that an attacker can strip) or off (`SMTPAutoTLS = false`); `ftp_connect` + `ftp_login`.
 */
function checkPhpCall(ctx: RuleContext, call: Node): void {
  const s = ctx.syntax;
  const path = s.calleePath(call);
  const args = s.args(call);
  if (/^ftp_connect$/i.test(path) && args[0]) {
    const h = hostKind(ctx, args[0]);
    if (!worthReporting(h.kind)) return;
    const scope = ctx.flow.scopeOf(call);
    // `$ssl ? ftp_ssl_connect(…) : ftp_connect(…)`: an option chooses TLS.
    if (/\bftp_ssl_connect\s*\(/.test(scope.text)) return;
    const login = /\bftp_login\s*\(/.test(scope.text);
    emit(ctx, {
      node: call,
      message: `FTP connection to ${shownHost(h)} with \`ftp_connect\`: ${login ? 'the login and ' : ''}every file travel in clear text; use \`ftp_ssl_connect\` (FTPS) or SFTP.`,
      severity: login ? 'error' : 'warning',
      kind: h.kind,
      fix: { title: 'Use ftp_ssl_connect (FTPS)', safe: false, edits: [replaceNode(call.childForFieldName('function') ?? call, 'ftp_ssl_connect')] },
    });
    return;
  }
  const e = s.expr(call);
  if (e.kind !== 'call' || e.name !== 'isSMTP' || !e.receiver) return;
  const recv = e.receiver.text.replace(/[$\\]/g, (c) => `\\${c}`);
  const scope = ctx.flow.scopeOf(call);
  const text = scope.id === ctx.root.id ? ctx.file.text : scope.text;
  const setting = (prop: string) => new RegExp(`${recv}\\s*->\\s*${prop}\\s*=\\s*([^;]+);`).exec(text)?.[1].trim();
  const hostText = setting('Host');
  const hostValue = hostText?.replace(/^['"]|['"]$/g, '');
  const host = hostValue && /^[\w.-]+$/.test(hostValue.split(/[;:]/)[0]) ? hostValue.split(/[;:]/)[0] : undefined;
  const kind = host ? classifyHost(host, ctx.hosts.allowInsecure) : 'unknown';
  if (!worthReporting(kind)) return;
  const secure = setting('SMTPSecure');
  const autoTls = setting('SMTPAutoTLS');
  const off = !!autoTls && /^false$/i.test(autoTls);
  if (secure && !/^(''|""|false|null)$/i.test(secure)) return;
  const auth = /->\s*(Password|SMTPAuth)\s*=\s*(?!false)/.test(text);
  emit(ctx, {
    node: call,
    message: off
      ? `PHPMailer SMTP to ${host ?? 'the configured host'} with \`SMTPAutoTLS = false\` and no \`SMTPSecure\`: ${auth ? 'the SMTP password and ' : ''}every message travel in clear text.`
      : `PHPMailer SMTP to ${host ?? 'the configured host'} without \`SMTPSecure\`: STARTTLS is only attempted, so an attacker on the path can strip it and read ${auth ? 'the SMTP password and ' : ''}every message.`,
    severity: auth && off ? 'error' : 'warning',
    kind,
  });
}

// ── Ruby ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** A Ruby keyword option that is set and not `false` / `nil` (`ssl: true`, `tls: ctx`). */
function rubyOn(n: Node | undefined): boolean {
  return !!n && n.type !== 'false' && n.type !== 'nil';
}

/**
 * Ruby: `Net::FTP.new` / `Net::FTP.open` without `ssl:`, `Net::Telnet.new('Host' => …)`, and `Net::SMTP.start` /
 * `Net::SMTP.new` without `tls: true`, `starttls: :always` or `enable_tls` / `enable_starttls` on the object.
 */
function checkRubyCall(ctx: RuleContext, call: Node): void {
  const s = ctx.syntax;
  const path = s.calleePath(call).replace(/^::/, '');
  const args = s.args(call);
  if (/^(Net\.)?FTP\.(new|open)$/.test(path)) {
    if (rubyOn(s.kwarg(call, 'ssl'))) return;
    const calls = rubyInstanceCalls(ctx, call);
    const connect = calls.find((c) => rubyMethod(c) === 'connect');
    const hostNode = args[0] ?? (connect ? s.args(connect)[0] : undefined);
    if (!hostNode) return;
    const h = hostKind(ctx, hostNode);
    if (!worthReporting(h.kind)) return;
    const login = calls.find((c) => rubyMethod(c) === 'login' && s.args(c).length >= 2);
    const password = login ? s.args(login)[1] : s.kwarg(call, 'password') ?? args[2];
    emit(ctx, {
      node: call,
      message: `FTP connection to ${shownHost(h)} without TLS: ${password ? 'the password and every file travel' : 'every file travels'} in clear text; pass \`ssl: true\` (FTPS) or use SFTP (net-sftp).`,
      severity: password ? 'error' : 'warning',
      kind: h.kind,
      items: password ? credentialItems(ctx, [password]) : [],
      related: login ? [{ node: login, message: 'The FTP password is sent here.' }] : [],
    });
    return;
  }
  if (/^(Net\.)?Telnet\.new$/.test(path)) {
    // Net::Telnet connects to localhost unless 'Host' is given.
    const hostNode = s.kwarg(call, 'Host');
    if (!hostNode) return;
    const h = hostKind(ctx, hostNode);
    if (!worthReporting(h.kind)) return;
    const login = rubyInstanceCalls(ctx, call).find((c) => rubyMethod(c) === 'login');
    emit(ctx, {
      node: call,
      message: `Telnet session to ${shownHost(h)}: ${login ? 'the password and everything sent travel' : 'everything sent travels'} in clear text; use SSH (net-ssh).`,
      severity: login ? 'error' : 'warning',
      kind: h.kind,
      items: login ? credentialItems(ctx, s.args(login)) : [],
      related: login ? [{ node: login, message: 'The telnet login is sent here.' }] : [],
    });
    return;
  }
  if (!/^(Net\.)?SMTP\.(start|new)$/.test(path)) return;
  const calls = rubyInstanceCalls(ctx, call);
  const later = calls.find((c) => rubyMethod(c) === 'start');
  const starts = [call, ...(later ? [later] : [])];
  const opt = (k: string) => starts.map((c) => s.kwarg(c, k)).find((v) => v !== undefined);
  if (rubyOn(opt('tls')) || rubyOn(opt('ssl'))) return;
  if (calls.some((c) => /^(enable_tls|enable_ssl|enable_starttls)$/.test(rubyMethod(c)))) return;
  const starttls = opt('starttls');
  if (starttls && /^(:always|true)$/.test(starttls.text)) return;
  if (starttls && !/^(:auto|false|nil)$/.test(starttls.text)) return; // decided at run time
  const off = (!!starttls && /^(false|nil)$/.test(starttls.text)) || calls.some((c) => rubyMethod(c) === 'disable_starttls');
  const h = hostKind(ctx, args[0] ?? s.kwarg(call, 'address'));
  if (!worthReporting(h.kind)) return;
  // Net::SMTP.start(address, port, helo, user, secret, authtype) / smtp.start(helo, user, secret, authtype), or `secret:` / `password:`.
  const secret = rubyMethod(call) === 'start' ? (args[4] ?? opt('secret') ?? opt('password')) : later ? (s.args(later)[2] ?? opt('secret') ?? opt('password')) : undefined;
  emit(ctx, {
    node: call,
    message: off
      ? `SMTP connection to ${shownHost(h)} with STARTTLS switched off: ${secret ? 'the SMTP password and ' : ''}every message travel in clear text.`
      : `SMTP connection to ${shownHost(h)} without \`tls: true\` or \`starttls: :always\`: STARTTLS is at best opportunistic (net-smtp 0.3+ tries it when offered, older versions never do), so an attacker on the path can strip it and read ${secret ? 'the SMTP password and ' : ''}every message.`,
    severity: secret && off ? 'error' : 'warning',
    kind: h.kind,
    items: secret ? credentialItems(ctx, [secret]) : [],
  });
}

/** ActionMailer `config.action_mailer.smtp_settings = { address: …, enable_starttls_auto: false }` (or no TLS setting at all). */
function checkRubySmtpSettings(ctx: RuleContext, value: Node): void {
  const s = ctx.syntax;
  const settings = ctx.flow.objectLiteralOf(value);
  if (!settings) return;
  const prop = (k: string) => s.property(settings, k);
  if (rubyOn(prop('ssl')) || rubyOn(prop('tls')) || rubyOn(prop('enable_starttls'))) return;
  const auto = prop('enable_starttls_auto');
  if (auto && auto.type !== 'false') return;
  const addressNode = prop('address');
  if (!addressNode) return; // the Mail gem's default address is localhost
  const h = hostKind(ctx, addressNode);
  if (!worthReporting(h.kind)) return;
  const password = prop('password');
  emit(ctx, {
    node: auto?.parent?.type === 'pair' ? auto.parent : value,
    message: auto
      ? `ActionMailer SMTP settings for ${shownHost(h)} with \`enable_starttls_auto: false\`: ${password ? 'the SMTP password and ' : ''}every message travel in clear text; set \`enable_starttls: true\`.`
      : `ActionMailer SMTP settings for ${shownHost(h)} without \`enable_starttls: true\`, \`tls: true\` or \`enable_starttls_auto: true\`: TLS is not required, so an attacker on the path can strip STARTTLS and read ${password ? 'the SMTP password and ' : ''}every message.`,
    severity: password && auto ? 'error' : 'warning',
    kind: h.kind,
    items: password ? credentialItems(ctx, [password]) : [],
  });
}

function checkMysqlDsn(ctx: RuleContext, dsnNode: Node): void {
  const dsn = ctx.flow.staticString(dsnNode) ?? ctx.flow.staticPrefix(dsnNode);
  if (!dsn) return;
  const m = /@tcp\(([^):]+)(:\d+)?\)/.exec(dsn);
  if (!m) return;
  const tls = /[?&]tls=(\w[\w-]*)/.exec(dsn)?.[1];
  if (tls && tls !== 'false') return;
  // The rest of the DSN is not known: it may add tls= later.
  if (!tls && ctx.flow.staticString(dsnNode) === undefined && !/\?/.test(dsn)) return;
  const host = m[1];
  const kind = classifyHost(host, ctx.hosts.allowInsecure);
  if (!reportable(kind)) return;
  emit(ctx, {
    node: dsnNode,
    message: `MySQL connection to ${host} ${tls ? 'with `tls=false`' : 'without `tls=` in the DSN (go-sql-driver/mysql does not use TLS by default)'}: the password, queries and results travel in clear text; add \`tls=true\`.`,
    severity: /^[^:@/]+:[^@]+@tcp/.test(dsn) ? 'error' : 'warning',
    kind,
  });
}

function hostIn(ctx: RuleContext, obj: Node): { host?: string; kind: HostKind } | undefined {
  const s = ctx.syntax;
  for (const k of ['host', 'hostname', 'server', 'HOST']) {
    const v = s.property(obj, k);
    if (v) return hostKind(ctx, v);
  }
  for (const k of ['connectionString', 'url', 'uri']) {
    const v = s.property(obj, k);
    const str = v && ctx.flow.staticString(v);
    if (str && str.includes('://')) return { host: hostOf(str), kind: classifyHost(hostOf(str), ctx.hosts.allowInsecure) };
  }
  return undefined;
}

function checkDbOption(ctx: RuleContext, entry: Node, key: string, value: Node): void {
  const v = ctx.syntax.stringValue(value);
  const off = ((key === 'ssl' || key === 'tls') && value.type === 'false') || (key === 'sslmode' && v === 'disable') || (key === 'ssl_disabled' && value.type === 'true');
  if (!off) return;
  const h = connectionHost(ctx, entry);
  if (!h || !reportable(h.kind)) return;
  emit(ctx, {
    node: entry,
    message: `Database connection to ${h.host} with TLS switched off (\`${entry.text.replace(/\s+/g, ' ')}\`): the password, queries and results travel in clear text.`,
    severity: 'warning',
    kind: h.kind,
  });
}

function checkUri(ctx: RuleContext, str: Node): void {
  // JDBC URLs: jdbc:postgresql://host/db?sslmode=disable, jdbc:mysql://host/db?useSSL=false
  const value = (ctx.syntax.stringValue(str) ?? ctx.syntax.stringPrefix(str))?.replace(/^jdbc:/i, '');
  if (!value || value.length > 2000) return;
  let off: string | undefined;
  let host: string | undefined;
  const uri = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (uri && DB_SCHEMES.test(uri[1])) {
    off = /[?&;](sslmode=disable|ssl=false|tls=false|ssl_mode=disabled|sslmode=disabled|useSSL=false|requireSSL=false|encrypt=false)(&|;|$)/i.exec(value)?.[1];
    host = hostOf(value);
  } else if (/\bsslmode\s*=\s*disable\b/.test(value) && /\bhost\s*=/.test(value)) {
    off = 'sslmode=disable';
    host = /\bhost\s*=\s*([^\s;]+)/.exec(value)?.[1];
  }
  if (!off) return;
  const kind = classifyHost(host, ctx.hosts.allowInsecure);
  if (!reportable(kind)) return;
  emit(ctx, {
    node: str,
    message: `Database connection string for ${host} with \`${off}\`: the password, queries and results travel in clear text.`,
    severity: /^[a-z+]+:\/\/[^@/]+:[^@/]+@/i.test(value) ? 'error' : 'warning',
    kind,
  });
}

export const cleartextProtocol: RuleDefinition = {
  id: 'transmission/cleartext-protocol',
  family: 'transmission',
  title: 'Cleartext protocol: FTP, telnet, SMTP without TLS, database without TLS',
  description: 'A connection uses a protocol that sends credentials and data unencrypted: FTP without TLS, telnet, SMTP without (required) TLS, or a database connection to a remote host with TLS switched off.',
  severity: 'warning',
  confidence: 'high',
  cwe: [319, 523],
  owasp: ['A02:2021 Cryptographic Failures'],
  standards: ['PCI DSS 4.2.1', 'GDPR Art. 32', 'ASVS 9.2.2'],
  fixable: true,
  keywords: 'isSMTP|ftp_connect|ftp|telnet|smtp|nodemailer|useSSL|SmtpClient|createTransport|sslmode|ssl_disabled|WithInsecure|insecure\\.NewCredentials|@tcp\\(|(ssl|tls)[\'"]?\\s*[:=]\\s*(false|0)',
  guidance: {
    why: 'FTP and telnet send the login and everything after it in clear text. SMTP without TLS sends the mail password and every message in clear text, and STARTTLS that is merely allowed (nodemailer `secure: false` without `requireTLS`, `smtplib.SMTP` without `starttls()`) can be stripped by anyone on the path. A database connection to another host with TLS switched off (`ssl: false`, `sslmode=disable`, `tls=false`) exposes the database password and every row it returns. An error when a password or other credential is sent over the connection. Local hosts (a mail relay on localhost, a database in the same container network under a single-label name), hosts under `hosts.allowInsecure` and test code are not reported; a host that comes from configuration is reported with medium confidence.',
    bad: "nodemailer.createTransport({ host: 'smtp.partner.com', port: 587, secure: false, auth: { user, pass } });\nserver = smtplib.SMTP('smtp.partner.com', 587); server.login(user, password)",
    good: "nodemailer.createTransport({ host: 'smtp.partner.com', port: 587, requireTLS: true, auth: { user, pass } });\nserver = smtplib.SMTP('smtp.partner.com', 587); server.starttls(); server.login(user, password)",
    fix: 'SMTP: `secure: true` on port 465, `requireTLS: true` on 587, `starttls(context=ssl.create_default_context())` before `login()` (or `smtplib.SMTP_SSL(context=…)`): without a context, smtplib does not check the server certificate. FTP: FTPS (`secure: true`, `ftplib.FTP_TLS` + `prot_p()`) or SFTP. Telnet: SSH. Databases: `sslmode=require` / `verify-full`, `ssl: { rejectUnauthorized: true }`, `tls=true`. Go: `c.StartTLS(&tls.Config{ServerName: host})` after `smtp.Dial`, `grpc.WithTransportCredentials(credentials.NewTLS(…))` instead of `WithInsecure()`, `tls=true` in go-sql-driver/mysql DSNs. Ruby: `Net::FTP.new(host, ssl: true)`, `Net::SMTP.start(…, tls: true)` or `starttls: :always`, ActionMailer `enable_starttls: true`. Spring Boot: `spring.mail.properties.mail.smtp.starttls.enable=true` and `…starttls.required=true` (reported when set to false for a mail host that is not local).',
  },
  queries: {
    js: `(call_expression function: [(identifier) (member_expression)] arguments: (arguments)) @call
(new_expression constructor: [(identifier) (member_expression)] arguments: (arguments)) @call
(pair key: (_) @key value: (_) @value) @pair
(string) @str
(template_string) @str`,
    python: `(call function: [(identifier) (attribute)] arguments: (argument_list)) @call
(keyword_argument name: (identifier) @key value: (_) @value) @pair
(pair key: (string) @key value: (_) @value) @pair
(string) @str`,
    go: `(call_expression function: (selector_expression) arguments: (argument_list)) @call
[(interpreted_string_literal) (raw_string_literal)] @str`,
    ruby: `(call method: (identifier)) @call
(assignment left: (call method: (identifier) @setting (#eq? @setting "smtp_settings")) right: (_) @settings)`,
    php: `[(function_call_expression) (member_call_expression)] @call
[(string) (encapsed_string)] @str`,
    csharp: `(object_creation_expression) @call`,
    java: `(method_invocation arguments: (argument_list)) @call
(object_creation_expression arguments: (argument_list)) @call
(string_literal) @str`,
    properties: '(property (value) @config_value)',
    yaml: '(block_mapping_pair value: (flow_node) @config_value)\n(flow_pair value: (flow_node) @config_value)',
  },
  check(match, ctx) {
    if (ctx.file.pathKind === 'test') return;
    const configValue = match.get('config_value');
    if (configValue) return springMailStarttls(ctx, configValue);
    const pair = match.get('pair');
    if (pair) {
      const keyNode = match.get('key');
      const value = match.get('value');
      const key = keyNode ? (ctx.syntax.stringValue(keyNode) ?? keyNode.text) : '';
      if (!value || !/^(ssl|tls|sslmode|ssl_disabled)$/.test(key)) return;
      if (pair.type === 'keyword_argument') {
        const call = pair.parent?.parent;
        if (!call || !ctx.syntax.isCall(call) || !PY_DB_CALLS.test(ctx.flow.resolvedPath(call))) return;
      }
      checkDbOption(ctx, pair, key, value);
      return;
    }
    const str = match.get('str');
    if (str) {
      if (/sslmode|ssl=false|tls=false|ssl_mode=disabled|useSSL=false|encrypt=false/i.test(str.text)) checkUri(ctx, str);
      return;
    }
    const smtpSettings = match.get('settings');
    if (smtpSettings) return checkRubySmtpSettings(ctx, smtpSettings);
    const call = match.get('call');
    if (!call) return;
    if (ctx.file.syntax === 'ruby') {
      checkRubyCall(ctx, call);
    } else if (ctx.file.syntax === 'php') {
      checkPhpCall(ctx, call);
    } else if (ctx.file.syntax === 'csharp') {
      checkCsharpSmtp(ctx, call);
    } else if (ctx.file.syntax === 'java') {
      checkJavaCall(ctx, call);
    } else if (ctx.file.syntax === 'go') {
      checkGoCall(ctx, call);
    } else if (ctx.file.syntax === 'js') {
      const path = normalisePath(ctx.flow.resolvedPath(call));
      if (/(^|\.)createTransport$/.test(path) && (/^nodemailer\./.test(path) || [...ctx.flow.imports.values()].includes('nodemailer'))) checkNodemailer(ctx, call);
      else checkJsClient(ctx, call);
    } else {
      checkSmtplib(ctx, call);
      checkPyClient(ctx, call);
    }
  },
};
