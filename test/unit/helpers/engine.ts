import { nodeHost } from '../../../src/cli/node-host';
import { Engine, type EngineConfig } from '../../../src/core/engine';
import type { RuleDefinition } from '../../../src/core/rule';
import { BUILTIN_RULES } from '../../../src/rules';

export { REPO_ROOT } from './paths';
import { REPO_ROOT } from './paths';

export function makeEngine(options: { rules?: readonly RuleDefinition[]; config?: EngineConfig } = {}): Engine {
  return new Engine(nodeHost({ root: REPO_ROOT }), { rules: options.rules ?? BUILTIN_RULES, config: options.config });
}

/** `ruleId@line` (1-based) of every finding on a text made of `lines`, sorted; only those of `ruleIds` when given. */
export async function findingLines(engine: Engine, path: string, lines: readonly string[], ruleIds?: readonly string[]): Promise<string[]> {
  const r = await engine.analyze({ path, text: `${lines.join('\n')}\n` });
  return r.findings.filter((f) => !ruleIds || ruleIds.includes(f.ruleId)).map((f) => `${f.ruleId}@${f.range.start.line + 1}`).sort();
}
