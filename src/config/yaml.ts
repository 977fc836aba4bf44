/**
 * YAML and JSON parsing that keeps a line:column for every value. `.sealant.json` goes through the same parser
 * (YAML 1.2 reads JSON), so both formats give the same positions and the same duplicate-key errors.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode, type Scalar } from 'yaml';

/** A path into the parsed value: object keys and array indexes. */
export type ValuePath = readonly (string | number)[];

/** 1-based line and column, as editors and compilers print them; end is exclusive. */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface ParsedSource {
  file: string;
  text: string;
  /** The value as plain JSON data (undefined for an empty file). */
  value: unknown;
  /** YAML syntax errors (the value is not used when there are any). */
  syntaxErrors: { message: string; range: SourceRange }[];
  /** Where a value (or, with `key`, its key) is written; the nearest enclosing value when the path is not in the file. */
  locate(path: ValuePath, key?: boolean): SourceRange;
  /** Where an offset inside a string value is written (for errors inside a query or a regex). */
  locateInString(path: ValuePath, offset: number, length?: number): SourceRange;
  /** The YAML document, for edits that keep comments (the triage file). */
  doc: Document.Parsed;
}

export function parseSource(file: string, text: string): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const pos = (offset: number): { line: number; column: number } => {
    const p = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line: p.line, column: p.col };
  };
  const span = (start: number, end: number): SourceRange => {
    const a = pos(start);
    const b = pos(Math.max(start, end));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  };
  const syntaxErrors = doc.errors.map((e) => ({
    message: firstLine(e.message).replace(/ at line \d+, column \d+:?$/, ''),
    range: span(e.pos[0], e.pos[1]),
  }));

  const find = (path: ValuePath): { node: YamlNode | null; key: YamlNode | null; found: boolean } => {
    let node: YamlNode | null = doc.contents as YamlNode | null;
    let key: YamlNode | null = null;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && scalarKey(p.key) === String(segment));
        if (!pair) return { node, key, found: false };
        key = pair.key as YamlNode;
        node = (pair.value as YamlNode | null) ?? key;
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        key = null;
        node = node.items[segment] as YamlNode;
      } else {
        return { node, key, found: false };
      }
    }
    return { node, key, found: true };
  };

  const locate = (path: ValuePath, wantKey = false): SourceRange => {
    const { node, key, found } = find(path);
    const target = found && wantKey && key ? key : node;
    if (!target?.range) return span(0, 0);
    if (!found && (isMap(target) || isSeq(target))) {
      // The path is missing in this collection: point at its first line rather than at the whole block.
      const first = target.range[0];
      const lineEnd = text.indexOf('\n', first);
      return span(first, lineEnd < 0 ? target.range[1] : Math.min(lineEnd, target.range[1]));
    }
    return span(target.range[0], target.range[1]);
  };

  const locateInString = (path: ValuePath, offset: number, length = 1): SourceRange => {
    const { node, found } = find(path);
    if (!found || !isScalar(node) || !node.range) return locate(path);
    const start = stringOffset(text, node, offset);
    if (start === undefined) return locate(path);
    const end = stringOffset(text, node, offset + Math.max(length, 1)) ?? start + 1;
    return span(start, Math.max(end, start + 1));
  };

  let value: unknown;
  try {
    value = syntaxErrors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined;
  } catch (err) {
    syntaxErrors.push({ message: (err as Error).message, range: span(0, 0) });
  }
  return { file, text, value: value ?? undefined, syntaxErrors, locate, locateInString, doc };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).trim();
}

function scalarKey(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/**
 * The file offset of a character of a scalar's string value. Exact for block literals (`|`), plain scalars and
 * single-line quoted strings without escapes; for other styles the nearest line.
 */
function stringOffset(text: string, node: Scalar, offsetIn: number): number | undefined {
  const [start, end] = node.range ?? [0, 0];
  const source = text.slice(start, end);
  const value = String(node.value);
  // An error at the very end (an unclosed parenthesis) is shown at the end of the last line, not after it.
  const offset = Math.min(offsetIn, value.trimEnd().length);
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    // Header line (`|`, `|-`, `|2`…), then the content lines with their indentation.
    const headerEnd = source.indexOf('\n');
    if (headerEnd < 0) return start;
    const header = source.slice(0, headerEnd);
    const lines = source.slice(headerEnd + 1).split('\n');
    const explicit = /[1-9]/.exec(header);
    const firstContent = lines.find((l) => l.trim() !== '');
    const indent = explicit ? Number(explicit[0]) : firstContent ? firstContent.length - firstContent.trimStart().length : 0;
    const before = value.slice(0, offset);
    const lineNo = before.split('\n').length - 1;
    const column = offset - (before.lastIndexOf('\n') + 1);
    if (node.type === 'BLOCK_FOLDED' || lineNo >= lines.length) return start + headerEnd + 1;
    let at = start + headerEnd + 1;
    for (let i = 0; i < lineNo; i++) at += lines[i].length + 1;
    return at + Math.min(indent, lines[lineNo].length) + column;
  }
  const quote = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
  const inner = source.slice(quote, source.length - quote);
  if (inner === value) return start + quote + offset;
  if (quote && !inner.includes('\n')) {
    // One line with escapes: walk the source, counting the characters each escape stands for.
    let v = 0;
    for (let i = 0; i < inner.length; ) {
      if (v >= offset) return start + quote + i;
      let width = 1;
      if (node.type === 'QUOTE_DOUBLE' && inner[i] === '\\') width = inner[i + 1] === 'x' ? 4 : inner[i + 1] === 'u' ? 6 : inner[i + 1] === 'U' ? 10 : 2;
      else if (node.type === 'QUOTE_SINGLE' && inner[i] === "'" && inner[i + 1] === "'") width = 2;
      i += width;
      v += 1;
    }
    return start + quote + inner.length;
  }
  // Escapes or folded lines: find the value's text before the offset, line by line.
  const lineNo = value.slice(0, offset).split('\n').length - 1;
  let at = start;
  for (let i = 0; i < lineNo; i++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0 || nl >= end) break;
    at = nl + 1;
  }
  return at;
}
