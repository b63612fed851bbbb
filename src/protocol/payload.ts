/**
 * The encrypted credential both registration APIs return (PROTOCOL.md §4) and what is inside it.
 */
import type { Credential, CryptoPrimitives } from '../../hal/hal.js';
import { IotError, isIotError } from '../errors.js';
import { guardedPrimitive } from '../crypto/guarded.js';
import { base64Decode } from '../encoding/base64.js';
import { asciiBytes } from '../encoding/bytes.js';
import { utf8Decode } from '../encoding/utf8.js';
import { pemToDer } from '../pki/pem.js';
import { field, parseResponseObject } from './response-json.js';
import { isAuthMode, type AuthMode } from '../conventions/unions.js';

/** IV = sixteen ASCII '0' characters (0x30), as every Tencent SDK uses. */
const IV_BYTE = 0x30;

/**
 * Decrypts `payload` with AES-128-CBC, key = the first 16 characters of `productSecret`, IV = sixteen '0'.
 * Zero padding, not PKCS#7: the whole ciphertext is decrypted and the plaintext cut to `len` bytes. The AES runs
 * on the platform's primitive (`primitives`, hal/hal.ts); its failure is `bad-response`.
 *
 * - `productSecret` shorter than 16 characters (or not ASCII): `bad-input` (our side is wrong).
 * - Malformed Base64, ciphertext empty or not a multiple of 16, `len` negative / not an integer / larger
 *   than the plaintext, plaintext not UTF-8: `bad-response` (the server's answer is wrong).
 */
export function decryptPayload(productSecret: string, payload: string, len: number, primitives: CryptoPrimitives): string {
  if (typeof productSecret !== 'string' || productSecret.length < 16) throw new IotError('bad-input', 'productSecret must have at least 16 characters (its first 16 are the AES key)');
  if (typeof payload !== 'string') throw new IotError('bad-response', 'payload is not a string');
  if (typeof len !== 'number' || !Number.isSafeInteger(len) || len < 0) throw new IotError('bad-response', 'payload length is not a non-negative integer');
  return openPayload(productSecret, payload, len, primitives);
}

/**
 * Internal (not in the public surface): decryptPayload without its argument checks, for the runner, whose
 * product secret was validated at its entry and whose `payload`/`len` come from parseRegisterResponse. What
 * the server's bytes may still get wrong (Base64, block size, a `len` past the plaintext, UTF-8) is checked here.
 */
export function openPayload(productSecret: string, payload: string, len: number, primitives: CryptoPrimitives): string {
  const key = asciiBytes(productSecret.slice(0, 16));
  let ciphertext: Uint8Array;
  try {
    ciphertext = base64Decode(payload);
  } catch (error) {
    throw new IotError('bad-response', 'payload is not valid Base64', { cause: error });
  }
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) throw new IotError('bad-response', 'payload ciphertext is not a non-zero multiple of 16 bytes');
  if (len > ciphertext.length) throw new IotError('bad-response', 'payload length is larger than the decrypted plaintext');
  const iv = new Uint8Array(16).fill(IV_BYTE);
  const plaintext = guardedPrimitive('aes128CbcDecrypt', 'bad-response', ciphertext.length, () => primitives.aes128CbcDecrypt(key, iv, ciphertext));
  try {
    return utf8Decode(plaintext.subarray(0, len));
  } catch (error) {
    // A wrong product secret lands here most often: the key decrypts to garbage.
    throw new IotError('bad-response', 'decrypted payload is not UTF-8 text (wrong product secret?)', { cause: error });
  }
}

function checkPem(text: string, labels: readonly string[], name: string): void {
  for (let i = 0; i < labels.length; i++) {
    try {
      pemToDer(text, labels[i]!);
      return;
    } catch (error) {
      if (!isIotError(error)) throw error;
    }
  }
  throw new IotError('bad-response', `${name} is not a PEM ${labels.join(' or ')}`);
}

/**
 * The decrypted JSON → a credential. `encryptionType` 2 = key product (`psk`), 1 = certificate product
 * (`clientCert`, `clientKey`); a type that does not match `authMode` is `bad-response` and says which.
 * The secret values are checked for shape (Base64, PEM) but never quoted in an error.
 */
export function parseCredentialPlaintext(text: string, authMode: AuthMode): Credential {
  if (!isAuthMode(authMode)) throw new IotError('bad-input', 'authMode must be KEY or CERT');
  return credentialFromPlaintext(text, authMode);
}

/** Internal (not in the public surface): parseCredentialPlaintext for the runner, whose `authMode` is validated. */
export function credentialFromPlaintext(text: string, authMode: AuthMode): Credential {
  const json = parseResponseObject(text, 'decrypted payload');
  const type = field(json, 'encryptionType');
  if (type !== 1 && type !== 2) throw new IotError('bad-response', 'decrypted payload has no encryptionType 1 or 2');
  if (type === 2 && authMode !== 'KEY') throw new IotError('bad-response', 'the server issued a key credential (encryptionType 2) but the product\'s auth mode is CERT');
  if (type === 1 && authMode !== 'CERT') throw new IotError('bad-response', 'the server issued a certificate credential (encryptionType 1) but the product\'s auth mode is KEY');
  if (type === 2) {
    const psk = field(json, 'psk');
    if (typeof psk !== 'string' || psk === '') throw new IotError('bad-response', 'decrypted payload has no psk');
    let secret: Uint8Array;
    try {
      secret = base64Decode(psk);
    } catch (error) {
      throw new IotError('bad-response', 'psk is not valid Base64', { cause: error });
    }
    if (secret.length === 0) throw new IotError('bad-response', 'psk is empty');
    return { kind: 'key', deviceSecret: psk };
  }
  const clientCert = field(json, 'clientCert');
  const clientKey = field(json, 'clientKey');
  if (typeof clientCert !== 'string' || clientCert === '') throw new IotError('bad-response', 'decrypted payload has no clientCert');
  if (typeof clientKey !== 'string' || clientKey === '') throw new IotError('bad-response', 'decrypted payload has no clientKey');
  checkPem(clientCert, ['CERTIFICATE'], 'clientCert');
  checkPem(clientKey, ['RSA PRIVATE KEY', 'PRIVATE KEY'], 'clientKey');
  return { kind: 'cert', certificatePem: clientCert, privateKeyPem: clientKey };
}
