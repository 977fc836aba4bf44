/**
 * Logging: calls to a console, a logger or `print`, and the logging library behind them (`winston`, `logging`).
 * Same recognition as the `storage/sensitive-data-in-log` rule, which does not export it; kept in step by the
 * inventory tests on the example project.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import { dataAt, dedupeItems, recordItems, valueOf } from './common';

const JS_LOGGER = /^(console)\.(log|info|warn|error|debug|trace|dir|table)$|^(this\.)?(logger|log|_logger|_log|winston|pino|bunyan|log4js|signale|consola|fastify\.log|req\.log|request\.log|ctx\.log|app\.log|server\.log)\.(info|warn|warning|error|debug|trace|fatal|verbose|silly|log|http|notice|crit|critical)$/;
const PY_LOGGER = /^print$|^(logging|logger|log|_logger|_log|LOGGER|LOG|self\.logger|self\.log|self\._logger|app\.logger|current_app\.logger|structlog|loguru\.logger|logger\.bind\(\))\.(debug|info|warning|warn|error|exception|critical|fatal|log|msg)$/;
const LOGGER_FACTORY = /(^|\.)(getLogger|get_logger|createLogger|pino|bunyan\.createLogger|winston\.createLogger|log4js\.getLogger|child|bind)$/;
const LOG_METHOD = /^(debug|info|warning|warn|error|exception|critical|fatal|log|trace|verbose|silly|msg)$/;
const LIBRARIES = /^(winston|pino|bunyan|log4js|signale|consola|loglevel|npmlog|logging|structlog|loguru)/;

/** The logging library a log call writes through, or undefined when it is not a log call. */
export function logTarget(ctx: RuleContext, call: Node): string | undefined {
  const path = ctx.syntax.calleePath(call);
  const js = ctx.file.syntax === 'js';
  const dot = path.lastIndexOf('.');
  const head = dot > 0 ? path.slice(0, dot) : path;
  const known = (js ? JS_LOGGER : PY_LOGGER).test(path);
  if (!known && !LOG_METHOD.test(path.slice(dot + 1))) return undefined;
  let factory: string | undefined;
  if (/^[A-Za-z_$][\w$]*$/.test(head)) {
    const def = ctx.flow.definitionOf(head, call);
    const v = def?.value && !def.key ? valueOf(ctx, def.value) : undefined;
    if (v && ctx.syntax.isCall(v)) {
      const resolved = ctx.flow.resolvedPath(v);
      if (LOGGER_FACTORY.test(resolved) || LIBRARIES.test(resolved)) factory = resolved;
    }
  }
  if (!known && !(factory && LOG_METHOD.test(path.slice(dot + 1)))) return undefined;
  if (path === 'print') return 'stdout';
  if (path.startsWith('console.')) return 'console';
  const lib = factory ?? ctx.flow.resolvedPath(call);
  const m = LIBRARIES.exec(lib);
  if (m) return m[1];
  if (/^(app|current_app)\.logger/.test(path)) return 'logging';
  return head;
}

export function logCall(ctx: RuleContext, call: Node): boolean {
  const target = logTarget(ctx, call);
  if (target === undefined) return false;
  const e = ctx.syntax.expr(call);
  const args = e.kind === 'call' ? e.args : [];
  const items = dedupeItems(args.flatMap((a) => dataAt(ctx, a)));
  recordItems(ctx, call, items, { activity: 'logged', sink: 'log', target, why: `written to a log by \`${ctx.syntax.calleePath(call)}\`${target !== 'console' && target !== 'stdout' ? ` (${target})` : ''}` });
  return true;
}
