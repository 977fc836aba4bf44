/**
 * The official SARIF 2.1.0 schema (the OASIS release, draft-04 JSON Schema) as shipped by the npm package
 * @microsoft/jest-sarif, and a validator configured for it.
 */
import { readFileSync } from 'node:fs';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

export const SARIF_SCHEMA_PATH = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

export function loadSarifSchema(): object {
  return JSON.parse(readFileSync(SARIF_SCHEMA_PATH, 'utf8')) as object;
}

/** `unicodeRegExp: false`: the schema's language-tag pattern has a stray `]` that unicode mode rejects. */
export function sarifAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv;
}
