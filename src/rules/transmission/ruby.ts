/**
 * Ruby and PHP helpers for the transmission rules: the calls made on an object a Ruby call created (`ftp.login`
 * after `ftp = Net::FTP.new(…)`, or `f.login` in `Net::FTP.open(…) { |f| … }`), and which Ruby / PHP calls open
 * WebSockets (websocket-client-simple, faye-websocket, Ratchet's Pawl, textalk/websocket).
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import { walk } from '../../core/syntax';

/** The name a Ruby call's result is bound to: `x = Net::FTP.new(…)`, `@x = …`, or the block parameter of `open(…) { |x| }`. */
function boundName(call: Node): { name: string; scope: Node } | undefined {
  const block = call.childForFieldName('block');
  const param = block?.childForFieldName('parameters')?.namedChildren[0];
  if (block && param?.type === 'identifier') return { name: param.text, scope: block };
  const parent = call.parent;
  const left = parent?.type === 'assignment' ? parent.childForFieldName('left') : undefined;
  if (!parent || !left || (left.type !== 'identifier' && left.type !== 'instance_variable')) return undefined;
  let scope: Node | null = parent.parent;
  while (scope && !/^(method|singleton_method|block|do_block|lambda|program)$/.test(scope.type)) scope = scope.parent;
  if (left.type === 'instance_variable') {
    let cls: Node | null = parent.parent;
    while (cls && cls.type !== 'class' && cls.type !== 'module') cls = cls.parent;
    scope = cls ?? scope;
  }
  return scope ? { name: left.text, scope } : undefined;
}

/** Calls made on the object a Ruby call returns, in the method (or block, or class for `@ivar`) that binds it. */
export function rubyInstanceCalls(ctx: RuleContext, creation: Node): Node[] {
  const key = `rb-instance-calls:${creation.id}`;
  const cached = ctx.state.get(key) as Node[] | undefined;
  if (cached) return cached;
  const out: Node[] = [];
  const bound = boundName(creation);
  if (bound) {
    walk(bound.scope, (n) => {
      if (n.type === 'call' && n.id !== creation.id && n.childForFieldName('receiver')?.text === bound.name) out.push(n);
      return true;
    });
  }
  ctx.state.set(key, out);
  return out;
}

/** The method name of a Ruby call. */
export function rubyMethod(call: Node): string {
  return call.childForFieldName('method')?.text ?? '';
}

/** Ruby WebSocket clients: `WebSocket::Client::Simple.connect(url)`, `Faye::WebSocket::Client.new(url)`, kontena-websocket-client. */
const RUBY_WEBSOCKETS = /^(WebSocket\.Client\.Simple\.connect|Faye\.WebSocket\.Client\.new|Kontena\.Websocket\.Client\.new|Kontena\.Websocket\.Client\.connect)$/;

export function rubySocketUrl(ctx: RuleContext, call: Node): Node | undefined {
  if (!RUBY_WEBSOCKETS.test(ctx.syntax.calleePath(call))) return undefined;
  return ctx.syntax.args(call)[0];
}

/** PHP WebSocket clients: Pawl's `\Ratchet\Client\connect(url)` and textalk `new WebSocket\Client(url)` (not Pawl's `Connector` objects). */
export function phpSocketUrl(ctx: RuleContext, call: Node): Node | undefined {
  const path = ctx.syntax.calleePath(call);
  const args = ctx.syntax.args(call);
  const resolved = ctx.flow.resolvedPath(call);
  const either = (re: RegExp) => re.test(path) || re.test(resolved);
  if (call.type === 'function_call_expression' && either(/(^|\\)Ratchet\\Client\\connect$/)) return args[0];
  if (call.type === 'object_creation_expression' && either(/(^new |\\)WebSocket\\(Text)?Client$/)) return args[0];
  return undefined;
}
