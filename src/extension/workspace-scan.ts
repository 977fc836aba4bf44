/**
 * "Scan Workspace" and "Scan Changed Files": every workspace folder (multi-root), files found by the CLI's
 * walker (.gitignore, default excludes) minus `files.exclude` and `sealant.scan.exclude`, analysed in worker
 * threads by the CLI's pool (dist/worker.js beside the bundle). The team config applies as in `sealant scan`:
 * each file gets the nearest `.sealant.yml` at or above it in its folder (ConfigSet / assignConfigs), whose
 * `ignore` globs drop it and whose rules, testPaths and the folder's triage file shape its findings; the result
 * cache is keyed on the configs' hashes. Progress and cancellation come from VS Code;
 * skipped files and the reasons go to the output channel; results go to the findings store (Problems panel and
 * Findings view) and are kept as a ScanResult for "Export Report".
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import type { ConfigAssignment, ConfigSet } from '../config';
import { TRIAGE_FILE } from '../config/types';
import type { EngineConfig } from '../core/engine';
import type { FileResult, RuleDescriptor, ScanResult, SkippedFile } from '../core/types';
import { engine } from './engine-loader';
import { changedFiles } from './git';
import type { Log } from './log';
import { readSettings } from './settings';
import type { FindingsStore } from './store';

export interface ScanOptions {
  /** Folders to scan; all workspace folders when absent. */
  roots?: readonly vscode.Uri[];
  /** Only files changed against git HEAD (plus untracked files). */
  changedOnly?: boolean;
  /** Cancels the scan (in addition to the progress notification's Cancel button). */
  token?: vscode.CancellationToken;
  /** Show the progress notification (default true). */
  progress?: boolean;
  /** Worker threads; overrides `sealant.scan.jobs`. */
  jobs?: number;
}

export interface ScanSummary {
  cancelled: boolean;
  changedOnly: boolean;
  roots: string[];
  /** Files selected for analysis, and how many were done (analysed, skipped or failed) before the end. */
  total: number;
  done: number;
  findings: number;
  /** Files with findings. */
  filesWithFindings: number;
  /** Skipped files, paths relative to their folder (prefixed with the folder name in a multi-root workspace). */
  skipped: SkippedFile[];
  failed: SkippedFile[];
  ms: number;
}

/** Where the scan gets each workspace folder's config discovery (the extension's TeamConfig). */
export interface ConfigSource {
  configSet(folder: string): ConfigSet;
}

/** One folder's files, each with its config. */
interface Plan {
  root: vscode.Uri;
  prefix: string;
  assigned: ConfigAssignment;
}

/** The results of an inventory scan (FileResults with facts), paths relative to `root`. */
export interface InventoryScan {
  root: string;
  roots: string[];
  files: FileResult[];
  skipped: SkippedFile[];
  /** Labels of the data types the team configs add. */
  labels: Record<string, string>;
  startedAt: string;
}

/** What the result cache keys on besides the built-in rules: every team config's hash (as the CLI's). */
function cacheKeyConfig(assigned: ConfigAssignment): EngineConfig | undefined {
  const hashes = assigned.loaded.filter((l) => l.file).map((l) => l.hash);
  if (hashes.length === 0) return undefined;
  const key: EngineConfig & { teamConfigHashes: string[] } = { teamConfigHashes: hashes };
  return key;
}

/** testPaths and the folder's triage file, applied to scanned files (as `sealant scan` does). */
function applyFolderPolicy(root: string, assigned: ConfigAssignment, files: readonly FileResult[]): FileResult[] {
  const { applyPolicy, readTriageFile, TriageIndex } = engine();
  const data = readTriageFile(join(root, TRIAGE_FILE));
  const triage = data.errors.some((e) => e.severity === 'error') ? undefined : new TriageIndex(data.entries);
  return files.map((f) => {
    const abs = join(root, ...f.path.split('/'));
    const index = assigned.configOf[abs];
    const config = index !== undefined ? assigned.loaded[index].config : undefined;
    if (!config) return triage ? { ...f, findings: f.findings.map((x) => triage.apply(x)) } : f;
    return { ...f, findings: applyPolicy(f.findings, config, abs, { triage }) };
  });
}

export interface ScanState {
  scanning: boolean;
  done: number;
  total: number;
}

export class WorkspaceScanner implements vscode.Disposable {
  private running: Promise<ScanSummary | undefined> | undefined;
  private last: ScanResult | undefined;
  private scannedFiles = new Set<string>();
  private readonly stateEmitter = new vscode.EventEmitter<ScanState>();
  /** Fires when a scan starts, progresses and ends. */
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly doneEmitter = new vscode.EventEmitter<ScanSummary>();
  readonly onDidScan = this.doneEmitter.event;

  constructor(
    private readonly store: FindingsStore,
    private readonly log: Log,
    private readonly rules: () => RuleDescriptor[],
    private readonly version: string,
    /** Folder of the result cache shared with nothing else (the extension's global storage); none: no cache. */
    private readonly cacheDir: string | undefined,
    /** The team config discovery of each folder. */
    private readonly configs: ConfigSource,
  ) {}

  get isScanning(): boolean {
    return this.running !== undefined;
  }

  /** The result of the last workspace scan (for reports), or undefined. */
  get lastResult(): ScanResult | undefined {
    return this.last;
  }

  /** True when the file was part of the last scan. */
  covers(uri: vscode.Uri): boolean {
    return this.scannedFiles.has(uri.toString());
  }

  scan(options: ScanOptions = {}): Promise<ScanSummary | undefined> {
    if (this.running) {
      void vscode.window.showInformationMessage('Sealant: a scan is already running.');
      return this.running;
    }
    const run = this.doScan(options).finally(() => {
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async doScan(options: ScanOptions): Promise<ScanSummary | undefined> {
    const roots = options.roots ?? (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri);
    const what = options.changedOnly ? 'changed files' : 'workspace';
    if (roots.length === 0) {
      void vscode.window.showWarningMessage(`Sealant: open a folder to scan its ${what}.`);
      return undefined;
    }
    const title = options.changedOnly ? 'Sealant: scanning changed files' : 'Sealant: scanning the workspace';
    const body = (progress: vscode.Progress<{ message?: string; increment?: number }> | undefined, uiToken: vscode.CancellationToken | undefined) => {
      const cts = new vscode.CancellationTokenSource();
      const links = [options.token?.onCancellationRequested(() => cts.cancel()), uiToken?.onCancellationRequested(() => cts.cancel())];
      if (options.token?.isCancellationRequested || uiToken?.isCancellationRequested) cts.cancel();
      return this.scanRoots(roots, options, cts.token, progress).finally(() => {
        for (const l of links) l?.dispose();
        cts.dispose();
      });
    };
    if (options.progress === false) return body(undefined, undefined);
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => body(progress, token));
  }

  private async scanRoots(roots: readonly vscode.Uri[], options: ScanOptions, token: vscode.CancellationToken, progress: vscode.Progress<{ message?: string; increment?: number }> | undefined): Promise<ScanSummary> {
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    const { defaultJobs, openResultCache, runScan, teamDescriptors } = engine();
    const settings = readSettings(undefined, this.log);
    const jobs = options.jobs ?? (settings.scanJobs || defaultJobs());
    const summary: ScanSummary = { cancelled: false, changedOnly: !!options.changedOnly, roots: roots.map((r) => r.fsPath), total: 0, done: 0, findings: 0, filesWithFindings: 0, skipped: [], failed: [], ms: 0 };
    this.stateEmitter.fire({ scanning: true, done: 0, total: 0 });
    progress?.report({ message: 'listing files…' });

    // 1. Select the files of every folder first, so that progress counts against the grand total.
    const plans = await this.plan(roots, options, summary);
    summary.total = plans.reduce((n, p) => n + p.assigned.files.length, 0);
    this.stateEmitter.fire({ scanning: true, done: 0, total: summary.total });

    // 2. Analyse, folder after folder, in worker threads.
    const fileResults: { root: vscode.Uri; prefix: string; result: FileResult }[] = [];
    let reported = 0;
    for (const plan of plans) {
      if (token.isCancellationRequested) {
        summary.cancelled = true;
        break;
      }
      const { assigned } = plan;
      if (assigned.files.length === 0) continue;
      const base = summary.done;
      const rules = this.rules();
      const cache = this.cacheDir
        ? openResultCache({ dir: this.cacheDir, root: plan.root.fsPath, version: this.version, config: cacheKeyConfig(assigned), ruleIds: rules.map((r) => r.id) })
        : undefined;
      const out = await runScan({
        root: plan.root.fsPath,
        files: assigned.files,
        jobs,
        teamConfigs: assigned.teamConfigs,
        configOf: assigned.configOf,
        cache,
        cancellation: token,
        onProgress: (done) => {
          summary.done = base + done;
          const pct = summary.total ? Math.floor((summary.done / summary.total) * 100) : 100;
          progress?.report({ message: `${summary.done}/${summary.total} files`, increment: pct - reported });
          reported = pct;
          this.stateEmitter.fire({ scanning: true, done: summary.done, total: summary.total });
        },
      });
      if (cache) {
        const error = cache.save();
        if (error) this.log.warn(`scan: could not save the result cache ${cache.file}: ${error}`);
        this.log.info(`scan: ${plan.root.fsPath}: result cache ${cache.stats.hits} hit(s), ${cache.stats.misses} miss(es)`);
      }
      for (const r of applyFolderPolicy(plan.root.fsPath, assigned, out.files)) fileResults.push({ root: plan.root, prefix: plan.prefix, result: r });
      summary.skipped.push(...out.skipped.map((s) => ({ ...s, path: plan.prefix + s.path })));
      summary.failed.push(...out.failed.map((s) => ({ ...s, path: plan.prefix + s.path })));
      summary.done = base + out.files.length + out.skipped.length + out.failed.length;
      if (out.cancelled) {
        summary.cancelled = true;
        break;
      }
    }
    if (token.isCancellationRequested) summary.cancelled = true;

    // 3. Publish.
    const results = fileResults.map(({ root, result }) => ({ uri: vscode.Uri.joinPath(root, ...result.path.split('/')), findings: result.findings }));
    const scannedRoots = plans.map((p) => p.root);
    this.store.setScan(results, options.changedOnly || summary.cancelled ? undefined : scannedRoots);
    if (!options.changedOnly && !summary.cancelled) this.scannedFiles = new Set(results.map((r) => r.uri.toString()));
    else for (const r of results) this.scannedFiles.add(r.uri.toString());
    summary.findings = fileResults.reduce((n, f) => n + f.result.findings.filter((x) => !x.suppression).length, 0);
    summary.filesWithFindings = fileResults.filter((f) => f.result.findings.some((x) => !x.suppression)).length;
    summary.ms = Date.now() - started;
    // Reports describe every rule in force: the root config's and those of nested configs (custom rules included).
    const descriptors = plans.reduce((all, p) => teamDescriptors(p.assigned, all), this.rules());
    this.last = combine(plans.map((p) => p.root.fsPath), fileResults.map((f) => ({ root: f.root.fsPath, result: f.result })), summary, descriptors, this.version, startedAt);

    this.report(summary);
    this.stateEmitter.fire({ scanning: false, done: summary.done, total: summary.total });
    this.doneEmitter.fire(summary);
    return summary;
  }

  /**
   * The files of each folder to analyse: the CLI's walker (.gitignore, default excludes) minus files.exclude and
   * sealant.scan.exclude, or the files changed against git HEAD; then each file's config, without the files its
   * `ignore` globs exclude. Skipped files and folders that cannot be listed go into `summary`.
   */
  private async plan(roots: readonly vscode.Uri[], options: ScanOptions, summary: Pick<ScanSummary, 'skipped' | 'failed'>): Promise<Plan[]> {
    const multi = roots.length > 1;
    const plans: Plan[] = [];
    for (const root of roots) {
      const prefix = multi ? `${basename(root)}/` : '';
      if (root.scheme !== 'file') {
        this.log.warn(`scan: ${root.toString()} is not on a local disk (scheme ${root.scheme}); skipped`);
        continue;
      }
      const ignore = [...filesExclude(root), ...readSettings(root, this.log).scanExclude];
      try {
        let paths: string[] = [];
        if (options.changedOnly) {
          const changed = await changedFiles(root.fsPath);
          if (changed.error) {
            this.log.warn(`scan: cannot list changed files in ${root.fsPath}: ${changed.error}`);
            void vscode.window.showWarningMessage(`Sealant: cannot list changed files in ${basename(root)}: ${changed.error}`);
            continue;
          }
          if (changed.noHead) this.log.info(`scan: ${root.fsPath} has no commit yet; every file counts as changed`);
          paths = changed.files;
          if (paths.length === 0) {
            plans.push({ root, prefix, assigned: { files: [], ignored: 0, loaded: [], teamConfigs: [], configOf: {} } });
            continue;
          }
        }
        const walked = engine().walk(root.fsPath, paths, { ignore });
        const files = options.changedOnly ? walked.files.filter((f) => !isIgnoredByGlobs(root.fsPath, f, ignore)) : walked.files;
        const assigned = await engine().assignConfigs(this.configs.configSet(root.fsPath), files);
        summary.skipped.push(...walked.skipped.map((s) => ({ ...s, path: prefix + s.path })));
        plans.push({ root, prefix, assigned });
        const configs = assigned.loaded.filter((l) => l.file).map((l) => vscode.workspace.asRelativePath(l.file as string, multi));
        this.log.info(
          `scan: ${root.fsPath}: ${assigned.files.length} file(s) to analyse${options.changedOnly ? ' (changed against HEAD)' : ''}` +
            `${ignore.length ? `; excluded by files.exclude / sealant.scan.exclude: ${ignore.join(', ')}` : ''}` +
            `${configs.length ? `; team config ${configs.join(', ')}` : ''}${assigned.ignored ? `; ${assigned.ignored} file(s) left out by its ignore globs` : ''}`,
        );
      } catch (err) {
        this.log.error(`scan: cannot list the files of ${root.fsPath}`, err);
        summary.failed.push({ path: prefix || root.fsPath, reason: 'unreadable', detail: String(err) });
      }
    }
    return plans;
  }

  /**
   * Scans every workspace folder with the engine's inventory pass on (as `sealant inventory`: same walk, same
   * configs, `.sql` / `.prisma` schema files too) and returns the results; the findings store is not touched.
   */
  async inventoryScan(token?: vscode.CancellationToken): Promise<InventoryScan | undefined> {
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri).filter((u) => u.scheme === 'file');
    if (roots.length === 0) return undefined;
    const { defaultJobs, findSchemaFiles, runScan, schemaFileFacts, toPosix } = engine();
    const startedAt = new Date().toISOString();
    const summary: Pick<ScanSummary, 'skipped' | 'failed'> = { skipped: [], failed: [] };
    const plans = await this.plan(roots, {}, summary);
    const root = commonDir(plans.map((p) => p.root.fsPath));
    const rel = (folder: string, p: string) => {
      const r = relative(root, folder).split(sep).join('/');
      return r ? `${r}/${p}` : p;
    };
    const files: FileResult[] = [];
    const skipped: SkippedFile[] = [...summary.skipped, ...summary.failed];
    const labels: Record<string, string> = {};
    const jobs = readSettings(undefined, this.log).scanJobs || defaultJobs();
    for (const plan of plans) {
      if (token?.isCancellationRequested) return undefined;
      const folder = plan.root.fsPath;
      const { assigned } = plan;
      for (const c of assigned.teamConfigs) for (const t of c.dataTypes.types) labels[t.id] = t.label;
      const out = await runScan({ root: folder, files: assigned.files, jobs, config: { inventory: true }, teamConfigs: assigned.teamConfigs, configOf: assigned.configOf, cancellation: token });
      if (out.cancelled) return undefined;
      for (const f of applyFolderPolicy(folder, assigned, out.files)) {
        files.push({ ...f, path: rel(folder, f.path), findings: f.findings.map((x) => ({ ...x, path: rel(folder, x.path) })), ...(f.facts ? { facts: f.facts.map((x) => ({ ...x, path: rel(folder, x.path) })) } : {}) });
      }
      skipped.push(...[...out.skipped, ...out.failed].map((s) => ({ ...s, path: rel(folder, s.path) })));
      for (const abs of findSchemaFiles(folder, [folder])) {
        try {
          const facts = schemaFileFacts(toPosix(folder, abs), readFileSync(abs, 'utf8'));
          files.push({ ...facts, path: rel(folder, facts.path), ...(facts.facts ? { facts: facts.facts.map((x) => ({ ...x, path: rel(folder, x.path) })) } : {}) });
        } catch (err) {
          skipped.push({ path: rel(folder, toPosix(folder, abs)), reason: 'unreadable', detail: String(err) });
        }
      }
    }
    files.sort((a, b) => a.path.localeCompare(b.path));
    return { root, roots: plans.map((p) => p.root.fsPath), files, skipped, labels, startedAt };
  }

  private report(s: ScanSummary): void {
    const head = `${s.changedOnly ? 'changed-files scan' : 'workspace scan'} ${s.cancelled ? `cancelled after ${s.done} of ${s.total}` : `of ${s.total}`} file(s): ${s.findings} finding(s) in ${s.filesWithFindings} file(s), ${s.skipped.length} skipped, ${s.failed.length} failed, ${s.ms} ms`;
    this.log.info(head);
    for (const k of s.skipped) this.log.info(`  skipped ${k.path}: ${k.reason} (${k.detail})`);
    for (const f of s.failed) this.log.error(`  failed ${f.path}: ${f.detail}`);
    if (s.failed.length) {
      void vscode.window.showWarningMessage(`Sealant: ${s.failed.length} file(s) could not be analysed.`, 'Show Log').then((pick) => {
        if (pick) this.log.channel.show(true);
      });
    }
    if (s.cancelled) void vscode.window.showInformationMessage(`Sealant: scan cancelled after ${s.done} of ${s.total} files.`);
  }

  dispose(): void {
    this.stateEmitter.dispose();
    this.doneEmitter.dispose();
  }
}

function basename(uri: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return folder?.name ?? uri.path.split('/').filter(Boolean).pop() ?? uri.fsPath;
}

/** `files.exclude` patterns switched on for a folder, as gitignore-style globs. */
export function filesExclude(root: vscode.Uri): string[] {
  const exclude = vscode.workspace.getConfiguration('files', root).get<Record<string, unknown>>('exclude') ?? {};
  return Object.entries(exclude)
    .filter(([, on]) => on === true)
    .map(([glob]) => glob);
}

/**
 * The walker scans explicitly named files even when ignored; a changed-files scan still honours the default
 * excludes, files.exclude and sealant.scan.exclude (as the full scan does).
 */
function isIgnoredByGlobs(root: string, file: string, globs: readonly string[]): boolean {
  const rel = relative(root, file).split(sep).join('/');
  if (!rel || rel.startsWith('..')) return false;
  const { DEFAULT_EXCLUDES, ignore } = engine();
  return ignore().add([...DEFAULT_EXCLUDES, ...globs]).ignores(rel);
}

/** One ScanResult over every scanned folder: paths relative to the folders' common parent. */
function combine(roots: string[], files: { root: string; result: FileResult }[], summary: ScanSummary, rules: RuleDescriptor[], version: string, startedAt: string): ScanResult {
  const root = commonDir(roots);
  const rel = (folder: string, p: string) => {
    const r = relative(root, folder).split(sep).join('/');
    return r ? `${r}/${p}` : p;
  };
  const folderOfPrefix = new Map(roots.map((r) => [`${r.split(sep).pop()}/`, r]));
  const fixSkipped = (s: SkippedFile): SkippedFile => {
    if (roots.length <= 1) return s;
    const slash = s.path.indexOf('/');
    const folder = folderOfPrefix.get(s.path.slice(0, slash + 1));
    return folder ? { ...s, path: rel(folder, s.path.slice(slash + 1)) } : s;
  };
  return {
    tool: { name: 'sealant', version },
    root,
    files: files
      .map(({ root: folder, result }) => ({
        ...result,
        path: rel(folder, result.path),
        findings: result.findings.map((f) => ({ ...f, path: rel(folder, f.path) })),
      }))
      .sort((a, b) => a.path.localeCompare(b.path)),
    skipped: [...summary.skipped, ...summary.failed].map(fixSkipped),
    rules,
    startedAt,
    durationMs: summary.ms,
  };
}

function commonDir(paths: string[]): string {
  if (paths.length === 0) return '';
  if (paths.length === 1) return paths[0];
  let common = paths[0];
  while (!paths.every((p) => p === common || p.startsWith(common.endsWith(sep) ? common : common + sep))) {
    const up = dirname(common);
    if (up === common) break;
    common = up;
  }
  return existsSync(common) && statSync(common).isDirectory() ? common : paths[0];
}
