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
export type SyntaxFamily = 'js' | 'python' | 'go' | 'java' | 'csharp' | 'php' | 'ruby';

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
}

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
});

const byExtension = new Map<string, LanguageInfo>();
const byId = new Map<string, LanguageInfo>();
for (const lang of LANGUAGES) {
  byId.set(lang.id, lang);
  for (const ext of lang.extensions) byExtension.set(ext, lang);
}

/** The language of a file path by its extension (case-insensitive), or undefined. */
export function languageForPath(path: string): LanguageInfo | undefined {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const base = path.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return byExtension.get(base.slice(dot).toLowerCase());
}

export function languageById(id: string): LanguageInfo | undefined {
  return byId.get(id);
}

/** Glob matching every supported file, e.g. for file watchers: `**\/*.{js,mjs,…}`. */
export function supportedGlob(): string {
  const exts = LANGUAGES.flatMap((l) => l.extensions.map((e) => e.slice(1)));
  return `**/*.{${exts.join(',')}}`;
}
