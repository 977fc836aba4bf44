import type { Node } from 'web-tree-sitter';
import type { RuleContext, RuleDefinition } from '../../core/rule';
import { capitalise, classificationsOf, describeData, relatedFor, severityFor } from '../common';

const JS_LOGGER = /^(console)\.(log|info|warn|error|debug|trace|dir|table)$|^(this\.)?(logger|log|_logger|_log|winston|pino|bunyan|log4js|signale|consola|fastify\.log|req\.log|request\.log|ctx\.log|app\.log|server\.log)\.(info|warn|warning|error|debug|trace|fatal|verbose|silly|log|http|notice|crit|critical)$/;
const PY_LOGGER = /^print$|^(logging|logger|log|_logger|_log|LOGGER|LOG|self\.logger|self\.log|self\._logger|app\.logger|current_app\.logger|structlog|loguru\.logger|logger\.bind\(\))\.(debug|info|warning|warn|error|exception|critical|fatal|log|msg)$/;
/** Factories whose result is a logger: `const log = pino()`, `logger = logging.getLogger(__name__)`. */
const LOGGER_FACTORY = /(^|\.)(getLogger|get_logger|createLogger|pino|bunyan\.createLogger|winston\.createLogger|log4js\.getLogger|child|bind)$/;
const LOG_METHOD = /^(debug|info|warning|warn|error|exception|critical|fatal|log|trace|verbose|silly|msg)$/;

function isLogCall(ctx: RuleContext, call: Node): boolean {
  const path = ctx.syntax.calleePath(call);
  if ((ctx.file.syntax === 'js' ? JS_LOGGER : PY_LOGGER).test(path)) return true;
  // A method call on a variable bound to a logger factory.
  const dot = path.lastIndexOf('.');
  if (dot <= 0 || !LOG_METHOD.test(path.slice(dot + 1))) return false;
  const head = path.slice(0, dot);
  if (!/^[A-Za-z_$][\w$]*$/.test(head)) return false;
  const def = ctx.flow.definitionOf(head, call);
  return !!def?.value && ctx.syntax.isCall(def.value) && LOGGER_FACTORY.test(ctx.flow.resolvedPath(def.value));
}

export const sensitiveDataInLog: RuleDefinition = {
  id: 'storage/sensitive-data-in-log',
  family: 'storage',
  title: 'Sensitive data written to a log',
  description: 'Credentials, government identifiers, payment data or health data passed to a logger or console.',
  severity: 'error',
  confidence: 'high',
  cwe: [532, 312],
  owasp: ['A09:2021 Security Logging and Monitoring Failures'],
  standards: ['PCI DSS 3.3.1, 3.5.1', 'GDPR Art. 5(1)(f), Art. 32'],
  fixable: false,
  // Every logging call names a logger, a console, print or a log method.
  keywords: 'console|log|print|warn|debug|info|error|fatal|trace|critical|exception',
  guidance: {
    why: 'Logs are copied to log aggregators, support tickets and backups, read by many people and kept for years. A password, card number or SSN written to a log is stored in clear text in all of those places.',
    bad: "logger.info(`signup ${req.body.email} password=${req.body.password}`);",
    good: "logger.info('signup', { userId: user.id, email: maskEmail(user.email) });",
    fix: 'Log an identifier instead of the data, or mask it (`maskCard`, `last4`) before logging. Never log credentials.',
  },
  queries: {
    js: `(call_expression function: [(member_expression) (identifier)] @callee arguments: (arguments) @args) @call`,
    python: `(call function: [(attribute) (identifier)] @callee arguments: (argument_list) @args) @call`,
  },
  check(match, ctx) {
    const call = match.get('call');
    if (!call || !isLogCall(ctx, call)) return;
    const args = ctx.syntax.isCall(call) ? [...ctx.syntax.args(call)] : [];
    const items = args.flatMap((a) => ctx.flow.sensitive(a, { bulk: true }));
    if (items.length === 0) return;
    const specific = items.filter((i) => !i.bulk);
    const used = specific.length > 0 ? specific : items;
    const severity = specific.length > 0 ? severityFor(specific) : 'note';
    ctx.report({
      node: call,
      message: `${capitalise(describeData(ctx, used))} ${used.length > 1 ? 'are' : 'is'} written to a log by \`${ctx.syntax.calleePath(call)}\`.`,
      severity,
      confidence: specific.length > 0 ? (ctx.file.isTestPath ? 'medium' : 'high') : 'low',
      classifications: classificationsOf(used),
      related: relatedFor(used, call),
    });
  },
};
