/**
 * Checking a custom rule's tree-sitter query against the real grammars, with the position of the error, before
 * the engine ever sees it. Uses the engine's runtime and grammar cache (web-tree-sitter is one wasm module per
 * process, and a loaded grammar is never freed), so checking costs no extra memory once the grammars are loaded.
 */
import { Query } from 'web-tree-sitter';
import { initRuntime, loadLanguage } from '../core/engine';
import type { Host } from '../core/host';
import { GRAMMAR_FILES, GRAMMAR_SYNTAX, type GrammarId, type SyntaxFamily } from '../languages/registry';
import { checkRegex } from './regex';

export interface QueryProblem {
  message: string;
  /** Offset and length inside the query text. */
  offset: number;
  length: number;
  /** An error when the query compiles for no grammar of its family; a warning when only some reject it. */
  severity: 'error' | 'warning';
}

export function grammarsOf(syntax: SyntaxFamily): GrammarId[] {
  return (Object.keys(GRAMMAR_SYNTAX) as GrammarId[]).filter((g) => GRAMMAR_SYNTAX[g] === syntax);
}

/** Problems of a query for a syntax family: compile errors per grammar, unsafe `#match?` regexes. */
export async function checkQuery(host: Host, syntax: SyntaxFamily, source: string): Promise<QueryProblem[]> {
  const problems: QueryProblem[] = [];
  await initRuntime(host);
  const grammars = grammarsOf(syntax);
  const failures: { grammar: GrammarId; message: string; offset: number; length: number }[] = [];
  for (const grammar of grammars) {
    const file = GRAMMAR_FILES[grammar];
    const language = await loadLanguage(file, await host.readGrammar(file));
    try {
      new Query(language, source).delete();
    } catch (err) {
      const e = err as Error & { index?: number; length?: number };
      failures.push({ grammar, message: e.message, offset: typeof e.index === 'number' ? e.index : 0, length: typeof e.length === 'number' ? e.length : 0 });
    }
  }
  if (failures.length === grammars.length) {
    const f = failures[0];
    problems.push({ severity: 'error', offset: f.offset, length: f.length, message: `invalid tree-sitter query: ${f.message}` });
  } else {
    for (const f of failures) {
      problems.push({ severity: 'warning', offset: f.offset, length: f.length, message: `the query does not compile for the ${f.grammar} grammar (${f.message}); the rule will not run on those files` });
    }
  }
  problems.push(...predicateRegexProblems(source));
  return problems;
}

/** `#match?` / `#not-match?` / `#any-match?` regexes of a query that are invalid or could backtrack catastrophically. */
export function predicateRegexProblems(source: string): QueryProblem[] {
  const out: QueryProblem[] = [];
  const re = /\(#(?:any-)?(?:not-)?match\?\s+@[A-Za-z_][\w.-]*\s+"((?:[^"\\]|\\.)*)"/g;
  for (const m of source.matchAll(re)) {
    const raw = m[1];
    const pattern = raw.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0' })[c] ?? c);
    const problem = checkRegex(pattern);
    if (problem) {
      const start = (m.index ?? 0) + m[0].length - raw.length - 1;
      out.push({ severity: 'error', offset: start + Math.min(problem.offset, raw.length), length: Math.max(1, Math.min(problem.length, raw.length)), message: `#match? regex: ${problem.message}` });
    }
  }
  return out;
}
