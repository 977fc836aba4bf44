import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext, RuleDefinition } from '../../core/rule';
import { capitalise, classificationsOf, describeData, relatedFor } from '../common';
import { hostMatches, hostOf, isLocalOrReservedHost } from '../hosts';

/** HTTP client calls whose first argument (or `url` option) is the request target. */
const JS_CLIENT = /^(fetch|axios|got|needle|superagent|request|ky|undici\.request|undici\.fetch|node-fetch|(axios|got|superagent|request|ky|needle|\$|jQuery|http|https|client|api|instance|httpClient)\.(get|post|put|patch|delete|head|options|request|ajax|getJSON|fetch))$/;
const PY_CLIENT = /^(requests|httpx|session|s|client|http|aiohttp\.ClientSession\(\)|self\.session|urllib3|pool|http_client)\.(get|post|put|patch|delete|head|options|request|urlopen|stream)$|^(urllib\.request\.|urllib2\.|request\.)?urlopen$|^(requests|httpx)\.(Request|request)$|^(urllib\.request\.)?Request$|^(http\.client\.)?HTTPConnection$/;
const METHOD_FIRST = /(^|\.)(request|needle|open)$/;

export function urlArgument(ctx: RuleContext, call: Node): Node | undefined {
  const path = ctx.syntax.calleePath(call);
  const args = ctx.syntax.args(call);
  if (ctx.file.syntax === 'python') {
    const kw = ctx.syntax.kwarg(call, 'url');
    if (kw) return kw;
    // `pool.request('GET', url)` and `requests.request('POST', url)` take the method first.
    if (/\.request$/.test(path) && args.length > 1 && ctx.syntax.stringValue(args[0]) !== undefined && /^[A-Z]+$/.test(ctx.syntax.stringValue(args[0]) ?? '')) return args[1];
    return args[0];
  }
  const first = args[0];
  if (!first) return undefined;
  if (METHOD_FIRST.test(path) && args.length > 1 && /^[a-z]+$/i.test(ctx.syntax.stringValue(first) ?? '')) return args[1];
  // `axios({ url })`, `$.ajax({ url })`, `request({ uri })`
  const obj = ctx.flow.objectLiteralOf(first);
  if (obj) return ctx.syntax.property(obj, 'url') ?? ctx.syntax.property(obj, 'uri') ?? ctx.syntax.property(obj, 'baseURL');
  return first;
}

/** The string literal that spells the `scheme://` prefix of a URL expression, following names. */
export function schemeLiteral(ctx: RuleContext, node: Node, scheme: string, depth = 0): Node | undefined {
  if (depth > 6) return undefined;
  if (node.text.includes(`${scheme}://`) && (node.type === 'string' || node.type === 'template_string')) return node;
  const e = ctx.syntax.expr(node);
  if (e.kind === 'identifier') {
    const def = ctx.flow.definitionOf(e.name, node);
    return def?.value && !def.key ? schemeLiteral(ctx, def.value, scheme, depth + 1) : undefined;
  }
  if (e.kind === 'union' && e.parts.length > 0) return schemeLiteral(ctx, e.parts[0], scheme, depth + 1);
  if (e.kind === 'member') {
    const obj = ctx.flow.objectLiteralOf(e.object);
    const v = obj && ctx.syntax.property(obj, e.key);
    return v ? schemeLiteral(ctx, v, scheme, depth + 1) : undefined;
  }
  if (node.type === 'binary_expression' || node.type === 'binary_operator' || node.type === 'concatenated_string') {
    const left = node.childForFieldName('left') ?? node.namedChildren[0];
    return left ? schemeLiteral(ctx, left, scheme, depth + 1) : undefined;
  }
  if (node.type === 'string' || node.type === 'template_string') {
    const first = node.namedChildren.find((c) => c && (c.type === 'template_substitution' || c.type === 'interpolation'));
    const inner = first?.namedChildren[0];
    return inner ? schemeLiteral(ctx, inner, scheme, depth + 1) : undefined;
  }
  return undefined;
}

/** Replace `from://` by `to://` inside a string literal: offered, never preferred, since the host must serve TLS. */
export function schemeFix(literal: Node, from: string, to: string): FixInput {
  const at = literal.text.indexOf(`${from}://`);
  return {
    title: `Use ${to}:// (check that the host serves TLS)`,
    safe: false,
    edits: [{ start: literal.startIndex + at, end: literal.startIndex + at + from.length, newText: to }],
  };
}

export const insecureRequest: RuleDefinition = {
  id: 'transmission/insecure-request',
  family: 'transmission',
  title: 'HTTP request over plain http://',
  description: 'An HTTP client call targets an http:// URL on a non-local host, so the request and its data travel unencrypted.',
  severity: 'warning',
  confidence: 'high',
  cwe: [319, 523],
  owasp: ['A02:2021 Cryptographic Failures'],
  standards: ['PCI DSS 4.2.1', 'GDPR Art. 32'],
  fixable: true,
  keywords: 'http://',
  guidance: {
    why: 'Anything sent over http:// (credentials, session tokens, personal data) can be read and changed by anyone on the network path: public Wi-Fi, proxies, ISPs.',
    bad: "await fetch('http://api.partner.com/customers', { method: 'POST', body: JSON.stringify({ ssn }) });",
    good: "await fetch('https://api.partner.com/customers', { method: 'POST', body: JSON.stringify({ ssn }) });",
    fix: 'Use https://. If the host does not serve TLS, fix that first; for internal health checks on plain HTTP, list the host under `hosts.allowInsecure` in `.sealant.yml`.',
  },
  queries: {
    js: `(call_expression function: [(identifier) (member_expression)] @callee arguments: (arguments) @args) @call`,
    python: `(call function: [(identifier) (attribute)] @callee arguments: (argument_list) @args) @call`,
  },
  check(match, ctx) {
    const call = match.get('call');
    if (!call) return;
    const path = ctx.flow.resolvedPath(call);
    if (!(ctx.file.syntax === 'js' ? JS_CLIENT : PY_CLIENT).test(path) && !(ctx.file.syntax === 'js' ? JS_CLIENT : PY_CLIENT).test(ctx.syntax.calleePath(call))) return;
    const target = urlArgument(ctx, call);
    if (!target) return;
    const prefix = ctx.flow.staticPrefix(target);
    if (!prefix || !/^http:\/\//i.test(prefix)) return;
    const host = hostOf(prefix);
    if (host === undefined || isLocalOrReservedHost(host) || hostMatches(host, ctx.hosts.allowInsecure)) return;
    // Personal data or credentials anywhere in the call's arguments make it an error.
    const e = ctx.syntax.expr(call);
    const items = (e.kind === 'call' ? e.args : []).flatMap((a) => ctx.flow.sensitive(a));
    const literal = schemeLiteral(ctx, target, 'http');
    ctx.report({
      node: call,
      message: items.length > 0
        ? `${capitalise(describeData(ctx, items))} sent over plain HTTP to ${host}.`
        : `Request to ${host} over plain HTTP; use https://.`,
      severity: items.length > 0 ? 'error' : 'warning',
      confidence: ctx.file.isTestPath ? 'low' : 'high',
      classifications: classificationsOf(items),
      related: [...(literal && literal.startIndex < call.startIndex ? [{ node: literal, message: 'The http:// URL is defined here.' }] : []), ...relatedFor(items, call)],
      fixes: literal ? [schemeFix(literal, 'http', 'https')] : [],
      fingerprintKey: `${ctx.syntax.calleePath(call)} ${prefix}`,
    });
  },
};
