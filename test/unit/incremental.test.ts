/** Incremental analysis for the editor: after an edit inside a function only that function is checked again. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Node, Query, type QueryOptions, type Tree } from 'web-tree-sitter';
import { nodeHost } from '../../src/cli/node-host';
import { Engine, PYTHON_MAX_INDENT_LEVELS } from '../../src/core/engine';
import { REFRESH_EVERY, narrowChanges } from '../../src/core/incremental';
import type { RuleDefinition } from '../../src/core/rule';
import type { Finding } from '../../src/core/types';
import { pythonSyntax } from '../../src/languages/python';
import { languageById } from '../../src/languages/registry';
import { BUILTIN_RULES } from '../../src/rules';
import { REPO_ROOT } from './helpers/paths';
import { pointAt } from './helpers/points';
import { leakCallRule } from './helpers/test-rule';

/** Counts the matches it is shown, and reports every `leak(...)` call. */
function leakRule(counter: { checks: number }, finish = false): RuleDefinition {
  return leakCallRule({
    queries: { js: '(call_expression function: (identifier) @fn (#eq? @fn "leak")) @call' },
    check(match, ctx) {
      counter.checks++;
      const call = match.get('call');
      if (call) ctx.report({ node: call, message: `leak of ${call.text.length} characters` });
    },
    ...(finish ? { finish() {} } : {}),
  });
}

const DOC = `const base = 'x';
function one(a) {
  leak(a);
  return 1;
}
class Store {
  save(b) {
    leak(b);
    leak(b);
    return b;
  }
  load(c) {
    return c;
  }
}
function three(d) {
  leak(d);
  leak(d, base);
}
`;

const language = languageById('javascript')!;

/** Replaces `from` by `to` (first occurrence after `after`) in the text and the tree, as an editor would. */
function edit(text: string, tree: Tree, from: string, to: string, after = ''): string {
  const at = text.indexOf(from, after ? text.indexOf(after) : 0);
  assert.ok(at >= 0, `"${from}" not in the document`);
  const next = text.slice(0, at) + to + text.slice(at + from.length);
  tree.edit({
    startIndex: at,
    oldEndIndex: at + from.length,
    newEndIndex: at + to.length,
    startPosition: pointAt(text, at),
    oldEndPosition: pointAt(text, at + from.length),
    newEndPosition: pointAt(next, at + to.length),
  });
  return next;
}

function asData(findings: Finding[]): unknown {
  return JSON.parse(JSON.stringify(findings));
}

describe('incremental analysis', function () {
  this.timeout(60_000);
  const engines: Engine[] = [];
  const make = (rules: readonly RuleDefinition[], incremental: boolean) => {
    const e = new Engine(nodeHost({ root: REPO_ROOT }), { rules, incremental });
    engines.push(e);
    return e;
  };
  after(async () => {
    for (const e of engines) await e.dispose();
  });

  /** Analyses DOC, applies the edits one by one, and returns the check counts and the last findings. */
  async function session(rules: readonly RuleDefinition[], incremental: boolean, edits: [string, string, string?][], counter: { checks: number }) {
    const engine = make(rules, incremental);
    let text = DOC;
    let tree = (await engine.parse(language, text))!;
    let findings = await engine.analyzeTree({ path: 'doc.js', text }, language, tree);
    const counts: number[] = [];
    for (const [from, to, after] of edits) {
      text = edit(text, tree, from, to, after);
      const next = (await engine.parse(language, text, tree))!;
      tree.delete();
      tree = next;
      counter.checks = 0;
      findings = await engine.analyzeTree({ path: 'doc.js', text }, language, tree);
      counts.push(counter.checks);
    }
    tree.delete();
    return { counts, findings, text };
  }

  async function reference(rules: readonly RuleDefinition[], text: string): Promise<Finding[]> {
    return (await make(rules, false).analyze({ path: 'doc.js', text })).findings;
  }

  it('checks only the edited method again and returns what a full analysis returns', async () => {
    const counter = { checks: 0 };
    const rules = [leakRule(counter)];
    // Add a call (and a line) inside Store.save: the findings of three() move down one line.
    const { counts, findings, text } = await session(rules, true, [['return b;', 'leak(b, 1);\n    return b;']], counter);
    assert.deepEqual(counts, [3], 'only the three leak() calls of save() are checked again');
    const full = await reference(rules, text);
    assert.equal(full.length, 6);
    assert.deepEqual(asData(findings), asData(full));
    assert.deepEqual(findings.map((f) => f.range.start.line), [2, 7, 8, 9, 17, 18]);
  });

  it('drops the findings of the edited function that are gone, keeping fingerprints as a full analysis makes them', async () => {
    const counter = { checks: 0 };
    const rules = [leakRule(counter)];
    const { counts, findings, text } = await session(rules, true, [['leak(d);', 'keep(d);'], ['leak(d, base)', 'leak(d)'], ['leak(a);', 'leak(a, a);']], counter);
    assert.deepEqual(counts, [1, 1, 1]);
    assert.deepEqual(asData(findings), asData(await reference(rules, text)));
  });

  it('analyses the whole file after an edit outside every function', async () => {
    const counter = { checks: 0 };
    const rules = [leakRule(counter)];
    const { counts, findings, text } = await session(rules, true, [["const base = 'x';", "const base = 'y';\nleak(base);"]], counter);
    assert.deepEqual(counts, [6]);
    assert.deepEqual(asData(findings), asData(await reference(rules, text)));
  });

  it('shows a rule with a finish step the whole file, and analyses everything when the engine is not incremental', async () => {
    const counter = { checks: 0 };
    const withFinish = [leakRule(counter, true)];
    const scoped = await session(withFinish, true, [['return 1;', 'return 2;'], ['leak(b);', 'keep(b);']], counter);
    assert.deepEqual(scoped.counts, [5, 4], 'the finish rule sees every leak() call, through its own query');
    assert.deepEqual(asData(scoped.findings), asData(await reference(withFinish, scoped.text)));
    assert.deepEqual((await session([leakRule(counter)], false, [['return 1;', 'return 2;']], counter)).counts, [5]);
  });

  it(`analyses the whole file every ${REFRESH_EVERY} edits`, async () => {
    const counter = { checks: 0 };
    const edits: [string, string][] = Array.from({ length: REFRESH_EVERY + 1 }, (_, i) => [`return ${i + 1};`, `return ${i + 2};`]);
    const { counts } = await session([leakRule(counter)], true, edits, counter);
    assert.deepEqual(counts.slice(0, 3), [1, 1, 1]);
    assert.equal(counts[REFRESH_EVERY], 5);
  });

  it('runs a rule whose words are typed inside a function (its gate follows the edit), as a full analysis does', async () => {
    // No password is named in the file at first, so storage/plaintext-password is gated out until one is typed.
    const source = `const db = require('./db');
async function signup(req, res) {
  await db.users.insert({ name: req.body.name });
  res.send('ok');
}
`;
    const at = source.indexOf('req.body.name') + 'req.body.name'.length;
    const { before, after } = await typeInto('javascript', 'signup.js', source, at, ', password: req.body.password');
    assert.deepEqual(before.map((f) => f.ruleId), []);
    assert.deepEqual(after.map((f) => f.ruleId), ['storage/plaintext-password']);
  });

  it('keeps the imports of a Python file while typing in a function, and reads them again when an import is typed', async () => {
    const source = `import hashlib as h
from flask import request


def signup():
    password = request.form["password"]
    return "ok"
`;
    const at = source.indexOf('    return "ok"');
    const { after } = await typeInto('python', 'app.py', source, at, '    password_hash = h.md5(password.encode()).hexdigest()\n    import hashlib as h\n');
    assert.ok(after.some((f) => f.ruleId === 'storage/weak-password-hash'), 'the MD5 of the password (through the imported alias) must be found');
  });

  it('gives the same findings as a full analysis with the built-in rules while typing a statement', async () => {
    const source = `const express = require('express');
const app = express();
function signup(req, res) {
  const password = req.body.password;
  console.log('signup', req.body.email);
  res.send('ok');
}
function report(user) {
  fetch('http://api.partner.com/report', { method: 'POST', body: JSON.stringify({ ssn: user.ssn }) });
}
`;
    const { before } = await typeInto('javascript', 'app.js', source, source.indexOf("console.log('signup'") - 3, "\n  console.log('pw', password);");
    assert.ok(before.length > 0, 'the sample must have findings, or this test proves nothing');
  });

  it('turns on a rule whose gate starts to match while typing, as a full analysis does (gates across lines, data-type gates)', async () => {
    const gated = (id: string, keywords: string, gateTypes?: string[]): RuleDefinition => ({ ...leakRule({ checks: 0 }), id, keywords, ...(gateTypes ? { gateTypes } : {}) });
    const rules = [
      // Both words somewhere in the file (DOC has `leak`, `zeta` is typed).
      gated('storage/test-both', '^(?=[\\s\\S]*(leak|nothing))[\\s\\S]*(zeta|never)'),
      // An alternative that spans lines (`omega =` on one line, `1` on the next).
      gated('storage/test-span', 'absent|omega\\s*=\\s*1'),
      // The keyword is in the file already; the data name is typed on a line without it.
      gated('storage/test-types', 'leak', ['password']),
    ];
    const { before, after } = await typeInto('javascript', 'doc.js', DOC, DOC.indexOf('  return 1;'), '  zeta();\n  const password = 1;\n  const omega =\n    1;\n', rules);
    assert.deepEqual(before, []);
    assert.deepEqual([...new Set(after.map((f) => f.ruleId))].sort(), ['storage/test-both', 'storage/test-span', 'storage/test-types']);
  });

  it('tells a Python text nested too deep while typing, as it does for the text alone', async () => {
    const py = languageById('python')!;
    const engine = make(BUILTIN_RULES, true);
    const fresh = () => make([], false);
    // Nested exactly at the limit: every line one level deeper (`if x:` opens a block).
    const lines = Array.from({ length: PYTHON_MAX_INDENT_LEVELS }, (_, i) => `${' '.repeat(i)}if x:`);
    let text = `${lines.join('\n')}\n${' '.repeat(PYTHON_MAX_INDENT_LEVELS)}pass\n`;
    const typing: [number, string][] = [
      [text.indexOf('pass') + 2, 'ss'], // inside a line: the indentation is as it was
      [text.indexOf('pass'), ' '], // in the indentation of the deepest line: still one level
      [text.indexOf('pass') + 4, '\n'.concat(' '.repeat(PYTHON_MAX_INDENT_LEVELS + 1), 'if y:\n', ' '.repeat(PYTHON_MAX_INDENT_LEVELS + 3), 'z')], // one level deeper
      [text.indexOf('pass') + 4, '#'], // after the first character of a line again
    ];
    for (const [start, typed] of typing) {
      let at = start;
      for (const ch of typed) {
        text = text.slice(0, at) + ch + text.slice(at);
        at++;
        assert.equal(engine.unsupportedReason(py, text), fresh().unsupportedReason(py, text), `after typing ${JSON.stringify(ch)}`);
      }
    }
    assert.ok(engine.unsupportedReason(py, text), 'the last text is nested too deep');
  });

  it('parses a text read in chunks as a whole, a character of two UTF-16 units across a chunk boundary included', async () => {
    const engine = make([], true);
    for (let pad = 500; pad < 520; pad++) {
      const text = `const a = '${'x'.repeat(pad)}\u{1F600}é';\nconst b = 'y';\n`;
      const tree = (await engine.parse(language, text))!;
      const strings = tree.rootNode.descendantsOfType('string').map((n) => n!.text);
      tree.delete();
      assert.deepEqual(strings, [`'${'x'.repeat(pad)}\u{1F600}é'`, "'y'"], `with the emoji at ${pad + 11}`);
    }
  });

  /**
   * Types `typed` one character at a time at `at` in a source, as an editor would, and checks the incremental
   * engine against a full analysis after every keystroke. Returns the findings before and after, and how many
   * keystrokes made an upload rule list the calls of the whole tree (instead of those of the edited unit).
   */
  /** Types `typed` at `at` one character at a time; after each, the findings must be a full analysis's. `counter`: checks per keystroke. */
  async function typeInto(languageId: string, path: string, source: string, at: number, typed: string, rules: readonly RuleDefinition[] = BUILTIN_RULES, counter?: { checks: number }) {
    const lang = languageById(languageId)!;
    const engine = make(rules, true);
    const plain = make(rules, false);
    const callTypes = new Set(['call', 'call_expression']);
    let walks = 0;
    const original = Node.prototype.descendantsOfType;
    Node.prototype.descendantsOfType = function (this: Node, types: string | string[], ...rest: unknown[]) {
      const list = typeof types === 'string' ? [types] : types;
      if (rest.length === 0 && !this.parent && list.some((t) => callTypes.has(t))) walks++;
      return original.call(this, types, ...(rest as []));
    };
    try {
      let text = source;
      let tree = (await engine.parse(lang, text))!;
      const before = await engine.analyzeTree({ path, text }, lang, tree);
      let findings = before;
      const wholeTreeWalks: number[] = [];
      const checks: number[] = [];
      for (const ch of typed) {
        const next = text.slice(0, at) + ch + text.slice(at);
        tree.edit({ startIndex: at, oldEndIndex: at, newEndIndex: at + 1, startPosition: pointAt(text, at), oldEndPosition: pointAt(text, at), newEndPosition: pointAt(next, at + 1) });
        text = next;
        const t = (await engine.parse(lang, text, tree))!;
        tree.delete();
        tree = t;
        walks = 0;
        if (counter) counter.checks = 0;
        findings = await engine.analyzeTree({ path, text }, lang, tree);
        wholeTreeWalks.push(walks);
        if (counter) checks.push(counter.checks);
        const full = (await plain.analyze({ path, text })).findings;
        assert.deepEqual(asData(findings), asData(full), `after typing up to "${text.slice(at - 12, at + 1)}"`);
        at++;
      }
      tree.delete();
      return { before, after: findings, walked: wholeTreeWalks.filter((n) => n > 0).length, checks };
    } finally {
      Node.prototype.descendantsOfType = original;
    }
  }

  const count = (findings: Finding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId).length;

  it('checks only the function before whitespace typed after its last token, where no node holds it (end of line, blank line)', async () => {
    const counter = { checks: 0 };
    const rules = [leakCallRule({ check(match, ctx) {
      counter.checks++;
      const call = match.get('call');
      if (call) ctx.report({ node: call, message: 'leak' });
    } })];
    const py = `def one(a):
    leak(a)
    return 1


class Store:
    def save(self, b):
        leak(b)
        leak(b)
        return b

    def load(self, c):
        leak(c)
        return c


def three(d):
    leak(d)
`;
    // The end of save()'s last line: two spaces, then Enter and the indentation an editor adds.
    const atEnd = py.indexOf('return b') + 'return b'.length;
    const typed = await typeInto('python', 'store.py', py, atEnd, '  \n        ', rules, counter);
    assert.equal(typed.before.length, 5);
    assert.deepEqual(typed.checks, Array(typed.checks.length).fill(2), 'only the two leak() calls of save() are checked again');
    // A blank line after one(), before the class: one() is checked again.
    const blank = py.indexOf('return 1') + 'return 1'.length + 1;
    assert.deepEqual((await typeInto('python', 'store.py', py, blank, '  ', rules, counter)).checks, [1, 1]);
    const js = "const base = leak('x');\nfunction one(a) {\n  leak(a);\n}\nleak(base);\n";
    const afterFunction = await typeInto('javascript', 'doc.js', js, js.indexOf('}') + 1, '  ', rules, counter);
    assert.deepEqual(afterFunction.checks, [1, 1]);
    const afterStatement = await typeInto('javascript', 'doc.js', js, js.indexOf(';') + 1, ' ', rules, counter);
    assert.deepEqual(afterStatement.checks, [3], 'after a statement that is no function: a full analysis');
  });


  it('keeps the upload rules\' calls of the rest of a Python file while a write is typed, as a full analysis finds them', async () => {
    const file = 'test/fixtures/python/upload/client-filename-in-path.py';
    const source = readFileSync(join(REPO_ROOT, file), 'utf8');
    // In upload_generated(), before its return: a save under the client's file name.
    const at = source.indexOf('    return "ok"', source.indexOf('def upload_generated'));
    const typed = '    f.save(os.path.join(UPLOAD_FOLDER, f.filename))\n';
    const { before, after, walked } = await typeInto('python', file, source, at, typed);
    assert.ok(count(before, 'upload/client-filename-in-path') > 0, 'the fixture must have findings of the rule elsewhere');
    assert.equal(count(after, 'upload/client-filename-in-path'), count(before, 'upload/client-filename-in-path') + 1, 'the typed write is found');
    assert.ok(walked < typed.length / 4, `the calls of the whole tree were listed again on ${walked} of ${typed.length} keystrokes`);
  });

  it('keeps the upload rules\' calls of the rest of a JavaScript file while a write is typed, as a full analysis finds them', async () => {
    const file = 'test/fixtures/javascript/upload/client-filename-in-path.js';
    const source = readFileSync(join(REPO_ROOT, file), 'utf8');
    // In the '/memory-sanitized' handler, after its write: a second write under the client's name.
    const at = source.indexOf('\n', source.indexOf('req.file.buffer);', source.indexOf("'/memory-sanitized'"))) + 1;
    const typed = '  await fs.promises.writeFile(path.join(UPLOAD_DIR, req.file.originalname), req.file.buffer);\n';
    const { before, after, walked } = await typeInto('javascript', file, source, at, typed);
    assert.ok(count(before, 'upload/client-filename-in-path') > 0, 'the fixture must have findings of the rule elsewhere');
    assert.ok(count(after, 'upload/client-filename-in-path') > count(before, 'upload/client-filename-in-path'), 'the typed write is found');
    // While `path.join(UPLOAD_DIR, ` is open the grammar no longer sees the handler as a function: those keystrokes
    // (about a quarter) get a full analysis.
    assert.ok(walked < typed.length / 3, `the calls of the whole tree were listed again on ${walked} of ${typed.length} keystrokes`);
  });

  it('re-analyses only the statements that changed when an open parenthesis wraps the whole Python module in an ERROR node', async () => {
    const file = 'test/fixtures/python/storage/unencrypted-sensitive-field.py';
    const source = readFileSync(join(REPO_ROOT, file), 'utf8');
    // In export(), after `writer = csv.writer(fh)`: while `f(` is open the parser makes the module one ERROR node.
    const at = source.indexOf('\n', source.indexOf('writer = csv.writer(fh)'));
    const typed = '; q = f("ab", 1)';
    const lang = languageById('python')!;
    const open = source.slice(0, at) + '; q = f(' + source.slice(at);
    const engine = make(BUILTIN_RULES, true);
    const tree = (await engine.parse(lang, open))!;
    const wrapped = tree.rootNode.childCount === 1 && tree.rootNode.child(0)?.type === 'ERROR';
    tree.delete();
    assert.ok(wrapped, 'the fixture no longer makes the parser wrap the module: pick another place');
    // Scoped analyses run the rule query from the unit's start (Query.matches with a startPosition): the rows they start at.
    const starts: number[] = [];
    const matches = Query.prototype.matches;
    Query.prototype.matches = function (this: Query, node: Node, options?: QueryOptions) {
      if (options?.startPosition) starts.push(options.startPosition.row);
      return matches.call(this, node, options);
    };
    try {
      const { before, after } = await typeInto('python', file, source, at, typed);
      assert.ok(count(before, 'storage/unencrypted-sensitive-field') >= 5, 'the fixture must have findings before and after the edit');
      assert.equal(count(after, 'storage/unencrypted-sensitive-field'), count(before, 'storage/unencrypted-sensitive-field'), 'the typed call stores nothing');
    } finally {
      Query.prototype.matches = matches;
    }
    // Every keystroke is analysed from export() on (the statements before it are carried over), as typing a statement does.
    const exportRow = source.slice(0, source.indexOf('def export')).split('\n').length - 1;
    assert.equal(starts.length, typed.length, `${starts.length} of ${typed.length} keystrokes were analysed with a scope`);
    assert.ok(starts.every((row) => row >= exportRow), `scoped analyses started at rows ${starts.join(', ')}; export() is at ${exportRow}`);
  });

  it('narrows the parser\'s changed ranges to the statements that changed when error recovery wraps the module', async () => {
    const file = 'test/fixtures/python/storage/unencrypted-sensitive-field.py';
    const source = readFileSync(join(REPO_ROOT, file), 'utf8');
    const at = source.indexOf('\n', source.indexOf('writer = csv.writer(fh)'));
    const lang = languageById('python')!;
    const engine = make(BUILTIN_RULES, false);
    const old = (await engine.parse(lang, source.slice(0, at) + '; q = f' + source.slice(at)))!;
    const text = source.slice(0, at) + '; q = f(' + source.slice(at);
    old.edit({ startIndex: at + 7, oldEndIndex: at + 7, newEndIndex: at + 8, startPosition: pointAt(text, at + 7), oldEndPosition: pointAt(text, at + 7), newEndPosition: pointAt(text, at + 8) });
    const fresh = (await engine.parse(lang, text, old))!;
    const raw = old.getChangedRanges(fresh).map((r) => [r.startIndex, r.endIndex] as const);
    const narrowed = narrowChanges(pythonSyntax, old.rootNode, fresh.rootNode, raw);
    const exportAt = text.indexOf('def export');
    old.delete();
    fresh.delete();
    assert.ok(raw.some(([a]) => a < exportAt), 'the parser reports changes before export(): the case this narrows');
    assert.ok(narrowed.length > 0, 'the edited function is still changed');
    assert.ok(narrowed.every(([a, b]) => a >= exportAt && b <= text.length), `ranges before export(): ${JSON.stringify(narrowed)}`);
    assert.ok(narrowed.some(([a, b]) => a <= at + 7 && b >= at + 8), 'the edit lies in a changed range');
  });

  it('re-analyses the header and the changed members of a class that error recovery splits, not the methods it moves out as they were', async () => {
    const py = `import logging
import os

from flask import request

logger = logging.getLogger(__name__)


class Accounts:
    """Account helpers."""

    limit = 10

    def first(self, user):
        total = 0
        for item in user.items:
            total += item.price
        return total

    def second(self, user, password):
        logger.info("login for %s with %s", user, password)
        return True

    def third(self, token):
        db_password = "Winter-2024-Secret"
        return db_password + token

    def fourth(self, rows):
${Array.from({ length: 400 }, (_, i) => `        rows.append(${i})`).join('\n')}
        return rows

    def fifth(self):
        f = request.files["doc"]
        f.save(os.path.join("/srv/uploads", f.filename))


def helper(password):
    print("password is", password)
    return password
`;
    const at = py.indexOf('\n', py.indexOf('total = 0'));
    const typed = '; q = f("ab", 1)';
    // While `q = f(` is open the parser ends the class in first() and puts the methods after it at the top of the file
    // (fourth() makes the class large enough for parts to pay, see SPLIT_ABOVE).
    const lang = languageById('python')!;
    const probe = make(BUILTIN_RULES, false);
    const tree = (await probe.parse(lang, py.slice(0, at) + '; q = f(' + py.slice(at)))!;
    const split = tree.rootNode.child(0)?.type === 'ERROR' && tree.rootNode.child(0)!.children.some((c) => c?.type === 'function_definition' && c.text.startsWith('def third'));
    tree.delete();
    assert.ok(split, 'the parser no longer moves the methods out of the class here: pick another place');
    const rowOf = (s: string) => py.slice(0, py.indexOf(s)).split('\n').length - 1;
    const fourthRow = rowOf('rows.append(200)');
    // The rows each scoped query covers (Query.matches with a start and an end position).
    const ranges: [number, number][] = [];
    const matches = Query.prototype.matches;
    Query.prototype.matches = function (this: Query, node: Node, options?: QueryOptions) {
      if (options?.startPosition && options.endPosition) ranges.push([options.startPosition.row, options.endPosition.row]);
      return matches.call(this, node, options);
    };
    try {
      const { before, after, walked } = await typeInto('python', 'accounts.py', py, at, typed);
      assert.equal(count(before, 'storage/hardcoded-secret'), 1, 'third() holds a finding');
      assert.equal(count(before, 'upload/client-filename-in-path'), 1, 'fifth() holds a finding');
      // The upload rules keep the calls of the parts left out, as when one unit is analysed again.
      assert.equal(walked, 0, `the calls of the whole tree were listed again on ${walked} keystrokes`);
      assert.equal(count(before, 'storage/sensitive-data-in-log'), 2, 'second() and helper() hold findings');
      assert.deepEqual(after.map((f) => f.ruleId), before.map((f) => f.ruleId));
    } finally {
      Query.prototype.matches = matches;
    }
    // Every keystroke is analysed with a scope, and no scope reaches fourth(), which the parser moved as it was (third()
    // is analysed again: the fix of its finding adds an import at the top of the file, which the parser read anew).
    assert.ok(ranges.length >= typed.length, `${ranges.length} scoped queries for ${typed.length} keystrokes`);
    assert.deepEqual(ranges.filter(([a, b]) => a <= fourthRow && b >= fourthRow), [], 'scoped queries over fourth()');
  });

  it('analyses what the parser changed past the edited function (an open parenthesis or quote in a method), as a full analysis does', async () => {
    const py = `import os
from flask import request

UPLOAD = "/srv/uploads"


class Files:
    def first(self):
        f = request.files["a"]
        return f

    def second(self):
        g = request.files["b"]
        g.save(os.path.join(UPLOAD, g.filename))

    def third(self):
        token = "x"
        return token
`;
    const at = py.indexOf('        return f');
    const { after } = await typeInto('python', 'files.py', py, at, '        f.save(os.path.join(UPLOAD, "a", f.filename))\n');
    assert.equal(count(after, 'upload/client-filename-in-path'), 2);
  });
});
