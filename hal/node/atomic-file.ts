/**
 * Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over the
 * target, fsync the directory. A power cut leaves either the old file or the new one, never a mixture.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Replaces `path` with `data` atomically; the file gets `mode` (e.g. 0o600) from its first byte on. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const directory = dirname(path);
  const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(data);
    // The umask may have narrowed `mode` at creation; chmod makes it exact (never wider than asked).
    await handle.chmod(mode);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}

/** Makes a rename durable. Some platforms cannot open a directory for fsync; the rename is done anyway. */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Not fatal: the data itself was fsynced before the rename.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
