import type { Node } from 'web-tree-sitter';
import type { TaintItem } from '../../core/flow';
import type { RuleContext, RuleDefinition } from '../../core/rule';
import type { Classification, Severity } from '../../core/types';
import { capitalise, classificationsOf, describeData, relatedFor } from '../common';
import { KIND_LABEL, SINK_QUERIES, matchedSink, sinkItems } from './sinks';
import { RUBY_SINK_QUERY } from './sinks-ruby';
import { isAre } from './wording';
import { annotationName, annotationsOf, declaredType } from '../../languages/java';
import { attributesOf } from '../../languages/csharp';
import { attributeName, csharpEntityOf } from './entities';

/** Data that must be encrypted or tokenised at rest: government ids, PAN, bank accounts, health and biometric data. */
const FIELD_TYPES = new Set(['ssn', 'national_id', 'passport_number', 'drivers_license', 'tax_id', 'card_number', 'bank_account', 'iban', 'health', 'biometric', 'cvv']);
const ENCRYPTION_HINT = /encrypt|cipher|crypt|aes|kms|vault|seal|tokeni[sz]|protect|fernet/i;
const FIELD_ENCRYPTION_PLUGIN = /encryptedFields|fieldsToEncrypt|encryptFields|mongoose-(field-)?encrypt|mongoose-encryption|fieldEncryption|encrypted_fields/;

const isUnprotected = (i: TaintItem): boolean =>
  FIELD_TYPES.has(i.classification.type) && !i.bulk && (i.classification.type === 'cvv' ? i.sanitizedBy?.kind !== 'mask' : !i.sanitizedBy);

function severityOf(types: string[]): Severity {
  if (types.includes('cvv')) return 'error';
  return types.some((t) => t === 'health' || t === 'biometric') && !types.some((t) => !['health', 'biometric'].includes(t)) ? 'warning' : 'error';
}

function fieldClassifications(ctx: RuleContext, name: string): Classification[] {
  return ctx.classifier.classifyName(name).filter((c) => FIELD_TYPES.has(c.type));
}

/** A field listed by a field-encryption plugin in this file (`encryptedFields: ['ssn']`). */
function pluginEncrypts(ctx: RuleContext, field: string): boolean {
  const text = ctx.file.text;
  return FIELD_ENCRYPTION_PLUGIN.test(text) && new RegExp(`['"\`]${field.replace(/[^\w]/g, '')}['"\`]`).test(text);
}

function reportField(ctx: RuleContext, nameNode: Node, field: string, where: string, classes: Classification[]): void {
  const types = classes.map((c) => c.type);
  const cvv = types.includes('cvv');
  const label = ctx.classifier.type(classes[0].type)?.label ?? 'sensitive data';
  ctx.report({
    node: nameNode,
    message: cvv
      ? `\`${field}\` stores ${label} in ${where}: PCI DSS forbids keeping CVV/CVC after authorisation, encrypted or not.`
      : `\`${field}\` (${label}) is declared as a plain ${where} field with no field-level encryption or tokenisation.`,
    severity: cvv ? 'error' : 'warning',
    confidence: ctx.file.isTestPath ? 'low' : cvv ? 'high' : 'medium',
    classifications: classes,
    fingerprintKey: `field ${where} ${field}`,
  });
}

/** Mongoose schema and Sequelize attribute objects: `{ ssn: String, card: { type: String, set: encrypt } }`. */
function checkAttributeObject(ctx: RuleContext, obj: Node, where: string, depth = 0): void {
  if (depth > 3) return;
  for (const en of ctx.syntax.entries(obj)) {
    if (!en.key || !en.keyNode) continue;
    const classes = fieldClassifications(ctx, en.key);
    const value = en.value;
    if (classes.length === 0) {
      // Nested paths (`billing: { cardNumber: String }`) and arrays of sub-documents.
      const inner = value.type === 'array' ? value.namedChildren.find((c) => c?.type === 'object') : value;
      if (inner?.type === 'object' && !ctx.syntax.property(inner, 'type')) checkAttributeObject(ctx, inner, where, depth + 1);
      continue;
    }
    if (ENCRYPTION_HINT.test(value.text) || pluginEncrypts(ctx, en.key)) continue;
    reportField(ctx, en.keyNode, en.key, where, classes);
  }
}

/**
 * Whether the file holds the words a JavaScript model declaration's callee path needs (memoised per file): every
 * call's path is made of its callee's text, so `Schema`, `define` or `init` is in the file for any of them.
 */
function mayDeclareJsModel(ctx: RuleContext, kind: 'new' | 'call'): boolean {
  const key = `jsModel:${kind}`;
  let known = ctx.state.get(key) as boolean | undefined;
  if (known === undefined) {
    const text = ctx.file.text;
    known = text.includes('Schema') || (kind === 'call' && (text.includes('init') || (text.includes('define') && /sequelize|db|orm/i.test(text))));
    ctx.state.set(key, known);
  }
  return known;
}

function checkJsDeclaration(ctx: RuleContext, node: Node): void {
  if ((node.type === 'new_expression' || node.type === 'call_expression') && !mayDeclareJsModel(ctx, node.type === 'new_expression' ? 'new' : 'call')) return;
  if (node.type === 'new_expression') {
    const path = ctx.syntax.calleePath(node).replace(/^new /, '');
    const arg = ctx.syntax.args(node)[0];
    if (/(^|\.)Schema$/.test(path) && arg?.type === 'object') checkAttributeObject(ctx, arg, 'Mongoose schema');
    return;
  }
  if (node.type === 'call_expression') {
    // Each path below ends with `define`, `init` or `Schema`, and a path is made of its callee's text (a backslash: an
    // escape in a string key may spell one): the callee's text is tested before its path and arguments are read.
    if (!/define|init|Schema|\\/.test(node.childForFieldName('function')?.text ?? '')) return;
    const path = ctx.syntax.calleePath(node);
    const args = ctx.syntax.args(node);
    if (/(^|\.)define$/.test(path) && args[1]?.type === 'object' && /sequelize|db|orm/i.test(path)) checkAttributeObject(ctx, args[1], 'Sequelize model');
    else if (/\.init$/.test(path) && args[0]?.type === 'object' && args[1]?.type === 'object' && ctx.syntax.property(args[1], 'sequelize')) checkAttributeObject(ctx, args[0], 'Sequelize model');
    else if (/^(mongoose\.)?Schema$/.test(path) && args[0]?.type === 'object') checkAttributeObject(ctx, args[0], 'Mongoose schema');
    return;
  }
  if (node.type === 'decorator') {
    // TypeORM / MikroORM: @Column() ssn: string; in an @Entity class.
    const text = node.text;
    if (!/^@(Column|PrimaryColumn|Property)\b/.test(text) || !/@Entity\b/.test(ctx.file.text)) return;
    const field = node.parent;
    if (!field || !/field_definition$/.test(field.type)) return;
    const nameNode = field.childForFieldName('name') ?? field.childForFieldName('property');
    if (!nameNode) return;
    const classes = fieldClassifications(ctx, nameNode.text);
    if (classes.length === 0 || ENCRYPTION_HINT.test(text)) return;
    // Another decorator on the same field may encrypt it (@EncryptedColumn, @Encrypted).
    if (field.namedChildren.some((c) => c?.type === 'decorator' && ENCRYPTION_HINT.test(c.text))) return;
    reportField(ctx, nameNode, nameNode.text, 'TypeORM entity', classes);
  }
}

function enclosingClass(node: Node): Node | undefined {
  const block = node.parent?.parent;
  const cls = block?.parent;
  return node.parent?.type === 'expression_statement' && block?.type === 'block' && cls?.type === 'class_definition' ? cls : undefined;
}

/** `left`: the assigned identifier when the match captured it (`@field`), which saves asking the tree for it. */
function checkPyDeclaration(ctx: RuleContext, assign: Node, captured?: Node): void {
  const left = captured ?? assign.childForFieldName('left');
  if (!left || (!captured && left.type !== 'identifier')) return;
  const classes = fieldClassifications(ctx, left.text);
  if (classes.length === 0 || !enclosingClass(assign)) return;
  const right = assign.childForFieldName('right');
  const type = assign.childForFieldName('type');
  let where: string | undefined;
  if (right && ctx.syntax.isCall(right)) {
    const path = ctx.syntax.calleePath(right);
    const resolved = ctx.flow.resolvedPath(right);
    if (/(^|\.)(Column|mapped_column)$/.test(path)) where = 'SQLAlchemy model';
    else if (/(^|\.)\w*Field$/.test(path) && !/(ForeignKey|OneToOneField|ManyToManyField|Serializer\w*|forms?\.\w+)$/.test(path) && (/^models\./.test(path) || /^(django\.db\.models|peewee|mongoengine|tortoise\.fields|django\.contrib\.postgres\.fields)\./.test(resolved))) {
      where = /^(peewee)/.test(resolved) ? 'peewee model' : /mongoengine/.test(resolved) ? 'MongoEngine document' : 'Django model';
    }
    if (where && ENCRYPTION_HINT.test(right.text)) return;
  } else if (!right && type && /^Mapped\[/.test(type.text)) {
    where = 'SQLAlchemy model';
    if (ENCRYPTION_HINT.test(type.text)) return;
  }
  if (where) reportField(ctx, left, left.text, where, classes);
}

/**
 * Go: GORM models (an embedded `gorm.Model` or `gorm:"…"` tags), MongoDB documents (`bson:"…"` tags) and sqlx rows
 * (`db:"…"` tags) whose fields hold government ids, card or health data as plain strings or numbers.
 */
function checkGoStruct(ctx: RuleContext, spec: Node): void {
  const struct = spec.childForFieldName('type');
  const list = struct?.namedChildren.find((c) => c?.type === 'field_declaration_list');
  if (!list) return;
  const fields = list.namedChildren.filter((c): c is Node => c?.type === 'field_declaration');
  const tags = fields.map((f) => f.childForFieldName('tag')?.text ?? '');
  const gorm = /"(gorm\.io\/gorm|github\.com\/jinzhu\/gorm)"/.test(ctx.file.text) && (fields.some((f) => /^gorm\.Model$/.test(f.text.trim())) || tags.some((t) => /\bgorm:"/.test(t)));
  const where = gorm ? 'GORM model' : tags.some((t) => /\bbson:"/.test(t)) ? 'MongoDB document' : tags.some((t) => /\bdb:"/.test(t)) ? 'database row struct' : undefined;
  if (!where) return;
  for (const field of fields) {
    const type = field.childForFieldName('type')?.text ?? '';
    const tag = field.childForFieldName('tag')?.text ?? '';
    if (!/^\*?(string|\[\]byte|int|int64|uint64|sql\.NullString|null\.String)$/.test(type)) continue;
    if (/gorm:"-"|bson:"-"|db:"-"/.test(tag) || ENCRYPTION_HINT.test(tag) || /serializer:/.test(tag)) continue;
    for (const nameNode of field.childrenForFieldName('name')) {
      if (!nameNode) continue;
      if (ENCRYPTION_HINT.test(nameNode.text) || /hash|last4|lastfour|masked|token/i.test(nameNode.text)) continue;
      const column = /(?:column:|bson:"|db:")([\w]+)/.exec(tag)?.[1];
      if (column && (ENCRYPTION_HINT.test(column) || /hash|last4|masked|token/i.test(column))) continue;
      const classes = fieldClassifications(ctx, nameNode.text);
      if (classes.length === 0) continue;
      reportField(ctx, nameNode, nameNode.text, where, classes);
    }
  }
}

/** Annotations that keep a JPA column encrypted: an AttributeConverter, Hibernate's @ColumnTransformer, Jasypt's @Type. */
const JAVA_FIELD_PROTECTION = /^(Convert|ColumnTransformer|Type|Encrypted|Encrypt|ValueConverter)$/;

/** JPA / Hibernate entities and Spring Data documents: `@Column private String ssn;` with no encrypting converter. */
function checkJavaField(ctx: RuleContext, field: Node): void {
  const classBody = field.parent;
  const cls = classBody?.parent;
  if (classBody?.type !== 'class_body' || !cls || cls.type !== 'class_declaration') return;
  const classAnnotations = annotationsOf(cls).map(annotationName);
  const where = classAnnotations.includes('Entity') ? 'JPA entity' : classAnnotations.includes('Document') ? 'Spring Data document' : classAnnotations.includes('Table') ? 'JPA entity' : undefined;
  if (!where) return;
  const annotations = annotationsOf(field);
  const names = annotations.map(annotationName);
  if (names.includes('Transient') || field.namedChildren.some((c) => c?.type === 'modifiers' && /\btransient\b/.test(c.text))) return;
  // A converter or transformer that encrypts (the converter's own name or the SQL it runs says so).
  if (annotations.some((a) => JAVA_FIELD_PROTECTION.test(annotationName(a)) && (ENCRYPTION_HINT.test(a.text) || annotationName(a) === 'Encrypted' || annotationName(a) === 'Encrypt'))) return;
  if (!/^(String|char\[\]|byte\[\]|Long|long|Integer|BigInteger|Object)$/.test(declaredType(field) ?? '')) return;
  for (const d of field.namedChildren) {
    if (d?.type !== 'variable_declarator') continue;
    const nameNode = d.childForFieldName('name');
    if (!nameNode) continue;
    // `@Column(name = "ssn_encrypted")`: the column name may say what the field holds.
    const column = annotations.find((a) => annotationName(a) === 'Column');
    const columnName = column ? ctx.flow.staticString(ctx.syntax.property(column, 'name') ?? column) : undefined;
    if (columnName && ENCRYPTION_HINT.test(columnName)) continue;
    if (ENCRYPTION_HINT.test(nameNode.text) || /hash|last4|lastFour|masked|token/i.test(nameNode.text)) continue;
    const classes = fieldClassifications(ctx, nameNode.text);
    if (classes.length === 0) continue;
    reportField(ctx, nameNode, nameNode.text, where, classes);
  }
}

const CS_FIELD_PROTECTION = /^(Encrypted|Encrypt|EncryptedColumn|EncryptColumn|Protected|NotMapped)(Attribute)?$/;

/**
 * EF Core entities: `public string Ssn { get; set; }` on a class that is mapped (`[Table]`, `[Key]`, `[Column]` on its
 * properties, or a `DbSet<Customer>` in the same file), with no encrypting attribute and no `HasConversion` for the
 * property in the same file (a value converter configured in `OnModelCreating`).
 */
function checkCsharpProperty(ctx: RuleContext, prop: Node): void {
  if (!csharpEntityOf(ctx, prop)) return;
  const attributes = attributesOf(prop);
  if (attributes.some((a) => CS_FIELD_PROTECTION.test(attributeName(a)))) return;
  if (!/^(string|byte\[\]|long|long\?|int|decimal|String|Int64)$/.test(prop.childForFieldName('type')?.text ?? '')) return;
  // `[Column("ssn_encrypted")]`: the column name may say what the property holds.
  const column = attributes.find((a) => attributeName(a) === 'Column');
  if (column && ENCRYPTION_HINT.test(column.text)) return;
  const nameNode = prop.childForFieldName('name');
  if (!nameNode || ENCRYPTION_HINT.test(nameNode.text) || /hash|last4|lastFour|masked|token/i.test(nameNode.text)) return;
  // A value converter for this property configured in the same file: `.Property(c => c.Ssn).HasConversion(…)`.
  if (new RegExp(`\\.Property\\s*\\(\\s*\\w+\\s*=>\\s*\\w+\\.${nameNode.text}\\s*\\)[\\s\\S]{0,200}?\\.HasConversion\\s*[<(]`).test(ctx.file.text)) return;
  const classes = fieldClassifications(ctx, nameNode.text);
  if (classes.length === 0) return;
  reportField(ctx, nameNode, nameNode.text, 'EF Core entity', classes);
}

const RUBY_COLUMN_TYPES = /^(string|text|column|binary|integer|bigint|decimal|numeric|json|jsonb)$/;

/**
 * Rails migrations: `t.string :ssn` inside `create_table` / `change_table`, `add_column :users, :ssn, :string`.
 * Rails 7's `encrypts :ssn` keeps the column name, so the migration alone cannot tell: a low-confidence hint that
 * names the declaration to look for. Columns named for a ciphertext, blind index, digest or last four are skipped.
 */
function checkRubyMigration(ctx: RuleContext, call: Node): void {
  const method = call.childForFieldName('method')?.text ?? '';
  const recv = call.childForFieldName('receiver');
  const inTable = recv?.type === 'identifier' && RUBY_COLUMN_TYPES.test(method);
  if (!inTable && !(method === 'add_column' && !recv)) return;
  if (!/ActiveRecord::Migration/.test(ctx.file.text)) return;
  const args = ctx.syntax.args(call);
  const nameNode = inTable ? args[0] : args[1];
  if (!nameNode || (nameNode.type !== 'simple_symbol' && nameNode.type !== 'string')) return;
  const field = nameNode.type === 'simple_symbol' ? nameNode.text.slice(1) : (ctx.syntax.stringValue(nameNode) ?? '');
  if (!field || ENCRYPTION_HINT.test(field) || /ciphertext|bidx|digest|hash|last_?4|last_?four|masked|token|_iv$|salt/i.test(field)) return;
  const classes = fieldClassifications(ctx, field);
  if (classes.length === 0) return;
  const cvv = classes.some((c) => c.type === 'cvv');
  const label = ctx.classifier.type(classes[0].type)?.label ?? 'sensitive data';
  ctx.report({
    node: nameNode,
    message: cvv
      ? `\`${field}\` stores ${label} in a Rails migration column: PCI DSS forbids keeping CVV/CVC after authorisation, encrypted or not.`
      : `\`${field}\` (${label}) is a column of a Rails migration: unless the model declares \`encrypts :${field}\` (Rails 7) or Lockbox \`has_encrypted :${field}\`, it is stored in clear text.`,
    severity: cvv ? 'error' : 'warning',
    confidence: cvv && !ctx.file.isTestPath ? 'high' : 'low',
    classifications: classes,
    fingerprintKey: `field Rails migration ${field}`,
  });
}

export const unencryptedSensitiveField: RuleDefinition = {
  id: 'storage/unencrypted-sensitive-field',
  family: 'storage',
  title: 'Government ID, card or health data stored without encryption',
  description: 'SSNs and other government ids, card numbers, bank accounts, IBANs, health or biometric data written to a database, file or cache, or declared as an ORM column, without field-level encryption or tokenisation; a CVV stored at all.',
  severity: 'error',
  confidence: 'high',
  cwe: [311, 312, 359],
  owasp: ['A02:2021 Cryptographic Failures', 'A04:2021 Insecure Design'],
  standards: ['PCI DSS 3.3.1 (no CVV after authorisation), 3.5.1 (PAN unreadable)', 'GDPR Art. 9, Art. 32(1)(a), Art. 34(3)(a)', 'HIPAA 164.312(a)(2)(iv)'],
  fixable: false,
  // Only names of these types lead to a finding: files that name none of them are not searched.
  gateTypes: [...FIELD_TYPES],
  guidance: {
    why: 'Disk or database encryption does not help when the application itself leaks a table through SQL injection, a backup or an over-broad export: the columns are returned in clear text. PCI DSS requires the card number (PAN) to be unreadable wherever it is stored and forbids keeping the CVV after authorisation; GDPR treats unencrypted government ids and health data in a breach as a notifiable, high-risk incident, while encrypted data may not need notifying.',
    bad: "await db.query('INSERT INTO customers (name, ssn, card_number, cvv) VALUES ($1, $2, $3, $4)', [name, ssn, cardNumber, cvv]);",
    good: "const cardToken = await vault.tokenize(cardNumber);\nawait db.query('INSERT INTO customers (name, ssn_enc, card_token) VALUES ($1, $2, $3)', [name, await kms.encrypt(ssn), cardToken]);",
    fix: 'Tokenise card numbers with the payment provider (store only the token and the last four digits) and never store the CVV. Encrypt government ids, bank accounts and health data at the field level with keys kept in a KMS (mongoose-field-encryption, typeorm-encrypted transformers, sqlalchemy-utils `StringEncryptedType`, django-fernet-fields / django-cryptography), or keep only a keyed hash when you just need to look values up. In Go, encrypt before `Create` / `Exec` (AES-GCM with a KMS-held key, or a GORM serializer that encrypts). In Rails 7+, declare `encrypts :ssn` on the model (Active Record encryption), or use Lockbox `has_encrypted :ssn`.',
  },
  queries: {
    js: `${SINK_QUERIES.js}\n(new_expression) @decl\n(decorator) @decl`,
    python: `${SINK_QUERIES.python}\n(assignment left: (identifier) @field) @decl`,
    java: `${SINK_QUERIES.java}\n(field_declaration) @decl`,
    csharp: `${SINK_QUERIES.csharp}\n(property_declaration) @decl`,
    go: `${SINK_QUERIES.go}\n(type_spec type: (struct_type)) @decl`,
    php: SINK_QUERIES.php,
    ruby: RUBY_SINK_QUERY,
  },
  check(match, ctx) {
    const decl = match.get('decl');
    if (decl) {
      if (ctx.file.syntax === 'js') checkJsDeclaration(ctx, decl);
      else if (ctx.file.syntax === 'java') checkJavaField(ctx, decl);
      else if (ctx.file.syntax === 'csharp') checkCsharpProperty(ctx, decl);
      else if (ctx.file.syntax === 'go') checkGoStruct(ctx, decl);
      else checkPyDeclaration(ctx, decl, match.get('field'));
      return;
    }
    const node = match.get('call') ?? match.get('assign');
    if (!node) return;
    if (ctx.file.syntax === 'js' && node.type === 'call_expression') checkJsDeclaration(ctx, node);
    if (ctx.file.syntax === 'ruby' && node.type === 'call') checkRubyMigration(ctx, node);
    const sink = matchedSink(ctx, node, match);
    if (!sink || sink.client || sink.kind === 'cookie' || sink.kind === 'session' || sink.kind === 'web-storage') return;
    const items = sinkItems(ctx, sink).filter(isUnprotected);
    if (items.length === 0) return;
    if (sink.model && items.every((i) => pluginEncrypts(ctx, i.origin.text))) return;
    const types = [...new Set(items.map((i) => i.classification.type))];
    const cvv = types.includes('cvv');
    ctx.report({
      node: sink.node,
      message: cvv
        ? `${capitalise(describeData(ctx, items))} ${isAre(items)} written to ${KIND_LABEL[sink.kind]} by ${sink.label}: PCI DSS forbids storing the CVV after authorisation.`
        : `${capitalise(describeData(ctx, items))} ${isAre(items)} written to ${KIND_LABEL[sink.kind]} by ${sink.label} without encryption or tokenisation.`,
      severity: severityOf(types),
      confidence: ctx.file.isTestPath ? 'low' : sink.model ? 'medium' : 'high',
      classifications: classificationsOf(items),
      related: relatedFor(items, sink.node),
    });
  },
};
