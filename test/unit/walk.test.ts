/**
 * Paths in findings: toPosix (src/cli/walk.ts) takes a file below its root apart without path.relative;
 * every other pair still goes through path.relative, with the same answer. Reading: readSourceSync reads a file's
 * bytes after one fstat, with the answer of readFileSync and decode.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { decode, readSourceSync } from '../../src/cli/read';
import { toPosix } from '../../src/cli/walk';

const viaRelative = (root: string, file: string): string => relative(root, file).split(sep).join('/');

describe('toPosix', () => {
  it('gives the path relative to the root, as path.relative does, for plain and odd roots and files', () => {
    const roots = ['/work/repo', '/work/repo/', '/work/./repo', '/work/x/../repo', '/work/repo/..', '/', '', 'repo', 'work/repo', '../repo', '/work/repo2'];
    const files = [
      '/work/repo/src/a.js',
      '/work/repo/a.py',
      '/work/repo/.hidden/b.ts',
      '/work/repo/..x/c.go',
      '/work/repo/.../d.rb',
      '/work/repo/src/./e.js',
      '/work/repo/src/../f.js',
      '/work/repo//g.js',
      '/work/repo/h/',
      '/work/repo2/i.js',
      '/work/repository/j.js',
      '/elsewhere/k.js',
      '/work/repo',
      'repo/l.js',
      'work/repo/m.js',
      '../repo/n.js',
      '/work/repo/../o.js',
      '/work/x/../repo/p.js',
      ...['repo', 'repo/q.js', 'r.js', 'repo/./s.js'].map((f) => join(process.cwd(), f)),
      ...['t.js', 'repo/u.js'].map((f) => join(process.cwd(), '..', f)),
    ];
    let fast = 0;
    for (const root of roots) {
      for (const file of files) {
        assert.equal(toPosix(root, file), viaRelative(root, file), `${root} + ${file}`);
        if (root && file.startsWith(`${resolve(root)}/`)) fast++;
      }
    }
    assert.ok(fast >= 20, `${fast} pairs below their root`);
  });

  it('resolves a relative root in the working directory of each call', () => {
    const before = process.cwd();
    const dir = mkdtempSync(join(tmpdir(), 'sealant-cwd-'));
    try {
      const file = join(before, 'repo', 'a.js');
      assert.equal(toPosix('repo', file), 'a.js');
      process.chdir(dir);
      assert.equal(toPosix('repo', file), viaRelative('repo', file));
      assert.equal(toPosix('repo', join(process.cwd(), 'repo', 'b.js')), 'b.js');
    } finally {
      process.chdir(before);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readSourceSync', () => {
  it('reads and decodes files as readFileSync and decode do: empty, UTF-8 with and without a BOM, UTF-16, large, binary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealant-read-'));
    try {
      const big = 'const user = { name: "Zoë", ssn: req.body.ssn };\n'.repeat(20_000);
      const cases: [string, Uint8Array][] = [
        ['empty.js', new Uint8Array()],
        ['plain.js', Buffer.from('const a = 1;\n')],
        ['bom.js', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('const é = 1;')])],
        ['utf16.js', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('const a = "ü";', 'utf16le')])],
        ['big.js', Buffer.from(big)],
        ['bin.js', Buffer.from([0x61, 0x00, 0x62])],
      ];
      for (const [name, bytes] of cases) {
        const abs = join(dir, name);
        writeFileSync(abs, bytes);
        assert.deepEqual(readSourceSync(abs), decode(readFileSync(abs)), name);
      }
      assert.deepEqual(readSourceSync(join(dir, 'big.js')), { text: big });
      assert.deepEqual(readSourceSync(join(dir, 'big.js'), 1000), { skipped: { reason: 'too-large', detail: `${Buffer.byteLength(big)} bytes, over the limit of 1000` } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
