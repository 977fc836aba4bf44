import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext, RuleDefinition } from '../../core/rule';
import { MB, literalOf, callPaths, callsMatching, configNode, fileModel, formatBytes, inTests, indentOf, multerUses, named, numericValue, optionsObject, prop, sizeValue, statementOf } from './shared';
import { javaNoSizeLimit } from './java';
import { csharpNoSizeLimit } from './csharp';
import { goNoSizeLimit } from './go';
import { phpNoSizeLimit } from './php';
import { rubyNoSizeLimit } from './ruby';
import { springConfigNoSizeLimit } from './spring-config';

export { numericValue } from './shared';

const LIMIT_TEXT = '5 * 1024 * 1024';

/** Inserts `text` right after the `{` of an object literal. */
function insertAfterBrace(obj: Node, text: string): FixInput['edits'][number] {
  return { start: obj.startIndex + 1, end: obj.startIndex + 1, newText: text };
}

/** A fix that adds `entry` to the options object, or creates `{ entry }` when the call has no arguments. */
function addOption(ctx: RuleContext, call: Node, options: Node | null, entry: string, title: string): FixInput[] {
  if (options) return [{ title, safe: true, edits: [insertAfterBrace(options, ` ${entry},`)] }];
  if (ctx.syntax.args(call).length === 0) return [{ title, safe: true, edits: [{ start: call.endIndex - 1, end: call.endIndex - 1, newText: `{ ${entry} }` }] }];
  return [];
}

/** What a limit applies to: whole request bodies, or each file. */
function what(key: string): string {
  return /fileSize|maxFileSize/i.test(key) ? 'files' : 'request bodies';
}

function reportAbove(ctx: RuleContext, node: Node, lib: string, key: string, value: number, threshold: number): void {
  ctx.report({
    node,
    message: Number.isFinite(value)
      ? `${lib} accepts ${what(key)} up to ${formatBytes(value)} (\`${key}\`), above the ${formatBytes(threshold)} this project considers safe.`
      : `${lib} sets \`${key}\` to an unlimited value: ${what(key)} of any size are accepted.`,
    severity: 'warning',
    confidence: inTests(ctx, 'medium', 'low'),
    fingerprintKey: `${lib} ${key}`,
  });
}

function checkMulter(ctx: RuleContext, call: Node, threshold: number): void {
  const options = optionsObject(ctx, call);
  if (options === undefined) return; // options built elsewhere: cannot tell
  const limits = prop(ctx, options, 'limits');
  const limitsObj = limits ? literalOf(ctx, limits) : undefined;
  if (limits && !limitsObj) return;
  const fileSize = prop(ctx, limitsObj, 'fileSize');
  if (fileSize) {
    const v = numericValue(ctx, fileSize);
    if (v !== undefined && v > threshold) reportAbove(ctx, fileSize, 'multer', 'limits.fileSize', v, threshold);
    return;
  }
  // `.none()` accepts text fields only: every file is rejected.
  const uses = multerUses(ctx, call).methods;
  if (uses.size > 0 && [...uses].every((u) => u === 'none')) return;
  const title = 'Add limits: { fileSize: 5 MB }';
  ctx.report({
    node: call,
    message: 'multer is configured without `limits.fileSize`: a client can upload files of any size and fill the disk or memory.',
    confidence: inTests(ctx, 'high', 'low'),
    fixes: limitsObj
      ? [{ title, safe: true, edits: [insertAfterBrace(limitsObj, ` fileSize: ${LIMIT_TEXT},`)] }]
      : addOption(ctx, call, options, `limits: { fileSize: ${LIMIT_TEXT} }`, title),
  });
}

/** express-fileupload: no limit by default; over-size files are truncated (and still handed over) unless `abortOnLimit`. */
function checkFileUpload(ctx: RuleContext, call: Node, threshold: number): void {
  const options = optionsObject(ctx, call);
  if (options === undefined) return;
  const limits = prop(ctx, options, 'limits');
  const limitsObj = limits ? literalOf(ctx, limits) : undefined;
  if (limits && !limitsObj) return;
  const fileSize = prop(ctx, limitsObj, 'fileSize');
  if (!fileSize) {
    const title = 'Add limits: { fileSize: 5 MB } and abortOnLimit';
    const abort = prop(ctx, options, 'abortOnLimit') ? '' : ' abortOnLimit: true,';
    ctx.report({
      node: call,
      message: 'express-fileupload is set up without `limits.fileSize`: files of any size are accepted and buffered in memory or a temp folder.',
      confidence: inTests(ctx, 'high', 'low'),
      fixes: limitsObj
        ? [{ title, safe: true, edits: [insertAfterBrace(limitsObj, ` fileSize: ${LIMIT_TEXT},`)] }]
        : options
          ? [{ title, safe: true, edits: [insertAfterBrace(options, ` limits: { fileSize: ${LIMIT_TEXT} },${abort}`)] }]
          : addOption(ctx, call, null, `limits: { fileSize: ${LIMIT_TEXT} }, abortOnLimit: true`, title),
    });
    return;
  }
  const v = numericValue(ctx, fileSize);
  if (v !== undefined && v > threshold) {
    reportAbove(ctx, fileSize, 'express-fileupload', 'limits.fileSize', v, threshold);
    return;
  }
  const abort = prop(ctx, options, 'abortOnLimit');
  if (abort && abort.text !== 'false') return;
  if (prop(ctx, options, 'limitHandler') || /\.truncated\b/.test(ctx.file.text)) return;
  ctx.report({
    node: fileSize,
    message: 'express-fileupload truncates files over `limits.fileSize` but still hands them to the route; set `abortOnLimit: true` (or a `limitHandler`) to reject them.',
    severity: 'note',
    confidence: 'medium',
    fixes: options && !abort ? [{ title: 'Add abortOnLimit: true', safe: true, edits: [insertAfterBrace(options, ' abortOnLimit: true,')] }] : [],
  });
}

/** formidable: `maxFileSize` defaults to 200 MB. Old code sets `form.maxFileSize = …` after creating the form. */
function checkFormidable(ctx: RuleContext, call: Node, threshold: number, optionsNode?: Node | null): void {
  const options = optionsNode === undefined ? optionsObject(ctx, call) : optionsNode;
  if (options === undefined) return;
  // `form.onPart = …` replaces formidable's own file handling (and its size checks): what it does is not ours to judge.
  if (optionsNode === undefined && /\.onPart\s*=/.test(ctx.file.text)) return;
  const max = prop(ctx, options, 'maxFileSize') ?? assignedProperty(ctx, 'maxFileSize');
  const v = max ? numericValue(ctx, max) : 200 * MB;
  if (max && v === undefined) return;
  if (v === undefined || v <= threshold) return;
  if (max) {
    reportAbove(ctx, max, 'formidable', 'maxFileSize', v, threshold);
    return;
  }
  ctx.report({
    node: call,
    message: `formidable is created without \`maxFileSize\`, so it accepts files up to its default of 200 MB (this project's limit is ${formatBytes(threshold)}).`,
    confidence: inTests(ctx, 'high', 'low'),
    fixes: optionsNode === undefined ? addOption(ctx, call, options, `maxFileSize: ${LIMIT_TEXT}`, 'Add maxFileSize: 5 MB') : [],
  });
}

/** `x.maxFileSize = v` anywhere in the file (formidable 1.x style). */
function assignedProperty(ctx: RuleContext, key: string): Node | undefined {
  if (!ctx.file.text.includes(key)) return undefined;
  for (const a of ctx.root.descendantsOfType('assignment_expression')) {
    const left = a?.childForFieldName('left');
    if (left?.type === 'member_expression' && left.childForFieldName('property')?.text === key) return a?.childForFieldName('right') ?? undefined;
  }
  return undefined;
}

/** busboy: `limits.fileSize` defaults to Infinity. */
function checkBusboy(ctx: RuleContext, call: Node, threshold: number): void {
  const options = optionsObject(ctx, call);
  if (!options) return;
  const limits = prop(ctx, options, 'limits');
  const limitsObj = limits ? literalOf(ctx, limits) : undefined;
  if (limits && !limitsObj) return;
  const fileSize = prop(ctx, limitsObj, 'fileSize');
  if (fileSize) {
    const v = numericValue(ctx, fileSize);
    if (v !== undefined && v > threshold) reportAbove(ctx, fileSize, 'busboy', 'limits.fileSize', v, threshold);
    return;
  }
  const title = 'Add limits: { fileSize: 5 MB }';
  ctx.report({
    node: call,
    message: 'busboy is created without `limits.fileSize` (its default is unlimited): a client can stream files of any size.',
    confidence: inTests(ctx, 'high', 'low'),
    fixes: limitsObj ? [{ title, safe: true, edits: [insertAfterBrace(limitsObj, ` fileSize: ${LIMIT_TEXT},`)] }] : [{ title, safe: true, edits: [insertAfterBrace(options, ` limits: { fileSize: ${LIMIT_TEXT} },`)] }],
  });
}

/** express.json / body-parser / koa-bodyparser with a very large `limit`. */
function checkBodyParser(ctx: RuleContext, call: Node, threshold: number, keys: string[], lib: string): void {
  const options = optionsObject(ctx, call);
  if (!options) return;
  for (const key of keys) {
    const limit = prop(ctx, options, key);
    const v = limit ? sizeValue(ctx, limit) : undefined;
    if (limit && v !== undefined && v > threshold) reportAbove(ctx, limit, lib, key, v, threshold);
  }
}

/** koa-body: multipart parsing through formidable (200 MB default), plus body limits. */
function checkKoaBody(ctx: RuleContext, call: Node, threshold: number): void {
  const options = optionsObject(ctx, call);
  if (options === undefined) return;
  checkBodyParser(ctx, call, threshold, ['jsonLimit', 'formLimit', 'textLimit'], 'koa-body');
  const multipart = prop(ctx, options, 'multipart');
  if (!multipart || multipart.text !== 'true') return;
  const formidableOpts = prop(ctx, options, 'formidable');
  const obj = formidableOpts ? ctx.flow.objectLiteralOf(formidableOpts) : null;
  if (obj === undefined) return;
  checkFormidable(ctx, call, threshold, obj);
}

const JS_TARGETS: { re: RegExp; check: (ctx: RuleContext, call: Node, threshold: number) => void }[] = [
  { re: /^multer$/, check: checkMulter },
  { re: /^(express-fileupload|fileUpload|fileupload|expressFileupload|expressFileUpload)$/, check: checkFileUpload },
  { re: /^(new )?formidable(\.formidable|\.IncomingForm|\.Formidable|\.default)?$|^new (IncomingForm|Formidable)$/, check: checkFormidable },
  { re: /^(new )?busboy$|^(new )?Busboy$/, check: checkBusboy },
  { re: /^(express|body-parser|bodyParser)\.(json|urlencoded|raw|text)$|^body-parser\.(json|urlencoded|raw|text)$/, check: (ctx, call, t) => checkBodyParser(ctx, call, t, ['limit'], callPaths(ctx, call).written) },
  { re: /^(koa-bodyparser|koaBodyparser|koaBodyParser)$/, check: (ctx, call, t) => checkBodyParser(ctx, call, t, ['jsonLimit', 'formLimit', 'textLimit'], 'koa-bodyparser') },
  { re: /^(koa-body|koa-body\.koaBody|koa-body\.default|koaBody)$/, check: checkKoaBody },
];

// ---------------------------------------------------------------------------------------------------------
// Python

const FLASK_EXTERNAL_CONFIG = /\.(from_object|from_pyfile|from_envvar|from_file|from_prefixed_env|from_json)\(/;
const DJANGO_UNLIMITED = /^(DATA_UPLOAD_MAX_MEMORY_SIZE|DATA_UPLOAD_MAX_NUMBER_FILES|DATA_UPLOAD_MAX_NUMBER_FIELDS)$/;

function checkDjango(ctx: RuleContext, threshold: number): void {
  if (!ctx.file.text.includes('DATA_UPLOAD_MAX')) return;
  for (const n of ctx.root.descendantsOfType(['assignment', 'keyword_argument'])) {
    if (!n) continue;
    const left = n.childForFieldName(n.type === 'assignment' ? 'left' : 'name');
    const value = n.childForFieldName(n.type === 'assignment' ? 'right' : 'value');
    if (!left || !value || left.type !== 'identifier' || !DJANGO_UNLIMITED.test(left.text)) continue;
    if (value.type === 'none') {
      const what = left.text === 'DATA_UPLOAD_MAX_MEMORY_SIZE' ? 'request bodies of any size are read' : left.text === 'DATA_UPLOAD_MAX_NUMBER_FILES' ? 'a request may carry any number of files' : 'a request may carry any number of form fields';
      ctx.report({
        node: value,
        message: `\`${left.text} = None\` switches off Django's limit: ${what}.`,
        confidence: inTests(ctx, 'high', 'low'),
        fingerprintKey: `${left.text} None`,
      });
    } else if (left.text === 'DATA_UPLOAD_MAX_MEMORY_SIZE') {
      const v = numericValue(ctx, value);
      if (v !== undefined && v > threshold) reportAbove(ctx, value, 'Django', 'DATA_UPLOAD_MAX_MEMORY_SIZE', v, threshold);
    }
  }
}

function checkFlask(ctx: RuleContext, threshold: number): void {
  if (!ctx.file.text.includes('request.files')) return;
  const use = ctx.root.descendantsOfType('attribute').find((a) => a?.text === 'request.files');
  if (!use) return;
  // Configured in this file: check the value.
  if (/MAX_CONTENT_LENGTH|max_content_length/.test(ctx.file.text)) {
    const value = configNode(ctx, 'MAX_CONTENT_LENGTH') ?? configNode(ctx, 'max_content_length');
    if (!value) return;
    if (value.type === 'none') {
      ctx.report({ node: value, message: '`MAX_CONTENT_LENGTH` is set to `None`: Flask accepts request bodies (and uploads) of any size.', confidence: inTests(ctx, 'high', 'low'), fingerprintKey: 'MAX_CONTENT_LENGTH None' });
      return;
    }
    const v = numericValue(ctx, value);
    if (v !== undefined && v > threshold) reportAbove(ctx, value, 'Flask', 'MAX_CONTENT_LENGTH', v, threshold);
    return;
  }
  // The app is configured elsewhere (a blueprint module, a factory in another file, a config file): cannot tell.
  const apps = callsMatching(ctx, /^(flask\.)?Flask$/);
  if (apps.length === 0 || FLASK_EXTERNAL_CONFIG.test(ctx.file.text)) return;
  const app = apps[0];
  const stmt = statementOf(app);
  const target = stmt.type === 'expression_statement' ? named(stmt)[0] : undefined;
  const appName = target?.type === 'assignment' ? target.childForFieldName('left')?.text : undefined;
  // Flask's documented 16 MB, unless this project's limit is lower (the fix must not trip the rule itself).
  const mb = Math.max(1, Math.min(16, Math.floor(threshold / MB)));
  const fixes: FixInput[] = appName && /^[\w.]+$/.test(appName)
    ? [{ title: `Set MAX_CONTENT_LENGTH to ${mb} MB`, safe: true, edits: [{ start: stmt.endIndex, end: stmt.endIndex, newText: `\n${indentOf(ctx, stmt)}${appName}.config["MAX_CONTENT_LENGTH"] = ${mb} * 1024 * 1024` }] }]
    : [];
  ctx.report({
    node: use,
    message: 'This app reads `request.files` but sets no `MAX_CONTENT_LENGTH`: Flask accepts uploads of any size.',
    confidence: inTests(ctx, 'medium', 'low'),
    related: [{ node: app, message: 'The Flask app is created here.' }],
    fixes,
    fingerprintKey: 'request.files MAX_CONTENT_LENGTH',
  });
}

export const noSizeLimit: RuleDefinition = {
  id: 'upload/no-size-limit',
  family: 'upload',
  title: 'File upload without a size limit',
  description: 'An upload handler or body parser accepts files or bodies without a maximum size, or with a limit far above what the app needs.',
  severity: 'warning',
  confidence: 'high',
  cwe: [400, 770],
  owasp: ['A04:2021 Insecure Design', 'OWASP File Upload Cheat Sheet'],
  fixable: true,
  options: { maxBytes: { description: 'Largest upload or body size considered safe, in bytes.', default: 10 * MB } },
  keywords: 'move_uploaded_file|->file\\(|HttpPostedFile|RequestSizeLimit|RequestFormLimits|MultipartBodyLengthLimit|MaxRequestBodySize|FormFile|ParseMultipartForm|MultipartForm|MultipartConfig|ServletFileUpload|FileUpload|setMaxUploadSize|setMaxFileSize|multer|fileupload|formidable|IncomingForm|busboy|request\\.files|DATA_UPLOAD_MAX|body-?parser|express\\.(json|raw|text|urlencoded)|koa-?body|has_(one|many)_attached|CarrierWave|< *Shrine|multipart\\s*[.:]',
  guidance: {
    why: 'Without a size limit one request can exhaust disk space or memory and take the service down for every customer (CWE-400, CWE-770). Upload libraries differ: multer, busboy and express-fileupload have no file size limit by default, formidable allows 200 MB, Flask has no MAX_CONTENT_LENGTH, and Django lets settings switch its request limits off.',
    bad: "const upload = multer({ dest: 'uploads/' });\n\napp.config  # no MAX_CONTENT_LENGTH\nf = request.files['file']",
    good: "const upload = multer({ dest: 'uploads/', limits: { fileSize: 5 * 1024 * 1024 }, fileFilter });\n\napp.config['MAX_CONTENT_LENGTH'] = 16 * 1024 * 1024",
    fix: 'Follow the OWASP File Upload Cheat Sheet: set the smallest size the feature needs — `limits.fileSize` (multer, busboy, express-fileupload with `abortOnLimit: true`), `maxFileSize` (formidable, koa-body), `limit` (body parsers), `MAX_CONTENT_LENGTH` (Flask); keep Django\'s `DATA_UPLOAD_MAX_*` settings. Also limit the number of files and fields, and reject (do not truncate) what is too large. The safe size is the rule option `maxBytes` (default 10 MB). Go: `r.Body = http.MaxBytesReader(w, r.Body, 10<<20)` before `r.FormFile` / `ParseMultipartForm` (its argument only caps memory). Rails: `validates :avatar, size: { less_than: 10.megabytes }` (active_storage_validations), `size_range` in CarrierWave uploaders, `validate_max_size` in Shrine. Spring Boot (`application*.properties` / `application*.yml`): `spring.servlet.multipart.max-file-size` and `max-request-size` (Boot 1.x `spring.http.multipart.*`) set to `-1` (unlimited) or above `maxBytes` are reported; leaving them out is fine, Spring Boot then applies its defaults of 1MB per file and 10MB per request. A `${UPLOAD_LIMIT:2GB}` placeholder is reported at low confidence, for its default.',
  },
  queries: { js: '', python: '', java: '', csharp: '', go: '', php: '', ruby: '', properties: '', yaml: '' },
  finish(ctx) {
    if (ctx.file.syntax === 'php') return phpNoSizeLimit(ctx);
    const threshold = ctx.option<number>('maxBytes');
    if (ctx.file.syntax === 'properties' || ctx.file.syntax === 'yaml') return springConfigNoSizeLimit(ctx, threshold);
    if (ctx.file.syntax === 'ruby') return rubyNoSizeLimit(ctx, threshold);
    if (ctx.file.syntax === 'java') return javaNoSizeLimit(ctx, threshold);
    if (ctx.file.syntax === 'csharp') return csharpNoSizeLimit(ctx, threshold);
    if (ctx.file.syntax === 'go') return goNoSizeLimit(ctx, threshold);
    if (ctx.file.syntax === 'python') {
      checkFlask(ctx, threshold);
      checkDjango(ctx, threshold);
      return;
    }
    for (const call of fileModel(ctx).calls) {
      const p = callPaths(ctx, call);
      const target = JS_TARGETS.find((t) => t.re.test(p.resolved) || t.re.test(p.written));
      if (target) target.check(ctx, call, threshold);
    }
  },
};
