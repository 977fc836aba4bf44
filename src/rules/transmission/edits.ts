/** Text edits shared by the transmission fixes: remove an object entry or a statement, add an entry or an argument. */
import type { Node } from 'web-tree-sitter';
import type { FixInput } from '../../core/rule';

type Edit = FixInput['edits'][number];

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** Removes an entry of an object / dict literal or an argument list (`a: 1,` / `, b=2`) with its comma. */
export function removeEntry(text: string, entry: Node): Edit {
  let end = entry.endIndex;
  let i = end;
  while (isSpace(text[i])) i++;
  if (text[i] === ',') {
    end = i + 1;
    // Take the space after the comma on the same line, or the whole line break when the entry had its own line.
    let j = end;
    while (text[j] === ' ' || text[j] === '\t') j++;
    const lineStart = text.lastIndexOf('\n', entry.startIndex - 1) + 1;
    const ownLine = text.slice(lineStart, entry.startIndex).trim() === '';
    if (ownLine && (text[j] === '\n' || text[j] === '\r')) {
      end = text[j] === '\r' && text[j + 1] === '\n' ? j + 2 : j + 1;
      return { start: lineStart, end, newText: '' };
    }
    return { start: entry.startIndex, end: j, newText: '' };
  }
  // The last entry: remove the comma before it instead.
  let k = entry.startIndex - 1;
  while (k >= 0 && isSpace(text[k])) k--;
  if (text[k] === ',') return { start: k, end: entry.endIndex, newText: '' };
  // The only entry: leave `{}` / `()` behind.
  let j = entry.endIndex;
  while (isSpace(text[j])) j++;
  return { start: k + 1, end: j, newText: '' };
}

/** Removes a whole statement with its line when it stands on a line of its own. */
export function removeStatement(text: string, statement: Node): Edit {
  const lineStart = text.lastIndexOf('\n', statement.startIndex - 1) + 1;
  let end = statement.endIndex;
  while (text[end] === ' ' || text[end] === '\t') end++;
  if (text.slice(lineStart, statement.startIndex).trim() === '' && (text[end] === '\n' || text[end] === '\r' || end >= text.length)) {
    const next = text[end] === '\r' && text[end + 1] === '\n' ? end + 2 : end < text.length ? end + 1 : end;
    return { start: lineStart, end: next, newText: '' };
  }
  return { start: statement.startIndex, end: statement.endIndex, newText: '' };
}

/** Adds `entry` at the start of a JS object literal (`{ secure: true, … }`). */
export function insertIntoObject(text: string, obj: Node, entry: string): Edit {
  const inner = text.slice(obj.startIndex + 1, obj.endIndex - 1);
  if (inner.trim() === '') return { start: obj.startIndex, end: obj.endIndex, newText: `{ ${entry} }` };
  const multiline = /^\s*\n/.test(inner);
  if (multiline) {
    const firstChild = obj.namedChildren.find((c) => c !== null);
    const lineStart = firstChild ? text.lastIndexOf('\n', firstChild.startIndex - 1) + 1 : obj.startIndex + 1;
    const indent = firstChild ? text.slice(lineStart, firstChild.startIndex) : '  ';
    return { start: lineStart, end: lineStart, newText: `${indent}${entry},\n` };
  }
  const lead = inner.match(/^\s*/)?.[0] ?? '';
  return { start: obj.startIndex + 1 + lead.length, end: obj.startIndex + 1 + lead.length, newText: `${entry}, ` };
}

/** Appends an argument (`{ secure: true }`, `secure=True`) at the end of a call's argument list. */
export function appendArgument(text: string, argList: Node, argument: string): Edit {
  const close = argList.endIndex - 1;
  let k = close - 1;
  while (k > argList.startIndex && isSpace(text[k])) k--;
  if (k === argList.startIndex) return { start: close, end: close, newText: argument };
  if (text[k] === ',') return { start: k + 1, end: k + 1, newText: ` ${argument}` };
  return { start: k + 1, end: k + 1, newText: `, ${argument}` };
}

/** Replaces a node's text. */
export function replaceNode(node: Node, newText: string): Edit {
  return { start: node.startIndex, end: node.endIndex, newText };
}

/** The statement that contains a node (`expression_statement`, a declaration), for insertions before it. */
export function statementOf(node: Node): Node {
  let n: Node = node;
  while (n.parent && !/(_statement|_declaration)$/.test(n.type)) n = n.parent;
  return n;
}

/** The indentation of the line a node starts on. */
export function indentOf(text: string, node: Node): string {
  const lineStart = text.lastIndexOf('\n', node.startIndex - 1) + 1;
  return text.slice(lineStart, node.startIndex).match(/^[ \t]*/)?.[0] ?? '';
}
