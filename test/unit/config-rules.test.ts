/**
 * What a config does inside the engine: custom rules compiled from data (conditions, placeholders, redaction,
 * fixes), data type synonyms and team sanitizers reaching the classifier and the data flow, regex safety, and the
 * ignore / testPaths globs.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkRegex, compileCustomRule, engineConfigFor, isIgnored, isTestCode, lowerSeverity, merge, rulesFor } from '../../src/config';
import type { Engine } from '../../src/core/engine';
import type { Finding } from '../../src/core/types';
import type { CustomRuleConfig, ResolvedConfig, SealantConfig } from '../../src/config/types';
import { makeEngine } from './helpers/engine';

const ANALYTICS: CustomRuleConfig = {
  id: 'transmission/pii-to-analytics',
  title: 'Personal data sent to analytics',
  severity: 'error',
  cwe: [359],
  message: '{{data}} sent to analytics by {{call}}',
  query: {
    js: '(call_expression function: (member_expression object: (identifier) @client) arguments: (arguments (_) @payload)) @call',
    python: '(call function: (attribute object: (identifier) @client) arguments: (argument_list (_) @payload)) @call',
  },
  where: [{ capture: 'client', matches: '^(analytics|segment)$' }, { capture: 'payload', categories: ['government_id', 'contact'] }],
};

function config(data: SealantConfig): ResolvedConfig {
  return merge([{ value: data, file: '/project/.sealant.yml' }], '/project', true);
}

async function run(data: SealantConfig, path: string, text: string): Promise<Finding[]> {
  const resolved = config(data);
  const rules = rulesFor(resolved);
  const engine: Engine = makeEngine({ rules, config: engineConfigFor(resolved, rules) });
  try {
    return (await engine.analyze({ path, text })).findings.filter((f) => !f.ruleId.startsWith('transmission/pii-to-third-party'));
  } finally {
    await engine.dispose();
  }
}

const only = (fs: Finding[], id: string) => fs.filter((f) => f.ruleId === id);

describe('custom rules and config data in the engine', function () {
  this.timeout(60_000);

  it('fires where every condition holds, with {{data}} and {{capture}} filled in, in JavaScript and Python', async () => {
    const js = await run({ customRules: [ANALYTICS] }, 'src/a.js', [
      'function f(user) {',
      '  analytics.track(user.email);',
      '  analytics.track(user.plan);',
      '  logger.track(user.email);',
      '}',
    ].join('\n'));
    const hits = only(js, ANALYTICS.id);
    assert.deepEqual(hits.map((f) => f.range.start.line + 1), [2]);
    assert.equal(hits[0].message, 'An email address (`email`) sent to analytics by `analytics.track(user.email)`');
    assert.deepEqual(hits[0].dataTypes, ['email']);
    assert.equal(hits[0].severity, 'error');
    assert.equal(hits[0].confidence, 'medium', 'the default confidence');
    const py = await run({ customRules: [ANALYTICS] }, 'app.py', 'def f(customer):\n    segment.identify(customer.ssn)\n');
    assert.deepEqual(only(py, ANALYTICS.id).map((f) => f.range.start.line + 1), [2]);
  });

  it('never puts a string literal into a message: {{capture}} shows it redacted', async () => {
    const rule: CustomRuleConfig = {
      id: 'storage/key-in-call', title: 'Key passed to setKey', severity: 'warning', cwe: [798],
      message: 'key {{key}} passed in {{call}}', query: { js: '(call_expression function: (identifier) @fn arguments: (arguments (string) @key)) @call' },
      where: [{ capture: 'fn', matches: '^setKey$' }],
    };
    const secret = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
    const fs = only(await run({ customRules: [rule] }, 'a.js', `setKey("${secret}");\n`), rule.id);
    assert.equal(fs.length, 1);
    assert.equal(fs[0].message, 'key `"sk*****"` passed in `setKey("sk*****")`');
    assert.ok(!JSON.stringify(fs).includes(secret.slice(2, 12)));
  });

  it('shows the finding at the `report` capture, else at the largest capture; notMatches excludes', async () => {
    const rule: CustomRuleConfig = {
      id: 'storage/write-file', title: 'File write', severity: 'note', cwe: [312], message: 'write to {{path}}',
      query: { js: '(call_expression function: (member_expression property: (property_identifier) @method) arguments: (arguments . (string) @path)) @call' },
      where: [{ capture: 'method', matches: '^writeFileSync$' }, { capture: 'path', notMatches: '^.(/tmp/|\\./cache/)' }],
    };
    const text = "fs.writeFileSync('/var/data/users.csv', rows);\nfs.writeFileSync('/tmp/x', rows);\n";
    const largest = only(await run({ customRules: [rule] }, 'a.js', text), rule.id);
    assert.deepEqual(largest.map((f) => [f.range.start.line, f.range.start.column, f.range.end.column]), [[0, 0, 45]]);
    const atPath = only(await run({ customRules: [{ ...rule, report: 'path' }] }, 'a.js', text), rule.id);
    assert.deepEqual(atPath.map((f) => [f.range.start.line, f.range.start.column]), [[0, 17]]);
  });

  it('offers the fix template as a fix of the target capture', async () => {
    const rule: CustomRuleConfig = { ...ANALYTICS, fix: { title: 'Send a hashed id', capture: 'payload', replace: 'hashId({{payload}})', safe: true } };
    const [f] = only(await run({ customRules: [rule] }, 'a.js', 'analytics.track(user.email);\n'), rule.id);
    assert.deepEqual(f.fixes.map((x) => ({ title: x.title, safe: x.safe, edits: x.edits.map((e) => [e.range.start.column, e.range.end.column, e.newText]) })), [
      { title: 'Send a hashed id', safe: true, edits: [[16, 26, 'hashId(user.email)']] },
    ]);
  });

  it('data type synonyms from the config reach the classifier, and team sanitizers the data flow', async () => {
    const text = 'function f(user) {\n  analytics.track(user.memberNo);\n  analytics.track(user.email);\n}\n';
    const without = only(await run({ customRules: [ANALYTICS] }, 'a.js', text), ANALYTICS.id);
    assert.deepEqual(without.map((f) => f.range.start.line + 1), [3], 'memberNo means nothing by default');
    const withSynonym = only(await run({ customRules: [ANALYTICS], dataTypes: { synonyms: { national_id: ['member no'] } } }, 'a.js', text), ANALYTICS.id);
    assert.deepEqual(withSynonym.map((f) => f.range.start.line + 1), [2, 3]);
    assert.match(withSynonym[0].message, /\(`memberNo`\) sent to analytics/);
    assert.deepEqual(withSynonym[0].classifications.map((c) => c.type), ['national_id']);
    // `kms.wrap` is no built-in sanitizer: the wrapped SSN counts until the config declares it.
    const ssn = 'function f(user) {\n  analytics.track({ ssn: kms.wrap(user.ssn) });\n  analytics.track({ ssn: user.ssn });\n}\n';
    const plain = only(await run({ customRules: [ANALYTICS] }, 'a.js', ssn), ANALYTICS.id);
    assert.deepEqual(plain.map((f) => f.range.start.line + 1), [2, 3]);
    const wrapped = only(await run({ customRules: [ANALYTICS], sanitizers: [{ kind: 'encrypt', call: 'kms.wrap' }] }, 'a.js', ssn), ANALYTICS.id);
    assert.deepEqual(wrapped.map((f) => f.range.start.line + 1), [3], 'kms.wrap() is a sanitizer once the config says so');
  });

  it('severity overrides and off apply to custom rules too, by id and by family wildcard', async () => {
    const text = 'analytics.track(user.email);\n';
    const note = only(await run({ customRules: [ANALYTICS], rules: { 'transmission/*': 'note' } }, 'a.js', text), ANALYTICS.id);
    assert.deepEqual(note.map((f) => f.severity), ['note']);
    const off = only(await run({ customRules: [ANALYTICS], rules: { 'transmission/pii-to-analytics': 'off' } }, 'a.js', text), ANALYTICS.id);
    assert.deepEqual(off, []);
  });

  it('a compiled rule carries the metadata reporters need', () => {
    const rule = compileCustomRule({ ...ANALYTICS, description: 'Analytics vendors are third parties.', owasp: ['A01'], guidance: { why: 'Vendors keep data for years.' } });
    assert.equal(rule.family, 'transmission');
    assert.deepEqual(rule.queries, ANALYTICS.query);
    assert.equal(rule.description, 'Analytics vendors are third parties.');
    assert.equal(rule.guidance.why, 'Vendors keep data for years.');
    assert.equal(rule.fixable, false);
  });
});

describe('regex safety', () => {
  const rejected = ['(a+)+$', '(\\w+\\s?)*$', '(a|a)*y', '(a|ab)*', '(\\w|\\d)+', '(a*)*', '(a?)+b', '^(\\w+_)*$', '(\\.a+a+)*', '.*a.*b.*c', '\\w+\\d+x', '(ab|ac)*', '[', 'a{2,1}', 'x'.repeat(1001)];
  const accepted = ['^(analytics|segment)$', '^[a-z]+@[a-z]+\\.com$', '(^|\\.)(encrypt|seal)$', '.*secret.*', '\\d+\\.\\d+', '(\\.[a-z]+)*', '^([a-z]+_)*$', '^.*foo.*bar$', 'foo.*bar', '[a-z]+[0-9]+x', '(?<x>a)\\k<x>', '^(bcrypt|bcryptjs|@node-rs/bcrypt)\\.(hash|hashSync)$'];
  for (const p of rejected) it(`rejects ${p.length > 30 ? `${p.slice(0, 30)}…` : p}`, () => assert.ok(checkRegex(p), p));
  for (const p of accepted) it(`accepts ${p}`, () => assert.equal(checkRegex(p), undefined));
  it('points at the offending part of the pattern', () => {
    const problem = checkRegex('^prefix-(\\d+)*$');
    assert.equal(problem?.offset, '^prefix-'.length);
    assert.equal(problem?.length, '(\\d+)*'.length);
  });
});

describe('ignore and testPaths globs', () => {
  const c = config({ ignore: ['generated/', '*.min.js', '/build-only.js'], testPaths: ['tests/**', '**/*.spec.ts'] });
  it('match paths relative to the config folder, with gitignore semantics', () => {
    assert.ok(isIgnored(c, '/project/generated/a.js'));
    assert.ok(isIgnored(c, '/project/src/generated/a.js'));
    assert.ok(isIgnored(c, '/project/src/x.min.js'));
    assert.ok(isIgnored(c, '/project/build-only.js'));
    assert.ok(!isIgnored(c, '/project/src/build-only.js'), 'a leading / anchors to the config folder');
    assert.ok(!isIgnored(c, '/project/src/app.js'));
    assert.ok(!isIgnored(c, join('/elsewhere', 'generated', 'a.js')), 'files outside the config folder are not matched');
    assert.ok(isTestCode(c, '/project/tests/unit/a.js'));
    assert.ok(isTestCode(c, '/project/src/a.spec.ts'));
    assert.ok(!isTestCode(c, '/project/src/a.ts'));
  });
  it('lower a severity by one level', () => {
    assert.deepEqual((['error', 'warning', 'note'] as const).map(lowerSeverity), ['warning', 'note', 'note']);
  });
});
