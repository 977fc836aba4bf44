/**
 * `upload/served-upload-dir` on Go, PHP and Ruby.
 *
 * Go: the folders this file serves (`http.FileServer(http.Dir("./uploads"))`, gin / echo / fiber
 * `router.Static("/p", "./public")`, echo's `middleware.Static`) compared with the folder an upload handler writes to
 * (`os.Create`, `os.OpenFile`, `os.WriteFile`, `os.Rename`, `c.SaveUploadedFile`, `c.SaveFile`).
 * PHP: `move_uploaded_file` / Laravel `->move()` into the document root (`$_SERVER['DOCUMENT_ROOT']`, `public_path()`,
 * the script's own folder in a plain script: `__DIR__ . '/uploads/'` or a relative path), Laravel `store` / `storeAs`
 * on the `public` disk.
 * Ruby: uploads written under Rails' `public/` folder, CarrierWave uploaders with `storage :file` (stored under
 * `public/uploads` by default).
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import { walk } from '../../core/syntax';
import { handlerText, isHandler, sinkIndex, uploads as goUploads } from './go';
import { formRequest, scopeText as phpScopeText, stores as phpStores } from './php';
import type { ServedWrite } from './served-jvm';
import { fileDir, hasTypeCheck, isInside, normalisePath } from './shared';

interface Value {
  path: string;
  complete: boolean;
}

const UNKNOWN: Value = { path: '', complete: false };

function named(node: Node | null | undefined): Node[] {
  return node ? node.namedChildren.filter((c): c is Node => c !== null) : [];
}

/** The expression and the values of the local names in it (a few levels deep), for text tests. */
function partsText(ctx: RuleContext, expr: Node, strip: RegExp, depth = 0, seen = new Set<number>()): string {
  if (depth > 4 || seen.has(expr.id)) return '';
  seen.add(expr.id);
  let text = expr.text;
  walk(expr, (n) => {
    if (n.type !== 'identifier' && n.type !== 'variable_name') return true;
    const def = ctx.flow.definitionOf(n.text.replace(strip, ''), n);
    if (def?.value && !def.param) text += `\n${partsText(ctx, def.value, strip, depth + 1, seen)}`;
    return false;
  });
  return text;
}

// ── Go ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** A Go path expression as far as it is static: literals, `filepath.Join`, `+`, `fmt.Sprintf`, local names. */
function goValue(ctx: RuleContext, node: Node | undefined, depth = 0): Value {
  if (!node || depth > 6) return UNKNOWN;
  const s = ctx.syntax.stringValue(node);
  if (s !== undefined) return { path: normalisePath(s), complete: true };
  switch (node.type) {
    case 'parenthesized_expression':
      return goValue(ctx, named(node)[0], depth + 1);
    case 'identifier': {
      const def = ctx.flow.definitionOf(node.text, node);
      return def?.value && !def.param ? goValue(ctx, def.value, depth + 1) : UNKNOWN;
    }
    case 'binary_expression': {
      if (node.childForFieldName('operator')?.text !== '+') return UNKNOWN;
      const left = goValue(ctx, node.childForFieldName('left') ?? undefined, depth + 1);
      if (!left.complete) return left;
      const right = goValue(ctx, node.childForFieldName('right') ?? undefined, depth + 1);
      return { path: normalisePath(left.path + right.path) + (right.path === '' && left.path.endsWith('/') ? '/' : ''), complete: right.complete };
    }
    case 'call_expression': {
      const path = ctx.flow.resolvedPath(node);
      const args = ctx.syntax.args(node);
      if (/^(filepath|path)\.Join$/.test(path)) {
        let out = '';
        for (const a of args) {
          const v = goValue(ctx, a, depth + 1);
          if (out !== '' && !out.endsWith('/')) out += '/';
          out += v.path;
          if (!v.complete) return { path: normalisePath(out) + (out.endsWith('/') ? '/' : ''), complete: false };
        }
        return { path: normalisePath(out), complete: true };
      }
      if (/^fmt\.Sprintf$/.test(path) && args[0]) {
        const f = ctx.syntax.stringValue(args[0]);
        if (f === undefined) return UNKNOWN;
        const i = f.indexOf('%');
        return i < 0 ? { path: normalisePath(f), complete: true } : { path: f.slice(0, i), complete: false };
      }
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

interface GoServed {
  node: Node;
  dir: string;
  label: string;
}

function goServedDirs(ctx: RuleContext): GoServed[] {
  const out: GoServed[] = [];
  for (const call of ctx.root.descendantsOfType('call_expression')) {
    if (!call) continue;
    const path = ctx.flow.resolvedPath(call);
    const args = ctx.syntax.args(call);
    let dir: Node | undefined;
    let label = '';
    if (/^http\.Dir$/.test(path)) {
      dir = args[0];
      label = '`http.FileServer(http.Dir(…))`';
    } else if (/^middleware\.Static$/.test(path)) {
      dir = args[0];
      label = "echo's `middleware.Static`";
    } else if (/\.Static$/.test(path) && args.length >= 2 && !/^(http|middleware)\./.test(path)) {
      dir = args[1];
      label = `\`${ctx.syntax.calleePath(call)}\``;
    }
    if (!dir) continue;
    const v = goValue(ctx, dir);
    if (v.complete && v.path !== '/') out.push({ node: call, dir: v.path, label });
  }
  return out;
}

const GO_WRITE = /^os\.(Create|OpenFile|WriteFile|Rename)$|^ioutil\.WriteFile$|(^|\.)(SaveUploadedFile|SaveFile)$/;

export function goServedWrites(ctx: RuleContext): ServedWrite[] {
  const served = goServedDirs(ctx);
  if (served.length === 0) return [];
  const handlers = new Set(goUploads(ctx).map((u) => u.fn.id));
  const out: ServedWrite[] = [];
  for (const call of ctx.root.descendantsOfType('call_expression')) {
    if (!call || !GO_WRITE.test(ctx.flow.resolvedPath(call))) continue;
    const index = sinkIndex(ctx, call);
    const dest = index !== undefined ? ctx.syntax.args(call)[index] : undefined;
    const scope = ctx.flow.scopeOf(call);
    if (!dest || !ctx.syntax.isFunction(scope)) continue;
    if (!handlers.has(scope.id) && !(/(SaveUploadedFile|SaveFile)$/.test(ctx.flow.resolvedPath(call)) && isHandler(scope))) continue;
    const dir = fileDir(goValue(ctx, dest));
    if (dir === undefined) continue;
    const s = served.find((x) => isInside(dir, x.dir));
    if (!s) continue;
    const text = partsText(ctx, dest, /^$/);
    out.push({
      node: call,
      label: `${s.label} (\`${s.dir}\`)`,
      origin: s.node,
      originMessage: `\`${s.dir}\` is served here.`,
      clientNamed: /\.Filename\b/.test(text) && !/uuid|\bNew(V4|String|Random)\(|EncodeToString|rand\./i.test(text),
      restricted: hasTypeCheck(handlerText(ctx, scope), 'go'),
      confidence: 'high',
    });
  }
  return out;
}

// ── PHP ─────────────────────────────────────────────────────────────────────────────────────────────────────

interface Marker {
  test: RegExp;
  label: string;
  confidence: 'high' | 'medium';
}

const PHP_MARKERS: readonly Marker[] = [
  { test: /\$_SERVER\s*\[\s*['"]DOCUMENT_ROOT['"]\s*\]/, label: 'the web server (`$_SERVER[\'DOCUMENT_ROOT\']`, the document root)', confidence: 'high' },
  { test: /\bpublic_path\s*\(/, label: 'Laravel (`public_path()`, the web root)', confidence: 'high' },
  { test: /['"]\/var\/www\/html\b|\/public_html\b|\/htdocs\b|\/wwwroot\b/, label: 'the web server (its document root)', confidence: 'medium' },
];

const PHP_GENERATED = /\buniqid\(|\brandom_bytes\(|Str::(random|uuid|ulid)\(|->hashName\(|\bmd5\(|\bsha1\(|\bhash\(|\bbin2hex\(|\btime\(\)/;
const PHP_CLIENT = /\[\s*['"]name['"]\s*\]|->getClientOriginalName\(\)/;

/** The leftmost static piece of a PHP path expression (`'uploads/' . $name`, `"uploads/$name"`, `$dir . $name`). */
function phpHead(ctx: RuleContext, node: Node | undefined, depth = 0): Node | undefined {
  if (!node || depth > 5) return undefined;
  switch (node.type) {
    case 'binary_expression':
      return node.childForFieldName('operator')?.text === '.' ? phpHead(ctx, node.childForFieldName('left') ?? undefined, depth + 1) : undefined;
    case 'parenthesized_expression':
      return phpHead(ctx, named(node)[0], depth + 1);
    case 'variable_name': {
      const def = ctx.flow.definitionOf(node.text.replace(/^\$/, ''), node);
      return def?.value && !def.param ? phpHead(ctx, def.value, depth + 1) : node;
    }
    default:
      return node;
  }
}

/** The script's own folder: `__DIR__`, `dirname(__FILE__)` or a relative path, in a plain script (no namespace). */
function phpScriptFolder(ctx: RuleContext, dest: Node): string | undefined {
  if (/^\s*namespace\s/m.test(ctx.file.text)) return undefined;
  const head = phpHead(ctx, dest);
  if (!head) return undefined;
  if (/^(__DIR__|dirname\(\s*__FILE__\s*\))$/.test(head.text.replace(/\s+/g, ''))) {
    const next = head.parent?.type === 'binary_expression' ? head.parent.childForFieldName('right') : undefined;
    const rest = next ? ctx.syntax.stringValue(next) ?? (next.type === 'encapsed_string' ? next.text.slice(1) : '') : '';
    return /^\/?\.\./.test(rest) ? undefined : 'the web server (the folder of this plain script, `__DIR__`, which it serves)';
  }
  let s = ctx.syntax.stringValue(head);
  if (s === undefined && head.type === 'encapsed_string') s = named(head)[0]?.type === 'string_content' || named(head)[0]?.type === 'string_value' ? named(head)[0].text : undefined;
  const relative = s !== undefined && s !== '' && !/^(\/|\.\.|[a-z]+:\/\/|[A-Za-z]:)/.test(s) && /\//.test(s);
  return relative ? 'the web server (the folder of this plain script, which it serves: the relative path resolves against it)' : undefined;
}

/** A Laravel `store` / `storeAs` call's disk: the last string argument or the `'disk' => …` option. */
function laravelDisk(ctx: RuleContext, call: Node, method: string): string | undefined {
  const args = ctx.syntax.args(call);
  const at = method === 'store' || method === 'storePublicly' ? 1 : 2;
  const a = args[at];
  if (!a) return undefined;
  const s = ctx.syntax.stringValue(a);
  if (s !== undefined) return s;
  const m = /['"]disk['"]\s*=>\s*['"](\w+)['"]/.exec(a.text);
  return m?.[1];
}

export function phpServedWrites(ctx: RuleContext): ServedWrite[] {
  const out: ServedWrite[] = [];
  for (const s of phpStores(ctx)) {
    const e = ctx.syntax.expr(s.call);
    const method = e.kind === 'call' ? e.name : '';
    const args = ctx.syntax.args(s.call);
    const scopeText = phpScopeText(ctx, s.scope);
    const restricted = hasTypeCheck(scopeText, 'php') || (s.laravel && formRequest(s.scope));
    let label: string | undefined;
    let confidence: 'high' | 'medium' = 'high';
    let origin: Node | undefined;
    let text = '';
    if (s.laravel && /^(store|storeAs|storePublicly|storePubliclyAs)$/.test(method)) {
      if (laravelDisk(ctx, s.call, method) !== 'public') continue;
      label = "the web server (Laravel's `public` disk, `storage/app/public`, which `storage:link` links into `public/storage`)";
      text = method.startsWith('storeAs') || method === 'storePubliclyAs' ? partsText(ctx, args[1] ?? s.call, /^\$/) : '';
    } else {
      const dest = s.laravel ? args[0] : args[1];
      if (!dest) continue;
      text = partsText(ctx, dest, /^\$/);
      if (s.laravel && args[1]) text += `\n${partsText(ctx, args[1], /^\$/)}`;
      const marker = PHP_MARKERS.find((m) => m.test.test(text));
      if (marker) {
        label = marker.label;
        confidence = marker.confidence;
      } else {
        label = s.laravel ? undefined : phpScriptFolder(ctx, dest);
        if (!label) continue;
        confidence = 'medium';
      }
      const head = phpHead(ctx, dest);
      if (head && (head.startIndex < s.call.startIndex || head.endIndex > s.call.endIndex)) origin = head;
    }
    out.push({
      node: s.call,
      label,
      origin,
      clientNamed: PHP_CLIENT.test(text) && !PHP_GENERATED.test(text),
      restricted,
      confidence,
    });
  }
  return out;
}

// ── Ruby ────────────────────────────────────────────────────────────────────────────────────────────────────

const RUBY_WRITE: [RegExp, number][] = [
  [/^(File\.(open|write|binwrite|new)|IO\.(write|binwrite))$/, 0],
  [/^(FileUtils\.(mv|cp|move|copy|copy_file)|IO\.copy_stream)$/, 1],
];
/** Rails serves `public/` (its static file server in development, the web server in front of it in production). */
const RUBY_PUBLIC = /Rails\.root\.join\(\s*['"]public['"/]|Rails\.public_path\b|Rails\.root\.to_s\s*\+\s*['"]\/public\b|#\{Rails\.root\}\/public\b|^['"]public\/|File\.join\(\s*['"]public['"]/;
/** The method handles an upload: the client's name, the uploaded temp file, or a request parameter that is read. */
const RUBY_UPLOAD = /\.original_filename\b|\.tempfile\b|UploadedFile|params\[[^\]]+\]\.(read|path)\b|=\s*params\[[^\]]+\][\s\S]*\.read\b/;
const RUBY_TYPE_CHECK = /content_type|\bextension\b|\bmime\b|Marcel|MimeMagic|FastImage|\bimage\?|\b(ALLOWED|allowed)_?\w*\.include\?/;
const CW_TYPE_CHECK = /\b(extension_allowlist|extension_whitelist|content_type_allowlist|content_type_whitelist)\b/;

function rubyMethodOf(node: Node): Node | undefined {
  let n: Node | null = node.parent;
  while (n && n.type !== 'method' && n.type !== 'singleton_method') n = n.parent;
  return n ?? undefined;
}

export function rubyServedWrites(ctx: RuleContext): ServedWrite[] {
  const out: ServedWrite[] = [];
  walk(ctx.root, (n) => {
    if (n.type === 'class') {
      const sup = n.childForFieldName('superclass')?.text.replace(/^<\s*/, '') ?? '';
      const name = n.childForFieldName('name');
      // CarrierWave stores under `<root>/<store_dir>`, root `public/` unless the uploader moves it.
      if (name && /^CarrierWave::Uploader::Base$/.test(sup) && /^\s*storage\s+:file\b/m.test(n.text) && !/^\s*def\s+root\b|^\s*(self\.)?root\s*[=(]|^\s*root\s+/m.test(n.text)) {
        const storage = n.descendantsOfType('call').find((c) => c?.childForFieldName('method')?.text === 'storage') ?? n.descendantsOfType('identifier').find((c) => c?.text === 'storage');
        out.push({
          node: name,
          label: 'Rails (CarrierWave `storage :file` keeps files under `public/uploads`)',
          origin: storage ?? undefined,
          originMessage: 'Local storage: CarrierWave keeps the files under its `root`, `public/` by default.',
          clientNamed: !/^\s*def\s+filename\b/m.test(n.text),
          restricted: CW_TYPE_CHECK.test(n.text),
          confidence: 'high',
        });
      }
      return true;
    }
    if (n.type !== 'call') return true;
    const path = ctx.syntax.calleePath(n);
    const index = RUBY_WRITE.find(([re]) => re.test(path))?.[1];
    if (index === undefined) return true;
    const dest = ctx.syntax.args(n)[index];
    const method = rubyMethodOf(n);
    if (!dest || !method || !RUBY_UPLOAD.test(method.text)) return true;
    const text = partsText(ctx, dest, /^$/);
    if (!text.split('\n').some((t) => RUBY_PUBLIC.test(t.trim()))) return true;
    out.push({
      node: n,
      label: "Rails (its `public/` folder)",
      clientNamed: /\.original_filename\b/.test(text) && !/SecureRandom|\buuid\b|\bhex\b/.test(text),
      restricted: RUBY_TYPE_CHECK.test(method.text),
      confidence: 'high',
    });
    return true;
  });
  return out;
}
