/**
 * The personal-data inventory: the golden inventory of examples/ (expectations written by reading the example
 * code), the JSON schema, the hints, the tree data for the editor view, and the text formats.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { Engine } from '../../src/core/engine';
import type { FileResult } from '../../src/core/types';
import {
  ACTIVITIES, buildInventory, buildPersonalDataTree, csvCell, CSV_COLUMNS, formatInventoryCsv, formatInventoryMarkdown, INVENTORY_RULE_ID,
  schemaFileFacts, type Inventory, type InventoryLocation, type ListedActivity,
} from '../../src/inventory';
import { parseSql } from '../../src/inventory/sql';
import { makeEngine, REPO_ROOT } from './helpers/engine';

const EXAMPLES = join(REPO_ROOT, 'examples');
const FIXTURES = join(REPO_ROOT, 'test', 'inventory', 'fixtures');
const SCHEMA = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'inventory.schema.json'), 'utf8')) as Record<string, unknown>;

interface GoldenLocation {
  file: string;
  line: string;
  sink: string;
  target?: string;
  protection?: string;
}
interface Golden {
  dataTypes: Record<string, { category: string } & Record<ListedActivity, GoldenLocation[]>>;
  hints: { kind: string; dataType: string; target: string }[];
  findingsAt: { dataType: string; activity: ListedActivity; file: string; line: string; ruleId: string }[];
  plainTransport: { count: number };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const abs = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(abs).isDirectory() ? sourceFiles(abs) : [abs];
  });
}

async function scan(engine: Engine, dir: string, prefix: string): Promise<FileResult[]> {
  const out: FileResult[] = [];
  for (const abs of sourceFiles(dir)) {
    const path = `${prefix}${relative(dir, abs).split('\\').join('/')}`;
    const text = readFileSync(abs, 'utf8');
    if (/\.(sql|prisma)$/.test(abs)) out.push(schemaFileFacts(path, text));
    else if (engine.languageOf({ path })) out.push(await engine.analyze({ path, text }));
  }
  return out;
}

function lineText(dir: string, path: string, line: number): string {
  return readFileSync(join(dir, path), 'utf8').split('\n')[line - 1] ?? '';
}

function validator(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv;
}

describe('personal-data inventory', function () {
  this.timeout(120_000);
  let engine: Engine;
  let examples: FileResult[];
  let inventory: Inventory;
  let fixtures: FileResult[];

  before(async () => {
    engine = makeEngine({ config: { inventory: true } });
    examples = await scan(engine, EXAMPLES, '');
    inventory = buildInventory(examples, { root: EXAMPLES, tool: { name: 'Sealant', version: 'test' }, generatedAt: '2025-01-01T00:00:00.000Z' });
    fixtures = await scan(engine, FIXTURES, '');
  });
  after(async () => {
    await engine.dispose();
  });

  describe('golden inventory of examples/', () => {
    const golden = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'inventory', 'examples.golden.json'), 'utf8')) as Golden;

    it('finds exactly the expected data types, in their categories', () => {
      assert.deepEqual(inventory.dataTypes.map((t) => t.id).sort(), Object.keys(golden.dataTypes).sort());
      for (const t of inventory.dataTypes) assert.equal(t.category, golden.dataTypes[t.id].category, t.id);
    });

    for (const [type, expected] of Object.entries(golden.dataTypes)) {
      for (const activity of ACTIVITIES) {
        it(`${type}: ${activity} locations and their protection`, () => {
          const actual = inventory.dataTypes.find((t) => t.id === type)?.[activity] ?? [];
          const left = actual.map((l) => ({ l, text: lineText(EXAMPLES, l.path, l.line) }));
          const missing: GoldenLocation[] = [];
          for (const e of expected[activity]) {
            const i = left.findIndex(({ l, text }) => l.path === e.file && text.includes(e.line) && l.sink === e.sink && l.target === e.target && (activity === 'collected' || l.protection === e.protection));
            if (i >= 0) left.splice(i, 1);
            else missing.push(e);
          }
          const extra = left.map(({ l, text }) => ({ file: l.path, line: text.trim(), sink: l.sink, target: l.target, protection: l.protection }));
          assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
        });
      }
    }

    it('attaches the scan findings to the locations they concern', () => {
      for (const f of golden.findingsAt) {
        const locs = inventory.dataTypes.find((t) => t.id === f.dataType)?.[f.activity] ?? [];
        const loc = locs.find((l) => l.path === f.file && lineText(EXAMPLES, l.path, l.line).includes(f.line));
        assert.ok(loc, `no ${f.activity} location of ${f.dataType} at "${f.line}"`);
        assert.ok(loc.findings.some((x) => x.ruleId === f.ruleId), `${f.ruleId} not attached at ${f.file}:${loc.line}: ${loc.findings.map((x) => x.ruleId).join(', ')}`);
      }
      // A finding about other data is not attached: the upload findings concern no personal data.
      const all = inventory.dataTypes.flatMap((t) => ACTIVITIES.flatMap((a) => t[a]));
      assert.ok(all.every((l) => l.findings.every((x) => !x.ruleId.startsWith('upload/'))));
    });

    it('gives the expected data-minimisation hints', () => {
      assert.deepEqual(
        inventory.hints.map((h) => ({ kind: h.kind, dataType: h.dataType, target: h.target })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
        [...golden.hints].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      );
    });

    it('counts what it lists in the summary', () => {
      const locs = inventory.dataTypes.flatMap((t) => ACTIVITIES.flatMap((a) => t[a]));
      assert.equal(inventory.summary.locations, locs.length);
      for (const a of ACTIVITIES) assert.equal(inventory.summary.byActivity[a], locs.filter((l) => l.activity === a).length);
      assert.equal(inventory.summary.plainTransport, golden.plainTransport.count);
      assert.equal(inventory.summary.dataTypes, Object.keys(golden.dataTypes).length);
    });
  });

  describe('JSON schema', () => {
    it('is a valid, strict JSON schema with an id matching the output', () => {
      const ajv = validator();
      assert.doesNotThrow(() => ajv.compile(SCHEMA));
      assert.equal(SCHEMA.$id, inventory.$schema);
      assert.equal((SCHEMA.properties as Record<string, { const?: unknown }>).version.const, inventory.version);
    });

    it('validates the inventory of the examples and of the fixtures', () => {
      const ajv = validator();
      const validate = ajv.compile(SCHEMA);
      for (const inv of [inventory, buildInventory(fixtures)]) {
        const json = JSON.parse(JSON.stringify(inv)) as unknown;
        assert.ok(validate(json), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
      }
    });

    it('rejects an inventory with an unknown field or a bad protection', () => {
      const validate = validator().compile(SCHEMA);
      const bad = JSON.parse(JSON.stringify(inventory)) as Inventory & { extra?: number };
      bad.extra = 1;
      assert.equal(validate(bad), false);
      const bad2 = JSON.parse(JSON.stringify(inventory)) as Inventory;
      (bad2.dataTypes[0].stored[0] as { protection: string }).protection = 'obscured';
      assert.equal(validate(bad2), false);
    });

    it('describes every field the code produces, and the code produces every field it describes', () => {
      const inv = buildInventory([...examples, ...fixtures]);
      const defs = SCHEMA.definitions as Record<string, { properties: Record<string, unknown> }>;
      const seen = (objects: object[]) => new Set(objects.flatMap((o) => Object.keys(o)));
      const locations = inv.dataTypes.flatMap((t) => ACTIVITIES.flatMap((a) => t[a]));
      const pairs: [string, Set<string>][] = [
        ['location', seen(locations)],
        ['dataType', seen(inv.dataTypes)],
        ['destination', seen(inv.destinations)],
        ['hint', seen(inv.hints)],
      ];
      for (const [def, keys] of pairs) assert.deepEqual([...keys].sort(), Object.keys(defs[def].properties).sort(), def);
      assert.deepEqual(Object.keys(inv).sort(), Object.keys(SCHEMA.properties as object).sort());
    });
  });

  describe('hints', () => {
    const file = (path: string, text: string) => engine.analyze({ path, text });

    it('a stored column read back anywhere in the code base gets no hint; one never read does', async () => {
      const write = await file('a.js', "app.post('/x', async (req, res) => { const { ssn, phone } = req.body; await db.users.insert({ ssn, phone }); });\n");
      const noRead = buildInventory([write]);
      assert.deepEqual(noRead.hints.filter((h) => h.kind === 'stored-never-read').map((h) => h.target).sort(), ['users.phone', 'users.ssn']);
      const read = await file('b.js', 'function show(row) { return row.ssn; }\n');
      assert.deepEqual(buildInventory([write, read]).hints.filter((h) => h.kind === 'stored-never-read').map((h) => h.target), ['users.phone']);
      const star = await file('c.py', 'def all_users(cur):\n    return cur.execute("SELECT * FROM users").fetchall()\n');
      assert.deepEqual(buildInventory([write, star]).hints.filter((h) => h.kind === 'stored-never-read'), []);
    });

    it('a request field bound to a name that nothing reads is collected but never used', async () => {
      const r = await file('h.py', 'from flask import request\n\n@app.route("/a", methods=["POST"])\ndef a():\n    dob = request.form["dob"]\n    email = request.form["email"]\n    return send(email)\n');
      const hints = buildInventory([r]).hints;
      assert.deepEqual(hints.map((h) => [h.kind, h.dataType, h.target]), [['collected-never-used', 'date_of_birth', 'POST /a']]);
    });
  });

  describe('engine integration', () => {
    it('records no facts and describes no inventory rule unless asked', async () => {
      const plain = makeEngine();
      try {
        const r = await plain.analyze({ path: 'x.js', text: 'const { ssn } = req.body; console.log(ssn);\n' });
        assert.equal(r.facts, undefined);
        assert.ok(r.findings.length > 0);
        assert.ok(!plain.descriptors().some((d) => d.id === INVENTORY_RULE_ID));
        assert.ok(!engine.descriptors().some((d) => d.id === INVENTORY_RULE_ID));
      } finally {
        await plain.dispose();
      }
    });

    it('never records a value: only names reach the facts', async () => {
      const secret = 'Tr0ub4dor&3-horse';
      const ssnValue = '078-05-1120';
      const r = await engine.analyze({ path: 's.js', text: `const password = '${secret}';\nconst ssn = '${ssnValue}';\nconsole.log(password, ssn);\nfetch('https://x.example-partner.com/a', { body: JSON.stringify({ ssn }) });\n` });
      const text = JSON.stringify(r.facts);
      assert.ok((r.facts ?? []).length >= 3, text);
      assert.ok(!text.includes(secret) && !text.includes(ssnValue), text);
    });
  });

  describe('Personal Data tree', () => {
    it('is type → collected / stored / logged / sent → locations, with positions and explanations', () => {
      const tree = buildPersonalDataTree(examples);
      assert.deepEqual(tree.map((n) => n.dataType), inventory.dataTypes.map((t) => t.id));
      const ssn = tree.find((n) => n.dataType === 'ssn');
      assert.ok(ssn);
      assert.equal(ssn.kind, 'dataType');
      assert.deepEqual(ssn.children.map((c) => c.label), ['Collected', 'Stored', 'Logged', 'Sent']);
      assert.match(ssn.tooltip ?? '', /matched type `ssn`/);
      const stored = ssn.children[1];
      assert.equal(stored.protection, 'clear');
      for (const loc of stored.children) {
        assert.equal(loc.kind, 'location');
        assert.ok(loc.location);
        const text = lineText(EXAMPLES, loc.location.path, loc.location.start.line + 1);
        assert.match(text, /insert|INSERT/, `${loc.id} does not point at the write`);
        assert.match(loc.tooltip ?? '', /users\.ssn/);
      }
      const password = tree.find((n) => n.dataType === 'password');
      assert.equal(password?.children.find((c) => c.activity === 'stored')?.protection, 'clear', 'the weakest protection of the stored locations');
    });

    it('has unique ids that do not change between builds, and can group by category', () => {
      const a = buildPersonalDataTree(examples);
      const b = buildPersonalDataTree([...examples].reverse());
      const ids = (nodes: typeof a): string[] => nodes.flatMap((n) => [n.id, ...ids(n.children)]);
      assert.equal(new Set(ids(a)).size, ids(a).length);
      assert.deepEqual(ids(a), ids(b));
      const grouped = buildPersonalDataTree(examples, { groupByCategory: true });
      assert.deepEqual(grouped.map((c) => c.label), inventory.categories.map((c) => c.label));
      assert.deepEqual(grouped.flatMap((c) => c.children.map((t) => t.dataType)), inventory.dataTypes.map((t) => t.id));
    });
  });

  describe('formats and helpers', () => {
    it('CSV: one row per location, quoted, spreadsheet formulas defused', () => {
      const csv = formatInventoryCsv(inventory);
      const rows = csv.trimEnd().split('\r\n');
      assert.equal(rows[0], CSV_COLUMNS.join(','));
      assert.equal(rows.length - 1, inventory.summary.locations);
      assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
      assert.equal(csvCell('a,b'), '"a,b"');
      assert.equal(csvCell(undefined), '');
    });

    it('Markdown: a summary row per data type and a section per category', () => {
      const md = formatInventoryMarkdown(inventory);
      for (const t of inventory.dataTypes) assert.match(md, new RegExp(`\\| \\[${t.label}\\]\\(#type-`));
      for (const c of inventory.categories) assert.match(md, new RegExp(`^### ${c.label}$`, 'm'));
      assert.match(md, /### Data-minimisation hints/);
      const empty = formatInventoryMarkdown(buildInventory([]));
      assert.match(empty, /No personal data found/);
    });

    it('SQL: columns of CREATE TABLE, INSERT and UPDATE with their parameters; literals and comments ignored', () => {
      const [create] = parseSql("CREATE TABLE t (\n  id INT, -- note, with a comma\n  ssn TEXT DEFAULT 'a, b',\n  CONSTRAINT pk PRIMARY KEY (id)\n)");
      assert.deepEqual(create.columns.map((c) => c.name), ['id', 'ssn']);
      const [insert] = parseSql('INSERT INTO users (email, ssn) VALUES (?, pgp_sym_encrypt(?, $key))');
      assert.deepEqual(insert.columns.map((c) => [c.name, c.param, c.protection]), [['email', { kind: 'positional', index: 0 }, undefined], ['ssn', { kind: 'positional', index: 1 }, 'encrypted']]);
      const [update] = parseSql('UPDATE users SET phone = :phone WHERE id = :id');
      assert.deepEqual(update.columns.map((c) => [c.name, c.param]), [['phone', { kind: 'named', name: 'phone' }]]);
      assert.deepEqual(parseSql('SELECT * FROM users')[0].star, true);
      assert.deepEqual(parseSql('update the docs'), []);
    });

    it('every location lists its protection, and protected ones name what protects them', () => {
      const locs: InventoryLocation[] = buildInventory(fixtures).dataTypes.flatMap((t) => [...t.stored, ...t.logged, ...t.sent]);
      assert.ok(locs.length > 30);
      for (const l of locs) if (l.protection !== 'clear') assert.ok(l.protectedBy, `${l.path}:${l.line} ${l.protection} without protectedBy`);
      for (const p of ['hashed', 'encrypted', 'tokenised', 'masked', 'clear']) assert.ok(locs.some((l) => l.protection === p), `no ${p} location in the fixtures`);
    });
  });
});
