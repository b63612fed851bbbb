/**
 * Checks shared by both registration builders. The request carries the product secret's signature, so it
 * is never built from values the server would reject anyway (or that could change the signed text).
 */
import { IotError } from '../errors.js';
import { validateDeviceName, validateProductId } from '../device/device-name.js';
import { validateProductSecret } from '../device/product-secret.js';

/** The largest nonce the C SDK draws (`rand() % (INT_MAX - 1) + 1` stays within 1..2^31-2). */
export const MAX_NONCE = 0x7ffffffe;

export interface RegisterIdentity {
  productId: string;
  productSecret: string;
  deviceName: string;
  /** Unix seconds. */
  timestamp: number;
  /** Integer 1..2^31-2. */
  nonce: number;
}

export function validateRegisterIdentity(p: RegisterIdentity): void {
  validateProductId(p.productId);
  validateProductSecret(p.productSecret);
  validateDeviceName(p.deviceName);
  validateTimestamp(p.timestamp);
  validateNonce(p.nonce);
}

export function validateTimestamp(timestamp: unknown): number {
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new IotError('bad-input', 'timestamp must be a non-negative integer (Unix seconds)');
  }
  return timestamp;
}

export function validateNonce(nonce: unknown): number {
  if (typeof nonce !== 'number' || !Number.isInteger(nonce) || nonce < 1 || nonce > MAX_NONCE) {
    throw new IotError('bad-input', 'nonce must be an integer in 1..2147483646');
  }
  return nonce;
}

/** A host name as it is signed (v2) and sent in `Host`: the caller's value without any `:port`. */
export function hostWithoutPort(host: string): string {
  if (typeof host !== 'string' || host === '') throw new IotError('bad-input', 'host must be a non-empty string');
  const bracketed = /^(\[[^\]]+\])(?::[0-9]+)?$/.exec(host);
  if (bracketed !== null) return bracketed[1]!;
  const named = /^([^:]+):[0-9]+$/.exec(host);
  return named !== null ? named[1]! : host;
}
