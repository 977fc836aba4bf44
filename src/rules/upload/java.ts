/**
 * The upload rules on Java: Spring `MultipartFile` (and WebFlux `FilePart`), Servlet `Part`, Apache Commons
 * FileUpload `FileItem`. A per-file model finds the upload handlers (methods that take or read an upload), the
 * upload variables, the client-supplied file name and the calls that write the upload to disk.
 *
 * Like the JS and Python recognisers, these lean towards seeing a control (a missed finding) rather than missing
 * one (a false finding): a check anywhere in the class counts.
 */
import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext } from '../../core/rule';
import { walk } from '../../core/syntax';
import { declaredType } from '../../languages/java';
import { MB, formatBytes, inTests, reportEntryNameInPath } from './shared';

const UPLOAD_TYPES = /^(MultipartFile|Part|FilePart|FileItem|DiskFileItem|FileUpload|CommonsMultipartFile)$/;
const CONTAINER = /^(List|Collection|Set|Iterable|Flux|Mono|Map)$/;
/** Calls that return the client's file name, by the upload type they belong to. */
const CLIENT_NAME = /^(getOriginalFilename|getSubmittedFileName|filename)$/;
/** Calls that reduce a name to something safe (the last path segment, an extension, a generated name). */
const NAME_SANITIZERS = /^(getFileName|getBaseName|getExtension|randomUUID|hashCode|sha256Hex|md5Hex|normalize\w*Name|sanitize\w*|clean\w*Name|safe\w*Name|secure\w*Name)$/;
/** Calls that build a file-system path from their arguments. */
const PATH_BUILDERS = /^new (java\.io\.)?(File|FileOutputStream|FileWriter)$|(^|\.)(Paths\.get|Path\.of|resolve|resolveSibling)$/;
/** Idioms that check the type of an upload: content type, extension allow-lists, magic bytes. */
export const JAVA_TYPE_CHECK = /getContentType\s*\(|\.endsWith\s*\(|getExtension\s*\(|ALLOWED|[Aa]llowed(Types|Extensions|Mime)|\bTika\b|\.detect\s*\(|probeContentType|MediaType\.\w+\.includes|isImage|validat\w*(File|Upload|Type)/;

export interface JavaUploadModel {
  /** Methods that take or read an upload. */
  handlers: Node[];
  /** Names of upload variables per handler (parameters, locals, loop variables). */
  uploads: Map<number, Set<string>>;
}

const MODELS = new WeakMap<object, JavaUploadModel>();

function typeBase(decl: Node): { base: string; inner: string } {
  const t = decl.childForFieldName('type');
  const base = declaredType(decl) ?? '';
  const args = t?.type === 'generic_type' ? t.namedChildren.find((c) => c?.type === 'type_arguments')?.text.replace(/[<>\s]/g, '') ?? '' : '';
  return { base: base.replace(/\[\]$/, ''), inner: args.split(',').pop() ?? '' };
}

function isUploadType(decl: Node): boolean {
  const { base, inner } = typeBase(decl);
  return UPLOAD_TYPES.test(base) || (CONTAINER.test(base) && UPLOAD_TYPES.test(inner));
}

export function javaUploadModel(ctx: RuleContext): JavaUploadModel {
  let m = MODELS.get(ctx.flow);
  if (m) return m;
  m = { handlers: [], uploads: new Map() };
  for (const method of ctx.root.descendantsOfType(['method_declaration', 'constructor_declaration'])) {
    if (!method) continue;
    const names = new Set<string>();
    for (const p of method.childForFieldName('parameters')?.namedChildren ?? []) {
      if (p && (p.type === 'formal_parameter' || p.type === 'spread_parameter') && isUploadType(p)) {
        const n = p.childForFieldName('name')?.text;
        if (n) names.add(n);
      }
    }
    const body = method.childForFieldName('body');
    if (body) {
      walk(body, (n) => {
        if (n.type === 'local_variable_declaration' && isUploadType(n)) {
          for (const d of n.namedChildren) if (d?.type === 'variable_declarator') names.add(d.childForFieldName('name')?.text ?? '');
        } else if (n.type === 'enhanced_for_statement' && (isUploadType(n) || names.has(n.childForFieldName('value')?.text ?? '\u0000'))) {
          names.add(n.childForFieldName('name')?.text ?? '');
        } else if (n.type === 'lambda_expression') {
          // files.forEach(file -> …) over an upload list.
          const recv = n.parent?.parent?.type === 'method_invocation' ? n.parent.parent.childForFieldName('object')?.text : undefined;
          const param = n.childForFieldName('parameters');
          if (recv && names.has(recv) && param?.type === 'identifier') names.add(param.text);
        }
        return true;
      });
    }
    names.delete('');
    const readsParts = body ? /\.getParts?\s*\(|\.parseRequest\s*\(/.test(body.text) : false;
    if (names.size > 0 || readsParts) {
      m.handlers.push(method);
      m.uploads.set(method.id, names);
    }
  }
  MODELS.set(ctx.flow, m);
  return m;
}

export interface JavaNameHit {
  /** The expression inside the path that carries the client's name. */
  use: Node;
  /** Where the name is read (`file.getOriginalFilename()`). */
  origin: Node;
}

/** The client-supplied file name inside an expression (following local variables), if any. */
export function clientNameIn(ctx: RuleContext, expr: Node, uploads: Set<string>, depth = 0): JavaNameHit | undefined {
  if (depth > 5) return undefined;
  let found: JavaNameHit | undefined;
  walk(expr, (n) => {
    if (found) return false;
    if (n.type === 'method_invocation') {
      const name = n.childForFieldName('name')?.text ?? '';
      const recv = n.childForFieldName('object');
      if (NAME_SANITIZERS.test(name) || (name === 'getName' && /^(FilenameUtils|FileNameUtils)$/.test(recv?.text ?? ''))) return false;
      // `new File(name).getName()` keeps only the last segment.
      if (name === 'getName' && recv?.type === 'object_creation_expression') return false;
      // `name.substring(name.lastIndexOf('/') + 1)` (Tomcat's manager) keeps only the last segment too.
      if (name === 'substring' && /^\s*\w+\s*\.\s*lastIndexOf\s*\(\s*('\/'|"\/"|'\\\\'|"\\\\"|File\.separator(Char)?)\s*\)\s*\+\s*1\s*$/.test(ctx.syntax.args(n)[0]?.text ?? '')) return false;
      if (CLIENT_NAME.test(name) || (name === 'getName' && recv?.type === 'identifier' && uploads.has(recv.text) && /FileItem/.test(ctx.file.text))) {
        found = { use: n, origin: n };
        return false;
      }
      return true;
    }
    // `parts[parts.length - 1]` after a split on the path separators (OWASP ESAPI): the last segment.
    if (n.type === 'array_access' && /\.length\s*-\s*1$/.test(n.childForFieldName('index')?.text ?? '')) return false;
    if (n.type === 'identifier') {
      // The name of a called method or an accessed field is not a variable.
      if ((n.parent?.type === 'method_invocation' && n.parent.childForFieldName('name')?.id === n.id) || (n.parent?.type === 'field_access' && n.parent.childForFieldName('field')?.id === n.id)) return false;
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

/** Calls in a handler that write an upload to disk, with the path argument when there is one. */
export function uploadWrites(ctx: RuleContext, handler: Node, uploads: Set<string>): { call: Node; dest?: Node; label: string }[] {
  const out: { call: Node; dest?: Node; label: string }[] = [];
  const body = handler.childForFieldName('body');
  if (!body) return out;
  const isUpload = (n: Node | null | undefined): boolean => !!n && (uploads.has(n.text) || /^(file|part|item|upload|multipartFile)\w*$/i.test(n.text));
  walk(body, (n) => {
    if (n.type !== 'method_invocation') return true;
    const name = n.childForFieldName('name')?.text ?? '';
    const recv = n.childForFieldName('object');
    const args = ctx.syntax.args(n);
    if ((name === 'transferTo' || name === 'write') && isUpload(recv) && args[0]) out.push({ call: n, dest: args[0], label: `\`${recv?.text}.${name}\`` });
    else if (name === 'copy' && /^(Files|java\.nio\.file\.Files|FileUtils|IOUtils|StreamUtils|FileCopyUtils)$/.test(recv?.text ?? '') && args.length >= 2 && /getInputStream|getBytes|getContent|openStream/.test(args[0].text)) out.push({ call: n, dest: args[1], label: `\`${recv?.text}.copy\`` });
    else if (/^(write|copyInputStreamToFile|writeByteArrayToFile)$/.test(name) && /^(Files|FileUtils)$/.test(recv?.text ?? '') && args.length >= 2 && /getBytes|getInputStream/.test(args.map((a) => a.text).join(' '))) out.push({ call: n, dest: name === 'write' ? args[0] : args[1], label: `\`${recv?.text}.${name}\`` });
    return true;
  });
  return out;
}

/** The path-building calls inside (or bound to) a destination expression. */
function pathBuilders(ctx: RuleContext, dest: Node, depth = 0): Node[] {
  if (depth > 4) return [];
  const out: Node[] = [];
  walk(dest, (n) => {
    // `Paths.get(name).getFileName()`: what comes out is a safe name, not the path built inside.
    if (n.type === 'method_invocation' && NAME_SANITIZERS.test(n.childForFieldName('name')?.text ?? '')) return false;
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

function nameFix(hit: JavaNameHit): FixInput[] {
  return [{
    title: 'Keep only the last path segment (Paths.get(name).getFileName())',
    safe: false,
    edits: [{ node: hit.use, newText: `java.nio.file.Paths.get(${hit.use.text}).getFileName().toString()` }],
  }];
}

export function javaClientFilename(ctx: RuleContext): void {
  const model = javaUploadModel(ctx);
  for (const handler of model.handlers) {
    const uploads = model.uploads.get(handler.id) ?? new Set<string>();
    // A `..` check on the name (Spring's guide: `if (filename.contains(".."))`) or a normalise + startsWith guard.
    if (/\.contains\s*\(\s*"\.\."\s*\)|\.startsWith\s*\(\s*\w*(root|base|dir|upload|location)\w*/i.test(handler.text)) continue;
    // One finding per place the name is read: the innermost use (the name itself in the path builder) wins.
    const best = new Map<number, { hit: JavaNameHit; w: { call: Node; label: string } }>();
    for (const w of uploadWrites(ctx, handler, uploads)) {
      if (!w.dest) continue;
      const found = pathBuilders(ctx, w.dest);
      // `part.write(fileName)`: the name alone is the path (relative to the multipart location).
      const builders = found.length > 0 ? found : [w.dest];
      for (const b of builders) {
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
      ctx.report({
        node: hit.use,
        message: `The client-supplied file name (\`${hit.origin.text}\`) builds the path written by ${w.label}: a name such as \`../../WEB-INF/web.xml\` writes outside the upload folder or overwrites other files.`,
        confidence: inTests(ctx, 'high', 'low'),
        related: hit.origin.id !== hit.use.id ? [{ node: hit.origin, message: 'The client file name is read here.' }] : [{ node: w.call, message: 'The file is written here.' }],
        fixes: nameFix(hit),
        fingerprintKey: `${hit.use.text} ${w.label}`,
      });
    }
  }
}

export function javaUnrestrictedType(ctx: RuleContext): void {
  const model = javaUploadModel(ctx);
  for (const handler of model.handlers) {
    const uploads = model.uploads.get(handler.id) ?? new Set<string>();
    const writes = uploadWrites(ctx, handler, uploads);
    if (writes.length === 0) continue;
    // A check in the handler, or in the class (a validator method it calls).
    let cls: Node | null = handler.parent;
    while (cls && cls.type !== 'class_body') cls = cls.parent;
    if (JAVA_TYPE_CHECK.test(handler.text) || (cls && JAVA_TYPE_CHECK.test(cls.text))) continue;
    const w = writes[0];
    ctx.report({
      node: w.call,
      message: `The upload is saved by ${w.label} without checking its type: nothing compares the extension or content type with an allow-list, so a \`.jsp\`, \`.html\` or \`.svg\` file is stored as sent.`,
      confidence: inTests(ctx, 'medium', 'low'),
      fingerprintKey: `${ctx.syntax.functionName(handler) ?? ''} ${w.label}`,
    });
  }
}

/** A Java integer expression: `5 * 1024 * 1024`, `10L << 20`, `DataSize.ofMegabytes(5)`, a constant. */
export function javaNumber(ctx: RuleContext, node: Node | undefined, depth = 0): number | undefined {
  if (!node || depth > 6) return undefined;
  switch (node.type) {
    case 'decimal_integer_literal':
    case 'decimal_floating_point_literal':
    case 'hex_integer_literal': {
      const v = Number(node.text.replace(/_/g, '').replace(/[lLfFdD]$/, ''));
      return Number.isFinite(v) ? v : undefined;
    }
    case 'unary_expression': {
      const v = javaNumber(ctx, node.namedChildren[0] ?? undefined, depth + 1);
      return v !== undefined && node.text.trim().startsWith('-') ? -v : v;
    }
    case 'parenthesized_expression':
      return javaNumber(ctx, node.namedChildren[0] ?? undefined, depth + 1);
    case 'binary_expression': {
      const a = javaNumber(ctx, node.childForFieldName('left') ?? undefined, depth + 1);
      const b = javaNumber(ctx, node.childForFieldName('right') ?? undefined, depth + 1);
      const op = node.childForFieldName('operator')?.text;
      if (a === undefined || b === undefined) return undefined;
      return op === '*' ? a * b : op === '+' ? a + b : op === '-' ? a - b : op === '/' && b !== 0 ? a / b : op === '<<' ? a * 2 ** b : undefined;
    }
    case 'identifier': {
      const def = ctx.flow.definitionOf(node.text, node);
      return def?.value && !def.param ? javaNumber(ctx, def.value, depth + 1) : undefined;
    }
    case 'method_invocation': {
      const name = node.childForFieldName('name')?.text ?? '';
      const arg = ctx.syntax.args(node)[0];
      const unit: Record<string, number> = { ofBytes: 1, ofKilobytes: 1024, ofMegabytes: MB, ofGigabytes: MB * 1024, ofTerabytes: MB * MB };
      if (name in unit) {
        const v = javaNumber(ctx, arg, depth + 1);
        return v === undefined ? undefined : v * unit[name];
      }
      if (name === 'parse' && arg) {
        const m = /^\s*(\d+)\s*(B|KB|MB|GB|TB)?\s*$/i.exec(ctx.syntax.stringValue(arg) ?? '');
        const mult: Record<string, number> = { b: 1, kb: 1024, mb: MB, gb: MB * 1024, tb: MB * MB };
        return m ? Number(m[1]) * mult[(m[2] ?? 'b').toLowerCase()] : undefined;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function sizeFinding(ctx: RuleContext, node: Node, what: string, size: number | undefined, threshold: number, fix?: FixInput): void {
  const unlimited = size === undefined || size < 0;
  ctx.report({
    node,
    message: unlimited
      ? `${what} accepts uploads of any size: one request can fill the disk or memory; set a limit the feature needs (at most ${formatBytes(threshold)}).`
      : `${what} allows uploads of ${formatBytes(size)}, above the ${formatBytes(threshold)} considered safe: lower it to what the feature needs.`,
    severity: 'warning',
    confidence: inTests(ctx, 'high', 'low'),
    fixes: fix ? [fix] : [],
  });
}

/** A `@MultipartConfig` annotation value: `getAnnotation(MultipartConfig.class)` or a name declared with that type. */
function isMultipartAnnotation(ctx: RuleContext, arg: Node): boolean {
  if (/MultipartConfig\.class/.test(arg.text)) return true;
  if (arg.type !== 'identifier') return false;
  const def = ctx.flow.definitionOf(arg.text, arg);
  if (def?.value && /MultipartConfig\.class/.test(def.value.text)) return true;
  let decl: Node | null | undefined = def?.node.parent;
  if (decl?.type === 'variable_declarator') decl = decl.parent;
  return /(^|\.)MultipartConfig$/.test(decl?.childForFieldName('type')?.text ?? '');
}

/**
 * Size limits: Commons FileUpload without `setFileSizeMax` / `setSizeMax`, `@MultipartConfig` without `maxFileSize`,
 * `new MultipartConfigElement(location)` (no limits), and limits set to -1 or above the threshold
 * (`setMaxUploadSize`, `setMaxFileSize(DataSize…)`). Spring Boot's own default (1 MB) applies when nothing is set.
 */
export function javaNoSizeLimit(ctx: RuleContext, threshold: number): void {
  const text = ctx.file.text;
  for (const n of ctx.root.descendantsOfType(['object_creation_expression', 'method_invocation', 'annotation', 'marker_annotation'])) {
    if (!n) continue;
    if (n.type === 'object_creation_expression') {
      const path = ctx.syntax.calleePath(n);
      if (/^new (ServletFileUpload|FileUpload|JakartaServletFileUpload|FileUploadBase|JavaxServletFileUpload)$/.test(path)) {
        if (/\.set(FileSizeMax|SizeMax|MaxFileSize|MaxRequestSize)\s*\(/.test(text)) continue;
        const decl = n.parent?.type === 'variable_declarator' ? n.parent : undefined;
        const variable = decl?.childForFieldName('name')?.text;
        const statement = decl?.parent;
        const indent = statement ? (/[ \t]*$/.exec(text.slice(text.lastIndexOf('\n', statement.startIndex - 1) + 1, statement.startIndex))?.[0] ?? '') : '';
        const fix: FixInput | undefined = variable && statement
          ? { title: 'Limit each file to 10 MB', safe: true, edits: [{ start: statement.endIndex, end: statement.endIndex, newText: `\n${indent}${variable}.setFileSizeMax(10L * 1024 * 1024);` }] }
          : undefined;
        sizeFinding(ctx, n, `\`${path}\` without \`setFileSizeMax\` / \`setSizeMax\``, undefined, threshold, fix);
      } else if (/^new (javax\.servlet\.|jakarta\.servlet\.)?MultipartConfigElement$/.test(path)) {
        const args = ctx.syntax.args(n);
        // `new MultipartConfigElement(annotation)` copies the limits of a `@MultipartConfig`, checked where it is written.
        if (args.length === 1 && !isMultipartAnnotation(ctx, args[0])) sizeFinding(ctx, n, '`new MultipartConfigElement(location)` (no maxFileSize)', undefined, threshold);
        else if (args.length >= 2) {
          const size = javaNumber(ctx, args[1]);
          if (size !== undefined && (size < 0 || size > threshold)) sizeFinding(ctx, args[1], '`MultipartConfigElement`', size, threshold);
        }
      }
      continue;
    }
    if (n.type === 'method_invocation') {
      const name = n.childForFieldName('name')?.text ?? '';
      if (!/^(setMaxUploadSize|setMaxUploadSizePerFile|setFileSizeMax|setSizeMax|setMaxFileSize|setMaxRequestSize)$/.test(name)) continue;
      const arg = ctx.syntax.args(n)[0];
      const size = javaNumber(ctx, arg);
      if (arg && size !== undefined && (size < 0 || size > threshold)) sizeFinding(ctx, arg, `\`${name}(${arg.text})\``, size, threshold);
      continue;
    }
    const name = n.childForFieldName('name')?.text ?? '';
    if (name !== 'MultipartConfig') continue;
    const maxFile = n.type === 'annotation' ? ctx.syntax.property(n, 'maxFileSize') : undefined;
    if (!maxFile) {
      sizeFinding(ctx, n, '`@MultipartConfig` without `maxFileSize`', undefined, threshold);
      continue;
    }
    const size = javaNumber(ctx, maxFile);
    if (size !== undefined && (size < 0 || size > threshold)) sizeFinding(ctx, maxFile, '`@MultipartConfig(maxFileSize)`', size, threshold);
  }
}

/** Archive entries: `ZipEntry`, `JarEntry`, Commons Compress `TarArchiveEntry` / `ZipArchiveEntry` / `ArchiveEntry`. */
const ENTRY_TYPES = /^(ZipEntry|JarEntry|TarArchiveEntry|ZipArchiveEntry|ArchiveEntry|SevenZArchiveEntry|TarEntry)$/;
const NEXT_ENTRY = /^(getNextEntry|getNextZipEntry|getNextTarEntry|getNextJarEntry|nextElement|getEntry|next)$/;
/** A check that the resolved path stays inside the target folder; Jetty's `URIUtil.canonicalPath(name)` returns null for a name that climbs out with `..`. */
const CONTAINMENT = /getCanonicalPath\s*\(\s*\)\s*\.\s*startsWith|getCanonicalFile\s*\(\s*\)|normalize\s*\(\s*\)\s*\.\s*startsWith|toRealPath|\.startsWith\s*\(\s*\w*(dest|target|dir|root|base|output)\w*|\.contains\s*\(\s*"\.\."\s*\)|URIUtil\s*\.\s*canonicalPath\s*\(/i;
const ENTRY_WRITE = /new\s+FileOutputStream|Files\s*\.\s*(copy|write|newOutputStream|newBufferedWriter)|IOUtils\s*\.\s*copy|transferTo|FileUtils\s*\.\s*copy\w*ToFile/;

/** True when `n` (an identifier) holds an archive entry: declared with an entry type or read from the archive. */
function isEntryVariable(ctx: RuleContext, n: Node): boolean {
  const def = ctx.flow.definitionOf(n.text, n);
  if (!def) return false;
  const decl = def.node.parent;
  if (decl && (decl.type === 'variable_declarator' ? ENTRY_TYPES.test(declaredType(decl.parent ?? decl) ?? '') : ENTRY_TYPES.test(declaredType(decl) ?? ''))) return true;
  const v = def.value;
  return !!v && v.type === 'method_invocation' && NEXT_ENTRY.test(v.childForFieldName('name')?.text ?? '') && /entr|zip|jar|tar|archive/i.test(v.text);
}

/** Zip slip: an entry's own name builds the path it is extracted to, with no containment check in the method. */
export function javaArchiveExtraction(ctx: RuleContext): void {
  for (const call of ctx.root.descendantsOfType('method_invocation')) {
    if (!call || call.childForFieldName('name')?.text !== 'getName' || ctx.syntax.args(call).length !== 0) continue;
    const recv = call.childForFieldName('object');
    if (recv?.type !== 'identifier' || !isEntryVariable(ctx, recv)) continue;
    const fn = ctx.flow.scopeOf(call);
    if (!ctx.syntax.isFunction(fn) || CONTAINMENT.test(fn.text) || !ENTRY_WRITE.test(fn.text)) continue;
    reportEntryNameInPath(ctx, call, fn, PATH_BUILDERS);
  }
}
