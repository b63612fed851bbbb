/**
 * Tencent's known-answer vectors (computed independently with node:crypto and openssl from the algorithms in
 * PROTOCOL.md). test/vectors/tencent-iot.json is a verbatim copy of the project's shared/vectors file, kept in
 * the repository so a clone tests on its own; test/vectors/tencent-copy.test.ts fails if the two drift.
 * Every test, the XS suite and the bench read them through this module.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

export const TENCENT_VECTORS_PATH = fileURLToPath(new URL('./tencent-iot.json', import.meta.url));

export const vectors: TencentVectors = JSON.parse(readFileSync(TENCENT_VECTORS_PATH, 'utf8')) as TencentVectors;
