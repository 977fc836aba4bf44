/**
 * The upload rules on C#: ASP.NET Core `IFormFile` (and `Request.Form.Files`), classic ASP.NET `HttpPostedFile`.
 * Upload handlers are methods that take or read an upload; the client's name is `file.FileName`; a write is
 * `file.CopyTo(stream)` / `CopyToAsync(stream)` / `SaveAs(path)`. Like the other recognisers, a check anywhere in
 * the class counts, so a missed finding is likelier than a false one.
 */
import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext } from '../../core/rule';
import { walk } from '../../core/syntax';
import { attributesOf, csharpType } from '../../languages/csharp';
import { MB, formatBytes, inTests, reportEntryNameInPath } from './shared';

const UPLOAD_TYPES = /^(IFormFile|IFormFileCollection|HttpPostedFile|HttpPostedFileBase|IBrowserFile)(\[\])?$/;
const CONTAINER = /^(List|IList|IEnumerable|ICollection|IReadOnlyList|IReadOnlyCollection)$/;
const NAME_SANITIZERS = /^(GetFileName|GetFileNameWithoutExtension|GetRandomFileName|GetExtension|NewGuid|GetTempFileName|Sanitize\w*|Clean\w*|Safe\w*|Trusted\w*)$/;
const PATH_BUILDERS = /(^|\.)(Path\.Combine|Path\.Join)$|^new (System\.IO\.)?(FileStream|FileInfo|StreamWriter)$|(^|\.)File\.(Create|OpenWrite|Open)$/;
export const CSHARP_TYPE_CHECK = /\bContentType\b|GetExtension\s*\(|\.EndsWith\s*\(|[Aa]llowed|[Pp]ermitted\w*(Extensions|Types)|IsValid\w*(File|Image|Type)|Signature|MimeType|FileExtensionContentTypeProvider/;

export interface Model {
  handlers: Node[];
  uploads: Map<number, Set<string>>;
}

const MODELS = new WeakMap<object, Model>();

function isUploadDecl(decl: Node): boolean {
  const t = decl.childForFieldName('type');
  const base = csharpType(decl) ?? '';
  if (UPLOAD_TYPES.test(base)) return true;
  const arg = t?.type === 'generic_name' ? t.namedChildren.find((c) => c?.type === 'type_argument_list')?.text.replace(/[<>\s]/g, '') ?? '' : '';
  return CONTAINER.test(base) && UPLOAD_TYPES.test(arg);
}

/** A Web Forms `FileUpload` control: declared with that type in the file, or named like one (`FileUpload1`, `fuPhoto`). */
function isFileUploadControl(ctx: RuleContext, name: string): boolean {
  if (!/^[A-Za-z_]\w*$/.test(name)) return false;
  return new RegExp(`\\bFileUpload\\s+${name}\\b`).test(ctx.file.text) || /^(\w*[Ff]ile[Uu]pload\w*|fu[A-Z]\w*)$/.test(name);
}

export function csharpUploadModel(ctx: RuleContext): Model {
  let m = MODELS.get(ctx.flow);
  if (m) return m;
  m = { handlers: [], uploads: new Map() };
  for (const method of ctx.root.descendantsOfType(['method_declaration', 'local_function_statement'])) {
    if (!method) continue;
    const names = new Set<string>();
    for (const p of method.childForFieldName('parameters')?.namedChildren ?? []) {
      if (p?.type === 'parameter' && isUploadDecl(p)) names.add(p.childForFieldName('name')?.text ?? '');
    }
    const body = method.childForFieldName('body');
    if (body) {
      walk(body, (n) => {
        if (n.type === 'foreach_statement') {
          const right = n.childForFieldName('right')?.text.replace(/\s+/g, '') ?? '';
          if (names.has(right) || /Form\.Files$/.test(right)) names.add(n.childForFieldName('left')?.text ?? '');
        } else if (n.type === 'variable_declarator') {
          const value = n.namedChildren[n.namedChildren.length - 1];
          if (value && /Form\.Files(\[|\.|$)|\.Files\[/.test(value.text.replace(/\s+/g, ''))) names.add(n.childForFieldName('name')?.text ?? '');
        } else if (n.type === 'invocation_expression') {
          // Web Forms: the `<asp:FileUpload>` control saved in its page's handler (`FileUpload1.SaveAs(…)`,
          // `FileUpload1.PostedFile.SaveAs(…)`); the control is declared in the designer file, so its name says it.
          const fn = n.childForFieldName('function');
          const control = fn?.type === 'member_access_expression' && fn.childForFieldName('name')?.text === 'SaveAs' ? fn.childForFieldName('expression')?.text.replace(/\s+/g, '').replace(/\.PostedFile$/, '') : undefined;
          if (control && isFileUploadControl(ctx, control)) names.add(control).add(`${control}.PostedFile`);
        }
        return true;
      });
    }
    names.delete('');
    if (names.size > 0) {
      m.handlers.push(method);
      m.uploads.set(method.id, names);
    }
  }
  MODELS.set(ctx.flow, m);
  return m;
}

interface NameHit {
  use: Node;
  origin: Node;
}

/** The client's file name (`file.FileName`) inside an expression, following local variables. */
function clientNameIn(ctx: RuleContext, expr: Node, uploads: Set<string>, depth = 0): NameHit | undefined {
  if (depth > 5) return undefined;
  let found: NameHit | undefined;
  walk(expr, (n) => {
    if (found) return false;
    if (n.type === 'invocation_expression') {
      const fn = n.childForFieldName('function');
      const name = fn?.type === 'member_access_expression' ? fn.childForFieldName('name')?.text : fn?.text;
      return !NAME_SANITIZERS.test(name ?? '');
    }
    if (n.type === 'member_access_expression') {
      const object = n.childForFieldName('expression');
      if (n.childForFieldName('name')?.text === 'FileName' && object && (uploads.has(object.text) || /ContentDisposition/.test(object.text))) {
        found = { use: n, origin: n };
        return false;
      }
      return true;
    }
    if (n.type === 'identifier') {
      const p = n.parent;
      if (p?.type === 'member_access_expression' && p.childForFieldName('name')?.id === n.id) return false;
      const def = ctx.flow.definitionOf(n.text, n);
      if (def?.value && !def.param && !ctx.syntax.isFunction(def.value) && def.value.id !== expr.id) {
        const inner = clientNameIn(ctx, def.value, uploads, depth + 1);
        if (inner) found = { use: n, origin: inner.origin };
      }
      return false;
    }
    return true;
  });
  return found;
}

/** The writes of an upload in a handler: `file.CopyTo(stream)`, `CopyToAsync(stream)`, `SaveAs(path)`. */
export function csharpUploadWrites(ctx: RuleContext, handler: Node, uploads: Set<string>): { call: Node; dest?: Node; label: string }[] {
  const out: { call: Node; dest?: Node; label: string }[] = [];
  const body = handler.childForFieldName('body');
  if (!body) return out;
  walk(body, (n) => {
    if (n.type !== 'invocation_expression') return true;
    const fn = n.childForFieldName('function');
    if (fn?.type !== 'member_access_expression') return true;
    const name = fn.childForFieldName('name')?.text ?? '';
    const recv = fn.childForFieldName('expression');
    if (!recv || !uploads.has(recv.text) || !/^(CopyTo|CopyToAsync|SaveAs)$/.test(name)) return true;
    out.push({ call: n, dest: ctx.syntax.args(n)[0], label: `\`${recv.text}.${name}\`` });
    return true;
  });
  return out;
}

/** The path-building calls a destination comes from: the stream's `new FileStream(path, …)`, `Path.Combine(…)`. */
function pathBuilders(ctx: RuleContext, dest: Node, depth = 0): Node[] {
  if (depth > 4) return [];
  const out: Node[] = [];
  walk(dest, (n) => {
    if (n.type === 'invocation_expression' && NAME_SANITIZERS.test(n.childForFieldName('function')?.childForFieldName('name')?.text ?? n.childForFieldName('function')?.text ?? '')) return false;
    if (ctx.syntax.isCall(n) && PATH_BUILDERS.test(ctx.syntax.calleePath(n))) out.push(n);
    if (n.type === 'identifier') {
      const def = ctx.flow.definitionOf(n.text, n);
      if (def?.value && !def.param && def.value.id !== dest.id) out.push(...pathBuilders(ctx, def.value, depth + 1));
      return false;
    }
    return true;
  });
  return out;
}

export function csharpClientFilename(ctx: RuleContext): void {
  const m = csharpUploadModel(ctx);
  for (const handler of m.handlers) {
    const uploads = m.uploads.get(handler.id) ?? new Set<string>();
    // A traversal guard: `Path.GetFullPath(p).StartsWith(root)` or a `..` check.
    if (/GetFullPath\s*\([^)]*\)\s*\.\s*StartsWith|\.Contains\s*\(\s*"\.\."\s*\)/.test(handler.text)) continue;
    // One finding per place the name is read: the innermost use (the name itself in `Path.Combine`) wins.
    const best = new Map<number, { hit: NameHit; w: { call: Node; label: string } }>();
    for (const w of csharpUploadWrites(ctx, handler, uploads)) {
      if (!w.dest) continue;
      const builders = pathBuilders(ctx, w.dest);
      for (const b of builders.length > 0 ? builders : [w.dest]) {
        const args = b.id !== w.dest.id && ctx.syntax.isCall(b) ? ctx.syntax.args(b) : [b];
        for (const a of args) {
          const hit = clientNameIn(ctx, a, uploads);
          if (!hit) continue;
          const known = best.get(hit.origin.id);
          if (!known || (hit.use.id === hit.origin.id && known.hit.use.id !== known.hit.origin.id)) best.set(hit.origin.id, { hit, w });
        }
      }
    }
    for (const { hit, w } of best.values()) {
      const fix: FixInput = { title: 'Keep only the file name (Path.GetFileName)', safe: false, edits: [{ node: hit.use, newText: `Path.GetFileName(${hit.use.text})` }] };
      ctx.report({
        node: hit.use,
        message: `The client-supplied file name (\`${hit.origin.text}\`) builds the path written by ${w.label}: a name such as \`../../wwwroot/web.config\` writes outside the upload folder or overwrites other files.`,
        confidence: inTests(ctx, 'high', 'low'),
        related: hit.origin.id !== hit.use.id ? [{ node: hit.origin, message: 'The client file name is read here.' }] : [{ node: w.call, message: 'The file is written here.' }],
        fixes: [fix],
        fingerprintKey: `${hit.use.text} ${w.label}`,
      });
    }
  }
}

export function csharpUnrestrictedType(ctx: RuleContext): void {
  const m = csharpUploadModel(ctx);
  for (const handler of m.handlers) {
    const uploads = m.uploads.get(handler.id) ?? new Set<string>();
    const ws = csharpUploadWrites(ctx, handler, uploads);
    if (ws.length === 0) continue;
    let cls: Node | null = handler.parent;
    while (cls && cls.type !== 'declaration_list') cls = cls.parent;
    if (CSHARP_TYPE_CHECK.test(handler.text) || (cls && CSHARP_TYPE_CHECK.test(cls.text))) continue;
    ctx.report({
      node: ws[0].call,
      message: `The upload is saved by ${ws[0].label} without checking its type: nothing compares the extension or content type with an allow-list, so an \`.aspx\`, \`.html\` or \`.svg\` file is stored as sent.`,
      confidence: inTests(ctx, 'medium', 'low'),
      fingerprintKey: `${ctx.syntax.functionName(handler) ?? ''} ${ws[0].label}`,
    });
  }
}

/** A C# integer expression: `100_000_000`, `10 * 1024 * 1024`, `long.MaxValue`, a constant. */
function csNumber(ctx: RuleContext, node: Node | undefined, depth = 0): number | undefined {
  if (!node || depth > 6) return undefined;
  const t = node.text.replace(/\s+/g, '');
  if (/^(long|int|Int64|Int32)\.MaxValue$/.test(t)) return Infinity;
  if (node.type === 'integer_literal') {
    const v = Number(t.replace(/_/g, '').replace(/[lLuU]+$/, ''));
    return Number.isFinite(v) ? v : undefined;
  }
  if (node.type === 'parenthesized_expression' || node.type === 'cast_expression') return csNumber(ctx, node.type === 'cast_expression' ? (node.childForFieldName('value') ?? undefined) : (node.namedChildren[0] ?? undefined), depth + 1);
  if (node.type === 'binary_expression') {
    const a = csNumber(ctx, node.childForFieldName('left') ?? undefined, depth + 1);
    const b = csNumber(ctx, node.childForFieldName('right') ?? undefined, depth + 1);
    const op = node.children.find((c) => c && !c.isNamed)?.text;
    if (a === undefined || b === undefined) return undefined;
    return op === '*' ? a * b : op === '+' ? a + b : op === '<<' ? a * 2 ** b : undefined;
  }
  if (node.type === 'identifier') {
    const def = ctx.flow.definitionOf(node.text, node);
    return def?.value && !def.param ? csNumber(ctx, def.value, depth + 1) : undefined;
  }
  return undefined;
}

function sizeReport(ctx: RuleContext, node: Node, what: string, size: number | undefined, threshold: number, severity: 'warning' | 'note' = 'warning', fix?: FixInput): void {
  const unlimited = size === undefined || !Number.isFinite(size);
  ctx.report({
    node,
    message: unlimited
      ? `${what} accepts uploads of any size: one request can fill the disk or memory; set a limit the feature needs (at most ${formatBytes(threshold)}).`
      : `${what} allows uploads of ${formatBytes(size)}, above the ${formatBytes(threshold)} considered safe: lower it to what the feature needs.`,
    severity,
    confidence: inTests(ctx, severity === 'note' ? 'medium' : 'high', 'low'),
    fixes: fix ? [fix] : [],
  });
}

/**
 * `[DisableRequestSizeLimit]`, `[RequestSizeLimit(n)]` / `[RequestFormLimits(MultipartBodyLengthLimit = n)]` and
 * `MultipartBodyLengthLimit` / `MaxRequestBodySize` settings above the threshold or unlimited; an `IFormFile`
 * action with no limit of its own in a file that sets none is a note (Kestrel's default allows about 28.6 MB).
 */
export function csharpNoSizeLimit(ctx: RuleContext, threshold: number): void {
  const text = ctx.file.text;
  for (const a of ctx.root.descendantsOfType('attribute')) {
    if (!a) continue;
    const name = (a.childForFieldName('name')?.text ?? '').replace(/Attribute$/, '');
    if (name === 'DisableRequestSizeLimit') sizeReport(ctx, a, '`[DisableRequestSizeLimit]`', undefined, threshold);
    else if (name === 'RequestSizeLimit' || name === 'RequestFormLimits') {
      const list = a.namedChildren.find((c) => c?.type === 'attribute_argument_list');
      const args = list?.namedChildren.filter((c): c is Node => c?.type === 'attribute_argument') ?? [];
      const arg = name === 'RequestSizeLimit' ? args[0] : args.find((x) => /^MultipartBodyLengthLimit\b/.test(x.text));
      const value = arg?.namedChildren.filter((c): c is Node => !!c && c.type !== 'name_equals' && c.type !== 'name_colon').pop();
      const size = csNumber(ctx, value);
      if (value && size !== undefined && size > threshold) sizeReport(ctx, value, `\`[${name}]\``, size, threshold);
    }
  }
  for (const asg of ctx.root.descendantsOfType('assignment_expression')) {
    const left = asg?.childForFieldName('left');
    const right = asg?.childForFieldName('right');
    if (!asg || !left || !right || !/(^|\.)(MultipartBodyLengthLimit|MaxRequestBodySize|MaxRequestLength)$/.test(left.text.replace(/\s+/g, ''))) continue;
    if (right.type === 'null_literal') {
      sizeReport(ctx, asg, `\`${left.text} = null\``, undefined, threshold);
      continue;
    }
    const size = csNumber(ctx, right);
    if (size !== undefined && size > threshold) sizeReport(ctx, right, `\`${left.text.split('.').pop()}\``, size, threshold);
  }
  if (/RequestSizeLimit|RequestFormLimits|MultipartBodyLengthLimit|MaxRequestBodySize/.test(text)) return;
  if (28.6 * MB <= threshold) return;
  const m = csharpUploadModel(ctx);
  for (const handler of m.handlers) {
    if (attributesOf(handler).length === 0 && handler.type !== 'method_declaration') continue;
    // Only ASP.NET Core uploads get Kestrel's 28.6 MB: classic ASP.NET (`HttpPostedFile`, `Request.Files`) stops at
    // `maxRequestLength`'s 4 MB and Blazor's `IBrowserFile` at 500 KB unless raised elsewhere.
    if (!/\b(IFormFile|IFormFileCollection)\b|Form\s*\.\s*Files\b/.test(handler.text)) continue;
    const nameNode = handler.childForFieldName('name') ?? handler;
    sizeReport(ctx, nameNode, `\`${nameNode.text}\` takes an upload with no \`[RequestSizeLimit]\` or \`[RequestFormLimits]\` of its own and`, 28.6 * MB, threshold, 'note', {
      title: 'Limit the request to 10 MB',
      safe: true,
      edits: [{ start: handler.startIndex, end: handler.startIndex, newText: `[RequestSizeLimit(10 * 1024 * 1024)]\n${/[ \t]*$/.exec(text.slice(text.lastIndexOf('\n', handler.startIndex - 1) + 1, handler.startIndex))?.[0] ?? ''}` }],
    });
  }
}

/** A check that the full path stays inside the target folder. */
const CS_CONTAINMENT = /GetFullPath\s*\([^)]*\)\s*\.\s*StartsWith|\.StartsWith\s*\(\s*\w*(dest|target|dir|root|base|output|full)\w*|\.Contains\s*\(\s*"\.\."\s*\)|IsPathRooted/i;
const CS_ENTRY_WRITE = /ExtractToFile|new\s+FileStream|File\s*\.\s*(Create|OpenWrite|WriteAll\w*)|CopyTo(Async)?\s*\(/;

/** True when the identifier holds a `ZipArchiveEntry` / `TarEntry` / SharpZipLib `ZipEntry`. */
function isArchiveEntry(ctx: RuleContext, n: Node): boolean {
  const def = ctx.flow.definitionOf(n.text, n);
  if (!def) return false;
  const holder = def.node.parent;
  const type = holder?.type === 'foreach_statement' ? holder.childForFieldName('type')?.text : holder?.type === 'variable_declarator' ? holder.parent?.childForFieldName('type')?.text : undefined;
  if (type && /^(ZipArchiveEntry|TarEntry|ZipEntry|IArchiveEntry)$/.test(type)) return true;
  return !!def.value && /\.Entries\b|GetNextEntry|GetNextTarEntry|GetEntry\s*\(/.test(def.value.text);
}

/** Zip slip: `entry.FullName` (or `.Name` / `.Key`) builds the path an entry is extracted to, with no containment check. */
export function csharpArchiveExtraction(ctx: RuleContext): void {
  for (const member of ctx.root.descendantsOfType('member_access_expression')) {
    if (!member || !/^(FullName|Key)$/.test(member.childForFieldName('name')?.text ?? '')) continue;
    const recv = member.childForFieldName('expression');
    if (recv?.type !== 'identifier' || !isArchiveEntry(ctx, recv)) continue;
    const fn = ctx.flow.scopeOf(member);
    if (!ctx.syntax.isFunction(fn) || CS_CONTAINMENT.test(fn.text) || !CS_ENTRY_WRITE.test(fn.text)) continue;
    reportEntryNameInPath(ctx, member, fn, PATH_BUILDERS);
  }
}
