/**
 * Transmission checks in Spring Boot configuration files (`application*.properties`, `application*.yml`):
 * JavaMail with STARTTLS switched off (`transmission/cleartext-protocol`) and endpoint URLs on plain http://
 * (`transmission/insecure-request`). Each is called with one setting's value node.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import type { ObjectEntry } from '../../core/syntax';
import { canonicalKey, entryAt } from '../../languages/config';
import { classifyHost } from '../hosts';
import { reportable, schemeFix } from './urls';

/** The flat entry whose value is `value`, with its canonical key. */
function entryOf(ctx: RuleContext, value: Node): (ObjectEntry & { key: string; canonical: string }) | undefined {
  const e = entryAt(ctx.syntax, ctx.root, value);
  return e?.key === undefined ? undefined : { ...e, key: e.key, canonical: canonicalKey(e.key) };
}

/** The YAML document (`---` section, usually a profile) a node is in; undefined in a properties file. */
function documentOf(node: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'document') return p;
  return undefined;
}

/**
 * A setting's value by canonical key, as it applies at `near`: set in the same YAML document (profile) if it is, else
 * in the file's first document (the defaults every profile inherits). The last one wins, as in Spring.
 */
function setting(ctx: RuleContext, canonical: string, near: Node): string | undefined {
  const doc = documentOf(near);
  const first = doc ? ctx.root.namedChildren.find((c) => c?.type === 'document') : undefined;
  let own: string | undefined;
  let base: string | undefined;
  for (const e of ctx.syntax.entries(ctx.root)) {
    if (e.key === undefined || canonicalKey(e.key) !== canonical) continue;
    const v = ctx.syntax.stringValue(e.value)?.trim();
    const d = doc ? documentOf(e.value) : undefined;
    if (!doc || d?.id === doc.id) own = v;
    else if (first && d?.id === first.id) base = v;
  }
  return own ?? base;
}

const STARTTLS_OFF = /^spring\.mail\.properties\.mail\.smtps?\.starttls\.enable$/;

/** `spring.mail.properties.mail.smtp.starttls.enable=false` for a mail host that is not local. */
export function springMailStarttls(ctx: RuleContext, value: Node): void {
  const entry = entryOf(ctx, value);
  if (!entry || !STARTTLS_OFF.test(entry.canonical) || ctx.syntax.stringValue(value)?.trim().toLowerCase() !== 'false') return;
  // Implicit TLS (smtps, or mail.smtp.ssl.enable) makes STARTTLS moot.
  if (/^smtps$/i.test(setting(ctx, 'spring.mail.protocol', value) ?? '') || setting(ctx, 'spring.mail.properties.mail.smtp.ssl.enable', value)?.toLowerCase() === 'true') return;
  const host = setting(ctx, 'spring.mail.host', value);
  const kind = host === undefined || host.includes('${') ? 'unknown' : classifyHost(host, ctx.hosts.allowInsecure);
  if (kind === 'local' || kind === 'allowed' || kind === 'internal') return;
  ctx.report({
    node: value,
    message: `\`${entry.key}\` switches STARTTLS off${host && kind !== 'unknown' ? ` for ${host}` : ''}: the mail password and every message travel in clear text; set it to true and add \`mail.smtp.starttls.required=true\`.`,
    severity: 'warning',
    confidence: kind === 'unknown' ? 'medium' : 'high',
    fixes: [{ title: 'Switch STARTTLS on', safe: false, edits: [{ node: value.type === 'flow_node' ? (value.firstNamedChild ?? value) : value, newText: 'true' }] }],
    fingerprintKey: `spring ${entry.canonical}`,
  });
}

/** Keys that name an endpoint the application calls (not a link it shows, a namespace or a schema id). */
const ENDPOINT_KEY = /(url|uri|endpoint|baseurl|serviceurl|address|server|issueruri|defaultzone)$/;
const NOT_A_TARGET = /(namespace|schema|xmlns|homepage|docs?url|website|link|redirecturi|logouturl|callbackurl)$/;

/** An http:// endpoint on a public or private host in a URL-named setting. */
export function springHttpEndpoint(ctx: RuleContext, value: Node): void {
  const entry = entryOf(ctx, value);
  if (!entry) return;
  const last = canonicalKey(entry.key.split('.').pop() ?? '');
  if (!ENDPOINT_KEY.test(last) || NOT_A_TARGET.test(last)) return;
  const text = ctx.syntax.stringValue(value)?.trim() ?? '';
  const fallback = /^\$\{[^:}]+:(.*)\}$/.exec(text)?.[1];
  const url = fallback ?? text;
  const m = /^http:\/\/(?:[^@/?#\s]*@)?(\[[^\]]*\]|[^:/?#\s]*)/i.exec(url);
  if (!m) return;
  const kind = classifyHost(m[1], ctx.hosts.allowInsecure);
  if (!reportable(kind)) return;
  ctx.report({
    node: value,
    message: `\`${entry.key}\` points at ${m[1]} over plain HTTP${fallback !== undefined ? ' (the default used when the placeholder is not set)' : ''}: requests to it travel unencrypted; use https://.`,
    severity: 'warning',
    confidence: fallback !== undefined ? 'low' : kind === 'private' ? 'medium' : 'high',
    fixes: schemeFix(value.type === 'flow_node' ? (value.firstNamedChild ?? value) : value, 'http', 'https'),
    fingerprintKey: `spring ${entry.canonical} ${m[1]}`,
  });
}
