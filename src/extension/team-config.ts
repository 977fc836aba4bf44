/**
 * The team config (`.sealant.yml` / `.sealant.json`) as the extension sees it, through the config layer
 * (src/config). Untrusted workspaces run the built-in rules only: `extends` and custom rules wait for trust
 * (the loader skips them with an info entry; the extension re-loads when trust is granted).
 *
 * A config with errors is shown as diagnostics in its file (collection `sealant-config`) and the last good config
 * stays in force. Every file the loader read or looked for is watched; a change re-loads the config.
 *
 * Discovery is the CLI's (src/config/discovery.ts): the nearest config file at or above a file, up to its
 * workspace folder, in every folder of a multi-root workspace (`configFor`, `configSet`). The "root" config (the
 * first workspace folder holding a config file) is the one `load()` reports and the API's `teamConfig()` returns;
 * a broken nested config also falls back to its own last good version (or the defaults).
 */
import { existsSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ConfigError, ConfigSet, ConfigSetOptions, LoadedConfig, TriageIndex } from '../config';
import { TRIAGE_FILE } from '../config/types';
import type { Finding } from '../core/types';
import type { Host } from '../core/host';
import { CONFIG_FILE } from './constants';
import { engine } from './engine-loader';
import type { Log } from './log';

const CONFIG_NAMES = [CONFIG_FILE, '.sealant.json'];
const RELOAD_DELAY_MS = 150;

export interface LoadOutcome {
  /** What was loaded (undefined: no workspace folder). */
  loaded: LoadedConfig | undefined;
  /** The config to apply now: the loaded one when ok, undefined when it has errors (keep the last good one). */
  apply: LoadedConfig | undefined;
}

function toSeverity(s: ConfigError['severity']): vscode.DiagnosticSeverity {
  return s === 'error' ? vscode.DiagnosticSeverity.Error : s === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

/** Config errors (1-based, end exclusive) as VS Code diagnostics (0-based), by file. */
export function configDiagnostics(errors: readonly ConfigError[]): Map<string, vscode.Diagnostic[]> {
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const e of errors) {
    const line = Math.max(0, e.line - 1);
    const column = Math.max(0, e.column - 1);
    const endLine = Math.max(line, (e.endLine || e.line) - 1);
    let endColumn = Math.max(0, (e.endColumn || e.column) - 1);
    if (endLine === line && endColumn <= column) endColumn = column + 1;
    const d = new vscode.Diagnostic(new vscode.Range(line, column, endLine, endColumn), e.field && e.field !== '(file)' ? `${e.field}: ${e.message}` : e.message, toSeverity(e.severity));
    d.source = 'Sealant config';
    const list = byFile.get(e.file) ?? [];
    list.push(d);
    byFile.set(e.file, list);
  }
  return byFile;
}

type EditorConfigSetClass = new (root: string, options: ConfigSetOptions, usable: (loaded: LoadedConfig) => LoadedConfig) => ConfigSet;
let editorConfigSetClass: EditorConfigSetClass | undefined;

/**
 * A workspace folder's ConfigSet whose configs are always usable: a config with errors shows them (through
 * `usable`) and is replaced by its last good version, or the defaults. assignConfigs and forFile go through it.
 * The class is made on first use: ConfigSet is the engine bundle's.
 */
function newEditorConfigSet(root: string, options: ConfigSetOptions, usable: (loaded: LoadedConfig) => LoadedConfig): ConfigSet {
  if (!editorConfigSetClass) {
    editorConfigSetClass = class EditorConfigSet extends engine().ConfigSet {
      constructor(root: string, options: ConfigSetOptions, private readonly usable: (loaded: LoadedConfig) => LoadedConfig) {
        super(root, options);
      }

      override async load(configFile: string | undefined): Promise<LoadedConfig> {
        return this.usable(await super.load(configFile));
      }
    };
  }
  return new editorConfigSetClass(root, options, usable);
}

export class TeamConfig implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('sealant-config');
  /** The last config that loaded without errors (what the engine runs with). */
  lastGood: LoadedConfig | undefined;
  last: LoadedConfig | undefined;
  private watchers: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The load in progress (see load). */
  private loading: Promise<unknown> = Promise.resolve();
  /** Trust as the tests set it (code-server runs with --disable-workspace-trust); undefined: the real trust. */
  trustOverride: boolean | undefined;
  /** The folder the config was loaded for. */
  folderPath: string | undefined;
  /** Triage entries by triage file (each workspace folder has its own, as the CLI reads one per scanned root). */
  private readonly triageIndexes = new Map<string, TriageIndex>();
  /** Config sets by workspace folder path (dropped whenever a config file changes). */
  private sets = new Map<string, ConfigSet>();
  /** The last good version of every config file loaded (root and nested). */
  private readonly good = new Map<string, LoadedConfig>();
  /** Watchers of the files nested configs read (created once per file; `**` globs are not enough everywhere). */
  private readonly fileWatchers = new Map<string, vscode.Disposable>();
  /** Problems shown in the config files, by the config (or triage file) that reported them. */
  private readonly problems = new Map<string, readonly ConfigError[]>();

  constructor(
    private readonly host: Host,
    private readonly log: Log,
    /** Called with a config to apply (ok) after a reload triggered by a watched file. */
    private readonly onReload: (outcome: LoadOutcome, why: string) => void,
  ) {
    const triage = vscode.workspace.createFileSystemWatcher(`**/${TRIAGE_FILE}`);
    const dropTriage = () => {
      this.triageIndexes.clear();
      this.onTriageChange?.();
    };
    this.disposables.push(triage, triage.onDidCreate(dropTriage), triage.onDidChange(dropTriage), triage.onDidDelete(dropTriage));
    // Saved in the editor, created, deleted or renamed through VS Code (explorer, workspace edits): reliable even
    // where file watching misses a change (file watchers still catch edits made outside VS Code).
    const isConfig = (uri: vscode.Uri) => uri.scheme === 'file' && CONFIG_NAMES.includes(path.basename(uri.fsPath));
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (isConfig(doc.uri)) this.schedule(`${vscode.workspace.asRelativePath(doc.uri, true)} saved`);
      }),
      vscode.workspace.onDidCreateFiles((e) => {
        if (e.files.some(isConfig)) this.schedule('a config file was created');
      }),
      vscode.workspace.onDidDeleteFiles((e) => {
        if (e.files.some(isConfig)) this.schedule('a config file was deleted');
      }),
      vscode.workspace.onDidRenameFiles((e) => {
        if (e.files.some((f) => isConfig(f.oldUri) || isConfig(f.newUri))) this.schedule('a config file was renamed');
      }),
    );
    // New config files anywhere at a folder root.
    for (const name of CONFIG_NAMES) {
      const w = vscode.workspace.createFileSystemWatcher(`**/${name}`);
      this.disposables.push(w, w.onDidCreate(() => this.schedule(`${name} created`)), w.onDidDelete(() => this.schedule(`${name} deleted`)), w.onDidChange(() => this.schedule(`${name} changed`)));
    }
  }

  /** Forgets the triage entries (read again on next use). */
  dropTriage(): void {
    this.triageIndexes.clear();
  }

  /** Called when the triage file changed (re-analyse open documents). */
  onTriageChange: (() => void) | undefined;

  /** The triage file for a document: the one at the root of its workspace folder (else of the config's folder). */
  triagePath(uri?: vscode.Uri): string | undefined {
    const folder = uri?.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
    const root = folder?.uri.scheme === 'file' ? folder.uri.fsPath : this.folderPath;
    return root ? path.join(root, TRIAGE_FILE) : undefined;
  }

  /** The triage entries in force for a document (each file read on first use after a change). */
  triage(uri?: vscode.Uri): TriageIndex | undefined {
    const file = this.triagePath(uri);
    if (!file) return undefined;
    let index = this.triageIndexes.get(file);
    if (!index) {
      const { readTriageFile, TriageIndex } = engine();
      const data = readTriageFile(file);
      index = new TriageIndex(data.entries);
      this.triageIndexes.set(file, index);
      // Errors of the triage file show in it, as config errors do (an invalid file applies no entries).
      this.showProblems(`triage:${file}`, data.errors);
    }
    return index;
  }

  /**
   * `ignore` globs (no findings, as the CLI does not scan the file), testPaths and the triage file, applied to one
   * file's findings (`loaded`: the config the file's engine runs with).
   */
  applyPolicy(uri: vscode.Uri, findings: readonly Finding[], loaded: LoadedConfig | undefined): readonly Finding[] {
    if (uri.scheme !== 'file') return findings;
    const { applyPolicy, isIgnored } = engine();
    if (loaded?.file && isIgnored(loaded.config, uri.fsPath)) return [];
    const triage = this.triage(uri);
    if (!triage) return findings;
    if (!loaded && !triage?.entries.length) return findings;
    const config = loaded?.config ?? this.last?.config;
    if (!config) return findings;
    return applyPolicy(findings, config, uri.fsPath, { triage });
  }

  /** Shows a config's problems (errors, warnings, notes) in the files they concern; replaces its earlier ones. */
  private showProblems(key: string, errors: readonly ConfigError[]): void {
    // Loaded configs are cached: the same list again (each analysis asks for its config) changes nothing.
    if (this.problems.get(key) === errors || (errors.length === 0 && !this.problems.has(key))) return;
    if (errors.length === 0) this.problems.delete(key);
    else this.problems.set(key, errors);
    this.collection.clear();
    for (const [file, diags] of configDiagnostics([...this.problems.values()].flat())) this.collection.set(vscode.Uri.file(file), diags);
  }

  /**
   * A loaded config made usable: its problems shown in its file; when it has errors, its last good version
   * stays in force (or the built-in defaults, if it never loaded cleanly).
   */
  usable(loaded: LoadedConfig): LoadedConfig {
    if (!loaded.file) return loaded;
    for (const file of loaded.files) this.watchFile(file);
    this.showProblems(loaded.file, loaded.errors);
    if (loaded.ok) {
      this.good.set(loaded.file, loaded);
      return loaded;
    }
    const good = this.good.get(loaded.file);
    if (good) return good;
    return engine().defaultLoadedConfig(path.dirname(loaded.file), { trusted: this.trusted });
  }

  /** Texts of config files open with unsaved changes (the loader reads them instead of the disk). */
  private overrides(): Map<string, string> {
    const overrides = new Map<string, string>();
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === 'file' && doc.isDirty && CONFIG_NAMES.includes(path.basename(doc.uri.fsPath))) overrides.set(doc.uri.fsPath, doc.getText());
    }
    return overrides;
  }

  /** The config discovery of a workspace folder, as the CLI's (each config loaded once until a config changes). */
  configSet(folder: string): ConfigSet {
    let set = this.sets.get(folder);
    if (!set) {
      set = newEditorConfigSet(folder, { trusted: this.trusted, host: this.host, overrides: this.overrides() }, (l) => this.usable(l));
      this.sets.set(folder, set);
    }
    return set;
  }

  /** The config of a file on disk: the nearest config file at or above it in its workspace folder. */
  async configFor(uri: vscode.Uri): Promise<LoadedConfig | undefined> {
    if (uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || folder.uri.scheme !== 'file') return undefined;
    return this.configSet(folder.uri.fsPath).forFile(uri.fsPath);
  }

  get trusted(): boolean {
    return this.trustOverride ?? vscode.workspace.isTrusted;
  }

  /** The workspace folder whose config applies: the first holding a config file, else the first folder. */
  private async folder(): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    for (const f of folders) {
      for (const name of CONFIG_NAMES) {
        try {
          await vscode.workspace.fs.stat(vscode.Uri.joinPath(f.uri, name));
          return f;
        } catch {
          // not here
        }
      }
    }
    return folders[0];
  }

  /**
   * Loads the team config. Loads run one after the other (a watcher's reload may overlap a command's reload with
   * another trust setting): each starts from the state the one before left, so the last one asked for wins.
   */
  load(): Promise<LoadOutcome> {
    const run = this.loading.then(() => this.loadNow());
    this.loading = run.catch(() => undefined);
    return run;
  }

  private async loadNow(): Promise<LoadOutcome> {
    const folder = await this.folder();
    if (!folder || folder.uri.scheme !== 'file') return { loaded: undefined, apply: undefined };
    const overrides = this.overrides();
    this.triageIndexes.clear(); // read again on next use (its diagnostics are cleared below with the config's)
    this.sets = new Map(); // nested configs are loaded again on next use
    this.folderPath = folder.uri.fsPath;
    const loaded = await engine().loadWorkspaceConfig(folder.uri.fsPath, { trusted: this.trusted, host: this.host, overrides });
    this.last = loaded;
    // Nested configs that showed problems are loaded again below, so that their problems stay in view (or clear).
    const nested = [...this.problems.keys()].filter((k) => k !== loaded.file && CONFIG_NAMES.includes(path.basename(k)));
    this.problems.clear();
    this.collection.clear();
    if (loaded.file) this.showProblems(loaded.file, loaded.errors);
    else this.showProblems(folder.uri.fsPath, loaded.errors);
    await Promise.all(nested.map(async (file) => {
      const owner = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
      if (owner?.uri.scheme === 'file' && existsSync(file)) await this.configSet(owner.uri.fsPath).load(file);
    }));
    if (loaded.ok && loaded.file) this.good.set(loaded.file, loaded);
    this.watch(loaded.files);
    const errors = loaded.errors.filter((e) => e.severity === 'error').length;
    if (loaded.file) {
      const rel = vscode.workspace.asRelativePath(loaded.file, true);
      if (loaded.ok) this.log.info(`team config ${rel} loaded: ${loaded.rules.length} rules${this.trusted ? '' : ' (untrusted: built-in rules only, extends skipped)'}`);
      else this.log.warn(`team config ${rel} has ${errors} error(s): ${this.lastGood ? 'the last good config stays in force' : 'built-in defaults apply'}`);
    }
    if (!loaded.ok) return { loaded, apply: undefined };
    this.lastGood = loaded;
    return { loaded, apply: loaded };
  }

  private watch(files: readonly string[]): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    for (const file of files) {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
      const why = `${path.basename(file)} changed`;
      this.watchers.push(w, w.onDidChange(() => this.schedule(why)), w.onDidCreate(() => this.schedule(why)), w.onDidDelete(() => this.schedule(why)));
    }
  }

  private watchFile(file: string): void {
    if (this.fileWatchers.has(file)) return;
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
    const why = `${vscode.workspace.asRelativePath(file, true)} changed`;
    const subs = [w.onDidChange(() => this.schedule(why)), w.onDidCreate(() => this.schedule(why)), w.onDidDelete(() => this.schedule(why))];
    this.fileWatchers.set(file, vscode.Disposable.from(w, ...subs));
  }

  schedule(why: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.log.info(`reloading the team config: ${why}`);
      this.load().then(
        (outcome) => this.onReload(outcome, why),
        (err: unknown) => this.log.fail('could not load the team config', err),
      );
    }, RELOAD_DELAY_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of [...this.watchers, ...this.fileWatchers.values(), ...this.disposables]) d.dispose();
    this.collection.dispose();
  }
}
