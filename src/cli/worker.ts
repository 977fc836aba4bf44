/** A scan worker: takes the next file index from the shared counter until none is left. */
import { parentPort, workerData } from 'node:worker_threads';
import { Engine, type EngineConfig } from '../core/engine';
import { BUILTIN_RULES } from '../rules';
import { nodeHost } from './node-host';
import { analyzeFile } from './scan';

interface Data {
  root: string;
  files: string[];
  config?: EngineConfig;
  counter: SharedArrayBuffer;
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const data = workerData as Data;
  const counter = new Int32Array(data.counter);
  const engine = new Engine(nodeHost(), { rules: BUILTIN_RULES, config: data.config });
  for (;;) {
    const index = Atomics.add(counter, 0, 1);
    if (index >= data.files.length) break;
    port.postMessage({ type: 'start', index });
    try {
      const result = await analyzeFile(engine, data.root, data.files[index]);
      port.postMessage({ type: 'result', index, result });
    } catch (err) {
      port.postMessage({ type: 'error', index, error: String(err) });
    }
  }
  await engine.dispose();
}

void main().then(() => process.exit(0));
