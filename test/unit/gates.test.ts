/**
 * Rule gates that decide which files are parsed: data-type gates over every type but some (`gateTypes: { except }`),
 * source patterns per syntax family (`gateSources`), and the exact gates of the log, PII-literal and weak-hash rules:
 * where a gated rule reports, the same rule without gates reports the same, and a file without what the check needs
 * is not parsed.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { nodeHost } from '../../src/cli/node-host';
import { Engine, aroundEdit, compileGate, nonSpaceReach, type EngineConfig } from '../../src/core/engine';
import type { RuleDefinition } from '../../src/core/rule';
import type { Finding } from '../../src/core/types';
import { languageForPath } from '../../src/languages/registry';
import { BUILTIN_RULES } from '../../src/rules';
import { REPO_ROOT } from './helpers/paths';
import { leakCallRule } from './helpers/test-rule';

/** Reports every call whose callee is `leak`. */
const leak = (gates: Partial<RuleDefinition>): RuleDefinition => leakCallRule({ id: 'storage/test-gated', ...gates });

const rule = (id: string): RuleDefinition => BUILTIN_RULES.find((r) => r.id === id)!;
const ungated = (r: RuleDefinition): RuleDefinition => ({ ...r, keywords: undefined, gateTypes: undefined, gateSources: undefined, gateEither: undefined });

describe('rule gates', () => {
  const engines: Engine[] = [];
  const make = (rules: RuleDefinition[], config?: EngineConfig, incremental = false): Engine => {
    const e = new Engine(nodeHost({ root: REPO_ROOT }), { rules, config, incremental });
    engines.push(e);
    return e;
  };
  after(async () => {
    for (const e of engines) await e.dispose();
  });
  const strip = (fs: Finding[]) => fs.map((f) => [f.ruleId, f.range.startOffset, f.message]);

  it('passes the data-type gate on a source pattern of the file\'s family, or on a data-type name', async () => {
    const engine = make([leak({ keywords: 'leak', gateTypes: ['ssn'], gateSources: { js: '^(?=[\\s\\S]*\\breq\\b)[\\s\\S]*\\bbody\\b' } })]);
    const run = (path: string, text: string) => engine.analyze({ path, text });
    // The two words of the source pattern on different lines, in either order.
    assert.equal((await run('a.js', 'const b = body;\nleak(req);\n')).findings.length, 1);
    assert.equal((await run('a.js', 'leak(ssn);\n')).findings.length, 1);
    // Neither a source nor a name: not parsed.
    const none = await run('a.js', 'leak(req.query);\n');
    assert.equal(none.parsed, false);
    // The pattern is the JavaScript family's only.
    assert.equal((await run('a.py', 'leak(req.body)\n')).parsed, false);
  });

  it('gates on every data type but the excepted ones, a team\'s new types included', async () => {
    const team: EngineConfig = { dataTypes: { types: [{ id: 'badge_number', category: 'personal', label: 'a badge number', names: ['badge number'] }] } } as EngineConfig;
    const engine = make([leak({ keywords: 'leak', gateTypes: { except: ['name'] } })], team);
    assert.equal((await engine.analyze({ path: 'a.js', text: 'leak(badgeNumber);\n' })).findings.length, 1);
    assert.equal((await engine.analyze({ path: 'a.js', text: 'leak(cardNumber);\n' })).findings.length, 1);
    // A person's name is the excepted type.
    assert.equal((await engine.analyze({ path: 'a.js', text: 'leak(fullName);\n' })).parsed, false);
  });

  it('decides the data-type gates of all rules as each rule\'s own test would, in any order (typesPass)', () => {
    type Types = NonNullable<RuleDefinition['gateTypes']>;
    const engine = make([...BUILTIN_RULES]);
    const open = engine as unknown as { typesPass(types: Types, text: string): boolean; namesAnyOf(types: Types): (text: string) => boolean };
    const lists = [...new Set(BUILTIN_RULES.flatMap((r) => (r.gateTypes ? [r.gateTypes] : [])))];
    assert.ok(lists.length >= 4, `${lists.length} data-type lists`);
    const dir = join(REPO_ROOT, 'test', 'fixtures');
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.(js|ts|py|java|cs|go|php|rb)$/.test(f));
    let passed = 0;
    let failed = 0;
    files.forEach((f, i) => {
      const text = readFileSync(join(dir, f), 'utf8');
      // A different order for each file: what is implied from the lists decided before must hold whatever they were.
      const order = lists.map((_, k) => lists[(k + i) % lists.length]);
      if (i % 2) order.reverse();
      for (const types of order) {
        const want = open.namesAnyOf(types)(text);
        assert.equal(open.typesPass(types, text), want, `${f}: ${JSON.stringify(types)}`);
        if (want) passed++;
        else failed++;
      }
    });
    // Both answers occur often enough for the implications to be exercised.
    assert.ok(passed > 100 && failed > 100, `${passed} passed, ${failed} failed`);
  });

  it('answers a conjunction keyword gate as two searches exactly as the single regex does (compileGate)', () => {
    const sources = BUILTIN_RULES.flatMap((r) => [r.keywords, r.keywordsUnlessApprovedHosts]).filter((k): k is string => !!k);
    const split = sources.filter((k) => compileGate(k) instanceof RegExp === false);
    assert.ok(split.length >= 1, 'a built-in conjunction gate is split');
    // Made-up conjunctions: anchors, lookbehinds and groups in either part, and a top-level alternative that must not be split.
    const made = ['^(?=[\\s\\S]*(ab|^cd))[\\s\\S]*(?<=x)ef', '^(?=[\\s\\S]*\\bone\\b)[\\s\\S]*two$', '^(?=[\\s\\S]*a)[\\s\\S]*b|^c'];
    assert.ok(compileGate(made[2]) instanceof RegExp, 'a top-level alternative keeps the single regex');
    const dir = join(REPO_ROOT, 'test', 'fixtures');
    const texts = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.(js|ts|py|java|cs|go|php|rb)$/.test(f)).map((f) => readFileSync(join(dir, f), 'utf8'));
    texts.push('cd then xef', 'ab and ef', 'one two', 'two one', 'a b', 'c', 'static\nmulter', 'multer\nstatic', '');
    let yes = 0;
    for (const source of [...split, ...made]) {
      const gate = compileGate(source);
      const whole = new RegExp(source, 'i');
      for (const text of texts) {
        assert.equal(gate.test(text), whole.test(text), `${source.slice(0, 60)} on ${JSON.stringify(text.slice(0, 80))}`);
        if (whole.test(text)) yes++;
      }
    }
    assert.ok(yes > 10, `${yes} texts matched`);
  });

  it('transmission/pii-to-third-party: a URL opens it only with approved hosts; without them a vendor\'s host name does', async () => {
    const pii = rule('transmission/pii-to-third-party');
    const send = (host: string) => `export function share(user) {\n  axios.post('https://${host}/v1/identify', { userId: user.id, traits: { email: user.email } });\n}\n`;
    const texts = { vendor: send('api.segment.io'), rudderstack: send('hosted.rudderstack.com'), other: send('crm.partner.io') };
    const outcome: Record<string, [boolean, number][]> = {};
    const configs: [string, EngineConfig | undefined][] = [['none', undefined], ['approved', { hosts: { approved: ['*.example.com'] } }]];
    for (const [name, config] of configs) {
      const gated = make([pii], config);
      const plain = make([ungated(pii)], config);
      outcome[name] = [];
      for (const text of Object.values(texts)) {
        const got = await gated.analyze({ path: 'src/share.js', text });
        // The gate loses no finding of the rule without gates.
        assert.deepEqual(strip(got.findings), strip((await plain.analyze({ path: 'src/share.js', text })).findings), `${name}: ${text}`);
        outcome[name].push([got.parsed, got.findings.length]);
      }
    }
    // Without approved hosts: the vendors' hosts are reported (rudderstack.com is Segment's, named by no SDK word), the
    // other host is not and its file is not parsed.
    assert.deepEqual(outcome.none, [[true, 1], [true, 1], [false, 0]]);
    // With a list, any host off it is reported.
    assert.deepEqual(outcome.approved, [[true, 1], [true, 1], [true, 1]]);
  });

  /** How many findings an incremental engine gives for each text of a.js in turn, as a user typing them would see. */
  async function typed(engine: Engine, steps: string[]): Promise<number[]> {
    const lang = languageForPath('a.js')!;
    const counts: number[] = [];
    for (const text of steps) {
      const tree = (await engine.parse(lang, text))!;
      try {
        counts.push((await engine.analyzeTree({ path: 'a.js', text }, lang, tree)).length);
      } finally {
        tree.delete();
      }
    }
    return counts;
  }

  it('turns a rule on while typing when a source pattern starts to match across lines', async () => {
    const gated = leak({ keywords: 'leak', gateTypes: ['ssn'], gateSources: { js: '^(?=[\\s\\S]*\\breq\\b)[\\s\\S]*\\bbody\\b' } });
    const engine = make([gated], undefined, true);
    const before = 'function f(x) {\n  leak(x);\n}\nconst body = 1;\n';
    const after = before.replace('  leak(x);\n', '  leak(x);\n  const req = 2;\n');
    assert.deepEqual(await typed(engine, [before, after]), [0, 1]);
  });

  it('turns a rule on while typing when either of two source patterns starts to match, each taken apart', async () => {
    const source = '^(?=[\\s\\S]*\\breq\\b)[\\s\\S]*\\bbody\\b|^(?=[\\s\\S]*\\bvars\\b)[\\s\\S]*\\b(user|profile)s?\\b';
    const gated = leak({ keywords: 'leak', gateTypes: ['ssn'], gateSources: { js: source } });
    const engine = make([gated], undefined, true);
    const start = 'function f(x) {\n  leak(x);\n}\nconst profiles = 1;\n' + 'const pad = 2;\n'.repeat(10);
    const at = start.indexOf('const pad');
    // Each step edits the text before it: an unrelated line, then the word the second conjunction lacked.
    const steps = [start, start.slice(0, at) + 'const v = 3;\n' + start.slice(at), start.slice(0, at) + 'const v = vars;\n' + start.slice(at)];
    assert.deepEqual(await typed(engine, steps), [0, 0, 1]);
  });

  describe('typing: keyword alternatives that may span lines are tested around the edit', () => {
    it('bounds the characters other than whitespace a match can hold (nonSpaceReach)', () => {
      assert.equal(nonSpaceReach(`(ssl|tls)['"]?\\s*[:=]\\s*(false|0)`), 10);
      assert.equal(nonSpaceReach("\\bio\\(\\s*['\"`]http:"), 9);
      assert.equal(nonSpaceReach('storage\\s+:file'), 12);
      assert.equal(nonSpaceReach('(?:ab|c)?\\s{2,}[]x]{2,3}\\B'), 5);
      for (const unbounded of ['a\\s*.*b', 'x+', '(ab)*', 'a{2,}', '(?=a)b', '^a', 'a$', '(a)\\1', '\\u0041', '(?<n>a)', '[ab', 'a)']) {
        assert.equal(nonSpaceReach(unbounded), undefined, unbounded);
      }
    });

    it('finds every match an edit makes in the text around the edit (aroundEdit)', () => {
      let seed = 7;
      const random = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return Math.floor(seed / 65536) % n;
      };
      const pick = (list: readonly string[]): string => list[random(list.length)];
      const space = (): string => Array.from({ length: random(6) }, () => pick([' ', '  ', '\n', '\t', '\u00a0', '\r\n'])).join('');
      const noise = (n: number): string => Array.from({ length: n }, () => pick(['x', 'a_b', ' ', '\n', '=', ':', "'", 'ss', 'l', 'tl', 'fal', 'se', '0', '.', '(', 'io', 'http', 'multi', 'part'])).join('');
      // A pattern, and a match of it with whitespace of every kind between its parts.
      const cases: [string, () => string][] = [
        [`(ssl|tls)['"]?\\s*[:=]\\s*(false|0)`, () => pick(['ssl', 'TLS', 'Ssl']) + pick(['', "'", '"']) + space() + pick([':', '=']) + space() + pick(['false', '0', 'FALSE'])],
        ["\\bio\\(\\s*['\"`]http:", () => 'io(' + space() + pick(["'", '"', '`']) + 'http:'],
        ['multipart\\s*[.:]', () => 'multipart' + space() + pick(['.', ':'])],
      ];
      for (const [source, instance] of cases) {
        const re = new RegExp(source, 'i');
        const reach = nonSpaceReach(source)!;
        let made = 0;
        let narrower = 0;
        for (let i = 0; i < 3000; i++) {
          // The new text holds a match; the old one had some part of it replaced (an insertion, a deletion or a change).
          const match = instance();
          const head = noise(random(30));
          const text = head + match + noise(random(30));
          const from = head.length + random(match.length + 3) - 2;
          const to = Math.max(0, from) + random(8);
          const old = text.slice(0, Math.max(0, from)) + noise(random(3)) + text.slice(Math.min(text.length, to));
          if (re.test(old) || !re.test(text)) continue;
          // The changed region as the engine finds it: common prefix and suffix.
          let prefix = 0;
          while (prefix < Math.min(old.length, text.length) && old[prefix] === text[prefix]) prefix++;
          let suffix = 0;
          while (suffix < Math.min(old.length, text.length) - prefix && old[old.length - 1 - suffix] === text[text.length - 1 - suffix]) suffix++;
          const window = aroundEdit(text, prefix, text.length - suffix, reach);
          assert.ok(re.test(window), `${source}: ${JSON.stringify(old)} -> ${JSON.stringify(text)}, window ${JSON.stringify(window)}`);
          made++;
          if (window.length < text.length) narrower++;
        }
        // The edits must make matches, and the windows must leave text out, or this test proves nothing.
        assert.ok(made >= 200 && narrower >= 100, `${source}: ${made} matches made, ${narrower} narrower windows`);
      }
    });

    it('turns a rule on when typing completes a match whose start is lines away across whitespace', async () => {
      const gated = leak({ keywords: 'absent|omega\\s*=\\s*1' });
      const engine = make([gated], undefined, true);
      const before = 'function f(x) {\n  leak(x);\n}\nconst omega =\n\n        \n\n          \n' + 'const pad = 2;\n'.repeat(20);
      const at = before.indexOf('const pad');
      const steps = [before, before.slice(0, at) + '1' + before.slice(at), before.slice(0, at) + '1;' + before.slice(at)];
      assert.deepEqual(await typed(engine, steps), [0, 1, 1]);
    });
  });

  describe('exact gates of built-in rules', () => {
    /** Findings of the rule with and without its gates on each text, and whether the gated engine parsed it. */
    async function compare(id: string, texts: Record<string, string>): Promise<{ path: string; parsed: boolean; findings: number }[]> {
      const gated = make([rule(id)]);
      const plain = make([ungated(rule(id))]);
      const out = [];
      for (const [path, text] of Object.entries(texts)) {
        const a = await gated.analyze({ path, text });
        const b = await plain.analyze({ path, text });
        assert.deepEqual(strip(a.findings), strip(b.findings), path);
        out.push({ path, parsed: a.parsed, findings: a.findings.length });
      }
      return out;
    }

    it('sensitive-data-in-log: request bodies, customer records and Rails filter_parameters pass its data gate', async () => {
      const found = await compare('storage/sensitive-data-in-log', {
        'src/a.js': 'app.post("/x", (req, res) => {\n  console.log(req.body);\n});\n',
        'src/b.js': 'async function f(id) {\n  const customer = await Customer.findById(id);\n  console.log(customer);\n}\n',
        'src/c.py': 'from flask import request\ndef f():\n    logging.info(request.form)\n',
        'src/d.py': 'def f(user):\n    print(vars(user))\n',
        'src/e.go': 'package x\nimport "log"\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tr.ParseForm()\n\tlog.Println(r.Form)\n}\n',
        'src/f.php': '<?php\nerror_log(print_r($_POST, true));\n',
        'src/g.rb': 'class A\n  def create\n    Rails.logger.info(params)\n  end\nend\n',
        'config/initializers/filter_parameter_logging.rb': 'Rails.application.config.filter_parameters += [:email]\n',
        'src/H.java': 'class H {\n  void f(HttpServletRequest request) {\n    log.info("p {}", request.getParameterMap());\n  }\n}\n',
        'src/I.cs': 'class I {\n  void F() {\n    Console.WriteLine(Request.Form);\n  }\n}\n',
      });
      const missing = found.filter((f) => f.findings === 0).map((f) => f.path);
      assert.deepEqual(missing, [], 'each sample must report, or it proves nothing about the gate');
    });

    it('keyword gates pass where the check reports without the client library\'s import (snippets, re-exports)', async () => {
      const cases: [string, Record<string, string>][] = [
        ['upload/no-size-limit', { 'src/a.js': "const form = new IncomingForm({ maxFileSize: 1024 * 1024 * 1024 });\n" }],
        ['transmission/insecure-websocket', { 'src/b.js': "const socket = io('http://realtime.partner.com');\nsocket.emit('register', { phone: user.phone });\n", 'src/c.py': 'def f(sio):\n    sio.connect("http://events.partner.com")\n' }],
        ['transmission/pii-to-third-party', { 'app/d.rb': 'def f(user)\n  Raven.user_context(id: user.id, email: user.email)\nend\n' }],
      ];
      for (const [id, texts] of cases) {
        const found = await compare(id, texts);
        assert.deepEqual(found.filter((f) => f.findings === 0).map((f) => f.path), [], `${id}: each sample must report`);
      }
    });

    it('sensitive-data-in-log: a log call with nothing the check can report is not parsed', async () => {
      const found = await compare('storage/sensitive-data-in-log', {
        'src/a.js': 'console.log("listening on", port);\n',
        'src/b.py': 'logger.info("started %s", name)\n',
        'src/c.js': 'console.log(fullName);\n',
      });
      assert.deepEqual(found.map((f) => f.parsed), [false, false, false]);
    });

    it('pii-literal: card numbers, SSNs and IBANs in every spelling its check knows pass the gate', async () => {
      const found = await compare('storage/pii-literal', {
        'src/a.js': "const card = '4929174833902235';\n",
        'src/b.js': "const card = '4929 1748 3390 2235';\n",
        'src/c.js': "const ssn = '372-81-5604';\n",
        'src/d.js': "const ssn = '372815604';\n",
        'src/e.js': "const iban = 'DE44500105175407324931';\n",
        'src/f.js': "const iban = 'DE44 5001 0517 5407 3249 31';\n",
        'src/g.js': "const note = 'paid with 4929-1748-3390-2235 yesterday';\n",
        'src/h.py': "record = {'ssn': '372-81-5604'}\n",
      });
      assert.deepEqual(found.filter((f) => f.findings === 0).map((f) => f.path), []);
    });

    it('pii-literal: numbers that cannot be a card, SSN or IBAN are not parsed', async () => {
      const found = await compare('storage/pii-literal', {
        'src/a.js': "const port = 8080;\nconst version = '1.22.333';\nconst sha = 'ab12';\n",
        'src/b.js': "const phone = '555-1234';\nconst id = '12345678';\n",
      });
      assert.deepEqual(found.map((f) => f.parsed), [false, false]);
    });

    it('weak-password-hash: runs only where a name may be a password or its hash', async () => {
      const found = await compare('storage/weak-password-hash', {
        'src/a.js': "const crypto = require('crypto');\nfunction save(user, password) {\n  user.password = crypto.createHash('md5').update(password).digest('hex');\n}\n",
        'src/b.js': "const crypto = require('crypto');\nconst etag = crypto.createHash('md5').update(body).digest('hex');\n",
      });
      assert.deepEqual(found.map((f) => [f.parsed, f.findings > 0]), [[true, true], [false, false]]);
    });
  });
});
