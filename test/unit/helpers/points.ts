/** The row and column (in UTF-16 units, as web-tree-sitter counts them) of an index into a text. */
export function pointAt(text: string, index: number): { row: number; column: number } {
  const before = text.slice(0, index).split('\n');
  return { row: before.length - 1, column: before[before.length - 1].length };
}
