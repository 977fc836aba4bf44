/**
 * The language registry: the single table that activation events, document selectors, file globs,
 * grammar files and comment syntax come from. Adding a language starts here.
 */
import grammarTable from './grammars.json';

/** Grammar ids: one tree-sitter grammar each (see grammars.json, copied into grammars/ by the build). */
export type GrammarId = keyof typeof grammarTable.grammars;

/**
 * Syntax families: languages whose trees share node types closely enough for one rule query.
 * JavaScript, TypeScript and TSX are one family (`js`); a rule's `js` query is compiled for each grammar.
 */
export type SyntaxFamily = 'js' | 'python' | 'go' | 'java' | 'csharp' | 'php' | 'ruby' | 'properties' | 'yaml';

export interface LanguageInfo {
  /** VS Code language id. */
  id: string;
  /** Human name. */
  name: string;
  grammar: GrammarId;
  syntax: SyntaxFamily;
  /** File extensions, with the dot, lower case. */
  extensions: string[];
  /** Line comment prefix used when inserting suppression comments. */
  lineComment: string;
  /**
   * File names (lower case, without extension): when set, only `<name>.<ext>` and `<name>-<suffix>.<ext>` files belong
   * to the language. Spring Boot's `application.properties` / `application-prod.yml` / `bootstrap.yaml` are analysed;
   * a Helm chart, a CI file or `.sealant.yml` is not Sealant's to parse (nor to list as skipped).
   */
  baseNames?: readonly string[];
  /** Other VS Code language ids of the same files (the Spring Boot Tools extension gives its own). */
  aliases?: readonly string[];
}

/** The Spring Boot configuration files: `application.properties`, `application-prod.yml`, `bootstrap.yaml`. */
const SPRING_CONFIG = Object.freeze(['application', 'bootstrap']);

export const LANGUAGES: readonly LanguageInfo[] = Object.freeze([
  { id: 'javascript', name: 'JavaScript', grammar: 'javascript', syntax: 'js', extensions: ['.js', '.mjs', '.cjs'], lineComment: '//' },
  { id: 'javascriptreact', name: 'JavaScript React', grammar: 'javascript', syntax: 'js', extensions: ['.jsx'], lineComment: '//' },
  { id: 'typescript', name: 'TypeScript', grammar: 'typescript', syntax: 'js', extensions: ['.ts', '.mts', '.cts'], lineComment: '//' },
  { id: 'typescriptreact', name: 'TypeScript React', grammar: 'tsx', syntax: 'js', extensions: ['.tsx'], lineComment: '//' },
  { id: 'python', name: 'Python', grammar: 'python', syntax: 'python', extensions: ['.py', '.pyw'], lineComment: '#' },
  { id: 'go', name: 'Go', grammar: 'go', syntax: 'go', extensions: ['.go'], lineComment: '//' },
  { id: 'php', name: 'PHP', grammar: 'php', syntax: 'php', extensions: ['.php', '.phtml'], lineComment: '//' },
  { id: 'ruby', name: 'Ruby', grammar: 'ruby', syntax: 'ruby', extensions: ['.rb', '.rake'], lineComment: '#' },
  { id: 'java', name: 'Java', grammar: 'java', syntax: 'java', extensions: ['.java'], lineComment: '//' },
  { id: 'csharp', name: 'C#', grammar: 'csharp', syntax: 'csharp', extensions: ['.cs'], lineComment: '//' },
  { id: 'properties', name: 'Spring properties', grammar: 'properties', syntax: 'properties', extensions: ['.properties'], lineComment: '#', baseNames: SPRING_CONFIG, aliases: ['spring-boot-properties'] },
  { id: 'yaml', name: 'Spring YAML', grammar: 'yaml', syntax: 'yaml', extensions: ['.yml', '.yaml'], lineComment: '#', baseNames: SPRING_CONFIG, aliases: ['spring-boot-properties-yaml'] },
]);

export const GRAMMAR_FILES: Readonly<Record<GrammarId, string>> = Object.freeze(
  Object.fromEntries(Object.entries(grammarTable.grammars).map(([id, g]) => [id, g.file])) as Record<GrammarId, string>,
);

export const RUNTIME_WASM_FILE: string = grammarTable.runtime.file;

export const GRAMMAR_SYNTAX: Readonly<Record<GrammarId, SyntaxFamily>> = Object.freeze({
  javascript: 'js',
  typescript: 'js',
  tsx: 'js',
  python: 'python',
  go: 'go',
  php: 'php',
  ruby: 'ruby',
  java: 'java',
  csharp: 'csharp',
  properties: 'properties',
  yaml: 'yaml',
});

const byExtension = new Map<string, LanguageInfo>();
const byId = new Map<string, LanguageInfo>();
for (const lang of LANGUAGES) {
  for (const id of [lang.id, ...(lang.aliases ?? [])]) byId.set(id, lang);
  for (const ext of lang.extensions) byExtension.set(ext, lang);
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** Whether a file of `lang` may have this path: always, unless the language is limited to some file names. */
export function acceptsPath(lang: LanguageInfo, path: string): boolean {
  if (!lang.baseNames) return true;
  const base = baseName(path).toLowerCase();
  return lang.baseNames.some((n) => base.startsWith(`${n}.`) || base.startsWith(`${n}-`));
}

/** The language of a file path by its extension (case-insensitive) and, for some languages, its name; or undefined. */
export function languageForPath(path: string): LanguageInfo | undefined {
  const base = baseName(path);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const lang = byExtension.get(base.slice(dot).toLowerCase());
  return lang && acceptsPath(lang, base) ? lang : undefined;
}

/** The language of a VS Code language id (or one of its aliases). */
export function languageById(id: string): LanguageInfo | undefined {
  return byId.get(id);
}

/** The glob of the file names a language is limited to (`**\/{application,application-*,…}.{yml,yaml}`), if it is. */
export function nameGlob(lang: LanguageInfo): string | undefined {
  if (!lang.baseNames) return undefined;
  const group = (xs: readonly string[]) => (xs.length === 1 ? xs[0] : `{${xs.join(',')}}`);
  return `**/${group(lang.baseNames.flatMap((n) => [n, `${n}-*`]))}.${group(lang.extensions.map((e) => e.slice(1)))}`;
}

/** Glob matching every supported file, e.g. for file watchers: `**\/*.{js,mjs,…}` (name-limited languages left out). */
export function supportedGlob(): string {
  const exts = LANGUAGES.filter((l) => !l.baseNames).flatMap((l) => l.extensions.map((e) => e.slice(1)));
  return `**/*.{${exts.join(',')}}`;
}
