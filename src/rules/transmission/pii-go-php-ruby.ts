/**
 * Go, PHP and Ruby for `transmission/pii-to-third-party`: which calls hand data to an analytics or error-tracking
 * SDK, and which values such a call (or an HTTP request) sends.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import { walk } from '../../core/syntax';
import { fileMentions } from './clients';

export type ScriptLanguage = 'go' | 'php' | 'ruby';

/** What the rule's SDK table holds for these languages. */
export interface ScriptSdk {
  vendor: string;
  /** Static calls by callee path, per language (`Sentry.set_user`, `Segment.identify`, `sentry.CaptureMessage`). */
  go?: RegExp;
  php?: RegExp;
  ruby?: RegExp;
  /** Go: the message types the client's `Enqueue` / `Track` / `Update` take (`analytics.Identify{…}`). */
  goTypes?: RegExp;
  /** Go: the vendor's import path, which the file must name for `goTypes` or `go` to count. */
  goImport?: RegExp;
}

/** PHP and Ruby client factories, and the data methods (relative to the client) of the clients they return. */
const FACTORIES: readonly { language: ScriptLanguage; vendor: string; factory: RegExp; methods: RegExp }[] = [
  { language: 'php', vendor: 'Mixpanel', factory: /^(Mixpanel\.getInstance|new Mixpanel)$/, methods: /^(track|identify|register|registerOnce|registerAll|createAlias|people\.(set|setOnce|append|increment|trackCharge))$/ },
  { language: 'ruby', vendor: 'Mixpanel', factory: /^Mixpanel\.Tracker\.new$/, methods: /^(track|import|alias|people\.(set|set_once|append|union|increment|track_charge))$/ },
  { language: 'ruby', vendor: 'Segment', factory: /^(Segment\.Analytics|SimpleSegment\.Client|Rudder\.Analytics)\.new$/, methods: /^(identify|track|page|screen|group|alias)$/ },
  { language: 'ruby', vendor: 'PostHog', factory: /^PostHog\.Client\.new$/, methods: /^(capture|identify|alias|group_identify)$/ },
];

/** Sentry scope callbacks: `scope.SetUser(…)` (Go), `$scope->setUser(…)` (PHP), `scope.set_user(…)` (Ruby). */
const SCOPE_CALLS = /^(scope|s|hub\.Scope\(\)|sentry\.CurrentHub\(\)\.Scope\(\))\.(SetUser|SetExtra|SetExtras|SetTag|SetTags|SetContext|setUser|setExtra|setExtras|setTag|setTags|setContext|set_user|set_extras|set_tags|set_context)$/;

function argumentList(call: Node): Node | undefined {
  return call.childForFieldName('arguments') ?? call.namedChildren.find((c) => c?.type === 'arguments' || c?.type === 'argument_list') ?? undefined;
}

/** Go: a composite literal argument (`analytics.Identify{…}`, `&mixpanel.Update{…}`) of one of an SDK's message types. */
function goMessageSdk<T extends ScriptSdk>(ctx: RuleContext, call: Node, sdks: readonly T[]): T | undefined {
  for (const arg of argumentList(call)?.namedChildren ?? []) {
    let a: Node | null = arg;
    if (a?.type === 'unary_expression') a = a.childForFieldName('operand');
    // `msg := analytics.Track{…}; client.Enqueue(msg)`
    if (a?.type === 'identifier') a = ctx.flow.definitionOf(a.text, call)?.value ?? a;
    if (a?.type === 'unary_expression') a = a.childForFieldName('operand');
    if (a?.type !== 'composite_literal') continue;
    const type = a.childForFieldName('type')?.text ?? '';
    const sdk = sdks.find((s) => s.goTypes?.test(type) && s.goImport && fileMentions(ctx, `go-import:${s.vendor}`, s.goImport));
    if (sdk) return sdk;
  }
  return undefined;
}

/**
 * Ruby `@tracker = Mixpanel::Tracker.new(…)` and PHP `$this->mixpanel = Mixpanel::getInstance(…)`: the calls assigned to
 * instance variables / properties anywhere in the file, by callee-path head (`@tracker`, `this.mixpanel`).
 */
function memberCreations(ctx: RuleContext): Map<string, Node[]> {
  let m = ctx.state.get('member-creations') as Map<string, Node[]> | undefined;
  if (m) return m;
  const found = new Map<string, Node[]>();
  m = found;
  walk(ctx.root, (d) => {
    if (d.type !== 'assignment' && d.type !== 'assignment_expression') return true;
    const left = d.childForFieldName('left');
    const right = d.childForFieldName('right');
    if (!left || !right || !ctx.syntax.isCall(right)) return true;
    let key: string | undefined;
    if (left.type === 'instance_variable') key = left.text;
    else if (left.type === 'member_access_expression' && left.childForFieldName('object')?.text === '$this') key = `this.${left.childForFieldName('name')?.text ?? ''}`;
    if (key) found.set(key, [...(found.get(key) ?? []), right]);
    return true;
  });
  ctx.state.set('member-creations', m);
  return m;
}

/** The call that created the client named by a callee-path head: a local variable, or an instance variable / property. */
function creationOfHead(ctx: RuleContext, head: string, at: Node): Node | undefined {
  if (/^\w+$/.test(head)) {
    const value = ctx.flow.definitionOf(head, at)?.value;
    return value && ctx.syntax.isCall(value) ? value : undefined;
  }
  // Only when every assignment in the file creates the client the same way.
  const values = memberCreations(ctx).get(head) ?? [];
  return values.length > 0 && values.every((v) => v.text === values[0].text) ? values[0] : undefined;
}

/** PHP and Ruby: a data method on a client an SDK factory returned (`$mp = Mixpanel::getInstance(…); $mp->people->set(…)`). */
function factorySdk<T extends ScriptSdk>(ctx: RuleContext, call: Node, path: string, language: ScriptLanguage, sdks: readonly T[]): T | undefined {
  const m = /^(@\w+|this\.\w+|\w+)\.(.+)$/.exec(path);
  if (!m) return undefined;
  const candidates = FACTORIES.filter((f) => f.language === language && f.methods.test(m[2]));
  if (candidates.length === 0) return undefined;
  const value = creationOfHead(ctx, m[1], call);
  if (!value) return undefined;
  const factory = ctx.flow.resolvedPath(value);
  const written = ctx.syntax.calleePath(value);
  const found = candidates.find((f) => f.factory.test(factory) || f.factory.test(written));
  return found ? sdks.find((s) => s.vendor === found.vendor) : undefined;
}

/** The SDK a Go, PHP or Ruby call hands its arguments to, if any. */
export function scriptSdkOf<T extends ScriptSdk>(ctx: RuleContext, call: Node, sdks: readonly T[]): T | undefined {
  const language = ctx.file.syntax as ScriptLanguage;
  const written = ctx.syntax.calleePath(call);
  const resolved = ctx.flow.resolvedPath(call);
  for (const sdk of sdks) {
    const re = sdk[language];
    if (!re || !(re.test(resolved) || re.test(written))) continue;
    if (language === 'go' && sdk.goImport && !fileMentions(ctx, `go-import:${sdk.vendor}`, sdk.goImport)) continue;
    return sdk;
  }
  if (SCOPE_CALLS.test(written)) {
    const sentry = sdks.find((s) => s.vendor === 'Sentry');
    const gate = language === 'go' ? (sentry?.goImport ?? /sentry/) : /sentry/i;
    return sentry && fileMentions(ctx, `scope-gate:${language}`, gate) ? sentry : undefined;
  }
  if (language === 'go') return goMessageSdk(ctx, call, sdks);
  return factorySdk(ctx, call, written, language, sdks);
}

/** Nodes whose parts are all sent along: collections, message literals, argument lists. */
const CONTAINERS = /^(argument_list|arguments|argument|literal_value|literal_element|unary_expression|parenthesized_expression|parenthesized_statements|array_creation_expression|hash|array|expression_list)$/;
/** Key-value entries: only the value is data (the key is a name, which the value's own name usually repeats). */
const ENTRIES = /^(keyed_element|pair|array_element_initializer)$/;

/**
 * The values a Go, PHP or Ruby call sends: its arguments (Ruby keyword arguments included), followed into message
 * literals (`sentry.User{Email: …}`), arrays and hashes, and the calls that build them
 * (`analytics.NewTraits().SetEmail(…)`, `{ email: … }.to_json`, `json_encode([…])`).
 */
export function scriptValues(ctx: RuleContext, call: Node): Node[] {
  const out: Node[] = [];
  // `user` in `user.email`: the object a sent value is read from, not a value that is sent.
  const receivers = new Set<number>();
  const visit = (n: Node | null | undefined, depth: number): void => {
    if (!n || depth > 12) return;
    if (n.type === 'comment') return;
    if (ENTRIES.test(n.type)) {
      visit(n.childForFieldName('value') ?? n.namedChildren.at(-1), depth + 1);
      return;
    }
    if (n.type === 'composite_literal') {
      visit(n.childForFieldName('body'), depth + 1);
      return;
    }
    if (n !== call && n.type !== 'anonymous_function' && n.type !== 'func_literal' && n.type !== 'block' && n.type !== 'do_block') out.push(n);
    if (ctx.syntax.isCall(n)) {
      const e = ctx.syntax.expr(n);
      if (n !== call && e.kind === 'call' && e.receiver) {
        receivers.add(e.receiver.id);
        visit(e.receiver, depth + 1);
      }
      for (const c of argumentList(n)?.namedChildren ?? []) visit(c, depth + 1);
      return;
    }
    if (CONTAINERS.test(n.type)) for (const c of n.namedChildren) visit(c, depth + 1);
    // `msg := analytics.Identify{…, Traits: traits}`: a variable that holds a message literal, array or hash.
    if ((n.type === 'identifier' || n.type === 'variable_name') && !receivers.has(n.id)) {
      const value = ctx.flow.definitionOf(n.text.replace(/^\$/, ''), n)?.value;
      if (value && LITERALS.test(value.type) && !(value.startIndex <= n.startIndex && n.endIndex <= value.endIndex)) visit(value, depth + 1);
    }
  };
  visit(call, 0);
  // What was put into a sent variable before the call: `props.Set("email", …)`, `props["email"] = …`, `$props['email'] = …`.
  const names = new Set(out.filter((n) => (n.type === 'identifier' || n.type === 'variable_name') && !receivers.has(n.id)).map((n) => n.text.replace(/^\$/, '')));
  if (names.size === 0) return out;
  const sent = (n: Node | null | undefined): boolean => !!n && names.has(n.text.replace(/^\$/, ''));
  walk(ctx.flow.scopeOf(call), (d) => {
    if (d.startIndex >= call.startIndex) return false;
    if (ctx.syntax.isCall(d)) {
      const e = ctx.syntax.expr(d);
      if (e.kind === 'call' && sent(e.receiver) && MUTATORS.test(e.name)) for (const c of argumentList(d)?.namedChildren ?? []) visit(c, 1);
    } else if (ASSIGNMENTS.test(d.type)) {
      let left = d.childForFieldName('left');
      if (left?.type === 'expression_list') left = left.namedChildren[0];
      if (left && SUBSCRIPTS.test(left.type) && sent(left.childForFieldName('operand') ?? left.childForFieldName('object') ?? left.namedChildren[0])) {
        let right = d.childForFieldName('right');
        if (right?.type === 'expression_list') right = right.namedChildren[0];
        visit(right, 1);
      }
    }
    return true;
  });
  return out;
}

const LITERALS = /^(composite_literal|unary_expression|hash|array|array_creation_expression)$/;
const MUTATORS = /^(Set|set|Set[A-Z]\w*|set[A-Z]\w*|put|add|append|store|merge!|update)$/;
const ASSIGNMENTS = /^(assignment_statement|assignment_expression|assignment)$/;
const SUBSCRIPTS = /^(index_expression|subscript_expression|element_reference)$/;

/** Ruby `Sentry.set_user(user)`, PHP `Sentry\…->setUser($user)`: the top-level arguments that are whole records. */
export function scriptRecords(ctx: RuleContext, call: Node, names: RegExp): Node[] {
  return ctx.syntax.args(call).filter((a) => (a.type === 'identifier' || a.type === 'variable_name') && names.test(a.text.replace(/^\$/, '')));
}
