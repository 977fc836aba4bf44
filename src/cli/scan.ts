/**
 * Scanning many files: one engine per worker thread, the next file taken from a shared counter
 * (as ESLint's workers do). Shared by the CLI and the extension's workspace scan. With one job, or
 * when the worker bundle is not available (tests run from source), files are scanned in-process.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Engine, type EngineConfig } from '../core/engine';
import { NEVER_CANCELLED, type Cancellation } from '../core/host';
import type { FileResult, SkippedFile } from '../core/types';
import { EngineSet } from '../config/engines';
import type { ResolvedConfig } from '../config/types';
import { languageForPath } from '../languages/registry';
import { contentHash, type ResultCache } from './cache';
import { nodeHost } from './node-host';
import { readSourceSync } from './read';
import type { ScanJob } from './worker';
import { toPosix } from './walk';

export interface ScanRequest {
  root: string;
  /** Absolute file paths. */
  files: readonly string[];
  jobs?: number;
  config?: EngineConfig;
  /**
   * Team configs as plain data (each worker builds the same rules from them: custom rules hold functions, which
   * do not cross threads), and the index of each file's config by absolute path; files not listed use `config`.
   */
  teamConfigs?: ResolvedConfig[];
  configOf?: Readonly<Record<string, number>>;
  onProgress?(done: number, total: number): void;
  cancellation?: Cancellation;
  /** Worker bundle; defaults to worker.js beside this bundle. */
  workerScript?: string;
  /**
   * Watchdog: a worker busy with one file for longer than this is stopped and replaced, and the file reported
   * as failed (default DEFAULT_FILE_TIMEOUT_MS, or the environment variable SEALANT_FILE_TIMEOUT_MS).
   */
  fileTimeoutMs?: number;
  /** How long the scan's workers are kept for the next scan once it is over (default IDLE_WORKER_MS; 0: stopped). */
  idleWorkerMs?: number;
  /** Result cache (see cache.ts): unchanged files are not analysed again. The caller saves it. */
  cache?: ResultCache;
  /**
   * Source bytes each worker past the first must have to be started (default BYTES_PER_WORKER, or the environment
   * variable SEALANT_BYTES_PER_WORKER; 0: always `jobs` workers).
   */
  bytesPerWorker?: number;
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

/**
 * Below this much source per worker, one more worker costs more than it saves: each loads the engine bundle, the
 * grammars and the queries, and optimises its code anew (on 2 cores, 16-256 small files up to 0.84 MB took 60-70 ms
 * less with one worker than with two, and as long at 0.84 MB).
 */
export const BYTES_PER_WORKER = 1 << 20;

/** How many workers a scan starts: `jobs`, or fewer when the files are small (see BYTES_PER_WORKER). */
export function workersFor(files: readonly string[], jobs: number, bytesPerWorker: number): number {
  if (jobs <= 1 || bytesPerWorker <= 0) return jobs;
  // Sizes only until they add up to what `jobs` workers need (a few hundred small files at most).
  const enough = (jobs - 1) * bytesPerWorker;
  let bytes = 0;
  for (const file of files) {
    try {
      bytes += statSync(file).size;
    } catch {
      // Unreadable now: reading it reports it.
    }
    if (bytes >= enough) return jobs;
  }
  return Math.min(jobs, 1 + Math.floor(bytes / bytesPerWorker));
}

/**
 * Source files are read synchronously: files are small and mostly in the page cache, and a synchronous read
 * costs a tenth of fs.promises.readFile's round trips through the thread pool (measured by `npm run bench`).
 * read.ts refuses a file that grew past the size limit or was replaced by a FIFO since the walk.
 */
export { readSourceSync };

/** Analyse one file from disk with an engine (used in-process and inside workers). */
export async function analyzeFile(engine: Engine, root: string, abs: string): Promise<FileResult> {
  const path = toPosix(root, abs);
  const read = readSourceSync(abs);
  if ('skipped' in read) return { path, language: engine.languageOf({ path })?.id ?? 'unknown', findings: [], parsed: false, ms: 0, lines: 0, skipped: { path, ...read.skipped } };
  return engine.analyze({ path, text: read.text });
}

export async function runScan(req: ScanRequest): Promise<ScanOutput> {
  return req.cache ? scanWithCache(req, req.cache) : scanUncached(req);
}

function scanUncached(req: ScanRequest): Promise<ScanOutput> {
  const jobs = Math.max(1, Math.min(req.jobs ?? defaultJobs(), req.files.length || 1));
  const script = req.workerScript ?? join(__dirname, 'worker.js');
  if (jobs === 1 || !existsSync(script) || req.files.length < 4) return scanInProcess(req);
  const perWorker = req.bytesPerWorker ?? envNumber('SEALANT_BYTES_PER_WORKER') ?? BYTES_PER_WORKER;
  return scanWithWorkers(req, workersFor(req.files, jobs, perWorker), script);
}

async function scanInProcess(req: ScanRequest): Promise<ScanOutput> {
  const engines = new EngineSet(nodeHost(), req.config, req.teamConfigs);
  const cancellation = req.cancellation ?? NEVER_CANCELLED;
  const out: ScanOutput = { files: [], skipped: [], failed: [], cancelled: false };
  try {
    for (const abs of req.files) {
      if (cancellation.isCancellationRequested) {
        out.cancelled = true;
        break;
      }
      try {
        collect(out, await analyzeFile(engines.get(req.configOf?.[abs]), req.root, abs));
      } catch (err) {
        out.failed.push({ path: toPosix(req.root, abs), reason: 'error', detail: String(err) });
      }
      req.onProgress?.(out.files.length + out.skipped.length + out.failed.length, req.files.length);
    }
  } finally {
    await engines.dispose();
  }
  return out;
}

/**
 * Looks every file up in the cache by the hash of its bytes (read here), analyses only the
 * misses, and stores their results.
 */
async function scanWithCache(req: ScanRequest, cache: ResultCache): Promise<ScanOutput> {
  const hits: FileResult[] = [];
  const misses: string[] = [];
  const hashes = new Map<string, string>();
  for (const abs of req.files) {
    const path = toPosix(req.root, abs);
    let hash: string;
    try {
      hash = contentHash(readFileSync(abs));
    } catch {
      misses.push(abs); // the analysis reports it as unreadable
      continue;
    }
    const hit = cache.get(path, hash);
    if (hit) hits.push(hit);
    else {
      hashes.set(path, hash);
      misses.push(abs);
    }
  }
  if (hits.length > 0) req.onProgress?.(hits.length, req.files.length);
  const rest: ScanOutput = misses.length > 0
    ? await scanUncached({ ...req, files: misses, onProgress: req.onProgress && ((done) => req.onProgress?.(hits.length + done, req.files.length)) })
    : { files: [], skipped: [], failed: [], cancelled: false };
  for (const r of rest.files) {
    const hash = hashes.get(r.path);
    if (hash) cache.set(r.path, hash, r);
  }
  for (const s of rest.skipped) {
    const hash = hashes.get(s.path);
    if (hash) cache.set(s.path, hash, { path: s.path, language: languageForPath(s.path)?.id ?? 'unknown', findings: [], parsed: false, ms: 0, lines: 0, skipped: s });
  }
  const out: ScanOutput = { ...rest, files: [...rest.files], skipped: [...rest.skipped] };
  for (const hit of hits) collect(out, hit);
  out.files.sort((a, b) => a.path.localeCompare(b.path));
  return out;
}

function collect(out: ScanOutput, r: FileResult): void {
  if (r.skipped) out.skipped.push(r.skipped);
  else out.files.push(r);
}

interface WorkerMessage {
  type: 'start' | 'result' | 'error' | 'done' | 'gc';
  index?: number;
  result?: FileResult;
  error?: string;
}

/** How long a worker may spend on one file before the watchdog stops it (the engine's own budgets are 5 s + 20 s). */
export const DEFAULT_FILE_TIMEOUT_MS = 60_000;

/** A worker that has not started its first file this long after it was created is stuck starting up. */
const STARTUP_TIMEOUT_MS = 120_000;

/** Workers that exit before analysing anything, in a row, after which no new one is started. */
const MAX_START_FAILURES = 3;

function fileTimeoutMs(req: ScanRequest): number {
  if (req.fileTimeoutMs && req.fileTimeoutMs > 0) return req.fileTimeoutMs;
  const env = envNumber('SEALANT_FILE_TIMEOUT_MS');
  return env !== undefined && env > 0 ? env : DEFAULT_FILE_TIMEOUT_MS;
}

/** A number from the environment, or undefined when the variable is unset or not a number. */
function envNumber(name: string): number | undefined {
  const value = process.env[name];
  const n = value === undefined || value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Terminates a worker and resolves once its thread has exited (or after 2 s, should it not). */
function stopWorker(worker: Worker): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    worker.terminate().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

/**
 * How long a worker with nothing to do is kept for the next scan (the extension scans a workspace again and again):
 * it then starts warm, with its grammars loaded, queries compiled and code optimised.
 */
export const IDLE_WORKER_MS = 60_000;

/** A worker thread that may serve several scans, one at a time; `scan` receives its events while it serves one. */
interface PooledWorker {
  worker: Worker;
  script: string;
  /** The SEALANT_ environment variables it was started with (a worker copies process.env when it is created). */
  env: string;
  scan?: { message(m: WorkerMessage): void; error(err: unknown): void; exit(code: number): void };
  idleTimer?: NodeJS.Timeout;
}

const idleWorkers: PooledWorker[] = [];
let workersCreated = 0;

function sealantEnv(): string {
  return Object.keys(process.env).filter((k) => k.startsWith('SEALANT_')).sort().map((k) => `${k}=${process.env[k]}`).join('\n');
}

/** An idle worker of this bundle, or a new one. */
function acquireWorker(script: string): PooledWorker {
  const env = sealantEnv();
  const i = idleWorkers.findIndex((w) => w.script === script && w.env === env);
  if (i >= 0) {
    const [pooled] = idleWorkers.splice(i, 1);
    clearTimeout(pooled.idleTimer);
    pooled.worker.ref();
    return pooled;
  }
  const pooled: PooledWorker = { worker: new Worker(script), script, env };
  workersCreated++;
  pooled.worker.on('message', (m: WorkerMessage) => pooled.scan?.message(m));
  pooled.worker.on('error', (err) => pooled.scan?.error(err));
  pooled.worker.on('exit', (code) => {
    const idle = idleWorkers.indexOf(pooled);
    if (idle >= 0) idleWorkers.splice(idle, 1);
    clearTimeout(pooled.idleTimer);
    pooled.scan?.exit(code);
  });
  return pooled;
}

/** Keeps a worker that finished its scan for the next one; it does not keep the process alive meanwhile. */
function releaseWorker(pooled: PooledWorker, idleMs: number): void {
  pooled.scan = undefined;
  pooled.worker.unref();
  idleWorkers.push(pooled);
  pooled.idleTimer = setTimeout(() => {
    const i = idleWorkers.indexOf(pooled);
    if (i >= 0) idleWorkers.splice(i, 1);
    void stopWorker(pooled.worker);
  }, idleMs);
  pooled.idleTimer.unref();
}

/** Stops the idle workers (the extension's deactivate; tests). Workers serving a scan are left to it. */
export async function stopIdleWorkers(): Promise<void> {
  const idle = idleWorkers.splice(0);
  for (const w of idle) clearTimeout(w.idleTimer);
  await Promise.all(idle.map((w) => stopWorker(w.worker)));
}

/**
 * Collects the garbage of every idle worker (node with --expose-gc; else a no-op): the benchmark reads RSS after
 * collecting in every thread, so that its growth figure means retained memory.
 */
export async function collectIdleWorkerGarbage(): Promise<void> {
  await Promise.all(idleWorkers.map((w) => new Promise<void>((resolve) => {
    const answered = (m?: { type?: string }) => {
      if (m && m.type !== 'gc') return;
      w.worker.off('message', answered);
      w.worker.off('exit', answered);
      if (idleWorkers.includes(w)) w.worker.unref();
      resolve();
    };
    w.worker.on('message', answered);
    w.worker.on('exit', answered);
    // Idle workers do not keep the process alive; while it waits for their answer, they must.
    w.worker.ref();
    w.worker.postMessage({ type: 'gc' });
  })));
}

/** Idle workers now, and workers started since the process began (for tests and the benchmark). */
export function workerPoolStats(): { idle: number; created: number } {
  return { idle: idleWorkers.length, created: workersCreated };
}

interface Slot {
  worker: Worker;
  /** Index of the file being analysed. */
  current?: number;
  since: number;
  /** Files started and files finished by this worker. */
  started: number;
  analysed: number;
  /** The watchdog stopped this worker. */
  stopped: boolean;
  error?: string;
}

/**
 * The pool. Every file ends up in exactly one of files, skipped or failed: a worker that crashes or exceeds the
 * per-file budget is replaced and its file reported as failed; a file a dead worker had taken but not started,
 * and any file left when no worker can be started, is reported too. A worker that says `done` is kept idle for
 * the next scan. Cancelling stops every worker of the scan and resolves only once their threads have exited.
 */
function scanWithWorkers(req: ScanRequest, jobs: number, script: string): Promise<ScanOutput> {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const out: ScanOutput = { files: [], skipped: [], failed: [], cancelled: false };
  const total = req.files.length;
  const settled = new Uint8Array(total);
  const budget = fileTimeoutMs(req);
  const idleMs = req.idleWorkerMs ?? IDLE_WORKER_MS;
  const job = { type: 'scan', root: req.root, files: req.files, config: req.config, teamConfigs: req.teamConfigs, configOf: req.configOf, counter: counter.buffer } satisfies ScanJob;
  let done = 0;
  let startFailures = 0;
  let lastProblem = 'the scan workers stopped';
  const slots = new Set<Slot>();
  const cancellation = req.cancellation ?? NEVER_CANCELLED;

  const settle = (index: number, result: FileResult | undefined, failure?: Omit<SkippedFile, 'path'>): void => {
    if (index < 0 || index >= total || settled[index]) return;
    settled[index] = 1;
    if (result) collect(out, result);
    else if (failure) out.failed.push({ path: toPosix(req.root, req.files[index]), ...failure });
    done++;
    req.onProgress?.(done, total);
  };

  return new Promise<ScanOutput>((resolve) => {
    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      clearInterval(watch);
      Atomics.store(counter, 0, total);
      await Promise.all([...slots].map((s) => stopWorker(s.worker)));
      if (!out.cancelled) {
        for (let i = 0; i < total; i++) if (!settled[i]) settle(i, undefined, { reason: 'error', detail: `not analysed: ${lastProblem}` });
      }
      out.files.sort((a, b) => a.path.localeCompare(b.path));
      resolve(out);
    };
    const watch = setInterval(() => {
      if (cancellation.isCancellationRequested && !out.cancelled) {
        out.cancelled = true;
        void finish();
        return;
      }
      const now = Date.now();
      for (const slot of slots) {
        if (slot.current === undefined && slot.started === 0 && !slot.stopped && now - slot.since > STARTUP_TIMEOUT_MS) {
          slot.error = `did not start within ${STARTUP_TIMEOUT_MS / 1000} s`;
          void slot.worker.terminate();
          continue;
        }
        if (slot.current === undefined || slot.stopped || now - slot.since <= budget) continue;
        // Hung on one file (a runaway regex, a grammar stuck in a loop): stop it; 'exit' starts a replacement.
        slot.stopped = true;
        settle(slot.current, undefined, { reason: 'parse-timeout', detail: `analysis did not finish within ${budget / 1000} s; the worker was stopped and replaced` });
        slot.current = undefined;
        void slot.worker.terminate();
      }
    }, 50);

    const spawn = () => {
      const pooled = acquireWorker(script);
      const slot: Slot = { worker: pooled.worker, since: Date.now(), started: 0, analysed: 0, stopped: false };
      slots.add(slot);
      pooled.scan = {
        message: (m) => {
          if (m.type === 'start' && m.index !== undefined) {
            slot.current = m.index;
            slot.since = Date.now();
            slot.started++;
          } else if (m.type === 'result' && m.result && m.index !== undefined) {
            slot.current = undefined;
            slot.analysed++;
            settle(m.index, m.result);
          } else if (m.type === 'error' && m.index !== undefined) {
            slot.current = undefined;
            slot.analysed++;
            settle(m.index, undefined, { reason: 'error', detail: m.error ?? 'analysis failed' });
          } else if (m.type === 'done' && !finished && !slot.stopped) {
            // Every file is taken: this worker waits idle for the next scan.
            slots.delete(slot);
            if (idleMs > 0) releaseWorker(pooled, idleMs);
            else {
              pooled.scan = undefined; // its exit is no event of this scan
              void stopWorker(pooled.worker);
            }
            if (slots.size === 0) void finish();
          }
        },
        error: (err) => {
          slot.error = err instanceof Error ? err.message : String(err);
        },
        exit: (code) => {
          slots.delete(slot);
          if (finished) return;
          const crashed = `the worker exited with code ${code}${slot.error ? ` (${slot.error})` : ''}`;
          if (slot.current !== undefined) {
            // The worker died on this file: report it and carry on with a fresh worker.
            settle(slot.current, undefined, { reason: 'error', detail: `${crashed} while analysing this file` });
            slot.current = undefined;
          }
          if (code !== 0 && !slot.stopped) lastProblem = crashed;
          // A worker that dies before starting any file (a broken bundle, no grammars) is not restarted forever.
          startFailures = slot.started === 0 && !slot.stopped && code !== 0 ? startFailures + 1 : 0;
          if (Atomics.load(counter, 0) < total && startFailures < MAX_START_FAILURES) spawn();
          if (slots.size === 0) void finish();
        },
      };
      pooled.worker.postMessage(job);
    };
    for (let i = 0; i < jobs; i++) spawn();
  });
}
