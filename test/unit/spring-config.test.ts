/**
 * Spring Boot configuration files (issue #8), through the real CLI process: `application*.properties` and
 * `application*.yml` are analysed, with findings at the right file and line; Helm charts, CI files, `.sealant.yml` and
 * other YAML / properties files are neither parsed nor listed as skipped; the quick fix gives a file that no longer
 * has the finding; secrets in config files are never printed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyFixes } from '../../src/core/fixes';
import type { Finding } from '../../src/core/types';
import { sealant } from './helpers/cli';
import { makeEngine } from './helpers/engine';

interface JsonReport {
  summary: { filesScanned: number; filesSkipped: number };
  findings: (Finding & { path: string; line: number; evidence?: string })[];
  skipped: { path: string; reason: string }[];
}

const DB_PASSWORD = 'Vq3!mZ8rL2xK';
const MAIL_PASSWORD = 'r7Tq-Wm29-Kx4p';

function write(dir: string, rel: string, text: string): void {
  const parts = rel.split('/');
  mkdirSync(join(dir, ...parts.slice(0, -1)), { recursive: true });
  writeFileSync(join(dir, ...parts), text);
}

describe('Spring Boot config files (real CLI)', function () {
  this.timeout(180_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sealant-spring-'));
    write(dir, 'src/main/resources/application.properties', [
      'server.port=8080',
      '# uploads',
      'spring.servlet.multipart.max-file-size=-1',
      'spring.servlet.multipart.max-request-size=10MB',
      `spring.datasource.password=${DB_PASSWORD}`,
      '',
    ].join('\n'));
    write(dir, 'src/main/resources/application-prod.yml', [
      'spring:',
      '  mail:',
      '    host: smtp.mailrelay-partner.com',
      `    password: "${MAIL_PASSWORD}"`,
      '  servlet:',
      '    multipart:',
      '      max-request-size: 2GB',
      '',
    ].join('\n'));
    // Not Spring config files: the same settings must not be parsed, reported or listed as skipped.
    const foreign = `spring:\n  servlet:\n    multipart:\n      max-file-size: -1\n  datasource:\n    password: "${DB_PASSWORD}"\n`;
    write(dir, 'charts/api/values.yaml', foreign);
    write(dir, '.github/workflows/ci.yml', `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n${foreign.replace(/^/gm, '    ')}`);
    write(dir, 'docker-compose.yml', foreign);
    write(dir, 'src/main/resources/messages.properties', `spring.servlet.multipart.max-file-size=-1\nspring.datasource.password=${DB_PASSWORD}\n`);
    write(dir, '.sealant.yml', 'rules:\n  upload/no-size-limit: warning\n');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the settings of application*.properties / application*.yml at their file and line, and nothing else', () => {
    const r = sealant(['scan', '.', '--format', 'json', '--fail-on', 'never', '--no-cache'], dir);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as JsonReport;
    const got = report.findings.map((f) => `${f.path}:${f.line} ${f.ruleId}`).sort();
    assert.deepEqual(got, [
      'src/main/resources/application-prod.yml:4 storage/hardcoded-secret',
      'src/main/resources/application-prod.yml:7 upload/no-size-limit',
      'src/main/resources/application.properties:3 upload/no-size-limit',
      'src/main/resources/application.properties:5 storage/hardcoded-secret',
    ]);
    assert.equal(report.summary.filesScanned, 2);
    assert.deepEqual(report.skipped, [], 'Helm, CI, compose, messages.properties and .sealant.yml must not be listed');
    const unlimited = report.findings.find((f) => f.line === 3);
    assert.match(unlimited?.message ?? '', /max-file-size.*-1.*any size/);
    assert.equal(unlimited?.confidence, 'high');
  });

  it('prints no config secret in any format', () => {
    for (const format of ['text', 'json', 'sarif', 'markdown']) {
      const r = sealant(['scan', '.', '--format', format, '--fail-on', 'never', '--no-cache'], dir);
      assert.equal(r.code, 0, r.stderr);
      for (const secret of [DB_PASSWORD, MAIL_PASSWORD]) assert.ok(!(r.stdout + r.stderr).includes(secret), `${format} output prints a secret`);
      if (format === 'text') assert.match(r.stdout, /application\.properties/);
    }
  });

  it('exits 1 on the findings (warnings) by default', () => {
    assert.equal(sealant(['scan', 'src', '--quiet', '--no-cache'], dir).code, 1);
  });

  it('the size fix leaves a file without the finding, for properties and YAML, and respects maxBytes', async () => {
    const engine = makeEngine();
    try {
      for (const [path, text] of [
        ['application.properties', 'spring.servlet.multipart.max-file-size=-1\n'],
        ['application.yaml', 'spring:\n  http:\n    multipart:\n      maxRequestSize: "500MB" # too much\n'],
      ]) {
        const before = (await engine.analyze({ path, text })).findings.filter((f) => f.ruleId === 'upload/no-size-limit');
        assert.equal(before.length, 1, `${path}: ${JSON.stringify(before)}`);
        const fixed = applyFixes(text, [before[0].fixes[0]]).text;
        assert.match(fixed, /10MB/);
        const after = (await engine.analyze({ path, text: fixed })).findings.filter((f) => f.ruleId === 'upload/no-size-limit');
        assert.deepEqual(after, [], fixed);
      }
    } finally {
      await engine.dispose();
    }
    const strict = makeEngine({ config: { rules: { 'upload/no-size-limit': { options: { maxBytes: 1024 * 1024 } } } } });
    try {
      const r = await strict.analyze({ path: 'application.properties', text: 'spring.servlet.multipart.max-file-size=5MB\nspring.servlet.multipart.max-request-size=1MB\n' });
      assert.deepEqual(r.findings.map((f) => `${f.range.start.line} ${f.ruleId}`), ['0 upload/no-size-limit']);
      assert.equal(r.findings[0].fixes[0].edits[0].newText, '1MB');
    } finally {
      await strict.dispose();
    }
  });

  it('lowers confidence in dev/test profiles, and takes a YAML document by language id only under a Spring file name', async () => {
    const engine = makeEngine();
    try {
      const text = 'spring.servlet.multipart.max-file-size=-1\n';
      const prod = await engine.analyze({ path: 'config/application-prod.properties', text });
      const dev = await engine.analyze({ path: 'config/application-dev.properties', text });
      assert.deepEqual([prod.findings.map((f) => f.confidence), dev.findings.map((f) => f.confidence)], [['high'], ['medium']]);
      assert.equal(engine.languageOf({ path: 'src/main/resources/application.yml', languageId: 'yaml' })?.syntax, 'yaml');
      assert.equal(engine.languageOf({ path: 'src/main/resources/application.yml', languageId: 'spring-boot-properties-yaml' })?.syntax, 'yaml');
      assert.equal(engine.languageOf({ path: 'charts/api/values.yaml', languageId: 'yaml' }), undefined);
      const helm = await engine.analyze({ path: 'charts/api/values.yaml', text: 'spring:\n  servlet:\n    multipart:\n      max-file-size: -1\n', languageId: 'yaml' });
      assert.deepEqual(helm.findings, []);
      assert.equal(helm.skipped?.reason, 'unsupported');
    } finally {
      await engine.dispose();
    }
  });
});
