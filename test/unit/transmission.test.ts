/** The transmission family with a team config: approved hosts, hosts allowed on plain HTTP, test code, examples. */
import assert from 'node:assert/strict';
import type { Engine } from '../../src/core/engine';
import type { Finding } from '../../src/core/types';
import { TRANSMISSION_RULES } from '../../src/rules/transmission';
import { classifyHost } from '../../src/rules/hosts';
import { pathKind } from '../../src/core/text';
import { makeEngine } from './helpers/engine';

const JS = `const axios = require('axios');
const Sentry = require('@sentry/node');
async function share(user, secret) {
  await axios.post('https://crm.vendor.io/contacts', { email: user.email });
  await axios.post('https://api.partner.com/contacts', { email: user.email });
  await axios.post('https://auth.vendor.io/oauth/token', { client_secret: secret });
  await axios.post('https://eu.partner.com/contacts', { plan: user.plan });
  Sentry.setUser({ id: user.id, email: user.email });
  analytics.identify(user.id, { email: user.email });
}
`;

const PY = `import requests

def share(customer):
    requests.post("https://crm.vendor.io/contacts", json={"ssn": customer.ssn})
    requests.post("https://api.partner.com/contacts", json={"ssn": customer.ssn})
`;

const JAVA = `import io.sentry.Sentry;
import org.springframework.web.client.RestTemplate;
class Share {
  void share(RestTemplate restTemplate, Customer customer) {
    restTemplate.postForObject("https://crm.vendor.io/contacts", java.util.Map.of("ssn", customer.getSsn()), String.class);
    restTemplate.postForObject("https://api.partner.com/contacts", java.util.Map.of("ssn", customer.getSsn()), String.class);
    Sentry.setExtra("email", customer.getEmail());
  }
}
`;

const CSHARP = `using Sentry;
class Share {
  async Task Send(HttpClient client, Customer customer) {
    await client.PostAsJsonAsync("https://crm.vendor.io/contacts", new { email = customer.Email });
    await client.PostAsJsonAsync("https://api.partner.com/contacts", new { email = customer.Email });
    SentrySdk.SetExtra("email", customer.Email);
  }
}
`;

const GO = `package share

import (
	"net/http"
	"net/url"

	"github.com/getsentry/sentry-go"
)

func share(c Customer) {
	http.PostForm("https://crm.vendor.io/contacts", url.Values{"ssn": {c.SSN}})
	http.PostForm("https://api.partner.com/contacts", url.Values{"ssn": {c.SSN}})
	sentry.ConfigureScope(func(scope *sentry.Scope) { scope.SetExtra("email", c.Email) })
}
`;

const PHP = `<?php
function share($client, $customer) {
    $client->post('https://crm.vendor.io/contacts', ['json' => ['ssn' => $customer->ssn]]);
    $client->post('https://api.partner.com/contacts', ['json' => ['ssn' => $customer->ssn]]);
    \\Sentry\\configureScope(function ($scope) use ($customer) { $scope->setExtra('email', $customer->email); });
}
`;

const RUBY = `def share(customer)
  HTTParty.post('https://crm.vendor.io/contacts', body: { ssn: customer.ssn }.to_json)
  HTTParty.post('https://api.partner.com/contacts', body: { ssn: customer.ssn }.to_json)
  Sentry.set_extras(email: customer.email)
end
`;

async function findings(engine: Engine, path: string, text: string, rule?: string): Promise<Finding[]> {
  const r = await engine.analyze({ path, text });
  return r.findings.filter((f) => !rule || f.ruleId === rule);
}

const lines = (fs: Finding[]) => fs.map((f) => f.range.start.line + 1);

describe('transmission rules with a team config', () => {
  let plain: Engine;
  let approved: Engine;
  before(() => {
    plain = makeEngine({ rules: TRANSMISSION_RULES });
    approved = makeEngine({ rules: TRANSMISSION_RULES, config: { hosts: { approved: ['api.partner.com', '*.sentry.io'], allowInsecure: ['metrics.partner.com'] } } });
  });
  after(async () => {
    await plain.dispose();
    await approved.dispose();
  });

  it('without an approved list, reports only SDKs and known vendor hosts', async () => {
    const fs = await findings(plain, 'src/share.js', JS, 'transmission/pii-to-third-party');
    assert.deepEqual(lines(fs), [8, 9]);
    assert.match(fs[0].message, /Sentry \(a third party\)/);
  });

  it('with an approved list, reports personal data to external hosts that are not on it, and approved SDKs not at all', async () => {
    const fs = await findings(approved, 'src/share.js', JS, 'transmission/pii-to-third-party');
    // line 4: crm.vendor.io (not approved); line 5: approved; line 6: credentials go to their own API;
    // line 7: no personal data; line 8: Sentry approved by *.sentry.io; line 9: Segment not approved.
    assert.deepEqual(lines(fs), [4, 9]);
    assert.match(fs[0].message, /crm\.vendor\.io, which is not on the team's approved hosts list/);
    assert.equal(fs[0].severity, 'warning');
    assert.deepEqual(fs[0].dataTypes, ['email']);
  });

  it('applies the approved list to Python requests, with severity by data type', async () => {
    assert.deepEqual(await findings(plain, 'app/share.py', PY, 'transmission/pii-to-third-party'), []);
    const fs = await findings(approved, 'app/share.py', PY, 'transmission/pii-to-third-party');
    assert.deepEqual(lines(fs), [4]);
    assert.equal(fs[0].severity, 'error');
  });

  it('applies the approved list to Java and C# requests and SDKs', async () => {
    // Without a list: only the SDK (Sentry); with one: the unapproved host, and Sentry no longer (*.sentry.io).
    assert.deepEqual(lines(await findings(plain, 'src/main/java/Share.java', JAVA, 'transmission/pii-to-third-party')), [7]);
    const java = await findings(approved, 'src/main/java/Share.java', JAVA, 'transmission/pii-to-third-party');
    assert.deepEqual(lines(java), [5]);
    assert.equal(java[0].severity, 'error');
    assert.deepEqual(lines(await findings(plain, 'Services/Share.cs', CSHARP, 'transmission/pii-to-third-party')), [6]);
    const cs = await findings(approved, 'Services/Share.cs', CSHARP, 'transmission/pii-to-third-party');
    assert.deepEqual(lines(cs), [4]);
    assert.match(cs[0].message, /crm\.vendor\.io, which is not on the team's approved hosts list/);
  });

  for (const [name, path, text, sdkLine, hostLine] of [
    ['Go', 'internal/share/share.go', GO, 13, 11],
    ['PHP', 'src/share.php', PHP, 5, 3],
    ['Ruby', 'app/share.rb', RUBY, 4, 2],
  ] as const) {
    it(`applies the approved list to ${name} requests and SDKs`, async () => {
      // Without a list: only the SDK (Sentry); with one: the unapproved host, and Sentry no longer (*.sentry.io).
      assert.deepEqual(lines(await findings(plain, path, text, 'transmission/pii-to-third-party')), [sdkLine]);
      const fs = await findings(approved, path, text, 'transmission/pii-to-third-party');
      assert.deepEqual(lines(fs), [hostLine]);
      assert.equal(fs[0].severity, 'error');
      assert.match(fs[0].message, /crm\.vendor\.io, which is not on the team's approved hosts list/);
    });
  }

  it('does not report hosts listed under hosts.allowInsecure', async () => {
    const text = "fetch('http://metrics.partner.com/push', { method: 'POST' });\nfetch('http://other.partner.com/push');\n";
    assert.deepEqual(lines(await findings(plain, 'src/m.js', text, 'transmission/insecure-request')), [1, 2]);
    assert.deepEqual(lines(await findings(approved, 'src/m.js', text, 'transmission/insecure-request')), [2]);
  });

  it('makes credentials in an http:// URL an error', async () => {
    const fs = await findings(plain, 'src/export.js', "fetch('http://admin:Zq8rT2vLm@api.partner.com/export');\n", 'transmission/insecure-request');
    assert.equal(fs.length, 1);
    assert.equal(fs[0].severity, 'error');
    assert.match(fs[0].message, /^Credentials in the URL sent over plain HTTP to api\.partner\.com/);
    assert.ok(!fs[0].message.includes('Zq8rT2vLm'));
  });

  it('skips test code (a library test suite talking to plain-HTTP test servers) but checks examples', async () => {
    const text = "const https = require('https');\nfetch('http://api.partner.com/x', { method: 'POST', body: JSON.stringify({ email: user.email }) });\nnew https.Agent({ rejectUnauthorized: false });\n";
    for (const path of ['test/client.test.js', 'tests/helpers.js', 'src/__tests__/a.js', 'spec/a.spec.ts', 'lib/testing/server.js']) {
      assert.deepEqual(await findings(plain, path, text), [], path);
    }
    const fs = await findings(plain, 'examples/app.js', text);
    assert.deepEqual(fs.map((f) => [f.ruleId, f.confidence]), [['transmission/insecure-request', 'medium'], ['transmission/tls-verification-disabled', 'medium']]);
    assert.deepEqual(await findings(plain, 'tests/test_client.py', 'import requests\nrequests.get("http://api.partner.com/x", verify=False)\n'), []);
  });

  it('classifies hosts', () => {
    assert.equal(classifyHost('localhost'), 'local');
    assert.equal(classifyHost('[::1]'), 'local');
    assert.equal(classifyHost('api.example.com'), 'local');
    assert.equal(classifyHost('198.51.100.4'), 'local');
    assert.equal(classifyHost('169.254.169.254'), 'local');
    assert.equal(classifyHost('backend'), 'internal');
    assert.equal(classifyHost('10.0.3.4'), 'private');
    assert.equal(classifyHost('api.partner.com'), 'public');
    assert.equal(classifyHost('api.partner.com', ['*.partner.com']), 'allowed');
    assert.equal(classifyHost('%s'), 'unknown');
    assert.equal(classifyHost('api.'), 'unknown');
    assert.equal(pathKind('django/tests.py'), 'test');
    assert.equal(pathKind('examples/app.py'), 'example');
  });
});
