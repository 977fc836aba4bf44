/**
 * The extension's second bundle (dist/engine.js): everything heavy the editor code needs — the engine and its rules
 * and languages, the config loader (yaml, custom-rule regexes), the reporters, the inventory and the CLI's walker and
 * worker pool. dist/extension.js only registers commands, providers, views and watchers at activation, and loads this
 * bundle through engine-loader.ts on first need (the first analysis, scan, command or view that needs it), so that
 * activation does not pay for compiling it. No `vscode` import here or below: the editor code keeps that to itself.
 *
 * Editor modules import only types from these modules and take every value from `engine()`: a value import would
 * put a second copy of the module into dist/extension.js (scripts/build.mjs checks that none does).
 */
export { Engine, EngineCrashedError } from '../core/engine';
export { BUILTIN_RULES } from '../rules';
export { applyPolicy, assignConfigs, ConfigSet, defaultLoadedConfig, entryFor, isIgnored, loadWorkspaceConfig, readTriageFile, TriageIndex, updateTriageFile } from '../config';
export { formatResult } from '../reporters';
export { buildInventory, buildPersonalDataTree, formatInventory, formatInventoryHtml, INVENTORY_FORMATS, schemaFileFacts } from '../inventory';
export { openResultCache } from '../cli/cache';
export { findSchemaFiles } from '../cli/commands/inventory';
export { teamDescriptors } from '../cli/project';
export { defaultJobs, runScan, stopIdleWorkers } from '../cli/scan';
export { DEFAULT_EXCLUDES, toPosix, walk } from '../cli/walk';
export { default as ignore } from 'ignore';
