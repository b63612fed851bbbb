/**
 * The HAL's crypto primitives (hal/hal.ts `CryptoPrimitives`) on Moddable's native `crypt` (SHA-1, SHA-256 and
 * AES in C, modCrypt.c) and its `hmac` module (HMAC over a native Digest). They are in every image already — the
 * TLS stack needs them — so the firmware carries none of the core's JavaScript crypto. On Moddable's simulator
 * they were 9–176× faster than the JavaScript on the same inputs (README, Performance).
 *
 * Each call copies its inputs into fresh ArrayBuffers (the native functions read ArrayBuffers; a view at an
 * offset must not leak the rest of its buffer) and returns a fresh Uint8Array over the result.
 */
import { BlockCipher, Digest, Mode } from 'crypt';
import HMAC from 'hmac';
import type { CryptoPrimitives } from '../hal.js';

const own = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer as ArrayBuffer;

export const nativeCrypto: CryptoPrimitives = Object.freeze({
  sha1: (data: Uint8Array) => new Uint8Array(new Digest('SHA1').process(own(data))),
  sha256: (data: Uint8Array) => new Uint8Array(new Digest('SHA256').process(own(data))),
  hmacSha1: (key: Uint8Array, message: Uint8Array) => new Uint8Array(new HMAC(new Digest('SHA1'), own(key)).process(own(message))),
  hmacSha256: (key: Uint8Array, message: Uint8Array) => new Uint8Array(new HMAC(new Digest('SHA256'), own(key)).process(own(message))),
  aes128CbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array) {
    // Mode's CBC decrypts whole blocks only; the domain (hal.ts) says data is a multiple of 16, and the caller
    // checks the result's length, so a native that silently dropped a tail would be caught.
    if (key.length !== 16) throw new RangeError('AES-128 needs a 16-byte key');
    return new Uint8Array(new Mode('CBC', new BlockCipher('AES', own(key)), own(iv)).decrypt(own(data)));
  },
});
