/**
 * SHA-256 (FIPS 180-4 §6.2). Used for the v2 registration signature (HMAC-SHA256), the v2 body hash and the
 * hmacsha256 MQTT password.
 *
 * Written for XS, an interpreter whose cost is the number of byte codes run (every variable read, constant,
 * operator and property access is one or more). So:
 * - the message schedule lives in sixteen local variables w0..w15, a sliding window updated in place
 *   (§6.2.2 step 1, W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], written into the slot of W[t-16]);
 *   a local costs one byte code where an array element costs five or six;
 * - sixteen rounds are written out, each with the working variables' roles rotated in the source (the round
 *   only assigns the two variables that change, nothing is shuffled), and the body runs four times;
 * - T1 is folded into `d` and `h` by one chained assignment and left untruncated (it is at most five int32
 *   terms, far inside the exact range of a double; the two sums that keep state are truncated with `| 0`);
 * - big-endian words are read and written with DataView (one native call instead of four byte reads,
 *   three shifts and three ors);
 * - K is four 16-word tables so that a round reads `k[r]` instead of `K[t + r]`.
 * Do not "tidy" this into loops over arrays without measuring it on XS first (bench/ and the XS tests).
 */
import { IotError } from '../errors.js';

/**
 * FIPS 180-4 §4.2.2 round constants: the first 32 bits of the fractional parts of the cube roots of the first
 * 64 primes, computed at load (smaller than 64 literals). Math.cbrt is exact enough: for every one of these
 * primes the discarded bits stay at least 0.024 × 2^-32 away from a carry, thousands of times the error of
 * any libm cbrt, so the truncation cannot go wrong (the FIPS vectors in the tests would catch it anyway).
 * One table per 16 rounds; never written after this, so XS can keep them in flash.
 */
const K: readonly Int32Array[] = (() => {
  const k = new Int32Array(64);
  for (let p = 2, i = 0; i < 64; p++) {
    let d = 2;
    while (d * d <= p && p % d !== 0) d++;
    if (d * d > p) k[i++] = ((Math.cbrt(p) % 1) * 0x100000000) | 0;
  }
  return Object.freeze([k.subarray(0, 16), k.subarray(16, 32), k.subarray(32, 48), k.subarray(48)]);
})();

/**
 * Hashes `m[0, n)` into `out[at, at + 32)`. `m` must be (n + 72) & ~63 bytes long: the padding (§5.1.1) is
 * written into it in place (bytes n and up are overwritten), which spares HMAC a copy. Not in the public
 * barrel (src/index.ts): HMAC's entry to the hash. The sizes are checked, since a wrong one would hash the
 * wrong padding and give a wrong digest without any error; the bytes from n on are cleared here (one native
 * fill), so what the caller left there cannot change the digest.
 */
export function sha256Into(m: Uint8Array, n: number, out: Uint8Array, at: number): void {
  const size = m.length;
  if ((n >>> 0) !== n || size !== ((n + 72) & ~63) || (at >>> 0) !== at || at + 32 > out.length) {
    throw new IotError('bad-input', 'sha256Into: m must be (n + 72) & ~63 bytes and out must have 32 bytes from at');
  }
  const v = new DataView(m.buffer, m.byteOffset, size);
  m.fill(0, n + 1, size - 8);
  m[n] = 0x80;
  v.setInt32(size - 8, n / 0x20000000); // bit length, high word (ToInt32 drops the fraction)
  v.setInt32(size - 4, n << 3); // bit length, low word
  // FIPS 180-4 §5.3.3 initial hash value
  let h0 = 0x6a09e667;
  let h1 = 0xbb67ae85 | 0;
  let h2 = 0x3c6ef372;
  let h3 = 0xa54ff53a | 0;
  let h4 = 0x510e527f;
  let h5 = 0x9b05688c | 0;
  let h6 = 0x1f83d9ab;
  let h7 = 0x5be0cd19;
  let a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, x: number, y: number, q: number, k: Int32Array;
  let w0: number, w1: number, w2: number, w3: number, w4: number, w5: number, w6: number, w7: number, w8: number, w9: number, w10: number, w11: number, w12: number, w13: number, w14: number, w15: number;
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
    a = h0;
    b = h1;
    c = h2;
    d = h3;
    e = h4;
    f = h5;
    g = h6;
    h = h7;
    y = b ^ c; // Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)), and b ^ c is the previous round's a ^ b
    for (q = 0; ; ) {
      k = K[q]!;
      // Rounds 16q .. 16q+15 (§6.2.2 step 3). In round r the roles a..h are played by the variables shifted
      // r places: T1 = h + Σ1(e) + Ch(e,f,g) + K + W goes into h and is added to d; then h += Σ0(a) + Maj(a,b,c).
      // Ch is written g ^ (e & (f ^ g)), one operation fewer than (e & f) ^ (~e & g); Maj is
      // b ^ ((a ^ b) & (b ^ c)) with a ^ b kept (in x or y, alternately) for the next round's b ^ c.
      // The rotations are written as six shifts: the same work as three rotations, shorter source.
      d = (d + (h = h + ((e >>> 6) ^ (e >>> 11) ^ (e >>> 25) ^ (e << 26) ^ (e << 21) ^ (e << 7)) + (g ^ (e & (f ^ g))) + k[0]! + w0)) | 0;
      h = (h + ((a >>> 2) ^ (a >>> 13) ^ (a >>> 22) ^ (a << 30) ^ (a << 19) ^ (a << 10)) + (b ^ ((x = a ^ b) & y))) | 0;
      c = (c + (g = g + ((d >>> 6) ^ (d >>> 11) ^ (d >>> 25) ^ (d << 26) ^ (d << 21) ^ (d << 7)) + (f ^ (d & (e ^ f))) + k[1]! + w1)) | 0;
      g = (g + ((h >>> 2) ^ (h >>> 13) ^ (h >>> 22) ^ (h << 30) ^ (h << 19) ^ (h << 10)) + (a ^ ((y = h ^ a) & x))) | 0;
      b = (b + (f = f + ((c >>> 6) ^ (c >>> 11) ^ (c >>> 25) ^ (c << 26) ^ (c << 21) ^ (c << 7)) + (e ^ (c & (d ^ e))) + k[2]! + w2)) | 0;
      f = (f + ((g >>> 2) ^ (g >>> 13) ^ (g >>> 22) ^ (g << 30) ^ (g << 19) ^ (g << 10)) + (h ^ ((x = g ^ h) & y))) | 0;
      a = (a + (e = e + ((b >>> 6) ^ (b >>> 11) ^ (b >>> 25) ^ (b << 26) ^ (b << 21) ^ (b << 7)) + (d ^ (b & (c ^ d))) + k[3]! + w3)) | 0;
      e = (e + ((f >>> 2) ^ (f >>> 13) ^ (f >>> 22) ^ (f << 30) ^ (f << 19) ^ (f << 10)) + (g ^ ((y = f ^ g) & x))) | 0;
      h = (h + (d = d + ((a >>> 6) ^ (a >>> 11) ^ (a >>> 25) ^ (a << 26) ^ (a << 21) ^ (a << 7)) + (c ^ (a & (b ^ c))) + k[4]! + w4)) | 0;
      d = (d + ((e >>> 2) ^ (e >>> 13) ^ (e >>> 22) ^ (e << 30) ^ (e << 19) ^ (e << 10)) + (f ^ ((x = e ^ f) & y))) | 0;
      g = (g + (c = c + ((h >>> 6) ^ (h >>> 11) ^ (h >>> 25) ^ (h << 26) ^ (h << 21) ^ (h << 7)) + (b ^ (h & (a ^ b))) + k[5]! + w5)) | 0;
      c = (c + ((d >>> 2) ^ (d >>> 13) ^ (d >>> 22) ^ (d << 30) ^ (d << 19) ^ (d << 10)) + (e ^ ((y = d ^ e) & x))) | 0;
      f = (f + (b = b + ((g >>> 6) ^ (g >>> 11) ^ (g >>> 25) ^ (g << 26) ^ (g << 21) ^ (g << 7)) + (a ^ (g & (h ^ a))) + k[6]! + w6)) | 0;
      b = (b + ((c >>> 2) ^ (c >>> 13) ^ (c >>> 22) ^ (c << 30) ^ (c << 19) ^ (c << 10)) + (d ^ ((x = c ^ d) & y))) | 0;
      e = (e + (a = a + ((f >>> 6) ^ (f >>> 11) ^ (f >>> 25) ^ (f << 26) ^ (f << 21) ^ (f << 7)) + (h ^ (f & (g ^ h))) + k[7]! + w7)) | 0;
      a = (a + ((b >>> 2) ^ (b >>> 13) ^ (b >>> 22) ^ (b << 30) ^ (b << 19) ^ (b << 10)) + (c ^ ((y = b ^ c) & x))) | 0;
      d = (d + (h = h + ((e >>> 6) ^ (e >>> 11) ^ (e >>> 25) ^ (e << 26) ^ (e << 21) ^ (e << 7)) + (g ^ (e & (f ^ g))) + k[8]! + w8)) | 0;
      h = (h + ((a >>> 2) ^ (a >>> 13) ^ (a >>> 22) ^ (a << 30) ^ (a << 19) ^ (a << 10)) + (b ^ ((x = a ^ b) & y))) | 0;
      c = (c + (g = g + ((d >>> 6) ^ (d >>> 11) ^ (d >>> 25) ^ (d << 26) ^ (d << 21) ^ (d << 7)) + (f ^ (d & (e ^ f))) + k[9]! + w9)) | 0;
      g = (g + ((h >>> 2) ^ (h >>> 13) ^ (h >>> 22) ^ (h << 30) ^ (h << 19) ^ (h << 10)) + (a ^ ((y = h ^ a) & x))) | 0;
      b = (b + (f = f + ((c >>> 6) ^ (c >>> 11) ^ (c >>> 25) ^ (c << 26) ^ (c << 21) ^ (c << 7)) + (e ^ (c & (d ^ e))) + k[10]! + w10)) | 0;
      f = (f + ((g >>> 2) ^ (g >>> 13) ^ (g >>> 22) ^ (g << 30) ^ (g << 19) ^ (g << 10)) + (h ^ ((x = g ^ h) & y))) | 0;
      a = (a + (e = e + ((b >>> 6) ^ (b >>> 11) ^ (b >>> 25) ^ (b << 26) ^ (b << 21) ^ (b << 7)) + (d ^ (b & (c ^ d))) + k[11]! + w11)) | 0;
      e = (e + ((f >>> 2) ^ (f >>> 13) ^ (f >>> 22) ^ (f << 30) ^ (f << 19) ^ (f << 10)) + (g ^ ((y = f ^ g) & x))) | 0;
      h = (h + (d = d + ((a >>> 6) ^ (a >>> 11) ^ (a >>> 25) ^ (a << 26) ^ (a << 21) ^ (a << 7)) + (c ^ (a & (b ^ c))) + k[12]! + w12)) | 0;
      d = (d + ((e >>> 2) ^ (e >>> 13) ^ (e >>> 22) ^ (e << 30) ^ (e << 19) ^ (e << 10)) + (f ^ ((x = e ^ f) & y))) | 0;
      g = (g + (c = c + ((h >>> 6) ^ (h >>> 11) ^ (h >>> 25) ^ (h << 26) ^ (h << 21) ^ (h << 7)) + (b ^ (h & (a ^ b))) + k[13]! + w13)) | 0;
      c = (c + ((d >>> 2) ^ (d >>> 13) ^ (d >>> 22) ^ (d << 30) ^ (d << 19) ^ (d << 10)) + (e ^ ((y = d ^ e) & x))) | 0;
      f = (f + (b = b + ((g >>> 6) ^ (g >>> 11) ^ (g >>> 25) ^ (g << 26) ^ (g << 21) ^ (g << 7)) + (a ^ (g & (h ^ a))) + k[14]! + w14)) | 0;
      b = (b + ((c >>> 2) ^ (c >>> 13) ^ (c >>> 22) ^ (c << 30) ^ (c << 19) ^ (c << 10)) + (d ^ ((x = c ^ d) & y))) | 0;
      e = (e + (a = a + ((f >>> 6) ^ (f >>> 11) ^ (f >>> 25) ^ (f << 26) ^ (f << 21) ^ (f << 7)) + (h ^ (f & (g ^ h))) + k[15]! + w15)) | 0;
      a = (a + ((b >>> 2) ^ (b >>> 13) ^ (b >>> 22) ^ (b << 30) ^ (b << 19) ^ (b << 10)) + (c ^ ((y = b ^ c) & x))) | 0;
      if (++q === 4) break;
      // The next sixteen schedule words, each replacing the word sixteen places back.
      w0 = (((w14 >>> 17) ^ (w14 >>> 19) ^ (w14 >>> 10) ^ (w14 << 15) ^ (w14 << 13)) + w9 + ((w1 >>> 7) ^ (w1 >>> 18) ^ (w1 >>> 3) ^ (w1 << 25) ^ (w1 << 14)) + w0) | 0;
      w1 = (((w15 >>> 17) ^ (w15 >>> 19) ^ (w15 >>> 10) ^ (w15 << 15) ^ (w15 << 13)) + w10 + ((w2 >>> 7) ^ (w2 >>> 18) ^ (w2 >>> 3) ^ (w2 << 25) ^ (w2 << 14)) + w1) | 0;
      w2 = (((w0 >>> 17) ^ (w0 >>> 19) ^ (w0 >>> 10) ^ (w0 << 15) ^ (w0 << 13)) + w11 + ((w3 >>> 7) ^ (w3 >>> 18) ^ (w3 >>> 3) ^ (w3 << 25) ^ (w3 << 14)) + w2) | 0;
      w3 = (((w1 >>> 17) ^ (w1 >>> 19) ^ (w1 >>> 10) ^ (w1 << 15) ^ (w1 << 13)) + w12 + ((w4 >>> 7) ^ (w4 >>> 18) ^ (w4 >>> 3) ^ (w4 << 25) ^ (w4 << 14)) + w3) | 0;
      w4 = (((w2 >>> 17) ^ (w2 >>> 19) ^ (w2 >>> 10) ^ (w2 << 15) ^ (w2 << 13)) + w13 + ((w5 >>> 7) ^ (w5 >>> 18) ^ (w5 >>> 3) ^ (w5 << 25) ^ (w5 << 14)) + w4) | 0;
      w5 = (((w3 >>> 17) ^ (w3 >>> 19) ^ (w3 >>> 10) ^ (w3 << 15) ^ (w3 << 13)) + w14 + ((w6 >>> 7) ^ (w6 >>> 18) ^ (w6 >>> 3) ^ (w6 << 25) ^ (w6 << 14)) + w5) | 0;
      w6 = (((w4 >>> 17) ^ (w4 >>> 19) ^ (w4 >>> 10) ^ (w4 << 15) ^ (w4 << 13)) + w15 + ((w7 >>> 7) ^ (w7 >>> 18) ^ (w7 >>> 3) ^ (w7 << 25) ^ (w7 << 14)) + w6) | 0;
      w7 = (((w5 >>> 17) ^ (w5 >>> 19) ^ (w5 >>> 10) ^ (w5 << 15) ^ (w5 << 13)) + w0 + ((w8 >>> 7) ^ (w8 >>> 18) ^ (w8 >>> 3) ^ (w8 << 25) ^ (w8 << 14)) + w7) | 0;
      w8 = (((w6 >>> 17) ^ (w6 >>> 19) ^ (w6 >>> 10) ^ (w6 << 15) ^ (w6 << 13)) + w1 + ((w9 >>> 7) ^ (w9 >>> 18) ^ (w9 >>> 3) ^ (w9 << 25) ^ (w9 << 14)) + w8) | 0;
      w9 = (((w7 >>> 17) ^ (w7 >>> 19) ^ (w7 >>> 10) ^ (w7 << 15) ^ (w7 << 13)) + w2 + ((w10 >>> 7) ^ (w10 >>> 18) ^ (w10 >>> 3) ^ (w10 << 25) ^ (w10 << 14)) + w9) | 0;
      w10 = (((w8 >>> 17) ^ (w8 >>> 19) ^ (w8 >>> 10) ^ (w8 << 15) ^ (w8 << 13)) + w3 + ((w11 >>> 7) ^ (w11 >>> 18) ^ (w11 >>> 3) ^ (w11 << 25) ^ (w11 << 14)) + w10) | 0;
      w11 = (((w9 >>> 17) ^ (w9 >>> 19) ^ (w9 >>> 10) ^ (w9 << 15) ^ (w9 << 13)) + w4 + ((w12 >>> 7) ^ (w12 >>> 18) ^ (w12 >>> 3) ^ (w12 << 25) ^ (w12 << 14)) + w11) | 0;
      w12 = (((w10 >>> 17) ^ (w10 >>> 19) ^ (w10 >>> 10) ^ (w10 << 15) ^ (w10 << 13)) + w5 + ((w13 >>> 7) ^ (w13 >>> 18) ^ (w13 >>> 3) ^ (w13 << 25) ^ (w13 << 14)) + w12) | 0;
      w13 = (((w11 >>> 17) ^ (w11 >>> 19) ^ (w11 >>> 10) ^ (w11 << 15) ^ (w11 << 13)) + w6 + ((w14 >>> 7) ^ (w14 >>> 18) ^ (w14 >>> 3) ^ (w14 << 25) ^ (w14 << 14)) + w13) | 0;
      w14 = (((w12 >>> 17) ^ (w12 >>> 19) ^ (w12 >>> 10) ^ (w12 << 15) ^ (w12 << 13)) + w7 + ((w15 >>> 7) ^ (w15 >>> 18) ^ (w15 >>> 3) ^ (w15 << 25) ^ (w15 << 14)) + w14) | 0;
      w15 = (((w13 >>> 17) ^ (w13 >>> 19) ^ (w13 >>> 10) ^ (w13 << 15) ^ (w13 << 13)) + w8 + ((w0 >>> 7) ^ (w0 >>> 18) ^ (w0 >>> 3) ^ (w0 << 25) ^ (w0 << 14)) + w15) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  const o = new DataView(out.buffer, out.byteOffset + at, 32);
  o.setInt32(0, h0);
  o.setInt32(4, h1);
  o.setInt32(8, h2);
  o.setInt32(12, h3);
  o.setInt32(16, h4);
  o.setInt32(20, h5);
  o.setInt32(24, h6);
  o.setInt32(28, h7);
}

export function sha256(message: Uint8Array): Uint8Array {
  const n = message.length;
  const m = new Uint8Array((n + 72) & ~63);
  m.set(message);
  const out = new Uint8Array(32);
  sha256Into(m, n, out, 0);
  return out;
}
