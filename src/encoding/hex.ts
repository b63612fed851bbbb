/** Lower-case hexadecimal, strict on decode: an odd length or any non-hex character is `bad-input`. */
import { IotError } from '../errors.js';

const DIGITS = '0123456789abcdef';

/** One two-character string per byte value, so encoding is one lookup per byte (cheap on XS). */
const BYTE_TO_HEX: readonly string[] = Object.freeze(Array.from({ length: 256 }, (_, b) => DIGITS[b >> 4]! + DIGITS[b & 15]!));

export function hexEncode(bytes: Uint8Array): string {
  const n = bytes.length;
  let out = '';
  for (let i = 0; i < n; i++) out += BYTE_TO_HEX[bytes[i]!]!;
  return out;
}

/** Value of one hex digit (either case), or -1. */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  c |= 0x20; // fold A-F onto a-f
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

export function hexDecode(text: string): Uint8Array {
  const n = text.length;
  if ((n & 1) !== 0) throw new IotError('bad-input', 'hex text has an odd length');
  const out = new Uint8Array(n >> 1);
  for (let i = 0; i < n; i += 2) {
    const hi = nibble(text.charCodeAt(i));
    const lo = nibble(text.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) throw new IotError('bad-input', 'hex text has a non-hex character');
    out[i >> 1] = (hi << 4) | lo;
  }
  return out;
}
