// The extension is installed from the working tree, activates in a real extension host, says where it runs,
// registers its commands, leaves the engine bundle to its first need, and loads no grammar before a document of its
// language is opened.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import { closeAll, fixture, open, sealant } from './helpers';

// The repository root: dist-test/vscode/suite/ is three levels below it.
const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { publisher: string; name: string };
const extensionId = `${manifest.publisher}.${manifest.name}`;

describe('activation', () => {
  after(closeAll);

  it(`${extensionId} is present and activates`, async () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `extension ${extensionId} is not installed in this VS Code`);
    await ext.activate();
    assert.equal(ext.isActive, true);
    console.log(
      `activation: ${extensionId} active in ${vscode.env.appName} ${vscode.version}, remoteName=${vscode.env.remoteName ?? '(local)'}, ` +
        `uiKind=${vscode.UIKind[vscode.env.uiKind]}, workspace=${vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath).join(', ') ?? '(none)'}`,
    );
  });

  it('registers every command it contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of Object.values(COMMANDS)) assert.ok(registered.has(c), `${c} is not registered`);
  });

  it('activates without the engine bundle, which loads afterwards on first need', async () => {
    const api = await sealant();
    api.rules(); // a need (if nothing loaded the engine yet)
    const lines = api.logLines();
    const activated = lines.findIndex((l) => /^info Sealant \S+ activated in /.test(l));
    const loaded = lines.findIndex((l) => /^info engine loaded in \d+\.\d ms: \d+ built-in rules$/.test(l));
    assert.ok(activated >= 0, `no activation line in the log: ${lines.slice(0, 5).join(' | ')}`);
    assert.ok(lines[activated].includes('(engine loads on first need)'), lines[activated]);
    assert.ok(loaded > activated, `the engine bundle did not load after activation: ${lines.slice(0, 8).join(' | ')}`);
    assert.equal(lines.filter((l) => l.startsWith('info engine loaded in')).length, 1, 'the engine bundle loaded more than once');
  });

  it('loads no grammar at activation, then only the grammar of the document opened', async () => {
    const api = await sealant();
    const open0 = vscode.workspace.textDocuments.filter((d) => api.rules().length && ['javascript', 'typescript', 'python', 'javascriptreact', 'typescriptreact'].includes(d.languageId));
    assert.deepEqual(open0.map((d) => d.uri.toString()), [], 'a source document was already open; this test needs a fresh window');
    assert.deepEqual(api.loadedGrammars(), [], 'a grammar was loaded before any document was opened');
    await open(api, fixture('py/app.py'));
    assert.deepEqual(api.loadedGrammars(), ['tree-sitter.wasm', 'tree-sitter-python.wasm']);
  });
});
