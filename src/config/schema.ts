/**
 * Validation against the JSON Schemas in schemas/ (the same files the extension registers for editing), by a
 * small interpreter of the keywords those schemas use. Using the schema itself keeps the validator, the editor
 * and the generated types (`schema-types.ts`) from drifting apart; a test checks that every keyword of the schema
 * is one this interpreter knows, and that it agrees with Ajv on valid and invalid samples.
 *
 * Messages are written for people editing YAML: "must be one of off, note, warning, error, not "warn" (did you
 * mean "warning"?)", "unknown key; did you mean "testPaths"?".
 */
import configSchema from '../../schemas/sealant.schema.json';
import triageSchema from '../../schemas/sealant-triage.schema.json';
import type { ValuePath } from './yaml';

export interface JsonSchema {
  $ref?: string;
  type?: string;
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  required?: string[];
  minProperties?: number;
  enum?: unknown[];
  pattern?: string;
  patternErrorMessage?: string;
  minLength?: number;
  minimum?: number;
  items?: JsonSchema;
  minItems?: number;
  oneOf?: JsonSchema[];
  definitions?: Record<string, JsonSchema>;
}

/** Keywords the interpreter checks, and annotations it may ignore. */
export const VALIDATION_KEYWORDS: readonly string[] = Object.freeze([
  '$ref', 'type', 'properties', 'additionalProperties', 'propertyNames', 'required', 'minProperties', 'enum', 'pattern',
  'minLength', 'minimum', 'items', 'minItems', 'oneOf', 'definitions',
]);
export const ANNOTATION_KEYWORDS: readonly string[] = Object.freeze([
  '$schema', '$id', 'title', 'description', 'markdownDescription', 'patternErrorMessage', 'default', 'examples',
]);

export const CONFIG_SCHEMA = configSchema as JsonSchema;
export const TRIAGE_SCHEMA = triageSchema as JsonSchema;

export interface SchemaIssue {
  path: ValuePath;
  message: string;
  /** Point at the key (unknown keys, bad rule ids) rather than the value. */
  atKey?: boolean;
}

export function validateSchema(value: unknown, schema: JsonSchema = CONFIG_SCHEMA): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  check(value, schema, schema, [], issues);
  return issues;
}

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; s.$ref && i < 16; i++) {
    const m = /^#\/definitions\/(.+)$/.exec(s.$ref);
    const target = m ? root.definitions?.[m[1]] : undefined;
    if (!target) throw new Error(`schema: unresolved $ref ${s.$ref}`);
    s = target;
  }
  return s;
}

export function jsonType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(value: unknown, type: string): boolean {
  const t = jsonType(value);
  return t === type || (type === 'number' && t === 'integer');
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  null: 'empty',
};

function describeValue(value: unknown): string {
  const t = jsonType(value);
  if (t === 'null') return 'empty';
  if (t === 'string') return `"${String(value).length > 40 ? `${String(value).slice(0, 39)}…` : String(value)}"`;
  if (t === 'integer' || t === 'number' || t === 'boolean') return `${TYPE_NAMES[t]} (${String(value)})`;
  return TYPE_NAMES[t] ?? t;
}

function check(value: unknown, schemaIn: JsonSchema, root: JsonSchema, path: ValuePath, issues: SchemaIssue[]): void {
  const schema = resolve(schemaIn, root);
  if (schema.oneOf) {
    checkOneOf(value, schema.oneOf, root, path, issues);
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    const allowed = schema.enum.map(String);
    const hint = typeof value === 'string' ? suggest(value, allowed) : undefined;
    issues.push({ path, message: `must be one of ${allowed.join(', ')}, not ${describeValue(value)}${hint ? ` (did you mean "${hint}"?)` : ''}` });
    return;
  }
  if (schema.type && !typeMatches(value, schema.type)) {
    issues.push({ path, message: `must be ${TYPE_NAMES[schema.type] ?? schema.type}, not ${describeValue(value)}` });
    return;
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) issues.push({ path, message: schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters long` });
    else if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) {
      issues.push({ path, message: `${schema.patternErrorMessage ?? `must match the pattern ${schema.pattern}`}, not ${describeValue(value)}` });
    }
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) {
    issues.push({ path, message: `must be at least ${schema.minimum}, not ${value}` });
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) issues.push({ path, message: `must list at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}` });
    if (schema.items) value.forEach((item, i) => check(item, schema.items as JsonSchema, root, [...path, i], issues));
  }
  if (jsonType(value) === 'object') checkObject(value as Record<string, unknown>, schema, root, path, issues);
}

function checkObject(value: Record<string, unknown>, schema: JsonSchema, root: JsonSchema, path: ValuePath, issues: SchemaIssue[]): void {
  const props = schema.properties ?? {};
  const known = Object.keys(props);
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(value, name) || value[name] === undefined) {
      issues.push({ path, message: `missing required key "${name}"`, atKey: path.length > 0 && typeof path[path.length - 1] === 'string' });
    }
  }
  const present = Object.keys(value).filter((k) => value[k] !== undefined);
  if (schema.minProperties !== undefined && present.length < schema.minProperties) {
    const optional = known.filter((k) => !(schema.required ?? []).includes(k));
    const need = schema.minProperties - (schema.required ?? []).length;
    issues.push({ path, message: `needs at least ${need === 1 ? 'one' : need} of ${optional.join(', ')}` });
  }
  for (const key of present) {
    const keyPath = [...path, key];
    if (schema.propertyNames) {
      const before = issues.length;
      check(key, schema.propertyNames, root, keyPath, issues);
      for (let i = before; i < issues.length; i++) issues[i] = { ...issues[i], atKey: true, message: issues[i].message.replace(/^must/, 'key must') };
      if (issues.length > before) continue;
    }
    if (Object.hasOwn(props, key)) {
      check(value[key], props[key], root, keyPath, issues);
    } else if (schema.additionalProperties === false) {
      const hint = suggest(key, known);
      issues.push({ path: keyPath, atKey: true, message: `unknown key${hint ? `; did you mean "${hint}"?` : known.length ? `; known keys: ${known.join(', ')}` : ''}` });
    } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      check(value[key], schema.additionalProperties, root, keyPath, issues);
    }
  }
}

/**
 * The branches of the schemas' `oneOf`s differ by type, so the branch is chosen by the value's type and its
 * errors are reported; a value of no branch's type gets one message listing the accepted types.
 */
function checkOneOf(value: unknown, branches: JsonSchema[], root: JsonSchema, path: ValuePath, issues: SchemaIssue[]): void {
  const resolved = branches.map((b) => resolve(b, root));
  const candidates = resolved.filter((b) => !b.type || typeMatches(value, b.type));
  if (candidates.length === 0) {
    const names = [...new Set(resolved.map((b) => (b.enum ? `one of ${b.enum.map(String).join(', ')}` : (TYPE_NAMES[b.type ?? ''] ?? b.type ?? 'a value'))))];
    issues.push({ path, message: `must be ${names.join(' or ')}, not ${describeValue(value)}` });
    return;
  }
  let first: SchemaIssue[] | undefined;
  for (const b of candidates) {
    const own: SchemaIssue[] = [];
    check(value, b, root, path, own);
    if (own.length === 0) return;
    first ??= own;
  }
  issues.push(...(first ?? []));
}

/** The closest of `options` to `word` (edit distance at most a third of its length), for "did you mean". */
export function suggest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const w = word.toLowerCase();
  for (const o of options) {
    const lo = o.toLowerCase();
    // A prefix (`warn` → `warning`) counts as close.
    const d = w.length >= 3 && (lo.startsWith(w) || w.startsWith(lo)) ? 1 : distance(w, lo);
    if (d < bestDistance) {
      best = o;
      bestDistance = d;
    }
  }
  return best !== undefined && best !== word && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** `customRules[0].query.js`, `rules.storage/x.severity`. */
export function formatPath(path: ValuePath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(file)';
}
