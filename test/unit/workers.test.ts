/**
 * The worker pool (src/cli/scan.ts) under failure: a worker that crashes or hangs is replaced and its file
 * reported as failed while the rest of the scan completes; a worker bundle that cannot start does not make the
 * scan hang; cancelling stops every worker within a second and leaves no thread behind. Between scans the workers
 * are kept idle for the next scan, without keeping the process alive, and stopped after their idle time.
 *
 * Runs the pool from source with the built worker bundle (dist/worker.js, `npm run build`), which honours two
 * TEST-ONLY environment variables: SEALANT_TEST_CRASH_ON / SEALANT_TEST_HANG_ON = comma-separated file names.
 * Thread counts come from /proc/self/task (Linux; that check is skipped elsewhere).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BYTES_PER_WORKER, IDLE_WORKER_MS, runScan, stopIdleWorkers, workerPoolStats, workersFor, type ScanOutput, type ScanRequest } from '../../src/cli/scan';
import { REPO_ROOT } from './helpers/paths';

const WORKER = join(REPO_ROOT, 'dist', 'worker.js');
const FILES = 12;
const BAD = "function signup(req) {\n  console.log('new user', req.body.ssn);\n}\n";

function threads(): number | undefined {
  try {
    return readdirSync('/proc/self/task').length;
  } catch {
    return undefined;
  }
}

/** Runs the pool with the test-only hooks set for the workers it starts (workers copy process.env when created). */
async function scan(req: Omit<ScanRequest, 'workerScript'>, hooks: { crashOn?: string[]; hangOn?: string[] } = {}): Promise<ScanOutput> {
  const saved = { crash: process.env.SEALANT_TEST_CRASH_ON, hang: process.env.SEALANT_TEST_HANG_ON };
  if (hooks.crashOn) process.env.SEALANT_TEST_CRASH_ON = hooks.crashOn.join(',');
  if (hooks.hangOn) process.env.SEALANT_TEST_HANG_ON = hooks.hangOn.join(',');
  try {
    return await runScan({ jobs: 2, bytesPerWorker: 0, ...req, workerScript: WORKER });
  } finally {
    for (const [name, value] of [['SEALANT_TEST_CRASH_ON', saved.crash], ['SEALANT_TEST_HANG_ON', saved.hang]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Every input file appears exactly once across files, skipped and failed. */
function assertAccounted(out: ScanOutput, names: string[]): void {
  const seen = [...out.files.map((f) => f.path), ...out.skipped.map((s) => s.path), ...out.failed.map((s) => s.path)].sort();
  assert.deepEqual(seen, [...names].sort());
}

describe('worker pool under failure', function () {
  this.timeout(180_000);
  let dir: string;
  let names: string[];
  let files: string[];
  let clean: ScanOutput;

  before(async function () {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(join(tmpdir(), 'sealant-workers-'));
    names = Array.from({ length: FILES }, (_, i) => `f${String(i).padStart(2, '0')}.js`);
    for (const n of names) writeFileSync(join(dir, n), BAD);
    files = names.map((n) => join(dir, n));
    clean = await scan({ root: dir, files });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('scans every file with workers when nothing goes wrong (the baseline the other cases compare with)', () => {
    assert.equal(clean.files.length, FILES);
    assert.deepEqual(clean.failed, []);
    for (const f of clean.files) assert.ok(f.findings.some((x) => x.ruleId === 'storage/sensitive-data-in-log'), `${f.path}: no finding`);
  });

  it('replaces a worker that crashes, reports its file as failed, and completes the scan', async () => {
    const out = await scan({ root: dir, files }, { crashOn: ['f03.js'] });
    assertAccounted(out, names);
    assert.deepEqual(out.failed.map((f) => [f.path, f.reason]), [['f03.js', 'error']]);
    assert.match(out.failed[0].detail, /worker exited with code \d+.*while analysing this file/);
    assert.equal(out.files.length, FILES - 1);
    for (const f of out.files) assert.deepEqual(f.findings, clean.files.find((c) => c.path === f.path)?.findings, f.path);
    assert.equal(out.cancelled, false);
  });

  it('keeps replacing workers when several crash in a row, one file each', async () => {
    const crashOn = ['f00.js', 'f01.js', 'f02.js', 'f03.js', 'f04.js'];
    const out = await scan({ root: dir, files }, { crashOn });
    assertAccounted(out, names);
    assert.deepEqual(out.failed.map((f) => f.path).sort(), crashOn);
    assert.equal(out.files.length, FILES - crashOn.length);
  });

  it('stops a worker that hangs on a file after the per-file budget, replaces it, and completes the scan', async () => {
    const out = await scan({ root: dir, files, fileTimeoutMs: 3000 }, { hangOn: ['f05.js'] });
    assertAccounted(out, names);
    assert.deepEqual(out.failed.map((f) => [f.path, f.reason]), [['f05.js', 'parse-timeout']]);
    assert.match(out.failed[0].detail, /did not finish within 3 s; the worker was stopped and replaced/);
    assert.equal(out.files.length, FILES - 1);
  });

  it('reports every file as failed, and does not hang, when no worker can start', async () => {
    const broken = join(dir, 'broken-worker.js');
    writeFileSync(broken, "throw new Error('this worker bundle is broken');\n");
    try {
      const out = await runScan({ root: dir, files, jobs: 2, workerScript: broken });
      assertAccounted(out, names);
      assert.equal(out.failed.length, FILES);
      for (const f of out.failed) assert.match(f.detail, /not analysed: the worker exited with code 1 \(this worker bundle is broken\)/);
    } finally {
      rmSync(broken);
    }
  });

  it('stops every worker within a second of cancelling, and leaves no thread behind', async function () {
    const before = threads();
    const token = { isCancellationRequested: false };
    // Both workers hang (busy loops) on their first file: terminating them is the hard case.
    const pending = scan({ root: dir, files, cancellation: token, fileTimeoutMs: 600_000 }, { hangOn: ['f00.js', 'f01.js'] });
    const started = Date.now();
    // Wait until both worker threads exist (they then load the grammars and reach the hanging file).
    while (before !== undefined && (threads() ?? 0) < before + 2 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1000));
    const during = threads();
    token.isCancellationRequested = true;
    const cancelledAt = Date.now();
    const out = await pending;
    const took = Date.now() - cancelledAt;
    assert.equal(out.cancelled, true);
    assert.ok(took < 1000, `the scan resolved ${took} ms after cancelling`);
    assert.equal(out.files.length, 0);
    if (before === undefined) return this.skip();
    assert.ok((during ?? 0) >= before + 2, `expected at least two worker threads while scanning (${before} before, ${during} during)`);
    assert.ok((threads() ?? 0) <= before, `threads: ${before} before the scan, ${threads()} after it was cancelled`);
  });
});

/** A scan's output without the analysis times, which differ from run to run. */
function withoutTimes(out: ScanOutput): ScanOutput {
  return { ...out, files: out.files.map((f) => ({ ...f, ms: 0 })) };
}

describe('worker pool between scans', function () {
  this.timeout(180_000);
  let dir: string;
  let files: string[];

  before(async function () {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(join(tmpdir(), 'sealant-pool-'));
    files = Array.from({ length: 6 }, (_, i) => join(dir, `g${i}.js`));
    for (const f of files) writeFileSync(f, BAD);
    await stopIdleWorkers();
  });
  after(async () => {
    await stopIdleWorkers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the next scan with the idle workers of the last one, with the same results', async () => {
    const first = await runScan({ root: dir, files, jobs: 2, bytesPerWorker: 0, workerScript: WORKER });
    const afterFirst = workerPoolStats();
    assert.equal(afterFirst.idle, 2);
    const second = await runScan({ root: dir, files, jobs: 2, bytesPerWorker: 0, workerScript: WORKER });
    assert.equal(workerPoolStats().created, afterFirst.created, 'the second scan started new workers');
    assert.equal(workerPoolStats().idle, 2);
    assert.equal(first.files.length, files.length);
    assert.deepEqual(withoutTimes(second), withoutTimes(first));
  });

  it('applies a changed config in a reused worker', async () => {
    const created = workerPoolStats().created;
    const on = await runScan({ root: dir, files, jobs: 2, bytesPerWorker: 0, workerScript: WORKER });
    const off = await runScan({ root: dir, files, jobs: 2, bytesPerWorker: 0, workerScript: WORKER, config: { rules: { 'storage/sensitive-data-in-log': { severity: 'off' } } } });
    const again = await runScan({ root: dir, files, jobs: 2, bytesPerWorker: 0, workerScript: WORKER });
    assert.equal(workerPoolStats().created, created, 'a scan started new workers');
    for (const f of on.files) assert.ok(f.findings.some((x) => x.ruleId === 'storage/sensitive-data-in-log'), f.path);
    for (const f of off.files) assert.ok(!f.findings.some((x) => x.ruleId === 'storage/sensitive-data-in-log'), f.path);
    assert.deepEqual(withoutTimes(again), withoutTimes(on));
  });

  it('does not reuse a worker started with other SEALANT_ settings (workers copy process.env when created)', async () => {
    const created = workerPoolStats().created;
    process.env.SEALANT_TEST_CRASH_ON = 'g2.js';
    try {
      const out = await runScan({ root: dir, files, jobs: 2, bytesPerWorker: 0, workerScript: WORKER });
      assert.deepEqual(out.failed.map((f) => f.path), ['g2.js']);
    } finally {
      delete process.env.SEALANT_TEST_CRASH_ON;
    }
    assert.ok(workerPoolStats().created >= created + 2);
  });

  it('stops idle workers after their idle time, and on stopIdleWorkers', async function () {
    await stopIdleWorkers();
    const before = threads();
    await runScan({ root: dir, files, jobs: 2, bytesPerWorker: 0, workerScript: WORKER, idleWorkerMs: 300 });
    assert.equal(workerPoolStats().idle, 2);
    const started = Date.now();
    while (workerPoolStats().idle > 0 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
    assert.equal(workerPoolStats().idle, 0, 'idle workers outlived their idle time');
    await runScan({ root: dir, files, jobs: 2, bytesPerWorker: 0, workerScript: WORKER });
    assert.equal(workerPoolStats().idle, 2);
    await stopIdleWorkers();
    assert.equal(workerPoolStats().idle, 0);
    if (before === undefined) return this.skip();
    // The threads of stopped workers may take a moment to leave /proc.
    while ((threads() ?? 0) > before && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
    assert.ok((threads() ?? 0) <= before, `threads: ${before} before, ${threads()} after the idle workers were stopped`);
  });

  it('lets a process end while its idle workers wait for a next scan', () => {
    // dist/engine.js is the extension's engine bundle: it holds runScan and no `vscode` import.
    const script = `require(${JSON.stringify(join(REPO_ROOT, 'dist', 'engine.js'))}).runScan({ root: ${JSON.stringify(dir)}, files: ${JSON.stringify(files)}, jobs: 2, workerScript: ${JSON.stringify(WORKER)} }).then((r) => console.log(r.files.length))`;
    const started = Date.now();
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: IDLE_WORKER_MS });
    const took = Date.now() - started;
    assert.equal(child.error, undefined, `the process did not end: ${child.error?.message}`);
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), String(files.length));
    assert.ok(took < IDLE_WORKER_MS / 2, `the process took ${took} ms to end`);
  });
});

describe('worker count by the bytes to scan', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sealant-bytes-'));
    await stopIdleWorkers();
  });
  after(async () => {
    await stopIdleWorkers();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `n` files of `kb` KiB each (JavaScript that logs a password). */
  function write(prefix: string, n: number, kb: number): string[] {
    const line = 'console.log("pw", user.password);\n';
    const text = line.repeat(Math.ceil((kb * 1024) / line.length)).slice(0, kb * 1024);
    return Array.from({ length: n }, (_, i) => {
      const f = join(dir, `${prefix}${i}.js`);
      writeFileSync(f, text);
      return f;
    });
  }

  it('counts workers from the files\' sizes: one more per BYTES_PER_WORKER, up to jobs', () => {
    const small = write('s', 8, 16);
    assert.equal(workersFor(small, 2, BYTES_PER_WORKER), 1, '128 KiB');
    assert.equal(workersFor(small, 2, 64 * 1024), 2);
    assert.equal(workersFor(small, 8, 48 * 1024), 3, '128 KiB at 48 KiB per worker: 1 + 2');
    assert.equal(workersFor(small, 2, 0), 2, '0: always jobs');
    assert.equal(workersFor(small, 1, 1), 1);
    assert.equal(workersFor([join(dir, 'gone.js'), ...small.slice(0, 2)], 4, 32 * 1024), 2, 'a missing file counts nothing');
  });

  it('scans a small tree with one worker and a larger one with two, with the same findings as in-process', async () => {
    const small = write('a', 6, 4);
    const created = workerPoolStats().created;
    const one = await runScan({ root: dir, files: small, jobs: 2, workerScript: WORKER, idleWorkerMs: 0 });
    assert.equal(workerPoolStats().created, created + 1, 'not one worker for 24 KiB');
    const large = write('b', 6, 200);
    const two = await runScan({ root: dir, files: large, jobs: 2, workerScript: WORKER, idleWorkerMs: 0 });
    assert.equal(workerPoolStats().created, created + 3, 'not two workers for 1.2 MiB');
    const inProcess = await runScan({ root: dir, files: [...small, ...large], jobs: 1 });
    assert.deepEqual(withoutTimes({ ...one, files: [...one.files, ...two.files] }), withoutTimes(inProcess));
  });
});
