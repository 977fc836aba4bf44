/**
 * Live analysis of open documents: on open, while typing (debounced, cancellable) or on save, per `sealant.run`.
 * Each text change is applied to the document's tree (`tree.edit`) and the next run re-parses against it; the
 * results of a run are dropped when the document has moved on to a newer version in the meantime. Runs are
 * serialised: they take milliseconds, and one at a time no tree can be freed while another run still reads it.
 *
 * Each document runs with the engine of its nearest team config (`engineFor`). A text the grammar cannot be
 * trusted with (Engine.unsupportedReason) is not parsed: the document gets no findings and the reason is shown
 * once. If tree-sitter crashes (EngineCrashedError), the document is reported and `onEngineCrashed` asks for a
 * fresh engine; the editor keeps working.
 */
import * as vscode from 'vscode';
import type { LoadedConfig } from '../config';
import type { Engine, EngineCrashedError } from '../core/engine';
import { skipReason } from '../core/text';
import type { Finding } from '../core/types';
import { documentSelector } from './constants';
import { engine as engineBundle } from './engine-loader';
import type { Log } from './log';
import { readSettings } from './settings';
import type { Settings } from './settings-schema';
import type { FindingsStore } from './store';
import { TreeCache } from './tree-cache';

/** `idle`: typing paused after a run that kept the last whole text's findings (see AnalysisEvent.held). */
export type Trigger = 'open' | 'change' | 'save' | 'command' | 'settings' | 'idle';

export interface AnalysisEvent {
  uri: vscode.Uri;
  version: number;
  findings: readonly Finding[];
  trigger: Trigger;
  /** Whole run, parse included, in milliseconds. */
  ms: number;
  parseMs: number;
  /** True when the tree was re-parsed against the previous, edited tree. */
  incremental: boolean;
  /** Why the document was not analysed (too large, minified, parse timeout, unsupported input, engine crash), if so. */
  skipped?: string;
  /**
   * The edit left the function it is in with a syntax error (an open parenthesis or quote, a statement half typed): the
   * file was not parsed again and the findings are those of the last whole text, moved to their places (see the
   * engine's ParseOptions.defer). An `idle` run parses the text once typing pauses for HELD_SETTLE_MS.
   */
  held?: boolean;
}

/** The engine a document runs with, and the team config it came from (for the policy). */
export interface EngineChoice {
  engine: Engine;
  config?: LoadedConfig;
}

interface Pending {
  timer: ReturnType<typeof setTimeout> | undefined;
  cts: vscode.CancellationTokenSource;
  /** Settles the run's promise (with undefined when it is cancelled before it started). */
  resolve: (event: AnalysisEvent | undefined) => void;
  done: Promise<AnalysisEvent | undefined>;
}

/** Runs that take longer than this are reported in the output channel. */
const SLOW_MS = 200;
/** After a held run (AnalysisEvent.held), the text is parsed when no edit came for this long. */
export const HELD_SETTLE_MS = 1000;

export class LiveAnalyzer implements vscode.Disposable {
  private readonly trees = new TreeCache(8);
  private readonly pending = new Map<string, Pending>();
  private readonly analyzed = new vscode.EventEmitter<AnalysisEvent>();
  readonly onDidAnalyze = this.analyzed.event;
  private readonly selector = documentSelector();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly reportedSkips = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  /** The engine that made each document's cached tree: a tree is only re-used with the engine that parsed it. */
  private readonly treeEngines = new Map<string, Engine>();

  constructor(
    private readonly engineFor: (doc: vscode.TextDocument) => Promise<EngineChoice>,
    private readonly store: FindingsStore,
    private readonly log: Log,
    /** Whether a closed document's findings stay (as scan results): its file belongs to the last scan. */
    private readonly keepOnClose: (uri: vscode.Uri) => boolean,
    /** The team config's policy (ignore, testPaths, triage) applied to a file's findings before they are stored. */
    private readonly policy: (uri: vscode.Uri, findings: readonly Finding[], config: LoadedConfig | undefined) => readonly Finding[] = (_uri, findings) => findings,
    /** tree-sitter crashed inside an engine: the caller replaces it. */
    private readonly onEngineCrashed: (engine: Engine, error: EngineCrashedError) => void = () => undefined,
  ) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((doc) => this.onOpen(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
      vscode.workspace.onDidSaveTextDocument((doc) => this.onSave(doc)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.onClose(doc)),
    );
  }

  /** Documents open before activation. */
  start(): void {
    for (const doc of vscode.workspace.textDocuments) this.onOpen(doc);
  }

  accepts(doc: vscode.TextDocument): boolean {
    return vscode.languages.match(this.selector, doc) > 0;
  }

  private settings(doc: vscode.TextDocument): Settings {
    return readSettings(doc.uri, this.log);
  }

  private onOpen(doc: vscode.TextDocument): void {
    if (!this.accepts(doc) || this.settings(doc).run === 'off') return;
    this.schedule(doc, 0, 'open');
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    const doc = e.document;
    if (e.contentChanges.length === 0 || !this.accepts(doc)) return;
    const key = doc.uri.toString();
    this.trees.edit(key, e.contentChanges, undefined, doc.version);
    const settings = this.settings(doc);
    if (settings.run === 'onType') this.schedule(doc, settings.debounceMs, 'change');
    else this.cancel(key);
  }

  private onSave(doc: vscode.TextDocument): void {
    if (!this.accepts(doc) || this.settings(doc).run !== 'onSave') return;
    this.schedule(doc, 0, 'save');
  }

  private onClose(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    this.cancel(key);
    this.trees.delete(key);
    this.treeEngines.delete(key);
    this.store.closeLive(doc.uri, !doc.isDirty && doc.uri.scheme === 'file' && this.keepOnClose(doc.uri));
  }

  /**
   * `sealant.run` or the engine changed: re-analyse or clear every open document. Resolves when these runs are
   * done (a later refresh replaces them: only the last call's promise is sure to resolve).
   */
  async refreshAll(trigger: Trigger = 'settings'): Promise<void> {
    const runs: Promise<unknown>[] = [];
    for (const doc of vscode.workspace.textDocuments) {
      if (!this.accepts(doc)) continue;
      if (this.settings(doc).run === 'off') {
        const key = doc.uri.toString();
        this.cancel(key);
        this.trees.delete(key);
        this.store.closeLive(doc.uri, false);
      } else {
        runs.push(this.schedule(doc, 0, trigger));
      }
    }
    await Promise.all(runs);
  }

  /** Drops every tree (they belong to the engine being replaced). */
  resetTrees(): void {
    for (const key of [...this.pending.keys()]) this.cancel(key);
    this.trees.clear();
    this.treeEngines.clear();
  }

  /** Runs `fn` once the runs queued so far have finished (e.g. to dispose engines they may still be using). */
  whenIdle(fn: () => unknown): void {
    const next = this.queue.then(fn);
    this.queue = next.catch((err: unknown) => this.log.error('deferred clean-up failed', err));
  }

  /** Number of trees held, for tests and the bench. */
  get treeCount(): number {
    return this.trees.size;
  }

  private cancel(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    if (p.timer) {
      clearTimeout(p.timer);
      p.resolve(undefined); // never started: nobody waits for it forever
    }
    p.cts.cancel();
    p.cts.dispose();
    this.pending.delete(key);
  }

  private schedule(doc: vscode.TextDocument, delayMs: number, trigger: Trigger): Promise<AnalysisEvent | undefined> {
    const key = doc.uri.toString();
    this.cancel(key);
    const cts = new vscode.CancellationTokenSource();
    let settle: (event: AnalysisEvent | undefined) => void = () => undefined;
    const done = new Promise<AnalysisEvent | undefined>((r) => (settle = r));
    const entry: Pending = { timer: undefined, cts, resolve: settle, done };
    this.pending.set(key, entry);
    const resolve = settle;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      const run = this.queue.then(() => this.run(doc, cts.token, trigger));
      this.queue = run.catch(() => undefined);
      let held = false;
      run.then((event) => {
        held = !!event?.held;
        resolve(event);
      }, (err) => {
        this.log.error(`analysis of ${doc.uri.fsPath || doc.uri.toString()} failed`, err);
        resolve(undefined);
      }).finally(() => {
        if (this.pending.get(key) === entry) {
          this.pending.delete(key);
          cts.dispose();
          // The findings are the last whole text's: parse this text if typing pauses (an edit reschedules first).
          if (held && !this.disposed && !doc.isClosed && this.settings(doc).run !== 'off') void this.schedule(doc, HELD_SETTLE_MS, 'idle');
        }
      });
    }, delayMs);
    return done;
  }

  /** Resolves when no analysis is scheduled or running (including runs scheduled while waiting). */
  async settled(): Promise<void> {
    for (;;) {
      const pending = [...this.pending.values()].map((p) => p.done);
      if (pending.length === 0) {
        await this.queue;
        if (this.pending.size === 0) return;
        continue;
      }
      await Promise.all(pending);
    }
  }

  /** Analyses a document now (commands and tests); resolves with the result, or undefined when it was dropped. */
  analyzeNow(doc: vscode.TextDocument): Promise<AnalysisEvent | undefined> {
    if (!this.accepts(doc)) return Promise.resolve(undefined);
    return this.schedule(doc, 0, 'command');
  }

  private async run(doc: vscode.TextDocument, token: vscode.CancellationToken, trigger: Trigger): Promise<AnalysisEvent | undefined> {
    if (this.disposed || token.isCancellationRequested || doc.isClosed) return undefined;
    const { engine, config } = await this.engineFor(doc);
    if (this.disposed || token.isCancellationRequested || doc.isClosed) return undefined;
    const key = doc.uri.toString();
    if (this.treeEngines.get(key) !== engine) {
      this.trees.delete(key);
      this.treeEngines.set(key, engine);
    }
    const version = doc.version;
    const language = engine.languageOf({ path: doc.uri.path, languageId: doc.languageId });
    if (!language) return undefined;
    const path = doc.uri.scheme === 'file' ? vscode.workspace.asRelativePath(doc.uri, false) : doc.uri.path;
    const text = doc.getText();
    const started = performance.now();

    const skip = skipReason(text);
    if (skip) {
      this.trees.delete(key);
      return this.publish(doc, version, [], trigger, started, 0, false, `${skip.reason}: ${skip.detail}`, config);
    }
    const unsupported = engine.unsupportedReason(language, text);
    if (unsupported) {
      this.trees.delete(key);
      return this.publish(doc, version, [], trigger, started, 0, false, `unsupported: ${unsupported}`, config, true);
    }
    try {
      return await this.parseAndAnalyze(doc, engine, config, language, path, text, version, token, trigger, started);
    } catch (err) {
      if (!(err instanceof engineBundle().EngineCrashedError)) throw err;
      this.trees.delete(key);
      this.treeEngines.delete(key);
      this.onEngineCrashed(engine, err);
      return this.publish(doc, version, [], trigger, started, performance.now() - started, false, `engine-crashed: ${err.message}`, config, true);
    }
  }

  private async parseAndAnalyze(
    doc: vscode.TextDocument, engine: Engine, config: LoadedConfig | undefined, language: NonNullable<ReturnType<Engine['languageOf']>>, path: string, text: string,
    version: number, token: vscode.CancellationToken, trigger: Trigger, started: number,
  ): Promise<AnalysisEvent | undefined> {
    const key = doc.uri.toString();
    const cached = this.trees.get(key);
    const old = cached && cached.version === version ? cached : undefined;
    if (cached && !old) this.trees.delete(key);
    let tree = old?.tree;
    if (!old || old.edited) {
      // While typing, a keystroke that leaves its function broken is not parsed (see AnalysisEvent.held).
      tree = await engine.parse(language, text, old?.tree, trigger === 'change' ? { defer: { path } } : undefined);
    }
    const held = !!tree && engine.isHeld(tree);
    const parseMs = performance.now() - started;
    if (!tree) {
      this.trees.delete(key);
      return this.publish(doc, version, [], trigger, started, parseMs, false, 'parse-timeout: parsing took too long', config);
    }
    if (token.isCancellationRequested || doc.isClosed || doc.version !== version) {
      if (tree !== old?.tree) tree.delete();
      return undefined;
    }
    // A held tree describes an older text: the next run parses against it, edits or not.
    if (tree !== old?.tree) this.trees.set(key, tree, version, held);
    const findings = await engine.analyzeTree({ path, text, languageId: language.id }, language, tree, token);
    if (token.isCancellationRequested || doc.isClosed || doc.version !== version) return undefined;
    return this.publish(doc, version, findings, trigger, started, parseMs, !!old?.edited, undefined, config, false, held);
  }

  private publish(
    doc: vscode.TextDocument, version: number, findings: readonly Finding[], trigger: Trigger, started: number, parseMs: number, incremental: boolean,
    skipped: string | undefined, config: LoadedConfig | undefined, tell = false, held = false,
  ): AnalysisEvent {
    const ms = performance.now() - started;
    findings = this.policy(doc.uri, findings, config);
    this.store.setLive(doc.uri, version, findings);
    const name = vscode.workspace.asRelativePath(doc.uri, false);
    if (skipped) {
      if (!this.reportedSkips.has(doc.uri.toString())) {
        this.reportedSkips.add(doc.uri.toString());
        this.log.warn(`not analysing ${name}: ${skipped}`);
        if (tell) void vscode.window.showInformationMessage(`Sealant does not analyse ${name}: ${skipped.slice(skipped.indexOf(': ') + 2)}`);
      }
    } else {
      this.reportedSkips.delete(doc.uri.toString()); // a later skip is reported again
      const how = held ? ', held: the function has a syntax error' : incremental ? ', incremental' : '';
      const line = `analysed ${name} v${version} (${trigger}${how}): ${findings.length} finding(s) in ${ms.toFixed(1)} ms, parse ${parseMs.toFixed(1)} ms`;
      if (ms > SLOW_MS) this.log.warn(`${line}: slower than ${SLOW_MS} ms`);
      else if (trigger === 'change') this.log.debug(line);
      else this.log.info(line);
    }
    const event: AnalysisEvent = { uri: doc.uri, version, findings, trigger, ms, parseMs, incremental, skipped, ...(held ? { held } : {}) };
    this.analyzed.fire(event);
    return event;
  }

  dispose(): void {
    this.disposed = true;
    for (const key of [...this.pending.keys()]) this.cancel(key);
    this.trees.clear();
    for (const d of this.disposables) d.dispose();
    this.analyzed.dispose();
  }
}
