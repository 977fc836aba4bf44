import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext, RuleDefinition } from '../../core/rule';
import { callPaths, callsMatching, callsWithPath, clientName, functionAround, inTests, isTarObject, lastName, optionsObject, prop, receiverOf, writeSinks } from './shared';
import { goArchiveExtraction } from './go';
import { javaArchiveExtraction } from './java';
import { csharpArchiveExtraction } from './csharp';
import { phpArchiveExtraction } from './php';
import { rubyArchiveExtraction } from './ruby';

/** A check that an extracted path stays inside the target folder. */
const CONTAINMENT_JS = /\.startsWith\(|path\.relative\(|\brelative\(|isAbsolute\(|includes\(\s*['"`]\.\.['"`]|['"`]\.\.['"`]|\.\.\//;
const CONTAINMENT_PY = /commonpath|commonprefix|is_relative_to|is_within_directory|safe_members|safe_extract|\.startswith\(|['"]\.\.['"]|relative_to\(|\bdata_filter\b|\btar_filter\b/;

function addFilterFix(ctx: RuleContext, call: Node): FixInput[] {
  const argList = call.childForFieldName('arguments');
  if (!argList) return [];
  const close = argList.endIndex - 1;
  const hasArgs = ctx.syntax.args(call).length > 0 || argList.namedChildren.some((c) => c?.type === 'keyword_argument');
  const text = ctx.file.text.slice(argList.startIndex, close);
  const trailingComma = /,\s*$/.test(text);
  return [{
    title: 'Extract with filter="data" (rejects absolute paths, `..`, links outside the folder and special files)',
    safe: true,
    edits: [{ start: close, end: close, newText: hasArgs ? `${trailingComma ? ' ' : ', '}filter="data"` : 'filter="data"' }],
  }];
}

/** Python: `tarfile` extraction without an extraction filter or member check; `shutil.unpack_archive` without a filter. */
function checkPython(ctx: RuleContext): void {
  // A global default set in this file: `tarfile.TarFile.extraction_filter = staticmethod(tarfile.data_filter)`.
  if (/extraction_filter\s*=/.test(ctx.file.text)) return;
  for (const call of callsWithPath(ctx, (q) => /^(extractall|extract)$/.test(lastName(q.written)) || /^shutil\.unpack_archive$/.test(q.resolved), 'archive')) {
    const p = callPaths(ctx, call);
    const name = lastName(p.written);
    const isUnpack = /^shutil\.unpack_archive$/.test(p.resolved);
    if (!isUnpack && name !== 'extractall' && name !== 'extract') continue;
    const recv = receiverOf(ctx, call);
    if (!isUnpack) {
      if (!recv) continue;
      const tar = isTarObject(ctx, recv) || (/^(self\.)?_?(tar|tf|tarball|tar_?file|tar_?archive)$/i.test(recv.text) && /\bimport tarfile\b|from tarfile import/.test(ctx.file.text) && !/\bzipfile\b/.test(ctx.file.text));
      if (!tar) continue;
    }
    const filter = ctx.syntax.kwarg(call, 'filter');
    if (filter && !/fully_trusted/.test(filter.text)) continue;
    if (ctx.syntax.kwarg(call, 'members')) continue;
    const fn = functionAround(ctx, call);
    if (!filter && CONTAINMENT_PY.test(fn.text)) continue;
    if (isUnpack) {
      const fmt = ctx.syntax.kwarg(call, 'format') ?? ctx.syntax.args(call)[2];
      const archive = ctx.syntax.args(call)[0];
      const fmtText = fmt ? ctx.syntax.stringValue(fmt) : undefined;
      const archiveName = archive ? ctx.flow.staticString(archive) : undefined;
      if (fmtText === 'zip' || (archiveName && /\.zip$/i.test(archiveName))) continue;
    }
    ctx.report({
      node: call,
      message: filter
        ? `\`${p.written}\` extracts with the \`fully_trusted\` filter: members with absolute paths, \`..\` or links can write anywhere on disk (tar slip).`
        : isUnpack
          ? '`shutil.unpack_archive` extracts tar archives without an extraction filter: members with absolute paths, `..` or links can write outside the target folder (tar slip).'
          : `\`${p.written}\` extracts a tar archive without \`filter="data"\` or a member check: members with absolute paths, \`..\` or links can write anywhere on disk (tar slip, CVE-2007-4559).`,
      confidence: inTests(ctx, isUnpack ? 'medium' : 'high', 'low'),
      fixes: filter ? [] : addFilterFix(ctx, call),
    });
  }
}

/** node-tar with `preservePaths: true` keeps absolute paths and `..` in entry names. */
function checkNodeTar(ctx: RuleContext): void {
  for (const call of callsMatching(ctx, /^tar\.(x|extract)$/)) {
    const opts = optionsObject(ctx, call);
    const preserve = prop(ctx, opts, 'preservePaths');
    if (preserve?.text === 'true') {
      ctx.report({ node: preserve, message: '`preservePaths: true` makes node-tar keep absolute paths and `..` in entry names: an archive can write anywhere on disk.', confidence: inTests(ctx, 'high', 'low') });
    }
  }
}

/** Entries of an archive written to a path built from the entry's own name, without a containment check. */
function checkEntryWrites(ctx: RuleContext): void {
  const containment = ctx.file.syntax === 'js' ? CONTAINMENT_JS : CONTAINMENT_PY;
  for (const sink of writeSinks(ctx)) {
    const hit = clientName(ctx, sink.dest, 'archive');
    if (!hit) continue;
    const fn = functionAround(ctx, sink.call);
    if (containment.test(fn.text)) continue;
    ctx.report({
      node: hit.use,
      message: `${hit.what.charAt(0).toUpperCase()}${hit.what.slice(1)} builds the path written by ${sink.label} with no check that it stays inside the target folder: an entry named \`../../x\` writes anywhere (zip slip).`,
      confidence: inTests(ctx, 'high', 'low'),
      related: [{ node: sink.call, message: 'The entry is written here.' }],
      fingerprintKey: `${hit.use.text} ${sink.label}`,
    });
  }
}

export const archiveExtraction: RuleDefinition = {
  id: 'upload/archive-extraction',
  family: 'upload',
  title: 'Archive extracted without entry path checks',
  description: 'An archive is extracted so that entry names like `../../x` or absolute paths can write outside the target folder (zip slip / tar slip).',
  severity: 'error',
  confidence: 'high',
  cwe: [22, 29, 59],
  owasp: ['A01:2021 Broken Access Control', 'OWASP File Upload Cheat Sheet'],
  fixable: true,
  keywords: 'extractTo|getNameIndex|statIndex|zip_entry_name|ZipEntry|JarEntry|ArchiveEntry|getNextEntry|ZipArchive|TarEntry|archive/zip|archive/tar|tarfile|unpack_archive|zipfile|namelist|infolist|getmembers|entryName|adm-zip|unzipper|yauzl|jszip|tar-stream|preservePaths|on\\([\'"]entry|Zip::(File|InputStream)|TarReader',
  guidance: {
    why: 'Entry names inside an archive are chosen by whoever made it. Extracted without checks, `../../home/app/.ssh/authorized_keys` or `/etc/cron.d/job` writes outside the target folder (zip slip / tar slip, CWE-22), and tar links can point anywhere. Python\'s `tarfile` does no such check before 3.14 unless you pass `filter="data"`.',
    bad: "with tarfile.open(upload_path) as tar:\n    tar.extractall(dest)\n\nentry.pipe(fs.createWriteStream(path.join(dest, entry.path)))",
    good: "with tarfile.open(upload_path) as tar:\n    tar.extractall(dest, filter=\"data\")\n\nconst target = path.resolve(dest, entry.path);\nif (!target.startsWith(path.resolve(dest) + path.sep)) throw new Error('zip slip');",
    fix: 'Use `filter="data"` with `tarfile` / `shutil.unpack_archive` (Python 3.12+, backported to 3.8.17+), or resolve every entry path and check it stays inside the target folder before writing. Prefer libraries that do it for you (`zipfile.extractall`, current adm-zip, unzipper `Extract`, node-tar without `preservePaths`), and cap the number of entries and the total uncompressed size (zip bombs). Go: skip entries where `!filepath.IsLocal(f.Name)` (Go 1.20+), or check the joined path has the cleaned destination as prefix. PHP: `ZipArchive::extractTo` and `PharData::extractTo` already flatten `..` and absolute names, but check `getNameIndex($i)` names (extension allow-list, no `.php` / `.htaccess`, entry count and `statIndex` sizes) before extracting an uploaded archive, and never write `getNameIndex($i)` into a path without `realpath` + prefix check. Ruby: call rubyzip\'s `entry.extract` without a destination (it refuses unsafe names), or check `File.expand_path(File.join(dest, entry.name)).start_with?(File.expand_path(dest) + File::SEPARATOR)`.',
  },
  queries: { js: '', python: '', go: '', java: '', csharp: '', php: '', ruby: '' },
  finish(ctx) {
    if (ctx.file.syntax === 'php') return phpArchiveExtraction(ctx);
    if (ctx.file.syntax === 'ruby') return rubyArchiveExtraction(ctx);
    if (ctx.file.syntax === 'go') return goArchiveExtraction(ctx);
    if (ctx.file.syntax === 'java') return javaArchiveExtraction(ctx);
    if (ctx.file.syntax === 'csharp') return csharpArchiveExtraction(ctx);
    if (ctx.file.syntax === 'python') checkPython(ctx);
    else checkNodeTar(ctx);
    checkEntryWrites(ctx);
  },
};
