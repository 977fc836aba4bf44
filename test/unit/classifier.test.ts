import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Classifier, keysPattern, shortKeyPattern, splitWords } from '../../src/core/classifier';
import {
  cardBrand, ibanValid, looksLikeCardNumber, looksLikePlaceholder, looksLikeSsn, luhnValid, recogniseSecretFormat, redact,
} from '../../src/core/values';
import { DATA_DICTIONARY, type ValueRecogniser } from '../../src/rules/data-dictionary';
import { REPO_ROOT } from './helpers/paths';

const classifier = new Classifier();
const typesOf = (name: string): string[] => classifier.classifyName(name).map((c) => c.type).sort();
const valueTypesOf = (value: string): string[] => classifier.classifyValue(value).map((c) => c.type).sort();

/** Deterministic filler for fake keys, so no real-looking secret is written in this file. */
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const fill = (n: number, alphabet = ALNUM): string => Array.from({ length: n }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join('');
const b64url = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('classifier', () => {
  describe('tokenize', () => {
    const cases: Array<[string, string[]]> = [
      ['userSSN', ['user', 'ssn']],
      ['APIKey', ['api', 'key']],
      ['DB_PASSWORD', ['db', 'password']],
      ['x-api-key', ['x', 'api', 'key']],
      ['user.address.zipCode', ['user', 'address', 'zip', 'code']],
      ['cc2Num', ['cc', '2', 'num']],
      ['card_last4', ['card', 'last', '4']],
      ['userSSNs', ['user', 'ssns']],
      ['HTTPServerPassword', ['http', 'server', 'password']],
      ['userpassword', ['user', 'password']],
      ['csrftoken', ['csrf', 'token']],
      ['microphone', ['microphone']],
      ['Contraseña', ['contraseña']],
      ['', []],
    ];
    for (const [name, words] of cases) {
      it(`splits ${JSON.stringify(name)}`, () => assert.deepEqual(classifier.tokenize(name), words));
    }
    it('splitWords knows no dictionary', () => assert.deepEqual(splitWords('userpassword'), ['userpassword']));
  });

  describe('classifyName: sensitive names', () => {
    const cases: Array<[string, string[]]> = [
      ['pwd', ['password']],
      ['passwd', ['password']],
      ['password', ['password']],
      ['userPassword', ['password']],
      ['DB_PASSWORD', ['password']],
      ['MYSQL_ROOT_PASSWORD', ['password']],
      ['userpassword', ['password']],
      ['passwords', ['password']],
      ['confirmPassword', ['password']],
      ['password_confirmation', ['password']],
      ['passphrase', ['password']],
      ['pass', ['password']],
      ['user_pass', ['password']],
      ['SMTP_PASS', ['password']],
      ['pinCode', ['password']],
      ['cardPin', ['password']],
      ['pass_hash', ['password_hash']],
      ['passwordHash', ['password_hash']],
      ['password_digest', ['password_hash']],
      ['hashedPassword', ['password_hash']],
      ['pwdSaltedHash', ['password_hash']],
      ['client_secret', ['secret']],
      ['SECRET_KEY', ['secret']],
      ['AWS_SECRET_ACCESS_KEY', ['secret']],
      ['jwtSecret', ['secret']],
      ['apiKey', ['api_key']],
      ['APIKey', ['api_key']],
      ['x-api-key', ['api_key']],
      ['apikey', ['api_key']],
      ['accessToken', ['token']],
      ['refreshToken', ['token']],
      ['access_tokens', ['token']],
      ['GITHUB_TOKEN', ['token']],
      ['X-Auth-Token', ['token']],
      ['resetPasswordToken', ['token']],
      ['sessionId', ['token']],
      ['jwt', ['token']],
      ['privateKey', ['private_key']],
      ['privateKeyPassword', ['password']],
      ['otpSecret', ['otp']],
      ['ssn', ['ssn']],
      ['cust_ssn', ['ssn']],
      ['userSSN', ['ssn']],
      ['socialSecurityNumber', ['ssn']],
      ['nationalInsuranceNumber', ['national_id']],
      ['passportNo', ['passport_number']],
      ['driversLicense', ['drivers_license']],
      ['taxId', ['tax_id']],
      ['creditCardNumber', ['card_number']],
      ['cardNumber', ['card_number']],
      ['cc_num', ['card_number']],
      ['ccnum', ['card_number']],
      ['CARDNUMBER', ['card_number']],
      ['pan', ['card_number']],
      ['cvv', ['cvv']],
      ['cvv2', ['cvv']],
      ['cardExpiry', ['card_expiry']],
      ['iban', ['iban']],
      ['acct_no', ['bank_account']],
      ['bankAccountNumber', ['bank_account']],
      ['routingNumber', ['routing_number']],
      ['sort_code', ['routing_number']],
      ['email', ['email']],
      ['email_address', ['email']],
      ['e-mail', ['email']],
      ['userEmail', ['email']],
      ['phoneNumber', ['phone']],
      ['mobile_no', ['phone']],
      ['homeAddress', ['address']],
      ['addressLine1', ['address']],
      ['zipCode', ['address']],
      ['firstName', ['name']],
      ['last_name', ['name']],
      ['cardholderName', ['name']],
      ['dob', ['date_of_birth']],
      ['dateOfBirth', ['date_of_birth']],
      ['birthdate', ['date_of_birth']],
      ['diagnosis', ['health']],
      ['medicalRecordNumber', ['health']],
      ['faceTemplate', ['biometric']],
      ['fingerprintScan', ['biometric']],
      ['latitude', ['location']],
      ['latLng', ['location']],
      ['emailOrPhone', ['email', 'phone']],
      ['tokenWithExpiry', ['token']],
      ['passwordFromEnv', ['password']],
    ];
    for (const [name, types] of cases) {
      it(`${name} → ${types.join(', ')}`, () => assert.deepEqual(typesOf(name), [...types].sort()));
    }
  });

  describe('classifyName: names that are not sensitive data', () => {
    const cases: string[] = [
      // metadata about the data
      'passwordPolicy', 'password_reset_url', 'maxPasswordLength', 'passwordMinLength', 'lengthOfPassword', 'ssnFormat',
      'email_verified', 'emailVerified', 'passwordField', 'passwordInput', 'passwordLabel', 'isPasswordValid',
      'showPassword', 'hasToken', 'onPasswordChange', 'PASSWORD_FILE', 'passwordSalt', 'passwordHashAlgorithm',
      'tokenExpiry', 'tokenExpiresAt', 'secretName', 'secretKeyRef', 'apiKeyHeader', 'apiKeyId', 'AWS_ACCESS_KEY_ID',
      'emailTemplate', 'phoneFormat', 'userWithoutPassword', 'TOKEN_KEY',
      // not that kind of token
      'tokenizer', 'tokenize', 'tokens', 'maxTokens', 'max_tokens', 'prompt_tokens', 'csrf_token', 'csrfToken',
      'X-CSRF-Token', 'nextPageToken', 'cancellationToken', 'tokenId', 'semanticTokens', 'cardToken',
      // protected or partial data
      'card_last4', 'cardNumberLast4', 'maskedCardNumber', 'encryptedSsn', 'ssn_enc', 'encrypted_password',
      'redactedEmail', 'emailHash', 'ssnSha256',
      // words that contain a data word
      'bypass', 'compass', 'passed', 'passage', 'passThrough', 'firstPass', 'spinner', 'pinned', 'pin', 'secretary',
      'microphone', 'passwordless', 'lessn',
      // too generic, or something else
      'name', 'filename', 'username', 'userName', 'displayName', 'ipAddress', 'macAddress', 'serverAddress', 'mail',
      'sendMail', 'passport', 'fingerprint', 'certFingerprint', 'location', 'mobile', 'cardType', 'cardBrand', 'panX',
      'PanResponder', 'iris', 'retina', 'key', 'id', 'user', 'data', '',
    ];
    for (const name of cases) {
      it(`${JSON.stringify(name)} → nothing`, () => assert.deepEqual(typesOf(name), []));
    }
  });

  describe('classifyName: explanations', () => {
    it('names the name, the type, its label and the pattern', () => {
      const [c] = classifier.classifyName('cust_ssn');
      assert.ok(c);
      assert.equal(c.by, 'name');
      assert.equal(c.category, 'government_id');
      assert.equal(c.explanation, '`cust_ssn` matched type `ssn` (US Social Security number) by the name pattern "ssn"');
    });
    it('names the hash word that made a password a hash', () => {
      const [c] = classifier.classifyName('pwd_bcrypt');
      assert.match(c?.explanation ?? '', /type `password_hash` .* "pwd" with the hash word "bcrypt"/);
    });
    it('returns equal results from the cache, as copies', () => {
      const c = new Classifier();
      const first = c.classifyName('userPassword');
      first.pop();
      assert.deepEqual(c.classifyName('userPassword').map((x) => x.type), ['password']);
    });
  });

  describe('classifyValue', () => {
    const ghp = `ghp_${fill(36)}`;
    const cases: Array<[string, string, string[]]> = [
      ['the famous Visa test card', '4111 1111 1111 1111', ['card_number']],
      ['a card with dashes', '4111-1111-1111-1111', ['card_number']],
      ['an Amex test card', '378282246310005', ['card_number']],
      ['a Luhn-invalid card', '4111111111111112', []],
      ['a dashed SSN', '123-45-6788', ['ssn']],
      ['an SSN with area 000', '000-12-3456', []],
      ['the Woolworth SSN', '078-05-1120', []],
      ['a GB IBAN', 'GB82 WEST 1234 5698 7654 32', ['iban']],
      ['a DE IBAN', 'DE89370400440532013000', ['iban']],
      ['an IBAN with a wrong check digit', 'GB83 WEST 1234 5698 7654 32', []],
      ['a GitHub token', ghp, ['token']],
      ['a GitHub token in a header', `token ${ghp}`, ['token']],
      ['an AWS access key id', `AKIA${fill(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`, ['api_key']],
      ['a PEM private key', `-----BEGIN PRIVATE KEY-----\n${fill(64)}\n-----END PRIVATE KEY-----`, ['private_key']],
      ['a sentence', 'hello world, this is fine', []],
      ['a short number', '12345', []],
    ];
    for (const [what, value, types] of cases) {
      it(`${what} → ${types.join(', ') || 'nothing'}`, () => assert.deepEqual(valueTypesOf(value), types));
    }
    it('never puts the value in an explanation', () => {
      const values = cases.map(([, v]) => v).filter((v) => classifier.classifyValue(v).length > 0);
      assert.ok(values.length >= 8, 'too few recognised values to check');
      for (const v of values) {
        for (const c of classifier.classifyValue(v)) {
          assert.equal(c.by, 'value');
          for (const part of [v, v.replace(/[\s-]/g, ''), v.slice(0, 12)]) {
            assert.ok(!c.explanation.includes(part), `explanation "${c.explanation}" contains the value`);
          }
        }
      }
    });
    it('explains a card number as the design says', () => {
      assert.deepEqual(classifier.classifyValue('4111 1111 1111 1111').map((c) => c.explanation), [
        'the value matched type `card_number` (payment card number, Luhn-valid)',
      ]);
    });
  });

  describe('values: cards', () => {
    const luhn: Array<[string, boolean]> = [
      ['4111111111111111', true], ['79927398713', true], ['79927398710', false], ['', false], ['4111-1111', false],
    ];
    for (const [digits, ok] of luhn) it(`luhnValid(${JSON.stringify(digits)}) is ${ok}`, () => assert.equal(luhnValid(digits), ok));

    const cards: Array<[string, boolean]> = [
      ['4111 1111 1111 1111', true], ['4111111111111111', true], ['5555555555554444', true], ['2223003122003222', true],
      ['6011111111111117', true], ['3530111333300000', true], ['378282246310005', true],
      ['4111111111111112', false], ['1234567812345678', false], ['0000000000000000', false], ['4444444444444444', false],
      ['4111  1111 1111 1111', false], ['411111111111', false], ['4111 1111 1111 1111 1111 1', false], ['+1 555 123 4567', false],
    ];
    for (const [s, ok] of cards) it(`looksLikeCardNumber(${JSON.stringify(s)}) is ${ok}`, () => assert.equal(looksLikeCardNumber(s), ok));
    it('names the brand of a card', () => assert.equal(cardBrand('378282246310005'), 'American Express'));
  });

  describe('values: SSNs', () => {
    const ssns: Array<[string, boolean]> = [
      ['123-45-6788', true], ['001-01-0001', true], ['000-12-3456', false], ['666-12-3456', false], ['900-12-3456', false],
      ['987-65-4321', false], ['123-00-4567', false], ['123-45-0000', false], ['078-05-1120', false], ['123-45-6789', false],
      ['219-09-9999', false], ['123456788', false], ['123-456-788', false], ['12-345-6788', false],
    ];
    for (const [s, ok] of ssns) it(`looksLikeSsn(${JSON.stringify(s)}) is ${ok}`, () => assert.equal(looksLikeSsn(s), ok));
    it('accepts nine digits only when the caller says so', () => {
      assert.equal(looksLikeSsn('123456788', { allowUndashed: true }), true);
      assert.equal(looksLikeSsn('666456788', { allowUndashed: true }), false);
    });
  });

  describe('values: IBANs', () => {
    const ibans: Array<[string, boolean]> = [
      ['GB82 WEST 1234 5698 7654 32', true], ['GB82WEST12345698765432', true], ['DE89370400440532013000', true],
      ['DE89 3704 0044 0532 0130 00', true], ['NL91ABNA0417164300', true], ['FR1420041010050500013M02606', true],
      ['GB83 WEST 1234 5698 7654 32', false], ['DE89370400440532013001', false], ['DE8937040044053201300', false],
      ['XX89370400440532013000', false], ['gb82west12345698765432', false], ['GB82  WEST 1234 5698 7654 32', false], ['', false],
    ];
    for (const [s, ok] of ibans) it(`ibanValid(${JSON.stringify(s)}) is ${ok}`, () => assert.equal(ibanValid(s), ok));
  });

  describe('values: secrets in known formats', () => {
    const jwt = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: '1234567890', name: 'Test' })}.${fill(43)}`;
    const cases: Array<[string, string, string | undefined]> = [
      ['AWS access key id', `AKIA${fill(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`, 'api_key'],
      ['AWS temporary key id', `ASIA${fill(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`, 'api_key'],
      ['near miss: AKIA + 15', `AKIA${fill(15, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`, undefined],
      ['GitHub ghp_', `ghp_${fill(36)}`, 'token'],
      ['GitHub ghs_', `ghs_${fill(36)}`, 'token'],
      ['GitHub fine-grained', `github_pat_${fill(22)}_${fill(59)}`, 'token'],
      ['near miss: ghp_ + 20', `ghp_${fill(20)}`, undefined],
      ['Slack bot token', `xoxb-${fill(12, '0123456789')}-${fill(12, '0123456789')}-${fill(24)}`, 'token'],
      ['near miss: xoxb- word', 'xoxb-not-a-real-token-at-all', undefined],
      ['Slack webhook', `https://hooks.slack.com/services/T${fill(8, 'ABCDEFGHIJ0123456789')}/B${fill(8, 'ABCDEFGHIJ0123456789')}/${fill(24)}`, 'secret'],
      ['Stripe live key', `sk_live_${fill(24)}`, 'api_key'],
      ['Stripe restricted key', `rk_live_${fill(24)}`, 'api_key'],
      ['Stripe test key', `sk_test_${fill(24)}`, 'api_key'],
      ['near miss: Stripe publishable key', `pk_live_${fill(24)}`, undefined],
      ['Google API key', `AIza${fill(35)}`, 'api_key'],
      ['near miss: AIza + 30', `AIza${fill(30)}`, undefined],
      ['PEM RSA key', `-----BEGIN RSA PRIVATE KEY-----\n${fill(64)}\n${fill(64)}\n-----END RSA PRIVATE KEY-----`, 'private_key'],
      ['PEM key with escaped newlines', `-----BEGIN EC PRIVATE KEY-----\\n${fill(64)}\\n-----END EC PRIVATE KEY-----`, 'private_key'],
      ['near miss: PEM header only', '-----BEGIN RSA PRIVATE KEY-----', undefined],
      ['near miss: PEM public key', `-----BEGIN PUBLIC KEY-----\n${fill(64)}\n-----END PUBLIC KEY-----`, undefined],
      ['JWT', jwt, 'token'],
      ['near miss: two JWT parts', jwt.split('.').slice(0, 2).join('.'), undefined],
      ['SendGrid', `SG.${fill(22)}.${fill(43)}`, 'api_key'],
      ['near miss: SendGrid short', `SG.${fill(10)}.${fill(43)}`, undefined],
      ['Twilio API key', `SK${fill(32, HEX)}`, 'api_key'],
      ['near miss: Twilio + 31', `SK${fill(31, HEX)}`, undefined],
      ['npm token', `npm_${fill(36)}`, 'token'],
      ['near miss: npm + 30', `npm_${fill(30)}`, undefined],
      ['a long random word', fill(40), undefined],
    ];
    for (const [what, value, type] of cases) {
      it(`${what} → ${type ?? 'nothing'}`, () => assert.equal(recogniseSecretFormat(value)?.type, type));
    }
    it('labels Stripe test keys as test keys', () => {
      assert.deepEqual(recogniseSecretFormat(`sk_test_${fill(24)}`), { type: 'api_key', label: 'Stripe test key', test: true });
      assert.equal(recogniseSecretFormat(`sk_live_${fill(24)}`)?.test, undefined);
    });
  });

  describe('values: placeholders', () => {
    const placeholders = [
      '', '   ', 'abc', 'changeme', 'change_me', 'CHANGE-ME', 'password', 'secret', 'xxxxxxxx', 'xxx-xxx-xxx', '***', '******',
      '<your-api-key>', '${DB_PASSWORD}', '{{ .Values.password }}', '%s', '%(password)s', '$API_KEY', 'TODO', 'your-api-key',
      'your_password_here', 'YOUR_TOKEN', 'insert-key-here', 'example', 'dummy', 'test', 'fake', 'sample', 'placeholder',
      'none', 'null', 'aaaaaa', 'AKIAIOSFODNN7EXAMPLE',
    ];
    for (const v of placeholders) it(`${JSON.stringify(v)} is a placeholder`, () => assert.equal(looksLikePlaceholder(v), true));
    const real = ['hunter2', 'S3cr3t!Pa55', 'correct horse battery staple', fill(32), `sk_live_${fill(24)}`, 'admin123'];
    for (const v of real) it(`${JSON.stringify(v)} is not a placeholder`, () => assert.equal(looksLikePlaceholder(v), false));
  });

  describe('values: redact', () => {
    const cases: Array<[string, string]> = [
      ['hunter2', 'hu*****'], ['abcdef', 'ab*****'], ['abcde', '*****'], ['', '*****'], [fill(200), 'DK*****'], ['🔑🔑secret', '🔑🔑*****'],
    ];
    for (const [value, out] of cases) it(`redact(${JSON.stringify(value.slice(0, 10))}) is ${out}`, () => assert.equal(redact(value), out));
  });

  describe('dictionary', () => {
    it('has unique ids, labels with their article and at least one name per type', () => {
      const ids = DATA_DICTIONARY.map((t) => t.id);
      assert.equal(new Set(ids).size, ids.length);
      for (const t of DATA_DICTIONARY) {
        assert.ok(t.names.length > 0, `${t.id}: no names`);
        assert.match(t.label, /^(a|an) |data$/, `${t.id}: label "${t.label}"`);
        for (const n of [...t.names, ...(t.exclude ?? [])]) assert.equal(n, n.toLowerCase().trim(), `${t.id}: "${n}"`);
      }
    });
    it('has the types the rules rely on', () => {
      const ids = new Set(DATA_DICTIONARY.map((t) => t.id));
      for (const id of ['password', 'password_hash', 'secret', 'api_key', 'token', 'private_key', 'ssn', 'national_id',
        'passport_number', 'drivers_license', 'tax_id', 'card_number', 'cvv', 'iban', 'bank_account', 'routing_number',
        'email', 'phone', 'address', 'name', 'date_of_birth', 'health', 'biometric', 'location']) {
        assert.ok(ids.has(id), `missing type ${id}`);
      }
    });
    it('gives no phrase to two types', () => {
      const owner = new Map<string, string>();
      for (const t of DATA_DICTIONARY) {
        for (const n of [...t.names, ...(t.wholeNames ?? [])]) {
          const key = splitWords(n).join('');
          const other = owner.get(key);
          assert.ok(!other || other === t.id, `"${n}" is a name of ${other} and ${t.id}`);
          owner.set(key, t.id);
        }
      }
    });
    it('lists only known value recognisers', () => {
      const known: ValueRecogniser[] = ['card-number', 'ssn', 'iban', 'key-format'];
      for (const t of DATA_DICTIONARY) for (const v of t.values ?? []) assert.ok((known as string[]).includes(v), `${t.id}: ${v}`);
    });
    it('classifies every name phrase of every type as that type', () => {
      for (const t of DATA_DICTIONARY) {
        for (const n of t.names) {
          const name = n.replace(/ (\w)/g, (_, c: string) => c.toUpperCase());
          assert.ok(typesOf(name).includes(t.id), `${name} (${t.id}) → ${typesOf(name).join(', ') || 'nothing'}`);
        }
      }
    });
  });

  describe('gates (mayName)', () => {
    /** A name in several spellings, in a line of code: as a key, a variable, a string and a keyword argument. */
    const spellings = (phrase: string): string[] => {
      const words = phrase.split(' ');
      const camel = words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
      return [
        camel,
        camel.charAt(0).toUpperCase() + camel.slice(1),
        words.join('_'),
        words.join('_').toUpperCase(),
        words.join('-'),
        `user${camel.charAt(0).toUpperCase()}${camel.slice(1)}s`,
        `old_${words.join('_')}`,
        `x${words.join('')}`,
      ];
    };
    const lines = (name: string): string[] => [`const o = { ${name}: v };`, `let ${name} = f();`, `h['${name}'] = 1`, `f(${name}=x)`];

    it('passes every text holding a name the classifier gives one of the types (every phrase, many spellings)', () => {
      const types = [...new Set(DATA_DICTIONARY.map((t) => t.id))];
      let checked = 0;
      for (const t of DATA_DICTIONARY) {
        const gate = classifier.mayName([t.id]);
        for (const phrase of [...t.names, ...(t.wholeNames ?? [])]) {
          for (const name of spellings(phrase)) {
            if (!typesOf(name).includes(t.id)) continue;
            checked++;
            for (const line of lines(name)) assert.ok(gate(`x = 1;\n${line}\n`), `${t.id}: ${line}`);
          }
        }
      }
      assert.ok(checked > 500, `only ${checked} names checked`);
      // A password that a hash word turns into a password hash is found by a gate for password hashes.
      assert.ok(typesOf('hashedPassword').includes('password_hash') && classifier.mayName(['password_hash'])('const hashedPassword = h;'));
      assert.ok(types.length > 10);
    });
    it('fails texts whose words only contain a short phrase inside another word', () => {
      const gate = classifier.mayName(['password', 'tax_id', 'ssn', 'cvv']);
      assert.equal(gate('const setting = bypass(compass, waiting);\nfor (const lesson of lessons) encompass(lesson);\n'), false);
      assert.equal(gate('const setting = bypass(compass, userPw);'), true);
      assert.equal(gate('const tin = 1;'), true);
    });
    it('matches the texts the flat alternation of the phrases matches (the trie-shaped pattern, random texts and phrases)', () => {
      let seed = 7;
      const rand = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const keys = [...new Set(DATA_DICTIONARY.flatMap((t) => [...t.names, ...(t.wholeNames ?? [])]).map((p) => splitWords(p).join('')).filter((k) => k.length > 0))];
      const noise = ['bypass', 'compass', 'lesson', 'Panel', 'ping', 'tint', 'é', 'É', 'İd', 'straße', '😀', '_', '-', ' ', '\n', '.', 'x', 'Q', '9', 'pa', 'ss', 'wo', 'rd'];
      const fixtures = ['javascript/storage', 'python/storage'].flatMap((d) => readdirSync(join(REPO_ROOT, 'test', 'fixtures', d)).filter((f) => /\.(js|py)$/.test(f)).map((f) => readFileSync(join(REPO_ROOT, 'test', 'fixtures', d, f), 'utf8')));
      const answers = { true: 0, false: 0 };
      for (let round = 0; round < 400; round++) {
        // All the phrases, or a few; phrases that start alike and phrases that start others are the cases a trie shares.
        const some = round % 5 === 0 ? keys : Array.from({ length: 1 + rand(12) }, () => keys[rand(keys.length)]);
        const chosen = [...new Set([...some, ...(round % 3 === 0 ? some.map((k) => k.slice(0, 1 + rand(k.length))) : [])])];
        const parts = Array.from({ length: 1 + rand(10) }, () => {
          const r = rand(4);
          const k = chosen[rand(chosen.length)];
          return r === 0 ? k.toUpperCase() : r === 1 ? k.slice(rand(3)) + noise[rand(noise.length)] : noise[rand(noise.length)] + (rand(2) ? k.split('').join('_') : '');
        });
        let text = round % 10 === 0 ? fixtures[rand(fixtures.length)] : parts.join(rand(2) ? '' : ' ');
        if (round % 4 === 1) text = text.toUpperCase().replace(/[^A-Z]/g, '');
        for (const short of [true, false]) {
          const trie = new RegExp(keysPattern(chosen, short));
          const flat = new RegExp(chosen.map((k) => (short ? shortKeyPattern(k) : k.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'))).join('|'));
          const got = trie.test(text);
          assert.equal(got, flat.test(text), `${short ? 'short' : 'long'} ${JSON.stringify(chosen.slice(0, 8))} on ${JSON.stringify(text.slice(0, 160))}`);
          answers[`${got}`]++;
        }
      }
      // Each phrase alone, inside a word and where a word starts.
      for (const k of keys) {
        const trie = new RegExp(keysPattern([k], true));
        const flat = new RegExp(shortKeyPattern(k));
        for (const text of [`x${k}`, `X${k}`, `_${k}`, `x${k.toUpperCase()}`, `x${k[0].toUpperCase()}${k.slice(1)}`, k.split('').join('-'), `é${k}`]) {
          const got = trie.test(text);
          assert.equal(got, flat.test(text), `${k} on ${text}`);
          answers[`${got}`]++;
        }
      }
      assert.ok(answers.true > 100 && answers.false > 100, `${answers.true} matched, ${answers.false} did not: both answers must be exercised`);
    });
    it("follows the team's synonyms", () => {
      assert.equal(classifier.mayName(['ssn'])('const steuer_id = 1;'), false);
      assert.equal(new Classifier(undefined, { synonyms: { ssn: ['steuer id'] } }).mayName(['ssn'])('const steuer_id = 1;'), true);
    });
  });

  describe('extension', () => {
    it('adds synonyms and exclusions to built-in types', () => {
      const c = new Classifier(undefined, { synonyms: { ssn: ['steuer id'] }, exclusions: { email: ['support email'] } });
      assert.deepEqual(c.classifyName('steuerId').map((x) => x.type), ['ssn']);
      assert.deepEqual(c.classifyName('supportEmail'), []);
      assert.deepEqual(c.classifyName('userEmail').map((x) => x.type), ['email']);
    });
    it('adds new types', () => {
      const c = new Classifier(undefined, { types: [{ id: 'employee_id', category: 'personal', label: 'an employee id', names: ['employee number', 'emp no'] }] });
      assert.deepEqual(c.classifyName('EMP_NO').map((x) => x.type), ['employee_id']);
      assert.equal(c.type('employee_id')?.label, 'an employee id');
      assert.deepEqual(classifier.classifyName('EMP_NO'), []);
    });
    it('names the unknown type of a synonym', () => {
      assert.throws(() => new Classifier(undefined, { synonyms: { sssn: ['x'] } }), /dataTypes\.synonyms: unknown data type "sssn"/);
    });
    it('names the field of an invalid new type', () => {
      assert.throws(
        () => new Classifier(undefined, { types: [{ id: 'x', category: 'secretish' as 'credentials', label: 'an x', names: ['x'] }] }),
        /dataTypes\.types\[0\] \(x\): unknown category "secretish"/,
      );
    });
  });

  // The name cache keeps two generations of CACHE_SIZE / 2 names (an approximate LRU): answers must not depend on it.
  it('gives the same answers while its name cache turns over, and a caller cannot change a cached answer', () => {
    const c = new Classifier();
    const names = Array.from({ length: 12_000 }, (_, i) => (i % 3 === 0 ? `customer${i}Ssn` : i % 3 === 1 ? `field${i}` : `api${i}Token`));
    // A second classifier asked in the opposite order holds other names in its cache at each question.
    const ref = new Classifier();
    const expected = [...names].reverse().map((n) => ref.classifyName(n).map((x) => x.type).join(',')).reverse();
    assert.deepEqual([expected[0], expected[1], expected[2]], ['ssn', '', 'token']);
    for (let round = 0; round < 2; round++) {
      names.forEach((n, i) => {
        const got = c.classifyName(n);
        assert.equal(got.map((x) => x.type).join(','), expected[i], n);
        got.length = 0;
      });
    }
    assert.ok(expected.filter(Boolean).length >= 8_000);
  });
});
