/**
 * Typing with Engine.parse's `defer` (the editor's keystrokes): while the edited function has a syntax error it did not
 * have, the file is not parsed again and the last whole text's findings stand, moved to their places.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser, type Node, type Tree } from 'web-tree-sitter';
import { nodeHost } from '../../src/cli/node-host';
import { Engine, SYNTAXES } from '../../src/core/engine';
import type { Finding } from '../../src/core/types';
import { languageById, type LanguageInfo } from '../../src/languages/registry';
import { BUILTIN_RULES } from '../../src/rules';
import { REPO_ROOT } from './helpers/paths';
import { pointAt } from './helpers/points';

const PY = `import hashlib
import logging

logger = logging.getLogger(__name__)


def register(user, password):
    digest = hashlib.md5(password.encode()).hexdigest()
    user.password_hash = digest
    logger.info("new user %s", user.ssn)
    return user


def notify(user):
    count = 1
    return count


def export(user):
    logger.warning("card %s", user.card_number)
    return None
`;

interface Step {
  text: string;
  held: boolean;
  findings: Finding[];
}

/** What the editor shows of a finding: the rule, the text it covers, its line, fingerprint and fixes. */
function shown(f: Finding, text: string): unknown {
  return { rule: f.ruleId, covers: text.slice(f.range.startOffset, f.range.endOffset), line: f.range.start.line, fingerprint: f.fingerprint, fixes: f.fixes.length };
}

describe('typing with deferred parses', function () {
  this.timeout(60_000);
  const engines: Engine[] = [];
  const make = (incremental: boolean) => {
    const e = new Engine(nodeHost({ root: REPO_ROOT }), { rules: BUILTIN_RULES, incremental });
    engines.push(e);
    return e;
  };
  after(async () => {
    for (const e of engines) await e.dispose();
  });

  /** Types `typed` one character at a time at `at` (after `after` in the source), parsing with `defer` as the editor does. */
  async function type(language: LanguageInfo, path: string, source: string, at: number, typed: string, engine = make(true)): Promise<{ first: Finding[]; steps: Step[] }> {
    let text = source;
    let tree: Tree = (await engine.parse(language, text))!;
    const first = await engine.analyzeTree({ path, text }, language, tree);
    const steps: Step[] = [];
    for (const ch of typed) {
      const next = text.slice(0, at) + ch + text.slice(at);
      tree.edit({ startIndex: at, oldEndIndex: at, newEndIndex: at + 1, startPosition: pointAt(text, at), oldEndPosition: pointAt(text, at), newEndPosition: pointAt(next, at + 1) });
      text = next;
      const fresh = (await engine.parse(language, text, tree, { defer: { path } }))!;
      tree.delete();
      tree = fresh;
      steps.push({ text, held: engine.isHeld(tree), findings: await engine.analyzeTree({ path, text }, language, tree) });
      at++;
    }
    tree.delete();
    return { first, steps };
  }

  const python = languageById('python')!;
  const plain = () => make(false);

  it('holds exactly the keystrokes that leave the function broken, and moves the last findings over them', async () => {
    const at = PY.indexOf('count = 1') + 'count = 1'.length;
    const typed = '; x = f("ab", 1)';
    const { first, steps } = await type(python, 'app.py', PY, at, typed);
    assert.equal(first.length, 3, 'md5 of a password, and two logs of personal data');
    // Broken while the statement is half typed, the quote or the parenthesis open.
    const expected = [...typed].map((_, i) => /^; x = ?$|\([^)]*$/.test(typed.slice(0, i + 1)));
    assert.deepEqual(steps.map((s) => `${s.text.slice(at, at + s.text.length - PY.length)}:${s.held}`), expected.map((h, i) => `${typed.slice(0, i + 1)}:${h}`));
    const reference = plain();
    let last: Step = { text: PY, held: false, findings: first };
    for (const step of steps) {
      if (!step.held) {
        assert.deepEqual(JSON.parse(JSON.stringify(step.findings)), JSON.parse(JSON.stringify((await reference.analyze({ path: 'app.py', text: step.text })).findings)), `after "${step.text.slice(at - 9, at + 20)}"`);
        last = step;
        continue;
      }
      // The same findings as after the last whole text, covering the same text (the log after the edit moved along).
      assert.deepEqual(step.findings.map((f) => shown(f, step.text)), last.findings.map((f) => shown(f, last.text)));
      for (const f of step.findings) {
        const { row, column } = pointAt(step.text, f.range.startOffset);
        assert.deepEqual(f.range.start, { line: row, column });
      }
    }
  });

  it('stretches a finding the edit is inside and drops a fix that reaches the edit, keeping the rest as it was', async () => {
    const log = 'logger.info("new user %s", user.ssn';
    const at = PY.indexOf(log) + log.length;
    const { first, steps } = await type(python, 'app.py', PY, at, '[0');
    assert.deepEqual(steps.map((s) => s.held), [true, true], 'the bracket is left open');
    const step = steps[1];
    const logged = step.findings.find((f) => f.ruleId === 'storage/sensitive-data-in-log' && f.range.start.line === 9)!;
    assert.equal(step.text.slice(logged.range.startOffset, logged.range.endOffset), 'logger.info("new user %s", user.ssn[0)');
    // The fix rewrites `user.ssn`, which the edit continues: it would rewrite half of what is being typed.
    assert.equal(first.find((f) => f.range.start.line === 9)!.fixes.length, 1);
    assert.equal(logged.fixes.length, 0);
    const hash = step.findings.find((f) => f.ruleId === 'storage/weak-password-hash')!;
    assert.deepEqual(hash, first.find((f) => f.ruleId === 'storage/weak-password-hash'), 'before the edit: as it was, fix included');
    const after = step.findings.find((f) => f.range.start.line === 19)!;
    assert.equal(step.text.slice(after.range.startOffset, after.range.endOffset), 'logger.warning("card %s", user.card_number)');
    assert.equal(after.fixes[0].edits[0].range.startOffset, first.find((f) => f.range.start.line === 19)!.fixes[0].edits[0].range.startOffset + 2);
  });

  it('parses as usual where the function alone would not tell: a JavaScript method, a function already broken, suppressions', async () => {
    const js = languageById('javascript')!;
    const JS = 'class A {\n  save(user) {\n    const n = 1;\n    console.log(user.ssn);\n  }\n}\n';
    // Parsed alone on the first keystroke (as typed, and as before the edit), then no more while typing in that method.
    let alone = 0;
    const parse = Parser.prototype.parse;
    Parser.prototype.parse = function (this: Parser, ...args: Parameters<Parser['parse']>) {
      if (args[2]?.includedRanges) alone++;
      return parse.apply(this, args);
    };
    let inMethod;
    try {
      inMethod = await type(js, 'a.js', JS, JS.indexOf('const n = 1;') + 'const n = 1;'.length, ' f(');
    } finally {
      Parser.prototype.parse = parse;
    }
    assert.deepEqual(inMethod.steps.map((s) => s.held), [false, false, false], 'a method alone is no program');
    assert.equal(alone, 2);
    const broken = PY.replace('    return count\n', '    return count +\n');
    const inBroken = await type(python, 'app.py', broken, broken.indexOf('count = 1') + 'count = 1'.length, ' f(');
    assert.deepEqual(inBroken.steps.map((s) => s.held), [false, false, false]);
    const suppressed = PY.replace('logger.info("new user %s", user.ssn)', 'logger.info("new user %s", user.ssn)  # sealant-ignore');
    const inSuppressed = await type(python, 'app.py', suppressed, suppressed.indexOf('count = 1') + 'count = 1'.length, ' f(');
    assert.deepEqual(inSuppressed.steps.map((s) => s.held), [false, false, false]);
    // A function at the top of a Python file, or a Python method: both are held.
    const method = 'class Store:\n    def save(self, user):\n        n = 1\n        return n\n';
    const inPyMethod = await type(python, 'store.py', method, method.indexOf('n = 1') + 'n = 1'.length, ' f(');
    assert.deepEqual(inPyMethod.steps.map((s) => s.held), [false, true, true], '`n = 1 f` is broken too');
  });

  it('in every language: a held keystroke keeps the last findings, a parsed one gets a full analysis\'s', async () => {
    const statement: Record<string, string> = { python: '; x = f("ab", 1)', js: '; x = f("ab", 1);', go: '; x := f("ab", 1)', ruby: '; x = f("ab", 1)', php: ' $x = f("ab", 1);', java: ' int x = f("ab", 1);', csharp: ' int x = f("ab", 1);' };
    const heldIn: Record<string, number> = {};
    const reference = plain();
    for (const dir of ['python', 'javascript', 'typescript', 'go', 'ruby', 'php', 'java', 'csharp']) {
      for (const name of readdirSync(join(REPO_ROOT, 'test/fixtures', dir, 'storage')).filter((n) => /^(sensitive-data-in-log|hardcoded-secret)\.\w+$/.test(n))) {
        const source = readFileSync(join(REPO_ROOT, 'test/fixtures', dir, 'storage', name), 'utf8');
        const engine = make(true);
        const language = engine.languageOf({ path: name })!;
        const syntax = SYNTAXES[language.syntax];
        // The end of the first one-line statement inside a function.
        const tree = (await engine.parse(language, source))!;
        let at = -1;
        const visit = (n: Node, inFunction: boolean): void => {
          if (at < 0 && inFunction && /statement|declaration|assignment/.test(n.type) && !n.text.includes('\n') && source[n.endIndex] === '\n') at = n.endIndex;
          for (const c of n.namedChildren) if (c) visit(c, inFunction || syntax.isFunction(n));
        };
        visit(tree.rootNode, false);
        tree.delete();
        assert.ok(at > 0, `no statement in a function of ${name}`);
        const { first, steps } = await type(language, name, source, at, statement[language.syntax], engine);
        assert.ok(first.length > 0, `${name} has findings`);
        let last: Step = { text: source, held: false, findings: first };
        for (const step of steps) {
          if (step.held) {
            heldIn[dir] = (heldIn[dir] ?? 0) + 1;
            assert.deepEqual(step.findings.map((f) => `${f.ruleId}:${f.fingerprint}`), last.findings.map((f) => `${f.ruleId}:${f.fingerprint}`), `${name}: held`);
            continue;
          }
          const full = (await reference.analyze({ path: name, text: step.text })).findings;
          assert.deepEqual(JSON.parse(JSON.stringify(step.findings)), JSON.parse(JSON.stringify(full)), `${name} after "${step.text.slice(at - 10, at + step.text.length - source.length)}"`);
          last = step;
        }
      }
    }
    // PHP code alone is HTML text to its grammar (no `<?php`): never held there.
    assert.deepEqual(Object.keys(heldIn).sort(), ['csharp', 'go', 'java', 'javascript', 'python', 'ruby', 'typescript']);
  });

  it('parses a held tree after all when the document was analysed again in between', async () => {
    const engine = make(true);
    const at = PY.indexOf('count = 1') + 'count = 1'.length;
    const { steps } = await type(python, 'app.py', PY, at, ' f(', engine);
    assert.ok(steps[2].held);
    // Another analysis of the same document (a different text), then the held tree's text: parsed, not moved.
    const text = steps[2].text;
    let tree = (await engine.parse(python, PY))!;
    await engine.analyzeTree({ path: 'app.py', text: PY }, python, tree);
    const next = text;
    tree.edit({ startIndex: at, oldEndIndex: at, newEndIndex: at + 3, startPosition: pointAt(PY, at), oldEndPosition: pointAt(PY, at), newEndPosition: pointAt(next, at + 3) });
    const held = (await engine.parse(python, next, tree, { defer: { path: 'app.py' } }))!;
    assert.ok(engine.isHeld(held));
    tree.delete();
    tree = held;
    // Meanwhile a command analyses the document's text from scratch (its memo is now of `next`).
    const fromScratch = (await engine.parse(python, next))!;
    await engine.analyzeTree({ path: 'app.py', text: next }, python, fromScratch);
    fromScratch.delete();
    const findings = await engine.analyzeTree({ path: 'app.py', text: next }, python, tree);
    assert.deepEqual(JSON.parse(JSON.stringify(findings)), JSON.parse(JSON.stringify((await plain().analyze({ path: 'app.py', text: next })).findings)));
    tree.delete();
  });
});
