import type { RuleDefinition } from '../../core/rule';
import { noSizeLimit } from './no-size-limit';

export const UPLOAD_RULES: readonly RuleDefinition[] = [noSizeLimit];
