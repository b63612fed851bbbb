/**
 * The shared Tencent known-answer vectors (computed independently with node:crypto and openssl). Read from
 * test/vectors/tencent-iot.json when the repository carries a copy, else from the shared folder next to it.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface V1Vector {
  productId: string; productSecret: string; deviceName: string; nonce: number; timestamp: number;
  signSource: string; hmacSha1Hex: string; signature: string; body: string;
}
export interface V2Vector {
  productId: string; productSecret: string; deviceName: string; nonce: number; timestamp: number; host: string;
  algorithm: 'hmacsha256' | 'hmacsha1'; path: string; body: string; bodyHash: string; stringToSign: string; signature: string;
}
export interface PayloadVector { name: string; productSecret: string; plaintext: string; Len: number; Payload: string }
export interface MqttVector {
  productId: string; deviceName: string; psk: string; sdkAppId: string; connId: string; expiry: number;
  algorithm: 'hmacsha1' | 'hmacsha256'; clientId: string; username: string; password: string; host: string;
}
export interface TencentVectors { legacyRegister: V1Vector[]; v2Register: V2Vector[]; payloads: PayloadVector[]; mqtt: MqttVector[] }

const candidates = [new URL('../../vectors/tencent-iot.json', import.meta.url), new URL('../../../../shared/vectors/tencent-iot.json', import.meta.url)];
const found = candidates.find((url) => existsSync(url));
if (found === undefined) throw new Error('tencent-iot.json not found');

export const vectors: TencentVectors = JSON.parse(readFileSync(found, 'utf8')) as TencentVectors;
