import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Sealant');
  context.subscriptions.push(output);
  output.appendLine('Sealant activated');
}

export function deactivate(): void {}
