/** Reading source files: decodes UTF-8 and UTF-16 (with a BOM), spots binary content. */
import { readFile } from 'node:fs/promises';
import type { SkippedFile } from '../core/types';

export type ReadResult = { text: string } | { skipped: Omit<SkippedFile, 'path'> };

export function decode(bytes: Uint8Array): ReadResult {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)) };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)) };
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) return { skipped: { reason: 'binary', detail: 'contains NUL bytes' } };
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return { text: new TextDecoder('utf-8').decode(bytes.subarray(start)) };
}

export async function readSource(abs: string): Promise<ReadResult> {
  try {
    return decode(await readFile(abs));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { skipped: { reason: 'unreadable', detail: e.code ? `${e.code}: ${e.message}` : e.message } };
  }
}
