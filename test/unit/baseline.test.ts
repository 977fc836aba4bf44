/**
 * Baselines: `sealant scan --baseline previous.sarif` (or a JSON report) reports only findings whose fingerprint
 * is not in the baseline, so CI fails only on new problems.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyBaseline, BaselineError, parseBaseline } from '../../src/config';
import type { FileResult, Finding } from '../../src/core/types';
import { REPO_ROOT } from './helpers/paths';
import { sealant } from './helpers/cli';

const PROJECT = join(REPO_ROOT, 'test', 'fixtures-config', 'project');


function fingerprints(json: string): string[] {
  return (JSON.parse(json) as { findings: { fingerprint: string }[] }).findings.map((f) => f.fingerprint).sort();
}

describe('baselines', function () {
  this.timeout(240_000);

  it('reads fingerprints from SARIF and JSON reports and explains what it cannot read', () => {
    const sarif = parseBaseline(JSON.stringify({ version: '2.1.0', runs: [{ results: [{ partialFingerprints: { 'sealant/v1': 'aaaaaaaaaaaaaaaa' } }, { partialFingerprints: { 'sealant/v1': 'bbbbbbbbbbbbbbbb', other: 'x' } }] }] }));
    assert.deepEqual([sarif.format, [...sarif.fingerprints].sort()], ['sarif', ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']]);
    const json = parseBaseline(JSON.stringify({ version: 1, findings: [{ fingerprint: 'cccccccccccccccc' }] }));
    assert.deepEqual([json.format, [...json.fingerprints]], ['json', ['cccccccccccccccc']]);
    assert.deepEqual([...parseBaseline(JSON.stringify({ runs: [{ results: [] }] })).fingerprints], [], 'an empty SARIF run is a valid, empty baseline');
    assert.throws(() => parseBaseline('not json', 'old.sarif'), (e: Error) => e instanceof BaselineError && /^old\.sarif: not JSON/.test(e.message));
    assert.throws(() => parseBaseline('{"runs":[{"results":[{"ruleId":"x"}]}]}'), /carry no "sealant\/v1" fingerprints/);
    assert.throws(() => parseBaseline('{"findings":[{"ruleId":"x"}]}'), /a finding has no fingerprint/);
    assert.throws(() => parseBaseline('{"results":[]}'), /neither SARIF \(runs\[\]\) nor a Sealant JSON report/);
  });

  it('drops known findings and counts them', () => {
    const f = (fingerprint: string) => ({ fingerprint }) as Finding;
    const files = [{ path: 'a.js', findings: [f('aaaaaaaaaaaaaaaa'), f('bbbbbbbbbbbbbbbb')] }, { path: 'b.js', findings: [f('cccccccccccccccc')] }] as FileResult[];
    const out = applyBaseline(files, { format: 'json', fingerprints: new Set(['bbbbbbbbbbbbbbbb', 'cccccccccccccccc']) });
    assert.equal(out.known, 2);
    assert.deepEqual(out.files.map((x) => x.findings.map((y) => y.fingerprint)), [['aaaaaaaaaaaaaaaa'], []]);
  });

  for (const format of ['sarif', 'json'] as const) {
    it(`--baseline previous.${format}: only new findings are reported, and the exit code follows them`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'sealant-baseline-'));
      try {
        cpSync(PROJECT, dir, { recursive: true });
        const previous = join(dir, `previous.${format}`);
        const first = sealant(['scan', '.', '--format', format, '--output', previous, '--no-cache', '--quiet'], dir);
        assert.equal(first.code, 1, first.stderr);
        const old = fingerprints(sealant(['scan', '.', '--format', 'json', '--no-cache', '--quiet'], dir).stdout);
        assert.ok(old.length >= 3);
        // Nothing new: nothing reported, exit 0.
        const same = sealant(['scan', '.', '--format', 'json', '--baseline', previous, '--no-cache'], dir);
        assert.equal(same.code, 0, same.stderr);
        assert.deepEqual(fingerprints(same.stdout), []);
        assert.match(same.stderr, new RegExp(`sealant: ${old.length} findings already in the baseline .*previous\\.${format} not reported`));
        // One new finding (and an old one moved down by new lines): only the new one is reported.
        const app = join(dir, 'src', 'app.py');
        const text = `# moved\n\n${readFileSync(app, 'utf8')}\n\ndef export(customer):\n    segment.track(customer.email)\n`;
        writeFileSync(app, text);
        const newLine = text.slice(0, text.indexOf('segment.track')).split('\n').length;
        const next = sealant(['scan', '.', '--format', 'json', '--baseline', previous, '--no-cache', '--quiet'], dir);
        assert.equal(next.code, 1);
        const reported = JSON.parse(next.stdout) as { findings: { path: string; line: number; ruleId: string; fingerprint: string }[] };
        assert.deepEqual(reported.findings.map((f) => `${f.path}:${f.line} ${f.ruleId}`), [`src/app.py:${newLine} transmission/pii-to-analytics`]);
        assert.ok(!old.includes(reported.findings[0].fingerprint));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('a baseline that cannot be read is an error (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealant-baseline-'));
    try {
      writeFileSync(join(dir, 'a.js'), "console.log('ssn', req.body.ssn);\n");
      writeFileSync(join(dir, 'old.sarif'), '{ "runs": ');
      const missing = sealant(['scan', '.', '--baseline', 'nope.sarif'], dir);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^sealant: cannot read the baseline .*nope\.sarif: ENOENT$/m);
      const broken = sealant(['scan', '.', '--baseline', 'old.sarif'], dir);
      assert.equal(broken.code, 2);
      assert.match(broken.stderr, /old\.sarif: not JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
