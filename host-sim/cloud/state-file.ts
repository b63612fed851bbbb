/**
 * Durable, atomic saving of the registry: temp file in the same folder, fsync, rename, then fsync of the
 * folder, mode 0600 (the file holds device secrets). Saves are grouped: every `save()` call returns a promise
 * that settles once a write that STARTED AFTER the call has reached the disk, so 200 concurrent registrations
 * cost a handful of writes, not 200, and none is answered before it is recorded.
 */
import { open, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, basename, join } from 'node:path';

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, path);
  // The rename itself is only durable once the folder is synced; not every platform allows that (Windows).
  try {
    const folder = await open(dirname(path), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } catch {
    /* best effort */
  }
}

export class GroupedSaver {
  readonly #write: () => Promise<void>;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  /** `write` takes its snapshot when it starts, and writes it. */
  constructor(write: () => Promise<void>) {
    this.#write = write;
  }

  save(): Promise<void> {
    if (this.#queued) return this.#queued;
    const previous = this.#running;
    // eslint-disable-next-line prefer-const -- assigned once, read inside the async body after a yield
    let next!: Promise<void>;
    next = (async () => {
      // Always yield once, so that `next` is assigned before it is used below.
      await null;
      if (previous) await previous.catch(() => undefined);
      // From here on this write's snapshot is taken: later changes need the next write.
      this.#queued = undefined;
      this.#running = next;
      await this.#write();
    })();
    this.#queued = next;
    return next;
  }

  /** Settles once every save asked for so far has finished (successfully or not). */
  async idle(): Promise<void> {
    while (this.#queued ?? this.#running) {
      const waiting = this.#queued ?? this.#running;
      await waiting!.catch(() => undefined);
      if (waiting === this.#running && !this.#queued) {
        this.#running = undefined;
      }
    }
  }
}
