import type { Node } from 'web-tree-sitter';
import type { RuleContext, RuleDefinition } from '../../core/rule';

const MB = 1024 * 1024;

/** Evaluates simple numeric expressions such as `5 * 1024 * 1024` or `16_000_000`; undefined when unknown. */
export function numericValue(ctx: RuleContext, node: Node, depth = 0): number | undefined {
  if (depth > 6) return undefined;
  const t = node.type;
  if (t === 'number' || t === 'integer' || t === 'float') {
    const v = Number(node.text.replace(/_/g, '').replace(/n$/, ''));
    return Number.isFinite(v) ? v : undefined;
  }
  if (t === 'binary_expression' || t === 'binary_operator') {
    const l = node.childForFieldName('left');
    const r = node.childForFieldName('right');
    const op = node.childForFieldName('operator')?.text;
    const a = l && numericValue(ctx, l, depth + 1);
    const b = r && numericValue(ctx, r, depth + 1);
    if (a === undefined || b === undefined || a === null || b === null) return undefined;
    if (op === '*') return a * b;
    if (op === '+') return a + b;
    if (op === '-') return a - b;
    if (op === '/' || op === '//') return b === 0 ? undefined : a / b;
    if (op === '<<') return a * 2 ** b;
    if (op === '**') return a ** b;
    return undefined;
  }
  if (t === 'parenthesized_expression') {
    const inner = node.namedChildren[0];
    return inner ? numericValue(ctx, inner, depth + 1) : undefined;
  }
  if (t === 'identifier') {
    const def = ctx.flow.definitionOf(node.text, node);
    return def?.value && !def.key ? numericValue(ctx, def.value, depth + 1) : undefined;
  }
  return undefined;
}

function formatBytes(n: number): string {
  return n >= MB ? `${Math.round((n / MB) * 10) / 10} MB` : `${n} bytes`;
}

function checkMulter(call: Node, ctx: RuleContext, threshold: number): void {
  const args = ctx.syntax.args(call);
  const options = args[0] ? ctx.flow.objectLiteralOf(args[0]) : undefined;
  if (args[0] && !options) return; // options built elsewhere: cannot tell
  const limits = options ? ctx.syntax.property(options, 'limits') : undefined;
  const limitsObj = limits ? ctx.flow.objectLiteralOf(limits) : undefined;
  if (limits && !limitsObj) return;
  const fileSize = limitsObj ? ctx.syntax.property(limitsObj, 'fileSize') : undefined;
  if (fileSize) {
    const v = numericValue(ctx, fileSize);
    if (v === undefined || v <= threshold) return;
    ctx.report({
      node: fileSize,
      message: `multer accepts files up to ${formatBytes(v)}, above the ${formatBytes(threshold)} this project considers safe.`,
      severity: 'warning',
      confidence: 'medium',
    });
    return;
  }
  const insertAt = options ? options : undefined;
  ctx.report({
    node: call,
    message: 'multer is configured without `limits.fileSize`: a client can upload files of any size and fill the disk or memory.',
    fixes: insertAt && !limits
      ? [{ title: 'Add limits: { fileSize: 5 MB }', safe: true, edits: [{ start: insertAt.startIndex + 1, end: insertAt.startIndex + 1, newText: ' limits: { fileSize: 5 * 1024 * 1024 },' }] }]
      : !options && args.length === 0
        ? [{ title: 'Add limits: { fileSize: 5 MB }', safe: true, edits: [{ start: call.endIndex - 1, end: call.endIndex - 1, newText: '{ limits: { fileSize: 5 * 1024 * 1024 } }' }] }]
        : [],
  });
}

export const noSizeLimit: RuleDefinition = {
  id: 'upload/no-size-limit',
  family: 'upload',
  title: 'File upload without a size limit',
  description: 'An upload handler accepts files without a maximum size, or with a limit far above what the app needs.',
  severity: 'warning',
  confidence: 'high',
  cwe: [400, 770],
  owasp: ['A04:2021 Insecure Design', 'OWASP File Upload Cheat Sheet'],
  fixable: true,
  options: { maxBytes: { description: 'Largest upload size considered safe, in bytes.', default: 10 * MB } },
  keywords: 'multer|request\\.files|MAX_CONTENT_LENGTH',
  guidance: {
    why: 'Without a size limit one request can exhaust disk space or memory and take the service down for every customer (denial of service), or smuggle oversized payloads past later checks.',
    bad: "const upload = multer({ dest: 'uploads/' });",
    good: "const upload = multer({ dest: 'uploads/', limits: { fileSize: 5 * 1024 * 1024 }, fileFilter });",
    fix: 'Set `limits.fileSize` (multer, express-fileupload), `maxFileSize` (formidable), `MAX_CONTENT_LENGTH` (Flask) or `DATA_UPLOAD_MAX_MEMORY_SIZE` (Django) to the smallest size the feature needs.',
  },
  queries: {
    js: `(call_expression function: (identifier) @fn (#eq? @fn "multer") arguments: (arguments)) @call`,
    python: `(subscript value: (attribute object: (identifier) @req attribute: (identifier) @files) (#eq? @req "request") (#eq? @files "files")) @use
(call function: (attribute object: (attribute object: (identifier) @req attribute: (identifier) @files) attribute: (identifier) @get) (#eq? @req "request") (#eq? @files "files") (#eq? @get "get")) @use`,
  },
  check(match, ctx) {
    if (ctx.file.syntax === 'js') {
      const call = match.get('call');
      if (call) checkMulter(call, ctx, ctx.option<number>('maxBytes'));
      return;
    }
    const use = match.get('use');
    if (use && !ctx.state.has('firstUse')) ctx.state.set('firstUse', use);
  },
  finish(ctx) {
    const use = ctx.state.get('firstUse') as Node | undefined;
    if (!use) return;
    // Flask: MAX_CONTENT_LENGTH set anywhere in this file (app.config[...] = ..., app.config.update(MAX_CONTENT_LENGTH=...), a config class).
    if (/MAX_CONTENT_LENGTH/.test(ctx.file.text)) return;
    ctx.report({
      node: use,
      message: 'This handler reads `request.files` but the app sets no `MAX_CONTENT_LENGTH`: uploads of any size are accepted.',
      confidence: 'medium',
    });
  },
};
