// Scale check: generates a workspace of many files under the system temp folder, scans it with the built CLI
// (dist/cli.js, `npm run build` first) and prints files, seconds and peak RSS (worker threads included: they
// share the process). Memory must stay bounded as the workspace grows: run with --files 10000 and 50000 and compare.
//
// Usage: node scripts/scale.mjs [--files 50000] [--jobs N] [--warm] [--keep] [--json]
//   --warm  also scan a second time with a fresh result cache filled by a first cached run
//   --keep  leave the generated workspace in place (its path is printed)
//   --json  print one JSON line per scan instead of text (for scripts/bench.mjs)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const FILES = Number(option('--files', '50000'));
const JOBS = option('--jobs', undefined);
const WARM = process.argv.includes('--warm');
const KEEP = process.argv.includes('--keep');
const JSON_OUT = process.argv.includes('--json');
if (!Number.isInteger(FILES) || FILES < 1) throw new Error('--files must be a positive whole number');
if (!existsSync(cli)) throw new Error(`${cli} not found: run \`npm run build\` first`);

// ---- the workspace: 100 files a folder, JS / TS / Python in turn; one file in 20 logs an SSN
const templates = {
  js: (i, bad) => [
    "const express = require('express');",
    "const db = require('./db');",
    '',
    `async function handler${i}(req, res) {`,
    '  const { email, name } = req.body;',
    `  const record = await db.users.findOne({ email, tenant: ${i} });`,
    bad ? "  console.log('lookup', req.body.ssn);" : "  console.log('lookup', record.id);",
    '  if (!record) return res.status(404).end();',
    '  res.json({ id: record.id, name });',
    '}',
    '',
    `module.exports = { handler${i} };`,
    '',
  ],
  ts: (i, bad) => [
    "import { Request, Response } from 'express';",
    '',
    `export interface Item${i} { id: number; title: string; price: number }`,
    '',
    `export async function list${i}(req: Request, res: Response): Promise<void> {`,
    `  const items: Item${i}[] = await fetchItems(${i});`,
    bad ? '  console.info(`card ${req.body.cardNumber}`);' : '  console.info(`items ${items.length}`);',
    '  res.json(items.filter((x) => x.price > 0));',
    '}',
    '',
    `async function fetchItems(tenant: number): Promise<Item${i}[]> {`,
    "  const r = await fetch('https://api.example.com/items?tenant=' + tenant);",
    `  return (await r.json()) as Item${i}[];`,
    '}',
    '',
  ],
  py: (i, bad) => [
    'import logging',
    'from flask import request, jsonify',
    '',
    'logger = logging.getLogger(__name__)',
    '',
    '',
    `def view_${i}():`,
    '    data = request.get_json()',
    bad ? '    logger.info("ssn %s", request.form["ssn"])' : '    logger.info("items %d", len(data))',
    `    total = sum(x["price"] for x in data if x["tenant"] == ${i})`,
    '    return jsonify({"total": total})',
    '',
  ],
};
const kinds = ['js', 'ts', 'py'];

function generate(dir) {
  const t = Date.now();
  let bad = 0;
  for (let i = 0; i < FILES; i++) {
    const folder = join(dir, `pkg${Math.floor(i / 1000)}`, `mod${Math.floor(i / 100) % 10}`);
    if (i % 100 === 0) mkdirSync(folder, { recursive: true });
    const kind = kinds[i % 3];
    const isBad = i % 20 === 7;
    if (isBad) bad++;
    writeFileSync(join(folder, `file${i}.${kind}`), templates[kind](i, isBad).join('\n'));
  }
  return { ms: Date.now() - t, bad };
}

// Reports the scan process's peak RSS (maxRSS covers the worker threads, which live in the same process).
const probe = join(tmpdir(), `sealant-scale-probe-${process.pid}.cjs`);
writeFileSync(probe, "process.on('exit', () => { require('fs').writeFileSync(process.env.SEALANT_SCALE_RSS_FILE, String(process.resourceUsage().maxRSS)); });\n");

function scan(dir, label, extra, env = {}) {
  const rssFile = join(tmpdir(), `sealant-scale-rss-${process.pid}`);
  const args = ['--require', probe, cli, 'scan', '.', '--format', 'json', '--fail-on', 'never', '--quiet', ...extra, ...(JOBS ? ['--jobs', JOBS] : [])];
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, env: { ...process.env, SEALANT_SCALE_RSS_FILE: rssFile, ...env } });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`scan failed with exit code ${r.status}: ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  const peakKb = Number(readFileSync(rssFile, 'utf8'));
  rmSync(rssFile, { force: true });
  return {
    label,
    files: FILES,
    scanned: report.summary.filesScanned,
    skipped: report.summary.filesSkipped,
    findings: report.summary.findings,
    seconds: Number(seconds.toFixed(2)),
    filesPerSecond: Math.round(FILES / seconds),
    peakRssMb: Math.round(peakKb / 1024),
    jobs: JOBS ? Number(JOBS) : 'default',
  };
}

const dir = mkdtempSync(join(tmpdir(), 'sealant-scale-'));
const cacheDir = mkdtempSync(join(tmpdir(), 'sealant-scale-cache-'));
try {
  const gen = generate(dir);
  if (!JSON_OUT) console.log(`generated ${FILES} files (${gen.bad} with a finding) in ${(gen.ms / 1000).toFixed(1)} s under ${dir}`);
  const runs = [scan(dir, 'cold, no cache', ['--no-cache'])];
  if (WARM) {
    scan(dir, 'filling the cache', ['--cache-dir', cacheDir]);
    runs.push(scan(dir, 'warm cache', ['--cache-dir', cacheDir]));
  }
  for (const r of runs) {
    if (JSON_OUT) console.log(JSON.stringify(r));
    else console.log(`${r.label}: ${r.files} files (${r.scanned} scanned, ${r.skipped} skipped, ${r.findings} findings) in ${r.seconds} s (${r.filesPerSecond} files/s), peak RSS ${r.peakRssMb} MB, jobs ${r.jobs}`);
    if (r.scanned + r.skipped !== FILES) throw new Error(`${r.label}: ${FILES - r.scanned - r.skipped} files unaccounted for`);
    if (r.findings < gen.bad) throw new Error(`${r.label}: ${r.findings} findings, expected at least ${gen.bad}`);
  }
} finally {
  rmSync(probe, { force: true });
  rmSync(cacheDir, { recursive: true, force: true });
  if (KEEP) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
