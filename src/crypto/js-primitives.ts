/**
 * The core's own JavaScript crypto as a `CryptoPrimitives` (hal/hal.ts): what a HAL without native primitives
 * passes (the xsnap test machines, the bench), and the reference the native ones are tested against. Nothing
 * in the core's protocol code imports it: the firmware, whose HAL brings Moddable's native `crypt`, then
 * carries none of this JavaScript.
 */
import type { CryptoPrimitives } from '../../hal/hal.js';
import { aesCbcDecrypt } from './aes.js';
import { hmacSha1, hmacSha256 } from './hmac.js';
import { sha1 } from './sha1.js';
import { sha256 } from './sha256.js';

export const jsCrypto: CryptoPrimitives = Object.freeze({
  sha1,
  sha256,
  hmacSha1,
  hmacSha256,
  aes128CbcDecrypt: aesCbcDecrypt,
});
