import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { GRAMMAR_FILES, LANGUAGES } from '../../src/languages/registry';
import { REPO_ROOT } from './helpers/paths';

interface ManifestEntry { file: string; package: string; version: string; sha256: string }
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'grammars', 'manifest.json'), 'utf8')) as {
  runtime: ManifestEntry;
  grammars: Record<string, ManifestEntry>;
};

const SAMPLES: Record<string, string> = {
  javascript: 'const password = req.body.password;\nfetch(`http://x/${password}`);\n',
  typescript: 'const password: string = req.body.password as string;\ninterface A { ssn: string }\n',
  tsx: 'export const F = () => <input type="password" value={pw} />;\n',
  python: 'password = request.form["password"]\nprint(f"{password}")\n',
  php: '<p><?php $password = $_POST["password"]; echo htmlspecialchars($name); ?></p>\n',
  ruby: 'def create\n  password = params[:password]\n  Rails.logger.info "login #{password}"\nend\n',
  go: 'package main\n\nfunc f(r *http.Request) {\n\tpassword := r.FormValue("password")\n\tlog.Printf("%s", password)\n}\n',
  csharp: 'class A {\n  void F(HttpRequest request) {\n    var password = request.Form["password"];\n    _logger.LogInformation("{P}", password);\n  }\n}\n',
  java: 'class A {\n  void f(HttpServletRequest request) {\n    String password = request.getParameter("password");\n    log.info("{}", password);\n  }\n}\n',
  properties: '# Spring Boot\nspring.servlet.multipart.max-file-size=10MB\nspring.datasource.password=${DB_PASSWORD}\nkey = a \\\n  continued\n',
  yaml: '# Spring Boot\nspring:\n  servlet:\n    multipart:\n      max-file-size: 10MB\n---\nspring.datasource.password: "${DB_PASSWORD}"\nlist: [a, {b: 1}]\n',
};

describe('grammars', () => {
  before(async () => {
    await Parser.init({ wasmBinary: readFileSync(join(REPO_ROOT, 'grammars', manifest.runtime.file)) });
  });

  it('manifest pins web-tree-sitter 0.25.x and records every grammar of the registry', () => {
    assert.equal(manifest.runtime.package, 'web-tree-sitter');
    assert.match(manifest.runtime.version, /^0\.25\./);
    const used = new Set(LANGUAGES.map((l) => l.grammar));
    for (const g of used) {
      assert.ok(manifest.grammars[g], `grammar ${g} missing from manifest`);
      assert.equal(manifest.grammars[g].file, GRAMMAR_FILES[g]);
      assert.match(manifest.grammars[g].version, /^\d+\.\d+\.\d+/);
    }
  });

  for (const [id, entry] of Object.entries(manifest.grammars)) {
    it(`loads ${id} (${entry.package}@${entry.version}) and parses a sample without errors`, async () => {
      const bytes = readFileSync(join(REPO_ROOT, 'grammars', entry.file));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), entry.sha256, 'sha256 differs from the manifest');
      const language = await Language.load(bytes);
      const parser = new Parser();
      parser.setLanguage(language);
      const sample = SAMPLES[id];
      assert.ok(sample, `no sample for grammar ${id}`);
      const tree = parser.parse(sample);
      assert.ok(tree);
      assert.equal(tree.rootNode.hasError, false, tree.rootNode.toString());
      assert.ok(tree.rootNode.descendantCount > 5);
      tree.delete();
      parser.delete();
    });
  }
});
