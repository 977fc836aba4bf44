/**
 * Reading source files: decodes UTF-8 and UTF-16 (with a BOM), spots binary content, and refuses what is not
 * a regular file or has grown past the size limit since the walk (a file replaced or appended to mid-scan).
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { SkippedFile } from '../core/types';

export type ReadResult = { text: string } | { skipped: Omit<SkippedFile, 'path'> };

/** Files over this many bytes are not read (the walk skips them first; this catches files that grew since). */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

/** Opening a FIFO that was put in place of a file must not block: O_NONBLOCK where the platform has it. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Decoders made once (a whole-input decode() keeps no state from one call to the next). */
const UTF8 = new TextDecoder('utf-8');
const UTF16LE = new TextDecoder('utf-16le');
const UTF16BE = new TextDecoder('utf-16be');

export function decode(bytes: Uint8Array): ReadResult {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: UTF16LE.decode(bytes.subarray(2)) };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { text: UTF16BE.decode(bytes.subarray(2)) };
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) return { skipped: { reason: 'binary', detail: 'contains NUL bytes' } };
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return { text: UTF8.decode(bytes.subarray(start)) };
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
    const st = fstatSync(fd);
    const refused = checkStat(st, maxBytes);
    if (refused) return refused;
    return checkLength(readAll(fd, st.size), maxBytes);
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

/**
 * The bytes of an open regular file of `size` bytes (its fstat): as readFileSync(fd) reads them (up to `size`, or to
 * the end when the size is 0), without the second fstat it makes.
 */
function readAll(fd: number, size: number): Uint8Array {
  if (size === 0) return readFileSync(fd);
  const buffer = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    const n = readSync(fd, buffer, at, size - at, null);
    if (n === 0) break;
    at += n;
  }
  return buffer.subarray(0, at);
}
