/** A scan worker: takes the next file index from the shared counter until none is left. */
import { writeSync } from 'node:fs';
import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { EngineCrashedError, type EngineConfig } from '../core/engine';
import { EngineSet } from '../config/engines';
import type { ResolvedConfig } from '../config/types';
import { languageForPath, type LanguageInfo } from '../languages/registry';
import { nodeHost } from './node-host';
import { analyzeFile } from './scan';

interface Data {
  root: string;
  files: string[];
  config?: EngineConfig;
  /** Team configs and each file's config index (see ScanRequest.teamConfigs). */
  teamConfigs?: ResolvedConfig[];
  configOf?: Record<string, number>;
  counter: SharedArrayBuffer;
}

/** Exit code of a worker whose engine crashed (tree-sitter trapped): the pool replaces it. */
const EXIT_ENGINE_CRASHED = 3;

/**
 * TEST-ONLY hooks (test/unit/workers.test.ts, test/unit/hostile.test.ts), never set in normal use: comma-separated
 * file names (base names) on which this worker crashes with an uncaught exception (SEALANT_TEST_CRASH_ON) or hangs
 * in a busy loop (SEALANT_TEST_HANG_ON), so the tests can prove that the pool replaces it and reports the file.
 */
function testHook(file: string): Promise<void> | undefined {
  const name = basename(file);
  const listed = (v: string | undefined) => !!v && v.split(',').includes(name);
  if (listed(process.env.SEALANT_TEST_CRASH_ON)) {
    setImmediate(() => {
      throw new Error(`test crash on ${name} (SEALANT_TEST_CRASH_ON)`);
    });
    return new Promise<void>(() => undefined);
  }
  if (listed(process.env.SEALANT_TEST_HANG_ON)) {
    writeSync(2, `sealant-test: hanging on ${name}\n`);
    for (;;) {
      // busy until the watchdog terminates this thread
    }
  }
  return undefined;
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const data = workerData as Data;
  const counter = new Int32Array(data.counter);
  const engines = new EngineSet(nodeHost(), data.config, data.teamConfigs);
  const hooks = !!(process.env.SEALANT_TEST_CRASH_ON || process.env.SEALANT_TEST_HANG_ON);
  // Load the grammars (and compile the queries) of the scan's languages before taking a file, so the pool's
  // per-file watchdog measures analysis, not start-up.
  const warm = new Map<string, { config: number | undefined; language: LanguageInfo }>();
  for (const file of data.files) {
    const language = languageForPath(file);
    const config = data.configOf?.[file];
    if (language) warm.set(`${config}:${language.grammar}`, { config, language });
  }
  for (const { config, language } of warm.values()) (await engines.get(config).parse(language, ''))?.delete();
  for (;;) {
    const index = Atomics.add(counter, 0, 1);
    if (index >= data.files.length) break;
    port.postMessage({ type: 'start', index });
    const crash = hooks ? testHook(data.files[index]) : undefined;
    if (crash) return crash;
    try {
      const result = await analyzeFile(engines.get(data.configOf?.[data.files[index]]), data.root, data.files[index]);
      port.postMessage({ type: 'result', index, result });
    } catch (err) {
      port.postMessage({ type: 'error', index, error: String(err) });
      // tree-sitter's memory may be corrupt: stop; the pool starts a fresh worker for the remaining files.
      if (err instanceof EngineCrashedError) process.exit(EXIT_ENGINE_CRASHED);
    }
  }
  await engines.dispose();
}

void main().then(() => process.exit(0));
