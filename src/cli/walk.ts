/**
 * File discovery for the CLI and the workspace scan: walks directories honouring .gitignore files and
 * the default excludes, never follows symbolic links (no loops), and lists what it skipped and why:
 * over-large and unreadable files, symbolic links to folders or source files, and special files (FIFOs,
 * sockets, devices) with a source extension.
 */
import { lstatSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { languageForPath } from '../languages/registry';
import type { SkippedFile } from '../core/types';

/** Folders never scanned: dependencies, VCS data, build output, vendored code. */
export const DEFAULT_EXCLUDES: readonly string[] = Object.freeze([
  'node_modules/',
  '.git/',
  '.hg/',
  '.svn/',
  'dist/',
  'build/',
  'out/',
  'coverage/',
  'vendor/',
  'third_party/',
  '.venv/',
  'venv/',
  '__pycache__/',
  '.tox/',
  '.mypy_cache/',
  '.next/',
  '.nuxt/',
  'bower_components/',
  '.vscode-test/',
  '*.min.js',
  '*.bundle.js',
  '*-min.js',
]);

export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface WalkOptions {
  /** Extra ignore globs (gitignore syntax), e.g. from the team config or files.exclude. */
  ignore?: readonly string[];
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
  maxBytes?: number;
}

export interface WalkResult {
  /** Absolute paths of supported files to scan, sorted. */
  files: string[];
  /** Files passed over because of their size or because they could not be read (relative to root). */
  skipped: SkippedFile[];
}

/** Relative path with `/` separators. */
export function toPosix(root: string, file: string): string {
  // POSIX, a file below the root (as the walk lists them): the rest of its path, without path.relative resolving both
  // paths again for every file. Exact when the rest has no empty, `.` or `..` part: both paths then resolve to the
  // resolved root and the same rest after it, whatever the root is (relative, with `..`, a trailing `/`; not empty).
  if (sep === '/' && root.length > 0) {
    // An absolute file below a relative root (`sealant scan src`): below the root resolved.
    const base = root.startsWith('/') || !file.startsWith('/') ? root : resolvedRoot(root);
    if (file.length > base.length + 1 && file.startsWith(base) && file[base.length] === '/') {
      const rest = file.slice(base.length + 1);
      if (!ODD_PART.test(rest)) return rest;
    }
  }
  return relative(root, file).split(sep).join('/');
}

/** The last relative root resolved by toPosix, with the working directory it was resolved in. */
let lastRoot: { root: string; cwd: string; resolved: string } | undefined;

function resolvedRoot(root: string): string {
  const cwd = process.cwd();
  if (lastRoot?.root !== root || lastRoot.cwd !== cwd) lastRoot = { root, cwd, resolved: resolve(root) };
  return lastRoot.resolved;
}

/** An empty, `.` or `..` part of a relative POSIX path (which path.relative would normalise away). */
const ODD_PART = /(^|\/)\.{0,2}(\/|$)/;

/**
 * Expands the given paths (files or directories) below `root`. Files named explicitly are scanned even
 * when ignored, as long as their language is supported.
 */
export function walk(root: string, paths: readonly string[], options: WalkOptions = {}): WalkResult {
  const absRoot = resolve(root);
  const maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
  const files = new Set<string>();
  const skipped: SkippedFile[] = [];
  const base = ignore().add([...DEFAULT_EXCLUDES, ...(options.ignore ?? [])]);

  const consider = (abs: string, st: Stats): void => {
    if (!languageForPath(abs)) return;
    if (st.size > maxBytes) {
      skipped.push({ path: toPosix(absRoot, abs), reason: 'too-large', detail: `${st.size} bytes, over the limit of ${maxBytes}` });
      return;
    }
    files.add(abs);
  };

  /** Symbolic links are never followed (no loops, no files outside the tree); links to folders or source files are listed. */
  const symlink = (abs: string, scoped: { dir: string; ig: Ignore }[]): void => {
    let target: Stats | undefined;
    let problem: string | undefined;
    try {
      target = statSync(abs);
    } catch (err) {
      problem = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    }
    const isDir = !!target?.isDirectory();
    if (!isDir && !languageForPath(abs)) return;
    if (isIgnored(absRoot, abs, isDir, base, scoped)) return;
    const detail = problem
      ? `symbolic link that cannot be resolved (${problem === 'ELOOP' ? 'a loop' : problem}); not followed`
      : `symbolic link to a ${isDir ? 'folder' : 'file'}; not followed (files are scanned where they really are)`;
    skipped.push({ path: toPosix(absRoot, abs), reason: 'unsupported', detail });
  };

  const visit = (dir: string, rules: { dir: string; ig: Ignore }[]): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch (err) {
      skipped.push({ path: toPosix(absRoot, dir) || '.', reason: 'unreadable', detail: (err as Error).message });
      return;
    }
    let scoped = rules;
    if (options.gitignore !== false && entries.includes('.gitignore')) {
      try {
        scoped = [...rules, { dir, ig: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) }];
      } catch {
        // An unreadable .gitignore ignores nothing.
      }
    }
    for (const name of entries.sort()) {
      const abs = join(dir, name);
      let st: Stats;
      try {
        st = lstatSync(abs);
      } catch (err) {
        skipped.push({ path: toPosix(absRoot, abs), reason: 'unreadable', detail: (err as Error).message });
        continue;
      }
      if (st.isSymbolicLink()) {
        symlink(abs, scoped);
        continue;
      }
      const isDir = st.isDirectory();
      if (isIgnored(absRoot, abs, isDir, base, scoped)) continue;
      if (isDir) visit(abs, scoped);
      else if (st.isFile()) consider(abs, st);
      else if (languageForPath(abs)) skipped.push({ path: toPosix(absRoot, abs), reason: 'unsupported', detail: 'not a regular file (a FIFO, socket or device)' });
    }
  };

  for (const p of paths.length ? paths : ['.']) {
    const abs = resolve(absRoot, p);
    let st: Stats;
    try {
      st = statSync(abs);
    } catch (err) {
      throw new WalkError(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (st.isDirectory()) visit(abs, ancestorsGitignore(absRoot, abs, options.gitignore !== false));
    else if (st.isFile()) consider(abs, st);
  }
  return { files: [...files].sort(), skipped };
}

export class WalkError extends Error {}

/** A relative path that leaves its base (`..` or `../x`), as opposed to a name that starts with dots (`..x`, `...`). */
function isOutside(rel: string): boolean {
  return rel === '..' || rel.startsWith('../');
}

/**
 * `ig.ignores(path)`, false for paths the ignore package refuses: it throws on names made only of dots (a
 * folder called `...`), which must not stop the walk.
 */
function ignores(ig: Ignore, path: string): boolean {
  try {
    return ig.ignores(path);
  } catch {
    return false;
  }
}

function isIgnored(root: string, abs: string, isDir: boolean, base: Ignore, scoped: { dir: string; ig: Ignore }[]): boolean {
  const relRoot = toPosix(root, abs);
  const probe = (rel: string) => (isDir ? `${rel}/` : rel);
  if (relRoot && !isOutside(relRoot) && ignores(base, probe(relRoot))) return true;
  const name = abs.slice(abs.lastIndexOf(sep) + 1);
  if (ignores(base, probe(name))) return true;
  for (const { dir, ig } of scoped) {
    const rel = toPosix(dir, abs);
    if (rel && !isOutside(rel) && ignores(ig, probe(rel))) return true;
  }
  return false;
}

/** .gitignore files between the root and a starting directory below it. */
function ancestorsGitignore(root: string, start: string, enabled: boolean): { dir: string; ig: Ignore }[] {
  if (!enabled) return [];
  const out: { dir: string; ig: Ignore }[] = [];
  const rel = relative(root, start);
  if (rel === '..' || rel.startsWith(`..${sep}`)) return out;
  const parts = rel ? rel.split(sep) : [];
  // The start directory's own .gitignore is read by visit().
  for (let i = 0; i < parts.length; i++) {
    const dir = join(root, ...parts.slice(0, i));
    try {
      out.push({ dir, ig: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) });
    } catch {
      // none here
    }
  }
  return out;
}
