// The extension is two bundles (scripts/build.mjs): dist/extension.js, which activation loads, and dist/engine.js,
// which it requires on first need. Each bundle is copied into a fresh folder and activated with a stand-in `vscode`
// module (a proxy whose every member is callable; a few members return data): activation leaves the engine bundle
// alone, a document already open at activation is analysed once the bundle has loaded (with the findings the engine
// gives for its text), and a missing engine bundle is shown to the user, not swallowed.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEngine, REPO_ROOT } from './helpers/engine';

interface Api {
  findings(uri: unknown): { findings: { ruleId: string }[] } | undefined;
  rules(): unknown[];
  logLines(): readonly string[];
}

const TEXT = 'import logging\npassword = "hunter2hunter2"\nlogging.info("signup %s %s", user.email, password)\n';

/** Loads `bundle` with a stand-in vscode module and activates it; `documents` are open at activation. */
function activate(bundle: string, documents: unknown[]): { api: Api; shown: string[] } {
  const shown: string[] = [];
  const special: Record<string, unknown> = {
    'vscode.version': '1.100.0',
    'vscode.workspace.textDocuments': documents,
    'vscode.workspace.workspaceFolders': [],
    'vscode.workspace.isTrusted': true,
    'vscode.languages.match': () => 1,
    'vscode.Uri.joinPath': (base: { fsPath: string }, ...parts: string[]) => ({ fsPath: join(base.fsPath, ...parts), path: join(base.fsPath, ...parts), scheme: 'file' }),
    'vscode.workspace.fs.readFile': async (uri: { fsPath: string }) => new Uint8Array(readFileSync(uri.fsPath)),
    'vscode.window.showErrorMessage': (message: string) => {
      shown.push(message);
      return Promise.resolve(undefined);
    },
    'new vscode.CancellationTokenSource.token': { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) },
  };
  const make = (path: string): unknown =>
    new Proxy(function () {}, {
      get(_t, p) {
        if (p === 'then') return undefined;
        if (typeof p === 'symbol') return p === Symbol.toPrimitive ? () => path : undefined;
        const key = `${path}.${p}`;
        return key in special ? special[key] : make(key);
      },
      apply(_t, _this, args: unknown[]) {
        if (path.endsWith('.get') && args.length >= 2) return args[1];
        return make(`${path}()`);
      },
      construct: () => make(`new ${path}`) as object,
      set: () => true,
    });
  // esbuild's `import * as vscode` copies the module's own keys: give it every name the typings export.
  const typings = readFileSync(join(REPO_ROOT, 'node_modules/@types/vscode/index.d.ts'), 'utf8');
  const vscode: Record<string, unknown> = {};
  for (const m of typings.matchAll(/^\s*export (?:declare )?(?:class|enum|namespace|function|const|let|var) (\w+)/gm)) vscode[m[1]] = special[`vscode.${m[1]}`] ?? make(`vscode.${m[1]}`);
  const M = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
  const load = M._load;
  M._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ext = require(bundle) as { activate(context: unknown): Api };
    const uri = (p: string) => ({ fsPath: p, path: p, scheme: 'file', toString: () => `file://${p}` });
    const memento = { get: (_k: string, d?: unknown) => d, update: async () => undefined };
    const api = ext.activate({ subscriptions: [], extension: { packageJSON: { version: '0.0.0-test' } }, extensionUri: uri(REPO_ROOT), globalStorageUri: uri(join(tmpdir(), 'sealant-test')), logUri: uri(tmpdir()), workspaceState: memento });
    return { api, shown };
  } finally {
    M._load = load;
  }
}

describe('extension bundles (activation and the engine loaded on first need)', function () {
  let dir: string;

  before(function () {
    for (const f of ['extension.js', 'engine.js']) if (!existsSync(join(REPO_ROOT, 'dist', f))) throw new Error(`dist/${f} is missing: run \`npm run build\` first`);
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sealant-bundles-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('activates without the engine bundle, then analyses a document open at activation once it has loaded', async () => {
    for (const f of ['extension.js', 'engine.js']) copyFileSync(join(REPO_ROOT, 'dist', f), join(dir, f));
    const docUri = { scheme: 'untitled', path: '/w/app.py', fsPath: '/w/app.py', toString: () => 'untitled:/w/app.py' };
    const doc = { uri: docUri, languageId: 'python', version: 1, isClosed: false, isDirty: false, getText: () => TEXT };
    const { api, shown } = activate(join(dir, 'extension.js'), [doc]);
    assert.equal(require.cache[join(dir, 'engine.js')], undefined, 'activate() loaded the engine bundle');
    let got: { ruleId: string }[] | undefined;
    for (const end = Date.now() + 20_000; !got && Date.now() < end; await new Promise((r) => setTimeout(r, 50))) got = api.findings(docUri)?.findings;
    assert.ok(got, `the document open at activation was never analysed; log: ${api.logLines().join(' | ')}`);
    assert.ok(require.cache[join(dir, 'engine.js')], 'findings without the engine bundle');
    const engine = makeEngine();
    try {
      const expected = (await engine.analyze({ path: 'app.py', text: TEXT, languageId: 'python' })).findings;
      assert.ok(expected.length > 0, 'the sample should give findings');
      assert.deepEqual(got.map((f) => f.ruleId).sort(), expected.map((f) => f.ruleId).sort());
    } finally {
      await engine.dispose();
    }
    const lines = api.logLines();
    const activated = lines.findIndex((l) => l.includes('activated in') && l.includes('(engine loads on first need)'));
    const loaded = lines.findIndex((l) => l.startsWith('info engine loaded in'));
    assert.ok(activated >= 0 && loaded > activated, lines.join(' | '));
    assert.deepEqual(shown, []);
  });

  it('shows an engine bundle that cannot be loaded, once, and every need of it fails', () => {
    copyFileSync(join(REPO_ROOT, 'dist', 'extension.js'), join(dir, 'extension.js'));
    const { api, shown } = activate(join(dir, 'extension.js'), []);
    assert.throws(() => api.rules(), /engine\.js/);
    assert.throws(() => api.rules(), /engine\.js/);
    assert.equal(shown.length, 1, `shown: ${shown.join(' | ')}`);
    assert.match(shown[0], /could not load the Sealant engine/);
    assert.ok(api.logLines().some((l) => l.startsWith('error could not load the Sealant engine')));
  });
});
