/**
 * Calls a platform's crypto primitive (hal/hal.ts `CryptoPrimitives`) so that nothing but an `IotError` leaves
 * the core: a native primitive may throw its own errors (Moddable's "bad key size", say) or, if broken, return
 * something that is not a Uint8Array of the promised length — either becomes an `IotError` with `code`, naming
 * the primitive, never a key or data.
 */
import { IotError, type IotErrorCode } from '../errors.js';

export function guardedPrimitive(name: string, code: IotErrorCode, length: number, run: () => Uint8Array): Uint8Array {
  let out: unknown;
  try {
    out = run();
  } catch (error) {
    throw new IotError(code, `the platform's ${name} failed`, { cause: error });
  }
  if (!(out instanceof Uint8Array) || out.length !== length) throw new IotError(code, `the platform's ${name} did not return ${length} bytes`);
  return out;
}
