import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext, RuleDefinition } from '../../core/rule';
import {
  callPaths, callsWithPath, clientName, eventOf, functionOf, importEdit, importedName, inTests, isUploadJs, paramInfo, paramsOf, prop,
  usesEsm, writeSinks, type NameHit,
} from './shared';
import { javaClientFilename } from './java';
import { csharpClientFilename } from './csharp';
import { goClientFilename } from './go';
import { phpClientFilename } from './php';
import { rubyClientFilename } from './ruby';

/** JS fix: a random name that keeps the (lower-cased) extension of the client's name. */
function generatedNameFix(ctx: RuleContext, hit: NameHit): FixInput[] {
  const edits: FixInput['edits'] = [];
  const uuid = importedName(ctx, /^(node:)?crypto\.randomUUID$/);
  const crypto = uuid ?? importedName(ctx, /^(node:)?crypto$/);
  const path = importedName(ctx, /^(node:)?path$/);
  const random = uuid ? `${uuid}()` : `${crypto ?? 'crypto'}.randomUUID()`;
  const pathName = path ?? 'path';
  const taken = (name: string) => new RegExp(`\\b(const|let|var|function|class)\\s+${name}\\b`).test(ctx.file.text);
  if ((!crypto && taken('crypto')) || (!path && taken('path'))) return [];
  const missing: string[] = [];
  const esm = usesEsm(ctx);
  if (!crypto) missing.push(esm ? "import * as crypto from 'crypto';" : "const crypto = require('crypto');");
  if (!path) missing.push(esm ? "import * as path from 'path';" : "const path = require('path');");
  const imp = importEdit(ctx, missing);
  if (imp && missing.length) edits.push(imp);
  edits.push({ node: hit.use, newText: `${random} + ${pathName}.extname(${hit.use.text}).toLowerCase()` });
  return [{ title: 'Use a generated file name that keeps the extension', safe: false, edits }];
}

/** Python fix: `secure_filename(...)` for Flask / Werkzeug code, `os.path.basename(...)` elsewhere. */
function wrapFix(ctx: RuleContext, hit: NameHit): FixInput[] {
  const flask = /^\s*(from|import)\s+(flask|werkzeug)\b/m.test(ctx.file.text);
  const edits: FixInput['edits'] = [];
  if (flask) {
    if (!ctx.flow.imports.has('secure_filename')) {
      const imp = importEdit(ctx, ['from werkzeug.utils import secure_filename']);
      if (imp) edits.push(imp);
    }
    edits.push({ node: hit.use, newText: `secure_filename(${hit.use.text})` });
    return [{ title: 'Wrap the file name in secure_filename()', safe: true, edits }];
  }
  if (!ctx.flow.imports.has('os')) {
    const imp = importEdit(ctx, ['import os']);
    if (imp) edits.push(imp);
  }
  edits.push({ node: hit.use, newText: `os.path.basename(${hit.use.text})` });
  return [{ title: 'Keep only the base name (os.path.basename)', safe: true, edits }];
}

function report(ctx: RuleContext, hit: NameHit, sink: Node, how: string): void {
  ctx.report({
    node: hit.use,
    message: `The client-supplied file name ${hit.what} builds the path ${how}: a name such as \`../../app.js\` writes outside the upload folder or overwrites other files.`,
    confidence: inTests(ctx, 'high', 'low'),
    related: hit.origin.id !== hit.use.id ? [{ node: hit.origin, message: 'The client file name is read here.' }] : sink.startIndex > hit.use.endIndex || sink.endIndex < hit.use.startIndex ? [{ node: sink, message: 'The file is written here.' }] : [],
    fixes: ctx.file.syntax === 'js' ? generatedNameFix(ctx, hit) : wrapFix(ctx, hit),
    fingerprintKey: `${hit.use.text} ${how}`,
  });
}

/** multer `diskStorage({ filename(req, file, cb) { cb(null, file.originalname) } })`. */
function checkDiskStorage(ctx: RuleContext): void {
  for (const call of callsWithPath(ctx, (q) => /(^|\.)diskStorage$/.test(q.resolved))) {
    const p = callPaths(ctx, call);
    if (!/(^|\.)diskStorage$/.test(p.resolved)) continue;
    const opts = ctx.syntax.args(call)[0];
    const obj = opts ? ctx.flow.objectLiteralOf(opts) : undefined;
    const fn = functionOf(ctx, prop(ctx, obj, 'filename'));
    if (!fn) continue;
    const cb = paramsOf(ctx, fn)[2];
    if (!cb || cb.type !== 'identifier') continue;
    for (const inner of fn.descendantsOfType('call_expression')) {
      if (!inner || inner.childForFieldName('function')?.text !== cb.text) continue;
      const name = ctx.syntax.args(inner)[1];
      const hit = name ? clientName(ctx, name, 'upload') : undefined;
      if (hit) report(ctx, hit, inner, 'of the file multer `diskStorage` writes');
    }
  }
}

/** formidable 1.x/2.x: `form.on('fileBegin', (name, file) => { file.path = dir + file.name })`. */
function checkFileBegin(ctx: RuleContext): void {
  if (!ctx.file.text.includes('fileBegin')) return;
  for (const a of ctx.root.descendantsOfType('assignment_expression')) {
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    if (!a || !left || !right || left.type !== 'member_expression' || !/^(path|filepath)$/.test(left.childForFieldName('property')?.text ?? '')) continue;
    const obj = left.childForFieldName('object');
    if (!obj || !isUploadJs(ctx, obj)) continue;
    const def = ctx.flow.definitionOf(obj.text, obj);
    const info = def?.param ? paramInfo(ctx, def.node) : undefined;
    if (!info || eventOf(ctx, info.fn) !== 'fileBegin') continue;
    const hit = clientName(ctx, right, 'upload');
    if (hit) report(ctx, hit, a, 'where formidable saves the upload');
  }
}

export const clientFilenameInPath: RuleDefinition = {
  id: 'upload/client-filename-in-path',
  family: 'upload',
  title: "Client's file name used in the saved path",
  description: 'The file name sent by the client builds the path an upload is written to, without `basename`, `secure_filename` or a generated name.',
  severity: 'error',
  confidence: 'high',
  cwe: [22, 73, 434],
  owasp: ['A01:2021 Broken Access Control', 'OWASP File Upload Cheat Sheet'],
  fixable: true,
  keywords: 'original_filename|move_uploaded_file|->file\\(|HttpPostedFile|FileUpload|FormFile|MultipartForm|getOriginalFilename|getSubmittedFileName|FileItem|originalname|originalFilename|req(uest)?\\.files|\\.FILES|chunks\\(|UploadFile|formData|busboy|formidable|hapi',
  guidance: {
    why: 'The file name in a multipart upload is whatever the client sends: `../../server.js`, `/etc/cron.d/x`, `..\\\\web.config`. Used in the destination path it lets an attacker write outside the upload folder (path traversal, CWE-22), overwrite other users\' files or the application itself, and choose an executable extension.',
    bad: "filename: (req, file, cb) => cb(null, file.originalname)\n\nf.save(os.path.join(UPLOAD_FOLDER, f.filename))",
    good: "filename: (req, file, cb) => cb(null, crypto.randomUUID() + path.extname(file.originalname).toLowerCase())\n\nf.save(os.path.join(UPLOAD_FOLDER, secure_filename(f.filename)))",
    fix: 'Follow the OWASP File Upload Cheat Sheet: generate the stored name yourself (a UUID or random bytes) and keep only a validated extension; if the original name must be kept, store it in the database, or reduce it with `path.basename` / `secure_filename` / `get_valid_filename` and an allow-list of characters. Go: never join `header.Filename` into a path; generate the name, or at least take `filepath.Base`.',
  },
  queries: { js: '', python: '', java: '', csharp: '', go: '', php: '', ruby: '' },
  finish(ctx) {
    if (ctx.file.syntax === 'ruby') return rubyClientFilename(ctx);
    if (ctx.file.syntax === 'php') return phpClientFilename(ctx);
    if (ctx.file.syntax === 'java') return javaClientFilename(ctx);
    if (ctx.file.syntax === 'csharp') return csharpClientFilename(ctx);
    if (ctx.file.syntax === 'go') return goClientFilename(ctx);
    for (const sink of writeSinks(ctx)) {
      const hit = clientName(ctx, sink.dest, 'upload');
      if (hit) report(ctx, hit, sink.call, `written by ${sink.label}`);
    }
    if (ctx.file.syntax === 'js') {
      checkDiskStorage(ctx);
      checkFileBegin(ctx);
    }
  },
};
