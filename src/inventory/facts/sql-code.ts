/**
 * SQL written in code: the text of a string, template, f-string or concatenation (following local names), with
 * its substitutions marked `\u0001<index>\u0001` and a map from offsets in that text back to offsets in the file.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';

export interface SqlText {
  text: string;
  /** Expressions substituted into the text, by marker index. */
  subs: Node[];
  /** File offset of an offset in `text`, when it falls inside literal text. */
  fileOffset(offset: number): number | undefined;
}

interface Segment {
  at: number;
  file: number;
  length: number;
  /** The text was produced from an escape sequence: offsets inside map to its start. */
  escape?: boolean;
}

class Builder {
  text = '';
  subs: Node[] = [];
  segments: Segment[] = [];
  literal = false;

  add(text: string, file: number, escape = false): void {
    this.segments.push({ at: this.text.length, file, length: text.length, escape });
    this.text += text;
    this.literal = true;
  }

  sub(node: Node): void {
    this.text += `\u0001${this.subs.length}\u0001`;
    this.subs.push(node);
  }

  result(): SqlText {
    const segments = this.segments;
    return {
      text: this.text,
      subs: this.subs,
      fileOffset(offset) {
        const s = segments.find((g) => offset >= g.at && offset < g.at + Math.max(1, g.length));
        if (!s) return undefined;
        return s.escape ? s.file : s.file + (offset - s.at);
      },
    };
  }
}

const UNESCAPE: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };

export function sqlText(ctx: RuleContext, node: Node): SqlText | undefined {
  const b = new Builder();
  build(ctx, node, b, 0);
  return b.literal ? b.result() : undefined;
}

function build(ctx: RuleContext, node: Node, b: Builder, depth: number): void {
  if (depth > 6) {
    b.sub(node);
    return;
  }
  switch (node.type) {
    case 'string':
    case 'template_string':
      for (const c of node.namedChildren) {
        if (!c) continue;
        if (c.type === 'string_fragment' || c.type === 'string_content') b.add(c.text, c.startIndex);
        else if (c.type === 'escape_sequence') b.add(UNESCAPE[c.text.slice(1)] ?? c.text.slice(1), c.startIndex, true);
        else if (c.type === 'template_substitution' || c.type === 'interpolation') {
          const inner = c.namedChildren[0];
          if (inner) b.sub(inner);
        }
      }
      return;
    case 'concatenated_string':
      for (const c of node.namedChildren) if (c) build(ctx, c, b, depth + 1);
      return;
    case 'binary_expression':
    case 'binary_operator': {
      const op = node.childForFieldName('operator')?.text;
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (op === '+' && left && right) {
        build(ctx, left, b, depth + 1);
        build(ctx, right, b, depth + 1);
      } else b.sub(node);
      return;
    }
    case 'parenthesized_expression': {
      const inner = node.namedChildren[0];
      if (inner) build(ctx, inner, b, depth + 1);
      return;
    }
    case 'identifier': {
      const def = ctx.flow.definitionOf(node.text, node);
      if (def?.value && !def.key && !def.param && isStringish(def.value)) build(ctx, def.value, b, depth + 1);
      else b.sub(node);
      return;
    }
    case 'call': {
      // SQLAlchemy `text("SELECT …")`, `sql("…")`
      const path = ctx.syntax.calleePath(node);
      const first = ctx.syntax.args(node)[0];
      if (/(^|\.)(text|sql|raw|SQL)$/.test(path) && first) build(ctx, first, b, depth + 1);
      else b.sub(node);
      return;
    }
    default:
      b.sub(node);
  }
}

function isStringish(node: Node): boolean {
  return /^(string|template_string|concatenated_string|binary_expression|binary_operator|parenthesized_expression)$/.test(node.type) ||
    (node.type === 'call' && /(^|\.)(text|sql|raw|SQL)$/.test(node.childForFieldName('function')?.text ?? ''));
}
