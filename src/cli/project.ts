/**
 * A scan under the team config, shared by `sealant scan`, `sealant triage` and `sealant config`: find the project
 * root and the configs that apply (nearest `.sealant.yml` per folder, or `--config FILE`), walk the paths without
 * the configs' `ignore` globs, assign each file its config for the workers, and afterwards apply `testPaths` and
 * the triage file to the findings.
 */
import { relative, resolve, sep } from 'node:path';
import { statSync } from 'node:fs';
import { Engine, type EngineConfig } from '../core/engine';
import type { FileResult, Finding, RuleDescriptor, SkippedFile } from '../core/types';
import {
  applyPolicy, assignConfigs, ConfigSet, formatConfigError, isIgnored, projectRoot, readTriageFile, TriageIndex, TRIAGE_FILE,
  type ConfigError, type LoadedConfig, type ResolvedConfig, type TriageFileData,
} from '../config';
import { BUILTIN_RULES } from '../rules';
import { defaultCacheDir, openResultCache } from './cache';
import { nodeHost, packageVersion } from './node-host';
import { defaultJobs, runScan } from './scan';
import { walk, type WalkResult } from './walk';

export interface TeamScanOptions {
  cwd: string;
  /** Paths to scan, relative to cwd (none: cwd). */
  paths: readonly string[];
  /** `--config FILE`, relative to cwd: one config for every file, no discovery. */
  configFile?: string;
  /** Check custom queries against the grammars (default true). */
  checkQueries?: boolean;
}

export interface TeamScan {
  /** The project root: report paths and fingerprints are relative to it. */
  root: string;
  /** Absolute paths of the files to analyse (ignored files removed). */
  files: string[];
  skipped: SkippedFile[];
  /** Files left out by the configs' `ignore` globs. */
  ignored: number;
  /** The loaded configs, by index (see configOf). */
  loaded: LoadedConfig[];
  /** Plain data for the workers. */
  teamConfigs: ResolvedConfig[];
  configOf: Record<string, number>;
  /** Problems of every config and the triage file, deduplicated. */
  errors: ConfigError[];
  /** The triage file at the project root (exists: false when there is none). */
  triage: TriageFileData;
  /** True when the scan covers the whole project (so unused triage entries are really stale). */
  wholeProject: boolean;
}

/** A config or triage error stops the run: exit code 2. */
export class ConfigFailure extends Error {
  constructor(readonly errors: ConfigError[]) {
    super(`invalid config: ${errors.filter((e) => e.severity === 'error').length} error(s)`);
  }
}

/** Prepares a scan; throws ConfigFailure when a config or the triage file has errors. */
export async function prepareTeamScan(options: TeamScanOptions): Promise<TeamScan & { walked: WalkResult }> {
  const cwd = resolve(options.cwd);
  const root = projectRoot(cwd);
  const explicit = options.configFile !== undefined ? resolve(cwd, options.configFile) : undefined;
  const configs = new ConfigSet(root, { explicit, host: options.checkQueries === false ? undefined : nodeHost() });
  const targets = options.paths.length ? options.paths.map((p) => resolve(cwd, p)) : [cwd];
  const walked = walk(root, targets);
  const named = new Set(targets.filter((t) => isFileSync(t)));

  // Each file's config (each config loaded once), without the files its ignore globs exclude.
  const { files, loaded, configOf, ignored: ignoredFiles } = await assignConfigs(configs, walked.files, named);
  let ignored = ignoredFiles;
  const skipped: SkippedFile[] = [];
  for (const s of walked.skipped) {
    const abs = resolve(root, s.path);
    if (isIgnored((await configs.forFile(abs)).config, abs)) ignored++;
    else skipped.push(s);
  }
  // No file: the root's config still counts (its errors, and the rule descriptors of the report).
  if (loaded.length === 0) loaded.push(await configs.forRoot());
  const triagePath = resolve(root, TRIAGE_FILE);
  const triage = readTriageFile(triagePath);
  const seen = new Set<string>();
  const errors: ConfigError[] = [];
  for (const e of [...loaded.flatMap((l) => l.errors), ...triage.errors]) {
    const key = `${e.file}:${e.line}:${e.column}:${e.field}:${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(e);
  }
  if (errors.some((e) => e.severity === 'error')) throw new ConfigFailure(errors);
  return {
    root,
    files,
    skipped,
    ignored,
    loaded,
    teamConfigs: loaded.map((l) => l.config),
    configOf,
    errors,
    triage,
    wholeProject: targets.some((t) => t === root),
    walked,
  };
}

function isFileSync(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** What the result cache must key on besides the built-in rules: every team config's hash. */
export function cacheKeyConfig(scan: TeamScan): EngineConfig | undefined {
  const team = scan.loaded.filter((l) => l.file).map((l) => l.hash);
  if (team.length === 0) return undefined;
  const key: EngineConfig & { teamConfigHashes: string[] } = { teamConfigHashes: team };
  return key;
}

/** Rule descriptors of every config in use (custom rules included), each rule once (`base` first). */
export function teamDescriptors(scan: Pick<TeamScan, 'loaded'>, base: readonly RuleDescriptor[] = []): RuleDescriptor[] {
  const byId = new Map<string, RuleDescriptor>(base.map((d) => [d.id, d]));
  const host = nodeHost();
  for (const l of scan.loaded) {
    for (const d of new Engine(host, { rules: l.rules, config: l.engineConfig }).descriptors()) if (!byId.has(d.id)) byId.set(d.id, d);
  }
  return [...byId.values()];
}

/** Applies `testPaths` and the triage file to scanned files; returns the triage index to ask for stale entries. */
export function applyTeamPolicy(scan: TeamScan, files: FileResult[], now: Date = new Date()): { files: FileResult[]; triage: TriageIndex } {
  const triage = new TriageIndex(scan.triage.entries, now);
  const out = files.map((f) => {
    const abs = resolve(scan.root, f.path);
    const index = scan.configOf[abs];
    const config = index !== undefined ? scan.loaded[index].config : undefined;
    const findings: Finding[] = config ? applyPolicy(f.findings, config, abs, { triage }) : f.findings.map((x) => triage.apply(x));
    return { ...f, findings };
  });
  return { files: out, triage };
}

/** Config errors as the CLI prints them: `file:line:col: severity: field: message`, files relative to cwd. */
export function formatErrors(errors: readonly ConfigError[], cwd: string): string {
  const rel = (file: string): string => {
    const r = relative(cwd, file);
    return r && !r.startsWith(`..${sep}..${sep}..`) ? r : file;
  };
  return errors.map((e) => formatConfigError(e, rel)).join('\n');
}

export interface TeamScanRun {
  scan: TeamScan;
  /** Scanned files with testPaths and the triage file applied. */
  files: FileResult[];
  triage: TriageIndex;
  failed: SkippedFile[];
}

/** Prepares and runs a scan under the team config (with the result cache), for the triage commands. */
export async function runTeamScan(options: TeamScanOptions & { env: Record<string, string | undefined>; jobs?: number; cache?: boolean }): Promise<TeamScanRun> {
  const scan = await prepareTeamScan(options);
  const cache = options.cache === false
    ? undefined
    : openResultCache({ dir: defaultCacheDir(options.env), root: scan.root, version: packageVersion(), config: cacheKeyConfig(scan), ruleIds: BUILTIN_RULES.map((r) => r.id) });
  const out = await runScan({ root: scan.root, files: scan.files, jobs: options.jobs ?? defaultJobs(), teamConfigs: scan.teamConfigs, configOf: scan.configOf, cache });
  cache?.save();
  const policy = applyTeamPolicy(scan, out.files);
  return { scan, files: policy.files, triage: policy.triage, failed: [...out.failed, ...out.skipped.filter((s) => s.reason === 'unreadable' || s.reason === 'parse-timeout' || s.reason === 'error')] };
}
