// A real multi-root workspace (issue 7: every folder of a multi-root workspace gets its own config), run with
//   node test/vscode/run-code-server.mjs --workspace test/vscode/multi-root/multi.code-workspace --grep 'multi-root workspace'
// Folder a's `.sealant.yml` turns transmission/insecure-request off; folder b has no config at its root (built-in
// settings) and a nested one in b/sub that makes the rule a note. The same code sits in all three places. Skipped in
// the usual single-folder runs.
import * as assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import * as vscode from 'vscode';
import { codeOf, open, sealant, waitForDiagnostics } from './helpers';

const RULE = 'transmission/insecure-request';

describe('multi-root workspace', function () {
  this.timeout(120_000);
  const folder = (name: string) => vscode.workspace.workspaceFolders?.find((f) => f.name === name)?.uri;
  const file = (name: string, ...rel: string[]) => {
    const root = folder(name);
    assert.ok(root, `no workspace folder ${name}`);
    return vscode.Uri.joinPath(root, ...rel);
  };

  before(function () {
    if ((vscode.workspace.workspaceFolders ?? []).length < 2) this.skip();
  });
  after(() => {
    for (const name of ['a', 'b']) {
      const root = folder(name);
      if (root) rmSync(vscode.Uri.joinPath(root, '.sealant-triage.yml').fsPath, { force: true });
    }
  });

  it('scans every folder, each file under the nearest config of its own folder', async () => {
    const api = await sealant();
    assert.deepEqual(vscode.workspace.workspaceFolders?.map((f) => f.name), ['a', 'b']);
    const summary = await api.scanWorkspace({ progress: false });
    assert.ok(summary && !summary.cancelled);
    assert.equal(summary.roots.length, 2);
    assert.equal(summary.total, 3);
    const severities = (uri: vscode.Uri) => (api.findings(uri)?.findings ?? []).filter((f) => f.ruleId === RULE).map((f) => f.severity);
    const others = (uri: vscode.Uri) => (api.findings(uri)?.findings ?? []).filter((f) => f.ruleId !== RULE).map((f) => f.ruleId).sort();
    assert.deepEqual(severities(file('a', 'app.js')), [], 'folder a turns the rule off');
    const builtin = severities(file('b', 'app.js'));
    assert.equal(builtin.length, 1, 'folder b has no config: the rule runs at its own severity');
    assert.notEqual(builtin[0], 'note');
    assert.deepEqual(severities(file('b', 'sub', 'app.js')), ['note'], 'the nested config in b/sub');
    // The other rules run everywhere alike.
    assert.ok(others(file('a', 'app.js')).length > 0);
    assert.deepEqual(others(file('a', 'app.js')), others(file('b', 'app.js')));
    assert.deepEqual(others(file('b', 'sub', 'app.js')), others(file('b', 'app.js')));
    // Paths of the combined result are relative to the folders' common parent.
    assert.deepEqual(api.lastScanResult()?.files.map((f) => f.path).sort(), ['a/app.js', 'b/app.js', 'b/sub/app.js']);
  });

  it('gives live diagnostics the config of the document\'s own folder', async () => {
    const api = await sealant();
    assert.equal((await api.configFor(file('a', 'app.js')))?.file, file('a', '.sealant.yml').fsPath);
    assert.equal((await api.configFor(file('b', 'app.js')))?.file, undefined);
    assert.equal((await api.configFor(file('b', 'sub', 'app.js')))?.file, file('b', 'sub', '.sealant.yml').fsPath);
    const inA = await open(api, file('a', 'app.js'));
    await api.analyze(inA);
    const inB = await open(api, file('b', 'app.js'));
    await waitForDiagnostics(inB.uri, (d) => d.some((x) => codeOf(x) === RULE && x.severity !== vscode.DiagnosticSeverity.Information), `${RULE} in b/app.js`);
    const inSub = await open(api, file('b', 'sub', 'app.js'));
    await waitForDiagnostics(inSub.uri, (d) => d.some((x) => codeOf(x) === RULE && x.severity === vscode.DiagnosticSeverity.Information), `${RULE} as a note in b/sub/app.js`);
    const aCodes = (api.findings(inA.uri)?.findings ?? []).map((f) => f.ruleId);
    assert.equal(api.findings(inA.uri)?.origin, 'live');
    assert.ok(aCodes.length > 0 && !aCodes.includes(RULE), `a/app.js: ${aCodes.join(', ')}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('records and applies triage in the triage file of the document\'s own folder', async () => {
    const api = await sealant();
    const doc = await open(api, file('b', 'app.js'));
    const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === RULE), `${RULE} in b/app.js`);
    const diagnostic = ds.find((x) => codeOf(x) === RULE);
    assert.ok(diagnostic);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const accept = actions.find((a) => a.title === `Accept risk of ${RULE}…`);
    assert.ok(accept?.command, `no triage action: ${actions.map((a) => a.title).join(', ')}`);
    api.setSuppressPrompt(() => Promise.resolve('the partner CRM is reached over a private link'));
    try {
      assert.equal(await vscode.commands.executeCommand<boolean>(accept.command.command, ...(accept.command.arguments ?? [])), true);
    } finally {
      api.setSuppressPrompt(undefined);
    }
    // Folder a holds the workspace's root config, but the finding belongs to folder b: b's triage file gets it.
    assert.ok(existsSync(file('b', '.sealant-triage.yml').fsPath), 'no triage file in folder b');
    assert.ok(!existsSync(file('a', '.sealant-triage.yml').fsPath), 'the triage entry went to folder a');
    await waitForDiagnostics(doc.uri, (d) => !d.some((x) => codeOf(x) === RULE) && d.length > 0, `the triaged ${RULE} gone from b/app.js`);
    assert.equal(api.findings(doc.uri)?.findings.find((f) => f.ruleId === RULE)?.suppression?.kind, 'external');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
