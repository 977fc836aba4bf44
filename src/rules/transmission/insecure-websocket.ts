import type { Node } from 'web-tree-sitter';
import type { RuleContext, RuleDefinition } from '../../core/rule';
import { capitalise, classificationsOf, describeData, relatedFor } from '../common';
import { creationOf, fileConfidence, instanceCalls, normalisePath, receiverOf } from './clients';
import { goSocketUrl } from './go';
import { phpSocketUrl, rubyInstanceCalls, rubySocketUrl } from './ruby';
import { sentData } from './insecure-request';
import { reportable, schemeFix, urlTarget } from './urls';

/** WebSocket constructors (the URL is the first argument). */
const JS_WEBSOCKETS = /^new (WebSocket|ws|ws\.WebSocket|ws\.default|isomorphic-ws|ReconnectingWebSocket|reconnecting-websocket|W3CWebSocket|websocket\.w3cwebsocket|SockJS|sockjs-client|Sockette|sockette)$/;
/** socket.io clients: they take http:// or ws:// URLs. */
const JS_SOCKET_IO = /^(io|io\.connect|socket\.io-client|socket\.io-client\.(io|connect|default)|new socket\.io-client\.Manager)$/;
const PY_WEBSOCKETS = /^(websockets\.(connect|client\.connect|legacy\.client\.connect|sync\.client\.connect)|websocket\.(create_connection|WebSocketApp)|tornado\.websocket\.websocket_connect)$/;
const PY_CLIENTS = /^(socketio\.(Client|AsyncClient|SimpleClient|AsyncSimpleClient)|websocket\.WebSocket)$/;
const SEND = /^(send|emit|write|send_str|send_json|send_bytes|sendall)$/;

interface SocketCall {
  url: Node;
  /** socket.io / SockJS accept http:// URLs as well. */
  http: boolean;
  /** The call whose later `.send` / `.emit` carry data. */
  creation: Node;
}

function socketCall(ctx: RuleContext, call: Node): SocketCall | undefined {
  const s = ctx.syntax;
  const args = s.args(call);
  const resolved = normalisePath(ctx.flow.resolvedPath(call));
  const written = normalisePath(s.calleePath(call));
  if (ctx.file.syntax === 'go') {
    const url = goSocketUrl(ctx, call);
    return url ? { url, http: false, creation: call } : undefined;
  }
  if (ctx.file.syntax === 'ruby') {
    const url = rubySocketUrl(ctx, call);
    return url ? { url, http: false, creation: call } : undefined;
  }
  if (ctx.file.syntax === 'php') {
    const url = phpSocketUrl(ctx, call);
    return url ? { url, http: false, creation: call } : undefined;
  }
  if (ctx.file.syntax === 'java') {
    const e = s.expr(call);
    if (e.kind !== 'call') return undefined;
    // Java-WebSocket `new WebSocketClient(new URI("ws://…")) { … }`, Tyrus / JSR 356 `connectToServer(endpoint, uri)`,
    // Spring `webSocketClient.doHandshake(handler, "ws://…")`, OkHttp `new Request.Builder().url("ws://…")`.
    if (/^new (org\.java_websocket\.client\.)?WebSocketClient$/.test(written) && args[0]) return { url: args[0], http: false, creation: call };
    if (e.name === 'connectToServer' && args[1]) return { url: args[1], http: false, creation: call };
    if (/^(doHandshake|execute)$/.test(e.name) && args[1] && /[Ww]eb[Ss]ocket|wsClient|client/.test(e.receiver?.text ?? '')) return { url: args[1], http: false, creation: call };
    if (e.name === 'url' && args[0] && /Request\.Builder\(\)/.test(e.receiver && s.isCall(e.receiver) ? `${s.calleePath(e.receiver)}()` : '')) return { url: args[0], http: false, creation: call };
    return undefined;
  }
  if (ctx.file.syntax === 'csharp') {
    const e = s.expr(call);
    if (e.kind !== 'call') return undefined;
    // `new ClientWebSocket().ConnectAsync(new Uri("ws://…"), ct)`, SignalR `new HubConnectionBuilder().WithUrl("http://…")`.
    if (e.name === 'ConnectAsync' && args[0] && e.receiver) {
      const created = creationOf(ctx, e.receiver);
      if ((created && /ClientWebSocket$/.test(s.calleePath(created))) || /^(this\.)?_?(ws|webSocket|socket|client)$/i.test(e.receiver.text)) return { url: args[0], http: false, creation: created ?? call };
    }
    if (e.name === 'WithUrl' && args[0]) return { url: args[0], http: true, creation: call };
    return undefined;
  }
  if (ctx.file.syntax === 'js') {
    if (!args[0]) return undefined;
    if (JS_WEBSOCKETS.test(resolved) || JS_WEBSOCKETS.test(written)) return { url: args[0], http: /sock(js|ette)/i.test(resolved), creation: call };
    if (JS_SOCKET_IO.test(resolved) || (JS_SOCKET_IO.test(written) && !written.startsWith('new '))) return { url: args[0], http: true, creation: call };
    return undefined;
  }
  const url = s.kwarg(call, 'uri') ?? s.kwarg(call, 'url') ?? args[0];
  if (!url) return undefined;
  if (PY_WEBSOCKETS.test(resolved)) return { url, http: false, creation: call };
  const method = written.slice(written.lastIndexOf('.') + 1);
  const receiver = receiverOf(call);
  if (method === 'ws_connect' && receiver) return { url, http: false, creation: call };
  if (method === 'connect' && receiver) {
    const created = creationOf(ctx, receiver);
    const factory = created ? ctx.flow.resolvedPath(created) : '';
    if (created && PY_CLIENTS.test(factory)) return { url, http: /^socketio\./.test(factory), creation: created };
    if (/^(self\.)?_?(sio|socketio|socket_io)$/.test(receiver.text)) return { url, http: true, creation: call };
  }
  return undefined;
}

export const insecureWebsocket: RuleDefinition = {
  id: 'transmission/insecure-websocket',
  family: 'transmission',
  title: 'WebSocket over plain ws://',
  description: 'A WebSocket or socket.io client connects to a ws:// (or http://) endpoint on a non-local host: every message travels unencrypted.',
  severity: 'warning',
  confidence: 'high',
  cwe: [319],
  owasp: ['A02:2021 Cryptographic Failures'],
  standards: ['PCI DSS 4.2.1', 'GDPR Art. 32', 'ASVS 9.1.1'],
  fixable: true,
  keywords: 'ws://|socket\\.?io|sockjs|WithUrl|\\bio\\(\\s*[\'"`]http:|\\bsio\\.connect',
  guidance: {
    why: 'A ws:// connection is the WebSocket equivalent of http://: every frame (chat messages, live account data, the session token sent on connect) can be read and altered on the network path, and a long-lived socket gives an attacker a long window. Browsers block ws:// from https:// pages, so ws:// usually also means the page itself is served without TLS. socket.io and SockJS clients take http:// URLs and are reported the same way. An error when credentials or personal data reach the URL (a token in the query string), the connection options or a later `send` / `emit` on the socket. Loopback, reserved test names, single-label service names, hosts under `hosts.allowInsecure` and test code are not reported.',
    bad: "const socket = new WebSocket(`ws://chat.partner.com/room?token=${token}`);",
    good: "const socket = new WebSocket('wss://chat.partner.com/room');\nsocket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'auth', token })));",
    fix: 'Use wss:// (or https:// for socket.io / SockJS) and terminate TLS at the server or load balancer. Send tokens in the first message or a cookie, not in the URL, where proxies log them.',
  },
  queries: {
    js: `(new_expression constructor: [(identifier) (member_expression)] arguments: (arguments)) @call
(call_expression function: [(identifier) (member_expression)] arguments: (arguments)) @call`,
    python: `(call function: [(identifier) (attribute)] arguments: (argument_list)) @call`,
    go: `(call_expression function: (selector_expression) arguments: (argument_list)) @call`,
    java: `(method_invocation arguments: (argument_list)) @call
(object_creation_expression arguments: (argument_list)) @call`,
    csharp: `(invocation_expression arguments: (argument_list)) @call`,
    ruby: `(call method: (identifier)) @call`,
    php: `[(function_call_expression) (object_creation_expression)] @call`,
  },
  check(match, ctx) {
    const call = match.get('call');
    if (!call || ctx.file.pathKind === 'test') return;
    const sock = socketCall(ctx, call);
    if (!sock) return;
    const t = urlTarget(ctx, sock.url);
    if (!t || !(t.scheme === 'ws' || (sock.http && t.scheme === 'http')) || !reportable(t.kind)) return;
    const sends = (ctx.file.syntax === 'ruby' ? rubyInstanceCalls(ctx, sock.creation) : instanceCalls(ctx, sock.creation)).filter((c) => SEND.test(ctx.syntax.calleePath(c).split('.').pop() ?? ''));
    const direct = sentData(ctx, [call]);
    const later = sentData(ctx, sends);
    const items = [...direct, ...later];
    const related = [
      ...(t.literal && (t.literal.startIndex < call.startIndex || t.literal.endIndex > call.endIndex) ? [{ node: t.literal, message: `The ${t.scheme}:// URL is defined here.` }] : []),
      ...sends.filter((c) => sentData(ctx, [c]).length > 0).slice(0, 3).map((c) => ({ node: c, message: 'Personal data is sent over this socket here.' })),
      ...relatedFor(items, call),
    ];
    const secure = t.scheme === 'ws' ? 'wss' : 'https';
    // A Java / C# builder chain (`new HubConnectionBuilder().WithUrl(…)`) starts lines before the URL: show the URL.
    const chained = (ctx.file.syntax === 'java' || ctx.file.syntax === 'csharp') && (call.type === 'method_invocation' || call.type === 'invocation_expression');
    ctx.report({
      node: chained ? sock.url : call,
      message: items.length > 0
        ? `${capitalise(describeData(ctx, items))} sent over an unencrypted ${t.scheme}:// socket to ${t.host}.`
        : `Socket connection to ${t.host} over plain ${t.scheme}://; use ${secure}://.`,
      severity: items.length > 0 ? 'error' : 'warning',
      confidence: t.fallback ? 'low' : fileConfidence(ctx, t.kind === 'private' ? 'medium' : 'high'),
      classifications: classificationsOf(items),
      related,
      fixes: schemeFix(t.literal, t.scheme, secure),
      fingerprintKey: `${ctx.syntax.calleePath(call)} ${t.prefix}`,
    });
  },
};
