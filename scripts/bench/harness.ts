/**
 * The measuring half of `npm run bench`: bundled by scripts/bench.mjs with esbuild and run in fresh child
 * processes, one measurement each, so that memory and warm-up never leak from one measurement into the
 * next. Every command prints one JSON object on stdout.
 *
 *   corpus <outDir> <jsLines> <nodeModules> <djangoDir>   pick and copy the corpus deterministically
 *   floor <corpusDir>                                     walk + read + web-tree-sitter parse, one thread
 *   scan <corpusDir> <jobs> <workerScript> [cacheDir]     walk + Sealant scan (runScan), no cache unless cacheDir
 *   memory <corpusDir> <jobs> <workerScript> <n>          n consecutive scans in this process: RSS after each, peak
 *   rules <corpusDir>                                     time spent in each rule's check and finish, in-process
 *   keystroke <file> <edits> [autoclose] [exact]          open and typing in one file (engine time); autoclose: as
 *                                                         VS Code types by default (brackets and quotes closed); exact:
 *                                                         every keystroke parsed (no ParseOptions.defer)
 *   activation <extension.js>                             require() the extension bundle and activate() it with a stub vscode;
 *                                                         then time the require of the engine bundle beside it (engine.js)
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, lstatSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import Module from 'node:module';
import { Language, Parser, type Edit, type Node, type Tree } from 'web-tree-sitter';
import { Engine } from '../../src/core/engine';
import type { FileResult } from '../../src/core/types';
import { skipReason } from '../../src/core/text';
import { GRAMMAR_FILES, RUNTIME_WASM_FILE, languageForPath, type GrammarId } from '../../src/languages/registry';
import { BUILTIN_RULES } from '../../src/rules';
import { openResultCache } from '../../src/cli/cache';
import { nodeHost, packageRoot, packageVersion } from '../../src/cli/node-host';
import { decode } from '../../src/cli/read';
import { collectIdleWorkerGarbage, runScan } from '../../src/cli/scan';
import { DEFAULT_EXCLUDES, walk } from '../../src/cli/walk';

const out = (value: unknown): void => {
  process.stdout.write(JSON.stringify(value) + '\n');
};
const now = (): number => performance.now();

function countLines(text: string): number {
  let n = text.length > 0 && !text.endsWith('\n') ? 1 : 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------- corpus

const JS_EXT = /\.(js|mjs|cjs|jsx|ts|mts|cts|tsx)$/;
const DECLARATION = /\.d\.[cm]?ts$/;
/** Folder names the CLI's walk never enters: renamed in the copy so the scan sees every picked file. */
const EXCLUDED_DIRS = new Set(DEFAULT_EXCLUDES.filter((e) => e.endsWith('/')).map((e) => e.slice(0, -1)));
const MAX_CORPUS_FILE = 256 * 1024;

function listFiles(dir: string, accept: (rel: string) => boolean, base = dir, acc: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return acc;
  }
  for (const name of names) {
    if (name === '.cache' || name === '.bin') continue;
    const abs = join(dir, name);
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) listFiles(abs, accept, base, acc);
    else if (st.isFile() && st.size <= MAX_CORPUS_FILE && accept(relative(base, abs))) acc.push(relative(base, abs));
  }
  return acc;
}

/** Would Sealant analyse this text (not minified, generated, binary or too large)? */
function analysable(text: string): boolean {
  return !skipReason(text);
}

function safeRel(rel: string): string {
  return rel.split(sep).map((part, i, all) => (i < all.length - 1 && EXCLUDED_DIRS.has(part) ? `_${part}` : part)).join('/');
}

function corpus(outDir: string, jsLines: number, nodeModules: string, djangoDir: string): void {
  // JavaScript/TypeScript: every source file in node_modules, ordered by the hash of its path (a stable spread
  // over all packages), taken until the line budget is reached. Declaration files are left out: they hold no code.
  const candidates = listFiles(nodeModules, (rel) => JS_EXT.test(rel) && !DECLARATION.test(rel) && !/\.min\.js$|[-.]bundle\.js$/.test(rel))
    .map((rel) => ({ rel, key: createHash('sha256').update(rel).digest('hex') }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const picked: { from: string; to: string; lines: number; bytes: number }[] = [];
  let lines = 0;
  for (const c of candidates) {
    if (lines >= jsLines) break;
    const abs = join(nodeModules, c.rel);
    const text = readFileSync(abs, 'utf8');
    if (!analysable(text) || text.includes('\u0000')) continue;
    const n = countLines(text);
    picked.push({ from: abs, to: join('js', safeRel(c.rel)), lines: n, bytes: Buffer.byteLength(text) });
    lines += n;
  }
  let pyLines = 0;
  if (existsSync(djangoDir)) {
    for (const rel of listFiles(djangoDir, (r) => r.endsWith('.py'))) {
      const abs = join(djangoDir, rel);
      const text = readFileSync(abs, 'utf8');
      if (!analysable(text)) continue;
      const n = countLines(text);
      picked.push({ from: abs, to: join('python', 'django', safeRel(rel)), lines: n, bytes: Buffer.byteLength(text) });
      pyLines += n;
    }
  }
  const manifest = picked.map((p) => `${p.to}\t${p.lines}\t${p.bytes}`).join('\n');
  const id = createHash('sha256').update(manifest).digest('hex').slice(0, 12);
  const stampFile = join(outDir, 'corpus.tsv');
  const reused = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === manifest;
  if (!reused) {
    rmSync(outDir, { recursive: true, force: true });
    for (const p of picked) {
      const to = join(outDir, p.to);
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(p.from, to);
    }
    writeFileSync(stampFile, manifest);
  }
  const js = picked.filter((p) => p.to.startsWith('js'));
  const py = picked.filter((p) => p.to.startsWith('python'));
  const sum = (list: typeof picked, k: 'lines' | 'bytes') => list.reduce((s, p) => s + p[k], 0);
  out({
    id,
    reused,
    dir: outDir,
    files: picked.length,
    lines: sum(picked, 'lines'),
    bytes: sum(picked, 'bytes'),
    js: { files: js.length, lines: sum(js, 'lines'), bytes: sum(js, 'bytes'), packages: new Set(js.map((p) => p.to.split('/')[1].startsWith('@') ? p.to.split('/').slice(1, 3).join('/') : p.to.split('/')[1])).size },
    python: { files: py.length, lines: pyLines, bytes: sum(py, 'bytes') },
  });
}

// ----------------------------------------------------------------------------------------------- floor

async function floor(dir: string): Promise<void> {
  const started = now();
  const root = packageRoot();
  const walked = walk(dir, ['.']);
  const tWalk = now() - started;
  await Parser.init({ wasmBinary: readFileSync(join(root, 'grammars', RUNTIME_WASM_FILE)) });
  const parsers = new Map<GrammarId, Parser>();
  let lines = 0;
  let bytes = 0;
  let readMs = 0;
  let parseMs = 0;
  for (const abs of walked.files) {
    const t0 = now();
    const read = decode(readFileSync(abs));
    readMs += now() - t0;
    if ('skipped' in read) continue;
    const language = languageForPath(abs);
    if (!language) continue;
    const t1 = now();
    let parser = parsers.get(language.grammar);
    if (!parser) {
      parser = new Parser();
      parser.setLanguage(await Language.load(readFileSync(join(root, 'grammars', GRAMMAR_FILES[language.grammar]))));
      parsers.set(language.grammar, parser);
    }
    const tree = parser.parse(read.text);
    tree?.delete();
    parseMs += now() - t1;
    lines += countLines(read.text);
    bytes += read.text.length;
  }
  for (const p of parsers.values()) p.delete();
  out({ s: (now() - started) / 1000, walk_ms: tWalk, read_ms: readMs, parse_ms: parseMs, files: walked.files.length, lines, chars: bytes });
}

// ------------------------------------------------------------------------------------------------ scan

function summarise(files: FileResult[]): { findings: number; parsed: number; byRule: Record<string, number> } {
  const byRule: Record<string, number> = {};
  let findings = 0;
  for (const f of files) {
    for (const x of f.findings) {
      byRule[x.ruleId] = (byRule[x.ruleId] ?? 0) + 1;
      findings++;
    }
  }
  return { findings, parsed: files.filter((f) => f.parsed).length, byRule };
}

async function scanOnce(dir: string, jobs: number, workerScript: string, cacheDir?: string) {
  const started = now();
  const walked = walk(dir, ['.']);
  const cache = cacheDir ? openResultCache({ dir: cacheDir, root: dir, version: packageVersion(), ruleIds: BUILTIN_RULES.map((r) => r.id) }) : undefined;
  const result = await runScan({ root: dir, files: walked.files, jobs, workerScript, cache });
  cache?.save();
  const s = (now() - started) / 1000;
  return { s, files: walked.files.length, skipped: result.skipped.length, failed: result.failed.length, cache: cache?.stats, ...summarise(result.files) };
}

async function scan(dir: string, jobs: number, workerScript: string, cacheDir?: string): Promise<void> {
  out(await scanOnce(dir, jobs, workerScript, cacheDir));
}

async function memory(dir: string, jobs: number, workerScript: string, n: number): Promise<void> {
  const rss: number[] = [];
  const heap: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await scanOnce(dir, jobs, workerScript);
    times.push(r.s);
    await collectIdleWorkerGarbage();
    globalThis.gc?.();
    const used = process.memoryUsage();
    rss.push(used.rss / 2 ** 20);
    heap.push(used.heapUsed / 2 ** 20);
  }
  out({ rss_mb: rss, heap_mb: heap, s: times, peak_rss_mb: process.resourceUsage().maxRSS / 1024, growth_pct: ((rss[rss.length - 1] - rss[0]) / rss[0]) * 100 });
}

/**
 * Where the analysis time goes: every file analysed in this process with each rule's check and finish
 * wrapped in a timer. Data-flow answers are memoised per file, so the first rule to ask pays for them.
 */
async function rules(dir: string): Promise<void> {
  const spent = new Map<string, { ms: number; calls: number }>();
  const timed = BUILTIN_RULES.map((rule) => {
    const entry = { ms: 0, calls: 0 };
    spent.set(rule.id, entry);
    const wrap = <A extends unknown[]>(fn: ((...args: A) => void) | undefined) =>
      fn &&
      ((...args: A) => {
        const t = now();
        try {
          fn.apply(rule, args);
        } finally {
          entry.ms += now() - t;
          entry.calls++;
        }
      });
    return { ...rule, check: wrap(rule.check), finish: wrap(rule.finish) };
  });
  const engine = new Engine(nodeHost(), { rules: timed });
  const walked = walk(dir, ['.']);
  const started = now();
  let engineMs = 0;
  for (const abs of walked.files) {
    const read = decode(readFileSync(abs));
    if ('skipped' in read) continue;
    const r = await engine.analyze({ path: relative(dir, abs), text: read.text });
    engineMs += r.ms;
  }
  await engine.dispose();
  const ruleMs = [...spent.values()].reduce((a, b) => a + b.ms, 0);
  out({
    s: (now() - started) / 1000,
    engine_ms: engineMs,
    rules_ms: ruleMs,
    rules: Object.fromEntries([...spent].sort((a, b) => b[1].ms - a[1].ms).map(([id, e]) => [id, { ms: Math.round(e.ms), calls: e.calls }])),
  });
}

// ------------------------------------------------------------------------------------------- keystroke

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const STATEMENTS = new Set(['expression_statement', 'lexical_declaration', 'variable_declaration']);

/** Statements inside function bodies, each ending its line: where the benchmark types. */
function typingSites(tree: Tree, text: string, isFunction: (n: Node) => boolean): number[] {
  const sites: number[] = [];
  const visit = (n: Node, inFunction: boolean): void => {
    if (inFunction && STATEMENTS.has(n.type) && !n.text.includes('\n') && (text[n.endIndex] === '\n' || text.startsWith('\r\n', n.endIndex))) sites.push(n.endIndex);
    for (const c of n.namedChildren) if (c) visit(c, inFunction || isFunction(n));
  };
  visit(tree.rootNode, false);
  return sites;
}

function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/**
 * The edits that typing `typed` makes. One character each; or, with `autoClose` (VS Code's default for brackets and
 * quotes), an opening bracket or quote inserts its closing twin too, and typing that closing character later only
 * moves the cursor over it (no edit, so no analysis).
 */
function typingSteps(typed: string, autoClose: boolean): { insert: string; advance: number }[] {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}', '"': '"', "'": "'" };
  const pending: string[] = [];
  const steps: { insert: string; advance: number }[] = [];
  for (const ch of typed) {
    if (autoClose && pending.length > 0 && pending[pending.length - 1] === ch) {
      pending.pop();
      steps.push({ insert: '', advance: 1 });
    } else if (autoClose && pairs[ch]) {
      pending.push(pairs[ch]);
      steps.push({ insert: ch + pairs[ch], advance: 1 });
    } else steps.push({ insert: ch, advance: 1 });
  }
  return steps;
}

async function keystroke(file: string, edits: number, autoClose = false, exact = false): Promise<void> {
  let text = readFileSync(file, 'utf8');
  const engine = new Engine(nodeHost(), { rules: BUILTIN_RULES, incremental: true });
  // A plain engine gives the reference answer for every 10th keystroke: scoped results must equal it.
  const reference = new Engine(nodeHost(), { rules: BUILTIN_RULES });
  let checked = 0;
  const mismatches: number[] = [];
  // Keystrokes whose tree was held (the edited function has a syntax error: see ParseOptions.defer), and those of the
  // checked ones whose findings differ from a full analysis of the broken text (not a fault: the last whole text's
  // findings stand until the function is whole again or typing pauses).
  let held = 0;
  let checkedHeld = 0;
  let heldDiffer = 0;
  const language = engine.languageOf({ path: file });
  if (!language) throw new Error(`no language for ${file}`);
  const src = { path: file.split('/').slice(-2).join('/'), text, languageId: language.id };
  // Open, cold: grammar load and query compile included.
  let t = now();
  let tree = await engine.parse(language, text);
  if (!tree) throw new Error('parse failed');
  let findings = await engine.analyzeTree(src, language, tree);
  const openCold = now() - t;
  // Open, warm: what opening another file of this size costs.
  const opens: number[] = [];
  for (let i = 0; i < 7; i++) {
    t = now();
    const t2 = await engine.parse(language, text);
    if (!t2) throw new Error('parse failed');
    await engine.analyzeTree({ ...src, path: `open-${i}/${src.path}` }, language, t2);
    opens.push(now() - t);
    t2.delete();
  }
  const { SYNTAXES } = await import('../../src/core/engine');
  const syntax = SYNTAXES[language.syntax];
  const all = typingSites(tree, text, (n) => syntax.isFunction(n));
  const typed = '; qqq = f("ab", 123)';
  const steps = typingSteps(typed, autoClose);
  const perSite = steps.filter((x) => x.insert !== '').length;
  const siteCount = Math.max(1, Math.ceil(edits / perSite));
  const sites = Array.from({ length: siteCount }, (_, k) => all[Math.floor(((k + 0.5) * all.length) / siteCount)]).filter((x) => x !== undefined);
  const times: number[] = [];
  const parseTimes: number[] = [];
  const typedAt: string[] = [];
  let shift = 0;
  for (let k = 0; k < sites.length && times.length < edits; k++) {
    let at = sites[k] + shift;
    for (const { insert, advance } of steps) {
      if (times.length >= edits) break;
      if (insert === '') {
        at += advance; // typing over an auto-inserted closing character changes no text
        continue;
      }
      const start = pointAt(text, at);
      const next = text.slice(0, at) + insert + text.slice(at);
      const edit: Edit = { startIndex: at, oldEndIndex: at, newEndIndex: at + insert.length, startPosition: start, oldEndPosition: start, newEndPosition: { row: start.row, column: start.column + insert.length } } as Edit;
      const t0 = now();
      tree.edit(edit);
      const fresh = await engine.parse(language, next, tree, exact ? undefined : { defer: { path: src.path } });
      if (!fresh) throw new Error('parse failed');
      const wasHeld = engine.isHeld(fresh);
      const t1 = now();
      findings = await engine.analyzeTree({ ...src, text: next }, language, fresh);
      times.push(now() - t0);
      parseTimes.push(t1 - t0);
      typedAt.push(`${JSON.stringify(insert)}@${k}${wasHeld ? ' held' : ''}`);
      if (wasHeld) held++;
      if (times.length % 10 === 0) {
        const full = await reference.analyze({ ...src, text: next });
        const same = JSON.stringify(full.findings) === JSON.stringify(findings);
        if (wasHeld) {
          checkedHeld++;
          if (!same) heldDiffer++;
        } else {
          checked++;
          if (!same) mismatches.push(times.length);
        }
      }
      tree.delete();
      tree = fresh;
      text = next;
      at += advance;
      shift += insert.length;
    }
  }
  tree.delete();
  await engine.dispose();
  await reference.dispose();
  out({
    checked,
    mismatches,
    held,
    checked_held: checkedHeld,
    held_differ: heldDiffer,
    file,
    language: language.id,
    lines: countLines(text),
    edits: times.length,
    sites: sites.length,
    p50_ms: pct(times, 50),
    p95_ms: pct(times, 95),
    max_ms: Math.max(...times),
    parse_p50_ms: pct(parseTimes, 50),
    parse_p95_ms: pct(parseTimes, 95),
    open_ms: pct(opens, 50),
    open_cold_ms: openCold,
    findings: findings.length,
    // The slowest edits: total and parse ms, what was typed and at which place.
    slowest: times.map((ms, i) => [Math.round(ms * 10) / 10, Math.round(parseTimes[i] * 10) / 10, typedAt[i]]).sort((a, b) => (b[0] as number) - (a[0] as number)).slice(0, 12),
  });
}

// ------------------------------------------------------------------------------------------ activation

/** A stand-in for the `vscode` module: every property is a callable, constructible stub; a few return data. */
function vscodeStub(bundle: string): unknown {
  const cache = new Map<string, unknown>();
  const disposable = { dispose() {} };
  const make = (path: string): unknown => {
    const cached = cache.get(path);
    if (cached) return cached;
    const target = function () {};
    const proxy: unknown = new Proxy(target, {
      get(_t, prop) {
        if (prop === 'then') return undefined;
        if (prop === Symbol.iterator) return function* () {};
        if (prop === Symbol.toPrimitive) return () => path;
        if (prop === 'prototype') return target.prototype;
        if (typeof prop === 'symbol') return undefined;
        const special = SPECIAL[`${path}.${prop}`];
        if (special !== undefined) return special;
        if (prop === 'dispose') return () => undefined;
        return make(`${path}.${prop}`);
      },
      apply(_t, _this, args) {
        if (path.endsWith('.get') && args.length >= 2) return args[1];
        if (/\.(register\w*|on\w+|create\w+)$/.test(path)) return new Proxy(disposable, { get: (o, p) => (p === 'then' ? undefined : p in o ? (o as Record<string | symbol, unknown>)[p] : make(`${path}().${String(p)}`)) });
        return make(`${path}()`);
      },
      construct(_t, _args, newTarget) {
        const obj = Object.create((newTarget as { prototype: object }).prototype) as Record<string, unknown>;
        if (path.endsWith('EventEmitter')) {
          obj.event = () => disposable;
          obj.fire = () => undefined;
          obj.dispose = () => undefined;
        }
        return obj;
      },
    });
    cache.set(path, proxy);
    return proxy;
  };
  const SPECIAL: Record<string, unknown> = {
    'vscode.version': '1.100.0',
    'vscode.env.appName': 'bench-stub',
    'vscode.env.remoteName': undefined,
    'vscode.workspace.workspaceFolders': [],
    'vscode.workspace.textDocuments': [],
    'vscode.workspace.isTrusted': true,
    'vscode.window.visibleTextEditors': [],
    'vscode.window.activeTextEditor': undefined,
  };
  // esbuild's `import * as vscode` copies the module's own keys: give it every name of the API (the typings' exports;
  // a minified bundle renames its `vscode` variables) and every name the bundle uses.
  const typings = join(packageRoot(), 'node_modules', '@types', 'vscode', 'index.d.ts');
  const declared = existsSync(typings) ? [...readFileSync(typings, 'utf8').matchAll(/^\s*export (?:declare )?(?:class|enum|namespace|function|const|let|var) (\w+)/gm)].map((m) => m[1]) : [];
  const names = new Set([...declared, ...[...readFileSync(bundle, 'utf8').matchAll(/\bvscode\d*\.([A-Za-z_]\w*)/g)].map((m) => m[1])]);
  const api: Record<string, unknown> = {};
  for (const name of names) api[name] = SPECIAL[`vscode.${name}`] ?? make(`vscode.${name}`);
  return api;
}

async function activation(bundle: string): Promise<void> {
  const started = now();
  const stub = vscodeStub(bundle);
  const M = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const load = M._load;
  M._load = function (request: string, parent: unknown, isMain: boolean) {
    return request === 'vscode' ? stub : load.call(this, request, parent, isMain);
  };
  const root = packageRoot();
  const t0 = now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(bundle) as { activate(ctx: unknown): unknown; deactivate?(): unknown };
  const loadMs = now() - t0;
  const uri = (p: string) => ({ fsPath: p, path: p, scheme: 'file', toString: () => `file://${p}`, with: () => uri(p) });
  const memento = { get: (_k: string, d?: unknown) => d, update: async () => undefined, keys: () => [] };
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    extension: { packageJSON: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')), id: 'sealant.sealant', extensionUri: uri(root) },
    extensionUri: uri(root),
    extensionPath: root,
    globalStorageUri: uri(join(root, '.bench-storage')),
    storageUri: uri(join(root, '.bench-storage')),
    logUri: uri(join(root, '.bench-storage')),
    workspaceState: memento,
    globalState: { ...memento, setKeysForSync: () => undefined },
    asAbsolutePath: (p: string) => join(root, p),
  };
  let activated = false;
  let error: string | undefined;
  let activateMs = 0;
  try {
    const t1 = now();
    await ext.activate(context);
    activateMs = now() - t1;
    activated = true;
  } catch (err) {
    error = String(err instanceof Error ? err.stack?.split('\n').slice(0, 3).join(' | ') : err);
  }
  // The engine bundle beside the extension's (dist/engine.js), which the extension requires on first need, not at
  // activation: what that first need costs, timed here right after activate(). If activation loaded it already,
  // its cost is inside activate_ms and engine_loaded_by_activation says so. null: no engine bundle (one bundle).
  const engineBundle = join(dirname(bundle), 'engine.js');
  let engineLoadMs: number | null = null;
  let engineLoadedByActivation = false;
  if (activated && existsSync(engineBundle)) {
    if (require.cache[require.resolve(engineBundle)]) {
      engineLoadedByActivation = true;
    } else {
      const t2 = now();
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(engineBundle);
      engineLoadMs = now() - t2;
    }
  }
  out({
    ms: activated ? loadMs + activateMs : loadMs, load_ms: loadMs, activate_ms: activateMs, activated, error,
    engine_load_ms: engineLoadMs, engine_loaded_by_activation: engineLoadedByActivation, total_ms: now() - started,
  });
  process.exit(0);
}

// ------------------------------------------------------------------------------------------------ main

async function main(): Promise<void> {
  const [cmd, ...a] = process.argv.slice(2);
  switch (cmd) {
    case 'corpus':
      return corpus(a[0], Number(a[1]), a[2], a[3]);
    case 'floor':
      return floor(a[0]);
    case 'scan':
      return scan(a[0], Number(a[1]), a[2], a[3]);
    case 'memory':
      return memory(a[0], Number(a[1]), a[2], Number(a[3]));
    case 'rules':
      return rules(a[0]);
    case 'keystroke':
      return keystroke(a[0], Number(a[1]), a.includes('autoclose'), a.includes('exact'));
    case 'activation':
      return activation(a[0]);
    default:
      throw new Error(`unknown harness command ${cmd}`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`harness: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
