/**
 * The data dictionary: the kinds of sensitive data Sealant recognises, as plain data.
 *
 * The classifier (`src/core/classifier.ts`) compiles it once. A team config can add types, synonyms and
 * exclusions (`ClassifierExtension`); it cannot remove built-in types.
 *
 * How a name is matched (see the classifier for details):
 * - a name (`cust_ssn`, `creditCardNumber`, `X-Api-Key`) is split into lowercase words;
 * - a phrase of `names` matches when its words appear one after the other in the name, also when they are run
 *   together in one word (`cardnumber`, `ccnum`, `acctno`) or split finer (`e-mail`); the last word may be plural;
 * - a phrase of `exclude` cancels a match of that type that it covers (`csrf token` cancels `token`);
 * - a META word after the match (`passwordPolicy`), a PRE word before it (`isPasswordValid`, `maxTokens`) or a
 *   PROTECTION word anywhere (`maskedCardNumber`, `encryptedSsn`) cancels it; a HASH word turns a password into a
 *   `password_hash` (`hashedPassword`, `pwdDigest`) and cancels other types (`emailHash`);
 * - of several matches, the one that ends last is the head of the compound and wins (`resetPasswordToken` is a
 *   token, `privateKeyPassword` a password), except across `and`/`or`/`with`/... (`emailOrPhone` is both).
 */
import type { DataCategory } from '../core/types';

/** Ids of the value recognisers of `src/core/values.ts` that a type may list in `values`. */
export type ValueRecogniser = 'card-number' | 'ssn' | 'iban' | 'key-format';

export interface DataTypeDef {
  /** Stable id used in findings and config, e.g. `ssn`. Lowercase, `_`-separated. */
  id: string;
  category: DataCategory;
  /** Noun phrase with its article, as messages use it: "a Social Security number", "health data". */
  label: string;
  /** Name phrases: lowercase words separated by spaces ("social security number", "ssn", "cc num"). */
  names: string[];
  /** Phrases that cancel a match of this type when they cover it ("csrf token", "ip address"). */
  exclude?: string[];
  /** Value recognisers (`ValueRecogniser`) that classify a literal value as this type. */
  values?: string[];
  /** Phrases that match only as the entire name: words too ambiguous inside longer names (`pass`). */
  wholeNames?: string[];
}

/** Words that qualify the ambiguous short words `pass`, `pw` and `pin` (`db_pass`, `userPw`, `cardPin`). */
const PASS_QUALIFIERS: readonly string[] = Object.freeze([
  'user', 'db', 'database', 'admin', 'root', 'smtp', 'mail', 'email', 'ftp', 'sftp', 'sql', 'mysql', 'pg', 'postgres',
  'redis', 'mongo', 'login', 'account', 'ldap', 'proxy', 'auth', 'http', 'basic', 'server', 'sudo', 'wifi', 'keystore',
  'truststore', 'vault', 'bind', 'amqp', 'rabbit', 'jdbc', 'oracle', 'service', 'master', 'app', 'client', 'new', 'old',
  'current', 'confirm', 'default', 'my',
]);
const PIN_QUALIFIERS: readonly string[] = Object.freeze([
  'user', 'card', 'atm', 'account', 'security', 'login', 'sim', 'debit', 'credit', 'bank', 'wallet', 'new', 'old',
  'current', 'confirm', 'secret', 'access',
]);

const qualified = (word: string, qualifiers: readonly string[]): string[] => qualifiers.map((q) => `${q} ${word}`);

function freezeDictionary(types: DataTypeDef[]): readonly DataTypeDef[] {
  for (const t of types) {
    Object.freeze(t.names);
    if (t.exclude) Object.freeze(t.exclude);
    if (t.values) Object.freeze(t.values);
    if (t.wholeNames) Object.freeze(t.wholeNames);
    Object.freeze(t);
  }
  return Object.freeze(types);
}

export const DATA_DICTIONARY: readonly DataTypeDef[] = freezeDictionary([
  // ── credentials ────────────────────────────────────────────────────────────────────────────────────────────
  {
    id: 'password',
    category: 'credentials',
    label: 'a password',
    names: [
      'password', 'passwd', 'pwd', 'passphrase', 'pass phrase', 'passcode', 'pass code', 'user pass',
      ...qualified('pass', PASS_QUALIFIERS), ...qualified('pw', PASS_QUALIFIERS),
      'pin code', 'pin number', 'pin no', 'pin num', 'personal identification number', ...qualified('pin', PIN_QUALIFIERS),
    ].filter((n, i, all) => all.indexOf(n) === i),
    // Bare `pass` is nodemailer's and basic auth's key (`auth: { user, pass }`); inside longer names it is
    // usually something else (`firstPass`, `passThrough`, `boardingPass`). Bare `pw` is common too.
    wholeNames: ['pass', 'pw'],
    exclude: ['password less'],
  },
  {
    id: 'password_hash',
    category: 'credentials',
    label: 'a password hash',
    names: [
      'password hash', 'hashed password', 'pass hash', 'pwd hash', 'passwd hash', 'pw hash', 'hashed pwd',
      'password digest', 'pin hash', 'hashed pin', 'passcode hash', 'crypted password',
    ],
  },
  {
    id: 'otp',
    category: 'credentials',
    label: 'a one-time password or MFA secret',
    names: [
      'otp', 'totp', 'hotp', 'one time password', 'one time code', 'one time passcode', 'mfa code', 'mfa secret',
      'two factor code', 'two factor secret', '2fa code', '2fa secret', 'otp secret', 'totp secret', 'verification code',
      'recovery code', 'backup code',
    ],
  },
  {
    id: 'secret',
    category: 'credentials',
    label: 'a secret',
    names: [
      'secret', 'client secret', 'secret key', 'app secret', 'api secret', 'consumer secret', 'shared secret',
      'jwt secret', 'session secret', 'signing secret', 'webhook secret', 'hmac key', 'hmac secret', 'signing key',
      'encryption key', 'enc key', 'cipher key', 'master key', 'aes key', 'secret access key', 'token secret',
    ],
    exclude: [
      'secret id', 'secret arn', 'secret ref', 'secret key ref', 'secret manager', 'secrets manager', 'secret store',
      'secret engine', 'secret backend', 'secret mount', 'secret question', 'secret santa', 'top secret',
    ],
    values: ['key-format'],
  },
  {
    id: 'api_key',
    category: 'credentials',
    label: 'an API key',
    names: ['api key', 'apikey', 'access key', 'x api key', 'app key', 'application key', 'developer key', 'subscription key'],
    exclude: [
      'access key id', 'api key id', 'key id', 'publishable key', 'public api key', 'api key name', 'access key name',
    ],
    values: ['key-format'],
  },
  {
    id: 'token',
    category: 'credentials',
    label: 'an access token',
    names: [
      'token', 'access token', 'auth token', 'authentication token', 'refresh token', 'bearer', 'bearer token',
      'session token', 'id token', 'jwt', 'api token', 'oauth token', 'personal access token', 'reset token',
      'verification token', 'invite token', 'magic link token', 'session id', 'sessionid', 'session key',
      'session cookie', 'auth code', 'authorization code', 'x auth token',
    ],
    exclude: [
      // Not credentials: request-forgery tokens, pagination and cancellation tokens, lexer and LLM tokens.
      'csrf token', 'xsrf token', 'csrf', 'xsrf', 'anti forgery token', 'antiforgery token', 'request verification token',
      'token type', 'next page token', 'page token', 'pagination token', 'continuation token', 'next token',
      'replication session', 'replication session id', 'rep session', 'rep session id', 'ssh session id', 'cancellation token', 'cancel token', 'sync token', 'change token', 'token id', 'token kind', 'token stream',
      'token index', 'token position', 'token pos', 'token offset', 'token start', 'token end', 'token range',
      'token span', 'token list', 'current token', 'prev token', 'previous token', 'peek token', 'last token',
      'first token', 'tokens', 'input tokens', 'output tokens', 'prompt tokens', 'completion tokens', 'total tokens',
      'token usage', 'token budget', 'token cost', 'token price', 'design token', 'color token', 'theme token',
      'style token', 'lexical token', 'syntax token', 'semantic token', 'token color', 'token modifier',
      'card token', 'payment token', 'device token', 'push token', 'fcm token', 'apns token', 'registration token',
      'captcha token', 'recaptcha token', 'turnstile token', 'jwt payload', 'token payload', 'jwt claims',
      'token claims', 'jwt decode', 'jwt options', 'starting token', 'start token', 'resume token', 'acquire token',
      'release token', 'update token', 'idempotency token', 'client token', 'client request token', 'sequence token',
      'cursor token', 'sync state token',
    ],
    values: ['key-format'],
  },
  {
    id: 'private_key',
    category: 'credentials',
    label: 'a private key',
    names: ['private key', 'privkey', 'priv key', 'private key pem', 'rsa private key', 'ssh private key', 'signing private key'],
    exclude: ['private key id'],
    values: ['key-format'],
  },

  // ── government identifiers ───────────────────────────────────────────────────────────────────────────────
  {
    id: 'ssn',
    category: 'government_id',
    label: 'a US Social Security number',
    names: [
      'ssn', 'social security number', 'social security no', 'social security num', 'social security', 'social sec',
      'social sec no', 'social sec num', 'soc sec', 'soc sec no', 'soc sec num', 'ss number', 'ssnum',
    ],
    values: ['ssn'],
  },
  {
    id: 'national_id',
    category: 'government_id',
    label: 'a national identity number',
    names: [
      'national id', 'national identifier', 'national identity number', 'national identification number',
      'national insurance number', 'ni number', 'nino', 'nin', 'sin number', 'social insurance number',
      'personal id number', 'personal identity number', 'personnummer', 'aadhaar', 'aadhar', 'cpf', 'curp', 'dni', 'bsn',
      'pesel', 'citizen id', 'id card number', 'identity card number', 'id card no', 'identity number',
    ],
  },
  {
    id: 'passport_number',
    category: 'government_id',
    label: 'a passport number',
    // Bare `passport` is the passport.js library in Node code (`passport.use(...)`): only qualified forms.
    names: ['passport number', 'passport no', 'passport num', 'passport nr', 'passport id'],
  },
  {
    id: 'drivers_license',
    category: 'government_id',
    label: "a driver's licence number",
    names: [
      'driver license', 'drivers license', 'driver licence', 'drivers licence', 'driving license', 'driving licence',
      'dl number', 'dl no', 'dl num',
    ],
  },
  {
    id: 'tax_id',
    category: 'government_id',
    label: 'a tax identification number',
    names: [
      'tax id', 'tax identification number', 'tax identifier', 'tax number', 'tax no', 'taxpayer id',
      'tax payer id', 'tax file number', 'tin', 'ein', 'itin',
    ],
  },

  // ── financial ────────────────────────────────────────────────────────────────────────────────────────────
  {
    id: 'card_number',
    category: 'financial',
    label: 'a payment card number',
    names: [
      'card number', 'card no', 'card num', 'card nr', 'cardnum', 'cc number', 'cc num', 'cc no', 'ccn',
      'credit card', 'credit card number', 'debit card', 'debit card number', 'payment card number', 'pan',
      'primary account number',
    ],
    exclude: [
      'card type', 'card brand', 'credit card type', 'credit card brand', 'card id', 'credit card id', 'pan x', 'pan y',
      'pan zoom', 'pan gesture', 'pan responder', 'pan handler', 'pan offset', 'pan speed', 'pan start', 'pan end',
      'pan move', 'pan delta', 'pan position', 'pan left', 'pan right', 'pan up', 'pan down', 'pan to', 'pan by',
      'pan card', 'camera pan', 'map pan', 'stereo pan',
    ],
    values: ['card-number'],
  },
  {
    id: 'cvv',
    category: 'financial',
    label: 'a card verification code',
    names: [
      'cvv', 'cvc', 'cvv2', 'cvc2', 'cvn', 'card verification', 'card verification value', 'card verification code',
      'card security code', 'security code',
    ],
  },
  {
    id: 'card_expiry',
    category: 'financial',
    label: 'a card expiry date',
    names: ['card expiry', 'card expiration', 'card exp', 'cc exp', 'cc expiry', 'card expiry date', 'card expiration date'],
  },
  {
    id: 'iban',
    category: 'financial',
    label: 'an IBAN',
    names: ['iban', 'iban number', 'international bank account number'],
    values: ['iban'],
  },
  {
    id: 'bank_account',
    category: 'financial',
    label: 'a bank account number',
    names: [
      'bank account', 'bank account number', 'bank account no', 'bank acct', 'account number', 'account no',
      'account num', 'account nr', 'acct number', 'acct no', 'acct num', 'acc no', 'acc number',
    ],
    exclude: ['aws account number', 'aws account no', 'aws account'],
  },
  {
    id: 'routing_number',
    category: 'financial',
    label: 'a bank routing number',
    names: [
      'routing number', 'routing no', 'routing num', 'aba', 'aba number', 'aba routing', 'sort code', 'bsb',
      'bank code', 'blz', 'transit number', 'ifsc', 'ifsc code',
    ],
  },

  // ── contact ──────────────────────────────────────────────────────────────────────────────────────────────
  {
    id: 'email',
    category: 'contact',
    label: 'an email address',
    // Bare `mail` is usually a message object (`mail.send()`, `sendMail(mail)`): not classified.
    names: ['email', 'email address', 'email addr', 'mail address', 'mail addr', 'email id'],
    exclude: [
      'email template', 'email subject', 'email body', 'email content', 'email html', 'email text', 'email sender',
      'email queue', 'email job', 'email worker', 'email event', 'email notification', 'email domain', 'email backend',
      'email transport', 'email transporter',
    ],
  },
  {
    id: 'phone',
    category: 'contact',
    label: 'a phone number',
    // Bare `mobile` (a UI breakpoint flag) and bare `cell` (a table cell) are too noisy: only qualified forms.
    names: [
      'phone', 'phone number', 'phone no', 'phone num', 'phone nr', 'telephone', 'telephone number', 'tel',
      'tel no', 'tel number', 'mobile number', 'mobile no', 'mobile num', 'mobile phone', 'cell phone',
      'cellphone', 'cell number', 'cell no', 'msisdn', 'fax number', 'fax no', 'contact number',
    ],
    exclude: [
      'phone model', 'phone os', 'phone code', 'phone country code', 'phone country', 'phone layout', 'phone view',
      'phone screen', 'phone width', 'phone breakpoint', 'phone frame', 'phone mockup', 'phone device',
    ],
  },
  {
    id: 'address',
    category: 'contact',
    label: 'a postal address',
    names: [
      'address', 'street', 'street address', 'street name', 'street addr', 'postal address', 'home address',
      'home addr', 'mailing address', 'mailing addr', 'billing address', 'billing addr', 'shipping address',
      'shipping addr', 'delivery address', 'residential address', 'address line', 'addr line', 'house number',
      'postal code', 'postcode', 'zip code', 'zipcode',
    ],
    exclude: [
      'ip address', 'ipv4 address', 'ipv6 address', 'mac address', 'email address', 'e mail address', 'mail address',
      'web address', 'url address', 'server address', 'remote address', 'local address', 'bind address',
      'listen address', 'listening address', 'host address', 'proxy address', 'wallet address', 'contract address',
      'memory address', 'base address', 'start address', 'end address', 'socket address', 'network address',
      'net address', 'broadcast address', 'gateway address', 'peer address', 'node address', 'eth address',
      'btc address', 'bitcoin address', 'crypto address', 'multicast address', 'loopback address', 'hardware address',
      'dns address', 'smtp address', 'sender address', 'from address', 'reply address', 'reply to address',
      'to address', 'return address', 'address space', 'address family', 'address bar', 'address range',
      'address offset', 'address bus', 'address mode', 'street view', 'client address', 'client addr', 'remote addr',
      'ip addr', 'peer addr', 'server addr', 'host addr', 'bind addr', 'listen addr', 'local addr',
    ],
  },

  // ── personal ─────────────────────────────────────────────────────────────────────────────────────────────
  {
    id: 'name',
    category: 'personal',
    label: "a person's name",
    // Bare `name` (files, functions, fields) and `username` (an account handle) are not classified.
    names: [
      'full name', 'first name', 'last name', 'middle name', 'surname', 'given name', 'family name', 'maiden name',
      'mothers maiden name', 'forename', 'legal name', 'real name', 'patient name', 'cardholder', 'card holder',
      'cardholder name', 'card holder name', 'account holder name', 'holder name', 'name on card',
    ],
  },
  {
    id: 'date_of_birth',
    category: 'personal',
    label: 'a date of birth',
    names: [
      'dob', 'date of birth', 'birth date', 'birthdate', 'birthday', 'birth day', 'day of birth', 'year of birth',
      'birth year', 'born on',
    ],
  },

  // ── health ───────────────────────────────────────────────────────────────────────────────────────────────
  {
    id: 'health',
    category: 'health',
    label: 'health data',
    names: [
      'diagnosis', 'diagnoses', 'medical record', 'medical record number', 'mrn', 'medication', 'prescription',
      'health condition', 'medical condition', 'medical history', 'health record', 'blood type', 'blood group',
      'allergies', 'allergy', 'patient id', 'nhs number', 'health insurance number', 'insurance member id',
      'icd code', 'lab result', 'genetic data', 'hiv status', 'disability',
    ],
  },

  // ── biometric ────────────────────────────────────────────────────────────────────────────────────────────
  {
    id: 'biometric',
    category: 'biometric',
    label: 'biometric data',
    // Bare `fingerprint` is almost always a digest (certificates, keys, browsers, findings), bare `retina` a display
    // flag, bare `biometric` a feature switch: only qualified forms.
    names: [
      'biometric data', 'biometric template', 'biometric sample', 'fingerprint scan', 'fingerprint image', 'fingerprint template',
      'fingerprint minutiae', 'finger scan', 'face id', 'faceid', 'face template', 'face encoding', 'face embedding',
      'facial template', 'facial features', 'face image', 'face scan', 'retina scan', 'retina image', 'iris scan',
      'iris template', 'iris code', 'iris image', 'voice print', 'voiceprint', 'palm print', 'palmprint', 'hand geometry',
    ],
    exclude: [
      'cert fingerprint', 'certificate fingerprint', 'tls fingerprint', 'ssl fingerprint', 'ssh fingerprint',
      'key fingerprint', 'gpg fingerprint', 'pgp fingerprint', 'browser fingerprint', 'device fingerprint',
      'finding fingerprint',
    ],
  },

  // ── location ─────────────────────────────────────────────────────────────────────────────────────────────
  {
    id: 'location',
    category: 'location',
    label: 'a precise location',
    // Bare `location` (window.location, file locations), `currentLocation` (routers) and bare `lat`/`lng` are not
    // classified.
    names: [
      'latitude', 'longitude', 'lat lng', 'lat lon', 'lat long', 'latlng', 'latlon', 'geo location', 'geolocation',
      'gps', 'gps location', 'gps coordinates', 'geo coordinates', 'geo point', 'geopoint', 'precise location',
      'home location', 'user location', 'device location', 'location history', 'last known location',
    ],
    exclude: ['geolocation permission'],
  },
]);

/**
 * Words that, AFTER a data phrase, make the name about the data rather than the data itself
 * (`passwordPolicy`, `tokenExpiry`, `emailVerified`, `ssnFormat`, `apiKeyHeader`, `passwordInput`).
 * Also matched before an `of` (`lengthOfPassword`). Plural forms match too.
 */
export const META_WORDS: readonly string[] = Object.freeze([
  // rules and shape
  'policy', 'length', 'len', 'size', 'min', 'max', 'minimum', 'maximum', 'limit', 'format', 'formatter', 'regex',
  'regexp', 're', 'pattern', 'validator', 'validation', 'validate', 'valid', 'invalid', 'validity', 'strength', 'score',
  'meter', 'entropy', 'complexity', 'rule', 'requirement', 'criteria', 'constraint', 'type', 'kind', 'count', 'counter',
  'index', 'scheme', 'algorithm', 'algo', 'alg', 'encoding', 'version', 'schema', 'spec', 'salt',
  // user interface
  'label', 'placeholder', 'hint', 'tooltip', 'help', 'description', 'desc', 'title', 'caption', 'prompt', 'question',
  'field', 'column', 'col', 'attr', 'attribute', 'prop', 'property', 'input', 'element', 'elem', 'el', 'ref', 'control',
  'selector', 'locator', 'visible', 'visibility', 'shown', 'hidden', 'show', 'hide', 'toggle', 'icon', 'button', 'btn',
  'box', 'form', 'dialog', 'modal', 'page', 'screen', 'view', 'component', 'widget', 'template', 'tpl', 'example', 'sample',
  // messages and states
  'error', 'err', 'message', 'msg', 'warning', 'feedback', 'status', 'required', 'optional', 'enabled', 'disabled',
  'enable', 'disable', 'allowed', 'supported', 'exists', 'present', 'missing', 'empty', 'match', 'mismatch', 'protected',
  'verified', 'verify', 'verification', 'confirmed', 'sent', 'opt', 'optin', 'optout', 'consent', 'subscribed',
  'notification', 'mode', 'test',
  // lifecycle
  'reset', 'recovery', 'forgot', 'expiry', 'expires', 'expire', 'expired', 'expiration', 'exp', 'ttl', 'lifetime',
  'timeout', 'age', 'attempt', 'tries', 'retries', 'failure', 'failed', 'lockout', 'changed', 'updated', 'created',
  'used', 'set', 'at', 'time', 'timestamp', 'ts', 'since', 'seconds', 'secs', 'ms', 'millis', 'milliseconds', 'minutes',
  'mins', 'hours', 'days', 'duration', 'interval', 'delay', 'offset', 'renewal', 'threshold', 'period', 'credential',
  'credentials',
  // where the data is, not the data
  'url', 'uri', 'link', 'href', 'endpoint', 'route', 'path', 'dir', 'file', 'filename', 'env', 'var', 'variable',
  'name', 'key', 'header', 'prefix', 'suffix', 'param', 'parameter', 'preview', 'host', 'port', 'server', 'client',
  'domain', 'source', 'fingerprint',
  // code that handles the data
  'config', 'configuration', 'settings', 'setting', 'options', 'option', 'opts', 'generator', 'factory', 'builder',
  'parser', 'encoder', 'decoder', 'hasher', 'helper', 'util', 'utils', 'service', 'provider', 'manager', 'handler',
  'callback', 'cb', 'listener', 'hook', 'middleware', 'filter', 'interceptor', 'resolver', 'extractor', 'verifier',
  'checker', 'controller', 'repository', 'repo', 'storage', 'strategy', 'module', 'class', 'model', 'admin', 'backend',
  'serializer', 'table',
  // an identifier or a count of the data, not the data (`secret_uuid`, `tokens_deleted`)
  'id', 'ids', 'uuid', 'guid', 'arn', 'metadata', 'delete', 'deleted', 'revoked', 'purged',
]);

/**
 * Words that, BEFORE a data phrase, make the name a question or an action about it
 * (`isPasswordSet`, `hasToken`, `validateEmail`, `maxTokens`, `onPasswordChange`, `userWithoutPassword`).
 */
export const PRE_WORDS: readonly string[] = Object.freeze([
  'is', 'has', 'have', 'had', 'was', 'were', 'did', 'does', 'should', 'will', 'can', 'must', 'show', 'hide', 'toggle',
  'validate', 'check', 'verify', 'compare', 'match', 'format', 'allow', 'enable', 'disable', 'require', 'requires',
  'need', 'needs', 'forgot', 'forget', 'min', 'max', 'minimum', 'maximum', 'num', 'count', 'total', 'len', 'on',
  'handle', 'without', 'no', 'updating', 'changing', 'resetting', 'setting',
]);

/** Words that, anywhere in the name, say the data is protected or partial (`maskedCardNumber`, `ssn_enc`). */
export const PROTECTION_WORDS: readonly string[] = Object.freeze([
  'masked', 'mask', 'redacted', 'redact', 'truncated', 'truncate', 'last4', 'last 4', 'last four', 'lastfour',
  'last digits', 'encrypted', 'encrypt', 'enc', 'cipher', 'ciphertext', 'ciphered', 'obfuscated', 'obfuscate',
  'tokenized', 'tokenised', 'anonymized', 'anonymised', 'pseudonymized', 'pseudonymised', 'scrubbed', 'sealed', 'wrapped',
]);

/** Words that, anywhere in the name, make a password a `password_hash` and cancel other types (`emailHash`). */
export const HASH_WORDS: readonly string[] = Object.freeze([
  'hash', 'hashed', 'digest', 'digested', 'bcrypt', 'scrypt', 'argon', 'argon2', 'argon2id', 'pbkdf2', 'crypt',
  'crypted', 'salted', 'sha', 'sha1', 'sha256', 'sha512', 'md5',
]);

/** Words that separate independent parts of a name (`emailOrPhone`, `tokenWithExpiry`). */
export const SEPARATOR_WORDS: readonly string[] = Object.freeze(['and', 'or', 'plus', 'vs', 'versus', 'with', 'from', 'for']);

/** The type a password turns into when a HASH word is present. */
export const HASHED_TYPES: Readonly<Record<string, string>> = Object.freeze({ password: 'password_hash' });

/**
 * Data words that are NOT split off the end of a longer lower-case word. Other data words of five letters or more
 * are (`userpassword` → user password, `csrftoken` → csrf token), but `microphone` is not a phone.
 */
export const NOT_COMPOUND_SUFFIXES: readonly string[] = Object.freeze(['phone']);
