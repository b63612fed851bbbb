/** The five functions from @noble/hashes + @noble/ciphers (their own API is Uint8Array-based already). */
import { cbc } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

export function sha1(message: Uint8Array): Uint8Array {
  return nobleSha1(message);
}

export function sha256(message: Uint8Array): Uint8Array {
  return nobleSha256(message);
}

export function hmacSha1(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(nobleSha1, key, message);
}

export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(nobleSha256, key, message);
}

export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  return cbc(key, iv, { disablePadding: true }).decrypt(data);
}
