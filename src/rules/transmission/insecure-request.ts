import type { Node } from 'web-tree-sitter';
import type { TaintItem } from '../../core/flow';
import type { RelatedInput, RuleContext, RuleDefinition } from '../../core/rule';
import { capitalise, classificationsOf, describeData, relatedFor } from '../common';
import { classifyHost } from '../hosts';
import { fileConfidence, httpCall, instanceCalls, type HttpCall } from './clients';
import { reportable, schemeFix, urlTarget, urlValue, type UrlTarget } from './urls';
import { springHttpEndpoint } from './spring-config';

/** Sensitive data reaching any argument of a call (URL, query, headers, body). */
export function sentData(ctx: RuleContext, calls: Node[]): TaintItem[] {
  return calls.flatMap((c) => {
    const e = ctx.syntax.expr(c);
    return e.kind === 'call' ? e.args.flatMap((a) => ctx.flow.sensitive(a)) : [];
  });
}

function confidenceFor(ctx: RuleContext, t: { kind: string; fallback?: boolean }, byName = false): 'high' | 'medium' | 'low' {
  if (t.fallback) return 'low';
  return fileConfidence(ctx, t.kind === 'private' || byName ? 'medium' : 'high');
}

function definedHere(literal: Node | undefined, at: Node): RelatedInput[] {
  if (!literal || (literal.startIndex >= at.startIndex && literal.endIndex <= at.endIndex)) return [];
  return [{ node: literal, message: 'The http:// URL is defined here.' }];
}

function where(t: UrlTarget): string {
  return `${t.host}${t.fallback ? ' (the default used when the setting is missing)' : ''}`;
}

/** The URL a request goes to: its own absolute URL, or the base URL of the call or client when it is relative. */
function effectiveTarget(ctx: RuleContext, req: HttpCall): { target: UrlTarget; viaBase: boolean } | undefined {
  const own = req.target ? urlValue(ctx, req.target) : undefined;
  if (own && /^[a-z][a-z0-9+.-]*:\/\//i.test(own.prefix)) {
    const t = urlTarget(ctx, req.target as Node);
    return t ? { target: t, viaBase: false } : undefined;
  }
  if (req.base && (!own || !/^[a-z][a-z0-9+.-]*:/i.test(own.prefix))) {
    const t = urlTarget(ctx, req.base);
    return t ? { target: t, viaBase: true } : undefined;
  }
  return undefined;
}

function checkCreation(ctx: RuleContext, req: HttpCall): void {
  const call = req.call;
  const t = req.base ? urlTarget(ctx, req.base) : undefined;
  if (!t || t.scheme !== 'http' || !reportable(t.kind)) return;
  // Data sent through the client with relative URLs makes it an error.
  const through = instanceCalls(ctx, call).filter((c) => {
    const r = httpCall(ctx, c);
    const own = r?.target ? urlValue(ctx, r.target) : undefined;
    return !own || !/^[a-z][a-z0-9+.-]*:/i.test(own.prefix);
  });
  const items = sentData(ctx, through);
  const related = [
    ...definedHere(t.literal, call),
    ...through.filter((c) => sentData(ctx, [c]).length > 0).slice(0, 3).map((c) => ({ node: c, message: 'Personal data is sent through this client here.' })),
    ...relatedFor(items, call),
  ];
  const data = [t.credentials ? 'credentials in the URL' : '', items.length ? describeData(ctx, items) : ''].filter(Boolean).join(' and ');
  ctx.report({
    node: call,
    message: data
      ? `${capitalise(data)} sent over plain HTTP to ${where(t)} through this client.`
      : `HTTP client created with the base URL http://${where(t)}: every request it makes travels unencrypted; use https://.`,
    severity: data ? 'error' : 'warning',
    confidence: confidenceFor(ctx, t),
    classifications: classificationsOf(items),
    related,
    fixes: schemeFix(t.literal, 'http', 'https'),
    fingerprintKey: `${ctx.syntax.calleePath(call)} base ${t.prefix}`,
  });
}

function checkHost(ctx: RuleContext, req: HttpCall, hostArg: Node): void {
  const host = ctx.flow.staticString(hostArg);
  if (host === undefined) return;
  const bare = host.replace(/:\d+$/, '');
  const kind = classifyHost(bare, ctx.hosts.allowInsecure);
  if (!reportable(kind)) return;
  const items = sentData(ctx, [req.call, ...instanceCalls(ctx, req.call)]);
  const name = ctx.syntax.calleePath(req.call);
  ctx.report({
    node: req.call,
    message: items.length > 0
      ? `${capitalise(describeData(ctx, items))} sent over a plain HTTP connection (\`${name}\`) to ${bare}.`
      : `\`${name}\` opens a plain HTTP connection to ${bare}: requests and responses travel unencrypted; use the HTTPS variant.`,
    severity: items.length > 0 ? 'error' : 'warning',
    confidence: fileConfidence(ctx, kind === 'private' ? 'medium' : 'high'),
    classifications: classificationsOf(items),
    related: relatedFor(items, req.call),
    fingerprintKey: `${name} host ${bare}`,
  });
}

export const insecureRequest: RuleDefinition = {
  id: 'transmission/insecure-request',
  family: 'transmission',
  title: 'HTTP request over plain http://',
  description: 'An HTTP client call (or a client created with a base URL) targets an http:// URL on a non-local host, so the request and its data travel unencrypted.',
  severity: 'warning',
  confidence: 'high',
  cwe: [319, 523],
  owasp: ['A02:2021 Cryptographic Failures', 'A04:2021 Insecure Design'],
  standards: ['PCI DSS 4.2.1', 'GDPR Art. 32', 'ASVS 9.1.1'],
  fixable: true,
  keywords: 'http://|HTTPConnection|[\'"](node:)?http[\'"]',
  guidance: {
    why: 'Anything sent over http:// (credentials, session tokens, personal data) can be read and changed by anyone on the network path: public Wi-Fi, proxies, ISPs, a compromised router. PCI DSS 4.2.1 requires strong cryptography whenever card data crosses an open, public network; GDPR Art. 32 asks for encryption in transit for personal data. A request is an error when credentials or classified personal data reach its URL, query, headers or body (the related locations show where the data came from), a warning otherwise. Not reported: loopback and `*.localhost`, reserved test names (`*.test`, `*.example`, `*.local`, `*.internal`, `example.com`), link-local metadata services, single-label service names (`http://backend:8080`), hosts listed under `hosts.allowInsecure`, `http://` strings that are not request targets (XML namespaces, schema ids, links in comments and docs), and test code (tests, specs, fixtures, mocks), where test servers are plain HTTP by design.',
    bad: "const api = axios.create({ baseURL: 'http://api.partner.com' });\nawait api.post('/customers', { email, ssn });",
    good: "const api = axios.create({ baseURL: 'https://api.partner.com' });\nawait api.post('/customers', { email, ssn });",
    fix: 'Use https://. If the host does not serve TLS, fix that first (the quick fix is offered, never preferred, for that reason). For an internal health check that must stay on plain HTTP, list the host under `hosts.allowInsecure` in `.sealant.yml`. In Spring Boot config files, endpoint settings (`*-url`, `*-uri`, `*endpoint`, `*address`) with an http:// URL on a non-local host are reported the same way.',
  },
  queries: {
    // The awaited callee in a pattern of its own: the first is the log and storage rules' call pattern, run once for all.
    js: `(call_expression function: [(identifier) (member_expression)] @callee arguments: (arguments) @args) @call
(call_expression function: (await_expression) @callee arguments: (arguments) @args) @call`,
    python: `(call function: [(identifier) (attribute)] @callee arguments: (argument_list) @args) @call`,
    go: `(call_expression function: [(identifier) (selector_expression)] @callee arguments: (argument_list) @args) @call`,
    php: `[(function_call_expression) (member_call_expression) (scoped_call_expression) (object_creation_expression)] @call`,
    ruby: `(call method: (identifier)) @call`,
    csharp: `(invocation_expression arguments: (argument_list) @args) @call
(object_creation_expression) @call
(assignment_expression left: (member_access_expression name: (identifier) @prop (#eq? @prop "BaseAddress"))) @call`,
    java: `(method_invocation arguments: (argument_list) @args) @call
(object_creation_expression arguments: (argument_list) @args) @call`,
    properties: '(property (value) @config_value)',
    yaml: '(block_mapping_pair value: (flow_node) @config_value)\n(flow_pair value: (flow_node) @config_value)',
  },
  check(match, ctx) {
    const configValue = match.get('config_value');
    if (configValue) return ctx.file.pathKind === 'test' ? undefined : springHttpEndpoint(ctx, configValue);
    const call = match.get('call');
    if (!call || ctx.file.pathKind === 'test') return;
    const req = httpCall(ctx, call);
    if (!req) return;
    if (req.creates) return checkCreation(ctx, req);
    if (req.hostArg) return checkHost(ctx, req, req.hostArg);
    const found = effectiveTarget(ctx, req);
    if (!found) return;
    const { target: t, viaBase } = found;
    if (t.scheme !== 'http' || !reportable(t.kind)) return;
    // A relative request through a client created with an http:// base is reported at the client's creation.
    if (viaBase && req.baseCreation) return;
    const items = sentData(ctx, [call]);
    const credentials = t.credentials ? 'credentials in the URL' : '';
    const data = [credentials, items.length ? describeData(ctx, items) : ''].filter(Boolean).join(' and ');
    // A Java builder chain (`HttpRequest.newBuilder()…uri(URI.create(url))`) starts lines before the URL: show the URL.
    const at = ctx.file.syntax === 'java' && req.target && call.type === 'method_invocation' ? req.target : call;
    ctx.report({
      node: at,
      message: data ? `${capitalise(data)} sent over plain HTTP to ${where(t)}.` : `Request to ${where(t)} over plain HTTP; use https://.`,
      severity: data ? 'error' : 'warning',
      confidence: confidenceFor(ctx, t, req.byName),
      classifications: classificationsOf(items),
      related: [...definedHere(t.literal, call), ...relatedFor(items, call)],
      fixes: schemeFix(t.literal, 'http', 'https'),
      fingerprintKey: `${ctx.syntax.calleePath(call)} ${t.prefix}`,
    });
  },
};
