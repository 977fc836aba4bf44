/**
 * The rule registry: every built-in rule, listed explicitly (nothing scans folders at run time), sorted by id.
 * A test checks that every rule is listed once, has guidance and has fixtures.
 */
import type { RuleDefinition } from '../core/rule';
import { STORAGE_RULES } from './storage';
import { TRANSMISSION_RULES } from './transmission';
import { UPLOAD_RULES } from './upload';

export const BUILTIN_RULES: readonly RuleDefinition[] = Object.freeze(
  [...STORAGE_RULES, ...TRANSMISSION_RULES, ...UPLOAD_RULES].sort((a, b) => a.id.localeCompare(b.id)),
);
