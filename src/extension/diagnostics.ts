/** The `sealant` DiagnosticCollection, kept in step with the findings store. */
import * as vscode from 'vscode';
import type { Finding, RuleDescriptor } from '../core/types';
import { COLLECTION_NAME, DIAGNOSTIC_SOURCE } from './constants';
import { toRange, toSeverity } from './convert';
import { showGuidanceCommandUri } from './guidance-text';
import { visible, type FindingsStore } from './store';

export function toDiagnostic(uri: vscode.Uri, finding: Finding, rule: RuleDescriptor | undefined): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(finding.range), finding.message, toSeverity(finding.severity));
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: finding.ruleId, target: vscode.Uri.parse(showGuidanceCommandUri(finding.ruleId)) };
  if (finding.related.length) {
    d.relatedInformation = finding.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, toRange(r.range)), r.message));
  }
  if (rule?.family === 'sealant') d.tags = [vscode.DiagnosticTag.Unnecessary];
  return d;
}

/** The key that ties a diagnostic (as VS Code hands it back to code actions) to the finding it came from. */
export function diagnosticKey(ruleId: string, range: vscode.Range): string {
  return `${ruleId}@${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  if (typeof d.code === 'object' && d.code !== null) return String(d.code.value);
  return d.code === undefined ? undefined : String(d.code);
}

export class Diagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(COLLECTION_NAME);
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: FindingsStore,
    private readonly rules: () => ReadonlyMap<string, RuleDescriptor>,
  ) {
    this.subscription = store.onDidChange((uris) => this.update(uris));
  }

  private update(uris: readonly vscode.Uri[]): void {
    const rules = this.rules();
    for (const uri of uris) {
      const entry = this.store.get(uri);
      const shown = entry ? visible(entry.findings) : [];
      if (shown.length === 0) this.collection.delete(uri);
      else this.collection.set(uri, shown.map((f) => toDiagnostic(uri, f, rules.get(f.ruleId))));
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}
