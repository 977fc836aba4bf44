import type { RuleDefinition } from '../../../src/core/rule';

/**
 * A test rule that reports every call whose callee is `leak` (JavaScript and Python); `overrides` replace any part
 * (id, gates, check, finish).
 */
export function leakCallRule(overrides: Partial<RuleDefinition> = {}): RuleDefinition {
  return {
    id: 'storage/test-leak',
    family: 'storage',
    title: 'leak() called',
    description: 'Test rule.',
    severity: 'warning',
    confidence: 'high',
    cwe: [312],
    owasp: [],
    fixable: false,
    guidance: { why: 'x', bad: 'x', good: 'x', fix: 'x' },
    queries: { js: '(call_expression function: (identifier) @fn (#eq? @fn "leak")) @call', python: '(call function: (identifier) @fn (#eq? @fn "leak")) @call' },
    check(match, ctx) {
      const call = match.get('call');
      if (call) ctx.report({ node: call, message: 'leak' });
    },
    ...overrides,
  };
}
