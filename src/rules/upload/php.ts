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

function stores(ctx: RuleContext): PhpStore[] {
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

function scopeText(ctx: RuleContext, scope: Node): string {
  // A controller method validates with $request->validate([...]) or a FormRequest class in another file.
  return scope.id === ctx.root.id ? ctx.file.text : scope.text;
}

/** A type-hinted FormRequest (`StoreAvatarRequest $request`): its rules live in another file. */
function formRequest(scope: Node): boolean {
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
