/**
 * Capped exponential backoff with full jitter, as FreeRTOS's backoffAlgorithm computes it: the random value
 * is passed in (from the HAL), so the delay is a pure function and can be tested exactly.
 */
import { IotError } from '../errors.js';

export interface BackoffLimits {
  /** Ceiling of the first retry's delay, ms (> 0). */
  baseMs: number;
  /** No delay ever exceeds this, ms (≥ baseMs). */
  maxMs: number;
}

/**
 * The delay before retry number `attempt` (0 for the first retry): a value in 0..ceiling where
 * ceiling = min(maxMs, baseMs · 2^attempt), chosen by `random32 % (ceiling + 1)` (full jitter).
 * `random32` is an unsigned 32-bit random integer; the modulo bias is below ceiling / 2^32 (< 10⁻⁵ for any
 * ceiling up to 40 s), which is irrelevant for spreading retries.
 */
export function backoffDelay(attempt: number, limits: BackoffLimits, random32: number): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new IotError('bad-input', 'attempt must be a non-negative integer');
  const { baseMs, maxMs } = limits;
  if (!Number.isSafeInteger(baseMs) || baseMs <= 0) throw new IotError('bad-input', 'baseMs must be a positive integer');
  if (!Number.isSafeInteger(maxMs) || maxMs < baseMs) throw new IotError('bad-input', 'maxMs must be an integer ≥ baseMs');
  if (!Number.isInteger(random32) || random32 < 0 || random32 > 0xffffffff) throw new IotError('bad-input', 'random32 must be an unsigned 32-bit integer');
  // Doubling stops at the cap, so a large attempt number cannot overflow to Infinity.
  let ceiling = baseMs;
  for (let i = 0; i < attempt && ceiling < maxMs; i++) ceiling *= 2;
  if (ceiling > maxMs) ceiling = maxMs;
  return random32 % (ceiling + 1);
}

/** An unsigned 32-bit integer from the first four bytes (big-endian). */
export function uint32FromBytes(bytes: Uint8Array): number {
  if (!(bytes instanceof Uint8Array) || bytes.length < 4) throw new IotError('bad-input', 'need at least 4 random bytes');
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}
