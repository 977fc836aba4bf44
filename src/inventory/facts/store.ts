/**
 * Where data is stored: database writes (ORM and query-builder calls, SQL `INSERT` / `UPDATE` with their
 * parameters), ORM models and their columns, SQL DDL (`CREATE TABLE`) in strings, files, cookies, web storage,
 * caches and sessions.
 */
import type { Node } from 'web-tree-sitter';
import type { Classifier } from '../../core/classifier';
import { pathText } from '../../core/flow';
import type { RuleContext } from '../../core/rule';
import type { Protection, SinkKind } from '../../core/types';
import { isInertLiteral, KIND_LABEL, sinkAt, type SinkKind as StorageSinkKind } from '../../rules/storage/sinks';
import { parseSql, SQL_HINT, type SqlColumn } from '../sql';
import { classifyProtectedName, keyedData, dataAt, dedupeItems, importsAny, lastSegment, memo, recordItems, valueOf, type DataItem, type RecordBase } from './common';
import { sqlText, type SqlText } from './sql-code';

/** The module a callee's head comes from: an import, or a variable made by a call into a module (`createClient()`). */
export function headModule(ctx: RuleContext, path: string, at: Node): string | undefined {
  const head = path.replace(/^new /, '').split(/[.(]/)[0];
  if (!head || head === 'this' || head === 'self') return undefined;
  const imported = ctx.flow.imports.get(head);
  if (imported) return imported;
  if (!/^[A-Za-z_$][\w$]*$/.test(head)) return undefined;
  return memo(ctx, 'headModule', `${ctx.flow.scopeOf(at).id}:${head}`, () => boundModule(ctx, head, at));
}

function boundModule(ctx: RuleContext, head: string, at: Node): string | undefined {
  const def = ctx.flow.definitionOf(head, at);
  if (def?.value && !def.key && !def.param) {
    const v = valueOf(ctx, def.value);
    if (ctx.syntax.isCall(v)) {
      const callee = ctx.syntax.calleePath(v).replace(/^new /, '');
      if (ctx.flow.imports.has(callee.split(/[.(]/)[0])) return ctx.flow.resolvedPath(v).replace(/^new /, '');
    }
  }
  return undefined;
}

// ── database writes ─────────────────────────────────────────────────────────────────────────────────────────

const JS_DB_WRITE = /^(insert|insertOne|insertMany|create|createMany|save|update|updateOne|updateMany|upsert|findOneAndUpdate|findByIdAndUpdate|findOneAndReplace|replaceOne|bulkCreate|findOrCreate|build|setDoc|addDoc|updateDoc|putItem|updateItem|batchWrite)$/;
const PY_DB_WRITE = /^(create|bulk_create|update|update_or_create|get_or_create|insert|insert_one|insert_many|update_one|update_many|replace_one|find_one_and_update|add|add_all|merge|put_item|update_item|save)$/;
const DB_RECEIVER = /(^|\.)(db|database|knex|prisma|sequelize|mongo|mongoose|collection|coll|repo|repository|\w+Repository|\w+Repo|orm|em|entityManager|manager|dynamo|dynamodb|docClient|ddb|firestore|supabase|drizzle|typeorm|trx|tx|models|objects|session|table|\w+_table|\w+_collection|\w+Collection|\w+Model|\w+_repo)(\.|$)/i;
/** Receiver words that name the database, not a table: `db.insert(...)` has no table. */
const GENERIC = /^(db|database|knex|prisma|sequelize|mongo|mongoose|orm|em|entityManager|manager|dynamo|dynamodb|docClient|ddb|firestore|supabase|drizzle|typeorm|trx|tx|session|this|self|objects|client|conn|connection|pool|repo|repository|table|collection)$/i;
const DB_MODULES = /^(mongoose|sequelize|typeorm|@prisma\/client|knex|mongodb|pg|mysql2?|sqlite3|better-sqlite3|@supabase\/supabase-js|firebase|firebase-admin|@aws-sdk\/lib-dynamodb|@aws-sdk\/client-dynamodb|drizzle-orm|objection|bookshelf|pymongo|sqlalchemy|django|peewee|flask_sqlalchemy|sqlite3|psycopg2?|mysql|boto3|motor|tortoise|pony|mongoengine)(\/|\.|$)/;
/** Keys of an options argument that hold the data written. */
const DATA_KEYS = new Set(['data', '$set', '$setOnInsert', 'Item', 'values', 'create', 'update', 'defaults', 'document', 'doc']);
const NOT_DATA_KEYS = new Set(['where', 'filter', 'select', 'include', 'returning', 'transaction', 'options', 'upsert', 'new', 'fields', 'TableName', 'Key', 'ConditionExpression', 'omit', 'orderBy']);
const FILTER_FIRST = /^(updateOne|updateMany|findOneAndUpdate|findByIdAndUpdate|findOneAndReplace|replaceOne|update_one|update_many|replace_one|find_one_and_update)$/;

/** The table / model / collection a write goes to: `db.users.insert` → users, `knex('users')` → users. */
function tableOf(ctx: RuleContext, call: Node, receiver: Node | undefined): string | undefined {
  if (!receiver) return undefined;
  let r: Node | undefined = receiver;
  for (let i = 0; r && i < 4; i++) {
    if (ctx.syntax.isCall(r)) {
      // `knex('users')`, `db.collection('users')`, `supabase.from('users')`, `User(ssn=…)` receivers
      const first = ctx.syntax.args(r)[0];
      const s = first ? ctx.syntax.stringValue(first) : undefined;
      if (s !== undefined && /^[\w.-]{1,60}$/.test(s)) return s;
      const e = ctx.syntax.expr(r);
      r = e.kind === 'call' ? e.receiver : undefined;
      continue;
    }
    const path = pathText(ctx.syntax, r);
    if (!path) return undefined;
    const segments = path.split('.').filter((s) => !GENERIC.test(s) && s !== 'objects');
    const last = segments[segments.length - 1];
    if (!last) return undefined;
    return last.replace(/(Repository|Repo|Collection|Model|_repo|_table|_collection)$/, '') || last;
  }
  return undefined;
}

function isDbWrite(ctx: RuleContext, call: Node, path: string, name: string, receiver: Node | undefined): boolean {
  const js = ctx.file.syntax === 'js';
  if (!(js ? JS_DB_WRITE : PY_DB_WRITE).test(name) || !receiver) return false;
  const receiverPath = path.slice(0, path.length - name.length - 1).replace(/^new /, '');
  if (DB_RECEIVER.test(receiverPath.replace(/\(\)/g, ''))) return true;
  // `User.create({...})`, `User.objects.create(...)`: a model class.
  const head = receiverPath.split(/[.(]/)[0];
  if (/^[A-Z][A-Za-z0-9]*$/.test(head) && !/^(Object|Array|Map|Set|JSON|Promise|Math|Date|String|Number|Reflect|Buffer|URL|Intl|Error|WeakMap|WeakSet|Symbol)$/.test(head)) {
    return js ? /^(create|bulkCreate|insert|insertMany|update|upsert|findOrCreate|updateOne|updateMany|findOneAndUpdate|findByIdAndUpdate|build|replaceOne)$/.test(name) : /objects\.|^[A-Z]\w*$/.test(receiverPath) && /^(create|bulk_create|update_or_create|get_or_create|insert|update)$/.test(name);
  }
  if (!importsAny(ctx, DB_MODULES)) return false;
  const mod = headModule(ctx, path, call);
  return !!mod && DB_MODULES.test(mod);
}

/** Key/value pairs a write stores: object / dict literals, keyword arguments, model constructors. */
function writtenEntries(ctx: RuleContext, call: Node, name: string): { key?: string; keyNode?: Node; value: Node; at: Node; table?: string }[] {
  const out: { key?: string; keyNode?: Node; value: Node; at: Node; table?: string }[] = [];
  let args = ctx.syntax.args(call);
  if (FILTER_FIRST.test(name) && args.length > 1) args = args.slice(1);
  const visit = (obj: Node, depth: number, table?: string): void => {
    for (const entry of ctx.syntax.entries(obj)) {
      if (entry.key !== undefined && NOT_DATA_KEYS.has(entry.key)) continue;
      const inner = entry.key !== undefined && DATA_KEYS.has(entry.key) ? ctx.flow.objectLiteralOf(entry.value) : undefined;
      if (inner && depth < 3) {
        visit(inner, depth + 1, table);
        continue;
      }
      out.push({ key: entry.key, keyNode: entry.keyNode, value: entry.value, at: entry.keyNode?.parent && entry.keyNode.parent.id !== obj.id ? entry.keyNode.parent : entry.value, table });
    }
  };
  if (ctx.file.syntax === 'python') {
    // Keyword arguments: `User.objects.create(ssn=…)`, `collection.put_item(Item={…})`
    visit(call, 0);
  }
  for (const a of args) {
    const v = valueOf(ctx, a);
    const obj = ctx.flow.objectLiteralOf(a);
    if (obj) visit(obj, 0);
    else if (ctx.syntax.isCall(v) && /^(new )?[A-Z][A-Za-z0-9]*$/.test(lastSegment(ctx.syntax.calleePath(v)).replace(/^new /, ''))) {
      // `session.add(User(email=…, ssn=…))`, `repo.save(new User({ … }))`
      const model = lastSegment(ctx.syntax.calleePath(v).replace(/^new /, ''));
      if (ctx.file.syntax === 'python') visit(v, 0, model);
      for (const inner of ctx.syntax.args(v)) {
        const o = ctx.flow.objectLiteralOf(inner);
        if (o) visit(o, 0, model);
      }
    } else out.push({ value: a, at: a });
  }
  return out;
}

export function dbWrite(ctx: RuleContext, call: Node): void {
  const e = ctx.syntax.expr(call);
  if (e.kind !== 'call') return;
  if (!isDbWrite(ctx, call, e.path, e.name, e.receiver)) return;
  const table = tableOf(ctx, call, e.receiver);
  for (const entry of writtenEntries(ctx, call, e.name)) {
    const items = keyedData(ctx, entry.key, entry.value);
    if (items.length === 0) continue;
    const t = entry.table ?? table;
    const column = entry.key;
    recordItems(ctx, entry.at, items, {
      activity: 'stored',
      sink: 'db',
      target: column !== undefined ? (t ? `${t}.${column}` : column) : t,
      why: `written to the database by \`${e.path}\`${t ? ` (${t})` : ''}`,
      ...(column !== undefined ? { name: column } : {}),
    });
  }
}

// ── SQL in code ─────────────────────────────────────────────────────────────────────────────────────────────

const SQL_CALL = /(^|\.)(query|execute|executemany|executescript|exec|run|raw|all|get|prepare|none|one|oneOrNone|many|manyOrNone|any|sql|unsafe|\$queryRaw|\$executeRaw|\$queryRawUnsafe|\$executeRawUnsafe|mogrify)$/;

/** `db.query('INSERT INTO t (a, b) VALUES ($1, $2)', [a, b])` and friends. */
export function sqlWrite(ctx: RuleContext, call: Node): void {
  const path = ctx.syntax.calleePath(call);
  if (!SQL_CALL.test(path)) return;
  const args = ctx.syntax.args(call);
  let sqlNode = args[0];
  let params: Node[] = args.slice(1);
  // `pool.query({ text, values })`
  const obj = sqlNode ? ctx.flow.objectLiteralOf(sqlNode) : undefined;
  if (obj) {
    sqlNode = ctx.syntax.property(obj, 'text') ?? ctx.syntax.property(obj, 'sql') ?? sqlNode;
    const values = ctx.syntax.property(obj, 'values');
    params = values ? [values] : params;
  }
  // better-sqlite3: `db.prepare(sql).run(a, b)`: the SQL is in the receiver.
  const e = ctx.syntax.expr(call);
  if (e.kind === 'call' && /^(run|all|get|execute)$/.test(e.name) && e.receiver && ctx.syntax.isCall(e.receiver) && /(^|\.)prepare$/.test(ctx.syntax.calleePath(e.receiver))) {
    sqlNode = ctx.syntax.args(e.receiver)[0];
    params = args;
  }
  if (!sqlNode) return;
  const sql = sqlText(ctx, sqlNode);
  if (!sql || !SQL_HINT.test(sql.text)) return;
  const statements = parseSql(sql.text).filter((s) => s.kind === 'insert' || s.kind === 'update');
  if (statements.length === 0) return;
  const positional = positionalParams(ctx, params);
  const named = params.length > 0 ? (ctx.flow.objectLiteralOf(params[0]) ?? (ctx.file.syntax === 'python' && params[0].type === 'dictionary' ? params[0] : undefined)) : undefined;
  for (const st of statements) {
    for (const col of st.columns) {
      const value = paramNode(ctx, col, sql, positional, named, call);
      let items = keyedData(ctx, col.name, value);
      if (col.protection) items = items.map((i) => (i.protection === 'clear' ? { ...i, protection: col.protection as Protection, protectedBy: col.protectedBy } : i));
      if (items.length === 0) continue;
      recordItems(ctx, call, items, {
        activity: 'stored',
        sink: 'db',
        target: `${st.table}.${col.name}`,
        why: `written to the database table \`${st.table}\` by SQL ${st.kind.toUpperCase()} in \`${path}\``,
        name: col.name,
      });
    }
  }
}

function positionalParams(ctx: RuleContext, params: Node[]): Node[] {
  if (params.length === 0) return [];
  if (params.length === 1) {
    const v = valueOf(ctx, params[0]);
    if (/^(array|list|tuple)$/.test(v.type)) return v.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    if (ctx.flow.objectLiteralOf(params[0]) || v.type === 'dictionary') return [];
  }
  return params;
}

function paramNode(ctx: RuleContext, col: SqlColumn, sql: SqlText, positional: Node[], named: Node | undefined, _call: Node): Node | undefined {
  const p = col.param;
  if (!p) return undefined;
  if (p.kind === 'substitution') return sql.subs[p.index];
  if (p.kind === 'positional') return positional[p.index];
  if (p.kind === 'named' && named) return ctx.syntax.property(named, p.name);
  return undefined;
}

/** `CREATE TABLE` in a string: every classified column is a place where that data is stored. */
export function ddlString(ctx: RuleContext, node: Node): void {
  if (node.parent && (node.parent.type === 'concatenated_string' || node.parent.type === 'binary_expression' || node.parent.type === 'binary_operator')) return;
  if (!/create\s/i.test(node.text)) return;
  const sql = sqlText(ctx, node);
  if (!sql) return;
  for (const st of parseSql(sql.text)) {
    if (st.kind !== 'create') continue;
    for (const col of st.columns) {
      const items = columnItems(ctx, col.name, col.value);
      if (items.length === 0) continue;
      const start = sql.fileOffset(col.offset);
      recordSchemaColumn(ctx, node, items, st.table, col.name, 'a column of the table', start !== undefined ? { start, end: start + col.name.length } : undefined);
    }
  }
}

/** A declared column: its name says the data type, its type or name may say it is protected. */
export function columnItems(ctx: RuleContext | { classifier: Classifier }, name: string, typeText: string | undefined): DataItem[] {
  const items = classifyProtectedName(ctx.classifier, name);
  if (typeText && /encrypt|cipher|fernet|sealed/i.test(typeText)) {
    return items.map((i) => (i.protection === 'clear' ? { ...i, protection: 'encrypted', protectedBy: `its definition \`${typeText.replace(/\s+/g, ' ').slice(0, 60)}\`` } : i));
  }
  return items;
}

export function recordSchemaColumn(ctx: RuleContext, node: Node, items: DataItem[], table: string, column: string, what: string, offsets?: { start: number; end: number }): void {
  for (const item of items) {
    const protection = item.protection === 'clear' ? '' : `; ${item.protection} by ${item.protectedBy ?? 'its definition'}`;
    ctx.record({
      node,
      ...(offsets ? { offsets } : {}),
      dataType: item.classification.type,
      category: item.classification.category,
      activity: 'stored',
      sink: 'db',
      target: `${table}.${column}`,
      protection: item.protection,
      ...(item.protectedBy ? { protectedBy: item.protectedBy } : {}),
      name: column,
      explanation: `${item.classification.explanation}; ${what} \`${table}\`${protection}.`,
    });
  }
}

// ── ORM models ──────────────────────────────────────────────────────────────────────────────────────────────

/** `sequelize.define('User', {...})`, `User.init({...})`, `new Schema({...})`. */
export function modelCall(ctx: RuleContext, call: Node): void {
  if (ctx.file.syntax !== 'js') return;
  const path = ctx.syntax.calleePath(call);
  const args = ctx.syntax.args(call);
  let model: string | undefined;
  let fields: Node | undefined;
  let kind = '';
  if (/(^|\.)define$/.test(path) && /sequelize|db|orm/i.test(path) && args.length >= 2) {
    model = ctx.syntax.stringValue(args[0]);
    fields = ctx.flow.objectLiteralOf(args[1]);
    kind = 'Sequelize model';
  } else if (/^[A-Z]\w*\.init$/.test(path) && args.length >= 1) {
    model = path.slice(0, -'.init'.length);
    fields = ctx.flow.objectLiteralOf(args[0]);
    const opts = args[1] && ctx.flow.objectLiteralOf(args[1]);
    const tableName = opts ? ctx.syntax.property(opts, 'tableName') : undefined;
    model = (tableName && ctx.syntax.stringValue(tableName)) || model;
    kind = 'Sequelize model';
  } else if (/^new (mongoose\.)?Schema$/.test(path) && args.length >= 1) {
    const decl = call.parent?.type === 'variable_declarator' ? call.parent.childForFieldName('name')?.text : undefined;
    model = decl ? decl.replace(/Schema$/i, '').replace(/^./, (c) => c.toUpperCase()) : 'schema';
    fields = ctx.flow.objectLiteralOf(args[0]);
    kind = 'Mongoose schema';
  }
  if (!model || !fields) return;
  for (const entry of ctx.syntax.entries(fields)) {
    if (entry.key === undefined || !entry.keyNode) continue;
    const items = columnItems(ctx, entry.key, entry.value.text);
    if (items.length === 0) continue;
    recordSchemaColumn(ctx, entry.keyNode.parent ?? entry.keyNode, items, model, entry.key, `a field of the ${kind}`);
  }
}

const ENTITY_DECORATOR = /^(Entity|Table|Schema|Model|Document|Collection|ChildEntity)$/;
const COLUMN_DECORATOR = /^(Column|PrimaryColumn|Prop|Property|Field|Attribute|CreateDateColumn|Index|Unique|ViewColumn)$/;
const PY_COLUMN = /(^|\.)(Column|mapped_column|\w+Field|StringField|IntField|EmailField|DateField|EncryptedType|StringEncryptedType)$/;
const PY_MODEL_BASE = /(^|\.)(Model|Base|DeclarativeBase|Document|SQLModel|EmbeddedDocument|DynamicDocument|\w+Base|\w+Model)$/;

/** ORM entity classes: TypeORM / MikroORM / sequelize-typescript / NestJS Mongoose, SQLAlchemy, Django, Peewee. */
export function modelClass(ctx: RuleContext, cls: Node): void {
  if (ctx.file.syntax === 'js') jsModelClass(ctx, cls);
  else pythonModelClass(ctx, cls);
}

function decoratorName(d: Node): string {
  const inner = d.namedChildren[0];
  if (!inner) return '';
  const callee = inner.type === 'call_expression' ? inner.childForFieldName('function') : inner;
  return (callee?.text ?? '').split('.').pop() ?? '';
}

function jsModelClass(ctx: RuleContext, cls: Node): void {
  const decorators = [...cls.namedChildren, ...(cls.parent?.type === 'export_statement' ? cls.parent.namedChildren : [])].filter((c): c is Node => !!c && c.type === 'decorator');
  const entity = decorators.find((d) => ENTITY_DECORATOR.test(decoratorName(d)));
  if (!entity) return;
  const name = cls.childForFieldName('name')?.text ?? 'model';
  const arg = entity.namedChildren[0]?.type === 'call_expression' ? entity.namedChildren[0].childForFieldName('arguments')?.namedChildren[0] : undefined;
  const tableName = arg ? (ctx.syntax.stringValue(arg) ?? (arg.type === 'object' ? (() => {
    const t = ctx.syntax.property(arg, 'name') ?? ctx.syntax.property(arg, 'tableName') ?? ctx.syntax.property(arg, 'collection');
    return t ? ctx.syntax.stringValue(t) : undefined;
  })() : undefined)) : undefined;
  const model = tableName || name;
  for (const member of cls.childForFieldName('body')?.namedChildren ?? []) {
    if (!member || (member.type !== 'public_field_definition' && member.type !== 'field_definition')) continue;
    const decos = member.namedChildren.filter((c): c is Node => !!c && c.type === 'decorator');
    if (!decos.some((d) => COLUMN_DECORATOR.test(decoratorName(d)))) continue;
    const prop = member.childForFieldName('name') ?? member.childForFieldName('property');
    if (!prop) continue;
    const items = columnItems(ctx, prop.text, decos.map((d) => d.text).join(' '));
    if (items.length > 0) recordSchemaColumn(ctx, member, items, model, prop.text, `a column of the entity ${name === model ? '' : `\`${name}\` → `}table`);
  }
}

function pythonModelClass(ctx: RuleContext, cls: Node): void {
  const bases = cls.childForFieldName('superclasses')?.text ?? '';
  const body = cls.childForFieldName('body');
  if (!body) return;
  const assignments = body.namedChildren
    .map((s) => (s?.type === 'expression_statement' ? s.namedChildren[0] : undefined))
    .filter((a): a is Node => !!a && a.type === 'assignment');
  const columns = assignments.filter((a) => {
    const right = a.childForFieldName('right');
    return !!right && right.type === 'call' && PY_COLUMN.test(ctx.syntax.calleePath(right)) && !/ForeignKey|relationship|ManyToMany|OneToOne/.test(ctx.syntax.calleePath(right));
  });
  if (columns.length === 0) return;
  const name = cls.childForFieldName('name')?.text ?? 'model';
  const baseList = bases.replace(/[()\s]/g, '').split(',');
  // Django forms and DRF serializers: the fields are what a form or an API call collects.
  const form = baseList.find((b) => /(^|\.)\w*(Form|Serializer)$/.test(b));
  if (form) {
    const sink = /Serializer$/.test(form) ? 'request' : 'form';
    for (const a of columns) {
      const left = a.childForFieldName('left');
      if (!left || left.type !== 'identifier') continue;
      const items = ctx.classifier.classifyName(left.text).map((classification): DataItem => ({ classification, protection: 'clear' }));
      recordItems(ctx, a, items, { activity: 'collected', sink, target: name, why: `a field of the ${sink === 'form' ? 'form' : 'serializer'} \`${name}\``, name: `${name}.${left.text}` });
    }
    return;
  }
  if (!PY_MODEL_BASE.test(baseList[0] ?? '') && !/Model|Base|Document/.test(bases)) return;
  if (/BaseModel|Schema\b/.test(bases) && !/table\s*=\s*True/.test(bases)) return; // Pydantic / Marshmallow: shapes, not storage
  const tablename = assignments.find((a) => a.childForFieldName('left')?.text === '__tablename__' || a.childForFieldName('left')?.text === '__collection__');
  const model = (tablename && ctx.syntax.stringValue(tablename.childForFieldName('right') ?? tablename)) || name;
  for (const a of columns) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (!left || left.type !== 'identifier' || !right) continue;
    const items = columnItems(ctx, left.text, right.text);
    if (items.length > 0) recordSchemaColumn(ctx, a, items, model, left.text, `a column of the model ${name === model ? '' : `\`${name}\` → `}table`);
  }
}

// ── files, cookies, web storage, caches, sessions ───────────────────────────────────────────────────────────

const JS_FS_WRITE = /^(fs|node:fs|fs\/promises|node:fs\/promises|fs-extra|graceful-fs)(\.promises)?\.(writeFile|writeFileSync|appendFile|appendFileSync|outputFile|outputFileSync|writeJson|writeJsonSync|outputJson|outputJsonSync)$/;
const PY_DUMP = /^(json|pickle|yaml|marshal|toml|ujson|orjson|simplejson)\.(dump|safe_dump)$/;
const COOKIE_JS = /(^|\.)(res|response|reply|ctx|c|h)\.(cookie|setCookie)$|(^|\.)cookies(\(\))?\.set$|^(Cookies|Cookie|cookie|cookies|jsCookie)\.set$|^setCookie$/;
const WEB_STORAGE = /^(window\.)?(localStorage|sessionStorage)\.setItem$|^(AsyncStorage|localforage|storage|chrome\.storage\.local|chrome\.storage\.sync)\.(setItem|set)$|^(SecureStore)\.(setItemAsync|setItem)$|^(MMKV|mmkv|storage)\.(set|setString)$/;
const CACHE_METHOD = /^(set|setex|setEx|psetex|hset|hSet|hmset|hMSet|mset|mSet|lpush|lPush|rpush|rPush|sadd|sAdd|zadd|zAdd|put|add|set_many|setnx|setNX|append)$/;
const CACHE_RECEIVER = /(^|\.)(redis|redisClient|redis_client|rds|cache|memcache|memcached|mc|kv|keyv|nodeCache|lru|lruCache|cacheManager|cache_manager|r)$/i;
const CACHE_MODULES = /^(redis|ioredis|memcached|memjs|node-cache|lru-cache|keyv|cache-manager|@upstash\/redis|django\.core\.cache|pymemcache|pylibmc|aioredis|cachetools|flask_caching)(\.|\/|$)/;

function fileTarget(ctx: RuleContext, node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const prefix = ctx.flow.staticPrefix(node);
  if (prefix && /^[\w./~:\\-]{1,120}$/.test(prefix)) return prefix;
  const name = pathText(ctx.syntax, node);
  return name && name.length <= 60 ? name : undefined;
}

/** What a Python file handle was opened on: `with open(path, 'w') as f` / `f = open(path, 'a')`. */
function openedFile(ctx: RuleContext, handle: Node | undefined): { path: Node | undefined } | undefined {
  if (!handle) return undefined;
  const v = valueOf(ctx, handle);
  if (ctx.syntax.isCall(v)) {
    const path = ctx.flow.resolvedPath(v);
    if (/^(open|io\.open|codecs\.open|gzip\.open|bz2\.open|aiofiles\.open)$/.test(path)) return { path: ctx.syntax.args(v)[0] };
    if (/^(csv\.)?(writer|DictWriter)$/.test(path)) return openedFile(ctx, ctx.syntax.args(v)[0]);
    if (/(^|\.)createWriteStream$/.test(path)) return { path: ctx.syntax.args(v)[0] };
  }
  return undefined;
}

export function otherStores(ctx: RuleContext, call: Node): void {
  const e = ctx.syntax.expr(call);
  if (e.kind !== 'call') return;
  const path = e.path;
  const resolved = ctx.flow.resolvedPath(call);
  const args = ctx.syntax.args(call);
  const js = ctx.file.syntax === 'js';
  const base = (why: string, sink: RecordBase['sink'], target?: string): RecordBase => ({ activity: 'stored', sink, why, ...(target !== undefined ? { target } : {}) });

  // Files
  if (js && JS_FS_WRITE.test(resolved) && args.length >= 2) {
    const target = fileTarget(ctx, args[0]);
    recordItems(ctx, call, dataAt(ctx, args[1]), base(`written to a file by \`${path}\``, 'file', target));
    return;
  }
  if ((e.name === 'write' || e.name === 'writelines' || e.name === 'writerow' || e.name === 'writerows' || e.name === 'end') && e.receiver) {
    const file = openedFile(ctx, e.receiver);
    if (file) {
      recordItems(ctx, call, args.flatMap((a) => dataAt(ctx, a)), base(`written to a file by \`${path}\``, 'file', fileTarget(ctx, file.path)));
      return;
    }
  }
  if (!js && PY_DUMP.test(resolved) && args.length >= 2) {
    const file = openedFile(ctx, args[1]);
    recordItems(ctx, call, dataAt(ctx, args[0]), base(`written to a file by \`${path}\``, 'file', fileTarget(ctx, file?.path)));
    return;
  }
  if (!js && (e.name === 'write_text' || e.name === 'write_bytes') && e.receiver) {
    const r = valueOf(ctx, e.receiver);
    const target = ctx.syntax.isCall(r) ? fileTarget(ctx, ctx.syntax.args(r)[0]) : fileTarget(ctx, e.receiver);
    recordItems(ctx, call, args.flatMap((a) => dataAt(ctx, a)), base(`written to a file by \`${path}\``, 'file', target));
    return;
  }

  // Cookies
  if ((js && COOKIE_JS.test(path) && args.length >= 2) || (!js && e.name === 'set_cookie')) {
    const offset = js && path === 'setCookie' && args.length >= 3 ? 1 : 0;
    const nameNode = !js ? (ctx.syntax.kwarg(call, 'key') ?? args[0]) : args[offset];
    const valueNode = !js ? (ctx.syntax.kwarg(call, 'value') ?? args[1]) : args[offset + 1];
    const cookie = nameNode ? ctx.syntax.stringValue(nameNode) : undefined;
    recordItems(ctx, call, keyedData(ctx, cookie, valueNode), { ...base(`stored in the cookie ${cookie !== undefined ? `\`${cookie}\` ` : ''}by \`${path}\``, 'cookie', cookie !== undefined ? `cookie ${cookie}` : 'cookie'), ...(cookie !== undefined ? { name: cookie } : {}) });
    return;
  }

  // Web storage (browser, React Native)
  if (js && WEB_STORAGE.test(path) && args.length >= 2) {
    const key = ctx.syntax.stringValue(args[0]);
    const store = path.replace(/^window\./, '').split('.')[0];
    let items = keyedData(ctx, key, args[1]);
    if (/^SecureStore/.test(path)) items = items.map((i) => (i.protection === 'clear' ? { ...i, protection: 'encrypted' as const, protectedBy: 'the OS keychain (expo-secure-store)' } : i));
    recordItems(ctx, call, items, { ...base(`stored in ${store} by \`${path}\``, 'web-storage', key !== undefined ? `${store}.${key}` : store), ...(key !== undefined ? { name: key } : {}) });
    return;
  }

  // Caches
  if (CACHE_METHOD.test(e.name) && e.receiver) {
    const receiverPath = path.slice(0, path.length - e.name.length - 1);
    const mod = importsAny(ctx, CACHE_MODULES) ? headModule(ctx, path, call) : undefined;
    if (CACHE_RECEIVER.test(receiverPath) || (mod && CACHE_MODULES.test(mod))) {
      const store = mod && CACHE_MODULES.test(mod) ? mod.split(/[./]/)[0].replace(/^@upstash$/, 'upstash') : lastSegment(receiverPath) || 'cache';
      const key = args[0] ? ctx.syntax.stringValue(args[0]) : undefined;
      const items = args.length >= 2 ? [...keyedData(ctx, key, args[1]), ...args.slice(2).flatMap((a) => dataAt(ctx, a)), ...dataAt(ctx, args[0])] : args.flatMap((a) => dataAt(ctx, a));
      recordItems(ctx, call, dedupe(items), base(`stored in the cache \`${store}\` by \`${path}\``, 'cache', store));
    }
  }
}

function dedupe(items: DataItem[]): DataItem[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(i.classification.type) ? false : (seen.add(i.classification.type), true)));
}

/** `document.cookie = …`, `localStorage.ssn = …`, `req.session.ssn = …`, `session["ssn"] = …`. */
export function storeAssignment(ctx: RuleContext, assign: Node): void {
  const left = assign.childForFieldName('left');
  const right = assign.childForFieldName('right');
  if (!left || !right) return;
  const target = pathText(ctx.syntax, left);
  const e = ctx.syntax.expr(left);
  if (ctx.file.syntax === 'js') {
    if (target === 'document.cookie') {
      const cookie = /^\s*([\w.-]+)=/.exec(ctx.syntax.stringPrefix(right) ?? '')?.[1];
      recordItems(ctx, assign, keyedData(ctx, cookie, right), { activity: 'stored', sink: 'cookie', target: cookie !== undefined ? `cookie ${cookie}` : 'cookie', why: `stored in a cookie by \`document.cookie\``, ...(cookie !== undefined ? { name: cookie } : {}) });
      return;
    }
    if (e.kind !== 'member') return;
    const object = pathText(ctx.syntax, e.object);
    if (object && /^(window\.)?(localStorage|sessionStorage)$/.test(object)) {
      const store = object.replace(/^window\./, '');
      recordItems(ctx, assign, keyedData(ctx, e.key, right), { activity: 'stored', sink: 'web-storage', target: `${store}.${e.key}`, why: `stored in ${store}`, name: e.key });
    } else if (object && /^(req|request|ctx)\.session$/.test(object)) {
      recordItems(ctx, assign, keyedData(ctx, e.key, right), { activity: 'stored', sink: 'session', target: `session.${e.key}`, why: `stored in the session (\`${object}\`)`, name: e.key });
    }
    return;
  }
  if (e.kind !== 'member') return;
  const object = pathText(ctx.syntax, e.object);
  const isSession = object === 'request.session' || object === 'self.request.session' || (object === 'session' && /flask|starlette|django|quart/.test(ctx.flow.imports.get('session') ?? ''));
  if (isSession && left.type === 'subscript') {
    recordItems(ctx, assign, keyedData(ctx, e.key, right), { activity: 'stored', sink: 'session', target: `session.${e.key}`, why: `stored in the session (\`${object}\`)`, name: e.key });
  }
}

// ── the storage family's sinks ──────────────────────────────────────────────────────────────────────────────

const SHARED_KIND: Record<StorageSinkKind, SinkKind> = { database: 'db', file: 'file', cache: 'cache', cookie: 'cookie', 'web-storage': 'web-storage', session: 'session' };

/**
 * Writes the storage rules recognise (`src/rules/storage/sinks.ts`: ORM and driver writes, IndexedDB, Flask's
 * session, …) that none of the recognisers above recorded: stored facts named by the key or column they go to.
 */
export function storageSink(ctx: RuleContext, node: Node): void {
  const sink = sinkAt(ctx, node);
  // An attribute set on an object (`self._password = raw`) may never reach the database: the model's columns
  // are inventoried where the model is declared.
  if (!sink || (sink.kind === 'database' && !ctx.syntax.isCall(node))) return;
  const sinkKind = SHARED_KIND[sink.kind];
  const why = `stored in ${KIND_LABEL[sink.kind]} by ${sink.label}`;
  for (const named of sink.named) {
    recordItems(ctx, sink.node, keyedData(ctx, named.name, named.value), { activity: 'stored', sink: sinkKind, target: named.name, name: named.name, why });
  }
  const namedValues = new Set(sink.named.map((n) => n.value.id));
  const values = sink.values.filter((v) => !namedValues.has(v.id) && !isInertLiteral(ctx, v));
  recordItems(ctx, sink.node, dedupeItems(values.flatMap((v) => dataAt(ctx, v))), { activity: 'stored', sink: sinkKind, why });
}
