/**
 * storage/hardcoded-secret and storage/pii-literal skip work (issue #10): whether a file names a secret API is a text
 * test the engine answers from its keyword scan (RuleDefinition.textTests, RuleContext.textHas); the tests of a value's
 * words wait until a report is due; a literal under a parent literalContext does not read has no context; the lookup,
 * `require` and argument-position tests read the text before the nodes; pii-literal judges a literal's text before
 * its value. Each case must still be decided as it was: a skip that goes too far makes one of these fail.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeHost } from '../../src/cli/node-host';
import { Engine } from '../../src/core/engine';
import type { RuleDefinition } from '../../src/core/rule';
import { languageForPath } from '../../src/languages/registry';
import { BUILTIN_RULES } from '../../src/rules';
import { hardcodedSecret } from '../../src/rules/storage/hardcoded-secret';
import { literalContext, mayHaveContext } from '../../src/rules/storage/literals';
import { REPO_ROOT, makeEngine } from './helpers/engine';

/** Rule id and 1-based line of every finding of storage/hardcoded-secret. */
async function secrets(engine: Engine, path: string, lines: string[]): Promise<string[]> {
  const r = await engine.analyze({ path, text: `${lines.join('\n')}\n` });
  return r.findings.filter((f) => f.ruleId === 'storage/hardcoded-secret').map((f) => `${f.ruleId}@${f.range.start.line + 1}`).sort();
}

describe('storage literal rules: shortcuts keep their findings', function () {
  this.timeout(60_000);
  const engines: Engine[] = [];
  const make = (incremental = false): Engine => {
    const e = new Engine(nodeHost({ root: REPO_ROOT }), { rules: BUILTIN_RULES, incremental });
    engines.push(e);
    return e;
  };
  after(async () => {
    for (const e of engines) await e.dispose();
  });

  it('textHas: true where the regex matches, false where a literal occurs but the regex does not, or none occurs', async () => {
    const seen: Record<string, boolean[]> = {};
    const probe: RuleDefinition = {
      id: 'test/text-probe',
      family: 'storage',
      title: 'probe',
      description: 'Records what textHas answers.',
      severity: 'note',
      confidence: 'low',
      cwe: [],
      owasp: [],
      fixable: false,
      guidance: { why: 'A probe.', bad: '', good: '', fix: '' },
      textTests: { digits: 'foo\\d|barbaz', word: 'qux' },
      queries: { js: '(program) @p' },
      check(_match, ctx) {
        seen[ctx.file.path] = [ctx.textHas('digits'), ctx.textHas('word'), ctx.textHas('undeclared')];
      },
    };
    const engine = makeEngine({ rules: [probe] });
    for (const [path, text] of [['a.js', 'FOO7;'], ['b.js', 'foo; bar; baz;'], ['c.js', 'nothing here'], ['d.js', 'x = "BarBaz" + qux']]) await engine.analyze({ path, text });
    await engine.dispose();
    assert.deepEqual(seen, { 'a.js': [true, false, false], 'b.js': [false, false, false], 'c.js': [false, false, false], 'd.js': [true, true, false] });
  });

  it('a secret API imported under another name: its name in the import is enough', async () => {
    const engine = make();
    const text = ['from jwt import encode as sign_token', '', "TOKEN = sign_token({'id': 1}, 'our signing key')"];
    assert.deepEqual(await secrets(engine, 'a.py', text), ['storage/hardcoded-secret@3']);
    // The same call with no secret API named anywhere in the file.
    assert.deepEqual(await secrets(engine, 'b.py', ['from tokens import encode as sign_token', '', "TOKEN = sign_token({'id': 1}, 'our signing key')"]), []);
  });

  it('while typing: the API named by an edit counts, though the last whole-text scan found no API word', async () => {
    // An editor's analysis (analyzeTree without facts) keeps the rules active before the edit and does not scan again.
    const engine = make(true);
    const language = engine.languageOf({ path: 'doc.py' })!;
    const findings = async (lines: string[]): Promise<string[]> => {
      const text = `${lines.join('\n')}\n`;
      const tree = (await engine.parse(language, text))!;
      try {
        const all = await engine.analyzeTree({ path: 'doc.py', text }, language, tree);
        return all.filter((f) => f.ruleId === 'storage/hardcoded-secret').map((f) => `${f.ruleId}@${f.range.start.line + 1}`);
      } finally {
        tree.delete();
      }
    };
    const call = "TOKEN = sign_token({'id': 1}, 'our signing key')";
    assert.deepEqual(await findings(['from tokens import encode as sign_token', '', call]), []);
    assert.deepEqual(await findings(['from jwt import encode as sign_token', '', call]), ['storage/hardcoded-secret@3']);
  });

  it('a data name or a placeholder passed to a secret API through a wrapper is not a key; a random value is', async () => {
    const engine = make();
    const text = [
      'import jwt',
      "a = jwt.encode(payload, ('access_token'))",
      "b = jwt.encode(payload, ('your-secret-here'))",
      "c = jwt.encode(payload, ('Zx81-Kq2m-99Lp-Vt55'))",
    ];
    assert.deepEqual(await secrets(engine, 'c.py', text), ['storage/hardcoded-secret@4']);
  });

  it('a key format in `require(…)` or `import(…)` is a module name, however the call is spelled; elsewhere it is a key', async () => {
    const engine = make();
    const key = 'AKIAZ7QK3M2P9XW4TB6R';
    const text = [`const a = require('${key}');`, `const b = require /* lazy */ ('${key}');`, `const c = import('${key}');`, `const d = load('${key}');`, `const e = requireAll('${key}');`];
    assert.deepEqual(await secrets(engine, 'e.js', text), ['storage/hardcoded-secret@4', 'storage/hardcoded-secret@5']);
  });

  it('the default of a lookup however the lookup is written; a longer callee name is no lookup', async () => {
    const engine = make();
    const value = 'Zx81-Kq2m-99Lp-Vt55';
    const ts = [`const a = config.get<string>('API_KEY', '${value}');`, `const b = settings.getOrDefault('API_KEY', '${value}');`, `const c = env /* fallback */ ('API_KEY', '${value}');`, `const d = config.getAll('API_KEY', '${value}');`];
    assert.deepEqual(await secrets(engine, 'f.ts', ts), ['storage/hardcoded-secret@1', 'storage/hardcoded-secret@2', 'storage/hardcoded-secret@3']);
    const py = ['import os', `A = os.get_env('API_KEY', '${value}')`, `B = config.getProperty('API_KEY', '${value}')`, `C = os.getenvb('API_KEY', '${value}')`];
    assert.deepEqual(await secrets(engine, 'g.py', py), ['storage/hardcoded-secret@2', 'storage/hardcoded-secret@3']);
  });

  it('a comment among the arguments does not move a secret API argument; another position is not the secret', async () => {
    const engine = make();
    const text = [
      "import jwt from 'jsonwebtoken';",
      "const cookieParser = require('cookie-parser');",
      "export const a = jwt.sign(/* claims */ { id: 1 }, /* key */ 'our signing key');",
      "app.use(cookieParser(/* secret */ 'Xq7vR2mN9pLw4tZ8'));",
      "export const b = jwt.sign({ id: 1 }, { kid: 'k1' }, 'our signing key');",
    ];
    assert.deepEqual(await secrets(engine, 'h.js', text), ['storage/hardcoded-secret@3', 'storage/hardcoded-secret@4']);
  });

  it('storage/pii-literal: the shortest literal that can hold an SSN, and a template, are still read', async () => {
    const engine = make();
    const pii = async (path: string, lines: string[]): Promise<string[]> => {
      const r = await engine.analyze({ path, text: `${lines.join('\n')}\n` });
      return r.findings.filter((f) => f.ruleId === 'storage/pii-literal').map((f) => `${f.ruleId}@${f.range.start.line + 1}`).sort();
    };
    assert.deepEqual(await pii('i.py', ["ssn = '372815604'", "ssn2 = '37281560'", "ssn3 = u'372815604'"]), ['storage/pii-literal@1', 'storage/pii-literal@3']);
    assert.deepEqual(await pii('j.js', ['const card = `4929 1748 3390 2235`;', "const ssn = '372815604';", "const n = '3728156';"]), ['storage/pii-literal@1', 'storage/pii-literal@2']);
  });

  it('literalContext finds a name or a call only under the parent types mayHaveContext lists (every fixture literal)', async () => {
    const outside: string[] = [];
    let withContext = 0;
    let without = 0;
    const probe: RuleDefinition = {
      ...hardcodedSecret,
      id: 'test/context-probe',
      keywords: undefined,
      gateTypes: undefined,
      gateEither: undefined,
      check(match, ctx) {
        const lit = match.get('str');
        if (!lit) return;
        const type = lit.parent?.type;
        const lc = literalContext(ctx, lit);
        if (Object.keys(lc).length === 0) return void without++;
        withContext++;
        if (!mayHaveContext(type)) outside.push(`${ctx.file.path}:${lit.startPosition.row + 1} under ${type}`);
      },
      finish: undefined,
    };
    const engine = makeEngine({ rules: [probe] });
    const files = (readdirSync(join(REPO_ROOT, 'test', 'fixtures'), { recursive: true }) as string[]).map((f) => join(REPO_ROOT, 'test', 'fixtures', f)).filter((f) => languageForPath(f) !== undefined);
    for (const path of files) await engine.analyze({ path, text: readFileSync(path, 'utf8') });
    await engine.dispose();
    assert.deepEqual(outside, []);
    assert.ok(withContext > 1000 && without > 1000, `${withContext} literals with a context, ${without} without`);
  });

  it('a translated word is a label, whatever its script; one non-ASCII letter in a random value is not', async () => {
    const engine = make();
    const text = ["const password = 'Contraseña';", "const pwd = 'proxy-пароль';", "const passwd = 'パスワード入力';", "const dbPassword = 'Zx81ñKq2m99';"];
    assert.deepEqual(await secrets(engine, 'k.js', text), ['storage/hardcoded-secret@4']);
  });

  it('under a private-key name, 40+ characters that are a data name are not a key; a random run is', async () => {
    const engine = make();
    const text = ["PRIVATE_KEY = 'access_token_access_token_access_token_x'", "SIGNING_PRIVATE_KEY = 'q7Zx81Kq2m99LpVt55Rw0Yb3Nc6Hd4Jf8Ge2Ua1T'"];
    assert.deepEqual(await secrets(engine, 'd.py', text), ['storage/hardcoded-secret@2']);
  });
});
