// Build: copy the tree-sitter runtime and grammar .wasm files from npm packages into grammars/,
// write grammars/manifest.json (package, version, sha256 of each), then bundle with esbuild.
// Usage: node scripts/build.mjs [--grammars-only] [--watch]
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const table = JSON.parse(readFileSync(join(root, 'src/languages/grammars.json'), 'utf8'));

function packageDir(name) {
  // Walk the resolution paths rather than resolving `name/package.json`: some packages do not export it.
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`build: npm package ${name} is not installed (run npm install)`);
}

function copyWasm(entry) {
  const dir = packageDir(entry.package);
  const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  const from = join(dir, entry.source);
  if (!existsSync(from)) throw new Error(`build: ${entry.package}@${version} has no ${entry.source}`);
  const bytes = readFileSync(from);
  copyFileSync(from, join(root, 'grammars', entry.file));
  return { file: entry.file, package: entry.package, version, source: entry.source, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}

function buildGrammars() {
  mkdirSync(join(root, 'grammars'), { recursive: true });
  const manifest = { runtime: copyWasm(table.runtime), grammars: {} };
  for (const [id, entry] of Object.entries(table.grammars)) manifest.grammars[id] = copyWasm(entry);
  writeFileSync(join(root, 'grammars/manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(`grammars: runtime ${manifest.runtime.package}@${manifest.runtime.version}, ${Object.keys(manifest.grammars).length} grammars`);
}

// What dist/extension.js may hold: the editor code and the few small, pure modules it shares with the engine (the
// language table, core types, text checks, fix application, config constants). Everything else is dist/engine.js's:
// a value import of it from src/extension would compile it again at activation, and its classes (Engine, ConfigSet)
// would exist twice. Editor modules import types only and take values from engine() (src/extension/engine-loader.ts).
const ACTIVATION_INPUTS = /^src\/(extension\/(?!engine-bundle\.ts)[\w-]+\.ts|languages\/(registry\.ts|grammars\.json)|core\/(types|text|fixes)\.ts|config\/types\.ts)$/;

function checkActivationBundle(inputs) {
  const heavy = inputs.filter((f) => !ACTIVATION_INPUTS.test(f));
  if (heavy.length) throw new Error(`build: dist/extension.js must not bundle the engine; it holds ${heavy.slice(0, 8).join(', ')}${heavy.length > 8 ? ', …' : ''} (import types only, take values from engine() in src/extension/engine-loader.ts)`);
}

function checkEngineBundle(inputs) {
  const editor = inputs.filter((f) => f.startsWith('src/extension/') && f !== 'src/extension/engine-bundle.ts');
  if (editor.length) throw new Error(`build: dist/engine.js must not bundle editor code (it has no vscode): ${editor.join(', ')}`);
}

async function bundle(watch) {
  const esbuild = await import('esbuild');
  const common = {
    bundle: true,
    absWorkingDir: root,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    external: ['vscode'],
    // web-tree-sitter's ESM build reads import.meta.url, which a CommonJS bundle lacks: give it this file's URL.
    define: { 'import.meta.url': '__sealantImportMetaUrl' },
    banner: { js: "var __sealantImportMetaUrl = require('url').pathToFileURL(__filename).href;" },
  };
  // Every `import * as vscode from 'vscode'` of the extension goes through one module (src/extension/vscode-api.ts).
  const vscodeShim = join(root, 'src/extension/vscode-api.ts');
  const vscodeOnce = {
    name: 'vscode-once',
    setup(build) {
      build.onResolve({ filter: /^vscode$/ }, (args) => (args.importer === vscodeShim ? { path: 'vscode', external: true } : { path: vscodeShim }));
    },
  };
  // The extension is two bundles: dist/extension.js (activation: commands, providers, views, watchers) and
  // dist/engine.js (engine, rules, languages, config, reporters, inventory), which src/extension/engine-loader.ts
  // requires on first need. Its `require('./engine-bundle')` stays a run-time require of the neighbour file.
  const loader = join(root, 'src/extension/engine-loader.ts');
  const engineApart = {
    name: 'engine-apart',
    setup(build) {
      build.onResolve({ filter: /^\.\/engine-bundle$/ }, (args) => (args.importer === loader ? { path: './engine.js', external: true } : undefined));
    },
  };
  const noVscode = {
    name: 'no-vscode',
    setup(build) {
      build.onResolve({ filter: /^vscode$/ }, (args) => ({ errors: [{ text: `dist/engine.js must not import vscode (imported by ${args.importer})` }] }));
    },
  };
  const entries = [
    { entryPoints: [join(root, 'src/extension/extension.ts')], outfile: join(root, 'dist/extension.js'), plugins: [vscodeOnce, engineApart], check: checkActivationBundle },
    { entryPoints: [join(root, 'src/extension/engine-bundle.ts')], outfile: join(root, 'dist/engine.js'), plugins: [noVscode], check: checkEngineBundle },
    { entryPoints: [join(root, 'src/cli/main.ts')], outfile: join(root, 'dist/cli.js'), banner: { js: `#!/usr/bin/env node\n${common.banner.js}` } },
    { entryPoints: [join(root, 'src/cli/worker.ts')], outfile: join(root, 'dist/worker.js') },
  ].filter((e) => existsSync(e.entryPoints[0]));
  for (const { check, ...e } of entries) {
    if (watch) {
      const ctx = await esbuild.context({ ...common, ...e });
      await ctx.watch();
    } else {
      const result = await esbuild.build({ ...common, ...e, metafile: !!check });
      check?.(Object.keys(result.metafile?.inputs ?? {}));
    }
  }
  console.log(`bundles: ${entries.map((e) => e.outfile.slice(root.length + 1)).join(', ')}`);
}

const args = new Set(process.argv.slice(2));
buildGrammars();
if (!args.has('--grammars-only')) await bundle(args.has('--watch'));
