/**
 * MQTT login for Tencent's broker (PROTOCOL.md §6): client id, username, password and broker address.
 */
import type { CryptoPrimitives, Credential } from '../../hal/hal.js';
import { IotError } from '../errors.js';
import { guardedPrimitive } from '../crypto/guarded.js';
import { base64Decode } from '../encoding/base64.js';
import { hexEncode } from '../encoding/hex.js';
import { utf8Encode } from '../encoding/utf8.js';
import { validateDeviceName, validateProductId } from '../device/device-name.js';
import { brokerHost, type Region } from './regions.js';
import { MQTT_TLS_PORT } from '../conventions/endpoints.js';
import { isHmacAlgorithm, type HmacAlgorithm } from '../conventions/unions.js';

/** The C SDK's application id; Tencent's Java SDK uses 12010126. */
export const DEFAULT_SDK_APP_ID = '21010406';
export { MQTT_TLS_PORT };
export const CONN_ID_LENGTH = 5;

const CONN_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 248 = 4 × 62: bytes below it map to the alphabet uniformly; 248..255 are rejected. */
const UNBIASED_LIMIT = 248;

/** The MQTT password's algorithm: the shared HMAC union (conventions/unions.ts). */
export type MqttAlgorithm = HmacAlgorithm;

export interface MqttLogin {
  clientId: string;
  username: string;
  /** Key credentials only: certificate devices authenticate by mutual TLS and the broker ignores it. */
  password?: string;
  host: string;
  port: number;
}

/**
 * Five characters of [A-Za-z0-9] from random bytes (pass 8 or more; at least 5).
 *
 * Unbiased by rejection sampling: a byte ≥ 248 is skipped, a byte below maps to `byte % 62`. Only when the
 * bytes left are exactly as many as the characters still needed is a byte used without rejection; then that
 * character is slightly biased (characters A–H get 5/256 instead of 4/256). With 8 bytes this happens with
 * probability below 10⁻⁴, and the connid only keeps two sessions of one device apart, so it is harmless.
 */
export function connIdFromRandom(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array) || bytes.length < CONN_ID_LENGTH) throw new IotError('bad-input', `connid needs at least ${CONN_ID_LENGTH} random bytes`);
  let out = '';
  for (let i = 0; i < bytes.length && out.length < CONN_ID_LENGTH; i++) {
    const byte = bytes[i]!;
    const mustUse = bytes.length - i === CONN_ID_LENGTH - out.length;
    if (byte < UNBIASED_LIMIT || mustUse) out += CONN_ID_ALPHABET[byte % 62]!;
  }
  return out;
}

function checkSdkAppId(sdkAppId: unknown): void {
  if (typeof sdkAppId !== 'string' || !/^[0-9]{1,16}$/.test(sdkAppId)) throw new IotError('bad-input', 'sdkAppId must be digits');
}

function checkExpiry(expiry: unknown): void {
  if (typeof expiry !== 'number' || !Number.isSafeInteger(expiry) || expiry < 0) throw new IotError('bad-input', 'expiry must be a non-negative integer (Unix seconds)');
}

/** `<clientId>;<sdkAppId>;<connid>;<expiry>`. */
export function mqttUsername(clientId: string, sdkAppId: string, connId: string, expiry: number): string {
  checkSdkAppId(sdkAppId);
  if (typeof connId !== 'string' || !/^[A-Za-z0-9]{5}$/.test(connId)) throw new IotError('bad-input', 'connid must be 5 letters or digits');
  checkExpiry(expiry);
  return `${clientId};${sdkAppId};${connId};${expiry}`;
}

/** Lower-case hex HMAC keyed with the BASE64-DECODED device secret over the username, then `;<algorithm>`. */
export function mqttPassword(deviceSecret: string, username: string, algorithm: MqttAlgorithm, primitives: CryptoPrimitives): string {
  if (!isHmacAlgorithm(algorithm)) throw new IotError('unsupported', 'algorithm must be hmacsha1 or hmacsha256');
  let key: Uint8Array;
  try {
    key = base64Decode(deviceSecret);
  } catch (error) {
    throw new IotError('bad-input', 'deviceSecret is not valid Base64', { cause: error });
  }
  if (key.length === 0) throw new IotError('bad-input', 'deviceSecret is empty');
  const message = utf8Encode(username);
  const mac = algorithm === 'hmacsha1'
    ? guardedPrimitive('hmacSha1', 'bad-input', 20, () => primitives.hmacSha1(key, message))
    : guardedPrimitive('hmacSha256', 'bad-input', 32, () => primitives.hmacSha256(key, message));
  return `${hexEncode(mac)};${algorithm}`;
}

export interface MqttLoginParams {
  productId: string;
  deviceName: string;
  region: Region;
  credential: Credential;
  algorithm: MqttAlgorithm;
  /** Random bytes for the connid (at least 5; 8 or more recommended, see connIdFromRandom). */
  connIdRandom: Uint8Array;
  /** Unix seconds after which the signature is no longer accepted. */
  expiry: number;
  /** Defaults to the C SDK's 21010406. */
  sdkAppId?: string;
}

/** The MQTT login of a device; the password's HMAC runs on the platform's primitive (`primitives`, hal/hal.ts). */
export function buildMqttLogin(p: MqttLoginParams, primitives: CryptoPrimitives): MqttLogin {
  validateProductId(p.productId);
  validateDeviceName(p.deviceName);
  const sdkAppId = p.sdkAppId ?? DEFAULT_SDK_APP_ID;
  checkSdkAppId(sdkAppId);
  checkExpiry(p.expiry);
  if (p.credential === null || typeof p.credential !== 'object' || (p.credential.kind !== 'key' && p.credential.kind !== 'cert')) {
    throw new IotError('bad-input', 'credential must be a key or cert credential');
  }
  const clientId = `${p.productId}${p.deviceName}`;
  // Checked once above; connIdFromRandom checks its bytes and makes a valid connid by construction.
  const username = `${clientId};${sdkAppId};${connIdFromRandom(p.connIdRandom)};${p.expiry}`;
  const login: MqttLogin = { clientId, username, host: brokerHost(p.productId, p.region), port: MQTT_TLS_PORT };
  if (p.credential.kind === 'key') login.password = mqttPassword(p.credential.deviceSecret, username, p.algorithm, primitives);
  return login;
}
