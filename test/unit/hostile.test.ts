/**
 * Hostile files, through the real CLI process (`node dist/cli.js`, built by `npm run build`): binary files,
 * invalid UTF-8, UTF-16 with a BOM, CRLF and mixed line endings, a 10 MB single-line minified file, a
 * 100,000-line file, 10,000-level nesting, Python indented past what its grammar survives, empty files, files
 * deleted, replaced or made unreadable during a scan, symbolic link loops, and file names with spaces, unicode,
 * newlines and terminal escapes. Each file is either scanned correctly (its finding reported on the right line)
 * or skipped with a clear reason in every output format; the rest of the scan completes and the exit code
 * reflects the findings.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSarifSchema, sarifAjv } from './helpers/sarif-schema';
import { CLI, sealant as runCli } from './helpers/cli';
import { REPO_ROOT } from './helpers/paths';

const RULE = 'storage/sensitive-data-in-log';
const JS_LOG = "  console.log('new user', req.body.ssn);";
const BAD_JS = `function signup(req) {\n${JS_LOG}\n}\n`;
const BAD_PY = 'def signup(request):\n    print("new user", request.form["ssn"])\n';
/** Newlines and escapes in a name must not break or drive the terminal (or a CI log: `::warning::` commands). */
const NASTY_NAME = 'esc\u001b[2J\n::warning::pwned.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const sealant = (args: string[], cwd: string, env: Record<string, string> = {}): Run => runCli(args, cwd, env, 300_000);

interface JsonReport {
  summary: { filesScanned: number; filesSkipped: number; skippedByReason: Record<string, number> };
  findings: { path: string; line: number; ruleId: string }[];
  skipped: { path: string; reason: string; detail: string }[];
}

/** path -> 1-based line of the finding each scanned file must give. */
const EXPECTED_FINDINGS: Record<string, number> = {
  'src/invalid-utf8.js': 3,
  'src/utf16le.js': 2,
  'src/utf16be.py': 2,
  'src/utf8-bom.js': 2,
  'src/crlf.js': 2,
  'src/mixed.py': 4,
  'src/long.js': 100_000,
  'src/deep-parens.js': 2,
  'src/deep-blocks.js': 10_002,
  'src/deep-parens.py': 2,
  'src/deep-indent_after.py': 2,
  'names/my file.js': 2,
  'names/données 🔑.py': 2,
  'names/new\nline.js': 2,
  'names/tab\tname.js': 2,
  [`names/${NASTY_NAME}`]: 2,
  'names/.../dots.js': 2,
};

/** path -> reason, and what the detail must say. */
const EXPECTED_SKIPS: Record<string, [string, RegExp]> = {
  'src/binary.js': ['binary', /NUL/],
  'src/minified-10mb.js': ['too-large', /10485760 bytes, over the limit/],
  'src/minified-1mb.js': ['minified', /a line of \d+ characters/],
  'src/deep-indent.py': ['unsupported', /indentation nested 600 levels deep/],
  'links/loop': ['unsupported', /symbolic link to a folder; not followed/],
  'links/self.js': ['unsupported', /symbolic link that cannot be resolved \(a loop\)/],
  'links/alias.js': ['unsupported', /symbolic link to a file; not followed/],
};

/** Scanned without findings. */
const CLEAN = ['src/empty.js', 'src/empty.py'];



function buildWorkspace(dir: string): void {
  const file = (path: string, content: string | Buffer) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  file('src/binary.js', Buffer.concat([Buffer.from(BAD_JS), Buffer.from([0, 1, 2, 0xff, 0])]));
  file('src/invalid-utf8.js', Buffer.concat([Buffer.from('// caf'), Buffer.from([0xe9, 0xff, 0xfe, 0xc3]), Buffer.from(' broken\n'), Buffer.from(BAD_JS)]));
  file('src/utf16le.js', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BAD_JS, 'utf16le')]));
  file('src/utf16be.py', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(BAD_PY, 'utf16le').swap16()]));
  file('src/utf8-bom.js', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(BAD_JS)]));
  file('src/crlf.js', BAD_JS.replace(/\n/g, '\r\n'));
  file('src/mixed.py', 'import os\r\n\ndef signup(request):\r\n    print("new user", request.form["ssn"])\n    return os.getcwd()\r\n');
  file('src/minified-10mb.js', 'var a=1;'.repeat((10 * 1024 * 1024) / 8));
  file('src/minified-1mb.js', `${'var a=1;'.repeat(150_000)}console.log(req.body.ssn);`);
  file('src/long.js', `${'v = 1;\n'.repeat(99_998)}function signup(req) {\n${JS_LOG}\n}\n`);
  file('src/deep-parens.js', `function signup(req) {\n  console.log(${'(\n'.repeat(10_000)}req.body.ssn${')'.repeat(10_000)});\n}\n`);
  file('src/deep-blocks.js', `function signup(req) {\n${'if (req) {\n'.repeat(10_000)}${JS_LOG}\n${'}'.repeat(10_000)}\n}\n`);
  file('src/deep-parens.py', `def signup(request):\n    print(${'(\n'.repeat(10_000)}request.form["ssn"]${')'.repeat(10_000)})\n`);
  // tree-sitter-python corrupts its wasm memory past ~510 indentation levels: refused, and the next Python file is fine.
  file('src/deep-indent.py', `${Array.from({ length: 600 }, (_, i) => `${' '.repeat(i)}if x:\n`).join('')}${' '.repeat(600)}print(request.form["ssn"])\n`);
  file('src/deep-indent_after.py', BAD_PY);
  file('src/empty.js', '');
  file('src/empty.py', '');
  for (const name of ['my file.js', 'données 🔑.py', 'new\nline.js', 'tab\tname.js', NASTY_NAME, '.../dots.js']) {
    file(`names/${name}`, name.endsWith('.py') ? BAD_PY : BAD_JS);
  }
  mkdirSync(join(dir, 'links'));
  symlinkSync('..', join(dir, 'links', 'loop'));
  symlinkSync('self.js', join(dir, 'links', 'self.js'));
  symlinkSync('../names/my file.js', join(dir, 'links', 'alias.js'));
}

describe('hostile files through the real CLI', function () {
  this.timeout(600_000);
  let dir: string;
  let cache: string;
  let json: JsonReport;
  let jsonRun: Run;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sealant-hostile-'));
    cache = mkdtempSync(join(tmpdir(), 'sealant-hostile-cache-'));
    buildWorkspace(dir);
    jsonRun = sealant(['scan', '.', '--format', 'json', '--no-cache'], dir);
    json = JSON.parse(jsonRun.stdout) as JsonReport;
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  it('reports each hostile file’s finding on the right line, or skips it with a clear reason (JSON), and exits 1', () => {
    assert.equal(jsonRun.code, 1, jsonRun.stderr);
    const found = new Map(json.findings.filter((f) => f.ruleId === RULE).map((f) => [f.path, f.line]));
    for (const [path, line] of Object.entries(EXPECTED_FINDINGS)) assert.equal(found.get(path), line, `${JSON.stringify(path)}: expected a finding on line ${line}`);
    const skipped = Object.fromEntries(json.skipped.map((s) => [s.path, s.reason]));
    assert.deepEqual(skipped, Object.fromEntries(Object.entries(EXPECTED_SKIPS).map(([p, [reason]]) => [p, reason])));
    for (const s of json.skipped) assert.match(s.detail, EXPECTED_SKIPS[s.path][1], s.path);
    for (const path of CLEAN) assert.ok(!json.findings.some((f) => f.path === path), path);
    assert.equal(json.summary.filesScanned, Object.keys(EXPECTED_FINDINGS).length + CLEAN.length);
    assert.equal(json.findings.filter((f) => !Object.hasOwn(EXPECTED_FINDINGS, f.path)).length, 0, 'findings in files that have none');
  });

  it('gives the same findings in-process (--jobs 1) as with worker threads', () => {
    const one = JSON.parse(sealant(['scan', '.', '--format', 'json', '--no-cache', '--jobs', '1'], dir).stdout) as JsonReport;
    const key = (r: JsonReport) => JSON.stringify([r.findings, r.skipped]);
    assert.equal(key(one), key(json));
  });

  it('lists every skipped file with its reason in SARIF (schema-valid, with decodable URIs), Markdown and text', () => {
    const env = { XDG_CACHE_HOME: cache };
    const sarifRun = sealant(['scan', '.', '--format', 'sarif'], dir, env);
    assert.equal(sarifRun.code, 1, sarifRun.stderr);
    const sarif = JSON.parse(sarifRun.stdout) as { runs: { invocations: { toolExecutionNotifications: unknown[] }[]; results: unknown[] }[] };
    const ajv = sarifAjv();
    assert.ok(ajv.validate(loadSarifSchema(), sarif), JSON.stringify(ajv.errors?.slice(0, 5), null, 2));
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications as { message: { text: string }; properties: { reason: string } }[];
    for (const [path, [reason]] of Object.entries(EXPECTED_SKIPS)) {
      assert.ok(notes.some((n) => n.message.text.includes(path) && n.properties.reason === reason), `SARIF: no notification for ${path} (${reason})`);
    }
    const uris = (sarif.runs[0].results as { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[]).map((r) => decodeURIComponent(r.locations[0].physicalLocation.artifactLocation.uri));
    for (const path of Object.keys(EXPECTED_FINDINGS)) assert.ok(uris.includes(path), `SARIF: no result for ${JSON.stringify(path)}`);

    const md = sealant(['scan', '.', '--format', 'markdown'], dir, env);
    assert.equal(md.code, 1, md.stderr);
    for (const [path, [reason]] of Object.entries(EXPECTED_SKIPS)) assert.ok(md.stdout.includes(`\`${path}\`: ${reason}`), `Markdown: ${path} (${reason}) not listed`);

    const text = sealant(['scan', '.'], dir, env);
    assert.equal(text.code, 1, text.stderr);
    // The summary line: `N files skipped (4 unsupported, 1 binary, …)`, the same counts by reason as JSON.
    const m = /(\d+) files? skipped \(([^)]*)\)/.exec(text.stdout);
    assert.ok(m, `text: no skipped-files summary in\n${text.stdout.slice(-500)}`);
    const counts: Record<string, number> = {};
    for (const [reason] of Object.values(EXPECTED_SKIPS)) counts[reason] = (counts[reason] ?? 0) + 1;
    assert.deepEqual(Object.fromEntries(m[2].split(', ').map((part) => [part.split(' ')[1], Number(part.split(' ')[0])])), counts);
    assert.equal(Number(m[1]), Object.keys(EXPECTED_SKIPS).length);
  });

  it('never lets a file name or file content drive the terminal or inject lines into text output', () => {
    const text = sealant(['scan', '.'], dir, { XDG_CACHE_HOME: cache });
    assert.doesNotMatch(text.stdout, /[\u0000-\u0008\u000b-\u001f\u007f]/, 'a raw control character in the text report');
    assert.doesNotMatch(text.stdout, /^::warning::/m, 'a file name injected a line');
    assert.match(text.stdout, /names\/esc\ufffd\[2J\ufffd::warning::pwned\.js/);
  });

  it('shows the decoded source of UTF-16 files in code frames', () => {
    const text = sealant(['scan', 'src/utf16le.js', 'src/utf16be.py'], dir, { XDG_CACHE_HOME: cache });
    assert.equal(text.code, 1, text.stderr);
    assert.ok(text.stdout.includes(`2 | ${JS_LOG}`), text.stdout);
    assert.ok(text.stdout.includes('2 |     print("new user", request.form["ssn"])'), text.stdout);
  });

  it('scans 100,000 lines that are all calls, or skips the file naming the rule budget it ran past', () => {
    // Every line is a candidate for the call-based rules: on a slow or busy machine this may exceed the engine's
    // budget. Either outcome keeps the promise; a silent loss or a crash does not.
    const calls = mkdtempSync(join(tmpdir(), 'sealant-hostile-calls-'));
    try {
      writeFileSync(join(calls, 'calls.js'), `${'x();\n'.repeat(99_998)}function signup(req) {\n${JS_LOG}\n}\n`);
      const r = sealant(['scan', '.', '--format', 'json', '--no-cache'], calls);
      const report = JSON.parse(r.stdout) as JsonReport;
      if (report.skipped.length > 0) {
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(report.skipped.map((s) => [s.path, s.reason]), [['calls.js', 'parse-timeout']]);
        assert.match(report.skipped[0].detail, /the rules took longer than \d+ ms on this file/);
      } else {
        assert.equal(r.code, 1, r.stderr);
        assert.deepEqual(report.findings.map((f) => [f.path, f.line, f.ruleId]), [['calls.js', 100_000, RULE]]);
      }
    } finally {
      rmSync(calls, { recursive: true, force: true });
    }
  });

  it('exits 0 when the hostile files hold no finding, and still lists what it skipped', () => {
    const quiet = mkdtempSync(join(tmpdir(), 'sealant-hostile-clean-'));
    try {
      writeFileSync(join(quiet, 'binary.js'), Buffer.from([0x63, 0, 0xff, 0]));
      writeFileSync(join(quiet, 'empty.py'), '');
      writeFileSync(join(quiet, 'huge.js'), 'var a=1;'.repeat(300_000));
      symlinkSync('.', join(quiet, 'loop'));
      const r = sealant(['scan', '.', '--format', 'json', '--no-cache'], quiet);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as JsonReport;
      assert.deepEqual(report.skipped.map((s) => [s.path, s.reason]), [['binary.js', 'binary'], ['huge.js', 'too-large'], ['loop', 'unsupported']]);
      assert.equal(report.summary.filesScanned, 1);
    } finally {
      rmSync(quiet, { recursive: true, force: true });
    }
  });

  it('reports files deleted, replaced by a folder or made unreadable during the scan, and completes the rest', async function () {
    const live = mkdtempSync(join(tmpdir(), 'sealant-hostile-live-'));
    let cleanup: string | undefined;
    chmodSync(live, 0o755);
    try {
      // Both workers hang on a0.js / a1.js (test-only hook) until the watchdog stops them: the files below are
      // changed in that window, after the walk listed them and before any worker reads them.
      const names = ['a0.js', 'a1.js', 'b.js', 'c.js', 'z-deleted.js', 'z-folder.js', 'z-unreadable.js'];
      for (const n of names) writeFileSync(join(live, n), BAD_JS, { mode: 0o644 });
      // Root reads everything: run the CLI as `nobody` so that mode 000 makes a file unreadable. `nobody` may not
      // reach a checkout under a private folder (`mktemp -d` is 0700), so it runs a copy of the built bundle.
      const asRoot = process.getuid?.() === 0;
      const cli = asRoot ? publicCopyOfCli() : CLI;
      cleanup = asRoot ? join(cli, '..', '..') : undefined;
      const child = spawn(process.execPath, [cli, 'scan', '.', '--format', 'json', '--no-cache', '--jobs', '2'], {
        cwd: live,
        env: { ...process.env, NO_COLOR: '1', SEALANT_TEST_HANG_ON: 'a0.js,a1.js', SEALANT_FILE_TIMEOUT_MS: '5000' },
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const hanging = new Promise<void>((resolve) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes('hanging on a0.js') && stderr.includes('hanging on a1.js')) resolve();
        });
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await Promise.race([hanging, exited]);
      assert.ok(stderr.includes('hanging on a0.js') && stderr.includes('hanging on a1.js'), `the workers never reached the hanging files: ${stderr}`);
      unlinkSync(join(live, 'z-deleted.js'));
      unlinkSync(join(live, 'z-folder.js'));
      mkdirSync(join(live, 'z-folder.js'));
      chmodSync(join(live, 'z-unreadable.js'), 0o000);
      const code = await exited;
      assert.equal(code, 1, stderr);
      const report = JSON.parse(stdout) as JsonReport;
      const skipped = Object.fromEntries(report.skipped.map((s) => [s.path, `${s.reason}: ${s.detail}`]));
      assert.match(skipped['a0.js'], /^parse-timeout: analysis did not finish within 5 s/);
      assert.match(skipped['a1.js'], /^parse-timeout: analysis did not finish within 5 s/);
      assert.match(skipped['z-deleted.js'], /^unreadable: ENOENT/);
      assert.match(skipped['z-folder.js'], /^unreadable: /);
      assert.match(skipped['z-unreadable.js'], /^unreadable: EACCES/);
      assert.deepEqual([...new Set(report.findings.map((f) => f.path))].sort(), ['b.js', 'c.js']);
    } finally {
      rmSync(live, { recursive: true, force: true });
      if (cleanup) rmSync(cleanup, { recursive: true, force: true });
    }
  });
});

/** The built CLI (bundle, grammars, package.json) copied to a folder every user can read; returns its cli.js. */
function publicCopyOfCli(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sealant-cli-copy-'));
  for (const part of ['dist', 'grammars', 'package.json']) cpSync(join(REPO_ROOT, part), join(dir, part), { recursive: true });
  chmodSync(dir, 0o755);
  return join(dir, 'dist', 'cli.js');
}
