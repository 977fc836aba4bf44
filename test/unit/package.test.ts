// The packaged extension holds exactly what it needs: the bundles, the grammar manifest and every wasm it names,
// the icons; and no sources, tests or node_modules. Lists the files with `vsce ls` (what `npm run package` puts
// into the .vsix), so a renamed wasm or a bad .vscodeignore line fails here rather than in a user's editor.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './helpers/paths';

describe('packaged extension (vsce ls)', function () {
  this.timeout(120_000);
  let files: string[] = [];

  before(function () {
    if (!existsSync(join(REPO_ROOT, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
    const vsce = join(REPO_ROOT, 'node_modules/.bin/vsce');
    const out = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    files = out.split('\n').map((l) => l.trim()).filter(Boolean).sort();
  });

  it('holds the bundles (extension, its engine, worker), the manifest and the icons', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string; icon: string; contributes: { viewsContainers: { activitybar: { icon: string }[] } } };
    for (const f of ['package.json', manifest.main.replace(/^\.\//, ''), 'dist/engine.js', 'dist/worker.js', manifest.icon, ...manifest.contributes.viewsContainers.activitybar.map((c) => c.icon)]) {
      assert.ok(files.includes(f), `${f} is not packaged; packaged: ${files.join(', ')}`);
    }
  });

  it('holds grammars/manifest.json and every wasm it names', () => {
    assert.ok(files.includes('grammars/manifest.json'));
    const grammars = JSON.parse(readFileSync(join(REPO_ROOT, 'grammars/manifest.json'), 'utf8')) as { runtime: { file: string }; grammars: Record<string, { file: string }> };
    const wasm = [grammars.runtime.file, ...Object.values(grammars.grammars).map((g) => g.file)];
    for (const f of wasm) assert.ok(files.includes(`grammars/${f}`), `grammars/${f} is not packaged`);
    // and no stray wasm beyond the manifest
    assert.deepEqual(files.filter((f) => f.endsWith('.wasm')).sort(), wasm.map((f) => `grammars/${f}`).sort());
  });

  it('holds every schema that contributes.jsonValidation / yamlValidation names', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { jsonValidation?: { url: string }[]; yamlValidation?: { url: string }[] } };
    const urls = [...(manifest.contributes.jsonValidation ?? []), ...(manifest.contributes.yamlValidation ?? [])].map((v) => v.url.replace(/^\.\//, ''));
    assert.ok(urls.includes('schemas/sealant.schema.json') && urls.includes('schemas/sealant-triage.schema.json'), `validation urls: ${urls.join(', ')}`);
    for (const f of new Set(urls)) assert.ok(files.includes(f), `${f} is not packaged; packaged: ${files.join(', ')}`);
  });

  it('holds no sources, tests, node_modules, source maps or local state', () => {
    const bad = files.filter((f) => /^(src|test|node_modules|scripts|examples|\.vscode-test|test-results|dist-test|\.ci)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts') || f.endsWith('.vsix'));
    assert.deepEqual(bad, []);
  });
});
