import type { Node } from 'web-tree-sitter';
import type { TaintItem } from '../../core/flow';
import type { FixInput, RuleContext, RuleDefinition } from '../../core/rule';
import type { Classification, Severity } from '../../core/types';
import { CATEGORY_RANK, classificationsOf, describeData, importsAny, lastWordBefore, relatedFor } from '../common';
import { fileConfidence, normalisePath, receiverOf } from './clients';
import { appendArgument, indentOf, insertIntoObject, replaceNode } from './edits';
import { walk } from '../../core/syntax';
import { cookieOptionsSecure, initializerInsert } from './csharp';

/** Cookie names that hold a session, a login or a token. */
const SESSION_NAME = /(^|[^a-z])(sess|sid|session|auth|token|jwt|remember|login|logged|refresh|access|credential|identity|ident|sso|saml|oauth|csrf|xsrf)|connect\.sid|_session$|sessionid/i;
const COOKIE_SETTINGS = /^(SESSION_COOKIE_SECURE|CSRF_COOKIE_SECURE|REMEMBER_COOKIE_SECURE|LANGUAGE_COOKIE_SECURE|JWT_COOKIE_SECURE)$/;

interface Sensitivity {
  severity: Severity;
  items: TaintItem[];
  /** What the cookie holds, for the message. */
  holds?: string;
  classifications: Classification[];
}

function sensitivity(ctx: RuleContext, name: string | undefined, value: Node | undefined, session = false): Sensitivity {
  const items = value ? ctx.flow.sensitive(value) : [];
  const byName = name ? ctx.classifier.classifyName(name) : [];
  const top = Math.max(0, ...items.map((i) => CATEGORY_RANK[i.classification.category]), ...byName.map((c) => CATEGORY_RANK[c.category]));
  const isSession = session || (name !== undefined && SESSION_NAME.test(name));
  const classifications = [...byName, ...classificationsOf(items)];
  if (top >= 5 || (isSession && !/csrf|xsrf/i.test(name ?? ''))) {
    return { severity: 'error', items, classifications, holds: items.length ? describeData(ctx, items) : isSession ? 'a session or login token' : 'credentials' };
  }
  if (top > 0 || isSession) return { severity: 'warning', items, classifications, holds: items.length ? describeData(ctx, items) : 'a CSRF token' };
  return { severity: 'note', items, classifications };
}

function report(ctx: RuleContext, node: Node, subject: string, sens: Sensitivity, fix: FixInput | undefined, confidence: 'high' | 'medium' | 'low' = 'high', why = 'is set without the Secure attribute'): void {
  ctx.report({
    node,
    message: `${subject} ${why}: the browser also sends it over plain http://, where anyone on the network can read it${sens.holds ? ` — and it holds ${sens.holds}` : ''}.`,
    severity: sens.severity,
    confidence: fileConfidence(ctx, sens.severity === 'note' && confidence === 'high' ? 'medium' : confidence),
    classifications: sens.classifications,
    related: relatedFor(sens.items, node),
    fixes: fix ? [fix] : [],
  });
}

/** `secure` in an options object: 'absent', 'false', or 'set' (true, 'auto', or decided at run time). */
function secureState(ctx: RuleContext, options: Node, key = 'secure'): { state: 'absent' | 'false' | 'set'; node?: Node } {
  const v = ctx.syntax.property(options, key);
  if (!v) {
    // A spread (`...cookieDefaults`) may carry it.
    return ctx.syntax.entries(options).some((e) => e.key === undefined) ? { state: 'set' } : { state: 'absent' };
  }
  return { state: v.type === 'false' ? 'false' : 'set', node: v };
}

function secureFix(ctx: RuleContext, options: Node, state: { state: string; node?: Node }): FixInput {
  return {
    title: 'Add secure: true',
    safe: true,
    edits: [state.node ? replaceNode(state.node, 'true') : insertIntoObject(ctx.file.text, options, 'secure: true')],
  };
}

/** The methods checkJs looks at the arguments of (a cookie setter's or a header setter's). */
const COOKIE_METHOD = /^(cookie|setCookie|set|setHeader|header|append)$/;
const SESSION_MODULE = /^(express-session|cookie-session)$/;

function checkJs(ctx: RuleContext, call: Node): void {
  const s = ctx.syntax;
  // Cheapest exit first, from the text: a call whose callee's last word (calleePath's last segment, see
  // lastWordBefore) names no cookie or header setter can only be a bare session middleware, which needs an import of
  // express-session or cookie-session.
  const fn = call.childForFieldName('function');
  if (fn && !COOKIE_METHOD.test(lastWordBefore(ctx.file.text, fn.endIndex)) && !importsAny(ctx, SESSION_MODULE)) return;
  const written = normalisePath(s.calleePath(call));
  const method = written.slice(written.lastIndexOf('.') + 1);
  // Cheap exits first: most calls are neither a session middleware nor a cookie setter.
  const bare = /^[\w$]+$/.test(written);
  if (!bare && !COOKIE_METHOD.test(method)) return;
  const resolved = bare ? (ctx.flow.imports.get(written) ?? written) : written;
  // A bare call other than a session middleware cannot be a cookie setter either (most bare calls: no arguments read).
  if (bare && !SESSION_MODULE.test(resolved) && !COOKIE_METHOD.test(method)) return;
  const args = s.args(call);
  const argList = call.childForFieldName('arguments');
  // express-session / cookie-session
  if (/^express-session$/.test(resolved) || /^cookie-session$/.test(resolved)) {
    const options = args[0] ? ctx.flow.objectLiteralOf(args[0]) : undefined;
    if (args[0] && !options) return;
    const sens = sensitivity(ctx, 'session', undefined, true);
    if (resolved === 'express-session') {
      const cookie = options && s.property(options, 'cookie');
      const cookieObj = cookie ? ctx.flow.objectLiteralOf(cookie) : undefined;
      if (cookie && !cookieObj) return;
      const st = cookieObj ? secureState(ctx, cookieObj) : { state: 'absent' as const };
      if (st.state === 'set') return;
      const fix: FixInput | undefined = cookieObj
        ? secureFix(ctx, cookieObj, st)
        : options
          ? { title: 'Add cookie: { secure: true }', safe: true, edits: [insertIntoObject(ctx.file.text, options, 'cookie: { secure: true }')] }
          : argList ? { title: 'Add cookie: { secure: true }', safe: true, edits: [appendArgument(ctx.file.text, argList, '{ cookie: { secure: true } }')] } : undefined;
      report(ctx, call, 'The express-session cookie', sens, fix, 'high', st.state === 'false' ? 'has `cookie.secure: false`' : 'has no `cookie.secure`');
      return;
    }
    const st = options ? secureState(ctx, options) : { state: 'absent' as const };
    if (st.state === 'set') return;
    // cookie-session's default follows the request protocol, which is http behind a TLS-terminating proxy.
    report(ctx, call, 'The cookie-session cookie', sens, options ? secureFix(ctx, options, st) : undefined, st.state === 'false' ? 'high' : 'medium', st.state === 'false' ? 'has `secure: false`' : 'has no `secure: true` (its default follows the request protocol, which is http behind a TLS-terminating proxy)');
    return;
  }
  const receiver = receiverOf(call)?.text.replace(/\s+/g, '') ?? '';
  const express = method === 'cookie' && /(^|\.)(res|response|resp)$/.test(receiver);
  const fastify = method === 'setCookie' && /(^|\.)(reply|res|response)$/.test(receiver);
  const koaLike = method === 'set' && /(^|\.)cookies(\(\))?$/.test(receiver);
  if (express || fastify || koaLike) {
    if (args.length < 2 || s.stringValue(args[1]) === '') return;
    const name = s.stringValue(args[0]);
    const options = args[2] ? ctx.flow.objectLiteralOf(args[2]) : undefined;
    if (args[2] && !options) return;
    const st = options ? secureState(ctx, options) : { state: 'absent' as const };
    if (st.state === 'set') return;
    const sens = sensitivity(ctx, name, args[1]);
    // Koa and Next.js choose the default from the request protocol: report only what is worth a session.
    if (koaLike && st.state === 'absent' && sens.severity === 'note') return;
    const fix: FixInput | undefined = options ? secureFix(ctx, options, st) : argList && args.length === 2 ? { title: 'Add { secure: true }', safe: true, edits: [appendArgument(ctx.file.text, argList, '{ secure: true }')] } : undefined;
    report(ctx, call, `Cookie ${name !== undefined ? `\`${name}\`` : `set by \`${written}\``}`, sens, fix, koaLike && st.state === 'absent' ? 'medium' : 'high', st.state === 'false' ? 'is set with `secure: false`' : undefined);
    return;
  }
  // res.setHeader('Set-Cookie', 'sid=…; HttpOnly')
  if (/^(setHeader|header|set|append)$/.test(method) && args.length >= 2 && /^set-cookie$/i.test(s.stringValue(args[0]) ?? '')) {
    const literals = args[1].type === 'array' ? args[1].namedChildren.filter((c): c is Node => !!c) : [args[1]];
    for (const lit of literals) {
      if (lit.type !== 'string' && lit.type !== 'template_string') continue;
      const staticText = lit.type === 'string' ? (s.stringValue(lit) ?? '') : lit.namedChildren.filter((c) => c?.type === 'string_fragment').map((c) => c?.text).join('');
      if (/;\s*secure\b/i.test(staticText)) continue;
      const name = /^\s*([^=;\s]+)=/.exec(staticText)?.[1];
      const sens = sensitivity(ctx, name, lit);
      report(ctx, lit, `Set-Cookie header${name ? ` for \`${name}\`` : ''}`, sens, undefined, 'high', 'has no `Secure` attribute');
    }
  }
}

/** Go: `http.Cookie{…}` (net/http, echo, chi, fiber's `fiber.Cookie`) and gorilla `sessions.Options{…}` without `Secure: true`. */
function checkGoCookie(ctx: RuleContext, lit: Node): void {
  const type = lit.childForFieldName('type')?.text.replace(/\s+/g, '') ?? '';
  const cookie = /^(http|fiber)\.Cookie$/.test(type);
  const session = /^sessions\.Options$/.test(type);
  if (!cookie && !session) return;
  const body = lit.childForFieldName('body');
  if (!body) return;
  const secure = ctx.syntax.property(lit, 'Secure');
  if (secure && secure.type !== 'false') return;
  // `c.Secure = opts.Secure` later in the function (a cookie built first, configured after).
  const fn = ctx.flow.scopeOf(lit);
  if (/\.Secure\s*=[^=]/.test(ctx.file.text.slice(lit.endIndex, fn.endIndex))) return;
  const nameNode = ctx.syntax.property(lit, 'Name');
  const name = nameNode ? (ctx.flow.staticString(nameNode) ?? (nameNode.type === 'identifier' ? nameNode.text : undefined)) : undefined;
  const value = ctx.syntax.property(lit, 'Value');
  // An empty value with MaxAge < 0 deletes the cookie.
  if (value && ctx.syntax.stringValue(value) === '') return;
  if (cookie && !nameNode && !value) return;
  const sens = sensitivity(ctx, name, value, session);
  const fix: FixInput = secure
    ? { title: 'Set Secure: true', safe: true, edits: [replaceNode(secure, 'true')] }
    : { title: 'Add Secure: true', safe: true, edits: [insertIntoObject(ctx.file.text, body, 'Secure: true')] };
  const subject = session ? 'The gorilla/sessions cookie' : `Cookie ${name !== undefined ? `\`${name}\`` : `\`${type}\``}`;
  report(ctx, lit, subject, sens, fix, 'high', secure ? 'is set with `Secure: false`' : 'is set without `Secure: true`');
}

/**
 * PHP: `setcookie(name, value, expires, path, domain, secure, httponly)` with `secure` false or missing, the options-array
 * form without `'secure' => true`, `session_set_cookie_params` without it, `ini_set('session.cookie_secure', '0')`.
 */
function checkPhpCall(ctx: RuleContext, call: Node): void {
  const s = ctx.syntax;
  const fn = s.calleePath(call).toLowerCase();
  const args = s.args(call);
  const isOff = (n: Node | undefined) => !!n && /^(false|0|null|'0'|"0"|'')$/i.test(n.text.trim());
  if (fn === 'ini_set' && args.length === 2 && s.stringValue(args[0]) === 'session.cookie_secure' && (isOff(args[1]) || /^(off|false|0)$/i.test(s.stringValue(args[1]) ?? ''))) {
    report(ctx, call, 'The PHP session cookie', sensitivity(ctx, undefined, undefined, true), { title: "Set session.cookie_secure to '1'", safe: true, edits: [replaceNode(args[1], "'1'")] }, 'high', 'is configured with `session.cookie_secure` off');
    return;
  }
  if (fn === 'session_set_cookie_params') {
    const options = args[0] ? ctx.flow.objectLiteralOf(args[0]) : undefined;
    const secure = options ? s.property(options, 'secure') : args[3];
    if ((options && !secure) || isOff(secure)) {
      const fix: FixInput | undefined = secure ? { title: 'Set secure to true', safe: true, edits: [replaceNode(secure, 'true')] } : options ? { title: "Add 'secure' => true", safe: true, edits: [insertIntoObject(ctx.file.text, options, "'secure' => true")] } : undefined;
      report(ctx, call, 'The PHP session cookie', sensitivity(ctx, undefined, undefined, true), fix, 'high', secure ? 'is configured with `secure` false' : 'is configured without `secure`');
    }
    return;
  }
  if (fn !== 'setcookie' && fn !== 'setrawcookie') return;
  if (args.length < 2) return;
  const nameNode = args[0];
  const name = ctx.flow.staticString(nameNode) ?? (nameNode.type === 'variable_name' ? nameNode.text : undefined);
  const value = args[1];
  // An empty value deletes the cookie.
  if (s.stringValue(value) === '') return;
  const options = args[2] ? ctx.flow.objectLiteralOf(args[2]) : undefined;
  let secure: Node | undefined;
  let fix: FixInput | undefined;
  if (options) {
    secure = s.property(options, 'secure');
    if (secure && !isOff(secure)) return;
    fix = secure ? { title: 'Set secure to true', safe: true, edits: [replaceNode(secure, 'true')] } : { title: "Add 'secure' => true", safe: true, edits: [insertIntoObject(ctx.file.text, options, "'secure' => true")] };
  } else {
    secure = args[5];
    if (secure && !isOff(secure)) return;
    fix = secure ? { title: 'Set secure to true', safe: true, edits: [replaceNode(secure, 'true')] } : undefined;
  }
  const sens = sensitivity(ctx, name, value);
  report(ctx, call, `Cookie ${name !== undefined ? `\`${name}\`` : 'set by `setcookie`'}`, sens, fix, 'high', secure ? 'is set with `secure` false' : 'is set without `secure`');
}

/**
 * Ruby / Rails: `cookies[:token] = { value: t, secure: false }`, `session_store … secure: false`, and
 * `config.force_ssl = false` (ActionDispatch::SSL is what marks Rails cookies Secure). A cookie without `secure:`
 * is not reported: with `force_ssl` Rails adds the flag itself.
 */
function checkRuby(ctx: RuleContext, pair: Node | undefined, assign: Node | undefined): void {
  if (assign) {
    const left = assign.childForFieldName('left');
    if (left?.childForFieldName('method')?.text !== 'force_ssl' || !/^(config|Rails\.application\.config)$/.test(left.childForFieldName('receiver')?.text ?? '')) return;
    if (/(^|\/)(development|test)\.rb$/.test(ctx.file.path)) return;
    const value = assign.childForFieldName('right');
    report(ctx, assign, 'Every Rails cookie, the session cookie included,', sensitivity(ctx, undefined, undefined, true), value ? { title: 'Set config.force_ssl = true', safe: false, edits: [replaceNode(value, 'true')] } : undefined, 'high', 'loses the Secure flag with `config.force_ssl = false` (and plain http:// requests are served)');
    return;
  }
  if (!pair || !/^:?secure:?$/.test(pair.childForFieldName('key')?.text ?? '')) return;
  const value = pair.childForFieldName('value');
  // The hash of a cookie write (`cookies[:x] = { … }`) or of a session store (`session_store :cookie_store, …`).
  const hash = pair.parent;
  const holder = hash?.type === 'hash' ? hash.parent : hash;
  let subject: string | undefined;
  let name: string | undefined;
  let cookieValue: Node | undefined;
  if (holder?.type === 'assignment' && /^cookies(\.(signed|encrypted|permanent))*\[/.test(holder.childForFieldName('left')?.text ?? '')) {
    const left = holder.childForFieldName('left');
    const key = left?.namedChildren.at(-1);
    name = key?.text.replace(/^:|^['"]|['"]$/g, '');
    cookieValue = hash ? ctx.syntax.property(hash, 'value') : undefined;
    subject = `Cookie \`${name ?? 'cookies[…]'}\``;
  } else {
    let call: Node | null = holder ?? null;
    while (call && call.type !== 'call') call = call.parent;
    if (!call || !/session_store$/.test(ctx.syntax.calleePath(call))) return;
    subject = 'The Rails session cookie';
  }
  const sens = sensitivity(ctx, name, cookieValue, !name);
  report(ctx, pair, subject, sens, value ? { title: 'Set secure: true', safe: true, edits: [replaceNode(value, 'true')] } : undefined, 'high', 'is set with `secure: false`');
}

/** Go: gin's `c.SetCookie(name, value, maxAge, path, domain, secure, httpOnly)` with `secure` false. */
function checkGoCall(ctx: RuleContext, call: Node): void {
  const e = ctx.syntax.expr(call);
  if (e.kind !== 'call' || e.name !== 'SetCookie') return;
  const args = ctx.syntax.args(call);
  if (args.length !== 7 || args[5].type !== 'false') return;
  const name = ctx.flow.staticString(args[0]) ?? (args[0].type === 'identifier' ? args[0].text : undefined);
  const sens = sensitivity(ctx, name, args[1]);
  report(ctx, call, `Cookie ${name !== undefined ? `\`${name}\`` : 'set by `SetCookie`'}`, sens, { title: 'Set secure to true', safe: true, edits: [replaceNode(args[5], 'true')] }, 'high', 'is set with `secure` false');
}

/**
 * Java: `new Cookie(name, value)` (Servlet) without a later `cookie.setSecure(true)` in the same method, and Spring's
 * `ResponseCookie.from(name, value)…build()` without `.secure(true)` in the chain.
 */
function checkJavaCookie(ctx: RuleContext, node: Node): void {
  const s = ctx.syntax;
  const path = s.calleePath(node);
  const args = s.args(node);
  if (args.length < 2) return;
  const nameNode = args[0];
  const value = args[1];
  // `new Cookie("sid", null)` / `""` with setMaxAge(0) deletes the cookie.
  if (value.type === 'null_literal' || s.stringValue(value) === '') return;
  const name = ctx.flow.staticString(nameNode) ?? (nameNode.type === 'identifier' ? nameNode.text : undefined);
  const shown = ctx.flow.staticString(nameNode) !== undefined ? `Cookie \`${name}\`` : `The cookie created by \`${path}\``;
  const sens = sensitivity(ctx, name, value);
  if (node.type === 'method_invocation') {
    // Spring ResponseCookie builder: look along the chain.
    let chain: Node = node;
    const calls: Node[] = [];
    for (let i = 0; i < 64 && chain.parent?.type === 'method_invocation' && chain.parent.childForFieldName('object')?.id === chain.id; i++) {
      chain = chain.parent;
      calls.push(chain);
    }
    const secure = calls.find((c) => c.childForFieldName('name')?.text === 'secure');
    const arg = secure ? s.args(secure)[0] : undefined;
    if (arg && arg.type !== 'false') return;
    const build = calls.find((c) => c.childForFieldName('name')?.text === 'build');
    const fix: FixInput | undefined = arg
      ? { title: 'Use .secure(true)', safe: true, edits: [replaceNode(arg, 'true')] }
      : build ? { title: 'Add .secure(true)', safe: true, edits: [{ start: build.childForFieldName('name')?.startIndex ?? build.startIndex, end: build.childForFieldName('name')?.startIndex ?? build.startIndex, newText: 'secure(true).' }] } : undefined;
    report(ctx, node, shown, sens, fix, 'high', arg ? 'is built with `.secure(false)`' : 'is built without `.secure(true)`');
    return;
  }
  if (!/^new (javax\.servlet\.http\.|jakarta\.servlet\.http\.)?Cookie$/.test(path)) return;
  const decl = node.parent?.type === 'variable_declarator' ? node.parent : undefined;
  const variable = decl?.childForFieldName('name')?.text ?? (node.parent?.type === 'assignment_expression' ? node.parent.childForFieldName('left')?.text : undefined);
  // Passed straight to addCookie: nothing can set Secure on it.
  const scope = ctx.flow.scopeOf(node);
  let state = 'absent' as 'absent' | 'false' | 'set';
  let falseArg: Node | undefined;
  if (variable) {
    walk(scope, (n) => {
      if (n.type === 'method_invocation' && n.childForFieldName('object')?.text === variable && n.childForFieldName('name')?.text === 'setSecure') {
        const a = s.args(n)[0];
        if (a?.type === 'false') {
          state = state === 'set' ? 'set' : 'false';
          falseArg = a;
        } else state = 'set';
      }
      return true;
    });
    // Handed to a helper that may set it (`configure(cookie)`, ESAPI's `addCookie(response, cookie)`) or returned
    // by a factory (Spring's `createCookie`): not this method's decision alone. `setMaxAge(0)` deletes the cookie.
    const v = variable.replace(/\$/g, '\\$');
    if (state === 'absent' && new RegExp(`\\w+\\(([^()]*,)?\\s*${v}\\s*\\)|\\breturn\\s+${v}\\s*;|\\b${v}\\s*\\.\\s*setMaxAge\\(\\s*0\\s*\\)`).test(scope.text.replace(new RegExp(`addCookie\\(\\s*${v}\\s*\\)`, 'g'), ''))) return;
  } else if (node.parent?.type === 'argument_list' && node.parent.parent?.type === 'method_invocation' && node.parent.parent.childForFieldName('name')?.text !== 'addCookie') {
    // `cookies.add(new Cookie(…))` (Tomcat's push builder copies request cookies): not a cookie sent to the browser here.
    return;
  }
  if (state === 'set') return;
  const statement = decl?.parent;
  const fix: FixInput | undefined = falseArg
    ? { title: 'Use setSecure(true)', safe: true, edits: [replaceNode(falseArg, 'true')] }
    : variable && statement ? { title: `Add ${variable}.setSecure(true)`, safe: true, edits: [{ start: statement.endIndex, end: statement.endIndex, newText: `\n${indentOf(ctx.file.text, statement)}${variable}.setSecure(true);` }] } : undefined;
  report(ctx, node, shown, sens, fix, 'high', falseArg ? 'is set with `setSecure(false)`' : 'is created without `setSecure(true)`');
}

/** ASP.NET Core: `Response.Cookies.Append(name, value[, new CookieOptions { … }])` without `Secure = true`. */
function checkCsharpAppend(ctx: RuleContext, call: Node): void {
  const s = ctx.syntax;
  const e = s.expr(call);
  if (e.kind !== 'call' || !e.receiver || !/(^|\.)Cookies$/.test(e.receiver.text.replace(/\s+/g, ''))) return;
  const args = s.args(call);
  if (args.length < 2) return;
  const [nameNode, value, options] = args;
  if (value.type === 'null_literal' || s.stringValue(value) === '') return;
  const secure = cookieOptionsSecure(ctx, options);
  if (secure.state === 'set') return;
  const name = ctx.flow.staticString(nameNode) ?? (nameNode.type === 'identifier' ? nameNode.text : undefined);
  const shown = ctx.flow.staticString(nameNode) !== undefined ? `Cookie \`${name}\`` : 'The cookie set by `Cookies.Append`';
  const init = secure.literal?.childForFieldName('initializer');
  const argList = call.childForFieldName('arguments');
  const fix: FixInput | undefined = secure.node
    ? { title: 'Set Secure = true', safe: true, edits: [replaceNode(secure.node, 'true')] }
    : init ? { title: 'Add Secure = true', safe: true, edits: [initializerInsert(ctx.file.text, init, 'Secure = true')] }
      : !options && argList ? { title: 'Pass new CookieOptions { Secure = true, HttpOnly = true }', safe: true, edits: [appendArgument(ctx.file.text, argList, 'new CookieOptions { Secure = true, HttpOnly = true }')] } : undefined;
  report(ctx, call, shown, sensitivity(ctx, name, value), fix, 'high', secure.state === 'false' ? 'is set with `Secure = false`' : 'is set without `Secure = true`');
}

function isFalse(n: Node | undefined): boolean {
  return n?.type === 'false';
}

/** Framework defaults (Django's global_settings.py, a package's default config) declare defaults, not a deployment. */
function isDefaultsFile(path: string): boolean {
  return /(^|\/)(global_settings|default_settings|defaults?|settings_default)\.py$/i.test(path);
}

function checkPythonCall(ctx: RuleContext, call: Node): void {
  const s = ctx.syntax;
  const path = s.calleePath(call);
  const method = path.slice(path.lastIndexOf('.') + 1);
  const argList = call.childForFieldName('arguments');
  if (method === 'set_cookie' || method === 'set_signed_cookie') {
    const args = s.args(call);
    if (argList?.namedChildren.some((c) => c?.type === 'dictionary_splat')) return;
    // http.cookiejar's `jar.set_cookie(cookie)` takes a Cookie object: not a response cookie.
    if (args.length + (s.kwarg(call, 'key') ? 1 : 0) + (s.kwarg(call, 'value') ? 1 : 0) < 2) return;
    const secure = s.kwarg(call, 'secure') ?? args[6];
    if (secure && !isFalse(secure)) return;
    // Django's own `delete_cookie` and similar helpers pass `secure=` through: defined, not literal.
    const nameNode = s.kwarg(call, 'key') ?? args[0];
    const name = nameNode ? (ctx.flow.staticString(nameNode) ?? (nameNode.type === 'identifier' || nameNode.type === 'attribute' ? nameNode.text : undefined)) : undefined;
    const value = s.kwarg(call, 'value') ?? args[1];
    // An empty value (with an expiry in the past) deletes the cookie: `delete_cookie` helpers.
    if (value && s.stringValue(value) === '') return;
    const sens = sensitivity(ctx, name, value);
    const fix: FixInput | undefined = secure
      ? { title: 'Set secure=True', safe: true, edits: [replaceNode(secure, 'True')] }
      : argList ? { title: 'Add secure=True', safe: true, edits: [appendArgument(ctx.file.text, argList, 'secure=True')] } : undefined;
    const shown = name !== undefined && ctx.flow.staticString(nameNode as Node) !== undefined ? `Cookie \`${name}\`` : `The cookie set by \`${path}\``;
    report(ctx, call, shown, sens, fix, 'high', secure ? 'is set with `secure=False`' : 'is set without `secure=True`');
    return;
  }
  // app.config.update(SESSION_COOKIE_SECURE=False)
  for (const a of argList?.namedChildren ?? []) {
    if (a?.type !== 'keyword_argument') continue;
    const name = a.childForFieldName('name')?.text ?? '';
    const value = a.childForFieldName('value') ?? undefined;
    if (COOKIE_SETTINGS.test(name) && isFalse(value)) settingFinding(ctx, a, name, value as Node);
  }
}

/**
 * A framework's defaults (`default_config = ImmutableDict({...})`) or a development / test configuration class
 * (`class DevelopmentConfig: SESSION_COOKIE_SECURE = False`): not what production runs.
 */
function inDefaultsOrDevConfig(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'class_definition' && /default|dev|local|test|debug/i.test(p.childForFieldName('name')?.text ?? '')) return true;
    if (p.type === 'assignment' && /default/i.test(p.childForFieldName('left')?.text ?? '')) return true;
    if (p.type === 'function_definition') return false;
  }
  return false;
}

function settingFinding(ctx: RuleContext, node: Node, name: string, value: Node): void {
  if (isDefaultsFile(ctx.file.path) || inDefaultsOrDevConfig(node)) return;
  const csrf = /^CSRF|LANGUAGE/.test(name);
  const sens: Sensitivity = csrf
    ? { severity: name.startsWith('LANGUAGE') ? 'note' : 'warning', items: [], classifications: [], holds: name.startsWith('LANGUAGE') ? undefined : 'the CSRF token' }
    : { severity: 'error', items: [], classifications: [], holds: 'the session id' };
  report(ctx, node, `\`${name} = False\`: the ${csrf ? (name.startsWith('LANGUAGE') ? 'language' : 'CSRF') : name.startsWith('REMEMBER') ? 'remember-me' : 'session'} cookie`, sens, { title: `Set ${name} = True`, safe: true, edits: [replaceNode(value, 'True')] }, 'high', 'is sent without the Secure attribute');
}

export const insecureCookie: RuleDefinition = {
  id: 'transmission/insecure-cookie',
  family: 'transmission',
  title: 'Cookie without the Secure attribute',
  description: 'A cookie is set without `Secure` (Express res.cookie, express-session, cookie-session, Koa, fastify, Flask/Django/Starlette set_cookie, SESSION_COOKIE_SECURE / CSRF_COOKIE_SECURE = False), so browsers also send it over plain HTTP.',
  severity: 'warning',
  confidence: 'high',
  cwe: [614, 319],
  owasp: ['A05:2021 Security Misconfiguration', 'A07:2021 Identification and Authentication Failures'],
  standards: ['PCI DSS 4.2.1', 'GDPR Art. 32', 'ASVS 3.4.1'],
  fixable: true,
  keywords: 'cookie|session',
  guidance: {
    why: 'A cookie without `Secure` is sent on every plain http:// request to the site: one link to http://, a captive portal or an attacker on the network who injects a request is enough to read it. For a session cookie that is a session takeover. Session, login and token cookies and cookies that carry credentials, government ids or payment data are errors; cookies with other personal data or CSRF tokens are warnings; other cookies (a theme, a locale) are notes. A value decided at run time is trusted and not reported: `secure: process.env.NODE_ENV === \'production\'`, `secure: req.secure`, `secure=settings.SESSION_COOKIE_SECURE` keep local development on http:// working while production sets Secure; make sure production really sets NODE_ENV (or prefer `secure: true` everywhere: browsers accept Secure cookies on http://localhost). Koa, Next.js and cookie-session pick their default from the request protocol, which is http behind a TLS-terminating proxy unless the proxy is trusted; an absent flag is reported there with medium confidence. Framework defaults (`global_settings.py`, a `default_config` mapping), development / test configuration classes (`class DevelopmentConfig`) and test code are not reported.',
    bad: "res.cookie('sid', sessionId, { httpOnly: true });\napp.use(session({ secret, cookie: { httpOnly: true } }));\nresponse.set_cookie('session', token, httponly=True)",
    good: "res.cookie('sid', sessionId, { httpOnly: true, secure: true, sameSite: 'lax' });\napp.use(session({ secret, cookie: { httpOnly: true, secure: true } }));\nresponse.set_cookie('session', token, httponly=True, secure=True)",
    fix: 'Add `secure: true` (`secure=True`; `SESSION_COOKIE_SECURE = True`, `CSRF_COOKIE_SECURE = True` in Django and Flask). Behind a proxy that terminates TLS, trust it (`app.set(\'trust proxy\', 1)`, `app.proxy = true`, Werkzeug `ProxyFix`) so the app knows the request was https. Add `HttpOnly` and `SameSite` while you are there. In Go, `http.Cookie{…, Secure: true, HttpOnly: true}`, gin `c.SetCookie(…, secure=true, …)`, gorilla `sessions.Options{Secure: true}`.',
  },
  queries: {
    js: `(call_expression function: [(identifier) (member_expression)] arguments: (arguments)) @call`,
    python: `(call function: [(identifier) (attribute)] arguments: (argument_list)) @call
(assignment left: [(identifier) (subscript) (attribute)] @left right: (false)) @assign
(pair key: (string) @key value: (false)) @pair`,
    go: `(composite_literal type: (qualified_type package: (package_identifier) @pkg name: (type_identifier) @type) body: (literal_value)) @literal
(call_expression function: (selector_expression field: (field_identifier) @method) arguments: (argument_list)) @call`,
    php: `(function_call_expression function: (name) arguments: (arguments)) @call`,
    ruby: `(pair key: (_) @key value: (false)) @pair
(assignment left: (call method: (identifier) @left) right: (false)) @assign`,
    csharp: `(invocation_expression function: (member_access_expression name: (identifier) @method (#eq? @method "Append")) arguments: (argument_list)) @csCookie
(assignment_expression left: (member_access_expression name: (identifier) @prop (#eq? @prop "SecurePolicy"))) @csPolicy`,
    java: `(object_creation_expression) @cookie
(method_invocation object: (identifier) @class name: (identifier) @method (#eq? @class "ResponseCookie") (#eq? @method "from")) @cookie`,
  },
  check(match, ctx) {
    if (ctx.file.pathKind === 'test') return;
    const call = match.get('call');
    const lit = match.get('literal');
    if (lit) return checkGoCookie(ctx, lit);
    const rubyPair = ctx.file.syntax === 'ruby' ? match.get('pair') : undefined;
    if (rubyPair || (ctx.file.syntax === 'ruby' && match.get('assign'))) return checkRuby(ctx, rubyPair, match.get('assign'));
    const csCookie = match.get('csCookie');
    if (csCookie) return checkCsharpAppend(ctx, csCookie);
    const csPolicy = match.get('csPolicy');
    if (csPolicy) {
      const right = csPolicy.childForFieldName('right');
      if (right && /(^|\.)CookieSecurePolicy\.None$/.test(right.text.replace(/\s+/g, ''))) {
        report(ctx, csPolicy, '`SecurePolicy = CookieSecurePolicy.None`: the session or authentication cookie', { severity: 'error', items: [], classifications: [], holds: 'a session or login token' }, { title: 'Use CookieSecurePolicy.Always', safe: true, edits: [replaceNode(right, 'CookieSecurePolicy.Always')] }, 'high', 'is sent without the Secure attribute');
      }
      return;
    }
    const javaCookie = match.get('cookie');
    if (javaCookie) return checkJavaCookie(ctx, javaCookie);
    if (call) {
      if (ctx.file.syntax === 'php') checkPhpCall(ctx, call);
      else if (ctx.file.syntax === 'go') checkGoCall(ctx, call);
      else if (ctx.file.syntax === 'js') checkJs(ctx, call);
      else checkPythonCall(ctx, call);
      return;
    }
    const assign = match.get('assign');
    const left = match.get('left');
    if (assign && left) {
      const name = left.type === 'subscript' ? ctx.syntax.stringValue(left.childForFieldName('subscript') ?? left) : left.type === 'attribute' ? left.childForFieldName('attribute')?.text : left.text;
      const value = assign.childForFieldName('right');
      if (name && value && COOKIE_SETTINGS.test(name)) settingFinding(ctx, assign, name, value);
      return;
    }
    const pair = match.get('pair');
    const key = match.get('key');
    if (pair && key) {
      const name = ctx.syntax.stringValue(key);
      const value = pair.childForFieldName('value');
      if (name && value && COOKIE_SETTINGS.test(name)) settingFinding(ctx, pair, name, value);
    }
  },
};
