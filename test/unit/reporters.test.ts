/** The reporters: text, JSON, SARIF 2.1.0 (validated against the official schema) and Markdown. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type Ajv from 'ajv-draft-04';
import type { Finding, ScanResult } from '../../src/core/types';
import { FORMATS, formatResult, toJsonReport, toSarif, SECURITY_SEVERITY, type JsonReport, type SarifLog } from '../../src/reporters';
import { fileUri } from '../../src/reporters/sarif';
import { REPO_ROOT } from './helpers/paths';
import { loadSarifSchema, sarifAjv, SARIF_SCHEMA_PATH } from './helpers/sarif-schema';
import { locate, sampleResult, sampleSource, SOURCES } from './helpers/sample-result';

function sarifValidator(): Ajv {
  const ajv = sarifAjv();
  ajv.addSchema(loadSarifSchema(), 'sarif');
  return ajv;
}

function validateSarif(ajv: Ajv, log: unknown): void {
  const ok = ajv.validate('sarif', log);
  assert.ok(ok, JSON.stringify(ajv.errors?.slice(0, 5), null, 2));
}

const ANSI = /\u001b\[/;
const RAW_SECRET = 'hunter2-correct-horse-battery';

function sarifOf(result: ScanResult = sampleResult()): SarifLog {
  return JSON.parse(formatResult(result, 'sarif')) as SarifLog;
}

function allFindings(result: ScanResult): Finding[] {
  return result.files.flatMap((f) => f.findings);
}

describe('reporters', () => {
  describe('formatResult', () => {
    it('lists the four formats and gives a newline-terminated report for each', () => {
      assert.deepEqual([...FORMATS], ['text', 'json', 'sarif', 'markdown']);
      for (const format of FORMATS) {
        const out = formatResult(sampleResult(), format, { getSource: sampleSource });
        assert.ok(out.length > 200, format);
        assert.ok(out.endsWith('\n') && !out.endsWith('\n\n'), `${format} does not end with exactly one newline`);
      }
    });

    it('does not change the result, and gives the same report whatever the order of files and findings', () => {
      const result = sampleResult();
      const before = structuredClone(result);
      const shuffled = sampleResult();
      shuffled.files.reverse();
      for (const f of shuffled.files) f.findings.reverse();
      shuffled.skipped.reverse();
      shuffled.rules.reverse();
      for (const format of FORMATS) {
        const out = formatResult(result, format, { getSource: sampleSource });
        assert.equal(formatResult(shuffled, format, { getSource: sampleSource }), out, format);
      }
      assert.deepEqual(result, before);
    });

    it('imports nothing from fs, path, node built-ins or vscode', () => {
      const dir = join(REPO_ROOT, 'src', 'reporters');
      const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
      assert.deepEqual(files.sort(), ['index.ts', 'json.ts', 'markdown.ts', 'sarif.ts', 'text.ts']);
      for (const file of files) {
        const imports = [...readFileSync(join(dir, file), 'utf8').matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
        assert.ok(imports.length > 0, file);
        for (const spec of imports) assert.match(spec, /^\.\.?\//, `${file} imports ${spec}`);
        // Pure modules of the core only: the result model and the value recognisers (for masking code frames).
        for (const spec of imports) assert.ok(spec === '../core/types' || spec === '../core/values' || spec.startsWith('./'), `${file} imports ${spec}`);
      }
    });
  });

  describe('SARIF', () => {
    let ajv: Ajv;
    before(() => {
      ajv = sarifValidator();
    });

    it('loads the SARIF 2.1.0 schema from its npm package', () => {
      const schema = JSON.parse(readFileSync(SARIF_SCHEMA_PATH, 'utf8')) as { $schema: string; title: string; definitions: Record<string, { properties?: object }> };
      assert.equal(schema.$schema, 'http://json-schema.org/draft-04/schema#');
      assert.match(schema.title, /Static Analysis Results Format \(SARIF\) Version 2\.1\.0/);
      assert.ok(Object.keys(schema.definitions).length > 50);
      assert.ok(schema.definitions.suppression.properties && 'status' in schema.definitions.suppression.properties, 'the standard revision names it status');
    });

    it('validates against the official SARIF 2.1.0 schema, formats included', () => {
      const log = sarifOf();
      assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
      assert.equal(log.version, '2.1.0');
      assert.equal(log.runs.length, 1);
      validateSarif(ajv, log);
    });

    it('validates an empty scan and a root on Windows', () => {
      const empty: ScanResult = { ...sampleResult(), files: [], skipped: [], root: 'C:\\Users\\dev\\shop' };
      const log = sarifOf(empty);
      validateSarif(ajv, log);
      assert.deepEqual(log.runs[0].results, []);
      assert.equal(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri, 'file:///C:/Users/dev/shop/');
    });

    it('rejects broken SARIF (the validation can fail)', () => {
      const broken = sarifOf() as unknown as { runs: { results: { level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
      broken.runs[0].results[0].level = 'fatal';
      assert.equal(ajv.validate('sarif', broken), false);
      assert.ok(ajv.errors?.some((e) => e.instancePath === '/runs/0/results/0/level'), JSON.stringify(ajv.errors?.slice(0, 3)));
      const zeroLine = sarifOf() as unknown as typeof broken;
      zeroLine.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
      assert.equal(ajv.validate('sarif', zeroLine), false);
      const badUri = sarifOf() as unknown as { runs: { originalUriBaseIds: Record<string, { uri: string }> }[] };
      badUri.runs[0].originalUriBaseIds['%SRCROOT%'].uri = 'file:///a b/';
      assert.equal(ajv.validate('sarif', badUri), false, 'an unencoded space in a URI must fail the uri format');
    });

    it('describes the tool and every active rule with help, tags, precision and security-severity', () => {
      const result = sampleResult();
      const driver = sarifOf(result).runs[0].tool.driver;
      assert.equal(driver.name, 'Sealant');
      assert.equal(driver.version, '0.1.0');
      assert.equal(driver.semanticVersion, '0.1.0');
      assert.match(driver.informationUri, /^https:\/\//);
      assert.deepEqual(driver.rules.map((r) => r.id), result.rules.map((r) => r.id).sort());
      const log = driver.rules.find((r) => r.id === 'storage/sensitive-data-in-log');
      assert.ok(log);
      assert.equal(log.name, 'StorageSensitiveDataInLog');
      assert.equal(log.shortDescription.text, 'Sensitive data written to a log');
      assert.match(log.fullDescription.text, /passed to a logger/);
      assert.equal(log.defaultConfiguration.level, 'error');
      assert.deepEqual(log.properties.tags, ['storage', 'security', 'CWE-532', 'CWE-312', 'external/cwe/cwe-532', 'external/cwe/cwe-312']);
      assert.deepEqual(log.properties.cwe, ['CWE-532', 'CWE-312']);
      assert.equal(log.properties.precision, 'high');
      assert.equal(log.properties['security-severity'], '8.0');
      for (const part of ['## Why it matters', 'Logs are copied', '## Bad', 'password=${req.body.password}', '## Good', '## How to fix', '[CWE-532](https://cwe.mitre.org/data/definitions/532.html)']) {
        assert.ok(log.help.markdown.includes(part), `help.markdown lacks ${part}`);
      }
      for (const part of ['Why it matters:', 'Bad:', 'Good:', 'How to fix:', 'CWE-312']) assert.ok(log.help.text.includes(part), `help.text lacks ${part}`);
      assert.ok(!('helpUri' in log));

      for (const d of result.rules) {
        const r = driver.rules.find((x) => x.id === d.id);
        assert.ok(r, d.id);
        assert.equal(r.name, d.id.split(/[/-]/).map((w) => w[0].toUpperCase() + w.slice(1)).join(''));
        assert.equal(r.properties.precision, d.confidence);
        assert.equal(r.defaultConfiguration.level, d.severity);
        assert.ok(r.properties.tags.includes(d.family), `${d.id}: family tag`);
        for (const n of d.cwe) {
          assert.ok(r.properties.tags.includes(`CWE-${n}`), `${d.id}: CWE-${n}`);
          assert.ok(r.properties.tags.includes(`external/cwe/cwe-${n}`), `${d.id}: external/cwe/cwe-${n}`);
        }
        if (d.family === 'sealant') {
          assert.ok(!r.properties.tags.includes('security'), d.id);
          assert.equal(r.properties['security-severity'], undefined, d.id);
        } else {
          assert.ok(r.properties.tags.includes('security'), d.id);
          assert.equal(r.properties['security-severity'], SECURITY_SEVERITY[d.severity][d.confidence], d.id);
        }
      }
      const precision = Object.fromEntries(driver.rules.map((r) => [r.id, r.properties.precision]));
      assert.equal(precision['storage/hardcoded-secret'], 'medium');
      assert.equal(driver.rules.find((r) => r.id === 'storage/hardcoded-secret')?.properties['security-severity'], '7.5');
      assert.equal(driver.rules.find((r) => r.id === 'transmission/insecure-request')?.properties['security-severity'], '5.5');
      assert.equal(driver.rules.find((r) => r.id === 'upload/no-size-limit')?.properties['security-severity'], '6.5');
    });

    it('maps severity and confidence to security-severity inside GitHub\'s bands', () => {
      for (const [severity, [lo, hi]] of [['error', [7, 8.9]], ['warning', [4, 6.9]], ['note', [0.1, 3.9]]] as const) {
        const scores = (['high', 'medium', 'low'] as const).map((c) => Number(SECURITY_SEVERITY[severity][c]));
        for (const s of scores) assert.ok(s >= lo && s <= hi, `${severity}: ${s}`);
        assert.ok(scores[0] > scores[1] && scores[1] > scores[2], `${severity}: lower confidence, lower score`);
      }
      for (const v of Object.values(SECURITY_SEVERITY).flatMap((m) => Object.values(m))) assert.match(v, /^\d+\.\d$/);
    });

    it('puts every finding in results with rule index, level, region, relative URI and fingerprint', () => {
      const result = sampleResult();
      const run = sarifOf(result).runs[0];
      const findings = allFindings(result);
      assert.equal(run.results.length, findings.length);
      assert.equal(run.columnKind, 'utf16CodeUnits');
      assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///home/dev/shop/' } });
      for (const r of run.results) {
        assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
        const f = findings.find((x) => x.fingerprint === r.partialFingerprints['sealant/v1']);
        assert.ok(f, `no finding with fingerprint ${JSON.stringify(r.partialFingerprints)}`);
        assert.equal(r.ruleId, f.ruleId);
        assert.equal(r.level, f.severity);
        assert.equal(r.message.text, f.message);
        const loc = r.locations[0].physicalLocation;
        assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
        assert.ok(!loc.artifactLocation.uri.startsWith('/') && !loc.artifactLocation.uri.includes(':'), loc.artifactLocation.uri);
        assert.equal(decodeURIComponent(loc.artifactLocation.uri), f.path);
        assert.equal(r.properties.confidence, f.confidence);
        assert.deepEqual(r.properties.dataTypes, f.dataTypes);
      }
      const log = run.results.find((r) => r.ruleId === 'storage/sensitive-data-in-log' && !r.suppressions);
      assert.ok(log);
      // `  logger.info(...)` is on line 14 of src/server.js, from column 3; the end column is exclusive.
      assert.deepEqual(log.locations[0].physicalLocation.region, { startLine: 14, startColumn: 3, endLine: 14, endColumn: 48 });
      assert.equal(SOURCES['src/server.js'].split('\n')[13].slice(2, 47), 'logger.info(`new signup ${email} ssn=${ssn}`)');
      const upload = run.results.find((r) => r.ruleId === 'upload/client-filename-in-path');
      assert.equal(upload?.locations[0].physicalLocation.artifactLocation.uri, 'src/my%20uploads/handler.py');
    });

    it('lists related locations with ids and messages', () => {
      const run = sarifOf().runs[0];
      const pw = run.results.find((r) => r.ruleId === 'storage/plaintext-password');
      assert.ok(pw?.relatedLocations);
      assert.deepEqual(pw.relatedLocations.map((l) => l.id), [1, 2]);
      assert.deepEqual(pw.relatedLocations.map((l) => l.message?.text), ['The password comes from `req.body` here.', 'Stored here without a hash.']);
      assert.deepEqual(pw.relatedLocations[0].physicalLocation.region, { startLine: 12, startColumn: 18, endLine: 12, endColumn: 26 });
      assert.equal(pw.relatedLocations[0].physicalLocation.artifactLocation.uri, 'src/server.js');
      const noRelated = run.results.find((r) => r.ruleId === 'storage/hardcoded-secret');
      assert.ok(noRelated && !('relatedLocations' in noRelated));
    });

    it('carries fixes as artifact changes with deleted regions and inserted text', () => {
      const run = sarifOf().runs[0];
      const https = run.results.find((r) => r.ruleId === 'transmission/insecure-request' && !r.suppressions);
      assert.equal(https?.fixes?.length, 1);
      const fix = https.fixes[0];
      assert.equal(fix.description.text, 'Use https://');
      assert.equal(fix.properties.safe, true);
      assert.equal(fix.artifactChanges[0].artifactLocation.uri, 'src/server.js');
      assert.equal(fix.artifactChanges[0].artifactLocation.uriBaseId, '%SRCROOT%');
      const http = locate('src/server.js', 'http://');
      assert.deepEqual(fix.artifactChanges[0].replacements, [
        {
          deletedRegion: { startLine: http.start.line + 1, startColumn: http.start.column + 1, endLine: http.end.line + 1, endColumn: http.end.column + 1 },
          insertedContent: { text: 'https://' },
        },
      ]);
      // An insertion is an empty deleted region.
      const limit = run.results.find((r) => r.ruleId === 'upload/no-size-limit')?.fixes?.[0].artifactChanges[0].replacements[0];
      assert.ok(limit);
      assert.equal(limit.deletedRegion.startColumn, limit.deletedRegion.endColumn);
      assert.match(limit.insertedContent.text, /fileSize/);
      // Applying the replacement to the source gives the fixed line.
      const line = SOURCES['src/server.js'].split('\n')[limit.deletedRegion.startLine - 1];
      const at = limit.deletedRegion.startColumn - 1;
      assert.equal(line.slice(0, at) + limit.insertedContent.text + line.slice(at), "const upload = multer({ dest: 'public/uploads/', limits: { fileSize: 5 * 1024 * 1024 } });");
      for (const r of run.results.filter((x) => ['storage/sensitive-data-in-log', 'storage/hardcoded-secret'].includes(x.ruleId))) assert.ok(!('fixes' in r), r.ruleId);
    });

    it('marks suppressed findings with their kind and justification', () => {
      const run = sarifOf().runs[0];
      const suppressed = run.results.filter((r) => r.suppressions);
      assert.equal(suppressed.length, 2);
      assert.deepEqual(
        suppressed.map((r) => r.suppressions),
        [
          [{ kind: 'inSource', justification: 'masked upstream by the export job' }],
          [{ kind: 'external', justification: 'Isolated archive network; accepted by j.doe until 2026-06-30' }],
        ],
      );
      assert.equal(run.results.filter((r) => !r.suppressions).length, 7);
    });

    it('reports skipped files as tool execution notifications, once each', () => {
      const inv = sarifOf().runs[0].invocations;
      assert.equal(inv.length, 1);
      assert.equal(inv[0].executionSuccessful, true);
      assert.equal(inv[0].startTimeUtc, '2025-06-01T12:00:00.000Z');
      assert.equal(inv[0].endTimeUtc, '2025-06-01T12:00:01.532Z');
      const notes = inv[0].toolExecutionNotifications;
      assert.deepEqual(
        notes.map((n) => [n.locations[0].physicalLocation.artifactLocation.uri, n.level, n.descriptor.id]),
        [
          ['dist/app.min.js', 'note', 'sealant/skipped/minified'],
          ['public/logo.png', 'note', 'sealant/skipped/binary'],
          ['src/generated/schema.py', 'warning', 'sealant/skipped/parse-timeout'],
          ['vendor/bundle.js', 'note', 'sealant/skipped/too-large'],
        ],
      );
      for (const n of notes) {
        assert.match(n.message.text, new RegExp(`^Skipped ${n.locations[0].physicalLocation.artifactLocation.uri.replace(/[.]/g, '\\.')}: ${n.properties.reason} \\(`));
        assert.equal(n.locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
      }
    });

    it('puts redacted evidence in the result properties', () => {
      const secret = sarifOf().runs[0].results.find((r) => r.ruleId === 'storage/hardcoded-secret');
      assert.equal(secret?.properties.evidence, 'hu*****');
    });

    it('adds a descriptor for a finding whose rule is not among the active rules', () => {
      const result = sampleResult();
      result.files[0].findings.push({ ...result.files[0].findings[0], ruleId: 'custom/team-rule', fingerprint: 'ffff000011112222' });
      const log = sarifOf(result);
      validateSarif(ajv, log);
      const r = log.runs[0].results.find((x) => x.ruleId === 'custom/team-rule');
      assert.ok(r);
      assert.equal(log.runs[0].tool.driver.rules[r.ruleIndex].id, 'custom/team-rule');
    });

    it('writes file URIs for POSIX, Windows and UNC roots', () => {
      assert.equal(fileUri('/home/dev/my shop', true), 'file:///home/dev/my%20shop/');
      assert.equal(fileUri('/', true), 'file:///');
      assert.equal(fileUri('D:\\work\\a#b', true), 'file:///D:/work/a%23b/');
      assert.equal(fileUri('\\\\server\\share\\repo', true), 'file://server/share/repo/');
      assert.equal(toSarif({ ...sampleResult(), root: '/srv/ci/' }).runs[0].originalUriBaseIds['%SRCROOT%'].uri, 'file:///srv/ci/');
    });
  });

  describe('text', () => {
    const text = (options: { color?: boolean; source?: boolean } = {}, result = sampleResult()) =>
      formatResult(result, 'text', { color: options.color, getSource: options.source === false ? undefined : sampleSource });

    it('uses ANSI colours only when asked', () => {
      assert.ok(!text({ color: false }).includes('\u001b'));
      assert.ok(!text().includes('\u001b'));
      const coloured = text({ color: true });
      assert.match(coloured, ANSI);
      assert.match(coloured, /\u001b\[31merror/);
      assert.match(coloured, /\u001b\[33mwarning/);
      assert.equal(coloured.replace(/\u001b\[\d+m/g, ''), text({ color: false }));
    });

    it('groups findings by file, in path order, each as line:col severity message [rule-id]', () => {
      const out = text({ source: false });
      const lines = out.split('\n');
      const headers = lines.filter((l) => /^\S/.test(l) && !/problems|scanned/.test(l));
      assert.deepEqual(headers, ['src/config/admin.ts', 'src/my uploads/handler.py', 'src/server.js', 'src/utils.js']);
      const server = lines.indexOf('src/server.js');
      const utils = lines.indexOf('src/utils.js');
      const findingLines = lines.slice(server + 1, utils).filter((l) => /^\s+\d+:\d+\s/.test(l));
      assert.deepEqual(
        findingLines.map((l) => l.trim().replace(/\s{2,}/g, ' | ')),
        [
          '8:16 | warning | This `multer` upload accepts files of any size. | [upload/no-size-limit]',
          '14:3 | error | A social security number (`ssn`) is written to a log by `logger.info`. | [storage/sensitive-data-in-log]',
          '16:9 | error | The password is stored as typed by `db.users.insert`. | [storage/plaintext-password]',
          '17:9 | warning | Personal data (`email`, `ssn`) is sent over plain HTTP to `api.partner-crm.com`. | [transmission/insecure-request]',
        ],
      );
    });

    it('shows a code frame of the finding line with markers, related locations and fixes', () => {
      const out = text();
      const lines = out.split('\n');
      const at = lines.findIndex((l) => l.includes('[storage/sensitive-data-in-log]'));
      assert.match(lines[at + 1], /^\s+14 \|   logger\.info\(`new signup \$\{email\} ssn=\$\{ssn\}`\);$/);
      assert.match(lines[at + 2], /^\s+\|   \^{45}$/);
      assert.match(lines[at + 3], /^\s+related: 12:28 {2}The SSN comes from `req\.body` here\.$/);
      const pw = lines.findIndex((l) => l.includes('[storage/plaintext-password]'));
      assert.ok(lines.slice(pw, pw + 7).some((l) => /fix: Hash the password with bcrypt \(review before applying\)/.test(l)));
      assert.ok(!text({ source: false }).includes(' | '), 'no code frame without getSource');
    });

    it('ends with counts per severity and family, suppressed, scanned and skipped files', () => {
      const lines = text().trimEnd().split('\n');
      assert.equal(lines.at(-2), '7 problems (4 errors, 2 warnings, 1 note); by family: storage 3, transmission 1, upload 2, sealant 1; 2 suppressed');
      assert.equal(lines.at(-1), '7 files scanned, 4 files skipped (1 binary, 1 minified, 1 parse-timeout, 1 too-large); see --format json for the list');
    });

    it('hides suppressed findings but counts them', () => {
      const out = text();
      assert.ok(!out.includes('src/legacy/export.py'));
      assert.ok(!out.includes('card number'));
      assert.match(out, /; 2 suppressed\n/);
    });

    it('says so when nothing is found, with singular counts', () => {
      const result = sampleResult();
      for (const f of result.files) f.findings = f.findings.filter((x) => x.suppression);
      result.files = result.files.filter((f) => f.path === 'src/legacy/export.py');
      result.skipped = result.skipped.slice(0, 1);
      assert.equal(text({}, result), 'No problems found; 2 suppressed\n1 file scanned, 1 file skipped (1 too-large); see --format json for the list\n');
    });

    it('replaces control characters from scanned files and cuts long lines around the finding', () => {
      const result = sampleResult();
      const long = `var a=1;${'x'.repeat(5000)}console.log(password);${'y'.repeat(5000)}\u001b[2J`;
      const start = long.indexOf('console.log');
      const end = start + 'console.log(password)'.length;
      result.files = [{ path: 'dist/x.js', language: 'javascript', parsed: true, ms: 1, lines: 1, findings: [{
        ...allFindings(sampleResult())[1],
        path: 'dist/x.js',
        message: 'Password logged \u001b]0;pwned\u0007 here.',
        related: [],
        fixes: [],
        range: { start: { line: 0, column: start }, end: { line: 0, column: end }, startOffset: start, endOffset: end },
      }] }];
      const out = formatResult(result, 'text', { getSource: () => long });
      assert.ok(!out.includes('\u001b') && !out.includes('\u0007'), JSON.stringify(out.slice(0, 300)));
      const frame = out.split('\n').find((l) => l.includes('console.log(password)'));
      assert.ok(frame && frame.length < 200, `frame line of ${frame?.length} characters`);
      assert.match(frame, /…x+console\.log\(password\);y+…$/);
      const markers = out.split('\n')[out.split('\n').indexOf(frame) + 1];
      assert.equal(markers.indexOf('^'), frame.indexOf('console.log'));
      assert.equal(markers.trim().replace(/^\|\s*/, ''), '^'.repeat('console.log(password)'.length));
    });
  });

  describe('JSON', () => {
    it('has the documented top-level shape and survives JSON.parse', () => {
      const result = sampleResult();
      const out = formatResult(result, 'json');
      const json = JSON.parse(out) as JsonReport;
      assert.deepEqual(Object.keys(json), ['version', 'tool', 'root', 'startedAt', 'durationMs', 'summary', 'findings', 'skipped', 'rules']);
      assert.equal(json.version, 1);
      assert.deepEqual(json.tool, { name: 'Sealant', version: '0.1.0' });
      assert.equal(json.root, '/home/dev/shop');
      assert.deepEqual(json, JSON.parse(JSON.stringify(toJsonReport(result))));
      assert.equal(JSON.stringify(json, null, 2) + '\n', out);
    });

    it('summarises counts (suppressed apart) and skipped files by reason', () => {
      const json = JSON.parse(formatResult(sampleResult(), 'json')) as JsonReport;
      assert.deepEqual(Object.keys(json.summary.skippedByReason), ['binary', 'minified', 'parse-timeout', 'too-large']);
      assert.deepEqual(json.summary, {
        findings: 7,
        suppressed: 2,
        bySeverity: { error: 4, warning: 2, note: 1 },
        byFamily: { storage: 3, transmission: 1, upload: 2, sealant: 1 },
        byRule: {
          'sealant/unused-suppression': 1,
          'storage/hardcoded-secret': 1,
          'storage/plaintext-password': 1,
          'storage/sensitive-data-in-log': 1,
          'transmission/insecure-request': 1,
          'upload/client-filename-in-path': 1,
          'upload/no-size-limit': 1,
        },
        filesScanned: 7,
        filesParsed: 6,
        filesWithFindings: 4,
        filesSkipped: 4,
        skippedByReason: { binary: 1, minified: 1, 'parse-timeout': 1, 'too-large': 1 },
      });
    });

    it('flattens findings with their path, sorted, suppressed ones with their suppression', () => {
      const result = sampleResult();
      const json = JSON.parse(formatResult(result, 'json')) as JsonReport;
      assert.equal(json.findings.length, allFindings(result).length);
      const keys = json.findings.map((f) => `${f.path}:${String(f.line).padStart(3, '0')}:${String(f.column).padStart(3, '0')}`);
      assert.deepEqual(keys, [...keys].sort());
      const log = json.findings.find((f) => f.ruleId === 'storage/sensitive-data-in-log' && f.path === 'src/server.js');
      assert.ok(log);
      assert.equal(log.line, 14);
      assert.equal(log.column, 3);
      assert.deepEqual(log.range.start, { line: 13, column: 2 });
      assert.equal(log.fingerprint, '3f6c2a9d81e04b57');
      assert.equal(log.related.length, 1);
      assert.ok(!('suppression' in log) && !('evidence' in log));
      const suppressed = json.findings.filter((f) => f.suppression);
      assert.deepEqual(suppressed.map((f) => [f.path, f.ruleId, f.suppression?.kind]), [
        ['src/legacy/export.py', 'storage/sensitive-data-in-log', 'inSource'],
        ['src/legacy/export.py', 'transmission/insecure-request', 'external'],
      ]);
      assert.deepEqual(json.skipped.map((s) => s.path), ['dist/app.min.js', 'public/logo.png', 'src/generated/schema.py', 'vendor/bundle.js']);
      assert.deepEqual(json.rules.map((r) => r.id), result.rules.map((r) => r.id).sort());
    });
  });

  describe('Markdown', () => {
    it('starts with a summary table per family and severity', () => {
      const md = formatResult(sampleResult(), 'markdown');
      assert.ok(md.startsWith('## Sealant report\n\n**7 problems** (4 errors, 2 warnings, 1 note) in 4 files · 2 suppressed · 7 files scanned · 4 skipped\n'));
      for (const row of [
        '| Family | Error | Warning | Note | Total |',
        '| storage | 3 | 0 | 0 | 3 |',
        '| transmission | 0 | 1 | 0 | 1 |',
        '| upload | 1 | 1 | 0 | 2 |',
        '| sealant | 0 | 0 | 1 | 1 |',
        '| **Total** | **4** | **2** | **1** | **7** |',
      ]) {
        assert.ok(md.includes(`\n${row}\n`), row);
      }
    });

    it('lists findings per file with path#Lnn links, related locations, fixes and evidence', () => {
      const md = formatResult(sampleResult(), 'markdown');
      assert.ok(md.includes('### `src/server.js`\n\n- **warning** [L8](src/server.js#L8) This `multer` upload accepts files of any size. `upload/no-size-limit`\n'));
      assert.ok(md.includes('- **error** [L14](src/server.js#L14) A social security number'));
      assert.ok(md.includes('  - related [L12](src/server.js#L12): The SSN comes from `req.body` here.'));
      assert.ok(md.includes('[L9](src/my%20uploads/handler.py#L9)'));
      assert.ok(md.includes('  - fix: Use https://'));
      assert.ok(md.includes('  - evidence: `hu*****`'));
      const based = formatResult(sampleResult(), 'markdown', { linkBase: 'https://github.com/acme/shop/blob/abc123/' });
      assert.ok(based.includes('[L14](https://github.com/acme/shop/blob/abc123/src/server.js#L14)'));
    });

    it('folds suppressed findings with their justification and the skipped files', () => {
      const md = formatResult(sampleResult(), 'markdown');
      assert.match(md, /<summary>2 suppressed findings<\/summary>\n\n- `src\/legacy\/export\.py` \[L9\]\(src\/legacy\/export\.py#L9\) `storage\/sensitive-data-in-log` \(inline\): masked upstream by the export job\n/);
      assert.match(md, /\(triage\): Isolated archive network/);
      assert.match(md, /<summary>4 files skipped<\/summary>\n\n- `dist\/app\.min\.js`: minified \(average line length 4210\)\n/);
      // Suppressed findings are not in the per-file list.
      assert.ok(!md.includes('### `src/legacy/export.py`'));
    });

    it('escapes HTML outside code spans and stays under the length limit', () => {
      const result = sampleResult();
      result.files[0].findings[0].message = 'Sent <script>alert(1)</script> with `a<b` | c';
      const md = formatResult(result, 'markdown');
      assert.ok(md.includes('Sent &lt;script&gt;alert(1)&lt;/script&gt; with `a<b` \\| c'));
      const many = sampleResult();
      const base = many.files.find((f) => f.path === 'src/server.js');
      assert.ok(base);
      base.findings = Array.from({ length: 2000 }, (_, i) => ({ ...base.findings[1], fingerprint: `f${i}` }));
      const long = formatResult(many, 'markdown', { maxLength: 20_000 });
      assert.ok(long.length <= 20_000, `${long.length} characters`);
      assert.match(long, /_… \d+ more findings not listed here; see the SARIF or JSON report\._/);
      assert.match(long, /<summary>4 files skipped<\/summary>/);
    });
  });

  describe('secrets', () => {
    it('shows evidence only redacted, in every format, and never the literal behind it', () => {
      for (const format of FORMATS) {
        const out = formatResult(sampleResult(), format, { getSource: sampleSource });
        assert.ok(out.includes('hu*****'), `${format} does not show the redacted evidence`);
        assert.ok(!out.includes(RAW_SECRET), `${format} leaks the raw value`);
        assert.ok(!out.includes('hunter2'), `${format} leaks part of the raw value`);
      }
      // The text frame of the secret's line is there, with the literal masked.
      assert.match(formatResult(sampleResult(), 'text', { getSource: sampleSource }), /3 \| export const ADMIN_PASSWORD = 'hu\*\*\*\*\*';\n/);
    });

    it('never shows source lines outside the finding range in a code frame', () => {
      // A raw value planted only in the source text, on the lines just above and below a finding.
      const planted = 'RAW-VALUE-9f27c1d04b';
      const original = SOURCES['src/server.js'];
      const source = original.replace("req.get('x-trace-id')", `'${planted}'`).replace("req.get('x-request-id')", `'${planted}-2'`);
      assert.equal(source.split('\n').length, original.split('\n').length);
      const lines = source.split('\n');
      assert.ok(lines[12].includes(planted) && lines[14].includes(planted), 'planted next to the finding on line 14');
      for (const format of FORMATS) {
        const out = formatResult(sampleResult(), format, { color: format === 'text', getSource: (p) => (p === 'src/server.js' ? source : sampleSource(p)) });
        assert.ok(!out.includes(planted), `${format} shows a line outside the finding`);
      }
      // The frame of the finding itself is shown, so the test would see a leak.
      const out = formatResult(sampleResult(), 'text', { getSource: (p) => (p === 'src/server.js' ? source : sampleSource(p)) });
      assert.ok(out.includes('14 |   logger.info(`new signup ${email} ssn=${ssn}`);'));
      const withPlantedInRange = formatResult(sampleResult(), 'text', { getSource: (p) => (p === 'src/server.js' ? source.replace('new signup', planted) : sampleSource(p)) });
      assert.ok(withPlantedInRange.includes(planted), 'a value inside the range is shown, so the check above can fail');
    });
  });
});
