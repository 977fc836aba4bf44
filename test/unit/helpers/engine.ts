import { nodeHost } from '../../../src/cli/node-host';
import { Engine, type EngineConfig } from '../../../src/core/engine';
import type { RuleDefinition } from '../../../src/core/rule';
import { BUILTIN_RULES } from '../../../src/rules';

export { REPO_ROOT } from './paths';
import { REPO_ROOT } from './paths';

export function makeEngine(options: { rules?: readonly RuleDefinition[]; config?: EngineConfig } = {}): Engine {
  return new Engine(nodeHost({ root: REPO_ROOT }), { rules: options.rules ?? BUILTIN_RULES, config: options.config });
}
