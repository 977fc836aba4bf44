import assert from 'node:assert/strict';
import { Language, Parser, Query } from 'web-tree-sitter';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GRAMMAR_FILES, GRAMMAR_SYNTAX, RUNTIME_WASM_FILE, type GrammarId } from '../../src/languages/registry';
import { BUILTIN_RULES } from '../../src/rules';
import { REPO_ROOT } from './helpers/paths';

describe('rule registry', () => {
  it('lists every rule once, sorted by id, with a family prefix', () => {
    const ids = BUILTIN_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate rule ids');
    assert.deepEqual(ids, [...ids].sort());
    for (const r of BUILTIN_RULES) assert.ok(r.id.startsWith(`${r.family}/`), `${r.id} does not start with ${r.family}/`);
    for (const family of ['storage', 'transmission', 'upload']) {
      assert.ok(BUILTIN_RULES.some((r) => r.family === family), `no ${family} rule`);
    }
  });

  it('gives every rule complete security metadata and guidance', () => {
    for (const r of BUILTIN_RULES) {
      assert.ok(r.title && r.description, `${r.id}: title/description`);
      assert.ok(r.cwe.length > 0, `${r.id}: CWE list`);
      assert.ok(r.owasp.length > 0, `${r.id}: OWASP reference`);
      assert.ok(r.guidance.why.length > 40, `${r.id}: guidance.why`);
      assert.ok(r.guidance.bad && r.guidance.good && r.guidance.fix, `${r.id}: bad/good/fix`);
      assert.notEqual(r.guidance.bad, r.guidance.good, `${r.id}: bad and good examples are the same`);
      assert.ok(Object.keys(r.queries).length > 0, `${r.id}: no language`);
      assert.ok(r.check || r.finish, `${r.id}: neither check nor finish`);
    }
  });

  it('compiles every rule query for every grammar of its syntax family, alone and combined', async () => {
    await Parser.init({ wasmBinary: readFileSync(join(REPO_ROOT, 'grammars', RUNTIME_WASM_FILE)) });
    for (const [grammar, file] of Object.entries(GRAMMAR_FILES)) {
      const language = await Language.load(readFileSync(join(REPO_ROOT, 'grammars', file)));
      const syntax = GRAMMAR_SYNTAX[grammar as GrammarId];
      const sources: string[] = [];
      for (const r of BUILTIN_RULES) {
        const src = r.queries[syntax];
        if (src === undefined) continue;
        assert.match(src, /^[\x20-\x7e\n\t]*$/, `${r.id}: query must be ASCII (pattern offsets are bytes)`);
        let q: Query | undefined;
        try {
          q = new Query(language, src);
        } catch (err) {
          assert.fail(`${r.id} (${grammar}): ${String(err)}`);
        }
        q.delete();
        sources.push(src);
      }
      if (sources.length) new Query(language, sources.join('\n')).delete();
    }
  });
});
