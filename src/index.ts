/**
 * The portable core's public surface: everything here runs unchanged on V8 and on XS. `npm run build`
 * bundles this file into dist/core.js (one ES module, no imports).
 */
export { IotError, isIotError } from './errors.js';
export type { IotErrorCode, IotErrorDetails } from './errors.js';

// Crypto and encodings (pure ECMAScript, no TextEncoder/atob/Buffer/crypto)
export { sha1 } from './crypto/sha1.js';
export { sha256 } from './crypto/sha256.js';
export { hmacSha1, hmacSha256 } from './crypto/hmac.js';
export { aesCbcDecrypt } from './crypto/aes.js';
export { constantTimeEqual } from './crypto/constant-time.js';
export { base64Encode, base64Decode } from './encoding/base64.js';
export { hexEncode, hexDecode } from './encoding/hex.js';
export { utf8Encode, utf8Decode } from './encoding/utf8.js';
export { concatBytes, asciiBytes } from './encoding/bytes.js';
