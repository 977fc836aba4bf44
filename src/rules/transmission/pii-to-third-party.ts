import type { Node } from 'web-tree-sitter';
import type { TaintItem } from '../../core/flow';
import type { RuleContext, RuleDefinition } from '../../core/rule';
import type { Classification, DataCategory, Severity } from '../../core/types';
import { CATEGORY_RANK, capitalise, classificationsOf, describeData, importsAny, relatedFor } from '../common';
import { walk } from '../../core/syntax';
import { hostMatches } from '../hosts';
import { creationOf, fileConfidence, fileMentions, httpCall, normalisePath, receiverOf } from './clients';
import { urlTarget, urlValue } from './urls';
import { scriptRecords, scriptSdkOf, scriptValues, type ScriptSdk } from './pii-go-php-ruby';

/** A third-party SDK that sends what it is given to the vendor's servers (Go, PHP and Ruby: see pii-go-php-ruby.ts). */
interface Sdk extends ScriptSdk {
  vendor: string;
  /** The vendor's ingestion hosts (patterns): calls to them are the SDK's calls, and approving one approves the SDK. */
  hosts: string[];
  /** Calls matched against the callee path (imports resolved, `window.` dropped). */
  js?: RegExp;
  python?: RegExp;
  /** Client factories, and the data methods called on the clients they return. */
  jsFactory?: RegExp;
  pyFactory?: RegExp;
  methods?: RegExp;
  /** Java and C#: static calls (callee path, imports resolved), and client types with their data methods. */
  java?: RegExp;
  csharp?: RegExp;
  types?: RegExp;
  typedMethods?: RegExp;
  /** Java and C#: the file must name the vendor's package (`import com.posthog…`, `using PostHog;`) for a typed match. */
  gate?: RegExp;
}

const SDKS: readonly Sdk[] = [
  {
    vendor: 'Segment',
    hosts: ['*.segment.io', '*.segment.com', '*.rudderstack.com'],
    js: /^(analytics|rudderanalytics|@segment\/analytics-next\.analytics|analytics\.default)\.(identify|track|page|screen|group|alias)$/,
    python: /^(analytics|segment\.analytics|rudderstack\.analytics|rudder_analytics)\.(identify|track|page|screen|group|alias)$/,
    jsFactory: /^(new (@segment\/analytics-node\.Analytics|analytics-node|@rudderstack\/rudder-sdk-node)|@segment\/analytics-next\.AnalyticsBrowser\.load)$/,
    pyFactory: /^(segment\.analytics|analytics)\.Client$/,
    methods: /^(identify|track|page|screen|group|alias)$/,
    csharp: /^(Segment\.)?Analytics\.Client\.(Identify|Track|Page|Screen|Group|Alias)$/,
    types: /^(Analytics|(Segment\.)?IAnalyticsClient)$/,
    typedMethods: /^(enqueue|Identify|Track|Page|Screen|Group|Alias)$/,
    gate: /\bcom\.segment\.analytics\b|\busing\s+Segment\b/,
    goTypes: /^(analytics|segment)\.(Identify|Track|Page|Screen|Group|Alias)$/,
    goImport: /"(github\.com\/(segmentio|rudderlabs)\/analytics-go|gopkg\.in\/segmentio\/analytics-go)/,
    php: /^(Segment\\)?Segment\.(identify|track|page|screen|group|alias)$/,
    ruby: /^(Analytics|Segment\.Analytics)\.(identify|track|page|screen|group|alias)$/,
  },
  {
    vendor: 'Mixpanel',
    hosts: ['*.mixpanel.com'],
    js: /^(mixpanel|mixpanel-browser)\.(track|identify|register|register_once|alias|track_links|people\.(set|set_once|append|union|increment))$/,
    jsFactory: /^(mixpanel|mixpanel-browser)\.init$/,
    pyFactory: /^mixpanel\.Mixpanel$/,
    methods: /^(track|identify|register|register_once|alias|set|set_once|append|union|people_set|people_set_once|people_append|people_union|import_data)$/,
    types: /^(MessageBuilder|I?MixpanelClient)$/,
    typedMethods: /^(event|set|setOnce|append|union|increment|trackCharge|(Track|Alias|PeopleSet|PeopleSetOnce|PeopleAppend|PeopleUnion|PeopleAdd|Send)(Async)?)$/,
    gate: /\bcom\.mixpanel\b|\busing\s+Mixpanel\b/,
    goTypes: /^(\[\]\*?)?mixpanel\.(Event|Update|PeopleProperties)$/,
    goImport: /"github\.com\/(dukex\/mixpanel|vizualni\/mixpanel|mixpanel\/mixpanel-go)/,
  },
  {
    vendor: 'Google Analytics',
    hosts: ['*.google-analytics.com', '*.googletagmanager.com', 'analytics.google.com'],
    js: /^(gtag|ga|dataLayer\.push|ReactGA\.(event|set|send|gtag)|react-ga4?\.(event|set|send|gtag)|react-ga4?\.default\.(event|set|send|gtag))$/,
  },
  {
    vendor: 'Amplitude',
    hosts: ['*.amplitude.com'],
    js: /^(amplitude|@amplitude\/analytics-(browser|node|react-native)|amplitude\.getInstance\(\)|amplitude-js\.getInstance\(\))\.(track|logEvent|setUserId|setUserProperties|identify|setGroup|groupIdentify)$/,
    python: /^amplitude\.(track|identify)$/,
    pyFactory: /^amplitude\.Amplitude$/,
    methods: /^(track|identify|set_group|group_identify)$/,
    types: /^Amplitude$/,
    typedMethods: /^(logEvent|identify)$/,
    gate: /\bcom\.amplitude\b/,
  },
  {
    vendor: 'Sentry',
    hosts: ['*.sentry.io'],
    js: /^(Sentry|@sentry\/[\w-]+)\.(setUser|setContext|setExtra|setExtras|setTag|setTags|captureException|captureMessage|captureEvent|addBreadcrumb)$/,
    python: /^sentry_sdk\.(set_user|set_context|set_extra|set_tag|capture_message|capture_exception|capture_event|add_breadcrumb)$/,
    // Java's `Sentry.configureScope(scope -> scope.setUser(…))` is matched at the inner call.
    java: /^(io\.sentry\.)?Sentry\.(setUser|setExtra|setTag|setContexts?|captureMessage|captureException|captureEvent|addBreadcrumb)$/,
    csharp: /^(Sentry\.)?SentrySdk\.(SetUser|SetTag|SetTags|SetExtra|SetExtras|CaptureMessage|CaptureException|CaptureEvent|AddBreadcrumb|ConfigureScope|ConfigureScopeAsync)$/,
    // Go, PHP and Ruby scope callbacks (`sentry.ConfigureScope(func(scope *sentry.Scope) { scope.SetUser(…) })`) are matched at the inner call.
    go: /^sentry\.(CaptureMessage|CaptureEvent|AddBreadcrumb)$/,
    goImport: /"github\.com\/getsentry\/sentry-go"/,
    php: /^\\?Sentry\\(captureMessage|captureEvent|addBreadcrumb)$/,
    ruby: /^Sentry\.(set_user|set_extras|set_tags|set_context|capture_message|capture_event|add_breadcrumb)$|^Raven\.(user_context|extra_context|tags_context|capture_message)$/,
  },
  {
    vendor: 'Datadog',
    hosts: ['*.datadoghq.com', '*.datadoghq.eu', '*.ddog-gov.com', 'browser-intake-datadoghq.com'],
    js: /^(datadogRum|DD_RUM|@datadog\/browser-rum\.datadogRum)\.(setUser|setUserProperty|addAction|addError|setGlobalContextProperty|setGlobalContext|addTiming)$|^(datadogLogs|DD_LOGS|@datadog\/browser-logs\.datadogLogs)\.logger\.(log|debug|info|warn|error)$|^(dd-trace|dd-trace\.default|tracer)\.setUser$/,
    python: /^(ddtrace\.contrib\.trace_utils\.set_user|trace_utils\.set_user)$/,
  },
  {
    vendor: 'PostHog',
    hosts: ['*.posthog.com'],
    js: /^(posthog|posthog-js|posthog-js\.default)\.(identify|capture|alias|group|setPersonProperties|register|people\.set)$/,
    python: /^posthog\.(capture|identify|alias|set|group_identify)$/,
    jsFactory: /^new posthog-node\.PostHog$/,
    pyFactory: /^posthog\.Posthog$/,
    methods: /^(identify|capture|alias|set|group_identify|groupIdentify)$/,
    types: /^(PostHog|I?PostHogClient)$/,
    typedMethods: /^(capture|identify|alias|set|setOnce|groupIdentify|(Capture|CaptureEvent|Identify|Alias|GroupIdentify)(Async)?)$/,
    gate: /\bcom\.posthog\b|\busing\s+PostHog\b/,
    goTypes: /^posthog\.(Capture|Identify|Alias|GroupIdentify)$/,
    goImport: /"github\.com\/posthog\/posthog-go"/,
    php: /^(PostHog\\)?PostHog\.(capture|identify|alias|groupIdentify)$/,
  },
  { vendor: 'Heap', hosts: ['*.heapanalytics.com', '*.heap.io'], js: /^heap\.(identify|addUserProperties|track|addEventProperties)$/ },
  { vendor: 'FullStory', hosts: ['*.fullstory.com'], js: /^(FS|FullStory|@fullstory\/browser)\.(identify|setUserVars|event|setIdentity|setProperties)$/ },
  { vendor: 'LogRocket', hosts: ['*.logrocket.io', '*.lr-ingest.io', '*.logrocket.com'], js: /^(LogRocket|logrocket|logrocket\.default)\.(identify|track|captureMessage|captureException)$/ },
  { vendor: 'Hotjar', hosts: ['*.hotjar.com', '*.hotjar.io'], js: /^(hj|(Hotjar|@hotjar\/browser)\.(identify|event))$/ },
  {
    vendor: 'Bugsnag',
    hosts: ['*.bugsnag.com'],
    js: /^(Bugsnag|@bugsnag\/js|@bugsnag\/[\w-]+)\.(setUser|notify|leaveBreadcrumb|addMetadata)$/,
    python: /^bugsnag\.(notify|configure_request)$/,
    types: /^(Bugsnag|(Bugsnag\.)?I?Client)$/,
    typedMethods: /^(notify|setUser|addCallback|Notify)$/,
    gate: /\bcom\.bugsnag\b|\busing\s+Bugsnag\b/,
  },
  {
    vendor: 'Rollbar',
    hosts: ['*.rollbar.com'],
    js: /^(Rollbar|rollbar)\.(configure|log|debug|info|warning|warn|error|critical)$/,
    python: /^rollbar\.(report_message|report_exc_info)$/,
    jsFactory: /^new rollbar$/,
    methods: /^(configure|log|debug|info|warning|warn|error|critical)$/,
    csharp: /^(Rollbar\.)?RollbarLocator\.RollbarInstance\.(Log|Critical|Error|Warning|Info|Debug)$/,
    types: /^I?Rollbar$/,
    typedMethods: /^(log|debug|info|warning|error|critical|Log|Critical|Error|Warning|Info|Debug)$/,
    gate: /\bcom\.rollbar\b|\busing\s+Rollbar\b/,
  },
  { vendor: 'Meta Pixel', hosts: ['*.facebook.com', '*.facebook.net'], js: /^fbq$/ },
  { vendor: 'Intercom', hosts: ['*.intercom.io', '*.intercomcdn.com'], js: /^(Intercom|@intercom\/messenger-js-sdk(\.default|\.update|\.boot)?)$/ },
];

/** Any SDK client's data method, and the modules whose factories create such clients (cheap gates). */
/** The SDKs' names, as the keyword gate looks for them (see the rule's `keywords`). */
const SDK_WORDS = 'analytics|segment|mixpanel|gtag|\\bga\\(|amplitude|sentry|Raven|datadog|DD_RUM|dd-trace|ddtrace|posthog|heap\\.|FS\\.|FullStory|LogRocket|hotjar|\\bhj\\(|bugsnag|rollbar|fbq|dataLayer|Intercom';
/** Each vendor host without its top-level domain (`*.segment.io` -> `segment`): what a URL to it must name. */
const VENDOR_HOST_NAMES = [...new Set(SDKS.flatMap((s) => s.hosts.map((h) => stripStar(h).replace(/\.[^.]+$/, '').toLowerCase())))]
  .filter((name) => !SDK_WORDS.toLowerCase().split('|').includes(name))
  .map((name) => name.replace(/[.-]/g, '\\$&'))
  .join('|');
/**
 * Every vendor host without its `*.` (`segment.io`), in any case: a request's host is one of the file's strings, so
 * without one of these no request of the file goes to a vendor (see checkRequest; hostMatches compares in lower case).
 */
const VENDOR_HOSTS = new RegExp([...new Set(SDKS.flatMap((s) => s.hosts.map(stripStar)))].map((h) => h.replace(/[.-]/g, '\\$&')).join('|'), 'i');

/** Every SDK's JS / Python callee paths in one regex: most calls of a file are no SDK's, one test each rules them out. */
const ANY_JS_SDK = new RegExp(SDKS.flatMap((s) => (s.js ? [`(?:${s.js.source})`] : [])).join('|'));
const ANY_PYTHON_SDK = new RegExp(SDKS.flatMap((s) => (s.python ? [`(?:${s.python.source})`] : [])).join('|'));
const FACTORY_METHODS = new RegExp(SDKS.filter((s) => s.methods).map((s) => (s.methods as RegExp).source).join('|'));
/** SDK clients come from factories of imported modules: they are looked up only in files that import one. */
const FACTORY_MODULES = /^(mixpanel|mixpanel-browser|analytics-node|@segment\/|segment\.analytics|analytics$|@rudderstack\/|rudderstack|posthog|posthog-node|rollbar|amplitude)/;

/** Names of whole records about a person: passing the object sends every field it has. */
const RECORD_NAMES = /^(user|currentUser|current_user|customer|patient|profile|userProfile|user_profile|member|person|contact|employee|me|account|client)$/;

function stripStar(h: string): string {
  return h.replace(/^\*\./, '');
}

/** True when the team approved the vendor (any of its hosts) in `hosts.approved`. */
export function vendorApproved(sdk: Sdk, approved: readonly string[] | undefined): boolean {
  if (!approved) return false;
  return approved.some((a) => sdk.hosts.some((h) => hostMatches(stripStar(h), [a]) || hostMatches(stripStar(a), [h])));
}

function vendorOfHost(host: string): Sdk | undefined {
  return SDKS.find((s) => hostMatches(host, s.hosts));
}

const JVM = new Set(['java', 'csharp']);
const SCRIPT = new Set(['go', 'php', 'ruby']);

/** Java and C#: the declared types (simple names) of the file's parameters, locals, fields and properties, by name. */
function declaredTypes(ctx: RuleContext): Map<string, Set<string>> {
  let m = ctx.state.get('declared-types') as Map<string, Set<string>> | undefined;
  if (m) return m;
  const types = new Map<string, Set<string>>();
  m = types;
  const simple = (t: string): string => {
    const bare = t.replace(/<[^]*$/, '').replace(/\?$/, '').trim();
    return bare.slice(bare.lastIndexOf('.') + 1);
  };
  const add = (name: string | undefined, type: Node | null | undefined, value?: Node | null): void => {
    if (!name || !type) return;
    let t = type.text;
    // `var client = new PostHog.Builder(key).build()` / `var mc = new MixpanelClient(token)`: the created type.
    if ((t === 'var' || type.type === 'implicit_type') && value?.type === 'object_creation_expression') t = value.childForFieldName('type')?.text ?? t;
    const set = types.get(name) ?? new Set<string>();
    set.add(simple(t));
    types.set(name, set);
  };
  walk(ctx.root, (n) => {
    if (n.type === 'formal_parameter' || n.type === 'parameter' || n.type === 'property_declaration') {
      add(n.childForFieldName('name')?.text, n.childForFieldName('type'));
    } else if (n.type === 'variable_declarator') {
      const decl = n.parent;
      const value = n.childForFieldName('value') ?? n.namedChildren.find((c) => c?.type === 'object_creation_expression');
      if (decl && /^(local_variable_declaration|field_declaration|variable_declaration)$/.test(decl.type)) add(n.childForFieldName('name')?.text, decl.childForFieldName('type'), value);
    }
    return true;
  });
  ctx.state.set('declared-types', m);
  return m;
}

/** Java and C#: the declared types of a call's receiver (`posthog`, `this.posthog`, `_posthog`, `Amplitude.getInstance()`). */
function receiverTypes(ctx: RuleContext, receiver: Node): Set<string> {
  if (ctx.syntax.isCall(receiver)) {
    const path = ctx.syntax.calleePath(receiver);
    return /^[A-Z]\w*\.(getInstance|instance|Instance|get)$/.test(path) ? new Set([path.split('.')[0]]) : new Set();
  }
  const name = receiver.text.replace(/^this\s*\.\s*/, '');
  if (!/^\w+$/.test(name)) return new Set();
  return declaredTypes(ctx).get(name) ?? new Set();
}

function jvmSdkOf(ctx: RuleContext, call: Node, written: string, resolved: string): Sdk | undefined {
  const java = ctx.file.syntax === 'java';
  for (const sdk of SDKS) {
    const re = java ? sdk.java : sdk.csharp;
    if (re && (re.test(resolved) || re.test(written))) return sdk;
  }
  // Sentry's scope callbacks: `Sentry.configureScope(scope -> scope.setUser(…))`.
  if (/^(scope|currentScope|s)\.(setUser|setContexts?|setExtra|setTag)$/.test(written)) {
    return fileMentions(ctx, 'sentry', /sentry/i) ? SDKS.find((s) => s.vendor === 'Sentry') : undefined;
  }
  const e = ctx.syntax.expr(call);
  if (e.kind !== 'call' || !e.receiver) return undefined;
  const method = e.name;
  const candidates = SDKS.filter((s) => s.typedMethods?.test(method) && s.gate && fileMentions(ctx, `gate:${s.vendor}`, s.gate));
  if (candidates.length === 0) return undefined;
  const types = [...receiverTypes(ctx, e.receiver)];
  return candidates.find((s) => types.some((t) => s.types?.test(t)));
}

function sdkOf(ctx: RuleContext, call: Node): Sdk | undefined {
  if (JVM.has(ctx.file.syntax)) return jvmSdkOf(ctx, call, ctx.syntax.calleePath(call), ctx.flow.resolvedPath(call));
  if (SCRIPT.has(ctx.file.syntax)) return scriptSdkOf(ctx, call, SDKS);
  const python = ctx.file.syntax === 'python';
  const written = normalisePath(ctx.syntax.calleePath(call));
  const resolved = normalisePath(ctx.flow.resolvedPath(call));
  const any = python ? ANY_PYTHON_SDK : ANY_JS_SDK;
  for (const sdk of any.test(resolved) || any.test(written) ? SDKS : []) {
    const re = python ? sdk.python : sdk.js;
    if (re && (re.test(resolved) || re.test(written))) return sdk;
  }
  // Sentry's scope callbacks: `Sentry.withScope((scope) => scope.setUser(…))`.
  if (/^(scope|currentScope|isolationScope)\.(setUser|setContext|setExtra|setExtras|setTag|setTags|set_user|set_context|set_extra|set_tag)$/.test(written)) {
    return fileMentions(ctx, 'sentry', /sentry/i) ? SDKS.find((s) => s.vendor === 'Sentry') : undefined;
  }
  // Methods on a client an SDK factory returned (`const mp = Mixpanel.init(token); mp.track(…)`).
  const method = written.slice(written.lastIndexOf('.') + 1);
  if (!FACTORY_METHODS.test(method) || !importsAny(ctx, FACTORY_MODULES)) return undefined;
  const receiver = receiverOf(call);
  if (!receiver) return undefined;
  const base = receiver.type === 'member_expression' && /\.people$/.test(receiver.text) ? receiver.childForFieldName('object') ?? receiver : receiver;
  const creation = creationOf(ctx, base);
  if (!creation) return undefined;
  const factory = normalisePath(ctx.flow.resolvedPath(creation));
  return SDKS.find((s) => (python ? s.pyFactory : s.jsFactory)?.test(factory) && s.methods?.test(method));
}

interface Sent {
  items: TaintItem[];
  /** Whole person records passed as they are (`Sentry.setUser(user)`). */
  records: Node[];
}

/**
 * Java and C#: the values a call hands over, followed into builder chains (`IdentifyMessage.builder().traits(…)`),
 * callbacks (`report -> report.setUser(id, email, name)`, `scope => { scope.User = new SentryUser { … } }`),
 * collection initialisers, and what was put into an argument variable before the call (`props.put("ssn", …)`,
 * `user.setEmail(…)`, `props["phone"] = …`).
 */
function jvmValues(ctx: RuleContext, call: Node): Node[] {
  const out: Node[] = [];
  const names = new Set<string>();
  for (const arg of ctx.syntax.args(call)) {
    out.push(arg);
    if (arg.type === 'identifier') names.add(arg.text);
    walk(arg, (d) => {
      if (d !== arg && ctx.syntax.isCall(d)) out.push(...ctx.syntax.args(d));
      else if (d.type === 'assignment_expression') {
        const right = d.childForFieldName('right');
        if (right) out.push(right);
      } else if (d.type === 'initializer_expression') {
        for (const c of d.namedChildren) if (c && c.type !== 'initializer_expression' && c.type !== 'assignment_expression') out.push(c);
      }
      return true;
    });
  }
  if (names.size === 0) return out;
  const scope = ctx.flow.scopeOf(call);
  const MUTATORS = /^(put|putAll|add|addProperty|append|set[A-Z]\w*|with[A-Z]\w*|Add|TryAdd|Set[A-Z]?\w*)$/;
  walk(scope, (d) => {
    if (d.startIndex >= call.startIndex) return false;
    if (ctx.syntax.isCall(d)) {
      const e = ctx.syntax.expr(d);
      if (e.kind === 'call' && e.receiver && names.has(e.receiver.text) && MUTATORS.test(e.name)) out.push(...e.args);
    } else if (d.type === 'assignment_expression') {
      const left = d.childForFieldName('left');
      const right = d.childForFieldName('right');
      const base = left?.childForFieldName('expression') ?? left?.childForFieldName('object') ?? left?.childForFieldName('array');
      if (right && base && names.has(base.text)) {
        out.push(right);
        // `props["email"] = user.Id`: the key names the data.
        if (left) out.push(left);
      }
    }
    return true;
  });
  return out;
}

function jvmSentTo(ctx: RuleContext, call: Node, categories?: readonly DataCategory[]): Sent {
  const seen = new Set<string>();
  const items: TaintItem[] = [];
  for (const v of jvmValues(ctx, call)) {
    for (const item of ctx.flow.sensitive(v, categories ? { categories } : {})) {
      const key = `${item.origin.id}|${item.classification.type}`;
      if (seen.has(key)) continue;
      seen.add(key);
      items.push(item);
    }
  }
  // The typed SDKs take their own user / property types, so an argument is never a whole entity sent as it is.
  return { items, records: [] };
}

/** Go, PHP and Ruby: what the call's arguments, message literals, arrays and hashes hold. */
function scriptSentTo(ctx: RuleContext, call: Node, categories?: readonly DataCategory[]): Sent {
  const seen = new Set<string>();
  const items: TaintItem[] = [];
  for (const v of scriptValues(ctx, call)) {
    for (const item of ctx.flow.sensitive(v, categories ? { categories } : {})) {
      const key = `${item.origin.id}|${item.classification.type}`;
      if (seen.has(key)) continue;
      seen.add(key);
      items.push(item);
    }
  }
  return { items, records: ctx.file.syntax === 'go' ? [] : scriptRecords(ctx, call, RECORD_NAMES) };
}

function sentTo(ctx: RuleContext, call: Node, categories?: readonly DataCategory[]): Sent {
  if (JVM.has(ctx.file.syntax)) return jvmSentTo(ctx, call, categories);
  if (SCRIPT.has(ctx.file.syntax)) return scriptSentTo(ctx, call, categories);
  const e = ctx.syntax.expr(call);
  const args = e.kind === 'call' ? e.args : [];
  const items = args.flatMap((a) => ctx.flow.sensitive(a, categories ? { categories } : {}));
  const records = args.filter((a) => {
    const t = a.type === 'member_expression' || a.type === 'attribute' ? (a.childForFieldName(a.type === 'attribute' ? 'attribute' : 'property')?.text ?? '') : a.type === 'identifier' ? a.text : '';
    return RECORD_NAMES.test(t);
  });
  return { items, records };
}

function severityOf(items: TaintItem[]): Severity {
  const top = Math.max(0, ...items.map((i) => CATEGORY_RANK[i.classification.category]));
  return top >= 4 ? 'error' : 'warning';
}

function describe(ctx: RuleContext, sent: Sent): string {
  const parts: string[] = [];
  if (sent.items.length) parts.push(describeData(ctx, sent.items));
  if (sent.records.length) parts.push(`the whole \`${sent.records[0].text}\` record`);
  return parts.join(' and ');
}

function recordClassification(node: Node): Classification {
  return { type: 'personal_record', category: 'personal', explanation: `\`${node.text}\` is a whole record about a person: every field it has is sent`, by: 'name' };
}

function reportSent(ctx: RuleContext, call: Node, sent: Sent, to: string, approvedList: boolean, fingerprint: string): void {
  const what = describe(ctx, sent);
  const notApproved = approvedList ? ', which is not on the team\'s approved hosts list (`hosts.approved` in .sealant.yml)' : ' (a third party)';
  ctx.report({
    node: call,
    message: `${capitalise(what)} ${new Set(sent.items.map((i) => i.classification.type)).size + sent.records.length > 1 ? 'are' : 'is'} sent to ${to}${notApproved}.`,
    severity: sent.items.length ? severityOf(sent.items) : 'warning',
    confidence: fileConfidence(ctx, sent.items.length ? 'high' : 'medium'),
    classifications: [...classificationsOf(sent.items), ...sent.records.map(recordClassification)],
    related: relatedFor(sent.items, call),
    fingerprintKey: fingerprint,
  });
}

function checkSdk(ctx: RuleContext, call: Node, sdk: Sdk): void {
  const approved = ctx.hosts.approved;
  if (vendorApproved(sdk, approved)) return;
  const sent = sentTo(ctx, call);
  if (sent.items.length === 0 && sent.records.length === 0) return;
  reportSent(ctx, call, sent, sdk.vendor, !!approved, `${ctx.syntax.calleePath(call)} ${sdk.vendor}`);
}

/** `sentry_sdk.init(send_default_pii=True)` / `Sentry.init({ sendDefaultPii: true })`: the SDK attaches users, cookies and IPs. */
function checkSentryInit(ctx: RuleContext, call: Node): boolean {
  if (JVM.has(ctx.file.syntax)) return checkJvmSentryInit(ctx, call);
  if (SCRIPT.has(ctx.file.syntax)) return checkScriptSentryInit(ctx, call);
  if (!/\.init$/.test(ctx.syntax.calleePath(call))) return false;
  const path = normalisePath(ctx.flow.resolvedPath(call));
  if (!/^(sentry_sdk|Sentry|@sentry\/[\w-]+)\.init$/.test(path) && !/^(sentry_sdk|Sentry)\.init$/.test(ctx.syntax.calleePath(call))) return false;
  const sdk = SDKS.find((s) => s.vendor === 'Sentry') as Sdk;
  if (vendorApproved(sdk, ctx.hosts.approved)) return true;
  const first = ctx.syntax.args(call)[0];
  const options = first ? ctx.flow.objectLiteralOf(first) : undefined;
  const flag = ctx.syntax.kwarg(call, 'send_default_pii') ?? (options ? ctx.syntax.property(options, 'sendDefaultPii') : undefined);
  if (flag?.type !== 'true') return true;
  ctx.report({
    node: flag.parent ?? call,
    message: `Sentry is initialised with ${flag.parent?.text ?? 'sendDefaultPii'}: it attaches user ids, emails, IP addresses, cookies and request bodies to every event sent to Sentry${ctx.hosts.approved ? ', which is not on the team\'s approved hosts list' : ' (a third party)'}.`,
    severity: 'warning',
    confidence: fileConfidence(ctx, 'high'),
  });
  return true;
}

/**
 * Go `sentry.Init(sentry.ClientOptions{SendDefaultPII: true})`, PHP `\Sentry\init(['send_default_pii' => true])`,
 * Ruby `config.send_default_pii = true` (in `Sentry.init do |config| … end`).
 */
function checkScriptSentryInit(ctx: RuleContext, node: Node): boolean {
  let flag: Node | undefined;
  if (node.type === 'assignment') {
    flag = node.childForFieldName('right') ?? undefined;
  } else {
    const path = ctx.syntax.calleePath(node);
    const arg = ctx.syntax.args(node)[0];
    if (ctx.file.syntax === 'go' && path === 'sentry.Init') {
      const body = arg?.type === 'composite_literal' ? arg.childForFieldName('body') : undefined;
      const entry = body?.namedChildren.find((c) => c?.type === 'keyed_element' && c.namedChildren[0]?.text === 'SendDefaultPII');
      flag = entry?.namedChildren[1] ?? undefined;
    } else if (ctx.file.syntax === 'php' && /^\\?Sentry\\init$/.test(path)) {
      const options = arg ? ctx.flow.objectLiteralOf(arg) : undefined;
      flag = options ? ctx.syntax.property(options, 'send_default_pii') : undefined;
    } else {
      return false;
    }
  }
  if (!flag || !/^true$/i.test(flag.text) || !fileMentions(ctx, 'sentry', /sentry/i)) return true;
  if (vendorApproved(SDKS.find((s) => s.vendor === 'Sentry') as Sdk, ctx.hosts.approved)) return true;
  // The `send_default_pii = true` assignment, the `SendDefaultPII: true` field or the `'send_default_pii' => true` entry.
  const at = node.type === 'assignment' ? node : (flag.parent?.type === 'literal_element' ? flag.parent.parent : flag.parent) ?? flag;
  ctx.report({
    node: at,
    message: `Sentry is configured with ${at.text.replace(/\s+/g, ' ')}: it attaches user ids, emails, IP addresses, cookies and request bodies to every event sent to Sentry${ctx.hosts.approved ? ', which is not on the team\'s approved hosts list' : ' (a third party)'}.`,
    severity: 'warning',
    confidence: fileConfidence(ctx, 'high'),
  });
  return true;
}

/** Java `options.setSendDefaultPii(true)`, C# `o.SendDefaultPii = true` / `new SentryOptions { SendDefaultPii = true }`. */
function checkJvmSentryInit(ctx: RuleContext, node: Node): boolean {
  let flag: Node | undefined;
  if (node.type === 'assignment_expression') {
    const left = node.childForFieldName('left');
    if (!/(^|\.)SendDefaultPii$/.test(left?.text.replace(/\s+/g, '') ?? '')) return true;
    flag = node.childForFieldName('right') ?? undefined;
  } else {
    const e = ctx.syntax.expr(node);
    if (e.kind !== 'call' || e.name !== 'setSendDefaultPii') return false;
    flag = e.args[0];
  }
  if (!flag || !/^true$/.test(flag.text) || !fileMentions(ctx, 'sentry', /sentry/i)) return true;
  if (vendorApproved(SDKS.find((s) => s.vendor === 'Sentry') as Sdk, ctx.hosts.approved)) return true;
  ctx.report({
    node,
    message: `Sentry is configured with ${node.text.replace(/\s+/g, ' ')}: it attaches user ids, emails, IP addresses, cookies and request bodies to every event sent to Sentry${ctx.hosts.approved ? ', which is not on the team\'s approved hosts list' : ' (a third party)'}.`,
    severity: 'warning',
    confidence: fileConfidence(ctx, 'high'),
  });
  return true;
}

const NOT_CREDENTIALS: readonly DataCategory[] = ['government_id', 'financial', 'contact', 'personal', 'health', 'biometric', 'location'];

function checkRequest(ctx: RuleContext, call: Node): void {
  const req = httpCall(ctx, call);
  if (!req || req.creates || !req.target) return;
  const own = urlValue(ctx, req.target);
  const absolute = own && /^[a-z][a-z0-9+.-]*:\/\//i.test(own.prefix);
  const t = absolute ? urlTarget(ctx, req.target) : req.base ? urlTarget(ctx, req.base) : undefined;
  if (!t || t.kind !== 'public' || !t.host || !/^(https?|wss?)$/.test(t.scheme)) return;
  const vendor = vendorOfHost(t.host);
  const approved = ctx.hosts.approved;
  if (vendor) {
    if (vendorApproved(vendor, approved)) return;
    const sent = sentTo(ctx, call);
    if (sent.items.length) reportSent(ctx, call, { items: sent.items, records: [] }, `${vendor.vendor} at ${t.host}`, !!approved, `${ctx.syntax.calleePath(call)} ${t.host}`);
    return;
  }
  // Any other external host: only once the team lists the hosts it approved.
  if (!approved || hostMatches(t.host, approved)) return;
  const sent = sentTo(ctx, call, NOT_CREDENTIALS);
  if (sent.items.length === 0) return;
  reportSent(ctx, call, { items: sent.items, records: [] }, t.host, true, `${ctx.syntax.calleePath(call)} ${t.host}`);
}

export const piiToThirdParty: RuleDefinition = {
  id: 'transmission/pii-to-third-party',
  family: 'transmission',
  title: 'Personal data sent to a third party',
  description: 'Classified personal data is handed to an analytics, advertising or error-tracking SDK (Segment, Mixpanel, Google Analytics, Amplitude, Sentry, Datadog, PostHog, …), or sent to an external host that is not on the team\'s approved list.',
  severity: 'warning',
  confidence: 'high',
  cwe: [359],
  owasp: ['A01:2021 Broken Access Control', 'A04:2021 Insecure Design'],
  standards: ['GDPR Art. 5(1)(b)-(c), Art. 28, Art. 44', 'CCPA 1798.100', 'PCI DSS 3.2.1'],
  fixable: false,
  keywords: `${SDK_WORDS}|https?://`,
  // Without approved hosts, a request is reported only when it goes to a vendor's host: its name instead of any URL.
  keywordsUnlessApprovedHosts: `${SDK_WORDS}|${VENDOR_HOST_NAMES}`,
  guidance: {
    why: 'Analytics, advertising and error-tracking vendors keep what they receive on their own servers, often in other countries, for their own retention periods, and show it to everyone with access to the dashboard. Emails, names, phone numbers, government ids or health data sent there need a legal basis, a data-processing agreement and a line in the privacy notice (GDPR Art. 5, 28, 44; CCPA), and they are out of reach of deletion requests. An error for government ids, payment, health and biometric data and credentials; a warning for contact and other personal data, and for a whole user record passed as it is (`Sentry.setUser(user)`). Once the team config lists approved hosts (`hosts.approved` in `.sealant.yml`), personal data sent to any external host that is not on the list is reported too, and a vendor whose hosts are approved (`*.sentry.io`) is no longer reported. In Java and C#, SDK clients are recognised by their declared types (`PostHog`, `MessageBuilder`, `IPostHogClient`, `MixpanelClient`, …) in files that import the vendor\'s package, and what was put into a properties map or user object before the call (`props.put("email", …)`, `user.setEmail(…)`) counts as sent. In Go, PHP and Ruby the SDK\'s message literals (`analytics.Identify{…}`, `sentry.User{…}`), arrays and hashes are followed, with what was put into them before the call (`traits.SetEmail(…)`, `$props[\'email\'] = …`), and so are clients made by the vendor\'s factory (`Mixpanel::Tracker.new`, `Mixpanel::getInstance`); Go SDK types count only in files that import the vendor\'s package. Test code is not reported.',
    bad: "analytics.identify(user.id, { email: user.email, phone: user.phone });\nSentry.setUser({ id: user.id, email: user.email });",
    good: "analytics.identify(user.id, { plan: user.plan });\nSentry.setUser({ id: user.id });",
    fix: 'Send an opaque id instead of the data (the user id, or a keyed hash of it), drop the personal fields, or turn on the vendor\'s masking. If the vendor is approved (a DPA is signed, the privacy notice names it), add its host to `hosts.approved` in `.sealant.yml`.',
  },
  queries: {
    // The awaited callee in a pattern of its own: the first is the log and storage rules' call pattern, run once for all.
    js: `(call_expression function: [(identifier) (member_expression)] arguments: (arguments)) @call
(call_expression function: (await_expression) arguments: (arguments)) @call`,
    python: `(call function: [(identifier) (attribute)] arguments: (argument_list)) @call`,
    java: `(method_invocation arguments: (argument_list)) @call`,
    csharp: `(invocation_expression arguments: (argument_list)) @call
(assignment_expression left: [(member_access_expression name: (identifier) @prop) (identifier) @prop] (#eq? @prop "SendDefaultPii")) @call`,
    go: `(call_expression function: (selector_expression) arguments: (argument_list)) @call`,
    php: `[(function_call_expression) (member_call_expression) (scoped_call_expression)] @call`,
    ruby: `(call method: (identifier) arguments: (argument_list)) @call
(assignment left: (call method: (identifier) @prop (#eq? @prop "send_default_pii")) right: (true)) @call`,
  },
  check(match, ctx) {
    const call = match.get('call');
    if (!call || ctx.file.pathKind === 'test') return;
    if (checkSentryInit(ctx, call)) return;
    const sdk = sdkOf(ctx, call);
    if (sdk) return checkSdk(ctx, call, sdk);
    // Without approved hosts only a vendor's host is reported: the HTTP-call look-up is skipped in files that name none.
    if (ctx.hosts.approved || fileMentions(ctx, 'vendor-hosts', VENDOR_HOSTS)) checkRequest(ctx, call);
  },
};
