import type { RuleDefinition } from '../../core/rule';
import { sensitiveDataInLog } from './sensitive-data-in-log';

export const STORAGE_RULES: readonly RuleDefinition[] = [sensitiveDataInLog];
