/** Ruby and PHP additions to cleartext-protocol, insecure-websocket and sensitive-data-in-client-storage: severity, confidence, allowed hosts. */
import assert from 'node:assert/strict';
import type { Engine } from '../../src/core/engine';
import type { Finding } from '../../src/core/types';
import { BUILTIN_RULES } from '../../src/rules';
import { makeEngine } from './helpers/engine';

const FTP = `class Uploader
  def with_password(path, password)
    ftp = Net::FTP.new('ftp.partner-reports.com')
    ftp.login('reports', password)
  end

  def anonymous(path)
    ftp = Net::FTP.new('ftp.partner-reports.com')
    ftp.putbinaryfile(path)
  end

  def from_settings(path)
    ftp = Net::FTP.new(ENV['FTP_HOST'])
    ftp.putbinaryfile(path)
  end

  def later(path, password)
    @ftp = Net::FTP.new
    @ftp.connect('ftp.partner-reports.com')
    @ftp.login('reports', password)
  end
end
`;

const SMTP = `class Mail
  def opportunistic(msg, user, smtp_password)
    Net::SMTP.start('smtp.partner.com', 587, 'helo', user, smtp_password, :plain) { |s| s.send_message(msg, 'a@x.org', 'b@x.org') }
  end

  def off(msg, user, smtp_password)
    Net::SMTP.start('smtp.partner.com', 587, 'helo', user, smtp_password, :plain, starttls: false) { |s| s.send_message(msg, 'a@x.org', 'b@x.org') }
  end
end
`;

const COOKIES = `class SessionsController < ApplicationController
  def create
    cookies[:auth_token] = params[:token]
    session[:ssn] = params[:ssn]
  end
end
`;

const PHP_WS = `<?php
use function Ratchet\\Client\\connect;
use WebSocket\\Client;

$a = connect('ws://stream.partner.com/prices');
$b = new Client('ws://metrics.partner.com/live');
$c = new Client('wss://stream.partner.com/prices');
`;

const RUBY_WS = `def stream(user)
  ws = WebSocket::Client::Simple.connect 'ws://stream.partner.com/events'
  ws.send({ email: user.email }.to_json)
  quiet = WebSocket::Client::Simple.connect 'ws://stream.partner.com/ticks'
  quiet.send('ping')
end
`;

async function findings(engine: Engine, path: string, text: string, rule: string): Promise<Finding[]> {
  const r = await engine.analyze({ path, text });
  return r.findings.filter((f) => f.ruleId === rule);
}

const lines = (fs: Finding[]) => fs.map((f) => f.range.start.line + 1);

describe('Ruby and PHP transmission and client-storage additions', () => {
  let plain: Engine;
  let allowed: Engine;
  before(() => {
    plain = makeEngine({ rules: BUILTIN_RULES });
    allowed = makeEngine({ rules: BUILTIN_RULES, config: { hosts: { allowInsecure: ['metrics.partner.com', 'smtp.partner.com'] } } });
  });
  after(async () => {
    await plain.dispose();
    await allowed.dispose();
  });

  it('Net::FTP: an error with a login, a warning without, medium confidence for a configured host', async () => {
    const fs = await findings(plain, 'app/uploader.rb', FTP, 'transmission/cleartext-protocol');
    assert.deepEqual(lines(fs), [3, 8, 13, 18]);
    assert.deepEqual(fs.map((f) => f.severity), ['error', 'warning', 'warning', 'error']);
    assert.deepEqual(fs.map((f) => f.confidence), ['high', 'high', 'medium', 'high']);
    assert.match(fs[0].message, /FTP connection to ftp\.partner-reports\.com without TLS: the password/);
    assert.match(fs[2].message, /the configured host/);
  });

  it('Net::SMTP: opportunistic STARTTLS is a warning, STARTTLS switched off with a password an error; allowed hosts are skipped', async () => {
    const fs = await findings(plain, 'app/mail.rb', SMTP, 'transmission/cleartext-protocol');
    assert.deepEqual(lines(fs), [3, 7]);
    assert.deepEqual(fs.map((f) => f.severity), ['warning', 'error']);
    assert.match(fs[0].message, /at best opportunistic/);
    assert.match(fs[1].message, /STARTTLS switched off/);
    assert.deepEqual(await findings(allowed, 'app/mail.rb', SMTP, 'transmission/cleartext-protocol'), []);
  });

  it('Rails cookies are high confidence; the session (store may be configured elsewhere) medium', async () => {
    const fs = await findings(plain, 'app/controllers/sessions_controller.rb', COOKIES, 'storage/sensitive-data-in-client-storage');
    assert.deepEqual(lines(fs), [3, 4]);
    assert.deepEqual(fs.map((f) => f.confidence), ['high', 'medium']);
    assert.deepEqual(fs.map((f) => f.severity), ['warning', 'error']);
    assert.match(fs[0].message, /not httpOnly/);
    assert.match(fs[1].message, /Rails session/);
  });

  it('Ruby WebSocket: personal data sent later on the socket makes it an error', async () => {
    const fs = await findings(plain, 'app/stream.rb', RUBY_WS, 'transmission/insecure-websocket');
    assert.deepEqual(lines(fs), [2, 4]);
    assert.deepEqual(fs.map((f) => f.severity), ['error', 'warning']);
    assert.deepEqual(fs[0].dataTypes, ['email']);
  });

  it('PHP: imported Pawl connect and textalk Client are found; hosts.allowInsecure applies', async () => {
    const fs = await findings(plain, 'src/feed.php', PHP_WS, 'transmission/insecure-websocket');
    assert.deepEqual(lines(fs), [5, 6]);
    assert.deepEqual(lines(await findings(allowed, 'src/feed.php', PHP_WS, 'transmission/insecure-websocket')), [5]);
  });
});
