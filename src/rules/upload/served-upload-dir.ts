import type { Node } from 'web-tree-sitter';
import type { RuleContext, RuleDefinition } from '../../core/rule';
import {
  callPaths, callsMatching, clientName, configNode, dirOf, dirValue, fileDir, fileHasTypeCheck, fileModel, functionAround, functionOf,
  hasTypeCheck, inTests, isInside, isUploadJs, lastName, multerHandlersCheck, multerRestricted, multerUses, optionsObject, paramsOf, prop, receiverOf, scopeText, uploadDataJs, uploadDataPy, writeSinks,
} from './shared';
import { csharpServedWrites, javaServedWrites, type ServedWrite } from './served-jvm';
import { goServedWrites, phpServedWrites, rubyServedWrites } from './served-other';

interface Served {
  node: Node;
  dir: string;
  label: string;
}

interface Dest {
  node: Node;
  dir: string;
  how: string;
  /** The stored name is the client's. */
  clientNamed: boolean;
  /** The stored name keeps the client's extension. */
  keepsExtension?: boolean;
  /** Stored without an extension (multer `dest`): served as application/octet-stream. */
  extensionless: boolean;
  /** The code around it checks the type. */
  restricted: boolean;
}

/** An allow-list that itself admits types the browser renders as active content. */
const ACTIVE_TYPES = /['"`](\.|image\/)?(svg|svg\+xml|html?|xhtml|xml|js|mjs|php|phtml|jsp|aspx?)['"`]/i;

function servedDirsJs(ctx: RuleContext): Served[] {
  const out: Served[] = [];
  for (const call of callsMatching(ctx, /^(express\.static|express\.default\.static|serve-static|serveStatic|koa-static|koaStatic|koa-static\.default|sirv|serve-handler)$/)) {
    const arg = ctx.syntax.args(call)[0];
    const dir = arg ? dirOf(dirValue(ctx, arg)) : undefined;
    if (dir !== undefined) out.push({ node: call, dir, label: `\`${callPaths(ctx, call).written}\`` });
  }
  for (const call of callsMatching(ctx, /(^|\.)register$/)) {
    const [plugin, opts] = ctx.syntax.args(call);
    if (!plugin || !opts) continue;
    const mod = ctx.flow.imports.get(plugin.text) ?? plugin.text;
    if (!/(@fastify\/static|fastify-static)/.test(mod)) continue;
    const obj = ctx.flow.objectLiteralOf(opts);
    const root = prop(ctx, obj, 'root');
    const dir = root ? dirOf(dirValue(ctx, root)) : undefined;
    if (dir !== undefined) out.push({ node: call, dir, label: '`@fastify/static`' });
  }
  // Next.js serves `public/` as is.
  if (/(^|\/)(src\/)?(pages|app)\/api\//.test(ctx.file.path) || /from\s+['"]next(\/server)?['"]|^\s*['"]use server['"]/m.test(ctx.file.text)) out.push({ node: ctx.root, dir: 'public', label: 'Next.js (`public/`)' });
  return out;
}

function multerDests(ctx: RuleContext, out: Dest[]): void {
  for (const call of callsMatching(ctx, /^multer$/)) {
    const options = optionsObject(ctx, call);
    if (!options) continue;
    const restricted = multerRestricted(ctx, options).restricted || multerHandlersCheck(ctx, multerUses(ctx, call));
    const dest = prop(ctx, options, 'dest');
    if (dest) {
      const dir = dirOf(dirValue(ctx, dest));
      if (dir !== undefined) out.push({ node: dest, dir, how: 'multer `dest`', clientNamed: false, extensionless: true, restricted });
    }
    const storage = prop(ctx, options, 'storage');
    const storageCall = storage ? (ctx.syntax.isCall(storage) ? storage : ctx.flow.definitionOf(storage.text, storage)?.value) : undefined;
    if (!storageCall || !ctx.syntax.isCall(storageCall) || !/(^|\.)diskStorage$/.test(callPaths(ctx, storageCall).resolved)) continue;
    const sopts = optionsObject(ctx, storageCall);
    if (!sopts) continue;
    const filenameFn = functionOf(ctx, prop(ctx, sopts, 'filename'));
    let clientNamed = false;
    let keepsExtension = false;
    if (filenameFn) {
      const cb = paramsOf(ctx, filenameFn)[2];
      for (const inner of filenameFn.descendantsOfType('call_expression')) {
        if (!inner || !cb || inner.childForFieldName('function')?.text !== cb.text) continue;
        const name = ctx.syntax.args(inner)[1];
        if (name && clientName(ctx, name, 'upload')) clientNamed = true;
        if (name && /originalname|originalFilename|extname/.test(name.text)) keepsExtension = true;
      }
    }
    const destination = prop(ctx, sopts, 'destination');
    if (!destination) continue;
    const fn = functionOf(ctx, destination);
    const values: Node[] = [];
    if (fn) {
      const cb = paramsOf(ctx, fn)[2];
      for (const inner of fn.descendantsOfType('call_expression')) {
        if (inner && cb && inner.childForFieldName('function')?.text === cb.text && ctx.syntax.args(inner)[1]) values.push(ctx.syntax.args(inner)[1]);
      }
    } else values.push(destination);
    for (const v of values) {
      const dir = dirOf(dirValue(ctx, v));
      if (dir !== undefined) out.push({ node: v, dir, how: 'multer `diskStorage`', clientNamed, keepsExtension, extensionless: !filenameFn, restricted });
    }
  }
}

function jsDests(ctx: RuleContext): Dest[] {
  const out: Dest[] = [];
  multerDests(ctx, out);
  for (const call of callsMatching(ctx, /^(new )?formidable(\.formidable|\.IncomingForm|\.Formidable|\.default)?$|^new (IncomingForm|Formidable)$/)) {
    const dir = prop(ctx, optionsObject(ctx, call), 'uploadDir');
    const d = dir ? dirOf(dirValue(ctx, dir)) : undefined;
    if (dir && d !== undefined) out.push({ node: dir, dir: d, how: 'formidable `uploadDir`', clientNamed: false, extensionless: !/keepExtensions\s*:\s*true/.test(ctx.file.text), restricted: /\bfilter\s*:/.test(ctx.file.text) || fileHasTypeCheck(ctx) });
  }
  for (const sink of writeSinks(ctx)) {
    const name = lastName(callPaths(ctx, sink.call).written);
    const recv = receiverOf(ctx, sink.call);
    const hit = clientName(ctx, sink.dest, 'upload');
    const fn = functionAround(ctx, sink.call);
    const fromUpload = (name === 'mv' && !!recv && isUploadJs(ctx, recv)) || (!!sink.data && (isUploadJs(ctx, sink.data) || uploadDataJs(ctx, sink.data))) || !!hit || /\.on\(\s*['"]file['"]/.test(ctx.syntax.isFunction(fn) ? (fn.parent?.parent?.text ?? '') : '');
    if (!fromUpload) continue;
    const d = fileDir(dirValue(ctx, sink.dest));
    if (d === undefined) continue;
    out.push({ node: sink.call, dir: d, how: sink.label, clientNamed: !!hit, extensionless: false, restricted: hasTypeCheck(scopeText(ctx, fn), 'js') });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Python (Flask's static folder)

function pyServed(ctx: RuleContext): Served[] {
  const out: Served[] = [];
  for (const call of callsMatching(ctx, /(^|\.)StaticFiles$/)) {
    const dir = ctx.syntax.kwarg(call, 'directory') ?? ctx.syntax.args(call)[0];
    const d = dir ? dirOf(dirValue(ctx, dir)) : undefined;
    if (d) out.push({ node: call, dir: d, label: '`StaticFiles`' });
  }
  const flask = flaskStatic(ctx, out.length > 0);
  return flask ? [...out, flask] : out;
}

function flaskStatic(ctx: RuleContext, others: boolean): Served | undefined {
  const app = callsMatching(ctx, /^(flask\.)?Flask$/)[0];
  if (!app && others) return undefined;
  if (!app) return { node: ctx.root, dir: 'static', label: "Flask's default `static` folder" };
  const folder = ctx.syntax.kwarg(app, 'static_folder');
  if (!folder) return { node: app, dir: 'static', label: "Flask's `static` folder" };
  if (folder.type === 'none') return undefined;
  const dir = dirOf(dirValue(ctx, folder));
  return dir !== undefined && dir !== '' ? { node: app, dir, label: `Flask's static folder \`${dir}\`` } : undefined;
}

function pyDests(ctx: RuleContext): Dest[] {
  const out: Dest[] = [];
  for (const sink of writeSinks(ctx)) {
    const name = lastName(callPaths(ctx, sink.call).written);
    const fn = functionAround(ctx, sink.call);
    const hit = clientName(ctx, sink.dest, 'upload');
    const fromUpload = name === 'save' || (!!sink.data && uploadDataPy(ctx, sink.data)) || !!hit ||
      fileModel(ctx).calls.some((c) => c.startIndex >= fn.startIndex && c.endIndex <= fn.endIndex && /^(write|copyfileobj)$/.test(lastName(callPaths(ctx, c).written)) && ctx.syntax.args(c).some((a) => uploadDataPy(ctx, a)));
    if (!fromUpload) continue;
    const d = fileDir(dirValue(ctx, sink.dest));
    if (d === undefined) continue;
    out.push({ node: sink.call, dir: d, how: sink.label, clientNamed: !!hit, extensionless: false, restricted: hasTypeCheck(scopeText(ctx, fn), 'python') });
  }
  if (out.length === 0) {
    // A configuration file: the upload folder is defined here, the handlers live elsewhere.
    for (const key of ['UPLOAD_FOLDER', 'UPLOAD_DIR', 'UPLOADS_DIR', 'UPLOAD_PATH', 'UPLOADS_FOLDER']) {
      const v = configNode(ctx, key);
      const d = v ? dirOf(dirValue(ctx, v)) : undefined;
      if (v && d) out.push({ node: v, dir: d, how: `\`${key}\``, clientNamed: false, extensionless: false, restricted: fileHasTypeCheck(ctx) });
    }
  }
  return out;
}

const WRITES: Partial<Record<string, (ctx: RuleContext) => ServedWrite[]>> = {
  java: javaServedWrites, csharp: csharpServedWrites, go: goServedWrites, php: phpServedWrites, ruby: rubyServedWrites,
};

/** Java, C#, Go, PHP and Ruby: writes into a folder the platform serves (see served-jvm.ts and served-other.ts). */
function reportJvm(ctx: RuleContext): void {
  const writes = WRITES[ctx.file.syntax]?.(ctx) ?? [];
  const active = ACTIVE_TYPES.test(ctx.file.text);
  for (const w of writes) {
    if (w.restricted && !active) continue;
    ctx.report({
      node: w.node,
      message: `Uploads are written inside a folder that ${w.label} serves to everyone: an uploaded HTML, SVG or script file is served back from this origin${w.clientNamed ? ', under the name the client chose' : ''}.`,
      severity: w.clientNamed && !w.restricted ? 'error' : 'warning',
      confidence: inTests(ctx, w.confidence, 'low'),
      related: w.origin ? [{ node: w.origin, message: w.originMessage ?? 'The served folder comes into the path here.' }] : [],
      fingerprintKey: `${w.label} ${w.node.text.slice(0, 80)}`,
    });
  }
}

export const servedUploadDir: RuleDefinition = {
  id: 'upload/served-upload-dir',
  family: 'upload',
  title: 'Uploads stored in a statically served folder',
  description: 'Uploaded files are written inside a folder the app serves as static files, so an uploaded HTML, SVG or script file is served back from the app\'s own origin.',
  severity: 'warning',
  confidence: 'high',
  cwe: [434, 552],
  owasp: ['A05:2021 Security Misconfiguration', 'OWASP File Upload Cheat Sheet'],
  fixable: false,
  keywords: '^(?=[\\s\\S]*(static|from [\'"]next|[\'"]use server[\'"]|webapp|getRealPath|WebRootPath|wwwroot|MapPath|http\\.Dir|DOCUMENT_ROOT|[\'"/]public\\b|public_path|storage\\s+:file|__DIR__|__FILE__|move_uploaded_file))[\\s\\S]*(multer|upload|formData|request\\.files|\\.mv\\(|formidable|busboy|MultipartFile|\\bPart\\b|FileItem|IFormFile|HttpPostedFile|FormFile|->file\\(|original_filename|CarrierWave)',
  guidance: {
    why: 'Files stored under the web root are served back with a content type chosen from their extension. An uploaded `.html` or `.svg` runs script in your users\' browsers on your origin (stored XSS, session theft); on servers that execute scripts an uploaded `.php` or `.jsp` becomes a web shell (CWE-434, CWE-552). Java: the servlet web root (`getRealPath`, except under `/WEB-INF`), `src/main/webapp`, and Spring Boot\'s classpath `static/` and `public/` folders; C#: `IWebHostEnvironment.WebRootPath` / `wwwroot`, and classic ASP.NET `Server.MapPath("~/…")` outside `~/App_Data`; Go: the folders `http.FileServer(http.Dir(…))` and gin / echo / fiber `Static` serve in the same file; PHP: `$_SERVER[\'DOCUMENT_ROOT\']`, Laravel `public_path()` and the `public` disk, and the folder of a plain (namespace-less) script (`__DIR__`, relative paths); Ruby: Rails\' `public/` folder and CarrierWave `storage :file`.',
    bad: "app.use(express.static('public'));\nconst upload = multer({ dest: 'public/uploads/' });\n\nf.save(os.path.join(app.root_path, 'static', 'uploads', name))",
    good: "const upload = multer({ dest: '/var/app-data/uploads', limits: { fileSize: 5 * 1024 * 1024 }, fileFilter });\n// serve through a route that sets Content-Type and Content-Disposition: attachment\n\nf.save(os.path.join('/var/app-data/uploads', name))",
    fix: 'Follow the OWASP File Upload Cheat Sheet: store uploads outside the web root (or in object storage), serve them through a handler that sets a safe `Content-Type`, `Content-Disposition: attachment` and `X-Content-Type-Options: nosniff` (ideally from a separate domain), allow-list the extensions and generate the file names.',
  },
  queries: { js: '', python: '', java: '', csharp: '', go: '', php: '', ruby: '' },
  finish(ctx) {
    if (ctx.file.syntax !== 'js' && ctx.file.syntax !== 'python') return reportJvm(ctx);
    const served = ctx.file.syntax === 'js' ? servedDirsJs(ctx) : pyServed(ctx);
    if (served.length === 0) return;
    const dests = ctx.file.syntax === 'js' ? jsDests(ctx) : pyDests(ctx);
    const active = ACTIVE_TYPES.test(ctx.file.text);
    for (const d of dests) {
      if (d.restricted && !active) continue;
      const s = served.find((x) => isInside(d.dir, x.dir));
      if (!s) continue;
      const appInFile = s.node.id !== ctx.root.id;
      const show = (p: string) => p.replace(/\/$/, '') || '.';
      ctx.report({
        node: d.node,
        message: `Uploads are stored in \`${show(d.dir)}\` (${d.how}), inside \`${show(s.dir)}\` which ${s.label} serves to everyone: an uploaded HTML, SVG or script file is served back from this origin${d.clientNamed ? ', under the name the client chose' : d.keepsExtension ? ', with the extension the client chose' : ''}.${d.extensionless ? ' (multer `dest` stores names without an extension, which lowers the risk.)' : ''}`,
        severity: d.clientNamed && !d.restricted ? 'error' : 'warning',
        confidence: inTests(ctx, d.extensionless || !appInFile ? 'medium' : 'high', 'low'),
        related: appInFile ? [{ node: s.node, message: `${s.label} serves \`${show(s.dir)}\` here.` }] : [],
        fingerprintKey: `${d.how} ${d.dir} ${s.dir}`,
      });
    }
  },
};
