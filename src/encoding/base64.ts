/**
 * Base64, standard alphabet, `=` padding required (RFC 4648 §4). Decoding is strict, because a lenient
 * decoder would accept a corrupted server payload and hand garbage to AES: a character outside the
 * alphabet, a length that is not a multiple of 4, padding anywhere but the end, or non-zero bits in the
 * last character's unused low bits are all `bad-input`.
 */
import { IotError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Character code → 6-bit value, 255 for "not in the alphabet" (codes ≥ 128 are out of range of the table and
 * checked separately). Built once at load and never written afterwards, so it can be preloaded into flash.
 */
const DECODE: Uint8Array = (() => {
  const table = new Uint8Array(128).fill(255);
  for (let i = 0; i < 64; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

export function base64Encode(bytes: Uint8Array): string {
  const n = bytes.length;
  const whole = n - (n % 3);
  let out = '';
  let i = 0;
  for (; i < whole; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
  }
  if (n - whole === 1) {
    const v = bytes[i]!;
    out += ALPHABET[v >> 2]! + ALPHABET[(v & 3) << 4]! + '==';
  } else if (n - whole === 2) {
    const v = (bytes[i]! << 8) | bytes[i + 1]!;
    out += ALPHABET[v >> 10]! + ALPHABET[(v >> 4) & 63]! + ALPHABET[(v & 15) << 2]! + '=';
  }
  return out;
}

/** 6-bit value of the character at `i`, or throws. */
function sextet(text: string, i: number): number {
  const c = text.charCodeAt(i);
  const v = c < 128 ? DECODE[c]! : 255;
  if (v === 255) throw new IotError('bad-input', 'base64 text has a character outside the alphabet');
  return v;
}

export function base64Decode(text: string): Uint8Array {
  const n = text.length;
  if ((n & 3) !== 0) throw new IotError('bad-input', 'base64 text length is not a multiple of 4');
  let pad = 0;
  if (n > 0 && text.charCodeAt(n - 1) === 61) pad = text.charCodeAt(n - 2) === 61 ? 2 : 1;
  const out = new Uint8Array((n >> 2) * 3 - pad);
  const whole = pad === 0 ? n : n - 4; // the last quantum is handled apart when it carries padding
  let o = 0;
  for (let i = 0; i < whole; i += 4) {
    const v = (sextet(text, i) << 18) | (sextet(text, i + 1) << 12) | (sextet(text, i + 2) << 6) | sextet(text, i + 3);
    out[o] = v >> 16;
    out[o + 1] = (v >> 8) & 255;
    out[o + 2] = v & 255;
    o += 3;
  }
  if (pad === 2) {
    const a = sextet(text, whole);
    const b = sextet(text, whole + 1);
    if ((b & 15) !== 0) throw new IotError('bad-input', 'base64 text has non-zero trailing bits');
    out[o] = (a << 2) | (b >> 4);
  } else if (pad === 1) {
    const a = sextet(text, whole);
    const b = sextet(text, whole + 1);
    const c = sextet(text, whole + 2);
    if ((c & 3) !== 0) throw new IotError('bad-input', 'base64 text has non-zero trailing bits');
    out[o] = (a << 2) | (b >> 4);
    out[o + 1] = ((b & 15) << 4) | (c >> 2);
  }
  return out;
}
