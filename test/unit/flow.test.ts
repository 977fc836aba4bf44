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
  // A call's callee is not a binding (findDefinition skips scopes that name it nowhere else): helpers defined after
  // their use and locals that shadow a global are still found.
  { name: 'hashing helper defined after its use', code: "async function f(req) { sink(await protect(req.body.password)); }\nfunction protect(p) { return bcrypt.hash(p, 12); }", types: [], sanitized: ['password-hash'] },
  { name: 'local shadowing a global function', code: 'function f(req) { const encodeURIComponent = (x) => maskCard(x); sink(encodeURIComponent(req.body.cardNumber)); }', types: [], sanitized: ['mask'] },
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

const JAVA: Case[] = [
  { name: 'getter reads a property', code: 'class A { void f(User user) { sink(user.getSsn()); } }', types: ['ssn'] },
  { name: 'request parameter by name', code: 'class A { void f(HttpServletRequest request) { String v = request.getParameter("password"); sink(v); } }', types: ['password'] },
  { name: 'string concatenation and StringBuilder', code: 'class A { void f(String cardNumber) { String s = new StringBuilder("card ").append(cardNumber).toString(); sink(s); } }', types: ['card_number'] },
  { name: 'String.format passthrough', code: 'class A { void f(String iban) { sink(String.format("iban=%s", iban)); } }', types: ['iban'] },
  { name: 'field read through this', code: 'class A { private String password; void f() { sink("pw " + this.password); } }', types: ['password'] },
  { name: 'enhanced for loop variable', code: 'class A { void f(java.util.List<String> ssnList) { for (String ssn : ssnList) { sink(ssn); } } }', types: ['ssn'] },
  { name: 'ternary', code: 'class A { void f(boolean b, String email, String phone) { sink(b ? email : phone); } }', types: ['email', 'phone'] },
  { name: 'getBytes keeps the data', code: 'class A { void f(String password) { sink(password.getBytes()); } }', types: ['password'] },
  { name: 'PasswordEncoder sanitizes', code: 'class A { void f(String password) { String h = passwordEncoder.encode(password); sink(h); } }', types: [], sanitized: ['password-hash'] },
  { name: 'MessageDigest is a fast hash', code: 'class A { void f(String password) { sink(md.digest(password.getBytes())); } }', types: [], sanitized: ['hash'] },
  { name: 'cipher encrypts', code: 'class A { void f(String ssn) { sink(cipher.doFinal(ssn.getBytes())); } }', types: [], sanitized: ['encrypt'] },
  { name: 'substring masks', code: 'class A { void f(String cardNumber) { sink(cardNumber.substring(12)); } }', types: [], sanitized: ['mask'] },
  { name: 'local helper return', code: 'class A { String build(String ssn) { return "ssn=" + ssn; } void f(String ssn) { sink(build(ssn)); } }', types: ['ssn'] },
  { name: 'unrelated values stay clean', code: 'class A { void f(Order order) { sink(order.getTotal() + " " + order.getId()); } }', types: [] },
];

const CSHARP: Case[] = [
  { name: 'property of an object', code: 'class A { void F(User user) { sink(user.Ssn); } }', types: ['ssn'] },
  { name: 'form field by key', code: 'class A { void F(HttpRequest request) { var v = request.Form["password"]; sink(v); } }', types: ['password'] },
  { name: 'interpolated string', code: 'class A { void F(string cardNumber) { sink($"card {cardNumber}"); } }', types: ['card_number'] },
  { name: 'string concatenation', code: 'class A { void F(string iban) { var s = "iban=" + iban; sink(s); } }', types: ['iban'] },
  { name: 'object initializer names its values', code: 'class A { void F(string x) { sink(new User { Email = x, TaxId = x }); } }', types: ['email', 'tax_id'] },
  { name: 'anonymous object', code: 'class A { void F(string p) { sink(new { Password = p }); } }', types: ['password'] },
  { name: 'Encoding.GetBytes keeps the data', code: 'class A { void F(string password) { sink(Encoding.UTF8.GetBytes(password)); } }', types: ['password'] },
  { name: 'PasswordHasher sanitizes', code: 'class A { void F(User u, string password) { var h = _hasher.HashPassword(u, password); sink(h); } }', types: [], sanitized: ['password-hash'] },
  { name: 'SHA256.HashData is a fast hash', code: 'class A { void F(string password) { sink(SHA256.HashData(Encoding.UTF8.GetBytes(password))); } }', types: [], sanitized: ['hash'] },
  { name: 'Data Protection encrypts', code: 'class A { void F(string ssn) { sink(_protector.Protect(ssn)); } }', types: [], sanitized: ['encrypt'] },
  { name: 'a PascalCase method is not a constructor', code: 'class A { void F(string password) { sink(Validator.Check(password)); } }', types: [] },
  { name: 'unrelated values stay clean', code: 'class A { void F(Order order) { sink(order.Total + " " + order.Id); } }', types: [] },
];

function sinkArgument(root: Node): Node {
  const calls = root.descendantsOfType(['call_expression', 'call', 'method_invocation', 'invocation_expression']).filter((n): n is Node => !!n && (n.childForFieldName('function')?.text === 'sink' || (n.type === 'method_invocation' && !n.childForFieldName('object') && n.childForFieldName('name')?.text === 'sink')));
  assert.equal(calls.length, 1, 'the snippet must call sink() once');
  const args = calls[0].childForFieldName('arguments');
  const first = args?.namedChildren.find((c) => c && c.type !== 'comment');
  // C# wraps each argument in an `argument` node.
  const value = first?.type === 'argument' ? first.namedChildren[first.namedChildren.length - 1] : first;
  assert.ok(value, 'sink() has no argument');
  return value;
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
  describe('Java', () => run(() => engine, 'A.java', JAVA));
  describe('C#', () => run(() => engine, 'A.cs', CSHARP));

  for (const [file, code] of [
    ['A.java', 'class A {\n  private static final String BASE = "http://api.partner.com";\n  void f(String id) { sink(BASE + "/v1/" + id); }\n}\n'],
    ['A.cs', 'class A {\n  private const string Base = "http://api.partner.com";\n  void F(string id) { sink($"{Base}/v1/{id}"); }\n}\n'],
  ] as const) {
    it(`follows URL prefixes through constants in ${file.endsWith('.cs') ? 'C#' : 'Java'}`, async () => {
      const lang = languageForPath(file)!;
      const tree = await engine.parse(lang, code);
      assert.ok(tree);
      try {
        assert.equal(tree.rootNode.hasError, false);
        const flow = new DataFlow(tree.rootNode, SYNTAXES[lang.syntax], engine.classifier, SANITIZERS);
        assert.equal(flow.staticPrefix(sinkArgument(tree.rootNode)), 'http://api.partner.com');
      } finally {
        tree.delete();
      }
    });
  }

  it('compiles each sanitizer list once per syntax family, keeping each family\'s and each list\'s own entries', async () => {
    const pyOnly = [{ kind: 'password-hash' as const, path: '^mysan\\.clean$', syntax: ['python' as const], label: 'mysan' }];
    const other = [{ kind: 'encrypt' as const, path: '^mysan\\.clean$', label: 'other' }];
    const sanitizerOf = async (file: string, code: string, list: typeof SANITIZERS) => {
      const lang = languageForPath(file)!;
      const tree = await engine.parse(lang, code);
      assert.ok(tree);
      try {
        const call = tree.rootNode.descendantsOfType(['call', 'call_expression'])[0]!;
        return new DataFlow(tree.rootNode, SYNTAXES[lang.syntax], engine.classifier, list).sanitizerOf(call)?.label;
      } finally {
        tree.delete();
      }
    };
    // The same list, first for a family it does not apply to, then for one it does, then again for the first.
    assert.equal(await sanitizerOf('a.js', 'mysan.clean(x);\n', pyOnly), undefined);
    assert.equal(await sanitizerOf('a.py', 'mysan.clean(x)\n', pyOnly), 'mysan');
    assert.equal(await sanitizerOf('a.js', 'mysan.clean(x);\n', pyOnly), undefined);
    // Another list with the same path is its own.
    assert.equal(await sanitizerOf('a.py', 'mysan.clean(x)\n', other), 'other');
    assert.equal(await sanitizerOf('a.js', 'mysan.clean(x);\n', other), 'other');
  });

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
