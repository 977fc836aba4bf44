/**
 * The inventory on Java and C#: entity columns (JPA / Hibernate `@Entity`, Spring Data `@Document`, EF Core entities),
 * handler parameters (Spring `@RequestParam` / `@PathVariable` / `@RequestHeader`, ASP.NET Core actions), log calls
 * (SLF4J / Log4j / `java.util.logging` / `System.out`, `ILogger` / `Console`) and HTTP requests (the transmission
 * family's recogniser). Repository and JDBC writes, request bodies bound to classes and SDK calls are not recorded
 * yet.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import { attributesOf } from '../../languages/csharp';
import { annotationName, annotationsOf } from '../../languages/java';
import { attributeName, csharpEntityOf, javaEntityOf } from '../../rules/storage/entities';
import { httpCall } from '../../rules/transmission/clients';
import { classifyNameWithProtection, dataAt, dedupeItems, recordItems } from './common';
import { sendCall } from './send';
import { columnItems, recordSchemaColumn } from './store';

function named(node: Node | null | undefined): Node[] {
  return node ? (node.namedChildren.filter((c) => c !== null) as Node[]) : [];
}

/** The first string of an annotation or attribute (`@Table(name = "patients")`, `[Column("ssn")]`, `@PostMapping("/x")`). */
function stringIn(ctx: RuleContext, marker: Node | undefined, key?: string): string | undefined {
  if (!marker) return undefined;
  for (const s of marker.descendantsOfType(['string_literal'])) {
    if (!s) continue;
    // `@Column(name = "x", columnDefinition = "…")`: only the named element, when one is asked for.
    const pair = s.parent?.type === 'element_value_pair' ? s.parent : s.parent?.parent?.type === 'attribute_argument' ? s.parent.parent : undefined;
    const pairKey = pair?.type === 'element_value_pair' ? pair.childForFieldName('key')?.text : pair ? /^\s*(\w+)\s*=/.exec(pair.text)?.[1] : undefined;
    if (key && pairKey && pairKey !== key) continue;
    const v = ctx.syntax.stringValue(s);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** An entity's fields and properties: one `stored` fact per classified column. */
export function jvmEntityField(ctx: RuleContext, decl: Node): void {
  const java = ctx.file.syntax === 'java';
  const entity = java ? javaEntityOf(decl) : csharpEntityOf(ctx, decl);
  if (!entity) return;
  const markers = java ? annotationsOf(decl) : attributesOf(decl);
  const nameOf = java ? annotationName : attributeName;
  if (markers.some((m) => /^(Transient|NotMapped)(Attribute)?$/.test(nameOf(m))) || (java && /\btransient\b/.test(named(decl).find((c) => c.type === 'modifiers')?.text ?? ''))) return;
  if (!java && !named(decl).some((c) => c.type === 'accessor_list')) return;
  const clsMarkers = java ? annotationsOf(entity.cls) : attributesOf(entity.cls);
  const className = entity.cls.childForFieldName('name')?.text ?? 'entity';
  const table = stringIn(ctx, clsMarkers.find((m) => /^(Table|Document)$/.test(nameOf(m))), java ? 'name' : undefined) ?? className;
  const names = java ? named(decl).filter((c) => c.type === 'variable_declarator').map((d) => d.childForFieldName('name')) : [decl.childForFieldName('name')];
  for (const nameNode of names) {
    if (!nameNode) continue;
    const columnMarker = markers.find((m) => /^(Column|Field)$/.test(nameOf(m)));
    const column = stringIn(ctx, columnMarker, java ? 'name' : undefined) ?? nameNode.text;
    // What the declaration says about protection: an encrypting converter, or an EF Core value converter configured in this file.
    let typeText = markers.map((m) => m.text).join(' ');
    if (!java && new RegExp(`\\.Property\\s*\\(\\s*\\w+\\s*=>\\s*\\w+\\.${nameNode.text}\\s*\\)[\\s\\S]{0,200}?\\.HasConversion\\s*[<(]\\s*(new\\s+)?\\w*(Encrypt|Cipher|Protect)`, 'i').test(ctx.file.text)) typeText += ' encrypting value converter';
    const items = columnItems(ctx, nameNode.text, typeText);
    if (items.length === 0) continue;
    recordSchemaColumn(ctx, nameNode, items, table, column, `a column of the ${entity.where}`);
  }
}

const JAVA_LOG = /^(this\.)?(log|logger|LOG|LOGGER|_log|_logger|Log|Logger|log4j|slf4j)\.(trace|debug|info|warn|error|fatal|severe|warning|fine|finer|finest|config|log)$|^System\.(out|err)\.(println|print|printf|format)$/;
const CSHARP_LOG = /^(this\.)?(_?logger|_?log|Logger|Log|_?Logger)\.(Log|LogTrace|LogDebug|LogInformation|LogWarning|LogError|LogCritical|Debug|Information|Info|Warning|Warn|Error|Fatal|Critical|Trace|Verbose)$|^(System\.)?(Console|Debug|Trace)\.(WriteLine|Write)$/;

function logLibrary(ctx: RuleContext, path: string): string {
  if (/^System\.(out|err)\./.test(path)) return 'stdout';
  if (/^(System\.)?Console\./.test(path)) return 'console';
  const imports = [...ctx.flow.imports.values()].join(' ') + (ctx.file.syntax === 'csharp' ? ctx.file.text.slice(0, 2000) : '');
  if (/org\.slf4j|lombok\.extern\.slf4j/.test(imports) || /@Slf4j\b/.test(ctx.file.text)) return 'slf4j';
  if (/org\.apache\.logging\.log4j|org\.apache\.log4j/.test(imports)) return 'log4j';
  if (/java\.util\.logging/.test(imports)) return 'java.util.logging';
  if (/Serilog/.test(imports)) return 'Serilog';
  if (/NLog/.test(imports)) return 'NLog';
  if (ctx.file.syntax === 'csharp') return 'ILogger';
  return path.slice(0, path.lastIndexOf('.'));
}

/** Calls: a log call records `logged` facts; an HTTP request the transmission family recognises records `sent` facts. */
export function jvmCall(ctx: RuleContext, call: Node): void {
  const path = ctx.syntax.calleePath(call);
  if ((ctx.file.syntax === 'java' ? JAVA_LOG : CSHARP_LOG).test(path)) {
    const target = logLibrary(ctx, path);
    const items = dedupeItems(ctx.syntax.args(call).flatMap((a) => dataAt(ctx, a)));
    recordItems(ctx, call, items, { activity: 'logged', sink: 'log', target, why: `written to a log by \`${path}\`${target !== 'console' && target !== 'stdout' ? ` (${target})` : ''}` });
    return;
  }
  const req = httpCall(ctx, call);
  if (req && !req.creates) sendCall(ctx, call);
}

const JAVA_ROUTE = /^(Get|Post|Put|Patch|Delete|Request)Mapping$/;
const JAVA_PARAM = /^(RequestParam|PathVariable|RequestHeader|CookieValue|RequestPart)$/;
const CSHARP_ROUTE = /^Http(Get|Post|Put|Patch|Delete)$/;
const CSHARP_PARAM = /^From(Query|Route|Form|Header)$/;

/** Handler parameters named for personal data: Spring `@RequestParam String email`, ASP.NET Core `[FromForm] string ssn`. */
export function jvmHandler(ctx: RuleContext, method: Node): void {
  const java = ctx.file.syntax === 'java';
  const markers = java ? annotationsOf(method) : attributesOf(method);
  const nameOf = java ? annotationName : attributeName;
  const mapping = markers.find((m) => (java ? JAVA_ROUTE : CSHARP_ROUTE).test(nameOf(m)));
  if (!mapping) return;
  const verb = java ? (/^(Get|Post|Put|Patch|Delete)/.exec(nameOf(mapping))?.[1] ?? 'ANY').toUpperCase() : nameOf(mapping).slice(4).toUpperCase();
  const route = `${verb} ${stringIn(ctx, mapping) ?? '/'}`;
  for (const p of named(method.childForFieldName('parameters'))) {
    if (p.type !== 'formal_parameter' && p.type !== 'parameter') continue;
    const pMarkers = java ? annotationsOf(p) : attributesOf(p);
    const marker = pMarkers.find((m) => (java ? JAVA_PARAM : CSHARP_PARAM).test(nameOf(m)));
    const simpleType = /^(String|string|Long|long|Integer|int|char\[\]|Optional<String>)$/.test(p.childForFieldName('type')?.text ?? '');
    // ASP.NET Core binds simple action parameters from the query or form without an attribute.
    if (!marker && (java || !simpleType)) continue;
    const id = p.childForFieldName('name');
    if (!id) continue;
    // `@RequestParam("email") String e`: the request field's own name says what it is.
    const field = (marker && stringIn(ctx, marker, java ? 'value' : 'Name')) ?? id.text;
    const items = classifyNameWithProtection(ctx, field);
    if (items.length === 0) continue;
    const header = marker && /Header/.test(nameOf(marker));
    recordItems(ctx, id, items.map((i) => ({ ...i, origin: id })), { activity: 'collected', sink: header ? 'header' : 'handler-param', target: route, why: `a parameter of the handler of ${route}`, name: field });
  }
}
