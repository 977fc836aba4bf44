/**
 * Which config applies where. The nearest `.sealant.yml` (or `.sealant.json`) at or above a file's folder
 * applies to it, searching up to the workspace root (the CLI's project root, or a VS Code workspace folder);
 * configs do not cascade — a nested config that wants its parent's settings says `extends: ../.sealant.yml`.
 */
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { configFileIn, defaultLoadedConfig, loadConfigFile, type LoadOptions } from './loader';
import { isIgnored } from './policy';
import { TRIAGE_FILE, type LoadedConfig, type ResolvedConfig } from './types';

/** The nearest config file at or above `dir`; the search stops after `stopAt` when `dir` is inside it. */
export function nearestConfigFile(dir: string, stopAt?: string): string | undefined {
  const limit = stopAt && isInside(resolve(stopAt), resolve(dir)) ? resolve(stopAt) : undefined;
  for (let d = resolve(dir); ; d = dirname(d)) {
    const file = configFileIn(d);
    if (file) return file;
    if (d === limit || dirname(d) === d) return undefined;
  }
}

/**
 * The project root of a CLI run: the nearest folder at or above `cwd` with a config file, else the nearest with a
 * triage file, else `cwd`. Report paths and fingerprints are relative to it, so they do not depend on the folder
 * the command runs in, and agree with the extension when the config sits at the workspace root.
 */
export function projectRoot(cwd: string): string {
  const config = nearestConfigFile(cwd);
  if (config) return dirname(config);
  for (let d = resolve(cwd); ; d = dirname(d)) {
    if (existsSync(join(d, TRIAGE_FILE))) return d;
    if (dirname(d) === d) return resolve(cwd);
  }
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export interface ConfigSetOptions extends LoadOptions {
  /** One config file for every file (`--config FILE`): no discovery. Its globs are relative to the root. */
  explicit?: string;
}

/**
 * The configs of one workspace root, loaded on first use and kept: the nearest config of each folder is looked up
 * once, each config file is loaded once. `invalidate()` drops everything (a config file changed).
 */
export class ConfigSet {
  private readonly byDir = new Map<string, string | undefined>();
  private readonly byFile = new Map<string, Promise<LoadedConfig>>();
  readonly root: string;

  constructor(root: string, private readonly options: ConfigSetOptions = {}) {
    this.root = resolve(root);
  }

  /** The config file that applies to a file (undefined: none, the defaults apply). */
  configFileFor(file: string): string | undefined {
    if (this.options.explicit) return resolve(this.options.explicit);
    const dir = dirname(resolve(file));
    if (!this.byDir.has(dir)) this.byDir.set(dir, nearestConfigFile(dir, this.root));
    return this.byDir.get(dir);
  }

  /** The loaded config of a file. */
  forFile(file: string): Promise<LoadedConfig> {
    return this.load(this.configFileFor(file));
  }

  /** The loaded config of the root folder itself. */
  forRoot(): Promise<LoadedConfig> {
    return this.load(this.options.explicit ? resolve(this.options.explicit) : nearestConfigFile(this.root, this.root));
  }

  load(configFile: string | undefined): Promise<LoadedConfig> {
    const key = configFile ?? '';
    let p = this.byFile.get(key);
    if (!p) {
      p = configFile
        ? loadConfigFile(configFile, { ...this.options, baseDir: this.options.explicit ? this.root : this.options.baseDir })
        : Promise.resolve(defaultLoadedConfig(this.root, this.options));
      this.byFile.set(key, p);
    }
    return p;
  }

  /** Every config loaded so far. */
  async all(): Promise<LoadedConfig[]> {
    return Promise.all([...this.byFile.values()]);
  }

  invalidate(): void {
    this.byDir.clear();
    this.byFile.clear();
  }
}

/** The config for one file of a workspace folder (nearest config between the file and the folder). */
export function configForFile(folder: string, file: string, options: ConfigSetOptions & { cache?: ConfigSet } = {}): Promise<LoadedConfig> {
  const set = options.cache ?? new ConfigSet(folder, options);
  return set.forFile(file);
}

export interface ConfigAssignment {
  /** The files to analyse: those the `ignore` globs of their config leave out are removed (unless `keep` has them). */
  files: string[];
  /** How many files were left out by `ignore` globs. */
  ignored: number;
  /** The loaded configs in use, by index. */
  loaded: LoadedConfig[];
  /** Plain data for `runScan({ teamConfigs, configOf })`. */
  teamConfigs: ResolvedConfig[];
  /** Each kept file's config index, by absolute path. */
  configOf: Record<string, number>;
}

/**
 * Gives each file its config (each config loaded once) and drops the files its `ignore` globs exclude: what a
 * workspace scan passes to `runScan`. `keep` lists files named explicitly, which are scanned even when ignored.
 */
export async function assignConfigs(set: ConfigSet, files: readonly string[], keep: ReadonlySet<string> = new Set()): Promise<ConfigAssignment> {
  const indexByFile = new Map<string, number>();
  const loaded: LoadedConfig[] = [];
  const out: ConfigAssignment = { files: [], ignored: 0, loaded, teamConfigs: [], configOf: {} };
  for (const file of files) {
    const key = set.configFileFor(file) ?? '';
    let index = indexByFile.get(key);
    if (index === undefined) {
      index = loaded.length;
      indexByFile.set(key, index);
      loaded.push(await set.load(key || undefined));
    }
    if (!keep.has(file) && isIgnored(loaded[index].config, file)) {
      out.ignored++;
      continue;
    }
    out.files.push(file);
    out.configOf[file] = index;
  }
  out.teamConfigs = loaded.map((l) => l.config);
  return out;
}
