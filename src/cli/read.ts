/**
 * Reading source files: decodes UTF-8 and UTF-16 (with a BOM), spots binary content, and refuses what is not
 * a regular file or has grown past the size limit since the walk (a file replaced or appended to mid-scan).
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { SkippedFile } from '../core/types';

export type ReadResult = { text: string } | { skipped: Omit<SkippedFile, 'path'> };

/** Files over this many bytes are not read (the walk skips them first; this catches files that grew since). */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

/** Opening a FIFO that was put in place of a file must not block: O_NONBLOCK where the platform has it. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export function decode(bytes: Uint8Array): ReadResult {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)) };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)) };
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) return { skipped: { reason: 'binary', detail: 'contains NUL bytes' } };
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return { text: new TextDecoder('utf-8').decode(bytes.subarray(start)) };
}

function notReadable(err: unknown): ReadResult {
  const e = err as NodeJS.ErrnoException;
  return { skipped: { reason: 'unreadable', detail: e.code ? `${e.code}: ${e.message}` : String(e.message ?? err) } };
}

function checkStat(st: { isFile(): boolean; size: number }, maxBytes: number): ReadResult | undefined {
  if (!st.isFile()) return { skipped: { reason: 'unreadable', detail: 'not a regular file' } };
  if (st.size > maxBytes) return { skipped: { reason: 'too-large', detail: `${st.size} bytes, over the limit of ${maxBytes}` } };
  return undefined;
}

function checkLength(bytes: Uint8Array, maxBytes: number): ReadResult {
  if (bytes.length > maxBytes) return { skipped: { reason: 'too-large', detail: `${bytes.length} bytes, over the limit of ${maxBytes}` } };
  return decode(bytes);
}

export async function readSource(abs: string, maxBytes: number = MAX_SOURCE_BYTES): Promise<ReadResult> {
  let handle;
  try {
    handle = await open(abs, OPEN_FLAGS);
    const refused = checkStat(await handle.stat(), maxBytes);
    if (refused) return refused;
    return checkLength(await handle.readFile(), maxBytes);
  } catch (err) {
    return notReadable(err);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** The same, synchronously (the scan reads small files faster this way). */
export function readSourceSync(abs: string, maxBytes: number = MAX_SOURCE_BYTES): ReadResult {
  let fd: number | undefined;
  try {
    fd = openSync(abs, OPEN_FLAGS);
    const refused = checkStat(fstatSync(fd), maxBytes);
    if (refused) return refused;
    return checkLength(readFileSync(fd), maxBytes);
  } catch (err) {
    return notReadable(err);
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
  }
}
