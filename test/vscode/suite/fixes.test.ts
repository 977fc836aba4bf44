// Code actions: the rule's fix through vscode.executeCodeActionProvider (preferred only when safe) removes its
// diagnostic and leaves a file that parses; "Suppress with a reason…" inserts the comment in the language's
// syntax with the line's indentation; "Show guidance"; source.fixAll.sealant applies the non-overlapping safe
// fixes. The provider answers from stored findings and never re-analyses.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAll, codeOf, open, record, sealant, sealantDiagnostics, tempCopy, tempDir, waitForDiagnostics, writeFiles } from './helpers';

async function actionsAt(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind)) ?? [];
}

function diagnostic(uri: vscode.Uri, ruleId: string): vscode.Diagnostic {
  const d = sealantDiagnostics(uri).find((x) => codeOf(x) === ruleId);
  assert.ok(d, `no ${ruleId} diagnostic in ${uri.path}`);
  return d;
}

describe('code actions', () => {
  afterEach(async () => {
    (await sealant()).setSuppressPrompt(undefined);
    await closeAll();
  });

  it('applies the rule fix, which removes its diagnostic and leaves a file that parses', async () => {
    const api = await sealant();
    const doc = await open(api, tempCopy('js/signup.js'));
    const upload = diagnostic(doc.uri, 'upload/no-size-limit');
    const rec = record(api, doc.uri);
    const actions = await actionsAt(doc.uri, upload.range);
    assert.deepEqual(rec.events, [], 'the code action provider re-analysed the document');
    rec.dispose();
    const fix = actions.find((a) => a.title === 'Add limits: { fileSize: 5 MB }');
    assert.ok(fix, `no size-limit fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.kind?.value, 'quickfix');
    assert.equal(fix.isPreferred, true, 'a safe fix should be preferred');
    assert.ok(actions.some((a) => a.title === 'Suppress upload/no-size-limit with a reason…'));
    assert.ok(actions.some((a) => a.title === 'Show guidance for upload/no-size-limit'));
    assert.ok(fix.edit);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => codeOf(d) === 'upload/no-size-limit'), 'the size-limit finding gone');
    assert.match(doc.getText(), /multer\(\{ limits: \{ fileSize: 5 \* 1024 \* 1024 \}, dest: 'uploads\/' \}\)/);
    assert.equal(await api.hasSyntaxErrors(doc), false, `the fixed file does not parse:\n${doc.getText()}`);
  });

  it('offers the http→https fix without preferring it (it is not safe)', async () => {
    const api = await sealant();
    const doc = await open(api, tempCopy('js/signup.js'));
    const http = diagnostic(doc.uri, 'transmission/insecure-request');
    const actions = await actionsAt(doc.uri, http.range);
    const fix = actions.find((a) => a.title.startsWith('Use https://'));
    assert.ok(fix, `no https fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(!fix.isPreferred);
  });

  for (const [file, comment] of [
    ['js/signup.js', "  // sealant-ignore storage/sensitive-data-in-log: test data only, never deployed"],
    ['py/app.py', '    # sealant-ignore storage/sensitive-data-in-log: test data only, never deployed'],
  ] as const) {
    it(`suppresses a finding with a reason in ${file}'s comment syntax and indentation`, async () => {
      const api = await sealant();
      const prompts: string[] = [];
      api.setSuppressPrompt(async (ruleId) => {
        prompts.push(ruleId);
        return 'test data only, never deployed';
      });
      const doc = await open(api, tempCopy(file));
      const log = diagnostic(doc.uri, 'storage/sensitive-data-in-log');
      const line = log.range.start.line;
      const action = (await actionsAt(doc.uri, log.range)).find((a) => a.title === 'Suppress storage/sensitive-data-in-log with a reason…');
      assert.ok(action?.command, 'no suppress action');
      await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
      assert.deepEqual(prompts, ['storage/sensitive-data-in-log']);
      assert.equal(doc.lineAt(line).text, comment);
      await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => codeOf(d) === 'storage/sensitive-data-in-log'), 'the suppressed finding gone');
      // The suppression is used: no "unused suppression" note either.
      assert.ok(!sealantDiagnostics(doc.uri).some((d) => codeOf(d).startsWith('sealant/')));
    });
  }

  it('puts the suppression at the end of the line when the line above already holds one', async () => {
    const api = await sealant();
    api.setSuppressPrompt(async () => 'fixture');
    const dir = tempDir();
    writeFiles(dir, {
      'twice.js': [
        'function signup(req) {',
        '  // sealant-ignore upload/no-size-limit: reviewed elsewhere',
        "  console.log('signup', req.body.password);",
        '}',
        '',
      ].join('\n'),
    });
    const doc = await open(api, vscode.Uri.file(join(dir, 'twice.js')));
    const log = diagnostic(doc.uri, 'storage/sensitive-data-in-log');
    const action = (await actionsAt(doc.uri, log.range)).find((a) => a.title.startsWith('Suppress storage/'));
    assert.ok(action?.command);
    await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    assert.equal(doc.lineAt(1).text, '  // sealant-ignore upload/no-size-limit: reviewed elsewhere');
    assert.equal(doc.lineAt(2).text, "  console.log('signup', req.body.password); // sealant-ignore storage/sensitive-data-in-log: fixture");
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => codeOf(d) === 'storage/sensitive-data-in-log'), 'the suppressed finding gone');
  });

  it('does nothing when the reason prompt is cancelled', async () => {
    const api = await sealant();
    api.setSuppressPrompt(async () => undefined);
    const doc = await open(api, tempCopy('ts/billing.ts'));
    const text = doc.getText();
    const log = diagnostic(doc.uri, 'storage/sensitive-data-in-log');
    const action = (await actionsAt(doc.uri, log.range)).find((a) => a.title.startsWith('Suppress'));
    assert.ok(action?.command);
    const done = await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    assert.equal(done, false);
    assert.equal(doc.getText(), text);
  });

  it('shows the guidance from a finding', async () => {
    const api = await sealant();
    const doc = await open(api, tempCopy('py/app.py'));
    const upload = diagnostic(doc.uri, 'upload/no-size-limit');
    const action = (await actionsAt(doc.uri, upload.range)).find((a) => a.title === 'Show guidance for upload/no-size-limit');
    assert.ok(action?.command);
    const uri = await vscode.commands.executeCommand<vscode.Uri>(action.command.command, ...(action.command.arguments ?? []));
    assert.equal(uri?.scheme, 'sealant-guidance');
    const guidance = await vscode.workspace.openTextDocument(uri);
    assert.ok(guidance.getText().includes('upload/no-size-limit'));
  });

  it('source.fixAll.sealant applies every safe fix and leaves unsafe ones', async () => {
    const api = await sealant();
    const dir = tempDir();
    writeFiles(dir, {
      'uploads.js': [
        "const multer = require('multer');",
        "const a = multer({ dest: 'a/' });",
        "const b = multer();",
        "fetch('http://tracking.partner.net/e');",
        '',
      ].join('\n'),
    });
    const doc = await open(api, vscode.Uri.file(join(dir, 'uploads.js')));
    await waitForDiagnostics(doc.uri, (ds) => ds.filter((d) => codeOf(d) === 'upload/no-size-limit').length === 2, 'two size-limit findings');
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    const actions = await actionsAt(doc.uri, whole, 'source.fixAll.sealant');
    assert.equal(actions.length, 1, `actions: ${actions.map((a) => `${a.title} (${a.kind?.value})`).join(', ')}`);
    assert.equal(actions[0].kind?.value, 'source.fixAll.sealant');
    assert.ok(actions[0].edit);
    assert.ok(await vscode.workspace.applyEdit(actions[0].edit));
    const ds = await waitForDiagnostics(doc.uri, (d) => !d.some((x) => codeOf(x) === 'upload/no-size-limit'), 'both size-limit findings fixed');
    assert.ok(ds.some((d) => codeOf(d) === 'transmission/insecure-request'), 'the unsafe http fix must not be applied by fix-all');
    assert.ok(doc.getText().includes("fetch('http://tracking.partner.net/e')"));
    assert.equal(await api.hasSyntaxErrors(doc), false);
  });
});
