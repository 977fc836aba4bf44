import type { Node } from 'web-tree-sitter';
import type { TaintItem } from '../../core/flow';
import type { RuleContext, RuleDefinition } from '../../core/rule';
import type { Confidence } from '../../core/types';
import { CATEGORY_RANK, capitalise, classificationsOf, describeData, relatedFor, severityFor } from '../common';
import { carrierOf, maskFix } from './fixes';
import { checkFilterParameters } from './log-ruby';
import { namedItems } from './sinks';
import { isAre, isParserToken } from './wording';

const JS_LOGGER = /^(console)\.(log|info|warn|error|debug|trace|dir|table)$|^(this\.)?(logger|log|_logger|_log|winston|pino|bunyan|log4js|signale|consola|fastify\.log|req\.log|request\.log|ctx\.log|app\.log|server\.log|this\.log|this\.logger|this\._logger)\.(info|warn|warning|error|debug|trace|fatal|verbose|silly|log|http|notice|crit|critical|success)$/;
const PY_LOGGER = /^(print|pprint|pprint\.pprint)$|^(logging|logger|log|_logger|_log|LOGGER|LOG|self\.logger|self\.log|self\._logger|self\._log|cls\.logger|app\.logger|current_app\.logger|structlog|loguru\.logger|logger\.bind\(\)|log\.bind\(\))\.(debug|info|warning|warn|error|exception|critical|fatal|log|msg|success|trace)$/;
const JAVA_LOGGER = /^System\.(out|err)\.(println|print|printf|format)$|^(android\.util\.)?Log\.(v|d|i|w|e|wtf|println)$|^Timber\.(v|d|i|w|e|wtf)$|^(this\.)?(log|logger|LOG|LOGGER|_log|_logger|Log|Logger|logging|LOGGING)\.(trace|debug|info|warn|error|fatal|severe|warning|fine|finer|finest|config|log|printf|atInfo\(\)\.log|atDebug\(\)\.log)$/;
const GO_LOG_METHODS = 'Print|Printf|Println|Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln|Info|Infof|Infoln|Infow|Debug|Debugf|Debugln|Debugw|Warn|Warnf|Warnln|Warnw|Warning|Warningf|Error|Errorf|Errorln|Errorw|Trace|Tracef|Log|Logf|LogAttrs|InfoContext|DebugContext|WarnContext|ErrorContext|Msg|Msgf';
/** Go: the standard log, fmt printing, slog, logrus, zap, glog/klog, and methods of logger-named values (zerolog's `.Msg`). */
const GO_LOGGER = new RegExp(`^fmt\\.(Print|Printf|Println)$|^(log|logrus|slog|glog|klog|zap\\.L\\(\\)|zap\\.S\\(\\)|zerolog\\.\\w+\\(\\))\\.(${GO_LOG_METHODS})$|^([\\w.]+\\.)?(logger|log|Logger|Log|sugar|Sugar|zlog|slogger|lg|logr|l|entry)(\\.(WithFields?|With|WithError|WithContext|Sugar|Named)\\(\\))*\\.(${GO_LOG_METHODS})$|\\.(WithFields?|WithError)\\(\\)\\.(${GO_LOG_METHODS})$|^(log|logger)\\.(Info|Debug|Warn|Error|Fatal|Trace)\\(\\)(\\.\\w+\\(\\))*\\.(Msg|Msgf)$`);
/** PHP: error_log / syslog, Laravel's Log facade and logger() helper, PSR-3 loggers (Monolog) held in a variable or property. */
const PHP_LOGGER = /^(error_log|syslog|trigger_error)$|^(Log|\\?Illuminate\\Support\\Facades\\Log|logger\(\)|Log\.channel\(\)|Log\.stack\(\))\.(emergency|alert|critical|error|warning|notice|info|debug|log)$|^(this\.)?(logger|log|_logger|monolog|Logger)\.(emergency|alert|critical|error|warning|notice|info|debug|log)$|^logger$|^info$/;
/** Ruby: puts / p / pp, Rails.logger, a `logger` / `@logger` / `Logger` instance, `log`. */
const RUBY_LOGGER = /^(puts|p|pp|print|warn)$|^(Rails\.logger|logger|@logger|@log|log|LOGGER|\$logger|Logger|self\.logger)\.(debug|info|warn|error|fatal|unknown|add|log)$/;
/** Go structured fields: `zap.String("password", pw)`, `slog.String("ssn", ssn)`, `zap.Any("user", u)`. */
const GO_FIELD = /^(zap|slog|zerolog)\.(String|Any|Int|Int64|Reflect|Stringer|ByteString|Binary|Group|Attr)$/;
const CSHARP_LOGGER = /^(System\.)?Console\.(WriteLine|Write)$|^(UnityEngine\.)?Debug\.(Log|LogWarning|LogError|LogFormat|LogWarningFormat|LogErrorFormat)$|^(System\.Diagnostics\.)?(Debug|Trace)\.(WriteLine|Write|TraceInformation|TraceWarning|TraceError)$|^(this\.)?_?(logger|log|Logger|Log|_logger|_log)\.(Log|LogTrace|LogDebug|LogInformation|LogWarning|LogError|LogCritical|Information|Debug|Warning|Error|Fatal|Verbose|Info|Warn|Trace)$/;
/** Factories whose result is a logger: `const log = pino()`, `logger = logging.getLogger(__name__)`, `new Logger(X.name)`. */
const LOGGER_FACTORY = /(^|\.)(getLogger|get_logger|getChild|createLogger|pino|bunyan\.createLogger|winston\.createLogger|log4js\.getLogger|child|bind|new)$|^new (Logger|winston\.Logger|@nestjs\/common\.Logger|signale\.Signale|Signale)$|^(pino|bunyan|winston|loguru|structlog)(\.default)?$/;
const LOG_METHOD = /^(debug|info|warning|warn|error|exception|critical|fatal|log|trace|verbose|silly|msg|success|severe|fine|finer|finest)$/;
/**
 * A name of each LOGGER_FACTORY path's last part (`new` as a word; the `new Logger` form names `Logger`): the paths are
 * made of names written in the file, and its imports' module names and imported names. Without one, no variable of the
 * file holds a logger made by a factory, and the definitions of method calls' receivers need not be looked up.
 */
const LOGGER_FACTORY_WORDS = /getLogger|get_logger|getChild|createLogger|pino|bunyan|winston|log4js|child|bind|Logger|Signale|loguru|structlog|\bnew\b/;
/**
 * Python: the same, with `child`, `bind` and `new` (common words) only as a callee's last name: followed by its
 * arguments, maybe after white space, a comment, a line continuation or the closing parenthesis of a wrapper
 * (`(x.child)(…)`), or as a quoted subscript key (`x['child'](…)`); or imported (`from m import child as c`).
 * A Python file rarely has one, so its module's bindings are not worked out for `warnings.warn(…)`.
 */
const PY_LOGGER_FACTORY_TEXT = /Logger|get_logger|getChild|Signale|pino|bunyan|winston|log4js|loguru|structlog|\b(child|bind|new)[\s)]*[(#\\'"]/;
const FACTORY_IMPORT = /(^|\.)(child|bind|new)$/;

function mayMakeLoggers(ctx: RuleContext): boolean {
  let v = ctx.state.get('mayMakeLoggers') as boolean | undefined;
  if (v === undefined) {
    v = ctx.file.syntax === 'python'
      ? PY_LOGGER_FACTORY_TEXT.test(ctx.file.text) || [...ctx.flow.imports.values()].some((m) => FACTORY_IMPORT.test(m))
      : LOGGER_FACTORY_WORDS.test(ctx.file.text);
    ctx.state.set('mayMakeLoggers', v);
  }
  return v;
}
/** Loggers imported by name: `from loguru import logger`, `import { logger } from './logger'` is not enough. */
const IMPORTED_LOGGER = /^(loguru\.logger|structlog\.\w+|@nestjs\/common\.Logger)$/;
/** Python keyword arguments of logging calls that are not logged data. */
const PY_LOG_OPTIONS = /^(exc_info|stack_info|stacklevel|file|sep|end|flush|level)$/;
/** Whole objects that usually hold a customer's record. */
const PERSON_WORDS = 'user|customer|patient|member|account|profile|applicant|cardholder|payer|employee|client|person|contact|subscriber';
const PERSON_OBJECT = new RegExp(`^(${PERSON_WORDS})s?$`, 'i');
/** Calls that turn a Python (Go, PHP, Ruby) record into a dict: see personObject. */
const TO_DICT = 'vars|model_to_dict|asdict|to_dict|dict|model_dump|as_dict|__dict__';

/** A gate source (see RuleDefinition.gateSources) that needs one word of `a` and one of `b`, anywhere in the text. */
const both = (a: string, b: string): string => `^(?=[\\s\\S]*\\b(${a})\\b)[\\s\\S]*\\b(${b})\\b`;
const PERSON = `\\b(${PERSON_WORDS})s?\\b`;
const PERSON_DICT = both(TO_DICT, `(${PERSON_WORDS})s?`);
/**
 * What the check can report that the classifier does not name, as words the file must hold: a whole request body
 * (flow.ts BULK_SOURCES: the object's name and the member's), a customer record (personObject), Rails
 * `filter_parameters` (log-ruby.ts).
 */
const LOG_SOURCES: RuleDefinition['gateSources'] = {
  js: `${both('req|request|ctx', 'body|query|params')}|${PERSON}`,
  python: `${both('request', 'form|json|data|post|get|args|values|files|get_json')}|${PERSON_DICT}`,
  go: `${both('r|req|request|c|ctx', 'form|postform|multipartform|body')}|${PERSON_DICT}`,
  ruby: `\\bparams\\b|${both('request', 'body|post|get')}|filter_parameters|${PERSON_DICT}`,
  php: `\\b(_post|_get|_request|_files)\\b|${both('request|req', 'all|validated|getparsedbody|toarray')}|${PERSON_DICT}`,
  java: `\\bgetParameterMap\\b|${PERSON}`,
  csharp: `${both('request', 'form|query')}|${PERSON}`,
};

/** `sessionId`, `session_id`: the id of a chat, replication or analytics session unless the file handles web sessions. */
function isSessionIdOnly(i: TaintItem): boolean {
  return /^_*session_?id$/i.test(i.origin.text.replace(/^['"]|['"]$/g, '').replace(/^.*\./, ''));
}

function usesWebSessions(ctx: RuleContext): boolean {
  let v = ctx.state.get('webSessions') as boolean | undefined;
  if (v === undefined) {
    v = /cookie|\b(req|request)\.session\b|express-session|set_cookie|setCookie|SESSION_COOKIE|sessionStore|session_store/i.test(ctx.file.text);
    ctx.state.set('webSessions', v);
  }
  return v;
}

/** See isDebugLogger: `'debug'` quoted, or a call of `debug` (not a method `.debug`; a spread `...debug(` counts). */
const DEBUG_FACTORY_TEXT = /['"`]debug['"`]|(?:^|[^\w$.]|\.\.\.)debug\s*[(<`?./]/;

function mentionsDebug(ctx: RuleContext): boolean {
  let mentions = ctx.state.get('mentionsDebug') as boolean | undefined;
  if (mentions === undefined) ctx.state.set('mentionsDebug', (mentions = DEBUG_FACTORY_TEXT.test(ctx.file.text)));
  return mentions;
}

/** Every method name JS_LOGGER, PY_LOGGER and LOG_METHOD accept holds one of these words (and `print` the printers). */
const LOG_WORDS = /log|info|warn|error|debug|trace|dir|table|fatal|verbose|silly|http|notice|crit|success|exception|msg|severe|fine|print/;

/**
 * A cheap test before isLogCall, which works out the callee's path: in JavaScript and Python a logging call's callee
 * (the text from it to its arguments) names a log method, or is `print` / `pprint`, or a plain function that may be
 * made by `debug` (see isDebugLogger).
 */
function mayLog(ctx: RuleContext, callee: Node | undefined, args: Node | undefined): boolean {
  if ((ctx.file.syntax !== 'js' && ctx.file.syntax !== 'python') || !callee || !args) return true;
  const text = ctx.file.text.slice(callee.startIndex, args.startIndex);
  // An identifier callee may log when it prints (Python) or the file mentions `debug` (JavaScript), a member access when
  // it holds a log word; whether the callee is an identifier is worked out only where the answers differ.
  const words = LOG_WORDS.test(text);
  if (ctx.file.syntax === 'python') return words && (text.includes('print') || !calleeIsIdentifier(callee, text));
  const debug = mentionsDebug(ctx);
  if (words === debug) return words;
  return calleeIsIdentifier(callee, text) ? debug : words;
}

/**
 * Whether a JavaScript or Python callee (an identifier or a member access / attribute) is an identifier, from the text
 * from it to its arguments when that decides it, without asking the tree for its type (most calls are rejected here).
 * A member access always holds a `.`; an identifier's text holds one only with `?.`, a comment or type arguments, so
 * text of word characters, `$`, dots and white space decides it, and anything else asks the node.
 */
export function calleeIsIdentifier(callee: Node, text: string): boolean {
  return SIMPLE_CALLEE.test(text) ? !text.includes('.') : callee.type === 'identifier';
}

const SIMPLE_CALLEE = /^[\w$.\s]*$/;

/** `debug('app')(...)`: the callee is a function made by the `debug` package. */
function isDebugLogger(ctx: RuleContext, call: Node, path: string): boolean {
  if (!/^[A-Za-z_$][\w$]*$/.test(path)) return false;
  // The factory call below resolves to the `debug` module or is `debug(…)` itself: the file then holds the module's
  // name in quotes (an import or `require('debug')`) or calls `debug` (`debug(`, `debug<T>(`, `debug.default(`,
  // `debug\`…\``, maybe after a comment). Without either, skip the definition lookup (it walks the scopes of every
  // plain function call).
  if (!mentionsDebug(ctx)) return false;
  const def = ctx.flow.definitionOf(path, call);
  const v = def?.value;
  if (!v || !ctx.syntax.isCall(v)) return false;
  const resolved = ctx.flow.resolvedPath(v);
  return /^debug(\.default)?$|^require\(\)$/.test(resolved) && /^(require\(['"]debug['"]\)|debug|createDebug|Debug)/.test(v.text);
}

export function isLogCall(ctx: RuleContext, call: Node): boolean {
  const path = ctx.syntax.calleePath(call);
  if (ctx.file.syntax === 'ruby') return RUBY_LOGGER.test(path);
  if (ctx.file.syntax === 'php') return PHP_LOGGER.test(ctx.flow.resolvePath(path)) || PHP_LOGGER.test(path);
  if (ctx.file.syntax === 'go') {
    // `fmt.Fprintln(os.Stderr, …)` logs; `fmt.Fprintf(w, …)` writes a response.
    if (/^fmt\.Fprint(f|ln)?$/.test(path)) return /^os\.(Stderr|Stdout)$/.test(ctx.syntax.args(call)[0]?.text ?? '');
    return GO_LOGGER.test(ctx.flow.resolvePath(path)) && !/^(t|b|f|tb)\./.test(path);
  }
  if ((ctx.file.syntax === 'js' ? JS_LOGGER : ctx.file.syntax === 'java' ? JAVA_LOGGER : ctx.file.syntax === 'csharp' ? CSHARP_LOGGER : PY_LOGGER).test(path)) return true;
  if (ctx.file.syntax === 'js' && isDebugLogger(ctx, call, path)) return true;
  const dot = path.lastIndexOf('.');
  if (dot <= 0 || !LOG_METHOD.test(path.slice(dot + 1))) return false;
  const head = path.slice(0, dot);
  if (IMPORTED_LOGGER.test(ctx.flow.resolvePath(head))) return true;
  // A method call on a variable or field bound to a logger factory.
  if (!/^(this\.|self\.)?[A-Za-z_$][\w$]*$/.test(head) || !mayMakeLoggers(ctx)) return false;
  const def = ctx.flow.definitionOf(head, call);
  if (!def?.value || !ctx.syntax.isCall(def.value)) return false;
  const factory = ctx.flow.resolvedPath(def.value);
  return LOGGER_FACTORY.test(factory) || LOGGER_FACTORY.test(ctx.syntax.calleePath(def.value));
}

/** The logged expressions, and Python keyword arguments with their names. */
function loggedItems(ctx: RuleContext, call: Node): { items: TaintItem[]; values: Node[] } {
  const args = ctx.syntax.args(call);
  const items = args.flatMap((a) => ctx.flow.sensitive(a, { bulk: true }));
  const values = [...args];
  if (ctx.file.syntax === 'go') goFields(ctx, call, args, items, values);
  if (ctx.file.syntax === 'python') {
    for (const en of ctx.syntax.entries(call)) {
      if (!en.key || !en.keyNode || PY_LOG_OPTIONS.test(en.key)) continue;
      values.push(en.value);
      const named = en.key === 'extra' ? ctx.flow.taint(en.value) : namedItems(ctx, en.key, en.keyNode, en.value);
      items.push(...named.filter((i) => !i.sanitizedBy));
    }
  }
  return { items, values };
}

/**
 * Contact, personal and location data is worth a note only when it is visibly a customer's: a request field or a
 * field of a user-like record (`req.body.email`, `user.phone`, `const { email } = req.body`), not a protocol's
 * `address` or a package's `fullname`.
 */
function personalContext(origin: Node): boolean {
  let n: Node | null = origin;
  for (let i = 0; i < 4 && n; i++, n = n.parent) {
    const text = n.text.slice(0, 200);
    if (/\b(req|request|ctx\.request)\.(body|query|params|form|json|args|values|data|POST|GET|get_json\(\))\b|\b(user|customer|patient|member|account|profile|person|applicant|employee|payer|subscriber|cardholder|contact|recipient|signup|registration)s?\b/i.test(text)) return true;
    if (n.type.endsWith('statement') || n.type === 'arguments' || n.type === 'argument_list') break;
  }
  return false;
}

/**
 * Types a logged object overrides with a literal after spreading the real data in: `{ ...body, password: 'XXXXX' }`,
 * `{ ...user, ssn: undefined }`.
 */
function redactedTypes(ctx: RuleContext, values: Node[]): Set<string> {
  const out = new Set<string>();
  for (const v of values) {
    const obj = ctx.flow.objectLiteralOf(v);
    if (!obj) continue;
    const entries = ctx.syntax.entries(obj);
    if (!entries.some((e) => e.key === undefined)) continue;
    for (const en of entries) {
      if (!en.key || en.keyNode?.id === en.value.id) continue;
      const literal = ctx.syntax.stringValue(en.value) !== undefined || /^(null|undefined|None|false)$/.test(en.value.text);
      if (literal) for (const c of ctx.classifier.classifyName(en.key)) out.add(c.type);
    }
  }
  return out;
}

/** A record loaded or built here (`await User.findById(id)`, `req.user`): not a parameter that may be a plain string. */
function recordLike(ctx: RuleContext, node: Node): boolean {
  if (/^(req|request|ctx\.state|session|res\.locals)\./.test(node.text)) return true;
  if (node.type !== 'identifier') return false;
  const def = ctx.flow.definitionOf(node.text, node);
  if (!def?.value || def.param) return false;
  let v = def.value;
  while ((v.type === 'await_expression' || v.type === 'parenthesized_expression') && v.namedChildren[0]) v = v.namedChildren[0];
  return v.type === 'object' || (ctx.syntax.isCall(v) && /(^|\.)(find\w*|get\w*|fetch\w*|load\w*|query\w*|create|lookup\w*|retrieve|one|first)$/i.test(ctx.syntax.calleePath(v)));
}

/** A whole customer record logged as an object: `console.log(user)`, `logger.info({ user })`, `print(vars(customer))`. */
function personObject(ctx: RuleContext, values: Node[]): Node | undefined {
  for (const v of values) {
    if (ctx.file.syntax === 'js' || ctx.file.syntax === 'java' || ctx.file.syntax === 'csharp') {
      const direct = v.type === 'identifier' || v.type === 'member_expression' ? v : undefined;
      const stringified = ctx.syntax.isCall(v) && /^JSON\.stringify$/.test(ctx.syntax.calleePath(v)) ? ctx.syntax.args(v)[0] : undefined;
      const candidate = direct ?? stringified;
      if (candidate && PERSON_OBJECT.test(candidate.text.split('.').pop() ?? '') && recordLike(ctx, candidate)) return candidate;
      if (v.type === 'object') {
        for (const en of ctx.syntax.entries(v)) if (en.value.type === 'identifier' && PERSON_OBJECT.test(en.value.text) && (en.key === undefined || en.key === en.value.text) && recordLike(ctx, en.value)) return en.value;
      }
    } else if (ctx.syntax.isCall(v)) {
      const path = ctx.syntax.calleePath(v);
      const target = /^(vars|model_to_dict|asdict|dataclasses\.asdict)$/.test(path) ? ctx.syntax.args(v)[0] : /\.(to_dict|dict|model_dump|as_dict|__dict__)$/.test(path) ? ctx.syntax.expr(v).kind === 'call' ? (ctx.syntax.expr(v) as { receiver?: Node }).receiver : undefined : undefined;
      if (target && PERSON_OBJECT.test(target.text.split('.').pop() ?? '')) return target;
    } else if (v.type === 'attribute' && v.text.endsWith('.__dict__') && PERSON_OBJECT.test(v.childForFieldName('object')?.text.split('.').pop() ?? '')) {
      return v;
    }
  }
  return undefined;
}

const CREDENTIAL = (i: TaintItem): boolean => i.classification.category === 'credentials';

function inMainBlock(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'if_statement' && /^if\s+__name__\s*==\s*['"]__main__['"]/.test(p.text.slice(0, 40))) return true;
    if (p.type === 'function_definition' || p.type === 'class_definition') return false;
  }
  return false;
}

export const sensitiveDataInLog: RuleDefinition = {
  id: 'storage/sensitive-data-in-log',
  family: 'storage',
  title: 'Sensitive data written to a log',
  description: 'Credentials, government identifiers, payment or health data (and, as notes, contact data) passed to a logger, the console or print.',
  severity: 'error',
  confidence: 'high',
  cwe: [532, 312, 359],
  owasp: ['A09:2021 Security Logging and Monitoring Failures'],
  standards: ['PCI DSS 3.3.1, 3.5.1, 10.3', 'GDPR Art. 5(1)(c), 5(1)(f), Art. 32'],
  fixable: true,
  // Every logging call names a logger, a console, print or a log method.
  keywords: 'console|log|print|warn|debug|info|error|fatal|trace|critical|exception|filter_parameters',
  // ... and the logged data: a name the classifier may classify as anything but a person's name (which is never
  // reported), or one of the sources above.
  gateTypes: { except: ['name'] },
  gateSources: LOG_SOURCES,
  guidance: {
    why: 'Logs are copied to log aggregators, support tickets and backups, read by many people and kept for years. A password, card number or SSN written to a log is stored in clear text in all of those places, outside the controls that protect the database.',
    bad: "logger.info(`signup ${req.body.email} password=${req.body.password}`);",
    good: "logger.info('signup', { userId: user.id, email: maskEmail(user.email) });",
    fix: 'Log an identifier instead of the data, or mask it before logging (keep the last four characters: `maskCard`, `last4`). Never log credentials, not even masked. Configure the logger to redact known keys (pino `redact`, structlog processors, logging filters) as a second line of defence. In Go, log an id instead, or drop the field from `log.Printf` / zap / slog / logrus calls (the quick fix replaces a logged credential with `"[REDACTED]"`).',
  },
  queries: {
    js: `(call_expression function: [(member_expression) (identifier)] @callee arguments: (arguments) @args) @call`,
    python: `(call function: [(attribute) (identifier)] @callee arguments: (argument_list) @args) @call`,
    java: `(method_invocation object: (_) @callee arguments: (argument_list) @args) @call`,
    csharp: `(invocation_expression function: (member_access_expression) @callee arguments: (argument_list) @args) @call`,
    go: `(call_expression function: (selector_expression) @callee arguments: (argument_list) @args) @call`,
    php: `[(function_call_expression) (member_call_expression) (scoped_call_expression)] @call`,
    ruby: `(call method: (identifier)) @call`,
  },
  check(match, ctx) {
    const call = match.get('call');
    if (call && ctx.file.syntax === 'ruby') checkFilterParameters(ctx, call);
    if (!call || !mayLog(ctx, match.get('callee'), match.get('args')) || !isLogCall(ctx, call)) return;
    // `print` in a script's `if __name__ == "__main__":` block is a demo, not a log.
    if (ctx.file.syntax === 'python' && /^p?print$/.test(ctx.syntax.calleePath(call)) && inMainBlock(call)) return;
    const { items: all, values } = loggedItems(ctx, call);
    // People's names are everywhere in logs (and `fullName` is often a package's): not worth a finding.
    const redacted = redactedTypes(ctx, values);
    // `print` in a command-line tool shows the operator what they asked for (`mailman findmember`): contact data there is output, not a log.
    const cliOutput = /^p?print$|^console\.log$/.test(ctx.syntax.calleePath(call)) && /(^|\/)(commands?|cli|bin|management)(\/|$)|(^|\/)cli_[^/]*$/.test(ctx.file.path);
    const items = all.filter((i) => i.classification.type !== 'name' && !isParserToken(ctx, i) && !redacted.has(i.classification.type) &&
      !(cliOutput && i.classification.category === 'contact') && !(i.classification.type === 'token' && isSessionIdOnly(i) && !usesWebSessions(ctx)) &&
      (CATEGORY_RANK[i.classification.category] >= 4 || i.bulk || personalContext(i.origin)));
    const specific = items.filter((i) => !i.bulk);
    if (specific.length === 0) {
      const bulk = items.filter((i) => i.bulk);
      const person = bulk.length === 0 ? personObject(ctx, values) : undefined;
      if (bulk.length === 0 && !person) return;
      ctx.report({
        node: call,
        message: person
          ? `A whole customer record (\`${person.text}\`) is written to a log by \`${ctx.syntax.calleePath(call)}\`; log its id instead.`
          : `${capitalise(describeData(ctx, bulk))} is written to a log by \`${ctx.syntax.calleePath(call)}\`; it may hold passwords or personal data.`,
        severity: 'note',
        confidence: 'low',
        classifications: classificationsOf(bulk),
        related: relatedFor(bulk, call),
      });
      return;
    }
    const severity = severityFor(specific);
    const confidence: Confidence = severity === 'note' ? 'medium' : ctx.file.isTestPath ? 'medium' : 'high';
    // The fix masks the strongest logged value.
    const strongest = [...specific].sort((a, b) => (CREDENTIAL(b) ? 1 : 0) - (CREDENTIAL(a) ? 1 : 0))[0];
    const wanted = (i: TaintItem): boolean => !i.bulk && !i.sanitizedBy && i.classification.type === strongest.classification.type;
    let carrier;
    for (const v of values) {
      carrier = carrierOf(ctx, v, wanted) ?? (ctx.file.syntax === 'python' ? kwargCarrier(ctx, call, v, wanted) : undefined);
      if (carrier) break;
    }
    ctx.report({
      node: call,
      message: `${capitalise(describeData(ctx, specific))} ${isAre(specific)} written to a log by \`${ctx.syntax.calleePath(call)}\`.`,
      severity,
      confidence,
      classifications: classificationsOf(specific),
      related: relatedFor(specific, call),
      // Go has no one-expression mask: only credentials are replaced (by a redaction marker).
      fixes: carrier && (ctx.file.syntax !== 'go' || CREDENTIAL(strongest)) && !(ctx.file.syntax === 'php' && !CREDENTIAL(strongest) && carrier.node.parent?.type === 'encapsed_string') ? [maskFix(ctx, carrier, CREDENTIAL(strongest))] : [],
    });
  },
};

/**
 * Go structured logging: `zap.String("password", pw)` fields, slog / zap-sugar key-value pairs
 * (`slog.Info("login", "password", pw)`), logrus `WithField("ssn", ssn)` / `WithFields(logrus.Fields{…})` on the receiver chain.
 */
function goFields(ctx: RuleContext, call: Node, args: Node[], items: TaintItem[], values: Node[]): void {
  const s = ctx.syntax;
  const named = (key: Node, value: Node) => {
    const k = ctx.flow.staticString(key);
    if (k === undefined) return;
    values.push(value);
    items.push(...namedItems(ctx, k, key, value).filter((i) => !i.sanitizedBy));
  };
  for (const a of args) {
    if (s.isCall(a) && GO_FIELD.test(ctx.flow.resolvedPath(a))) {
      const [k, v] = s.args(a);
      if (k && v) named(k, v);
    }
  }
  // Key-value pairs after the message: `slog.Info("msg", "k", v, …)`, `sugar.Infow("msg", "k", v)`.
  const path = s.calleePath(call);
  if (/^slog\.|(\.|^)(Info|Debug|Warn|Error)(w|Context)?$/.test(path) && !/f$/.test(path)) {
    const start = /Context$/.test(path) ? 2 : 1;
    for (let i = start; i + 1 < args.length; i += 2) if (s.stringValue(args[i]) !== undefined) named(args[i], args[i + 1]);
  }
  // logrus / zap `.With*(...)` calls on the receiver chain.
  let recv = s.expr(call).kind === 'call' ? (s.expr(call) as { receiver?: Node }).receiver : undefined;
  for (let depth = 0; recv && s.isCall(recv) && depth < 6; depth++) {
    const e = s.expr(recv);
    if (e.kind !== 'call') break;
    if (e.name === 'WithField' && e.args.length === 2) named(e.args[0], e.args[1]);
    else if (e.name === 'WithFields' || e.name === 'With') {
      for (const a of e.args) {
        const obj = ctx.flow.objectLiteralOf(a);
        if (obj) for (const en of s.entries(obj)) if (en.keyNode) named(en.keyNode, en.value);
      }
      if (e.name === 'With') for (let i = 0; i + 1 < e.args.length; i += 2) if (s.stringValue(e.args[i]) !== undefined) named(e.args[i], e.args[i + 1]);
    }
    recv = e.receiver;
  }
}

/** A Python keyword argument whose name classifies the value (`log.info("login", password=pw)`). */
function kwargCarrier(ctx: RuleContext, call: Node, value: Node, wanted: (i: TaintItem) => boolean): { node: Node } | undefined {
  const en = ctx.syntax.entries(call).find((e) => e.value.id === value.id);
  if (!en?.key || !en.keyNode) return undefined;
  return namedItems(ctx, en.key, en.keyNode, en.value).some(wanted) ? { node: value } : undefined;
}
