/**
 * Scanning many files: one engine per worker thread, the next file taken from a shared counter
 * (as ESLint's workers do). Shared by the CLI and the extension's workspace scan. With one job, or
 * when the worker bundle is not available (tests run from source), files are scanned in-process.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Engine, type EngineConfig } from '../core/engine';
import { NEVER_CANCELLED, type Cancellation } from '../core/host';
import type { FileResult, SkippedFile } from '../core/types';
import { BUILTIN_RULES } from '../rules';
import { nodeHost } from './node-host';
import { readSource } from './read';
import { toPosix } from './walk';

export interface ScanRequest {
  root: string;
  /** Absolute file paths. */
  files: readonly string[];
  jobs?: number;
  config?: EngineConfig;
  onProgress?(done: number, total: number): void;
  cancellation?: Cancellation;
  /** Worker bundle; defaults to worker.js beside this bundle. */
  workerScript?: string;
}

export interface ScanOutput {
  files: FileResult[];
  skipped: SkippedFile[];
  /** Files whose analysis failed (a crashed worker, an engine error). */
  failed: SkippedFile[];
  cancelled: boolean;
}

export function defaultJobs(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

/** Analyse one file from disk with an engine (used in-process and inside workers). */
export async function analyzeFile(engine: Engine, root: string, abs: string): Promise<FileResult> {
  const path = toPosix(root, abs);
  const read = await readSource(abs);
  if ('skipped' in read) return { path, language: engine.languageOf({ path })?.id ?? 'unknown', findings: [], parsed: false, ms: 0, lines: 0, skipped: { path, ...read.skipped } };
  return engine.analyze({ path, text: read.text });
}

export async function runScan(req: ScanRequest): Promise<ScanOutput> {
  const jobs = Math.max(1, Math.min(req.jobs ?? defaultJobs(), req.files.length || 1));
  const script = req.workerScript ?? join(__dirname, 'worker.js');
  if (jobs === 1 || !existsSync(script) || req.files.length < 4) return scanInProcess(req);
  return scanWithWorkers(req, jobs, script);
}

async function scanInProcess(req: ScanRequest): Promise<ScanOutput> {
  const engine = new Engine(nodeHost(), { rules: BUILTIN_RULES, config: req.config });
  const cancellation = req.cancellation ?? NEVER_CANCELLED;
  const out: ScanOutput = { files: [], skipped: [], failed: [], cancelled: false };
  try {
    for (const abs of req.files) {
      if (cancellation.isCancellationRequested) {
        out.cancelled = true;
        break;
      }
      try {
        collect(out, await analyzeFile(engine, req.root, abs));
      } catch (err) {
        out.failed.push({ path: toPosix(req.root, abs), reason: 'error', detail: String(err) });
      }
      req.onProgress?.(out.files.length + out.skipped.length + out.failed.length, req.files.length);
    }
  } finally {
    await engine.dispose();
  }
  return out;
}

function collect(out: ScanOutput, r: FileResult): void {
  if (r.skipped) out.skipped.push(r.skipped);
  else out.files.push(r);
}

interface WorkerMessage {
  type: 'start' | 'result' | 'error' | 'done';
  index?: number;
  result?: FileResult;
  error?: string;
}

function scanWithWorkers(req: ScanRequest, jobs: number, script: string): Promise<ScanOutput> {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const out: ScanOutput = { files: [], skipped: [], failed: [], cancelled: false };
  const total = req.files.length;
  let done = 0;
  let live = 0;
  const workers = new Set<Worker>();
  const cancellation = req.cancellation ?? NEVER_CANCELLED;

  return new Promise<ScanOutput>((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(watch);
      for (const w of workers) void w.terminate();
      out.files.sort((a, b) => a.path.localeCompare(b.path));
      resolve(out);
    };
    const watch = setInterval(() => {
      if (cancellation.isCancellationRequested && !out.cancelled) {
        out.cancelled = true;
        Atomics.store(counter, 0, total);
        finish();
      }
    }, 50);

    const spawn = () => {
      const worker = new Worker(script, { workerData: { root: req.root, files: req.files, config: req.config, counter: counter.buffer } });
      workers.add(worker);
      live++;
      let current: number | undefined;
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'start') current = m.index;
        else if (m.type === 'result' && m.result) {
          current = undefined;
          collect(out, m.result);
          done++;
          req.onProgress?.(done, total);
        } else if (m.type === 'error' && m.index !== undefined) {
          current = undefined;
          out.failed.push({ path: toPosix(req.root, req.files[m.index]), reason: 'error', detail: m.error ?? 'analysis failed' });
          done++;
          req.onProgress?.(done, total);
        }
      });
      worker.on('exit', (code) => {
        workers.delete(worker);
        live--;
        if (current !== undefined) {
          // The worker died on this file: report it and carry on with a fresh worker.
          out.failed.push({ path: toPosix(req.root, req.files[current]), reason: 'error', detail: `worker exited with code ${code} while analysing this file` });
          done++;
          current = undefined;
          if (!finished && Atomics.load(counter, 0) < total) spawn();
        }
        if (live === 0) finish();
      });
      worker.on('error', () => {
        // 'exit' follows and handles the file in progress.
      });
    };
    for (let i = 0; i < jobs; i++) spawn();
  });
}
