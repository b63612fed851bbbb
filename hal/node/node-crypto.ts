/**
 * The HAL's crypto primitives (hal/hal.ts `CryptoPrimitives`) on `node:crypto`, OpenSSL underneath. Each
 * returns a fresh Uint8Array of the stated length; node throws on a bad key or IV size and on data that is not
 * a whole number of blocks (auto-padding is off: Tencent's payload is zero-padded), which the core turns into
 * an IotError.
 */
import { createDecipheriv, createHash, createHmac } from 'node:crypto';
import type { CryptoPrimitives } from '../hal.js';

const bytes = (buffer: Buffer): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

export const nodeCrypto: CryptoPrimitives = Object.freeze({
  sha1: (data: Uint8Array) => bytes(createHash('sha1').update(data).digest()),
  sha256: (data: Uint8Array) => bytes(createHash('sha256').update(data).digest()),
  hmacSha1: (key: Uint8Array, message: Uint8Array) => bytes(createHmac('sha1', key).update(message).digest()),
  hmacSha256: (key: Uint8Array, message: Uint8Array) => bytes(createHmac('sha256', key).update(message).digest()),
  aes128CbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array) {
    const decipher = createDecipheriv('aes-128-cbc', key, iv).setAutoPadding(false);
    return bytes(Buffer.concat([decipher.update(data), decipher.final()]));
  },
});
