/**
 * A realistic, hand-built ScanResult for the reporter tests: rules of all three families plus one of Sealant's
 * own notes, findings with related locations, fixes, evidence, suppressed findings (inline and triage) and
 * skipped files. Ranges are computed from the source texts below, so code frames point at real code.
 */
import type { Classification, Finding, Fix, Range, RuleDescriptor, ScanResult, SkippedFile } from '../../../src/core/types';

export const SAMPLE_ROOT = '/home/dev/shop';

export const SOURCES: Readonly<Record<string, string>> = {
  'src/server.js': [
    "const express = require('express');",
    "const multer = require('multer');",
    "const axios = require('axios');",
    "const logger = require('./logger');",
    "const db = require('./db');",
    '',
    'const app = express();',
    "const upload = multer({ dest: 'public/uploads/' });",
    "const PARTNER_API = 'http://api.partner-crm.com/v1';",
    '',
    "app.post('/signup', async (req, res) => {",
    '  const { email, password, ssn } = req.body;',
    "  const traceId = req.get('x-trace-id');",
    '  logger.info(`new signup ${email} ssn=${ssn}`);',
    "  const requestId = req.get('x-request-id');",
    '  await db.users.insert({ email, password, ssn });',
    '  await axios.post(`${PARTNER_API}/customers`, { email, ssn });',
    '  res.status(201).end();',
    '});',
    '',
  ].join('\n'),
  'src/config/admin.ts': [
    '// Bootstrap account for the first deployment.',
    "export const ADMIN_USER = 'admin';",
    "export const ADMIN_PASSWORD = 'hunter2-correct-horse-battery';",
    'export const SESSION_TTL_MS = 3_600_000;',
    '',
  ].join('\n'),
  'src/legacy/export.py': [
    'import logging',
    '',
    'logger = logging.getLogger(__name__)',
    '',
    '',
    'def export_customers(rows):',
    '    for row in rows:',
    '        # sealant-ignore storage/sensitive-data-in-log: masked upstream by the export job',
    '        logger.info("exporting %s", row["card_number"])',
    '        send_to_archive("ftp://archive.internal/customers", row)',
    '',
  ].join('\n'),
  'src/my uploads/handler.py': [
    'import os',
    'from flask import request',
    '',
    'UPLOAD_DIR = "/srv/app/static/uploads"',
    '',
    '',
    'def save_upload():',
    '    f = request.files["document"]',
    '    f.save(os.path.join(UPLOAD_DIR, f.filename))',
    '',
  ].join('\n'),
  'src/utils.js': [
    '// sealant-ignore storage/plaintext-password: legacy import',
    'const total = (a, b) => a + b;',
    'module.exports = { total };',
    '',
  ].join('\n'),
};

/** The range of the `nth` occurrence of `snippet` in a sample file (zero-based lines and columns). */
export function locate(path: string, snippet: string, nth = 0): Range {
  const source = SOURCES[path];
  let offset = -1;
  for (let i = 0; i <= nth; i++) {
    offset = source.indexOf(snippet, offset + 1);
    if (offset < 0) throw new Error(`"${snippet}" (#${nth}) not found in ${path}`);
  }
  return rangeOf(source, offset, offset + snippet.length);
}

/** An empty range (an insertion point) just after `snippet`. */
export function after(path: string, snippet: string): Range {
  const r = locate(path, snippet);
  return rangeOf(SOURCES[path], r.endOffset, r.endOffset);
}

function rangeOf(source: string, startOffset: number, endOffset: number): Range {
  const pos = (offset: number) => {
    const before = source.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, column: offset - (before.lastIndexOf('\n') + 1) };
  };
  return { start: pos(startOffset), end: pos(endOffset), startOffset, endOffset };
}

function rule(r: Omit<RuleDescriptor, 'owasp' | 'standards' | 'languages'> & Partial<RuleDescriptor>): RuleDescriptor {
  return { owasp: [], standards: [], languages: ['js', 'python'], ...r };
}

export const RULES: RuleDescriptor[] = [
  rule({
    id: 'storage/sensitive-data-in-log',
    family: 'storage',
    title: 'Sensitive data written to a log',
    description: 'Credentials, government identifiers, payment data or health data passed to a logger or console.',
    severity: 'error',
    confidence: 'high',
    cwe: [532, 312],
    owasp: ['A09:2021 Security Logging and Monitoring Failures'],
    standards: ['PCI DSS 3.3.1, 3.5.1', 'GDPR Art. 5(1)(f), Art. 32'],
    guidance: {
      why: 'Logs are copied to log aggregators, support tickets and backups, read by many people and kept for years.',
      bad: 'logger.info(`signup ${req.body.email} password=${req.body.password}`);',
      good: "logger.info('signup', { userId: user.id });",
      fix: 'Log an identifier instead of the data, or mask it (`maskCard`, `last4`) before logging.',
    },
    fixable: false,
  }),
  rule({
    id: 'storage/plaintext-password',
    family: 'storage',
    title: 'Password stored without hashing',
    description: 'A password is written to a database, file or cache as typed, or with a fast hash.',
    severity: 'error',
    confidence: 'high',
    cwe: [256, 916],
    owasp: ['A02:2021 Cryptographic Failures'],
    guidance: {
      why: 'A leaked table of clear-text passwords unlocks every account, and every other site where users reused them.',
      bad: 'await db.users.insert({ email, password });',
      good: 'await db.users.insert({ email, passwordHash: await bcrypt.hash(password, 12) });',
      fix: 'Hash with bcrypt, scrypt or Argon2 before storing; never store the password itself.',
    },
    fixable: true,
  }),
  rule({
    id: 'storage/hardcoded-secret',
    family: 'storage',
    title: 'Hard-coded credential',
    description: 'A password, API key or token written in the source code.',
    severity: 'error',
    confidence: 'medium',
    cwe: [798],
    guidance: {
      why: 'Source code is copied to every clone, CI log and backup; a secret in it is a secret shared with all of them.',
      bad: "const API_KEY = 'live-key-…';",
      good: 'const API_KEY = process.env.API_KEY;',
      fix: 'Move the secret to an environment variable or a secret manager and rotate it.',
    },
    fixable: false,
  }),
  rule({
    id: 'transmission/insecure-request',
    family: 'transmission',
    title: 'Request over an unencrypted channel',
    description: 'Data sent with http://, ws:// or ftp:// instead of an encrypted protocol.',
    severity: 'warning',
    confidence: 'medium',
    cwe: [319],
    owasp: ['A02:2021 Cryptographic Failures'],
    guidance: {
      why: 'Anyone on the network path can read and change plain HTTP traffic.',
      bad: "axios.post('http://api.partner.com/customers', customer);",
      good: "axios.post('https://api.partner.com/customers', customer);",
      fix: 'Use `https://` (or `wss://`, `sftp://`).',
    },
    fixable: true,
  }),
  rule({
    id: 'transmission/tls-verification-disabled',
    family: 'transmission',
    title: 'TLS certificate verification switched off',
    description: 'A client accepts any certificate (`rejectUnauthorized: false`, `verify=False`).',
    severity: 'error',
    confidence: 'high',
    cwe: [295],
    guidance: {
      why: 'Without verification, TLS protects against nobody who can intercept the connection.',
      bad: 'requests.get(url, verify=False)',
      good: 'requests.get(url)',
      fix: 'Remove the option; trust a private CA with its certificate instead.',
    },
    fixable: true,
  }),
  rule({
    id: 'upload/no-size-limit',
    family: 'upload',
    title: 'Upload without a size limit',
    description: 'An upload handler accepts files of any size.',
    severity: 'warning',
    confidence: 'high',
    cwe: [400, 770],
    guidance: {
      why: 'One large upload can fill the disk or memory and take the service down.',
      bad: "multer({ dest: 'uploads/' })",
      good: "multer({ dest: 'uploads/', limits: { fileSize: 5 * 1024 * 1024 } })",
      fix: 'Set a limit (`limits.fileSize`, `MAX_CONTENT_LENGTH`).',
    },
    fixable: true,
  }),
  rule({
    id: 'upload/client-filename-in-path',
    family: 'upload',
    title: "Client's file name used in the saved path",
    description: 'The name the client sent is joined into the path the upload is saved to.',
    severity: 'error',
    confidence: 'high',
    cwe: [22, 434],
    languages: ['python'],
    guidance: {
      why: 'A name like `../../app.py` or `shell.php` lets the client choose where and what it writes on the server.',
      bad: 'f.save(os.path.join(UPLOAD_DIR, f.filename))',
      good: 'f.save(os.path.join(UPLOAD_DIR, uuid4().hex + ext))',
      fix: 'Generate the name on the server; keep the extension only after checking it against an allow-list.',
    },
    fixable: true,
  }),
  rule({
    id: 'sealant/unused-suppression',
    family: 'sealant',
    title: 'Suppression that suppresses nothing',
    description: 'A sealant-ignore comment matches no finding on its line or the next one.',
    severity: 'note',
    confidence: 'high',
    cwe: [],
    guidance: {
      why: 'Stale suppressions hide future findings on that line without anyone having reviewed them.',
      bad: '// sealant-ignore storage/plaintext-password: legacy import\nconst total = a + b;',
      good: 'const total = a + b;',
      fix: 'Remove the comment, or move it next to the finding it is meant for.',
    },
    fixable: false,
  }),
];

function byName(type: string, category: Classification['category'], name: string): Classification {
  return { type, category, explanation: `\`${name}\` matched type \`${type}\` by the name pattern \`${type}\``, by: 'name' };
}

function finding(f: Omit<Finding, 'classifications' | 'related' | 'fixes'> & Partial<Finding>): Finding {
  return { classifications: [], related: [], fixes: [], ...f };
}

const S = 'src/server.js';
const A = 'src/config/admin.ts';
const L = 'src/legacy/export.py';
const U = 'src/my uploads/handler.py';
const T = 'src/utils.js';

const hashPassword: Fix = {
  title: 'Hash the password with bcrypt',
  edits: [{ range: locate(S, 'password', 1), newText: 'passwordHash: await bcrypt.hash(password, 12)' }],
  safe: false,
};

export const FINDINGS: Record<string, Finding[]> = {
  [S]: [
    finding({
      ruleId: 'storage/sensitive-data-in-log',
      family: 'storage',
      cwe: [532, 312],
      severity: 'error',
      confidence: 'high',
      path: S,
      range: locate(S, 'logger.info(`new signup ${email} ssn=${ssn}`)'),
      message: 'A social security number (`ssn`) is written to a log by `logger.info`.',
      dataTypes: ['ssn'],
      classifications: [byName('ssn', 'government_id', 'ssn')],
      related: [{ range: locate(S, 'ssn } = req.body'), message: 'The SSN comes from `req.body` here.' }],
      fingerprint: '3f6c2a9d81e04b57',
    }),
    finding({
      ruleId: 'storage/plaintext-password',
      family: 'storage',
      cwe: [256, 916],
      severity: 'error',
      confidence: 'high',
      path: S,
      range: locate(S, 'db.users.insert({ email, password, ssn })'),
      message: 'The password is stored as typed by `db.users.insert`.',
      dataTypes: ['password', 'ssn'],
      classifications: [byName('password', 'credentials', 'password'), byName('ssn', 'government_id', 'ssn')],
      related: [
        { range: locate(S, 'password', 0), message: 'The password comes from `req.body` here.' },
        { range: locate(S, 'password', 1), message: 'Stored here without a hash.' },
      ],
      fixes: [hashPassword],
      fingerprint: '9a01be77c3d2f410',
    }),
    finding({
      ruleId: 'transmission/insecure-request',
      family: 'transmission',
      cwe: [319],
      severity: 'warning',
      confidence: 'medium',
      path: S,
      range: locate(S, 'axios.post(`${PARTNER_API}/customers`, { email, ssn })'),
      message: 'Personal data (`email`, `ssn`) is sent over plain HTTP to `api.partner-crm.com`.',
      dataTypes: ['email', 'ssn'],
      classifications: [byName('email', 'contact', 'email'), byName('ssn', 'government_id', 'ssn')],
      related: [{ range: locate(S, "'http://api.partner-crm.com/v1'"), message: 'The URL `PARTNER_API` starts with `http://`.' }],
      fixes: [{ title: 'Use https://', edits: [{ range: locate(S, 'http://'), newText: 'https://' }], safe: true }],
      fingerprint: '51d0c8e2aa7b6f93',
    }),
    finding({
      ruleId: 'upload/no-size-limit',
      family: 'upload',
      cwe: [400, 770],
      severity: 'warning',
      confidence: 'high',
      path: S,
      range: locate(S, "multer({ dest: 'public/uploads/' })"),
      message: 'This `multer` upload accepts files of any size.',
      dataTypes: [],
      fixes: [
        {
          title: 'Limit uploads to 5 MB',
          edits: [{ range: after(S, "dest: 'public/uploads/'"), newText: ', limits: { fileSize: 5 * 1024 * 1024 }' }],
          safe: true,
        },
      ],
      fingerprint: 'c7e4a1f0925db3e8',
    }),
  ],
  [A]: [
    finding({
      ruleId: 'storage/hardcoded-secret',
      family: 'storage',
      cwe: [798],
      severity: 'error',
      confidence: 'medium',
      path: A,
      range: locate(A, "ADMIN_PASSWORD = 'hunter2-correct-horse-battery'"),
      message: 'A password is hard-coded in `ADMIN_PASSWORD`.',
      dataTypes: ['password'],
      classifications: [byName('password', 'credentials', 'ADMIN_PASSWORD')],
      evidence: 'hu*****',
      fingerprint: '0d5e9b3c7a18f264',
    }),
  ],
  [L]: [
    finding({
      ruleId: 'storage/sensitive-data-in-log',
      family: 'storage',
      cwe: [532, 312],
      severity: 'error',
      confidence: 'high',
      path: L,
      range: locate(L, 'logger.info("exporting %s", row["card_number"])'),
      message: 'A card number (`card_number`) is written to a log by `logger.info`.',
      dataTypes: ['card_number'],
      classifications: [byName('card_number', 'financial', 'card_number')],
      fingerprint: 'e2b7d4096c1a3f58',
      suppression: { kind: 'inSource', justification: 'masked upstream by the export job' },
    }),
    finding({
      ruleId: 'transmission/insecure-request',
      family: 'transmission',
      cwe: [319],
      severity: 'warning',
      confidence: 'medium',
      path: L,
      range: locate(L, 'send_to_archive("ftp://archive.internal/customers", row)'),
      message: 'Customer rows are sent over plain FTP to `archive.internal`.',
      dataTypes: ['card_number'],
      fingerprint: '7b3f10e8d9c2a546',
      suppression: { kind: 'external', justification: 'Isolated archive network; accepted by j.doe until 2026-06-30' },
    }),
  ],
  [U]: [
    finding({
      ruleId: 'upload/client-filename-in-path',
      family: 'upload',
      cwe: [22, 434],
      severity: 'error',
      confidence: 'high',
      path: U,
      range: locate(U, 'f.filename'),
      message: "The client's file name `f.filename` is used in the saved path.",
      dataTypes: [],
      related: [{ range: locate(U, 'request.files["document"]'), message: 'The upload comes from `request.files` here.' }],
      fixes: [
        { title: 'Use werkzeug.utils.secure_filename', edits: [{ range: locate(U, 'f.filename'), newText: 'secure_filename(f.filename)' }], safe: false },
      ],
      fingerprint: '4a9c6e21b0d87f35',
    }),
  ],
  [T]: [
    finding({
      ruleId: 'sealant/unused-suppression',
      family: 'sealant',
      cwe: [],
      severity: 'note',
      confidence: 'high',
      path: T,
      range: locate(T, '// sealant-ignore storage/plaintext-password: legacy import'),
      message: 'This suppression of storage/plaintext-password matches no finding on this line or the next; remove it.',
      dataTypes: [],
      fingerprint: 'b18d5f3e62c9a0d7',
    }),
  ],
};

export const SKIPPED: SkippedFile[] = [
  { path: 'vendor/bundle.js', reason: 'too-large', detail: '3145728 bytes, over the limit of 2097152' },
  { path: 'public/logo.png', reason: 'binary', detail: 'NUL byte in the first 8 KB' },
  { path: 'dist/app.min.js', reason: 'minified', detail: 'average line length 4210' },
  { path: 'src/generated/schema.py', reason: 'parse-timeout', detail: 'parse took over 2000 ms' },
];

/** A fresh copy each call, so a test may change it. */
export function sampleResult(): ScanResult {
  const files = Object.keys(SOURCES).map((path) => ({
    path,
    language: path.endsWith('.py') ? 'python' : path.endsWith('.ts') ? 'typescript' : 'javascript',
    findings: structuredClone(FINDINGS[path] ?? []),
    parsed: true,
    ms: 3,
    lines: SOURCES[path].split('\n').length,
  }));
  return {
    tool: { name: 'Sealant', version: '0.1.0' },
    root: SAMPLE_ROOT,
    files: [
      ...files,
      // Parsed but clean, and not parsed at all (the keyword gate showed no rule could match).
      { path: 'src/db.js', language: 'javascript', findings: [], parsed: true, ms: 2, lines: 40 },
      { path: 'src/format.js', language: 'javascript', findings: [], parsed: false, ms: 0, lines: 12 },
      // A skipped file the CLI lists both as a file result and in `skipped`: counted once.
      { path: 'public/logo.png', language: 'unknown', findings: [], parsed: false, ms: 0, lines: 0, skipped: SKIPPED[1] },
    ],
    skipped: structuredClone(SKIPPED),
    rules: structuredClone(RULES),
    startedAt: '2025-06-01T12:00:00.000Z',
    durationMs: 1532,
  };
}

/** The sample's text of a file, for `getSource`. */
export function sampleSource(path: string): string | undefined {
  return SOURCES[path];
}
