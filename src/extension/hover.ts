/** Hover on a finding: what was found, why it matters, how the data was classified, and the fix. */
import * as vscode from 'vscode';
import type { RuleDescriptor } from '../core/types';
import { COMMANDS } from './constants';
import { toRange } from './convert';
import { hoverMarkdown } from './guidance-text';
import { visible, type FindingsStore } from './store';

export class FindingHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly store: FindingsStore,
    private readonly rules: () => ReadonlyMap<string, RuleDescriptor>,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const findings = this.store.forDocument(document);
    if (!findings) return undefined;
    const here = visible(findings).filter((f) => toRange(f.range).contains(position));
    if (here.length === 0) return undefined;
    const rules = this.rules();
    const contents = here.map((f) => {
      const md = new vscode.MarkdownString(hoverMarkdown(f, rules.get(f.ruleId)));
      md.isTrusted = { enabledCommands: [COMMANDS.showGuidance] };
      return md;
    });
    const range = here.map((f) => toRange(f.range)).reduce((a, b) => a.intersection(b) ?? a);
    return new vscode.Hover(contents, range);
  }
}
