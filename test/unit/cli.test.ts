/** The CLI as a real process: the built bundle run with node, on the example project and on fixtures. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './helpers/paths';
import { loadSarifSchema, sarifAjv } from './helpers/sarif-schema';
import { sealant } from './helpers/cli';



describe('sealant CLI (real process)', function () {
  this.timeout(180_000);

  it('scans the example project to schema-valid SARIF with findings of all three families and exits 1', () => {
    const r = sealant(['scan', 'examples', '--format', 'sarif']);
    assert.equal(r.code, 1, r.stderr);
    const sarif = JSON.parse(r.stdout) as { runs: { results: { ruleId: string }[] }[] };
    const ajv = sarifAjv();
    const valid = ajv.validate(loadSarifSchema(), JSON.parse(r.stdout));
    assert.ok(valid, JSON.stringify(ajv.errors?.slice(0, 5), null, 2));
    const results = sarif.runs[0].results as { ruleId: string }[];
    for (const family of ['storage', 'transmission', 'upload']) {
      assert.ok(results.some((x) => x.ruleId.startsWith(`${family}/`)), `no ${family} finding in ${results.map((x) => x.ruleId).join(', ')}`);
    }
  });

  it('exits 0 with --fail-on never, and with --fail-on error when only lower findings exist', () => {
    assert.equal(sealant(['scan', 'examples', '--fail-on', 'never', '--quiet']).code, 0);
    const dir = mkdtempSync(join(tmpdir(), 'sealant-cli-'));
    try {
      writeFileSync(join(dir, 'a.js'), "fetch('http://api.partner.com/ping');\n");
      assert.equal(sealant(['scan', '.', '--fail-on', 'error'], dir).code, 0);
      assert.equal(sealant(['scan', '.', '--fail-on', 'warning'], dir).code, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves out findings below --min-confidence, from the report and the exit code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealant-cli-'));
    try {
      // A hard-coded password under a test path is low confidence; in application code it is high.
      mkdirSync(join(dir, 'tests'));
      writeFileSync(join(dir, 'tests', 'test_login.py'), "db_password = 'Zq8!vR2#pL6x'\n");
      const all = JSON.parse(sealant(['scan', '.', '--format', 'json', '--fail-on', 'never'], dir).stdout) as { findings: { confidence: string }[] };
      assert.ok(all.findings.some((f) => f.confidence === 'low'), JSON.stringify(all.findings));
      const r = sealant(['scan', '.', '--format', 'json', '--min-confidence', 'medium'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((JSON.parse(r.stdout) as { findings: unknown[] }).findings, []);
      writeFileSync(join(dir, 'settings.py'), "db_password = 'Zq8!vR2#pL6x'\n");
      const high = sealant(['scan', '.', '--format', 'json', '--min-confidence', 'high'], dir);
      assert.equal(high.code, 1, high.stderr);
      assert.deepEqual((JSON.parse(high.stdout) as { findings: { path: string }[] }).findings.map((f) => f.path), ['settings.py']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with a one-line message on an unknown flag, a bad value and a missing path', () => {
    for (const args of [['scan', '--frobnicate'], ['scan', '--format', 'xml'], ['scan', '--min-confidence', 'sure'], ['scan', 'does-not-exist'], ['launch']]) {
      const r = sealant(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^sealant: /);
    }
  });

  it('documents its exit codes in --help and prints its version', () => {
    const help = sealant(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes:[\s\S]*0 [\s\S]*1 [\s\S]*2 /);
    const version = sealant(['--version']);
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
  });

  it('lists skipped files (binary, too large, minified) in text, JSON and SARIF output and still scans the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealant-skip-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src', 'bin.js'), Buffer.from([0x63, 0x6f, 0, 1, 2, 3, 0]));
      writeFileSync(join(dir, 'src', 'big.js'), 'x'.repeat(2 * 1024 * 1024 + 10));
      writeFileSync(join(dir, 'src', 'packed.js'), `var a=1;${'fetch("http://x.y.com/"+a);'.repeat(2000)}`);
      writeFileSync(join(dir, 'src', 'ok.js'), "console.log('ssn', req.body.ssn);\n");
      const text = sealant(['scan', '.'], dir);
      assert.equal(text.code, 1, text.stderr);
      assert.match(text.stdout, /3 files? skipped/);
      const json = JSON.parse(sealant(['scan', '.', '--format', 'json'], dir).stdout);
      const reasons = Object.fromEntries((json.skipped as { path: string; reason: string }[]).map((s) => [s.path, s.reason]));
      assert.deepEqual(reasons, { 'src/big.js': 'too-large', 'src/bin.js': 'binary', 'src/packed.js': 'minified' });
      assert.ok((json.findings as { path: string }[]).some((f) => f.path === 'src/ok.js'));
      const sarif = JSON.parse(sealant(['scan', '.', '--format', 'sarif'], dir).stdout);
      const notes = sarif.runs[0].invocations[0].toolExecutionNotifications as { message: { text: string } }[];
      assert.equal(notes.length, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('honours .gitignore and the default excludes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealant-ignore-'));
    try {
      for (const d of ['node_modules/lib', 'gen', 'src']) mkdirSync(join(dir, d), { recursive: true });
      const bad = "console.log('ssn', req.body.ssn);\n";
      writeFileSync(join(dir, 'node_modules', 'lib', 'a.js'), bad);
      writeFileSync(join(dir, 'gen', 'b.js'), bad);
      writeFileSync(join(dir, 'src', 'c.js'), bad);
      writeFileSync(join(dir, '.gitignore'), 'gen/\n');
      const json = JSON.parse(sealant(['scan', '.', '--format', 'json'], dir).stdout);
      assert.deepEqual([...new Set((json.findings as { path: string }[]).map((f) => f.path))], ['src/c.js']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same findings with one job and with several worker threads', () => {
    const one = JSON.parse(sealant(['scan', 'examples', 'test/fixtures', '--format', 'json', '--jobs', '1']).stdout);
    const many = JSON.parse(sealant(['scan', 'examples', 'test/fixtures', '--format', 'json', '--jobs', '2']).stdout);
    const key = (j: { findings: { path: string; ruleId: string; fingerprint: string }[] }) => j.findings.map((f) => `${f.path}|${f.ruleId}|${f.fingerprint}`).sort();
    assert.ok(key(one).length > 10);
    assert.deepEqual(key(many), key(one));
  });
});
