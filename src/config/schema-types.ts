/**
 * GENERATED from schemas/sealant.schema.json and schemas/sealant-triage.schema.json by
 * test/unit/config-schema.test.ts (json-schema-to-typescript). Do not edit: edit the schemas and run
 * `UPDATE_SCHEMA_TYPES=1 npx mocha test/unit/config-schema.test.ts`.
 */

/**
 * A path relative to this file, or `npm:<package>/<file>` resolved from the workspace's node_modules.
 *
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "ExtendsEntry".
 */
export type ExtendsEntry = string;
/**
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "RuleSetting".
 */
export type RuleSetting = Level | RuleSettingObject;
/**
 * `off` turns the rule off; the others set the severity of its findings.
 *
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "Level".
 */
export type Level = 'off' | 'note' | 'warning' | 'error';
/**
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "RuleOptionValue".
 */
export type RuleOptionValue = number | string | boolean | string[];
/**
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "DataTypeId".
 */
export type DataTypeId = string;
/**
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "Category".
 */
export type Category =
  'credentials' | 'government_id' | 'financial' | 'contact' | 'personal' | 'health' | 'biometric' | 'location';
/**
 * Lowercase words separated by spaces (`member no`): matched across camelCase, snake_case, kebab-case and SCREAMING_CASE.
 *
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "Phrase".
 */
export type Phrase = string;
/**
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "Language".
 */
export type Language = 'js' | 'python' | 'go' | 'java' | 'csharp' | 'php' | 'ruby' | 'properties' | 'yaml';
/**
 * A host name (`api.partner.com`) or every subdomain of one (`*.partner.com`).
 *
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "HostPattern".
 */
export type HostPattern = string;
/**
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "Glob".
 */
export type Glob = string;
/**
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "Severity".
 */
export type Severity = 'note' | 'warning' | 'error';
/**
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "Confidence".
 */
export type Confidence = 'high' | 'medium' | 'low';
/**
 * A capture of the query, without the `@`.
 *
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "CaptureName".
 */
export type CaptureName = string;

/**
 * Sealant team config: `.sealant.yml` (or `.sealant.json`) committed at the workspace root. The nearest config file above a scanned file applies. See the README's "Config file" section.
 */
export interface SealantConfig {
  /**
   * The JSON Schema of this file (editors only; Sealant ignores it).
   */
  $schema?: string;
  /**
   * Configs merged before this one, in order (this file last): relative paths (`./shared/sealant.yml`) or files inside an installed npm package (`npm:@acme/sealant-config/sealant.yml`). Cycles and missing files are errors. Not loaded in untrusted workspaces.
   */
  extends?: ExtendsEntry | ExtendsEntry[];
  rules?: RulesConfig;
  dataTypes?: DataTypesConfig;
  /**
   * The team's own functions that make sensitive data safe: password hashing, hashing, encryption, tokenisation, masking and redaction.
   */
  sanitizers?: SanitizerConfig[];
  hosts?: HostsConfig;
  /**
   * Globs (gitignore syntax, relative to the folder of the config that is applied) of files Sealant does not scan.
   */
  ignore?: Glob[];
  /**
   * Globs (gitignore syntax) of test code: findings there drop one severity level (error → warning → note).
   */
  testPaths?: Glob[];
  /**
   * The team's own rules, written as tree-sitter queries with the same metadata as built-in rules. Not loaded in untrusted workspaces.
   */
  customRules?: CustomRuleConfig[];
}
/**
 * Per rule id (or `<family>/*` for a whole family): `off`, `note`, `warning`, `error`, or `{ severity, options }`. Unknown rule ids are warnings.
 */
export interface RulesConfig {
  [k: string]: RuleSetting;
}
/**
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "RuleSettingObject".
 */
export interface RuleSettingObject {
  severity?: Level;
  options?: RuleOptions;
}
/**
 * Rule options by name, e.g. `maxBytes` of `upload/no-size-limit`.
 */
export interface RuleOptions {
  [k: string]: RuleOptionValue;
}
/**
 * Extensions of the sensitive-data classifier: new data types, synonyms and exclusions.
 *
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "DataTypesConfig".
 */
export interface DataTypesConfig {
  /**
   * New data types (a built-in id adds names and exclusions to that type).
   */
  types?: DataTypeConfig[];
  /**
   * Data type id → extra name phrases (`national_id: [member no]`).
   */
  synonyms?: {
    [k: string]: Phrase[];
  };
  /**
   * Data type id → phrases that are NOT that type (`token: [csrf token]`).
   */
  exclusions?: {
    [k: string]: Phrase[];
  };
}
/**
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "DataTypeConfig".
 */
export interface DataTypeConfig {
  id: DataTypeId;
  category: Category;
  /**
   * Noun phrase with its article, as messages use it: `a member number`.
   */
  label: string;
  /**
   * @minItems 1
   */
  names: Phrase[];
  exclude?: Phrase[];
  /**
   * Phrases that match only as the entire name (too ambiguous inside longer names).
   */
  wholeNames?: Phrase[];
}
/**
 * A sanitizer function: give `kind` and `call` or `pattern`.
 *
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "SanitizerConfig".
 */
export interface SanitizerConfig {
  /**
   * `password-hash`: slow salted password hashing; `hash`: fast or keyed hash; `encrypt`, `tokenize`, `mask` / `redact`: protection of personal data.
   */
  kind: 'password-hash' | 'hash' | 'encrypt' | 'tokenize' | 'mask' | 'redact';
  /**
   * Callee names as written or resolved through imports: `encryptPii` (any call ending in it), `vault.seal`, `@acme/crypto.seal`; `*` stands for one name.
   */
  call?: string | string[];
  /**
   * A regular expression matched against the whole resolved callee path (e.g. `^acme\.crypto\.(seal|wrap)$`).
   */
  pattern?: string;
  /**
   * Syntax families it applies to (`js` covers JavaScript, TypeScript, JSX and TSX); all when absent.
   */
  languages?: Language[];
  /**
   * Shown in explanations; defaults to the call names.
   */
  label?: string;
}
/**
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "HostsConfig".
 */
export interface HostsConfig {
  /**
   * Third parties allowed to receive personal data. Listing any host turns on the unapproved-recipient check of `transmission/pii-to-third-party`.
   */
  approved?: HostPattern[];
  /**
   * Hosts allowed on plain HTTP (e.g. an internal health check).
   */
  allowInsecure?: HostPattern[];
}
/**
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "CustomRuleConfig".
 */
export interface CustomRuleConfig {
  /**
   * `<family>/<name>`: the family is `storage`, `transmission` or `upload`.
   */
  id: string;
  title: string;
  description?: string;
  severity: Severity;
  confidence?: Confidence;
  /**
   * CWE numbers, e.g. `[359]`.
   */
  cwe: number[];
  owasp?: string[];
  standards?: string[];
  /**
   * The finding's message. `{{name}}` is replaced by the text of capture `@name` (string literals redacted), `{{data}}` by the data a `dataTypes` / `categories` condition found.
   */
  message: string;
  query: CustomRuleQuery;
  /**
   * The capture the finding is shown at (default: the capture that spans the most of the match).
   */
  report?: string;
  /**
   * Conditions on captures; all must hold.
   */
  where?: CaptureCondition[];
  /**
   * A regular expression (case-insensitive): the rule runs only on files whose text matches it.
   */
  keywords?: string;
  fix?: CustomRuleFix;
  guidance?: CustomRuleGuidance;
}
/**
 * A tree-sitter query per syntax family (`js` runs on JavaScript, TypeScript, JSX and TSX; `python`; `go`; `java`; `csharp`; `php`; `ruby`; `properties` and `yaml` run on Spring Boot `application*` / `bootstrap*` config files).
 */
export interface CustomRuleQuery {
  js?: string;
  python?: string;
  go?: string;
  php?: string;
  ruby?: string;
  java?: string;
  csharp?: string;
  properties?: string;
  yaml?: string;
}
/**
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "CaptureCondition".
 */
export interface CaptureCondition {
  capture: CaptureName;
  /**
   * A regular expression the capture's text must match.
   */
  matches?: string;
  /**
   * A regular expression the capture's text must not match.
   */
  notMatches?: string;
  /**
   * The capture's value carries data of one of these types (classifier and local data flow; sanitized data does not count).
   *
   * @minItems 1
   */
  dataTypes?: DataTypeId[];
  /**
   * The capture's value carries data of one of these categories.
   *
   * @minItems 1
   */
  categories?: Category[];
}
/**
 * This interface was referenced by `SealantConfig`'s JSON-Schema
 * via the `definition` "CustomRuleFix".
 */
export interface CustomRuleFix {
  title: string;
  /**
   * A capture of the query, without the `@`.
   */
  capture?: string;
  /**
   * The new text; `{{name}}` is replaced by the text of capture `@name`.
   */
  replace: string;
  /**
   * Safe fixes may be applied by "fix all" (default false).
   */
  safe?: boolean;
}
export interface CustomRuleGuidance {
  why?: string;
  bad?: string;
  good?: string;
  fix?: string;
}

/**
 * A date, YYYY-MM-DD.
 *
 * This interface was referenced by `SealantTriageFile`'s JSON-Schema
 * via the `definition` "IsoDate".
 */
export type IsoDate = string;

/**
 * Sealant triage file (`.sealant-triage.yml`, committed): findings a reviewer accepted or marked as false positives, keyed by fingerprint.
 */
export interface SealantTriageFile {
  $schema?: string;
  version?: 1;
  entries?: TriageEntry[];
}
/**
 * This interface was referenced by `SealantTriageFile`'s JSON-Schema
 * via the `definition` "TriageEntry".
 */
export interface TriageEntry {
  /**
   * The finding's fingerprint (`partialFingerprints["sealant/v1"]` in SARIF): stable across reformatting and moved lines.
   */
  fingerprint: string;
  /**
   * The rule id, for readers.
   */
  rule: string;
  /**
   * The file, relative to the project root, for readers.
   */
  file: string;
  /**
   * `accepted`: a real finding whose risk the team accepts; `false-positive`: not a real problem.
   */
  status: 'accepted' | 'false-positive';
  reason: string;
  reviewer?: string;
  /**
   * From this day on the finding is reported again, with a note of the expiry.
   */
  expires?: string;
  added?: IsoDate;
}
