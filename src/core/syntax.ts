/**
 * The per-language helpers the engine, the data flow and the rules share. Each syntax family
 * (src/languages/js.ts, src/languages/python.ts) implements this interface over its tree-sitter node types.
 */
import { Node } from 'web-tree-sitter';
import type { SyntaxFamily } from '../languages/registry';

/**
 * `Node.type` asks the wasm module on every read (the node is copied into wasm memory, its symbol looked up) and
 * the rules and the data flow read it several times per node. A node never changes its type, so the first answer
 * is kept on the Node object: the same answer, one wasm call instead of many.
 */
const TYPE = Symbol('sealant.nodeType');
const typeOf = Object.getOwnPropertyDescriptor(Node.prototype, 'type')?.get;
if (typeOf) {
  Object.defineProperty(Node.prototype, 'type', {
    configurable: true,
    get(this: Node & { [TYPE]?: string }): string {
      let t = this[TYPE];
      if (t === undefined) {
        t = typeOf.call(this) as string;
        this[TYPE] = t;
      }
      return t;
    },
  });
}

/**
 * The same for `parent`, which the literal, sink and flow helpers ask of the same nodes again and again, and which
 * is dearer still: tree-sitter finds a parent by descending from the root, a wasm call and a new Node each time.
 * An edit of the tree moves positions, not the structure, so the first answer is kept on the Node object (null for
 * the root). Positions such as `endIndex` are not kept (`Tree.edit` moves them), nor `childForFieldName` (measured:
 * asked again too rarely to pay for the memo).
 */
const PARENT = Symbol('sealant.nodeParent');
const parentOf = Object.getOwnPropertyDescriptor(Node.prototype, 'parent')?.get;
if (parentOf) {
  Object.defineProperty(Node.prototype, 'parent', {
    configurable: true,
    get(this: Node & { [PARENT]?: Node | null }): Node | null {
      let p = this[PARENT];
      if (p === undefined) {
        p = parentOf.call(this) as Node | null;
        this[PARENT] = p;
      }
      return p;
    },
  });
}

/** A structural view of an expression, enough for the local data flow. */
export type Expr =
  | { kind: 'identifier'; name: string }
  /** `a.b`, `a['b']`, `a.get('b')` on a mapping: property access with a static key. */
  | { kind: 'member'; object: Node; key: string; keyNode: Node }
  /** A call or `new`. `receiver` is the object of a method call (`recv.m(...)`). */
  | { kind: 'call'; path: string; name: string; receiver?: Node; args: Node[] }
  /** Values combined into one: string building, templates, f-strings, ternaries, arrays, await, parentheses. */
  | { kind: 'union'; parts: Node[] }
  | { kind: 'object'; entries: ObjectEntry[] }
  | { kind: 'string'; value: string | undefined }
  | { kind: 'other' };

export interface ObjectEntry {
  /** Static key; undefined for spreads and computed keys. */
  key?: string;
  keyNode?: Node;
  value: Node;
}

/** A place where a name gets a value: declaration, assignment, parameter, destructuring, loop variable. */
export interface Binding {
  /** Identifier name, or dotted text for member targets (`user.password`). */
  name: string;
  /** The target node (identifier / member / pattern element). */
  node: Node;
  /** The assigned value, if any (undefined for parameters without default). */
  value?: Node;
  /** For destructuring `{ password: p } = req.body`: the property read from `value`. */
  key?: string;
  /** True for function parameters. */
  param?: boolean;
  /** Start offset from which the binding is in force (end of the statement that makes it). */
  from: number;
}

export interface Syntax {
  readonly family: SyntaxFamily;
  /** Node types that are comments. */
  isComment(node: Node): boolean;
  /** Functions, methods, lambdas: the scopes of the local data flow. */
  isFunction(node: Node): boolean;
  functionName(fn: Node): string | undefined;
  /** Expressions returned by a function (return statements of its own body, or an arrow's expression body). */
  returns(fn: Node): Node[];
  isCall(node: Node): boolean;
  /** Dotted path of a call's callee: `bcrypt.hash`, `crypto.createHash().update`, `new:WebSocket`. */
  calleePath(call: Node): string;
  /** Positional arguments of a call. */
  args(call: Node): Node[];
  /** A keyword argument (Python) — always undefined in JS. */
  kwarg(call: Node, name: string): Node | undefined;
  /** Structural view of an expression. */
  expr(node: Node): Expr;
  /** Plain string literal content, if the node is a string without interpolation. */
  stringValue(node: Node): string | undefined;
  /** The static text before the first interpolation of a string/template/f-string, if it is a string at all. */
  stringPrefix(node: Node): string | undefined;
  /** The value of a property in an object / dict literal, or a keyword argument given as `key=`. */
  property(obj: Node, key: string): Node | undefined;
  /** Entries of an object / dict literal (empty for other nodes). */
  entries(obj: Node): ObjectEntry[];
  /** All bindings made directly in a scope (a function or the root), not inside nested functions. */
  bindings(scope: Node): Binding[];
  /** Import bindings: local name -> module (and imported member), e.g. `bcrypt` -> `bcrypt`, `hash` -> `bcrypt.hash`. */
  imports(root: Node): Map<string, string>;
  /** How classes hold their members, for re-analysing only what an edit changed (src/core/incremental.ts). */
  readonly members: Members;
}

export interface Members {
  /** A node whose children are analysed one by one while typing: a class body. */
  isMemberList(n: Node): boolean;
  /**
   * The body of a class statement (decorated or not) when error recovery can split the class apart: an open
   * parenthesis or quote in one Python method moves the methods after it out of the class. Undefined otherwise.
   */
  classBody(n: Node): Node | undefined;
  /** A function that is itself a statement of its file or class body (decorated or not). */
  isFunctionStatement(n: Node): boolean;
}

/** Languages whose class bodies are `class_body` nodes and whose classes are never split while typing. */
export const CLASS_BODY_MEMBERS: Members = {
  isMemberList: (n) => n.type === 'class_body',
  classBody: () => undefined,
  isFunctionStatement: () => false,
};

/** The named children of a node (none for a missing node): what every language adapter walks. */
export function named(node: Node | null | undefined): Node[] {
  return node ? node.namedChildren.filter((c): c is Node => c !== null) : [];
}

/** Unwraps parentheses and similar wrappers that do not change a value. */
export function nodeText(node: Node | null | undefined): string {
  return node ? node.text : '';
}

/** Ancestors from the node's parent up to the root. */
export function* ancestors(node: Node): Generator<Node> {
  for (let p = node.parent; p; p = p.parent) yield p;
}

/**
 * What `walk(node, enter, (t) => types.includes(t))` does, with the search made in C: the named nodes of those types
 * at or under `node`, in the walk's order, minus the subtrees for which `enter` returns false. Walking a function
 * node by node from JavaScript costs several times its parse; this costs a fraction of it.
 */
export function walkTypes(node: Node, types: readonly string[], enter: (n: Node) => boolean | void): void {
  // The C search cannot skip a subtree: under a file's root, where most of the tree lies in the functions that
  // `enter` skips, the cursor walk is cheaper. (Compared with the root, not `node.parent === null`: a function's body
  // is a fresh Node, and its parent is found by descending from the root through every sibling on the way.)
  if (node.id === node.tree.rootNode.id) {
    const wanted = new Set(types);
    walk(node, enter, (type) => wanted.has(type));
    return;
  }
  let skipUntil = -1;
  for (const n of node.descendantsOfType(types as string[])) {
    // A type name may also be an anonymous token's (`function`); skipped subtrees are contiguous in this order.
    if (!n || n.startIndex < skipUntil || !n.isNamed) continue;
    if (enter(n) === false) skipUntil = n.endIndex;
  }
}

/** The node types of a grammar that end with `suffix` (e.g. every `_statement`), by language. */
const typesBySuffix = new WeakMap<object, Map<string, string[]>>();

export function typesEndingWith(node: Node, suffix: string): readonly string[] {
  const language = node.tree.language;
  let bySuffix = typesBySuffix.get(language);
  if (!bySuffix) typesBySuffix.set(language, (bySuffix = new Map()));
  let list = bySuffix.get(suffix);
  if (!list) bySuffix.set(suffix, (list = [...new Set(language.types.filter((t): t is string => typeof t === 'string' && t.endsWith(suffix)))]));
  return list;
}

/**
 * Depth-first walk over named descendants, skipping subtrees for which `enter` returns false. With `only`, `enter`
 * sees just the nodes whose type `only` accepts (the walk still descends into the others): reading a type from the
 * cursor is much cheaper than making a Node object for every node of the tree.
 */
export function walk(node: Node, enter: (n: Node) => boolean | void, only?: (type: string) => boolean): void {
  const cursor = node.walk();
  try {
    let depth = 0;
    // Visit the root itself first.
    for (;;) {
      // nodeIsNamed first: building a Node object for every punctuation token costs more than the walk itself.
      const descend = (!only || only(cursor.nodeType)) && cursor.nodeIsNamed ? enter(cursor.currentNode) !== false : true;
      if (descend && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      for (;;) {
        if (depth === 0) return;
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent();
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}
