/** The "Sealant" output channel: what was loaded, timings and errors. Nothing fails silently. */
import * as vscode from 'vscode';
import { OUTPUT_CHANNEL_NAME } from './constants';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  }

  write(level: Level, message: string): void {
    switch (level) {
      case 'debug':
        this.channel.debug(message);
        break;
      case 'info':
        this.channel.info(message);
        break;
      case 'warn':
        this.channel.warn(message);
        break;
      case 'error':
        this.channel.error(message);
        break;
    }
  }

  debug(message: string): void {
    this.channel.debug(message);
  }

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  error(message: string, err?: unknown): void {
    this.channel.error(err === undefined ? message : `${message}: ${describeError(err)}`);
  }

  /** Logs an error and tells the user, with a button that opens this channel. */
  fail(message: string, err?: unknown): void {
    this.error(message, err);
    const detail = err === undefined ? '' : `: ${describeError(err).split('\n')[0]}`;
    void vscode.window.showErrorMessage(`Sealant: ${message}${detail}`, 'Show Log').then((pick) => {
      if (pick) this.channel.show(true);
    });
  }

  dispose(): void {
    this.channel.dispose();
  }
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}
