// Entry point of the integration suite inside the real VS Code extension host, used by both runners
// (test/vscode/run-code-server.mjs and test/vscode/run-electron.mjs): VS Code loads this compiled file
// (extensionTestsPath) and awaits run(). It runs every *.test.js beside it with mocha (bdd: describe/it).
// Environment (the extension host inherits the VS Code server's, so the runner sets these):
//   SEALANT_TEST_STATS  write mocha's stats and failures as JSON to this file
//   SEALANT_TEST_GREP   only run tests whose full title matches this regular expression
// Stack traces point into dist-test/vscode/suite/*.js (readable, unminified): the extension host installs its own
// Error.prepareStackTrace, which ignores source maps.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export interface SuiteStats {
  passes: number;
  failures: number;
  pending: number;
  tests: number;
  duration: number;
  failed: { title: string; error: string }[];
}

function writeStats(stats: SuiteStats): void {
  const file = process.env.SEALANT_TEST_STATS;
  if (file) writeFileSync(file, JSON.stringify(stats, null, 2) + '\n');
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  const grep = process.env.SEALANT_TEST_GREP;
  if (grep) mocha.grep(new RegExp(grep));
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(join(__dirname, f));

  return new Promise((resolve, reject) => {
    const failed: SuiteStats['failed'] = [];
    let runner: Mocha.Runner;
    try {
      // run() loads (requires) the test files first: a file that throws while loading throws here.
      runner = mocha.run((failures) => {
        const s = runner.stats;
        const stats: SuiteStats = {
          passes: s?.passes ?? 0,
          failures: s?.failures ?? failures,
          pending: s?.pending ?? 0,
          tests: s?.tests ?? 0,
          duration: s?.duration ?? 0,
          failed,
        };
        writeStats(stats);
        if (failures > 0) reject(new Error(`${failures} of ${stats.tests} tests failed`));
        else if (stats.passes === 0) reject(new Error(`no test ran (files: ${files.join(', ') || 'none'})`));
        else resolve();
      });
      runner.on('fail', (test, err: Error) => failed.push({ title: test.fullTitle(), error: err?.stack ?? String(err) }));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      writeStats({ passes: 0, failures: 1, pending: 0, tests: 0, duration: 0, failed: [{ title: 'loading the suite', error: error.stack ?? error.message }] });
      reject(error);
    }
  });
}
