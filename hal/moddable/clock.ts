/**
 * The device clock. `Date.now()` on the ESP32 counts from 1970 until something sets it; TLS date-checks
 * certificates and Tencent signs timestamps, so the clock must be synced (SNTP) before the first handshake.
 * With `manifest_net.json` and `sntp` in the config, Moddable's setup/network syncs it before `main` runs;
 * `syncClock` is the fallback (and the retry) when that did not happen.
 */
import SNTP from 'sntp';
import Time from 'time';
import Timer from 'timer';
import { IotError } from '../../src/errors.js';
import { CLOCK_FLOOR_SECONDS } from '../../src/conventions/clock.js';

/** The core's clock floor (2020-01-01T00:00:00Z), under the name this module has always exported. */
export const CLOCK_VALID_FROM = CLOCK_FLOOR_SECONDS;

/** Whole Unix seconds from the platform clock. */
export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function clockIsSet(): boolean {
  return unixSeconds() >= CLOCK_VALID_FROM;
}

/**
 * Asks `host` for the time once and sets the clock. Resolves with the Unix seconds set; rejects with
 * `clock` when the server does not answer (SNTP's own retries included) within `timeoutMs`.
 */
export function syncClock(host: string, timeoutMs: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let done = false;
    let client: SNTP | undefined;
    const finish = (error: IotError | undefined, seconds?: number): void => {
      if (done) return;
      done = true;
      Timer.clear(guard);
      if (error) {
        try {
          (client as unknown as { close?: () => void } | undefined)?.close?.();
        } catch {
          // Already closed by SNTP itself.
        }
        reject(error);
      } else resolve(seconds!);
    };
    const guard = Timer.set(() => finish(new IotError('clock', `no answer from SNTP server ${host} within ${timeoutMs} ms`)), timeoutMs);
    try {
      client = new SNTP({ host }, (message, value) => {
        if (message === 1 && typeof value === 'number' && value >= CLOCK_VALID_FROM) {
          Time.set(value);
          finish(undefined, value);
        } else if (message === -1 || message === 1) {
          finish(new IotError('clock', `SNTP server ${host} gave no usable time`));
        }
        // 2 = SNTP retrying by itself. Returning nothing tells SNTP not to try another host.
      });
    } catch (error) {
      finish(new IotError('clock', `cannot start SNTP with ${host}`, { cause: error }));
    }
  });
}
