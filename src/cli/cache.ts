/**
 * The result cache: a file's analysis is reused while Sealant's version, its build, the merged config, the
 * active rules, the file's path and the file's content (its sha256) are all unchanged.
 *
 * One JSON file per scanned root, `<dir>/<sha256(root)>.json`, holding a header key (version, build, config
 * hash, rule ids) and one entry per file path: `{ h: contentHash, r: FileResult }`. A file whose header key
 * differs is discarded as a whole (a config, version or rule change misses everything); an entry whose hash
 * differs misses; a file or entry that cannot be parsed is ignored. Writes go to a temporary file renamed
 * into place, so a reader never sees half a file and the cache is safe to delete at any time.
 *
 * The CLI keeps it under the OS cache dir (`$XDG_CACHE_HOME/sealant`, `~/.cache/sealant`); the extension
 * passes its own storage folder. Nothing here is a module-level singleton: each scan opens its cache.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { EngineConfig } from '../core/engine';
import type { FileResult, SkipReason } from '../core/types';

/** Bumped when the layout of the cache file changes. */
export const CACHE_FORMAT = 1;

/** Skips that depend on the file's content only, and so may be served from the cache. */
const CACHEABLE_SKIPS: ReadonlySet<SkipReason> = new Set<SkipReason>(['binary', 'too-large', 'minified', 'generated', 'unsupported']);

export interface CacheOptions {
  /** Folder that holds the cache files (created on save). */
  dir: string;
  /** Absolute scan root: paths in results are relative to it. */
  root: string;
  /** Sealant's version. */
  version: string;
  /** The merged config the engine runs with (hashed, never stored). */
  config?: EngineConfig;
  /** Ids of the active rules. */
  ruleIds: readonly string[];
  /**
   * What identifies the running build beyond its version (defaults to the size and mtime of this bundle),
   * so that a rebuilt Sealant with the same version number never reuses results of the old one.
   */
  build?: string;
}

export interface CacheStats {
  hits: number;
  misses: number;
  stored: number;
}

export interface ResultCache {
  /** The cache file. */
  readonly file: string;
  /** The header key every entry of this cache was computed under. */
  readonly key: string;
  readonly stats: CacheStats;
  /** The cached result of `path` (relative, `/`-separated) when its content hash matches. */
  get(path: string, contentHash: string): FileResult | undefined;
  /** Remembers a result; results of a parse timeout, an unreadable file or an error are not kept. */
  set(path: string, contentHash: string, result: FileResult): void;
  /** Writes the cache when something changed. Never throws: returns the error message, if any. */
  save(): string | undefined;
}

interface CacheFile {
  format: number;
  key: string;
  entries: Record<string, { h: string; r: FileResult }>;
}

/** The OS cache folder for the CLI: `$XDG_CACHE_HOME/sealant`, else the platform's user cache folder. */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env, platform: NodeJS.Platform = process.platform): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'sealant');
  if (platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'sealant', 'cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'sealant');
  return join(homedir(), '.cache', 'sealant');
}

/** The content hash the cache is keyed by (of the bytes on disk). */
export function contentHash(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('base64url');
}

/** JSON with object keys sorted, so that equal configs hash equally whatever their key order. */
export function stableStringify(value: unknown): string {
  if (value === undefined || typeof value === 'function') return 'null';
  if (value instanceof RegExp) return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The header key: every input other than the file itself that a result depends on. */
export function cacheKey(options: Omit<CacheOptions, 'dir' | 'root'>): string {
  const parts = {
    format: CACHE_FORMAT,
    version: options.version,
    build: options.build ?? buildStamp(),
    config: stableStringify(options.config ?? {}),
    rules: [...options.ruleIds].sort(),
  };
  return createHash('sha256').update(stableStringify(parts)).digest('base64url');
}

let stamp: string | undefined;

/** Size and modification time of the running bundle (dist/cli.js, dist/extension.js, or this source file). */
export function buildStamp(): string {
  if (stamp === undefined) {
    try {
      const st = statSync(__filename);
      stamp = `${st.size}:${Math.trunc(st.mtimeMs)}`;
    } catch {
      stamp = 'unknown';
    }
  }
  return stamp;
}

export function openResultCache(options: CacheOptions): ResultCache {
  const root = resolve(options.root);
  const key = cacheKey(options);
  const file = join(options.dir, `${createHash('sha256').update(root).digest('hex').slice(0, 32)}.json`);
  const entries = loadEntries(file, key);
  const stats: CacheStats = { hits: 0, misses: 0, stored: 0 };
  let dirty = false;
  return {
    file,
    key,
    stats,
    get(path, hash) {
      const e = entries.get(path);
      if (e && e.h === hash && isFileResult(e.r, path)) {
        stats.hits++;
        return e.r;
      }
      stats.misses++;
      return undefined;
    },
    set(path, hash, result) {
      if (result.skipped && !CACHEABLE_SKIPS.has(result.skipped.reason)) return;
      entries.set(path, { h: hash, r: result });
      stats.stored++;
      dirty = true;
    },
    save() {
      if (!dirty) return undefined;
      const data: CacheFile = { format: CACHE_FORMAT, key, entries: Object.fromEntries(entries) };
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      try {
        mkdirSync(options.dir, { recursive: true });
        writeFileSync(tmp, JSON.stringify(data));
        renameSync(tmp, file);
        dirty = false;
        return undefined;
      } catch (err) {
        try {
          unlinkSync(tmp);
        } catch {
          // nothing was written
        }
        return `cannot write the result cache ${file}: ${(err as Error).message}`;
      }
    },
  };
}

function loadEntries(file: string, key: string): Map<string, { h: string; r: FileResult }> {
  const entries = new Map<string, { h: string; r: FileResult }>();
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return entries; // missing or corrupt: start afresh
  }
  const c = data as Partial<CacheFile> | null;
  if (!c || typeof c !== 'object' || c.format !== CACHE_FORMAT || c.key !== key || !c.entries || typeof c.entries !== 'object') return entries;
  for (const [path, e] of Object.entries(c.entries)) {
    if (e && typeof e === 'object' && typeof e.h === 'string' && e.r && typeof e.r === 'object') entries.set(path, e);
  }
  return entries;
}

/** Enough of a FileResult's shape to hand it to reporters; anything else is treated as a miss. */
function isFileResult(r: FileResult, path: string): boolean {
  return r.path === path && typeof r.language === 'string' && Array.isArray(r.findings) && typeof r.parsed === 'boolean' &&
    r.findings.every((f) => f && typeof f === 'object' && typeof f.ruleId === 'string' && typeof f.message === 'string' && !!f.range && typeof f.range.startOffset === 'number');
}
