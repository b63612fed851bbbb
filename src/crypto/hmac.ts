/**
 * HMAC (RFC 2104; FIPS 198-1) over SHA-1 and SHA-256, both with a 64-byte block. A key longer than the block
 * is hashed first.
 *
 * Built for XS, where every interpreted operation counts: the inner input (key ^ ipad, message, room for
 * padding) and the outer input (key ^ opad, room for the inner digest and padding) are laid out once; the
 * inner digest is written straight into the outer input; the pads are applied four bytes at a time through
 * Int32Array views of the fresh (hence aligned) buffers. XOR with a byte repeated four times is the same in
 * either byte order, so the views' host endianness does not matter.
 */
import { sha1Into } from './sha1.js';
import { sha256Into } from './sha256.js';

type HashInto = (m: Uint8Array, n: number, out: Uint8Array, at: number) => void;

function hmac(hashInto: HashInto, size: number, key: Uint8Array, message: Uint8Array): Uint8Array {
  const n = message.length;
  // Both buffers are sized as the hash functions require: (length + 72) & ~63, zero beyond the data.
  const inner = new Uint8Array((n + 136) & ~63);
  const outer = new Uint8Array((size + 136) & ~63);
  let keyLength = key.length;
  if (keyLength > 64) {
    const k = new Uint8Array((keyLength + 72) & ~63);
    k.set(key);
    hashInto(k, keyLength, inner, 0);
    k.fill(0); // the raw key (and its padding) is not left behind in freed memory
    keyLength = size;
  } else {
    inner.set(key);
  }
  // Only the words the key touches need an XOR; the rest of each pad is the pad byte itself (native fill).
  const iw = new Int32Array(inner.buffer, 0, 16);
  const ow = new Int32Array(outer.buffer, 0, 16);
  const used = (keyLength + 3) >> 2;
  let i = 0;
  let x: number;
  for (; i < used; i++) {
    x = iw[i]!;
    iw[i] = x ^ 0x36363636;
    ow[i] = x ^ 0x5c5c5c5c;
  }
  iw.fill(0x36363636, i);
  ow.fill(0x5c5c5c5c, i);
  inner.set(message, 64);
  hashInto(inner, 64 + n, outer, 64);
  const out = new Uint8Array(size);
  hashInto(outer, 64 + size, out, 0);
  // key ^ ipad and key ^ opad are the key itself to anyone who reads them: wipe both (RFC 2104 §5 asks that
  // keys be protected; noble does the same). The inner digest in `outer` goes with them. Native fills: cheap.
  inner.fill(0);
  outer.fill(0);
  return out;
}

export function hmacSha1(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(sha1Into, 20, key, message);
}

export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(sha256Into, 32, key, message);
}
