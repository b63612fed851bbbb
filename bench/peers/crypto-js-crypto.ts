/**
 * The five functions from crypto-js, only the modules they need (not the whole `crypto-js` index), with the
 * Uint8Array ⇄ WordArray conversions a Uint8Array-based caller has to pay for.
 */
import CryptoJS from 'crypto-js/core';
import 'crypto-js/sha1';
import 'crypto-js/sha256';
import 'crypto-js/hmac';
import 'crypto-js/cipher-core';
import 'crypto-js/aes';
import 'crypto-js/pad-nopadding';

type WordArray = CryptoJS.lib.WordArray;

function toWordArray(bytes: Uint8Array): WordArray {
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i++) words[i >>> 2] = (words[i >>> 2] ?? 0) | (bytes[i]! << (24 - (i & 3) * 8));
  return CryptoJS.lib.WordArray.create(words, bytes.length);
}

function fromWordArray(wordArray: WordArray): Uint8Array {
  const out = new Uint8Array(wordArray.sigBytes);
  const words = wordArray.words;
  for (let i = 0; i < out.length; i++) out[i] = (words[i >>> 2]! >>> (24 - (i & 3) * 8)) & 0xff;
  return out;
}

export function sha1(message: Uint8Array): Uint8Array {
  return fromWordArray(CryptoJS.SHA1(toWordArray(message)));
}

export function sha256(message: Uint8Array): Uint8Array {
  return fromWordArray(CryptoJS.SHA256(toWordArray(message)));
}

export function hmacSha1(key: Uint8Array, message: Uint8Array): Uint8Array {
  return fromWordArray(CryptoJS.HmacSHA1(toWordArray(message), toWordArray(key)));
}

export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return fromWordArray(CryptoJS.HmacSHA256(toWordArray(message), toWordArray(key)));
}

export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const params = CryptoJS.lib.CipherParams.create({ ciphertext: toWordArray(data) });
  return fromWordArray(CryptoJS.AES.decrypt(params, toWordArray(key), { iv: toWordArray(iv), mode: CryptoJS.mode.CBC, padding: CryptoJS.pad.NoPadding }));
}
