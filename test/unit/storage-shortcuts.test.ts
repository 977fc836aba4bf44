/**
 * The storage rules skip work by what a file's text must hold (issue #10): a `debug` logger needs the module's name
 * in quotes or a `debug(` call, a secret API's argument needs the API's name, a cache client bound to a variable
 * needs its factory's name, a file stream needs `createWriteStream`, a lookup default needs a `get…`/`…env…` callee.
 * Each case sits just inside one of those tests and must still be reported; the near-misses must not be.
 */
import assert from 'node:assert/strict';
import type { Engine } from '../../src/core/engine';
import { findingLines as found, makeEngine } from './helpers/engine';

describe('storage rules: text shortcuts keep their findings', function () {
  this.timeout(60_000);
  let engine: Engine;
  before(() => {
    engine = makeEngine();
  });
  after(() => engine.dispose());

  it('a logger made by an imported `debug` factory under another name', async () => {
    const text = ["import createDebug from 'debug';", "const trace = createDebug('auth');", 'export function login(password) {', "  trace('login with %s', password);", '}'];
    assert.deepEqual(await found(engine, 'a.js', text), ['storage/sensitive-data-in-log@4']);
  });

  it('a plain function that is not made by `debug` is not a logger', async () => {
    const text = ["const trace = makeTrace('auth');", 'export function login(password) {', "  trace('login with %s', password);", '}'];
    assert.deepEqual(await found(engine, 'b.js', text), []);
  });

  it('a signing key that is not password-like, passed to a secret API', async () => {
    const text = ["import jwt from 'jsonwebtoken';", "export const token = jwt.sign({ id: 1 }, 'our signing key');"];
    assert.deepEqual(await found(engine, 'd.js', text), ['storage/hardcoded-secret@2']);
  });

  it('the default of a config lookup names the secret; the same value in a plain argument does not', async () => {
    const text = ["const dbPassword = config.get('DB_PASSWORD', 'Vq3!mZ8rL2xKp');", "fetchUser('admin', 'Vq3!mZ8rL2xKp');"];
    assert.deepEqual(await found(engine, 'c.js', text), ['storage/hardcoded-secret@1']);
    assert.deepEqual(await found(engine, 'h.py', ['import os', "API_KEY = os.getenv('API_KEY', 'Zx81-Kq2m-99Lp-Vt55')"]), ['storage/hardcoded-secret@2']);
  });

  it('cache clients and file streams bound to names that do not say so', async () => {
    const py = ['import redis', 'store = redis.Redis()', '', 'def save(ssn):', "    store.set('ssn', ssn)"];
    assert.deepEqual(await found(engine, 'e.py', py), ['storage/unencrypted-sensitive-field@5']);
    const js = ["import { createClient } from 'redis';", 'const store = createClient();', 'export async function keep(req) {', "  await store.set('user:ssn', req.body.ssn);", '}'];
    assert.deepEqual(await found(engine, 'g.js', js), ['storage/unencrypted-sensitive-field@4']);
    const file = ["import { createWriteStream } from 'node:fs';", "const out = createWriteStream('users.txt');", 'export function keep(req) {', '  out.write(req.body.password);', '}'];
    assert.deepEqual(await found(engine, 'f.js', file), ['storage/plaintext-password@4']);
  });

  it('a store that is an in-process Map is not a cache sink', async () => {
    const js = ['const store = new Map();', 'export function keep(req) {', "  store.set('user:ssn', req.body.ssn);", '}'];
    assert.deepEqual(await found(engine, 'm.js', js), []);
  });

  // The later-write search walks only what follows the assignment: its later siblings and those of its ancestors.
  it('a later write after the block that holds the assignment, or deep inside a later block', async () => {
    const after = ['export async function f(user, req) {', '  if (req.body.password) {', '    user.password = req.body.password;', '  }', '  await user.save();', '}'];
    assert.deepEqual(await found(engine, 'w1.js', after), ['storage/plaintext-password@3']);
    const deep = ['export async function f(user, req) {', '  user.password = req.body.password;', '  if (req.ok) {', '    for (const x of [1]) { await user.save(); }', '  }', '}'];
    assert.deepEqual(await found(engine, 'w2.js', deep), ['storage/plaintext-password@2']);
    const py = ['def f(user, password, db):', '    if password:', '        user.password = password', '    db.session.commit()'];
    assert.deepEqual(await found(engine, 'w3.py', py), ['storage/plaintext-password@3']);
  });

  it('no later write: one before the assignment, one in a callback, one outside the function that assigns', async () => {
    const before = ['export async function f(user, req) {', '  await user.save();', '  user.password = req.body.password;', '}'];
    assert.deepEqual(await found(engine, 'w4.js', before), []);
    const callback = ['export async function f(user, req) {', '  user.password = req.body.password;', '  setTimeout(async () => { await user.save(); });', '}'];
    assert.deepEqual(await found(engine, 'w5.js', callback), []);
    const outside = ['export async function f(users, user, req) {', '  users.forEach((u) => { user.password = req.body.password; });', '  await user.save();', '}'];
    assert.deepEqual(await found(engine, 'w6.js', outside), []);
  });

  // unencrypted-sensitive-field reads a call's path only when its callee's text names `define`, `init` or `Schema`.
  it('Sequelize `define` and `init` and a Mongoose `Schema` call declare models; another registry call does not', async () => {
    const text = [
      "const { DataTypes } = require('sequelize');",
      "const User = sequelize.define('User', { ssn: DataTypes.STRING });",
      "Patient.init({ healthRecord: DataTypes.TEXT }, { sequelize });",
      'const s = mongoose.Schema({ passportNumber: String });',
      "registry.register('User', { ssn: DataTypes.STRING });",
    ];
    assert.deepEqual(await found(engine, 'models.js', text), ['storage/unencrypted-sensitive-field@2', 'storage/unencrypted-sensitive-field@3', 'storage/unencrypted-sensitive-field@4']);
  });

  // plausible() tests a private key's shape before the placeholder tests.
  it('a base64 private key under a key name is reported; a sentence or a placeholder there is not', async () => {
    const text = [
      "const privateKey = 'MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnz';",
      "const signingPrivateKey = 'paste the private key of your account in here';",
      "const backupPrivateKey = 'EXAMPLEKEYMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6';",
    ];
    assert.deepEqual(await found(engine, 'k.js', text), ['storage/hardcoded-secret@1']);
  });
});
