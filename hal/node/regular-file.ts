/**
 * Reading a file the user named, safely: only a regular file is read, and at most `maxBytes` of it.
 *
 * `readFile` on a FIFO blocks until a writer appears (forever, for `-c <a FIFO>`), on a character device
 * such as /dev/zero it reads until memory runs out, and on a huge file it loads it all. Here the file is
 * opened with O_NONBLOCK (so opening a FIFO returns at once) and O_NOCTTY, then checked with fstat on the
 * open descriptor (no race with a rename in between) before a single byte is read.
 *
 * Imports node:fs only, so the local cloud (which never imports src/) uses it too.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Why a file was not read; `code` is 'ENOTREG' (not a regular file) or 'EFBIG' (over the cap). */
export class UnreadableFileError extends Error {
  readonly code: 'ENOTREG' | 'EFBIG';
  constructor(code: 'ENOTREG' | 'EFBIG', message: string) {
    super(message);
    this.code = code;
  }
}
Object.defineProperty(UnreadableFileError.prototype, 'name', { value: 'UnreadableFileError' });

function kindOf(stats: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The file's bytes; throws UnreadableFileError, or node's own error (ENOENT, EACCES, …) from open. */
export async function readRegularFileBytes(path: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new UnreadableFileError('ENOTREG', `it is ${kindOf(stats)}, not a regular file`);
    if (stats.size > maxBytes) throw new UnreadableFileError('EFBIG', `it is larger than ${maxBytes} bytes`);
    // Read one byte past the cap: a file that grew since fstat is refused rather than cut.
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw new UnreadableFileError('EFBIG', `it is larger than ${maxBytes} bytes`);
    return buffer.subarray(0, length);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The file as UTF-8 text (see readRegularFileBytes). */
export async function readRegularFile(path: string, maxBytes: number): Promise<string> {
  return (await readRegularFileBytes(path, maxBytes)).toString('utf8');
}

/** A short reason for a failed read, for an error message: "it is a FIFO, not a regular file", "ENOENT". */
export function readFailureReason(error: unknown): string {
  if (error instanceof UnreadableFileError) return error.message;
  return (error as { code?: string } | null)?.code ?? 'error';
}

/** Caps for the files the CLI and the local cloud read. */
export const FILE_CAPS = Object.freeze({
  /** The C SDK's device-info JSON (a few hundred bytes in practice). */
  deviceInfo: 64 * 1024,
  /** A PEM certificate or key in certs/. */
  credentialPem: 64 * 1024,
  /** A --ca bundle (a system bundle is ~200 KB). */
  caBundle: 1024 * 1024,
  /** The local cloud's products file. */
  products: 1024 * 1024,
  /** The local cloud's state file (devices and a 20,000-entry replay cache). */
  cloudState: 64 * 1024 * 1024,
});
