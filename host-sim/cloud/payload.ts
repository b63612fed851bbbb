/**
 * The encrypted registration payload (PROTOCOL.md §4), as Tencent produces it: AES-128-CBC, key = the first
 * 16 characters of the product secret, IV = sixteen ASCII '0', ZERO padding (not PKCS#7), and `len` = the true
 * plaintext length so the device can cut the padding off.
 */
import { createCipheriv } from 'node:crypto';

const IV = Buffer.from('0000000000000000', 'ascii');

export interface EncryptedPayload {
  /** Base64 of the ciphertext. */
  payload: string;
  /** Plaintext length in bytes. */
  len: number;
}

export function encryptPayload(productSecret: string, plaintext: string): EncryptedPayload {
  const key = Buffer.from(productSecret.slice(0, 16), 'ascii');
  const data = Buffer.from(plaintext, 'utf8');
  // Zero padding: round up to a block; a plaintext that already fills its blocks gets no extra block.
  const padded = Buffer.alloc(Math.ceil(data.length / 16) * 16 || 16);
  data.copy(padded);
  const cipher = createCipheriv('aes-128-cbc', key, IV);
  cipher.setAutoPadding(false);
  const encrypted = Buffer.concat([cipher.update(padded), cipher.final()]);
  return { payload: encrypted.toString('base64'), len: data.length };
}

/** The plaintext of a key-mode credential. */
export function keyCredentialPlaintext(pskBase64: string): string {
  return JSON.stringify({ encryptionType: 2, psk: pskBase64 });
}

/** The plaintext of a certificate-mode credential (PEM certificate and PKCS#1 PEM key). */
export function certCredentialPlaintext(certPem: string, keyPem: string): string {
  return JSON.stringify({ encryptionType: 1, clientCert: certPem, clientKey: keyPem });
}
