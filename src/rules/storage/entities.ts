/**
 * ORM entity declarations in Java and C#: which class a field or property belongs to, and whether that class is
 * mapped to a table (JPA / Hibernate `@Entity`, Spring Data `@Document`; EF Core `[Table]`, `[Key]` / `[Column]`
 * on its properties, or a `DbSet<T>` of it in the same file).
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import { attributesOf } from '../../languages/csharp';
import { annotationName, annotationsOf } from '../../languages/java';

const CS_ENTITY_ATTRIBUTES = /^(Table|Key|Column|Owned|Index|PrimaryKey)(Attribute)?$/;

export function attributeName(attribute: Node): string {
  const name = attribute.childForFieldName('name')?.text ?? '';
  return name.slice(name.lastIndexOf('.') + 1);
}

/** The mapped class a Java field declaration belongs to, with what maps it (`JPA entity`), if any. */
export function javaEntityOf(field: Node): { cls: Node; where: string } | undefined {
  const body = field.parent;
  const cls = body?.parent;
  if (body?.type !== 'class_body' || !cls || cls.type !== 'class_declaration') return undefined;
  const names = annotationsOf(cls).map(annotationName);
  const where = names.includes('Entity') || names.includes('Table') ? 'JPA entity' : names.includes('Document') ? 'Spring Data document' : undefined;
  return where ? { cls, where } : undefined;
}

/** The EF Core entity a C# property declaration belongs to, if its class is mapped. */
export function csharpEntityOf(ctx: RuleContext, prop: Node): { cls: Node; where: string } | undefined {
  const list = prop.parent;
  const cls = list?.parent;
  if (list?.type !== 'declaration_list' || !cls || (cls.type !== 'class_declaration' && cls.type !== 'record_declaration')) return undefined;
  const className = cls.childForFieldName('name')?.text ?? '';
  const mapped = attributesOf(cls).some((a) => CS_ENTITY_ATTRIBUTES.test(attributeName(a))) ||
    list.namedChildren.some((m) => m?.type === 'property_declaration' && attributesOf(m).some((a) => CS_ENTITY_ATTRIBUTES.test(attributeName(a)))) ||
    (!!className && new RegExp(`\\bDbSet\\s*<\\s*${className}\\s*>`).test(ctx.file.text));
  return mapped ? { cls, where: 'EF Core entity' } : undefined;
}
