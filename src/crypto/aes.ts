/**
 * AES decryption (FIPS 197) in CBC mode (NIST SP 800-38A §6.2), for the registration payload Tencent sends
 * encrypted. Only decryption is needed, so only the decryption tables exist.
 *
 * Tables (built once at load, never written afterwards, so XS preload can keep them in flash), 4.5 KiB:
 * - sbox (256 B): the forward S-box, needed only by the key expansion (FIPS 197 §5.2).
 * - invSbox (256 B): the inverse S-box, for the last round.
 * - td0..td3 (4 × 1 KiB): the "equivalent inverse cipher" T-tables (FIPS 197 §5.3.5): td0[x] is the
 *   InvMixColumns column of InvSubBytes(x) in the top byte, td1..td3 are its byte rotations. Four tables
 *   instead of one plus run-time rotations save about a third of the work per round in an interpreter.
 *   They are typed arrays: plain arrays read one byte code faster on XS but take 16-32 bytes per entry.
 *
 * The block loop is written for XS (see sha256.ts on why operation counts matter): state in locals, two
 * rounds per iteration, one array per round-key column, words in and out through DataView.
 * No padding is removed: the caller (Tencent's payload is zero-padded, cut to `len`) decides.
 *
 * Key sizes: Tencent's payload uses AES-128 only (the first 16 characters of the product secret), which has
 * its own unrolled key expansion below. AES-192 and AES-256 are public API of `aesCbcDecrypt` all the same
 * (SP 800-38A F.2.4 and F.2.6 vectors in the tests); their generic key expansion is about 25 lines.
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

/** SubWord (FIPS 197 §5.2) of RotWord(t), as one expression for the hot AES-128 path and the generic one. */
function subRotWord(sbox: Uint8Array, t: number): number {
  return (sbox[(t >>> 16) & 255]! << 24) | (sbox[(t >>> 8) & 255]! << 16) | (sbox[t & 255]! << 8) | sbox[t >>> 24]!;
}

/**
 * The round keys for the equivalent inverse cipher (FIPS 197 §5.3.5): the §5.2 key expansion, then
 * InvMixColumns applied in place to every round key but the first and the last.
 *
 * Stored column-major: column j of round key r is at j × (rounds + 1) + r, so that the decryption can take
 * one view per column and read `k1[r]` rather than `rk[4 * r + 1]` (in an interpreter the index arithmetic
 * costs as much as the read).
 */
function expandDecryptionKey(key: Uint8Array): Int32Array {
  const { sbox, td0, td1, td2, td3 } = TABLES;
  const nk = key.length >> 2;
  const rows = nk + 7; // rounds + 1
  const rk = new Int32Array(4 * rows);
  const kv = new DataView(key.buffer, key.byteOffset, key.length);
  let i = 0;
  let t = 0;
  let rcon = 1; // Rcon[i] = x^(i-1) in GF(2^8)
  if (nk === 4) {
    // AES-128, the one Tencent uses: a row of four words is one round key, kept in locals, and InvMixColumns
    // is applied to the middle ones straight from the locals (InvMixColumns(x) = TD[S[x]]: the T-tables apply
    // InvSubBytes, which the forward S-box undoes first). Inline rather than helper calls: each call costs
    // XS more than the expression.
    let a = kv.getInt32(0);
    let b = kv.getInt32(4);
    let c = kv.getInt32(8);
    let d = kv.getInt32(12);
    rk[0] = a;
    rk[11] = b;
    rk[22] = c;
    rk[33] = d;
    for (i = 1; ; i++) {
      a ^= ((sbox[(d >>> 16) & 255]! << 24) | (sbox[(d >>> 8) & 255]! << 16) | (sbox[d & 255]! << 8) | sbox[d >>> 24]!) ^ (rcon << 24);
      b ^= a;
      c ^= b;
      d ^= c;
      if (i === 10) break;
      rk[i] = td0[sbox[a >>> 24]!]! ^ td1[sbox[(a >>> 16) & 255]!]! ^ td2[sbox[(a >>> 8) & 255]!]! ^ td3[sbox[a & 255]!]!;
      rk[i + 11] = td0[sbox[b >>> 24]!]! ^ td1[sbox[(b >>> 16) & 255]!]! ^ td2[sbox[(b >>> 8) & 255]!]! ^ td3[sbox[b & 255]!]!;
      rk[i + 22] = td0[sbox[c >>> 24]!]! ^ td1[sbox[(c >>> 16) & 255]!]! ^ td2[sbox[(c >>> 8) & 255]!]! ^ td3[sbox[c & 255]!]!;
      rk[i + 33] = td0[sbox[d >>> 24]!]! ^ td1[sbox[(d >>> 16) & 255]!]! ^ td2[sbox[(d >>> 8) & 255]!]! ^ td3[sbox[d & 255]!]!;
      rcon <<= 1; // doubling in GF(2^8): 0x01 .. 0x80, then 0x1b, 0x36
      if (rcon === 0x100) rcon = 0x1b;
    }
    rk[10] = a;
    rk[21] = b;
    rk[32] = c;
    rk[43] = d;
    return rk;
  }
  // AES-192/256: the word-by-word §5.2 loop; `t` is the previous word, `c` the position in the nk-word period.
  const w = new Int32Array(4 * rows);
  for (i = 0, t = 0; i < nk; i++) w[i] = t = kv.getInt32(4 * i);
  for (let c = 0; i < w.length; i++) {
    if (c === 0) {
      t = subRotWord(sbox, t) ^ (rcon << 24);
      rcon <<= 1; // AES-192 needs eight (0x01 .. 0x80), AES-256 seven: no reduction needed
    } else if (c === 4 && nk === 8) {
      t = (sbox[t >>> 24]! << 24) | (sbox[(t >>> 16) & 255]! << 16) | (sbox[(t >>> 8) & 255]! << 8) | sbox[t & 255]!;
    }
    w[i] = t ^= w[i - nk]!;
    if (++c === nk) c = 0;
  }
  for (i = 0; i < w.length; i++) rk[(i & 3) * rows + (i >> 2)] = w[i]!;
  // InvMixColumns on rounds 1 .. rounds-1 of each column; the first and last round keys stay as they are.
  for (let base = 0, end: number; base < rk.length; base += rows) {
    for (i = base + 1, end = base + rows - 1; i < end; i++) {
      t = rk[i]!;
      rk[i] = td0[sbox[t >>> 24]!]! ^ td1[sbox[(t >>> 16) & 255]!]! ^ td2[sbox[(t >>> 8) & 255]!]! ^ td3[sbox[t & 255]!]!;
    }
  }
  return rk;
}

export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const kl = key.length;
  if (kl !== 16 && kl !== 24 && kl !== 32) throw new IotError('bad-input', 'AES key must be 16, 24 or 32 bytes');
  if (iv.length !== 16) throw new IotError('bad-input', 'AES-CBC IV must be 16 bytes');
  const n = data.length;
  if (n % 16 !== 0) throw new IotError('bad-input', 'AES-CBC data length must be a multiple of 16');

  const { invSbox, td0, td1, td2, td3 } = TABLES;
  const rk = expandDecryptionKey(key);
  const rounds = (kl >> 2) + 6;
  const rows = rounds + 1;
  const k0 = rk.subarray(0, rows);
  const k1 = rk.subarray(rows, 2 * rows);
  const k2 = rk.subarray(2 * rows, 3 * rows);
  const k3 = rk.subarray(3 * rows);
  // The first and last round keys are used once per block: locals are cheaper than array reads.
  const f0 = k0[rounds]!;
  const f1 = k1[rounds]!;
  const f2 = k2[rounds]!;
  const f3 = k3[rounds]!;
  const l0 = k0[0]!;
  const l1 = k1[0]!;
  const l2 = k2[0]!;
  const l3 = k3[0]!;
  const out = new Uint8Array(n);
  // Big-endian words in and out through DataView: one native call instead of four byte accesses and shifts.
  const din = new DataView(data.buffer, data.byteOffset, n);
  const dout = new DataView(out.buffer);
  const ivv = new DataView(iv.buffer, iv.byteOffset, 16);
  // The previous ciphertext block (the IV at first).
  let p0 = ivv.getInt32(0);
  let p1 = ivv.getInt32(4);
  let p2 = ivv.getInt32(8);
  let p3 = ivv.getInt32(12);
  // Declared once, outside the block loop, so the loop allocates nothing; the initialisers cost XS one byte code
  // each per call, not per block. (The host does not run this loop: its HAL decrypts with node:crypto.)
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0, s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let t0 = 0, t1 = 0, t2 = 0, t3 = 0, r = 0, o = 0;
  for (o = 0; o < n; o += 16) {
    s0 = (c0 = din.getInt32(o)) ^ f0;
    s1 = (c1 = din.getInt32(o + 4)) ^ f1;
    s2 = (c2 = din.getInt32(o + 8)) ^ f2;
    s3 = (c3 = din.getInt32(o + 12)) ^ f3;
    // Two rounds per iteration (s → t → s), so nothing is copied between them. Round keys rounds-1 .. 1; the
    // rounds are 10, 12 or 14, so the last full round (key 1) is a first half and leaves its result in t.
    for (r = rounds - 1; ; r--) {
      t0 = td0[s0 >>> 24]! ^ td1[(s3 >>> 16) & 255]! ^ td2[(s2 >>> 8) & 255]! ^ td3[s1 & 255]! ^ k0[r]!;
      t1 = td0[s1 >>> 24]! ^ td1[(s0 >>> 16) & 255]! ^ td2[(s3 >>> 8) & 255]! ^ td3[s2 & 255]! ^ k1[r]!;
      t2 = td0[s2 >>> 24]! ^ td1[(s1 >>> 16) & 255]! ^ td2[(s0 >>> 8) & 255]! ^ td3[s3 & 255]! ^ k2[r]!;
      t3 = td0[s3 >>> 24]! ^ td1[(s2 >>> 16) & 255]! ^ td2[(s1 >>> 8) & 255]! ^ td3[s0 & 255]! ^ k3[r]!;
      if (--r === 0) break;
      s0 = td0[t0 >>> 24]! ^ td1[(t3 >>> 16) & 255]! ^ td2[(t2 >>> 8) & 255]! ^ td3[t1 & 255]! ^ k0[r]!;
      s1 = td0[t1 >>> 24]! ^ td1[(t0 >>> 16) & 255]! ^ td2[(t3 >>> 8) & 255]! ^ td3[t2 & 255]! ^ k1[r]!;
      s2 = td0[t2 >>> 24]! ^ td1[(t1 >>> 16) & 255]! ^ td2[(t0 >>> 8) & 255]! ^ td3[t3 & 255]! ^ k2[r]!;
      s3 = td0[t3 >>> 24]! ^ td1[(t2 >>> 16) & 255]! ^ td2[(t1 >>> 8) & 255]! ^ td3[t0 & 255]! ^ k3[r]!;
    }
    // Last round: InvShiftRows + InvSubBytes + AddRoundKey, no InvMixColumns; then the CBC XOR.
    dout.setInt32(o, ((invSbox[t0 >>> 24]! << 24) | (invSbox[(t3 >>> 16) & 255]! << 16) | (invSbox[(t2 >>> 8) & 255]! << 8) | invSbox[t1 & 255]!) ^ l0 ^ p0);
    dout.setInt32(o + 4, ((invSbox[t1 >>> 24]! << 24) | (invSbox[(t0 >>> 16) & 255]! << 16) | (invSbox[(t3 >>> 8) & 255]! << 8) | invSbox[t2 & 255]!) ^ l1 ^ p1);
    dout.setInt32(o + 8, ((invSbox[t2 >>> 24]! << 24) | (invSbox[(t1 >>> 16) & 255]! << 16) | (invSbox[(t0 >>> 8) & 255]! << 8) | invSbox[t3 & 255]!) ^ l2 ^ p2);
    dout.setInt32(o + 12, ((invSbox[t3 >>> 24]! << 24) | (invSbox[(t2 >>> 16) & 255]! << 16) | (invSbox[(t1 >>> 8) & 255]! << 8) | invSbox[t0 & 255]!) ^ l3 ^ p3);
    p0 = c0;
    p1 = c1;
    p2 = c2;
    p3 = c3;
  }
  return out;
}
