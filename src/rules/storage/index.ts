import type { RuleDefinition } from '../../core/rule';
import { hardcodedSecret } from './hardcoded-secret';
import { piiLiteral } from './pii-literal';
import { plaintextPassword } from './plaintext-password';
import { sensitiveDataInClientStorage } from './sensitive-data-in-client-storage';
import { sensitiveDataInLog } from './sensitive-data-in-log';
import { unencryptedSensitiveField } from './unencrypted-sensitive-field';
import { weakPasswordHash } from './weak-password-hash';

export const STORAGE_RULES: readonly RuleDefinition[] = [
  hardcodedSecret,
  piiLiteral,
  plaintextPassword,
  sensitiveDataInClientStorage,
  sensitiveDataInLog,
  unencryptedSensitiveField,
  weakPasswordHash,
];
