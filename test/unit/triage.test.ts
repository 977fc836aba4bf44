/**
 * The triage file (.sealant-triage.yml): reading with precise errors, writing that keeps comments, applying
 * entries (external suppressions, expiry notes, stale entries), the `sealant triage add|list|prune` commands as
 * a real process, SARIF suppressions of both kinds, and fingerprints that survive reformatting.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryFor, readTriageFile, TriageIndex, updateTriageFile, type TriageEntry } from '../../src/config';
import type { Finding } from '../../src/core/types';
import { REPO_ROOT } from './helpers/paths';
import { sealant as runCli } from './helpers/cli';

const PROJECT = join(REPO_ROOT, 'test', 'fixtures-config', 'project');

const sealant = (args: string[], cwd: string) => runCli(args, cwd, { USER: 'ci-bot' });

interface JsonFinding {
  path: string;
  line: number;
  ruleId: string;
  message: string;
  fingerprint: string;
  suppression?: { kind: string; justification: string };
}

function scanJson(cwd: string): JsonFinding[] {
  const r = sealant(['scan', '.', '--format', 'json', '--no-cache', '--quiet'], cwd);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
}

function finding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'storage/sensitive-data-in-log', family: 'storage', cwe: [532], severity: 'error', confidence: 'high', path: 'src/a.js',
    range: { start: { line: 0, column: 0 }, end: { line: 0, column: 1 }, startOffset: 0, endOffset: 1 },
    message: 'A password is logged.', dataTypes: [], classifications: [], related: [], fixes: [], fingerprint: '0123456789abcdef', ...over,
  };
}

const entry = (over: Partial<TriageEntry> = {}): TriageEntry => ({ fingerprint: '0123456789abcdef', rule: 'storage/sensitive-data-in-log', file: 'src/a.js', status: 'accepted', reason: 'test account', ...over });

describe('triage file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sealant-triage-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reports schema errors, impossible dates and unquoted numeric fingerprints at their line and column', () => {
    const path = join(dir, '.sealant-triage.yml');
    const text = [
      'entries:',
      '  - fingerprint: 0123456789abcdef',
      '    rule: storage/x',
      '    file: a.js',
      '    status: ignored',
      '    reason: r',
      '  - fingerprint: 1234567890123456',
      '    rule: storage/x',
      '    file: a.js',
      '    status: accepted',
      '',
    ].join('\n');
    const read = readTriageFile(path, text);
    assert.deepEqual(read.entries, [], 'a file with errors suppresses nothing');
    const summary = read.errors.map((e) => `${e.line}:${e.column} ${e.field}: ${e.message}`);
    assert.deepEqual(summary, [
      '5:13 entries[0].status: must be one of accepted, false-positive, not "ignored"',
      '7:5 entries[1]: missing required key "reason"',
      '7:18 entries[1].fingerprint: must be a string, not a whole number (1234567890123456); quote it: fingerprint: "…"',
    ]);
    const dates = readTriageFile(path, 'entries:\n  - { fingerprint: 0123456789abcdef, rule: r, file: f, status: accepted, reason: r, expires: 2025-02-30 }\n');
    assert.equal(dates.errors.length, 1);
    assert.match(`${dates.errors[0].line}:${dates.errors[0].column} ${dates.errors[0].message}`, /^2:\d+ 2025-02-30 is not a date$/);
    const dup = readTriageFile(path, 'entries:\n  - { fingerprint: 0123456789abcdef, rule: r, file: f, status: accepted, reason: a }\n  - { fingerprint: 0123456789abcdef, rule: r, file: f, status: accepted, reason: b }\n');
    assert.equal(dup.entries.length, 2);
    assert.equal(dup.errors[0].severity, 'warning');
    assert.equal(dup.errors[0].line, 3);
  });

  it('adds and removes entries and keeps the comments of the others', () => {
    const path = join(dir, '.sealant-triage.yml');
    writeFileSync(path, '# reviewed in the Q3 audit\nversion: 1\nentries:\n  # the demo account, see TICKET-12\n  - fingerprint: 0123456789abcdef\n    rule: storage/x\n    file: a.js\n    status: accepted\n    reason: demo account\n');
    updateTriageFile(path, { add: [entry({ fingerprint: 'fedcba9876543210', status: 'false-positive', reason: 'not a real SSN', expires: '2030-01-01' })] });
    let text = readFileSync(path, 'utf8');
    assert.match(text, /# reviewed in the Q3 audit/);
    assert.match(text, /# the demo account, see TICKET-12\n {2}- fingerprint: 0123456789abcdef/);
    assert.deepEqual(readTriageFile(path).entries.map((e) => [e.fingerprint, e.status, e.expires]), [['0123456789abcdef', 'accepted', undefined], ['fedcba9876543210', 'false-positive', '2030-01-01']]);
    updateTriageFile(path, { remove: new Set(['0123456789abcdef']) });
    text = readFileSync(path, 'utf8');
    assert.doesNotMatch(text, /0123456789abcdef/);
    assert.deepEqual(readTriageFile(path).entries.map((e) => e.fingerprint), ['fedcba9876543210']);
    // An all-digit fingerprint is written quoted, so it reads back as a string.
    updateTriageFile(path, { add: [entry({ fingerprint: '1234567890123456' })] });
    assert.deepEqual(readTriageFile(path).errors, []);
    assert.ok(readTriageFile(path).entries.some((e) => e.fingerprint === '1234567890123456'));
  });

  it('creates a new file with a header and entries that validate', () => {
    const path = join(dir, '.sealant-triage.yml');
    updateTriageFile(path, { add: [entryFor(finding(), { status: 'accepted', reason: 'demo', reviewer: 'ana', now: new Date('2025-06-01T12:00:00Z') })] });
    const text = readFileSync(path, 'utf8');
    assert.match(text, /^# Sealant triage file/);
    const read = readTriageFile(path);
    assert.deepEqual(read.errors, []);
    assert.deepEqual(read.entries, [{ fingerprint: '0123456789abcdef', rule: 'storage/sensitive-data-in-log', file: 'src/a.js', status: 'accepted', reason: 'demo', reviewer: 'ana', added: '2025-06-01' }]);
    assert.throws(() => entryFor(finding(), { status: 'accepted', reason: 'r', expires: '31/12/2030' }), /not a date written YYYY-MM-DD/);
  });

  it('suppresses triaged findings (external), lets expired ones reappear with a note, and finds stale entries', () => {
    const now = new Date('2025-06-01T00:00:00Z');
    const index = new TriageIndex([
      entry({ fingerprint: 'aaaaaaaaaaaaaaaa', reviewer: 'ana', expires: '2025-12-31' }),
      entry({ fingerprint: 'bbbbbbbbbbbbbbbb', status: 'false-positive', reason: 'a test fixture', expires: '2025-06-01', reviewer: 'bo' }),
      entry({ fingerprint: 'cccccccccccccccc' }),
      entry({ fingerprint: 'dddddddddddddddd' }),
    ], now);
    const live = index.apply(finding({ fingerprint: 'aaaaaaaaaaaaaaaa' }));
    assert.deepEqual(live.suppression, { kind: 'external', justification: 'Accepted risk: test account (ana); until 2025-12-31' });
    const expired = index.apply(finding({ fingerprint: 'bbbbbbbbbbbbbbbb' }));
    assert.equal(expired.suppression, undefined, 'expires on its expiry day');
    assert.equal(expired.message, 'A password is logged. (Triage entry expired on 2025-06-01: marked as a false positive by bo: a test fixture)');
    const inline = finding({ fingerprint: 'cccccccccccccccc', suppression: { kind: 'inSource', justification: 'x' } });
    assert.equal(index.apply(inline), inline, 'an inline suppression stays as it is');
    const untouched = finding({ fingerprint: 'eeeeeeeeeeeeeeee' });
    assert.equal(index.apply(untouched), untouched);
    assert.deepEqual(index.stale().map((e) => e.fingerprint), ['dddddddddddddddd']);
    assert.deepEqual(index.expired().map((e) => e.fingerprint), ['bbbbbbbbbbbbbbbb']);
  });
});

describe('sealant triage (real process)', function () {
  this.timeout(240_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sealant-triage-cli-'));
    cpSync(PROJECT, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('add by file:line writes an entry with the finding\'s fingerprint; the scan then reports it as suppressed (external)', () => {
    const before = scanJson(dir).find((f) => f.path === 'src/app.js' && f.ruleId === 'transmission/pii-to-analytics');
    assert.ok(before);
    const r = sealant(['triage', 'add', 'src/app.js:4', '--reason', 'hashed upstream by the SDK', '--reviewer', 'ana', '--expires', '2999-01-01'], dir);
    assert.equal(r.code, 0, r.stderr);
    const entries = readTriageFile(join(dir, '.sealant-triage.yml')).entries;
    assert.equal(entries.length, 1);
    assert.equal(entries[0].fingerprint, before.fingerprint);
    assert.deepEqual([entries[0].rule, entries[0].file, entries[0].status, entries[0].reviewer], ['transmission/pii-to-analytics', 'src/app.js', 'accepted', 'ana']);
    const after = scanJson(dir).find((f) => f.fingerprint === before.fingerprint);
    assert.deepEqual(after?.suppression, { kind: 'external', justification: `Accepted risk: hashed upstream by the SDK (ana, ${entries[0].added}); until 2999-01-01` });
  });

  it('add by fingerprint, asks for --rule when a line has several findings, and refuses a line without one', () => {
    const target = scanJson(dir).find((f) => f.path === 'src/app.py');
    assert.ok(target);
    const byFp = sealant(['triage', 'add', target.fingerprint, '--reason', 'pseudonymous id', '--status', 'false-positive'], dir);
    assert.equal(byFp.code, 0, byFp.stderr);
    assert.equal(readTriageFile(join(dir, '.sealant-triage.yml')).entries[0].reviewer !== undefined, true, 'a default reviewer is filled in');
    writeFileSync(join(dir, 'src', 'two.js'), "import analytics from 'analytics';\nexport function f(user) { analytics.track(user.email); console.log('ssn', user.ssn); }\n");
    const ambiguous = sealant(['triage', 'add', 'src/two.js:2', '--reason', 'r'], dir);
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /2 findings at src\/two\.js:2; choose one with --rule or its fingerprint:\n/);
    assert.match(ambiguous.stderr, /^ {2}[0-9a-f]{16} {2}storage\/sensitive-data-in-log {2}src\/two\.js:2:\d+/m);
    assert.match(ambiguous.stderr, /^ {2}[0-9a-f]{16} {2}transmission\/pii-to-analytics {2}src\/two\.js:2:\d+/m);
    const chosen = sealant(['triage', 'add', 'src/two.js:2', '--reason', 'r', '--rule', 'storage/sensitive-data-in-log'], dir);
    assert.equal(chosen.code, 0, chosen.stderr);
    const none = sealant(['triage', 'add', 'src/app.js:1', '--reason', 'r'], dir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no finding at src\/app\.js:1/);
    const noReason = sealant(['triage', 'add', 'src/app.js:4'], dir);
    assert.equal(noReason.code, 2);
    assert.match(noReason.stderr, /needs --reason/);
  });

  it('list, list --stale (exit 1), list --expired, prune --dry-run and prune', () => {
    const real = scanJson(dir).find((f) => f.path === 'src/app.js' && f.line === 4);
    assert.ok(real);
    const path = join(dir, '.sealant-triage.yml');
    updateTriageFile(path, {
      add: [
        entry({ fingerprint: real.fingerprint, rule: real.ruleId, file: real.path, reason: 'reviewed' }),
        entry({ fingerprint: 'abcdefabcdefabcd', reason: 'code since deleted' }),
        entry({ fingerprint: 'fedcfedcfedcfedc', reason: 'old', expires: '2001-01-01' }),
      ],
    });
    const list = sealant(['triage', 'list'], dir);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /3 triage entries/);
    assert.match(list.stdout, /fedcfedcfedcfedc .* EXPIRED 2001-01-01/);
    const stale = sealant(['triage', 'list', '--stale'], dir);
    assert.equal(stale.code, 1);
    assert.deepEqual(stale.stdout.match(/^[0-9a-f]{16}/gm), ['abcdefabcdefabcd', 'fedcfedcfedcfedc']);
    const expired = JSON.parse(sealant(['triage', 'list', '--expired', '--format', 'json'], dir).stdout) as { entries: TriageEntry[] };
    assert.deepEqual(expired.entries.map((e) => e.fingerprint), ['fedcfedcfedcfedc']);
    const dry = sealant(['triage', 'prune', '--dry-run'], dir);
    assert.match(dry.stdout, /would remove 2 entries/);
    assert.equal(readTriageFile(path).entries.length, 3, '--dry-run changes nothing');
    const pruned = sealant(['triage', 'prune'], dir);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.deepEqual(readTriageFile(path).entries.map((e) => e.fingerprint), [real.fingerprint]);
    assert.equal(sealant(['triage', 'list', '--stale'], dir).code, 0);
  });

  it('an expired entry lets its finding reappear with a note of the expiry', () => {
    const real = scanJson(dir).find((f) => f.path === 'src/app.py');
    assert.ok(real);
    updateTriageFile(join(dir, '.sealant-triage.yml'), { add: [entry({ fingerprint: real.fingerprint, rule: real.ruleId, file: real.path, reason: 'until the SDK migration', reviewer: 'ana', expires: '2020-01-31' })] });
    const again = scanJson(dir).find((f) => f.fingerprint === real.fingerprint);
    assert.equal(again?.suppression, undefined);
    assert.equal(again?.message, `${real.message} (Triage entry expired on 2020-01-31: risk accepted by ana: until the SDK migration)`);
    const r = sealant(['scan', '.', '--fail-on', 'error', '--no-cache', '--quiet'], dir);
    assert.equal(r.code, 1, 'the expired finding fails the build again');
  });

  it('SARIF carries suppressions: external with the triage justification, inSource with the comment\'s reason', () => {
    const app = join(dir, 'src', 'app.js');
    writeFileSync(app, readFileSync(app, 'utf8').replace("  console.log('new signup', user.ssn);", "  // sealant-ignore storage/sensitive-data-in-log: test data only\n  console.log('new signup', user.ssn);"));
    const target = scanJson(dir).find((f) => f.path === 'src/app.py');
    assert.ok(target);
    assert.equal(sealant(['triage', 'add', target.fingerprint, '--reason', 'pseudonymous id', '--reviewer', 'bo'], dir).code, 0);
    const sarif = JSON.parse(sealant(['scan', '.', '--format', 'sarif', '--no-cache', '--quiet'], dir).stdout) as {
      runs: { results: { ruleId: string; partialFingerprints: Record<string, string>; suppressions?: { kind: string; justification?: string }[] }[] }[];
    };
    const results = sarif.runs[0].results;
    const external = results.find((r) => r.partialFingerprints['sealant/v1'] === target.fingerprint);
    assert.equal(external?.suppressions?.[0]?.kind, 'external');
    assert.match(external?.suppressions?.[0]?.justification ?? '', /^Accepted risk: pseudonymous id \(bo, \d{4}-\d{2}-\d{2}\)$/);
    const inSource = results.find((r) => r.ruleId === 'storage/sensitive-data-in-log' && r.suppressions);
    assert.deepEqual(inSource?.suppressions, [{ kind: 'inSource', justification: 'test data only' }]);
    assert.ok(results.some((r) => !r.suppressions), 'the other findings are not suppressed');
  });

  it('a triage entry still matches after the file is reformatted: lines inserted above, the body re-indented', () => {
    const target = scanJson(dir).find((f) => f.path === 'src/app.js' && f.ruleId === 'transmission/pii-to-analytics');
    assert.ok(target);
    assert.equal(sealant(['triage', 'add', target.fingerprint, '--reason', 'reviewed'], dir).code, 0);
    const app = join(dir, 'src', 'app.js');
    const original = readFileSync(app, 'utf8');
    const reformatted = [
      '// Signup tracking.',
      '// (moved down by this comment block)',
      '',
      ...original.split('\n').map((l) => (l.startsWith('  ') ? `      ${l.trim()}` : l)),
    ].join('\n').replace('analytics.track(user.email);', 'analytics.track( user.email );');
    assert.notEqual(reformatted, original);
    writeFileSync(app, reformatted);
    const after = scanJson(dir).find((f) => f.path === 'src/app.js' && f.ruleId === 'transmission/pii-to-analytics');
    assert.ok(after);
    assert.notEqual(after.line, target.line, 'the finding moved');
    assert.equal(after.fingerprint, target.fingerprint);
    assert.equal(after.suppression?.kind, 'external');
    assert.equal(sealant(['triage', 'list', '--stale'], dir).code, 0, 'the entry is not stale');
  });

  it('a broken triage file stops the scan with exit 2 at its line', () => {
    writeFileSync(join(dir, '.sealant-triage.yml'), 'entries:\n  - fingerprint: abc\n');
    const r = sealant(['scan', '.'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^\.sealant-triage\.yml:2:5: error: entries\[0\]: missing required key "rule"/m);
    assert.match(r.stderr, /\.sealant-triage\.yml:2:18: error: entries\[0\]\.fingerprint: must be a fingerprint of 16 hexadecimal digits, not "abc"/);
  });
});
