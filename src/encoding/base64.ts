/**
 * Base64, standard alphabet, `=` padding required (RFC 4648 §4). Decoding is strict, because a lenient
 * decoder would accept a corrupted server payload and hand garbage to AES: a character outside the
 * alphabet, a length that is not a multiple of 4, padding anywhere but the end, or non-zero bits in the
 * last character's unused low bits are all `bad-input`.
 *
 * Decoding a certificate payload (about 4 KB of text) is on the device's provisioning path, so the decoder is
 * written for XS, where every interpreted operation counts: the alphabet is checked by one native regular
 * expression search over the whole text (about one operation a character, against some ten for a test in
 * the loop), the loop has no helper call and no test, and three output bytes go out with one DataView call.
 */
import { IotError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Character code → 6-bit value for the 64 alphabet characters (the search below has ruled out every other
 * character before the table is read). Built once at load and never written afterwards, so it can be
 * preloaded into flash.
 */
const DECODE: Uint8Array = (() => {
  const table = new Uint8Array(128);
  for (let i = 0; i < 64; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

export function base64Encode(bytes: Uint8Array): string {
  const n = bytes.length;
  const whole = n - (n % 3);
  let out = '';
  let i = 0;
  let v = 0;
  for (; i < whole; i += 3) {
    v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
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
  const d = DECODE;
  // Every quantum but the last is written as a 32-bit word whose fourth byte the next quantum overwrites.
  const body = n - 4;
  let v = 0;
  let i = 0;
  let o = 0;
  for (; i < body; i += 4, o += 3) {
    view.setInt32(o, (d[text.charCodeAt(i)]! << 26) | (d[text.charCodeAt(i + 1)]! << 20) | (d[text.charCodeAt(i + 2)]! << 14) | (d[text.charCodeAt(i + 3)]! << 8));
  }
  // The last quantum, with its padding ('=' reads as 0 here): "xx==" carries one byte, "xxx=" two, "xxxx" three.
  v = (d[text.charCodeAt(i)]! << 18) | (d[text.charCodeAt(i + 1)]! << 12) | (d[text.charCodeAt(i + 2)]! << 6) | d[text.charCodeAt(i + 3)]!;
  // RFC 4648 §3.5: the bits below the last byte must be zero (one canonical text per byte string).
  if ((pad === 2 && (v & 0xffff) !== 0) || (pad === 1 && (v & 0xff) !== 0)) throw new IotError('bad-input', 'base64 text has non-zero trailing bits');
  out[o] = v >>> 16;
  if (pad < 2) out[o + 1] = v >>> 8;
  if (pad === 0) out[o + 2] = v;
  return out;
}
