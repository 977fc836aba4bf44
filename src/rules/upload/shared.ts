/**
 * What the upload rules share: a per-file model (every call, found once with one `descendantsOfType`),
 * recognising upload objects (multer / express-fileupload / formidable / busboy files, Flask `request.files`,
 * FastAPI `UploadFile`, Django `request.FILES`), the validation idioms people write, a small taint that
 * follows a client-supplied file name (or an archive entry name) into a path, static path values, and the
 * edits that add an import for a quick fix.
 *
 * Most upload rules are absence checks: they fire because a control is missing, so the recognisers here lean
 * towards seeing a control (a false negative) rather than missing one (a false positive).
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import type { SyntaxFamily } from '../../languages/registry';
import { walk } from '../../core/syntax';

export const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------
// Per-file model, shared by the five upload rules of one analysis (keyed by the file's DataFlow).

/** A call as offsets, with its callee path as written once something asked (kept for the next analysis). */
interface CallRecord {
  start: number;
  end: number;
  written?: string;
  /** The path resolved through `imports` (the same map object while typing leaves the imports alone). */
  resolved?: string;
  imports?: ReadonlyMap<string, string>;
  /** Answers of named tests on the paths (callsWithPath's `memo`), the same while the paths are: most calls are no write. */
  verdicts?: Record<string, boolean>;
}

interface FileModel {
  /** Every call of the file, in document order (made on first use: see callsWithPath). */
  readonly calls: Node[];
  /** The same calls as offsets (kept for the next analysis of the document, see RuleContext.carry). */
  readonly records: readonly CallRecord[];
  /** The node of the i-th call. */
  node(i: number): Node;
  paths: Map<number, { written: string; resolved: string }>;
  typeCheckedFile?: boolean;
  /** writeSinks' answer: every upload rule's finish asks for it. */
  writeSinks?: readonly WriteSink[];
}

const MODELS = new WeakMap<object, FileModel>();
const CARRY_KEY = 'upload/shared:calls';

function nonNull<T>(x: T | null | undefined): x is T {
  return x !== null && x !== undefined;
}

export function named(node: Node | null | undefined): Node[] {
  return node ? node.namedChildren.filter(nonNull) : [];
}

function callTypes(syntax: SyntaxFamily): string[] {
  return syntax === 'js' ? ['call_expression', 'new_expression'] : syntax === 'go' ? ['call_expression'] : ['call'];
}

export function fileModel(ctx: RuleContext): FileModel {
  let m = MODELS.get(ctx.flow);
  if (!m) {
    m = carriedModel(ctx) ?? modelOf(ctx, ctx.root.descendantsOfType(callTypes(ctx.file.syntax)).filter(nonNull));
    ctx.carry?.keep(CARRY_KEY, m.records);
    MODELS.set(ctx.flow, m);
  }
  return m;
}

function modelOf(ctx: RuleContext, calls: Node[]): FileModel {
  const records = calls.map((c) => ({ start: c.startIndex, end: c.endIndex }));
  return { calls, records, node: (i) => calls[i], paths: new Map() };
}

/**
 * While typing: the calls of the previous analysis outside the edited unit (moved by the edit's shift) and those
 * found again inside it, without walking the whole tree. A node is made for a carried call only when a rule needs
 * it; undefined (find every call again) when a call of the previous analysis crosses the unit's bounds.
 */
function carriedModel(ctx: RuleContext): FileModel | undefined {
  const edit = ctx.carry?.edit;
  const before = edit ? (ctx.carry?.previous(CARRY_KEY) as readonly CallRecord[] | undefined) : undefined;
  if (!edit || !before) return undefined;
  const types = callTypes(ctx.file.syntax);
  const moved = (r: CallRecord): CallRecord => ({ ...r, start: r.start + edit.delta, end: r.end + edit.delta });
  let records: CallRecord[];
  let nodes: (Node | undefined)[];
  if (edit.parts && edit.at !== undefined) {
    // Several units: the calls between them are kept, those in them found again; in document order (an outer call
    // before the calls inside it that start where it starts).
    const entries: [CallRecord, Node | undefined][] = [];
    for (const r of before) {
      const part = edit.parts.find((p) => r.end > p.oldStart && r.start < p.oldEnd);
      if (part && (r.start < part.oldStart || r.end > part.oldEnd)) return undefined;
      if (!part) entries.push([r.start >= edit.at ? moved(r) : r, undefined]);
    }
    for (const p of edit.parts) {
      for (const c of ctx.root.descendantsOfType(types, p.startPosition, p.endPosition)) {
        if (c && c.startIndex >= p.start && c.endIndex <= p.end) entries.push([{ start: c.startIndex, end: c.endIndex }, c]);
      }
    }
    entries.sort(([a], [b]) => a.start - b.start || b.end - a.end);
    records = entries.map(([r]) => r);
    nodes = entries.map(([, n]) => n);
  } else {
    const head: CallRecord[] = [];
    const tail: CallRecord[] = [];
    for (const r of before) {
      if (r.end <= edit.start) head.push(r);
      else if (r.start >= edit.oldEnd) tail.push(moved(r));
      else if (r.start < edit.start || r.end > edit.oldEnd) return undefined;
    }
    const inside = ctx.root.descendantsOfType(types, edit.startPosition, edit.endPosition).filter((c): c is Node => !!c && c.startIndex >= edit.start && c.endIndex <= edit.end);
    records = [...head, ...inside.map((c) => ({ start: c.startIndex, end: c.endIndex })), ...tail];
    nodes = [...head.map(() => undefined), ...inside, ...tail.map(() => undefined)];
  }
  let all: Node[] | undefined;
  const model: FileModel = {
    records,
    paths: new Map(),
    node(i) {
      let n = nodes[i];
      if (!n) {
        const r = records[i];
        n = ctx.root.descendantForIndex(r.start, r.end) ?? undefined;
        // The smallest node spanning the offsets is the call itself (its children are shorter).
        if (!n || n.startIndex !== r.start || n.endIndex !== r.end || !types.includes(n.type)) throw new Error(`upload rules: no call at ${r.start}-${r.end} after an edit`);
        nodes[i] = n;
        if (r.written !== undefined) model.paths.set(n.id, { written: r.written, resolved: ctx.flow.resolvePath(r.written) });
      }
      return n;
    },
    get calls() {
      if (!all) all = records.map((_, i) => model.node(i));
      return all;
    },
  };
  return model;
}

/**
 * The calls whose callee paths (as written and resolved) pass `test`. Carried calls are tested on their paths
 * first: no node is made for the others.
 */
export function callsWithPath(ctx: RuleContext, test: (p: { written: string; resolved: string }) => boolean, memo?: string): Node[] {
  const m = fileModel(ctx);
  const out: Node[] = [];
  const imports = ctx.flow.imports;
  // Imports read again (the edited unit mentions `import`) are mostly the same: a path resolves as it did.
  const unchanged = new Map<ReadonlyMap<string, string> | undefined, boolean>();
  const same = (before: ReadonlyMap<string, string> | undefined): boolean => {
    let v = unchanged.get(before);
    if (v === undefined) unchanged.set(before, (v = !!before && before.size === imports.size && [...before].every(([k, x]) => imports.get(k) === x)));
    return v;
  };
  m.records.forEach((r, i) => {
    if (r.written === undefined) r.written = callPaths(ctx, m.node(i)).written;
    if (r.resolved === undefined || (r.imports !== imports && !same(r.imports))) {
      r.resolved = ctx.flow.resolvePath(r.written);
      r.verdicts = undefined;
    }
    r.imports = imports;
    // `memo` names the test: its answer is kept with the record (carried to the next analysis while typing).
    let pass: boolean;
    if (memo) {
      const verdicts = (r.verdicts ??= {});
      pass = verdicts[memo] ??= test(r as { written: string; resolved: string });
    } else pass = test(r as { written: string; resolved: string });
    if (pass) out.push(m.node(i));
  });
  return out;
}

/** Callee path as written (`upload.single`) and with imports resolved (`multer.diskStorage`). */
export function callPaths(ctx: RuleContext, call: Node): { written: string; resolved: string } {
  const m = fileModel(ctx);
  let p = m.paths.get(call.id);
  if (!p) {
    const written = ctx.syntax.calleePath(call);
    p = { written, resolved: ctx.flow.resolvePath(written) };
    m.paths.set(call.id, p);
  }
  return p;
}

export function lastName(path: string): string {
  const bare = path.replace(/^new /, '').replace(/\(\)$/, '');
  const i = bare.lastIndexOf('.');
  return i < 0 ? bare : bare.slice(i + 1);
}

/** Calls whose written or resolved callee path matches. */
export function callsMatching(ctx: RuleContext, re: RegExp): Node[] {
  return callsWithPath(ctx, (p) => re.test(p.resolved) || re.test(p.written));
}

/** The receiver of a method call (`recv.m()`), if any. */
export function receiverOf(ctx: RuleContext, call: Node): Node | undefined {
  const e = ctx.syntax.expr(call);
  return e.kind === 'call' ? e.receiver : undefined;
}

/** The first argument as an object / dict literal (following names), `null` when there is none, undefined when unknown. */
export function optionsObject(ctx: RuleContext, call: Node, index = 0): Node | null | undefined {
  const arg = ctx.syntax.args(call)[index];
  if (!arg) return null;
  return literalOf(ctx, arg);
}

/**
 * The object literal a value denotes, unless it is a name whose object is filled in later
 * (`const limits = {}; limits.fileSize = n;`, `Object.assign(opts, …)`, `opts['x'] = …`): then unknown.
 */
export function literalOf(ctx: RuleContext, node: Node): Node | undefined {
  const lit = ctx.flow.objectLiteralOf(node);
  if (!lit || lit.id === node.id) return lit;
  const e = ctx.syntax.expr(node);
  if (e.kind === 'identifier') {
    const n = escapeRe(e.name);
    if (new RegExp(`\\b${n}(\\.[\\w$]+|\\[[^\\]]+\\])\\s*=[^=]|(assign|update|setdefault)\\(\\s*${n}\\b|\\b${n}\\.(update|setdefault)\\(`).test(ctx.file.text)) return undefined;
  }
  return lit;
}

/** A property of an object literal, or a keyword argument of a Python call. */
export function prop(ctx: RuleContext, obj: Node | null | undefined, key: string): Node | undefined {
  return obj ? ctx.syntax.property(obj, key) : undefined;
}

/** The function a value denotes: a function literal, or a name bound to one. */
export function functionOf(ctx: RuleContext, node: Node | undefined, depth = 0): Node | undefined {
  if (!node || depth > 4) return undefined;
  if (ctx.syntax.isFunction(node)) return node;
  const e = ctx.syntax.expr(node);
  if (e.kind === 'identifier') {
    const def = ctx.flow.definitionOf(e.name, node);
    if (def?.value && !def.key) return functionOf(ctx, def.value, depth + 1);
  }
  if (e.kind === 'union' && e.parts.length === 1) return functionOf(ctx, e.parts[0], depth + 1);
  return undefined;
}

/** Parameter nodes of a function (JS: the parameter patterns; Python: the parameter names). */
export function paramsOf(ctx: RuleContext, fn: Node): Node[] {
  if (ctx.file.syntax === 'js') {
    const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
    if (!params) return [];
    if (params.type === 'identifier') return [params];
    return named(params).filter((p) => p.type !== 'comment').map((p) => (p.type === 'required_parameter' || p.type === 'optional_parameter' ? (p.childForFieldName('pattern') ?? p) : p.type === 'assignment_pattern' ? (p.childForFieldName('left') ?? p) : p));
  }
  const params = fn.childForFieldName('parameters');
  return named(params).map((p) => (p.type === 'identifier' ? p : (p.childForFieldName('name') ?? named(p).find((c) => c.type === 'identifier') ?? p)));
}

/** Where a parameter binding sits: its function, its index and the function's parameter count. */
export function paramInfo(ctx: RuleContext, node: Node): { fn: Node; index: number; count: number } | undefined {
  for (let p: Node | null = node; p; p = p.parent) {
    if (p.type === 'formal_parameters' || p.type === 'parameters') {
      const fn = p.parent;
      if (!fn) return undefined;
      const list = named(p).filter((c) => c.type !== 'comment');
      const index = list.findIndex((c) => c.startIndex <= node.startIndex && c.endIndex >= node.endIndex);
      return index < 0 ? undefined : { fn, index, count: list.length };
    }
    if (ctx.syntax.isFunction(p) && p.type === 'arrow_function' && p.childForFieldName('parameter')?.id === node.id) return { fn: p, index: 0, count: 1 };
    if (ctx.syntax.isFunction(p)) return undefined;
  }
  return undefined;
}

/**
 * Where a function literal is passed: as argument `index` of `call`, or as the value of `key` in an object
 * literal that is argument `index` of `call`.
 */
export function callbackSite(ctx: RuleContext, fn: Node): { call: Node; index: number; key?: string } | undefined {
  let n: Node = fn;
  let key: string | undefined;
  const parent = n.parent;
  if (!parent) return undefined;
  if (parent.type === 'pair') {
    key = parent.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, '');
    if (!parent.parent || parent.parent.type !== 'object') return undefined;
    n = parent.parent;
  } else if (parent.type === 'object' && fn.type === 'method_definition') {
    key = fn.childForFieldName('name')?.text;
    n = parent;
  } else if (parent.type === 'keyword_argument') {
    key = parent.childForFieldName('name')?.text;
    n = parent;
  }
  const args = n.parent;
  if (!args || (args.type !== 'arguments' && args.type !== 'argument_list')) return undefined;
  const call = args.parent;
  if (!call || !ctx.syntax.isCall(call)) return undefined;
  const index = named(args).filter((a) => a.type !== 'comment').findIndex((a) => a.id === n.id);
  return { call, index, key };
}

/** `x.on('file', fn)`-style registrations: the event name when `fn` is the handler. */
export function eventOf(ctx: RuleContext, fn: Node): string | undefined {
  const site = callbackSite(ctx, fn);
  if (!site || site.key !== undefined || site.index !== 1) return undefined;
  const p = callPaths(ctx, site.call);
  if (!/(^|\.)(on|once|addListener|prependListener)$/.test(p.written)) return undefined;
  const first = ctx.syntax.args(site.call)[0];
  return first ? ctx.syntax.stringValue(first) : undefined;
}

/** The arguments passed for a parameter by the calls to its function in this file (`handle(request.FILES['f'])`). */
export function callerArgs(ctx: RuleContext, paramNode: Node): Node[] {
  const info = paramInfo(ctx, paramNode);
  if (!info) return [];
  // A `def` or a function declaration is bound by its own name alone (no other binding has it as its value): calls by
  // another name are not resolved (resolving a name reads the bindings of every scope around the call).
  const own = DECLARED.has(info.fn.type) ? info.fn.childForFieldName('name')?.text : undefined;
  const out: Node[] = [];
  const m = fileModel(ctx);
  m.records.forEach((r, i) => {
    if (r.written === undefined) r.written = callPaths(ctx, m.node(i)).written;
    if (!/^[A-Za-z_$][\w$]*$/.test(r.written) || (own !== undefined && r.written !== own)) return;
    const call = m.node(i);
    if (ctx.flow.localFunction(call)?.id !== info.fn.id) return;
    const arg = ctx.syntax.args(call)[info.index];
    if (arg) out.push(arg);
  });
  return out;
}

/** Function statements whose only binding is their own name (see callerArgs). */
const DECLARED = new Set(['function_definition', 'function_declaration', 'generator_function_declaration']);

/** Dotted text of an access chain: `req.files.avatar`, `req.files[]`, `request.files.get()`. */
export function chain(ctx: RuleContext, node: Node, depth = 0): string | undefined {
  if (depth > 10) return undefined;
  if (node.type === 'subscript_expression' || node.type === 'subscript') {
    const obj = node.childForFieldName(node.type === 'subscript' ? 'value' : 'object');
    const idx = node.childForFieldName(node.type === 'subscript' ? 'subscript' : 'index');
    const base = obj ? chain(ctx, obj, depth + 1) : undefined;
    if (base === undefined) return undefined;
    const key = idx ? ctx.syntax.stringValue(idx) : undefined;
    return key !== undefined ? `${base}.${key}` : `${base}[]`;
  }
  const e = ctx.syntax.expr(node);
  if (e.kind === 'identifier') return e.name;
  if (e.kind === 'member') {
    const base = chain(ctx, e.object, depth + 1);
    return base === undefined ? undefined : `${base}.${e.key}`;
  }
  if (e.kind === 'call') return `${e.path}()`;
  if (e.kind === 'union' && e.parts.length === 1) return chain(ctx, e.parts[0], depth + 1);
  if (node.type === 'this' || node.type === 'self') return node.text;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Upload objects.

const JS_REQ_FILES = /^(req|request|ctx\.request|ctx\.req|context\.req)\.(file|files)(\.|\[\]|$)/;
const PY_REQ_FILES = /^(self\.)?(request|req|flask\.request|self\.request)\.(files|FILES)(\.|\[\]|$)|^request\.form\(\)/;
const PY_UPLOAD_TYPES = /\b(UploadFile|FileStorage|UploadedFile|InMemoryUploadedFile|TemporaryUploadedFile)\b/;

/** A JS value that is an uploaded file or a collection of them. */
export function isUploadJs(ctx: RuleContext, node: Node, depth = 0): boolean {
  if (depth > 8) return false;
  const c = chain(ctx, node);
  if (c && JS_REQ_FILES.test(c)) return true;
  if (node.type === 'subscript_expression') {
    const obj = node.childForFieldName('object');
    return !!obj && isUploadJs(ctx, obj, depth + 1);
  }
  const e = ctx.syntax.expr(node);
  if (e.kind === 'identifier') {
    const def = ctx.flow.definitionOf(e.name, node);
    if (!def) return false;
    if (def.param) return isUploadParamJs(ctx, def.node) || (depth < 4 && callerArgs(ctx, def.node).some((a) => isUploadJs(ctx, a, depth + 2)));
    if (def.value && def.value.id !== node.id) return isUploadJs(ctx, def.value, depth + 1);
    return false;
  }
  if (e.kind === 'member') return isUploadJs(ctx, e.object, depth + 1);
  if (e.kind === 'union') return e.parts.some((p) => isUploadJs(ctx, p, depth + 1));
  // Web `File` objects from a multipart body: `(await request.formData()).get('file')` (Next.js, Remix, Hono, server actions).
  if (e.kind === 'call' && /^(get|getAll)$/.test(e.name) && e.receiver && isFormData(ctx, e.receiver)) return true;
  if (e.kind === 'call') {
    const name = lastName(e.path);
    if (/^(values|from|flat|concat|entries)$/.test(name)) return [...e.args, ...(e.receiver ? [e.receiver] : [])].some((a) => isUploadJs(ctx, a, depth + 1));
  }
  return false;
}

function isFormData(ctx: RuleContext, node: Node, depth = 0): boolean {
  if (depth > 4) return false;
  const c = chain(ctx, node);
  if (c && /(^|\.)formData\(\)$/.test(c)) return true;
  const e = ctx.syntax.expr(node);
  if (e.kind === 'union' && e.parts.length === 1) return isFormData(ctx, e.parts[0], depth + 1);
  if (e.kind !== 'identifier') return false;
  const def = ctx.flow.definitionOf(e.name, node);
  if (!def) return false;
  if (def.param) return /\bFormData\b/.test(def.node.parent?.text ?? '');
  return !!def.value && def.value.id !== node.id && isFormData(ctx, def.value, depth + 1);
}

/** Bytes of an uploaded file (JS): express-fileupload `file.data`, a Web File's `arrayBuffer()` / `bytes()` / `stream()`. */
export function uploadDataJs(ctx: RuleContext, node: Node, depth = 0): boolean {
  if (depth > 6) return false;
  const e = ctx.syntax.expr(node);
  if (e.kind === 'member') return e.key === 'data' && isUploadJs(ctx, e.object);
  if (e.kind === 'call') {
    if (/^(arrayBuffer|bytes|stream|text)$/.test(e.name) && e.receiver) return isUploadJs(ctx, e.receiver);
    if (/^(from|concat)$/.test(e.name) || e.path.startsWith('new ')) return e.args.some((a) => uploadDataJs(ctx, a, depth + 1));
    return false;
  }
  if (e.kind === 'identifier') {
    const def = ctx.flow.definitionOf(e.name, node);
    return !!def?.value && !def.param && !def.key && def.value.id !== node.id && uploadDataJs(ctx, def.value, depth + 1);
  }
  if (e.kind === 'union') return e.parts.some((p) => uploadDataJs(ctx, p, depth + 1));
  return false;
}

/** Parameters that receive an upload: multer callbacks' `file`, formidable `files`, `.on('file')` handlers, NestJS `@UploadedFile()`. */
function isUploadParamJs(ctx: RuleContext, paramNode: Node): boolean {
  const info = paramInfo(ctx, paramNode);
  if (!info) return false;
  const decl = paramNode.parent;
  if (decl && /@UploadedFiles?\b|Multer\.File|\bUploadedFile\b|formidable\.File|\bFormidableFile\b/.test(decl.text)) return true;
  const site = callbackSite(ctx, info.fn);
  if (!site) return false;
  const p = callPaths(ctx, site.call);
  if (site.key && /^(fileFilter|filename|destination)$/.test(site.key) && /(^|\.)(multer|diskStorage)$/.test(p.resolved)) return info.index === 1;
  const event = eventOf(ctx, info.fn);
  if (event === 'file' || event === 'fileBegin') return info.index === 1;
  if (/(^|\.)parse$/.test(p.written) && site.index === 1) return info.index === 2;
  if (/(^|\.)(map|forEach|filter|some|every|flatMap)$/.test(p.written) && info.index === 0) {
    const recv = receiverOf(ctx, site.call);
    return !!recv && isUploadJs(ctx, recv, 1);
  }
  return false;
}

/** A Python value that is an uploaded file or a collection of them. */
export function isUploadPy(ctx: RuleContext, node: Node, depth = 0): boolean {
  if (depth > 8) return false;
  const c = chain(ctx, node);
  if (c && PY_REQ_FILES.test(c)) return true;
  if (node.type === 'subscript') {
    const obj = node.childForFieldName('value');
    return !!obj && isUploadPy(ctx, obj, depth + 1);
  }
  const e = ctx.syntax.expr(node);
  if (e.kind === 'identifier') {
    const def = ctx.flow.definitionOf(e.name, node);
    if (!def) return false;
    if (def.param) {
      const decl = def.node.parent;
      if (decl && (decl.type === 'typed_parameter' || decl.type === 'typed_default_parameter') && PY_UPLOAD_TYPES.test(decl.childForFieldName('type')?.text ?? decl.text)) return true;
      if (def.value && ctx.syntax.isCall(def.value) && /^(fastapi\.)?File$/.test(ctx.syntax.calleePath(def.value))) return true;
      return depth < 4 && callerArgs(ctx, def.node).some((a) => isUploadPy(ctx, a, depth + 2));
    }
    if (def.value && def.value.id !== node.id) return isUploadPy(ctx, def.value, depth + 1);
    return false;
  }
  if (e.kind === 'call' && e.receiver && /^(get|getlist|values|items|__getitem__)$/.test(e.name)) return isUploadPy(ctx, e.receiver, depth + 1);
  if (e.kind === 'union') return e.parts.some((p) => isUploadPy(ctx, p, depth + 1));
  return false;
}

export function isUpload(ctx: RuleContext, node: Node): boolean {
  return ctx.file.syntax === 'js' ? isUploadJs(ctx, node) : isUploadPy(ctx, node);
}

/** A Django `UploadedFile`: from `request.FILES`, or a parameter whose `.chunks()` the function reads. */
function isDjangoUpload(ctx: RuleContext, node: Node): boolean {
  const c = chain(ctx, node);
  if (c && /^(self\.)?request\.FILES/.test(c)) return true;
  const e = ctx.syntax.expr(node);
  if (e.kind !== 'identifier') return false;
  const def = ctx.flow.definitionOf(e.name, node);
  if (!def) return false;
  if (def.param) {
    const fn = ctx.flow.scopeOf(def.node);
    return new RegExp(`\\b${escapeRe(e.name)}\\.chunks\\(`).test(fn.text);
  }
  return !!def.value && def.value.id !== node.id && isDjangoUpload(ctx, def.value);
}

/** Data read from an uploaded file (Python): the file, `f.file`, `f.stream`, `await f.read()`, chunks. */
export function uploadDataPy(ctx: RuleContext, node: Node, depth = 0): boolean {
  if (depth > 8) return false;
  if (isUploadPy(ctx, node)) return true;
  const e = ctx.syntax.expr(node);
  if (e.kind === 'member' && /^(file|stream)$/.test(e.key)) return isUploadPy(ctx, e.object);
  if (e.kind === 'call') {
    if (e.name === 'chunks' && e.receiver) return isUploadPy(ctx, e.receiver);
    if (/^(read|read1|getvalue|getbuffer)$/.test(e.name) && e.receiver) return uploadDataPy(ctx, e.receiver, depth + 1);
    return false;
  }
  if (e.kind === 'identifier') {
    const def = ctx.flow.definitionOf(e.name, node);
    return !!def?.value && !def.param && def.value.id !== node.id && uploadDataPy(ctx, def.value, depth + 1);
  }
  if (e.kind === 'union') return e.parts.some((p) => uploadDataPy(ctx, p, depth + 1));
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Validation idioms: allow-lists of extensions or MIME types, content sniffing, validation helpers.

const TYPE_TOKENS = [
  /mime/i,
  /extname/,
  /\bext(s|ension|ensions)?\b/i,
  /suffix/,
  /splitext/,
  /rsplit\(\s*['"]\./,
  /\b[A-Z_]*(ALLOWED|WHITELIST|ALLOWLIST|PERMITTED|ACCEPTED|VALID|SUPPORTED)_?[A-Z_]*\b/,
  /\b(allowed|permitted|accepted|valid|supported|safe)_?(Types|Extensions|Exts|Mimes|MimeTypes|Formats|Files|File_?Types)\b/i,
  /content_?type/i,
  /contentType/,
  /\bfile_?type/i,
  /\bimage\//,
  /['"`]\.(png|jpe?g|gif|pdf|webp|csv|txt|docx?|xlsx?|zip|svg|mp4|mp3|json|xml)['"`]/i,
];
const COMPARE_JS = /===|!==|==|!=|\.includes\(|\.has\(|\.indexOf\(|\.test\(|\.match\(|startsWith\(|endsWith\(|\bswitch\b|\bcase\b/;
const COMPARE_PY = /==|!=|\bin\b|startswith\(|endswith\(|\bmatch\(|fullmatch\(|\bsearch\(/;
const SNIFF_JS = /\b(fileTypeFromBuffer|fileTypeFromFile|fileTypeFromStream|fileTypeFromBlob|fileTypeFromTokenizer|imageType|isImage|isSvg|magicBytes|detectFileType|filetypeinfo|filetypemime|imageSize|sizeOf)\s*\(|\bFileType\.|\bfileType\.from|['"](file-type|mmmagic|magic-bytes\.js|image-type|is-image|image-size)['"]|\bsharp\(/;
const SNIFF_PY = /\bimghdr\.what\(|\bwhat\(|\bmagic\.(from_buffer|from_file|from_descriptor|Magic)\b|\bfiletype\.(guess|is_image|guess_mime|guess_extension|image_match|is_archive|is_video|is_audio)\b|\bpuremagic\.|\bImage\.open\(|\.verify\(\)|FileExtensionValidator|validate_image_file_extension/;
const HELPER = /\b(is_?allowed\w*|allowed_?(file|ext|type|mime|extension|upload|image)\w*|is_?valid_?(file|type|ext|extension|mime|upload|image|attachment)\w*|validate_?(file|type|ext|extension|mime|upload|image|attachment|avatar)\w*|check_?(file|type|ext|extension|mime|upload|image)\w*|verify_?(file|type|ext|extension|mime|upload|image)\w*|ensure_?(image|allowed|valid)\w*|is_?(image|pdf|safe_?file|supported_?file)\w*|file_?filter)\s*\(/i;

const COMPARE_GO = /==|!=|\bswitch\b|\bcase\b|\bHasSuffix\(|\bHasPrefix\(|\bContains\(|\bMatchString\(|\bok\s*:?=|,\s*ok\b/;
const SNIFF_GO = /\bhttp\.DetectContentType\(|\bfiletype\.(Match|Is|IsImage|Image|Get)\w*\(|\bmimetype\.Detect\w*\(|\bimage\.Decode(Config)?\(|\b(png|jpeg|gif)\.Decode(Config)?\(/;
const COMPARE_PHP = /==|!=|\bin_array\(|\barray_key_exists\(|\bisset\(|\bpreg_match\(|\bswitch\b|\bcase\b|\bstr_ends_with\(|\bmatch\s*\(/;
const SNIFF_PHP = /\bfinfo_(file|buffer)\(|\bmime_content_type\(|\bgetimagesize\(|\bexif_imagetype\(|->getMimeType\(|->guessExtension\(|['"|](mimes|mimetypes|extensions):|['"|]image['"|]|\bFile::types\(|\bFile::image\(|->extensions\(|new\s+\\?finfo\b/;
const SNIFF: Partial<Record<SyntaxFamily, RegExp>> = { js: SNIFF_JS, python: SNIFF_PY, go: SNIFF_GO, php: SNIFF_PHP };
const COMPARE: Partial<Record<SyntaxFamily, RegExp>> = { js: COMPARE_JS, python: COMPARE_PY, go: COMPARE_GO, php: COMPARE_PHP };

/** True when the text contains a type allow-list check, content sniffing or a call to a validation helper. */
export function hasTypeCheck(text: string, family: SyntaxFamily): boolean {
  if ((SNIFF[family] ?? SNIFF_JS).test(text) || HELPER.test(text)) return true;
  const compare = COMPARE[family] ?? COMPARE_JS;
  for (const raw of text.split('\n')) {
    const line = family !== 'python' ? raw.replace(/\/\/.*$/, '') : raw.replace(/#.*$/, '');
    if (!compare.test(line)) continue;
    if (TYPE_TOKENS.some((t) => t.test(line))) return true;
  }
  return false;
}

/** The whole file has a type check somewhere (computed once per file). */
export function fileHasTypeCheck(ctx: RuleContext): boolean {
  const m = fileModel(ctx);
  if (m.typeCheckedFile === undefined) m.typeCheckedFile = hasTypeCheck(stripComments(ctx.file.text, ctx.file.syntax), ctx.file.syntax);
  return m.typeCheckedFile;
}

function stripComments(text: string, family: SyntaxFamily): string {
  return family !== 'python' ? text.replace(/\/\*[\s\S]*?\*\//g, '') : text;
}

/**
 * The code that can validate what happens in `fn`: the function itself, local helpers it calls, functions
 * in this file that call it, and (JS) the other middleware of the route it is registered on.
 */
export function scopeText(ctx: RuleContext, fn: Node): string {
  if (fn.id === ctx.root.id) return ctx.file.text;
  const parts = [fn.text];
  for (const call of fileModel(ctx).calls) {
    const inside = call.startIndex >= fn.startIndex && call.endIndex <= fn.endIndex;
    const local = ctx.flow.localFunction(call);
    if (inside && local && local.id !== fn.id) parts.push(local.text);
    if (!inside && local && local.id === fn.id) {
      const caller = ctx.flow.scopeOf(call);
      if (caller.id !== ctx.root.id) parts.push(caller.text.slice(0, 20000));
    }
  }
  // A callback inside a route handler (busboy `on('file')`, `form.parse(req, cb)`): the handler around it counts
  // too, but not a wrapper that registers many routes (`module.exports = (app) => {…}`, a Flask app factory).
  if (ctx.file.syntax === 'js') {
    for (let p = fn.parent; p; p = p.parent) {
      if (ctx.syntax.isFunction(p)) {
        if (callbackSite(ctx, p)) parts.push(p.text.slice(0, 20000));
        break;
      }
    }
  }
  const site = ctx.file.syntax === 'js' ? callbackSite(ctx, fn) : undefined;
  if (site && site.key === undefined) {
    for (const a of ctx.syntax.args(site.call)) if (a.id !== fn.id && !ctx.syntax.isFunction(a)) parts.push(`${a.text}(`);
  }
  return parts.join('\n');
}

/** The enclosing function of a node, or the module. */
export function functionAround(ctx: RuleContext, node: Node): Node {
  return ctx.flow.scopeOf(node);
}

// ---------------------------------------------------------------------------------------------------------
// Client-supplied names (upload file names, archive entry names) flowing into a value.

export interface NameHit {
  /** Where the name is read from the request / archive. */
  origin: Node;
  /** The expression to wrap or replace in a fix: the read as it appears inside the path being built. */
  use: Node;
  /** How the name was recognised, for messages. */
  what: string;
}

export type NameMode = 'upload' | 'archive';

const JS_NAME_SANITIZER = /(^|\.)(basename|sanitize|sanitizeFilename|sanitize_filename|filenamify|slugify|slug|randomUUID|v4|v1|v7|uuid|uuidv4|nanoid|randomBytes|createHash|extname|encodeURIComponent|hash|digest|cuid|ulid|shortid|generate)$/i;
const JS_NAME_PASSTHROUGH = /^(join|resolve|normalize|format|concat|toLowerCase|toUpperCase|toLocaleLowerCase|trim|trimStart|trimEnd|String|decodeURIComponent|decodeURI|replace|replaceAll|normalize|padStart|padEnd|toString)$/;
const PY_NAME_SANITIZER = /(^|\.)(secure_filename|basename|get_valid_filename|get_valid_name|slugify|uuid1|uuid4|uuid5|token_hex|token_urlsafe|sanitize_filename|sanitize_filepath|hexdigest|quote)$/;
const PY_NAME_PASSTHROUGH = /^(join|Path|PurePath|PosixPath|WindowsPath|str|lower|upper|strip|lstrip|rstrip|format|replace|normpath|abspath|realpath|expanduser|encode|decode|fspath|joinpath|casefold)$/;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A `.replace(...)` that removes path separators or dot segments is a sanitizer. */
function replaceSanitizes(ctx: RuleContext, call: Node): boolean {
  const args = ctx.syntax.args(call);
  const first = args[0];
  if (!first) return false;
  const t = first.text;
  if (first.type === 'regex') {
    const pattern = first.childForFieldName('pattern')?.text ?? t;
    return /\[\^/.test(pattern) || /\\\/|\\\\|\\\.\\\./.test(pattern) || /[^\\]\//.test(pattern) || /\\W/.test(pattern);
  }
  const s = ctx.syntax.stringValue(first);
  return s !== undefined && (s.includes('/') || s.includes('\\') || s.includes('..'));
}

function isArchiveEntryJs(ctx: RuleContext, node: Node): boolean {
  const e = ctx.syntax.expr(node);
  if (e.kind !== 'identifier') return false;
  const def = ctx.flow.definitionOf(e.name, node);
  if (!def?.param) return false;
  const info = paramInfo(ctx, def.node);
  if (!info) return false;
  return eventOf(ctx, info.fn) === 'entry' && info.index === 0;
}

function isBusboyInfo(ctx: RuleContext, node: Node): boolean {
  const e = ctx.syntax.expr(node);
  if (e.kind !== 'identifier') return false;
  const def = ctx.flow.definitionOf(e.name, node);
  if (!def?.param) return false;
  const info = paramInfo(ctx, def.node);
  return !!info && eventOf(ctx, info.fn) === 'file' && info.index === 2 && info.count <= 3;
}

/** True when express-fileupload is set up in this file with `safeFileNames`, which strips path characters from `file.name`. */
function safeFileNames(ctx: RuleContext): boolean {
  return /safeFileNames\s*:\s*(true|\/)/.test(ctx.file.text);
}

export function clientName(ctx: RuleContext, node: Node, mode: NameMode, depth = 0): NameHit | undefined {
  if (depth > 10) return undefined;
  return ctx.file.syntax === 'js' ? clientNameJs(ctx, node, mode, depth) : clientNamePy(ctx, node, mode, depth);
}

function clientNameJs(ctx: RuleContext, node: Node, mode: NameMode, depth: number): NameHit | undefined {
  const e = ctx.syntax.expr(node);
  switch (e.kind) {
    case 'member': {
      const k = e.key;
      if (mode === 'upload') {
        if (k === 'originalname' || k === 'originalFilename') return { origin: node, use: node, what: `\`${node.text}\`` };
        if (k === 'name' && !safeFileNames(ctx) && isUploadJs(ctx, e.object)) return { origin: node, use: node, what: `\`${node.text}\`` };
        if (k === 'filename' && (isBusboyInfo(ctx, e.object) || /\.hapi$/.test(e.object.text))) return { origin: node, use: node, what: `\`${node.text}\`` };
      } else {
        if (k === 'entryName') return { origin: node, use: node, what: `the archive entry name \`${node.text}\`` };
        if (/^(path|name|fileName)$/.test(k) && isArchiveEntryJs(ctx, e.object)) return { origin: node, use: node, what: `the archive entry name \`${node.text}\`` };
      }
      return undefined;
    }
    case 'identifier': {
      const def = ctx.flow.definitionOf(e.name, node);
      if (!def) return undefined;
      if (def.param) {
        const info = paramInfo(ctx, def.node);
        if (!info) return undefined;
        const event = eventOf(ctx, info.fn);
        if (mode === 'upload' && event === 'file' && info.index === 2) {
          // busboy 1.x `(name, stream, { filename })`, busboy 0.x `(field, stream, filename, encoding, mime)`
          if (def.key === 'filename' || (def.key === undefined && info.count >= 4)) return { origin: def.node, use: node, what: `\`${e.name}\`` };
        }
        if (mode === 'upload' && def.key === undefined && depth < 6) {
          const viaCaller = fromCallers(ctx, def.node, mode, depth);
          if (viaCaller) return viaCaller;
        }
        if (mode === 'archive' && info.index === 0) {
          const site = callbackSite(ctx, info.fn);
          if (site && /(^|\.)forEach$/.test(callPaths(ctx, site.call).written) && /zip/i.test(receiverOf(ctx, site.call)?.text ?? '')) return { origin: def.node, use: node, what: `the archive entry name \`${e.name}\`` };
          if (event === 'entry' && def.key && /^(path|name|fileName)$/.test(def.key)) return { origin: def.node, use: node, what: `the archive entry name \`${e.name}\`` };
        }
        return undefined;
      }
      if (def.key !== undefined && def.value) {
        if (mode === 'upload') {
          if (def.key === 'originalname' || def.key === 'originalFilename') return { origin: def.node, use: node, what: `\`${e.name}\`` };
          if (def.key === 'name' && !safeFileNames(ctx) && isUploadJs(ctx, def.value)) return { origin: def.node, use: node, what: `\`${e.name}\`` };
          if (def.key === 'filename' && isBusboyInfo(ctx, def.value)) return { origin: def.node, use: node, what: `\`${e.name}\`` };
        } else if (def.key === 'entryName') return { origin: def.node, use: node, what: `the archive entry name \`${e.name}\`` };
        return undefined;
      }
      if (!def.value || def.value.id === node.id) return undefined;
      const hit = clientNameJs(ctx, def.value, mode, depth + 1);
      if (!hit) return undefined;
      return hit.use.id === def.value.id ? { ...hit, use: node } : hit;
    }
    case 'call': {
      const name = lastName(e.path);
      if (JS_NAME_SANITIZER.test(e.path) || JS_NAME_SANITIZER.test(name)) return undefined;
      if (JS_NAME_PASSTHROUGH.test(name)) {
        if ((name === 'replace' || name === 'replaceAll') && replaceSanitizes(ctx, node)) return undefined;
        for (const part of [...(e.receiver ? [e.receiver] : []), ...e.args]) {
          const hit = clientNameJs(ctx, part, mode, depth + 1);
          if (hit) return hit;
        }
        return undefined;
      }
      const local = ctx.flow.localFunction(node);
      if (local && !/basename|sanitize|secure|uuid|random|slug|hash/i.test(local.text)) {
        const params = paramsOf(ctx, local).map((p) => p.text);
        const returns = ctx.syntax.returns(local);
        if (returns.some((r) => params.some((p) => new RegExp(`\\b${escapeRe(p)}\\b`).test(r.text)))) {
          for (const a of e.args) {
            const hit = clientNameJs(ctx, a, mode, depth + 1);
            if (hit) return hit;
          }
        }
      }
      return undefined;
    }
    case 'union':
      for (const part of e.parts) {
        const hit = clientNameJs(ctx, part, mode, depth + 1);
        if (hit) return hit;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** A parameter of a local helper: the client name passed for it by a caller in this file (`save(f, f.filename)`). */
function fromCallers(ctx: RuleContext, paramNode: Node, mode: NameMode, depth: number): NameHit | undefined {
  for (const arg of callerArgs(ctx, paramNode)) {
    const hit = clientName(ctx, arg, mode, depth + 2);
    if (hit) return hit;
  }
  return undefined;
}

function isZipInfoPy(ctx: RuleContext, node: Node, attr: string): boolean {
  const e = ctx.syntax.expr(node);
  if (e.kind === 'call') return (attr === 'filename' && e.name === 'getinfo') || (attr === 'name' && e.name === 'getmember');
  if (e.kind !== 'identifier') return false;
  const def = ctx.flow.definitionOf(e.name, node);
  if (!def?.value || def.param) return false;
  const v = def.value;
  const ve = ctx.syntax.expr(v);
  if (ve.kind === 'call') {
    if (attr === 'filename') return /^(infolist|getinfo)$/.test(ve.name);
    if (attr === 'name') return /^(getmembers|getmember|next)$/.test(ve.name) || (isTarObject(ctx, v));
  }
  if (attr === 'name' && ve.kind === 'identifier') return isTarObject(ctx, v);
  return false;
}

/** A `tarfile` archive object: `tarfile.open(...)`, `TarFile(...)`, or a name bound to one. */
export function isTarObject(ctx: RuleContext, node: Node, depth = 0): boolean {
  if (depth > 6) return false;
  if (ctx.syntax.isCall(node)) return /^tarfile\.(open|TarFile|TarFile\.open|TarFile\.gzopen|TarFile\.bz2open|TarFile\.xzopen|TarFile\.taropen)$/.test(callPaths(ctx, node).resolved);
  const e = ctx.syntax.expr(node);
  if (e.kind === 'identifier') {
    const def = ctx.flow.definitionOf(e.name, node);
    if (def?.value && !def.param && def.value.id !== node.id) return isTarObject(ctx, def.value, depth + 1);
    return false;
  }
  if (e.kind === 'member') {
    // `self._archive` assigned in this class's `__init__` from tarfile.open(...)
    let cls: Node | null = node.parent;
    while (cls && cls.type !== 'class_definition') cls = cls.parent;
    const re = new RegExp(`${escapeRe(node.text)}\\s*=\\s*tarfile\\.(open|TarFile)`);
    return re.test(cls ? cls.text : ctx.file.text);
  }
  if (e.kind === 'union' && e.parts.length === 1) return isTarObject(ctx, e.parts[0], depth + 1);
  return false;
}

function clientNamePy(ctx: RuleContext, node: Node, mode: NameMode, depth: number): NameHit | undefined {
  const e = ctx.syntax.expr(node);
  if (node.type === 'binary_operator') {
    const op = node.childForFieldName('operator')?.text;
    if (op === '/' || op === '+' || op === '%') {
      for (const side of [node.childForFieldName('left'), node.childForFieldName('right')]) {
        const hit = side ? clientNamePy(ctx, side, mode, depth + 1) : undefined;
        if (hit) return hit;
      }
    }
    return undefined;
  }
  switch (e.kind) {
    case 'member': {
      const k = e.key;
      if (mode === 'upload') {
        if (k === 'filename' && isUploadPy(ctx, e.object)) return { origin: node, use: node, what: `\`${node.text}\`` };
        if (k === 'name' && isDjangoUpload(ctx, e.object)) return { origin: node, use: node, what: `\`${node.text}\`` };
      } else if ((k === 'filename' || k === 'name') && isZipInfoPy(ctx, e.object, k)) {
        return { origin: node, use: node, what: `the archive entry name \`${node.text}\`` };
      }
      return undefined;
    }
    case 'identifier': {
      const def = ctx.flow.definitionOf(e.name, node);
      if (def?.param && depth < 6) return fromCallers(ctx, def.node, mode, depth);
      if (!def || def.param || !def.value || def.value.id === node.id) return undefined;
      if (mode === 'archive') {
        const ve = ctx.syntax.expr(def.value);
        if (ve.kind === 'call' && /^(namelist|getnames)$/.test(ve.name) && def.node.parent?.type !== 'assignment') return { origin: def.node, use: node, what: `the archive entry name \`${e.name}\`` };
      }
      const hit = clientNamePy(ctx, def.value, mode, depth + 1);
      if (!hit) return undefined;
      return hit.use.id === def.value.id ? { ...hit, use: node } : hit;
    }
    case 'call': {
      const name = lastName(e.path);
      if (PY_NAME_SANITIZER.test(e.path) || PY_NAME_SANITIZER.test(name)) return undefined;
      if (PY_NAME_PASSTHROUGH.test(name)) {
        if (name === 'replace' && replaceSanitizes(ctx, node)) return undefined;
        for (const part of [...(e.receiver && name !== 'join' ? [e.receiver] : []), ...e.args]) {
          const hit = clientNamePy(ctx, part, mode, depth + 1);
          if (hit) return hit;
        }
        return undefined;
      }
      const local = ctx.flow.localFunction(node);
      if (local && !/secure_filename|basename|uuid|token_|slugify|get_valid/.test(local.text)) {
        const params = paramsOf(ctx, local).map((p) => p.text);
        const returns = ctx.syntax.returns(local);
        if (returns.some((r) => params.some((p) => new RegExp(`\\b${escapeRe(p)}\\b`).test(r.text)))) {
          for (const a of e.args) {
            const hit = clientNamePy(ctx, a, mode, depth + 1);
            if (hit) return hit;
          }
        }
      }
      return undefined;
    }
    case 'union':
      for (const part of e.parts) {
        const hit = clientNamePy(ctx, part, mode, depth + 1);
        if (hit) return hit;
      }
      return undefined;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Write sinks: where a path is written to.

export interface WriteSink {
  call: Node;
  /** The destination path argument (or receiver for `Path.write_bytes`). */
  dest: Node;
  /** The data written, when it is an argument. */
  data?: Node;
  label: string;
}

const JS_WRITE_DEST0 = /^(writeFile|writeFileSync|createWriteStream|appendFile|appendFileSync|outputFile|outputFileSync|writeJson|outputJson|open|openSync)$/;
const JS_WRITE_DEST1 = /^(rename|renameSync|copyFile|copyFileSync|move|moveSync|copy|copySync|cp|cpSync)$/;
const JS_FS = /^(fs|node:fs|fs\/promises|node:fs\/promises|fs-extra|graceful-fs|fs\.promises|node:fs\.promises)(\.|$)|^(fs|fsp|fse|fsExtra|fsPromises|promises|fs\.promises|this\.fs)\./;

/** A callee path for messages: `(dir / name).write_bytes` is shown as `.write_bytes`. */
export function calleeLabel(written: string): string {
  return written.includes('?') ? `.${lastName(written)}` : written;
}

export function writeSinks(ctx: RuleContext): readonly WriteSink[] {
  const model = fileModel(ctx);
  if (model.writeSinks) return model.writeSinks;
  const out: WriteSink[] = [];
  const js = ctx.file.syntax === 'js';
  for (const call of callsWithPath(ctx, js ? mayBeJsSink : mayBePySink, 'sink')) {
    const s = js ? jsSink(ctx, call) : pySink(ctx, call);
    if (s) out.push(s);
  }
  model.writeSinks = out;
  return out;
}

function jsFsish(p: { written: string; resolved: string }): boolean {
  return JS_FS.test(p.resolved) || JS_FS.test(p.written) || /^(fs|fs-extra|fs\/promises|node:fs|node:fs\/promises)\./.test(p.resolved);
}

/** Most calls of a file are no write: decided from the callee path alone, before looking at arguments. */
function mayBeJsSink(p: { written: string; resolved: string }): boolean {
  const name = lastName(p.written);
  return name === 'mv' || name === 'toFile' || jsFsish(p);
}

function jsSink(ctx: RuleContext, call: Node): WriteSink | undefined {
  const p = callPaths(ctx, call);
  const name = lastName(p.written);
  const fsish = jsFsish(p);
  if (!fsish && name !== 'mv' && name !== 'toFile') return undefined;
  const args = ctx.syntax.args(call);
  if (name === 'mv' && args[0] && receiverOf(ctx, call)) return { call, dest: args[0], label: `\`${calleeLabel(p.written)}\`` };
  if (name === 'toFile' && args[0]) return { call, dest: args[0], label: `\`${calleeLabel(p.written)}\`` };
  if (!fsish) return undefined;
  if (JS_WRITE_DEST0.test(name) && args[0]) {
    if (/^open(Sync)?$/.test(name)) {
      const flags = args[1] ? ctx.syntax.stringValue(args[1]) : undefined;
      if (!flags || !/[wax+]/.test(flags)) return undefined;
    }
    return { call, dest: args[0], data: args[1], label: `\`${calleeLabel(p.written)}\`` };
  }
  if (JS_WRITE_DEST1.test(name) && args[1]) return { call, dest: args[1], data: args[0], label: `\`${calleeLabel(p.written)}\`` };
  return undefined;
}

function pyOpens(p: { written: string; resolved: string }): boolean {
  return /^(open|io\.open|codecs\.open|aiofiles\.open|os\.open)$/.test(p.resolved) || /^(open|aiofiles\.open)$/.test(p.written);
}

function pyMoves(p: { written: string; resolved: string }): boolean {
  return /^shutil\.(copy|copy2|copyfile|move|copytree)$/.test(p.resolved) || /^os\.(rename|replace|renames)$/.test(p.resolved);
}

/** Most calls of a file are no write: decided from the callee path alone, before looking at arguments and receiver. */
function mayBePySink(p: { written: string; resolved: string }): boolean {
  const name = lastName(p.written);
  return name === 'save' || name === 'write_bytes' || name === 'write_text' || name === 'open' || pyOpens(p) || pyMoves(p);
}

function pySink(ctx: RuleContext, call: Node): WriteSink | undefined {
  const p = callPaths(ctx, call);
  const name = lastName(p.written);
  const opens = pyOpens(p);
  const moves = pyMoves(p);
  if (!opens && !moves && name !== 'save' && name !== 'write_bytes' && name !== 'write_text' && name !== 'open') return undefined;
  const args = ctx.syntax.args(call);
  const recv = receiverOf(ctx, call);
  if (name === 'save' && recv && isUploadPy(ctx, recv)) {
    const dest = args[0] ?? ctx.syntax.kwarg(call, 'dst');
    return dest ? { call, dest, data: recv, label: `\`${calleeLabel(p.written)}\`` } : undefined;
  }
  if (opens) {
    const dest = args[0] ?? ctx.syntax.kwarg(call, 'file');
    const modeNode = args[1] ?? ctx.syntax.kwarg(call, 'mode');
    const mode = modeNode ? ctx.syntax.stringValue(modeNode) : undefined;
    if (p.resolved === 'os.open') {
      if (!modeNode || !/O_WRONLY|O_RDWR|O_CREAT/.test(modeNode.text)) return undefined;
    } else if (!mode || !/[wax+]/.test(mode)) return undefined;
    return dest ? { call, dest, label: `\`${calleeLabel(p.written)}\`` } : undefined;
  }
  if (moves) {
    const dest = args[1] ?? ctx.syntax.kwarg(call, 'dst');
    return dest ? { call, dest, data: args[0], label: `\`${calleeLabel(p.written)}\`` } : undefined;
  }
  if (/^(write_bytes|write_text)$/.test(name) && recv) return { call, dest: recv, data: args[0], label: `\`${calleeLabel(p.written)}\`` };
  if (name === 'open' && recv && args[0]) {
    const mode = ctx.syntax.stringValue(args[0]);
    if (mode && /[wax+]/.test(mode)) return { call, dest: recv, label: `\`${calleeLabel(p.written)}\`` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Static directory values: `path.join(__dirname, 'public', 'uploads')` -> `public/uploads`.

export interface DirValue {
  /** Normalised path: relative to the project / app root, or absolute (starting with `/`). */
  path: string;
  /** False when a dynamic part follows: `path` is then only a prefix. */
  complete: boolean;
}

const JS_ROOTS = /^(__dirname|process\.cwd\(\)|import\.meta\.dirname|__filename|appRoot|APP_ROOT|ROOT_DIR|rootDir|projectRoot|PROJECT_ROOT|BASE_DIR|baseDir)$/;
const PY_ROOTS = /^(app\.root_path|current_app\.root_path|self\.root_path|os\.getcwd\(\)|BASE_DIR|basedir|base_dir|BASEDIR|APP_ROOT|ROOT_DIR|PROJECT_ROOT|HERE|here|APP_DIR)$/;

export function normalisePath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split(/[\\/]+/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  const trailing = /[\\/]$/.test(p) && out.length > 0 ? '/' : '';
  return (abs ? '/' : '') + out.join('/') + trailing;
}

function joinValues(parts: DirValue[]): DirValue {
  let path = '';
  let first = true;
  for (const part of parts) {
    path = first || path === '' ? part.path : `${path}/${part.path}`;
    first = false;
    // A dynamic part starts a new segment when it has no static text of its own: keep the separator.
    if (!part.complete) return { path: normalisePath(path), complete: false };
  }
  return { path: normalisePath(path), complete: true };
}

/** The directory of a file path value (`public/uploads/x.png` -> `public/uploads`); for a prefix, the directory it is certainly in. */
export function fileDir(v: DirValue): string | undefined {
  if (!v.complete && v.path.endsWith('/')) return v.path.slice(0, -1);
  const i = v.path.lastIndexOf('/');
  if (i < 0) return v.complete || v.path === '' ? (v.complete ? '' : undefined) : '';
  return v.path.slice(0, i);
}

/** A directory value: complete, or the directory its static prefix is certainly in. */
export function dirOf(v: DirValue): string | undefined {
  if (v.complete) return v.path;
  return fileDir(v);
}

function concatValues(parts: DirValue[]): DirValue {
  let path = '';
  // `__dirname + '/uploads/'`: the root marker is the empty path, and what follows is relative to it.
  const rooted = parts.length > 1 && parts[0].complete && parts[0].path === '';
  const norm = (p: string) => normalisePath(rooted ? p.replace(/^[\\/]+/, '') : p);
  for (const part of parts) {
    path += part.path;
    if (!part.complete) return { path: norm(path), complete: false };
  }
  return { path: norm(path), complete: true };
}

/** Evaluates a directory / file path expression as far as it is static. */
export function dirValue(ctx: RuleContext, node: Node, depth = 0): DirValue {
  const unknown: DirValue = { path: '', complete: false };
  if (depth > 8) return unknown;
  const text = node.text;
  const roots = ctx.file.syntax === 'js' ? JS_ROOTS : PY_ROOTS;
  const c = chain(ctx, node);
  if (c && roots.test(c)) return { path: '', complete: true };
  if (ctx.file.syntax === 'python' && /^(os\.path\.(dirname|abspath|realpath)\(.*__file__.*\)|Path\(__file__\)(\.resolve\(\))?\.parent(\.parent)?)$/.test(text.replace(/\s+/g, ''))) return { path: '', complete: true };
  if (ctx.file.syntax === 'python' && c && /^(app|current_app|self\.app|self)\.static_folder$/.test(c)) {
    const app = callsMatching(ctx, /^(flask\.)?Flask$/)[0];
    const folder = app ? ctx.syntax.kwarg(app, 'static_folder') : undefined;
    const name = folder ? ctx.syntax.stringValue(folder) : 'static';
    return name !== undefined ? { path: name, complete: true } : unknown;
  }
  const s = ctx.syntax.stringValue(node);
  if (s !== undefined) return { path: s, complete: true };
  const e = ctx.syntax.expr(node);
  if (node.type === 'template_string' || (node.type === 'string' && e.kind === 'union')) {
    // Template / f-string: static text and substitutions in order.
    const parts: DirValue[] = [];
    for (const ch of named(node)) {
      if (ch.type === 'string_fragment' || ch.type === 'string_content' || ch.type === 'escape_sequence') parts.push({ path: ch.text, complete: true });
      else if (ch.type === 'template_substitution' || ch.type === 'interpolation') {
        const inner = named(ch)[0];
        parts.push(inner ? dirValue(ctx, inner, depth + 1) : unknown);
      }
    }
    return concatValues(parts);
  }
  if (node.type === 'binary_expression' || node.type === 'binary_operator') {
    const op = node.childForFieldName('operator')?.text;
    const l = node.childForFieldName('left');
    const r = node.childForFieldName('right');
    if (!l || !r) return unknown;
    if (op === '+') return concatValues([dirValue(ctx, l, depth + 1), dirValue(ctx, r, depth + 1)]);
    if (op === '/' && ctx.file.syntax === 'python') return joinValues([dirValue(ctx, l, depth + 1), dirValue(ctx, r, depth + 1)]);
    return unknown;
  }
  if (e.kind === 'call') {
    const p = callPaths(ctx, node);
    const name = lastName(p.written);
    if (/^(path\.)?(join|resolve)$|^(os\.path\.join|path\.posix\.join)$/.test(p.resolved) || /^(path|os\.path|posixpath)\.(join|resolve)$/.test(p.written)) return joinValues(e.args.map((a) => dirValue(ctx, a, depth + 1)));
    if (/^(Path|PurePath|pathlib\.Path)$/.test(p.written) && e.args.length > 0) return joinValues(e.args.map((a) => dirValue(ctx, a, depth + 1)));
    if (name === 'joinpath' && e.receiver) return joinValues([dirValue(ctx, e.receiver, depth + 1), ...e.args.map((a) => dirValue(ctx, a, depth + 1))]);
    if (/^(abspath|realpath|normpath|resolve|fspath|str)$/.test(name) && e.args.length === 1) return dirValue(ctx, e.args[0], depth + 1);
    if (name === 'resolve' && e.receiver && e.args.length === 0) return dirValue(ctx, e.receiver, depth + 1);
    // app.config.get('UPLOAD_FOLDER')
    if (name === 'get' && e.receiver && /config$/i.test(e.receiver.text) && e.args[0]) {
      const key = ctx.syntax.stringValue(e.args[0]);
      return key ? configValue(ctx, key, depth) : unknown;
    }
    return unknown;
  }
  if (e.kind === 'identifier') {
    const def = ctx.flow.definitionOf(e.name, node);
    if (def?.value && !def.key && !def.param && def.value.id !== node.id) return dirValue(ctx, def.value, depth + 1);
    return unknown;
  }
  if (e.kind === 'member') {
    // app.config['UPLOAD_FOLDER'], settings.UPLOAD_DIR, config.uploadDir
    if (/config$/i.test(e.object.text) || /^(settings|config|conf|cfg)$/.test(e.object.text)) {
      const v = configValue(ctx, e.key, depth);
      if (v.complete || v.path) return v;
    }
    const obj = ctx.flow.objectLiteralOf(e.object);
    const v = obj && ctx.syntax.property(obj, e.key);
    if (v) return dirValue(ctx, v, depth + 1);
    return unknown;
  }
  if (e.kind === 'union' && e.parts.length === 1) return dirValue(ctx, e.parts[0], depth + 1);
  return unknown;
}

/** A configuration key set in this file: `app.config['K'] = v`, `config.update(K=v)`, `K = v` (module or class). */
export function configValue(ctx: RuleContext, key: string, depth = 0): DirValue {
  const v = configNode(ctx, key);
  return v ? dirValue(ctx, v, depth + 1) : { path: '', complete: false };
}

export function configNode(ctx: RuleContext, key: string): Node | undefined {
  // Every left side it accepts holds the key: without it in the text, nothing is looked at (a walk of the whole tree).
  if (!ctx.file.text.includes(key)) return undefined;
  const member = new RegExp(`(\\.|\\[['"])${escapeRe(key)}(['"]\\])?$`);
  for (const { left: lt, value } of configEntries(ctx)) {
    if (lt === key || lt === `'${key}'` || lt === `"${key}"` || member.test(lt)) return value;
  }
  return undefined;
}

/** Per file: every assignment, pair and keyword argument with the text of its left side (configNode is asked for several keys). */
const CONFIG_ENTRIES = new WeakMap<object, { left: string; value: Node }[]>();

function configEntries(ctx: RuleContext): { left: string; value: Node }[] {
  let entries = CONFIG_ENTRIES.get(ctx.flow);
  if (!entries) {
    entries = [];
    const types = ctx.file.syntax === 'js' ? ['assignment_expression', 'pair', 'variable_declarator'] : ['assignment', 'keyword_argument', 'pair'];
    for (const n of ctx.root.descendantsOfType(types).filter(nonNull)) {
      const left = n.childForFieldName('left') ?? n.childForFieldName('key') ?? n.childForFieldName('name');
      const value = n.childForFieldName('right') ?? n.childForFieldName('value');
      if (left && value) entries.push({ left: left.text, value });
    }
    CONFIG_ENTRIES.set(ctx.flow, entries);
  }
  return entries;
}

/** Is `dir` inside (or equal to) the served directory? Leading `..` segments are ignored on both sides. */
export function isInside(dir: string, served: string): boolean {
  const strip = (p: string) => p.replace(/^(\.\.\/)+/, '').replace(/\/$/, '');
  const d = strip(dir);
  const s = strip(served);
  if (s === '' || s === '/') return !d.startsWith('/') || s === '/';
  return d === s || d.startsWith(`${s}/`) || (d.startsWith('/') && !s.startsWith('/') && (d.includes(`/${s}/`) || d.endsWith(`/${s}`)));
}

// ---------------------------------------------------------------------------------------------------------
// Quick-fix helpers: imports.

export interface InsertEdit {
  start: number;
  end: number;
  newText: string;
}

/** The local name under which a module is imported (`path` for `const path = require('path')`). */
export function importedName(ctx: RuleContext, modules: RegExp): string | undefined {
  for (const [local, mod] of ctx.flow.imports) if (modules.test(mod)) return local;
  return undefined;
}

/** An edit adding `lines` after the last top-level import / require (or at the top of the file). */
export function importEdit(ctx: RuleContext, lines: string[]): InsertEdit | undefined {
  if (lines.length === 0) return undefined;
  let last: Node | undefined;
  for (const stmt of named(ctx.root)) {
    if (ctx.file.syntax === 'js') {
      if (stmt.type === 'import_statement' || ((stmt.type === 'lexical_declaration' || stmt.type === 'variable_declaration') && /^\s*(const|let|var)\s+[^=]+=\s*require\(/.test(stmt.text))) last = stmt;
    } else if (stmt.type === 'import_statement' || stmt.type === 'import_from_statement' || stmt.type === 'future_import_statement') last = stmt;
  }
  if (last) return { start: last.endIndex, end: last.endIndex, newText: lines.map((l) => `\n${l}`).join('') };
  // Python: after a module docstring.
  const first = named(ctx.root)[0];
  if (ctx.file.syntax === 'python' && first?.type === 'expression_statement' && named(first)[0]?.type === 'string') {
    return { start: first.endIndex, end: first.endIndex, newText: lines.map((l) => `\n${l}`).join('') };
  }
  return { start: 0, end: 0, newText: lines.map((l) => `${l}\n`).join('') };
}

/** True when the JS file uses ES module imports. */
export function usesEsm(ctx: RuleContext): boolean {
  return named(ctx.root).some((s) => s.type === 'import_statement');
}

/** The statement that holds a node (its ancestor that is a direct child of a block / module / program). */
export function statementOf(node: Node): Node {
  let n = node;
  while (n.parent && !/^(program|module|block|statement_block|class_body)$/.test(n.parent.type)) n = n.parent;
  return n;
}

/** Indentation (leading whitespace) of the line a node starts on. */
export function indentOf(ctx: RuleContext, node: Node): string {
  const text = ctx.file.text;
  const lineStart = text.lastIndexOf('\n', node.startIndex - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

/** Evaluates simple numeric expressions such as `5 * 1024 * 1024`, `16_000_000` or `Infinity`; undefined when unknown. */
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
    const a = l ? numericValue(ctx, l, depth + 1) : undefined;
    const b = r ? numericValue(ctx, r, depth + 1) : undefined;
    if (a === undefined || b === undefined) return undefined;
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
    if (node.text === 'Infinity') return Infinity;
    const def = ctx.flow.definitionOf(node.text, node);
    return def?.value && !def.key && !def.param ? numericValue(ctx, def.value, depth + 1) : undefined;
  }
  if (t === 'member_expression' && /^Number\.(MAX_SAFE_INTEGER|MAX_VALUE|POSITIVE_INFINITY)$/.test(node.text)) return Infinity;
  if (t === 'attribute' && /^(math\.inf|sys\.maxsize)$/.test(node.text)) return Infinity;
  if (t === 'call' && /^float\(\s*['"]inf/.test(node.text)) return Infinity;
  return undefined;
}

/** `'50mb'`, `'1.5 GB'`, `1048576`: a size in bytes (the `bytes` package's units, 1024-based); undefined when unknown. */
export function sizeValue(ctx: RuleContext, node: Node): number | undefined {
  const s = ctx.flow.staticString(node);
  if (s !== undefined) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|pb)?\s*$/i.exec(s);
    if (!m) return undefined;
    const unit = (m[2] ?? 'b').toLowerCase();
    const mult: Record<string, number> = { b: 1, kb: 1024, mb: MB, gb: MB * 1024, tb: MB * MB, pb: MB * MB * 1024 };
    return Number(m[1]) * mult[unit];
  }
  return numericValue(ctx, node);
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return 'unlimited';
  if (n >= MB * 1024) return `${Math.round((n / MB / 1024) * 10) / 10} GB`;
  return n >= MB ? `${Math.round((n / MB) * 10) / 10} MB` : n >= 1024 ? `${Math.round((n / 1024) * 10) / 10} KB` : `${n} bytes`;
}

/**
 * Zip slip: reports where an archive entry's own name (`name`, read inside the function `fn`) reaches an argument of
 * a path builder (`pathBuilders`, matched against callee paths), directly or through a local variable.
 */
export function reportEntryNameInPath(ctx: RuleContext, name: Node, fn: Node, pathBuilders: RegExp): void {
  let use: Node | undefined;
  walk(fn, (n) => {
    if (use) return false;
    if (ctx.syntax.isCall(n) && pathBuilders.test(ctx.syntax.calleePath(n))) {
      for (const a of ctx.syntax.args(n)) {
        if (a.startIndex <= name.startIndex && name.endIndex <= a.endIndex) use = name;
        else if (a.type === 'identifier') {
          const def = ctx.flow.definitionOf(a.text, a);
          if (def?.value && def.value.startIndex <= name.startIndex && name.endIndex <= def.value.endIndex) use = a;
        }
      }
    }
    return true;
  });
  if (!use) return;
  ctx.report({
    node: use,
    message: `The archive entry's own name (\`${name.text}\`) builds the path it is extracted to, with no check that the full path stays inside the target folder: an entry named \`../../x\` writes anywhere (zip slip).`,
    confidence: inTests(ctx, 'high', 'low'),
    related: use.id !== name.id ? [{ node: name, message: 'The entry name is read here.' }] : [],
    fingerprintKey: `${name.text} zip slip`,
  });
}

/** Confidence lowered for test and benchmark code (no real client sends these uploads). */
export function inTests<T extends string>(ctx: RuleContext, normal: T, low: T): T {
  return ctx.file.isTestPath || /(^|\/)(bench|benchmarks?|perf)(\/|$)/i.test(ctx.file.path) ? low : normal;
}

// ---------------------------------------------------------------------------------------------------------
// multer instances: how they are used, and whether anything restricts the type of what they accept.

/** A filter function that never looks at the file (`(req, file, cb) => cb(null, true)`) accepts everything. */
export function isPermissiveFilter(ctx: RuleContext, fn: Node, fileIndex: number): boolean {
  const params = paramsOf(ctx, fn);
  const body = fn.childForFieldName('body');
  if (!body) return false;
  const file = params[fileIndex];
  if (!file) return !/mime|ext|name|type/i.test(body.text);
  if (file.type !== 'identifier') return false;
  return !new RegExp(`\\b${escapeRe(file.text)}\\b`).test(body.text);
}

export interface MulterUse {
  /** Methods called on the instance: `single`, `array`, `fields`, `any`, `none`. */
  methods: Set<string>;
  /** Route handlers registered after the instance's middleware. */
  handlers: Node[];
  /** False when the instance leaves the file (exported) or is used in ways we do not follow. */
  followed: boolean;
}

export function multerUses(ctx: RuleContext, call: Node): MulterUse {
  const use: MulterUse = { methods: new Set(), handlers: [], followed: true };
  const middlewares: Node[] = [];
  const parent = call.parent;
  if (parent?.type === 'member_expression') {
    use.methods.add(parent.childForFieldName('property')?.text ?? '');
    if (parent.parent && ctx.syntax.isCall(parent.parent)) middlewares.push(parent.parent);
  }
  const decl = parent?.type === 'variable_declarator' ? parent.childForFieldName('name') : parent?.type === 'assignment_expression' ? parent.childForFieldName('left') : undefined;
  if (decl && /^[\w$.]+$/.test(decl.text)) {
    for (const c of fileModel(ctx).calls) {
      const w = callPaths(ctx, c).written;
      if (w.startsWith(`${decl.text}.`)) {
        use.methods.add(lastName(w));
        middlewares.push(c);
      }
    }
    const n = escapeRe(decl.text);
    if (new RegExp(`(module\\.)?exports(\\.\\w+)?\\s*=.*\\b${n}\\b|export\\s+(default\\s+${n}\\b|(const|let|var)\\s+${n}\\b|\\{[^}]*\\b${n}\\b[^}]*\\})`).test(ctx.file.text)) use.followed = false;
  } else if (parent?.type !== 'member_expression') use.followed = false;
  for (const mw of middlewares) {
    const args = mw.parent;
    if (args?.type !== 'arguments') {
      use.followed = false;
      continue;
    }
    for (const a of named(args)) {
      const fn = functionOf(ctx, a);
      if (fn) use.handlers.push(fn);
    }
  }
  if (middlewares.length === 0) use.followed = false;
  return use;
}

/** multer accepts only some types: a real `fileFilter`, or a type check in every route that uses the instance. */
export function multerRestricted(ctx: RuleContext, options: Node | null): { restricted: boolean; permissiveFilter?: Node } {
  const filter = prop(ctx, options, 'fileFilter');
  if (filter) {
    const fn = functionOf(ctx, filter);
    if (fn && isPermissiveFilter(ctx, fn, 1)) return { restricted: false, permissiveFilter: filter };
    return { restricted: true };
  }
  return { restricted: false };
}

export function multerHandlersCheck(ctx: RuleContext, use: MulterUse): boolean {
  if (!use.followed || use.handlers.length === 0) return fileHasTypeCheck(ctx);
  return use.handlers.every((h) => hasTypeCheck(scopeText(ctx, h), 'js'));
}
