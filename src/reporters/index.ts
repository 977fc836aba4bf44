/**
 * Reporters: pure functions from a `ScanResult` to a string. They import no fs, path or vscode; a file's text,
 * when a code frame needs it, comes through `options.getSource`.
 */
import type { ScanResult } from '../core/types';
import { formatJson } from './json';
import { formatMarkdown, type MarkdownOptions } from './markdown';
import { formatSarif, type SarifOptions } from './sarif';
import { formatText, type TextOptions } from './text';

export const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** Options of every format; each reporter reads only its own. */
export interface ReportOptions extends TextOptions, SarifOptions, MarkdownOptions {}

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

export function formatResult(result: ScanResult, format: Format, options: ReportOptions = {}): string {
  switch (format) {
    case 'text':
      return formatText(result, options);
    case 'json':
      return formatJson(result);
    case 'sarif':
      return formatSarif(result, options);
    case 'markdown':
      return formatMarkdown(result, options);
  }
}

export { formatJson, toJsonReport, summarize, JSON_REPORT_VERSION } from './json';
export type { JsonReport, JsonFinding, JsonSummary } from './json';
export { formatSarif, toSarif, SECURITY_SEVERITY, SARIF_SCHEMA_URI, FINGERPRINT_KEY, DEFAULT_INFORMATION_URI } from './sarif';
export type { SarifLog, SarifOptions } from './sarif';
export { formatText } from './text';
export type { TextOptions } from './text';
export { formatMarkdown } from './markdown';
export type { MarkdownOptions } from './markdown';
