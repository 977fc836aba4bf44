/**
 * C#: which calls are HTTP requests (`HttpClient`, `HttpRequestMessage`, `WebClient`, `WebRequest.Create`, RestSharp),
 * which create clients with a base address, and the TLS, cookie and SMTP checks of the transmission rules on C# trees.
 */
import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext } from '../../core/rule';
import { walk } from '../../core/syntax';
import type { HttpCall } from './clients';

const HTTPCLIENT_METHODS = /^(GetAsync|GetStringAsync|GetStreamAsync|GetByteArrayAsync|PostAsync|PutAsync|PatchAsync|DeleteAsync|PostAsJsonAsync|PutAsJsonAsync|PatchAsJsonAsync|GetFromJsonAsync|DeleteFromJsonAsync)$/;
const WEBCLIENT_METHODS = /^(DownloadString|DownloadStringTaskAsync|DownloadData|DownloadDataTaskAsync|DownloadFile|DownloadFileTaskAsync|UploadString|UploadStringTaskAsync|UploadData|UploadValues|UploadValuesTaskAsync|UploadFile|OpenRead|OpenWrite)$/;
const CLIENT_NAMES = /^(this\.)?_?(client|http|httpClient|webClient|wc|api|apiClient|restClient|_httpClient)$/i;

function named(node: Node | null | undefined): Node[] {
  return node ? (node.namedChildren.filter((c) => c !== null) as Node[]) : [];
}

/** The value a receiver was created with (`var client = new HttpClient()`, a field initialiser), if known. */
function createdBy(ctx: RuleContext, receiver: Node | undefined): string {
  if (!receiver) return '';
  if (ctx.syntax.isCall(receiver)) return ctx.syntax.calleePath(receiver);
  const e = ctx.syntax.expr(receiver);
  const name = e.kind === 'identifier' ? e.name : undefined;
  if (!name) return '';
  const def = ctx.flow.definitionOf(name, receiver);
  return def?.value && ctx.syntax.isCall(def.value) ? ctx.syntax.calleePath(def.value) : '';
}

export function csharpHttpCall(ctx: RuleContext, node: Node): HttpCall | undefined {
  const s = ctx.syntax;
  // `client.BaseAddress = new Uri("http://…")`
  if (node.type === 'assignment_expression') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const e = left ? s.expr(left) : undefined;
    if (right && e?.kind === 'member' && e.key === 'BaseAddress') return { call: node, library: 'HttpClient', base: right, creates: true };
    return undefined;
  }
  const e = s.expr(node);
  if (e.kind !== 'call') return undefined;
  const path = s.calleePath(node);
  const args = s.args(node);
  if (node.type === 'object_creation_expression') {
    // new HttpClient { BaseAddress = new Uri(…) }, new RestClient("http://…")
    if (/^new (System\.Net\.Http\.)?HttpClient$/.test(path)) {
      const base = s.property(node, 'BaseAddress');
      return base ? { call: node, library: 'HttpClient', base, creates: true } : undefined;
    }
    if (/^new (RestSharp\.)?RestClient$/.test(path) && args[0]) return { call: node, library: 'RestSharp', base: args[0], creates: true };
    if (/^new (System\.Net\.Http\.)?HttpRequestMessage$/.test(path) && args[1]) return { call: node, library: 'HttpClient', target: args[1] };
    return undefined;
  }
  if (/(^|\.)(WebRequest|HttpWebRequest)\.(Create|CreateHttp)$/.test(path) && args[0]) return { call: node, library: 'WebRequest', target: args[0] };
  const receiver = e.receiver;
  const recv = receiver?.text.replace(/\s+/g, '') ?? '';
  const creator = createdBy(ctx, receiver);
  if (HTTPCLIENT_METHODS.test(e.name) && args[0] && (CLIENT_NAMES.test(recv) || /HttpClient$/.test(creator) || /CreateClient$/.test(creator))) return { call: node, library: 'HttpClient', target: args[0] };
  if (WEBCLIENT_METHODS.test(e.name) && args[0] && (CLIENT_NAMES.test(recv) || /WebClient$/.test(creator))) return { call: node, library: 'WebClient', target: args[0] };
  return undefined;
}

/** An edit that adds `entry` to an object initialiser `{ … }`, on its own line when the entries are on their own lines. */
export function initializerInsert(text: string, init: Node, entry: string): { start: number; end: number; newText: string } {
  const first = named(init)[0];
  if (first && text.slice(init.startIndex, first.startIndex).includes('\n')) {
    const indent = /[ \t]*$/.exec(text.slice(text.lastIndexOf('\n', first.startIndex - 1) + 1, first.startIndex))?.[0] ?? '';
    return { start: first.startIndex, end: first.startIndex, newText: `${entry},\n${indent}` };
  }
  return { start: init.startIndex + 1, end: init.startIndex + 1, newText: ` ${entry},` };
}

/** `(a, b, c, d) => true`, `delegate { return true; }`, `(s, c, ch, e) => { return true; }`: accepts every certificate. */
export function acceptsAny(node: Node | undefined): boolean {
  if (!node) return false;
  if (node.type !== 'lambda_expression' && node.type !== 'anonymous_method_expression') return false;
  const body = node.childForFieldName('body') ?? named(node).find((c) => c.type === 'block');
  if (!body) return false;
  if (body.type === 'boolean_literal') return body.text === 'true';
  return body.type === 'block' && /^\{\s*return\s+true\s*;\s*\}$/.test(body.text);
}

/** The TLS switches of C#: certificate validation callbacks that return true, and the "accept any" validator. */
export function csharpTlsHit(ctx: RuleContext, node: Node): { node: Node; what: string; severity: 'warning' | 'error'; fix?: FixInput } | undefined {
  if (node.type === 'assignment_expression') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const name = left?.type === 'identifier' ? left.text : left?.childForFieldName('name')?.text;
    if (!right || !name || !/^(ServerCertificateCustomValidationCallback|ServerCertificateValidationCallback|RemoteCertificateValidationCallback)$/.test(name)) return undefined;
    const global = /ServicePointManager\s*\.\s*ServerCertificateValidationCallback$/.test(left?.text ?? '');
    if (acceptsAny(right) || /DangerousAcceptAnyServerCertificateValidator$/.test(right.text)) {
      return {
        node,
        what: global
          ? '`ServicePointManager.ServerCertificateValidationCallback` accepts every certificate for every HTTPS connection of the process'
          : `\`${name}\` accepts every certificate`,
        severity: global ? 'error' : 'warning',
      };
    }
    return undefined;
  }
  if (node.type === 'object_creation_expression') {
    // new SslStream(inner, false, (s, c, ch, e) => true)
    if (!/^new (System\.Net\.Security\.)?SslStream$/.test(ctx.syntax.calleePath(node))) return undefined;
    const cb = ctx.syntax.args(node)[2];
    return cb && acceptsAny(cb) ? { node: cb, what: 'The validation callback passed to `new SslStream` accepts every certificate', severity: 'warning' } : undefined;
  }
  return undefined;
}

/** `Response.Cookies.Append(name, value, options)`: whether `Secure = true` is set on the options. */
export function cookieOptionsSecure(ctx: RuleContext, options: Node | undefined): { state: 'absent' | 'false' | 'set'; node?: Node; literal?: Node } {
  if (!options) return { state: 'absent' };
  let obj: Node | undefined = options;
  if (options.type === 'identifier') {
    const def = ctx.flow.definitionOf(options.text, options);
    obj = def?.value;
    // `options.Secure = true` set later in the method.
    const scope = ctx.flow.scopeOf(options);
    if (new RegExp(`\\b${options.text}\\s*\\.\\s*Secure\\s*=\\s*true\\b`).test(scope.text)) return { state: 'set' };
    if (!obj) return { state: 'set' };
  }
  if (obj.type !== 'object_creation_expression') return { state: 'set' };
  const v = ctx.syntax.property(obj, 'Secure');
  if (!v) return { state: 'absent', literal: obj };
  return v.text === 'false' ? { state: 'false', node: v, literal: obj } : { state: 'set' };
}

/** `new SmtpClient(host) { EnableSsl = … }` / `smtp.EnableSsl = …` in the same method. */
export function smtpSslState(ctx: RuleContext, creation: Node): { state: 'absent' | 'false' | 'set'; node?: Node } {
  const inline = ctx.syntax.property(creation, 'EnableSsl');
  if (inline) return inline.text === 'false' ? { state: 'false', node: inline } : { state: 'set' };
  const decl = creation.parent?.type === 'variable_declarator' ? creation.parent : undefined;
  const variable = decl?.childForFieldName('name')?.text ?? (creation.parent?.type === 'assignment_expression' ? creation.parent.childForFieldName('left')?.text : undefined);
  if (!variable) return { state: 'set' };
  let state: 'absent' | 'false' | 'set' = 'absent';
  let node: Node | undefined;
  walk(ctx.flow.scopeOf(creation), (n) => {
    if (n.type === 'assignment_expression' && n.childForFieldName('left')?.text.replace(/\s+/g, '') === `${variable}.EnableSsl`) {
      const right = n.childForFieldName('right');
      if (right?.text === 'false') {
        if (state !== 'set') state = 'false';
        node = right;
      } else state = 'set';
    }
    return true;
  });
  if (state === 'absent' && decl) {
    const scope = ctx.flow.scopeOf(creation).text;
    const v = variable.replace(/\W/g, '');
    // Handed to a helper that sets its options (`SetPropertiesOnClient(client)`, ASP.NET Web Pages' WebMail), or
    // never used to send (read for its configured `Host` / `Port`): not a cleartext session decided here.
    if (new RegExp(`\\w+\\s*\\(([^()]*,)?\\s*${v}\\s*[,)]`).test(scope)) return { state: 'set' };
    if (!new RegExp(`\\b${v}\\s*\\.\\s*Send|\\breturn\\s+${v}\\s*;|=\\s*${v}\\s*;`).test(scope)) return { state: 'set' };
  }
  return { state, node };
}
