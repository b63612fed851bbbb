/**
 * SHA-256 (FIPS 180-4 §6.2). Used for the v2 registration signature (HMAC-SHA256), the v2 body hash and the
 * hmacsha256 MQTT password.
 *
 * Written for an interpreter (XS on the ESP32), like sha1.ts: one native copy makes the padded message, the
 * working variables are locals, and the 64 rounds run eight at a time with the variables' roles rotated in
 * the source (each round only writes the two variables that change), so nothing is shuffled at run time.
 */

/** FIPS 180-4 §4.2.2 round constants. A typed array that is never written, so XS can keep it in flash. */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

export function sha256(message: Uint8Array): Uint8Array {
  const n = message.length;
  // FIPS 180-4 §5.1.1: append 0x80, zeros, and the 64-bit big-endian bit length, to a multiple of 64 bytes.
  const size = (n + 72) & ~63;
  const m = new Uint8Array(size);
  m.set(message);
  m[n] = 0x80;
  const bitsHigh = (n / 0x20000000) | 0;
  const bitsLow = n << 3;
  m[size - 8] = bitsHigh >>> 24;
  m[size - 7] = bitsHigh >>> 16;
  m[size - 6] = bitsHigh >>> 8;
  m[size - 5] = bitsHigh;
  m[size - 4] = bitsLow >>> 24;
  m[size - 3] = bitsLow >>> 16;
  m[size - 2] = bitsLow >>> 8;
  m[size - 1] = bitsLow;

  // FIPS 180-4 §5.3.3 initial hash value
  let h0 = 0x6a09e667;
  let h1 = 0xbb67ae85 | 0;
  let h2 = 0x3c6ef372;
  let h3 = 0xa54ff53a | 0;
  let h4 = 0x510e527f;
  let h5 = 0x9b05688c | 0;
  let h6 = 0x1f83d9ab;
  let h7 = 0x5be0cd19;
  const w = new Int32Array(64); // per call: XS freezes module-level state
  for (let j = 0; j < size; j += 64) {
    // §6.2.2 step 1: the message schedule, with σ0 and σ1 inline
    for (let t = 0, i = j; t < 16; t++, i += 4) w[t] = (m[i]! << 24) | (m[i + 1]! << 16) | (m[i + 2]! << 8) | m[i + 3]!;
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15]!;
      const y = w[t - 2]!;
      w[t] = ((((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) +
        (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) + w[t - 7]! + w[t - 16]!) | 0;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    // §6.2.2 step 3, eight rounds per iteration: Σ1(e) + Ch(e,f,g) + K + W goes into h, then d += that, then
    // h += Σ0(a) + Maj(a,b,c). Ch is g ^ (e & (f ^ g)) and Maj is (a & b) | (c & (a | b)), one operation fewer
    // each than the textbook forms.
    for (let t = 0; t < 64; t += 8) {
      h = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + K[t]! + w[t]!) | 0;
      d = (d + h) | 0;
      h = (h + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) | 0;
      g = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + K[t + 1]! + w[t + 1]!) | 0;
      c = (c + g) | 0;
      g = (g + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) + ((h & a) | (b & (h | a)))) | 0;
      f = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + K[t + 2]! + w[t + 2]!) | 0;
      b = (b + f) | 0;
      f = (f + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & h) | (a & (g | h)))) | 0;
      e = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + K[t + 3]! + w[t + 3]!) | 0;
      a = (a + e) | 0;
      e = (e + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) | (h & (f | g)))) | 0;
      d = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + K[t + 4]! + w[t + 4]!) | 0;
      h = (h + d) | 0;
      d = (d + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) | (g & (e | f)))) | 0;
      c = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + K[t + 5]! + w[t + 5]!) | 0;
      g = (g + c) | 0;
      c = (c + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) | (f & (d | e)))) | 0;
      b = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + K[t + 6]! + w[t + 6]!) | 0;
      f = (f + b) | 0;
      b = (b + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) | (e & (c | d)))) | 0;
      a = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + K[t + 7]! + w[t + 7]!) | 0;
      e = (e + a) | 0;
      a = (a + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) | (d & (b | c)))) | 0;
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
  const out = new Uint8Array(32);
  out[0] = h0 >>> 24; out[1] = h0 >>> 16; out[2] = h0 >>> 8; out[3] = h0;
  out[4] = h1 >>> 24; out[5] = h1 >>> 16; out[6] = h1 >>> 8; out[7] = h1;
  out[8] = h2 >>> 24; out[9] = h2 >>> 16; out[10] = h2 >>> 8; out[11] = h2;
  out[12] = h3 >>> 24; out[13] = h3 >>> 16; out[14] = h3 >>> 8; out[15] = h3;
  out[16] = h4 >>> 24; out[17] = h4 >>> 16; out[18] = h4 >>> 8; out[19] = h4;
  out[20] = h5 >>> 24; out[21] = h5 >>> 16; out[22] = h5 >>> 8; out[23] = h5;
  out[24] = h6 >>> 24; out[25] = h6 >>> 16; out[26] = h6 >>> 8; out[27] = h6;
  out[28] = h7 >>> 24; out[29] = h7 >>> 16; out[30] = h7 >>> 8; out[31] = h7;
  return out;
}
