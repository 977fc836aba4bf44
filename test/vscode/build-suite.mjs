// Compiles the integration suite that runs inside the VS Code extension host:
// test/vscode/suite/index.ts and every test/vscode/suite/*.test.ts -> dist-test/vscode/suite/*.js.
// Each entry is bundled on its own (helpers it imports, including src/ code, are inlined); `vscode` stays external
// (the extension host supplies it) and mocha is bundled into index.js, so the suite needs nothing from node_modules
// at run time. The test files use the describe/it globals that index.js's mocha sets while loading them.
// Usage: node test/vscode/build-suite.mjs
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'test/vscode/suite');
const out = join(root, 'dist-test/vscode/suite');

const entries = readdirSync(src).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).sort();
if (!entries.includes('index.ts')) throw new Error(`build-suite: ${src}/index.ts is missing`);

rmSync(out, { recursive: true, force: true }); // a deleted test must not keep running from a stale .js
await esbuild.build({
  entryPoints: entries.map((f) => join(src, f)),
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // mocha's parallel mode (never used here) resolves its worker files at run time; that code is never reached.
  logOverride: { 'require-resolve-not-external': 'silent' },
  external: ['vscode'],
});
console.log(`suite: ${entries.length} files -> ${out.slice(root.length + 1)}/ (${entries.join(', ')})`);
