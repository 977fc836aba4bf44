// Runs the integration suite (dist-test/vscode/suite/index.js) inside a real VS Code, offline: VS Code's own server
// from the code-server npm package (installed by scripts/install-code-server.sh) runs the extension host with this
// repository as the extension under development; Debian's headless Chromium, driven by playwright-core, opens the
// workbench with the test parameters, exactly as @vscode/test-electron passes them on the desktop.
// How and why: /work/shared/vscode-testing.md.
//
// Usage: node test/vscode/run-code-server.mjs [--workspace DIR] [--grep REGEX] [--timeout SECONDS] [--verbose]
//   --workspace DIR   folder the workbench opens (default test/vscode/workspace/); a `.code-workspace` file opens
//                     that multi-root workspace (test/vscode/multi-root/multi.code-workspace: run it with
//                     --grep 'multi-root workspace'; the suite's multi-root test is skipped in single-folder runs)
//   --grep REGEX      run only the tests whose full title matches (passed to the suite as SEALANT_TEST_GREP)
//   --timeout S       fail the whole run after S seconds (default 600)
//   --verbose         also print the workbench's routine offline noise (always kept in host.log)
//   --untrusted       leave workspace trust on (no --disable-workspace-trust): the folder opens in Restricted Mode,
//                     as a folder nobody trusted yet; run it with --grep 'untrusted workspace' (the suite's
//                     untrusted test runs only then, and is skipped in trusted runs)
// Prints the extension host's console (the suite's mocha report), then `N passed, N failed` on its own line, and
// exits with the suite's code (0 only if every test passed). Logs go to test-results/vscode/:
//   server.log    VS Code server stdout/stderr          host.log     everything codeAutomationLog received
//   browser.log   workbench page console and errors     stats.json   the suite's mocha stats and failures
//   server-data/  the server's data dirs; user-data/logs/<time>/exthost1/ holds the extension host log and the
//                 extension's output channels (output_logging_*/N-Sealant.log)
//   workbench-logs/  the browser-side logs the workbench hands over on exit
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, format } from 'node:util';
import { freePort, waitForVersion } from './server-utils.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const codeServer = join(root, '.vscode-test/code-server/node_modules/code-server');
const serverMain = join(codeServer, 'lib/vscode/out/server-main.js');
const suiteIndex = join(root, 'dist-test/vscode/suite/index.js');
const results = join(root, 'test-results/vscode');
const chromiumPath = process.env.SEALANT_CHROMIUM ?? '/usr/bin/chromium';
// Workbench messages that are expected offline and say nothing about the suite: kept in host.log, not printed
// (unless --verbose).
const NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(/,
  /^Updating additional builtin extensions cache$/,
  /^\[Service Worker\] registration/,
  /ENOTFOUND open-vsx\.org/,
  /^ChatSessionStore: /,
];

const { values: opts } = parseArgs({
  options: {
    workspace: { type: 'string', default: join(root, 'test/vscode/workspace') },
    grep: { type: 'string' },
    timeout: { type: 'string', default: '600' },
    verbose: { type: 'boolean', default: false },
    untrusted: { type: 'boolean', default: false },
  },
});
const workspace = resolve(opts.workspace);
const timeoutMs = Number(opts.timeout) * 1000;

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const say = (msg) => console.log(`run-code-server: ${msg}`);
function die(msg) {
  console.error(`run-code-server: ERROR: ${msg}`);
  writeLogs();
  cleanup();
  process.exit(1);
}

// --- cleanup: the server forks extension hosts, so it runs in its own process group that we kill whole ----------
let server;
let browserContext;
let logsReady = false; // test-results/vscode/ has been emptied for this run
const hostLog = [];
const browserLog = [];
function writeLogs() {
  if (!logsReady) return;
  writeFileSync(join(results, 'host.log'), hostLog.join('\n') + '\n');
  writeFileSync(join(results, 'browser.log'), browserLog.join('\n') + '\n');
}
const tmp = mkdtempSync(join(tmpdir(), 'sealant-vscode-'));
function cleanup() {
  // Even after the server itself exits, extension hosts it forked may linger in its group.
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  rmSync(tmp, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(sig, () => {
    console.error(`run-code-server: ${sig}, stopping`);
    cleanup();
    process.exit(code);
  });
}

// --- preconditions ------------------------------------------------------------------------------------------------
if (!existsSync(serverMain)) die(`${serverMain} is missing: run \`npm run vscode:install\` (bash scripts/install-code-server.sh)`);
if (!existsSync(chromiumPath)) die(`${chromiumPath} is missing: run \`npm run vscode:install\``);
if (!existsSync(join(root, 'dist/extension.js'))) die('dist/extension.js is missing: run `node scripts/build.mjs`');
if (!existsSync(suiteIndex)) die(`${suiteIndex} is missing: run \`node test/vscode/build-suite.mjs\``);
if (!existsSync(workspace)) die(`workspace folder ${workspace} does not exist`);
if (!(timeoutMs > 0)) die(`--timeout must be a number of seconds, got ${opts.timeout}`);
// Watchdog for a hang anywhere (server start, browser launch, page load); the suite itself is timed below.
setTimeout(() => die(`timed out after ${opts.timeout} s`), timeoutMs + 15_000).unref();

// --- 1. VS Code server --------------------------------------------------------------------------------------------
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });
logsReady = true;
const statsFile = join(results, 'stats.json');
const serverData = join(results, 'server-data');
const port = await freePort();
const serverLogFd = openSync(join(results, 'server.log'), 'w');
server = spawn(
  process.execPath,
  [
    serverMain,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    '--disable-telemetry',
    ...(opts.untrusted ? [] : ['--disable-workspace-trust']),
    '--server-data-dir', serverData,
    '--user-data-dir', join(serverData, 'user-data'),
    '--extensions-dir', join(tmp, 'extensions'),
  ],
  {
    detached: true,
    stdio: ['ignore', serverLogFd, serverLogFd],
    // The extension host inherits the server's environment: that is how the suite learns where to write.
    env: { ...process.env, SEALANT_TEST_STATS: statsFile, ...(opts.grep ? { SEALANT_TEST_GREP: opts.grep } : {}) },
  },
);
closeSync(serverLogFd);
const serverExited = new Promise((res) => server.on('exit', (code, signal) => res(`VS Code server exited early (code ${code}, signal ${signal}); see test-results/vscode/server.log`)));
const base = `http://127.0.0.1:${port}`;
const ready = await Promise.race([
  waitForVersion(base, 30_000).then((ok) => ok || `VS Code server did not answer ${base}/version within 30 s; see test-results/vscode/server.log`),
  serverExited,
]);
if (ready !== true) die(ready);
say(`VS Code ${readFileSync(join(codeServer, 'lib/vscode/package.json'), 'utf8').match(/"version":\s*"([^"]+)"/)?.[1]} server ready on ${base} (${elapsed()})`);

// --- 2. Chromium ----------------------------------------------------------------------------------------------------
const { chromium } = await import('playwright-core');
let settle;
const exited = new Promise((res) => (settle = res));
try {
  browserContext = await chromium.launchPersistentContext(join(tmp, 'chromium-profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
} catch (err) {
  die(`could not launch ${chromiumPath}: ${err.message.split('\n')[0]}`);
}
const page = browserContext.pages()[0] ?? (await browserContext.newPage());
await page.exposeFunction('codeAutomationLog', (type, args) => {
  const line = format(...(Array.isArray(args) ? args : [args]));
  hostLog.push(`[${type}] ${line}`);
  if (opts.verbose || !NOISE.some((re) => re.test(line))) console.log(line);
});
await page.exposeFunction('codeAutomationExit', (code, logs) => {
  if (Array.isArray(logs)) {
    for (const { relativePath, contents } of logs) {
      const file = join(results, 'workbench-logs', relativePath.replace(/\.\.[\\/]/g, ''));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, contents);
    }
  }
  settle({ code: Number(code) });
});
page.on('console', (msg) => browserLog.push(`[${msg.type()}] ${msg.text()}`));
page.on('pageerror', (err) => browserLog.push(`[pageerror] ${err.stack ?? err.message}`));
page.on('crash', () => settle({ error: 'the workbench page crashed' }));
browserContext.on('close', () => settle({ error: 'the browser closed before the suite finished' }));

// --- 3. the workbench with the test parameters ---------------------------------------------------------------------
const remote = (p) => `vscode-remote://127.0.0.1:${port}${pathToFileURL(p).pathname}`;
const payload = [
  ['extensionDevelopmentPath', remote(root)],
  ['extensionTestsPath', remote(suiteIndex)],
  // As `--disable-extensions` in run-electron.mjs: no installed extension besides ours (built-in ones still run).
  ['disableExtensions', 'true'],
];
const target = workspace.endsWith('.code-workspace') ? `workspace=${encodeURIComponent(workspace)}` : `folder=${encodeURIComponent(workspace)}`;
const url = `${base}/?${target}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
say(`opening the workbench on ${workspace} (${elapsed()})`);
try {
  await page.goto(url, { timeout: 60_000 });
} catch (err) {
  die(`could not open the workbench: ${err.message.split('\n')[0]}`);
}

let timer;
const outcome = await Promise.race([
  exited,
  serverExited.then((error) => ({ error })),
  new Promise((res) => (timer = setTimeout(() => res({ error: `timed out after ${opts.timeout} s` }), Math.max(0, timeoutMs - (Date.now() - t0))))),
]);
clearTimeout(timer);

// --- 4. report and tear down ---------------------------------------------------------------------------------------
writeLogs();
await Promise.race([browserContext.close().catch(() => {}), new Promise((res) => setTimeout(res, 5000))]);
cleanup();

let stats;
try {
  stats = JSON.parse(readFileSync(statsFile, 'utf8'));
} catch {
  /* the suite never got as far as writing it */
}
let exitCode = outcome.error ? 1 : outcome.code;
if (outcome.error) console.error(`run-code-server: ERROR: ${outcome.error}`);
if (stats) {
  for (const f of stats.failed ?? []) console.log(`run-code-server: failed: ${f.title}: ${f.error.split('\n')[0]}`);
  if (stats.failures === 0 && stats.passes === 0) console.error(`run-code-server: ERROR: no test ran${opts.grep ? ` (--grep ${opts.grep})` : ''}`);
  if (stats.failures > 0 || stats.passes === 0) exitCode ||= 1;
  console.log(`${stats.passes} passed, ${stats.failures} failed${stats.pending ? `, ${stats.pending} skipped` : ''}`);
} else {
  console.error(
    'run-code-server: ERROR: the suite reported no results (it did not load or crashed before finishing); ' +
      'see test-results/vscode/host.log, browser.log and server-data/user-data/logs/*/exthost1/remoteexthost.log',
  );
  exitCode ||= 1;
}
say(`exit ${exitCode} after ${elapsed()}`);
process.exit(exitCode);
