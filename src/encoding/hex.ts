/** Lower-case hexadecimal, strict on decode: an odd length or any non-hex character is `bad-input`. */
import { IotError } from '../errors.js';

const DIGITS = '0123456789abcdef';

/**
 * Character code (< 128) → digit value (either case), or -16 for a non-digit: the or of two table entries
 * (hi << 4 | lo) is then negative when either is bad, one test per byte. Never written after load.
 */
const NIBBLE: Int8Array = (() => {
  const table = new Int8Array(128).fill(-16);
  for (let i = 0; i < 16; i++) {
    table[DIGITS.charCodeAt(i)] = i;
    table[DIGITS.toUpperCase().charCodeAt(i)] = i;
  }
  return table;
})();

export function hexEncode(bytes: Uint8Array): string {
  const n = bytes.length;
  const whole = n & ~3;
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  let out = '';
  let i = 0;
  // Four bytes per native Number → text conversion (about a tenth of the XS work of two string indexings and
  // two concatenations per byte). 2^32 + word has nine hex digits whose first, a '1', is cut: leading zeros
  // stay. toString(16) is lower-case by the specification.
  for (; i < whole; i += 4) out += (view.getUint32(i) + 0x100000000).toString(16).slice(1);
  for (; i < n; i++) out += DIGITS[bytes[i]! >> 4]! + DIGITS[bytes[i]! & 15]!;
  return out;
}

/**
 * Characters decoded per slice of the text. XS keeps strings as UTF-8 and finds a character by scanning from
 * the start, so text.charCodeAt(i) costs time in proportion to i and reading a long text in place is quadratic
 * (the XS meter does not count the scan); a short slice is read cheaply. Even, so that a slice holds whole bytes.
 */
const CHUNK = 256;

export function hexDecode(text: string): Uint8Array {
  const n = text.length;
  if ((n & 1) !== 0) throw new IotError('bad-input', 'hex text has an odd length');
  const out = new Uint8Array(n >> 1);
  const t = NIBBLE;
  let hi: number, lo: number, v: number;
  let part = '';
  let m = 0;
  let j = 0;
  let o = 0;
  for (let start = 0; start < n; start += CHUNK) {
    part = text.slice(start, start + CHUNK);
    m = part.length;
    for (j = 0; j < m; j += 2, o++) {
      hi = part.charCodeAt(j);
      lo = part.charCodeAt(j + 1);
      v = (t[hi]! << 4) | t[lo]!;
      // Codes ≥ 128 index past the table (undefined → 0), hence the separate range test.
      if (v < 0 || (hi | lo) > 127) throw new IotError('bad-input', 'hex text has a non-hex character');
      out[o] = v;
    }
  }
  return out;
}
