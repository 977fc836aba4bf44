/**
 * `sealant inventory` as a real process (the built bundle), and the HTML report in headless Chromium: it renders
 * without console errors, loads nothing from the network, draws the diagram, and opens a location in a webview.
 * Set SEALANT_UPDATE_SCREENSHOT=1 to refresh media/inventory.png (referenced from the README).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { chromium, type BrowserContext } from 'playwright-core';
import { REPO_ROOT } from './helpers/paths';
import { CLI, sealant } from './helpers/cli';

const CHROMIUM = '/usr/bin/chromium';
const SECRETS = ['sk_live_51HxQjKLmN0pQrStUvWxYz0123456789abcdEFGHijklMNOP', '9f8e7d6c5b4a39281706f5e4d3c2b1a0'];


describe('sealant inventory (real process)', function () {
  this.timeout(180_000);
  const outputs = new Map<string, string>();

  before(function () {
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    if (!/inventory/.test(help.stdout)) throw new Error('dist/cli.js has no inventory command: run `node scripts/build.mjs` first');
    for (const format of ['markdown', 'json', 'csv', 'html']) {
      const r = sealant(['inventory', 'examples', '--format', format, '--jobs', '2']);
      assert.equal(r.code, 0, `${format}: ${r.stderr}`);
      outputs.set(format, r.stdout);
    }
  });

  it('writes a schema-valid JSON inventory of the examples', () => {
    const json = JSON.parse(outputs.get('json') ?? '') as { summary: { dataTypes: number; locations: number }; dataTypes: { id: string }[] };
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'inventory.schema.json'), 'utf8')) as object);
    assert.ok(validate(json), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    for (const id of ['password', 'ssn', 'card_number', 'email']) assert.ok(json.dataTypes.some((t) => t.id === id), `${id} missing`);
  });

  it('gives the same locations in every format', () => {
    const json = JSON.parse(outputs.get('json') ?? '') as { summary: { locations: number; dataTypes: number }; dataTypes: { label: string }[] };
    const csvRows = (outputs.get('csv') ?? '').trimEnd().split('\r\n').length - 1;
    assert.equal(csvRows, json.summary.locations);
    const md = outputs.get('markdown') ?? '';
    const html = outputs.get('html') ?? '';
    for (const t of json.dataTypes) {
      assert.ok(md.includes(t.label), `markdown lacks ${t.label}`);
      assert.ok(html.includes(t.label), `html lacks ${t.label}`);
    }
  });

  it('never prints a secret of the examples in any format', () => {
    for (const [format, out] of outputs) for (const s of SECRETS) assert.ok(!out.includes(s) && !out.includes(s.slice(0, 12)), `${format} contains a secret`);
  });

  it('reads .sql and .prisma schema files, writes --output, and exits 2 on usage errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealant-inv-'));
    try {
      mkdirSync(join(dir, 'db'));
      writeFileSync(join(dir, 'db', 'schema.sql'), 'CREATE TABLE patients (\n  id INT,\n  diagnosis TEXT,\n  ssn_hash TEXT\n);\n');
      writeFileSync(join(dir, 'app.py'), 'import logging\nlog = logging.getLogger(__name__)\n\ndef f(patient):\n    log.info("dx %s", patient.diagnosis)\n');
      const r = sealant(['inventory', '.', '--format', 'json', '--output', 'inv.json'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /wrote the json inventory/);
      const inv = JSON.parse(readFileSync(join(dir, 'inv.json'), 'utf8')) as { dataTypes: { id: string; stored: { path: string; target: string; protection: string }[]; logged: unknown[] }[]; hints: unknown[] };
      const health = inv.dataTypes.find((t) => t.id === 'health');
      assert.deepEqual(health?.stored.map((l) => [l.path, l.target, l.protection]), [['db/schema.sql', 'patients.diagnosis', 'clear']]);
      assert.equal(health?.logged.length, 1);
      assert.deepEqual(inv.dataTypes.find((t) => t.id === 'ssn')?.stored.map((l) => l.protection), ['hashed']);
      for (const args of [['inventory', '--format', 'pdf'], ['inventory', '--frobnicate'], ['inventory', 'no-such-dir']]) {
        const bad = sealant(args, dir);
        assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
        assert.match(bad.stderr, /^sealant: /);
      }
      assert.match(sealant(['inventory', '--help'], dir).stdout, /--format <markdown\|json\|csv\|html>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('obeys the team config: its sanitizers protect, its data types are inventoried, its ignore globs skip', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealant-inv-team-'));
    try {
      writeFileSync(join(dir, '.sealant.yml'), [
        'sanitizers:',
        '  - kind: encrypt',
        '    call: vault.protect',
        '    label: Acme Vault',
        'dataTypes:',
        '  types:',
        '    - id: loyalty_number',
        '      category: personal',
        '      label: a loyalty card number',
        '      names: [loyalty number, loyalty no]',
        'ignore: ["generated/**"]',
        '',
      ].join('\n'));
      mkdirSync(join(dir, 'generated'));
      writeFileSync(join(dir, 'generated', 'client.js'), "app.post('/g', (req, res) => db.users.insert({ phone: req.body.phone }));\n");
      writeFileSync(join(dir, 'app.js'), [
        "app.post('/join', async (req, res) => {",
        '  const { ssn, loyaltyNo } = req.body;',
        '  await db.members.insert({ ssn: vault.protect(ssn), loyaltyNo });',
        '});',
        '',
      ].join('\n'));
      const r = sealant(['inventory', '.', '--format', 'json'], dir);
      assert.equal(r.code, 0, r.stderr);
      const inv = JSON.parse(r.stdout) as { dataTypes: { id: string; label: string; stored: { target: string; protection: string; protectedBy?: string }[] }[] };
      const ssn = inv.dataTypes.find((t) => t.id === 'ssn');
      assert.deepEqual(ssn?.stored.map((l) => [l.target, l.protection, l.protectedBy]), [['members.ssn', 'encrypted', 'vault.protect']]);
      const loyalty = inv.dataTypes.find((t) => t.id === 'loyalty_number');
      assert.equal(loyalty?.label, 'Loyalty card number');
      assert.deepEqual(loyalty?.stored.map((l) => [l.target, l.protection]), [['members.loyaltyNo', 'clear']]);
      assert.ok(!inv.dataTypes.some((t) => t.id === 'phone'), 'generated/ is ignored by the team config');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('HTML report in headless Chromium', () => {
    let context: BrowserContext | undefined;
    let profile: string;
    let file: string;

    before(async function () {
      if (!existsSync(CHROMIUM)) this.skip();
      profile = mkdtempSync(join(tmpdir(), 'sealant-chromium-'));
      file = join(profile, 'inventory.html');
      writeFileSync(file, outputs.get('html') ?? '');
      context = await chromium.launchPersistentContext(join(profile, 'user-data'), {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
        viewport: { width: 1100, height: 900 },
      });
    });
    after(async () => {
      await context?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it('renders offline without console errors, draws the diagram and the tables', async () => {
      assert.ok(context);
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (r) => {
        if (r.url() !== `file://${file}`) requests.push(r.url());
      });
      await page.goto(`file://${file}`, { waitUntil: 'load' });
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, [], 'the report loads nothing');
      // Page code as strings: the test is compiled without the DOM library, and the page has no test helpers.
      const diagram = (await page.evaluate(`(() => {
        const svg = document.querySelector('svg.diagram');
        const texts = (sel) => [...document.querySelectorAll(sel)].map((t) => t.textContent || '');
        return {
          width: svg ? svg.getBoundingClientRect().width : 0,
          nodes: texts('svg.diagram .node text'),
          clearLinks: document.querySelectorAll('svg.diagram .link.p-clear').length,
          protectedLinks: document.querySelectorAll('svg.diagram .link:not(.p-clear):not(.collect)').length,
          collectLinks: document.querySelectorAll('svg.diagram .link.collect').length,
          tables: document.querySelectorAll('table').length,
          plainHosts: texts('svg.diagram .node.plain text'),
        };
      })()`)) as { width: number; nodes: string[]; clearLinks: number; protectedLinks: number; collectLinks: number; tables: number; plainHosts: string[] };
      assert.ok(diagram.width > 600, `diagram width ${diagram.width}`);
      for (const label of ['Password', 'US Social Security number', 'Payment card number', 'Email address', 'database: users', 'log: winston', 'POST /signup']) {
        assert.ok(diagram.nodes.includes(label), `no diagram node "${label}" in ${diagram.nodes.join(', ')}`);
      }
      assert.ok(diagram.clearLinks > 0 && diagram.protectedLinks > 0 && diagram.collectLinks > 0, JSON.stringify(diagram));
      assert.deepEqual(diagram.plainHosts.sort(), ['http://api.partner-crm.com', 'http://partner-crm.com']);
      assert.ok(diagram.tables > 5);
      const png = await page.screenshot({ fullPage: false });
      assert.ok(png.length > 10_000);
      if (process.env.SEALANT_UPDATE_SCREENSHOT === '1') writeFileSync(join(REPO_ROOT, 'media', 'inventory.png'), png);
      // Hovering a data type highlights its links.
      await page.hover('svg.diagram .node.type >> nth=0');
      assert.equal(await page.evaluate("document.querySelector('svg.diagram').classList.contains('focus') && document.querySelectorAll('svg.diagram .link.on').length > 0"), true);
      await page.close();
    });

    it('in a VS Code webview, clicking a location asks the extension to open it', async () => {
      assert.ok(context);
      const page = await context.newPage();
      // A string, not a function: the test's compiled functions may reference helpers the page does not have.
      await page.addInitScript('window.__sent = []; window.acquireVsCodeApi = function () { return { postMessage: function (m) { window.__sent.push(m); } }; };');
      await page.goto(`file://${file}`, { waitUntil: 'load' });
      const target = page.locator('[data-path="examples/express-api/src/billing.ts"]').first();
      const line = Number(await target.getAttribute('data-line'));
      await target.click();
      const sent = await page.evaluate('window.__sent');
      assert.deepEqual(sent, [{ type: 'open', path: 'examples/express-api/src/billing.ts', line }]);
      await page.close();
    });
  });
});
