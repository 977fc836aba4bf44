/**
 * The inventory pass on annotated fixtures (test/inventory/fixtures): every `inv:` comment lists the facts
 * expected on the next code line; missing and extra facts are reported by file and line. A fixture without
 * annotations fails, so a runner that finds nothing cannot pass.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Engine } from '../../src/core/engine';
import type { FileResult, InventoryFact } from '../../src/core/types';
import { schemaFileFacts } from '../../src/inventory';
import { makeEngine, REPO_ROOT } from './helpers/engine';

const FIXTURES = join(REPO_ROOT, 'test', 'inventory', 'fixtures');
const ANNOTATION = /(?:\/\/|#|--)\s*inv:\s*(.*)$/;

function files(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const abs = join(dir, name);
    return statSync(abs).isDirectory() ? files(abs) : [abs];
  });
}

/** `line activity type sink [target] protection [unused]` for every listed fact. */
export function factKey(f: Pick<InventoryFact, 'activity' | 'dataType' | 'sink' | 'target' | 'protection' | 'unused'>, line: number): string {
  return `${line} ${f.activity} ${f.dataType} ${f.sink} ${f.target === undefined ? '-' : `[${f.target}]`} ${f.protection}${f.unused ? ' unused' : ''}`;
}

function expectations(text: string): { keys: string[]; annotations: number } {
  const lines = text.split('\n');
  const keys: string[] = [];
  let annotations = 0;
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m || line.includes('`inv:`')) return;
    annotations++;
    let next = i + 1;
    while (next < lines.length && (lines[next].trim() === '' || /^\s*(\/\/|#|--)/.test(lines[next]))) next++;
    const body = m[1].trim();
    if (body === 'none') return;
    for (const entry of body.split(' ; ')) keys.push(`${next + 1} ${entry.trim()}`);
  });
  return { keys, annotations };
}

function diff(expected: string[], actual: string[]): { missing: string[]; extra: string[] } {
  const left = [...actual];
  const missing: string[] = [];
  for (const e of expected) {
    const i = left.indexOf(e);
    if (i >= 0) left.splice(i, 1);
    else missing.push(e);
  }
  return { missing, extra: left };
}

describe('inventory pass on annotated fixtures', function () {
  this.timeout(60_000);
  let engine: Engine;
  before(() => {
    engine = makeEngine({ config: { inventory: true } });
  });
  after(async () => {
    await engine.dispose();
  });

  const all = files(FIXTURES);
  it('has fixtures for JavaScript, TypeScript/TSX, Python, Java, C#, Go, PHP, Ruby, SQL and Prisma', () => {
    for (const ext of ['.js', '.tsx', '.py', '.java', '.cs', '.go', '.php', '.rb', '.sql', '.prisma']) assert.ok(all.some((f) => f.endsWith(ext)), `no ${ext} fixture`);
  });

  for (const abs of all) {
    const rel = relative(FIXTURES, abs).split('\\').join('/');
    if (!/\.(js|jsx|ts|tsx|py|java|cs|go|php|rb|sql|prisma)$/.test(rel)) continue;
    it(rel, async () => {
      const text = readFileSync(abs, 'utf8');
      const { keys, annotations } = expectations(text);
      assert.ok(annotations > 0, `${rel} has no inv: annotations`);
      assert.ok(keys.length > 0, `${rel} expects no fact at all`);
      const result: FileResult = /\.(sql|prisma)$/.test(rel) ? schemaFileFacts(rel, text) : await engine.analyze({ path: rel, text });
      const facts = (result.facts ?? []).filter((f) => f.activity !== 'read');
      const actual = facts.map((f) => factKey(f, f.range.start.line + 1));
      const { missing, extra } = diff(keys, actual);
      assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `${rel}: missing (expected, not found) and extra (found, not expected) facts`);
    });
  }
});
