/**
 * Local data flow: follows a value inside a function (or the module) from where sensitive data enters
 * (a classified identifier, property, dict key or keyword argument; request fields) through assignments,
 * destructuring, object and dict literals, property access, string building, templates, f-strings,
 * `%`/`.format`, spreads, calls to local helpers and returns, and knows the sanitizers that make it safe.
 *
 * One DataFlow per analysed file; answers are memoised per node and freed with the file.
 */
import type { Node } from 'web-tree-sitter';
import type { SyntaxFamily } from '../languages/registry';
import { PASSTHROUGH, type SanitizerDef, type SanitizerKind } from '../rules/sanitizers';
import type { Classifier } from './classifier';
import { walk, type Binding, type Syntax } from './syntax';
import type { Classification, DataCategory } from './types';

export interface Sanitized {
  kind: SanitizerKind;
  /** The callee as written, e.g. `bcrypt.hash`. */
  name: string;
  node: Node;
}

export interface TaintItem {
  classification: Classification;
  /** Where the data was recognised (the classified name, key or request field). */
  origin: Node;
  /** Set when the value passed through a sanitizer on the way. */
  sanitizedBy?: Sanitized;
  /** A whole request body or form rather than one field: lower confidence. */
  bulk?: boolean;
}

export interface SensitiveQuery {
  types?: readonly string[];
  categories?: readonly DataCategory[];
  /** Sanitizer kinds that do NOT make the data safe for this question (e.g. `hash` for passwords). */
  ignoreSanitizers?: readonly SanitizerKind[];
  /** Include whole request bodies (default false). */
  bulk?: boolean;
}

const MAX_DEPTH = 12;

/** Node types (JS/TS and Python) that wrap one value without changing its data; see DataFlow.unwrapped. */
const WRAPPER_TYPES: ReadonlySet<string> = new Set([
  'parenthesized_expression',
  'await_expression',
  'await',
  'as_expression',
  'satisfies_expression',
  'non_null_expression',
  'type_assertion',
]);
const MAX_UNWRAP = 100_000;
const NO_BINDINGS: Binding[] = [];

/** Request objects whose whole body / form is user-supplied data. */
const BULK_SOURCES: Record<SyntaxFamily, RegExp> = {
  js: /^(req|request|ctx\.request|ctx)\.(body|query|params)$/,
  python: /^request\.(form|json|data|POST|GET|args|values|files)$|^request\.get_json\(\)$/,
  go: /^(r|req|request)\.(Form|PostForm|MultipartForm|Body)$|^(c|ctx)\.(Request\.Body|Request\.Form)$/,
  ruby: /^params$|^params\.(permit|to_unsafe_h|require)\(\)$|^request\.(params|body|POST|GET)$/,
  php: /^(_POST|_GET|_REQUEST|_FILES)$|^(request|req)\.(all|validated|getParsedBody|toArray)\(\)$|^request\(\)\.all\(\)$/,
  java: /^(request|req|httpRequest|servletRequest)\.getParameterMap\(\)$/,
  csharp: /^(Request|HttpContext\.Request)\.(Form|Query)$/,
  // Config files have no requests.
  properties: /(?!)/,
  yaml: /(?!)/,
};

/** Go reads of a request field, header, parameter or variable by a static key: `r.FormValue("ssn")`, `c.Query("email")`, `os.Getenv("DB_PASSWORD")`. */
const GO_KEYED_READS = /^(FormValue|PostFormValue|PostForm|DefaultPostForm|Query|DefaultQuery|Param|QueryParam|FormParams|Get|GetHeader|Getenv|LookupEnv|GetString|Cookie)$/;

/** PHP reads by a static key: `$request->input('ssn')`, `$request->get('email')`, `getenv('DB_PASSWORD')`, `filter_input(INPUT_POST, 'card')`. */
const PHP_KEYED_READS = /^(input|get|post|query|cookie|header|string|integer|old|getenv|env|config)$/;

interface CompiledSanitizer {
  kind: SanitizerKind;
  re: RegExp;
  label: string;
}

/**
 * Whether `name` occurs as a word in the text of `scope` anywhere but at offset `except`. A binding of the name is an
 * identifier token with that text, and no token is directly preceded or followed by an ASCII letter, digit or `_`
 * (the lexer would have made them one token): `hash` in `hashlib` or `__hash__` is no binding of `hash`.
 */
function mentionedElsewhere(text: string, scope: Node, name: string, except: number): boolean {
  return mentionsWord(text.slice(scope.startIndex, scope.endIndex), name, except - scope.startIndex);
}

/** Whether `name` occurs as a word in `text` (see mentionedElsewhere), anywhere but at offset `except`. */
function mentionsWord(text: string, name: string, except = -1): boolean {
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    if (i !== except && !(i > 0 && isWordChar(text.charCodeAt(i - 1))) && !isWordChar(text.charCodeAt(i + name.length))) return true;
  }
  return false;
}

/** An ASCII letter, digit or `_` (NaN, past the end of a text, is none). */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** Sanitizer lists compiled for a syntax family, kept per list (the engine hands the same list to every file). */
const COMPILED_SANITIZERS = new WeakMap<readonly SanitizerDef[], Map<SyntaxFamily, readonly CompiledSanitizer[]>>();

/** The sanitizers of a list that apply to a syntax family, their paths compiled (no flags: the regexes keep no state). */
function compiledSanitizers(sanitizers: readonly SanitizerDef[], family: SyntaxFamily): readonly CompiledSanitizer[] {
  let byFamily = COMPILED_SANITIZERS.get(sanitizers);
  if (!byFamily) COMPILED_SANITIZERS.set(sanitizers, (byFamily = new Map()));
  let out = byFamily.get(family);
  if (!out) {
    out = sanitizers.filter((s) => !s.syntax || s.syntax.includes(family)).map((s) => ({ kind: s.kind, re: new RegExp(s.path), label: s.label }));
    byFamily.set(family, out);
  }
  return out;
}

export class DataFlow {
  private readonly memo = new Map<number, TaintItem[]>();
  private readonly inProgress = new Set<number>();
  private readonly scopeBindings = new Map<number, Binding[]>();
  private readonly scopeNames = new Map<number, Map<string, Binding[]>>();
  // Answers memoised per node id (pure functions of the tree): null records "none".
  private readonly definitionMemo = new Map<number, Map<string, Binding | null>>();
  private readonly sanitizerMemo = new Map<number, { kind: SanitizerKind; label: string } | null>();
  private readonly localMemo = new Map<number, Node | null>();
  private readonly resolvedMemo = new Map<number, string>();
  private readonly calleeMemo = new Map<number, string>();
  /**
   * The last node asked about and its ancestors, root first (`path`), with their end offsets and the innermost
   * function at or above each (`fnAt`). Rules ask about nearby nodes one after the other, so each question
   * starts from the deepest shared ancestor instead of the root (see ancestors()).
   */
  private readonly path: Node[] = [];
  private readonly pathEnds: number[] = [];
  private readonly fnAt: Node[] = [];
  /** Node id -> index in `path`. */
  private readonly pathIndex = new Map<number, number>();
  private readonly sanitizers: readonly CompiledSanitizer[];
  private readonly passthrough: ReadonlySet<string>;
  private importMap: Map<string, string> | undefined;
  private depth = 0;

  /** `imports`: the file's imports when the caller knows them already (an edit that touched no import). */
  constructor(
    readonly root: Node,
    readonly syntax: Syntax,
    readonly classifier: Classifier,
    sanitizers: readonly SanitizerDef[],
    imports?: ReadonlyMap<string, string>,
    /** The file's text, when the caller holds it (else it is read back from the tree when needed). */
    private readonly text?: string,
  ) {
    this.importMap = imports as Map<string, string> | undefined;
    this.sanitizers = compiledSanitizers(sanitizers, syntax.family);
    this.passthrough = PASSTHROUGH[syntax.family];
  }

  private sourceText: string | undefined;

  /** The file's text (read back from the tree once when the caller did not hand it over). */
  private get source(): string {
    this.sourceText ??= this.text ?? this.root.text;
    return this.sourceText;
  }

  /** Local name -> imported module path. */
  get imports(): Map<string, string> {
    if (!this.importMap) this.importMap = this.syntax.imports(this.root);
    return this.importMap;
  }

  /** The imports, if something asked for them (for the next analysis of the same document). */
  get knownImports(): ReadonlyMap<string, string> | undefined {
    return this.importMap;
  }

  /** The callee path with its first segment resolved through the file's imports. */
  resolvedPath(call: Node): string {
    let resolved = this.resolvedMemo.get(call.id);
    if (resolved === undefined) {
      resolved = this.resolvePath(this.calleePathOf(call));
      this.resolvedMemo.set(call.id, resolved);
    }
    return resolved;
  }

  /** syntax.calleePath, memoised per node (the engine gives rules this one: they ask about the same calls again and again). */
  calleePath(call: Node): string {
    return this.calleePathOf(call);
  }

  private calleePathOf(call: Node): string {
    let path = this.calleeMemo.get(call.id);
    if (path === undefined) {
      path = this.syntax.calleePath(call);
      this.calleeMemo.set(call.id, path);
    }
    return path;
  }

  resolvePath(path: string): string {
    const isNew = path.startsWith('new ');
    const bare = isNew ? path.slice(4) : path;
    const dot = bare.search(/[.(]/);
    const head = dot < 0 ? bare : bare.slice(0, dot);
    const mod = this.imports.get(head);
    const resolved = mod ? mod + bare.slice(head.length) : bare;
    return isNew ? `new ${resolved}` : resolved;
  }

  /** The sanitizer a call applies, if it is one. */
  sanitizerOf(call: Node): { kind: SanitizerKind; label: string } | undefined {
    const known = this.sanitizerMemo.get(call.id);
    if (known !== undefined) return known ?? undefined;
    const found = this.findSanitizer(call);
    this.sanitizerMemo.set(call.id, found ?? null);
    return found;
  }

  private findSanitizer(call: Node): { kind: SanitizerKind; label: string } | undefined {
    const resolved = this.resolvedPath(call);
    const written = this.calleePathOf(call);
    for (const s of this.sanitizers) {
      if (s.re.test(resolved) || s.re.test(written)) return { kind: s.kind, label: s.label };
    }
    const local = this.localFunction(call);
    if (local) return this.functionSanitizer(local);
    return undefined;
  }

  /** The innermost function around a node, or the root. */
  scopeOf(node: Node): Node {
    const n = this.locate(node);
    return n > 1 ? this.fnAt[n - 2] : this.root;
  }

  /** The ancestors of a node, root first, without the node itself. */
  ancestors(node: Node): Node[] {
    const n = this.locate(node);
    return this.path.slice(0, n - 1);
  }

  /**
   * Makes `path` hold `node` and returns its index + 1: an ancestor of the last node is already there; any other
   * node replaces the path below their deepest shared ancestor. Descends from the deepest node of the previous path
   * that contains `node`, with childWithDescendant: `node.parent` costs a descent from the root on every call,
   * so walking up parent by parent is quadratic in the depth (10,000 nested blocks took minutes).
   */
  private locate(node: Node): number {
    const path = this.path;
    const at = this.pathIndex.get(node.id);
    if (at !== undefined) return at + 1;
    const start = node.startIndex;
    const end = node.endIndex;
    let k = path.length - 1;
    while (k >= 0 && !(path[k].id !== node.id && path[k].startIndex <= start && end <= this.pathEnds[k])) k--;
    if (k < 0 || !this.descend(k, node, start, end)) {
      // Not below the previous path (or a zero-width node defeated the descent): start again from the root.
      this.truncate(0);
      for (const a of ancestorsOf(node, this.root)) this.push(a);
      this.push(node);
    }
    return path.length;
  }

  private descend(k: number, node: Node, start: number, end: number): boolean {
    this.truncate(k + 1);
    for (let n = this.path[k]; ; ) {
      const next: Node | null = n.childWithDescendant(node);
      if (!next || next.id === n.id) return false;
      const nextEnd = next.id === node.id ? end : next.endIndex;
      if (next.startIndex > start || nextEnd < end) return false;
      this.push(next, nextEnd);
      if (next.id === node.id) return true;
      n = next;
    }
  }

  private push(n: Node, end: number = n.endIndex): void {
    const outer = this.fnAt[this.fnAt.length - 1] ?? this.root;
    this.pathIndex.set(n.id, this.path.length);
    this.path.push(n);
    this.pathEnds.push(end);
    this.fnAt.push(this.syntax.isFunction(n) ? n : outer);
  }

  private truncate(length: number): void {
    for (let i = length; i < this.path.length; i++) this.pathIndex.delete(this.path[i].id);
    this.path.length = length;
    this.pathEnds.length = length;
    this.fnAt.length = length;
  }

  /** The bindings of `name` in a scope, in the order of bindingsOf (indexed by name on first use). */
  private bindingsNamed(scope: Node, name: string): Binding[] {
    let byName = this.scopeNames.get(scope.id);
    if (!byName) {
      byName = new Map();
      for (const b of this.bindingsOf(scope)) {
        const list = byName.get(b.name);
        if (list) list.push(b);
        else byName.set(b.name, [b]);
      }
      this.scopeNames.set(scope.id, byName);
    }
    return byName.get(name) ?? NO_BINDINGS;
  }

  bindingsOf(scope: Node): Binding[] {
    let b = this.scopeBindings.get(scope.id);
    if (!b) {
      b = this.syntax.bindings(scope);
      this.scopeBindings.set(scope.id, b);
    }
    return b;
  }

  /**
   * The binding of `name` in force at `at`: the latest one made before it in the innermost scope that
   * has one, walking out to the module. Returns undefined for globals and unknown names.
   */
  definitionOf(name: string, at: Node): Binding | undefined {
    let byName = this.definitionMemo.get(at.id);
    if (!byName) {
      byName = new Map();
      this.definitionMemo.set(at.id, byName);
    }
    const known = byName.get(name);
    if (known !== undefined) return known ?? undefined;
    const found = this.findDefinition(name, at);
    byName.set(name, found ?? null);
    return found;
  }

  private findDefinition(name: string, at: Node): Binding | undefined {
    // A call's callee is no binding: where `at` is a call that starts with the name, a scope whose text holds the name
    // nowhere else binds no such name, and its bindings need not be worked out (`encodeURIComponent(x)`, `log(x)`).
    const text = this.source;
    const callee = /^[A-Za-z_$][\w$]*$/.test(name) && this.syntax.isCall(at) && text.startsWith(name, at.startIndex) ? at.startIndex : -1;
    for (let scope: Node | null = this.scopeOf(at); scope; scope = scope === this.root ? null : this.scopeOf(scope)) {
      if (callee >= 0 && !mentionedElsewhere(text, scope, name, callee)) continue;
      const candidates = this.bindingsNamed(scope, name);
      if (candidates.length === 0) continue;
      let best: Binding | undefined;
      for (const b of candidates) {
        // Skip a binding whose own value contains the use (`x = x + 1` reads the previous x).
        if (b.value && at.startIndex >= b.value.startIndex && at.endIndex <= b.value.endIndex && !b.param) continue;
        if (b.from <= at.startIndex || b.param) {
          if (!best || b.from >= best.from) best = b;
        }
      }
      // Module-level functions and constants may be used before their definition point (hoisting, calls at run time).
      if (!best && scope !== this.scopeOf(at)) best = candidates[candidates.length - 1];
      if (!best && scope === this.root) best = candidates.find((b) => b.value && this.syntax.isFunction(b.value));
      if (best) return best;
    }
    return undefined;
  }

  /** Every sensitive item that may reach `node`, sanitized or not. */
  taint(node: Node): TaintItem[] {
    node = this.unwrapped(node);
    const cached = this.memo.get(node.id);
    if (cached) return cached;
    if (this.inProgress.has(node.id) || this.depth > MAX_DEPTH) return [];
    this.inProgress.add(node.id);
    this.depth++;
    try {
      const items = dedupe(this.compute(node));
      this.memo.set(node.id, items);
      return items;
    } finally {
      this.depth--;
      this.inProgress.delete(node.id);
    }
  }

  /**
   * Parentheses and other wrappers around one value (`await`, casts, `!`) carry exactly its data: followed in a
   * loop, without using up MAX_DEPTH, so `((((ssn))))` nested 10,000 deep is still seen.
   */
  private unwrapped(node: Node): Node {
    for (let i = 0; i < MAX_UNWRAP && WRAPPER_TYPES.has(node.type); i++) {
      const e = this.syntax.expr(node);
      if (e.kind !== 'union' || e.parts.length !== 1) break;
      node = e.parts[0];
    }
    return node;
  }

  /** Unsanitized sensitive items reaching `node` that match the query. */
  sensitive(node: Node, query: SensitiveQuery = {}): TaintItem[] {
    return this.taint(node).filter((item) => {
      if (item.bulk && !query.bulk) return false;
      if (query.types && !query.types.includes(item.classification.type)) return false;
      if (query.categories && !query.categories.includes(item.classification.category)) return false;
      if (item.sanitizedBy && !(query.ignoreSanitizers ?? []).includes(item.sanitizedBy.kind)) return false;
      return true;
    });
  }

  /** A static string value: a literal, or a name bound to one (followed through simple assignments). */
  staticString(node: Node, depth = 0): string | undefined {
    if (depth > 6) return undefined;
    const direct = this.syntax.stringValue(node);
    if (direct !== undefined) return direct;
    const e = this.syntax.expr(node);
    if (e.kind === 'identifier') {
      const def = this.definitionOf(e.name, node);
      if (def?.value && !def.key) return this.staticString(def.value, depth + 1);
    } else if (e.kind === 'union' && e.parts.length === 1) {
      return this.staticString(e.parts[0], depth + 1);
    } else if (e.kind === 'member') {
      const obj = this.objectLiteralOf(e.object, depth + 1);
      const v = obj && this.syntax.property(obj, e.key);
      if (v) return this.staticString(v, depth + 1);
    }
    return undefined;
  }

  /** The static start of a string-valued expression (URL prefixes), following names to their definitions. */
  staticPrefix(node: Node, depth = 0): string | undefined {
    if (depth > 6) return undefined;
    const full = this.staticString(node, depth);
    if (full !== undefined) return full;
    const prefix = this.syntax.stringPrefix(node);
    if (prefix !== undefined && prefix !== '') return prefix;
    // `${BASE}/path`, BASE + '/x', f"{BASE}/x": the first part decides.
    const e = this.syntax.expr(node);
    if (e.kind === 'union' && e.parts.length > 0 && (node.type.includes('template') || node.type.includes('binary') || node.type === 'string' || node.type === 'interpolated_string_expression')) {
      const first = e.parts[0];
      const startsWithPart = node.type === 'binary_expression' || node.type === 'binary_operator' || firstChildIsSubstitution(node);
      if (startsWithPart) {
        const p = this.staticPrefix(first, depth + 1);
        if (p !== undefined) return p;
      }
    }
    if (e.kind === 'identifier') {
      const def = this.definitionOf(e.name, node);
      if (def?.value && !def.key) return this.staticPrefix(def.value, depth + 1);
    }
    if (e.kind === 'member') {
      const obj = this.objectLiteralOf(e.object, depth + 1);
      const v = obj && this.syntax.property(obj, e.key);
      if (v) return this.staticPrefix(v, depth + 1);
    }
    return prefix;
  }

  /** The object / dict literal a node evaluates to, following names. */
  objectLiteralOf(node: Node, depth = 0): Node | undefined {
    if (depth > 6) return undefined;
    const e = this.syntax.expr(node);
    if (e.kind === 'object') return node;
    if (e.kind === 'identifier') {
      const def = this.definitionOf(e.name, node);
      if (def?.value && !def.key && def.value.id !== node.id) return this.objectLiteralOf(def.value, depth + 1);
    }
    if (e.kind === 'union' && e.parts.length === 1) return this.objectLiteralOf(e.parts[0], depth + 1);
    if (e.kind === 'member') {
      const obj = this.objectLiteralOf(e.object, depth + 1);
      const v = obj && this.syntax.property(obj, e.key);
      if (v) return this.objectLiteralOf(v, depth + 1);
    }
    return undefined;
  }

  /** True when the expression is a whole request body / form. */
  isBulkSource(node: Node): boolean {
    const path = this.syntax.isCall(node) ? `${this.syntax.calleePath(node)}()` : pathText(this.syntax, node);
    return !!path && BULK_SOURCES[this.syntax.family].test(path);
  }

  private classifyName(name: string, origin: Node): TaintItem[] {
    const found = this.classifier.classifyName(name);
    const kept = found.length && this.fileAliases().size ? found.filter((c) => !this.fileAliases().has(c.type)) : found;
    return kept.map((classification) => ({ classification, origin }));
  }

  private aliases: Set<string> | undefined;

  /** Data types this file uses another meaning of (`ssn` next to `scSerialNumber`: a storage serial number). */
  private fileAliases(): Set<string> {
    if (!this.aliases) {
      const text = this.text ?? this.root.text;
      // A type is aliased when all of its entries hold: every present test matches, every absent one does not.
      const types = new Set(FILE_ALIASES.map((a) => a.type));
      this.aliases = new Set([...types].filter((t) => FILE_ALIASES.filter((a) => a.type === t).every((a) => a.test.test(text) !== (a.absent ?? false))));
    }
    return this.aliases;
  }

  private compute(node: Node): TaintItem[] {
    if (this.isBulkSource(node)) {
      return [{ classification: { type: 'request_data', category: 'personal', explanation: `\`${node.text.slice(0, 60)}\` is a whole request body`, by: 'name' }, origin: node, bulk: true }];
    }
    const e = this.syntax.expr(node);
    switch (e.kind) {
      case 'identifier':
        return this.identifierTaint(e.name, node);
      case 'member':
        return this.memberTaint(e.object, e.key, e.keyNode, node);
      case 'union':
        return e.parts.flatMap((p) => this.taint(p));
      case 'object':
        return e.entries.flatMap((entry) => {
          const value = this.taint(entry.value);
          if (entry.key === undefined || !entry.keyNode) return value;
          // `{ "password": "" }`, `{ token: None }`: the key names data the value does not hold.
          if (isEmptyValue(this.syntax, entry.value)) return value;
          const byKey = entry.keyNode.id === entry.value.id ? [] : this.classifyName(entry.key, entry.keyNode);
          return combineNameAndValue(byKey, value);
        });
      case 'call':
        return this.callTaint(node, e.path, e.name, e.receiver, e.args);
      case 'string':
      case 'other':
        return [];
    }
  }

  private identifierTaint(name: string, node: Node): TaintItem[] {
    const def = this.definitionOf(name, node);
    const byName = this.classifyName(name, node);
    if (!def) return byName;
    if (def.value && this.syntax.isFunction(def.value)) return [];
    let fromValue: TaintItem[] = [];
    if (def.value) {
      fromValue = def.key !== undefined ? this.keyOfTaint(def.value, def.key, def.node) : this.taint(def.value);
    }
    // The name at its definition (a parameter or declared variable) says what the data is, unless the value
    // assigned is known to be protected.
    // A SCREAMING_CASE constant bound to a plain string (`const PASSWORD_FIELD = 'password'`) names data, it does not hold it.
    if (/^[A-Z][A-Z0-9_]*$/.test(name) && def.value && this.syntax.stringValue(def.value) !== undefined) return fromValue;
    // An object built from a class (`password = sql.Table('password', …)`, `new Token(…)`) is not the data its name says.
    if (def.value && this.isConstruction(def.value)) return fromValue;
    const declared = this.classifyName(name, def.node);
    return combineNameAndValue(declared.length ? declared : byName, fromValue);
  }

  private isConstruction(value: Node): boolean {
    const e = this.syntax.expr(value);
    // `MD5(pw)` and `SHA256(pw)` are hash functions, not classes.
    return e.kind === 'call' && constructs(e.path, this.syntax.family) && !/^[A-Z0-9_]+$/.test(lastSegment(e.path));
  }

  /** `value.key` where the access comes from destructuring. */
  private keyOfTaint(object: Node, key: string, keyNode: Node): TaintItem[] {
    return this.memberTaint(object, key, keyNode, keyNode);
  }

  private memberTaint(object: Node, key: string, keyNode: Node, whole: Node): TaintItem[] {
    // Enum members and class constants (`ChallengeType.PASSWORD`, `Headers.AUTHORIZATION`) name data, they do not hold it.
    const byKey = isConstantMember(this.syntax, object, key) ? [] : this.classifyName(key, keyNode);
    // A member assigned earlier in the scope (`user.password = hash(pw)`) or a property of a local literal.
    const memberName = pathText(this.syntax, whole);
    if (memberName && whole.id !== keyNode.id) {
      const def = this.definitionOf(memberName, whole);
      if (def?.value) return combineNameAndValue(byKey, this.taint(def.value));
    }
    const literal = this.objectLiteralOf(object);
    if (literal) {
      const v = this.syntax.property(literal, key);
      if (v) return combineNameAndValue(byKey, this.taint(v));
    }
    // Whole-request sources contribute only what their key says.
    return byKey;
  }

  private callTaint(call: Node, path: string, name: string, receiver: Node | undefined, args: Node[]): TaintItem[] {
    const sanitizer = this.sanitizerOf(call);
    if (sanitizer) {
      const inputs = [...args, ...(receiver && sanitizer.kind === 'mask' ? [receiver] : [])];
      const mark: Sanitized = { kind: sanitizer.kind, name: path, node: call };
      return inputs.flatMap((a) => this.taint(a)).map((item) => (item.sanitizedBy ? item : { ...item, sanitizedBy: mark }));
    }
    // Mapping reads with a static key: `form.get('ssn')`, `getattr(u, 'ssn')`, `os.environ.get('DB_PASSWORD')`.
    if ((name === 'get' || name === 'getlist' || name === 'getattr' || name === 'getenv' || (this.syntax.family === 'go' && GO_KEYED_READS.test(name)) || (this.syntax.family === 'php' && PHP_KEYED_READS.test(name))) && args.length > 0) {
      const keyArg = name === 'getattr' ? args[1] : args[0];
      const key = keyArg ? this.syntax.stringValue(keyArg) : undefined;
      if (key !== undefined && keyArg && !((this.syntax.family === 'go' || this.syntax.family === 'php') && !/^[\w.-]+$/.test(key))) return this.classifyName(key, keyArg);
    }
    // Methods that keep the receiver's data (string building, encoding, serialisation).
    if (this.passthrough.has(name)) {
      return [...(receiver ? this.taint(receiver) : []), ...args.flatMap((a) => this.taint(a))];
    }
    // Chained hash objects: `createHash('md5').update(pw).digest('hex')` — digest/hexdigest keep the update's taint.
    if ((name === 'digest' || name === 'hexdigest') && receiver) return this.taint(receiver);
    // Building a model or record from data: `new User({...})`, `User(password=...)`.
    if (constructs(path, this.syntax.family)) {
      // A client or connection built with credentials (`NNTP(host, password=…)`) holds them; it is not the data.
      if (CLIENT_CLASS.test(lastSegment(path))) return [];
      const fromEntries = this.syntax.family === 'python' || this.syntax.family === 'csharp' ? this.syntax.entries(call).flatMap((en) => (en.key && en.keyNode ? combineNameAndValue(this.classifyName(en.key, en.keyNode), this.taint(en.value)) : this.taint(en.value))) : [];
      const positional = this.syntax.args(call).flatMap((a) => this.taint(a));
      return [...fromEntries, ...positional];
    }
    // Calls to functions defined in this file: what their returns carry.
    const local = this.localFunction(call);
    if (local) return this.localCallTaint(local, args);
    return [];
  }

  /** The function node a call invokes, when it is defined in this file. */
  localFunction(call: Node): Node | undefined {
    const known = this.localMemo.get(call.id);
    if (known !== undefined) return known ?? undefined;
    const found = this.findLocalFunction(call);
    this.localMemo.set(call.id, found ?? null);
    return found;
  }

  private findLocalFunction(call: Node): Node | undefined {
    const path = this.calleePathOf(call);
    if (!/^[A-Za-z_$][\w$]*$/.test(path) || !this.mayBindFunction(path)) return undefined;
    const def = this.definitionOf(path, call);
    return def?.value && this.syntax.isFunction(def.value) ? def.value : undefined;
  }

  /** Python: the names written after `def`, and the texts of the statements and parameter lists around each `lambda`. */
  private functionTexts: { defs: Set<string>; lambdas: string[] } | undefined;

  /**
   * Whether a binding of `name` may have a function as its value, read from the file's text (true outside Python),
   * which saves working out the bindings of every scope around a call of a global or imported function (`len(x)`,
   * `b64encode(x)`). In Python such a value is a `def`, whose binding is the name after `def` (`def name(`, maybe
   * after a line continuation), or a `lambda`, whose binding's name is written in the statement or the parameter list
   * around it (an assignment `name = lambda …` or `name, other = lambda …, …`, a default `name=lambda …`, a walrus, a
   * `for` or `with` target): the innermost ancestor of the text at the `lambda` whose type ends with `_statement` or
   * `parameters` (the whole text when there is none, as under a syntax error at the top level).
   */
  private mayBindFunction(name: string): boolean {
    if (this.syntax.family !== 'python') return true;
    if (!this.functionTexts) {
      const text = this.source;
      const defs = new Set<string>();
      for (const m of text.matchAll(/\bdef[\s\\]+([A-Za-z_]\w*)/g)) defs.add(m[1]);
      const lambdas: string[] = [];
      // The text read back from the tree starts where the root does.
      const base = this.text === undefined ? this.root.startIndex : 0;
      for (const m of text.matchAll(/\blambda\b/g)) {
        let n: Node | null = this.root.descendantForIndex(base + m.index);
        while (n && !n.type.endsWith('_statement') && !n.type.endsWith('parameters')) n = n.parent;
        lambdas.push(n ? n.text : text);
      }
      this.functionTexts = { defs, lambdas };
    }
    return this.functionTexts.defs.has(name) || this.functionTexts.lambdas.some((t) => mentionsWord(t, name));
  }

  private readonly functionSanitizers = new Map<number, { kind: SanitizerKind; label: string } | null>();

  /** A local helper that returns a sanitizer call on its input is itself a sanitizer (`function protect(p) { return bcrypt.hash(p) }`). */
  private functionSanitizer(fn: Node): { kind: SanitizerKind; label: string } | undefined {
    const known = this.functionSanitizers.get(fn.id);
    if (known !== undefined) return known ?? undefined;
    this.functionSanitizers.set(fn.id, null);
    const returns = this.syntax.returns(fn);
    let found: { kind: SanitizerKind; label: string } | undefined;
    for (const r of returns) {
      const inner = unwrapCall(this.syntax, r);
      const s = inner && this.sanitizerOf(inner);
      if (!s) {
        found = undefined;
        break;
      }
      found = { kind: s.kind, label: `${this.syntax.functionName(fn) ?? 'helper'} (${s.label})` };
    }
    this.functionSanitizers.set(fn.id, found ?? null);
    return found;
  }

  private localCallTaint(fn: Node, args: Node[]): TaintItem[] {
    const returned = this.syntax.returns(fn).flatMap((r) => this.taint(r));
    // Data passed in comes back out when the helper builds its result from its parameters.
    const paramNames = new Set(this.bindingsOf(fn).filter((b) => b.param).map((b) => b.name));
    const usesParams = this.syntax.returns(fn).some((r) => mentions(r, paramNames));
    return usesParams ? [...returned, ...args.flatMap((a) => this.taint(a))] : returned;
  }
}

/**
 * The ancestors of a node, the root first, without the node itself. web-tree-sitter's `node.parent` descends
 * from the root on every call, so walking up parent by parent is quadratic in the depth (10,000 nested blocks
 * took minutes); one descent with `childWithDescendant` is linear.
 */
export function ancestorsOf(node: Node, root: Node = node.tree.rootNode): Node[] {
  const out: Node[] = [];
  let n: Node | null = root;
  while (n && n.id !== node.id) {
    out.push(n);
    const next: Node | null = n.childWithDescendant(node);
    // Zero-width (missing) nodes can defeat the descent: fall back to walking up.
    if (!next || next.id === n.id || next.startIndex > node.startIndex || next.endIndex < node.endIndex) return parentChain(node);
    n = next;
  }
  return n ? out : parentChain(node);
}

function parentChain(node: Node): Node[] {
  const out: Node[] = [];
  for (let p = node.parent; p; p = p.parent) out.push(p);
  return out.reverse();
}

function unwrapCall(syntax: Syntax, node: Node): Node | undefined {
  let n: Node | undefined = node;
  for (let i = 0; n && i < 4; i++) {
    if (syntax.isCall(n)) return n;
    const e = syntax.expr(n);
    n = e.kind === 'union' && e.parts.length === 1 ? e.parts[0] : undefined;
  }
  return undefined;
}

/** True when an identifier with one of the names occurs in the node (iterative: expressions can nest 10,000 deep). */
function mentions(node: Node, names: Set<string>): boolean {
  if (names.size === 0) return false;
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (n.type === 'identifier' && names.has(n.text)) found = true;
    return !found;
  });
  return found;
}

function isEmptyValue(syntax: Syntax, node: Node): boolean {
  return syntax.stringValue(node) === '' || /^(None|null|undefined|True|False|true|false|\d+)$/.test(node.text);
}

/**
 * Names a file shows it uses for something else: an abbreviation on one line with its other meaning, or a word
 * whose data meaning never shows up in the file (`absent`).
 */
const FILE_ALIASES: readonly { type: string; test: RegExp; absent?: boolean }[] = [
  { type: 'ssn', test: /\bssn\b[^\n]{0,80}serial|serial[^\n]{0,80}\bssn\b|\bssn\b[^\n]{0,40}\b(ssid|wifi|wireless)\b/i },
  // `address` on one line with a host, a port or an endpoint, in a file that never mentions a street or a postcode.
  { type: 'address', test: /(?<![a-z])([Ss]treet|[Cc]ity|[Pp]ostal|[Pp]ost_?[Cc]ode|[Zz]ip_?[Cc]ode|[Cc]ountry|[Ss]hipping|[Bb]illing|[Mm]ailing|[Pp]rovince|[Cc]ounty|[Ss]uburb)(?![a-z])/, absent: true },
  { type: 'address', test: /\baddress\b[^\n]{0,80}(\bip\b|\bhost|\bport\b|endpoint|\btcp\b|\budp\b|\bbind\b|listen)|(\bip\b|\bhost|\bport\b|endpoint|\btcp\b|\budp\b|\bbind\b|listen)[^\n]{0,80}\baddress\b/i },
];

/** Classes of clients, connections and sessions: objects that use credentials rather than carry data. */
const CLIENT_CLASS = /(Client|Connection|Conn|Session|Pool|Engine|Api|API|Service|Server|Transport|Channel|Socket|Agent|Adapter|Driver|Provider|NNTP|SMTP(_SSL)?|FTP(_TLS)?|IMAP4(_SSL)?|POP3(_SSL)?|Redis|StrictRedis)$/;

function lastSegment(path: string): string {
  return path.replace(/^new /, '').split('.').pop() ?? '';
}

/** `new User(…)`, `User(…)`, `models.User(…)`: a call that builds an object from a class (C# methods are PascalCase: only `new`). */
function constructs(path: string, family?: SyntaxFamily): boolean {
  return path.startsWith('new ') || (family !== 'csharp' && /^[A-Z][a-zA-Z0-9]*$/.test(lastSegment(path)));
}

/** `Enum.MEMBER` / `Class.CONSTANT`: an upper-case key on an object whose name starts with a capital letter. */
function isConstantMember(syntax: Syntax, object: Node, key: string): boolean {
  if (!/^[A-Z][A-Z0-9_]+$/.test(key)) return false;
  const e = syntax.expr(object);
  const last = e.kind === 'identifier' ? e.name : e.kind === 'member' ? e.key : undefined;
  return !!last && /^[A-Z]/.test(last);
}

function firstChildIsSubstitution(node: Node): boolean {
  const first = node.namedChildren.find((c) => c && c.type !== 'string_start' && c.type !== 'interpolation_start');
  return !!first && (first.type === 'template_substitution' || first.type === 'interpolation');
}

/** Member chains longer than this have no path (hostile input: `a.b.b.b…` 10,000 times). */
const MAX_PATH_SEGMENTS = 64;

/** Dotted text of an identifier / member chain, or undefined for anything else. */
export function pathText(syntax: Syntax, node: Node): string | undefined {
  const keys: string[] = [];
  let n = node;
  for (let i = 0; i <= MAX_PATH_SEGMENTS; i++) {
    const e = syntax.expr(n);
    if (e.kind === 'member') {
      keys.push(e.key);
      n = e.object;
      continue;
    }
    const base = e.kind === 'identifier' ? e.name : syntax.isCall(n) ? `${syntax.calleePath(n)}()` : undefined;
    if (base === undefined) return undefined;
    return [base, ...keys.reverse()].join('.');
  }
  return undefined;
}

/**
 * A name (variable, key, keyword) says what data a value is; the value's own flow says where it came from
 * and whether it was protected. When the value was sanitized, the name's types are sanitized too.
 */
function combineNameAndValue(byName: TaintItem[], fromValue: TaintItem[]): TaintItem[] {
  if (byName.length === 0) return fromValue;
  // A value that is itself a password hash (`{ password: user.passwordHash }`) protects the name's password too.
  const hash = fromValue.find((i) => i.classification.type === 'password_hash' && !i.sanitizedBy);
  const hashMark: Sanitized | undefined = hash && { kind: 'password-hash', name: hash.origin.text, node: hash.origin };
  const sanitizer = fromValue.find((i) => i.sanitizedBy)?.sanitizedBy ?? hashMark;
  const allSanitized = fromValue.length > 0 && fromValue.every((i) => i.sanitizedBy || i.classification.type === 'password_hash');
  if (allSanitized && sanitizer) return [...byName.map((i) => ({ ...i, sanitizedBy: sanitizer })), ...fromValue];
  return [...byName, ...fromValue];
}

function dedupe(items: TaintItem[]): TaintItem[] {
  const seen = new Set<string>();
  const out: TaintItem[] = [];
  for (const i of items) {
    const key = `${i.classification.type}:${i.origin.startIndex}:${i.sanitizedBy?.kind ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(i);
  }
  return out;
}
