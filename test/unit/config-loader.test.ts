/**
 * Loading team configs: every error path gives a precise `file:line:column: field: reason`, extends are resolved
 * (relative and npm:), merged in order, and untrusted workspaces skip extends and custom rules. Expected positions
 * are found by searching the config text for the offending token, not taken from the loader.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { nodeHost } from '../../src/cli/node-host';
import { CONFIG_SCHEMA, loadConfigFile, loadWorkspaceConfig, type ConfigError, type LoadedConfig } from '../../src/config';
import { REPO_ROOT } from './helpers/paths';

const host = nodeHost({ root: REPO_ROOT });
let dir: string;

function write(rel: string, text: string): string {
  const file = join(dir, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** 1-based line and column of the `nth` occurrence of `needle` in `text` (plus `shift` characters). */
function pos(text: string, needle: string, shift = 0, nth = 0): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" not in the test text`);
  }
  at += shift;
  const before = text.slice(0, at);
  return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
}

async function load(text: string, options: { trusted?: boolean; name?: string } = {}): Promise<{ loaded: LoadedConfig; file: string; text: string }> {
  const file = write(options.name ?? '.sealant.yml', text);
  return { loaded: await loadConfigFile(file, { host, trusted: options.trusted }), file, text };
}

function only(loaded: LoadedConfig, severity: ConfigError['severity'] = 'error'): ConfigError {
  const list = loaded.errors.filter((e) => e.severity === severity);
  assert.equal(list.length, 1, `expected one ${severity}, got ${JSON.stringify(loaded.errors, null, 2)}`);
  return list[0];
}

function assertAt(e: ConfigError, file: string, where: { line: number; column: number }, field: string, message: RegExp): void {
  assert.equal(e.file, file);
  assert.deepEqual({ line: e.line, column: e.column }, where, `position of: ${e.message}`);
  assert.equal(e.field, field);
  assert.match(e.message, message);
}

describe('config loader: precise errors', function () {
  this.timeout(60_000);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sealant-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a YAML syntax error at its line and column, and keeps the defaults in force', async () => {
    const { loaded, file, text } = await load('rules:\n  storage/sensitive-data-in-log: error\n  upload/no-size-limit: [warning\nignore: [dist]\n');
    const e = only(loaded);
    assert.equal(e.file, file);
    assert.equal(e.field, '(file)');
    assert.match(e.message, /^YAML syntax error: /);
    assert.ok(e.line >= pos(text, '[warning').line, `line ${e.line}`);
    assert.equal(loaded.ok, false);
    assert.deepEqual(loaded.engineConfig, {}, 'a broken config falls back to the defaults');
    assert.deepEqual(loaded.config.ignore, []);
  });

  it('reports a JSON syntax error in .sealant.json, and a duplicate key', async () => {
    const { loaded } = await load('{\n  "rules": {\n    "storage/sensitive-data-in-log": "error",\n  }\n  "ignore": []\n}\n', { name: '.sealant.json' });
    assert.equal(loaded.ok, false);
    assert.match(loaded.errors[0].message, /^JSON syntax error/);
    const dup = await load('ignore: [a]\nignore: [b]\n');
    assertAt(only(dup.loaded), dup.file, pos(dup.text, 'ignore', 0, 1), '(file)', /YAML syntax error: Map keys must be unique/);
  });

  it('reports wrong types at the value, with the field path', async () => {
    const { loaded, file, text } = await load('ignore: dist/\nrules:\n  upload/no-size-limit:\n    severity: 3\n');
    const errors = loaded.errors.filter((e) => e.severity === 'error');
    assert.equal(errors.length, 2, JSON.stringify(errors));
    assertAt(errors[0], file, pos(text, 'dist/'), 'ignore', /must be a list, not "dist\/"/);
    assertAt(errors[1], file, pos(text, '3'), 'rules.upload/no-size-limit.severity', /must be one of off, note, warning, error, not a whole number \(3\)/);
  });

  it('reports unknown keys at the key with a suggestion, and a misspelt severity with one', async () => {
    const { loaded, file, text } = await load('testpaths: ["test/**"]\nrules:\n  storage/sensitive-data-in-log: warn\nhosts:\n  approvedHosts: [a.com]\n');
    const errors = loaded.errors.filter((e) => e.severity === 'error');
    assert.equal(errors.length, 3, JSON.stringify(errors));
    assertAt(errors[0], file, pos(text, 'testpaths'), 'testpaths', /unknown key; did you mean "testPaths"\?/);
    assertAt(errors[1], file, pos(text, 'warn'), 'rules.storage/sensitive-data-in-log', /not "warn" \(did you mean "warning"\?\)/);
    assertAt(errors[2], file, pos(text, 'approvedHosts'), 'hosts.approvedHosts', /unknown key; did you mean "approved"\?/);
  });

  it('reports a bad rule id key, a host with a scheme, and a missing required key of a custom rule', async () => {
    const text = 'rules:\n  Storage Logs: off\nhosts:\n  approved: ["https://api.partner.com"]\ncustomRules:\n  - id: storage/x\n    title: X\n    severity: error\n    cwe: [312]\n    query: { js: "(identifier) @id" }\n';
    const { loaded, file } = await load(text);
    const errors = loaded.errors.filter((e) => e.severity === 'error');
    assert.equal(errors.length, 3, JSON.stringify(errors));
    assertAt(errors[0], file, pos(text, 'Storage Logs'), 'rules.Storage Logs', /key must be a rule id/);
    assertAt(errors[1], file, pos(text, '"https'), 'hosts.approved[0]', /must be a host name .* not "https:\/\/api.partner.com"/);
    assertAt(errors[2], file, pos(text, 'id: storage/x'), 'customRules[0]', /missing required key "message"/);
  });

  it('warns about unknown rule ids (with a suggestion) and rejects unknown options and options of the wrong type', async () => {
    const text = 'rules:\n  storage/sensitive-data-in-logs: error\n  acme/*: off\n  upload/no-size-limit:\n    options:\n      maxSize: 10\n  upload/client-filename-in-path: note\n';
    const { loaded, file } = await load(text);
    const warnings = loaded.errors.filter((e) => e.severity === 'warning');
    assert.equal(warnings.length, 2, JSON.stringify(loaded.errors));
    assertAt(warnings[0], file, pos(text, 'storage/sensitive-data-in-logs'), 'rules.storage/sensitive-data-in-logs', /unknown rule id; did you mean "storage\/sensitive-data-in-log"\?/);
    assertAt(warnings[1], file, pos(text, 'acme/*'), 'rules.acme/*', /unknown rule family "acme"/);
    assertAt(only(loaded), file, pos(text, 'maxSize'), 'rules.upload/no-size-limit.options.maxSize', /has no option "maxSize"; its options: maxBytes/);
    const wrong = await load('rules:\n  upload/no-size-limit:\n    options:\n      maxBytes: "5 MB"\n');
    assertAt(only(wrong.loaded), wrong.file, pos(wrong.text, '"5 MB"'), 'rules.upload/no-size-limit.options.maxBytes', /must be a number/);
  });

  it('reports unknown data types and phrases without words', async () => {
    const text = 'dataTypes:\n  synonyms:\n    nationalid: [member no]\n  exclusions:\n    token: ["--"]\n';
    const { loaded, file } = await load(text);
    const errors = loaded.errors.filter((e) => e.severity === 'error');
    assert.equal(errors.length, 2, JSON.stringify(errors));
    assertAt(errors[0], file, pos(text, 'nationalid'), 'dataTypes.synonyms.nationalid', /unknown data type "nationalid"; did you mean "national_id"\?/);
    assertAt(errors[1], file, pos(text, '"--"'), 'dataTypes.exclusions.token[0]', /the phrase "--" has no words/);
  });

  it('reports an extends cycle at the entry that closes it, and at the entry of the file that started it', async () => {
    const a = write('a.yml', 'extends: [./b.yml]\nrules:\n  storage/sensitive-data-in-log: note\n');
    const bText = 'rules: {}\nextends:\n  - ./a.yml\n';
    const b = write('b.yml', bText);
    const loaded = await loadConfigFile(a, { host });
    assert.equal(loaded.ok, false);
    const inB = loaded.errors.find((e) => e.file === b);
    assert.ok(inB, JSON.stringify(loaded.errors));
    assertAt(inB, b, pos(bText, './a.yml'), 'extends[0]', /extends cycle: a\.yml → b\.yml → a\.yml/);
    const inA = loaded.errors.find((e) => e.file === a);
    assert.ok(inA);
    assertAt(inA, a, pos('extends: [./b.yml]', './b.yml'), 'extends[0]', /b\.yml has 1 error; the first: 3:5: extends\[0\]: extends cycle/);
    const self = await load('extends: ./.sealant.yml\n');
    assert.match(only(self.loaded).message, /extends cycle: \.sealant\.yml → \.sealant\.yml/);
  });

  it('reports a missing extends target at its entry and lists it for file watchers', async () => {
    write('shared/base.yml', 'ignore: [generated/]\n');
    const text = 'extends:\n  - ./shared/base.yml\n  - ./shared/missing.yml\n';
    const { loaded, file } = await load(text);
    assertAt(only(loaded), file, pos(text, './shared/missing.yml'), 'extends[1]', /cannot find shared\/missing\.yml/);
    assert.ok(loaded.files.includes(join(dir, 'shared', 'missing.yml')), 'a missing target is watched so that creating it reloads the config');
  });

  it('reports errors inside an extended file in that file, and at the extends entry', async () => {
    const baseText = 'rules:\n  upload/no-size-limit: eror\n';
    const base = write('shared/base.yml', baseText);
    const text = 'extends: ./shared/base.yml\n';
    const { loaded, file } = await load(text);
    const inBase = loaded.errors.find((e) => e.file === base);
    assert.ok(inBase);
    assertAt(inBase, base, pos(baseText, 'eror'), 'rules.upload/no-size-limit', /did you mean "error"/);
    const atEntry = loaded.errors.find((e) => e.file === file);
    assert.ok(atEntry);
    assertAt(atEntry, file, pos(text, './shared'), 'extends', /shared\/base\.yml has 1 error; the first: 2:25: rules\.upload\/no-size-limit: must be one of/);
  });

  it('resolves npm:<package>/<file> from node_modules above the config, and explains a missing package or file', async () => {
    write('node_modules/@acme/sealant-config/company.yml', 'rules:\n  storage/sensitive-data-in-log: note\nhosts:\n  approved: [api.stripe.com]\n');
    write('team/.sealant.yml', 'extends: ["npm:@acme/sealant-config/company.yml"]\nhosts:\n  approved: ["*.partner.com"]\n');
    const loaded = await loadConfigFile(join(dir, 'team', '.sealant.yml'), { host });
    assert.equal(loaded.ok, true, JSON.stringify(loaded.errors));
    assert.deepEqual(loaded.engineConfig.rules?.['storage/sensitive-data-in-log'], { severity: 'note' });
    assert.deepEqual(loaded.engineConfig.hosts?.approved, ['api.stripe.com', '*.partner.com']);
    assert.deepEqual(loaded.config.sources, [join(dir, 'node_modules/@acme/sealant-config/company.yml'), join(dir, 'team/.sealant.yml')]);
    const noFile = await load('extends: ["npm:@acme/sealant-config/other.yml"]\n');
    assert.match(only(noFile.loaded).message, /package @acme\/sealant-config \(.*\) has no file other\.yml/);
    const noPackage = await load('extends: ["npm:acme-missing/base.yml"]\n');
    assert.match(only(noPackage.loaded).message, /cannot find package acme-missing in any node_modules folder/);
    const escape = await load('extends: ["npm:@acme/sealant-config/../../x.yml"]\n');
    assert.match(only(escape.loaded).message, /must be npm:<package>\/<file> with a file inside the package/);
  });

  it('merges in order: the local file last, severities replaced, options merged, lists added', async () => {
    write('base.yml', 'rules:\n  upload/no-size-limit:\n    severity: warning\n    options: { maxBytes: 100 }\n  transmission/*: note\nignore: [a/]\nhosts:\n  allowInsecure: [h1.internal]\n');
    const { loaded } = await load('extends: ./base.yml\nrules:\n  upload/no-size-limit: error\n  transmission/insecure-request: warning\nignore: [b/]\nhosts:\n  allowInsecure: [h2.internal]\n');
    assert.equal(loaded.ok, true, JSON.stringify(loaded.errors));
    const rules = loaded.engineConfig.rules ?? {};
    assert.deepEqual(rules['upload/no-size-limit'], { severity: 'error', options: { maxBytes: 100 } });
    assert.deepEqual(rules['transmission/insecure-request'], { severity: 'warning' }, 'a rule entry beats its family wildcard');
    assert.deepEqual(rules['transmission/insecure-cookie'], { severity: 'note' }, 'the family wildcard applies to the other rules');
    assert.deepEqual(loaded.config.ignore, ['a/', 'b/']);
    assert.deepEqual(loaded.engineConfig.hosts, { allowInsecure: ['h1.internal', 'h2.internal'] }, 'no approved list unless a config gives one');
  });

  it('turns `approved: []` into an empty approved list (the check is on), and `call` names into sanitizer patterns', async () => {
    const { loaded } = await load('hosts:\n  approved: []\nsanitizers:\n  - kind: redact\n    call: [maskPii, "acme.crypto.*"]\n    languages: [python]\n');
    assert.deepEqual(loaded.engineConfig.hosts, { allowInsecure: [], approved: [] });
    const s = loaded.engineConfig.sanitizers?.[0];
    assert.equal(s?.kind, 'mask');
    assert.deepEqual(s?.syntax, ['python']);
    const re = new RegExp(s?.path ?? '$^');
    for (const yes of ['maskPii', 'utils.maskPii', 'acme.crypto.seal']) assert.ok(re.test(yes), yes);
    for (const no of ['maskPiiLater', 'acme.crypto', 'acme.crypto.a.b', 'xacme.crypto.seal']) assert.ok(!re.test(no), no);
  });

  it('rejects a sanitizer with neither call nor pattern, with both, and one with a catastrophic pattern (at the position inside it)', async () => {
    const text = 'sanitizers:\n  - kind: mask\n  - kind: hash\n    call: h\n    pattern: "^h$"\n  - kind: encrypt\n    pattern: "^(\\\\w+\\\\s?)*seal$"\n';
    const { loaded, file } = await load(text);
    const errors = loaded.errors.filter((e) => e.severity === 'error');
    assert.equal(errors.length, 3, JSON.stringify(errors));
    assertAt(errors[0], file, pos(text, 'kind: mask'), 'sanitizers[0]', /needs `call` .* or `pattern`/);
    assertAt(errors[1], file, pos(text, 'pattern: "^h$"'), 'sanitizers[1].pattern', /either `call` or `pattern`, not both/);
    assertAt(errors[2], file, pos(text, '(\\\\w+'), 'sanitizers[2].pattern', /repeated group `\(\\w\+\\s\?\)\*` contains the repetition `\\w\+`, so it can backtrack exponentially/);
  });
});

describe('config loader: custom rules', function () {
  this.timeout(60_000);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sealant-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const rule = (extra: string, query = '(call_expression function: (identifier) @fn) @call') =>
    `customRules:\n  - id: transmission/acme-rule\n    title: Acme rule\n    severity: warning\n    cwe: [359]\n    message: "call of {{fn}}"\n    query:\n      js: |\n        ${query.split('\n').join('\n        ')}\n${extra}`;

  it('accepts a valid custom rule and compiles it after the built-in rules', async () => {
    const { loaded } = await load(rule('    where:\n      - capture: fn\n        matches: "^track$"\n'));
    assert.equal(loaded.ok, true, JSON.stringify(loaded.errors));
    assert.equal(loaded.rules[loaded.rules.length - 1].id, 'transmission/acme-rule');
  });

  it('reports an invalid query with the rule id and the position of the bad node name inside the block', async () => {
    const { loaded, file, text } = await load(rule('', '(call_expression\n  function: (identifer) @fn) @call'));
    assertAt(only(loaded), file, pos(text, 'identifer'), 'customRules[0].query.js', /transmission\/acme-rule: invalid tree-sitter query: Bad node name 'identifer'/);
  });

  it('reports a query syntax error and a bad field name at their positions', async () => {
    const syntax = await load(rule('', '(call_expression function: (identifier) @fn @call'));
    assert.match(only(syntax.loaded).message, /transmission\/acme-rule: invalid tree-sitter query: Bad syntax/);
    assert.equal(only(syntax.loaded).line, pos(syntax.text, '(call_expression').line);
    const field = await load(rule('', '(call_expression callee: (identifier) @fn) @call'));
    assertAt(only(field.loaded), field.file, pos(field.text, 'callee'), 'customRules[0].query.js', /Bad field name 'callee'/);
  });

  it('warns when a js query compiles only for the TypeScript grammars', async () => {
    const { loaded } = await load(rule('', '(type_annotation (type_identifier) @fn) @call'));
    assert.equal(loaded.ok, true, JSON.stringify(loaded.errors));
    const w = only(loaded, 'warning');
    assert.match(w.message, /does not compile for the javascript grammar .*Bad node name 'type_annotation'/);
  });

  it('rejects catastrophic regexes in conditions, keywords and #match? predicates, at their positions', async () => {
    const text = rule('    keywords: "(a|ab)+"\n    where:\n      - capture: fn\n        matches: "^(x+)+$"\n', '((call_expression function: (identifier) @fn) @call\n (#match? @fn "(\\\\d+)*z"))');
    const { loaded, file } = await load(text);
    const errors = loaded.errors.filter((e) => e.severity === 'error');
    assert.equal(errors.length, 3, JSON.stringify(errors, null, 2));
    const byField = Object.fromEntries(errors.map((e) => [e.field, e]));
    assertAt(byField['customRules[0].query.js'], file, pos(text, '(\\\\d+)*'), 'customRules[0].query.js', /#match\? regex: the repeated group `\(\\d\+\)\*`/);
    assertAt(byField['customRules[0].where[0].matches'], file, pos(text, '(x+)+'), 'customRules[0].where[0].matches', /nested quantifiers/);
    assertAt(byField['customRules[0].keywords'], file, pos(text, '(a|ab)+'), 'customRules[0].keywords', /alternatives `a` and `ab` .* can start with the same character/);
  });

  it('rejects an invalid regex with its position', async () => {
    const text = rule('    where:\n      - capture: fn\n        matches: "^(track"\n');
    const { loaded, file } = await load(text);
    const e = only(loaded);
    assert.equal(e.file, file);
    assert.equal(e.field, 'customRules[0].where[0].matches');
    assert.match(e.message, /invalid regular expression/);
    assert.equal(e.line, pos(text, '^(track').line);
  });

  it('reports captures that the query does not have, in conditions, report, fix and message placeholders', async () => {
    const text = rule('    report: callee\n    where:\n      - capture: args\n        dataTypes: [ssn]\n    fix:\n      title: Wrap\n      replace: "wrap({{arg}})"\n').replace('"call of {{fn}}"', '"call of {{fun}}"');
    const { loaded, file } = await load(text);
    const errors = loaded.errors.filter((e) => e.severity === 'error');
    assert.deepEqual(errors.map((e) => e.field).sort(), ['customRules[0].fix.replace', 'customRules[0].message', 'customRules[0].report', 'customRules[0].where[0].capture'].sort(), JSON.stringify(errors, null, 2));
    const message = errors.find((e) => e.field === 'customRules[0].message');
    assert.ok(message);
    assertAt(message, file, pos(text, '{{fun}}'), 'customRules[0].message', /capture @fun is not in the js query \(its captures: @fn, @call\)/);
  });

  it('requires a data condition for {{data}}, known data types, and an id that is not a built-in one', async () => {
    const text = rule('    where:\n      - capture: fn\n        dataTypes: [social_security]\n').replace('"call of {{fn}}"', '"{{data}} sent"').replace('transmission/acme-rule', 'transmission/insecure-request');
    const { loaded } = await load(text);
    const messages = loaded.errors.filter((e) => e.severity === 'error').map((e) => `${e.field}: ${e.message}`);
    assert.equal(messages.length, 2, messages.join('\n'));
    assert.match(messages.join('\n'), /customRules\[0\]\.id: custom rule transmission\/insecure-request has the id of a built-in rule/);
    assert.match(messages.join('\n'), /customRules\[0\]\.where\[0\]\.dataTypes\[0\]: unknown data type "social_security"/);
    const noData = await load(rule('').replace('"call of {{fn}}"', '"{{data}} sent"'));
    assert.match(only(noData.loaded).message, /\{\{data\}\} needs a `where` condition with `dataTypes` or `categories`/);
  });

  it('in an untrusted workspace loads neither extends nor custom rules, says so at their keys, and applies the rest', async () => {
    write('base.yml', 'rules:\n  upload/no-size-limit: off\n');
    const text = `extends: [./base.yml]\nrules:\n  storage/sensitive-data-in-log: note\n${rule('')}`;
    const { loaded, file } = await load(text, { trusted: false });
    assert.equal(loaded.ok, true);
    const infos = loaded.errors.filter((e) => e.severity === 'info');
    assert.equal(infos.length, 2, JSON.stringify(loaded.errors));
    assertAt(infos[0], file, pos(text, 'extends'), 'extends', /not loaded: the workspace is not trusted/);
    assertAt(infos[1], file, pos(text, 'customRules'), 'customRules', /not loaded: the workspace is not trusted/);
    assert.ok(!loaded.rules.some((r) => r.id === 'transmission/acme-rule'));
    assert.equal(loaded.engineConfig.rules?.['upload/no-size-limit'], undefined, 'the extended file was not read');
    assert.deepEqual(loaded.engineConfig.rules?.['storage/sensitive-data-in-log'], { severity: 'note' });
    assert.deepEqual(loaded.files, [file]);
  });

  it('loads a workspace folder: defaults without a config, .sealant.json, and warns about a .sealant.json beside a .sealant.yml', async () => {
    const none = await loadWorkspaceConfig(dir, { host });
    assert.equal(none.file, undefined);
    assert.equal(none.ok, true);
    assert.deepEqual(none.files, [join(dir, '.sealant.yml'), join(dir, '.sealant.json')]);
    write('.sealant.json', '{ "rules": { "storage/sensitive-data-in-log": "note" } }\n');
    const json = await loadWorkspaceConfig(dir, { host });
    assert.equal(json.file, join(dir, '.sealant.json'));
    assert.deepEqual(json.engineConfig.rules?.['storage/sensitive-data-in-log'], { severity: 'note' });
    write('.sealant.yml', 'rules: {}\n');
    const both = await loadWorkspaceConfig(dir, { host });
    assert.equal(both.file, join(dir, '.sealant.yml'));
    assert.match(only(both, 'warning').message, /ignored: \.sealant\.yml in the same folder is used instead/);
  });

  it('uses the text of an unsaved editor buffer instead of the file on disk', async () => {
    const file = write('.sealant.yml', 'rules: {}\n');
    const loaded = await loadConfigFile(file, { overrides: new Map([[file, 'rules:\n  upload/no-size-limit: off\n']]) });
    assert.deepEqual(loaded.engineConfig.rules?.['upload/no-size-limit'], { severity: 'off' });
  });
});

describe('config documentation', function () {
  this.timeout(60_000);
  it('the example config of the README is valid (its extends targets aside) and uses every top-level key of the schema', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Config file'));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(block, 'a yaml block in the Config file section');
    dir = mkdtempSync(join(tmpdir(), 'sealant-readme-'));
    try {
      write('shared-config/sealant-company.yml', 'rules: {}\n');
      write('node_modules/@acme/sealant-config/sealant.yml', 'rules: {}\n');
      const loaded = await loadConfigFile(write('.sealant.yml', block), { host });
      assert.deepEqual(loaded.errors, []);
      const keys = Object.keys(CONFIG_SCHEMA.properties ?? {});
      for (const key of keys) assert.ok(new RegExp(`^${key.replace('$', '\\$')}:`, 'm').test(block), `the README example shows ${key}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
