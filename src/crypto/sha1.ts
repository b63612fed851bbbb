/**
 * SHA-1 (FIPS 180-4 §6.1; RFC 3174). Still required by Tencent's v1 registration signature and the hmacsha1
 * MQTT password, so it is here despite its collision weakness (HMAC-SHA1 is not affected by it).
 *
 * Written for XS, an interpreter whose cost is the number of byte codes run (see sha256.ts):
 * - the message schedule lives in twenty local variables w0..w19, a sliding window of W[20s .. 20s+19]
 *   updated in place (W[t] = ROTL1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]) needs only the last sixteen words,
 *   so a window of twenty can be refilled slot by slot); a local costs one byte code, an array element five;
 * - twenty rounds are written out, one per iteration of a four-pass loop, so each pass is exactly one of
 *   the four stages of §4.1.1 / §4.2.1; two booleans set per stage pick f by branching (about three
 *   operations a round, where four separate copies of the body would cost four times the code);
 * - the working variables' roles are rotated in the source, so a round assigns only e and b;
 * - big-endian words are read and written with DataView (one native call each).
 */
import { IotError } from '../errors.js';

/**
 * Hashes `m[0, n)` into `out[at, at + 20)`. `m` must be (n + 72) & ~63 bytes long: the padding (§5.1.1) is
 * written into it in place (bytes n and up are overwritten), which spares HMAC a copy. Not in the public
 * barrel (src/index.ts): HMAC's entry to the hash. The sizes are checked, since a wrong one would hash the
 * wrong padding and give a wrong digest without any error; the bytes from n on are cleared here (one native
 * fill), so what the caller left there cannot change the digest.
 */
export function sha1Into(m: Uint8Array, n: number, out: Uint8Array, at: number): void {
  const size = m.length;
  if ((n >>> 0) !== n || size !== ((n + 72) & ~63) || (at >>> 0) !== at || at + 20 > out.length) {
    throw new IotError('bad-input', 'sha1Into: m must be (n + 72) & ~63 bytes and out must have 20 bytes from at');
  }
  const v = new DataView(m.buffer, m.byteOffset, size);
  m.fill(0, n + 1, size - 8);
  m[n] = 0x80;
  v.setInt32(size - 8, n / 0x20000000); // bit length, high word (ToInt32 drops the fraction)
  v.setInt32(size - 4, n << 3); // bit length, low word
  // FIPS 180-4 §5.3.1 initial hash value
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  let a: number, b: number, c: number, d: number, e: number, x: number, s: number, k: number, parity: boolean, choose: boolean;
  let w0: number, w1: number, w2: number, w3: number, w4: number, w5: number, w6: number, w7: number, w8: number, w9: number, w10: number, w11: number, w12: number, w13: number, w14: number, w15: number, w16: number, w17: number, w18: number, w19: number;
  for (let j = 0; j < size; j += 64) {
    w0 = v.getInt32(j);
    w1 = v.getInt32(j + 4);
    w2 = v.getInt32(j + 8);
    w3 = v.getInt32(j + 12);
    w4 = v.getInt32(j + 16);
    w5 = v.getInt32(j + 20);
    w6 = v.getInt32(j + 24);
    w7 = v.getInt32(j + 28);
    w8 = v.getInt32(j + 32);
    w9 = v.getInt32(j + 36);
    w10 = v.getInt32(j + 40);
    w11 = v.getInt32(j + 44);
    w12 = v.getInt32(j + 48);
    w13 = v.getInt32(j + 52);
    w14 = v.getInt32(j + 56);
    w15 = v.getInt32(j + 60);
    x = w13 ^ w8 ^ w2 ^ w0;
    w16 = (x << 1) | (x >>> 31);
    x = w14 ^ w9 ^ w3 ^ w1;
    w17 = (x << 1) | (x >>> 31);
    x = w15 ^ w10 ^ w4 ^ w2;
    w18 = (x << 1) | (x >>> 31);
    x = w16 ^ w11 ^ w5 ^ w3;
    w19 = (x << 1) | (x >>> 31);
    a = h0;
    b = h1;
    c = h2;
    d = h3;
    e = h4;
    for (s = 0; ; ) {
      // Stage s: rounds 20s .. 20s+19 with f = Ch, Parity, Maj, Parity and K from §4.2.1.
      choose = s === 0;
      parity = (s & 1) === 1;
      k = s === 0 ? 0x5a827999 : s === 1 ? 0x6ed9eba1 : s === 2 ? 0x8f1bbcdc | 0 : 0xca62c1d6 | 0;
      e = (((a << 5) | (a >>> 27)) + (parity ? b ^ c ^ d : choose ? d ^ (b & (c ^ d)) : (b & c) | (d & (b | c))) + e + k + w0) | 0;
      b = ((b << 30) | (b >>> 2));
      d = (((e << 5) | (e >>> 27)) + (parity ? a ^ b ^ c : choose ? c ^ (a & (b ^ c)) : (a & b) | (c & (a | b))) + d + k + w1) | 0;
      a = ((a << 30) | (a >>> 2));
      c = (((d << 5) | (d >>> 27)) + (parity ? e ^ a ^ b : choose ? b ^ (e & (a ^ b)) : (e & a) | (b & (e | a))) + c + k + w2) | 0;
      e = ((e << 30) | (e >>> 2));
      b = (((c << 5) | (c >>> 27)) + (parity ? d ^ e ^ a : choose ? a ^ (d & (e ^ a)) : (d & e) | (a & (d | e))) + b + k + w3) | 0;
      d = ((d << 30) | (d >>> 2));
      a = (((b << 5) | (b >>> 27)) + (parity ? c ^ d ^ e : choose ? e ^ (c & (d ^ e)) : (c & d) | (e & (c | d))) + a + k + w4) | 0;
      c = ((c << 30) | (c >>> 2));
      e = (((a << 5) | (a >>> 27)) + (parity ? b ^ c ^ d : choose ? d ^ (b & (c ^ d)) : (b & c) | (d & (b | c))) + e + k + w5) | 0;
      b = ((b << 30) | (b >>> 2));
      d = (((e << 5) | (e >>> 27)) + (parity ? a ^ b ^ c : choose ? c ^ (a & (b ^ c)) : (a & b) | (c & (a | b))) + d + k + w6) | 0;
      a = ((a << 30) | (a >>> 2));
      c = (((d << 5) | (d >>> 27)) + (parity ? e ^ a ^ b : choose ? b ^ (e & (a ^ b)) : (e & a) | (b & (e | a))) + c + k + w7) | 0;
      e = ((e << 30) | (e >>> 2));
      b = (((c << 5) | (c >>> 27)) + (parity ? d ^ e ^ a : choose ? a ^ (d & (e ^ a)) : (d & e) | (a & (d | e))) + b + k + w8) | 0;
      d = ((d << 30) | (d >>> 2));
      a = (((b << 5) | (b >>> 27)) + (parity ? c ^ d ^ e : choose ? e ^ (c & (d ^ e)) : (c & d) | (e & (c | d))) + a + k + w9) | 0;
      c = ((c << 30) | (c >>> 2));
      e = (((a << 5) | (a >>> 27)) + (parity ? b ^ c ^ d : choose ? d ^ (b & (c ^ d)) : (b & c) | (d & (b | c))) + e + k + w10) | 0;
      b = ((b << 30) | (b >>> 2));
      d = (((e << 5) | (e >>> 27)) + (parity ? a ^ b ^ c : choose ? c ^ (a & (b ^ c)) : (a & b) | (c & (a | b))) + d + k + w11) | 0;
      a = ((a << 30) | (a >>> 2));
      c = (((d << 5) | (d >>> 27)) + (parity ? e ^ a ^ b : choose ? b ^ (e & (a ^ b)) : (e & a) | (b & (e | a))) + c + k + w12) | 0;
      e = ((e << 30) | (e >>> 2));
      b = (((c << 5) | (c >>> 27)) + (parity ? d ^ e ^ a : choose ? a ^ (d & (e ^ a)) : (d & e) | (a & (d | e))) + b + k + w13) | 0;
      d = ((d << 30) | (d >>> 2));
      a = (((b << 5) | (b >>> 27)) + (parity ? c ^ d ^ e : choose ? e ^ (c & (d ^ e)) : (c & d) | (e & (c | d))) + a + k + w14) | 0;
      c = ((c << 30) | (c >>> 2));
      e = (((a << 5) | (a >>> 27)) + (parity ? b ^ c ^ d : choose ? d ^ (b & (c ^ d)) : (b & c) | (d & (b | c))) + e + k + w15) | 0;
      b = ((b << 30) | (b >>> 2));
      d = (((e << 5) | (e >>> 27)) + (parity ? a ^ b ^ c : choose ? c ^ (a & (b ^ c)) : (a & b) | (c & (a | b))) + d + k + w16) | 0;
      a = ((a << 30) | (a >>> 2));
      c = (((d << 5) | (d >>> 27)) + (parity ? e ^ a ^ b : choose ? b ^ (e & (a ^ b)) : (e & a) | (b & (e | a))) + c + k + w17) | 0;
      e = ((e << 30) | (e >>> 2));
      b = (((c << 5) | (c >>> 27)) + (parity ? d ^ e ^ a : choose ? a ^ (d & (e ^ a)) : (d & e) | (a & (d | e))) + b + k + w18) | 0;
      d = ((d << 30) | (d >>> 2));
      a = (((b << 5) | (b >>> 27)) + (parity ? c ^ d ^ e : choose ? e ^ (c & (d ^ e)) : (c & d) | (e & (c | d))) + a + k + w19) | 0;
      c = ((c << 30) | (c >>> 2));
      if (++s === 4) break;
      // The next twenty schedule words, each replacing the word twenty places back.
      x = w17 ^ w12 ^ w6 ^ w4;
      w0 = (x << 1) | (x >>> 31);
      x = w18 ^ w13 ^ w7 ^ w5;
      w1 = (x << 1) | (x >>> 31);
      x = w19 ^ w14 ^ w8 ^ w6;
      w2 = (x << 1) | (x >>> 31);
      x = w0 ^ w15 ^ w9 ^ w7;
      w3 = (x << 1) | (x >>> 31);
      x = w1 ^ w16 ^ w10 ^ w8;
      w4 = (x << 1) | (x >>> 31);
      x = w2 ^ w17 ^ w11 ^ w9;
      w5 = (x << 1) | (x >>> 31);
      x = w3 ^ w18 ^ w12 ^ w10;
      w6 = (x << 1) | (x >>> 31);
      x = w4 ^ w19 ^ w13 ^ w11;
      w7 = (x << 1) | (x >>> 31);
      x = w5 ^ w0 ^ w14 ^ w12;
      w8 = (x << 1) | (x >>> 31);
      x = w6 ^ w1 ^ w15 ^ w13;
      w9 = (x << 1) | (x >>> 31);
      x = w7 ^ w2 ^ w16 ^ w14;
      w10 = (x << 1) | (x >>> 31);
      x = w8 ^ w3 ^ w17 ^ w15;
      w11 = (x << 1) | (x >>> 31);
      x = w9 ^ w4 ^ w18 ^ w16;
      w12 = (x << 1) | (x >>> 31);
      x = w10 ^ w5 ^ w19 ^ w17;
      w13 = (x << 1) | (x >>> 31);
      x = w11 ^ w6 ^ w0 ^ w18;
      w14 = (x << 1) | (x >>> 31);
      x = w12 ^ w7 ^ w1 ^ w19;
      w15 = (x << 1) | (x >>> 31);
      x = w13 ^ w8 ^ w2 ^ w0;
      w16 = (x << 1) | (x >>> 31);
      x = w14 ^ w9 ^ w3 ^ w1;
      w17 = (x << 1) | (x >>> 31);
      x = w15 ^ w10 ^ w4 ^ w2;
      w18 = (x << 1) | (x >>> 31);
      x = w16 ^ w11 ^ w5 ^ w3;
      w19 = (x << 1) | (x >>> 31);
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  const o = new DataView(out.buffer, out.byteOffset + at, 20);
  o.setInt32(0, h0);
  o.setInt32(4, h1);
  o.setInt32(8, h2);
  o.setInt32(12, h3);
  o.setInt32(16, h4);
}

export function sha1(message: Uint8Array): Uint8Array {
  const n = message.length;
  const m = new Uint8Array((n + 72) & ~63);
  m.set(message);
  const out = new Uint8Array(20);
  sha1Into(m, n, out, 0);
  return out;
}
