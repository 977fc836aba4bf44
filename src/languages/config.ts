/**
 * Syntax helpers for Spring Boot configuration files: `application*.properties` (tree-sitter-properties) and
 * `application*.yml` (tree-sitter-yaml). A config file has no functions, calls or data flow; what the rules need is
 * its settings as flat `dotted.key = value` entries, which `entries(root)` gives for both formats (YAML nesting,
 * dotted YAML keys and sequences flattened the way Spring binds them: `a.b[0].c`).
 */
import type { Node } from 'web-tree-sitter';
import type { SyntaxFamily } from './registry';
import type { Expr, ObjectEntry, Syntax } from '../core/syntax';
import { CLASS_BODY_MEMBERS, named } from '../core/syntax';

/**
 * Spring's relaxed binding: `max-file-size`, `maxFileSize`, `max_file_size` and `MAX_FILE_SIZE` are one property.
 * The canonical form used for comparisons: lower case without `-` and `_`.
 */
export function canonicalKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

// ---------------------------------------------------------------------------------------------------------
// .properties

/** A `.properties` value as Java reads it: line continuations joined, the common escapes decoded. */
function propertiesValue(value: Node): string {
  return value.text
    .replace(/\\\r?\n[ \t\f]*/g, '')
    .replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => (c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : ({ n: '\n', t: '\t', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c))
    .trim();
}

function propertiesEntries(root: Node): ObjectEntry[] {
  const out: ObjectEntry[] = [];
  for (const p of named(root)) {
    if (p.type !== 'property') continue;
    const key = named(p).find((c) => c.type === 'key');
    const value = named(p).find((c) => c.type === 'value');
    if (!key) continue;
    // A key without a value (`key=`) still is an entry: its value node is the key's own property node.
    out.push({ key: key.text.replace(/\\(.)/g, '$1'), keyNode: key, value: value ?? p });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// YAML

const SCALARS = new Set(['plain_scalar', 'double_quote_scalar', 'single_quote_scalar', 'block_scalar']);

/** The scalar inside a flow/block node (past anchors and tags), if the node is a scalar. */
function scalarOf(node: Node): Node | undefined {
  if (SCALARS.has(node.type)) return node;
  if (node.type !== 'flow_node' && node.type !== 'block_node') return undefined;
  return named(node).find((c) => SCALARS.has(c.type));
}

function yamlScalar(node: Node): string | undefined {
  const s = scalarOf(node);
  if (!s) return undefined;
  const text = s.text;
  switch (s.type) {
    case 'plain_scalar':
      return text.replace(/\s*\n\s*/g, ' ').trim();
    case 'single_quote_scalar':
      return text.slice(1, -1).replace(/''/g, "'");
    case 'double_quote_scalar':
      return text.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_, c: string) =>
        c.length > 1 ? String.fromCharCode(parseInt(c.slice(1), 16)) : ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[c] ?? c,
      );
    default: {
      // `|` / `>` block scalar: the lines after the indicator, without their indentation.
      const lines = text.split('\n').slice(1);
      const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
      return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join(s.text.startsWith('>') ? ' ' : '\n').trim();
    }
  }
}

/** The mapping or sequence inside a node, if any. */
function collectionOf(node: Node): Node | undefined {
  if (/^(block|flow)_(mapping|sequence)$/.test(node.type)) return node;
  if (node.type !== 'flow_node' && node.type !== 'block_node') return undefined;
  return named(node).find((c) => /^(block|flow)_(mapping|sequence)$/.test(c.type));
}

function yamlFlatten(collection: Node, prefix: string, out: ObjectEntry[], depth: number): void {
  if (depth > 64) return;
  let index = 0;
  for (const item of named(collection)) {
    if (item.type === 'block_mapping_pair' || item.type === 'flow_pair') {
      const keyNode = item.childForFieldName('key');
      const value = item.childForFieldName('value');
      const k = keyNode ? yamlScalar(keyNode) : undefined;
      if (!keyNode || k === undefined) continue;
      // Spring writes keys with dots or brackets as `[a.b]` in YAML; the brackets are not part of the name.
      const key = prefix + k.replace(/^\[(.*)\]$/, '$1');
      const inner = value ? collectionOf(value) : undefined;
      if (inner) yamlFlatten(inner, `${key}.`, out, depth + 1);
      else out.push({ key, keyNode, value: value ?? item });
    } else if (item.type === 'block_sequence_item' || item.type === 'flow_node') {
      const element = item.type === 'block_sequence_item' ? named(item)[0] : item;
      const base = `${prefix.replace(/\.$/, '')}[${index++}]`;
      const inner = element ? collectionOf(element) : undefined;
      if (inner) yamlFlatten(inner, `${base}.`, out, depth + 1);
      else if (element) out.push({ key: base, keyNode: element, value: element });
    }
  }
}

function yamlEntries(root: Node): ObjectEntry[] {
  const out: ObjectEntry[] = [];
  const docs = root.type === 'stream' ? named(root).filter((d) => d.type === 'document') : [root];
  for (const doc of docs) {
    for (const n of doc.type === 'document' ? named(doc) : [doc]) {
      const c = collectionOf(n);
      if (c) yamlFlatten(c, '', out, 0);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

/** Flattened entries, once per tree (every config rule asks for them). */
const ENTRIES = new WeakMap<Node, ObjectEntry[]>();
const BY_VALUE = new WeakMap<Node, Map<number, ObjectEntry>>();

/** The flat entry (with its dotted key) whose value node is `value`, in the file under `root`. */
export function entryAt(syntax: Syntax, root: Node, value: Node): ObjectEntry | undefined {
  let index = BY_VALUE.get(root);
  if (!index) {
    index = new Map();
    for (const e of syntax.entries(root)) if (!index.has(e.value.startIndex)) index.set(e.value.startIndex, e);
    BY_VALUE.set(root, index);
  }
  const e = index.get(value.startIndex);
  return e && e.value.endIndex === value.endIndex ? e : undefined;
}

function configSyntax(family: Extract<SyntaxFamily, 'properties' | 'yaml'>): Syntax {
  const isRoot = (n: Node) => n.parent === null;
  const flatten = family === 'yaml' ? yamlEntries : propertiesEntries;
  const entries = (obj: Node): ObjectEntry[] => {
    if (!isRoot(obj)) {
      const c = family === 'yaml' ? collectionOf(obj) : undefined;
      if (!c) return [];
      const out: ObjectEntry[] = [];
      yamlFlatten(c, '', out, 0);
      return out;
    }
    let list = ENTRIES.get(obj);
    if (!list) ENTRIES.set(obj, (list = flatten(obj)));
    return list;
  };
  const stringValue = (node: Node): string | undefined => {
    if (family === 'properties') return node.type === 'value' ? propertiesValue(node) : node.type === 'property' ? '' : undefined;
    return yamlScalar(node);
  };
  return {
    family,
    isComment: (node) => node.type === 'comment',
    isFunction: () => false,
    functionName: () => undefined,
    returns: () => [],
    isCall: () => false,
    calleePath: () => '',
    args: () => [],
    kwarg: () => undefined,
    expr(node): Expr {
      if (collectionOf(node)) return { kind: 'object', entries: entries(node) };
      const value = stringValue(node);
      return value === undefined ? { kind: 'other' } : { kind: 'string', value };
    },
    stringValue,
    stringPrefix(node) {
      const v = stringValue(node);
      return v === undefined ? undefined : v.split('${')[0];
    },
    property(obj, key) {
      const want = canonicalKey(key);
      return entries(obj).find((e) => e.key !== undefined && canonicalKey(e.key) === want)?.value;
    },
    entries,
    bindings: () => [],
    imports: () => new Map(),
    members: CLASS_BODY_MEMBERS,
  };
}

export const propertiesSyntax: Syntax = configSyntax('properties');
export const yamlSyntax: Syntax = configSyntax('yaml');
