import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext, RuleDefinition } from '../../core/rule';
import {
  calleeLabel, callPaths, callsMatching, callsWithPath, eventOf, fileHasTypeCheck, functionAround, functionOf, hasTypeCheck, inTests, isPermissiveFilter, isUploadJs,
  lastName, multerHandlersCheck, multerRestricted, multerUses, named, optionsObject, prop, receiverOf, scopeText, statementOf, uploadDataJs, uploadDataPy, writeSinks,
} from './shared';
import { javaUnrestrictedType } from './java';
import { csharpUnrestrictedType } from './csharp';
import { goUnrestrictedType } from './go';
import { phpUnrestrictedType } from './php';
import { rubyUnrestrictedType } from './ruby';

const FILE_FILTER = "fileFilter: (req, file, cb) => cb(null, /\\.(png|jpe?g|pdf)$/i.test(file.originalname) && ['image/png', 'image/jpeg', 'application/pdf'].includes(file.mimetype))";

function fileFilterFix(ctx: RuleContext, call: Node, options: Node | null): FixInput[] {
  const title = 'Add a fileFilter with an extension and MIME type allow-list';
  if (options) {
    const entries = named(options).filter((c) => c.type !== 'comment');
    const last = entries[entries.length - 1];
    if (!last) return [{ title, safe: false, edits: [{ start: options.startIndex + 1, end: options.startIndex + 1, newText: ` ${FILE_FILTER} ` }] }];
    return [{ title, safe: false, edits: [{ start: last.endIndex, end: last.endIndex, newText: `, ${FILE_FILTER}` }] }];
  }
  if (ctx.syntax.args(call).length === 0) return [{ title, safe: false, edits: [{ start: call.endIndex - 1, end: call.endIndex - 1, newText: `{ ${FILE_FILTER} }` }] }];
  return [];
}

function checkMulter(ctx: RuleContext, call: Node): void {
  const options = optionsObject(ctx, call);
  if (options === undefined) return;
  const onDisk = !!(prop(ctx, options, 'dest') || (prop(ctx, options, 'storage') && /diskStorage|multerS3|S3|storage/i.test(prop(ctx, options, 'storage')?.text ?? '')));
  const { restricted, permissiveFilter } = multerRestricted(ctx, options);
  if (permissiveFilter) {
    ctx.report({
      node: permissiveFilter,
      message: 'This multer `fileFilter` accepts every file without looking at its type: it does not restrict uploads.',
      confidence: inTests(ctx, 'high', 'low'),
    });
    return;
  }
  if (restricted) return;
  const uses = multerUses(ctx, call);
  if (uses.methods.size > 0 && [...uses.methods].every((u) => u === 'none')) return;
  if (multerHandlersCheck(ctx, uses)) return;
  ctx.report({
    node: call,
    message: `multer accepts ${uses.methods.has('any') ? 'any file in any field (`.any()`)' : 'files of any type'}: there is no \`fileFilter\` and the routes that use it do not check the extension or MIME type.`,
    // An instance exported to other modules may be wrapped by a check there.
    confidence: inTests(ctx, onDisk && uses.followed ? 'high' : 'medium', 'low'),
    fixes: fileFilterFix(ctx, call, options),
  });
}

function checkFormidable(ctx: RuleContext, call: Node): void {
  const options = optionsObject(ctx, call);
  if (options === undefined) return;
  const filter = prop(ctx, options, 'filter');
  if (filter) {
    const fn = functionOf(ctx, filter);
    if (fn && isPermissiveFilter(ctx, fn, 0)) ctx.report({ node: filter, message: 'This formidable `filter` accepts every part without looking at its type.', confidence: inTests(ctx, 'high', 'low') });
    return;
  }
  if (/\bonPart\b/.test(ctx.file.text)) return;
  const around = functionAround(ctx, call);
  if (around.id === ctx.root.id ? fileHasTypeCheck(ctx) : hasTypeCheck(scopeText(ctx, around), 'js')) return;
  const kept = !!(prop(ctx, options, 'uploadDir') || /uploadDir\s*=|keepExtensions\s*[:=]\s*true|\.(rename|renameSync|copyFile|copyFileSync|move|mv)\(|fileBegin/.test(ctx.file.text));
  ctx.report({
    node: call,
    message: 'formidable accepts files of any type: there is no `filter` option and no extension or MIME type check in this file.',
    confidence: inTests(ctx, kept ? 'high' : 'medium', 'low'),
  });
}

/** busboy `on('file')` handlers that keep the stream without looking at its type. */
function checkBusboyHandler(ctx: RuleContext, call: Node): void {
  const handler = functionOf(ctx, ctx.syntax.args(call)[1]);
  if (!handler || eventOf(ctx, handler) !== 'file') return;
  if (!/busboy/i.test(ctx.file.text)) return;
  const body = handler.childForFieldName('body')?.text ?? '';
  if (!/\.pipe\(|createWriteStream|writeFile|\.upload\(|putObject|\.save\(/.test(body)) return;
  if (hasTypeCheck(scopeText(ctx, handler), 'js')) return;
  ctx.report({
    node: call,
    message: 'This busboy `file` handler stores the upload without checking its extension or MIME type.',
    confidence: inTests(ctx, 'high', 'low'),
  });
}

/** express-fileupload: `file.mv(...)` or writing `file.data`, in a handler with no type check. */
function checkJsSinks(ctx: RuleContext): void {
  const reported = new Set<number>();
  for (const call of callsWithPath(ctx, (q) => lastName(q.written) === 'mv', 'mv')) {
    const p = callPaths(ctx, call);
    const name = lastName(p.written);
    let upload: Node | undefined;
    if (name === 'mv') {
      const recv = receiverOf(ctx, call);
      if (recv && isUploadJs(ctx, recv)) upload = recv;
    }
    if (!upload) continue;
    const fn = functionAround(ctx, call);
    if (reported.has(fn.id) || hasTypeCheck(scopeText(ctx, fn), 'js')) continue;
    reported.add(fn.id);
    ctx.report({
      node: call,
      message: `\`${upload.text}\` is saved with \`${p.written}\` without checking its extension or MIME type against an allow-list.`,
      confidence: inTests(ctx, 'high', 'low'),
    });
  }
  for (const sink of writeSinks(ctx)) {
    const data = sink.data;
    if (!data || !uploadDataJs(ctx, data)) continue;
    const fn = functionAround(ctx, sink.call);
    if (reported.has(fn.id) || hasTypeCheck(scopeText(ctx, fn), 'js')) continue;
    reported.add(fn.id);
    ctx.report({ node: sink.call, message: `The uploaded file (\`${data.text.length > 40 ? `${data.text.slice(0, 39)}…` : data.text}\`) is written with ${sink.label} without checking its extension or MIME type.`, confidence: inTests(ctx, 'high', 'low') });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Python

const PY_STORE = /^(save|copyfileobj|write|write_bytes|writelines|upload_fileobj|put_object|upload_file)$/;

/** Flask / FastAPI / Django handlers that keep an uploaded file without a type check. */
function checkPySinks(ctx: RuleContext): void {
  const reported = new Set<number>();
  for (const call of callsWithPath(ctx, (q) => PY_STORE.test(lastName(q.written)), 'py-store')) {
    const p = callPaths(ctx, call);
    const name = lastName(p.written);
    if (!PY_STORE.test(name)) continue;
    const recv = receiverOf(ctx, call);
    const args = ctx.syntax.args(call);
    const body = ctx.syntax.kwarg(call, 'Body') ?? ctx.syntax.kwarg(call, 'Fileobj');
    let upload: Node | undefined;
    if (name === 'save' && recv && uploadDataPy(ctx, recv) && !/^(form|self|serializer)$/.test(recv.text)) upload = recv;
    else upload = [...args, ...(body ? [body] : [])].find((a) => uploadDataPy(ctx, a));
    if (!upload) continue;
    const fn = functionAround(ctx, call);
    if (reported.has(fn.id) || hasTypeCheck(scopeText(ctx, fn), 'python')) continue;
    reported.add(fn.id);
    ctx.report({
      node: call,
      message: `The uploaded file (\`${upload.text}\`) is stored by \`${calleeLabel(p.written)}\` without checking its extension or content type against an allow-list.`,
      confidence: inTests(ctx, 'high', 'low'),
    });
  }
}

/** Django `FileField` on a model, form or DRF serializer without an extension validator or a `clean_<field>` check. */
function checkDjangoFields(ctx: RuleContext): void {
  if (!/FileField/.test(ctx.file.text)) return;
  for (const call of callsMatching(ctx, /(^|\.)FileField$/)) {
    const p = callPaths(ctx, call);
    if (!/^(models|forms|serializers|django\.|rest_framework\.)/.test(p.resolved) && !/^(models|forms|serializers)\./.test(p.written)) continue;
    const validators = ctx.syntax.kwarg(call, 'validators');
    if (validators && /Extension|ext|type|mime|content|valid/i.test(validators.text)) continue;
    const stmt = statementOf(call);
    const assignment = named(stmt)[0];
    const field = assignment?.type === 'assignment' ? assignment.childForFieldName('left')?.text : undefined;
    let cls: Node | null = call.parent;
    while (cls && cls.type !== 'class_definition') cls = cls.parent;
    if (field && cls) {
      const re = new RegExp(`def\\s+(clean_${field}|validate_${field})\\b`);
      if (re.test(cls.text)) continue;
      const clean = /def\s+(clean|validate)\s*\(/.exec(cls.text);
      if (clean && cls.text.includes(field) && hasTypeCheck(cls.text.slice(clean.index), 'python')) continue;
    }
    const kind = /^(forms|django\.forms)/.test(p.resolved) || /^forms\./.test(p.written) ? 'form' : /serializers/.test(p.resolved) ? 'serializer' : 'model';
    ctx.report({
      node: call,
      message: `The ${kind} field${field ? ` \`${field}\`` : ''} accepts files of any type: add \`validators=[FileExtensionValidator([...])]\`${kind === 'model' ? '' : ` or a \`clean_${field ?? '<field>'}\` check`}.`,
      confidence: inTests(ctx, kind === 'model' ? 'medium' : 'high', 'low'),
    });
  }
}

export const unrestrictedFileType: RuleDefinition = {
  id: 'upload/unrestricted-file-type',
  family: 'upload',
  title: 'File upload without a type allow-list',
  description: 'An uploaded file is accepted and kept without checking its extension or content type against an allow-list.',
  severity: 'warning',
  confidence: 'high',
  cwe: [434],
  owasp: ['A04:2021 Insecure Design', 'OWASP File Upload Cheat Sheet'],
  fixable: true,
  keywords: 'move_uploaded_file|->file\\(|HttpPostedFile|FormFile|MultipartForm|MultipartFile|FilePart|getSubmittedFileName|FileItem|multer|fileupload|formidable|busboy|req(uest)?\\.files?|\\.FILES|UploadFile|FileField|\\.mv\\(|formData|has_(one|many)_attached|CarrierWave|< *Shrine',
  guidance: {
    why: 'An upload that accepts any file type lets an attacker store HTML or SVG that runs script in your users\' browsers, executables or web shells the server may run, or malware handed on to other users (CWE-434, "unrestricted upload of file with dangerous type").',
    bad: "const upload = multer({ dest: 'uploads/' });\n\nf = request.files['file']\nf.save(os.path.join(UPLOAD_FOLDER, secure_filename(f.filename)))",
    good: "const upload = multer({ dest: 'uploads/', limits: { fileSize: 5 * 1024 * 1024 }, fileFilter: (req, file, cb) => cb(null, ALLOWED.includes(file.mimetype)) });\n\nif not allowed_file(f.filename):\n    abort(400)",
    fix: 'Follow the OWASP File Upload Cheat Sheet: allow-list the extensions the feature needs (after decoding the name), check the MIME type and, better, the content itself (`file-type`, `python-magic`, `imghdr`/Pillow), rename the file, store it outside the web root and scan it for malware. Use multer\'s `fileFilter`, formidable\'s `filter`, Django\'s `FileExtensionValidator`, or an `allowed_file()` helper called before `save()`. Go: check `filepath.Ext(header.Filename)` against an allow-list and the first 512 bytes with `http.DetectContentType`. Rails: `validates :avatar, content_type: [...]` (active_storage_validations) for ActiveStorage, `extension_allowlist` + `content_type_allowlist` in CarrierWave uploaders, `validate_mime_type` in Shrine.',
  },
  queries: { js: '', python: '', java: '', csharp: '', go: '', php: '', ruby: '' },
  finish(ctx) {
    if (ctx.file.syntax === 'php') return phpUnrestrictedType(ctx);
    if (ctx.file.syntax === 'ruby') return rubyUnrestrictedType(ctx);
    if (ctx.file.syntax === 'java') return javaUnrestrictedType(ctx);
    if (ctx.file.syntax === 'csharp') return csharpUnrestrictedType(ctx);
    if (ctx.file.syntax === 'go') return goUnrestrictedType(ctx);
    if (ctx.file.syntax === 'python') {
      checkPySinks(ctx);
      checkDjangoFields(ctx);
      return;
    }
    const jsUpload = (q: { written: string; resolved: string }) => /^multer$/.test(q.resolved) || q.written === 'multer' || /formidable|Formidable|IncomingForm/.test(q.resolved) || /(^|\.)on$/.test(q.written);
    for (const call of callsWithPath(ctx, jsUpload)) {
      const p = callPaths(ctx, call);
      if (/^multer$/.test(p.resolved) || p.written === 'multer') checkMulter(ctx, call);
      else if (/^(new )?formidable(\.formidable|\.IncomingForm|\.Formidable|\.default)?$|^new (IncomingForm|Formidable)$/.test(p.resolved)) checkFormidable(ctx, call);
      else if (/(^|\.)on$/.test(p.written) && ctx.syntax.stringValue(ctx.syntax.args(call)[0] ?? call) === 'file') checkBusboyHandler(ctx, call);
    }
    checkJsSinks(ctx);
  },
};
