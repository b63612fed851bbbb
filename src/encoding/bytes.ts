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
 * Characters read per slice of the text. XS keeps strings as UTF-8 and finds a character by scanning from the
 * start, so text.charCodeAt(i) costs time in proportion to i and reading a long string in place is quadratic
 * (the XS meter does not count the scan); a short slice is read cheaply. A multiple of 2.
 */
const CHUNK = 256;

/**
 * The bytes of a string that must be pure ASCII (signing strings, HTTP heads, identifiers). Refusing anything
 * above 0x7f keeps a non-ASCII character from being silently truncated into a wrong signature.
 */
export function asciiBytes(text: string): Uint8Array {
  const n = text.length;
  const out = new Uint8Array(n);
  let all = 0; // the or of every code: one test at the end instead of one per character
  let part = '';
  let dst = out;
  let m = 0;
  let j = 0; // declared outside the loop: a `let` in the loop head is copied every iteration on XS
  for (let start = 0; start < n; start += CHUNK) {
    part = text.slice(start, start + CHUNK);
    m = part.length;
    dst = out.subarray(start, start + m);
    // Two characters per iteration. For an odd m the last read is charCodeAt(m): NaN, whose store past the end
    // of dst is ignored and which ors in as 0.
    for (j = 0; j < m; j += 2) all |= (dst[j] = part.charCodeAt(j)) | (dst[j + 1] = part.charCodeAt(j + 1));
  }
  if (all > 0x7f) throw new IotError('bad-input', 'text is not ASCII');
  return out;
}
