/**
 * The fixture runner. Every file under test/fixtures/<language>/<family>/ carries inline expectations:
 * a comment `expect: <rule-id>[, <rule-id>…]` or `ok: <rule-id>` on the line(s) before a case. The runner
 * scans each file and reports missing and extra findings by line. A fixture with no annotations fails,
 * and so does a registered rule without both a positive and a negative case in each language family it
 * supports. Where `name.fixed.<ext>` exists, the first fix of every finding is applied and the result
 * must equal it and still parse.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, relative, extname } from 'node:path';
import type { Engine } from '../../src/core/engine';
import type { Finding } from '../../src/core/types';
import { languageForPath } from '../../src/languages/registry';
import { BUILTIN_RULES } from '../../src/rules';
import { META_RULES } from '../../src/rules/meta';
import { applyFixes } from '../../src/core/fixes';
import { makeEngine, REPO_ROOT } from './helpers/engine';
import { parse as parseStrict } from '@typescript-eslint/typescript-estree';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
const ANNOTATION = /(?:\/\/|#|\/\*|<!--)\s*(expect|ok):\s*([\w/*,\s-]+?)\s*(?:\*\/|-->)?\s*$/;
const KNOWN_IDS = new Set([...BUILTIN_RULES.map((r) => r.id), ...META_RULES.map((r) => r.id)]);

interface Expectation {
  kind: 'expect' | 'ok';
  ruleId: string;
  /** 0-based line of the case the annotation applies to. */
  line: number;
  /** 0-based line of the annotation itself. */
  at: number;
}

export function parseAnnotations(text: string): Expectation[] {
  const lines = text.split(/\r?\n/);
  const out: Expectation[] = [];
  let pending: Omit<Expectation, 'line'>[] = [];
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    const annotationOnly = m && line.trim().startsWith(line.trim().slice(0, 2)) && /^\s*(\/\/|#|\/\*|<!--)/.test(line);
    if (m && annotationOnly) {
      for (const id of m[2].split(',').map((s) => s.trim()).filter(Boolean)) pending.push({ kind: m[1] as 'expect' | 'ok', ruleId: id, at: i });
      return;
    }
    if (pending.length && line.trim() !== '') {
      out.push(...pending.map((p) => ({ ...p, line: i })));
      pending = [];
    }
  });
  return out;
}

function fixtureFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return fixtureFiles(full);
    if (/\.fixed\.[a-z]+$/.test(name) || !languageForPath(name)) return [];
    return [full];
  });
}

/** The path the engine sees: relative to the language folder, so fixtures are not treated as test code
 *  unless they sit in a `tests/` sub-folder on purpose. */
function enginePath(file: string): string {
  return relative(FIXTURES, file).split('/').slice(1).join('/');
}

const files = fixtureFiles(FIXTURES);
const seen = new Map<string, { expect: Set<string>; ok: Set<string> }>();

describe('rule fixtures', function () {
  let engine: Engine;
  before(() => {
    engine = makeEngine();
  });
  after(() => engine.dispose());

  it('has fixture files', () => {
    assert.ok(files.length > 0, 'no fixture files under test/fixtures');
  });

  for (const file of files) {
    const rel = relative(FIXTURES, file);
    it(rel, async () => {
      const text = readFileSync(file, 'utf8');
      const expectations = parseAnnotations(text);
      assert.ok(expectations.length > 0, `${rel} has no expect:/ok: annotations`);
      const syntax = languageForPath(file)!.syntax;
      for (const e of expectations) {
        assert.ok(KNOWN_IDS.has(e.ruleId), `${rel}:${e.at + 1}: unknown rule id ${e.ruleId}`);
        const entry = seen.get(`${e.ruleId}|${syntax}`) ?? { expect: new Set(), ok: new Set() };
        entry[e.kind].add(`${rel}:${e.line + 1}`);
        seen.set(`${e.ruleId}|${syntax}`, entry);
      }
      const result = await engine.analyze({ path: enginePath(file), text });
      assert.equal(result.skipped, undefined, `${rel} was skipped: ${result.skipped?.detail}`);
      const active = result.findings.filter((f) => !f.suppression);
      const actual = new Set(active.map((f) => `${f.range.start.line}|${f.ruleId}`));
      const expected = new Set(expectations.filter((e) => e.kind === 'expect').map((e) => `${e.line}|${e.ruleId}`));
      const problems: string[] = [];
      for (const e of expectations) {
        const key = `${e.line}|${e.ruleId}`;
        if (e.kind === 'expect' && !actual.has(key)) problems.push(`missing ${e.ruleId} at line ${e.line + 1}`);
        if (e.kind === 'ok' && actual.has(key)) problems.push(`unexpected ${e.ruleId} at line ${e.line + 1} (marked ok)`);
      }
      for (const f of active) {
        const key = `${f.range.start.line}|${f.ruleId}`;
        if (!expected.has(key) && !expectations.some((e) => e.kind === 'ok' && `${e.line}|${e.ruleId}` === key)) {
          problems.push(`extra ${f.ruleId} at line ${f.range.start.line + 1}: ${f.message}`);
        }
      }
      assert.deepEqual(problems, [], `${rel}:\n  ${problems.join('\n  ')}`);
      const golden = file.replace(/(\.[a-z]+)$/, '.fixed$1');
      if (existsSync(golden)) await checkFixes(engine, rel, text, active, readFileSync(golden, 'utf8'));
    });
  }

  it('every registered rule has positive and negative fixtures in each language family it supports', () => {
    const gaps: string[] = [];
    for (const rule of BUILTIN_RULES) {
      for (const syntax of Object.keys(rule.queries)) {
        const entry = seen.get(`${rule.id}|${syntax}`);
        if (!entry || entry.expect.size === 0) gaps.push(`${rule.id} has no expect: case for ${syntax}`);
        if (!entry || entry.ok.size === 0) gaps.push(`${rule.id} has no ok: case for ${syntax}`);
      }
    }
    assert.deepEqual(gaps, []);
  });
});

async function checkFixes(engine: Engine, rel: string, text: string, findings: Finding[], golden: string): Promise<void> {
  const fixes = findings.flatMap((f) => (f.fixes[0] ? [f.fixes[0]] : []));
  assert.ok(fixes.length > 0, `${rel}: has a .fixed golden file but no finding offers a fix`);
  const fixed = applyFixes(text, fixes).text;
  assert.equal(fixed, golden, `${rel}: applying the fixes does not give its .fixed file`);
  // The fixed file must still parse: strictly for JS/TS, and with no more syntax errors than before for Python.
  const ext = extname(rel);
  if (['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx'].includes(ext)) {
    assert.doesNotThrow(() => parseStrict(fixed, { jsx: ext === '.tsx' || ext === '.jsx', loc: false }), `${rel}: the fixed file does not parse`);
  } else {
    const lang = languageForPath(rel)!;
    const errors = async (src: string) => {
      const tree = await engine.parse(lang, src);
      const n = tree ? tree.rootNode.descendantsOfType('ERROR').length + (tree.rootNode.hasError ? 1 : 0) : Infinity;
      tree?.delete();
      return n;
    };
    assert.ok((await errors(fixed)) <= (await errors(text)), `${rel}: the fix introduces syntax errors`);
  }
}
