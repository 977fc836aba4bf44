/**
 * Java: which calls are HTTP requests (`HttpURLConnection` through `URL`, `java.net.http.HttpClient` requests,
 * Apache HttpClient, OkHttp, Spring `RestTemplate` / `WebClient`, Retrofit, Jsoup), which create clients with a
 * base URL, and the TLS and mail helpers the transmission rules use on Java trees.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import type { HttpCall } from './clients';

/** Apache HttpClient request objects: the URL is the constructor's argument. */
const APACHE_REQUESTS = /^new (org\.apache\.http\.client\.methods\.|org\.apache\.hc\.client5\.http\.classic\.methods\.)?(HttpGet|HttpPost|HttpPut|HttpPatch|HttpDelete|HttpHead|HttpOptions)$/;
/** Spring RestTemplate methods that take the URL first. */
const REST_TEMPLATE_METHODS = /^(getForObject|getForEntity|postForObject|postForEntity|postForLocation|put|patchForObject|delete|exchange|execute|headForHeaders|optionsForAllow)$/;
const REST_TEMPLATE_NAMES = /^(this\.)?_?(restTemplate|rest|template|restOperations|client|http|httpClient|api|apiClient)$/i;

/** The text of a call chain's receivers, without whitespace: `HttpRequest.newBuilder().uri` → `HttpRequest.newBuilder()`. */
function chainText(ctx: RuleContext, receiver: Node | undefined): string {
  if (!receiver) return '';
  return ctx.syntax.isCall(receiver) ? `${ctx.syntax.calleePath(receiver)}()` : receiver.text.replace(/\s+/g, '');
}

export function javaHttpCall(ctx: RuleContext, call: Node): HttpCall | undefined {
  const s = ctx.syntax;
  const e = s.expr(call);
  if (e.kind !== 'call') return undefined;
  const path = ctx.flow.resolvedPath(call);
  const args = s.args(call);
  if (call.type === 'object_creation_expression') {
    if (APACHE_REQUESTS.test(path) && args[0]) return { call, library: 'Apache HttpClient', target: args[0] };
    // `new URL("http://…").openConnection()` / `.openStream()`: the URL is opened right here.
    if (/^new (java\.net\.)?URL$/.test(path) && args.length === 1) {
      const p = call.parent;
      const opened = p?.type === 'method_invocation' && p.childForFieldName('object')?.id === call.id && /^(openConnection|openStream)$/.test(p.childForFieldName('name')?.text ?? '');
      const bound = p?.type === 'variable_declarator' && /\.(openConnection|openStream)\(/.test(ctx.flow.scopeOf(call).text);
      return opened || bound ? { call, library: 'HttpURLConnection', target: args[0] } : undefined;
    }
    return undefined;
  }
  const receiver = e.receiver;
  const recv = chainText(ctx, receiver);
  // java.net.http: HttpRequest.newBuilder(URI.create(url)) and HttpRequest.newBuilder().uri(URI.create(url)).
  if (/(^|\.)HttpRequest\.newBuilder$/.test(path) && args[0]) return { call, library: 'java.net.http', target: args[0] };
  if (e.name === 'uri' && args[0] && /HttpRequest\.newBuilder\(\)/.test(recv)) return { call, library: 'java.net.http', target: args[0] };
  // OkHttp: new Request.Builder().url(url)
  if (e.name === 'url' && args[0] && /Request\.Builder\(\)|^new Builder\(\)/.test(recv)) return { call, library: 'OkHttp', target: args[0] };
  // Spring WebClient: WebClient.create(base), WebClient.builder().baseUrl(base); Retrofit: new Retrofit.Builder().baseUrl(base).
  if (/(^|\.)WebClient\.create$/.test(path) && args[0]) return { call, library: 'WebClient', base: args[0], creates: true };
  if (e.name === 'baseUrl' && args[0] && /WebClient\.builder\(\)|Retrofit\.Builder\(\)|RestClient\.builder\(\)/.test(recv)) return { call, library: /Retrofit/.test(recv) ? 'Retrofit' : 'WebClient', base: args[0], creates: true };
  if (e.name === 'rootUri' && args[0] && /RestTemplateBuilder|restTemplateBuilder|builder/i.test(recv)) return { call, library: 'RestTemplate', base: args[0], creates: true };
  // WebClient request: webClient.get().uri(url) with an absolute URL.
  if (e.name === 'uri' && args[0] && /(^|\.)(get|post|put|patch|delete|method)\(\)$/.test(recv) && /webClient|client|WebClient|restClient/i.test(recv)) return { call, library: 'WebClient', target: args[0] };
  // RestTemplate: restTemplate.getForObject(url, Type.class)
  if (REST_TEMPLATE_METHODS.test(e.name) && args[0] && receiver && REST_TEMPLATE_NAMES.test(recv)) return { call, library: 'RestTemplate', target: args[0] };
  // Jsoup.connect(url)
  if (/(^|\.)Jsoup\.connect$/.test(path) && args[0]) return { call, library: 'Jsoup', target: args[0] };
  return undefined;
}

/**
 * A method that accepts every certificate or host name: `checkServerTrusted` with an empty body (or one that only
 * returns), `verify` returning true, `getAcceptedIssuers` alone does not count.
 */
export function permissiveMethod(method: Node): 'trust-all' | 'any-host' | undefined {
  const name = method.childForFieldName('name')?.text;
  const body = method.childForFieldName('body');
  if (!body) return undefined;
  const statements = body.namedChildren.filter((c): c is Node => !!c && c.type !== 'line_comment' && c.type !== 'block_comment');
  if (name === 'checkServerTrusted') {
    // Throwing (or calling a delegate that throws) verifies; an empty body or a bare return trusts everything.
    return statements.every((st) => st.type === 'return_statement' || (st.type === 'expression_statement' && /^(System\.out|log|logger|LOG)\b/.test(st.text))) ? 'trust-all' : undefined;
  }
  if (name === 'verify') {
    const params = method.childForFieldName('parameters')?.namedChildren.filter((c): c is Node => !!c) ?? [];
    if (params.length !== 2 || !/SSLSession/.test(params[1].text)) return undefined;
    return statements.length === 1 && statements[0].type === 'return_statement' && /^return\s+true\s*;$/.test(statements[0].text) ? 'any-host' : undefined;
  }
  return undefined;
}

/** A lambda `(hostname, session) -> true`: a HostnameVerifier that accepts every host. */
export function isAcceptAllLambda(node: Node): boolean {
  if (node.type !== 'lambda_expression') return false;
  const params = node.childForFieldName('parameters');
  const count = params ? params.namedChildren.filter((c) => !!c).length : 0;
  const body = node.childForFieldName('body');
  if (count !== 2 || !body) return false;
  if (body.type === 'true') return true;
  return body.type === 'block' && /^\{\s*return\s+true\s*;\s*\}$/.test(body.text);
}
