/**
 * AES decryption (FIPS 197) in CBC mode (NIST SP 800-38A §6.2), for the registration payload Tencent sends
 * encrypted. Only decryption is needed, so only the decryption tables exist.
 *
 * Tables (built once at load, never written afterwards, so XS preload can keep them in flash), 4.5 KiB:
 * - SBOX (256 B): the forward S-box, needed only by the key expansion (FIPS 197 §5.2).
 * - INV_SBOX (256 B): the inverse S-box, for the last round.
 * - TD0..TD3 (4 × 1 KiB): the "equivalent inverse cipher" T-tables (FIPS 197 §5.3.5): TD0[x] is the
 *   InvMixColumns column of InvSubBytes(x) in the top byte, TD1..TD3 are its byte rotations. Four tables
 *   instead of one plus run-time rotations save about a third of the work per round in an interpreter.
 * No padding is removed: the caller (Tencent's payload is zero-padded, cut to `len`) decides.
 */
import { IotError } from '../errors.js';

interface Tables {
  readonly sbox: Uint8Array;
  readonly invSbox: Uint8Array;
  readonly td0: Int32Array;
  readonly td1: Int32Array;
  readonly td2: Int32Array;
  readonly td3: Int32Array;
}

/** Builds the tables from GF(2^8) arithmetic rather than pasting 4 KiB of hex: smaller source, checkable. */
function buildTables(): Tables {
  // Powers and logarithms of the generator 3 in GF(2^8) with the AES polynomial x^8+x^4+x^3+x+1 (FIPS 197 §4).
  const exp = new Uint8Array(256);
  const log = new Uint8Array(256);
  for (let i = 0, x = 1; i < 255; i++) {
    exp[i] = x;
    log[x] = i;
    x ^= (x << 1) ^ (x & 0x80 ? 0x11b : 0); // x * 3 = x * 2 ^ x
  }
  const mul = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : exp[(log[a]! + log[b]!) % 255]!);
  const sbox = new Uint8Array(256);
  const invSbox = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    // FIPS 197 §5.1.1: multiplicative inverse, then the affine transformation.
    const inv = i === 0 ? 0 : exp[(255 - log[i]!) % 255]!;
    const s = inv ^ ((inv << 1) | (inv >> 7)) ^ ((inv << 2) | (inv >> 6)) ^ ((inv << 3) | (inv >> 5)) ^ ((inv << 4) | (inv >> 4)) ^ 0x63;
    sbox[i] = s & 0xff;
    invSbox[s & 0xff] = i;
  }
  const td0 = new Int32Array(256);
  const td1 = new Int32Array(256);
  const td2 = new Int32Array(256);
  const td3 = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    // FIPS 197 §5.3.3: InvMixColumns multiplies by {0e}, {09}, {0d}, {0b}.
    const s = invSbox[i]!;
    const t = (mul(s, 0x0e) << 24) | (mul(s, 0x09) << 16) | (mul(s, 0x0d) << 8) | mul(s, 0x0b);
    td0[i] = t;
    td1[i] = (t >>> 8) | (t << 24);
    td2[i] = (t >>> 16) | (t << 16);
    td3[i] = (t >>> 24) | (t << 8);
  }
  return Object.freeze({ sbox, invSbox, td0, td1, td2, td3 });
}

const TABLES = buildTables();

/**
 * The decryption round keys of the equivalent inverse cipher (FIPS 197 §5.3.5): the §5.2 key expansion,
 * rounds in reverse order, InvMixColumns applied to all but the first and last.
 */
function expandDecryptionKey(key: Uint8Array): Int32Array {
  const { sbox, td0, td1, td2, td3 } = TABLES;
  const nk = key.length >> 2;
  const rounds = nk + 6;
  const total = 4 * (rounds + 1);
  const w = new Int32Array(total);
  for (let i = 0; i < nk; i++) w[i] = (key[4 * i]! << 24) | (key[4 * i + 1]! << 16) | (key[4 * i + 2]! << 8) | key[4 * i + 3]!;
  for (let i = nk, rcon = 1; i < total; i++) {
    let t = w[i - 1]!;
    if (i % nk === 0) {
      // SubWord(RotWord(t)) ^ Rcon
      t = ((sbox[(t >>> 16) & 255]! << 24) | (sbox[(t >>> 8) & 255]! << 16) | (sbox[t & 255]! << 8) | sbox[t >>> 24]!) ^ (rcon << 24);
      rcon = (rcon << 1) ^ (rcon & 0x80 ? 0x11b : 0);
    } else if (nk > 6 && i % nk === 4) {
      t = (sbox[t >>> 24]! << 24) | (sbox[(t >>> 16) & 255]! << 16) | (sbox[(t >>> 8) & 255]! << 8) | sbox[t & 255]!;
    }
    w[i] = w[i - nk]! ^ t;
  }
  const dk = new Int32Array(total);
  for (let r = 0; r <= rounds; r++) {
    for (let c = 0; c < 4; c++) {
      const t = w[4 * (rounds - r) + c]!;
      // InvMixColumns(t) = TD[S[t]] (TD applies InvSubBytes, S undoes it), for the middle rounds only.
      dk[4 * r + c] = r === 0 || r === rounds ? t
        : td0[sbox[t >>> 24]!]! ^ td1[sbox[(t >>> 16) & 255]!]! ^ td2[sbox[(t >>> 8) & 255]!]! ^ td3[sbox[t & 255]!]!;
    }
  }
  return dk;
}

export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const kl = key.length;
  if (kl !== 16 && kl !== 24 && kl !== 32) throw new IotError('bad-input', 'AES key must be 16, 24 or 32 bytes');
  if (iv.length !== 16) throw new IotError('bad-input', 'AES-CBC IV must be 16 bytes');
  const n = data.length;
  if (n % 16 !== 0) throw new IotError('bad-input', 'AES-CBC data length must be a multiple of 16');

  const { invSbox, td0, td1, td2, td3 } = TABLES;
  const dk = expandDecryptionKey(key);
  const half = (kl >> 3) + 3; // rounds / 2: 5, 6 or 7
  const out = new Uint8Array(n);
  // The previous ciphertext block (the IV at first), as big-endian words.
  let p0 = (iv[0]! << 24) | (iv[1]! << 16) | (iv[2]! << 8) | iv[3]!;
  let p1 = (iv[4]! << 24) | (iv[5]! << 16) | (iv[6]! << 8) | iv[7]!;
  let p2 = (iv[8]! << 24) | (iv[9]! << 16) | (iv[10]! << 8) | iv[11]!;
  let p3 = (iv[12]! << 24) | (iv[13]! << 16) | (iv[14]! << 8) | iv[15]!;
  for (let o = 0; o < n; o += 16) {
    const c0 = (data[o]! << 24) | (data[o + 1]! << 16) | (data[o + 2]! << 8) | data[o + 3]!;
    const c1 = (data[o + 4]! << 24) | (data[o + 5]! << 16) | (data[o + 6]! << 8) | data[o + 7]!;
    const c2 = (data[o + 8]! << 24) | (data[o + 9]! << 16) | (data[o + 10]! << 8) | data[o + 11]!;
    const c3 = (data[o + 12]! << 24) | (data[o + 13]! << 16) | (data[o + 14]! << 8) | data[o + 15]!;
    let s0 = c0 ^ dk[0]!;
    let s1 = c1 ^ dk[1]!;
    let s2 = c2 ^ dk[2]!;
    let s3 = c3 ^ dk[3]!;
    let t0: number;
    let t1: number;
    let t2: number;
    let t3: number;
    // Two rounds per iteration (s → t → s), so no copying between them; the last full round leaves t.
    for (let k = 4, r = half; ; k += 8) {
      t0 = td0[s0 >>> 24]! ^ td1[(s3 >>> 16) & 255]! ^ td2[(s2 >>> 8) & 255]! ^ td3[s1 & 255]! ^ dk[k]!;
      t1 = td0[s1 >>> 24]! ^ td1[(s0 >>> 16) & 255]! ^ td2[(s3 >>> 8) & 255]! ^ td3[s2 & 255]! ^ dk[k + 1]!;
      t2 = td0[s2 >>> 24]! ^ td1[(s1 >>> 16) & 255]! ^ td2[(s0 >>> 8) & 255]! ^ td3[s3 & 255]! ^ dk[k + 2]!;
      t3 = td0[s3 >>> 24]! ^ td1[(s2 >>> 16) & 255]! ^ td2[(s1 >>> 8) & 255]! ^ td3[s0 & 255]! ^ dk[k + 3]!;
      if (--r === 0) break;
      s0 = td0[t0 >>> 24]! ^ td1[(t3 >>> 16) & 255]! ^ td2[(t2 >>> 8) & 255]! ^ td3[t1 & 255]! ^ dk[k + 4]!;
      s1 = td0[t1 >>> 24]! ^ td1[(t0 >>> 16) & 255]! ^ td2[(t3 >>> 8) & 255]! ^ td3[t2 & 255]! ^ dk[k + 5]!;
      s2 = td0[t2 >>> 24]! ^ td1[(t1 >>> 16) & 255]! ^ td2[(t0 >>> 8) & 255]! ^ td3[t3 & 255]! ^ dk[k + 6]!;
      s3 = td0[t3 >>> 24]! ^ td1[(t2 >>> 16) & 255]! ^ td2[(t1 >>> 8) & 255]! ^ td3[t0 & 255]! ^ dk[k + 7]!;
    }
    // Last round: InvShiftRows + InvSubBytes + AddRoundKey, no InvMixColumns; then the CBC XOR.
    const k = dk.length - 4;
    s0 = ((invSbox[t0 >>> 24]! << 24) | (invSbox[(t3 >>> 16) & 255]! << 16) | (invSbox[(t2 >>> 8) & 255]! << 8) | invSbox[t1 & 255]!) ^ dk[k]! ^ p0;
    s1 = ((invSbox[t1 >>> 24]! << 24) | (invSbox[(t0 >>> 16) & 255]! << 16) | (invSbox[(t3 >>> 8) & 255]! << 8) | invSbox[t2 & 255]!) ^ dk[k + 1]! ^ p1;
    s2 = ((invSbox[t2 >>> 24]! << 24) | (invSbox[(t1 >>> 16) & 255]! << 16) | (invSbox[(t0 >>> 8) & 255]! << 8) | invSbox[t3 & 255]!) ^ dk[k + 2]! ^ p2;
    s3 = ((invSbox[t3 >>> 24]! << 24) | (invSbox[(t2 >>> 16) & 255]! << 16) | (invSbox[(t1 >>> 8) & 255]! << 8) | invSbox[t0 & 255]!) ^ dk[k + 3]! ^ p3;
    out[o] = s0 >>> 24; out[o + 1] = s0 >>> 16; out[o + 2] = s0 >>> 8; out[o + 3] = s0;
    out[o + 4] = s1 >>> 24; out[o + 5] = s1 >>> 16; out[o + 6] = s1 >>> 8; out[o + 7] = s1;
    out[o + 8] = s2 >>> 24; out[o + 9] = s2 >>> 16; out[o + 10] = s2 >>> 8; out[o + 11] = s2;
    out[o + 12] = s3 >>> 24; out[o + 13] = s3 >>> 16; out[o + 14] = s3 >>> 8; out[o + 15] = s3;
    p0 = c0;
    p1 = c1;
    p2 = c2;
    p3 = c3;
  }
  return out;
}
