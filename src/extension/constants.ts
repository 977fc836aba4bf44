/**
 * What the manifest (package.json) and the extension code must agree on. Everything language-specific is
 * derived from the language registry. This module does not import `vscode`: test/unit/manifest.test.ts
 * loads it under plain Node and compares it with package.json.
 */
import { LANGUAGES, nameGlob } from '../languages/registry';

export const COLLECTION_NAME = 'sealant';
export const DIAGNOSTIC_SOURCE = 'Sealant';
export const OUTPUT_CHANNEL_NAME = 'Sealant';
export const VIEW_CONTAINER_ID = 'sealant';
export const FINDINGS_VIEW_ID = 'sealant.findings';
export const PERSONAL_DATA_VIEW_ID = 'sealant.personalData';
/** Scheme of the virtual Markdown documents that render a rule's guidance. */
export const GUIDANCE_SCHEME = 'sealant-guidance';
export const FIX_ALL_KIND = 'source.fixAll.sealant';
/** The team config file whose presence activates the extension. */
export const CONFIG_FILE = '.sealant.yml';

/** URI schemes of documents analysed while typing: files on disk and unsaved new files. */
export const DOCUMENT_SCHEMES: readonly string[] = Object.freeze(['file', 'untitled']);

export const COMMANDS = Object.freeze({
  scanWorkspace: 'sealant.scanWorkspace',
  scanChangedFiles: 'sealant.scanChangedFiles',
  exportReport: 'sealant.exportReport',
  showGuidance: 'sealant.showGuidance',
  showOutput: 'sealant.showOutput',
  suppress: 'sealant.suppress',
  triage: 'sealant.triage',
  revealFinding: 'sealant.revealFinding',
  groupByRule: 'sealant.findings.groupByRule',
  groupByFile: 'sealant.findings.groupByFile',
  filterSeverity: 'sealant.findings.filterSeverity',
  clearFindings: 'sealant.findings.clear',
  exportInventory: 'sealant.exportInventory',
  showInventoryReport: 'sealant.showInventoryReport',
  refreshPersonalData: 'sealant.personalData.refresh',
});

/** Commands that take arguments from a code action or a view item and make no sense in the palette. */
export const INTERNAL_COMMANDS: readonly string[] = Object.freeze([COMMANDS.suppress, COMMANDS.triage, COMMANDS.revealFinding]);

export interface DocumentFilterData {
  language: string;
  scheme: string;
  /** For languages limited to some file names (Spring's `application*.yml`): the glob of those names. */
  pattern?: string;
}

/** The VS Code language ids Sealant analyses (with their aliases), in registry order. */
export function languageIds(): string[] {
  return LANGUAGES.flatMap((l) => [l.id, ...(l.aliases ?? [])]);
}

/**
 * The document selector of every provider (diagnostics, hovers, code actions): registry languages × schemes. A YAML
 * or properties document matches only when its path is a Spring config file's; an unsaved one never does.
 */
export function documentSelector(): DocumentFilterData[] {
  return LANGUAGES.flatMap((l) => {
    const pattern = nameGlob(l);
    return [l.id, ...(l.aliases ?? [])].flatMap((language) => DOCUMENT_SCHEMES.map((scheme) => ({ language, scheme, ...(pattern ? { pattern } : {}) })));
  });
}

/**
 * The activation events package.json must declare: one `onLanguage:` per registry language, the team config
 * file, the findings view and every contributed command. None of them loads a grammar: grammars are loaded on
 * the first analysis of a document of their language.
 */
export function activationEvents(): string[] {
  return [
    ...languageIds().map((id) => `onLanguage:${id}`),
    `workspaceContains:${CONFIG_FILE}`,
    'workspaceContains:.sealant.json',
    `onView:${FINDINGS_VIEW_ID}`,
    `onView:${PERSONAL_DATA_VIEW_ID}`,
    ...Object.values(COMMANDS).map((c) => `onCommand:${c}`),
  ];
}
