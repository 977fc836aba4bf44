import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext, RuleDefinition } from '../../core/rule';
import type { Severity } from '../../core/types';
import { classificationsOf, describeData, relatedFor } from '../common';
import { creationOf, fileConfidence, fileMentions, httpCall } from './clients';
import { removeEntry, removeStatement, replaceNode, statementOf } from './edits';
import { sentData } from './insecure-request';
import { isAcceptAllLambda, permissiveMethod } from './java';
import { csharpTlsHit } from './csharp';

/** Python calls whose `verify=` / `verify_certs=` keyword switches certificate checks. */
const PY_VERIFY_CALLEES = /(^|\.)(get|post|put|patch|delete|head|options|request|send|stream|urlopen|Client|AsyncClient|Session|session|client|resource|Elasticsearch|OpenSearch|AsyncElasticsearch|TCPConnector|HTTPAdapter|Transport|AsyncHTTPTransport|HTTPTransport|Jira|JIRA|Gitlab|Github|Minio|Consul|Vault|KubernetesClient|Configuration|ws_connect|connect)$/;
const PY_NOT_TLS = /(^|\.)(decode|verify_signature|jwt\.[A-Za-z_.]+)$|^jwt\./;
const PY_SESSIONS = /^(requests\.(Session|session)|httpx\.(Client|AsyncClient)|aiohttp\.ClientSession)$/;
const SESSION_NAMES = /^(self\.|cls\.)?_?(session|sess|s|client|http|http_client|api)$/;
/** The calls checkPython reports (`ssl._create_unverified_context()`), as their name is written in a file. */
const UNVERIFIED_CONTEXT = /_create_(unverified|stdlib)_context/;
/** Every keyword argument checkPython looks at. */
const PY_SWITCHES = /^(verify|verify_certs|verify_ssl|ssl_verify|validate_certs|ssl|(ssl_)?cert_reqs|assert_hostname|check_hostname)$/;
const PY_SWITCH_AT = new RegExp(`${PY_SWITCHES.source.slice(1, -1)}(?!\\w)`, 'y');

/** Whether the identifier that starts at `start` may be one of PY_SWITCHES: one of them, then no word character. */
function switchAt(text: string, start: number): boolean {
  PY_SWITCH_AT.lastIndex = start;
  return PY_SWITCH_AT.test(text);
}

function isFalse(node: Node | undefined): boolean {
  if (!node) return false;
  if (node.type === 'false') return true;
  return node.type === 'number' && node.text === '0';
}

function falsyString(ctx: RuleContext, node: Node): boolean {
  const v = ctx.syntax.stringValue(node);
  return (v !== undefined && /^(0|false)$/i.test(v)) || node.text === '0';
}

/** `() => undefined`, `() => {}`, `function () { return; }`, `lambda *a: None`: accepts every certificate. */
function acceptsEverything(fn: Node): boolean {
  if (!/^(arrow_function|function_expression|function|lambda)$/.test(fn.type)) return false;
  const body = fn.childForFieldName('body');
  if (!body) return false;
  if (body.type === 'statement_block') {
    const statements = body.namedChildren.filter((c) => c && c.type !== 'comment');
    if (statements.length === 0) return true;
    return statements.length === 1 && statements[0]?.type === 'return_statement' && /^return\s*(undefined|null|void 0)?\s*;?$/.test(statements[0].text);
  }
  return /^(undefined|null|void 0)$/.test(body.text);
}

/** Conditions that make a switch an opt-in (`if (this._ignoreSslError)`, `if not server_hostname:`). */
const OPT_IN = /ignore|insecure|skip|unsafe|allow|disable|no_?verif|unverif|verif|validat|trust|self.?signed|strict|reject|hostname|cert_?reqs|ca_?certs|debug|development/i;

/** The condition of the innermost `if` (inside the same function) that guards a node, if any. */
function guard(ctx: RuleContext, node: Node): string | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (ctx.syntax.isFunction(p)) {
      // A helper that exists to build the unverified variant: `def load_ssl_context_no_verify(self)`.
      const name = ctx.syntax.functionName(p) ?? '';
      return /no_?verif|unverif|insecure|noverif|skip_?verif/i.test(name) ? name : undefined;
    }
    // Ruby's `if` / `unless` / `else` / `elsif` as well.
    if (/^(if_statement|else_clause|elif_clause|if|unless|else|elsif)$/.test(p.type)) {
      const ifNode = /^(if_statement|if|unless)$/.test(p.type) ? p : p.parent;
      return ifNode?.childForFieldName('condition')?.text;
    }
  }
  return undefined;
}

/** Low confidence for a switch that only runs when the caller asked for it (a client library's `verify=False` option). */
function optInConfidence(ctx: RuleContext, node: Node): 'high' | 'low' {
  const cond = guard(ctx, node);
  return cond && OPT_IN.test(cond) ? 'low' : 'high';
}

interface Hit {
  node: Node;
  what: string;
  severity: Severity;
  confidence?: 'high' | 'medium' | 'low';
  /** The request whose data makes it an error. */
  request?: Node;
  fix?: FixInput;
}

function report(ctx: RuleContext, hit: Hit): void {
  const items = hit.request ? sentData(ctx, [hit.request]) : [];
  ctx.report({
    node: hit.node,
    message: items.length > 0
      ? `${hit.what}, and this request sends ${describeData(ctx, items)}: anyone on the network path can read it.`
      : `${hit.what}: anyone on the network path can impersonate the server and read or change the traffic.`,
    severity: items.length > 0 ? 'error' : hit.severity,
    confidence: fileConfidence(ctx, hit.confidence ?? 'high'),
    classifications: classificationsOf(items),
    related: relatedFor(items, hit.node),
    fixes: hit.fix ? [hit.fix] : [],
  });
}

/** The HTTP request an options object belongs to (through nesting: `axios.post(url, data, { httpsAgent: new Agent({…}) })`). */
function enclosingRequest(ctx: RuleContext, node: Node): Node | undefined {
  for (let p = node.parent, i = 0; p && i < 8; p = p.parent, i++) {
    if (ctx.syntax.isFunction(p) || /_statement$|_declaration$/.test(p.type)) return undefined;
    if (ctx.syntax.isCall(p) && httpCall(ctx, p)) return p;
  }
  return undefined;
}

/**
 * Ruby: `http.verify_mode = OpenSSL::SSL::VERIFY_NONE`, `verify_mode: …VERIFY_NONE`, HTTParty / Faraday `verify: false`,
 * RestClient `verify_ssl: false`, Typhoeus `ssl_verifypeer: false`, and redefining `OpenSSL::SSL::VERIFY_PEER`.
 */
function checkRuby(match: { get(name: string): Node | undefined }, ctx: RuleContext): void {
  const keyNode = match.get('key');
  const value = match.get('value');
  const node = match.get('pair') ?? match.get('assign');
  if (!keyNode || !value || !node) return;
  const key = keyNode.text.replace(/^:/, '').replace(/:$/, '');
  // Only the constant itself: `verify? ? VERIFY_PEER : VERIFY_NONE` is decided at run time.
  const none = /^(scope_resolution|constant)$/.test(value.type) && /(^|::)VERIFY_NONE$/.test(value.text.trim());
  if (match.get('assign') && key === 'VERIFY_PEER' && none) {
    report(ctx, { node, what: 'Redefining `OpenSSL::SSL::VERIFY_PEER` as `VERIFY_NONE` switches off certificate verification for the whole process', severity: 'error' });
    return;
  }
  const off = (/^(verify_mode|verify_ssl)$/.test(key) && (none || value.type === 'false')) || (/^(verify|ssl_verifypeer|ssl_verify_peer|verify_peer)$/.test(key) && value.type === 'false') || (key === 'ssl_verifyhost' && /^0$/.test(value.text));
  if (!off) return;
  // A bare `verify: false` is TLS only inside an HTTP client's options (`ssl: { verify: false }`, HTTParty, Faraday, …).
  if (key === 'verify') {
    let p: Node | null = node.parent;
    let client = false;
    for (let i = 0; p && i < 5 && !client; i++, p = p.parent) {
      if (p.type === 'pair' && /^:?ssl:?$/.test(p.childForFieldName('key')?.text ?? '')) client = true;
      else if (p.type === 'call') client = /^(HTTParty|Faraday|RestClient|Excon|Typhoeus|HTTPX?|Net\.HTTP|HTTPClient)\b/.test(ctx.syntax.calleePath(p)) || /^(self\.class\.)?(get|post|put|patch|delete|head)$/.test(ctx.syntax.calleePath(p));
    }
    if (!client) return;
  }
  report(ctx, {
    node,
    what: `\`${node.text.replace(/\s+/g, ' ')}\` switches off TLS certificate verification`,
    severity: 'warning',
    confidence: optInConfidence(ctx, node),
    fix: none
      ? { title: 'Verify certificates (VERIFY_PEER)', safe: false, edits: [replaceNode(value, value.text.replace(/VERIFY_NONE$/, 'VERIFY_PEER'))] }
      : match.get('pair') ? { title: 'Remove the switch (verify certificates)', safe: false, edits: [removeEntry(ctx.file.text, node)] } : undefined,
  });
}

/** `false`, `0`, `FALSE` (PHP constants are case-insensitive). */
function phpFalse(node: Node | undefined): boolean {
  return !!node && (/^(false|0)$/i.test(node.text.trim()));
}

/**
 * PHP: `curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false)`, `CURLOPT_SSL_VERIFYHOST => 0`, Guzzle `'verify' => false`,
 * stream contexts `'verify_peer' => false`, Laravel `Http::withoutVerifying()`.
 */
function checkPhp(match: { get(name: string): Node | undefined }, ctx: RuleContext): void {
  const call = match.get('call');
  const fn = match.get('fn')?.text ?? '';
  if (call) {
    const args = ctx.syntax.args(call);
    if (/^curl_setopt$/i.test(fn) && args.length === 3 && /^CURLOPT_SSL_VERIFY(PEER|HOST)$/.test(args[1].text) && phpFalse(args[2])) {
      const host = args[1].text.endsWith('HOST');
      report(ctx, {
        node: call,
        what: `\`${args[1].text}\` set to ${args[2].text} switches off ${host ? 'the check that the certificate belongs to the host' : 'TLS certificate verification'}`,
        severity: 'warning',
        confidence: optInConfidence(ctx, call),
        fix: { title: host ? 'Verify the host name (2)' : 'Verify certificates (true)', safe: false, edits: [replaceNode(args[2], host ? '2' : 'true')] },
      });
    } else if (fn === 'withoutVerifying' && /^(Http|\\?Illuminate\\Support\\Facades\\Http)$/.test(call.childForFieldName('scope')?.text ?? '')) {
      report(ctx, { node: call, what: '`Http::withoutVerifying()` accepts any TLS certificate', severity: 'warning', confidence: optInConfidence(ctx, call) });
    }
    return;
  }
  const pair = match.get('pair');
  const keyNode = match.get('key');
  const value = match.get('value');
  if (!pair || !keyNode || !value || pair.namedChildCount !== 2) return;
  const key = ctx.syntax.stringValue(keyNode) ?? keyNode.text;
  const curl = /^CURLOPT_SSL_VERIFY(PEER|HOST)$/.test(key);
  if (!(curl || /^(verify|verify_peer|verify_peer_name|allow_self_signed)$/.test(key))) return;
  const off = key === 'allow_self_signed' ? /^true$/i.test(value.text) : phpFalse(value);
  if (!off) return;
  // 'verify' => false only means TLS in an HTTP client's options (Guzzle), not in a form or a validator config.
  if (key === 'verify' && !/GuzzleHttp|new Client\(|->(get|post|put|patch|delete|request|send)(Async)?\(|stream_context_create/.test(ctx.file.text)) return;
  report(ctx, {
    node: pair,
    what: `\`${pair.text.replace(/\s+/g, ' ')}\` switches off TLS certificate verification`,
    severity: 'warning',
    confidence: optInConfidence(ctx, pair),
    fix: { title: 'Remove the switch (verify certificates)', safe: false, edits: [removeEntry(ctx.file.text, pair)] },
  });
}

/** Go: `tls.Config{InsecureSkipVerify: true}` and `cfg.InsecureSkipVerify = true`. */
function checkGo(match: { get(name: string): Node | undefined }, ctx: RuleContext): void {
  const key = match.get('key');
  if (key?.text !== 'InsecureSkipVerify') return;
  const pair = match.get('pair');
  const assign = match.get('assign');
  const node = pair ?? assign;
  if (!node) return;
  const cond = guard(ctx, node);
  // `case "skip-verify":` in a switch over a configuration value: the user asked for it.
  let caseLabel: string | undefined;
  for (let p = node.parent; p && !ctx.syntax.isFunction(p); p = p.parent) {
    if (p.type === 'expression_case') {
      caseLabel = p.childForFieldName('value')?.text;
      break;
    }
  }
  const optIn = (!!cond && OPT_IN.test(cond)) || (!!caseLabel && OPT_IN.test(caseLabel));
  const request = pair ? enclosingRequest(ctx, pair) : undefined;
  report(ctx, {
    node,
    what: `\`InsecureSkipVerify: true\` switches off TLS certificate and host name verification${optIn ? ' (when the guarding option is on)' : ''}`,
    severity: 'warning',
    confidence: optIn ? 'low' : 'high',
    request,
    fix: pair
      ? { title: 'Remove InsecureSkipVerify (verify certificates)', safe: false, edits: [removeEntry(ctx.file.text, pair)] }
      : { title: 'Set InsecureSkipVerify = false', safe: false, edits: [replaceNode(assign?.childForFieldName('right') ?? node, 'false')] },
  });
}

/** The call a node is an argument of (`conn.setHostnameVerifier(…)`, `builder.loadTrustMaterial(null, …)`). */
function argumentOf(ctx: RuleContext, node: Node): { call: Node; name: string; index: number } | undefined {
  const list = node.parent;
  const call = list?.parent;
  if (list?.type !== 'argument_list' || !call || !ctx.syntax.isCall(call)) return undefined;
  const e = ctx.syntax.expr(call);
  return { call, name: e.kind === 'call' ? e.name : '', index: ctx.syntax.args(call).findIndex((a) => a.id === node.id) };
}

/**
 * Java: an X509TrustManager whose `checkServerTrusted` accepts everything, a HostnameVerifier whose `verify` returns
 * true (a class or a lambda), Apache HttpClient's NoopHostnameVerifier / ALLOW_ALL_HOSTNAME_VERIFIER / TrustAllStrategy.
 */
function checkJava(match: { get(name: string): Node | undefined }, ctx: RuleContext): void {
  const method = match.get('method');
  if (method) {
    const kind = permissiveMethod(method);
    if (!kind) return;
    const cond = guard(ctx, method);
    report(ctx, {
      node: match.get('name') ?? method,
      what: kind === 'trust-all'
        ? '`checkServerTrusted` returns without checking the chain: this trust manager accepts every certificate'
        : '`verify` returns true: this HostnameVerifier accepts a certificate issued for any host',
      severity: 'warning',
      confidence: cond && OPT_IN.test(cond) ? 'low' : 'high',
    });
    return;
  }
  const lambda = match.get('lambda');
  if (lambda) {
    const arg = argumentOf(ctx, lambda);
    if (!arg) return;
    if (/^(setHostnameVerifier|setDefaultHostnameVerifier|hostnameVerifier|setSSLHostnameVerifier)$/.test(arg.name) && isAcceptAllLambda(lambda)) {
      report(ctx, { node: lambda, what: `The HostnameVerifier passed to \`${arg.name}\` returns true for every host`, severity: 'warning', request: undefined });
    } else if (arg.name === 'loadTrustMaterial' && isAcceptAllLambda(lambda)) {
      report(ctx, { node: lambda, what: 'The TrustStrategy passed to `loadTrustMaterial` trusts every certificate chain', severity: 'warning' });
    }
    return;
  }
  const field = match.get('field');
  if (field) {
    if (/(^|\.)(NoopHostnameVerifier\.INSTANCE|ALLOW_ALL_HOSTNAME_VERIFIER|TrustAllStrategy\.INSTANCE)$/.test(field.text.replace(/\s+/g, ''))) {
      report(ctx, { node: field, what: `\`${field.text}\` switches off ${/TrustAll/.test(field.text) ? 'certificate' : 'host name'} verification`, severity: 'warning' });
    }
    return;
  }
  const created = match.get('new');
  if (created && /^new (org\.apache\.http\.conn\.ssl\.|org\.apache\.hc\.client5\.http\.ssl\.)?(NoopHostnameVerifier|AllowAllHostnameVerifier|TrustAllStrategy)$/.test(ctx.syntax.calleePath(created)) && !libraryConstant(created)) {
    report(ctx, { node: created, what: `\`${created.text}\` switches off ${/TrustAll/.test(created.text) ? 'certificate' : 'host name'} verification`, severity: 'warning' });
  }
}

/**
 * HttpClient's own definitions: `INSTANCE = new NoopHostnameVerifier()` inside that class, and
 * `ALLOW_ALL_HOSTNAME_VERIFIER = new AllowAllHostnameVerifier()`. Code that uses them is reported where it does.
 */
function libraryConstant(created: Node): boolean {
  const decl = created.parent?.type === 'variable_declarator' ? created.parent : undefined;
  if (decl?.parent?.type !== 'field_declaration') return false;
  if (/^(ALLOW_ALL_HOSTNAME_VERIFIER)$/.test(decl.childForFieldName('name')?.text ?? '')) return true;
  let cls: Node | null = decl.parent;
  while (cls && cls.type !== 'class_declaration') cls = cls.parent;
  return !!cls && cls.childForFieldName('name')?.text === created.childForFieldName('type')?.text.split('.').pop();
}

function checkJs(match: { get(name: string): Node | undefined }, ctx: RuleContext): void {
  const text = ctx.file.text;
  const pair = match.get('pair');
  if (pair) {
    const key = match.get('key')?.text.replace(/^['"]|['"]$/g, '');
    const value = match.get('value');
    if (!key || !value) return;
    if ((key === 'rejectUnauthorized' && isFalse(value)) || (key === 'strictSSL' && isFalse(value))) {
      const request = enclosingRequest(ctx, pair);
      const cond = guard(ctx, pair);
      report(ctx, {
        node: pair,
        what: `\`${key}: false\` switches off TLS certificate verification${cond && OPT_IN.test(cond) ? ' (when the guarding option is on)' : ''}`,
        severity: 'warning',
        confidence: cond && OPT_IN.test(cond) ? 'low' : 'high',
        request,
        fix: { title: `Remove \`${key}: false\` (verify certificates; pass a private CA with \`ca\` instead)`, safe: false, edits: [removeEntry(text, pair)] },
      });
    } else if (key === 'checkServerIdentity' && acceptsEverything(value)) {
      report(ctx, {
        node: pair,
        what: '`checkServerIdentity` accepts every certificate, so the server name is never checked',
        severity: 'warning',
        fix: { title: 'Remove the `checkServerIdentity` override (Node checks the host name by default)', safe: false, edits: [removeEntry(text, pair)] },
      });
    } else if (key === 'NODE_TLS_REJECT_UNAUTHORIZED' && falsyString(ctx, value)) {
      report(ctx, { node: pair, what: '`NODE_TLS_REJECT_UNAUTHORIZED=0` switches off certificate verification for every TLS connection of the process', severity: 'error' });
    }
    return;
  }
  const assign = match.get('assign');
  const left = match.get('left');
  const right = assign?.childForFieldName('right');
  if (!assign || !left || !right) return;
  const target = left.text.replace(/\s+/g, '').replace(/\[['"`]([\w$]+)['"`]\]/g, '.$1');
  if (/(^|\.)env\.NODE_TLS_REJECT_UNAUTHORIZED$/.test(target) && falsyString(ctx, right)) {
    const statement = statementOf(assign);
    report(ctx, {
      node: assign,
      what: '`NODE_TLS_REJECT_UNAUTHORIZED = \'0\'` switches off certificate verification for every TLS connection of the process',
      severity: 'error',
      fix: statement.type === 'expression_statement'
        ? { title: 'Remove the assignment (give private CAs with NODE_EXTRA_CA_CERTS instead)', safe: false, edits: [removeStatement(text, statement)] }
        : undefined,
    });
  } else if (/\.rejectUnauthorized$/.test(target) && isFalse(right)) {
    report(ctx, { node: assign, what: '`rejectUnauthorized = false` switches off TLS certificate verification', severity: /globalAgent/.test(target) ? 'error' : 'warning' });
  }
}

function checkPython(match: { get(name: string): Node | undefined }, ctx: RuleContext): void {
  const s = ctx.syntax;
  const kw = match.get('pair');
  if (kw) {
    // The keyword's name first, read from the file's text where it starts (a node's text asks the tree for its end):
    // most keyword arguments are none of the switches below.
    const key = match.get('key');
    if (!key || !switchAt(ctx.file.text, key.startIndex)) return;
    const name = key.text;
    if (!PY_SWITCHES.test(name)) return;
    const value = match.get('value');
    const call = kw.parent?.parent;
    if (!value || !call || !s.isCall(call)) return;
    // The callee's path only for the two switches that need it (most keyword arguments are neither).
    const verify = /^(verify|verify_certs|verify_ssl|ssl_verify|validate_certs)$/.test(name);
    const path = (verify || name === 'ssl') && isFalse(value) ? ctx.flow.resolvedPath(call) : '';
    if (verify && isFalse(value)) {
      if (PY_NOT_TLS.test(path) || !(PY_VERIFY_CALLEES.test(path) || httpCall(ctx, call))) return;
      report(ctx, {
        node: kw,
        what: `\`${name}=False\` switches off TLS certificate verification`,
        severity: 'warning',
        confidence: optInConfidence(ctx, kw),
        request: httpCall(ctx, call) ? call : undefined,
        fix: { title: `Set ${name}=True (pass a CA bundle path instead for a private CA)`, safe: false, edits: [replaceNode(value, 'True')] },
      });
    } else if (name === 'ssl' && isFalse(value)) {
      // aiohttp: ssl=False skips certificate checks.
      const req = httpCall(ctx, call);
      if (!/(^|\.)TCPConnector$/.test(path) && !(req && /aiohttp|session/i.test(req.library + path))) return;
      report(ctx, { node: kw, what: '`ssl=False` makes aiohttp skip TLS certificate verification', severity: 'warning', request: req ? call : undefined, fix: { title: 'Remove `ssl=False`', safe: false, edits: [removeEntry(ctx.file.text, kw)] } });
    } else if (/^(ssl_)?cert_reqs$/.test(name) && /(^|\.|['"])CERT_NONE['"]?$/.test(value.text)) {
      report(ctx, {
        node: kw,
        what: `\`${name}=CERT_NONE\` accepts any certificate`,
        severity: 'warning',
        fix: { title: 'Require certificates (CERT_REQUIRED)', safe: false, edits: [replaceNode(value, value.text.replace('CERT_NONE', 'CERT_REQUIRED'))] },
      });
    } else if (/^(assert_hostname|check_hostname)$/.test(name) && isFalse(value)) {
      report(ctx, { node: kw, what: `\`${name}=False\` switches off the check that the certificate belongs to the host`, severity: 'warning', confidence: 'medium' });
    }
    return;
  }
  const assign = match.get('assign');
  const left = match.get('left');
  const right = match.get('right');
  if (assign && left && right) {
    const target = left.text.replace(/\s+/g, '');
    // `self.check_hostname = False` inside a class: code that implements a TLS context (a library's own
    // SSLContext shim) sets its defaults, it does not switch checks off for a connection.
    if (/^(self|cls)\.(check_hostname|verify_mode|verify)$/.test(target)) return;
    if (/\._create_default_https_context$/.test(target) && /_create_unverified_context$/.test(right.text)) {
      report(ctx, {
        node: assign,
        what: 'Replacing `ssl._create_default_https_context` with the unverified context switches off certificate verification for every HTTPS connection of the process',
        severity: 'error',
        fix: { title: 'Remove the override', safe: false, edits: [removeStatement(ctx.file.text, statementOf(assign))] },
      });
    } else if (/\.verify_mode$/.test(target) && /(^|\.)CERT_NONE$/.test(right.text)) {
      report(ctx, {
        node: assign,
        what: '`verify_mode = CERT_NONE` accepts any certificate',
        severity: 'warning',
        confidence: optInConfidence(ctx, assign),
        fix: { title: 'Require certificates (CERT_REQUIRED)', safe: false, edits: [replaceNode(right, right.text.replace('CERT_NONE', 'CERT_REQUIRED'))] },
      });
    } else if (/\.check_hostname$/.test(target) && isFalse(right)) {
      // `if not server_hostname: ctx.check_hostname = False`: nothing to check against; an opt-in branch is the caller's choice.
      const cond = guard(ctx, assign);
      if (cond && OPT_IN.test(cond)) return;
      // `ctx.check_hostname = False` next to `ctx.verify_mode = CERT_NONE`: one finding, on the CERT_NONE line.
      const object = target.slice(0, -'.check_hostname'.length);
      const block = statementOf(assign).parent;
      if (block && block.namedChildren.some((st) => st && st.text.replace(/\s+/g, '').startsWith(`${object}.verify_mode=`) && /CERT_NONE/.test(st.text))) return;
      report(ctx, { node: assign, what: '`check_hostname = False` switches off the check that the certificate belongs to the host', severity: 'warning', confidence: 'medium' });
    } else if (/\.verify$/.test(target) && isFalse(right)) {
      const object = left.childForFieldName('object');
      const created = object ? creationOf(ctx, object) : undefined;
      const isSession = created ? PY_SESSIONS.test(ctx.flow.resolvedPath(created)) : SESSION_NAMES.test(object?.text ?? '');
      if (!isSession) return;
      report(ctx, {
        node: assign,
        what: '`session.verify = False` switches off TLS certificate verification for every request of the session',
        severity: 'warning',
        confidence: optInConfidence(ctx, assign),
        fix: { title: 'Set verify = True (or the path of a CA bundle)', safe: false, edits: [replaceNode(right, 'True')] },
      });
    } else if (/^os\.environ(\.|\[)/.test(target) || /^os\.environ$/.test(left.childForFieldName('value')?.text ?? '')) {
      const key = left.type === 'subscript' ? s.stringValue(left.childForFieldName('subscript') ?? left) : undefined;
      const value = s.stringValue(right);
      if ((key === 'PYTHONHTTPSVERIFY' && value === '0') || (/^(CURL_CA_BUNDLE|REQUESTS_CA_BUNDLE)$/.test(key ?? '') && value === '')) {
        report(ctx, { node: assign, what: `Setting ${key} to ${value === '' ? 'an empty string' : "'0'"} switches off certificate verification for the process`, severity: 'error' });
      }
    }
    return;
  }
  const call = match.get('call');
  if (call) {
    // The path's last name is a name written in the file: without it, no call's callee path need be worked out.
    if (!fileMentions(ctx, 'py-unverified-context', UNVERIFIED_CONTEXT)) return;
    const path = s.calleePath(call);
    if (!/(^|\.)_create_(unverified|stdlib)_context$/.test(path)) return;
    // An explicit `cert_reqs=` other than CERT_NONE decides the verification itself.
    const reqs = s.kwarg(call, 'cert_reqs');
    if (reqs && !/CERT_NONE/.test(reqs.text)) return;
    const fn = call.childForFieldName('function');
    report(ctx, {
      node: call,
      what: `\`${path}()\` creates a TLS context that accepts any certificate`,
      severity: 'warning',
      fix: fn && /^ssl\._create_unverified_context$/.test(path) ? { title: 'Use ssl.create_default_context()', safe: false, edits: [replaceNode(fn, 'ssl.create_default_context')] } : undefined,
    });
  }
}

export const tlsVerificationDisabled: RuleDefinition = {
  id: 'transmission/tls-verification-disabled',
  family: 'transmission',
  title: 'TLS certificate verification switched off',
  description: 'A client accepts any TLS certificate (rejectUnauthorized: false, NODE_TLS_REJECT_UNAUTHORIZED=0, verify=False, CERT_NONE, check_hostname=False), so HTTPS no longer protects against interception.',
  severity: 'warning',
  confidence: 'high',
  cwe: [295],
  owasp: ['A02:2021 Cryptographic Failures', 'A07:2021 Identification and Authentication Failures'],
  standards: ['PCI DSS 4.2.1', 'GDPR Art. 32', 'ASVS 9.2.1'],
  fixable: true,
  keywords: 'rejectUnauthorized|NODE_TLS_REJECT_UNAUTHORIZED|checkServerIdentity|strictSSL|verify|CERT_NONE|check_hostname|assert_hostname|_create_unverified_context|_create_stdlib_context|HTTPSVERIFY|CA_BUNDLE|ssl\\s*=\\s*False|checkServerTrusted|HostnameVerifier|ALLOW_ALL_HOSTNAME|TrustAllStrategy|loadTrustMaterial|ServerCertificate|RemoteCertificateValidationCallback|SslStream|CURLOPT_SSL|verify_peer|withoutVerifying|VERIFY_NONE|ssl_verifypeer|verify_ssl',
  guidance: {
    why: 'TLS only protects data in transit when the client checks that the certificate is valid and belongs to the host. With verification off, anyone who can intercept the connection (a hostile Wi-Fi, a compromised proxy, DNS spoofing) presents their own certificate and reads or changes every request, including credentials and personal data, while the code still says https://. Process-wide switches (`NODE_TLS_REJECT_UNAUTHORIZED=0`, replacing `ssl._create_default_https_context`, `PYTHONHTTPSVERIFY=0`) are errors; per-client ones are warnings, and errors when the same request carries credentials or personal data. Values decided at run time (`rejectUnauthorized: process.env.NODE_ENV === \'production\'`, `verify=settings.VERIFY_SSL`) are not reported. Test code is not reported: local test servers use self-signed certificates.',
    bad: "const agent = new https.Agent({ rejectUnauthorized: false });\nrequests.post(url, json=payload, verify=False)",
    good: "const agent = new https.Agent({ ca: fs.readFileSync('corp-ca.pem') });\nrequests.post(url, json=payload, verify='/etc/ssl/corp-ca.pem')",
    fix: 'Remove the switch. For a server with a private or self-signed certificate, trust that CA explicitly (`ca:` in Node, `NODE_EXTRA_CA_CERTS`, `verify="/path/ca.pem"` in requests, `cafile=` in `ssl.create_default_context`) instead of trusting everything. The quick fixes are offered, not preferred: check that the certificate is valid first. In Go, remove `InsecureSkipVerify: true` and add the CA to `tls.Config{RootCAs: pool}`.',
  },
  queries: {
    // Written as the storage rules' assignment pattern and the cleartext rule's keyword-argument pattern (with more
    // captures), so that the engine runs each once for all of them (see sharedPatterns); `right` is read from the node.
    js: `(pair key: (_) @key value: (_) @value) @pair
(assignment_expression left: [(member_expression) (subscript_expression)] @left) @assign`,
    python: `(keyword_argument name: (identifier) @key value: (_) @value) @pair
(assignment left: [(attribute) (subscript)] @left right: (_) @right) @assign
(call function: [(attribute) (identifier)] arguments: (argument_list)) @call`,
    go: `(keyed_element key: (literal_element (identifier) @key) value: (literal_element (true))) @pair
(assignment_statement left: (expression_list (selector_expression field: (field_identifier) @key)) right: (expression_list (true))) @assign`,
    ruby: `(pair key: (_) @key value: (_) @value) @pair
(assignment left: [(call method: (identifier) @key) (scope_resolution name: (constant) @key)] right: (_) @value) @assign`,
    php: `(function_call_expression function: (name) @fn arguments: (arguments)) @call
(array_element_initializer (_) @key (_) @value) @pair
(scoped_call_expression name: (name) @fn) @call`,
    csharp: `(assignment_expression) @assign
(object_creation_expression) @new`,
    java: `(method_declaration name: (identifier) @name) @method
(lambda_expression) @lambda
(field_access) @field
(object_creation_expression) @new`,
  },
  check(match, ctx) {
    if (ctx.file.pathKind === 'test') return;
    if (ctx.file.syntax === 'ruby') checkRuby(match, ctx);
    else if (ctx.file.syntax === 'php') checkPhp(match, ctx);
    else if (ctx.file.syntax === 'go') checkGo(match, ctx);
    else if (ctx.file.syntax === 'java') checkJava(match, ctx);
    else if (ctx.file.syntax === 'csharp') {
      const node = match.get('assign') ?? match.get('new');
      const hit = node ? csharpTlsHit(ctx, node) : undefined;
      if (hit) report(ctx, { ...hit, confidence: optInConfidence(ctx, hit.node) });
    }
    else if (ctx.file.syntax === 'js') checkJs(match, ctx);
    else checkPython(match, ctx);
  },
};
