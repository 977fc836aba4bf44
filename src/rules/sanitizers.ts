/**
 * Built-in sanitizers: calls that make sensitive data safe to store, log or send. Data, read by the
 * local data flow; the team config adds its own. A pattern is matched against the callee's resolved
 * path (imports resolved: `hash(pw)` after `import { hash } from 'bcrypt'` is `bcrypt.hash`), with
 * calls shown as `()`: `crypto.createHash().update`.
 */
import type { SyntaxFamily } from '../languages/registry';

/**
 * - `password-hash`: slow, salted password hashing (bcrypt, argon2, scrypt, PBKDF2).
 * - `hash`: a fast or keyed hash (MD5, SHA-*, HMAC): fine for lookups, not for passwords.
 * - `encrypt`, `tokenize`, `mask`: protection of personal data.
 */
export type SanitizerKind = 'password-hash' | 'hash' | 'encrypt' | 'tokenize' | 'mask';

export interface SanitizerDef {
  kind: SanitizerKind;
  /** Regex source matched against the whole resolved callee path. */
  path: string;
  /** Languages it applies to; all when absent. */
  syntax?: SyntaxFamily[];
  /** Where it comes from, for explanations. */
  label: string;
}

export const SANITIZERS: readonly SanitizerDef[] = Object.freeze([
  // Password hashing
  { kind: 'password-hash', path: '^(bcrypt|bcryptjs|bcrypt-nodejs|@node-rs/bcrypt)\\.(hash|hashSync|genSalt)$', label: 'bcrypt' },
  { kind: 'password-hash', path: '(^|\\.)(argon2|@node-rs/argon2)\\.(hash|hashRaw)$', label: 'argon2' },
  { kind: 'password-hash', path: '(^|\\.)(scrypt|scryptSync|pbkdf2|pbkdf2Sync)$', syntax: ['js'], label: 'crypto scrypt/PBKDF2' },
  { kind: 'password-hash', path: '(^|\\.)hashPassword$|(^|\\.)hash_password$|(^|\\.)hashpw$', label: 'password hashing helper' },
  { kind: 'password-hash', path: '(^|\\.)(generate_password_hash|make_password|set_password|pbkdf2_hmac)$', syntax: ['python'], label: 'werkzeug/Django/hashlib password hashing' },
  { kind: 'password-hash', path: '^(hashlib\\.)?scrypt$', syntax: ['python'], label: 'hashlib.scrypt' },
  { kind: 'password-hash', path: '(passlib|pwd_context|CryptContext\\(\\)|argon2|PasswordHasher\\(\\)|ph|hasher|bcrypt|sha256_crypt|sha512_crypt|pbkdf2_sha256)\\.(hash|encrypt|using\\(\\)\\.hash)$', syntax: ['python'], label: 'passlib / argon2-cffi' },
  // Fast / keyed hashes
  { kind: 'hash', path: '(^|\\.)(createHash|createHmac)\\(\\)\\.update$', syntax: ['js'], label: 'crypto hash' },
  { kind: 'hash', path: '^(CryptoJS\\.)?(MD5|SHA1|SHA256|SHA512|SHA3|HmacSHA256|HmacSHA512)$|^(md5|sha1|sha256|sha512)$', syntax: ['js'], label: 'fast hash' },
  { kind: 'hash', path: '^(hashlib\\.)?(md5|sha1|sha224|sha256|sha384|sha512|sha3_256|sha3_512|blake2b|blake2s|new)$|^hmac\\.(new|digest)$', syntax: ['python'], label: 'hashlib' },
  { kind: 'hash', path: '^hashlib\\.(md5|sha1|sha224|sha256|sha384|sha512|new)\\(\\)\\.update$', syntax: ['python'], label: 'hashlib' },
  // Encryption
  { kind: 'encrypt', path: '(^|\\.)createCipheriv\\(\\)\\.(update|final)$', syntax: ['js'], label: 'crypto cipher' },
  { kind: 'encrypt', path: '(^|\\.)(encrypt|encryptField|encryptValue|encryptData|seal|kmsEncrypt|encrypt_field|encrypt_value|encrypt_data)$', label: 'encryption' },
  { kind: 'encrypt', path: '(^|\\.)AES\\.encrypt$|(^|\\.)publicEncrypt$', label: 'encryption' },
  // Tokenisation
  { kind: 'tokenize', path: '(^|\\.)(tokenize|tokenise|tokenizeCard|tokenize_card|createToken|create_token)$', label: 'tokenisation' },
  // Masking / redaction
  { kind: 'mask', path: '(^|\\.)(mask|maskCard|maskSsn|maskEmail|maskPan|redact|redacted|anonymize|anonymise|pseudonymize|pseudonymise|obfuscate|truncate|last4|lastFour|mask_card|mask_ssn|mask_email|mask_pan|last_four)$', label: 'masking' },
  { kind: 'mask', path: '(^|\\.)(slice|substring|substr|replace|replaceAll|padStart)$', syntax: ['js'], label: 'string masking' },
  { kind: 'mask', path: '^re\\.sub$', syntax: ['python'], label: 're.sub masking' },
]);

/**
 * Calls whose result carries the data of their receiver and arguments unchanged (string building,
 * encoding, serialisation). Matched against the last name of the callee.
 */
export const PASSTHROUGH: Readonly<Record<SyntaxFamily, ReadonlySet<string>>> = Object.freeze({
  js: new Set([
    'String', 'stringify', 'toString', 'trim', 'trimStart', 'trimEnd', 'toLowerCase', 'toUpperCase', 'concat', 'join',
    'normalize', 'from', 'format', 'btoa', 'encodeURIComponent', 'encodeURI', 'assign', 'toJSON', 'valueOf', 'padEnd',
  ]),
  python: new Set([
    'str', 'repr', 'format', 'encode', 'decode', 'strip', 'lstrip', 'rstrip', 'lower', 'upper', 'dumps', 'b64encode',
    'urlsafe_b64encode', 'hexlify', 'bytes', 'join', 'dict', 'copy', 'urlencode', 'quote', 'quote_plus',
  ]),
});
