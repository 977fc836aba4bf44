/**
 * The team config through the real CLI process (`node dist/cli.js`, built by `npm test`): discovery, --config,
 * exit 2 with file:line:column on a broken config, `config validate` / `config print`, ignore and testPaths,
 * custom rules in worker threads and through the result cache, and the same findings as the editor's path
 * (loadWorkspaceConfig + Engine + applyPolicy).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { nodeHost } from '../../src/cli/node-host';
import { applyPolicy, loadWorkspaceConfig } from '../../src/config';
import { Engine } from '../../src/core/engine';
import { REPO_ROOT } from './helpers/paths';
import { sealant } from './helpers/cli';

const PROJECT = join(REPO_ROOT, 'test', 'fixtures-config', 'project');


interface JsonFinding {
  path: string;
  line: number;
  ruleId: string;
  severity: string;
  message: string;
  fingerprint: string;
  fixes: { title: string; edits: { newText: string }[] }[];
  suppression?: { kind: string; justification: string };
}

function findings(stdout: string): JsonFinding[] {
  return (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
}

function pos(text: string, needle: string): string {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  const before = text.slice(0, at);
  return `${before.split('\n').length}:${at - before.lastIndexOf('\n')}`;
}

describe('team config in the CLI (real process)', function () {
  this.timeout(180_000);
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'sealant-config-cli-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('the custom rule of the example config fires on the example project, in JavaScript and Python', () => {
    const r = sealant(['scan', 'examples', '--format', 'json', '--no-cache', '--quiet']);
    assert.equal(r.code, 1, r.stderr);
    const custom = findings(r.stdout).filter((f) => f.ruleId === 'storage/government-id-outside-vault');
    assert.deepEqual(custom.map((f) => f.path).sort(), ['examples/express-api/src/server.js', 'examples/flask-app/app.py']);
    for (const f of custom) assert.match(f.message, /Social Security number .* is written by `db\.(users\.insert|execute)\(.*\)`; Acme stores government identifiers only through vault\.protect\(\)/);
    assert.ok(!custom.some((f) => /INSERT INTO/.test(f.message)), 'string literals in messages are redacted');
    // Without the example config (an empty one given with --config) the rule does not exist.
    writeFileSync(join(tmp, 'empty.yml'), 'rules: {}\n');
    const plain = sealant(['scan', 'examples', '--format', 'json', '--no-cache', '--quiet', '--config', join(tmp, 'empty.yml')]);
    assert.equal(findings(plain.stdout).filter((f) => f.ruleId === 'storage/government-id-outside-vault').length, 0);
  });

  it('--config with a broken file exits 2 and prints file:line:column, field and reason', () => {
    const text = 'rules:\n  storage/sensitive-data-in-log: loud\n';
    writeFileSync(join(tmp, 'broken.yml'), text);
    const r = sealant(['scan', 'examples', '--config', join(tmp, 'broken.yml')]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '', 'no report on a config error');
    assert.ok(r.stderr.includes(`broken.yml:${pos(text, 'loud')}: error: rules.storage/sensitive-data-in-log: must be one of off, note, warning, error, not "loud"`), r.stderr);
    assert.match(r.stderr, /sealant: invalid config: 1 error/);
    const missing = sealant(['scan', 'examples', '--config', join(tmp, 'nope.yml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.yml:1:1: error: cannot read the config file: file not found/);
  });

  it('a discovered config with a YAML error stops the scan with exit 2 at the right line', () => {
    writeFileSync(join(tmp, '.sealant.yml'), 'ignore:\n  - dist/\n  testPaths: [a]\n');
    writeFileSync(join(tmp, 'a.js'), "console.log('ssn', req.body.ssn);\n");
    const r = sealant(['scan', '.'], tmp);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^\.sealant\.yml:3:\d+: error: YAML syntax error: /m);
  });

  it('config validate: exit 0 with a summary for a valid config, exit 2 with every problem for a broken one', () => {
    const ok = sealant(['config', 'validate', 'examples']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /examples\/\.sealant\.yml: valid \(extends examples\/shared-config\/sealant-company\.yml; 1 custom rule\)/);
    const text = 'rules:\n  storage/sensitive-data-in-logs: error\ncustomRules:\n  - id: storage/x\n    title: X\n    severity: error\n    cwe: [1]\n    message: "{{x}}"\n    query:\n      js: "(identifer) @x"\n';
    writeFileSync(join(tmp, '.sealant.yml'), text);
    const bad = sealant(['config', 'validate'], tmp);
    assert.equal(bad.code, 2);
    assert.ok(bad.stdout.includes(`.sealant.yml:${pos(text, 'storage/sensitive-data-in-logs')}: warning: rules.storage/sensitive-data-in-logs: unknown rule id; did you mean "storage/sensitive-data-in-log"?`), bad.stdout);
    assert.ok(bad.stdout.includes(`.sealant.yml:${pos(text, 'identifer')}: error: customRules[0].query.js: storage/x: invalid tree-sitter query: Bad node name 'identifer'`), bad.stdout);
    assert.match(bad.stdout, /\.sealant\.yml: 1 error, 1 warning/);
    const json = JSON.parse(sealant(['config', 'validate', '--format', 'json'], tmp).stdout) as { ok: boolean; errors: { line: number; severity: string }[] };
    assert.equal(json.ok, false);
    assert.deepEqual(json.errors.map((e) => e.severity).sort(), ['error', 'warning']);
    const untrusted = sealant(['config', 'validate', '--untrusted'], tmp);
    assert.equal(untrusted.code, 0, 'untrusted: the broken custom rule is not loaded');
    assert.match(untrusted.stdout, /info: customRules: not loaded: the workspace is not trusted/);
  });

  it('config print shows the merged config (extends first, the file last) as YAML or JSON', () => {
    const r = sealant(['config', 'print', PROJECT]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# The merged config of .*project\/\.sealant\.yml; merged from, in order: .*shared\/base\.yml, .*project\/\.sealant\.yml/);
    const merged = parse(r.stdout) as { rules: Record<string, string>; sanitizers: { call: string }[]; customRules: { id: string }[]; ignore: string[] };
    assert.deepEqual(merged.rules, { 'upload/no-size-limit': 'off', 'storage/sensitive-data-in-log': 'warning', 'transmission/pii-to-third-party': 'off' });
    assert.deepEqual(merged.sanitizers.map((s) => s.call), ['redactPii']);
    assert.deepEqual(merged.customRules.map((c) => c.id), ['transmission/pii-to-analytics']);
    assert.deepEqual(merged.ignore, ['generated/']);
    const json = JSON.parse(sealant(['config', 'print', PROJECT, '--format', 'json']).stdout);
    assert.deepEqual(json, merged);
    writeFileSync(join(tmp, '.sealant.yml'), 'rules: [1]\n');
    const bad = sealant(['config', 'print'], tmp);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /\.sealant\.yml:1:8: error: rules: must be a mapping/);
  });

  it('applies ignore globs, testPaths (one level lower), sanitizers, severities and custom rules with fixes', () => {
    const r = sealant(['scan', '.', '--format', 'json', '--no-cache', '--quiet'], PROJECT);
    assert.equal(r.code, 1, r.stderr);
    const list = findings(r.stdout);
    const summary = list.map((f) => `${f.path}:${f.line} ${f.severity} ${f.ruleId}`).sort();
    assert.deepEqual(summary, [
      'src/app.js:4 error transmission/pii-to-analytics',
      'src/app.js:7 warning storage/sensitive-data-in-log',
      'src/app.py:5 error transmission/pii-to-analytics',
      'tests/app.test.js:2 note storage/sensitive-data-in-log',
    ]);
    const js = list.find((f) => f.path === 'src/app.js' && f.line === 4);
    assert.equal(js?.fixes[0]?.title, 'Send a hashed id instead');
    assert.equal(js?.fixes[0]?.edits[0]?.newText, 'hashId(user.email)');
    assert.match(js?.message ?? '', /^An email address \(`email`\) sent to analytics by `analytics\.track\(user\.email\)`$/);
  });

  it('custom rules run the same in worker threads, and a changed custom rule is not served from the cache', () => {
    cpSync(PROJECT, tmp, { recursive: true });
    for (let i = 0; i < 4; i++) cpSync(join(tmp, 'src', 'app.js'), join(tmp, 'src', `copy${i}.js`));
    const cacheDir = join(tmp, '.cache');
    const one = findings(sealant(['scan', '.', '--format', 'json', '--jobs', '1', '--cache-dir', cacheDir, '--quiet'], tmp).stdout);
    const two = findings(sealant(['scan', '.', '--format', 'json', '--jobs', '2', '--no-cache', '--quiet'], tmp).stdout);
    assert.equal(one.filter((f) => f.ruleId === 'transmission/pii-to-analytics').length, 6, 'app.js, four copies and app.py');
    assert.deepEqual(two, one);
    const config = join(tmp, '.sealant.yml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('sent to analytics by', 'leaves through'));
    const again = findings(sealant(['scan', '.', '--format', 'json', '--jobs', '1', '--cache-dir', cacheDir, '--quiet'], tmp).stdout);
    const messages = again.filter((f) => f.ruleId === 'transmission/pii-to-analytics').map((f) => f.message);
    assert.equal(messages.length, 6);
    for (const m of messages) assert.match(m, /leaves through/);
  });

  it('the nearest config applies to each file (no cascading), and a run from a subfolder reports the same paths and fingerprints', () => {
    writeFileSync(join(tmp, '.sealant.yml'), 'rules:\n  storage/sensitive-data-in-log: note\n');
    cpSync(join(PROJECT, 'src', 'app.js'), join(tmp, 'top.js'));
    cpSync(join(PROJECT, 'src', 'app.js'), join(tmp, 'nested', 'app.js'), { recursive: true });
    writeFileSync(join(tmp, 'nested', '.sealant.yml'), 'rules:\n  upload/no-size-limit: off\n');
    const all = findings(sealant(['scan', '.', '--format', 'json', '--no-cache', '--quiet'], tmp).stdout).filter((f) => f.ruleId === 'storage/sensitive-data-in-log');
    assert.deepEqual(all.map((f) => `${f.path} ${f.severity}`).sort(), ['nested/app.js error', 'top.js note']);
    const fromSub = findings(sealant(['scan', '.', '--format', 'json', '--no-cache', '--quiet'], join(tmp, 'nested')).stdout).filter((f) => f.ruleId === 'storage/sensitive-data-in-log');
    assert.deepEqual(fromSub.map((f) => `${f.path} ${f.severity}`), ['app.js error'], 'run inside nested/, its own config is the project root');
    const fromSrc = findings(sealant(['scan', '.', '--format', 'json', '--no-cache', '--quiet'], join(PROJECT, 'src')).stdout);
    const fromRoot = findings(sealant(['scan', 'src', '--format', 'json', '--no-cache', '--quiet'], PROJECT).stdout);
    assert.ok(fromSrc.length > 0);
    assert.deepEqual(fromSrc.map((f) => `${f.path} ${f.fingerprint}`), fromRoot.map((f) => `${f.path} ${f.fingerprint}`));
    assert.ok(fromSrc.every((f) => f.path.startsWith('src/')), 'paths are relative to the project root, not the current folder');
  });

  it('the editor path (loadWorkspaceConfig + Engine + applyPolicy) gives the same findings as the CLI', async () => {
    const cli = findings(sealant(['scan', '.', '--format', 'json', '--no-cache', '--quiet'], PROJECT).stdout);
    const loaded = await loadWorkspaceConfig(PROJECT, { trusted: true, host: nodeHost({ root: REPO_ROOT }) });
    assert.equal(loaded.ok, true, JSON.stringify(loaded.errors));
    const engine = new Engine(nodeHost({ root: REPO_ROOT }), { rules: loaded.rules, config: loaded.engineConfig });
    const editor: JsonFinding[] = [];
    try {
      for (const rel of ['src/app.js', 'src/app.py', 'tests/app.test.js']) {
        const abs = join(PROJECT, rel);
        const result = await engine.analyze({ path: relative(PROJECT, abs), text: readFileSync(abs, 'utf8') });
        for (const f of applyPolicy(result.findings, loaded.config, abs)) {
          editor.push({ path: f.path, line: f.range.start.line + 1, ruleId: f.ruleId, severity: f.severity, message: f.message, fingerprint: f.fingerprint, fixes: [] });
        }
      }
    } finally {
      await engine.dispose();
    }
    const key = (f: JsonFinding) => `${f.path}:${f.line} ${f.severity} ${f.ruleId} ${f.fingerprint} ${f.message}`;
    assert.ok(cli.length >= 4);
    assert.deepEqual(editor.map(key).sort(), cli.map(key).sort());
  });
});
