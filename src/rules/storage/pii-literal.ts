import type { Node } from 'web-tree-sitter';
import type { RuleContext, RuleDefinition } from '../../core/rule';
import { ibanValid, looksLikeCardNumber, looksLikeSsn } from '../../core/values';
import { isNotAValue, literalContext } from './literals';

/** Card numbers the card networks and payment providers publish for testing. */
const TEST_CARDS = new Set([
  '4111111111111111', '4242424242424242', '4000056655665556', '5555555555554444', '5200828282828210', '5105105105105100',
  '378282246310005', '371449635398431', '6011111111111117', '6011000990139424', '3056930009020004', '36227206271667',
  '3566002020360505', '6200000000000005', '4012888888881881', '4222222222222', '5431111111111111', '4000000000000002',
  '4000000000000077', '4000000000000341', '4000000000009995', '2223003122003222', '6011000000000004', '4012000033330026',
  '4005519200000004', '4009348888881881', '4012000077777777', '378734493671000', '30569309025904', '38520000023237',
  '6011000000000012', '3530111333300000', '3566111111111113', '5019717010103742', '6331101999990016', '4917610000000000',
  '4444333322221111', '5454545454545454', '4263982640269299', '4917484589897107', '5425233430109903', '2222420000001113',
  '4000000000000010', '4000000000000028', '4000000000000036', '4000000000000044', '4000000000000069', '4000000000000119',
]);
/** IBANs printed in standards and bank documentation as examples. */
const EXAMPLE_IBANS = new Set([
  'GB82WEST12345698765432', 'DE89370400440532013000', 'GB29NWBK60161331926819', 'FR1420041010050500013M02606',
  'NL91ABNA0417164300', 'BE68539007547034', 'CH9300762011623852957', 'ES9121000418450200051332', 'IT60X0542811101000000123456',
  'AT611904300234573201', 'GB33BUKB20201555555555', 'DE75512108001245126199', 'GB94BARC10201530093459',
]);
/** Names that say the literal is a sample, mask or format, not someone's data. */
const SAMPLE_NAME = /placeholder|example|sample|hint|mask|format|pattern|regex|test|dummy|fake|mock|demo|fixture/i;

interface Found {
  type: 'card_number' | 'ssn' | 'iban';
  label: string;
  value: string;
  known: boolean;
}

function isTestCard(digits: string): boolean {
  return TEST_CARDS.has(digits) || /(\d)\1{7,}/.test(digits) || /0{8,}/.test(digits);
}

function find(value: string, ssnContext: boolean): Found | undefined {
  const v = value.trim();
  if (looksLikeCardNumber(v)) {
    const digits = v.replace(/[ -]/g, '');
    return { type: 'card_number', label: 'a payment card number', value: v, known: isTestCard(digits) };
  }
  if (looksLikeSsn(v, { allowUndashed: ssnContext })) return { type: 'ssn', label: 'a Social Security number', value: v, known: false };
  if (ibanValid(v)) return { type: 'iban', label: 'an IBAN', value: v, known: EXAMPLE_IBANS.has(v.replace(/ /g, '')) };
  if (v.length > 200) return undefined;
  // Inside longer text, only the unmistakable shapes: grouped card numbers, dashed SSNs.
  for (const m of v.matchAll(/(?<![\d-])\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}(?![\d-])/g)) {
    if (looksLikeCardNumber(m[0])) return { type: 'card_number', label: 'a payment card number', value: m[0], known: isTestCard(m[0].replace(/[ -]/g, '')) };
  }
  for (const m of v.matchAll(/(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])/g)) {
    if (looksLikeSsn(m[0])) return { type: 'ssn', label: 'a Social Security number', value: m[0], known: false };
  }
  for (const m of v.matchAll(/(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g)) {
    if (ibanValid(m[0])) return { type: 'iban', label: 'an IBAN', value: m[0], known: EXAMPLE_IBANS.has(m[0].replace(/ /g, '')) };
  }
  return undefined;
}

function literalValue(ctx: RuleContext, lit: Node): string | undefined {
  return ctx.syntax.stringValue(lit);
}

/**
 * Whether a JavaScript or Python literal may have a value of 9+ characters with three digits in a row, judged by its
 * text: its value is never longer than the text without two quotes, and without a backslash (escapes) each of its
 * characters is one of the text's, in order (JSX character references and f-string braces are only left out).
 */
function mayHoldNumber(ctx: RuleContext, lit: Node): boolean {
  const start = lit.startIndex;
  const end = lit.endIndex;
  if (end - start < 11) return false;
  const text = ctx.file.text.slice(start, end);
  return text.includes('\\') || /\d\D*\d\D*\d/.test(text);
}

export const piiLiteral: RuleDefinition = {
  id: 'storage/pii-literal',
  family: 'storage',
  title: 'Card number, SSN or IBAN written in the source',
  description: 'A literal that is a Luhn-valid payment card number, a valid US Social Security number or an IBAN with a valid checksum.',
  severity: 'error',
  confidence: 'high',
  cwe: [312, 359, 540],
  owasp: ['A02:2021 Cryptographic Failures', 'A04:2021 Insecure Design'],
  standards: ['PCI DSS 3.3, 3.5.1', 'GDPR Art. 5(1)(c), Art. 25, Art. 32'],
  fixable: false,
  // What `find` can recognise, spelled out in the text (not with escapes): 13+ digits single-space or dash separated
  // (a card number), nine digits, dashed or not (an SSN), two letters and two digits then 11+ letters or digits,
  // single-space separated (an IBAN; case aside: the gate is case-insensitive).
  keywords: '\\d([ -]?\\d){12}|\\d{3}-?\\d{2}-?\\d{4}|[a-z] ?[a-z] ?\\d ?\\d( ?[a-z0-9]){11}',
  guidance: {
    why: "Real customers' card numbers, SSNs or bank accounts pasted into code, seed data or tests end up in every clone, CI log and backup of the repository, outside any PCI DSS or GDPR control, and cannot be deleted from the git history without rewriting it.",
    bad: "const customer = { name: 'Ana', ssn: '372-81-5604', card: '4929 1748 3390 2235' };",
    good: "const customer = { name: faker.person.fullName(), ssn: '000-00-0000', card: STRIPE_TEST_VISA };",
    fix: "Remove the value, use the card networks' published test numbers or generated fake data (Faker), and purge the real value from the git history. If it belonged to a customer, treat it as a data incident.",
  },
  queries: {
    // Numbers are left out: reporters mask quoted literals in code frames, not numbers, and a card number kept as
    // a JS number loses digits anyway.
    js: '(string) @str\n(template_string) @str',
    python: '(string) @str',
    java: '(string_literal) @str',
    csharp: '(string_literal) @str\n(verbatim_string_literal) @str',
    go: '[(interpreted_string_literal) (raw_string_literal)] @str',
    php: '[(string) (encapsed_string)] @str',
    ruby: '(string) @str',
  },
  check(match, ctx) {
    const lit = match.get('str');
    if (!lit) return;
    if ((ctx.file.syntax === 'js' || ctx.file.syntax === 'python') && !mayHoldNumber(ctx, lit)) return;
    const value = literalValue(ctx, lit);
    if (value === undefined || value.length < 9 || value.length > 4096 || !/\d{3}/.test(value)) return;
    // The value first (cheap), then where it sits.
    if (!find(value, true) || isNotAValue(ctx, lit)) return;
    const lc = literalContext(ctx, lit);
    const byName = lc.name ? ctx.classifier.classifyName(lc.name) : [];
    const found = find(value, byName.some((c) => c.type === 'ssn'));
    if (!found) return;
    if (lc.name && SAMPLE_NAME.test(lc.name)) return;
    // Published test card numbers and documentation IBANs are nobody's data.
    if (found.known) return;
    ctx.report({
      node: lit,
      message: `${found.label.charAt(0).toUpperCase()}${found.label.slice(1)} is written in the source${lc.name ? ` (\`${lc.name}\`)` : ''}${ctx.file.isTestPath ? '; use a published test value or generated fake data' : ''}.`,
      severity: ctx.file.isTestPath ? 'note' : 'error',
      confidence: ctx.file.isTestPath ? 'low' : 'high',
      dataTypes: [found.type],
      secret: found.value,
      fingerprintKey: `${found.type} ${lc.name ?? ''}`,
    });
  },
};
