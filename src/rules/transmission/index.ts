import type { RuleDefinition } from '../../core/rule';
import { insecureRequest } from './insecure-request';

export const TRANSMISSION_RULES: readonly RuleDefinition[] = [insecureRequest];
