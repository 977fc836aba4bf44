/**
 * Code actions from the findings computed for the document's current version (never re-analysed here): the
 * rule's fix (preferred only when safe), "Suppress with a reason…", "Show guidance", and the
 * `source.fixAll.sealant` action that applies the non-overlapping safe fixes (applyFixes semantics).
 */
import * as vscode from 'vscode';
import type { TriageStatus } from '../config';
import { applyFixes } from '../core/fixes';
import type { Finding, Fix } from '../core/types';
import { languageById } from '../languages/registry';
import { COMMANDS, DIAGNOSTIC_SOURCE, FIX_ALL_KIND } from './constants';
import { fixEdit, toRange } from './convert';
import { codeOf, diagnosticKey } from './diagnostics';
import { engine } from './engine-loader';
import type { Log } from './log';
import { visible, type FindingsStore } from './store';

/** `source.fixAll.sealant`. */
export const FIX_ALL = vscode.CodeActionKind.Empty.append(FIX_ALL_KIND);

export class FindingCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, FIX_ALL];

  constructor(private readonly store: FindingsStore) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const findings = this.store.forDocument(document);
    if (!findings) return [];
    const shown = visible(findings);
    const only = context.only;
    if (only && (only.contains(FIX_ALL) || FIX_ALL.contains(only))) {
      // `source`, `source.fixAll` or `source.fixAll.sealant`: only the fix-all action.
      const action = fixAllAction(document, shown);
      return action ? [action] : [];
    }
    if (only && !only.contains(vscode.CodeActionKind.QuickFix) && !vscode.CodeActionKind.QuickFix.contains(only)) return [];

    const byKey = new Map(shown.map((f) => [diagnosticKey(f.ruleId, toRange(f.range)), f] as const));
    const actions: vscode.CodeAction[] = [];
    const guidanceShown = new Set<string>();
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const ruleId = codeOf(diagnostic);
      const finding = ruleId ? byKey.get(diagnosticKey(ruleId, diagnostic.range)) : undefined;
      if (!finding) continue;
      for (const fix of finding.fixes) actions.push(fixAction(document, fix, diagnostic));
      if (finding.family !== 'sealant') actions.push(suppressAction(document, finding, diagnostic));
      if (finding.family !== 'sealant' && document.uri.scheme === 'file') {
        actions.push(triageAction(document, finding, diagnostic, 'accepted'), triageAction(document, finding, diagnostic, 'false-positive'));
      }
      if (!guidanceShown.has(finding.ruleId)) {
        guidanceShown.add(finding.ruleId);
        const guidance = new vscode.CodeAction(`Show guidance for ${finding.ruleId}`, vscode.CodeActionKind.QuickFix);
        guidance.command = { title: 'Show guidance', command: COMMANDS.showGuidance, arguments: [finding.ruleId] };
        guidance.diagnostics = [diagnostic];
        actions.push(guidance);
      }
    }
    if (actions.length > 0 && safeFixes(shown).length > 1) {
      const all = fixAllAction(document, shown, vscode.CodeActionKind.QuickFix);
      if (all) actions.push(all);
    }
    return actions;
  }
}

function safeFixes(findings: readonly Finding[]): Fix[] {
  return findings.flatMap((f) => f.fixes.filter((x) => x.safe));
}

function fixAction(document: vscode.TextDocument, fix: Fix, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  action.edit = fixEdit(document.uri, [fix]);
  action.diagnostics = [diagnostic];
  action.isPreferred = fix.safe;
  return action;
}

function suppressAction(document: vscode.TextDocument, finding: Finding, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction(`Suppress ${finding.ruleId} with a reason…`, vscode.CodeActionKind.QuickFix);
  const args: SuppressArgs = { uri: document.uri.toString(), line: finding.range.start.line, ruleId: finding.ruleId, version: document.version };
  action.command = { title: 'Suppress with a reason…', command: COMMANDS.suppress, arguments: [args] };
  action.diagnostics = [diagnostic];
  return action;
}

function triageAction(document: vscode.TextDocument, finding: Finding, diagnostic: vscode.Diagnostic, status: TriageStatus): vscode.CodeAction {
  const title = status === 'accepted' ? `Accept risk of ${finding.ruleId}…` : `Mark ${finding.ruleId} as false positive…`;
  const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  const args: TriageArgs = { uri: document.uri.toString(), fingerprint: finding.fingerprint, ruleId: finding.ruleId, status };
  action.command = { title, command: COMMANDS.triage, arguments: [args] };
  action.diagnostics = [diagnostic];
  return action;
}

/** Applies every safe fix that does not overlap an earlier one, as `applyFixes` in the CLI does. */
function fixAllAction(document: vscode.TextDocument, findings: readonly Finding[], kind: vscode.CodeActionKind = FIX_ALL): vscode.CodeAction | undefined {
  const fixes = safeFixes(findings);
  if (fixes.length === 0) return undefined;
  const { applied } = applyFixes(document.getText(), fixes);
  if (applied.length === 0) return undefined;
  const action = new vscode.CodeAction(`Fix all safe Sealant problems (${applied.length})`, kind);
  action.edit = fixEdit(document.uri, applied);
  return action;
}

export interface SuppressArgs {
  uri: string;
  /** 0-based line of the finding. */
  line: number;
  ruleId: string;
  /** Document version the action was computed for. */
  version?: number;
  /** The reason; asked for when absent. */
  reason?: string;
}

/** Asks for a reason (or takes it from the arguments / the test prompt) and inserts the suppression comment. */
export async function suppress(args: SuppressArgs, prompt: (ruleId: string) => Thenable<string | undefined>, log: Log): Promise<boolean> {
  const uri = vscode.Uri.parse(args.uri);
  const document = await vscode.workspace.openTextDocument(uri);
  const reason = (args.reason ?? (await prompt(args.ruleId)))?.trim();
  if (!reason) return false;
  const language = languageById(document.languageId);
  if (!language) {
    log.warn(`cannot suppress in ${uri.toString()}: language ${document.languageId} has no comment syntax in the registry`);
    return false;
  }
  if (args.line >= document.lineCount) return false;
  const line = document.lineAt(args.line);
  const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
  const comment = suppressionComment(language.lineComment, args.ruleId, reason);
  const edit = new vscode.WorkspaceEdit();
  const above = args.line > 0 ? document.lineAt(args.line - 1).text.trimStart() : '';
  if (above.startsWith(language.lineComment) && above.includes('sealant-ignore')) {
    // The line above already suppresses something: a new line in between would cut it off from its finding,
    // so this suppression goes at the end of the flagged line (also a place the engine reads).
    edit.insert(uri, line.range.end, ` ${comment}`);
  } else {
    edit.insert(uri, new vscode.Position(args.line, 0), `${indent}${comment}${eol(document)}`);
  }
  const ok = await vscode.workspace.applyEdit(edit);
  if (!ok) log.warn(`could not insert the suppression of ${args.ruleId} into ${uri.toString()}`);
  else log.info(`suppressed ${args.ruleId} at ${vscode.workspace.asRelativePath(uri, false)}:${args.line + 1}: ${reason}`);
  return ok;
}

export interface TriageArgs {
  uri: string;
  fingerprint: string;
  ruleId: string;
  status: TriageStatus;
  /** The reason; asked for when absent. */
  reason?: string;
  reviewer?: string;
  /** YYYY-MM-DD. */
  expires?: string;
}

/**
 * Asks for a reason and records the finding in the triage file (`.sealant-triage.yml` of the workspace folder):
 * the finding then leaves the Problems panel and stays in the Findings view, as the CLI treats it.
 */
export async function triage(args: TriageArgs, finding: Finding | undefined, triagePath: string | undefined, prompt: (ruleId: string) => Thenable<string | undefined>, log: Log): Promise<boolean> {
  if (!finding || !triagePath) {
    log.warn(`cannot triage ${args.ruleId}: ${finding ? 'no workspace folder for the triage file' : 'the finding is gone (re-analysed)'}`);
    return false;
  }
  const reason = (args.reason ?? (await prompt(args.ruleId)))?.trim();
  if (!reason) return false;
  const { entryFor, updateTriageFile } = engine();
  updateTriageFile(triagePath, { add: [entryFor(finding, { status: args.status, reason, reviewer: args.reviewer, expires: args.expires })] });
  log.info(`triaged ${args.ruleId} (${args.status}) at ${finding.path}: ${reason}`);
  return true;
}

export function suppressionComment(lineComment: string, ruleId: string, reason: string): string {
  return `${lineComment} sealant-ignore ${ruleId}: ${reason.replace(/[\r\n]+/g, ' ')}`;
}

function eol(document: vscode.TextDocument): string {
  return document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
}

export function askReason(ruleId: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: `Suppress ${ruleId}`,
    prompt: 'Why is this finding acceptable? The reason is written into the comment for reviewers.',
    placeHolder: 'e.g. test data only, never deployed',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'A reason is required: suppressions without one are reported.'),
  });
}
