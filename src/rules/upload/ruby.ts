/**
 * Ruby uploads: the client's file name (`params[:file].original_filename`, `upload.original_filename`) built into a
 * path that `File.open` / `File.write` / `FileUtils.mv` / `FileUtils.cp` / `IO.copy_stream` writes to.
 */
import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext } from '../../core/rule';
import { walk } from '../../core/syntax';
import { inTests } from './shared';

const SINKS: [RegExp, number][] = [
  [/^(File\.(open|write|binwrite|new)|IO\.write|FileUtils\.(touch|mkdir_p))$/, 0],
  [/^(FileUtils\.(mv|cp|move|copy|ln)|IO\.copy_stream|File\.rename)$/, 1],
];
const PASS = /^(File\.join|Rails\.root\.join|Pathname\.new|format|sprintf|File\.expand_path)$|\.join$/;
const SANITIZERS = /(^|\.)(basename|sanitize\w*|parameterize|gsub|tr|hex|uuid|urlsafe_base64|SecureRandom\.\w+)$/;

function followName(ctx: RuleContext, start: Node, scope: Node, depth = 0): Node | undefined {
  if (depth > 3) return undefined;
  let n = start;
  for (let i = 0; i < 10; i++) {
    const p = n.parent;
    if (!p || p.id === scope.id) return undefined;
    switch (p.type) {
      case 'interpolation':
      case 'string':
      case 'parenthesized_statements':
        n = p;
        continue;
      case 'binary':
        if (p.childForFieldName('operator')?.text !== '+') return undefined;
        n = p;
        continue;
      case 'assignment': {
        if (p.childForFieldName('right')?.id !== n.id) return undefined;
        const left = p.childForFieldName('left');
        if (left?.type !== 'identifier') return undefined;
        let found: Node | undefined;
        walk(scope, (m) => {
          if (found) return false;
          if (m.endIndex <= p.endIndex) return m.startIndex < p.endIndex && m.endIndex > p.endIndex;
          if (m.type === 'identifier' && m.text === left.text && m.startIndex >= p.endIndex) {
            found = followName(ctx, m, scope, depth + 1);
            return false;
          }
          return true;
        });
        return found;
      }
      case 'argument_list': {
        const call = p.parent;
        if (!call || call.type !== 'call') return undefined;
        const path = ctx.syntax.calleePath(call);
        if (SANITIZERS.test(path)) return undefined;
        const index = ctx.syntax.args(call).findIndex((a) => a.id === n.id);
        if (SINKS.some(([re, at]) => re.test(path) && at === index)) return call;
        if (PASS.test(path)) {
          n = call;
          continue;
        }
        return undefined;
      }
      case 'call': {
        // `name.downcase`: a transformation of the receiver keeps the name; `File.basename(name)` was handled above.
        if (p.childForFieldName('receiver')?.id !== n.id) return undefined;
        const method = p.childForFieldName('method')?.text ?? '';
        if (SANITIZERS.test(method) || !/^(to_s|downcase|strip|squish)$/.test(method)) return undefined;
        n = p;
        continue;
      }
      default:
        return undefined;
    }
  }
  return undefined;
}

export function rubyClientFilename(ctx: RuleContext): void {
  walk(ctx.root, (n) => {
    if (n.type !== 'call' || n.childForFieldName('method')?.text !== 'original_filename' || n.childForFieldName('arguments')) return true;
    const scope = ctx.flow.scopeOf(n);
    const sink = followName(ctx, n, scope);
    if (!sink) return true;
    const fix: FixInput = { title: 'Keep only the base name (File.basename), or better, generate the name', safe: false, edits: [{ start: n.startIndex, end: n.endIndex, newText: `File.basename(${n.text})` }] };
    ctx.report({
      node: n,
      message: `The client's file name (\`${n.text}\`) is used in the path given to \`${ctx.syntax.calleePath(sink)}\`: a name such as \`../../config/initializers/x.rb\` writes outside the upload folder.`,
      severity: 'error',
      confidence: inTests(ctx, 'high', 'low'),
      related: [{ node: sink, message: 'The file is written here.' }],
      fixes: [fix],
      fingerprintKey: `${n.text} ${ctx.syntax.calleePath(sink)}`,
    });
    return false;
  });
}

// ── model-level upload declarations: ActiveStorage, CarrierWave, Shrine ─────────────────────────────────────

interface RubyUpload {
  /** Where the finding is shown: the `has_one_attached` call or the uploader's class name. */
  node: Node;
  kind: 'ActiveStorage' | 'CarrierWave' | 'Shrine';
  /** The attachment (`avatar`) or uploader class (`AvatarUploader`). */
  name: string;
  /** The class text the validations live in. */
  text: string;
}

function superclassOf(cls: Node): string {
  return cls.childForFieldName('superclass')?.text.replace(/^<\s*/, '') ?? '';
}

/** `has_one_attached :avatar` / `has_many_attached :documents` in a class, CarrierWave and Shrine uploader classes. */
function rubyUploads(ctx: RuleContext): RubyUpload[] {
  const cached = ctx.state.get('rubyUploads');
  if (Array.isArray(cached)) return cached as RubyUpload[];
  const out: RubyUpload[] = [];
  walk(ctx.root, (n) => {
    if (n.type === 'class') {
      const sup = superclassOf(n);
      const name = n.childForFieldName('name');
      if (name && /^CarrierWave::Uploader::Base$/.test(sup)) out.push({ node: name, kind: 'CarrierWave', name: name.text, text: n.text });
      else if (name && /^Shrine$/.test(sup)) out.push({ node: name, kind: 'Shrine', name: name.text, text: n.text });
      return true;
    }
    if (n.type !== 'call' || n.childForFieldName('receiver')) return true;
    const method = n.childForFieldName('method')?.text ?? '';
    if (method !== 'has_one_attached' && method !== 'has_many_attached') return true;
    const arg = ctx.syntax.args(n)[0];
    if (arg?.type !== 'simple_symbol') return true;
    let cls: Node | null = n.parent;
    while (cls && cls.type !== 'class' && cls.type !== 'module') cls = cls.parent;
    out.push({ node: n, kind: 'ActiveStorage', name: arg.text.slice(1), text: (cls ?? ctx.root).text });
    return true;
  });
  ctx.state.set('rubyUploads', out);
  return out;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Lines of a class that validate the attachment (`validates :avatar, …`, `validate :avatar_type`) and methods that read it. */
function attachmentChecks(u: RubyUpload): string {
  const name = esc(u.name);
  const lines = u.text.split('\n').filter((l) => new RegExp(`\\bvalidates?\\b[^\\n]*:${name}\\b`).test(l));
  const reads = u.text.split('\n').filter((l) => new RegExp(`\\b${name}(\\.blob)?\\.(content_type|byte_size|filename|image\\?|attachment)`).test(l));
  // `validate :scans_are_pdfs`: the bodies of validation methods that mention the attachment.
  const bodies: string[] = [];
  for (const m of u.text.matchAll(/\bvalidate\s+((?::\w+\s*,?\s*)+)/g)) {
    for (const method of m[1].split(/[\s,:]+/).filter(Boolean)) {
      const def = new RegExp(`\\bdef\\s+${esc(method)}\\b([\\s\\S]*?)(?=\\n\\s*def\\s|\\n\\s*(private|protected)\\b|$)`).exec(u.text);
      if (def && new RegExp(`\\b${name}\\b`).test(def[1])) bodies.push(def[1]);
    }
  }
  return [...lines, ...reads, ...bodies].join('\n');
}

const TYPE_CHECK_RB = /content_type|\bextension\b|image\?|\bmime\b|Marcel|MimeMagic/;
const SIZE_CHECK_RB = /\bsize\s*:|byte_size|\.size\b|file_size|max_size/;

/** `1..10.megabytes`, `less_than: 5.megabytes`: the largest size named, in bytes. */
function largestSize(text: string): number | undefined {
  const units: Record<string, number> = { byte: 1, bytes: 1, kilobyte: 1024, kilobytes: 1024, megabyte: 1024 ** 2, megabytes: 1024 ** 2, gigabyte: 1024 ** 3, gigabytes: 1024 ** 3 };
  let max: number | undefined;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*\.\s*(bytes?|kilobytes?|megabytes?|gigabytes?)\b/g)) {
    const v = Number(m[1]) * units[m[2]];
    max = max === undefined ? v : Math.max(max, v);
  }
  return max;
}

export function rubyUnrestrictedType(ctx: RuleContext): void {
  for (const u of rubyUploads(ctx)) {
    if (u.kind === 'CarrierWave') {
      if (/def\s+(extension_allowlist|extension_whitelist|extension_white_list|content_type_allowlist|content_type_whitelist)\b/.test(u.text)) continue;
      const deny = /def\s+(extension_denylist|extension_blacklist|extension_black_list|content_type_denylist|content_type_blacklist)\b/.test(u.text);
      ctx.report({
        node: u.node,
        message: deny
          ? `The CarrierWave uploader \`${u.name}\` only has a deny-list: any type it does not name (\`.svg\`, \`.html\`, \`.phtml\`) is accepted. Define \`extension_allowlist\` and \`content_type_allowlist\` instead.`
          : `The CarrierWave uploader \`${u.name}\` accepts files of any type: it defines no \`extension_allowlist\` or \`content_type_allowlist\`.`,
        confidence: inTests(ctx, 'high', 'low'),
        fingerprintKey: `${u.name} type`,
      });
    } else if (u.kind === 'Shrine') {
      if (/validate_(mime_type|extension)\w*/.test(u.text)) continue;
      ctx.report({
        node: u.node,
        message: `The Shrine uploader \`${u.name}\` accepts files of any type: its \`Attacher.validate\` block has no \`validate_mime_type\` / \`validate_extension\`.`,
        confidence: inTests(ctx, 'high', 'low'),
        fingerprintKey: `${u.name} type`,
      });
    } else {
      if (TYPE_CHECK_RB.test(attachmentChecks(u))) continue;
      ctx.report({
        node: u.node,
        message: `The ActiveStorage attachment \`${u.name}\` accepts files of any type: this model validates no content type for it (\`validates :${u.name}, content_type: [...]\` with active_storage_validations, or a \`validate\` method checking \`${u.name}.content_type\`).`,
        // A controller or form object may check the type before attaching.
        confidence: inTests(ctx, 'medium', 'low'),
        fingerprintKey: `${u.name} type`,
      });
    }
  }
}

export function rubyNoSizeLimit(ctx: RuleContext, threshold: number): void {
  for (const u of rubyUploads(ctx)) {
    const checks = u.kind === 'CarrierWave' ? (/def\s+size_range\b[\s\S]*?\bend\b/.exec(u.text)?.[0] ?? '') : u.kind === 'Shrine' ? (/validate_(max_size|size)\b[^\n]*/.exec(u.text)?.[0] ?? '') : attachmentChecks(u).split('\n').filter((l) => SIZE_CHECK_RB.test(l)).join('\n');
    const where = u.kind === 'ActiveStorage' ? `The ActiveStorage attachment \`${u.name}\`` : `The ${u.kind} uploader \`${u.name}\``;
    if (checks) {
      const largest = largestSize(checks);
      if (largest === undefined || largest <= threshold) continue;
      ctx.report({
        node: u.node,
        message: `${where} allows files up to ${Math.round(largest / 1024 / 1024)} MB, above the ${Math.round(threshold / 1024 / 1024)} MB this project considers safe.`,
        severity: 'warning',
        confidence: inTests(ctx, 'medium', 'low'),
        fingerprintKey: `${u.name} size`,
      });
      continue;
    }
    const how = u.kind === 'CarrierWave' ? 'it defines no `size_range`' : u.kind === 'Shrine' ? 'its `Attacher.validate` block has no `validate_max_size`' : `this model validates no size for it (\`validates :${u.name}, size: { less_than: 10.megabytes }\`, or a check of \`${u.name}.byte_size\`)`;
    ctx.report({
      node: u.node,
      message: `${where} accepts files of any size: ${how}.`,
      severity: 'warning',
      confidence: inTests(ctx, u.kind === 'ActiveStorage' ? 'low' : 'medium', 'low'),
      fingerprintKey: `${u.name} size`,
    });
  }
}

// ── archives: rubyzip and Gem::Package::TarReader ─────────────────────────────────────────────────────────

const ARCHIVE_OPEN = /^(Zip\.File\.(open|new|foreach|open_buffer)|Zip\.InputStream\.(open|new)|Gem\.Package\.TarReader\.new)$/;
const CONTAINMENT_RB = /start_with\?|name_safe\?|include\?\(\s*['"]\.\.['"]|['"]\.\.['"]|\.\.\/|realpath|relative_path_from|descend/;
const ENTRY_WRITE = /^(extract|File\.(open|write|binwrite|new)|IO\.(write|copy_stream)|FileUtils\.(mkdir_p|cp|mv|mkdir|touch)|Dir\.mkdir)$/;

/**
 * `Zip::File.open(upload) { |zip| zip.each { |e| e.extract(File.join(dest, e.name)) } }`: the entry name decides the
 * path. rubyzip (1.2.2+) checks names only when `extract` gets no destination; with one, nothing stops `../`.
 */
export function rubyArchiveExtraction(ctx: RuleContext): void {
  walk(ctx.root, (n) => {
    if (n.type !== 'call' || !ARCHIVE_OPEN.test(ctx.syntax.calleePath(n))) return true;
    const scope = ctx.flow.scopeOf(n);
    const around = scope.id === ctx.root.id ? n.text : scope.text;
    if (CONTAINMENT_RB.test(around)) return false;
    walk(n, (m) => {
      if (m.type !== 'call') return true;
      const path = ctx.syntax.calleePath(m);
      const method = m.childForFieldName('method')?.text ?? '';
      if (!ENTRY_WRITE.test(path) && !(method === 'extract' && ENTRY_WRITE.test(method))) return true;
      const args = ctx.syntax.args(m);
      const named = args.find((a) => /\b\w+\.(name|full_name)\b/.test(a.text));
      if (!named) return true;
      ctx.report({
        node: m,
        message: `The archive entry's own name (\`${/\b\w+\.(name|full_name)\b/.exec(named.text)?.[0] ?? 'entry.name'}\`) builds the path given to \`${path}\` with no check that it stays inside the target folder: an entry named \`../../config/initializers/x.rb\` writes anywhere (zip slip).`,
        confidence: inTests(ctx, 'high', 'low'),
        related: [{ node: n, message: 'The archive is opened here.' }],
        fingerprintKey: `${path} ${named.text.slice(0, 60)}`,
      });
      return false;
    });
    return false;
  });
}
