// Helpers shared by the integration suites (bundled into each *.test.js). Every wait is on an event with an
// upper bound that fails the test: no fixed sleeps.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { SealantApi } from '../../../src/extension/extension';
import type { AnalysisEvent } from '../../../src/extension/live';

export const EXTENSION_ID = 'sealant.sealant';

export async function sealant(): Promise<SealantApi> {
  const ext = vscode.extensions.getExtension<SealantApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  return ext.activate();
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the suite needs the fixture workspace open');
  return folder.uri;
}

export function fixture(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...rel.split('/'));
}

/** Resolves with the first event that satisfies `test`, or rejects after `ms` with `what` in the message. */
export function waitForEvent<T>(event: vscode.Event<T>, test: (e: T) => boolean, what: string, ms = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const sub = event((e) => {
      if (!test(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

/** Waits until `check()` returns a value (checked now and after every event). */
export async function waitUntil<T>(event: vscode.Event<unknown>, check: () => T | undefined | false, what: string, ms = 20_000): Promise<T> {
  const now = check();
  if (now) return now;
  let result: T | undefined;
  await waitForEvent(event, () => {
    const r = check();
    if (r) result = r;
    return !!r;
  }, what, ms);
  return result as T;
}

export function sealantDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Sealant');
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Waits until Sealant's diagnostics of a file satisfy `test`. */
export function waitForDiagnostics(uri: vscode.Uri, test: (ds: vscode.Diagnostic[]) => boolean, what: string, ms = 20_000): Promise<vscode.Diagnostic[]> {
  return waitUntil(vscode.languages.onDidChangeDiagnostics, () => {
    const ds = sealantDiagnostics(uri);
    return test(ds) ? ds : undefined;
  }, `${what} (${vscode.workspace.asRelativePath(uri)})`, ms);
}

/** Waits until the document's current version has been analysed. */
export async function analysed(api: SealantApi, doc: vscode.TextDocument, ms = 20_000): Promise<void> {
  await waitUntil(api.onDidAnalyze, () => api.findings(doc.uri)?.version === doc.version && api.findings(doc.uri)?.origin === 'live', `analysis of ${doc.uri.path} v${doc.version}`, ms);
}

/** Opens a file in an editor and waits for its analysis. */
export async function open(api: SealantApi, uri: vscode.Uri): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  await analysed(api, doc);
  return doc;
}

/** Collects analysis events until disposed. */
export function record(api: SealantApi, uri?: vscode.Uri): { events: AnalysisEvent[]; dispose(): void } {
  const events: AnalysisEvent[] = [];
  const sub = api.onDidAnalyze((e) => {
    if (!uri || e.uri.toString() === uri.toString()) events.push(e);
  });
  return { events, dispose: () => sub.dispose() };
}

/** A fresh temporary directory outside the workspace (tests that edit or save never touch the fixtures). */
export function tempDir(prefix = 'sealant-suite-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Copies a fixture file into a temporary directory and returns the copy's URI. */
export function tempCopy(rel: string): vscode.Uri {
  const dir = tempDir();
  const to = join(dir, rel.split('/').pop() as string);
  copyFileSync(fixture(rel).fsPath, to);
  return vscode.Uri.file(to);
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

/** Saves dirty files of temporary directories, reverts other dirty documents, and closes every editor. */
export async function closeAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty) continue;
    if (doc.uri.scheme === 'file' && doc.uri.fsPath.startsWith(tmpdir())) {
      await doc.save();
    } else {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Sets a Sealant setting for the test run (user settings of the throwaway profile). */
export async function setSetting(key: string, value: unknown): Promise<void> {
  const [section, ...rest] = key.split('.');
  await vscode.workspace.getConfiguration(section).update(rest.join('.'), value, vscode.ConfigurationTarget.Global);
}

/**
 * Before a test deletes files it wrote into the fixture workspace: documents stay loaded in the extension host for
 * a while after their editors close, with their live findings, so each open one is emptied, saved and analysed
 * (no finding of it outlives the suite); then every editor closes.
 */
export async function retire(uris: readonly vscode.Uri[]): Promise<void> {
  const api = await sealant();
  for (const uri of uris) {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc || doc.isClosed) continue;
    const edit = new vscode.WorkspaceEdit();
    edit.delete(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0));
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    await api.analyze(doc);
    await waitForDiagnostics(doc.uri, (d) => d.length === 0, 'no diagnostics left');
  }
  await closeAll();
}

/** Writes a file the way a user does in VS Code: opens it (created by a workspace edit if missing), replaces its text, saves. */
export async function editAndSave(uri: vscode.Uri, text: string): Promise<vscode.TextDocument> {
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(uri, { ignoreIfExists: true });
  await vscode.workspace.applyEdit(edit);
  const doc = await vscode.workspace.openTextDocument(uri);
  const replace = new vscode.WorkspaceEdit();
  replace.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(replace), `could not edit ${uri.fsPath}`);
  assert.ok(await doc.save(), `could not save ${uri.fsPath}`);
  return doc;
}

/** Deletes a file as the explorer does (a workspace edit). */
export async function deleteFile(uri: vscode.Uri): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.deleteFile(uri, { ignoreIfNotExists: true });
  assert.ok(await vscode.workspace.applyEdit(edit), `could not delete ${uri.fsPath}`);
}

/** A team custom rule (the `customRules:` list of a .sealant.yml) that reports `debugDump(...)` calls in JS. */
export const CUSTOM_RULE_ID = 'storage/team-debug-dump';
export const CUSTOM_RULE_YAML = `customRules:
  - id: ${CUSTOM_RULE_ID}
    title: Debug dump of a record
    description: debugDump() prints whole records to stdout.
    severity: warning
    cwe: [532]
    message: "debugDump() prints a whole record"
    query:
      js: |
        (call_expression function: (identifier) @fn) @call
    report: call
    where:
      - capture: fn
        matches: "^debugDump$"
`;
