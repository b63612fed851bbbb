/**
 * SHA-1 (FIPS 180-4 §6.1; RFC 3174). Still required by Tencent's v1 registration signature and the
 * hmacsha1 MQTT password, so it has to be here despite its collision weakness (HMAC-SHA1 is not affected).
 *
 * Written for an interpreter (XS on the ESP32): the whole padded message is made with one native copy, so
 * there is a single block loop with no tail special case; the working variables are locals; the 80 rounds run
 * five at a time with the variables' roles rotated in the source instead of shuffled at run time.
 */

export function sha1(message: Uint8Array): Uint8Array {
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

  // FIPS 180-4 §5.3.1 initial hash value
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  const w = new Int32Array(80); // per call: XS freezes module-level state
  for (let j = 0; j < size; j += 64) {
    // §6.1.2 step 1: the message schedule
    for (let t = 0, i = j; t < 16; t++, i += 4) w[t] = (m[i]! << 24) | (m[i + 1]! << 16) | (m[i + 2]! << 8) | m[i + 3]!;
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
      w[t] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    // Rounds 0-19, Ch(x,y,z) written as z ^ (x & (y ^ z)) (one operation fewer).
    for (let t = 0; t < 20; t += 5) {
      e = (((a << 5) | (a >>> 27)) + (d ^ (b & (c ^ d))) + e + w[t]! + 0x5a827999) | 0;
      b = (b << 30) | (b >>> 2);
      d = (((e << 5) | (e >>> 27)) + (c ^ (a & (b ^ c))) + d + w[t + 1]! + 0x5a827999) | 0;
      a = (a << 30) | (a >>> 2);
      c = (((d << 5) | (d >>> 27)) + (b ^ (e & (a ^ b))) + c + w[t + 2]! + 0x5a827999) | 0;
      e = (e << 30) | (e >>> 2);
      b = (((c << 5) | (c >>> 27)) + (a ^ (d & (e ^ a))) + b + w[t + 3]! + 0x5a827999) | 0;
      d = (d << 30) | (d >>> 2);
      a = (((b << 5) | (b >>> 27)) + (e ^ (c & (d ^ e))) + a + w[t + 4]! + 0x5a827999) | 0;
      c = (c << 30) | (c >>> 2);
    }
    // Rounds 20-39, Parity
    for (let t = 20; t < 40; t += 5) {
      e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[t]! + 0x6ed9eba1) | 0;
      b = (b << 30) | (b >>> 2);
      d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + w[t + 1]! + 0x6ed9eba1) | 0;
      a = (a << 30) | (a >>> 2);
      c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + w[t + 2]! + 0x6ed9eba1) | 0;
      e = (e << 30) | (e >>> 2);
      b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + w[t + 3]! + 0x6ed9eba1) | 0;
      d = (d << 30) | (d >>> 2);
      a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + w[t + 4]! + 0x6ed9eba1) | 0;
      c = (c << 30) | (c >>> 2);
    }
    // Rounds 40-59, Maj(x,y,z) written as (x & y) | (z & (x | y))
    for (let t = 40; t < 60; t += 5) {
      e = (((a << 5) | (a >>> 27)) + ((b & c) | (d & (b | c))) + e + w[t]! - 0x70e44324) | 0;
      b = (b << 30) | (b >>> 2);
      d = (((e << 5) | (e >>> 27)) + ((a & b) | (c & (a | b))) + d + w[t + 1]! - 0x70e44324) | 0;
      a = (a << 30) | (a >>> 2);
      c = (((d << 5) | (d >>> 27)) + ((e & a) | (b & (e | a))) + c + w[t + 2]! - 0x70e44324) | 0;
      e = (e << 30) | (e >>> 2);
      b = (((c << 5) | (c >>> 27)) + ((d & e) | (a & (d | e))) + b + w[t + 3]! - 0x70e44324) | 0;
      d = (d << 30) | (d >>> 2);
      a = (((b << 5) | (b >>> 27)) + ((c & d) | (e & (c | d))) + a + w[t + 4]! - 0x70e44324) | 0;
      c = (c << 30) | (c >>> 2);
    }
    // Rounds 60-79, Parity
    for (let t = 60; t < 80; t += 5) {
      e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[t]! - 0x359d3e2a) | 0;
      b = (b << 30) | (b >>> 2);
      d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + w[t + 1]! - 0x359d3e2a) | 0;
      a = (a << 30) | (a >>> 2);
      c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + w[t + 2]! - 0x359d3e2a) | 0;
      e = (e << 30) | (e >>> 2);
      b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + w[t + 3]! - 0x359d3e2a) | 0;
      d = (d << 30) | (d >>> 2);
      a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + w[t + 4]! - 0x359d3e2a) | 0;
      c = (c << 30) | (c >>> 2);
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  const out = new Uint8Array(20);
  out[0] = h0 >>> 24; out[1] = h0 >>> 16; out[2] = h0 >>> 8; out[3] = h0;
  out[4] = h1 >>> 24; out[5] = h1 >>> 16; out[6] = h1 >>> 8; out[7] = h1;
  out[8] = h2 >>> 24; out[9] = h2 >>> 16; out[10] = h2 >>> 8; out[11] = h2;
  out[12] = h3 >>> 24; out[13] = h3 >>> 16; out[14] = h3 >>> 8; out[15] = h3;
  out[16] = h4 >>> 24; out[17] = h4 >>> 16; out[18] = h4 >>> 8; out[19] = h4;
  return out;
}
