/**
 * The server side of the payload, written independently with node:crypto (never with the code under test):
 * AES-128-CBC, key = first 16 characters of the product secret, IV = sixteen '0', zero padding.
 */
import { createCipheriv } from 'node:crypto';

export function encryptPayload(productSecret: string, plaintext: string): { Payload: string; Len: number } {
  const data = Buffer.from(plaintext, 'utf8');
  const padded = Buffer.alloc(Math.ceil(data.length / 16) * 16 || 16);
  data.copy(padded);
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(productSecret.slice(0, 16), 'ascii'), Buffer.from('0000000000000000', 'ascii'));
  cipher.setAutoPadding(false);
  return { Payload: Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64'), Len: data.length };
}
