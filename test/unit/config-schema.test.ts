/**
 * The JSON Schemas in schemas/ are the single source of truth for the config and triage file formats: the
 * TypeScript types are generated from them (and must be up to date), the validator interprets them (and must
 * know every keyword they use), and Ajv, a reference implementation, must agree with that validator.
 *
 * Regenerate the types after editing a schema: `UPDATE_SCHEMA_TYPES=1 npx mocha test/unit/config-schema.test.ts`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { compile } from 'json-schema-to-typescript';
import { ANNOTATION_KEYWORDS, CONFIG_SCHEMA, TRIAGE_SCHEMA, VALIDATION_KEYWORDS, validateSchema, type JsonSchema } from '../../src/config/schema';
import { REPO_ROOT } from './helpers/paths';

const TYPES_FILE = join(REPO_ROOT, 'src', 'config', 'schema-types.ts');
const BANNER = `/**
 * GENERATED from schemas/sealant.schema.json and schemas/sealant-triage.schema.json by
 * test/unit/config-schema.test.ts (json-schema-to-typescript). Do not edit: edit the schemas and run
 * \`UPDATE_SCHEMA_TYPES=1 npx mocha test/unit/config-schema.test.ts\`.
 */
`;

async function generateTypes(): Promise<string> {
  const options = { bannerComment: '', additionalProperties: false, unreachableDefinitions: true, ignoreMinAndMaxItems: true, style: { singleQuote: true, printWidth: 120 } };
  const config = await compile(structuredClone(CONFIG_SCHEMA) as never, 'SealantConfig', options);
  const triage = await compile(structuredClone(TRIAGE_SCHEMA) as never, 'SealantTriageFile', options);
  return `${BANNER}\n${config}\n${triage}`;
}

function keywordsOf(schema: unknown, out = new Set<string>(), parentKey = ''): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => keywordsOf(s, out));
  else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      // Names under `properties` and `definitions` are not keywords; `enum` / `required` hold data.
      if (parentKey !== 'properties' && parentKey !== 'definitions') out.add(k);
      if (k === 'enum' || k === 'required' || k === 'examples' || k === 'default') continue;
      keywordsOf(v, out, parentKey === 'properties' || parentKey === 'definitions' ? '' : k);
    }
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
const ajvConfig = ajv.compile(CONFIG_SCHEMA);
const ajvTriage = ajv.compile(TRIAGE_SCHEMA);

/** Samples on both sides of every keyword the schemas use. */
const CONFIG_SAMPLES: { name: string; value: unknown; valid: boolean }[] = [
  { name: 'empty', value: {}, valid: true },
  {
    name: 'every key',
    valid: true,
    value: {
      $schema: './node_modules/sealant/schemas/sealant.schema.json',
      extends: ['./shared/base.yml', 'npm:@acme/sealant-config/sealant.yml'],
      rules: { 'storage/sensitive-data-in-log': 'error', 'transmission/*': 'off', 'upload/no-size-limit': { severity: 'warning', options: { maxBytes: 1024, paths: ['a'], strict: true, mode: 'x' } } },
      dataTypes: {
        types: [{ id: 'member_number', category: 'government_id', label: 'a member number', names: ['member no'], exclude: ['member note'], wholeNames: ['mno'] }],
        synonyms: { national_id: ['member no'] },
        exclusions: { token: ['csrf token'] },
      },
      sanitizers: [{ kind: 'encrypt', call: ['vault.seal', 'encryptPii'], languages: ['js'], label: 'Vault' }, { kind: 'redact', pattern: '^acme\\.redact$' }],
      hosts: { approved: ['api.stripe.com', '*.acme-partner.com'], allowInsecure: ['health.internal'] },
      ignore: ['generated/**'],
      testPaths: ['e2e/**'],
      customRules: [{
        id: 'transmission/analytics-pii', title: 'Personal data sent to analytics', severity: 'error', confidence: 'high', cwe: [359], owasp: ['A01'], standards: ['GDPR'],
        message: '{{data}} sent to {{callee}}', query: { js: '(call_expression) @call', python: '(call) @call' }, report: 'call',
        where: [{ capture: 'call', matches: '^analytics\\.', notMatches: 'x', dataTypes: ['email'], categories: ['contact'] }],
        keywords: 'analytics', fix: { title: 'Redact', capture: 'call', replace: 'redact({{call}})', safe: false }, guidance: { why: 'w', bad: 'b', good: 'g', fix: 'f' },
      }],
    },
  },
  { name: 'extends as one string', value: { extends: './a.yml' }, valid: true },
  { name: 'unknown top-level key', value: { rulez: {} }, valid: false },
  { name: 'bad severity', value: { rules: { 'storage/x': 'warn' } }, valid: false },
  { name: 'bad rule id key', value: { rules: { 'Storage X': 'off' } }, valid: false },
  { name: 'setting of the wrong type', value: { rules: { 'storage/x': 3 } }, valid: false },
  { name: 'unknown key in a setting', value: { rules: { 'storage/x': { level: 'off' } } }, valid: false },
  { name: 'option of a wrong type', value: { rules: { 'storage/x': { options: { a: { b: 1 } } } } }, valid: false },
  { name: 'option list of numbers', value: { rules: { 'storage/x': { options: { a: [1] } } } }, valid: false },
  { name: 'extends not a string', value: { extends: [3] }, valid: false },
  { name: 'extends empty string', value: { extends: '' }, valid: false },
  { name: 'data type without names', value: { dataTypes: { types: [{ id: 'x', category: 'contact', label: 'an x', names: [] }] } }, valid: false },
  { name: 'data type bad category', value: { dataTypes: { types: [{ id: 'x', category: 'secret', label: 'an x', names: ['x'] }] } }, valid: false },
  { name: 'data type bad id', value: { dataTypes: { types: [{ id: 'X-1', category: 'contact', label: 'an x', names: ['x'] }] } }, valid: false },
  { name: 'data type missing label', value: { dataTypes: { types: [{ id: 'x', category: 'contact', names: ['x'] }] } }, valid: false },
  { name: 'synonyms with a bad key', value: { dataTypes: { synonyms: { 'Bad Key': ['x'] } } }, valid: false },
  { name: 'empty phrase', value: { dataTypes: { synonyms: { ssn: [''] } } }, valid: false },
  { name: 'sanitizer bad kind', value: { sanitizers: [{ kind: 'scramble', call: 'x' }] }, valid: false },
  { name: 'sanitizer call list empty', value: { sanitizers: [{ kind: 'mask', call: [] }] }, valid: false },
  { name: 'sanitizer bad language', value: { sanitizers: [{ kind: 'mask', call: 'x', languages: ['cobol'] }] }, valid: false },
  { name: 'host with a scheme', value: { hosts: { approved: ['https://api.x.com'] } }, valid: false },
  { name: 'hosts unknown key', value: { hosts: { allowed: [] } }, valid: false },
  { name: 'ignore not a list', value: { ignore: 'dist' }, valid: false },
  { name: 'custom rule missing message', value: { customRules: [{ id: 'storage/x', title: 't', severity: 'error', cwe: [1], query: { js: '(x)' } }] }, valid: false },
  { name: 'custom rule bad family', value: { customRules: [{ id: 'acme/x', title: 't', severity: 'error', cwe: [1], message: 'm', query: { js: '(x)' } }] }, valid: false },
  { name: 'custom rule cwe 0', value: { customRules: [{ id: 'storage/x', title: 't', severity: 'error', cwe: [0], message: 'm', query: { js: '(x)' } }] }, valid: false },
  { name: 'custom rule cwe not whole', value: { customRules: [{ id: 'storage/x', title: 't', severity: 'error', cwe: [1.5], message: 'm', query: { js: '(x)' } }] }, valid: false },
  { name: 'custom rule empty query map', value: { customRules: [{ id: 'storage/x', title: 't', severity: 'error', cwe: [1], message: 'm', query: {} }] }, valid: false },
  { name: 'custom rule query for cobol', value: { customRules: [{ id: 'storage/x', title: 't', severity: 'error', cwe: [1], message: 'm', query: { cobol: '(x)' } }] }, valid: false },
  { name: 'custom rule severity off', value: { customRules: [{ id: 'storage/x', title: 't', severity: 'off', cwe: [1], message: 'm', query: { js: '(x)' } }] }, valid: false },
  { name: 'condition with only a capture', value: { customRules: [{ id: 'storage/x', title: 't', severity: 'error', cwe: [1], message: 'm', query: { js: '(x) @x' }, where: [{ capture: 'x' }] }] }, valid: false },
  { name: 'condition with an @', value: { customRules: [{ id: 'storage/x', title: 't', severity: 'error', cwe: [1], message: 'm', query: { js: '(x) @x' }, where: [{ capture: '@x', matches: 'a' }] }] }, valid: false },
  { name: 'fix without replace', value: { customRules: [{ id: 'storage/x', title: 't', severity: 'error', cwe: [1], message: 'm', query: { js: '(x) @x' }, fix: { title: 'f' } }] }, valid: false },
  { name: 'null value', value: { rules: null }, valid: false },
];

const TRIAGE_SAMPLES: { name: string; value: unknown; valid: boolean }[] = [
  { name: 'empty', value: {}, valid: true },
  { name: 'full entry', value: { version: 1, entries: [{ fingerprint: '0123456789abcdef', rule: 'storage/x', file: 'a.js', status: 'accepted', reason: 'r', reviewer: 'me', expires: '2030-01-01', added: '2024-01-01' }] }, valid: true },
  { name: 'missing reason', value: { entries: [{ fingerprint: '0123456789abcdef', rule: 'storage/x', file: 'a.js', status: 'accepted' }] }, valid: false },
  { name: 'bad status', value: { entries: [{ fingerprint: '0123456789abcdef', rule: 'storage/x', file: 'a.js', status: 'ignored', reason: 'r' }] }, valid: false },
  { name: 'bad fingerprint', value: { entries: [{ fingerprint: 'xyz', rule: 'storage/x', file: 'a.js', status: 'accepted', reason: 'r' }] }, valid: false },
  { name: 'bad date', value: { entries: [{ fingerprint: '0123456789abcdef', rule: 'storage/x', file: 'a.js', status: 'accepted', reason: 'r', expires: 'next year' }] }, valid: false },
  { name: 'version 2', value: { version: 2 }, valid: false },
];

describe('config schema: one source of truth', () => {
  it('the generated TypeScript types are up to date with the schemas', async function () {
    this.timeout(60_000);
    const generated = await generateTypes();
    if (process.env.UPDATE_SCHEMA_TYPES) writeFileSync(TYPES_FILE, generated);
    const current = readFileSync(TYPES_FILE, 'utf8');
    assert.equal(current, generated, 'src/config/schema-types.ts is out of date: run UPDATE_SCHEMA_TYPES=1 npx mocha test/unit/config-schema.test.ts');
  });

  it('the validator knows every keyword the schemas use', () => {
    for (const schema of [CONFIG_SCHEMA, TRIAGE_SCHEMA]) {
      const used = keywordsOf(schema);
      const unknown = [...used].filter((k) => !VALIDATION_KEYWORDS.includes(k) && !ANNOTATION_KEYWORDS.includes(k));
      assert.deepEqual(unknown, [], `keywords the validator does not interpret: ${unknown.join(', ')}`);
    }
  });

  it('the schemas are valid draft-07 schemas', () => {
    assert.ok(ajv.validateSchema(CONFIG_SCHEMA), JSON.stringify(ajv.errors));
    assert.ok(ajv.validateSchema(TRIAGE_SCHEMA), JSON.stringify(ajv.errors));
  });

  for (const [kind, samples, reference, schema] of [
    ['config', CONFIG_SAMPLES, ajvConfig, CONFIG_SCHEMA],
    ['triage', TRIAGE_SAMPLES, ajvTriage, TRIAGE_SCHEMA],
  ] as const) {
    it(`the validator and Ajv agree on ${samples.length} ${kind} samples, valid and invalid`, () => {
      for (const s of samples) {
        const ours = validateSchema(s.value, schema as JsonSchema);
        const theirs = reference(s.value);
        assert.equal(ours.length === 0, s.valid, `${s.name}: our validator says ${ours.length === 0 ? 'valid' : JSON.stringify(ours)}`);
        assert.equal(theirs, s.valid, `${s.name}: Ajv says ${theirs ? 'valid' : JSON.stringify(reference.errors)}`);
      }
    });
  }
});
