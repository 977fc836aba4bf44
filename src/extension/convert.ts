/** Conversions between the engine's plain data and VS Code's types (both use 0-based lines and UTF-16 columns). */
import * as vscode from 'vscode';
import type { Fix, Range, Severity } from '../core/types';

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.column, r.end.line, r.end.column);
}

export function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  switch (s) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'note':
      return vscode.DiagnosticSeverity.Information;
  }
}

/** A fix's edits as a WorkspaceEdit on one document. */
export function fixEdit(uri: vscode.Uri, fixes: readonly Fix[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const fix of fixes) for (const e of fix.edits) edit.replace(uri, toRange(e.range), e.newText);
  return edit;
}
