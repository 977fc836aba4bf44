/**
 * Value recognisers: pure functions that tell whether a literal value is a card number, an SSN, an IBAN or a
 * secret in a well-known key format, plus redaction and placeholder checks for the rules that report secrets.
 * Nothing here returns, logs or describes the value itself.
 */

/** Values longer than this are not examined (a recogniser looks at literals, not files). */
const MAX_VALUE_LENGTH = 65_536;

// ── payment cards ─────────────────────────────────────────────────────────────────────────────────────────

/** Luhn (mod 10) check of a string of digits; false for an empty string or any non-digit. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) d = d > 4 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

interface CardBrand {
  readonly name: string;
  readonly prefix: RegExp;
  readonly lengths: readonly number[];
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Issuer prefixes (IIN ranges) and lengths of the major card networks. */
const CARD_BRANDS: readonly CardBrand[] = Object.freeze([
  { name: 'Visa', prefix: /^4/, lengths: [13, 16, 19] },
  { name: 'Mastercard', prefix: /^(5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, lengths: [16] },
  { name: 'American Express', prefix: /^3[47]/, lengths: [15] },
  { name: 'Diners Club', prefix: /^(30[0-5]|3095|36|3[89])/, lengths: range(14, 19) },
  { name: 'JCB', prefix: /^35(2[89]|[3-8]\d)/, lengths: range(16, 19) },
  { name: 'Discover', prefix: /^(6011|64[4-9]|65)/, lengths: range(16, 19) },
  { name: 'UnionPay', prefix: /^62/, lengths: range(16, 19) },
  { name: 'Maestro', prefix: /^(50|5[6-9]|6\d)/, lengths: range(13, 19) },
]);

/** Digits separated by single spaces or dashes (`4111 1111 1111 1111`, `4111-1111-1111-1111`). */
const CARD_SHAPE = /^\d+(?:[ -]\d+)*$/;

/** The card network whose prefix and length the digits have, or undefined. */
export function cardBrand(digits: string): string | undefined {
  return CARD_BRANDS.find((b) => b.prefix.test(digits) && b.lengths.includes(digits.length))?.name;
}

/**
 * A payment card number: 13–19 digits, optionally grouped by single spaces or dashes, with a known issuer prefix
 * (Visa 4, Mastercard 51–55 and 2221–2720, Amex 34/37, Diners, JCB, Discover, UnionPay, Maestro), not one digit
 * repeated, Luhn-valid. Well-known test numbers (4111 1111 1111 1111) are recognised: rules decide their severity.
 */
export function looksLikeCardNumber(s: string): boolean {
  const text = s.trim();
  if (text.length > 40 || !CARD_SHAPE.test(text)) return false;
  const digits = text.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  if (/^(\d)\1*$/.test(digits)) return false;
  return cardBrand(digits) !== undefined && luhnValid(digits);
}

// ── US Social Security numbers ────────────────────────────────────────────────────────────────────────────

export interface SsnOptions {
  /** Also accept nine digits without dashes (only when the context says it is an SSN: it is a common shape). */
  allowUndashed?: boolean;
}

/**
 * Numbers that look valid but are famous non-SSNs: the Woolworth wallet card (078-05-1120), the 1940 SSA
 * advertisement (219-09-9999) and the textbook example 123-45-6789. They are treated as not real.
 */
const FAMOUS_FAKE_SSNS: ReadonlySet<string> = new Set(['078051120', '219099999', '123456789']);

/**
 * A US Social Security number: `AAA-GG-SSSS` (or nine digits with `allowUndashed`) whose area is not 000, 666 or
 * 900–999, whose group is not 00 and whose serial is not 0000, and that is not a famous fake.
 */
export function looksLikeSsn(s: string, options: SsnOptions = {}): boolean {
  const text = s.trim();
  const m = /^(\d{3})-(\d{2})-(\d{4})$/.exec(text) ?? (options.allowUndashed ? /^(\d{3})(\d{2})(\d{4})$/.exec(text) : null);
  if (!m) return false;
  const [, area, group, serial] = m as unknown as [string, string, string, string];
  if (area === '000' || area === '666' || area.startsWith('9')) return false;
  if (group === '00' || serial === '0000') return false;
  return !FAMOUS_FAKE_SSNS.has(area + group + serial);
}

// ── IBAN ──────────────────────────────────────────────────────────────────────────────────────────────────

/** IBAN length by country (ISO 13616 registry). Countries not listed are not recognised. */
const IBAN_LENGTHS: Readonly<Record<string, number>> = Object.freeze({
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18,
  GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32,
  LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24,
  PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28,
  TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
});

/** ISO 7064 mod 97-10 of an alphanumeric string (letters count as 10–35), computed in chunks. */
function mod97(text: string): number {
  let rest = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch;
    for (const digit of value) rest = (rest * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return rest;
}

/**
 * An IBAN: upper-case country code of a known country, two check digits, the country's length, mod-97 checksum 1.
 * Groups separated by single spaces are accepted (`GB82 WEST 1234 5698 7654 32`).
 */
export function ibanValid(s: string): boolean {
  const text = s.trim();
  if (text.length > 50 || !/^[A-Z0-9]+(?: [A-Z0-9]+)*$/.test(text)) return false;
  const iban = text.replace(/ /g, '');
  const m = /^([A-Z]{2})(\d{2})[A-Z0-9]+$/.exec(iban);
  if (!m || IBAN_LENGTHS[m[1] as string] !== iban.length) return false;
  const check = Number(m[2]);
  if (check < 2 || check > 98) return false;
  return mod97(iban.slice(4) + iban.slice(0, 4)) === 1;
}

// ── secrets in well-known formats ─────────────────────────────────────────────────────────────────────────

export type SecretFormatType = 'api_key' | 'token' | 'private_key' | 'secret';

export interface SecretFormat {
  type: SecretFormatType;
  /** What was recognised, e.g. "GitHub personal access token"; never the value. */
  label: string;
  /** A test-mode key (Stripe `sk_test_`): rules report it with a lower severity. */
  test?: boolean;
}

interface KeyFormat extends SecretFormat {
  readonly pattern: RegExp;
}

/** Not preceded / followed by a character that could belong to the same token. */
const B = '(?<![A-Za-z0-9_])';
const E = '(?![A-Za-z0-9_])';
const format = (type: SecretFormatType, label: string, source: string, test?: boolean): KeyFormat =>
  Object.freeze({ type, label, pattern: new RegExp(source), ...(test ? { test } : {}) });

/** Checked in order; the first that matches anywhere in the value wins. */
const KEY_FORMATS: readonly KeyFormat[] = Object.freeze([
  format('api_key', 'AWS access key ID', `${B}AKIA[A-Z0-9]{16}${E}`),
  format('api_key', 'AWS temporary access key ID', `${B}ASIA[A-Z0-9]{16}${E}`),
  format('token', 'GitHub personal access token', `${B}ghp_[A-Za-z0-9]{36,}${E}`),
  format('token', 'GitHub OAuth access token', `${B}gho_[A-Za-z0-9]{36,}${E}`),
  format('token', 'GitHub user-to-server token', `${B}ghu_[A-Za-z0-9]{36,}${E}`),
  format('token', 'GitHub server-to-server token', `${B}ghs_[A-Za-z0-9]{36,}${E}`),
  format('token', 'GitHub refresh token', `${B}ghr_[A-Za-z0-9]{36,}${E}`),
  format('token', 'GitHub fine-grained personal access token', `${B}github_pat_[A-Za-z0-9_]{60,}${E}`),
  format('token', 'GitLab personal access token', `${B}glpat-[A-Za-z0-9_-]{20,}${E}`),
  format('token', 'Slack token', `${B}xox[abprs]-\\d+-[A-Za-z0-9-]{10,}${E}`),
  format('secret', 'Slack incoming webhook URL', 'https://hooks\\.slack\\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,}'),
  format('api_key', 'Stripe live secret key', `${B}sk_live_[A-Za-z0-9]{20,}${E}`),
  format('api_key', 'Stripe live restricted key', `${B}rk_live_[A-Za-z0-9]{20,}${E}`),
  format('api_key', 'Stripe test key', `${B}[sr]k_test_[A-Za-z0-9]{20,}${E}`, true),
  format('api_key', 'Google API key', `${B}AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])`),
  format('api_key', 'SendGrid API key', `${B}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])`),
  format('api_key', 'Twilio API key', `${B}SK[0-9a-fA-F]{32}${E}`),
  format('token', 'npm access token', `${B}npm_[A-Za-z0-9]{36}${E}`),
  format('api_key', 'Anthropic API key', `${B}sk-ant-(?:api|admin)\\d{2}-[A-Za-z0-9_-]{80,}`),
  format('api_key', 'OpenAI API key', `${B}sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{10,}T3BlbkFJ[A-Za-z0-9_-]{10,}`),
  format('token', 'JSON Web Token', '(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]*'),
]);

const PEM_HEADER = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/;

/** A PEM / OpenSSH / PGP private key: the header followed by a key body (a header alone is not a key). */
function recognisePem(s: string): SecretFormat | undefined {
  const m = PEM_HEADER.exec(s);
  if (!m) return undefined;
  const body = s.slice(m.index + m[0].length).replace(/\\[nr]|\s/g, '');
  if (!/[A-Za-z0-9+/]{32,}/.test(body)) return undefined;
  const kind = (m[1] ?? '').trim();
  const label =
    kind === 'OPENSSH' ? 'OpenSSH private key'
    : kind === 'PGP' ? 'PGP private key block'
    : kind === 'ENCRYPTED' ? 'encrypted PEM private key'
    : `PEM private key${kind ? ` (${kind})` : ''}`;
  return { type: 'private_key', label };
}

/** The well-known secret format found in the value (anywhere in it), or undefined. */
export function recogniseSecretFormat(s: string): SecretFormat | undefined {
  if (s.length < 16 || s.length > MAX_VALUE_LENGTH) return undefined;
  const pem = recognisePem(s);
  if (pem) return pem;
  const hit = KEY_FORMATS.find((f) => f.pattern.test(s));
  return hit ? { type: hit.type, label: hit.label, ...(hit.test ? { test: true } : {}) } : undefined;
}

// ── redaction and placeholders ────────────────────────────────────────────────────────────────────────────

const MASK = '*****';

/**
 * Redacted evidence: at most the first two characters, then a fixed `*****` that never reveals the length.
 * Values shorter than six characters show only `*****`. `redact("hunter2") === "hu*****"`.
 */
export function redact(value: string): string {
  const chars = Array.from(value);
  return chars.length < 6 ? MASK : chars.slice(0, 2).join('') + MASK;
}

/** Whole values (lowercase, letters and digits only) that stand for "no real secret here". */
const PLACEHOLDER_WORDS: ReadonlySet<string> = new Set([
  'changeme', 'changeit', 'password', 'passwd', 'secret', 'token', 'apikey', 'key', 'value', 'todo', 'fixme', 'tbd',
  'example', 'dummy', 'test', 'testing', 'fake', 'sample', 'placeholder', 'none', 'null', 'nil', 'undefined', 'empty',
  'default', 'foo', 'bar', 'foobar', 'baz', 'string', 'redacted', 'hidden', 'masked', 'unset', 'notset', 'na',
  'replaceme', 'secretkey', 'mysecret', 'yoursecret',
]);
/** Parts that make any value a placeholder (`AKIAIOSFODNN7EXAMPLE`, `changeme123`, `<insert-key-here>`). */
const PLACEHOLDER_PARTS: readonly string[] = Object.freeze(['example', 'changeme', 'placeholder', 'dummy', 'replaceme', 'notreal']);
/** Template and format references: `${VAR}`, `{{ value }}`, `<your key>`, `%s`, `%(name)s`, `$VAR`. */
const TEMPLATE_SHAPES: readonly RegExp[] = Object.freeze([
  /^<[^<>]*>$/, /^\$\{[^}]*\}$/, /^\{\{[\s\S]*\}\}$/, /^%\(?\w*\)?[sd]$/, /^\$[A-Za-z_][A-Za-z0-9_]*$/, /^\{[a-z_]*\}$/i,
]);

/** `/^(.)\1*$/su` without the regex: the text is one code point, repeated. */
function oneCharacterRepeated(text: string): boolean {
  const first = text.codePointAt(0) ?? 0;
  const width = first > 0xffff ? 2 : 1;
  for (let i = width; i < text.length; i += width) if (text.codePointAt(i) !== first) return false;
  return true;
}

/**
 * True when a value is obviously not a real secret: empty, under four characters, one repeated character
 * (`xxxxxx`, `******`), a template reference, a placeholder word (`changeme`, `your-api-key`, `TODO`, `none`), or
 * text that asks to be replaced (`your_password_here`, `insert key here`, `AKIA…EXAMPLE`).
 */
export function looksLikePlaceholder(value: string): boolean {
  const text = value.trim();
  if (text.length < 4) return true;
  if (oneCharacterRepeated(text)) return true;
  // Every template shape starts with one of these (a cheap test first: this runs for most string literals).
  const c = text.charCodeAt(0);
  if ((c === 0x3c || c === 0x24 || c === 0x7b || c === 0x25) && TEMPLATE_SHAPES.some((shape) => shape.test(text))) return true;
  const word = text.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (word.length < 4 || /^(.)\1*$/.test(word)) return true;
  if (PLACEHOLDER_WORDS.has(word)) return true;
  if (PLACEHOLDER_PARTS.some((part) => word.includes(part))) return true;
  return /^your|^(insert|enter|replace|put|paste|add)(your|the|an?)|(key|token|secret|password|pass|pwd|value|id)(goes)?here$/.test(word) && word.length <= 40;
}
