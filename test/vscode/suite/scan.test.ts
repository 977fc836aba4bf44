// The workspace scan: worker threads over the fixture workspace honouring .gitignore, files.exclude and the
// default excludes; skipped files listed; results in the Problems panel and the Findings view (grouping,
// severity filter, badge, click to reveal); export to SARIF and Markdown; changed files against git HEAD;
// several folders at once; cancellation part-way.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TreeSnapshot } from '../../../src/extension/findings-view';
import type { ScanSummary } from '../../../src/extension/workspace-scan';
import { closeAll, codeOf, fixture, sealant, sealantDiagnostics, tempDir, waitForEvent, workspaceRoot, writeFiles } from './helpers';

const SCANNED = ['generated.js', 'js/clean.js', 'js/signup.js', 'py/app.py', 'ts/billing.ts'];
const WITH_FINDINGS = ['js/signup.js', 'py/app.py', 'ts/billing.ts'];

function flatten(nodes: TreeSnapshot[]): TreeSnapshot[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore' });
}

describe('workspace scan', () => {
  let summary: ScanSummary;

  after(async () => {
    const api = await sealant();
    await api.setGroupBy('rule');
    await api.setMinimumSeverity('note');
    await vscode.commands.executeCommand('sealant.findings.clear');
    await closeAll();
  });

  it('scans every supported file the excludes allow, in worker threads, and lists what it skipped', async () => {
    await closeAll();
    const result = await vscode.commands.executeCommand<ScanSummary>('sealant.scanWorkspace', { progress: false });
    assert.ok(result, 'the scan command returned nothing');
    summary = result;
    assert.equal(summary.cancelled, false);
    assert.equal(summary.total, SCANNED.length, `scanned ${summary.total} files`);
    assert.equal(summary.done, SCANNED.length);
    assert.deepEqual(summary.skipped.map((s) => `${s.path}: ${s.reason}`), ['generated.js: generated']);
    assert.deepEqual(summary.failed, []);
    assert.equal(summary.filesWithFindings, WITH_FINDINGS.length);
  });

  it('puts the results in the Problems panel, and nothing from excluded files', () => {
    const root = workspaceRoot().toString() + '/';
    const all = vscode.languages.getDiagnostics().filter(([uri, ds]) => uri.toString().startsWith(root) && ds.some((d) => d.source === 'Sealant'));
    const files = all.map(([uri]) => vscode.workspace.asRelativePath(uri, false)).sort();
    assert.deepEqual(files, WITH_FINDINGS);
    const count = all.reduce((n, [, ds]) => n + ds.filter((d) => d.source === 'Sealant').length, 0);
    assert.equal(count, summary.findings);
    for (const file of WITH_FINDINGS) {
      const codes = new Set(sealantDiagnostics(fixture(file)).map(codeOf));
      for (const family of ['storage/', 'transmission/', 'upload/']) assert.ok([...codes].some((c) => c.startsWith(family)), `${file}: no ${family} finding`);
    }
  });

  // Documents opened by earlier suites (temporary copies) stay open in the extension host for a while after their
  // editors close, with their live findings: the view and the Problems panel show the same set either way.
  function problemsCount(severity?: vscode.DiagnosticSeverity): number {
    return vscode.languages.getDiagnostics().reduce((n, [, ds]) => n + ds.filter((d) => d.source === 'Sealant' && (severity === undefined || d.severity === severity)).length, 0);
  }

  it('fills the Findings view: family → rule → file → finding, with counts and a badge', async () => {
    const api = await sealant();
    const tree = api.findingsTree();
    assert.ok(tree.every((n) => n.kind === 'family'));
    // (a 'Sealant' family of suppression notes may follow, from documents of earlier suites still open)
    assert.deepEqual(tree.map((n) => n.label).slice(0, 3), ['Storage', 'Transmission', 'Upload']);
    const total = tree.reduce((n, f) => n + f.count, 0);
    assert.equal(total, problemsCount(), 'the view and the Problems panel disagree');
    assert.ok(total >= summary.findings);
    assert.equal(api.findingsBadge(), total);
    for (const family of tree) {
      assert.equal(family.description, String(family.count));
      assert.ok(family.children.every((r) => r.kind === 'rule'));
      assert.equal(family.children.reduce((n, r) => n + r.count, 0), family.count);
      for (const rule of family.children) {
        assert.ok(rule.children.every((f) => f.kind === 'file'));
        for (const file of rule.children) assert.ok(file.children.length === file.count && file.children.every((x) => x.kind === 'finding'));
      }
      // every fixture file has a finding of every family
      if (family.label === 'Sealant') continue;
      for (const f of WITH_FINDINGS) assert.ok(family.children.some((rule) => rule.children.some((n) => n.label === f)), `${family.label}: no ${f}`);
    }
    assert.match(api.statusText(), new RegExp(`\\b${total}\\b`));
  });

  it('switches to file → finding and filters by minimum severity', async () => {
    const api = await sealant();
    await vscode.commands.executeCommand('sealant.findings.groupByFile');
    const byFile = api.findingsTree();
    assert.ok(byFile.every((n) => n.kind === 'file' && n.children.every((c) => c.kind === 'finding')));
    for (const f of WITH_FINDINGS) assert.ok(byFile.some((n) => n.label === f), `no ${f} in ${byFile.map((n) => n.label).join(', ')}`);
    await vscode.commands.executeCommand('sealant.findings.filterSeverity', 'error');
    const errors = problemsCount(vscode.DiagnosticSeverity.Error);
    assert.ok(errors > 0 && errors < problemsCount());
    assert.equal(api.findingsBadge(), errors);
    await vscode.commands.executeCommand('sealant.findings.filterSeverity', 'note');
    await vscode.commands.executeCommand('sealant.findings.groupByRule');
    assert.equal(api.findingsBadge(), problemsCount());
  });

  it('reveals a finding when its item is clicked', async () => {
    const api = await sealant();
    const finding = flatten(api.findingsTree()).find((n) => n.kind === 'finding' && n.uri?.endsWith('py/app.py'));
    assert.ok(finding?.command, 'finding items should run a command');
    await vscode.commands.executeCommand(finding.command.command, ...finding.command.arguments);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.uri.toString(), finding.uri);
    assert.equal(editor.selection.start.line, finding.line);
  });

  it('exports the last scan as SARIF and Markdown', async () => {
    const dir = tempDir();
    const sarifUri = await vscode.commands.executeCommand<vscode.Uri>('sealant.exportReport', { format: 'sarif', uri: vscode.Uri.file(join(dir, 'r.sarif')) });
    assert.ok(sarifUri);
    const sarif = JSON.parse(readFileSync(sarifUri.fsPath, 'utf8')) as { version: string; runs: { results: { ruleId: string }[] }[] };
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0].results.length, summary.findings);
    const mdUri = await vscode.commands.executeCommand<vscode.Uri>('sealant.exportReport', { format: 'markdown', uri: vscode.Uri.file(join(dir, 'r.md')) });
    assert.ok(mdUri);
    const md = readFileSync(mdUri.fsPath, 'utf8');
    for (const rule of ['storage/sensitive-data-in-log', 'transmission/insecure-request', 'upload/no-size-limit']) assert.ok(md.includes(rule), `markdown lacks ${rule}`);
  });

  it('scans only the files changed against git HEAD, plus untracked ones', async () => {
    const api = await sealant();
    const dir = tempDir('sealant-git-');
    writeFiles(dir, {
      'committed.js': "fetch('http://committed.partner.net/x');\n",
      'modified.js': 'module.exports = 1;\n',
    });
    git(dir, 'init', '-q');
    git(dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '.');
    git(dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'init');
    writeFiles(dir, {
      'modified.js': "fetch('http://modified.partner.net/x');\n",
      'untracked.py': 'import requests\nrequests.get("http://untracked.partner.net/x")\n',
    });
    const changed = await vscode.commands.executeCommand<ScanSummary>('sealant.scanChangedFiles', { roots: [vscode.Uri.file(dir)], progress: false });
    assert.ok(changed);
    assert.equal(changed.changedOnly, true);
    assert.equal(changed.total, 2);
    assert.equal(changed.filesWithFindings, 2);
    assert.equal(sealantDiagnostics(vscode.Uri.file(join(dir, 'committed.js'))).length, 0, 'an unchanged file was scanned');
    assert.equal(sealantDiagnostics(vscode.Uri.file(join(dir, 'modified.js'))).length, 1);
    assert.equal(sealantDiagnostics(vscode.Uri.file(join(dir, 'untracked.py'))).length, 1);
    // Results of the workspace scan stay.
    assert.ok(sealantDiagnostics(fixture('js/signup.js')).length > 0);
    assert.ok(api.findings(vscode.Uri.file(join(dir, 'modified.js'))));
  });

  it('scans several folders at once (multi-root) and reports paths per folder', async () => {
    const api = await sealant();
    const other = tempDir('sealant-root2-');
    writeFiles(other, { 'svc/send.ts': "export const go = () => fetch('http://other.partner.net/x');\n" });
    const both = await api.scanWorkspace({ roots: [workspaceRoot(), vscode.Uri.file(other)] });
    assert.ok(both);
    assert.equal(both.total, SCANNED.length + 1);
    assert.equal(both.filesWithFindings, WITH_FINDINGS.length + 1);
    const result = api.lastScanResult();
    assert.ok(result);
    const paths = result.files.filter((f) => f.findings.length > 0).map((f) => f.path);
    assert.ok(paths.some((p) => p.endsWith('svc/send.ts')) && paths.some((p) => p.endsWith('js/signup.js')), paths.join(', '));
    assert.ok(both.skipped.some((s) => s.path.endsWith('/generated.js')), 'skipped paths carry their folder in a multi-root scan');
  });

  it('stops part-way when cancelled', async function () {
    this.timeout(120_000);
    const api = await sealant();
    const dir = tempDir('sealant-big-');
    const body = Array.from({ length: 40 }, (_, i) => `function send${i}(user) {\n  console.log('user', user.id);\n  return fetch('http://api${i}.partner.net/u', { method: 'POST', body: user.name });\n}\n`).join('');
    const files: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) files[`m${Math.floor(i / 100)}/f${i}.js`] = body;
    writeFiles(dir, files);
    const cts = new vscode.CancellationTokenSource();
    const states: string[] = [];
    const sub = api.onDidChangeScanState((s) => {
      states.push(`${s.scanning}:${s.done}/${s.total}`);
      if (s.scanning && s.done > 0) cts.cancel();
    });
    const ended = waitForEvent(api.onDidScan, () => true, 'the end of the cancelled scan', 90_000);
    const result = await api.scanWorkspace({ roots: [vscode.Uri.file(dir)], token: cts.token, jobs: 2 });
    sub.dispose();
    await ended;
    assert.ok(result);
    assert.equal(result.total, 1500);
    assert.equal(result.cancelled, true, `states: ${states.slice(0, 5).join(', ')}…`);
    assert.ok(result.done < result.total, `all ${result.total} files were scanned despite the cancellation`);
    assert.match(api.statusText(), /shield/, 'the status bar still shows a running scan');
    console.log(`scan cancelled after ${result.done} of ${result.total} files`);
  });
});
