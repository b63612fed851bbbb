/**
 * Reading the gateway's JSON answers. Whatever the server sends, the outcome is a value or an `IotError`
 * ('bad-response' for anything malformed) — never a TypeError from poking at an unexpected shape.
 */
import { IotError } from '../errors.js';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property only, so `__proto__` or `constructor` in an answer cannot reach the prototype. */
export function field(object: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

export function parseResponseObject(text: unknown, what: string): JsonObject {
  if (typeof text !== 'string') throw new IotError('bad-response', `${what} is not text`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new IotError('bad-response', `${what} is not JSON`, { cause: error });
  }
  if (!isJsonObject(value)) throw new IotError('bad-response', `${what} is not a JSON object`);
  return value;
}

/** A length field: a non-negative safe integer (a digit string is forgiven, as some gateways quote numbers). */
export function lengthField(value: unknown, name: string): number {
  const n = typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new IotError('bad-response', `${name} is not a non-negative integer`);
  return n;
}

export function optionalStringField(object: JsonObject, key: string): string | undefined {
  const value = field(object, key);
  return typeof value === 'string' ? value : undefined;
}
