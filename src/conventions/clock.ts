/**
 * Time conventions both HALs share. The clock floor: a device whose clock reads earlier than this has not been
 * set (an ESP32 counts from 1970 until SNTP answers). TLS date-checks certificates and Tencent checks signed
 * timestamps and login expiries, so nothing that signs or connects may run below it. And how a HAL's `sleep`
 * reads its argument.
 */

/** 2020-01-01T00:00:00Z in Unix seconds. */
export const CLOCK_FLOOR_SECONDS = 1577836800;

/** True when `seconds` (Unix) can be a real current time. */
export function clockIsPlausible(seconds: number): boolean {
  return seconds >= CLOCK_FLOOR_SECONDS;
}

/**
 * The whole milliseconds a HAL's `sleep(ms)` waits (hal.ts `sleep`): `ms` that is not a finite number ≥ 0
 * counts as 0, and a fraction rounds up (timers take whole ms), so the wait is never shorter than asked.
 */
export function sleepDelayMs(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? Math.ceil(ms) : 0;
}
