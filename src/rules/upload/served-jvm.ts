/**
 * `upload/served-upload-dir` on Java and C#: the folder an upload handler writes to, read from the path
 * expression (following local variables, fields with their `@Value` defaults, and constructor assignments) and
 * compared with what the platform serves as static files: the servlet web root (`getRealPath`, `src/main/webapp`)
 * and Spring Boot's classpath `static/` and `public/` folders; ASP.NET Core's `wwwroot`
 * (`IWebHostEnvironment.WebRootPath`) and the application folder of classic ASP.NET (`Server.MapPath("~/…")`,
 * except `~/App_Data`, which IIS does not serve).
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import { walk } from '../../core/syntax';
import { CSHARP_TYPE_CHECK, csharpUploadModel, csharpUploadWrites } from './csharp';
import { JAVA_TYPE_CHECK, javaUploadModel, uploadWrites } from './java';

export interface ServedWrite {
  /** The call that writes the upload. */
  node: Node;
  /** What serves the folder, for the message. */
  label: string;
  /** Where the served folder comes into the path, when it is not inside the write itself. */
  origin?: Node;
  /** What the origin shows, when it is not the folder coming into the path. */
  originMessage?: string;
  clientNamed: boolean;
  restricted: boolean;
  confidence: 'high' | 'medium';
}

interface Marker {
  test: RegExp;
  /** A match that is not served after all (`getRealPath("/WEB-INF/…")`, `MapPath("~/App_Data/…")`). */
  except?: RegExp;
  label: string;
  confidence: 'high' | 'medium';
}

const JAVA_MARKERS: readonly Marker[] = [
  { test: /\bgetRealPath\s*\(/, except: /\bgetRealPath\s*\(\s*"\/?WEB-INF/i, label: 'the servlet container (the web application root, `getRealPath`)', confidence: 'high' },
  { test: /src\/main\/webapp(?!\/WEB-INF)/, label: 'the servlet container (`src/main/webapp`, the web application root)', confidence: 'medium' },
  {
    test: /src\/main\/resources\/(static|public|resources|META-INF\/resources)\b|target\/classes\/(static|public)\b|classpath:\/?(static|public)\b|ClassPathResource\s*\(\s*"\/?(static|public)\b/,
    label: "Spring Boot (its classpath `static/` and `public/` folders)",
    confidence: 'medium',
  },
];

const CSHARP_MARKERS: readonly Marker[] = [
  { test: /\bWebRootPath\b|["/\\]wwwroot(["/\\])/, label: 'ASP.NET Core (`wwwroot`, the web root `UseStaticFiles` serves)', confidence: 'high' },
  { test: /\bMapPath\s*\(\s*"~?\//, except: /\bMapPath\s*\(\s*"~?\/(App_Data|bin)\b/i, label: 'IIS (the application folder, `Server.MapPath("~/…")`)', confidence: 'high' },
];

/** Field declarations (with their annotations) and assignments, by the assigned name: where a folder field gets its value. */
function memberValues(ctx: RuleContext): Map<string, Node[]> {
  let m = ctx.state.get('served-jvm-members') as Map<string, Node[]> | undefined;
  if (m) return m;
  const values = new Map<string, Node[]>();
  m = values;
  const add = (name: string | undefined, node: Node | null | undefined): void => {
    if (!name || !node) return;
    values.set(name, [...(values.get(name) ?? []), node]);
  };
  walk(ctx.root, (n) => {
    if (n.type === 'field_declaration' || n.type === 'property_declaration') {
      if (n.type === 'property_declaration') add(n.childForFieldName('name')?.text, n);
      for (const d of n.descendantsOfType('variable_declarator')) if (d) add(d.childForFieldName('name')?.text, n);
      return false;
    }
    if (n.type === 'assignment_expression') {
      const left = n.childForFieldName('left')?.text.replace(/^this\s*\.\s*/, '');
      if (left && /^\w+$/.test(left)) add(left, n.childForFieldName('right'));
    }
    return true;
  });
  ctx.state.set('served-jvm-members', m);
  return m;
}

/** The expression and everything its names stand for: local definitions, fields, constructor assignments. */
function pathParts(ctx: RuleContext, expr: Node, out: Node[], seen: Set<number>, depth = 0): void {
  if (depth > 5 || seen.has(expr.id)) return;
  seen.add(expr.id);
  out.push(expr);
  walk(expr, (n) => {
    const name = n.type === 'identifier' ? n.text : (n.type === 'field_access' || n.type === 'member_access_expression') && /^this\s*\./.test(n.text) ? n.text.replace(/^this\s*\.\s*/, '') : undefined;
    if (!name) return true;
    // The name of a called method or of an accessed member is not a variable.
    const p = n.parent;
    if (n.type === 'identifier' && p && ((p.type === 'method_invocation' && p.childForFieldName('name')?.id === n.id) || (p.type === 'field_access' && p.childForFieldName('field')?.id === n.id) || (p.type === 'member_access_expression' && p.childForFieldName('name')?.id === n.id))) return false;
    const def = ctx.flow.definitionOf(name, n);
    if (def?.value && !def.param) pathParts(ctx, def.value, out, seen, depth + 1);
    else if (!def?.param) {
      // `using (var stream = File.Create(path))` and other declarations the data flow does not bind: look in the method.
      const local = ctx.flow.scopeOf(n).descendantsOfType('variable_declarator').find((d) => d?.childForFieldName('name')?.text === name && d.startIndex < n.startIndex);
      const value = local?.namedChildren[local.namedChildren.length - 1];
      if (local && value && value.id !== local.childForFieldName('name')?.id) pathParts(ctx, value, out, seen, depth + 1);
      else for (const v of memberValues(ctx).get(name) ?? []) pathParts(ctx, v, out, seen, depth + 1);
    }
    return false;
  });
}

function served(ctx: RuleContext, markers: readonly Marker[], dest: Node): { marker: Marker; origin: Node; text: string } | undefined {
  const parts: Node[] = [];
  pathParts(ctx, dest, parts, new Set());
  const text = parts.map((p) => p.text).join('\n');
  for (const marker of markers) {
    const origin = parts.find((p) => marker.test.test(p.text) && !marker.except?.test(p.text));
    if (origin) return { marker, origin, text };
  }
  return undefined;
}

function classOf(node: Node): Node | undefined {
  let n: Node | null = node.parent;
  while (n && n.type !== 'class_body' && n.type !== 'declaration_list') n = n.parent;
  return n ?? undefined;
}

/** What differs between the languages: the upload model, its writes, the served folders and the name checks. */
interface ServedLanguage {
  model: (ctx: RuleContext) => { handlers: Node[]; uploads: Map<number, Set<string>> };
  writes: (ctx: RuleContext, handler: Node, uploads: Set<string>) => { call: Node; dest?: Node }[];
  markers: typeof JAVA_MARKERS;
  /** The client's file name in the written path, and names the server generates instead. */
  clientName: RegExp;
  generatedName: RegExp;
  typeCheck: RegExp;
}

function servedWrites(ctx: RuleContext, lang: ServedLanguage): ServedWrite[] {
  const out: ServedWrite[] = [];
  const model = lang.model(ctx);
  for (const handler of model.handlers) {
    const uploads = model.uploads.get(handler.id) ?? new Set<string>();
    for (const w of lang.writes(ctx, handler, uploads)) {
      const hit = w.dest ? served(ctx, lang.markers, w.dest) : undefined;
      if (!hit) continue;
      const cls = classOf(handler);
      out.push({
        node: w.call,
        label: hit.marker.label,
        origin: hit.origin.startIndex >= w.call.startIndex && hit.origin.endIndex <= w.call.endIndex ? undefined : hit.origin,
        clientNamed: lang.clientName.test(hit.text) && !lang.generatedName.test(hit.text),
        restricted: lang.typeCheck.test(handler.text) || (!!cls && lang.typeCheck.test(cls.text)),
        confidence: hit.marker.confidence,
      });
    }
  }
  return out;
}

export function javaServedWrites(ctx: RuleContext): ServedWrite[] {
  return servedWrites(ctx, {
    model: javaUploadModel, writes: uploadWrites, markers: JAVA_MARKERS,
    clientName: /getOriginalFilename|getSubmittedFileName/, generatedName: /randomUUID/, typeCheck: JAVA_TYPE_CHECK,
  });
}

export function csharpServedWrites(ctx: RuleContext): ServedWrite[] {
  return servedWrites(ctx, {
    model: csharpUploadModel, writes: csharpUploadWrites, markers: CSHARP_MARKERS,
    clientName: /\.FileName\b/, generatedName: /GetRandomFileName|NewGuid/, typeCheck: CSHARP_TYPE_CHECK,
  });
}
