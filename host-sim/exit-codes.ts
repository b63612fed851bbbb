/**
 * The CLI's exit codes: a small fixed set, so scripts can branch on what kind of thing failed.
 *
 *   0  success
 *   2  usage: unknown command or flag, missing or malformed argument
 *   3  bad input: the device-info file or a CA file is missing, malformed or inconsistent
 *   4  refused: the gateway refused the registration, or the broker refused the login / a publish
 *   5  network: connection, TLS verification, time-out, 5xx or an answer we cannot understand
 *   6  storage: the credential could not be written (or read back) next to the device-info file
 *   7  clock: the system clock is not set (before 2020)
 *  70  internal error (a bug in the CLI; bin/tc-iot-device.js reports it)
 */
import type { IotErrorCode } from '../src/errors.js';

export const EXIT = Object.freeze({
  ok: 0,
  usage: 2,
  badInput: 3,
  refused: 4,
  network: 5,
  storage: 6,
  clock: 7,
  internal: 70,
});

const BY_ERROR_CODE: Readonly<Record<IotErrorCode, number>> = Object.freeze({
  'bad-input': EXIT.badInput,
  unsupported: EXIT.badInput,
  refused: EXIT.refused,
  transport: EXIT.network,
  tls: EXIT.network,
  timeout: EXIT.network,
  unavailable: EXIT.network,
  'bad-response': EXIT.network,
  storage: EXIT.storage,
  clock: EXIT.clock,
});

export function exitCodeFor(code: IotErrorCode): number {
  return BY_ERROR_CODE[code] ?? EXIT.internal;
}
