// A workspace nobody trusted yet (Restricted Mode), for real: run with
//   node test/vscode/run-code-server.mjs --untrusted --grep 'untrusted workspace'
// (the server then keeps workspace trust on, and the folder opens untrusted). The team config's `extends` and
// custom rules are not loaded, in live diagnostics and in workspace scans; the built-in rules still run. In the
// usual trusted runs this test is skipped (config.test.ts covers the branch through the API's trust override).
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { codeOf, CUSTOM_RULE_ID, CUSTOM_RULE_YAML, open, retire, sealant, waitForDiagnostics, workspaceRoot, writeFiles } from './helpers';

const CUSTOM = CUSTOM_RULE_ID;
const CONFIG = `extends:
  - ./untr/base.yml
${CUSTOM_RULE_YAML}`;
const BASE = `rules:
  storage/sensitive-data-in-log: off
`;
const SOURCE = `function handler(req) {
  const { password } = req.body;
  debugDump(req.body);
  console.log('login', password);
}
module.exports = handler;
`;

describe('untrusted workspace (Restricted Mode)', function () {
  this.timeout(120_000);
  const root = () => workspaceRoot().fsPath;
  const source = () => vscode.Uri.file(join(root(), 'untr', 'app.js'));

  before(function () {
    if (vscode.workspace.isTrusted) this.skip();
    writeFiles(root(), { '.sealant.yml': CONFIG, 'untr/base.yml': BASE, 'untr/app.js': SOURCE });
  });

  after(async () => {
    if (vscode.workspace.isTrusted) return;
    await retire([source()]);
    for (const p of ['.sealant.yml', 'untr']) rmSync(join(root(), p), { recursive: true, force: true });
    const api = await sealant();
    await api.reloadTeamConfig({ trusted: undefined });
  });

  it('runs the built-in rules but neither extends nor custom rules, live and in a scan', async () => {
    const api = await sealant();
    assert.equal(vscode.workspace.isTrusted, false);
    const loaded = await api.reloadTeamConfig();
    assert.ok(loaded?.ok, `config errors: ${JSON.stringify(loaded?.errors)}`);
    assert.ok(!loaded.rules.some((r) => r.id === CUSTOM), 'the custom rule was loaded in an untrusted workspace');
    assert.ok(loaded.errors.some((e) => e.severity === 'info'), 'no note says what was skipped');
    assert.ok(!api.rules().some((r) => r.id === CUSTOM));

    const doc = await open(api, source());
    // The extended config turns the log rule off; untrusted, it is not read, so the finding stays.
    const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'storage/sensitive-data-in-log'), 'the built-in log finding');
    assert.ok(!ds.some((x) => codeOf(x) === CUSTOM));
    const summary = await api.scanWorkspace({ progress: false });
    assert.ok(summary && !summary.cancelled);
    const scanned = api.lastScanResult()?.files.find((f) => f.path === 'untr/app.js');
    assert.ok(scanned, 'untr/app.js was not scanned');
    assert.ok(scanned.findings.some((f) => f.ruleId === 'storage/sensitive-data-in-log'));
    assert.ok(!scanned.findings.some((f) => f.ruleId === CUSTOM));

    // Contrast: the same files with trust (the API's override) load both, so the checks above can fail.
    const trusted = await api.reloadTeamConfig({ trusted: true });
    assert.ok(trusted?.rules.some((r) => r.id === CUSTOM));
    await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === CUSTOM) && !d.some((x) => codeOf(x) === 'storage/sensitive-data-in-log'), 'the trusted config in force');
  });
});
