// Diagnostics of each family in JavaScript, TypeScript and Python files of the fixture workspace: source, code
// linked to the rule's guidance, severity, related locations, hover text; guidance rendered inside VS Code;
// `sealant.run: off` clears them.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAll, codeOf, fixture, open, sealant, sealantDiagnostics, setSetting, waitForDiagnostics } from './helpers';

const FAMILIES = ['storage/sensitive-data-in-log', 'transmission/insecure-request', 'upload/no-size-limit'];
const FILES = ['js/signup.js', 'ts/billing.ts', 'py/app.py'];

describe('diagnostics', () => {
  after(async () => {
    await setSetting('sealant.run', undefined);
    await closeAll();
  });

  for (const file of FILES) {
    it(`reports a finding of every family in ${file}`, async () => {
      const api = await sealant();
      const doc = await open(api, fixture(file));
      const ds = await waitForDiagnostics(doc.uri, (d) => FAMILIES.every((r) => d.some((x) => codeOf(x) === r)), 'a diagnostic of each family');
      for (const d of ds) {
        assert.equal(d.source, 'Sealant');
        assert.ok(typeof d.code === 'object', 'code should carry a target');
        const code = d.code as { value: string; target: vscode.Uri };
        assert.equal(code.target.scheme, 'command');
        assert.equal(code.target.path, 'sealant.showGuidance');
        assert.deepEqual(JSON.parse(decodeURIComponent(code.target.query)), [code.value]);
        assert.ok([vscode.DiagnosticSeverity.Error, vscode.DiagnosticSeverity.Warning, vscode.DiagnosticSeverity.Information].includes(d.severity));
      }
      // Same findings as the engine computed for this version.
      assert.equal(ds.length, api.findings(doc.uri)?.findings.filter((f) => !f.suppression).length);
    });
  }

  it('points related information at where the personal data came from', async () => {
    const api = await sealant();
    const doc = await open(api, fixture('js/signup.js'));
    const log = sealantDiagnostics(doc.uri).find((d) => codeOf(d) === 'storage/sensitive-data-in-log');
    assert.ok(log, 'no log finding');
    assert.equal(log.severity, vscode.DiagnosticSeverity.Error);
    const related = log.relatedInformation ?? [];
    assert.ok(related.length > 0, 'no related information');
    for (const r of related) assert.equal(r.location.uri.toString(), doc.uri.toString());
    const lines = related.map((r) => doc.lineAt(r.location.range.start.line).text);
    assert.ok(lines.some((l) => l.includes('const { email, password, ssn } = req.body')), `related lines: ${lines.join(' | ')}`);
  });

  it('explains the finding in a hover: what, why, classification and fix', async () => {
    const api = await sealant();
    const doc = await open(api, fixture('js/signup.js'));
    const log = sealantDiagnostics(doc.uri).find((d) => codeOf(d) === 'storage/sensitive-data-in-log');
    assert.ok(log);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, log.range.start.translate(0, 2));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*What:\*\*.*written to a log/);
    assert.match(text, /\*\*Why it matters:\*\*/);
    assert.match(text, /How the data was classified/);
    assert.match(text, /`password` matched type `password`/);
    assert.match(text, /\*\*Fix:\*\*/);
  });

  it('renders the rule guidance inside VS Code', async () => {
    const api = await sealant();
    const uri = await vscode.commands.executeCommand<vscode.Uri>('sealant.showGuidance', 'upload/no-size-limit');
    assert.ok(uri, 'showGuidance returned nothing');
    const doc = await vscode.workspace.openTextDocument(uri);
    const rule = api.rules().find((r) => r.id === 'upload/no-size-limit');
    assert.ok(rule);
    assert.match(doc.getText(), /^# /);
    assert.ok(doc.getText().includes(rule.guidance.why));
    assert.ok(doc.getText().includes('## How to fix it'));
    assert.ok(doc.getText().includes('CWE-'));
  });

  it('clears diagnostics when sealant.run is off and brings them back on', async () => {
    const api = await sealant();
    const doc = await open(api, fixture('ts/billing.ts'));
    assert.ok(sealantDiagnostics(doc.uri).length > 0);
    await setSetting('sealant.run', 'off');
    await waitForDiagnostics(doc.uri, (ds) => ds.length === 0, 'diagnostics cleared by sealant.run=off');
    assert.match(api.statusText(), /off/);
    await setSetting('sealant.run', 'onType');
    await waitForDiagnostics(doc.uri, (ds) => ds.length >= 3, 'diagnostics back with sealant.run=onType');
  });
});
