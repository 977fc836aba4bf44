/**
 * Engines for a scan whose files fall under different team configs (nested `.sealant.yml` files): one engine per
 * config, made on first use. Scan workers get the configs as plain data and build the same engines here, since
 * custom rules hold functions that cannot cross threads.
 */
import { Engine, type EngineConfig } from '../core/engine';
import type { Host } from '../core/host';
import { BUILTIN_RULES } from '../rules';
import { engineConfigFor, rulesFor } from './engine-config';
import type { ResolvedConfig } from './types';

export class EngineSet {
  private readonly engines = new Map<number, Engine>();

  /**
   * @param base the engine config of files without a team config (index -1 or undefined)
   * @param team the team configs, by index
   */
  constructor(
    private readonly host: Host,
    private readonly base: EngineConfig | undefined,
    private readonly team: readonly ResolvedConfig[] = [],
  ) {}

  /** The engine of a config index (-1 or undefined: the base config). */
  get(index: number | undefined): Engine {
    const i = index !== undefined && index >= 0 && index < this.team.length ? index : -1;
    let engine = this.engines.get(i);
    if (!engine) {
      if (i < 0) engine = new Engine(this.host, { rules: BUILTIN_RULES, config: this.base });
      else {
        const rules = rulesFor(this.team[i]);
        engine = new Engine(this.host, { rules, config: { ...engineConfigFor(this.team[i], rules), ...(this.base?.inventory ? { inventory: true } : {}) } });
      }
      this.engines.set(i, engine);
    }
    return engine;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.engines.values()].map((e) => e.dispose()));
    this.engines.clear();
  }
}
