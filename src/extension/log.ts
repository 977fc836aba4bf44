/** The "Sealant" output channel: what was loaded, timings and errors. Nothing fails silently. */
import * as vscode from 'vscode';
import { OUTPUT_CHANNEL_NAME } from './constants';

export type Level = 'debug' | 'info' | 'warn' | 'error';

/** Lines kept in memory (the API's `logLines()`, so tests can check what the channel was given). */
const KEEP_LINES = 5000;

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  /** The most recent lines written to the channel, as `level message`. */
  readonly lines: string[] = [];

  constructor() {
    this.channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  }

  private keep(level: Level, message: string): void {
    this.lines.push(`${level} ${message}`);
    if (this.lines.length > KEEP_LINES) this.lines.splice(0, this.lines.length - KEEP_LINES);
  }

  write(level: Level, message: string): void {
    switch (level) {
      case 'debug':
        this.debug(message);
        break;
      case 'info':
        this.info(message);
        break;
      case 'warn':
        this.warn(message);
        break;
      case 'error':
        this.error(message);
        break;
    }
  }

  debug(message: string): void {
    this.keep('debug', message);
    this.channel.debug(message);
  }

  info(message: string): void {
    this.keep('info', message);
    this.channel.info(message);
  }

  warn(message: string): void {
    this.keep('warn', message);
    this.channel.warn(message);
  }

  error(message: string, err?: unknown): void {
    const line = err === undefined ? message : `${message}: ${describeError(err)}`;
    this.keep('error', line);
    this.channel.error(line);
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
