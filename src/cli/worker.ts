/**
 * A scan worker: for each scan it is given, takes the next file index from the scan's shared counter until none is
 * left, then says `done` and waits for the next scan (the pool keeps idle workers for a while; see scan.ts).
 */
import { writeSync } from 'node:fs';
import { basename } from 'node:path';
import { parentPort, type MessagePort } from 'node:worker_threads';
import { EngineCrashedError, type EngineConfig } from '../core/engine';
import { EngineSet } from '../config/engines';
import type { ResolvedConfig } from '../config/types';
import { languageForPath, type LanguageInfo } from '../languages/registry';
import { nodeHost } from './node-host';
import { analyzeFile } from './scan';

/** What the pool sends a worker for each scan (the worker stays for the next scan; see scan.ts). */
export interface ScanJob {
  type: 'scan';
  root: string;
  files: readonly string[];
  config?: EngineConfig;
  /** Team configs and each file's config index (see ScanRequest.teamConfigs). */
  teamConfigs?: ResolvedConfig[];
  configOf?: Record<string, number>;
  /** The scan's shared counter: the index of the next file to take. */
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

/** The engines of the last scan's configs, kept while the next scan brings the same configs. */
let engines: { key: string; set: EngineSet } | undefined;

async function enginesFor(job: ScanJob): Promise<EngineSet> {
  const key = JSON.stringify([job.config ?? null, job.teamConfigs ?? null]);
  if (engines?.key === key) return engines.set;
  await engines?.set.dispose();
  engines = { key, set: new EngineSet(nodeHost(), job.config, job.teamConfigs) };
  return engines.set;
}

async function scan(port: MessagePort, job: ScanJob): Promise<void> {
  const counter = new Int32Array(job.counter);
  const set = await enginesFor(job);
  const hooks = !!(process.env.SEALANT_TEST_CRASH_ON || process.env.SEALANT_TEST_HANG_ON);
  // Load the grammars (and compile the queries) of the scan's languages before taking a file, so the pool's
  // per-file watchdog measures analysis, not start-up (a no-op for what an earlier scan loaded).
  const warm = new Map<string, { config: number | undefined; language: LanguageInfo }>();
  for (const file of job.files) {
    const language = languageForPath(file);
    const config = job.configOf?.[file];
    if (language) warm.set(`${config}:${language.grammar}`, { config, language });
  }
  for (const { config, language } of warm.values()) (await set.get(config).parse(language, ''))?.delete();
  for (;;) {
    const index = Atomics.add(counter, 0, 1);
    if (index >= job.files.length) break;
    port.postMessage({ type: 'start', index });
    const crash = hooks ? testHook(job.files[index]) : undefined;
    if (crash) return crash;
    try {
      const result = await analyzeFile(set.get(job.configOf?.[job.files[index]]), job.root, job.files[index]);
      port.postMessage({ type: 'result', index, result });
    } catch (err) {
      port.postMessage({ type: 'error', index, error: String(err) });
      // tree-sitter's memory may be corrupt: stop; the pool starts a fresh worker for the remaining files.
      if (err instanceof EngineCrashedError) process.exit(EXIT_ENGINE_CRASHED);
    }
  }
  port.postMessage({ type: 'done' });
}

/**
 * Scans come one at a time: the pool gives a worker its next scan only after its `done`. A scan that throws
 * ends the thread (an unhandled rejection), which the pool reports like any other crash.
 */
const port = parentPort;
if (port) {
  port.on('message', (job: ScanJob | { type: 'gc' }) => {
    if (job.type === 'scan') void scan(port, job);
    // The benchmark's memory figures: collect this thread's garbage too (only where node runs with --expose-gc).
    else if (job.type === 'gc') {
      globalThis.gc?.();
      port.postMessage({ type: 'gc' });
    }
  });
}
