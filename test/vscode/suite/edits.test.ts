// Diagnostics follow edits: a WorkspaceEdit that adds a finding gets it reported after an incremental re-parse,
// a burst of edits is analysed once (debounced) at the final version, and `sealant.run: onSave` waits for the
// save. Edits happen on copies in a temporary directory.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { analysed, closeAll, codeOf, open, record, sealant, sealantDiagnostics, setSetting, tempCopy, waitForDiagnostics, waitForEvent } from './helpers';

const LEAK = "  console.log('reset', req.body.password);\n";

function lineOf(doc: vscode.TextDocument, needle: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(needle)) return i;
  throw new Error(`no line with ${needle}`);
}

describe('edits', () => {
  afterEach(async () => {
    await setSetting('sealant.run', undefined);
    await setSetting('sealant.debounceMs', undefined);
    await closeAll();
  });

  it('reports a finding added by an edit, re-parsing incrementally, and drops it when the edit is undone', async () => {
    const api = await sealant();
    const doc = await open(api, tempCopy('js/signup.js'));
    const before = sealantDiagnostics(doc.uri).length;
    const at = lineOf(doc, 'res.sendStatus(201)');

    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(at, 0), LEAK);
    const next = doc.version + 1;
    const analysedEdit = waitForEvent(api.onDidAnalyze, (e) => e.uri.toString() === doc.uri.toString() && e.version === next, 'analysis of the edited version');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const event = await analysedEdit;
    assert.equal(event.trigger, 'change');
    assert.equal(event.incremental, true, 'the edit was not parsed incrementally');
    const ds = await waitForDiagnostics(doc.uri, (d) => d.length === before + 1, 'the new finding');
    assert.ok(ds.some((d) => codeOf(d) === 'storage/sensitive-data-in-log' && d.range.start.line === at));

    const undo = new vscode.WorkspaceEdit();
    undo.delete(doc.uri, new vscode.Range(at, 0, at + 1, 0));
    assert.ok(await vscode.workspace.applyEdit(undo));
    await waitForDiagnostics(doc.uri, (d) => d.length === before, 'the finding gone after deleting the line');
    assert.ok(api.treeCount() >= 1 && api.treeCount() <= 8, `tree LRU holds ${api.treeCount()} trees`);
  });

  it('keeps the tree right through one change event with several edits (multi-cursor)', async () => {
    const api = await sealant();
    const doc = await open(api, tempCopy('js/signup.js'));
    const before = sealantDiagnostics(doc.uri).length;
    const first = lineOf(doc, 'const { email, password, ssn }');
    const second = lineOf(doc, 'res.sendStatus(201)');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(second, 0), LEAK);
    edit.insert(doc.uri, new vscode.Position(first + 1, 0), "  console.info('ssn', ssn);\n");
    const next = doc.version + 1;
    const analysedEdit = waitForEvent(api.onDidAnalyze, (e) => e.uri.toString() === doc.uri.toString() && e.version === next, 'analysis of the edited version');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal((await analysedEdit).incremental, true);
    const ds = await waitForDiagnostics(doc.uri, (d) => d.length === before + 2, 'two new findings');
    const logLines = ds.filter((d) => codeOf(d) === 'storage/sensitive-data-in-log').map((d) => doc.lineAt(d.range.start.line).text.trim()).sort();
    assert.deepEqual(logLines, ["console.info('ssn', ssn);", "console.log('new signup', email, password);", "console.log('reset', req.body.password);"]);
    // Ranges computed from the incrementally parsed tree still cover exactly the flagged calls.
    for (const d of ds.filter((x) => codeOf(x) === 'storage/sensitive-data-in-log')) assert.match(doc.getText(d.range), /^console\.(log|info)\(.*\)$/);
    assert.equal(await api.hasSyntaxErrors(doc), false);
  });

  it('keeps the findings while an edit leaves its function broken, and parses the text once typing pauses', async () => {
    const api = await sealant();
    await setSetting('sealant.debounceMs', 0);
    const doc = await open(api, tempCopy('py/app.py'));
    const before = sealantDiagnostics(doc.uri).map((d) => `${codeOf(d)}@${d.range.start.line}`).sort();
    assert.ok(before.length >= 2, `findings in app.py: ${before.join(', ')}`);
    const line = lineOf(doc, 'ssn = request.form');
    const rec = record(api, doc.uri);
    try {
      // An open parenthesis: the file is not parsed again, the findings stay where they were.
      const open = new vscode.WorkspaceEdit();
      open.insert(doc.uri, doc.lineAt(line).range.end, '; x = f(');
      assert.ok(await vscode.workspace.applyEdit(open));
      const broken = doc.version;
      const held = await waitForEvent(api.onDidAnalyze, (e) => e.uri.toString() === doc.uri.toString() && e.version === broken && e.trigger === 'change', 'the keystroke analysis');
      assert.equal(held.held, true, 'the broken function was parsed');
      assert.deepEqual(held.findings.map((f) => `${f.ruleId}@${f.range.start.line}`).sort(), before);
      // Typing pauses: the text is parsed as it is.
      const idle = await waitForEvent(api.onDidAnalyze, (e) => e.uri.toString() === doc.uri.toString() && e.version === broken && e.trigger === 'idle', 'the analysis after the pause');
      assert.equal(idle.held, undefined);
      assert.equal(idle.incremental, true);
      // The parenthesis closed: parsed again as usual, the same findings.
      const close = new vscode.WorkspaceEdit();
      close.insert(doc.uri, doc.lineAt(line).range.end, ')');
      assert.ok(await vscode.workspace.applyEdit(close));
      const whole = doc.version;
      const fixed = await waitForEvent(api.onDidAnalyze, (e) => e.uri.toString() === doc.uri.toString() && e.version === whole, 'the analysis of the whole text');
      assert.equal(fixed.held, undefined);
      assert.deepEqual(fixed.findings.map((f) => `${f.ruleId}@${f.range.start.line}`).sort(), before);
      assert.deepEqual(rec.events.map((e) => `${e.trigger}${e.held ? ' held' : ''}`), ['change held', 'idle', 'change']);
    } finally {
      rec.dispose();
    }
  });

  it('analyses a burst of edits once, at the final version (stale versions are never published)', async () => {
    const api = await sealant();
    await setSetting('sealant.debounceMs', 300);
    const doc = await open(api, tempCopy('ts/billing.ts'));
    const rec = record(api, doc.uri);
    try {
      for (let i = 0; i < 5; i++) {
        const edit = new vscode.WorkspaceEdit();
        edit.insert(doc.uri, new vscode.Position(doc.lineCount - 1, 0), `// note ${i}\n`);
        assert.ok(await vscode.workspace.applyEdit(edit));
      }
      const final = doc.version;
      await analysed(api, doc);
      assert.deepEqual(rec.events.map((e) => e.version), [final], 'only the final version should be analysed and published');
    } finally {
      rec.dispose();
    }
  });

  it('with sealant.run = onSave, analyses on save and not while typing', async () => {
    const api = await sealant();
    await setSetting('sealant.run', 'onSave');
    await setSetting('sealant.debounceMs', 0);
    const doc = await open(api, tempCopy('js/signup.js'));
    const before = sealantDiagnostics(doc.uri).length;
    const rec = record(api, doc.uri);
    try {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(lineOf(doc, 'res.sendStatus(201)'), 0), LEAK);
      assert.ok(await vscode.workspace.applyEdit(edit));
      const saved = waitForEvent(api.onDidAnalyze, (e) => e.uri.toString() === doc.uri.toString() && e.trigger === 'save', 'analysis on save');
      assert.ok(await doc.save());
      const event = await saved;
      assert.equal(event.version, doc.version);
      assert.deepEqual(rec.events.map((e) => e.trigger), ['save'], 'a change was analysed although sealant.run is onSave');
      await waitForDiagnostics(doc.uri, (d) => d.length === before + 1, 'the new finding after save');
    } finally {
      rec.dispose();
    }
  });
});
