/**
 * The string unions every part of the project shares, spelled once: the C SDK's auth modes, Tencent's two
 * registration APIs, the two HMAC algorithms (v2 registration signature and MQTT password), and the HALs' log
 * thresholds. Types and validators elsewhere derive from these frozen lists, so adding or renaming a value is
 * one edit.
 */
import type { LogLevel, LogThreshold } from '../../hal/hal.js';

/** `auth_mode` of the C SDK's device-info file: a device secret (KEY) or a certificate (CERT). */
export const AUTH_MODES = Object.freeze(['KEY', 'CERT'] as const);
export type AuthMode = (typeof AUTH_MODES)[number];

/** API v1 is `/register/dev`, API v2 is `/device/register` (PROTOCOL.md §3, §4). */
export const REGISTER_APIS = Object.freeze(['v1', 'v2'] as const);
export type RegisterApi = (typeof REGISTER_APIS)[number];

/** The algorithm names as Tencent writes them on the wire; the default (SHA-256) comes first. */
export const HMAC_ALGORITHMS = Object.freeze(['hmacsha256', 'hmacsha1'] as const);
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];

/**
 * The log thresholds of hal/hal.ts from silent to most verbose (`LogThreshold`): a line at a level passes a
 * threshold at or after that level in this list. Both HALs, the CLI's --log-level and the firmware's config
 * read this one order.
 */
export const LOG_THRESHOLDS: readonly LogThreshold[] = Object.freeze(['off', 'error', 'warn', 'info', 'debug'] as const);

/** True when a line at `level` is written under `threshold` (hal.ts `log`: at or above the threshold). */
export function logAdmits(threshold: LogThreshold, level: LogLevel): boolean {
  return LOG_THRESHOLDS.indexOf(level) <= LOG_THRESHOLDS.indexOf(threshold);
}

function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

export function isAuthMode(value: unknown): value is AuthMode {
  return isOneOf(AUTH_MODES, value);
}

export function isRegisterApi(value: unknown): value is RegisterApi {
  return isOneOf(REGISTER_APIS, value);
}

export function isHmacAlgorithm(value: unknown): value is HmacAlgorithm {
  return isOneOf(HMAC_ALGORITHMS, value);
}

export function isLogThreshold(value: unknown): value is LogThreshold {
  return isOneOf(LOG_THRESHOLDS, value);
}
