/**
 * Rule guidance rendered inside VS Code: a virtual Markdown document per rule (`sealant-guidance:/<rule>.md`)
 * opened in the Markdown preview. The diagnostic's code link and the hover link run the "Show Guidance" command.
 */
import * as vscode from 'vscode';
import type { RuleDescriptor } from '../core/types';
import { GUIDANCE_SCHEME } from './constants';
import { guidanceMarkdown, guidancePath, ruleIdOfGuidancePath } from './guidance-text';
import type { Log } from './log';

export class GuidanceProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly rules: () => ReadonlyMap<string, RuleDescriptor>) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = ruleIdOfGuidancePath(uri.path);
    const rule = id ? this.rules().get(id) : undefined;
    if (!rule) return `# Unknown rule\n\nSealant has no rule \`${id ?? uri.path}\`.\n`;
    return guidanceMarkdown(rule);
  }
}

export function guidanceUri(ruleId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: GUIDANCE_SCHEME, path: guidancePath(ruleId) });
}

/**
 * Opens the rendered guidance of a rule (asks which rule when none is given). Returns the guidance document's
 * URI, or undefined when nothing was chosen.
 */
export async function showGuidance(ruleId: unknown, rules: ReadonlyMap<string, RuleDescriptor>, log: Log): Promise<vscode.Uri | undefined> {
  let id = typeof ruleId === 'string' ? ruleId : undefined;
  if (!id) {
    const pick = await vscode.window.showQuickPick(
      [...rules.values()].map((r) => ({ label: r.id, description: r.title, detail: r.description })),
      { title: 'Sealant: Show Guidance', placeHolder: 'Rule' },
    );
    id = pick?.label;
  }
  if (!id) return undefined;
  if (!rules.has(id)) {
    void vscode.window.showWarningMessage(`Sealant has no rule ${id}.`);
    return undefined;
  }
  const uri = guidanceUri(id);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch (err) {
    // No Markdown preview (the built-in extension disabled): show the Markdown source instead.
    log.warn(`markdown.showPreview failed (${String(err)}); opening the guidance as text`);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  }
  return uri;
}
