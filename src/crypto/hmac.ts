/**
 * HMAC (RFC 2104; FIPS 198-1) over SHA-1 and SHA-256, both with a 64-byte block. The key is hashed first
 * when longer than a block. The inner and outer inputs are built with native copies (`set`), so the only
 * interpreted work is the two hash calls.
 */
import { sha1 } from './sha1.js';
import { sha256 } from './sha256.js';

const BLOCK = 64;

function hmac(hash: (message: Uint8Array) => Uint8Array, digestLength: number, key: Uint8Array, message: Uint8Array): Uint8Array {
  const k = key.length > BLOCK ? hash(key) : key;
  const inner = new Uint8Array(BLOCK + message.length);
  const outer = new Uint8Array(BLOCK + digestLength);
  inner.set(k);
  for (let i = 0; i < BLOCK; i++) {
    const b = inner[i]!;
    inner[i] = b ^ 0x36;
    outer[i] = b ^ 0x5c;
  }
  inner.set(message, BLOCK);
  outer.set(hash(inner), BLOCK);
  return hash(outer);
}

export function hmacSha1(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(sha1, 20, key, message);
}

export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(sha256, 32, key, message);
}
