/**
 * Fuzzing the engine (property-based, fast-check). Three kinds of input — random bytes decoded as the CLI
 * decodes files, random token soup built from each syntax family's keywords, sink APIs and sensitive names, and
 * mutations of every rule fixture under test/fixtures (deleted, duplicated and swapped lines, truncation,
 * inserted unicode: lone surrogates, BOMs, bidi controls, NULs, line separators) — are analysed as every
 * supported language. For each input:
 *   - no exception escapes `Engine.analyze`, and no rule throws (the engine would log and drop its findings);
 *   - the file finishes within a per-file time budget (the engine's own parse and rule budgets, plus slack);
 *   - the result is deterministic: the same input twice gives the same findings;
 *   - every finding's range lies inside the text;
 *   - a canary file analysed every CANARY_EVERY inputs still gives its original findings (tree-sitter's wasm
 *     memory was not corrupted by an earlier input).
 * The number of inputs tried is printed. SEALANT_FUZZ_RUNS sets it (default 3000; CI may raise it);
 * SEALANT_FUZZ_SEED replays a run.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { nodeHost } from '../../src/cli/node-host';
import { decode } from '../../src/cli/read';
import { Engine } from '../../src/core/engine';
import type { FileResult } from '../../src/core/types';
import { LANGUAGES, languageForPath, type LanguageInfo } from '../../src/languages/registry';
import { BUILTIN_RULES } from '../../src/rules';
import { REPO_ROOT } from './helpers/paths';

const RUNS = Math.max(50, Number(process.env.SEALANT_FUZZ_RUNS) || 3000);
const SEED = process.env.SEALANT_FUZZ_SEED ? Number(process.env.SEALANT_FUZZ_SEED) : Date.now() % 2 ** 31;
/** The engine gives up parsing after 5 s and running the rules after 20 s; anything slower is a hang. */
const FILE_BUDGET_MS = 30_000;
const CANARY_EVERY = 100;
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

const CANARIES: Record<string, string> = {
  js: "function signup(req) {\n  console.log('new user', req.body.ssn);\n  fetch('http://api.partner.com/users', { method: 'POST', body: req.body.password });\n}\n",
  python: 'import requests\n\ndef signup(request):\n    print("new user", request.form["ssn"])\n    requests.post("http://api.partner.com/users", data={"password": request.form["password"]})\n',
  csharp: 'class Signup {\n  void Register(HttpRequest request) {\n    Console.WriteLine("new user " + request.Form["ssn"]);\n    new WebClient().UploadString("http://api.partner.com/users", request.Form["password"]);\n  }\n}\n',
  ruby: 'def signup\n  puts "new user #{params[:ssn]}"\n  HTTParty.post("http://api.partner.com/users", body: { password: params[:password] })\nend\n',
  go: 'package main\n\nfunc Signup(r *http.Request) {\n\tlog.Println("new user", r.FormValue("ssn"))\n\thttp.Post("http://api.partner.com/users", "text/plain", strings.NewReader(r.FormValue("password")))\n}\n',
  php: '<?php\nfunction signup() {\n  error_log("new user " . $_POST["ssn"]);\n  file_get_contents("http://api.partner.com/users?pw=" . $_POST["password"]);\n}\n',
  java: 'class Signup {\n  void signup(HttpServletRequest request) throws Exception {\n    System.out.println("new user " + request.getParameter("ssn"));\n    new java.net.URL("http://api.partner.com/users?pw=" + request.getParameter("password")).openConnection();\n  }\n}\n',
  properties: 'spring.servlet.multipart.max-file-size=-1\nspring.datasource.password=Qv7#pLm2xR9t\napp.partner.base-url=http://api.partner.com/users\n',
  yaml: 'spring:\n  servlet:\n    multipart:\n      max-file-size: -1\n  datasource:\n    password: "Qv7#pLm2xR9t"\napp.partner.base-url: http://api.partner.com/users\n',
};

// ---------------------------------------------------------------------------------------------------------------
// Inputs

const JS_TOKENS = [
  'function', 'const', 'let', 'var', 'return', 'if', 'else', 'for', 'while', 'async', 'await', 'new', 'class',
  'import', 'export', 'from', 'require', 'try', 'catch', 'throw', '=>', 'yield', 'typeof', 'this', 'static',
  '(', ')', '{', '}', '[', ']', ';', ',', '.', '?.', '...', '=', '===', '+', '-', '*', '/', '%', '!', '&&', '||',
  '??', '?', ':', '<', '>', '</', '/>', '`', '${', "'", '"', '#', '@', '\n', '\t', ' ', ' ', ' ', '\r\n',
  'password', 'pwd', 'ssn', 'cardNumber', 'cvv', 'iban', 'req', 'res', 'body', 'query', 'console', 'log', 'logger',
  'info', 'fetch', 'axios', 'post', 'http', 'https', 'request', 'multer', 'upload', 'limits', 'fileSize', 'dest',
  'bcrypt', 'hash', 'md5', 'createHash', 'crypto', 'localStorage', 'setItem', 'cookie', 'secure', 'res.cookie',
  'db', 'insert', 'save', 'user', 'email', 'token', 'apiKey', 'rejectUnauthorized', 'WebSocket', 'x', 'y',
  "'http://api.partner.com/v1'", "'https://ok.example.com'", '`http://${host}/x`', "'ws://chat.example.com'",
  "'4111 1111 1111 1111'", "'536-22-8741'", "'sk_live_4eC39HqLyjWDarjtT1zdp7dc'", "'public/uploads'", '0', '1e9',
  '/a+b/g', '// sealant-ignore storage/sensitive-data-in-log: ok\n', '// sealant-ignore\n', '/* x */', '<div>',
  '</div>', ': string', 'as any', '<T>', 'interface', 'type', 'enum', '@Injectable()', '#private', '\\', '\u00a0',
];

const PY_TOKENS = [
  'def', 'class', 'return', 'if', 'elif', 'else', 'for', 'in', 'while', 'with', 'as', 'import', 'from', 'lambda',
  'try', 'except', 'raise', 'async', 'await', 'yield', 'global', 'pass', 'not', 'and', 'or', 'is', 'None', 'True',
  'False', '(', ')', '[', ']', '{', '}', ':', ',', '.', '=', '==', '+', '%', '*', '**', '->', '@', '\n', '\n    ',
  '\n        ', '    ', '\t', '\\\n', ' ', ' ', '#', 'f"', '"', "'", '"""', "'''", '{', '}', 'request', 'form',
  'files', 'json', 'args', 'password', 'ssn', 'card_number', 'print', 'logging', 'logger', 'info', 'requests',
  'post', 'get', 'verify', 'hashlib', 'md5', 'sha1', 'bcrypt', 'hashpw', 'app', 'config', 'MAX_CONTENT_LENGTH',
  'save', 'filename', 'os', 'path', 'join', 'open', 'write', 'set_cookie', 'secure', 'session', 'cursor',
  'execute', 'smtplib', 'SMTP', 'ftplib', 'FTP', 'urllib', 'x', 'y', '"http://api.partner.com/v1"',
  '"https://ok.example.com"', 'f"http://{host}/x"', '"4111 1111 1111 1111"', '"536-22-8741"',
  '"AKIAIOSFODNN7EXAMPLE"', '"static/uploads"', '0', '1e9', '# sealant-ignore storage/sensitive-data-in-log: ok\n',
  '# sealant-ignore\n', 'self', '__init__', '**kwargs', '*args', ':=', 'match', 'case', '\u00a0',
];

/** Characters that break naive text handling: lone surrogates, BOM, bidi and zero-width controls, NUL, separators. */
const NASTY = ['\ud800', '\udfff', '\ufeff', '\u202e', '\u200f', '\u200b', '\u0000', '\r', '\u2028', '\u2029', '\uffff', '\u0301', '🔑', 'é', 'ß', '\u001b[31m', '\t'];
const unicodeText = fc.string({ unit: fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 12 });

type Mutation =
  | { kind: 'delete'; line: number }
  | { kind: 'duplicate'; line: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'unicode'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('unicode' as const), at: fc.nat(), text: unicodeText }),
);

export function mutate(text: string, mutations: readonly Mutation[]): string {
  let lines = text.split('\n');
  for (const m of mutations) {
    const n = lines.length;
    switch (m.kind) {
      case 'delete':
        if (n > 1) lines.splice(m.line % n, 1);
        break;
      case 'duplicate':
        lines.splice(m.line % n, 0, lines[m.line % n]);
        break;
      case 'swap': {
        const a = m.a % n;
        const b = m.b % n;
        [lines[a], lines[b]] = [lines[b], lines[a]];
        break;
      }
      case 'truncate': {
        const joined = lines.join('\n');
        lines = joined.slice(0, m.at % (joined.length + 1)).split('\n');
        break;
      }
      case 'unicode': {
        const joined = lines.join('\n');
        const at = m.at % (joined.length + 1);
        lines = (joined.slice(0, at) + m.text + joined.slice(at)).split('\n');
        break;
      }
    }
  }
  return lines.join('\n');
}

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return fixtureFiles(full);
      return languageForPath(name) ? [full] : [];
    });
}

// ---------------------------------------------------------------------------------------------------------------
// The checks

interface Failure {
  what: string;
  language: string;
  text: string;
  error: string;
}

describe('fuzzing the engine (fast-check)', function () {
  this.timeout(600_000);
  let engine: Engine;
  const logged: string[] = [];
  const canaries = new Map<string, string>();
  let tried = 0;
  let analyses = 0;
  let started = Date.now();
  const counts: Record<string, number> = {};
  let firstFailure: Failure | undefined;

  const run = async (lang: LanguageInfo, text: string): Promise<FileResult> => {
    analyses++;
    // Languages limited to some file names (Spring's application*.yml) need such a name to be analysed at all.
    return engine.analyze({ path: `${lang.baseNames ? `${lang.baseNames[0]}-` : ''}fuzz${lang.extensions[0]}`, text, languageId: lang.id });
  };

  /** Comparable form of a result (without timings). */
  const stable = (r: FileResult) => JSON.stringify({ ...r, ms: 0 });

  const canaryResults = async (): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    for (const lang of LANGUAGES) out.set(lang.id, stable(await run(lang, CANARIES[lang.syntax])));
    return out;
  };

  async function check(what: string, lang: LanguageInfo, text: string): Promise<void> {
    try {
      logged.length = 0;
      const t0 = performance.now();
      const first = await run(lang, text);
      const ms = performance.now() - t0;
      const second = await run(lang, text);
      assert.ok(ms < FILE_BUDGET_MS, `took ${Math.round(ms)} ms, over the per-file budget of ${FILE_BUDGET_MS} ms`);
      assert.equal(stable(second), stable(first), 'the same input gave different results');
      assert.deepEqual(logged, [], 'a rule threw (the engine logged it and dropped its findings)');
      for (const f of first.findings) {
        const r = f.range;
        assert.ok(r.startOffset >= 0 && r.startOffset <= r.endOffset && r.endOffset <= text.length, `${f.ruleId}: range ${r.startOffset}-${r.endOffset} outside a text of ${text.length}`);
        assert.ok(r.start.line <= r.end.line && f.fingerprint, `${f.ruleId}: bad range or no fingerprint`);
      }
      tried++;
      counts[what] = (counts[what] ?? 0) + 1;
      if (tried % CANARY_EVERY === 0) {
        const now = await canaryResults();
        for (const [id, expected] of canaries) assert.equal(now.get(id), expected, `the ${id} canary changed: an earlier input corrupted the engine`);
      }
    } catch (err) {
      firstFailure ??= { what, language: lang.id, text, error: err instanceof Error ? err.message : String(err) };
      throw err;
    }
  }

  /** Runs a property; on failure names the first failing input and saves it for replay. */
  async function property<T>(arb: fc.Arbitrary<T>, numRuns: number, body: (value: T) => Promise<void>): Promise<void> {
    try {
      await fc.assert(fc.asyncProperty(arb, body), { numRuns, seed: SEED });
    } catch (err) {
      if (!firstFailure) throw err;
      const file = join(tmpdir(), `sealant-fuzz-failure-${process.pid}.txt`);
      writeFileSync(file, firstFailure.text);
      throw new Error(`${firstFailure.what} as ${firstFailure.language}: ${firstFailure.error}\nfirst failing input saved to ${file}\n(seed ${SEED}; replay with SEALANT_FUZZ_SEED=${SEED})\n\n${err instanceof Error ? err.message : String(err)}`);
    }
  }

  before(async () => {
    started = Date.now();
    engine = new Engine(nodeHost({ root: REPO_ROOT, log: (level, message) => level === 'error' && logged.push(message) }), { rules: BUILTIN_RULES });
    // Load every grammar and its queries before counting errors (a query that does not compile is the registry test's business).
    for (const [id, result] of await canaryResults()) canaries.set(id, result);
    for (const [id, result] of canaries) {
      assert.ok((JSON.parse(result) as FileResult).findings.length > 0, `the ${id} canary finds nothing: the canary check would be blind`);
    }
    logged.length = 0;
  });

  after(async () => {
    await engine?.dispose();
    const parts = Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ');
    console.log(`      fuzz: ${tried} inputs tried (${parts}); ${analyses} analyses in ${((Date.now() - started) / 1000).toFixed(1)} s; seed ${SEED}; SEALANT_FUZZ_RUNS=${RUNS}`);
  });

  it('random bytes, decoded as the CLI decodes files, in every language', async () => {
    const runs = Math.ceil(RUNS * 0.15);
    // Half the inputs start with a line that opens every rule's keyword gate, so they are parsed and queried.
    const opener = fc.constantFrom('', '', ...Object.values(CANARIES).map((c) => c.split('\n').slice(0, 2).join('\n') + '\n'));
    await property(fc.tuple(fc.uint8Array({ maxLength: 3000 }), opener, fc.constantFrom(...LANGUAGES)), runs, async ([bytes, prefix, lang]) => {
      const read = decode(bytes);
      // Binary input is skipped by the reader; feed it as Latin-1 text anyway: the engine must cope with it too.
      const text = prefix + ('text' in read ? read.text : Buffer.from(bytes).toString('latin1'));
      await check('random byte strings', lang, text);
    });
    assert.ok((counts['random byte strings'] ?? 0) >= runs);
  });

  it('random token soup of each syntax family, in every language', async () => {
    const runs = Math.ceil(RUNS * 0.45);
    const soup = (tokens: string[]) => fc.array(fc.constantFrom(...tokens), { maxLength: 400 }).map((t) => t.join(' '));
    await property(fc.tuple(fc.oneof(soup(JS_TOKENS), soup(PY_TOKENS)), fc.constantFrom(...LANGUAGES)), runs, async ([text, lang]) => {
      await check('token soups', lang, text);
    });
    assert.ok((counts['token soups'] ?? 0) >= runs);
  });

  it('mutations of every rule fixture (lines deleted, duplicated, swapped; truncation; inserted unicode)', async () => {
    const files = fixtureFiles(FIXTURES);
    assert.ok(files.length >= 5, `only ${files.length} fixture files found under ${FIXTURES}`);
    const perFile = Math.max(2, Math.ceil((RUNS * 0.4) / files.length));
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const own = languageForPath(file) as LanguageInfo;
      const name = relative(FIXTURES, file);
      // Mostly as its own language, sometimes as another: a fixture pasted into the wrong file type.
      const language = fc.oneof({ weight: 4, arbitrary: fc.constant(own) }, { weight: 1, arbitrary: fc.constantFrom(...LANGUAGES) });
      await property(fc.tuple(fc.array(mutation, { minLength: 1, maxLength: 6 }), language), perFile, async ([mutations, lang]) => {
        await check('fixture mutations', lang, mutate(text, mutations));
      }).catch((err: Error) => {
        throw new Error(`fixture ${name}: ${err.message}`);
      });
    }
    assert.ok((counts['fixture mutations'] ?? 0) >= files.length * perFile);
  });

  it('the mutations really change the fixtures (the generator is not a no-op)', () => {
    const text = 'a\nb\nc\nd';
    assert.equal(mutate(text, [{ kind: 'delete', line: 1 }]), 'a\nc\nd');
    assert.equal(mutate(text, [{ kind: 'duplicate', line: 5 }]), 'a\nb\nb\nc\nd');
    assert.equal(mutate(text, [{ kind: 'swap', a: 0, b: 3 }]), 'd\nb\nc\na');
    assert.equal(mutate(text, [{ kind: 'truncate', at: 3 }]), 'a\nb');
    assert.equal(mutate(text, [{ kind: 'unicode', at: 2, text: '\ud800' }]), 'a\n\ud800b\nc\nd');
  });
});
