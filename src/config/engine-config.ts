/**
 * From the merged config (plain data) to what the engine consumes: an `EngineConfig` and the rule list
 * (built-in rules plus the compiled custom rules). Pure and deterministic, so the CLI, each scan worker and the
 * extension build the same engine from the same data.
 */
import type { EngineConfig, RuleSetting } from '../core/engine';
import type { RuleDefinition } from '../core/rule';
import type { SanitizerDef } from '../rules/sanitizers';
import { BUILTIN_RULES } from '../rules';
import { compileCustomRule } from './custom-rules';
import type { ResolvedConfig, RuleSettingConfig, SanitizerConfig } from './types';

/** Built-in rules followed by the config's custom rules. */
export function rulesFor(config: ResolvedConfig | undefined, builtin: readonly RuleDefinition[] = BUILTIN_RULES): RuleDefinition[] {
  return [...builtin, ...(config?.customRules ?? []).map(compileCustomRule)];
}

/** The setting that applies to a rule id: `<family>/*` first, then the rule's own entry on top. */
export function settingFor(rules: Record<string, RuleSettingConfig>, id: string): RuleSetting | undefined {
  const family = rules[`${id.slice(0, id.indexOf('/'))}/*`];
  const own = rules[id];
  if (family === undefined && own === undefined) return undefined;
  const a = normalise(family);
  const b = normalise(own);
  const options = a.options || b.options ? { ...(a.options ?? {}), ...(b.options ?? {}) } : undefined;
  const severity = b.severity ?? a.severity;
  return { ...(severity !== undefined ? { severity } : {}), ...(options ? { options } : {}) };
}

export function normalise(setting: RuleSettingConfig | undefined): RuleSetting {
  if (setting === undefined) return {};
  if (typeof setting === 'string') return { severity: setting };
  return { ...(setting.severity !== undefined ? { severity: setting.severity } : {}), ...(setting.options ? { options: { ...setting.options } } : {}) };
}

/** A callee name (`encryptPii`, `vault.seal`, `@acme/crypto.seal`, `*.seal`) as a regex on resolved callee paths. */
export function callPattern(name: string): string {
  const escaped = name
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&'))
    .join('[^.()]*');
  return `(^|\\.)${escaped}$`;
}

export function sanitizerDefs(list: readonly SanitizerConfig[]): SanitizerDef[] {
  return list.map((s) => {
    const calls = s.call === undefined ? [] : Array.isArray(s.call) ? s.call : [s.call];
    const path = s.pattern ?? calls.map((c) => `(?:${callPattern(c)})`).join('|');
    return {
      kind: s.kind === 'redact' ? 'mask' : s.kind,
      path,
      ...(s.languages ? { syntax: [...s.languages] } : {}),
      label: s.label ?? (calls.length ? `team sanitizer ${calls.join(', ')}` : 'team sanitizer'),
    };
  });
}

/** The engine's view of a merged config. */
export function engineConfigFor(config: ResolvedConfig | undefined, rules: readonly RuleDefinition[] = rulesFor(config)): EngineConfig {
  if (!config) return {};
  const settings: Record<string, RuleSetting> = {};
  for (const r of rules) {
    const s = settingFor(config.rules, r.id);
    if (s) settings[r.id] = s;
  }
  const out: EngineConfig = {};
  if (Object.keys(settings).length) out.rules = settings;
  if (config.sanitizers.length) out.sanitizers = sanitizerDefs(config.sanitizers);
  const d = config.dataTypes;
  if (d.types.length || Object.keys(d.synonyms).length || Object.keys(d.exclusions).length) {
    out.dataTypes = {
      ...(d.types.length ? { types: d.types.map((t) => ({ ...t, names: [...t.names], exclude: [...(t.exclude ?? [])], wholeNames: [...(t.wholeNames ?? [])] })) } : {}),
      ...(Object.keys(d.synonyms).length ? { synonyms: structuredClone(d.synonyms) } : {}),
      ...(Object.keys(d.exclusions).length ? { exclusions: structuredClone(d.exclusions) } : {}),
    };
  }
  if (config.hosts.allowInsecure.length || config.hosts.approved) {
    out.hosts = { allowInsecure: [...config.hosts.allowInsecure], ...(config.hosts.approved ? { approved: [...config.hosts.approved] } : {}) };
  }
  return out;
}
