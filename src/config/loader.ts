/**
 * Loading a team config: read and parse the file (YAML or JSON, every value with its line:column), validate it
 * against the JSON Schema, follow `extends` (relative paths and `npm:<package>/<file>`, cycles and missing files
 * reported at the entry that names them), merge the chain in order (the applied file last), then check what the
 * schema cannot: unknown rule ids (warnings), rule options, data type ids, regex safety, custom rule captures and
 * placeholders, and, given a Host with the grammars, that every custom query compiles, with the position of the
 * error inside the query.
 *
 * Untrusted workspaces: `extends` and `customRules` are not loaded (an info entry says so); everything else is.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Classifier, splitWords } from '../core/classifier';
import type { EngineConfig } from '../core/engine';
import { hash64 } from '../core/fingerprint';
import type { Host } from '../core/host';
import type { RuleDefinition } from '../core/rule';
import type { SyntaxFamily } from '../languages/registry';
import { BUILTIN_RULES } from '../rules';
import { DATA_DICTIONARY } from '../rules/data-dictionary';
import { captureNames, DATA_PLACEHOLDER, placeholders } from './custom-rules';
import { engineConfigFor, normalise, rulesFor } from './engine-config';
import { checkQuery } from './queries';
import { checkRegex } from './regex';
import { formatPath, suggest, validateSchema } from './schema';
import {
  CONFIG_FILES, emptyConfig, type ConfigError, type ConfigErrorSeverity, type CustomRuleConfig, type LoadedConfig,
  type ResolvedConfig, type RuleSettingConfig, type SealantConfig,
} from './types';
import { parseSource, type ParsedSource, type ValuePath } from './yaml';

export interface LoadOptions {
  /** False in an untrusted workspace: `extends` and `customRules` are not loaded. Default true. */
  trusted?: boolean;
  /** Grammars for checking custom rule queries; without it queries are checked by the engine on first use. */
  host?: Host;
  /** Rules custom rules must not collide with and rule settings may name (default: the built-in rules). */
  builtinRules?: readonly RuleDefinition[];
  /** The folder `ignore` and `testPaths` globs are relative to (default: the config file's folder). */
  baseDir?: string;
  /** Texts of files open in an editor, by absolute path, used instead of the file on disk. */
  overrides?: ReadonlyMap<string, string>;
}

interface Layer {
  file: string;
  parsed: ParsedSource;
  value: SealantConfig;
}

const FAMILIES = ['storage', 'transmission', 'upload'];

/** The config file in a folder (`.sealant.yml`, else `.sealant.json`), if any. */
export function configFileIn(dir: string): string | undefined {
  for (const name of CONFIG_FILES) {
    const file = join(dir, name);
    if (isFile(file)) return file;
  }
  return undefined;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Built-in defaults: no config file. */
export function defaultLoadedConfig(dir: string, options: LoadOptions = {}): LoadedConfig {
  const config = emptyConfig(dir, options.trusted !== false);
  const rules = rulesFor(undefined, options.builtinRules);
  return { file: undefined, ok: true, config, engineConfig: {}, rules, errors: [], files: CONFIG_FILES.map((n) => join(dir, n)), hash: configHash(config) };
}

/** The config of a workspace folder: its `.sealant.yml` / `.sealant.json`, or the defaults when it has none. */
export async function loadWorkspaceConfig(folder: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const file = configFileIn(folder);
  if (!file) return defaultLoadedConfig(folder, options);
  const loaded = await loadConfigFile(file, options);
  loaded.files = [...new Set([...loaded.files, ...CONFIG_FILES.map((n) => join(folder, n))])];
  return loaded;
}

/** Loads, merges and checks a config file and everything it extends. Never throws: problems are in `errors`. */
export async function loadConfigFile(fileIn: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const file = resolve(fileIn);
  const loader = new Loader(options);
  const dir = options.baseDir ?? dirname(file);
  const { layers } = await loader.chain(file, [], undefined);
  if (file.endsWith(sep + CONFIG_FILES[0]) && isFile(join(dirname(file), CONFIG_FILES[1]))) {
    // A .sealant.json beside a .sealant.yml is never read: say so.
    loader.push(join(dirname(file), CONFIG_FILES[1]), undefined, [], `ignored: ${CONFIG_FILES[0]} in the same folder is used instead`, 'warning');
  }
  const trusted = options.trusted !== false;
  let config = merge(layers, dir, trusted);
  config.file = file;
  await loader.checkLayers(layers, config);
  let engineConfig: EngineConfig = {};
  let rules: RuleDefinition[] = [];
  if (!loader.hasErrors()) {
    try {
      rules = rulesFor(config, options.builtinRules);
      engineConfig = engineConfigFor(config, rules);
      new Classifier(undefined, engineConfig.dataTypes);
    } catch (err) {
      const last = layers[layers.length - 1];
      loader.push(file, last?.parsed, ['dataTypes'], (err as Error).message, 'error');
    }
  }
  const ok = !loader.hasErrors();
  if (!ok) {
    config = { ...emptyConfig(dir, trusted), file };
    rules = rulesFor(undefined, options.builtinRules);
    engineConfig = {};
  }
  return { file, ok, config, engineConfig, rules, errors: loader.errors, files: [...loader.files], hash: configHash(config) };
}

/** Merges layers in order: later settings win, lists add up. */
export function merge(layers: readonly Layer[] | readonly { value: SealantConfig; file: string }[], dir: string, trusted: boolean): ResolvedConfig {
  const out = emptyConfig(dir, trusted);
  const addAll = (list: string[], more: readonly string[] | undefined): void => {
    for (const x of more ?? []) if (!list.includes(x)) list.push(x);
  };
  for (const { value: v, file } of layers) {
    out.sources.push(file);
    for (const [id, s] of Object.entries(v.rules ?? {})) out.rules[id] = mergeSetting(out.rules[id], s);
    out.dataTypes.types.push(...(v.dataTypes?.types ?? []).map((t) => structuredClone(t)));
    for (const field of ['synonyms', 'exclusions'] as const) {
      for (const [id, phrases] of Object.entries(v.dataTypes?.[field] ?? {})) addAll((out.dataTypes[field][id] ??= []), phrases);
    }
    out.sanitizers.push(...(v.sanitizers ?? []).map((s) => structuredClone(s)));
    if (v.hosts?.approved !== undefined) addAll((out.hosts.approved ??= []), v.hosts.approved);
    addAll(out.hosts.allowInsecure, v.hosts?.allowInsecure);
    addAll(out.ignore, v.ignore);
    addAll(out.testPaths, v.testPaths);
    if (trusted) {
      for (const r of v.customRules ?? []) {
        const at = out.customRules.findIndex((x) => x.id === r.id);
        if (at >= 0) out.customRules[at] = structuredClone(r);
        else out.customRules.push(structuredClone(r));
      }
    }
  }
  return out;
}

function mergeSetting(prev: RuleSettingConfig | undefined, next: RuleSettingConfig): RuleSettingConfig {
  if (prev === undefined) return structuredClone(next);
  const a = normalise(prev);
  const b = normalise(next);
  const severity = b.severity ?? a.severity;
  const options = a.options || b.options ? { ...(a.options ?? {}), ...(b.options ?? {}) } : undefined;
  if (!options) return severity ?? {};
  return { ...(severity ? { severity } : {}), options: options as Record<string, number | string | boolean | string[]> };
}

/** JSON with sorted keys, hashed: equal configs hash equally whatever their key order. */
export function configHash(config: ResolvedConfig): string {
  const stable = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
    if (v && typeof v === 'object') return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
    return JSON.stringify(v) ?? 'null';
  };
  const { file: _file, dir: _dir, sources: _sources, ...rest } = config;
  return hash64(stable(rest));
}

/** Where an `extends` entry points: an absolute path, or an error message. */
export function resolveExtends(entry: string, fromDir: string): { path: string } | { error: string } {
  if (!entry.startsWith('npm:')) return { path: resolve(fromDir, entry) };
  const spec = entry.slice(4);
  const parts = spec.split('/');
  const pkgParts = spec.startsWith('@') ? 2 : 1;
  const pkg = parts.slice(0, pkgParts).join('/');
  const inner = parts.slice(pkgParts).join('/');
  if (!pkg || !inner || parts.slice(pkgParts).some((p) => p === '..' || p === '')) {
    return { error: `"${entry}" must be npm:<package>/<file> with a file inside the package` };
  }
  let packageDir: string | undefined;
  for (let d = fromDir; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', ...pkg.split('/'));
    if (existsSync(candidate)) {
      packageDir = candidate;
      const file = join(candidate, ...inner.split('/'));
      if (isFile(file)) return { path: file };
    }
    if (dirname(d) === d) break;
  }
  return {
    error: packageDir
      ? `package ${pkg} (${packageDir}) has no file ${inner}`
      : `cannot find package ${pkg} in any node_modules folder above ${fromDir} (is it installed?)`,
  };
}

class Loader {
  readonly errors: ConfigError[] = [];
  readonly files = new Set<string>();
  private readonly trusted: boolean;
  private readonly builtin: readonly RuleDefinition[];

  constructor(private readonly options: LoadOptions) {
    this.trusted = options.trusted !== false;
    this.builtin = options.builtinRules ?? BUILTIN_RULES;
  }

  hasErrors(): boolean {
    return this.errors.some((e) => e.severity === 'error');
  }

  push(file: string, parsed: ParsedSource | undefined, path: ValuePath, message: string, severity: ConfigErrorSeverity, options: { atKey?: boolean; inString?: { offset: number; length: number } } = {}): void {
    const range = !parsed
      ? { line: 1, column: 1, endLine: 1, endColumn: 1 }
      : options.inString
        ? parsed.locateInString(path, options.inString.offset, options.inString.length)
        : parsed.locate(path, options.atKey);
    this.errors.push({ file, ...range, field: formatPath(path), message, severity });
  }

  private read(file: string): { text: string } | { error: string } {
    const override = this.options.overrides?.get(file);
    if (override !== undefined) return { text: override };
    try {
      return { text: readFileSync(file, 'utf8') };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { error: e.code === 'ENOENT' ? 'file not found' : e.code === 'EISDIR' ? 'is a folder, not a file' : e.message };
    }
  }

  /** The layers of a file and everything it extends, extended files first. */
  async chain(file: string, stack: readonly string[], via: { parsed: ParsedSource; path: ValuePath; from: string } | undefined): Promise<{ layers: Layer[]; failed: boolean }> {
    this.files.add(file);
    const read = this.read(file);
    if ('error' in read) {
      if (via) this.push(via.from, via.parsed, via.path, `cannot read ${display(via.from, file)}: ${read.error}`, 'error');
      else this.push(file, undefined, [], `cannot read the config file: ${read.error}`, 'error');
      return { layers: [], failed: true };
    }
    const parsed = parseSource(file, read.text);
    if (parsed.syntaxErrors.length > 0) {
      for (const e of parsed.syntaxErrors) this.errors.push({ file, ...e.range, field: '(file)', message: `${file.endsWith('.json') ? 'JSON' : 'YAML'} syntax error: ${e.message}`, severity: 'error' });
      return { layers: [], failed: true };
    }
    const value = (parsed.value ?? {}) as SealantConfig;
    const issues = validateSchema(value);
    for (const i of issues) this.push(file, parsed, i.path, i.message, 'error', { atKey: i.atKey });
    if (issues.length > 0) return { layers: [], failed: true };

    let failed = false;
    const layers: Layer[] = [];
    if (value.extends !== undefined && !this.trusted) {
      this.push(file, parsed, ['extends'], 'not loaded: the workspace is not trusted (built-in rules and this file\'s own settings apply)', 'info', { atKey: true });
    } else if (value.extends !== undefined) {
      const entries = Array.isArray(value.extends) ? value.extends : [value.extends];
      for (let i = 0; i < entries.length; i++) {
        const path: ValuePath = Array.isArray(value.extends) ? ['extends', i] : ['extends'];
        const target = resolveExtends(entries[i], dirname(file));
        if ('error' in target) {
          this.push(file, parsed, path, target.error, 'error');
          failed = true;
          continue;
        }
        if (target.path === file || stack.includes(target.path)) {
          const cycle = [...stack.slice(stack.indexOf(target.path) < 0 ? stack.length : stack.indexOf(target.path)), file, target.path];
          this.push(file, parsed, path, `extends cycle: ${cycle.map((f) => display(file, f)).join(' → ')}`, 'error');
          failed = true;
          continue;
        }
        this.files.add(target.path);
        if (!isFile(target.path) && !this.options.overrides?.has(target.path)) {
          this.push(file, parsed, path, `cannot find ${display(file, target.path)}${entries[i].startsWith('npm:') ? '' : ` (resolved to ${target.path})`}`, 'error');
          failed = true;
          continue;
        }
        const before = this.errors.length;
        const sub = await this.chain(target.path, [...stack, file], { parsed, path, from: file });
        const childErrors = this.errors.slice(before).filter((e) => e.severity === 'error' && e.file !== file);
        if (sub.failed) {
          failed = true;
          if (childErrors.length > 0) {
            const first = childErrors[0];
            this.push(file, parsed, path, `${display(file, first.file)} has ${childErrors.length} error${childErrors.length === 1 ? '' : 's'}; the first: ${first.line}:${first.column}: ${first.field === '(file)' ? '' : `${first.field}: `}${first.message}`, 'error');
          }
        }
        layers.push(...sub.layers);
      }
    }
    if (value.customRules !== undefined && value.customRules.length > 0 && !this.trusted) {
      this.push(file, parsed, ['customRules'], 'not loaded: the workspace is not trusted; custom rules run once you trust it', 'info', { atKey: true });
    }
    layers.push({ file, parsed, value });
    return { layers, failed };
  }

  /** Checks that need the merged config: rule ids and options, data types, sanitizers, custom rules. */
  async checkLayers(layers: readonly Layer[], merged: ResolvedConfig): Promise<void> {
    const customIds = merged.customRules.map((r) => r.id);
    const byId = new Map(this.builtin.map((r) => [r.id, r] as const));
    const knownIds = [...byId.keys(), ...customIds];
    const knownTypes = [...new Set([...DATA_DICTIONARY.map((t) => t.id), ...merged.dataTypes.types.map((t) => t.id)])];
    for (const { file, parsed, value } of layers) {
      const push = (path: ValuePath, message: string, severity: ConfigErrorSeverity = 'error', opts: { atKey?: boolean; inString?: { offset: number; length: number } } = {}) => this.push(file, parsed, path, message, severity, opts);

      // rules
      for (const [id, setting] of Object.entries(value.rules ?? {})) {
        if (id.endsWith('/*')) {
          const family = id.slice(0, -2);
          if (!FAMILIES.includes(family)) push(['rules', id], `unknown rule family "${family}"; the families are ${FAMILIES.join(', ')}`, 'warning', { atKey: true });
          continue;
        }
        if (!knownIds.includes(id)) {
          const hint = suggest(id, knownIds);
          push(['rules', id], `unknown rule id${hint ? `; did you mean "${hint}"?` : ''} (ignored)`, 'warning', { atKey: true });
          continue;
        }
        const options = typeof setting === 'object' ? setting.options : undefined;
        const rule = byId.get(id);
        for (const [name, v] of Object.entries(options ?? {})) {
          const opt = rule?.options?.[name];
          if (!opt) {
            const names = Object.keys(rule?.options ?? {});
            push(['rules', id, 'options', name], `rule ${id} has no option "${name}"${names.length ? `; its options: ${names.join(', ')}` : '; it takes no options'}`, 'error', { atKey: true });
            continue;
          }
          const want = Array.isArray(opt.default) ? 'array' : typeof opt.default;
          const got = Array.isArray(v) ? 'array' : typeof v;
          if (want !== got) push(['rules', id, 'options', name], `must be ${want === 'array' ? 'a list of strings' : `a ${want}`} (${opt.description})`);
        }
      }

      // dataTypes
      const phraseCheck = (path: ValuePath, phrase: string): void => {
        if (splitWords(phrase).length === 0) push(path, `the phrase "${phrase}" has no words (letters or digits)`);
      };
      (value.dataTypes?.types ?? []).forEach((t, i) => {
        for (const field of ['names', 'exclude', 'wholeNames'] as const) (t[field] ?? []).forEach((p, j) => phraseCheck(['dataTypes', 'types', i, field, j], p));
      });
      for (const field of ['synonyms', 'exclusions'] as const) {
        for (const [id, phrases] of Object.entries(value.dataTypes?.[field] ?? {})) {
          if (!knownTypes.includes(id)) {
            const hint = suggest(id, knownTypes);
            push(['dataTypes', field, id], `unknown data type "${id}"${hint ? `; did you mean "${hint}"?` : ''}; add it under dataTypes.types or use a known type`, 'error', { atKey: true });
          }
          phrases.forEach((p, j) => phraseCheck(['dataTypes', field, id, j], p));
        }
      }

      // sanitizers
      (value.sanitizers ?? []).forEach((s, i) => {
        if (s.call === undefined && s.pattern === undefined) push(['sanitizers', i], 'needs `call` (function names) or `pattern` (a regular expression)');
        if (s.call !== undefined && s.pattern !== undefined) push(['sanitizers', i, 'pattern'], 'give either `call` or `pattern`, not both', 'error', { atKey: true });
        const calls = s.call === undefined ? [] : Array.isArray(s.call) ? s.call : [s.call];
        calls.forEach((c, j) => {
          if (!/^[\w$@/*-]+(\.[\w$@/*-]+)*$/.test(c)) push(Array.isArray(s.call) ? ['sanitizers', i, 'call', j] : ['sanitizers', i, 'call'], `"${c}" is not a callee name (names separated by dots, \`*\` for any one name)`);
        });
        if (s.pattern !== undefined) this.regex(push, ['sanitizers', i, 'pattern'], s.pattern, '');
      });

      // customRules (only loaded when trusted)
      if (!this.trusted) continue;
      const seen = new Set<string>();
      for (let i = 0; i < (value.customRules ?? []).length; i++) {
        const rule = (value.customRules ?? [])[i];
        await this.checkCustomRule(rule, i, push, byId, seen, knownTypes);
      }
    }
  }

  private regex(push: (path: ValuePath, message: string, severity?: ConfigErrorSeverity, opts?: { inString?: { offset: number; length: number } }) => void, path: ValuePath, source: string, flags: string): void {
    const problem = checkRegex(source, flags);
    if (problem) push(path, problem.message, 'error', { inString: { offset: problem.offset, length: problem.length } });
  }

  private async checkCustomRule(
    rule: CustomRuleConfig,
    i: number,
    push: (path: ValuePath, message: string, severity?: ConfigErrorSeverity, opts?: { atKey?: boolean; inString?: { offset: number; length: number } }) => void,
    builtin: ReadonlyMap<string, RuleDefinition>,
    seen: Set<string>,
    knownTypes: readonly string[],
  ): Promise<void> {
    const at = (...rest: (string | number)[]): ValuePath => ['customRules', i, ...rest];
    if (builtin.has(rule.id)) push(at('id'), `custom rule ${rule.id} has the id of a built-in rule; choose another id`);
    if (seen.has(rule.id)) push(at('id'), `custom rule ${rule.id} is defined twice in this file`);
    seen.add(rule.id);
    const syntaxes = Object.keys(rule.query) as SyntaxFamily[];
    const conditions = rule.where ?? [];
    const wantsData = conditions.some((c) => c.dataTypes || c.categories);
    // Every capture the rule refers to must exist in every language's query.
    const refs: { path: ValuePath; name: string; inString?: { offset: number; length: number } }[] = [];
    conditions.forEach((c, j) => refs.push({ path: at('where', j, 'capture'), name: c.capture }));
    if (rule.report) refs.push({ path: at('report'), name: rule.report });
    if (rule.fix?.capture) refs.push({ path: at('fix', 'capture'), name: rule.fix.capture });
    const templateRefs = (template: string, path: ValuePath, allowData: boolean): void => {
      for (const m of template.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g)) {
        if (allowData && m[1] === DATA_PLACEHOLDER && wantsData) continue;
        refs.push({ path, name: m[1], inString: { offset: m.index ?? 0, length: m[0].length } });
      }
    };
    templateRefs(rule.message, at('message'), true);
    if (rule.fix) templateRefs(rule.fix.replace, at('fix', 'replace'), false);
    for (const syntax of syntaxes) {
      const names = captureNames(rule.query[syntax] ?? '');
      if (names.length === 0) push(at('query', syntax), 'the query has no capture (`@name`): add one to mark what the finding points at');
      for (const r of refs) {
        if (names.includes(r.name)) continue;
        const isData = r.name === DATA_PLACEHOLDER && placeholders(rule.message).includes(DATA_PLACEHOLDER);
        const message = isData
          ? '{{data}} needs a `where` condition with `dataTypes` or `categories`'
          : `capture @${r.name} is not in the ${syntax} query (its captures: ${names.map((n) => `@${n}`).join(', ') || 'none'})`;
        push(r.path, message, 'error', r.inString ? { inString: r.inString } : {});
      }
    }
    conditions.forEach((c, j) => {
      if (c.matches !== undefined) this.regex(push, at('where', j, 'matches'), c.matches, '');
      if (c.notMatches !== undefined) this.regex(push, at('where', j, 'notMatches'), c.notMatches, '');
      (c.dataTypes ?? []).forEach((t, k) => {
        if (!knownTypes.includes(t)) {
          const hint = suggest(t, knownTypes);
          push(at('where', j, 'dataTypes', k), `unknown data type "${t}"${hint ? `; did you mean "${hint}"?` : ''}`);
        }
      });
    });
    if (rule.keywords !== undefined) this.regex(push, at('keywords'), rule.keywords, 'i');
    if (this.options.host) {
      for (const syntax of syntaxes) {
        const source = rule.query[syntax] ?? '';
        let problems;
        try {
          problems = await checkQuery(this.options.host, syntax, source);
        } catch (err) {
          push(at('query', syntax), `cannot check the query: ${(err as Error).message}`, 'warning');
          continue;
        }
        for (const p of problems) push(at('query', syntax), `${rule.id}: ${p.message}`, p.severity, { inString: { offset: p.offset, length: p.length } });
      }
    }
  }
}

function display(from: string, file: string): string {
  const rel = relative(dirname(from), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : rel.split(sep).length <= 4 ? rel : file;
}
