/**
 * Custom rules: a team's rule written as config data (a tree-sitter query per syntax family, metadata, optional
 * conditions on captures, a message template and a fix template) compiled into a `RuleDefinition` like the
 * built-in ones. Pure: the same data gives the same rule in the CLI, in each scan worker and in the extension
 * (functions do not cross worker threads, so workers compile the rules again from the data).
 *
 * Messages never carry a secret: `{{capture}}` shows the capture's code with every string literal in it
 * redacted, shortened to one line.
 */
import type { Node } from 'web-tree-sitter';
import type { TaintItem } from '../core/flow';
import type { FixInput, RuleContext, RuleDefinition, RuleMatch } from '../core/rule';
import type { DataCategory, Family } from '../core/types';
import { redact } from '../core/values';
import { capitalise, classificationsOf, describeData, relatedFor } from '../rules/common';
import { MAX_MATCH_INPUT, safeRegExp } from './regex';
import type { CaptureCondition, CustomRuleConfig } from './types';

/** `{{name}}` placeholders of a template. */
export const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;
/** The placeholder that stands for the data found by a `dataTypes` / `categories` condition. */
export const DATA_PLACEHOLDER = 'data';

/** Capture names of a query, in order of first appearance (`@call` → `call`). Predicates' `@x` count too. */
export function captureNames(query: string): string[] {
  const out: string[] = [];
  // Strings and comments may contain `@`; blank them out first.
  const code = query.replace(/"(?:[^"\\]|\\.)*"/g, (s) => ' '.repeat(s.length)).replace(/;[^\n]*/g, (s) => ' '.repeat(s.length));
  for (const m of code.matchAll(/@([A-Za-z_][A-Za-z0-9_.-]*)/g)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}

export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

interface CompiledCondition {
  capture: string;
  matches?: RegExp;
  notMatches?: RegExp;
  types?: string[];
  categories?: DataCategory[];
}

function compileCondition(c: CaptureCondition): CompiledCondition {
  return {
    capture: c.capture,
    matches: c.matches !== undefined ? safeRegExp(c.matches) : undefined,
    notMatches: c.notMatches !== undefined ? safeRegExp(c.notMatches) : undefined,
    types: c.dataTypes ? [...c.dataTypes] : undefined,
    categories: c.categories ? [...c.categories] : undefined,
  };
}

/** The code of a node for a message: one line, string literals redacted, at most `max` characters. */
export function displayText(node: Node, max = 60): string {
  const start = node.startIndex;
  let text = node.text;
  const literals: Node[] = [];
  const visit = (n: Node): void => {
    if (n.type === 'string' || n.type === 'template_string' || n.type === 'string_fragment') {
      literals.push(n);
      return;
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(node);
  for (const lit of literals.sort((a, b) => b.startIndex - a.startIndex)) {
    const raw = lit.text;
    const quote = /^[rbuf]*("""|'''|"|'|`)/i.exec(raw)?.[1] ?? '';
    const inner = quote && raw.endsWith(quote) ? raw.slice(raw.indexOf(quote) + quote.length, raw.length - quote.length) : raw;
    const shown = `${quote || '"'}${redact(inner)}${quote || '"'}`;
    text = text.slice(0, lit.startIndex - start) + shown + text.slice(lit.endIndex - start);
  }
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

function fill(template: string, value: (name: string) => string | undefined): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => value(name) ?? whole);
}

/** Compiles a custom rule (already validated by the loader). */
export function compileCustomRule(config: CustomRuleConfig): RuleDefinition {
  const family = config.id.slice(0, config.id.indexOf('/')) as Exclude<Family, 'sealant'>;
  const conditions = (config.where ?? []).map(compileCondition);
  const names = [...new Set(Object.values(config.query).flatMap((q) => captureNames(q ?? '')))];
  const wantsData = conditions.some((c) => c.types || c.categories);

  const rule: RuleDefinition = {
    id: config.id,
    family,
    title: config.title,
    description: config.description ?? config.title,
    severity: config.severity,
    confidence: config.confidence ?? 'medium',
    cwe: [...config.cwe],
    owasp: [...(config.owasp ?? [])],
    standards: [...(config.standards ?? [])],
    guidance: {
      why: config.guidance?.why ?? config.description ?? config.title,
      bad: config.guidance?.bad ?? '',
      good: config.guidance?.good ?? '',
      fix: config.guidance?.fix ?? config.fix?.title ?? '',
    },
    fixable: config.fix !== undefined,
    keywords: config.keywords,
    queries: { ...config.query },
    check(match: RuleMatch, ctx: RuleContext): void {
      const data: TaintItem[] = [];
      for (const c of conditions) {
        const node = match.get(c.capture);
        if (!node) return;
        if (c.matches || c.notMatches) {
          const text = node.text;
          if (text.length > MAX_MATCH_INPUT) return;
          if (c.matches && !c.matches.test(text)) return;
          if (c.notMatches && c.notMatches.test(text)) return;
        }
        if (c.types || c.categories) {
          const found = [
            ...(c.types ? ctx.flow.sensitive(node, { types: c.types }) : []),
            ...(c.categories ? ctx.flow.sensitive(node, { categories: c.categories }) : []),
          ];
          if (found.length === 0) return;
          data.push(...found);
        }
      }
      const at = (config.report ? match.get(config.report) : undefined) ?? largest(names.flatMap((n) => match.all(n)));
      if (!at) return;
      const text = (name: string): string | undefined => {
        if (name === DATA_PLACEHOLDER && wantsData) return data.length ? describeData(ctx, data) : undefined;
        const node = match.get(name);
        return node ? `\`${displayText(node)}\`` : undefined;
      };
      let message = fill(config.message, text);
      if (/^\{\{\s*data\s*\}\}/.test(config.message)) message = capitalise(message);
      const fixes: FixInput[] = [];
      if (config.fix) {
        const target = (config.fix.capture ? match.get(config.fix.capture) : undefined) ?? at;
        fixes.push({
          title: config.fix.title,
          safe: config.fix.safe ?? false,
          edits: [{ node: target, newText: fill(config.fix.replace, (name) => match.get(name)?.text) }],
        });
      }
      ctx.report({
        node: at,
        message,
        classifications: classificationsOf(data),
        related: relatedFor(data, at),
        fixes,
      });
    },
  };
  return rule;
}

function largest(nodes: Node[]): Node | undefined {
  let best: Node | undefined;
  for (const n of nodes) if (!best || n.endIndex - n.startIndex > best.endIndex - best.startIndex) best = n;
  return best;
}
