// Runs the integration suite (dist-test/vscode/suite/index.js) in desktop VS Code through @vscode/test-electron, for
// machines that can reach Microsoft's update server (it downloads VS Code into .vscode-test/ on first use) or that
// have VS Code installed (--vscode-executable). The offline route, and the one CI uses, is run-code-server.mjs;
// both run the same compiled suite. On Linux without a display, run it under `xvfb-run -a`.
//
// Usage: node test/vscode/run-electron.mjs [--workspace DIR] [--grep REGEX] [--vscode-version V]
//                                          [--vscode-executable PATH] [--timeout SECONDS]
//   --workspace DIR           folder VS Code opens (default test/vscode/workspace/)
//   --grep REGEX              run only the tests whose full title matches
//   --vscode-version V        VS Code version to download: 'stable' (default), 'insiders' or e.g. 1.100.3
//   --vscode-executable PATH  use this VS Code instead of downloading one (also SEALANT_VSCODE_EXECUTABLE)
//   --timeout S               fail the whole run after S seconds (default 600)
// Prints `N passed, N failed` on its own line and exits with the suite's code. Stats: test-results/vscode-electron/.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const suiteIndex = join(root, 'dist-test/vscode/suite/index.js');
const results = join(root, 'test-results/vscode-electron');
const cachePath = join(root, '.vscode-test');
const UPDATE_SERVER = 'https://update.code.visualstudio.com/api/releases/stable';

const { values: opts } = parseArgs({
  options: {
    workspace: { type: 'string', default: join(root, 'test/vscode/workspace') },
    grep: { type: 'string' },
    'vscode-version': { type: 'string', default: 'stable' },
    'vscode-executable': { type: 'string', default: process.env.SEALANT_VSCODE_EXECUTABLE },
    timeout: { type: 'string', default: '600' },
  },
});
const workspace = resolve(opts.workspace);
const executable = opts['vscode-executable'];
const timeoutMs = Number(opts.timeout) * 1000;

function die(msg) {
  console.error(`run-electron: ERROR: ${msg}`);
  process.exit(1);
}

if (!existsSync(join(root, 'dist/extension.js'))) die('dist/extension.js is missing: run `node scripts/build.mjs`');
if (!existsSync(suiteIndex)) die(`${suiteIndex} is missing: run \`node test/vscode/build-suite.mjs\``);
if (!existsSync(workspace)) die(`workspace folder ${workspace} does not exist`);
if (!(timeoutMs > 0)) die(`--timeout must be a number of seconds, got ${opts.timeout}`);
if (executable && !existsSync(executable)) die(`--vscode-executable ${executable} does not exist`);
setTimeout(() => die(`timed out after ${opts.timeout} s`), timeoutMs).unref();

// Without a VS Code to run, test-electron would try to download one; say at once, in one line, when it can't.
if (!executable) {
  const cached = existsSync(cachePath) && readdirSync(cachePath).some((d) => d.startsWith('vscode-'));
  const problem = await fetch(UPDATE_SERVER, { method: 'HEAD', signal: AbortSignal.timeout(5000) }).then(
    (r) => (r.status < 500 ? null : `HTTP ${r.status}`),
    (err) => err.cause?.code ?? err.name ?? String(err),
  );
  if (problem && !cached) {
    die(
      `cannot download VS Code: ${new URL(UPDATE_SERVER).host} is unreachable (${problem}). This route needs internet ` +
        'once (or --vscode-executable PATH); offline, use `npm run test:vscode` (code-server).',
    );
  }
  if (problem) console.log(`run-electron: update server unreachable (${problem}); using the VS Code cached in .vscode-test/`);
}

rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });
const statsFile = join(results, 'stats.json');

const { runTests } = await import('@vscode/test-electron');
let exitCode;
try {
  exitCode = await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: suiteIndex,
    extensionTestsEnv: { SEALANT_TEST_STATS: statsFile, ...(opts.grep ? { SEALANT_TEST_GREP: opts.grep } : {}) },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    ...(executable ? { vscodeExecutablePath: executable } : { version: opts['vscode-version'], cachePath, timeout: 30_000 }),
  });
} catch (err) {
  console.error(`run-electron: ${err?.message ?? err}`);
  exitCode = typeof err?.code === 'number' && err.code !== 0 ? err.code : 1;
}

let stats;
try {
  stats = JSON.parse(readFileSync(statsFile, 'utf8'));
} catch {
  /* the suite never got as far as writing it */
}
if (stats) {
  for (const f of stats.failed ?? []) console.log(`run-electron: failed: ${f.title}: ${f.error.split('\n')[0]}`);
  if (stats.failures === 0 && stats.passes === 0) console.error(`run-electron: ERROR: no test ran${opts.grep ? ` (--grep ${opts.grep})` : ''}`);
  if (stats.failures > 0 || stats.passes === 0) exitCode ||= 1;
  console.log(`${stats.passes} passed, ${stats.failures} failed${stats.pending ? `, ${stats.pending} skipped` : ''}`);
} else {
  console.error('run-electron: ERROR: the suite reported no results (VS Code did not start, or the suite did not load)');
  exitCode ||= 1;
}
process.exit(exitCode);
