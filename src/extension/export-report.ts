/** "Sealant: Export Report": SARIF 2.1.0 or Markdown of the last workspace scan, written where the user says. */
import * as vscode from 'vscode';
import type { ScanResult } from '../core/types';
import { engine } from './engine-loader';
import type { Log } from './log';

export type ExportFormat = 'sarif' | 'markdown';

export interface ExportArgs {
  format?: ExportFormat;
  /** Target file; a save dialog asks when absent. */
  uri?: vscode.Uri | string;
}

/** Writes the report; returns the file written, or undefined when cancelled or there is nothing to export. */
export async function exportReport(result: ScanResult | undefined, args: ExportArgs | undefined, log: Log, scanFirst: () => Thenable<unknown>): Promise<vscode.Uri | undefined> {
  if (!result) {
    const pick = await vscode.window.showInformationMessage('Sealant: there is no workspace scan to export yet.', 'Scan Workspace');
    if (pick) await scanFirst();
    return undefined;
  }
  let format = args?.format;
  if (!format) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'SARIF 2.1.0', description: 'for code scanning dashboards and CI', value: 'sarif' as const },
        { label: 'Markdown', description: 'for a pull request or a review document', value: 'markdown' as const },
      ],
      { title: 'Sealant: Export Report', placeHolder: 'Report format' },
    );
    format = pick?.value;
  }
  if (!format) return undefined;
  let target = typeof args?.uri === 'string' ? vscode.Uri.parse(args.uri) : args?.uri;
  if (!target) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = format === 'sarif' ? 'sealant.sarif' : 'sealant-report.md';
    target = await vscode.window.showSaveDialog({
      title: 'Sealant: Export Report',
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: format === 'sarif' ? { SARIF: ['sarif', 'json'] } : { Markdown: ['md'] },
    });
  }
  if (!target) return undefined;
  try {
    const text = engine().formatResult(result, format);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    log.info(`exported a ${format} report of the last scan (${result.files.length} files) to ${target.fsPath}`);
    if (!args?.uri) {
      void vscode.window.showInformationMessage(`Sealant: report written to ${vscode.workspace.asRelativePath(target, true)}.`, 'Open').then(async (pick) => {
        if (pick) await vscode.window.showTextDocument(target);
      });
    }
    return target;
  } catch (err) {
    log.fail(`could not write the report to ${target.fsPath}`, err);
    return undefined;
  }
}
