/**
 * Base64, standard alphabet, `=` padding required (RFC 4648 §4). Decoding is strict, because a lenient
 * decoder would accept a corrupted server payload and hand garbage to AES: a character outside the
 * alphabet, a length that is not a multiple of 4, padding anywhere but the end, or non-zero bits in the
 * last character's unused low bits are all `bad-input`.
 *
 * Decoding a certificate payload (about 4 KB of text) is on the device's provisioning path, so the decoder is
 * written for XS, where every interpreted operation counts: the alphabet is checked by one native regular
 * expression search over the whole text (about one operation a character, against some ten for a test in
 * the loop), the loop has no helper call and no test, a character is one table read (the tables hold the bits
 * already shifted), three output bytes go out with one DataView call, and the text is read in slices (see
 * CHUNK).
 */
import { IotError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Character code → 6-bit value already shifted into place in a big-endian 32-bit word: DECODE_26 for a
 * quantum's first character, DECODE_20, DECODE_14, DECODE_8 for the next three, so that a quantum is four
 * reads or-ed together, with no shift in the loop. For the 64 alphabet characters only (the search below has
 * ruled out every other character before a table is read; '=' reads as 0). 2 KiB, built once at load and
 * never written afterwards, so they can be preloaded into flash.
 */
function decodeTable(shift: number): Int32Array {
  const table = new Int32Array(128);
  for (let i = 0; i < 64; i++) table[ALPHABET.charCodeAt(i)] = i << shift;
  return table;
}
const DECODE_26 = decodeTable(26);
const DECODE_20 = decodeTable(20);
const DECODE_14 = decodeTable(14);
const DECODE_8 = decodeTable(8);

/**
 * Characters decoded per slice of the text. XS keeps strings as UTF-8 and finds a character by scanning from
 * the start, so charCodeAt(i) costs time in proportion to i: reading a 4 KB payload in place is quadratic
 * (several times slower, though the XS meter does not count it). A multiple of 8.
 */
const CHUNK = 256;

/**
 * Bytes encoded into one short string before it is appended to the result (192 bytes, 256 characters). XS
 * copies a string when it is appended to, so adding four characters at a time to a 4 KB result copies it a
 * thousand times (time grows with the square of the length; the XS meter does not count the copies).
 */
const ENCODE_CHUNK = 192;

export function base64Encode(bytes: Uint8Array): string {
  const n = bytes.length;
  const whole = n - (n % 3);
  let out = '';
  let part = '';
  let i = 0;
  let end = 0;
  let v = 0;
  while (i < whole) {
    end = i + ENCODE_CHUNK < whole ? i + ENCODE_CHUNK : whole;
    part = '';
    for (; i < end; i += 3) {
      v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      part += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
    }
    out += part;
  }
  if (n - whole === 1) {
    v = bytes[i]!;
    out += ALPHABET[v >> 2]! + ALPHABET[(v & 3) << 4]! + '==';
  } else if (n - whole === 2) {
    v = (bytes[i]! << 8) | bytes[i + 1]!;
    out += ALPHABET[v >> 10]! + ALPHABET[(v >> 4) & 63]! + ALPHABET[(v & 15) << 2]! + '=';
  }
  return out;
}

export function base64Decode(text: string): Uint8Array {
  const n = text.length;
  if ((n & 3) !== 0) throw new IotError('bad-input', 'base64 text length is not a multiple of 4');
  if (n === 0) return new Uint8Array(0);
  const pad = text.charCodeAt(n - 1) !== 61 ? 0 : text.charCodeAt(n - 2) !== 61 ? 1 : 2; // '='
  // Everything before the (at most two) final '=' must be in the alphabet; this also refuses '=' elsewhere.
  // The expression is made per call, not kept at module level: a RegExp carries mutable state (lastIndex),
  // and XS preload freezes module-level objects.
  const bad = text.search(/[^A-Za-z0-9+/]/);
  if (bad !== -1 && bad < n - pad) throw new IotError('bad-input', 'base64 text has a character outside the alphabet or misplaced padding');
  const out = new Uint8Array((n >> 2) * 3 - pad);
  const view = new DataView(out.buffer);
  const a = DECODE_26;
  const b = DECODE_20;
  const c = DECODE_14;
  const e = DECODE_8;
  // Every quantum but the last is written as a 32-bit word whose fourth byte the next quantum overwrites;
  // two quanta per iteration.
  const body = n - 4;
  let part = '';
  let m = 0;
  let j = 0;
  let o = 0;
  for (let i = 0; i < body; i += CHUNK) {
    part = text.slice(i, i + CHUNK < body ? i + CHUNK : body);
    m = part.length - 4;
    for (j = 0; j < m; j += 8, o += 6) {
      view.setInt32(o, a[part.charCodeAt(j)]! | b[part.charCodeAt(j + 1)]! | c[part.charCodeAt(j + 2)]! | e[part.charCodeAt(j + 3)]!);
      view.setInt32(o + 3, a[part.charCodeAt(j + 4)]! | b[part.charCodeAt(j + 5)]! | c[part.charCodeAt(j + 6)]! | e[part.charCodeAt(j + 7)]!);
    }
    if (j === m) {
      view.setInt32(o, a[part.charCodeAt(j)]! | b[part.charCodeAt(j + 1)]! | c[part.charCodeAt(j + 2)]! | e[part.charCodeAt(j + 3)]!);
      o += 3;
    }
  }
  // The last quantum, with its padding ('=' reads as 0 here): "xx==" carries one byte, "xxx=" two, "xxxx" three.
  part = text.slice(body);
  const v = (a[part.charCodeAt(0)]! | b[part.charCodeAt(1)]! | c[part.charCodeAt(2)]! | e[part.charCodeAt(3)]!) >>> 8;
  // RFC 4648 §3.5: the bits below the last byte must be zero (one canonical text per byte string).
  if ((pad === 2 && (v & 0xffff) !== 0) || (pad === 1 && (v & 0xff) !== 0)) throw new IotError('bad-input', 'base64 text has non-zero trailing bits');
  out[o] = v >>> 16;
  if (pad < 2) out[o + 1] = v >>> 8;
  if (pad === 0) out[o + 2] = v;
  return out;
}
