/**
 * Quick fixes of the storage rules, as plain edits: hash a stored password (bcrypt; werkzeug or Django in
 * Python), replace a hard-coded secret by an environment lookup, mask a logged value. Imports are added when
 * missing. `carrierOf` finds the sub-expression of a written value that carries the data, so a fix wraps
 * exactly that (`{ email, password }` → `{ email, password: await bcrypt.hash(password, 12) }`).
 */
import type { Node } from 'web-tree-sitter';
import { splitWords } from '../../core/classifier';
import type { TaintItem } from '../../core/flow';
import type { FixInput, RuleContext } from '../../core/rule';
import { isDjango, namedItems } from './sinks';

type Edit = FixInput['edits'][number];

export interface Carrier {
  node: Node;
  /** The key of a shorthand property (`{ password }`) that the fix must expand. */
  shorthand?: string;
}

const PASSTHROUGH_CALLS = /(^|\.)(String|stringify|str|repr|format|dumps|toString|dict|json)$/;

/** The smallest sub-expression of `node` (object entries, array items, template parts, format arguments) whose data matches. */
export function carrierOf(ctx: RuleContext, node: Node, wanted: (i: TaintItem) => boolean, depth = 0): Carrier | undefined {
  if (depth > 8) return undefined;
  const e = ctx.syntax.expr(node);
  if (e.kind === 'object') {
    for (const en of e.entries) {
      const shorthand = en.keyNode && en.keyNode.id === en.value.id ? en.key : undefined;
      const items = en.key !== undefined && en.keyNode && !shorthand ? namedItems(ctx, en.key, en.keyNode, en.value) : ctx.flow.taint(en.value);
      if (!items.some(wanted)) continue;
      if (shorthand) return { node: en.value, shorthand };
      return carrierOf(ctx, en.value, wanted, depth + 1) ?? { node: en.value };
    }
    return undefined;
  }
  if (e.kind === 'union') {
    for (const part of e.parts) {
      const c = carrierOf(ctx, part, wanted, depth + 1);
      if (c) return c;
    }
    return e.parts.length > 1 && ctx.flow.taint(node).some(wanted) ? { node } : undefined;
  }
  // A capitalised callee builds a record (`User(...)`), except in C#, where every method is PascalCase.
  if (e.kind === 'call' && (PASSTHROUGH_CALLS.test(e.path) || /^new /.test(e.path) || (ctx.file.syntax !== 'csharp' && /^[A-Z]\w*$/.test(e.path.split('.').pop() ?? '')))) {
    if (ctx.file.syntax === 'python') {
      for (const en of ctx.syntax.entries(node)) {
        if (!en.key || !en.keyNode) continue;
        if (namedItems(ctx, en.key, en.keyNode, en.value).some(wanted)) return carrierOf(ctx, en.value, wanted, depth + 1) ?? { node: en.value };
      }
    }
    for (const a of ctx.syntax.args(node)) {
      const c = carrierOf(ctx, a, wanted, depth + 1);
      if (c) return c;
    }
  }
  // A name bound to a record literal (`$attributes = ['password' => …]; User::create($attributes)`): the edit goes
  // into the literal, never around the whole record.
  if (e.kind === 'identifier') {
    const literal = ctx.flow.objectLiteralOf(node);
    if (literal && literal.id !== node.id) return carrierOf(ctx, literal, wanted, depth + 1);
  }
  return ctx.flow.taint(node).some(wanted) ? { node } : undefined;
}

// ── imports ──────────────────────────────────────────────────────────────────────────────────────────────

function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

/** Offset after the last top-level import (JS: import statements and `require` declarations), or undefined. */
function afterImports(ctx: RuleContext): number | undefined {
  let end: number | undefined;
  for (const stmt of named(ctx.root)) {
    const t = stmt.type;
    if (t === 'import_statement' || t === 'import_from_statement' || t === 'future_import_statement') end = stmt.endIndex;
    else if ((t === 'lexical_declaration' || t === 'variable_declaration') && /^\s*(const|let|var)\s+[\w{},\s]+=\s*require\(/.test(stmt.text)) end = stmt.endIndex;
    else if (end !== undefined) break;
  }
  return end;
}

/** Offset where a first import goes: after a shebang, a `'use strict'` directive or a module docstring. */
function fileStart(ctx: RuleContext): { at: number; before: string; after: string } {
  const first = named(ctx.root).find((n) => !ctx.syntax.isComment(n));
  // A module docstring or a 'use strict' directive stays first.
  if (first?.type === 'expression_statement' && first.namedChildren[0]?.type === 'string') return { at: first.endIndex, before: '\n', after: '' };
  const shebang = ctx.file.text.startsWith('#!') ? ctx.file.text.indexOf('\n') + 1 : 0;
  return { at: shebang, before: '', after: '\n' };
}

function importEdit(ctx: RuleContext, line: string): Edit {
  const at = afterImports(ctx);
  if (at !== undefined) return { start: at, end: at, newText: `\n${line}` };
  const start = fileStart(ctx);
  return { start: start.at, end: start.at, newText: `${start.before}${line}${start.after}` };
}

/** A Python `from module import name` (or `import module` when name is undefined) unless already imported. */
function pyImport(ctx: RuleContext, module: string, name?: string): Edit[] {
  if (name) {
    if (ctx.flow.imports.get(name) === `${module}.${name}`) return [];
    return [importEdit(ctx, `from ${module} import ${name}`)];
  }
  if (ctx.flow.imports.get(module) === module) return [];
  return [importEdit(ctx, `import ${module}`)];
}

/** A Java `import a.b.C;` after the last import (or the package declaration). */
function javaImport(ctx: RuleContext, full: string): Edit {
  let end: number | undefined;
  for (const stmt of named(ctx.root)) if (stmt.type === 'import_declaration' || stmt.type === 'package_declaration') end = stmt.endIndex;
  return end !== undefined ? { start: end, end, newText: `\nimport ${full};` } : { start: 0, end: 0, newText: `import ${full};\n` };
}

/** The local name bcrypt is imported under, and the edit that imports it when it is not. */
function bcryptBinding(ctx: RuleContext): { local: string; edits: Edit[] } {
  for (const [local, mod] of ctx.flow.imports) if (mod === 'bcrypt' || mod === 'bcryptjs') return { local, edits: [] };
  const hasEsm = named(ctx.root).some((n) => n.type === 'import_statement' || n.type === 'export_statement');
  const hasRequire = /\brequire\(/.test(ctx.file.text);
  const ts = /\.(ts|tsx|mts|cts)$/i.test(ctx.file.path);
  const line = (hasEsm || (ts && !hasRequire)) ? (ts ? "import * as bcrypt from 'bcrypt';" : "import bcrypt from 'bcrypt';") : "const bcrypt = require('bcrypt');";
  return { local: 'bcrypt', edits: [importEdit(ctx, line)] };
}

/** True when the node is inside an async function (so `await` is allowed). */
export function inAsyncFunction(ctx: RuleContext, node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (ctx.syntax.isFunction(p)) return p.children.some((c) => c?.type === 'async');
  }
  return false;
}

// ── fixes ────────────────────────────────────────────────────────────────────────────────────────────────

function replaceCarrier(carrier: Carrier, expr: (text: string) => string): Edit {
  const text = carrier.node.text;
  if (carrier.shorthand) return { node: carrier.node, newText: `${carrier.shorthand}: ${expr(text)}` };
  return { node: carrier.node, newText: expr(text) };
}

/** Strips `.encode(...)` (Python) and `Buffer.from(x)` (JS) around a password before it is hashed properly. */
function plainPassword(ctx: RuleContext, node: Node): string {
  let n = node;
  for (let i = 0; i < 3; i++) {
    const e = ctx.syntax.expr(n);
    if (e.kind === 'call' && ctx.file.syntax === 'python' && (e.name === 'encode' || e.name === 'bytes') && (e.receiver ?? ctx.syntax.args(n)[0])) {
      n = e.receiver ?? ctx.syntax.args(n)[0];
      continue;
    }
    if (e.kind === 'call' && ctx.file.syntax === 'csharp' && e.name === 'GetBytes' && e.args[0]) {
      n = e.args[0];
      continue;
    }
    if (e.kind === 'call' && ctx.file.syntax === 'java' && (e.name === 'getBytes' || e.name === 'toCharArray') && e.receiver) {
      n = e.receiver;
      continue;
    }
    if (e.kind === 'call' && ctx.file.syntax === 'js' && /(^|\.)Buffer\.from$|^String$/.test(e.path) && e.args[0]) {
      n = e.args[0];
      continue;
    }
    break;
  }
  return n.text;
}

/** "Hash the password with bcrypt" (JS) / werkzeug or Django (Python), wrapping the carrier of the password. */
export function hashPasswordFix(ctx: RuleContext, carrier: Carrier, whole?: Node): FixInput {
  const target: Carrier = whole ? { node: whole } : carrier;
  const value = whole ? plainPassword(ctx, carrier.node) : carrier.node.text;
  if (ctx.file.syntax === 'ruby') {
    return { title: 'Hash the password with BCrypt::Password.create (bcrypt gem)', safe: false, edits: [replaceCarrier(target, () => `BCrypt::Password.create(${value})`)] };
  }
  if (ctx.file.syntax === 'php') {
    return { title: 'Hash the password with password_hash (bcrypt / argon2)', safe: false, edits: [replaceCarrier(target, () => `password_hash(${value}, PASSWORD_DEFAULT)`)] };
  }
  if (ctx.file.syntax === 'csharp') {
    return { title: 'Hash the password with BCrypt.Net (BCrypt.Net-Next package)', safe: false, edits: [replaceCarrier(target, () => `BCrypt.Net.BCrypt.HashPassword(${value})`)] };
  }
  if (ctx.file.syntax === 'java') {
    const imported = ctx.flow.imports.get('BCryptPasswordEncoder') !== undefined;
    return {
      title: "Hash the password with Spring Security's BCryptPasswordEncoder",
      safe: false,
      edits: [replaceCarrier(target, () => `new BCryptPasswordEncoder().encode(${value})`), ...(imported ? [] : [javaImport(ctx, 'org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder')])],
    };
  }
  if (ctx.file.syntax === 'js') {
    const { local, edits } = bcryptBinding(ctx);
    const call = inAsyncFunction(ctx, target.node) ? `await ${local}.hash(${value}, 12)` : `${local}.hashSync(${value}, 12)`;
    return { title: 'Hash the password with bcrypt', safe: false, edits: [replaceCarrier(target, () => call), ...edits] };
  }
  const django = isDjango(ctx);
  const fn = django ? 'make_password' : 'generate_password_hash';
  const mod = django ? 'django.contrib.auth.hashers' : 'werkzeug.security';
  const local = [...ctx.flow.imports].find(([, m]) => m === `${mod}.${fn}`)?.[0];
  return {
    title: django ? "Hash the password with Django's make_password" : "Hash the password with werkzeug's generate_password_hash",
    safe: false,
    edits: [replaceCarrier(target, () => `${local ?? fn}(${value})`), ...(local ? [] : pyImport(ctx, mod, fn))],
  };
}

/** `dbPassword` → `DB_PASSWORD`, `app.config.SECRET_KEY` → `SECRET_KEY`. */
export function envName(name: string): string {
  const last = name.split(/[.[\]'"]+/).filter(Boolean).pop() ?? name;
  const words = splitWords(last);
  return (words.length ? words.join('_') : 'SECRET').toUpperCase();
}

/** Replace a literal by an environment lookup. */
export function envFix(ctx: RuleContext, literal: Node, name: string, options: { optional?: boolean } = {}): FixInput {
  if (ctx.file.syntax === 'go') return goEnvFix(ctx, literal, name);
  if (ctx.file.syntax === 'ruby') return { title: `Read the secret from ENV.fetch('${name}')`, safe: false, edits: [{ node: literal, newText: `ENV.fetch('${name}')` }] };
  if (ctx.file.syntax === 'php') return { title: `Read the secret from getenv('${name}')`, safe: false, edits: [{ node: literal, newText: `getenv('${name}')` }] };
  if (ctx.file.syntax === 'java') {
    return { title: `Read the secret from System.getenv("${name}")`, safe: false, edits: [{ node: literal, newText: `System.getenv("${name}")` }] };
  }
  if (ctx.file.syntax === 'csharp') {
    // A `const` cannot hold a value read at run time: a const field becomes `static readonly`, a const local a variable.
    const edits: FixInput['edits'] = [{ node: literal, newText: `Environment.GetEnvironmentVariable("${name}")` }];
    let decl: Node | null = literal.parent;
    for (let i = 0; decl && i < 4 && decl.type !== 'field_declaration' && decl.type !== 'local_declaration_statement'; i++) decl = decl.parent;
    const constant = decl && (decl.type === 'field_declaration' || decl.type === 'local_declaration_statement') ? decl.children.find((c) => c?.type === 'modifier' && c.text === 'const') : undefined;
    if (decl && constant) edits.push({ node: constant, newText: decl.type === 'field_declaration' ? 'static readonly' : '' });
    return { title: `Read the secret from Environment.GetEnvironmentVariable("${name}")`, safe: false, edits };
  }
  if (ctx.file.syntax === 'js') {
    return { title: `Read the secret from process.env.${name}`, safe: false, edits: [{ node: literal, newText: `process.env.${name}` }] };
  }
  const bytes = /^[rR]?[bB]/.test(literal.text);
  const lookup = options.optional ? `os.environ.get("${name}")` : `os.environ["${name}"]`;
  return {
    title: `Read the secret from os.environ["${name}"]`,
    safe: false,
    edits: [{ node: literal, newText: bytes ? `${lookup}.encode()` : lookup }, ...pyImport(ctx, 'os')],
  };
}

/** Go: `os.Getenv("NAME")`, importing "os" and turning a lone `const` into `var` (a call is not a constant). */
function goEnvFix(ctx: RuleContext, literal: Node, name: string): FixInput {
  const edits: Edit[] = [{ node: literal, newText: `os.Getenv("${name}")` }];
  let decl: Node | null = literal.parent;
  while (decl && decl.type !== 'const_declaration' && !/^(function_declaration|method_declaration|func_literal|source_file)$/.test(decl.type)) decl = decl.parent;
  if (decl?.type === 'const_declaration') {
    const keyword = decl.children.find((c) => c?.type === 'const');
    if (keyword) edits.push({ start: keyword.startIndex, end: keyword.endIndex, newText: 'var' });
  }
  const imported = named(ctx.root).some((n) => n.type === 'import_declaration' && /"os"/.test(n.text));
  if (!imported) {
    const list = ctx.root.descendantsOfType('import_spec_list')[0];
    const single = named(ctx.root).find((n) => n.type === 'import_declaration');
    const pkg = named(ctx.root).find((n) => n.type === 'package_clause');
    if (list) edits.push({ start: list.startIndex + 1, end: list.startIndex + 1, newText: '\n\t"os"' });
    else if (single) edits.push({ start: single.endIndex, end: single.endIndex, newText: '\nimport "os"' });
    else if (pkg) edits.push({ start: pkg.endIndex, end: pkg.endIndex, newText: '\n\nimport "os"' });
  }
  return { title: `Read the secret from os.Getenv("${name}")`, safe: false, edits };
}

/** The quote a Python f-string around the node uses, so inserted literals use the other one. */
function enclosingFStringQuote(node: Node): string | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'interpolation') {
      const str = p.parent;
      const start = str?.namedChildren.find((c) => c?.type === 'string_start')?.text ?? '"';
      return start.slice(-1);
    }
    if (p.type === 'call' || p.type === 'argument_list') continue;
  }
  return undefined;
}

/** "Mask the logged value": redact credentials entirely, show only the last four characters of anything else. */
export function maskFix(ctx: RuleContext, carrier: Carrier, credential: boolean): FixInput {
  if (ctx.file.syntax === 'ruby') {
    // Inside "…#{password}…" the replacement stays an interpolated expression.
    const expr = (t: string) => (credential ? "'[REDACTED]'" : `${t}.to_s.gsub(/.(?=.{4})/, '*')`);
    return { title: credential ? 'Redact the logged credential' : 'Mask the logged value (keep the last 4 characters)', safe: true, edits: [replaceCarrier(carrier, expr)] };
  }
  if (ctx.file.syntax === 'php') {
    // Inside "…$password…" the replacement is text of the string itself.
    if (carrier.node.parent?.type === 'encapsed_string') return { title: 'Redact the logged credential', safe: true, edits: [replaceCarrier(carrier, () => '[REDACTED]')] };
    const expr = (t: string) => (credential ? "'[REDACTED]'" : `substr_replace((string) ${t}, str_repeat('*', max(0, strlen((string) ${t}) - 4)), 0, -4)`);
    return { title: credential ? 'Redact the logged credential' : 'Mask the logged value (keep the last 4 characters)', safe: true, edits: [replaceCarrier(carrier, expr)] };
  }
  if (ctx.file.syntax === 'go') {
    return { title: 'Redact the logged credential', safe: true, edits: [replaceCarrier(carrier, () => '"[REDACTED]"')] };
  }
  if (ctx.file.syntax === 'csharp') {
    const expr = (t: string) => (credential ? '"[REDACTED]"' : `System.Text.RegularExpressions.Regex.Replace(${t}?.ToString() ?? "", ".(?=.{4})", "*")`);
    return { title: credential ? 'Redact the logged credential' : 'Mask the logged value (keep the last 4 characters)', safe: true, edits: [replaceCarrier(carrier, expr)] };
  }
  if (ctx.file.syntax === 'java') {
    const expr = (t: string) => (credential ? '"[REDACTED]"' : `String.valueOf(${t}).replaceAll(".(?=.{4})", "*")`);
    return { title: credential ? 'Redact the logged credential' : 'Mask the logged value (keep the last 4 characters)', safe: true, edits: [replaceCarrier(carrier, expr)] };
  }
  if (ctx.file.syntax === 'js') {
    const expr = (t: string) => (credential ? "'[REDACTED]'" : `String(${t}).replace(/.(?=.{4})/g, '*')`);
    return { title: credential ? 'Redact the logged credential' : 'Mask the logged value (keep the last 4 characters)', safe: true, edits: [replaceCarrier(carrier, expr)] };
  }
  const outer = enclosingFStringQuote(carrier.node);
  const q = outer === '"' ? "'" : '"';
  const expr = (t: string) => (credential ? `${q}[REDACTED]${q}` : `re.sub(r${q}.(?=.{4})${q}, ${q}*${q}, str(${t}))`);
  return {
    title: credential ? 'Redact the logged credential' : 'Mask the logged value (keep the last 4 characters)',
    safe: true,
    edits: [replaceCarrier(carrier, expr), ...(credential ? [] : pyImport(ctx, 're'))],
  };
}
