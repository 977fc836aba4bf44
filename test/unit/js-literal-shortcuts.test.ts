/**
 * JavaScript shortcuts of storage/hardcoded-secret and transmission/insecure-cookie (issue #10): the secret-API test
 * and the cookie setter test from the last word of the callee's text (lastWordBefore) before any path is built, and a
 * bare session middleware only where the file imports one. Each case must still be decided as it was: a shortcut that goes too
 * far makes one of these fail.
 */
import assert from 'node:assert/strict';
import type { Engine } from '../../src/core/engine';
import { lastWordBefore } from '../../src/rules/common';
import { findingLines, makeEngine } from './helpers/engine';

const findings = (engine: Engine, ruleId: string, path: string, lines: string[]): Promise<string[]> => findingLines(engine, path, lines, [ruleId]);

describe('JavaScript literal and cookie shortcuts keep their findings', function () {
  this.timeout(60_000);
  let engine: Engine;
  before(() => {
    engine = makeEngine();
  });
  after(async () => {
    await engine.dispose();
  });

  it('lastWordBefore: the identifier characters before a position', () => {
    assert.equal(lastWordBefore('res.cookie(', 10), 'cookie');
    assert.equal(lastWordBefore('this.#set$1(', 11), 'set$1');
    assert.equal(lastWordBefore('a[b](', 4), '');
    assert.equal(lastWordBefore('sign', 4), 'sign');
  });

  it('a secret API argument that is no plausible password, after a block or a line comment, is still one', async () => {
    const text = ["import jwt from 'jsonwebtoken';", "export const a = jwt.sign(p, /* key */ 'our signing key');", 'export const b = jwt.sign(p, // the key', "  'our signing key');", "export const c = jwt.sign(p, opts, 'our signing key');", "const d = ['our signing key'];"];
    assert.deepEqual(await findings(engine, 'storage/hardcoded-secret', 'k.js', text), ['storage/hardcoded-secret@2', 'storage/hardcoded-secret@4']);
  });

  it('a secret API argument by its position, however the callee is written; another method or position is not one', async () => {
    const key = 'Zx81-Kq2m-99Lp-Vt55';
    const text = [
      "import jwt from 'jsonwebtoken';",
      "const crypto = require('crypto');",
      "const { sign: s } = require('jsonwebtoken');",
      `export const a = jwt.sign(g(x, [y, z]), '${key}');`,
      `export const b = jwt['sign']({ id: 1 }, '${key}');`,
      `export const c = s({ id: 1 }, '${key}');`,
      `export const d = new crypto.createHmac('sha256', '${key}');`,
      `export const e = crypto?.createCipheriv('aes-256-gcm', '${key}', iv);`,
      `export const f = jwt.signed({ id: 1 }, '${key}');`,
      `export const g = jwt.sign({ id: 1 }, opts, '${key}');`,
    ];
    assert.deepEqual(await findings(engine, 'storage/hardcoded-secret', 'h.js', text), [4, 5, 6, 7, 8].map((n) => `storage/hardcoded-secret@${n}`));
  });

  it('insecure-cookie: cookie setters by their last word; a session middleware imported under any name, not a look-alike', async () => {
    const cookie = (path: string, lines: string[]): Promise<string[]> => findings(engine, 'transmission/insecure-cookie', path, lines);
    const setters = ["res.cookie('sid', token, { httpOnly: true });", "reply.setCookie('token', t);", "ctx.cookies.set('session', id, { httpOnly: true });", "res.cookies('sid', token);", "res.cookieJar('sid', token);"];
    assert.deepEqual(await cookie('a.js', setters), ['transmission/insecure-cookie@1', 'transmission/insecure-cookie@2', 'transmission/insecure-cookie@3']);
    const imported = ["const makeSession = require('express-session');", "app.use(makeSession({ secret: process.env.S, cookie: { httpOnly: true } }));"];
    assert.deepEqual(await cookie('b.js', imported), ['transmission/insecure-cookie@2']);
    const esm = ["import cs from 'cookie-session';", "app.use(cs({ name: 'session', keys }));"];
    assert.deepEqual(await cookie('c.js', esm), ['transmission/insecure-cookie@2']);
    const lookAlike = ["const makeSession = require('./session');", "app.use(makeSession({ secret: process.env.S, cookie: { httpOnly: true } }));"];
    assert.deepEqual(await cookie('d.js', lookAlike), []);
  });
});
