/**
 * The shortcuts taken for speed must give the answers of the slow ways they replace: `Node.parent` kept on the node
 * (src/core/syntax.ts) against the parents a cursor walk sees, Python's imports found from the `import` keywords
 * of the text against a search of the whole tree for import statements, a JavaScript string's value read from its
 * text against the concatenation of its fragments, and the statement end a Python assignment is dated from (found
 * without walking every statement of a scope) against walking up from the assignment.
 */
import assert from 'node:assert/strict';
import type { Node } from 'web-tree-sitter';
import type { Engine } from '../../src/core/engine';
import { SYNTAXES } from '../../src/core/engine';
import { languageForPath } from '../../src/languages/registry';
import { makeEngine } from './helpers/engine';

/** Every node's parent id as a cursor walk from the root sees it. */
function parentsByWalk(root: Node): Map<number, number | null> {
  const out = new Map<number, number | null>([[root.id, null]]);
  const stack: Node[] = [root];
  for (let n = stack.pop(); n; n = stack.pop()) {
    for (const c of n.children) {
      if (!c) continue;
      out.set(c.id, n.id);
      stack.push(c);
    }
  }
  return out;
}

/** The imports as the previous implementation found them: every import statement of the tree, in order. */
function importsBySearch(root: Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (!n) continue;
    if (n.type === 'import_statement') {
      for (const c of n.namedChildren) {
        if (c?.type === 'dotted_name') out.set(c.text.split('.')[0], c.text.split('.')[0]);
        else if (c?.type === 'aliased_import') {
          const name = c.childForFieldName('name')?.text;
          const alias = c.childForFieldName('alias')?.text;
          if (name && alias) out.set(alias, name);
        }
      }
      continue;
    }
    const mod = n.childForFieldName('module_name')?.text;
    if (!mod) continue;
    for (const c of n.childrenForFieldName('name')) {
      if (c?.type === 'dotted_name') out.set(c.text, `${mod}.${c.text}`);
      else if (c?.type === 'aliased_import') {
        const name = c.childForFieldName('name')?.text;
        const alias = c.childForFieldName('alias')?.text;
        if (name && alias) out.set(alias, `${mod}.${name}`);
      }
    }
  }
  return out;
}

const PYTHON = [
  '\n\n# import nothing here: a comment\n"""Docstring: import os is not an import."""\nimport os\nimport os.path as osp, json',
  'from importlib import import_module\nfrom .models import (User as U,\n    Profile)\nfrom . import views\nfrom .import helpers',
  'def f():\n    import hashlib\n    s = "import sys"\n    return hashlib\n\nclass A:\n    from django.conf import settings as conf',
  'x = 1  # no import statement at all',
  'importer = 1\nreimport = 2\nfrom__ = 3\nimport_module = None',
  '\t\n  \nif True:\n    import a.b.c\nelse:\n    from x.y import z as w',
].join('\n');

/** Assignments in every kind of statement, chained, annotated, augmented, walrus, lambdas, classes, loops. */
const PY_BINDINGS = [
  'a = b = 1\nx: int = 2\nif a:\n    c = 3\n    while c:\n        c -= 1\nelse:\n    d = [e := 4, (lambda q=5: q)]',
  'for i, j in pairs:\n    k = i\n    k2 = j\nwith open(p) as fh, lock:\n    data = fh.read()\ntry:\n    t = 1\nexcept E as err:\n    t = 2\nfinally:\n    u = 3',
  'class A:\n    field = 1\n    def m(self, v=2, *args, **kw):\n        self.v = v\n        if (w := v):\n            self.w, rest = w, None\n        return lambda: (z := 1)',
  'async def g():\n    async with s as (a, b):\n        r = await a\n    async for q in b:\n        q2 = q\n    match r:\n        case 1:\n            m = 2',
].join('\n');

/** The end of the innermost statement around a node (its own end outside any), walking up with `parent`. */
function statementEndByParents(n: Node, body: Node): number {
  for (let p = n.parent; p && p.id !== body.id; p = p.parent) if (p.type.endsWith('_statement')) return p.endIndex;
  return n.endIndex;
}

describe('shortcuts taken for speed', () => {
  let engine: Engine;
  before(() => {
    engine = makeEngine();
  });
  after(() => engine.dispose());

  for (const [file, code] of [
    ['a.ts', "import bcrypt from 'bcrypt';\nconst x = { a: [1, (2 + f(g.h[3]))] };\nclass C { m(p = 'q') { return `t${p}`; } }\n"],
    ['a.py', PYTHON],
  ] as const) {
    it(`keeps each node's parent the tree's (${file})`, async () => {
      const lang = languageForPath(file)!;
      const tree = await engine.parse(lang, code);
      assert.ok(tree);
      try {
        const expected = parentsByWalk(tree.rootNode);
        assert.ok(expected.size > 30);
        const stack: Node[] = [tree.rootNode];
        let checked = 0;
        for (let n = stack.pop(); n; n = stack.pop()) {
          // Asked twice: the second answer is the kept one.
          for (let i = 0; i < 2; i++) assert.equal(n.parent?.id ?? null, expected.get(n.id), `parent of ${n.type} at ${n.startIndex}`);
          checked++;
          for (const c of n.children) if (c) stack.push(c);
        }
        assert.equal(checked, expected.size);
      } finally {
        tree.delete();
      }
    });
  }

  it("finds Python's imports from the import keywords as a search of the tree does", async () => {
    const lang = languageForPath('a.py')!;
    const tree = await engine.parse(lang, PYTHON);
    assert.ok(tree);
    try {
      // The snippet starts with blank lines: the module node does not start at 0.
      assert.ok(tree.rootNode.startIndex > 0);
      const found = SYNTAXES.python.imports(tree.rootNode);
      assert.deepEqual([...found], [...importsBySearch(tree.rootNode)]);
      assert.deepEqual(Object.fromEntries(found), {
        os: 'os', osp: 'os.path', json: 'json', import_module: 'importlib.import_module', U: '.models.User', Profile: '.models.Profile',
        views: '..views', helpers: '..helpers', hashlib: 'hashlib', conf: 'django.conf.settings', a: 'a', w: 'x.y.z',
      });
    } finally {
      tree.delete();
    }
  });

  it("reads a JavaScript string's value from its text as its fragments give it", async () => {
    const lang = languageForPath('a.tsx')!;
    const code = [
      "const a = 'plain', b = \"it's\", c = '', d = 'tab\\tand \\u0041', e = \"say \\\"hi\\\"\";",
      'const j = <A title="x &amp; y" alt="plain" data-q=\'single\' />;',
      "const t = `no subst`, u = `with ${a}`;",
    ].join('\n');
    const tree = await engine.parse(lang, code);
    assert.ok(tree);
    try {
      const values = new Map<string, string | undefined>();
      for (const s of tree.rootNode.descendantsOfType(['string', 'template_string'])) {
        if (!s) continue;
        const value = SYNTAXES.js.stringValue(s);
        values.set(s.text, value);
        if (s.type === 'string' && !s.text.includes('\\')) {
          const fragments = s.namedChildren.filter((c) => c?.type === 'string_fragment').map((c) => c?.text).join('');
          assert.equal(value, fragments, s.text);
        }
      }
      // A JSX character reference takes the slow way (checked against the fragments above), whatever it gives.
      values.delete('"x &amp; y"');
      assert.deepEqual(Object.fromEntries(values), {
        "'plain'": 'plain', '"it\'s"': "it's", "''": '', "'tab\\tand \\u0041'": 'tab\tand A', '"say \\"hi\\""': 'say "hi"',
        '"plain"': 'plain', "'single'": 'single', '`no subst`': 'no subst', '`with ${a}`': undefined,
      });
    } finally {
      tree.delete();
    }
  });

  it("reads a Python string's value from its text as its children give it", async () => {
    const code = [
      'a, b, c, d = "plain", \'it"s\', "", \'\'',
      'e, f, g = """triple "q" \'s\'""", \'\'\'\'\'\'\', r"raw \\d+"',
      'h, i, j, k = b"bytes", Rb\'x\', u"uni", "tab\\t"',
      'l, m, n, o = f"no braces", f"{x} and", f"a{{b}}c", F\'\'\'{y}\'\'\'',
      'p, q = "x{y}z", "{}".format(1)',
      'r = "unterminated',
      's = ("joined" "parts")',
    ].join('\n');
    const tree = await engine.parse(languageForPath('a.py')!, code);
    assert.ok(tree);
    try {
      let checked = 0;
      for (const s of tree.rootNode.descendantsOfType('string')) {
        if (!s) continue;
        // The previous way: the children's content, undefined with an interpolation (the prefix stops there).
        const parts = s.namedChildren.filter((c): c is Node => !!c && (c.type === 'string_content' || c.type === 'interpolation'));
        const at = parts.findIndex((c) => c.type === 'interpolation');
        const content = (at < 0 ? parts : parts.slice(0, at)).map((c) => c.text).join('');
        assert.equal(SYNTAXES.python.stringValue(s), at < 0 ? content : undefined, s.text);
        assert.equal(SYNTAXES.python.stringPrefix(s), content, s.text);
        checked++;
      }
      assert.ok(checked >= 15, `${checked} strings`);
    } finally {
      tree.delete();
    }
  });

  for (const [label, code] of [
    ['', PY_BINDINGS],
    [' with a syntax error', PY_BINDINGS + '\nbroken = (1,\ndef h():\n    y = 1'],
  ] as const) {
    it(`dates a Python assignment from the end of its statement, as walking up does${label}`, async () => {
      const tree = await engine.parse(languageForPath('a.py')!, code);
      assert.ok(tree);
      try {
        assert.equal(tree.rootNode.hasError, label !== '');
        const scopes = [tree.rootNode, ...tree.rootNode.descendantsOfType(['function_definition', 'lambda']).filter((f): f is Node => !!f)];
        let checked = 0;
        for (const scope of scopes) {
          const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
          for (const b of SYNTAXES.python.bindings(scope)) {
            let assignment: Node | null = b.node;
            const stop = (t: string) => t === 'assignment' || t === 'augmented_assignment' || t === 'named_expression' || t === 'lambda' || t.endsWith('_statement') || t.endsWith('_definition');
            while (assignment && !stop(assignment.type)) assignment = assignment.parent;
            // Walrus targets count from their own end, loop and `with` targets from their statement's start or end.
            if (b.param || !body || !assignment || !assignment.type.endsWith('assignment')) continue;
            // A chained assignment's targets take the statement's end too.
            assert.equal(b.from, statementEndByParents(assignment, body), `${b.name} at ${b.node.startIndex}`);
            checked++;
          }
        }
        assert.ok(checked >= 15, `checked ${checked}`);
      } finally {
        tree.delete();
      }
    });
  }
});
