/**
 * The engine: text + language + compiled rules in, findings out. It never touches the editor or the disk:
 * grammars arrive through the Host. One parser per grammar, grammars loaded and rule queries compiled on
 * first use, all active rules of a grammar compiled into ONE query, a file parsed once, every Tree, Query
 * and cursor freed.
 */
import { Language, Parser, Query, type Node, type Tree } from 'web-tree-sitter';
import { GRAMMAR_FILES, GRAMMAR_SYNTAX, RUNTIME_WASM_FILE, languageById, languageForPath, type GrammarId, type LanguageInfo } from '../languages/registry';
import { jsSyntax } from '../languages/js';
import { pythonSyntax } from '../languages/python';
import { META_RULES } from '../rules/meta';
import { SANITIZERS, type SanitizerDef } from '../rules/sanitizers';
import { Classifier, type ClassifierExtension } from './classifier';
import { FingerprintCounter } from './fingerprint';
import { DataFlow } from './flow';
import { NEVER_CANCELLED, type Cancellation, type Host } from './host';
import type { FixInput, RelatedInput, ReportInput, RuleContext, RuleDefinition, RuleMatch } from './rule';
import { parseSuppression, suppressionMatches, type SuppressionComment } from './suppress';
import type { Syntax } from './syntax';
import { walk } from './syntax';
import { DEFAULT_LIMITS, LineIndex, isTestPath, skipReason, type TextLimits } from './text';
import type { FileResult, Finding, Range, RuleDescriptor, Severity } from './types';
import { redact } from './values';

export type RuleLevel = Severity | 'off';

export interface RuleSetting {
  severity?: RuleLevel;
  options?: Record<string, unknown>;
}

/** What the engine needs of the team config (the config layer resolves files, extends and globs). */
export interface EngineConfig {
  rules?: Record<string, RuleSetting>;
  sanitizers?: SanitizerDef[];
  dataTypes?: ClassifierExtension;
  hosts?: { allowInsecure?: string[]; approved?: string[] };
}

export interface EngineOptions {
  rules: readonly RuleDefinition[];
  config?: EngineConfig;
  limits?: TextLimits;
  /** Parse time budget per file in milliseconds (default 5000). */
  parseTimeoutMs?: number;
}

export interface SourceFile {
  /** Path used in findings (the CLI passes it relative to the scan root). */
  path: string;
  text: string;
  /** VS Code language id; derived from the path when absent. */
  languageId?: string;
}

interface CompiledRule {
  rule: RuleDefinition;
  gate: RegExp | undefined;
  severity: Severity | undefined;
  options: Record<string, unknown>;
}

interface GrammarState {
  language: Language;
  parser: Parser;
  query: Query | undefined;
  /** Pattern index of the combined query -> rule and the pattern's index inside the rule's own query. */
  patterns: { rule: CompiledRule; local: number }[];
  rules: CompiledRule[];
  /** Rules whose query failed to compile for this grammar. */
  errors: string[];
}

export const SYNTAXES: Readonly<Record<string, Syntax>> = Object.freeze({ js: jsSyntax, python: pythonSyntax });

let runtime: Promise<void> | undefined;

/** web-tree-sitter's runtime is one wasm module per process; it is initialised once. */
function initRuntime(host: Host): Promise<void> {
  if (!runtime) {
    runtime = host.readGrammar(RUNTIME_WASM_FILE).then((wasmBinary) => Parser.init({ wasmBinary }));
    runtime.catch(() => {
      runtime = undefined;
    });
  }
  return runtime;
}

export class Engine {
  readonly classifier: Classifier;
  private readonly grammars = new Map<GrammarId, Promise<GrammarState>>();
  private readonly compiled: CompiledRule[];
  private readonly sanitizers: SanitizerDef[];
  private readonly limits: TextLimits;
  private readonly parseTimeoutMs: number;
  private readonly hosts: { allowInsecure: string[]; approved: string[] | undefined };
  private disposed = false;

  constructor(
    private readonly host: Host,
    options: EngineOptions,
  ) {
    const config = options.config ?? {};
    this.classifier = new Classifier(undefined, config.dataTypes);
    this.sanitizers = [...SANITIZERS, ...(config.sanitizers ?? [])];
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.parseTimeoutMs = options.parseTimeoutMs ?? 5000;
    this.hosts = { allowInsecure: config.hosts?.allowInsecure ?? [], approved: config.hosts?.approved };
    this.compiled = [];
    for (const rule of options.rules) {
      const setting = config.rules?.[rule.id];
      if (setting?.severity === 'off') continue;
      const options: Record<string, unknown> = {};
      for (const [name, opt] of Object.entries(rule.options ?? {})) options[name] = opt.default;
      Object.assign(options, setting?.options ?? {});
      this.compiled.push({
        rule,
        gate: rule.keywords ? new RegExp(rule.keywords, 'i') : undefined,
        severity: setting?.severity as Severity | undefined,
        options,
      });
    }
  }

  /** Descriptors of every active rule plus Sealant's own notes, for reporters. */
  descriptors(): RuleDescriptor[] {
    return [...this.compiled.map((c) => describe(c.rule, c.severity)), ...META_RULES];
  }

  /** The language of a file, by language id or path. */
  languageOf(file: { path: string; languageId?: string }): LanguageInfo | undefined {
    return (file.languageId ? languageById(file.languageId) : undefined) ?? languageForPath(file.path);
  }

  /** Grammar state, loaded and compiled on first use. */
  private grammar(id: GrammarId): Promise<GrammarState> {
    let state = this.grammars.get(id);
    if (!state) {
      state = this.loadGrammar(id);
      this.grammars.set(id, state);
      state.catch(() => this.grammars.delete(id));
    }
    return state;
  }

  private async loadGrammar(id: GrammarId): Promise<GrammarState> {
    await initRuntime(this.host);
    const bytes = await this.host.readGrammar(GRAMMAR_FILES[id]);
    const language = await Language.load(bytes);
    const parser = new Parser();
    parser.setLanguage(language);
    const syntax = GRAMMAR_SYNTAX[id];
    const rules = this.compiled.filter((c) => c.rule.queries[syntax] !== undefined);
    const errors: string[] = [];
    // Compile every rule's patterns into one query. When that fails, find the culprits one by one.
    let usable = rules;
    let query = tryQuery(language, rules.map((r) => r.rule.queries[syntax] ?? '').join('\n'));
    if (query instanceof Error) {
      usable = [];
      for (const r of rules) {
        const q = tryQuery(language, r.rule.queries[syntax] ?? '');
        if (q instanceof Error) errors.push(`rule ${r.rule.id}: its ${syntax} query does not compile for grammar ${id}: ${q.message}`);
        else {
          q.delete();
          usable.push(r);
        }
      }
      query = tryQuery(language, usable.map((r) => r.rule.queries[syntax] ?? '').join('\n'));
      if (query instanceof Error) throw query;
      for (const e of errors) this.host.log?.('error', e);
    }
    // Map combined pattern indexes back to rules through the byte offsets of each rule's text.
    const encoder = new TextEncoder();
    const bounds: { rule: CompiledRule; start: number; end: number }[] = [];
    let offset = 0;
    for (const r of usable) {
      const len = encoder.encode(r.rule.queries[syntax] ?? '').length;
      bounds.push({ rule: r, start: offset, end: offset + len });
      offset += len + 1;
    }
    const patterns: GrammarState['patterns'] = [];
    const count = query.patternCount();
    const firstOfRule = new Map<CompiledRule, number>();
    for (let i = 0; i < count; i++) {
      const at = query.startIndexForPattern(i);
      const owner = bounds.find((b) => at >= b.start && at < b.end) ?? bounds[bounds.length - 1];
      if (!firstOfRule.has(owner.rule)) firstOfRule.set(owner.rule, i);
      patterns.push({ rule: owner.rule, local: i - (firstOfRule.get(owner.rule) ?? i) });
    }
    const hasPatterns = count > 0;
    if (!hasPatterns) query.delete();
    return { language, parser, query: hasPatterns ? query : undefined, patterns, rules: usable, errors };
  }

  /** Rule errors found while compiling the grammars used so far. */
  async compileErrors(): Promise<string[]> {
    const states = await Promise.all([...this.grammars.values()].map((p) => p.catch(() => undefined)));
    return states.flatMap((s) => s?.errors ?? []);
  }

  /** Parse a text (optionally incrementally against an edited old tree). The caller deletes the tree. */
  async parse(language: LanguageInfo, text: string, oldTree?: Tree): Promise<Tree | undefined> {
    const state = await this.grammar(language.grammar);
    const deadline = Date.now() + this.parseTimeoutMs;
    const tree = state.parser.parse(text, oldTree ?? null, {
      progressCallback: () => Date.now() > deadline,
    });
    state.parser.reset();
    return tree ?? undefined;
  }

  /** Analyse a whole file: checks, gate, parse, rules, suppressions. */
  async analyze(file: SourceFile, cancellation: Cancellation = NEVER_CANCELLED): Promise<FileResult> {
    const started = now();
    const language = this.languageOf(file);
    const lines = countLines(file.text);
    if (!language) {
      return { path: file.path, language: 'unknown', findings: [], parsed: false, ms: 0, lines, skipped: { path: file.path, reason: 'unsupported', detail: 'no supported language for this file' } };
    }
    const skip = skipReason(file.text, this.limits);
    if (skip) return { path: file.path, language: language.id, findings: [], parsed: false, ms: now() - started, lines, skipped: { path: file.path, ...skip } };
    const active = this.activeRules(language, file.text);
    if (active.length === 0 && !file.text.includes('sealant-ignore')) {
      return { path: file.path, language: language.id, findings: [], parsed: false, ms: now() - started, lines };
    }
    const tree = await this.parse(language, file.text);
    if (!tree) {
      return { path: file.path, language: language.id, findings: [], parsed: false, ms: now() - started, lines, skipped: { path: file.path, reason: 'parse-timeout', detail: `parsing took longer than ${this.parseTimeoutMs} ms` } };
    }
    try {
      const findings = await this.analyzeTree(file, language, tree, cancellation);
      return { path: file.path, language: language.id, findings, parsed: true, ms: now() - started, lines };
    } finally {
      tree.delete();
    }
  }

  private activeRules(language: LanguageInfo, text: string): CompiledRule[] {
    return this.compiled.filter((c) => c.rule.queries[language.syntax] !== undefined && (!c.gate || c.gate.test(text)));
  }

  /** Run the rules over a parsed tree (the extension keeps trees for incremental re-parsing). */
  async analyzeTree(file: SourceFile, language: LanguageInfo, tree: Tree, cancellation: Cancellation = NEVER_CANCELLED): Promise<Finding[]> {
    const state = await this.grammar(language.grammar);
    const syntax = SYNTAXES[language.syntax];
    const root = tree.rootNode;
    const lineIndex = new LineIndex(file.text);
    const active = new Set(this.activeRules(language, file.text));
    const flow = new DataFlow(root, syntax, this.classifier, this.sanitizers);
    const info = { path: file.path, text: file.text, languageId: language.id, syntax: language.syntax, isTestPath: isTestPath(file.path) };
    const pending: { finding: Finding; scopeName: string; key: string }[] = [];
    const contexts = new Map<CompiledRule, RuleContext>();

    const contextFor = (c: CompiledRule): RuleContext => {
      let ctx = contexts.get(c);
      if (ctx) return ctx;
      ctx = {
        file: info,
        root,
        classifier: this.classifier,
        flow,
        syntax,
        state: new Map(),
        hosts: this.hosts,
        option: <T>(name: string) => c.options[name] as T,
        report: (input: ReportInput) => {
          const finding = this.toFinding(c, file.path, input, lineIndex);
          pending.push({ finding, scopeName: scopeName(syntax, input.node), key: input.fingerprintKey ?? input.node.text });
        },
      };
      contexts.set(c, ctx);
      return ctx;
    };

    if (state.query && active.size > 0) {
      const matches = state.query.matches(root);
      for (const m of matches) {
        if (cancellation.isCancellationRequested) break;
        const p = state.patterns[m.patternIndex];
        if (!p || !active.has(p.rule) || !p.rule.rule.check) continue;
        const match: RuleMatch = {
          pattern: p.local,
          get: (name) => m.captures.find((cap) => cap.name === name)?.node,
          all: (name) => m.captures.filter((cap) => cap.name === name).map((cap) => cap.node),
        };
        try {
          p.rule.rule.check(match, contextFor(p.rule));
        } catch (err) {
          this.host.log?.('error', `rule ${p.rule.rule.id} failed on ${file.path}: ${String(err)}`);
        }
      }
    }
    for (const c of active) {
      if (!c.rule.finish || cancellation.isCancellationRequested) continue;
      try {
        c.rule.finish(contextFor(c));
      } catch (err) {
        this.host.log?.('error', `rule ${c.rule.id} failed on ${file.path}: ${String(err)}`);
      }
    }

    // One finding per rule and range.
    const unique = new Map<string, (typeof pending)[number]>();
    for (const p of pending) {
      const k = `${p.finding.ruleId}:${p.finding.range.startOffset}:${p.finding.range.endOffset}`;
      if (!unique.has(k)) unique.set(k, p);
    }
    const ordered = [...unique.values()].sort((a, b) => a.finding.range.startOffset - b.finding.range.startOffset || a.finding.ruleId.localeCompare(b.finding.ruleId));
    const counter = new FingerprintCounter();
    for (const p of ordered) p.finding.fingerprint = counter.fingerprint(p.finding.ruleId, file.path, p.scopeName, p.key);
    const findings = ordered.map((p) => p.finding);
    findings.push(...this.applySuppressions(file, syntax, root, lineIndex, findings, counter));
    return findings;
  }

  private toFinding(c: CompiledRule, path: string, input: ReportInput, lines: LineIndex): Finding {
    const rule = c.rule;
    const severity = c.severity ?? input.severity ?? rule.severity;
    return {
      ruleId: rule.id,
      family: rule.family,
      cwe: rule.cwe,
      severity,
      confidence: input.confidence ?? rule.confidence,
      path,
      range: lines.range(input.node.startIndex, input.node.endIndex),
      message: input.message,
      dataTypes: [...new Set(input.dataTypes ?? input.classifications?.map((k) => k.type) ?? [])],
      classifications: dedupeClassifications(input.classifications ?? []),
      related: (input.related ?? []).map((r) => toRelated(r, lines)).filter((r): r is NonNullable<typeof r> => !!r),
      fixes: (input.fixes ?? []).map((f) => toFix(f, lines)),
      fingerprint: '',
      evidence: input.secret !== undefined ? `"${redact(input.secret)}"` : undefined,
    };
  }

  private applySuppressions(file: SourceFile, syntax: Syntax, root: Node, lines: LineIndex, findings: Finding[], counter: FingerprintCounter): Finding[] {
    if (!file.text.includes('sealant-ignore')) return [];
    const comments: SuppressionComment[] = [];
    walk(root, (n) => {
      if (syntax.isComment(n)) {
        const parsed = parseSuppression(n.text);
        if (parsed) comments.push({ ...parsed, range: lines.range(n.startIndex, n.endIndex), used: false });
        return false;
      }
      return true;
    });
    for (const f of findings) {
      const s = comments.find((c) => suppressionMatches(c, f.ruleId, f.range.start.line));
      if (s) {
        s.used = true;
        f.suppression = { kind: 'inSource', justification: s.reason };
      }
    }
    const notes: Finding[] = [];
    for (const s of comments) {
      const meta = s.ruleIds.length === 0 || !s.reason ? META_RULES[1] : !s.used ? META_RULES[0] : undefined;
      if (!meta) continue;
      const message = meta === META_RULES[1]
        ? s.ruleIds.length === 0
          ? 'This sealant-ignore comment names no rule; write `sealant-ignore <rule-id>: <reason>`.'
          : 'This suppression gives no reason; write `sealant-ignore <rule-id>: <reason>` so reviewers know why.'
        : `This suppression of ${s.ruleIds.join(', ')} matches no finding on this line or the next; remove it.`;
      notes.push({
        ruleId: meta.id,
        family: 'sealant',
        cwe: [],
        severity: 'note',
        confidence: 'high',
        path: file.path,
        range: s.range,
        message,
        dataTypes: [],
        classifications: [],
        related: [],
        fixes: [],
        fingerprint: counter.fingerprint(meta.id, file.path, '', s.ruleIds.join(',')),
      });
    }
    return notes;
  }

  /** Free every parser, language query and tree held by the engine. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const states = await Promise.all([...this.grammars.values()].map((p) => p.catch(() => undefined)));
    for (const s of states) {
      s?.query?.delete();
      s?.parser.delete();
    }
    this.grammars.clear();
  }
}

function tryQuery(language: Language, source: string): Query | Error {
  try {
    return new Query(language, source);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function describe(rule: RuleDefinition, severity: Severity | undefined): RuleDescriptor {
  return {
    id: rule.id,
    family: rule.family,
    title: rule.title,
    description: rule.description,
    severity: severity ?? rule.severity,
    confidence: rule.confidence,
    cwe: rule.cwe,
    owasp: rule.owasp,
    standards: rule.standards ?? [],
    languages: Object.keys(rule.queries),
    guidance: rule.guidance,
    fixable: rule.fixable,
  };
}

function scopeName(syntax: Syntax, node: Node): string {
  const names: string[] = [];
  for (let p = node.parent; p; p = p.parent) {
    if (syntax.isFunction(p)) names.unshift(syntax.functionName(p) ?? '<anonymous>');
  }
  return names.join('>');
}

function toRelated(r: RelatedInput, lines: LineIndex): { range: Range; message: string } | undefined {
  if (r.range) return { range: r.range, message: r.message };
  if (r.node) return { range: lines.range(r.node.startIndex, r.node.endIndex), message: r.message };
  return undefined;
}

function toFix(f: FixInput, lines: LineIndex): Finding['fixes'][number] {
  return {
    title: f.title,
    safe: f.safe,
    edits: f.edits.map((e) => {
      const start = e.node ? e.node.startIndex : e.range ? e.range.startOffset : (e.start ?? 0);
      const end = e.node ? e.node.endIndex : e.range ? e.range.endOffset : (e.end ?? start);
      return { range: lines.range(start, end), newText: e.newText };
    }),
  };
}

function dedupeClassifications<T extends { type: string; explanation: string }>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((c) => {
    const k = `${c.type}:${c.explanation}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
