// The team config in workspace scans and per document (issue 7): the scan uses the CLI's discovery (nearest
// `.sealant.yml` at or above each file, in every folder scanned), so `rules: {x: off}` and `ignore` globs hold in
// the scan as in `sealant scan`, a nested config overrides the root one, and live diagnostics use the document's
// nearest config too. Files are written into the fixture workspace at test time and removed afterwards.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { codeOf, CUSTOM_RULE_ID, CUSTOM_RULE_YAML, deleteFile, editAndSave, EXTENSION_ID, open, retire, sealant, sealantDiagnostics, tempDir, waitForDiagnostics, workspaceRoot, writeFiles } from './helpers';

const RULE = 'transmission/insecure-request';
const SOURCE = `const axios = require('axios');
async function signup(req) {
  const { email, password } = req.body;
  console.log('signup', email, password);
  await axios.post('http://crm.partner.com/customers', { email });
}
module.exports = signup;
`;
const ROOT_CONFIG = `rules:
  ${RULE}: off
ignore:
  - cfgscan/skipped/
`;
const NESTED_CONFIG = `rules:
  ${RULE}: note
`;

function cliScan(root: string, path: string): Promise<{ ruleId: string; path: string; severity: string; fingerprint: string }[]> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(ext.extensionPath, 'dist', 'cli.js'), 'scan', '--format', 'json', '--no-cache', '--fail-on', 'never', path], { cwd: root, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      try {
        resolve((JSON.parse(stdout) as { findings: { ruleId: string; path: string; severity: string; fingerprint: string }[] }).findings);
      } catch {
        reject(new Error(`cli scan failed: ${err?.message ?? ''} ${stderr}`));
      }
    });
  });
}

describe('team config in workspace scans and nested configs', function () {
  this.timeout(120_000);
  const root = () => workspaceRoot().fsPath;
  const file = (rel: string) => vscode.Uri.file(join(root(), ...rel.split('/')));

  before(async () => {
    writeFiles(root(), {
      '.sealant.yml': ROOT_CONFIG,
      'cfgscan/top.js': SOURCE,
      'cfgscan/skipped/hidden.js': SOURCE,
      'cfgscan/nested/.sealant.yml': NESTED_CONFIG,
      'cfgscan/nested/deep.js': SOURCE,
    });
    const api = await sealant();
    const loaded = await api.reloadTeamConfig();
    assert.ok(loaded?.ok, `root config did not load: ${JSON.stringify(loaded?.errors)}`);
  });

  after(async () => {
    await retire(['cfgscan/top.js', 'cfgscan/skipped/hidden.js', 'cfgscan/nested/deep.js', 'cfgscan/nested/.sealant.yml'].map(file));
    for (const p of ['.sealant.yml', 'cfgscan']) rmSync(join(root(), p), { recursive: true, force: true });
    const api = await sealant();
    await api.reloadTeamConfig();
    await vscode.commands.executeCommand('sealant.findings.clear');
  });

  it('finds the nearest config of each file, up to its workspace folder', async () => {
    const api = await sealant();
    assert.equal((await api.configFor(file('cfgscan/top.js')))?.file, join(root(), '.sealant.yml'));
    assert.equal((await api.configFor(file('cfgscan/nested/deep.js')))?.file, join(root(), 'cfgscan/nested/.sealant.yml'));
  });

  it('honours rules: off, ignore globs and a nested config in a workspace scan, as the CLI does', async () => {
    const api = await sealant();
    const summary = await api.scanWorkspace({ progress: false });
    assert.ok(summary && !summary.cancelled);
    const result = api.lastScanResult();
    assert.ok(result);
    const byPath = new Map(result.files.map((f) => [f.path, f]));
    assert.ok(byPath.has('cfgscan/top.js') && byPath.has('cfgscan/nested/deep.js'), `scanned: ${[...byPath.keys()].join(', ')}`);
    assert.ok(!byPath.has('cfgscan/skipped/hidden.js'), 'a file the ignore globs exclude was scanned');
    assert.equal(api.findings(file('cfgscan/skipped/hidden.js')), undefined);
    const top = byPath.get('cfgscan/top.js')?.findings ?? [];
    const deep = byPath.get('cfgscan/nested/deep.js')?.findings ?? [];
    // The same code: the rule is off at the root, a note under the nested config; the other rules run in both.
    assert.ok(top.length > 0, 'no finding in cfgscan/top.js at all');
    assert.ok(!top.some((f) => f.ruleId === RULE), `${RULE} is off at the root but reported`);
    assert.deepEqual(deep.filter((f) => f.ruleId === RULE).map((f) => f.severity), ['note']);
    assert.deepEqual(top.map((f) => f.ruleId).sort(), deep.filter((f) => f.ruleId !== RULE).map((f) => f.ruleId).sort());
    // Files of other fixture folders (no nested config) are under the root config too.
    for (const f of result.files) if (!f.path.startsWith('cfgscan/nested/')) assert.ok(!f.findings.some((x) => x.ruleId === RULE), `${f.path}: ${RULE} reported`);
    // The CLI agrees, file by file.
    const cli = await cliScan(root(), 'cfgscan');
    const editor = result.files.filter((f) => f.path.startsWith('cfgscan/')).flatMap((f) => f.findings).map((f) => `${f.path} ${f.ruleId} ${f.severity} ${f.fingerprint}`).sort();
    assert.deepEqual(editor, cli.map((f) => `${f.path} ${f.ruleId} ${f.severity} ${f.fingerprint}`).sort());
  });

  it('uses the nearest config for live diagnostics too', async () => {
    const api = await sealant();
    const deep = await open(api, file('cfgscan/nested/deep.js'));
    const ds = await waitForDiagnostics(deep.uri, (d) => d.some((x) => codeOf(x) === RULE), `${RULE} under the nested config`);
    assert.deepEqual(ds.filter((x) => codeOf(x) === RULE).map((x) => x.severity), [vscode.DiagnosticSeverity.Information]);
    const top = await open(api, file('cfgscan/top.js'));
    await api.analyze(top);
    const topDs = sealantDiagnostics(top.uri);
    assert.ok(topDs.length > 0 && !topDs.some((x) => codeOf(x) === RULE), `root config not applied: ${topDs.map(codeOf).join(', ')}`);
    // An ignored file shows nothing while open either.
    const hidden = await open(api, file('cfgscan/skipped/hidden.js'));
    await api.analyze(hidden);
    assert.deepEqual(sealantDiagnostics(hidden.uri), []);
  });

  it('keeps showing a broken nested config\'s problems after the root config reloads', async () => {
    const api = await sealant();
    const nested = file('cfgscan/nested/.sealant.yml');
    const problems = () => vscode.languages.getDiagnostics(nested).filter((d) => d.source === 'Sealant config' && d.severity === vscode.DiagnosticSeverity.Error);
    writeFiles(root(), { 'cfgscan/nested/.sealant.yml': `rules:\n  ${RULE}: loud\n` });
    try {
      await api.reloadTeamConfig();
      // Loading the nested config for a file under it shows its problem (its last good version, if any, stays in force).
      await api.configFor(file('cfgscan/nested/deep.js'));
      assert.equal(problems().length, 1, 'the unknown severity is not shown in the nested config');
      // A reload of the root config (no document under the nested config analysed since) keeps it in view.
      await api.reloadTeamConfig();
      assert.equal(problems().length, 1, 'the nested config\'s problem vanished after the root config reloaded');
      writeFiles(root(), { 'cfgscan/nested/.sealant.yml': NESTED_CONFIG });
      await api.reloadTeamConfig();
      assert.equal(problems().length, 0, 'the fixed nested config still shows a problem');
    } finally {
      writeFiles(root(), { 'cfgscan/nested/.sealant.yml': NESTED_CONFIG });
    }
  });

  // Edited and deleted through VS Code, as a user does (file watchers, which catch changes made outside VS Code,
  // sometimes miss one in the test server, so they are not what this test relies on).
  it('follows an edit of the nested config', async () => {
    const api = await sealant();
    const deep = await open(api, file('cfgscan/nested/deep.js'));
    await editAndSave(file('cfgscan/nested/.sealant.yml'), `rules:\n  ${RULE}: error\n`);
    const ds = await waitForDiagnostics(deep.uri, (d) => d.some((x) => codeOf(x) === RULE && x.severity === vscode.DiagnosticSeverity.Error), `${RULE} as an error after the edit`);
    assert.ok(ds.length > 0);
    // Removing the nested config puts the file under the root config (rule off).
    await deleteFile(file('cfgscan/nested/.sealant.yml'));
    await waitForDiagnostics(deep.uri, (d) => d.length > 0 && !d.some((x) => codeOf(x) === RULE), `${RULE} gone under the root config`);
    assert.ok(!existsSync(join(root(), 'cfgscan/nested/.sealant.yml')));
  });

  it('gives every scanned folder its own config (multi-root)', async () => {
    const api = await sealant();
    const a = tempDir('sealant-folder-a-');
    const b = tempDir('sealant-folder-b-');
    writeFiles(a, { '.sealant.yml': `rules:\n  ${RULE}: off\n`, 'app.js': SOURCE });
    writeFiles(b, { 'app.js': SOURCE, 'gen/.sealant.yml': 'ignore:\n  - "*.js"\n', 'gen/out.js': SOURCE });
    const summary = await api.scanWorkspace({ progress: false, roots: [vscode.Uri.file(a), vscode.Uri.file(b)] });
    assert.ok(summary && !summary.cancelled);
    const inA = api.findings(vscode.Uri.file(join(a, 'app.js')))?.findings ?? [];
    const inB = api.findings(vscode.Uri.file(join(b, 'app.js')))?.findings ?? [];
    assert.ok(inA.length > 0 && !inA.some((f) => f.ruleId === RULE), `folder a: ${inA.map((f) => f.ruleId).join(', ')}`);
    assert.ok(inB.some((f) => f.ruleId === RULE), `folder b has no config, so ${RULE} applies: ${inB.map((f) => f.ruleId).join(', ')}`);
    assert.equal(api.findings(vscode.Uri.file(join(b, 'gen/out.js'))), undefined, 'a file its folder config ignores was scanned');
    assert.equal(summary.total, 2);
  });

  it('describes a nested config\'s custom rule in the exported SARIF', async () => {
    const api = await sealant();
    const dir = tempDir('sealant-nested-custom-');
    writeFiles(dir, { 'app.js': SOURCE, 'tools/.sealant.yml': CUSTOM_RULE_YAML, 'tools/dump.js': 'function debugDump(x) { return x; }\ndebugDump({ id: 1 });\n' });
    const summary = await api.scanWorkspace({ progress: false, roots: [vscode.Uri.file(dir)] });
    assert.ok(summary && !summary.cancelled);
    const out = await vscode.commands.executeCommand<vscode.Uri>('sealant.exportReport', { format: 'sarif', uri: vscode.Uri.file(join(dir, 'r.sarif')) });
    assert.ok(out);
    type Run = { tool: { driver: { rules: { id: string; shortDescription?: { text: string } }[] } }; results: { ruleId: string; ruleIndex: number }[] };
    const run = (JSON.parse(readFileSync(out.fsPath, 'utf8')) as { runs: Run[] }).runs[0];
    const result = run.results.find((r) => r.ruleId === CUSTOM_RULE_ID);
    assert.ok(result, `no ${CUSTOM_RULE_ID} result: ${run.results.map((r) => r.ruleId).join(', ')}`);
    const rule = run.tool.driver.rules[result.ruleIndex];
    assert.equal(rule.id, CUSTOM_RULE_ID);
    // The team's own title, not a descriptor made up from the finding.
    assert.equal(rule.shortDescription?.text, 'Debug dump of a record');
  });
});
