/**
 * The local data flow on its own: what sensitive data reaches the argument of `sink(...)` in each snippet,
 * and whether a sanitizer protected it on the way.
 */
import assert from 'node:assert/strict';
import type { Node } from 'web-tree-sitter';
import { SYNTAXES, type Engine } from '../../src/core/engine';
import { DataFlow } from '../../src/core/flow';
import { languageForPath } from '../../src/languages/registry';
import { SANITIZERS } from '../../src/rules/sanitizers';
import { makeEngine } from './helpers/engine';

interface Case {
  name: string;
  code: string;
  /** Unsanitized data types reaching the sink argument. */
  types: string[];
  /** Sanitizer kinds seen on sanitized items, when any. */
  sanitized?: string[];
}

const JS: Case[] = [
  { name: 'request field', code: 'function f(req) { sink(req.body.password); }', types: ['password'] },
  { name: 'destructuring', code: 'function f(req) { const { ssn } = req.body; sink(ssn); }', types: ['ssn'] },
  { name: 'destructuring with rename', code: 'function f(req) { const { cardNumber: n } = req.body; sink(n); }', types: ['card_number'] },
  { name: 'assignment chain', code: 'function f(req) { const a = req.body.ssn; const b = a; let c; c = b; sink(c); }', types: ['ssn'] },
  { name: 'template literal', code: 'function f(user) { sink(`id ${user.id} ssn ${user.ssn}`); }', types: ['ssn'] },
  { name: 'string concatenation', code: "function f(password) { const line = 'pw=' + password; sink(line); }", types: ['password'] },
  { name: 'object literal keys', code: 'function f(x) { sink({ email: x, creditCardNumber: y }); }', types: ['card_number', 'email'] },
  { name: 'shorthand property', code: 'function f(req) { const { iban } = req.body; sink({ iban }); }', types: ['iban'] },
  { name: 'spread', code: 'function f(req) { const data = { ssn: req.body.x }; sink({ ...data, a: 1 }); }', types: ['ssn'] },
  { name: 'property of a local object literal', code: 'function f(req) { const rec = { dob: req.body.d }; sink(rec.dob); }', types: ['date_of_birth'] },
  { name: 'JSON.stringify passthrough', code: 'function f(user) { sink(JSON.stringify({ passportNumber: user.p })); }', types: ['passport_number'] },
  { name: 'local helper return', code: 'function build(u) { return { ssn: u.ssn }; }\nfunction f(u) { sink(build(u)); }', types: ['ssn'] },
  { name: 'await and ternary', code: 'async function f(a) { sink(a ? await getX() : a.password); }', types: ['password'] },
  { name: 'bcrypt sanitizes', code: "import bcrypt from 'bcrypt';\nasync function f(req) { const h = await bcrypt.hash(req.body.password, 12); sink(h); }", types: [], sanitized: ['password-hash'] },
  { name: 'imported hash function', code: "const { hash } = require('bcryptjs');\nasync function f(req) { sink(await hash(req.body.password, 10)); }", types: [], sanitized: ['password-hash'] },
  { name: 'reassigned with a hash', code: "async function f(password) { password = await argon2.hash(password); sink(password); }", types: [], sanitized: ['password-hash'] },
  { name: 'md5 is a fast hash', code: "function f(pw) { sink(crypto.createHash('md5').update(pw).digest('hex')); }", types: [], sanitized: ['hash'] },
  { name: 'masking helper', code: 'function f(req) { sink(maskCard(req.body.cardNumber)); }', types: [], sanitized: ['mask'] },
  { name: 'local sanitizer helper', code: 'function protect(p) { return bcrypt.hashSync(p, 12); }\nfunction f(req) { sink(protect(req.body.password)); }', types: [], sanitized: ['password-hash'] },
  { name: 'key name says password but value hashed', code: 'async function f(req) { sink({ password: await bcrypt.hash(req.body.password, 12) }); }', types: [], sanitized: ['password-hash'] },
  { name: 'names about data are not data', code: 'function f(passwordPolicy, maxPasswordLength) { sink(passwordPolicy + maxPasswordLength); }', types: [] },
  { name: 'unknown call does not carry data', code: 'function f(req) { sink(lookupUserId(req.body.ssn)); }', types: [] },
  { name: 'a later definition does not reach back', code: 'function f(req) { let x = 1; sink(x); x = req.body.ssn; }', types: [] },
  { name: 'TypeScript casts and non-null', code: 'function f(req: any) { const p = (req.body.password as string)!; sink(p); }', types: ['password'] },
];

const PY: Case[] = [
  { name: 'form field', code: 'def f():\n    sink(request.form["ssn"])\n', types: ['ssn'] },
  { name: 'get with key', code: 'def f():\n    pw = request.form.get("password")\n    sink(pw)\n', types: ['password'] },
  { name: 'f-string', code: 'def f(user):\n    sink(f"user {user.card_number}")\n', types: ['card_number'] },
  { name: 'percent formatting', code: 'def f(ssn):\n    sink("ssn=%s" % ssn)\n', types: ['ssn'] },
  { name: '.format', code: 'def f(u):\n    sink("{} {}".format(u.email, u.id))\n', types: ['email'] },
  { name: 'tuple unpacking', code: 'def f():\n    a, b = request.form["iban"], 1\n    sink(a)\n', types: ['iban'] },
  { name: 'dict literal', code: 'def f(x):\n    sink({"date_of_birth": x})\n', types: ['date_of_birth'] },
  { name: 'keyword arguments of a model', code: 'def f(x):\n    sink(User(ssn=x, name="a"))\n', types: ['ssn'] },
  { name: 'generate_password_hash sanitizes', code: 'from werkzeug.security import generate_password_hash\ndef f():\n    sink(generate_password_hash(request.form["password"]))\n', types: [], sanitized: ['password-hash'] },
  { name: 'hashlib md5 is a fast hash', code: 'import hashlib\ndef f(password):\n    sink(hashlib.md5(password.encode()).hexdigest())\n', types: [], sanitized: ['hash'] },
  { name: 'aliased import', code: 'from passlib.hash import bcrypt as bc\ndef f(password):\n    h = bc.hash(password)\n    sink(h)\n', types: [], sanitized: ['password-hash'] },
  { name: 'local helper return', code: 'def row(u):\n    return {"ssn": u.ssn}\n\ndef f(u):\n    sink(row(u))\n', types: ['ssn'] },
  { name: 'names about data are not data', code: 'def f(password_reset_url, email_verified):\n    sink(password_reset_url, email_verified)\n', types: [] },
];

function sinkArgument(root: Node): Node {
  const calls = root.descendantsOfType(['call_expression', 'call']).filter((n): n is Node => !!n && (n.childForFieldName('function')?.text === 'sink'));
  assert.equal(calls.length, 1, 'the snippet must call sink() once');
  const args = calls[0].childForFieldName('arguments');
  const first = args?.namedChildren.find((c) => c && c.type !== 'comment');
  assert.ok(first, 'sink() has no argument');
  return first;
}

function run(engine: () => Engine, file: string, cases: Case[]): void {
  for (const c of cases) {
    it(c.name, async () => {
      const lang = languageForPath(file)!;
      const tree = await engine().parse(lang, c.code);
      assert.ok(tree);
      try {
        assert.equal(tree.rootNode.hasError, false, `snippet does not parse: ${tree.rootNode.toString()}`);
        const flow = new DataFlow(tree.rootNode, SYNTAXES[lang.syntax], engine().classifier, SANITIZERS);
        const arg = sinkArgument(tree.rootNode);
        const items = flow.taint(arg);
        const open = [...new Set(flow.sensitive(arg).map((i) => i.classification.type))].sort();
        assert.deepEqual(open, [...c.types].sort(), `unsanitized types; all items: ${items.map((i) => `${i.classification.type}${i.sanitizedBy ? `(${i.sanitizedBy.kind})` : ''}`).join(', ')}`);
        if (c.sanitized) {
          const kinds = [...new Set(items.filter((i) => i.sanitizedBy).map((i) => i.sanitizedBy!.kind))].sort();
          assert.deepEqual(kinds, [...c.sanitized].sort());
          assert.ok(items.length > 0, 'a sanitized value should still be known as sensitive');
        }
      } finally {
        tree.delete();
      }
    });
  }
}

describe('local data flow', () => {
  let engine: Engine;
  before(() => {
    engine = makeEngine();
  });
  after(() => engine.dispose());

  describe('JavaScript / TypeScript', () => run(() => engine, 'a.ts', JS));
  describe('Python', () => run(() => engine, 'a.py', PY));

  it('follows static strings and URL prefixes through constants and templates', async () => {
    const lang = languageForPath('a.js')!;
    const tree = await engine.parse(lang, "const BASE = 'http://api.partner.com';\nconst cfg = { url: BASE + '/v1' };\nsink(`${cfg.url}/x`);\n");
    assert.ok(tree);
    try {
      const flow = new DataFlow(tree.rootNode, SYNTAXES.js, engine.classifier, SANITIZERS);
      assert.equal(flow.staticPrefix(sinkArgument(tree.rootNode)), 'http://api.partner.com');
    } finally {
      tree.delete();
    }
  });
});
