/**
 * The findings of every file Sealant knows about, from two sources: live analysis of open documents (keyed by
 * document version) and the last workspace scan. Diagnostics, the Findings view, the status bar, hovers and
 * code actions all read from here; code actions never re-analyse.
 */
import * as vscode from 'vscode';
import type { Finding } from '../core/types';

export interface FileFindings {
  readonly uri: vscode.Uri;
  readonly findings: readonly Finding[];
  /** Document version the findings were computed for (live analysis); undefined for scan results. */
  readonly version: number | undefined;
  readonly origin: 'live' | 'scan';
}

export class FindingsStore implements vscode.Disposable {
  private readonly entries = new Map<string, FileFindings>();
  private readonly changed = new vscode.EventEmitter<readonly vscode.Uri[]>();
  /** Fires with the URIs whose findings changed. */
  readonly onDidChange = this.changed.event;

  get(uri: vscode.Uri): FileFindings | undefined {
    return this.entries.get(uri.toString());
  }

  /**
   * The findings that describe a document's current text: live findings of exactly its version, or scan results
   * while the document is unmodified (its text is what the scan read). Undefined when they may be stale.
   */
  forDocument(document: { uri: vscode.Uri; version: number; isDirty: boolean }): readonly Finding[] | undefined {
    const entry = this.entries.get(document.uri.toString());
    if (!entry) return undefined;
    if (entry.origin === 'live') return entry.version === document.version ? entry.findings : undefined;
    return document.isDirty ? undefined : entry.findings;
  }

  all(): FileFindings[] {
    return [...this.entries.values()];
  }

  setLive(uri: vscode.Uri, version: number, findings: readonly Finding[]): void {
    this.entries.set(uri.toString(), { uri, findings, version, origin: 'live' });
    this.changed.fire([uri]);
  }

  /**
   * Stores scan results. Files with live results (open documents) keep them: the editor's text may be newer
   * than the disk. `replaceUnder` drops earlier scan results below these folders that this scan did not report
   * (deleted or newly ignored files).
   */
  setScan(results: readonly { uri: vscode.Uri; findings: readonly Finding[] }[], replaceUnder?: readonly vscode.Uri[]): void {
    const touched: vscode.Uri[] = [];
    const reported = new Set(results.map((r) => r.uri.toString()));
    if (replaceUnder) {
      const prefixes = replaceUnder.map((f) => f.toString().replace(/\/?$/, '/'));
      for (const [key, entry] of this.entries) {
        if (entry.origin === 'scan' && !reported.has(key) && prefixes.some((p) => key.startsWith(p))) {
          this.entries.delete(key);
          touched.push(entry.uri);
        }
      }
    }
    for (const r of results) {
      const key = r.uri.toString();
      if (this.entries.get(key)?.origin === 'live') continue;
      if (r.findings.length === 0) {
        if (this.entries.delete(key)) touched.push(r.uri);
        continue;
      }
      this.entries.set(key, { uri: r.uri, findings: r.findings, version: undefined, origin: 'scan' });
      touched.push(r.uri);
    }
    if (touched.length) this.changed.fire(touched);
  }

  /**
   * A document was closed. Its live findings stay as scan results when they describe the file on disk (the
   * document was not dirty) and the file belongs to a scanned folder; otherwise they are dropped.
   */
  closeLive(uri: vscode.Uri, keepAsScan: boolean): void {
    const key = uri.toString();
    const entry = this.entries.get(key);
    if (!entry || entry.origin !== 'live') return;
    if (keepAsScan && entry.findings.length > 0) this.entries.set(key, { ...entry, version: undefined, origin: 'scan' });
    else this.entries.delete(key);
    this.changed.fire([uri]);
  }

  delete(uri: vscode.Uri): void {
    if (this.entries.delete(uri.toString())) this.changed.fire([uri]);
  }

  /** Drops entries; with an origin, only those of that origin. */
  clear(origin?: FileFindings['origin']): void {
    const removed = [...this.entries.values()].filter((e) => !origin || e.origin === origin);
    for (const e of removed) this.entries.delete(e.uri.toString());
    if (removed.length) this.changed.fire(removed.map((e) => e.uri));
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Findings shown to the user: suppressed ones are kept by the engine for reports but not displayed. */
export function visible(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !f.suppression);
}
