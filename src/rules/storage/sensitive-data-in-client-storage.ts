import type { TaintItem } from '../../core/flow';
import type { RuleDefinition } from '../../core/rule';
import type { Severity } from '../../core/types';
import { capitalise, classificationsOf, describeData, relatedFor } from '../common';
import { SINK_QUERIES, sinkAt, sinkItems, type Sink } from './sinks';
import { isAre, isParserToken } from './wording';

/** Credentials that must never sit in the browser, even in an httpOnly cookie. */
const STRONG_CREDENTIALS = new Set(['password', 'password_hash', 'secret', 'api_key', 'private_key', 'otp']);
/** Session and access tokens: fine in an httpOnly cookie, exposed to any XSS in web storage or a script-readable cookie. */
const TOKENS = new Set(['token']);
const STRONG_CATEGORIES = new Set(['government_id', 'financial', 'health', 'biometric']);

/** Which items a sink may not hold: everything sensitive in script-readable storage; only the worst in httpOnly cookies. */
function exposed(sink: Sink, i: TaintItem): boolean {
  if (i.bulk) return false;
  const type = i.classification.type;
  const cat = i.classification.category;
  // An encrypted or tokenised value is fine anywhere; a hashed password is still a credential to crack offline.
  if (i.sanitizedBy && !(type === 'password' && i.sanitizedBy.kind === 'hash')) return false;
  if (type === 'routing_number' || type === 'card_expiry') return false;
  if (STRONG_CREDENTIALS.has(type) || STRONG_CATEGORIES.has(cat)) return type !== 'password_hash' || !sink.httpOnly;
  if (sink.httpOnly) return false;
  if (TOKENS.has(type)) return true;
  return cat === 'contact' || cat === 'personal' || cat === 'location';
}

function severityOf(items: TaintItem[]): Severity {
  if (items.some((i) => STRONG_CREDENTIALS.has(i.classification.type) || STRONG_CATEGORIES.has(i.classification.category))) {
    return items.some((i) => i.classification.category === 'health' || i.classification.category === 'biometric') && !items.some((i) => i.classification.category !== 'health' && i.classification.category !== 'biometric') ? 'warning' : 'error';
  }
  if (items.some((i) => TOKENS.has(i.classification.type))) return 'warning';
  return 'note';
}

function where(sink: Sink, ruby: boolean): { place: string; reason: string } {
  if (sink.kind === 'web-storage') return { place: 'browser storage', reason: 'any script on the page can read it' };
  if (sink.kind === 'session' && ruby) return { place: 'the Rails session', reason: "Rails' default cookie store keeps the session in the browser (encrypted, but it outlives logout and an old copy can be replayed)" };
  if (sink.kind === 'session') return { place: "Flask's session", reason: 'the session is a cookie the browser keeps, signed but not encrypted' };
  if (sink.client || !sink.httpOnly) return { place: 'a cookie', reason: 'the cookie is not httpOnly, so page scripts can read it' };
  return { place: 'a cookie', reason: 'the browser keeps it in clear text and sends it with every request' };
}

export const sensitiveDataInClientStorage: RuleDefinition = {
  id: 'storage/sensitive-data-in-client-storage',
  family: 'storage',
  title: 'Tokens, credentials or personal data in browser storage',
  description: 'Access tokens, credentials or personal data put in localStorage, sessionStorage, IndexedDB, a script-readable cookie or Flask\'s client-side session.',
  severity: 'warning',
  confidence: 'high',
  cwe: [922, 315, 312, 359],
  owasp: ['A04:2021 Insecure Design', 'A05:2021 Security Misconfiguration', 'OWASP HTML5 Security Cheat Sheet: Local Storage'],
  standards: ['PCI DSS 3.5.1', 'GDPR Art. 5(1)(f), Art. 32', 'OWASP ASVS 8.2.2'],
  fixable: false,
  keywords: 'localStorage|sessionStorage|indexedDB|objectStore|openDB|localforage|AsyncStorage|idb-keyval|cookie|Cookies|setCookie|set_cookie|session',
  guidance: {
    why: 'Web storage, IndexedDB and cookies without httpOnly can be read by any script running on the page, so one XSS bug or one compromised npm dependency exfiltrates every token and piece of personal data kept there. The data also stays on shared and lost devices in clear text long after the user logged out. Flask\'s default session is a cookie that is signed but not encrypted: the user and anyone who gets the cookie can decode it.',
    bad: "localStorage.setItem('accessToken', response.data.accessToken);\ndocument.cookie = `ssn=${ssn}`;",
    good: "// The server sets the session: res.cookie('sid', sessionId, { httpOnly: true, secure: true, sameSite: 'lax' });\nlocalStorage.setItem('theme', theme);",
    fix: 'Keep session and access tokens in httpOnly, Secure, SameSite cookies set by the server (or in memory for short-lived SPA tokens), keep personal data on the server and fetch it when needed, and never store passwords, card numbers or government ids on the client. In Flask, store only an id in `session`, or use a server-side session store. In Rails, pass `httponly: true` (or use `cookies.encrypted`) and keep passwords and government ids out of `session`: the default cookie store keeps it in the browser.',
  },
  queries: { ...SINK_QUERIES, ruby: `(assignment left: (element_reference object: [(identifier) (call)])) @assign` },
  check(match, ctx) {
    const node = match.get('call') ?? match.get('assign');
    if (!node) return;
    const sink = sinkAt(ctx, node, match.get('callee'));
    if (!sink || !(sink.client || sink.kind === 'cookie' || sink.kind === 'session' || sink.kind === 'web-storage')) return;
    const items = sinkItems(ctx, sink).filter((i) => exposed(sink, i) && !isParserToken(ctx, i));
    if (items.length === 0) return;
    const ruby = ctx.file.syntax === 'ruby';
    ctx.report({
      node: sink.node,
      message: `${capitalise(describeData(ctx, items))} ${isAre(items)} put in ${where(sink, ruby).place} by ${sink.label}: ${where(sink, ruby).reason}.`,
      severity: severityOf(items),
      // The Rails session store may be configured server-side in another file (config/initializers/session_store.rb).
      confidence: ctx.file.isTestPath ? 'low' : ruby && sink.kind === 'session' ? 'medium' : 'high',
      classifications: classificationsOf(items),
      related: relatedFor(items, sink.node),
    });
  },
};
