/** The result cache: hits return identical results, any change of content, config, version or rules misses. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, defaultCacheDir, openResultCache, type CacheOptions } from '../../src/cli/cache';
import { runScan, type ScanOutput } from '../../src/cli/scan';
import type { EngineConfig } from '../../src/core/engine';
import { BUILTIN_RULES } from '../../src/rules';
import { REPO_ROOT } from './helpers/paths';

const RULE_IDS = BUILTIN_RULES.map((r) => r.id);

const SOURCES: Record<string, string> = {
  'app.js': "const password = req.body.password;\nconsole.log('login', password);\nfetch('http://api.partner.com/customers');\n",
  'clean.js': 'export function add(a, b) {\n  return a + b;\n}\n',
  'svc.py': "import logging\nlogger = logging.getLogger(__name__)\n\ndef login(password):\n    logger.info('login %s', password)\n",
};

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sealant-cache-src-'));
  for (const [name, text] of Object.entries(SOURCES)) writeFileSync(join(dir, name), text);
  return dir;
}

function options(root: string, dir: string, over: Partial<CacheOptions> = {}): CacheOptions {
  return { dir, root, version: '1.2.3', ruleIds: RULE_IDS, ...over };
}

async function scan(root: string, cacheOptions?: CacheOptions, config?: EngineConfig): Promise<{ out: ScanOutput; stats?: { hits: number; misses: number; stored: number } }> {
  const cache = cacheOptions ? openResultCache({ ...cacheOptions, config }) : undefined;
  const files = Object.keys(SOURCES).map((n) => join(root, n)).sort();
  const out = await runScan({ root, files, jobs: 1, cache, config });
  assert.equal(cache?.save(), undefined);
  return { out, stats: cache ? { ...cache.stats } : undefined };
}

/** Results as data: what JSON keeps (a cached result has no `evidence: undefined` keys; reporters never see them). */
function asData<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The findings of a scan without the timing, for comparing a cached scan with a fresh one. */
function findingsOf(out: ScanOutput): unknown {
  return asData(out.files.map((f) => ({ path: f.path, findings: f.findings })));
}

describe('result cache', function () {
  this.timeout(120_000);
  let root: string;
  let dir: string;

  beforeEach(() => {
    root = project();
    dir = mkdtempSync(join(tmpdir(), 'sealant-cache-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns identical results from the cache, without analysing again', async () => {
    const fresh = await scan(root);
    assert.ok(fresh.out.files.some((f) => f.findings.length > 0), 'the sample project must have findings, or this test proves nothing');
    const first = await scan(root, options(root, dir));
    assert.deepEqual(first.stats, { hits: 0, misses: 3, stored: 3 });
    assert.deepEqual(findingsOf(first.out), findingsOf(fresh.out));
    const second = await scan(root, options(root, dir));
    assert.deepEqual(second.stats, { hits: 3, misses: 0, stored: 0 });
    assert.deepEqual(asData(second.out), asData(first.out));
  });

  it('misses for a file whose content changed, and only for that file', async () => {
    await scan(root, options(root, dir));
    writeFileSync(join(root, 'app.js'), "const total = 1;\nconsole.log('total', total);\n");
    const again = await scan(root, options(root, dir));
    assert.deepEqual(again.stats, { hits: 2, misses: 1, stored: 1 });
    const app = again.out.files.find((f) => f.path === 'app.js');
    assert.ok(app);
    assert.deepEqual(app.findings, [], 'the new content has no finding; a stale cached result would still have them');
    assert.deepEqual(findingsOf(again.out), findingsOf((await scan(root)).out));
  });

  it('misses everything when the version, the config or the rules change', async () => {
    await scan(root, options(root, dir));
    assert.equal((await scan(root, options(root, dir))).stats?.hits, 3);
    assert.deepEqual((await scan(root, options(root, dir, { version: '1.2.4' }))).stats, { hits: 0, misses: 3, stored: 3 });
    assert.deepEqual((await scan(root, options(root, dir, { version: '1.2.4', build: 'another build' }))).stats, { hits: 0, misses: 3, stored: 3 });
    const config: EngineConfig = { rules: { 'storage/sensitive-data-in-log': { severity: 'off' } } };
    const withConfig = await scan(root, options(root, dir, { version: '1.2.4', build: 'another build' }), config);
    assert.deepEqual(withConfig.stats, { hits: 0, misses: 3, stored: 3 });
    assert.ok(withConfig.out.files.every((f) => f.findings.every((x) => x.ruleId !== 'storage/sensitive-data-in-log')), 'the config change must take effect');
    const fewerRules = await scan(root, options(root, dir, { version: '1.2.4', build: 'another build', ruleIds: RULE_IDS.slice(1) }), config);
    assert.equal(fewerRules.stats?.hits, 0);
  });

  it('hashes configs by content, whatever the order of their keys', () => {
    const a = cacheKey({ version: '1', ruleIds: ['b', 'a'], build: 'x', config: { hosts: { approved: ['x.com'], allowInsecure: [] }, rules: { r: { severity: 'note' } } } });
    const b = cacheKey({ version: '1', ruleIds: ['a', 'b'], build: 'x', config: { rules: { r: { severity: 'note' } }, hosts: { allowInsecure: [], approved: ['x.com'] } } });
    const c = cacheKey({ version: '1', ruleIds: ['a', 'b'], build: 'x', config: { rules: { r: { severity: 'error' } }, hosts: { allowInsecure: [], approved: ['x.com'] } } });
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it('ignores a corrupt cache file and a corrupt entry, and rewrites the file', async () => {
    const first = await scan(root, options(root, dir));
    const file = openResultCache(options(root, dir)).file;
    assert.ok(existsSync(file));
    writeFileSync(file, '{"format":1,"key":"tru');
    const afterGarbage = await scan(root, options(root, dir));
    assert.deepEqual(afterGarbage.stats, { hits: 0, misses: 3, stored: 3 });
    assert.deepEqual(findingsOf(afterGarbage.out), findingsOf(first.out));
    // One entry broken (no findings array): that file misses, the others hit.
    const data = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, { r: { findings?: unknown } }> };
    delete data.entries['app.js'].r.findings;
    writeFileSync(file, JSON.stringify(data));
    const afterBadEntry = await scan(root, options(root, dir));
    assert.deepEqual(afterBadEntry.stats, { hits: 2, misses: 1, stored: 1 });
    assert.deepEqual(findingsOf(afterBadEntry.out), findingsOf(first.out));
    // The file is valid again.
    assert.equal((await scan(root, options(root, dir))).stats?.hits, 3);
  });

  it('survives a cache folder that cannot be written, reporting why', async () => {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const cache = openResultCache(options(root, join(blocker, 'cache')));
    const out = await runScan({ root, files: [join(root, 'app.js')], jobs: 1, cache });
    assert.equal(out.files.length, 1);
    assert.match(cache.save() ?? '', /cannot write the result cache/);
  });

  it('lives in $XDG_CACHE_HOME/sealant, else the platform cache folder', () => {
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux'), join('/x/cache', 'sealant'));
    assert.match(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux'), /\.cache[\\/]sealant$/);
    assert.match(defaultCacheDir({}, 'linux'), /\.cache[\\/]sealant$/);
    assert.match(defaultCacheDir({}, 'darwin'), /Library[\\/]Caches[\\/]sealant$/);
    assert.equal(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32'), join('C:\\Users\\u\\AppData\\Local', 'sealant', 'cache'));
  });
});

describe('sealant scan and the result cache (real process)', function () {
  this.timeout(180_000);
  const CLI = join(REPO_ROOT, 'dist', 'cli.js');
  const run = (args: string[], cwd: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [CLI, 'scan', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000 });

  it('uses the cache by default (under $XDG_CACHE_HOME), and --no-cache bypasses it', () => {
    const root = project();
    const xdg = mkdtempSync(join(tmpdir(), 'sealant-xdg-'));
    try {
      const first = run(['.', '--format', 'json'], root, { XDG_CACHE_HOME: xdg });
      assert.equal(first.status, 1, first.stderr);
      const folder = join(xdg, 'sealant');
      const [name] = readdirSync(folder);
      assert.match(name, /\.json$/);
      // Plant a finding in the cached entry of clean.js: only a run that reads the cache can report it.
      const file = join(folder, name);
      const data = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, { r: { findings: unknown[] } }> };
      const real = (JSON.parse(first.stdout) as { findings: { path: string }[] }).findings;
      assert.ok(real.length > 0 && !real.some((f) => f.path === 'clean.js'));
      const template = JSON.parse(readFileSync(file, 'utf8')).entries['app.js'].r.findings[0];
      data.entries['clean.js'].r.findings = [{ ...template, path: 'clean.js', message: 'PLANTED BY THE CACHE TEST' }];
      writeFileSync(file, JSON.stringify(data));
      const cached = run(['.', '--format', 'json'], root, { XDG_CACHE_HOME: xdg });
      assert.match(cached.stdout, /PLANTED BY THE CACHE TEST/);
      const bypass = run(['.', '--format', 'json', '--no-cache'], root, { XDG_CACHE_HOME: xdg });
      assert.equal(bypass.status, 1, bypass.stderr);
      assert.doesNotMatch(bypass.stdout, /PLANTED/);
      assert.deepEqual(JSON.parse(bypass.stdout).findings, JSON.parse(first.stdout).findings);
      // --no-cache neither reads nor writes: a fresh folder stays empty.
      const other = join(xdg, 'other');
      run(['.', '--no-cache', '--cache-dir', other], root);
      assert.equal(existsSync(other), false);
      run(['.', '--cache-dir', other], root);
      assert.equal(readdirSync(other).length, 1);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(xdg, { recursive: true, force: true });
    }
  });
});
