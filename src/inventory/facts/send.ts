/**
 * Data that leaves the application: HTTP clients (with the target's scheme and host), WebSockets, `sendBeacon`,
 * e-mail (SMTP, nodemailer, SendGrid) and third-party SDKs (payments, analytics, error tracking, messaging,
 * CRM, cloud storage, AI APIs).
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import type { SinkKind } from '../../core/types';
import { dataAt, dedupeItems, importsAny, lastSegment, recordItems, valueOf } from './common';
import { httpCall, type HttpCall } from '../../rules/transmission/clients';
import { urlValue } from '../../rules/transmission/urls';
import { headModule } from './store';

const JS_CLIENT = /^(fetch|axios|got|needle|superagent|request|ky|undici\.request|undici\.fetch|node-fetch|\$fetch|ofetch|(axios|got|superagent|request|ky|needle|\$|jQuery|http|https|client|api|instance|httpClient|this\.http|this\.httpClient|this\.client|apiClient|ofetch)\.(get|post|put|patch|delete|head|options|request|ajax|getJSON|post|fetch))$/;
const PY_CLIENT = /^(requests|httpx|session|s|client|http|aiohttp\.ClientSession\(\)|self\.session|self\.client|urllib3|pool|http_client)\.(get|post|put|patch|delete|head|options|request|urlopen|stream)$|^(urllib\.request\.|urllib2\.|request\.)?urlopen$|^(requests|httpx)\.(Request|request)$|^(urllib\.request\.)?Request$/;
const HTTP_MODULES = /^(axios|got|node-fetch|superagent|ky|undici|needle|requests|httpx|aiohttp|urllib3|ofetch)(\.|\/|$)/;
const URL_START = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(:\d+)?/i;

interface Sdk {
  module: RegExp;
  name: string;
  sink: SinkKind;
}

/** Third-party SDKs by module. Order matters: the first match names the SDK. */
const SDKS: readonly Sdk[] = [
  { module: /^stripe(\.|$)/, name: 'Stripe', sink: 'sdk' },
  { module: /^braintree(\.|$)/, name: 'Braintree', sink: 'sdk' },
  { module: /^(@paypal\/|paypalrestsdk)/, name: 'PayPal', sink: 'sdk' },
  { module: /^(plaid|@plaid)/, name: 'Plaid', sink: 'sdk' },
  { module: /^(@sentry\/|sentry_sdk)/, name: 'Sentry', sink: 'sdk' },
  { module: /^(@bugsnag\/|bugsnag)/, name: 'Bugsnag', sink: 'sdk' },
  { module: /^(rollbar)/, name: 'Rollbar', sink: 'sdk' },
  { module: /^(dd-trace|datadog|ddtrace|@datadog\/)/, name: 'Datadog', sink: 'sdk' },
  { module: /^(newrelic)/, name: 'New Relic', sink: 'sdk' },
  { module: /^(analytics-node|@segment\/|analytics$|segment\.analytics|analytics\.)/, name: 'Segment', sink: 'sdk' },
  { module: /^(mixpanel)/, name: 'Mixpanel', sink: 'sdk' },
  { module: /^(@amplitude\/|amplitude)/, name: 'Amplitude', sink: 'sdk' },
  { module: /^(posthog)/, name: 'PostHog', sink: 'sdk' },
  { module: /^(@hubspot\/|hubspot)/, name: 'HubSpot', sink: 'sdk' },
  { module: /^(intercom-client|python_intercom|intercom)/, name: 'Intercom', sink: 'sdk' },
  { module: /^(@mailchimp\/|mailchimp)/, name: 'Mailchimp', sink: 'email' },
  { module: /^(jsforce|simple_salesforce)/, name: 'Salesforce', sink: 'sdk' },
  { module: /^(twilio)/, name: 'Twilio', sink: 'sdk' },
  { module: /^(@sendgrid\/|sendgrid)/, name: 'SendGrid', sink: 'email' },
  { module: /^(nodemailer)/, name: 'SMTP (nodemailer)', sink: 'email' },
  { module: /^(smtplib)/, name: 'SMTP (smtplib)', sink: 'email' },
  { module: /^(postmark|mailgun|mailgun-js|mailgun\.js|@mailchimp\/mailchimp_transactional|resend)/, name: 'transactional e-mail', sink: 'email' },
  { module: /^(@aws-sdk\/client-s3|boto3|aws-sdk|@google-cloud\/storage|google\.cloud\.storage|@azure\/storage-blob|azure\.storage\.blob)/, name: 'cloud storage', sink: 'cloud-storage' },
  { module: /^(@aws-sdk\/client-sns|@aws-sdk\/client-ses|@aws-sdk\/client-sqs)/, name: 'AWS', sink: 'sdk' },
  { module: /^(kafkajs|kafka|confluent_kafka|amqplib|pika|@google-cloud\/pubsub|google\.cloud\.pubsub|bullmq|bull|celery)/, name: 'message queue', sink: 'queue' },
  { module: /^(firebase|firebase-admin|firebase_admin)/, name: 'Firebase', sink: 'sdk' },
  { module: /^(openai)(\.|$|\/)/, name: 'OpenAI', sink: 'sdk' },
  { module: /^(@anthropic-ai\/sdk|anthropic)/, name: 'Anthropic', sink: 'sdk' },
  { module: /^(@google\/generative-ai|google\.generativeai|@google\/genai)/, name: 'Google AI', sink: 'sdk' },
  { module: /^(algoliasearch|algoliasearch)/, name: 'Algolia', sink: 'sdk' },
  { module: /^(@elastic\/elasticsearch|elasticsearch)/, name: 'Elasticsearch', sink: 'sdk' },
];

const SDK_MODULES = new RegExp(SDKS.map((s) => s.module.source).join('|'));

/** Set-up and log-in calls of an SDK: the credentials they take configure the client, they are not data sent. */
const SETUP = /^(init|initialize|configure|config|setApiKey|set_api_key|setConfig|createTransport|createClient|Client|constructor|use|with_options|load|identify_init|login|auth|authenticate|starttls|connect|ehlo|helo|verify)$/;

/** Browser SDKs used through a global (a snippet in the page defines them): `analytics.identify(…)`, `gtag(…)`. */
const GLOBAL_SDKS: readonly { path: RegExp; name: string }[] = [
  { path: /^(window\.)?analytics\.(identify|track|page|group|alias|screen)$/, name: 'Segment' },
  { path: /^(window\.)?mixpanel\.(track|identify|register|alias|people\.set|people\.set_once)$/, name: 'Mixpanel' },
  { path: /^(window\.)?(gtag|ga)$/, name: 'Google Analytics' },
  { path: /^(window\.)?dataLayer\.push$/, name: 'Google Tag Manager' },
  { path: /^(window\.)?Intercom$/, name: 'Intercom' },
  { path: /^(window\.)?FS\.(identify|setUserVars|event)$/, name: 'FullStory' },
  { path: /^(window\.)?heap\.(identify|addUserProperties|track)$/, name: 'Heap' },
  { path: /^(window\.)?amplitude\.(track|setUserId|identify|logEvent)$/, name: 'Amplitude' },
  { path: /^(window\.)?posthog\.(identify|capture|people\.set)$/, name: 'PostHog' },
  { path: /^(window\.)?(Sentry)\.(setUser|setContext|setExtra|captureMessage)$/, name: 'Sentry' },
  { path: /^(window\.)?(hj)$/, name: 'Hotjar' },
];

/** `smtp.sendmail(…)` on `smtplib.SMTP(host)`: the mail server, and whether the session is encrypted. */
function smtpTarget(ctx: RuleContext, call: Node, receiver: Node): { target?: string; transport?: 'tls' | 'plain' } | undefined {
  const creation = valueOf(ctx, receiver);
  if (!ctx.syntax.isCall(creation)) return undefined;
  const made = ctx.flow.resolvedPath(creation);
  const m = /^smtplib\.(SMTP|SMTP_SSL|LMTP)$/.exec(made);
  if (!m) return undefined;
  const hostNode = ctx.syntax.kwarg(creation, 'host') ?? ctx.syntax.args(creation)[0];
  const host = hostNode ? ctx.syntax.stringValue(hostNode) : undefined;
  const scheme = m[1] === 'SMTP_SSL' ? 'smtps' : 'smtp';
  let tls = m[1] === 'SMTP_SSL';
  if (!tls) {
    // `smtp.starttls()` earlier in the same function
    const name = receiver.text;
    const scope = ctx.flow.scopeOf(call);
    tls = new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.starttls\\(`).test(ctx.file.text.slice(scope.startIndex, call.startIndex));
  }
  return { ...(host ? { target: `${scheme}://${host.toLowerCase()}` } : {}), transport: tls ? 'tls' : 'plain' };
}

/** `https://api.partner.com` (scheme and host) of a URL's static start. */
export function hostTarget(prefix: string | undefined): { target?: string; transport?: 'tls' | 'plain' } {
  if (prefix === undefined) return {};
  const m = URL_START.exec(prefix);
  if (!m) return prefix.startsWith('/') ? { target: '(same origin)' } : {};
  const scheme = m[1].toLowerCase();
  const transport = /^(https|wss|ftps|sftp|smtps)$/.test(scheme) ? 'tls' : /^(http|ws|ftp|smtp|telnet)$/.test(scheme) ? 'plain' : undefined;
  return { target: `${scheme}://${m[2].toLowerCase()}${m[3] ?? ''}`, ...(transport ? { transport } : {}) };
}

function urlArgument(ctx: RuleContext, call: Node, path: string): Node | undefined {
  const args = ctx.syntax.args(call);
  if (ctx.file.syntax === 'python') {
    const kw = ctx.syntax.kwarg(call, 'url');
    if (kw) return kw;
    if (/\.request$/.test(path) && args.length > 1 && /^[A-Z]+$/.test(ctx.syntax.stringValue(args[0]) ?? '')) return args[1];
    return args[0];
  }
  const first = args[0];
  if (!first) return undefined;
  if (/(^|\.)(request|needle|open)$/.test(path) && args.length > 1 && /^[a-z]+$/i.test(ctx.syntax.stringValue(first) ?? '')) return args[1];
  const obj = ctx.flow.objectLiteralOf(first);
  if (obj) return ctx.syntax.property(obj, 'url') ?? ctx.syntax.property(obj, 'uri') ?? ctx.syntax.property(obj, 'baseURL');
  return first;
}

/** The URL a call targets, with the base URL of an `axios.create({ baseURL })` instance in front of a relative path. */
function urlPrefix(ctx: RuleContext, call: Node, url: Node | undefined, receiver: Node | undefined): string | undefined {
  const prefix = url ? ctx.flow.staticPrefix(url) : undefined;
  if (receiver && (prefix === undefined || prefix.startsWith('/'))) {
    const r = valueOf(ctx, receiver);
    if (ctx.syntax.isCall(r) && /(^|\.)(create|extend)$/.test(ctx.syntax.calleePath(r))) {
      const opts = ctx.syntax.args(r)[0];
      const obj = opts ? ctx.flow.objectLiteralOf(opts) : undefined;
      const base = obj ? (ctx.syntax.property(obj, 'baseURL') ?? ctx.syntax.property(obj, 'prefixUrl') ?? ctx.syntax.property(obj, 'baseUrl')) : undefined;
      const basePrefix = base ? ctx.flow.staticPrefix(base) : undefined;
      if (basePrefix) return basePrefix + (prefix ?? '');
    }
  }
  return prefix;
}

/** The URL prefix of a request the transmission helpers recognised: its own absolute URL, or base + relative path. */
function sharedPrefix(ctx: RuleContext, req: HttpCall): string | undefined {
  const own = req.target ? urlValue(ctx, req.target) : undefined;
  if (own && /^[a-z][a-z0-9+.-]*:\/\//i.test(own.prefix)) return own.prefix;
  const base = req.base ? urlValue(ctx, req.base) : undefined;
  if (base) return base.prefix.replace(/\/$/, '') + (own ? (own.prefix.startsWith('/') ? own.prefix : `/${own.prefix}`) : '');
  if (req.hostArg) {
    const host = ctx.syntax.stringValue(req.hostArg);
    return host ? `http://${host}` : undefined;
  }
  return own?.prefix;
}

function isHttpClient(ctx: RuleContext, call: Node, path: string): boolean {
  const js = ctx.file.syntax === 'js';
  const resolved = ctx.flow.resolvedPath(call);
  if ((js ? JS_CLIENT : PY_CLIENT).test(path) || (js ? JS_CLIENT : PY_CLIENT).test(resolved)) return true;
  if (!/(^|\.)(get|post|put|patch|delete|request|send|fetch|stream)$/.test(path) || !importsAny(ctx, HTTP_MODULES)) return false;
  const mod = headModule(ctx, path, call);
  return !!mod && HTTP_MODULES.test(mod);
}

export function sendCall(ctx: RuleContext, call: Node): void {
  const e = ctx.syntax.expr(call);
  if (e.kind !== 'call') return;
  const path = e.path;
  if (path.startsWith('new ')) return;
  // HTTP clients: the transmission family's recogniser first (libraries, client instances, base URLs), then ours.
  const shared = httpCall(ctx, call);
  if (shared && !shared.creates) {
    const { target, transport } = hostTarget(sharedPrefix(ctx, shared));
    const items = dedupeItems(e.args.flatMap((a) => dataAt(ctx, a)));
    recordItems(ctx, call, items, { activity: 'sent', sink: 'http', why: `sent by \`${path}\` (${shared.library}) to ${target ?? 'a host not known statically'}`, ...(target ? { target } : {}), ...(transport ? { transport } : {}) });
    return;
  }
  if (!shared && isHttpClient(ctx, call, path)) {
    const url = urlArgument(ctx, call, path);
    const { target, transport } = hostTarget(urlPrefix(ctx, call, url, e.receiver));
    const items = dedupeItems(e.args.flatMap((a) => dataAt(ctx, a)));
    recordItems(ctx, call, items, { activity: 'sent', sink: 'http', why: `sent by \`${path}\` to ${target ?? 'a host not known statically'}`, ...(target ? { target } : {}), ...(transport ? { transport } : {}) });
    return;
  }
  // `navigator.sendBeacon(url, data)`
  if (/^(window\.)?navigator\.sendBeacon$/.test(path)) {
    const args = ctx.syntax.args(call);
    const { target, transport } = hostTarget(args[0] ? ctx.flow.staticPrefix(args[0]) : undefined);
    recordItems(ctx, call, dedupeItems(args.slice(1).flatMap((a) => dataAt(ctx, a))), { activity: 'sent', sink: 'http', why: `sent by \`navigator.sendBeacon\` to ${target ?? 'a host not known statically'}`, ...(target ? { target } : {}), ...(transport ? { transport } : {}) });
    return;
  }
  // WebSockets: `ws.send(data)` on `new WebSocket(url)`
  if (e.name === 'send' && e.receiver) {
    const r = valueOf(ctx, e.receiver);
    if (ctx.syntax.isCall(r) && /^new (WebSocket|ws|ReconnectingWebSocket|ws\.WebSocket)$/.test(ctx.flow.resolvedPath(r))) {
      const { target, transport } = hostTarget(ctx.syntax.args(r)[0] ? ctx.flow.staticPrefix(ctx.syntax.args(r)[0]) : undefined);
      recordItems(ctx, call, dedupeItems(e.args.flatMap((a) => dataAt(ctx, a))), { activity: 'sent', sink: 'websocket', why: `sent over a WebSocket to ${target ?? 'a host not known statically'}`, ...(target ? { target } : {}), ...(transport ? { transport } : {}) });
      return;
    }
  }
  // E-mail through an SMTP session
  if (/^(sendmail|send_message)$/.test(e.name) && e.receiver && importsAny(ctx, /^smtplib/)) {
    const smtp = smtpTarget(ctx, call, e.receiver);
    if (smtp) {
      recordItems(ctx, call, dedupeItems(e.args.flatMap((a) => dataAt(ctx, a))), { activity: 'sent', sink: 'email', why: `sent by e-mail through \`${path}\` to ${smtp.target ?? 'an SMTP server'}${smtp.transport === 'plain' ? ' without TLS' : ''}`, ...smtp });
      return;
    }
  }
  // Browser SDKs behind a global
  const global = GLOBAL_SDKS.find((g) => g.path.test(path));
  if (global && !ctx.flow.imports.has(path.replace(/^window\./, '').split('.')[0]) && !ctx.flow.definitionOf(path.replace(/^window\./, '').split('.')[0], call)) {
    recordItems(ctx, call, dedupeItems(e.args.flatMap((a) => dataAt(ctx, a))), { activity: 'sent', sink: 'sdk', target: global.name, why: `sent to ${global.name} by \`${path}\`` });
    return;
  }
  // Third-party SDKs (only in files that import one)
  if (!importsAny(ctx, SDK_MODULES)) return;
  const mod = headModule(ctx, path, call) ?? ctx.flow.resolvedPath(call);
  const sdk = SDKS.find((s) => s.module.test(mod));
  if (!sdk || SETUP.test(lastSegment(path)) || path === mod) return;
  const items = dedupeItems(e.args.flatMap((a) => dataAt(ctx, a)));
  recordItems(ctx, call, items, { activity: 'sent', sink: sdk.sink, target: sdk.name, why: `sent to ${sdk.name} by \`${path}\`` });
}
