/**
 * Never print a secret. The secrets planted in the rule fixtures and the example project (keys in known
 * formats, card numbers, SSNs, IBANs, passwords in URLs, and every literal a `storage/hardcoded-secret`
 * case assigns), plus a project written here with secrets on lines that other rules flag, are scanned by
 * the real CLI in every output format: no output may contain any of them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { languageForPath } from '../../src/languages/registry';
import { FORMATS } from '../../src/reporters';
import { literalLooksSensitive } from '../../src/reporters/text';
import { looksLikePlaceholder } from '../../src/core/values';
import { BUILTIN_RULES } from '../../src/rules';
import { REPO_ROOT } from './helpers/paths';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const LITERAL = /(['"`])((?:\\.|(?!\1)[^\\\n])*)\1/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(full);
    return languageForPath(name) ? [full] : [];
  });
}

/** The rules' own guidance examples: documentation Sealant prints on purpose (a fixture may reuse a value). */
const GUIDANCE = BUILTIN_RULES.map((r) => JSON.stringify(r.guidance ?? {})).join('\n');

/** Secrets planted in a file: sensitive-looking literals, and literals of hard-coded-secret cases. */
export function plantedSecrets(text: string): string[] {
  const out = new Set<string>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const hardcodedCase = i > 0 && /expect:.*storage\/hardcoded-secret/.test(lines[i - 1]);
    for (const m of line.matchAll(LITERAL)) {
      const content = m[2];
      if (literalLooksSensitive(content)) out.add(content);
      // An environment variable's name (`getenv("DB_PASSWORD")` in a golden fix file) or a driver name
      // (`sql.Open("postgres", dsn)`) or a host name on the same line is not a secret.
      else if (hardcodedCase && content.length >= 8 && !looksLikePlaceholder(content) && !/^(process|os)\.|^https?:|^[A-Z][A-Z0-9_]*$|^[a-z]+$|^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(content)) out.add(content);
    }
    // Spring config files: the unquoted value of a `key=value` / `key: value` case (a `${VAR:default}`'s default).
    const setting = hardcodedCase && !/['"`]/.test(line) ? /^\s*[\w.[\]-]+\s*[=:]\s*(?:\$\{[\w.-]+:)?([^\s}]{8,})\}?\s*$/.exec(line) : null;
    if (setting) out.add(setting[1]);
  });
  return [...out].filter((v) => !GUIDANCE.includes(v));
}

function scan(cwd: string, paths: string[], format: string): string {
  const r = spawnSync(process.execPath, [CLI, 'scan', ...paths, '--format', format, '--fail-on', 'never'], { cwd, encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0' } });
  assert.equal(r.status, 0, r.error ? String(r.error) : r.stderr);
  return r.stdout + r.stderr;
}

describe('no output prints a secret', function () {
  this.timeout(180_000);
  let dir: string;
  const own = {
    stripe: 'sk_live_4eC39HqLyjWDarjtT1zdp7dcXq9Vb2',
    github: 'ghp_R8x2LmN4pQ7sT1vW3yZ5aB6cD8eF0gH2jK4m',
    card: '4539 1488 0343 6467',
    ssn: '536-22-8741',
    urlPassword: 'Tr0ub4dor-and-3',
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sealant-secrets-'));
    // Secrets on lines that the log, request and upload rules flag: their code frames must not show them.
    writeFileSync(join(dir, 'app.js'), [
      "function pay(req) {",
      `  console.log('charging', req.body.cardNumber, '${own.card}', '${own.stripe}');`,
      `  fetch('http://admin:${own.urlPassword}@billing.partner.com/charge?key=${own.github}', { body: req.body.ssn });`,
      `  console.log('ssn of test user', req.body.ssn, "${own.ssn}");`,
      '}',
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'app.py'), [
      'import requests',
      'def pay(request):',
      `    print("card", request.form["card_number"], "${own.card}")`,
      `    requests.post("http://billing.partner.com/x", headers={"Authorization": "Bearer ${own.stripe}"}, json={"ssn": request.form["ssn"]})`,
      '',
    ].join('\n'));
    // The same file saved as UTF-16 with a BOM: a code frame read as UTF-8 would show the secrets between NULs.
    writeFileSync(join(dir, 'app16.js'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(join(dir, 'app.js'), 'utf8'), 'utf16le')]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds secrets planted in the fixtures and the example project', () => {
    const planted = [...sourceFiles(join(REPO_ROOT, 'test', 'fixtures')), ...sourceFiles(join(REPO_ROOT, 'examples'))].flatMap((f) => plantedSecrets(readFileSync(f, 'utf8')));
    assert.ok(planted.length >= 1, `only ${planted.length} planted secrets found: ${planted.map((p) => p.slice(0, 4)).join(', ')}`);
  });

  it('flags the lines that carry the planted secrets (so a leaky code frame would show them)', () => {
    const json = JSON.parse(scan(dir, ['.'], 'json')) as { findings: { path: string; line: number }[] };
    const lines = new Set(json.findings.map((f) => `${f.path}:${f.line}`));
    for (const expected of ['app.js:2', 'app.js:3', 'app.js:4', 'app.py:3', 'app.py:4', 'app16.js:2', 'app16.js:4']) assert.ok(lines.has(expected), `no finding at ${expected}: ${[...lines].join(', ')}`);
  });

  for (const format of FORMATS) {
    it(`${format}: contains none of the planted values`, () => {
      const planted = new Set([
        ...Object.values(own),
        ...[...sourceFiles(join(REPO_ROOT, 'test', 'fixtures')), ...sourceFiles(join(REPO_ROOT, 'examples'))].flatMap((f) => plantedSecrets(readFileSync(f, 'utf8'))),
      ]);
      const outputs = [scan(dir, ['.'], format), scan(REPO_ROOT, ['test/fixtures', 'examples'], format)];
      for (const out of outputs) {
        assert.ok(out.length > 200, 'suspiciously short output');
        // Also with NULs and replacement characters squeezed out (a UTF-16 text shown as UTF-8 interleaves them).
        const squeezed = out.replace(/[\u0000\ufffd]/g, '');
        for (const secret of planted) assert.ok(!out.includes(secret) && !squeezed.includes(secret), `${format} output contains a planted secret starting ${secret.slice(0, 4)}…`);
      }
    });
  }
});
