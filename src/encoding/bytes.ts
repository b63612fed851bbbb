/**
 * Small byte helpers the protocol code needs, written without Buffer or TextEncoder so that they run
 * unchanged on XS.
 */
import { IotError } from '../errors.js';

/** Joins byte arrays into one new array (the parts are copied, never aliased). */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (let i = 0; i < parts.length; i++) total += parts[i]!.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * The bytes of a string that must be pure ASCII (signing strings, HTTP heads, identifiers). Refusing anything
 * above 0x7f keeps a non-ASCII character from being silently truncated into a wrong signature.
 */
export function asciiBytes(text: string): Uint8Array {
  const n = text.length;
  const out = new Uint8Array(n);
  let all = 0; // the or of every code: one test at the end instead of one per character
  let i = 0; // declared outside the loop: a `let` in the loop head is copied every iteration on XS
  for (; i < n; i++) all |= out[i] = text.charCodeAt(i);
  if (all > 0x7f) throw new IotError('bad-input', 'text is not ASCII');
  return out;
}
