/**
 * The engine's only window on the outside world. The CLI builds it on node:fs, the extension on
 * vscode.workspace.fs, tests on in-memory maps. The core never imports fs, path or vscode.
 */
export interface Host {
  /** Bytes of a file in the grammars/ folder: the tree-sitter runtime wasm or a grammar wasm. */
  readGrammar(file: string): Promise<Uint8Array>;
  /** Optional log sink (the output channel, stderr in --verbose mode, nothing in tests). */
  log?(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

/** A cancellation signal shared by the CLI, workers and the extension (VS Code's token has the same shape). */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
}

export const NEVER_CANCELLED: Cancellation = Object.freeze({ isCancellationRequested: false });
