/**
 * The config layer's data: what a config file says (`SealantConfig`, generated from the JSON Schema), what
 * the merged result is (`ResolvedConfig`, plain data that crosses worker threads), and how a problem is
 * reported (`ConfigError`, with the file, line and column to show it at).
 */
import type { EngineConfig } from '../core/engine';
import type { RuleDefinition } from '../core/rule';
import type {
  CustomRuleConfig, DataTypeConfig, RuleSetting as RuleSettingConfig, SanitizerConfig,
} from './schema-types';

export type {
  CaptureCondition, CustomRuleConfig, CustomRuleFix, CustomRuleQuery, DataTypeConfig, DataTypesConfig, HostsConfig,
  Level, RuleOptionValue, RuleSettingObject, SanitizerConfig, SealantConfig, SealantTriageFile, TriageEntry,
} from './schema-types';
export type { RuleSettingConfig };

/** The names Sealant looks for, in order of preference, in each folder. */
export const CONFIG_FILES: readonly string[] = Object.freeze(['.sealant.yml', '.sealant.json']);
export const TRIAGE_FILE = '.sealant-triage.yml';

export type ConfigErrorSeverity = 'error' | 'warning' | 'info';

/** A problem in a config (or triage) file, at a position: 1-based line and column, end exclusive. */
export interface ConfigError {
  /** Absolute path of the file the problem is in. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The field, written as a path: `rules.storage/x.severity`, `customRules[0].query.js`; `(file)` for the whole file. */
  field: string;
  message: string;
  severity: ConfigErrorSeverity;
}

/** The merged config: plain data (no functions), the same in the CLI, its workers and the extension. */
export interface ResolvedConfig {
  /** The config file applied; undefined when no config file was found (built-in defaults). */
  file?: string;
  /** The folder `ignore` and `testPaths` globs are relative to. */
  dir: string;
  /** Every file merged into this config, extended files first, the applied file last. */
  sources: string[];
  /** False in an untrusted workspace: `extends` and `customRules` were not loaded. */
  trusted: boolean;
  rules: Record<string, RuleSettingConfig>;
  dataTypes: { types: DataTypeConfig[]; synonyms: Record<string, string[]>; exclusions: Record<string, string[]> };
  sanitizers: SanitizerConfig[];
  /** `approved` is undefined unless some config lists approved hosts (then the unapproved-recipient check runs). */
  hosts: { approved?: string[]; allowInsecure: string[] };
  ignore: string[];
  testPaths: string[];
  customRules: CustomRuleConfig[];
}

/** A loaded config, ready for an engine. */
export interface LoadedConfig {
  /** The config file applied (undefined: none found, defaults). */
  file: string | undefined;
  /** False when `errors` holds an error: `config`, `engineConfig` and `rules` are then the built-in defaults. */
  ok: boolean;
  config: ResolvedConfig;
  engineConfig: EngineConfig;
  /** Built-in rules followed by the custom rules, for `new Engine(host, { rules, config: engineConfig })`. */
  rules: RuleDefinition[];
  /** Errors, warnings and notes, each at its file, line and column. */
  errors: ConfigError[];
  /** Every file read or looked for (including missing `extends` targets), for file watchers. */
  files: string[];
  /** A hash of the merged config, for cache keys. */
  hash: string;
}

export function emptyConfig(dir: string, trusted = true): ResolvedConfig {
  return {
    dir,
    sources: [],
    trusted,
    rules: {},
    dataTypes: { types: [], synonyms: {}, exclusions: {} },
    sanitizers: [],
    hosts: { allowInsecure: [] },
    ignore: [],
    testPaths: [],
    customRules: [],
  };
}

/** `file:line:column: error: field: message` — the form compilers print, which editors' problem matchers parse. */
export function formatConfigError(e: ConfigError, relativeTo?: (file: string) => string): string {
  const where = `${relativeTo ? relativeTo(e.file) : e.file}:${e.line}:${e.column}`;
  return `${where}: ${e.severity}: ${e.field === '(file)' ? '' : `${e.field}: `}${e.message}`;
}
