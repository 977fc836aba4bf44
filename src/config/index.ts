/**
 * The config layer: finds, parses, validates and merges the team config (`.sealant.yml` / `.sealant.json`),
 * compiles custom rules, reads and writes the triage file (`.sealant-triage.yml`) and reads baselines. Used by the
 * CLI and the extension alike, so both produce the same findings for the same config.
 *
 * Editor use:
 *   const loaded = await loadWorkspaceConfig(folder.uri.fsPath, { trusted: vscode.workspace.isTrusted, host });
 *   if (loaded.ok) engine = new Engine(host, { rules: loaded.rules, config: loaded.engineConfig }); // else keep the last good one
 *   loaded.errors → diagnostics (file, line, column, endLine, endColumn: 1-based; severity error | warning | info)
 *   loaded.files → watch them; reload on change
 *   findings = applyPolicy(findings, loaded.config, absPath, { triage: new TriageIndex(readTriageFile(p).entries) })
 */
import { Engine } from '../core/engine';
import type { Host } from '../core/host';
import { engineConfigFor, rulesFor } from './engine-config';
import type { ResolvedConfig } from './types';

export { applyBaseline, BaselineError, parseBaseline, readBaseline, type Baseline } from './baseline';
export { compileCustomRule, captureNames, displayText } from './custom-rules';
export { assignConfigs, ConfigSet, configForFile, isInside, nearestConfigFile, projectRoot, type ConfigAssignment, type ConfigSetOptions } from './discovery';
export { callPattern, engineConfigFor, rulesFor, sanitizerDefs, settingFor } from './engine-config';
export { EngineSet } from './engines';
export { configFileIn, configHash, defaultLoadedConfig, loadConfigFile, loadWorkspaceConfig, merge, resolveExtends, type LoadOptions } from './loader';
export { applyPolicy, isIgnored, isTestCode, lowerSeverity, type PolicyOptions } from './policy';
export { checkRegex, MAX_MATCH_INPUT, type RegexProblem } from './regex';
export { CONFIG_SCHEMA, TRIAGE_SCHEMA, validateSchema } from './schema';
export { entryFor, isExpired, isoDay, justification, readTriageFile, TriageIndex, updateTriageFile, type TriageFileData, type TriageStatus } from './triage';
export * from './types';

/** An engine for a merged config (or the built-in defaults): what each scan worker builds from the plain data. */
export function engineFor(host: Host, config: ResolvedConfig | undefined): Engine {
  const rules = rulesFor(config);
  return new Engine(host, { rules, config: engineConfigFor(config, rules) });
}
