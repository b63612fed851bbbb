/**
 * Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over the
 * target, fsync the directory. A power cut leaves either the old file or the new one, never a mixture.
 *
 * Only a regular file is replaced (or a missing one created): a directory, FIFO, device node or symbolic
 * link at the target is refused, with nothing written (callers resolve a link they mean to follow first).
 * No temp file is left behind by a failure at any step, nor by SIGINT, SIGTERM or SIGHUP during a write:
 * the temp files in flight are removed before the signal is let through. Only SIGKILL or a power cut can
 * leave one (`.<name>.<12 hex>.tmp`): the next write of the same file removes those older than a minute.
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { lstat, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Thrown when the target exists and is not a regular file; nothing was written. */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREG';
}
Object.defineProperty(NotRegularFileError.prototype, 'name', { value: 'NotRegularFileError' });

const STALE_TEMP_MS = 60_000;
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Temp files being written right now, removed synchronously if the process is stopped by a signal. */
const inFlight = new Set<string>();

function removeInFlight(): void {
  for (const path of inFlight) {
    try {
      unlinkSync(path);
    } catch {
      // Already renamed or removed.
    }
  }
  inFlight.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeInFlight();
  uninstall();
  // Let the signal do what it would have done: our listener must not swallow it. If the program has its own
  // listener (the local cloud does), that listener decides; otherwise the default action ends the process.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

let installed = false;
function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('exit', removeInFlight);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const signal of SIGNALS) process.off(signal, onSignal);
  process.off('exit', removeInFlight);
}

function track(path: string): void {
  inFlight.add(path);
  install();
}

function untrack(path: string): void {
  inFlight.delete(path);
  if (inFlight.size === 0) uninstall();
}

function tempNamePattern(name: string): RegExp {
  return new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[0-9a-f]{12}\\.tmp$`);
}

/** Removes temp files of `name` older than a minute: a SIGKILL or power cut during an earlier write. */
async function removeStaleTemps(directory: string, name: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch {
    return;
  }
  const pattern = tempNamePattern(name);
  for (const entry of entries) {
    if (!pattern.test(entry)) continue;
    const path = join(directory, entry);
    try {
      const info = await lstat(path);
      if (info.isFile() && Date.now() - info.mtimeMs > STALE_TEMP_MS) await unlink(path);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}

/** Throws NotRegularFileError when `path` exists and is anything but a regular file. */
async function checkReplaceable(path: string): Promise<void> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return;
    throw error;
  }
  if (!info.isFile()) {
    const what = info.isSymbolicLink() ? 'a symbolic link' : info.isDirectory() ? 'a directory' : info.isFIFO() ? 'a FIFO' : 'not a regular file';
    throw new NotRegularFileError(`${path} is ${what}; only a regular file is replaced`);
  }
}

/** Replaces `path` with `data` atomically; the file gets `mode` (e.g. 0o600) from its first byte on. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const directory = dirname(path);
  const name = basename(path);
  await checkReplaceable(path);
  await removeStaleTemps(directory, name);
  const temporary = join(directory, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  // Tracked before it exists, so a signal between open() and the first write still removes it.
  track(temporary);
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(data);
      // The umask may have narrowed `mode` at creation; chmod makes it exact (never wider than asked).
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close().catch(() => undefined);
    }
    // Checked again just before the rename: the target may have been swapped while the data was written.
    await checkReplaceable(path);
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    untrack(temporary);
    throw error;
  }
  untrack(temporary);
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

/** Whether `path` exists as a regular file (following links). For "is this credential file there?". */
export async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
