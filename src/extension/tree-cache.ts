/**
 * A small LRU of syntax trees, one per open document, kept for incremental re-parsing (as vscode-anycode does):
 * each text change is applied to the document's tree with `tree.edit`, and the next analysis parses against
 * that edited tree. Trees live in wasm memory that the garbage collector never frees, so every tree that is
 * replaced, evicted, dropped or disposed is `delete()`d here, and only here. No `vscode` import.
 */
import type { Edit, Tree } from 'web-tree-sitter';

export interface CachedTree {
  tree: Tree;
  /** Document version the tree (with the edits applied since) describes. */
  version: number;
  /** Edits applied since the tree was parsed, or the tree was held (see set): it must be re-parsed before use. */
  edited: boolean;
}

/** A text change as VS Code reports it (`TextDocumentContentChangeEvent`), in UTF-16 offsets and positions. */
export interface TextChange {
  rangeOffset: number;
  rangeLength: number;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

export class TreeCache {
  private readonly entries = new Map<string, CachedTree>();

  constructor(readonly capacity = 8) {}

  get size(): number {
    return this.entries.size;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** The entry of a document, marked as most recently used. */
  get(key: string): CachedTree | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /**
   * Stores a freshly parsed tree, freeing the tree it replaces and the least recently used beyond capacity. `stale`:
   * the tree describes an older text (the engine held it while a function was broken), so the next use parses.
   */
  set(key: string, tree: Tree, version: number, stale = false): void {
    const old = this.entries.get(key);
    this.entries.delete(key);
    if (old && old.tree !== tree) old.tree.delete();
    this.entries.set(key, { tree, version, edited: stale });
    while (this.entries.size > this.capacity) {
      const [lru, entry] = this.entries.entries().next().value as [string, CachedTree];
      this.entries.delete(lru);
      entry.tree.delete();
    }
  }

  /**
   * Applies a document's text changes (in the order VS Code reports them) to its tree, so that the tree can be
   * re-parsed incrementally. Returns false (and drops the tree) when the tree was not at the version before the
   * change: then the next analysis parses from scratch.
   */
  edit(key: string, changes: readonly TextChange[], fromVersion: number | undefined, toVersion: number): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    if (fromVersion !== undefined && entry.version !== fromVersion) {
      this.delete(key);
      return false;
    }
    for (const change of changes) entry.tree.edit(toTreeEdit(change));
    entry.version = toVersion;
    entry.edited = entry.edited || changes.length > 0;
    return true;
  }

  /** Frees a document's tree (document closed, analysis switched off). */
  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.tree.delete();
  }

  /** Frees every tree. */
  clear(): void {
    for (const entry of this.entries.values()) entry.tree.delete();
    this.entries.clear();
  }
}

/** The tree-sitter edit of a VS Code text change (web-tree-sitter counts indexes and columns in UTF-16 units). */
export function toTreeEdit(change: TextChange): Edit {
  const { start, end } = change.range;
  const newEnd = endAfterInsert(start.line, start.character, change.text);
  return {
    startIndex: change.rangeOffset,
    oldEndIndex: change.rangeOffset + change.rangeLength,
    newEndIndex: change.rangeOffset + change.text.length,
    startPosition: { row: start.line, column: start.character },
    oldEndPosition: { row: end.line, column: end.character },
    newEndPosition: newEnd,
  };
}

function endAfterInsert(line: number, character: number, text: string): { row: number; column: number } {
  let row = line;
  let lastBreak = -1;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      row++;
      lastBreak = i;
    }
  }
  return lastBreak < 0 ? { row, column: character + text.length } : { row, column: text.length - lastBreak - 1 };
}
