/**
 * Signature checks of both registration APIs and of the MQTT password, with node:crypto only: this file is
 * the emulator's own reading of PROTOCOL.md §2, §3 and §6, independent of src/ on purpose.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type V2Algorithm = 'hmacsha256' | 'hmacsha1';

/**
 * Constant-time comparison of two strings of equal length; different lengths are simply unequal (the length
 * of an expected signature or password is public: it follows from the algorithm).
 */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface V1Fields {
  deviceName: string;
  /** The decimal text of the nonce and timestamp, as they appear in the sign source. */
  nonce: string;
  productId: string;
  timestamp: string;
}

/** v1: Base64 of the lowercase hex of HMAC-SHA1(productSecret, sign source). */
export function v1ExpectedSignature(productSecret: string, fields: V1Fields): string {
  const signSource = `deviceName=${fields.deviceName}&nonce=${fields.nonce}&productId=${fields.productId}&timestamp=${fields.timestamp}`;
  const hex = createHmac('sha1', Buffer.from(productSecret, 'utf8')).update(signSource, 'utf8').digest('hex');
  return Buffer.from(hex, 'ascii').toString('base64');
}

export interface V2Fields {
  host: string;
  path: string;
  algorithm: V2Algorithm;
  timestamp: string;
  nonce: string;
  body: Buffer;
}

/** v2: Base64 of the raw HMAC over the eight-line string to sign (PROTOCOL.md §3). */
export function v2ExpectedSignature(productSecret: string, fields: V2Fields): string {
  const hash = fields.algorithm === 'hmacsha256' ? 'sha256' : 'sha1';
  const bodyHash = createHash(hash).update(fields.body).digest('hex');
  const stringToSign = ['POST', fields.host, fields.path, '', fields.algorithm, fields.timestamp, fields.nonce, bodyHash].join('\n');
  return createHmac(hash, Buffer.from(productSecret, 'utf8')).update(stringToSign, 'utf8').digest('base64');
}

export type MqttAlgorithm = 'hmacsha1' | 'hmacsha256';

/** MQTT password: lowercase hex of HMAC(base64-decoded device secret, username), then `;<algorithm>`. */
export function mqttExpectedPassword(deviceSecretBase64: string, username: string, algorithm: MqttAlgorithm): string {
  const hash = algorithm === 'hmacsha256' ? 'sha256' : 'sha1';
  const mac = createHmac(hash, Buffer.from(deviceSecretBase64, 'base64')).update(username, 'utf8').digest('hex');
  return `${mac};${algorithm}`;
}
