/**
 * PHP uploads: `$_FILES` with `move_uploaded_file`, and Laravel's `$request->file(…)` with `store` / `storeAs` /
 * `move`. The checks: the client's name (`$_FILES[…]['name']`, `getClientOriginalName()`) in the saved path, no
 * extension / MIME allow-list (or a Laravel `mimes:` rule), no size check (or a `max:` rule).
 */
import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext } from '../../core/rule';
import { walk } from '../../core/syntax';
import { hasTypeCheck, inTests } from './shared';

interface PhpStore {
  /** `move_uploaded_file(…)`, `$file->store(…)`, `->storeAs(…)`, `->move(…)`. */
  call: Node;
  /** The function (or file) it is in. */
  scope: Node;
  laravel: boolean;
}

const SIZE_CHECK = /\['size'\]|\["size"\]|->getSize\(|\bfilesize\(|['"|]max:|['"|](size|between):|->max\(|MAX_FILE_SIZE|upload_max_filesize/;
const NAME_SANITIZERS = /^(basename|preg_replace|uniqid|bin2hex|md5|sha1|hash|Str\.random|Str\.uuid|Str\.slug|random_bytes|time|sanitize\w*|hashName)$/;
const CLIENT_NAME = /\[\s*['"]name['"]\s*\]$|->getClientOriginalName\(\)$/;

function named(node: Node | null | undefined): Node[] {
  return node ? node.namedChildren.filter((c): c is Node => c !== null) : [];
}

function scopeOf(ctx: RuleContext, node: Node): Node {
  return ctx.flow.scopeOf(node);
}

export function stores(ctx: RuleContext): PhpStore[] {
  const key = 'php-upload-stores';
  const cached = ctx.state.get(key) as PhpStore[] | undefined;
  if (cached) return cached;
  const out: PhpStore[] = [];
  for (const call of ctx.root.descendantsOfType(['function_call_expression', 'member_call_expression'])) {
    if (!call) continue;
    if (call.type === 'function_call_expression') {
      if (!/^move_uploaded_file$/i.test(ctx.syntax.calleePath(call))) continue;
      const scope = scopeOf(ctx, call);
      // An upload wrapper (PSR-7 / Symfony `UploadedFile::moveTo`) moves what its caller validated: only code that reads $_FILES.
      if (!/\$_FILES\b/.test(scope.id === ctx.root.id ? ctx.file.text : scope.text)) continue;
      out.push({ call, scope, laravel: false });
      continue;
    }
    const e = ctx.syntax.expr(call);
    if (e.kind !== 'call' || !e.receiver || !/^(store|storeAs|storePublicly|storePubliclyAs|move)$/.test(e.name)) continue;
    // `$request->file('x')->store(…)`, `$file->store(…)` where `$file = $request->file('x')`.
    const recv = e.receiver;
    let upload = /->file\(|->allFiles\(|UploadedFile/.test(recv.text);
    if (!upload && recv.type === 'variable_name') {
      const def = ctx.flow.definitionOf(recv.text.replace(/^\$/, ''), recv);
      upload = !!def?.value && /->file\(|->allFiles\(|->files->get\(/.test(def.value.text);
      if (!upload && def?.param) upload = /UploadedFile/.test(def.node.parent?.text ?? '');
    }
    if (upload) out.push({ call, scope: scopeOf(ctx, call), laravel: true });
  }
  ctx.state.set(key, out);
  return out;
}

export function scopeText(ctx: RuleContext, scope: Node): string {
  // A controller method validates with $request->validate([...]) or a FormRequest class in another file.
  return scope.id === ctx.root.id ? ctx.file.text : scope.text;
}

/** A type-hinted FormRequest (`StoreAvatarRequest $request`): its rules live in another file. */
export function formRequest(scope: Node): boolean {
  const params = scope.childForFieldName('parameters');
  return named(params).some((p) => /\w+Request\b/.test(p.childForFieldName('type')?.text ?? '') && !/^\\?(Illuminate\\Http\\)?Request$/.test(p.childForFieldName('type')?.text ?? ''));
}

export function phpUnrestrictedType(ctx: RuleContext): void {
  const seen = new Set<number>();
  for (const s of stores(ctx)) {
    if (seen.has(s.scope.id)) continue;
    seen.add(s.scope.id);
    if (formRequest(s.scope) || hasTypeCheck(scopeText(ctx, s.scope), 'php')) continue;
    ctx.report({
      node: s.call,
      message: s.laravel
        ? `The uploaded file is stored by \`${ctx.syntax.calleePath(s.call)}\` without a \`mimes:\` / \`mimetypes:\` validation rule or another type check.`
        : 'The uploaded file is moved with `move_uploaded_file` without checking its extension against an allow-list or its content type (`finfo_file`).',
      confidence: inTests(ctx, 'high', 'low'),
      fingerprintKey: `${ctx.syntax.functionName(s.scope) ?? ''} type`,
    });
  }
}

export function phpNoSizeLimit(ctx: RuleContext): void {
  const seen = new Set<number>();
  for (const s of stores(ctx)) {
    if (seen.has(s.scope.id)) continue;
    seen.add(s.scope.id);
    if (formRequest(s.scope) || SIZE_CHECK.test(scopeText(ctx, s.scope))) continue;
    ctx.report({
      node: s.call,
      message: s.laravel
        ? `The uploaded file is stored by \`${ctx.syntax.calleePath(s.call)}\` without a \`max:\` validation rule: only php.ini's \`upload_max_filesize\` / \`post_max_size\` limit it.`
        : "This upload is kept without checking `$_FILES[…]['size']`: only php.ini's `upload_max_filesize` / `post_max_size` limit it.",
      severity: 'warning',
      confidence: inTests(ctx, 'medium', 'low'),
      fingerprintKey: `${ctx.syntax.functionName(s.scope) ?? ''} size`,
    });
  }
}

/** Follows a client-chosen name up through concatenation, interpolation, `sprintf` and variables to a store call's path. */
function followName(ctx: RuleContext, start: Node, scope: Node, depth = 0): { sink: Node } | undefined {
  if (depth > 3) return undefined;
  let n = start;
  for (let i = 0; i < 10; i++) {
    const p = n.parent;
    if (!p || p.id === scope.id) return undefined;
    switch (p.type) {
      case 'binary_expression':
        if (p.childForFieldName('operator')?.text !== '.') return undefined;
        n = p;
        continue;
      case 'encapsed_string':
      case 'parenthesized_expression':
        n = p;
        continue;
      case 'assignment_expression': {
        if (p.childForFieldName('right')?.id !== n.id) return undefined;
        const left = p.childForFieldName('left');
        if (left?.type !== 'variable_name') return undefined;
        return laterUses(ctx, left.text, p, scope, depth);
      }
      case 'argument': {
        const call = p.parent?.parent;
        if (!call || !ctx.syntax.isCall(call)) return undefined;
        const path = ctx.syntax.calleePath(call);
        const e = ctx.syntax.expr(call);
        const name = e.kind === 'call' ? e.name : '';
        if (NAME_SANITIZERS.test(path) || NAME_SANITIZERS.test(name)) return undefined;
        const args = ctx.syntax.args(call);
        const index = args.findIndex((a) => a.id === n.id);
        if (/^(move_uploaded_file|copy|rename)$/i.test(path) && index === 1) return { sink: call };
        if (/^(file_put_contents|fopen)$/i.test(path) && index === 0) return { sink: call };
        if (/^(storeAs|storePubliclyAs|move)$/.test(name) && index >= 0 && (name !== 'storeAs' || index === 1 || args.length === 1)) return { sink: call };
        if (/^(sprintf|implode|strtolower|trim|str_replace)$/i.test(path)) {
          n = call;
          continue;
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }
  return undefined;
}

function laterUses(ctx: RuleContext, variable: string, decl: Node, scope: Node, depth: number): { sink: Node } | undefined {
  let found: { sink: Node } | undefined;
  walk(scope, (n) => {
    if (found) return false;
    if (n.endIndex <= decl.endIndex) return n.startIndex < decl.endIndex && n.endIndex > decl.endIndex;
    if (n.type === 'variable_name' && n.text === variable && n.startIndex >= decl.endIndex) {
      // Not the target of a later assignment.
      if (n.parent?.type === 'assignment_expression' && n.parent.childForFieldName('left')?.id === n.id) return false;
      found = followName(ctx, n, scope, depth + 1);
      return false;
    }
    return true;
  });
  return found;
}

export function phpClientFilename(ctx: RuleContext): void {
  const scopes = new Map<number, Node>();
  for (const s of stores(ctx)) scopes.set(s.scope.id, s.scope);
  for (const scope of scopes.values()) {
    walk(scope, (n) => {
      if (n.id !== scope.id && ctx.syntax.isFunction(n)) return false;
      if ((n.type === 'subscript_expression' || n.type === 'member_call_expression') && CLIENT_NAME.test(n.text.replace(/\s+/g, ''))) {
        if (n.type === 'subscript_expression' && !/^\$_FILES\b/.test(n.text)) return true;
        const hit = followName(ctx, n, scope);
        if (hit) {
          const fix: FixInput = { title: 'Keep only the base name (basename), or better, generate the name', safe: false, edits: [{ start: n.startIndex, end: n.endIndex, newText: `basename(${n.text})` }] };
          ctx.report({
            node: n,
            message: `The client's file name (\`${n.text}\`) is used in the path given to \`${ctx.syntax.calleePath(hit.sink)}\`: a name such as \`../../public/shell.php\` writes outside the upload folder.`,
            severity: 'error',
            confidence: inTests(ctx, 'high', 'low'),
            related: [{ node: hit.sink, message: 'The file is stored here.' }],
            fixes: [fix],
            fingerprintKey: `${n.text} ${ctx.syntax.calleePath(hit.sink)}`,
          });
        }
        return false;
      }
      return true;
    });
  }
}

/** An uploaded file in an expression: `$_FILES[…]`, Laravel `$request->file(…)`, Symfony `->files->get(…)`, `UploadedFile`. */
const UPLOADED = /\$_FILES\b|->file\(|->allFiles\(|->files->get\(|\bUploadedFile\b/;
/** Reads of archive entry names: `$zip->getNameIndex($i)`, `$zip->statIndex($i)['name']`, `zip_entry_name($e)`. */
const ENTRY_NAME = /^(\$\w+(->\w+)*->getNameIndex\(.*\)|\$\w+(->\w+)*->statIndex\(.*\)\[['"]name['"]\]|zip_entry_name\(.*\))$/s;
/** A check that an entry path stays inside the destination: `..` rejected, `realpath` + prefix comparison. */
const ENTRY_CONTAINMENT = /['"][^'"\n]*\.\.[^'"\n]*['"]|\brealpath\(|\bstr_starts_with\(|\bstrpos\([^;]*\)\s*[!=]==?\s*0\b|\bstrncmp\(/;
/** Entries looked at before extraction: names read and tested (extension, `..`, allow-list). */
const ENTRY_LISTING = /->getNameIndex\(|->statIndex\(|\bzip_entry_name\(|->getFilename\(\)|->getPathname\(\)/;
const ENTRY_TEST = /['"][^'"\n]*\.\.[^'"\n]*['"]|\bin_array\(|\bpreg_match\(|\bpathinfo\(|\bstr_ends_with\(|\bstr_contains\(|\bstrpos\(|\bstripos\(|\brealpath\(/;

/** Whether `node` holds an uploaded file, following variables to their definitions (and typed parameters). */
function fromUpload(ctx: RuleContext, node: Node, depth = 0): boolean {
  if (depth > 3) return false;
  if (UPLOADED.test(node.text)) return true;
  const vars = node.type === 'variable_name' ? [node] : node.descendantsOfType('variable_name').filter((v): v is Node => v !== null);
  for (const v of vars.slice(0, 6)) {
    if (v.text === '$this') continue;
    const def = ctx.flow.definitionOf(v.text.replace(/^\$/, ''), v);
    if (!def) continue;
    if (def.param) {
      if (/\bUploadedFile(Interface)?\b/.test(def.node.parent?.text ?? def.node.text)) return true;
      continue;
    }
    if (def.value && def.value.id !== node.id && fromUpload(ctx, def.value, depth + 1)) return true;
  }
  return false;
}

/** The archive an `extractTo` receiver reads: `new PharData(X)`'s argument, or X in `$zip->open(X)`. */
function archiveSource(ctx: RuleContext, recv: Node, scope: Node): { kind: 'zip' | 'phar'; source?: Node } | undefined {
  let created: Node | undefined;
  if (recv.type === 'parenthesized_expression') created = named(recv)[0];
  else if (recv.type === 'variable_name') {
    const def = ctx.flow.definitionOf(recv.text.replace(/^\$/, ''), recv);
    if (def?.value) created = def.value;
    else if (def?.param && /\b(ZipArchive|PharData|Phar)\b/.test(def.node.parent?.text ?? '')) return undefined;
  }
  if (created?.type !== 'object_creation_expression') return undefined;
  const cls = ctx.syntax.calleePath(created).replace(/^new\s+/, '').replace(/\(\)$/, '').replace(/^\\/, '');
  if (/^(PharData|Phar)$/.test(cls)) return { kind: 'phar', source: ctx.syntax.args(created)[0] };
  if (cls !== 'ZipArchive') return undefined;
  let source: Node | undefined;
  walk(scope, (n) => {
    if (source) return false;
    if (n.type === 'member_call_expression' && n.childForFieldName('name')?.text === 'open' && n.childForFieldName('object')?.text === recv.text) {
      source = ctx.syntax.args(n)[0];
      return false;
    }
    return true;
  });
  return { kind: 'zip', source };
}

/**
 * PHP archive extraction. PHP's own `ZipArchive::extractTo` and `PharData::extractTo` flatten `..` and absolute
 * entry names (php_zip_make_relative_path, phar_extract_file), so they are no zip slip by themselves. Two cases are
 * reported: entry names read by the code (`getNameIndex`, `statIndex(…)['name']`, `zip_entry_name`) written to a
 * path without a containment check (zip slip, an error), and an uploaded archive extracted whole without looking at
 * its entries (any file type, count and size lands in the folder: a warning).
 */
export function phpArchiveExtraction(ctx: RuleContext): void {
  // Entry names written by the code itself.
  const names = ctx.root.descendantsOfType(['member_call_expression', 'subscript_expression', 'function_call_expression']);
  const reported = new Set<number>();
  for (const n of names) {
    if (!n || !ENTRY_NAME.test(n.text.replace(/\s+/g, ''))) continue;
    if (n.type === 'member_call_expression' && n.parent?.type === 'subscript_expression') continue;
    const scope = scopeOf(ctx, n);
    if (ENTRY_CONTAINMENT.test(scopeText(ctx, scope))) continue;
    const hit = followName(ctx, n, scope);
    if (!hit || reported.has(hit.sink.id)) continue;
    reported.add(hit.sink.id);
    ctx.report({
      node: n,
      message: `The archive entry name \`${n.text}\` is used in the path given to \`${ctx.syntax.calleePath(hit.sink)}\` with no check that it stays inside the destination: an entry named \`../../public/shell.php\` is written anywhere (zip slip).`,
      severity: 'error',
      confidence: inTests(ctx, 'high', 'low'),
      related: [{ node: hit.sink, message: 'The entry is written here.' }],
      fingerprintKey: `${n.text} ${ctx.syntax.calleePath(hit.sink)}`,
    });
  }
  // Whole uploaded archives extracted unseen.
  for (const call of ctx.root.descendantsOfType('member_call_expression')) {
    if (!call || call.childForFieldName('name')?.text !== 'extractTo') continue;
    const recv = call.childForFieldName('object');
    if (!recv) continue;
    const args = ctx.syntax.args(call);
    // A second argument names the entries to extract: the code chose them.
    if (args[1] && !/^null$/i.test(args[1].text)) continue;
    const scope = scopeOf(ctx, call);
    const archive = archiveSource(ctx, recv, scope);
    // An archive the application ships (a literal path) or one of unknown origin: not reported.
    if (!archive?.source || !fromUpload(ctx, archive.source)) continue;
    const text = scopeText(ctx, scope);
    if (ENTRY_LISTING.test(text) && ENTRY_TEST.test(text)) continue;
    ctx.report({
      node: call,
      message: `\`${call.text.replace(/\s+/g, ' ').slice(0, 60)}\` extracts an uploaded ${archive.kind === 'zip' ? 'zip' : 'tar/phar'} archive without looking at its entries. PHP strips \`..\` and absolute names, but every entry is written: \`.php\`, \`.phtml\` or \`.htaccess\` files land in the folder past the upload's type checks, and the number and uncompressed size of entries are unbounded (zip bomb).`,
      severity: 'warning',
      confidence: inTests(ctx, 'medium', 'low'),
      fingerprintKey: `extractTo ${recv.text}`,
    });
  }
}
