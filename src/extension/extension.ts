/**
 * The composition root of the VS Code extension: the only code (with its siblings in src/extension) that
 * imports `vscode`. It wires the engine (through a Host on vscode.workspace.fs) to live diagnostics, hovers,
 * code actions, the workspace scan, the Findings view, guidance documents and reports, and returns an API that
 * the integration tests use instead of the UI.
 *
 * Activation only registers: the engine bundle (dist/engine.js: engine, rules, languages, config loader, reporters,
 * inventory) is loaded on first need through engine-loader.ts — the first analysis of a document (documents open at
 * activation are analysed once it has loaded), scan, command or view that needs it. A bundle that fails to load is
 * shown to the user and in the log.
 */
import * as vscode from 'vscode';
import type { LoadedConfig } from '../config';
import type { Engine, EngineCrashedError } from '../core/engine';
import type { RuleDescriptor, ScanResult, Severity } from '../core/types';
import { askReason, FindingCodeActionProvider, suppress, triage, type SuppressArgs, type TriageArgs } from './code-actions';
import { COMMANDS, documentSelector, GUIDANCE_SCHEME } from './constants';
import { Diagnostics } from './diagnostics';
import { engine as engineBundle, engineLoaded, observeEngineLoad } from './engine-loader';
import { exportReport, type ExportArgs } from './export-report';
import type { GroupBy } from './findings-model';
import { FindingsView, revealFinding, type TreeSnapshot } from './findings-view';
import { GuidanceProvider, showGuidance } from './guidance';
import { FindingHoverProvider } from './hover';
import { extensionHost } from './host';
import type { Inventory, PersonalDataTreeNode } from '../inventory';
import { LiveAnalyzer, type AnalysisEvent, type EngineChoice } from './live';
import { PersonalData, type ExportInventoryArgs, type InventoryReportInfo } from './personal-data';
import { Log, describeError } from './log';
import { affectsSettings, readSettings } from './settings';
import type { Settings } from './settings-schema';
import { FindingsStore, type FileFindings } from './store';
import { TeamConfig, type LoadOutcome } from './team-config';
import { WorkspaceScanner, type ScanOptions, type ScanState, type ScanSummary } from './workspace-scan';

export interface SealantApi {
  /** A document was analysed (live): fires after its diagnostics are set. */
  readonly onDidAnalyze: vscode.Event<AnalysisEvent>;
  /** A workspace scan started, progressed or ended. */
  readonly onDidChangeScanState: vscode.Event<ScanState>;
  /** A workspace scan ended (its results are published). */
  readonly onDidScan: vscode.Event<ScanSummary>;
  /** Analyses an open document now. */
  analyze(document: vscode.TextDocument): Promise<AnalysisEvent | undefined>;
  /** The findings Sealant holds for a file (live or from the last scan). */
  findings(uri: vscode.Uri): FileFindings | undefined;
  scanWorkspace(options?: ScanOptions): Promise<ScanSummary | undefined>;
  scanChangedFiles(options?: ScanOptions): Promise<ScanSummary | undefined>;
  /** The last workspace scan as the reporters take it. */
  lastScanResult(): ScanResult | undefined;
  /** The Findings view's tree, badge and the status bar text, as shown. */
  findingsTree(): TreeSnapshot[];
  findingsBadge(): number;
  statusText(): string;
  setGroupBy(groupBy: GroupBy): Promise<void>;
  setMinimumSeverity(minimum: Severity): Promise<void>;
  /** Replaces the input box of "Suppress with a reason…" (tests); undefined restores it. */
  setSuppressPrompt(prompt: ((ruleId: string) => Thenable<string | undefined>) | undefined): void;
  /** Grammar files read so far (the runtime wasm and each grammar on first use). */
  loadedGrammars(): readonly string[];
  /** Syntax trees held for incremental parsing. */
  treeCount(): number;
  /** Parses a document's current text and says whether the tree has syntax errors. */
  hasSyntaxErrors(document: vscode.TextDocument): Promise<boolean>;
  settings(scope?: vscode.ConfigurationScope): Settings;
  rules(): readonly RuleDescriptor[];
  /** Re-loads the team config now (tests); `trusted` overrides workspace trust (code-server cannot be untrusted). */
  reloadTeamConfig(options?: { trusted?: boolean }): Promise<LoadedConfig | undefined>;
  /** The team config the engine runs with (the last good one), if any. */
  teamConfig(): LoadedConfig | undefined;
  /** The team config a file runs with: the nearest config at or above it in its workspace folder (last good one). */
  configFor(uri: vscode.Uri): Promise<LoadedConfig | undefined>;
  /** The "Personal Data" view's items (builds the inventory if the view has not yet). */
  personalDataTree(): Promise<PersonalDataTreeNode[]>;
  /** The view's TreeItem of a node (label, tooltip, icon, and the command a click runs). */
  personalDataItem(node: PersonalDataTreeNode): vscode.TreeItem;
  /** The inventory the view shows; `fresh` builds it again first. */
  inventory(options?: { fresh?: boolean }): Promise<Inventory | undefined>;
  /** How many inventory scans ran since activation (none until the view or a command needs one). */
  inventoryBuilds(): number;
  /** The lines written to the Sealant output channel (most recent last), as `level message`. */
  logLines(): readonly string[];
  /** The extension's log folder (the output channel's file is in a sibling `output_logging_*` folder). */
  logFolder(): string;
  /**
   * Fault injection (tests): marks the engine of files without a nested config as crashed, as a tree-sitter wasm
   * trap does, so that its next parse throws EngineCrashedError.
   */
  injectEngineCrash(): void;
}

let current: { engine: Engine | undefined } | undefined;

export function activate(context: vscode.ExtensionContext): SealantApi {
  const started = performance.now();
  const log = new Log();
  context.subscriptions.push(log);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0');
  const host = extensionHost(context.extensionUri, log);
  observeEngineLoad({
    loaded: (ms) => log.info(`engine loaded in ${ms.toFixed(1)} ms: ${engineBundle().BUILTIN_RULES.length} built-in rules`),
    failed: (err) => log.fail('could not load the Sealant engine (dist/engine.js); nothing is analysed', err),
  });

  // The engine (made on first need, with the engine bundle); replaced when the team config changes (trust granted).
  // Grammars load on first use. Incremental: after an edit inside a function, only that function is checked again
  // (src/core/incremental.ts).
  const makeEngine = (loaded: LoadedConfig | undefined) => {
    const { Engine, BUILTIN_RULES } = engineBundle();
    return new Engine(host, { rules: loaded?.rules ?? BUILTIN_RULES, config: loaded?.engineConfig, incremental: true });
  };
  const state: { engine: Engine | undefined; rules: Map<string, RuleDescriptor> } = { engine: undefined, rules: new Map() };
  /** The root team config in force (the last good one), if any: the root engine runs with it. */
  let applied: LoadedConfig | undefined;
  const indexRules = () => {
    state.rules = new Map(state.engine?.descriptors().map((d) => [d.id, d]));
  };
  current = state;
  /** The root engine, made (and the engine bundle loaded) now if it was not yet. */
  const rootEngine = (): Engine => {
    if (!state.engine) {
      state.engine = makeEngine(applied);
      indexRules();
    }
    return state.engine;
  };
  /** The rules in force, for what shows findings (findings exist only once the engine ran): loads nothing. */
  const rules = () => state.rules;
  /** The rules in force, for what needs them without a finding (guidance, scans, the API): loads the engine. */
  const loadedRules = () => {
    rootEngine();
    return state.rules;
  };

  const store = new FindingsStore();
  const diagnostics = new Diagnostics(store, rules);
  // The team config (created before the engine is replaced: trust decides whether the workspace's own config applies).
  let onConfigReload: (outcome: LoadOutcome, why: string) => void = () => undefined;
  const teamConfig = new TeamConfig(host, log, (outcome, why) => onConfigReload(outcome, why));
  context.subscriptions.push(teamConfig);
  const scanner = new WorkspaceScanner(store, log, () => [...loadedRules().values()], version, vscode.Uri.joinPath(context.globalStorageUri, 'scan-cache').fsPath, teamConfig);

  // Engines of the other configs: nested `.sealant.yml` files, other folders of a multi-root workspace (by file + hash).
  let others = new Map<string, Engine>();
  const engineFor = async (doc: vscode.TextDocument): Promise<EngineChoice> => {
    // The root engine first (it loads the engine bundle): its rules describe findings whichever engine made them.
    const root = rootEngine();
    const loaded = await teamConfig.configFor(doc.uri).catch((err: unknown) => {
      log.error(`could not load the team config of ${doc.uri.fsPath}`, err);
      return undefined;
    });
    // Outside every folder (untitled, other files), and files of the root config: the root engine.
    if (!loaded || (!loaded.file && !applied) || (applied && loaded.file === applied.file)) return { engine: state.engine ?? root, config: loaded?.file ? applied : loaded };
    const key = `${loaded.file ?? '(defaults)'}\u0000${loaded.hash}`;
    let engine = others.get(key);
    if (!engine) {
      engine = makeEngine(loaded.file ? loaded : undefined);
      others.set(key, engine);
      log.info(`engine for ${loaded.file ? vscode.workspace.asRelativePath(loaded.file, true) : 'files without a team config'} (${loaded.rules.length} rules)`);
    }
    return { engine, config: loaded };
  };
  /** A config file changed: the other engines are made again on next use (disposed once no run uses them). */
  const dropOtherEngines = () => {
    const old = [...others.values()];
    others = new Map();
    live.whenIdle(() => Promise.all(old.map((e) => e.dispose())));
  };
  const onCrash = (engine: Engine, err: EngineCrashedError) => {
    log.error('tree-sitter crashed; Sealant starts a fresh engine', err);
    if (engine === state.engine) {
      state.engine = makeEngine(applied);
      indexRules();
    } else {
      for (const [key, e] of others) if (e === engine) others.delete(key);
    }
    live.whenIdle(() => engine.dispose());
  };
  const live = new LiveAnalyzer(engineFor, store, log, (uri) => scanner.covers(uri), (uri, findings, config) => teamConfig.applyPolicy(uri, findings, config), onCrash);
  const personalData = new PersonalData((token) => scanner.inventoryScan(token), version, log, (doc) => live.accepts(doc));
  context.subscriptions.push(personalData, {
    dispose: () => {
      for (const e of others.values()) void e.dispose();
      others = new Map();
    },
  });
  teamConfig.onTriageChange = () => void live.refreshAll('settings');
  const view = new FindingsView(store, rules, context.workspaceState);
  let prompt: (ruleId: string) => Thenable<string | undefined> = askReason;
  context.subscriptions.push(store, diagnostics, scanner, live, view, scanner.onDidChangeState((s) => view.setScanState(s)));

  const selector = documentSelector();
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(selector, new FindingHoverProvider(store, rules)),
    vscode.languages.registerCodeActionsProvider(selector, new FindingCodeActionProvider(store), { providedCodeActionKinds: FindingCodeActionProvider.kinds }),
    vscode.workspace.registerTextDocumentContentProvider(GUIDANCE_SCHEME, new GuidanceProvider(loadedRules)),
  );

  const command = (id: string, fn: (...args: never[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        log.fail(`command ${id} failed`, err);
        return undefined;
      }
    });
  const scanWorkspace = (options?: ScanOptions) => scanner.scan(options);
  const scanChanged = (options?: ScanOptions) => scanner.scan({ ...options, changedOnly: true });
  context.subscriptions.push(
    command(COMMANDS.scanWorkspace, (options?: ScanOptions) => scanWorkspace(options)),
    command(COMMANDS.scanChangedFiles, (options?: ScanOptions) => scanChanged(options)),
    command(COMMANDS.exportReport, (args?: ExportArgs) => exportReport(scanner.lastResult, args, log, () => scanWorkspace())),
    command(COMMANDS.showGuidance, (ruleId?: string) => showGuidance(ruleId, loadedRules(), log)),
    command(COMMANDS.showOutput, () => log.channel.show(true)),
    command(COMMANDS.suppress, (args: SuppressArgs) => suppress(args, prompt, log)),
    command(COMMANDS.triage, async (args: TriageArgs) => {
      const finding = store.get(vscode.Uri.parse(args.uri))?.findings.find((f) => f.fingerprint === args.fingerprint && f.ruleId === args.ruleId);
      if (!teamConfig.folderPath) await teamConfig.load();
      const ok = await triage(args, finding, teamConfig.triagePath(vscode.Uri.parse(args.uri)), prompt, log);
      if (ok) {
        teamConfig.dropTriage();
        void live.refreshAll('settings');
      }
      return ok;
    }),
    command(COMMANDS.revealFinding, (uri: vscode.Uri, range: vscode.Range) => revealFinding(uri, range)),
    command(COMMANDS.groupByRule, () => view.setGroupBy('rule')),
    command(COMMANDS.groupByFile, () => view.setGroupBy('file')),
    command(COMMANDS.filterSeverity, (minimum?: Severity) => view.pickMinimumSeverity(minimum)),
    command(COMMANDS.clearFindings, () => store.clear('scan')),
    command(COMMANDS.exportInventory, (args?: ExportInventoryArgs) => personalData.export(args)),
    command(COMMANDS.showInventoryReport, (): Promise<InventoryReportInfo | undefined> => personalData.showReport()),
    command(COMMANDS.refreshPersonalData, () => personalData.refresh()),
  );

  const applySettings = () => view.setRunOff(readSettings(undefined, log).run === 'off');
  applySettings();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsSettings(e)) return;
      applySettings();
      if (affectsSettings(e, 'run')) {
        log.info(`sealant.run is now ${readSettings(undefined, log).run}`);
        void live.refreshAll('settings');
      }
    }),
  );

  // The team config: loaded in the background (trust decides whether the workspace's own config applies).
  const applyConfig = async ({ apply }: LoadOutcome, why: string) => {
    if (!apply || apply === applied || (applied && apply.hash === applied.hash && apply.rules.length === applied.rules.length)) return;
    if (!applied && !apply.file) return; // no config: the built-in engine already runs
    applied = apply;
    const old = state.engine;
    live.resetTrees();
    state.engine = makeEngine(apply);
    indexRules();
    log.info(`engine reloaded (${why})`);
    void live.refreshAll('settings');
    await old?.dispose();
  };
  onConfigReload = (outcome, why) => {
    // Nested configs may have changed too: their engines are made again, and open documents re-analysed.
    dropOtherEngines();
    void live.refreshAll('settings');
    personalData.invalidate();
    void applyConfig(outcome, why).catch((err) => log.fail('could not apply the team config', err));
  };
  const reloadConfig = async (why: string) => applyConfig(await teamConfig.load(), why);
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('workspace trusted: applying the workspace configuration');
      void reloadConfig('workspace trusted').catch((err) => log.fail('could not load the team config', err));
    }),
  );
  void reloadConfig('activation').catch((err) => log.fail('could not load the team config', err));

  live.start();
  log.info(
    `Sealant ${version} activated in ${(performance.now() - started).toFixed(1)} ms (engine ${engineLoaded() ? 'loaded' : 'loads on first need'}), ` +
      `languages ${[...new Set(selector.map((s) => s.language))].join(', ')}; ${vscode.env.appName} ${vscode.version}` +
      `${vscode.env.remoteName ? ` (remote ${vscode.env.remoteName})` : ''}; workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted: built-in rules only'}; ` +
      `sealant.run=${readSettings(undefined, log).run}`,
  );

  return {
    onDidAnalyze: live.onDidAnalyze,
    onDidChangeScanState: scanner.onDidChangeState,
    onDidScan: scanner.onDidScan,
    analyze: (document) => live.analyzeNow(document),
    findings: (uri) => store.get(uri),
    scanWorkspace: (options) => scanWorkspace({ progress: false, ...options }),
    scanChangedFiles: (options) => scanChanged({ progress: false, ...options }),
    lastScanResult: () => scanner.lastResult,
    findingsTree: () => view.snapshot(),
    findingsBadge: () => view.badge,
    statusText: () => view.statusText,
    setGroupBy: (groupBy) => view.setGroupBy(groupBy),
    setMinimumSeverity: (minimum) => view.setMinimumSeverity(minimum),
    setSuppressPrompt: (p) => {
      prompt = p ?? askReason;
    },
    loadedGrammars: () => [...host.loaded],
    treeCount: () => live.treeCount,
    hasSyntaxErrors: async (document) => {
      const engine = rootEngine();
      const language = engine.languageOf({ path: document.uri.path, languageId: document.languageId });
      if (!language) throw new Error(`no Sealant language for ${document.languageId}`);
      const tree = await engine.parse(language, document.getText());
      if (!tree) throw new Error('parse timed out');
      try {
        return tree.rootNode.hasError;
      } finally {
        tree.delete();
      }
    },
    settings: (scope) => readSettings(scope, log),
    rules: () => [...loadedRules().values()],
    reloadTeamConfig: async (options) => {
      if (options && 'trusted' in options) teamConfig.trustOverride = options.trusted;
      const outcome = await teamConfig.load();
      dropOtherEngines();
      await applyConfig(outcome, 'reload (api)');
      // Resolves once the open documents were analysed again under the config now in force.
      void live.refreshAll('settings');
      await live.settled();
      return outcome.loaded;
    },
    teamConfig: () => applied,
    configFor: (uri) => teamConfig.configFor(uri),
    personalDataTree: async () => (await personalData.current())?.tree ?? [],
    inventory: async (options) => (await (options?.fresh ? personalData.fresh() : personalData.current()))?.inventory,
    personalDataItem: (node) => personalData.getTreeItem(node),
    inventoryBuilds: () => personalData.builds,
    logLines: () => [...log.lines],
    logFolder: () => context.logUri.fsPath,
    injectEngineCrash: () => {
      (rootEngine() as unknown as { crashed: string | undefined }).crashed = 'tree-sitter crashed while parsing (injected by a test); this engine stopped analysing';
    },
  };
}

export async function deactivate(): Promise<void> {
  observeEngineLoad(undefined);
  const engine = current?.engine;
  current = undefined;
  try {
    await engine?.dispose();
  } catch (err) {
    console.error(`Sealant: disposing the engine failed: ${describeError(err)}`);
  }
  // Workspace scans keep their worker threads idle for a while, for the next scan: stop them with the extension.
  if (engineLoaded()) await engineBundle().stopIdleWorkers();
}
