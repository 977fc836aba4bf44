/**
 * Go: which calls are HTTP requests (`net/http`, an `http.Client`, resty), which open WebSockets
 * (gorilla/websocket, nhooyr.io/websocket), and the helpers the transmission rules use on Go trees.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import type { HttpCall } from './clients';

/** Package functions of net/http that take the URL first. */
const GO_URL_FIRST = /^http\.(Get|Post|PostForm|Head)$/;
/** `http.NewRequest(method, url, body)`, `http.NewRequestWithContext(ctx, method, url, body)`. */
const GO_NEW_REQUEST = /^http\.NewRequest(WithContext)?$/;
/** Methods of an `http.Client` (or resty's request) that take the URL first. */
const GO_CLIENT_METHODS = /^(Get|Post|PostForm|Head|Put|Patch|Delete|Options)$/;
const GO_CLIENT_NAMES = /^(c|client|cli|httpClient|httpc|hc|http\.DefaultClient|\w*[Cc]lient)$/;

function receiverText(ctx: RuleContext, call: Node): string {
  const e = ctx.syntax.expr(call);
  return e.kind === 'call' && e.receiver ? e.receiver.text.replace(/\s+/g, '') : '';
}

/** True when `recv` was built as `&http.Client{…}` / `http.Client{…}` / `resty.New()` in this file. */
function isClientValue(ctx: RuleContext, recv: Node): boolean {
  if (recv.type !== 'identifier') return false;
  const def = ctx.flow.definitionOf(recv.text, recv);
  const v = def?.value;
  if (!v) return false;
  return /^&?\s*http\.Client\s*\{|^resty\.New\(|^http\.DefaultClient$/.test(v.text.slice(0, 40));
}

export function goHttpCall(ctx: RuleContext, call: Node): HttpCall | undefined {
  const s = ctx.syntax;
  const path = ctx.flow.resolvedPath(call);
  const args = s.args(call);
  if (GO_URL_FIRST.test(path)) return args[0] ? { call, library: 'net/http', target: args[0] } : undefined;
  if (GO_NEW_REQUEST.test(path)) {
    const url = path.endsWith('WithContext') ? args[2] : args[1];
    return url ? { call, library: 'net/http', target: url } : undefined;
  }
  const method = path.slice(path.lastIndexOf('.') + 1);
  if (!GO_CLIENT_METHODS.test(method) || !args[0]) return undefined;
  const recv = receiverText(ctx, call);
  // resty: client.R().SetBody(…).Post(url)
  if (/\.R\(\)(\.\w+\([^]*\))*$/.test(recv) || /^\w+\.R\(\)/.test(recv)) return { call, library: 'resty', target: args[0] };
  const e = s.expr(call);
  if (e.kind !== 'call' || !e.receiver) return undefined;
  if (GO_CLIENT_NAMES.test(recv) || isClientValue(ctx, e.receiver)) return { call, library: 'net/http', target: args[0] };
  return undefined;
}

/** gorilla/websocket `Dial` / `DialContext`, `websocket.Dial` (x/net and nhooyr): the URL argument. */
export function goSocketUrl(ctx: RuleContext, call: Node): Node | undefined {
  const path = ctx.flow.resolvedPath(call);
  const args = ctx.syntax.args(call);
  if (/^websocket\.(DefaultDialer|Dialer\{\})\.Dial$/.test(path) || /^websocket\.Dial$/.test(path)) {
    // nhooyr: websocket.Dial(ctx, url, opts); x/net: websocket.Dial(url, protocol, origin)
    const first = args[0];
    if (first && ctx.syntax.stringValue(first) === undefined && args[1] && /^(ctx|context\.\w+\(\)|c|r\.Context\(\))$/.test(first.text)) return args[1];
    return first;
  }
  if (/^websocket\.(DefaultDialer|Dialer\{\})\.DialContext$/.test(path)) return args[1];
  const method = path.slice(path.lastIndexOf('.') + 1);
  if ((method === 'Dial' || method === 'DialContext') && /dialer/i.test(receiverText(ctx, call)) && /gorilla\/websocket|nhooyr\.io\/websocket|coder\/websocket/.test(ctx.file.text)) {
    return method === 'Dial' ? args[0] : args[1];
  }
  return undefined;
}

// ── PHP ──────────────────────────────────────────────────────────────────────────────────────────────────────
// (Kept next to the Go helpers: both are small tables over calls the shared transmission code already understands.)

/** PHP functions that fetch a URL given as their first argument. */
const PHP_URL_FIRST = /^(file_get_contents|fopen|file|curl_init|get_headers|simplexml_load_file|readfile|copy)$/;
const PHP_HTTP_FACADE = /^(Http|Illuminate\\Support\\Facades\\Http)\.(get|post|put|patch|delete|head)$/;
const PHP_CLIENT_METHODS = /^(get|post|put|patch|delete|head|request|getAsync|postAsync|requestAsync|send)$/;

/** `new Client(['base_uri' => …])` (Guzzle) or a Symfony HttpClient: the creation of an HTTP client. */
function phpClientCreation(ctx: RuleContext, recv: Node): Node | undefined {
  let v: Node | undefined = recv;
  if (recv.type === 'variable_name' || recv.type === 'member_access_expression') {
    const name = recv.type === 'variable_name' ? recv.text.replace(/^\$/, '') : ctx.syntax.calleePath(recv);
    v = ctx.flow.definitionOf(name, recv)?.value;
  }
  if (!v || v.type !== 'object_creation_expression') return undefined;
  return /^new (\\?GuzzleHttp\\Client|Client|GuzzleClient|HttpClient)$/.test(ctx.flow.resolvedPath(v)) || /GuzzleHttp\\Client/.test(ctx.flow.resolvedPath(v)) ? v : undefined;
}

export function phpHttpCall(ctx: RuleContext, call: Node): HttpCall | undefined {
  const s = ctx.syntax;
  const path = ctx.flow.resolvedPath(call);
  const args = s.args(call);
  if (call.type === 'function_call_expression') {
    if (PHP_URL_FIRST.test(path) && args[0]) return { call, library: path, target: args[0] };
    if (path === 'curl_setopt' && args.length === 3 && /^CURLOPT_URL$/.test(args[1].text)) return { call, library: 'curl', target: args[2] };
    return undefined;
  }
  if (call.type === 'object_creation_expression') {
    if (!/GuzzleHttp\\Client|^new Client$/.test(path) || !args[0]) return undefined;
    const options = ctx.flow.objectLiteralOf(args[0]);
    const base = options ? s.property(options, 'base_uri') : undefined;
    return base ? { call, library: 'guzzle', base, creates: true } : undefined;
  }
  if (PHP_HTTP_FACADE.test(path) && args[0]) return { call, library: 'laravel-http', target: args[0] };
  const e = s.expr(call);
  if (e.kind !== 'call' || !e.receiver || !PHP_CLIENT_METHODS.test(e.name)) return undefined;
  const creation = phpClientCreation(ctx, e.receiver);
  if (!creation && !/^\$(client|http|guzzle|httpClient)$/i.test(e.receiver.text) && !/->(client|http|httpClient|guzzle)$/.test(e.receiver.text)) return undefined;
  const target = e.name === 'request' || e.name === 'requestAsync' ? args[1] : args[0];
  if (!target) return undefined;
  const out: HttpCall = { call, library: 'guzzle', target };
  if (creation) {
    const options = s.args(creation)[0] ? ctx.flow.objectLiteralOf(s.args(creation)[0]) : undefined;
    const base = options ? s.property(options, 'base_uri') : undefined;
    if (base) {
      out.base = base;
      out.baseCreation = creation;
    }
  }
  return out;
}

// ── Ruby ─────────────────────────────────────────────────────────────────────────────────────────────────────

const RUBY_URL_FIRST = /^(Net\.HTTP\.(get|get_response|post|post_form|get_print)|HTTParty\.(get|post|put|patch|delete|head)|Faraday\.(get|post|put|patch|delete)|RestClient\.(get|post|put|patch|delete|head)|HTTP\.(get|post|put|patch|delete)|URI\.open|Excon\.(get|post|put|delete)|Typhoeus\.(get|post|put|delete))$/;

export function rubyHttpCall(ctx: RuleContext, call: Node): HttpCall | undefined {
  const s = ctx.syntax;
  const path = s.calleePath(call);
  const args = s.args(call);
  if (RUBY_URL_FIRST.test(path)) return args[0] ? { call, library: path.split('.')[0], target: args[0] } : undefined;
  // Faraday.new(url: 'http://…') / Faraday.new('http://…'), Excon.new('http://…'): a client with a base URL.
  if (/^(Faraday|Excon|HTTPClient)\.new$/.test(path)) {
    const base = s.kwarg(call, 'url') ?? args[0];
    return base && s.stringValue(base) !== undefined ? { call, library: path.split('.')[0], base, creates: true } : undefined;
  }
  return undefined;
}
