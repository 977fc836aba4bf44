// The extension is installed from the working tree, activates in a real extension host, and says where it runs.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

// The repository root: dist-test/vscode/suite/ is three levels below it.
const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { publisher: string; name: string };
const extensionId = `${manifest.publisher}.${manifest.name}`;

describe('activation', () => {
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
});
