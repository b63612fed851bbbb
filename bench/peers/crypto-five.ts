/** The five crypto functions the core exports, as every library under comparison provides them (Uint8Array in, out). */
export interface CryptoFive {
  sha1(message: Uint8Array): Uint8Array;
  sha256(message: Uint8Array): Uint8Array;
  hmacSha1(key: Uint8Array, message: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array;
  /** AES-CBC decryption without padding removal (Tencent's payload is zero-padded). */
  aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
}
