/**
 * The per-language helpers the engine, the data flow and the rules share. Each syntax family
 * (src/languages/js.ts, src/languages/python.ts) implements this interface over its tree-sitter node types.
 */
import type { Node } from 'web-tree-sitter';
import type { SyntaxFamily } from '../languages/registry';

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
}

/** Unwraps parentheses and similar wrappers that do not change a value. */
export function nodeText(node: Node | null | undefined): string {
  return node ? node.text : '';
}

/** Ancestors from the node's parent up to the root. */
export function* ancestors(node: Node): Generator<Node> {
  for (let p = node.parent; p; p = p.parent) yield p;
}

/** Depth-first walk over named descendants, skipping subtrees for which `enter` returns false. */
export function walk(node: Node, enter: (n: Node) => boolean | void): void {
  const cursor = node.walk();
  try {
    let depth = 0;
    // Visit the root itself first.
    for (;;) {
      const n = cursor.currentNode;
      const descend = n.isNamed ? enter(n) !== false : true;
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
