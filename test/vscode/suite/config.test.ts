// The team config in the editor: a `.sealant.yml` written into the fixture workspace at test time (the runner opens
// one workspace per run) and removed afterwards. Severity overrides, custom rules, config errors as diagnostics with
// the last good config kept, triage (Problems vs Findings view), the same findings as the CLI, and the untrusted
// branch (code-server runs with --disable-workspace-trust: tested through the API's trust override).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TreeSnapshot } from '../../../src/extension/findings-view';
import { closeAll, codeOf, CUSTOM_RULE_ID, CUSTOM_RULE_YAML, EXTENSION_ID, open, sealant, sealantDiagnostics, waitForDiagnostics, waitUntil, workspaceRoot } from './helpers';

const CUSTOM = CUSTOM_RULE_ID;
const GOOD = `rules:
  transmission/insecure-request: note
${CUSTOM_RULE_YAML}`;
// Line 3 (1-based) holds the error: an unknown severity.
const BROKEN = `rules:
  transmission/insecure-request: note
  upload/no-size-limit: catastrophic
`;
const SOURCE = `const axios = require('axios');
function handler(req) {
  const { email, password } = req.body;
  debugDump(req.body);
  console.log('signup', email, password);
  return axios.post('http://crm.partner.com/customers', { email });
}
module.exports = handler;
`;

function leaves(nodes: readonly TreeSnapshot[]): TreeSnapshot[] {
  return nodes.flatMap((n) => (n.children.length ? leaves(n.children) : [n]));
}

function cliScan(root: string): Promise<{ ruleId: string; path: string; fingerprint: string }[]> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  const cli = join(ext.extensionPath, 'dist', 'cli.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, 'scan', '--format', 'json', '--no-cache', 'cfg'], { cwd: root, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      try {
        const report = JSON.parse(stdout) as { findings: { ruleId: string; path: string; fingerprint: string }[] };
        resolve(report.findings);
      } catch {
        reject(new Error(`cli scan failed: ${err?.message ?? ''} ${stderr}`));
      }
    });
  });
}

describe('team config', function () {
  this.timeout(60_000);
  const root = () => workspaceRoot().fsPath;
  const configPath = () => join(root(), '.sealant.yml');
  const triagePath = () => join(root(), '.sealant-triage.yml');
  const sourceUri = () => vscode.Uri.file(join(root(), 'cfg', 'team.js'));

  before(async () => {
    mkdirSync(join(root(), 'cfg'), { recursive: true });
    writeFileSync(join(root(), 'cfg', 'team.js'), SOURCE);
    writeFileSync(configPath(), GOOD);
    const api = await sealant();
    const loaded = await api.reloadTeamConfig();
    assert.ok(loaded?.ok, `config did not load: ${JSON.stringify(loaded?.errors)}`);
  });

  after(async () => {
    // The document stays loaded after its editor closes: empty it first, so no finding of it outlives the suite.
    const api0 = await sealant();
    const doc = await vscode.workspace.openTextDocument(sourceUri());
    const edit = new vscode.WorkspaceEdit();
    edit.delete(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0));
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    await api0.analyze(doc);
    await waitForDiagnostics(doc.uri, (d) => d.length === 0, 'no diagnostics left in cfg/team.js');
    await closeAll();
    for (const p of [configPath(), triagePath(), join(root(), 'cfg')]) if (existsSync(p)) rmSync(p, { recursive: true, force: true });
    const api = await sealant();
    await api.reloadTeamConfig({ trusted: undefined });
  });

  it('runs a custom rule of the config', async () => {
    const api = await sealant();
    assert.ok(api.rules().some((r) => r.id === CUSTOM), 'the custom rule is not among the engine rules');
    const doc = await open(api, sourceUri());
    const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === CUSTOM), 'the custom rule diagnostic');
    const d = ds.find((x) => codeOf(x) === CUSTOM);
    assert.equal(d?.range.start.line, 3);
  });

  it('applies a severity override', async () => {
    const api = await sealant();
    const doc = await open(api, sourceUri());
    const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'transmission/insecure-request'), 'the insecure-request diagnostic');
    assert.equal(ds.find((x) => codeOf(x) === 'transmission/insecure-request')?.severity, vscode.DiagnosticSeverity.Information);
    // Without the override the rule's own severity applies.
    writeFileSync(configPath(), GOOD.replace('transmission/insecure-request: note', 'upload/no-size-limit: error'));
    assert.equal((await api.reloadTeamConfig())?.ok, true);
    const after = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'transmission/insecure-request' && x.severity !== vscode.DiagnosticSeverity.Information), 'insecure-request at its default severity');
    assert.notEqual(after.find((x) => codeOf(x) === 'transmission/insecure-request')?.severity, vscode.DiagnosticSeverity.Information);
    writeFileSync(configPath(), GOOD);
    await api.reloadTeamConfig();
    await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'transmission/insecure-request' && x.severity === vscode.DiagnosticSeverity.Information), 'the override back');
  });

  it('shows a broken config as a diagnostic at its line and keeps the last good config', async () => {
    const api = await sealant();
    writeFileSync(configPath(), BROKEN);
    const loaded = await api.reloadTeamConfig();
    assert.equal(loaded?.ok, false);
    const cfg = vscode.Uri.file(configPath());
    const ds = await waitUntil(vscode.languages.onDidChangeDiagnostics, () => {
      const list = vscode.languages.getDiagnostics(cfg).filter((d) => d.source === 'Sealant config');
      return list.length ? list : undefined;
    }, 'a diagnostic in .sealant.yml');
    const error = ds.find((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.ok(error, `no error diagnostic: ${ds.map((d) => d.message).join('; ')}`);
    assert.equal(error.range.start.line, 2, `error at line ${error.range.start.line + 1}: ${error.message}`);
    // The last good config (with its custom rule) stays in force.
    assert.ok(api.rules().some((r) => r.id === CUSTOM));
    assert.ok(api.teamConfig()?.rules.some((r) => r.id === CUSTOM));
    const doc = await open(api, sourceUri());
    await api.analyze(doc);
    assert.ok(sealantDiagnostics(doc.uri).some((x) => codeOf(x) === CUSTOM));
    // Fixed: the diagnostics go.
    writeFileSync(configPath(), GOOD);
    assert.equal((await api.reloadTeamConfig())?.ok, true);
    assert.equal(vscode.languages.getDiagnostics(cfg).filter((d) => d.source === 'Sealant config' && d.severity === vscode.DiagnosticSeverity.Error).length, 0);
  });

  it('gives the same findings as the CLI for the same config', async () => {
    const api = await sealant();
    const doc = await open(api, sourceUri());
    await api.analyze(doc);
    const editor = (api.findings(doc.uri)?.findings ?? []).map((f) => `${f.ruleId} ${f.path} ${f.fingerprint}`).sort();
    const cli = (await cliScan(root())).filter((f) => f.path === 'cfg/team.js').map((f) => `${f.ruleId} ${f.path} ${f.fingerprint}`).sort();
    assert.ok(editor.some((l) => l.startsWith(CUSTOM)), `editor findings: ${editor.join(', ')}`);
    assert.deepEqual(editor, cli);
  });

  it('hides a triaged finding from Problems and keeps it in the Findings view', async () => {
    const api = await sealant();
    const doc = await open(api, sourceUri());
    const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === CUSTOM), 'the custom rule diagnostic');
    const diagnostic = ds.find((x) => codeOf(x) === CUSTOM);
    assert.ok(diagnostic);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const mark = actions.find((a) => a.title === `Mark ${CUSTOM} as false positive…`);
    assert.ok(mark?.command, `no triage action: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(actions.some((a) => a.title === `Accept risk of ${CUSTOM}…`));
    const asked: string[] = [];
    api.setSuppressPrompt((ruleId) => {
      asked.push(ruleId);
      return Promise.resolve('debugDump is a no-op in production builds');
    });
    try {
      const ok = await vscode.commands.executeCommand<boolean>(mark.command.command, ...(mark.command.arguments ?? []));
      assert.equal(ok, true);
    } finally {
      api.setSuppressPrompt(undefined);
    }
    assert.deepEqual(asked, [CUSTOM]);
    assert.ok(existsSync(triagePath()), 'no triage file written');
    await waitForDiagnostics(doc.uri, (d) => !d.some((x) => codeOf(x) === CUSTOM) && d.length > 0, 'the triaged finding gone from Problems');
    const f = api.findings(doc.uri)?.findings.find((x) => x.ruleId === CUSTOM);
    assert.equal(f?.suppression?.kind, 'external');
    const rows = leaves(api.findingsTree()).filter((n) => n.uri === doc.uri.toString() && n.line === 3);
    assert.ok(rows.length > 0, 'the triaged finding is not in the Findings view');
  });

  it('does not load custom rules in an untrusted workspace (trust override), and does after trust', async () => {
    const api = await sealant();
    const untrusted = await api.reloadTeamConfig({ trusted: false });
    assert.ok(untrusted?.ok);
    assert.ok(!untrusted.rules.some((r) => r.id === CUSTOM));
    assert.ok(!api.rules().some((r) => r.id === CUSTOM));
    assert.ok(untrusted.errors.some((e) => e.severity === 'info'), 'no info entry about the skipped custom rules');
    const trusted = await api.reloadTeamConfig({ trusted: true });
    assert.ok(trusted?.rules.some((r) => r.id === CUSTOM));
    assert.ok(api.rules().some((r) => r.id === CUSTOM));
  });
});
