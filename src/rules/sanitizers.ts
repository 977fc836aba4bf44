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
  { kind: 'password-hash', path: '(^|\\.)(hashPassword|hash_password|hashpw|generateHash|generate_hash|generatePasswordHash|createPasswordHash|hashPwd|hashPass|encodePassword)$', label: 'password hashing helper' },
  { kind: 'password-hash', path: '(^|\\.)(generate_password_hash|make_password|set_password|pbkdf2_hmac)$', syntax: ['python'], label: 'werkzeug/Django/hashlib password hashing' },
  { kind: 'password-hash', path: '^(hashlib\\.)?scrypt$', syntax: ['python'], label: 'hashlib.scrypt' },
  { kind: 'password-hash', path: '(passlib|pwd_context|CryptContext\\(\\)|argon2|PasswordHasher\\(\\)|ph|hasher|bcrypt|sha256_crypt|sha512_crypt|pbkdf2_sha256)\\.(hash|encrypt|using\\(\\)\\.hash)$', syntax: ['python'], label: 'passlib / argon2-cffi' },
  { kind: 'password-hash', path: '(^|\\.)([pP]asswordEncoder|[eE]ncoder|[A-Za-z]*PasswordEncoder(\\(\\))?)\\.encode$|(^|\\.)BCrypt\\.hashpw$|(^|\\.)SCryptUtil\\.scrypt$|(^|\\.)[aA]rgon2[A-Za-z]*\\.hash$|(^|\\.)(generateSecret|hashPassword)$', syntax: ['java'], label: 'Spring Security PasswordEncoder / BCrypt / PBKDF2' },
  { kind: 'password-hash', path: '^bcrypt\\.GenerateFromPassword$|^argon2\\.(IDKey|Key)$|^scrypt\\.Key$|^pbkdf2\\.Key$|^argon2id\\.CreateHash$', syntax: ['go'], label: 'bcrypt / argon2 / scrypt / PBKDF2 (golang.org/x/crypto)' },
  { kind: 'password-hash', path: '(^|\\.)(HashPassword|EnhancedHashPassword|Pbkdf2)$|^new (System\\.Security\\.Cryptography\\.)?Rfc2898DeriveBytes$', syntax: ['csharp'], label: 'ASP.NET Core PasswordHasher / BCrypt.Net / PBKDF2' },
  { kind: 'password-hash', path: '^(password_hash|sodium_crypto_pwhash_str|sodium_crypto_pwhash|Hash\\.make|bcrypt|Hash::make)$|^(hash|hasher|passwordHasher|encoder)\\.(make|hashPassword|encodePassword|hash)$', syntax: ['php'], label: 'password_hash / Laravel Hash::make / Symfony hasher' },
  { kind: 'hash', path: '^(md5|sha1|crc32|hash|hash_hmac|md5_file|sha1_file)$', syntax: ['php'], label: 'fast hash' },
  { kind: 'password-hash', path: '^(BCrypt\\.Password\\.create|Argon2\\.Password\\.create|Argon2id\\.Password\\.create|SCrypt\\.Password\\.create|OpenSSL\\.KDF\\.pbkdf2_hmac|OpenSSL\\.PKCS5\\.pbkdf2_hmac)$', syntax: ['ruby'], label: 'bcrypt / argon2 / scrypt / PBKDF2' },
  { kind: 'hash', path: '^(Digest\\.(MD5|SHA1|SHA256|SHA384|SHA512|SHA2)|OpenSSL\\.Digest\\.(MD5|SHA1|SHA256|SHA512))\\.(hexdigest|digest|base64digest)$|^OpenSSL\\.HMAC\\.(hexdigest|digest)$', syntax: ['ruby'], label: 'Digest' },
  // Fast / keyed hashes
  { kind: 'hash', path: '^(md5|sha1|sha256|sha512|sha3)\\.(Sum|Sum224|Sum256|Sum384|Sum512|Sum512_224|Sum512_256)$', syntax: ['go'], label: 'crypto hash' },
  { kind: 'hash', path: '(^|\\.)(createHash|createHmac)\\(\\)\\.update$', syntax: ['js'], label: 'crypto hash' },
  { kind: 'hash', path: '^(CryptoJS\\.)?(MD5|SHA1|SHA256|SHA512|SHA3|HmacSHA256|HmacSHA512)$|^(md5|sha1|sha256|sha512)$', syntax: ['js'], label: 'fast hash' },
  { kind: 'hash', path: '^(hashlib\\.)?(md5|sha1|sha224|sha256|sha384|sha512|sha3_256|sha3_512|blake2b|blake2s|new)$|^hmac\\.(new|digest)$', syntax: ['python'], label: 'hashlib' },
  { kind: 'hash', path: '^hashlib\\.(md5|sha1|sha224|sha256|sha384|sha512|new)\\(\\)\\.update$', syntax: ['python'], label: 'hashlib' },
  { kind: 'hash', path: '(^|\\.)(digest|md5Hex|sha1Hex|sha256Hex|sha512Hex|md5|sha1|sha256|sha512|hashString|hashBytes)$|(^|\\.)[mM]ac\\.doFinal$', syntax: ['java'], label: 'MessageDigest / DigestUtils / Mac' },
  { kind: 'hash', path: '(^|\\.)(ComputeHash|HashData|ComputeHashAsync)$', syntax: ['csharp'], label: 'System.Security.Cryptography hash' },
  // Encryption
  { kind: 'encrypt', path: '(^|\\.)createCipheriv\\(\\)\\.(update|final)$', syntax: ['js'], label: 'crypto cipher' },
  { kind: 'encrypt', path: '(^|\\.)(encrypt|encryptField|encryptValue|encryptData|seal|kmsEncrypt|encrypt_field|encrypt_value|encrypt_data)$', label: 'encryption' },
  { kind: 'encrypt', path: '(^|\\.)AES\\.encrypt$|(^|\\.)publicEncrypt$', label: 'encryption' },
  { kind: 'encrypt', path: '(^|\\.)([cC]ipher|[eE]ncryptor|[tT]extEncryptor|[sS]tringEncryptor|[bB]ytesEncryptor)\\.(doFinal|encrypt)$', syntax: ['java'], label: 'javax.crypto Cipher / Jasypt / Spring Crypto' },
  { kind: 'encrypt', path: '(^|\\.)(Seal|Encrypt|EncryptString|EncryptField|EncryptValue|EncryptOAEP|EncryptPKCS1v15)$', syntax: ['go'], label: 'encryption' },
  { kind: 'encrypt', path: '(^|\\.)(Encrypt|EncryptString|EncryptAsync|Protect|TransformFinalBlock)$', syntax: ['csharp'], label: 'encryption / Data Protection' },
  // Tokenisation
  { kind: 'tokenize', path: '(^|\\.)(tokenize|tokenise|tokenizeCard|tokenize_card|createToken|create_token)$', label: 'tokenisation' },
  // Masking / redaction
  { kind: 'mask', path: '(^|\\.)(mask|maskCard|maskSsn|maskEmail|maskPan|redact|redacted|anonymize|anonymise|pseudonymize|pseudonymise|obfuscate|truncate|last4|lastFour|mask_card|mask_ssn|mask_email|mask_pan|last_four)$', label: 'masking' },
  { kind: 'mask', path: '(^|\\.)(slice|substring|substr|replace|replaceAll|padStart)$', syntax: ['js'], label: 'string masking' },
  { kind: 'mask', path: '^re\\.sub$', syntax: ['python'], label: 're.sub masking' },
  { kind: 'encrypt', path: '^(openssl_encrypt|sodium_crypto_secretbox|sodium_crypto_box|Crypt\\.encrypt|Crypt\\.encryptString|encrypt|encryptString)$', syntax: ['php'], label: 'encryption' },
  { kind: 'mask', path: '(^|\\.)(Mask|MaskCard|MaskSSN|MaskSsn|MaskEmail|MaskPAN|Redact|Redacted|Anonymize|Obfuscate|Truncate|Last4|LastFour)$', syntax: ['go'], label: 'masking' },
  { kind: 'mask', path: '(^|\\.)(substring|replaceAll|replaceFirst|replace|repeat)$', syntax: ['java'], label: 'string masking' },
  { kind: 'mask', path: '(^|\\.)(Mask\\w*|Redact\\w*|Anonymize|Truncate|Last4|LastFour|Substring|Replace|PadLeft)$', syntax: ['csharp'], label: 'masking' },
  { kind: 'tokenize', path: '(^|\\.)(Tokenize|TokenizeAsync|CreateToken)$', syntax: ['csharp'], label: 'tokenisation' },
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
  ruby: new Set([
    'to_s', 'to_str', 'to_json', 'to_h', 'strip', 'downcase', 'upcase', 'squish', 'format', 'join', 'encode', 'inspect',
    'dup', 'freeze', 'to_param', 'as_json', 'merge', 'compact', 'gsub_noop',
  ]),
  php: new Set([
    'strval', 'trim', 'ltrim', 'rtrim', 'strtolower', 'strtoupper', 'sprintf', 'vsprintf', 'implode', 'join', 'json_encode',
    'serialize', 'base64_encode', 'urlencode', 'rawurlencode', 'http_build_query', 'htmlspecialchars', 'var_export', 'print_r',
    'mb_strtolower', 'ucfirst', 'str_replace', 'number_format',
  ]),
  go: new Set([
    'string', 'Sprintf', 'Sprint', 'Sprintln', 'Errorf', 'Join', 'TrimSpace', 'Trim', 'ToLower', 'ToUpper', 'Marshal',
    'MarshalIndent', 'EncodeToString', 'QueryEscape', 'PathEscape', 'Encode', 'Itoa', 'FormatInt', 'Clone',
  ]),
  java: new Set([
    'valueOf', 'toString', 'format', 'formatted', 'append', 'concat', 'trim', 'strip', 'toLowerCase', 'toUpperCase', 'getBytes',
    'toCharArray', 'join', 'encodeToString', 'encode', 'writeValueAsString', 'toJson', 'asList', 'of', 'copyOf', 'requireNonNull', 'create',
  ]),
  csharp: new Set([
    'ToString', 'Format', 'Concat', 'Join', 'Trim', 'ToLower', 'ToUpper', 'ToLowerInvariant', 'ToUpperInvariant', 'GetBytes',
    'ToBase64String', 'Serialize', 'SerializeObject', 'Append', 'AppendLine', 'ToCharArray', 'EscapeDataString', 'Create',
  ]),
  // Config files have no calls.
  properties: new Set<string>(),
  yaml: new Set<string>(),
});
