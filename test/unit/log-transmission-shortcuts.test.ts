/**
 * The log and transmission rules skip work before they work out a callee's path (issue #10): the log rule tells an
 * identifier callee from a member access by its text, the HTTP-call test reads a method's name before its receiver,
 * and the Python TLS rule looks at calls only in files that name `_create_unverified_context` / `_create_stdlib_context`.
 * Each case sits just inside one of those tests and must still be reported; the near-misses must not be.
 */
import assert from 'node:assert/strict';
import type { Node } from 'web-tree-sitter';
import type { Engine } from '../../src/core/engine';
import { languageForPath } from '../../src/languages/registry';
import { calleeIsIdentifier } from '../../src/rules/storage/sensitive-data-in-log';
import { findingLines as found, makeEngine } from './helpers/engine';

const LOG = 'storage/sensitive-data-in-log';
const TLS = 'transmission/tls-verification-disabled';
const REQUEST = 'transmission/insecure-request';
const PII = 'transmission/pii-to-third-party';

describe('log and transmission rules: shortcuts keep their findings', function () {
  this.timeout(60_000);
  let engine: Engine;
  before(() => {
    engine = makeEngine();
  });
  after(() => engine.dispose());

  // Every callee shape the log rule's patterns capture, with the text between it and its arguments.
  const CALLEES: Array<[string, string]> = [
    ['a.ts', 'log(x); log (x); $log(x); _l1(x);'],
    ['a.ts', 'dbg?.(x); log /* a.b */ (x); log<a.B>(x); log<T>(x); ñandú(x);'],
    ['a.ts', 'a.b(x); a?.b(x); a . b (x); this.log(x); a.b.c(x); a[0].b(x); a /* c */ .b(x); a.#p(x);'],
    ['a.py', 'print(x)\nprint (x)\na.b(x)\na . b(x)\n(print # a.b\n (x))\nprint \\\n(x)\n(a # c\n .b(x))\nñandú(x)\n'],
  ];
  for (const [path, code] of CALLEES) {
    it(`tells identifier callees from member accesses by their text: ${JSON.stringify(code.slice(0, 40))}`, async () => {
      const lang = languageForPath(path)!;
      const tree = await engine.parse(lang, code);
      assert.ok(tree);
      try {
        const calls = tree.rootNode.descendantsOfType(['call_expression', 'call']).filter((n): n is Node => !!n);
        assert.ok(calls.length >= 4, 'the snippet has calls');
        for (const call of calls) {
          const callee = call.childForFieldName('function');
          const args = call.childForFieldName('arguments');
          if (!callee || !args || !['identifier', 'member_expression', 'attribute'].includes(callee.type)) continue;
          const text = code.slice(callee.startIndex, args.startIndex);
          assert.equal(calleeIsIdentifier(callee, text), callee.type === 'identifier', `${callee.type}: ${JSON.stringify(text)}`);
        }
      } finally {
        tree.delete();
      }
    });
  }

  it('a `debug` logger called with optional chaining or type arguments is still a log call', async () => {
    // `audit` holds no log word: only the callee's being an identifier lets the call through to the definition look-up.
    const text = ["import createDebug from 'debug';", "const audit = createDebug('auth');", 'export function login(password: string) {', "  audit?.('login with %s', password);", "  audit<string>('login with %s', password);", "  audit('login with %s', password);", '}'];
    assert.deepEqual(await found(engine, 'a.ts', text, [LOG]), [`${LOG}@4`, `${LOG}@5`, `${LOG}@6`]);
  });

  it('print called across a line continuation or with a comment before its arguments', async () => {
    const text = ['def login(password):', '    print \\', '        (password)', '    (print  # show it', '        (password))'];
    assert.deepEqual(await found(engine, 'a.py', text, [LOG]), [`${LOG}@2`, `${LOG}@4`]);
  });

  it('loggers made by each kind of factory, under names that do not say so, are still loggers', async () => {
    const py = [
      ['import logging', "audit = logging.getLogger('audit')", 'def login(password):', "    audit.info('login %s', password)"],
      ['import structlog', 'audit = structlog.get_logger()', 'def login(password):', "    audit.info('login', pw=password)"],
      ['import logging', "audit = logging.getLogger('a').getChild('b')", 'def login(password):', "    audit.info('login %s', password)"],
      ['from structlog import get_logger as mk', 'audit = mk().bind(app=1)', 'def login(password):', "    audit.info('login %s', password)"],
    ];
    for (const text of py) assert.deepEqual(await found(engine, 'a.py', text, [LOG]), [`${LOG}@4`], text[1]);
    const js = [
      ["import pino from 'pino';", 'const audit = pino();', 'export function login(password) {', "  audit.info('login %s', password);", '}'],
      ["import { createLogger } from 'winston';", 'const audit = createLogger({});', 'export function login(password) {', "  audit.info('login %s', password);", '}'],
      ["import bunyan from 'bunyan';", "const audit = bunyan.createLogger({ name: 'a' });", 'export function login(password) {', "  audit.info('login %s', password);", '}'],
      ["import { logger } from './log';", 'const audit = logger.child({});', 'export function login(password) {', "  audit.info('login %s', password);", '}'],
      ["import { Logger } from '@nestjs/common';", "const audit = new Logger('auth');", 'export function login(password) {', "  audit.log('login %s', password);", '}'],
    ];
    for (const text of js) assert.deepEqual(await found(engine, 'a.js', text, [LOG]), [`${LOG}@4`], text[1]);
  });

  // In Python `child`, `bind` and `new` count only where they may be a callee's last name: each form is one case.
  it('Python loggers made by `child`, `bind` or `new` in each written form are still loggers', async () => {
    const made = [
      ['from mylib import make', 'audit = make().bind(app=1)'],
      ['from mylib import base', "audit = (base.child)(name='a')"],
      ['from mylib import base', "audit = base['child']('a')"],
      ['from mylib import base', 'audit = (base.new  # one per module', "         )('a')"],
      ['from mylib import base', 'audit = base.new \\', "    ('a')"],
      ['from mylib import child as mk', "audit = mk('a')"],
    ];
    for (const lines of made) {
      const text = [...lines, 'def login(password):', "    audit.info('login %s', password)"];
      assert.deepEqual(await found(engine, 'a.py', text, [LOG]), [`${LOG}@${text.length}`], lines.join(' / '));
    }
  });

  it('a method named like a log method on a value that is no logger is not a log call', async () => {
    const text = ["const audit = makeAudit('auth');", 'export function login(password) {', "  audit.info('login %s', password);", '}'];
    assert.deepEqual(await found(engine, 'b.js', text, [LOG]), []);
    const py = ['import warnings', 'def login(password):', "    warnings.warn('login %s' % password)"];
    assert.deepEqual(await found(engine, 'b.py', py, [LOG]), []);
  });

  it('unverified TLS contexts are reported in files that name them; other calls are not', async () => {
    const text = ['import ssl', 'import urllib.request', '', 'def fetch(url):', '    a = ssl._create_unverified_context()', '    b = ssl._create_stdlib_context()', '    c = ssl.create_default_context()', '    return urllib.request.urlopen(url, context=a)'];
    assert.deepEqual(await found(engine, 'a.py', text, [TLS]), [`${TLS}@5`, `${TLS}@6`]);
    const stdlib = ['from ssl import *', '', 'def fetch():', '    return _create_stdlib_context()'];
    assert.deepEqual(await found(engine, 'b.py', stdlib, [TLS]), [`${TLS}@4`]);
    assert.deepEqual(await found(engine, 'c.py', ['import ssl', '', 'def fetch():', '    return ssl.create_default_context(verify=True)'], [TLS]), []);
  });

  it('every Python keyword switch is still looked at once keyword names are filtered first', async () => {
    const text = [
      'import requests, ssl, aiohttp, urllib3',
      'from elasticsearch import Elasticsearch',
      '',
      'def connect(url):',
      '    requests.get(url, verify=False)',
      '    Elasticsearch([url], verify_certs=False)',
      '    requests.get(url, verify_ssl=False)',
      '    requests.get(url, ssl_verify=False)',
      '    requests.get(url, validate_certs=False)',
      '    aiohttp.TCPConnector(ssl=False)',
      '    urllib3.PoolManager(cert_reqs=ssl.CERT_NONE)',
      "    urllib3.PoolManager(ssl_cert_reqs='CERT_NONE')",
      '    urllib3.PoolManager(assert_hostname=False)',
      '    urllib3.PoolManager(check_hostname=False)',
      '    requests.get(url, verify_host=False, timeout=False)',
    ];
    assert.deepEqual(await found(engine, 'a.py', text, [TLS]), [5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((l) => `${TLS}@${l}`).sort());
  });

  it('requests to a vendor host written in any case or given as a constant are still looked at', async () => {
    const js = [
      "import axios from 'axios';",
      "const HOST = 'https://Browser-Intake-DatadogHQ.com';",
      'export async function share(user) {',
      "  await axios.post('https://API.Segment.IO/v1/identify', { traits: { email: user.email } });",
      '  await axios.post(`${HOST}/api/v2/rum`, { email: user.email });',
      "  await axios.post('https://api.partner.com/v1/identify', { traits: { email: user.email } });",
      '}',
    ];
    assert.deepEqual(await found(engine, 'a.js', js, [PII]), [`${PII}@4`, `${PII}@5`]);
    const py = ['import requests', '', 'def share(user):', "    requests.post('https://app.posthog.com/capture', json={'email': user.email})"];
    assert.deepEqual(await found(engine, 'a.py', py, [PII]), [`${PII}@4`]);
  });

  it('requests recognised by their method name: XMLHttpRequest.open and a client verb', async () => {
    const js = ['export function load(xhr, api) {', "  xhr.open('GET', 'http://api.partner.com/users');", "  api.get('http://api.partner.com/users');", "  xhr.close('http://api.partner.com/users');", '}'];
    assert.deepEqual(await found(engine, 'a.js', js, [REQUEST]), [`${REQUEST}@2`, `${REQUEST}@3`]);
    const py = ['def load(session, other):', "    session.get('http://api.partner.com/users')", "    other.close('http://api.partner.com/users')"];
    assert.deepEqual(await found(engine, 'a.py', py, [REQUEST]), [`${REQUEST}@2`]);
  });
});
