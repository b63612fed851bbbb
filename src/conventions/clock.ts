/**
 * The clock floor: a device whose clock reads earlier than this has not been set (an ESP32 counts from 1970
 * until SNTP answers). TLS date-checks certificates and Tencent checks signed timestamps and login expiries,
 * so nothing that signs or connects may run below it.
 */

/** 2020-01-01T00:00:00Z in Unix seconds. */
export const CLOCK_FLOOR_SECONDS = 1577836800;

/** True when `seconds` (Unix) can be a real current time. */
export function clockIsPlausible(seconds: number): boolean {
  return seconds >= CLOCK_FLOOR_SECONDS;
}
