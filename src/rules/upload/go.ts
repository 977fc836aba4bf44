/**
 * Go uploads: `r.FormFile` / `r.ParseMultipartForm` / `r.MultipartForm.File` (net/http), `c.FormFile` /
 * `c.MultipartForm()` / `c.SaveUploadedFile` (gin, echo, fiber), and `archive/zip` / `archive/tar` extraction.
 *
 * The upload rules' Go checks live here: a missing `http.MaxBytesReader` (ParseMultipartForm's argument only caps
 * the memory it uses: the rest of the body is spooled to temporary files without a limit), `header.Filename` in a
 * saved path, no extension allow-list or content sniffing, and archive entry names joined into paths unchecked.
 * Like the other upload checks they lean towards seeing a control (a missed finding) rather than a false alarm.
 */
import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext } from '../../core/rule';
import { walk } from '../../core/syntax';
import { formatBytes, hasTypeCheck, inTests } from './shared';

type Edit = FixInput['edits'][number];

interface GoUpload {
  /** The call that reads the upload: `r.FormFile("f")`, `c.FormFile("f")`, `r.ParseMultipartForm(n)`, `c.MultipartForm()`. */
  call: Node;
  method: string;
  /** The handler the call is in. */
  fn: Node;
}

const UPLOAD_METHODS = /^(FormFile|ParseMultipartForm|MultipartForm|MultipartReader)$/;
/** Calls and idioms that bound the request body. */
const BODY_LIMIT = /\bMaxBytesReader\(|\bLimitReader\(|\bBodyLimit\b|\bRequestSizeLimiter\(|\bMaxRequestBodySize\b|\bContentLength\s*>|\.Size\s*>|\bCopyN\(/;
/** Whole-file hints of a body limit set by a middleware or the server. */
const FILE_BODY_LIMIT = /\bBodyLimit\b|\bRequestSizeLimiter\(|\bMaxRequestBodySize\b|\bMaxBytesHandler\(/;
/** Calls that create, open or move a file at a path (the path argument's index). */
const PATH_SINKS: [RegExp, number][] = [
  [/^os\.(Create|Mkdir|MkdirAll|Remove|RemoveAll)$/, 0],
  [/^os\.(OpenFile|WriteFile)$|^ioutil\.WriteFile$/, 0],
  [/^os\.Rename$/, 1],
  [/(^|\.)SaveUploadedFile$/, 1],
  [/(^|\.)SaveFile$/, 1],
];
const NAME_SANITIZERS = /^(filepath|path)\.Base$|(^|\.)(Sanitize\w*|sanitize\w*|SafeName|safeName|SafeFilename|safeFilename|NewString|NewV4|NewRandom|New|EncodeToString|Itoa|FormatInt)$/;
/** Explicit checks of an archive entry's name: prefix against the cleaned destination, IsLocal, `..` rejection, securejoin. */
const ENTRY_CHECK = /\bHasPrefix\(|\bfilepath\.IsLocal\(|\bfilepath\.Rel\(|\bContains\([^)]*"\.\."|\bSecureJoin\(|\bsecurejoin\.|\bValidPath\(|\bfs\.ValidPath\(|\bzipslip/i;

function named(node: Node | null | undefined): Node[] {
  return node ? node.namedChildren.filter((c): c is Node => c !== null) : [];
}

function functionOf(ctx: RuleContext, node: Node): Node | undefined {
  const scope = ctx.flow.scopeOf(node);
  return ctx.syntax.isFunction(scope) ? scope : undefined;
}

function calls(ctx: RuleContext): Node[] {
  const key = 'go-upload-calls';
  let out = ctx.state.get(key) as Node[] | undefined;
  if (!out) {
    out = ctx.root.descendantsOfType('call_expression').filter((c): c is Node => c !== null);
    ctx.state.set(key, out);
  }
  return out;
}

function methodOf(ctx: RuleContext, call: Node): string {
  const e = ctx.syntax.expr(call);
  return e.kind === 'call' ? e.name : '';
}

/** Upload reads in handlers (functions), at most one per method and handler. */
export function uploads(ctx: RuleContext): GoUpload[] {
  const out: GoUpload[] = [];
  for (const call of calls(ctx)) {
    const method = methodOf(ctx, call);
    if (!UPLOAD_METHODS.test(method)) continue;
    const e = ctx.syntax.expr(call);
    if (e.kind !== 'call' || !e.receiver) continue;
    // multipart.NewReader / mime packages, not a request.
    if (/^(multipart|mime|textproto)$/.test(e.receiver.text)) continue;
    if (method === 'FormFile' && e.args.length !== 1) continue;
    const fn = functionOf(ctx, call);
    if (!fn) continue;
    out.push({ call, method, fn });
  }
  return out;
}

/** The request parameter of a net/http handler (`w http.ResponseWriter, r *http.Request`) or a gin/echo context. */
function handlerParams(fn: Node): { writer?: string; request?: string; context?: string; framework?: string } {
  const params = fn.childForFieldName('parameters');
  const out: { writer?: string; request?: string; context?: string; framework?: string } = {};
  for (const p of named(params)) {
    const type = p.childForFieldName('type')?.text.replace(/\s+/g, '') ?? '';
    const name = p.childForFieldName('name')?.text;
    if (!name) continue;
    if (type === 'http.ResponseWriter') out.writer = name;
    else if (type === '*http.Request') out.request = name;
    else if (type === '*gin.Context') out.context = name;
    else if (/^(echo\.Context|\*fiber\.Ctx|fiber\.Ctx|\*fasthttp\.RequestCtx|\*macaron\.Context|\*beego\.Controller)$/.test(type)) out.framework = name;
  }
  return out;
}

/**
 * A request handler: `(w http.ResponseWriter, r *http.Request)` or a framework's request context. A function that
 * only takes the request (a binder, a token extractor) is a helper whose callers decide the limit.
 */
export function isHandler(fn: Node): boolean {
  const p = handlerParams(fn);
  return !!((p.writer && p.request) || p.context || p.framework);
}

function firstStatement(fn: Node): Node | undefined {
  const body = fn.childForFieldName('body');
  // Comments on top of the first statement stay with it: insert before them.
  const first = named(body)[0];
  return first?.type === 'statement_list' ? named(first)[0] : first;
}

function indentOf(text: string, node: Node): string {
  const lineStart = text.lastIndexOf('\n', node.startIndex - 1) + 1;
  return text.slice(lineStart, node.startIndex).match(/^[ \t]*/)?.[0] ?? '';
}

/** An `import "pkg"` edit, unless the file imports it already. */
export function goImportEdit(ctx: RuleContext, pkg: string): Edit[] {
  if (named(ctx.root).some((n) => n.type === 'import_declaration' && n.text.includes(`"${pkg}"`))) return [];
  const list = ctx.root.descendantsOfType('import_spec_list')[0];
  if (list) return [{ start: list.startIndex + 1, end: list.startIndex + 1, newText: `\n\t"${pkg}"` }];
  const single = named(ctx.root).find((n) => n.type === 'import_declaration');
  if (single) return [{ start: single.endIndex, end: single.endIndex, newText: `\nimport "${pkg}"` }];
  const pkgClause = named(ctx.root).find((n) => n.type === 'package_clause');
  return pkgClause ? [{ start: pkgClause.endIndex, end: pkgClause.endIndex, newText: `\n\nimport "${pkg}"` }] : [];
}

/** Integer value of a constant expression: `10 << 20`, `32 * 1024 * 1024`, a named constant. */
function goNumber(ctx: RuleContext, node: Node | undefined, depth = 0): number | undefined {
  if (!node || depth > 6) return undefined;
  if (node.type === 'int_literal') {
    const v = Number(node.text.replace(/_/g, ''));
    return Number.isFinite(v) ? v : undefined;
  }
  if (node.type === 'parenthesized_expression') return goNumber(ctx, named(node)[0], depth + 1);
  if (node.type === 'binary_expression') {
    const l = goNumber(ctx, node.childForFieldName('left') ?? undefined, depth + 1);
    const r = goNumber(ctx, node.childForFieldName('right') ?? undefined, depth + 1);
    if (l === undefined || r === undefined) return undefined;
    switch (node.childForFieldName('operator')?.text) {
      case '<<': return l * 2 ** r;
      case '*': return l * r;
      case '+': return l + r;
      case '-': return l - r;
      default: return undefined;
    }
  }
  if (node.type === 'identifier') {
    const def = ctx.flow.definitionOf(node.text, node);
    return def?.value && def.value.id !== node.id ? goNumber(ctx, def.value, depth + 1) : undefined;
  }
  if (node.type === 'call_expression' && /^(int64|int|uint64)$/.test(node.childForFieldName('function')?.text ?? '')) return goNumber(ctx, ctx.syntax.args(node)[0], depth + 1);
  return undefined;
}

// ── upload/no-size-limit ─────────────────────────────────────────────────────────────────────────────────────

export function goNoSizeLimit(ctx: RuleContext, threshold: number): void {
  const all = uploads(ctx);
  const handlers = new Set(all.map((u) => u.fn.id));
  // A middleware of this file that wraps bodies in MaxBytesReader (a function that reads no upload itself).
  const middleware = calls(ctx).some((c) => /^http\.MaxBytesReader$/.test(ctx.flow.resolvedPath(c)) && !handlers.has(functionOf(ctx, c)?.id ?? -1));
  const fileLimited = middleware || FILE_BODY_LIMIT.test(ctx.file.text);
  const seen = new Set<number>();
  for (const u of all) {
    if (u.method === 'ParseMultipartForm') {
      const n = goNumber(ctx, ctx.syntax.args(u.call)[0]);
      // Go's own default (FormFile) keeps 32 MB in memory: only more than that, and more than the project's limit.
      if (n !== undefined && n > Math.max(threshold, 32 * 1024 * 1024)) {
        ctx.report({
          node: u.call,
          message: `\`ParseMultipartForm\` keeps up to ${formatBytes(n)} of each request in memory, above the ${formatBytes(threshold)} this project considers safe.`,
          severity: 'warning',
          confidence: inTests(ctx, 'high', 'low'),
          fingerprintKey: 'ParseMultipartForm memory',
        });
      }
    }
    if (seen.has(u.fn.id)) continue;
    seen.add(u.fn.id);
    // A framework's own helpers (gin's `(c *Context) FormFile`) are not handlers: the application decides the limit.
    if (!isHandler(u.fn) || fileLimited || BODY_LIMIT.test(u.fn.text)) continue;
    const p = handlerParams(u.fn);
    const first = firstStatement(u.fn);
    const limit = '10 << 20';
    let fix: FixInput[] = [];
    if (first && p.writer && p.request) {
      const line = `${p.request}.Body = http.MaxBytesReader(${p.writer}, ${p.request}.Body, ${limit}) // 10 MB`;
      fix = [{ title: 'Limit the request body with http.MaxBytesReader (10 MB)', safe: true, edits: [{ start: first.startIndex, end: first.startIndex, newText: `${line}\n${indentOf(ctx.file.text, first)}` }, ...goImportEdit(ctx, 'net/http')] }];
    } else if (first && p.context) {
      const c = p.context;
      const line = `${c}.Request.Body = http.MaxBytesReader(${c}.Writer, ${c}.Request.Body, ${limit}) // 10 MB`;
      fix = [{ title: 'Limit the request body with http.MaxBytesReader (10 MB)', safe: true, edits: [{ start: first.startIndex, end: first.startIndex, newText: `${line}\n${indentOf(ctx.file.text, first)}` }, ...goImportEdit(ctx, 'net/http')] }];
    }
    ctx.report({
      node: u.call,
      message: `This handler reads a multipart upload (\`${ctx.syntax.calleePath(u.call)}\`) without \`http.MaxBytesReader\`: Go limits only the part kept in memory and spools the rest to disk, so a request of any size is accepted.`,
      severity: 'warning',
      confidence: inTests(ctx, 'medium', 'low'),
      fixes: fix,
      fingerprintKey: `${ctx.syntax.functionName(u.fn) ?? ''} MaxBytesReader`,
    });
  }
}

// ── upload/unrestricted-file-type ────────────────────────────────────────────────────────────────────────────

/** The text of a handler and of the functions of this file it calls (one level). */
export function handlerText(ctx: RuleContext, fn: Node): string {
  let text = fn.text;
  const local = new Map<string, Node>();
  for (const d of named(ctx.root)) {
    if (d.type === 'function_declaration' || d.type === 'method_declaration') {
      const name = d.childForFieldName('name')?.text;
      if (name) local.set(name, d);
    }
  }
  walk(fn, (n) => {
    if (n.type === 'call_expression') {
      const f = n.childForFieldName('function');
      const name = f?.type === 'identifier' ? f.text : f?.type === 'selector_expression' ? f.childForFieldName('field')?.text : undefined;
      const target = name ? local.get(name) : undefined;
      if (target && target.id !== fn.id) text += `\n${target.text}`;
    }
    return true;
  });
  return text;
}

export function goUnrestrictedType(ctx: RuleContext): void {
  const seen = new Set<number>();
  for (const u of uploads(ctx)) {
    if (u.method === 'ParseMultipartForm' && uploads(ctx).some((o) => o.fn.id === u.fn.id && o.method !== 'ParseMultipartForm')) continue;
    if (seen.has(u.fn.id) || !isHandler(u.fn)) continue;
    seen.add(u.fn.id);
    // Only handlers that keep the file: write it, copy it, save it or hand it to storage.
    if (!/\b(os\.Create|os\.OpenFile|os\.WriteFile|ioutil\.WriteFile|io\.Copy|SaveUploadedFile|SaveFile|PutObject|Upload\(|WriteFile\()/.test(u.fn.text)) continue;
    if (hasTypeCheck(handlerText(ctx, u.fn), 'go')) continue;
    ctx.report({
      node: u.call,
      message: `The uploaded file (\`${ctx.syntax.calleePath(u.call)}\`) is stored without checking its extension against an allow-list or its content with \`http.DetectContentType\`.`,
      confidence: inTests(ctx, 'high', 'low'),
      fingerprintKey: `${ctx.syntax.functionName(u.fn) ?? ''} type`,
    });
  }
}

// ── upload/client-filename-in-path ───────────────────────────────────────────────────────────────────────────

/** Names bound to multipart file headers in a function: `_, header, err := r.FormFile(…)`, `fh, _ := c.FormFile(…)`, `for _, fh := range form.File["f"]`. */
function headerNames(ctx: RuleContext, fn: Node): Set<string> {
  const out = new Set<string>();
  walk(fn, (n) => {
    if (n.type === 'short_var_declaration' || n.type === 'assignment_statement') {
      const right = named(n.childForFieldName('right'));
      const left = named(n.childForFieldName('left'));
      if (right.length === 1 && right[0].type === 'call_expression' && methodOf(ctx, right[0]) === 'FormFile') {
        // net/http: (file, header, err); gin / echo / fiber: (header, err).
        const target = left.length === 3 ? left[1] : left.length === 2 ? left[0] : undefined;
        if (target?.type === 'identifier' && target.text !== '_') out.add(target.text);
      }
    } else if (n.type === 'range_clause') {
      const right = n.childForFieldName('right');
      const left = named(n.childForFieldName('left'));
      if (right && /\.File(\[|$)|\.File\["/.test(right.text) && left[1]?.type === 'identifier') out.add(left[1].text);
      // for _, headers := range form.File { for _, fh := range headers { … } }
      if (right?.type === 'identifier' && left[1]?.type === 'identifier') {
        const def = ctx.flow.definitionOf(right.text, right);
        if (def?.value && /\.File$/.test(def.value.text)) out.add(left[1].text);
      }
    }
    return true;
  });
  return out;
}

interface NameFlow {
  /** Where the client's name is read. */
  origin: Node;
  /** The call that uses it as a path. */
  sink: Node;
}

export function sinkIndex(ctx: RuleContext, call: Node): number | undefined {
  const path = ctx.flow.resolvedPath(call);
  return PATH_SINKS.find(([re]) => re.test(path))?.[1];
}

/**
 * Follows an expression holding a client-chosen name up through string building, `filepath.Join`, `fmt.Sprintf`
 * and local variables to a call that creates or moves a file at that path. Sanitizers (`filepath.Base`, a UUID)
 * end the search.
 */
function followName(ctx: RuleContext, start: Node, fn: Node, depth = 0): Node | undefined {
  if (depth > 3) return undefined;
  let n = start;
  for (let i = 0; i < 10; i++) {
    const p = n.parent;
    if (!p || p.id === fn.id) return undefined;
    switch (p.type) {
      case 'binary_expression':
      case 'parenthesized_expression':
      case 'expression_list':
        if (p.type === 'expression_list' && p.parent && /^(short_var_declaration|assignment_statement)$/.test(p.parent.type)) {
          const decl = p.parent;
          if (decl.childForFieldName('right')?.id !== p.id) return undefined;
          const values = named(p);
          const targets = named(decl.childForFieldName('left'));
          const target = targets[values.findIndex((v) => v.id === n.id)];
          if (target?.type !== 'identifier') return undefined;
          return laterUses(ctx, target.text, decl, fn, depth);
        }
        if (p.type === 'expression_list') return undefined;
        n = p;
        continue;
      case 'argument_list': {
        const call = p.parent;
        if (!call) return undefined;
        const path = ctx.flow.resolvedPath(call);
        if (NAME_SANITIZERS.test(path)) return undefined;
        const index = sinkIndex(ctx, call);
        if (index !== undefined) return ctx.syntax.args(call)[index]?.id === n.id ? call : undefined;
        if (/^(filepath\.Join|path\.Join|fmt\.Sprintf|strings\.Join|strings\.ToLower|strings\.TrimSpace|strings\.ReplaceAll|filepath\.Clean|path\.Clean)$/.test(path)) {
          n = call;
          continue;
        }
        return undefined;
      }
      case 'short_var_declaration':
      case 'assignment_statement':
        return undefined;
      default:
        return undefined;
    }
  }
  return undefined;
}

function laterUses(ctx: RuleContext, name: string, decl: Node, fn: Node, depth: number): Node | undefined {
  let found: Node | undefined;
  walk(fn, (n) => {
    if (found) return false;
    if (n.endIndex <= decl.endIndex) return n.startIndex < decl.endIndex && n.endIndex > decl.endIndex;
    if (n.type === 'identifier' && n.text === name && n.startIndex >= decl.endIndex) {
      found = followName(ctx, n, fn, depth + 1);
      return false;
    }
    return true;
  });
  return found;
}

export function goClientFilename(ctx: RuleContext): void {
  const fns = new Map<number, Node>();
  for (const u of uploads(ctx)) fns.set(u.fn.id, u.fn);
  for (const fn of fns.values()) {
    const headers = headerNames(ctx, fn);
    if (headers.size === 0) continue;
    const hits: NameFlow[] = [];
    walk(fn, (n) => {
      if (n.type === 'selector_expression' && n.childForFieldName('field')?.text === 'Filename') {
        const operand = n.childForFieldName('operand');
        if (operand?.type === 'identifier' && headers.has(operand.text)) {
          const sink = followName(ctx, n, fn);
          if (sink) hits.push({ origin: n, sink });
        }
      }
      return true;
    });
    for (const h of hits) {
      const fix: FixInput = {
        title: 'Keep only the base name (filepath.Base), or better, generate the name',
        safe: false,
        edits: [{ start: h.origin.startIndex, end: h.origin.endIndex, newText: `filepath.Base(${h.origin.text})` }, ...goImportEdit(ctx, 'path/filepath')],
      };
      ctx.report({
        node: h.origin,
        message: `The client's file name (\`${h.origin.text}\`) is used in the path given to \`${ctx.syntax.calleePath(h.sink)}\`: a name such as \`../../app/config.yaml\` writes outside the upload folder (filepath.Join does not stop \`..\`).`,
        severity: 'error',
        confidence: inTests(ctx, 'high', 'low'),
        related: [{ node: h.sink, message: 'The file is created or moved here.' }],
        fixes: [fix],
        fingerprintKey: `${h.origin.text} ${ctx.syntax.calleePath(h.sink)}`,
      });
    }
  }
}

// ── upload/archive-extraction ────────────────────────────────────────────────────────────────────────────────

export function goArchiveExtraction(ctx: RuleContext): void {
  for (const call of calls(ctx)) {
    const path = ctx.flow.resolvedPath(call);
    const zip = /^zip\.(OpenReader|NewReader)$/.test(path);
    const tar = /^tar\.NewReader$/.test(path);
    if (!zip && !tar) continue;
    const fn = functionOf(ctx, call);
    if (!fn) continue;
    // Entry names: `f.Name` in `for _, f := range r.File`, `hdr.Name` from `hdr, err := tr.Next()`.
    const entries = new Set<string>();
    walk(fn, (n) => {
      if (zip && n.type === 'range_clause' && /\.File$/.test(n.childForFieldName('right')?.text ?? '')) {
        const v = named(n.childForFieldName('left'))[1];
        if (v?.type === 'identifier') entries.add(v.text);
      }
      if (tar && (n.type === 'short_var_declaration' || n.type === 'assignment_statement')) {
        const right = named(n.childForFieldName('right'))[0];
        const left = named(n.childForFieldName('left'))[0];
        if (right?.type === 'call_expression' && methodOf(ctx, right) === 'Next' && left?.type === 'identifier') entries.add(left.text);
      }
      return true;
    });
    if (entries.size === 0) continue;
    if (ENTRY_CHECK.test(handlerText(ctx, fn))) continue;
    let reported = false;
    walk(fn, (n) => {
      if (reported) return false;
      if (n.type === 'selector_expression' && n.childForFieldName('field')?.text === 'Name') {
        const operand = n.childForFieldName('operand');
        if (operand?.type === 'identifier' && entries.has(operand.text)) {
          const sink = followName(ctx, n, fn);
          if (sink) {
            reported = true;
            // Skip entries whose name is not a local path (`..`, absolute): before the statement, inside the loop.
            let stmt: Node = n;
            while (stmt.parent && stmt.parent.type !== 'statement_list' && stmt.parent.id !== fn.id) stmt = stmt.parent;
            let loop: Node | null = stmt.parent;
            while (loop && loop.id !== fn.id && loop.type !== 'for_statement') loop = loop.parent;
            const indent = indentOf(ctx.file.text, stmt);
            const fixes: FixInput[] = loop?.type === 'for_statement' && stmt.parent?.type === 'statement_list'
              ? [{ title: 'Skip entries whose name leaves the destination (filepath.IsLocal, Go 1.20+)', safe: false, edits: [{ start: stmt.startIndex, end: stmt.startIndex, newText: `if !filepath.IsLocal(${n.text}) {\n${indent}\tcontinue\n${indent}}\n${indent}` }, ...goImportEdit(ctx, 'path/filepath')] }]
              : [];
            ctx.report({
              node: n,
              message: `The ${zip ? 'zip' : 'tar'} entry name \`${n.text}\` is used in the path given to \`${ctx.syntax.calleePath(sink)}\` without checking it stays inside the destination: an entry named \`../../x\` is written anywhere (Zip Slip).`,
              severity: 'error',
              confidence: inTests(ctx, 'high', 'low'),
              related: [{ node: sink, message: 'The entry is written here.' }],
              fixes,
              fingerprintKey: `${zip ? 'zip' : 'tar'} ${n.text}`,
            });
          }
        }
      }
      return true;
    });
  }
}
