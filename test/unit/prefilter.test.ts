/**
 * The keyword prefilter (src/core/prefilter.ts): it may say "maybe" where a gate regex does not match, never "no"
 * where it does. Checked against the plain regexes of every rule over every fixture file and over random text and
 * random regexes (fast-check), and through the engine (its active rules are those of the plain gates).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { KeywordPrefilter, literalsOf, requirementsOf } from '../../src/core/prefilter';
import { INVENTORY_RULES } from '../../src/inventory/rules';
import { languageForPath } from '../../src/languages/registry';
import { BUILTIN_RULES } from '../../src/rules';
import { REPO_ROOT, makeEngine } from './helpers/engine';

const RULES = [...BUILTIN_RULES, ...INVENTORY_RULES];
const SOURCES = RULES.flatMap((r) => [r.keywords, r.keywordsUnlessApprovedHosts]).filter((k): k is string => !!k);

function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as { name: string; parentPath?: string; path?: string; isFile(): boolean }[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path ?? dir, e.name));
}

const FIXTURES = [...filesUnder(join(REPO_ROOT, 'test', 'fixtures')), ...filesUnder(join(REPO_ROOT, 'test', 'inventory', 'fixtures'))];
const TEXTS = FIXTURES.map((f) => ({ path: f, text: readFileSync(f, 'utf8') }));

/** The regexes `mayMatch` rules out on `text` although they match it. */
function missed(sources: readonly string[], prefilter: KeywordPrefilter, text: string): string[] {
  const maybe = prefilter.mayMatch(text);
  return sources.filter((s, i) => !maybe[i] && new RegExp(s, 'i').test(text));
}

describe('keyword prefilter', () => {
  it('takes a regex apart into the literals one of which every match contains', () => {
    assert.deepEqual(literalsOf('cookie|session'), ['cookie', 'session']);
    assert.deepEqual(literalsOf('\\bga\\(|heap\\.'), ['ga(', 'heap.']);
    // Optional parts require nothing; the longest required run of each alternative is kept.
    assert.deepEqual(literalsOf('req(uest)?\\.files?|formData'), ['.file', 'formdata']);
    assert.deepEqual(literalsOf('(ssl|tls)[\'"]?\\s*[:=]\\s*(false|0)'), ['ssl', 'tls']);
    // A literal containing another one of the set adds nothing.
    assert.deepEqual(literalsOf('pass|password|pw'), ['pass', 'pw']);
    // A lookahead's literals must occur; a negative one's need not.
    assert.deepEqual(literalsOf('^(?=[\\s\\S]*(static|public))[\\s\\S]*(x)'), ['static', 'public']);
    assert.deepEqual(literalsOf('(?!secret)ab'), ['ab']);
    assert.deepEqual(literalsOf('(?<kind>md|sha)5'), ['md', 'sha']);
    assert.deepEqual(literalsOf('(?<q>[\'"])x\\k<q>'), ['x']);
    assert.equal(literalsOf('(?i:abc)'), undefined);
    // Nothing literal, or an alternative that needs no literal: no set (the regex always runs).
    assert.equal(literalsOf('\\d{3}'), undefined);
    assert.equal(literalsOf('abc|x?'), undefined);
    assert.deepEqual(literalsOf('a.c|[xy]z'), ['a', 'z']);
    assert.equal(literalsOf('.c?|[xy]'), undefined);
  });

  it('needs a literal of every set an alternative requires, not just of its most selective one', () => {
    assert.deepEqual(requirementsOf('ssl\\s*=\\s*False|verify'), [[['ssl'], ['='], ['false']], [['verify']]]);
    assert.deepEqual(requirementsOf('^(?=[\\s\\S]*(static|public))[\\s\\S]*(upload|multer)'), [[['static', 'public'], ['upload', 'multer']]]);
    assert.equal(requirementsOf('abc|x?'), undefined);
    const [conj, ssl] = ['^(?=[\\s\\S]*(static|public))[\\s\\S]*(upload|multer)', 'ssl\\s*=\\s*False|verify'];
    const prefilter = new KeywordPrefilter([conj, ssl]);
    // Only one of the two required sets occurs: ruled out (the old one-set prefilter said "maybe" here).
    assert.deepEqual(prefilter.mayMatch('import static foo; const x = false;'), [false, false]);
    assert.deepEqual(prefilter.mayMatch('app.use(upload); const ok = false;'), [false, false]);
    // Every set occurs (in any order, the prefilter does not check the order): maybe.
    assert.deepEqual(prefilter.mayMatch('upload(); serve("public"); false; ssl ='), [true, true]);
    assert.deepEqual(prefilter.mayMatch('VERIFY'), [false, true]);
  });

  it('never rules out a rule keyword regex that matches a fixture file', () => {
    const prefilter = new KeywordPrefilter(SOURCES);
    assert.ok(TEXTS.length > 100, `${TEXTS.length} fixture files`);
    let ruledOut = 0;
    for (const { path, text } of TEXTS) {
      assert.deepEqual(missed(SOURCES, prefilter, text), [], path);
      ruledOut += prefilter.mayMatch(text).filter((m) => !m).length;
    }
    // It does filter: most rules are ruled out of most fixture files without running their regex.
    assert.ok(ruledOut > (TEXTS.length * SOURCES.length) / 4, `${ruledOut} ruled out`);
  });

  it('never rules out a rule keyword regex that matches random text made of its own pieces', () => {
    const prefilter = new KeywordPrefilter(SOURCES);
    const pieces = [...new Set(SOURCES.flatMap((s) => s.split(/[|()]/)).map((p) => p.replace(/\\(.)/g, '$1')).filter((p) => p.length > 0))];
    const noise = ['', ' ', '\n', '=', ':', "'", '"', '.', '(', '_', '-', 'İ', 'ſ', 'K', '\u0130x', 'é', '💥', 'static ', 'public ', '123 45 6789'];
    const piece = fc.oneof(fc.constantFrom(...pieces), fc.constantFrom(...noise), fc.string({ maxLength: 6 }));
    const cased = piece.chain((p) => fc.boolean().map((up) => (up ? p.toUpperCase() : p)));
    fc.assert(
      fc.property(fc.array(cased, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        assert.deepEqual(missed(SOURCES, prefilter, text), [], JSON.stringify(text));
      }),
      { numRuns: 3000, seed: 10 },
    );
  });

  it('never rules out a random regex that matches random text', () => {
    const char = fc.constantFrom('a', 'b', 'c', 'A', 'x', '.', '_', '-', ' ');
    const lit = fc.array(char, { minLength: 1, maxLength: 4 }).map((cs) => cs.map((c) => (/[.\-]/.test(c) ? `\\${c}` : c)).join(''));
    const quant = fc.constantFrom('', '', '', '?', '*', '+', '{2}', '{0,2}', '{1,}');
    const regex = fc.letrec<{ re: string; seq: string; atom: string }>((tie) => ({
      re: fc.array(tie('seq'), { minLength: 1, maxLength: 3 }).map((alts) => alts.join('|')),
      seq: fc.array(tie('atom'), { minLength: 1, maxLength: 4 }).map((atoms) => atoms.join('')),
      atom: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.tuple(lit, quant).map(([l, q]) => l + q),
        fc.constantFrom('[ab]', '\\d', '\\s*', '\\b', '.', '^', '$', '[^x]'),
        fc.tuple(fc.constantFrom('(', '(?:', '(?=', '(?!', '(?<=', '(?<!'), tie('re'), quant).map(([open, inner, q]) => `${open}${inner})${open.startsWith('(?') && open !== '(?:' ? '' : q}`),
      ),
    })).re;
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'A', 'B', 'x', '.', '_', '-', ' ', '1', '\n', 'ab', 'abc', 'İ', 'ſ'), { maxLength: 20 }).map((cs) => cs.join(''));
    let matched = 0;
    fc.assert(
      fc.property(regex, fc.array(text, { minLength: 1, maxLength: 8 }), (source, texts) => {
        new RegExp(source, 'i'); // a valid regex
        const prefilter = new KeywordPrefilter([source]);
        for (const t of texts) {
          const hit = new RegExp(source, 'i').test(t);
          if (hit) matched++;
          assert.ok(!hit || prefilter.mayMatch(t)[0], `${source} on ${JSON.stringify(t)}`);
        }
      }),
      { numRuns: 3000, seed: 10 },
    );
    assert.ok(matched > 1000, `${matched} matching texts`);
  });

  it('storage/hardcoded-secret: its gates lose no finding (APIs, DSNs, key formats, names only the classifier knows)', async () => {
    // Each of these was reported by the rule, but its old keyword gate kept the rule from running.
    const cases = [
      { path: 'a.js', text: "const cookieParser = require('cookie-parser');\napp.use(cookieParser('Xq7vR2mN9pLw4tZ8'));\n" },
      { path: 'b.js', text: "const twilio = 'SK0123456789abcdef0123456789abcdef';\n" },
      { path: 'c.go', text: 'package main\n\nfunc open() {\n\tdb, _ := sql.Open("mysql", "app:Xq7vR2mN9pLw@tcp(db.example.com:3306)/shop")\n\t_ = db\n}\n' },
      { path: 'd.php', text: "<?php\n$db = new PDO('mysql:host=db.example.com;dbname=shop', 'app', 'Xq7vR2mN9pLw4tZ8');\n" },
      { path: 'e.js', text: "const atmPin = 'Xq7v9283Lw4t';\nconst bearer = 'Xq7vR2mN9pLw4tZ8aa91';\n" },
    ];
    const gated = makeEngine();
    const ungated = makeEngine();
    const open = ungated as unknown as { passingAll(language: { syntax: string }, text: string): unknown[]; compiled: { rule: { queries: Record<string, unknown> } }[] };
    open.passingAll = (language) => open.compiled.filter((c) => c.rule.queries[language.syntax] !== undefined);
    try {
      for (const c of cases) {
        const want = (await ungated.analyze(c)).findings.map((f) => `${f.ruleId}@${f.range.start.line}`);
        assert.ok(want.some((f) => f.startsWith('storage/hardcoded-secret@')), `${c.path}: ${want.join(' ')}`);
        assert.deepEqual((await gated.analyze(c)).findings.map((f) => `${f.ruleId}@${f.range.start.line}`), want, c.path);
      }
      // And on every fixture file: the gates change nothing.
      for (const { path, text } of TEXTS) {
        if (!languageForPath(path)) continue;
        const file = { path: path.slice(REPO_ROOT.length + 1), text };
        assert.deepEqual((await gated.analyze(file)).findings.map((f) => `${f.ruleId}@${f.range.startOffset}`), (await ungated.analyze(file)).findings.map((f) => `${f.ruleId}@${f.range.startOffset}`), path);
      }
    } finally {
      await gated.dispose();
      await ungated.dispose();
    }
  });

  it('leaves the engine with the rules its plain gates let through', () => {
    const engine = makeEngine({ config: { inventory: true } });
    try {
      const internals = engine as unknown as {
        passingAll(language: unknown, text: string): { rule: { id: string } }[];
        passes(c: unknown, language: unknown, text: string): boolean;
        compiled: { rule: { id: string } }[];
      };
      let files = 0;
      for (const { path, text } of TEXTS) {
        const language = languageForPath(path);
        if (!language) continue;
        files++;
        const plain = internals.compiled.filter((c) => internals.passes(c, language, text)).map((c) => c.rule.id);
        assert.deepEqual(internals.passingAll(language, text).map((c) => c.rule.id), plain, path);
      }
      assert.ok(files > 100, `${files} files`);
    } finally {
      void engine.dispose();
    }
  });
});
