/** Sealant's own notes about suppression comments. They are not rules with queries: the engine emits them. */
import type { RuleDescriptor } from '../core/types';

export const META_RULES: readonly RuleDescriptor[] = Object.freeze([
  {
    id: 'sealant/unused-suppression',
    family: 'sealant',
    title: 'Suppression that suppresses nothing',
    description: 'A sealant-ignore comment matches no finding on its line or the next one.',
    severity: 'note',
    confidence: 'high',
    cwe: [],
    owasp: [],
    standards: [],
    languages: ['js', 'python'],
    guidance: {
      why: 'Stale suppressions hide future findings on that line without anyone having reviewed them.',
      bad: '// sealant-ignore storage/plaintext-password: legacy import\nconst total = a + b;',
      good: 'const total = a + b;',
      fix: 'Remove the comment, or move it next to the finding it is meant for.',
    },
    fixable: false,
  },
  {
    id: 'sealant/suppression-without-reason',
    family: 'sealant',
    title: 'Suppression without a reason',
    description: 'A sealant-ignore comment does not name a rule or does not give a reason.',
    severity: 'note',
    confidence: 'high',
    cwe: [],
    owasp: [],
    standards: [],
    languages: ['js', 'python'],
    guidance: {
      why: 'Reviewers need to know why a finding was accepted; suppressions without reasons cannot be audited.',
      bad: '// sealant-ignore storage/hardcoded-secret',
      good: '// sealant-ignore storage/hardcoded-secret: public test key from the vendor docs',
      fix: 'Write `sealant-ignore <rule-id>: <reason>`.',
    },
    fixable: false,
  },
]);
