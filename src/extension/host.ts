/** The engine's Host inside VS Code: grammars read through vscode.workspace.fs from the extension's grammars/. */
import * as vscode from 'vscode';
import type { Host } from '../core/host';
import type { Log } from './log';

export interface ExtensionHost extends Host {
  /** Grammar files read so far, in order (the runtime wasm first): proof that grammars load lazily. */
  readonly loaded: readonly string[];
}

export function extensionHost(extensionUri: vscode.Uri, log: Log): ExtensionHost {
  const loaded: string[] = [];
  const failed = new Set<string>();
  return {
    loaded,
    async readGrammar(file: string): Promise<Uint8Array> {
      const started = performance.now();
      const uri = vscode.Uri.joinPath(extensionUri, 'grammars', file);
      try {
        const bytes = await vscode.workspace.fs.readFile(uri);
        loaded.push(file);
        log.info(`loaded ${file} (${Math.round(bytes.length / 1024)} KB) in ${(performance.now() - started).toFixed(1)} ms`);
        return bytes;
      } catch (err) {
        const message = `cannot read grammar ${uri.fsPath}; is the extension installed completely?`;
        // Tell the user once per file; every later attempt (each analysis retries) only goes to the log.
        if (failed.has(file)) log.error(message, err);
        else log.fail(message, err);
        failed.add(file);
        throw err;
      }
    },
    log: (level, message) => log.write(level, message),
  };
}
