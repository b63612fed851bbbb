/**
 * Dynamic registration, API v2: `POST /device/register` (PROTOCOL.md §3), Tencent's current documented API.
 */
import { IotError } from '../errors.js';
import type { CryptoPrimitives } from '../../hal/hal.js';
import { guardedPrimitive } from '../crypto/guarded.js';
import { base64Encode } from '../encoding/base64.js';
import { asciiBytes } from '../encoding/bytes.js';
import { hexEncode } from '../encoding/hex.js';
import { utf8Encode } from '../encoding/utf8.js';
import type { HttpRequest } from './http-request.js';
import type { EncryptedPayload } from './payload.js';
import { hostWithoutPort, validateNonce, validateRegisterIdentity, validateTimestamp, type RegisterIdentity } from './register-params.js';
import { field, isJsonObject, lengthField, optionalStringField, parseResponseObject } from './response-json.js';
import type { HmacAlgorithm } from '../conventions/unions.js';

export const V2_REGISTER_PATH = '/device/register';

/** The v2 signature algorithms: the shared HMAC union (src/conventions/unions.ts). */
export type V2Algorithm = HmacAlgorithm;

function checkAlgorithm(algorithm: unknown): V2Algorithm {
  if (algorithm !== 'hmacsha256' && algorithm !== 'hmacsha1') throw new IotError('unsupported', 'algorithm must be hmacsha256 or hmacsha1');
  return algorithm;
}

/**
 * Eight lines joined by "\n", no trailing newline: POST, host (without port), path, empty query, algorithm,
 * timestamp, nonce, lower-case hex hash of the exact body bytes (SHA-256 or SHA-1, matching the algorithm).
 */
export function v2StringToSign(p: { host: string; algorithm: V2Algorithm; timestamp: number; nonce: number; body: string; path?: string }, primitives: CryptoPrimitives): string {
  const algorithm = checkAlgorithm(p.algorithm);
  validateTimestamp(p.timestamp);
  validateNonce(p.nonce);
  const bodyBytes = utf8Encode(p.body);
  const bodyHash = hexEncode(algorithm === 'hmacsha256'
    ? guardedPrimitive('sha256', 'bad-input', 32, () => primitives.sha256(bodyBytes))
    : guardedPrimitive('sha1', 'bad-input', 20, () => primitives.sha1(bodyBytes)));
  return ['POST', hostWithoutPort(p.host), p.path ?? V2_REGISTER_PATH, '', algorithm, String(p.timestamp), String(p.nonce), bodyHash].join('\n');
}

/** Base64 of the RAW HMAC (unlike v1) keyed with the product secret's ASCII bytes. */
export function v2Signature(productSecret: string, algorithm: V2Algorithm, stringToSign: string, primitives: CryptoPrimitives): string {
  const key = asciiBytes(productSecret);
  const message = utf8Encode(stringToSign);
  return base64Encode(checkAlgorithm(algorithm) === 'hmacsha256'
    ? guardedPrimitive('hmacSha256', 'bad-input', 32, () => primitives.hmacSha256(key, message))
    : guardedPrimitive('hmacSha1', 'bad-input', 20, () => primitives.hmacSha1(key, message)));
}

export interface V2RegisterParams extends RegisterIdentity {
  host: string;
  algorithm: V2Algorithm;
}

/** The v2 request: compact body `{"ProductId":…,"DeviceName":…}` and the X-TC-* headers in the documented order. */
export function buildV2RegisterRequest(p: V2RegisterParams, primitives: CryptoPrimitives): HttpRequest {
  validateRegisterIdentity(p);
  const algorithm = checkAlgorithm(p.algorithm);
  const host = hostWithoutPort(p.host);
  const body = JSON.stringify({ ProductId: p.productId, DeviceName: p.deviceName });
  const signature = v2Signature(p.productSecret, algorithm, v2StringToSign({ host, algorithm, timestamp: p.timestamp, nonce: p.nonce, body }, primitives), primitives);
  return {
    method: 'POST',
    host,
    path: V2_REGISTER_PATH,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'X-TC-Algorithm': algorithm,
      'X-TC-Timestamp': String(p.timestamp),
      'X-TC-Nonce': String(p.nonce),
      'X-TC-Signature': signature,
    },
    body,
  };
}

/**
 * `{"Response":{"Len":…,"Payload":"…","RequestId":"…","State":0}}` → the payload;
 * `{"Response":{"Error":{"Code":"…","Message":"…"},"RequestId":"…"}}` → `refused` with code, message and
 * request id verbatim; anything malformed → `bad-response`.
 */
export function parseV2RegisterResponse(text: string): EncryptedPayload {
  const json = parseResponseObject(text, 'v2 registration answer');
  const response = field(json, 'Response');
  if (!isJsonObject(response)) throw new IotError('bad-response', 'v2 registration answer has no Response object');
  const requestId = optionalStringField(response, 'RequestId');
  const error = field(response, 'Error');
  if (error !== undefined && error !== null) {
    if (!isJsonObject(error)) throw new IotError('bad-response', 'v2 registration answer has a malformed Error');
    const code = field(error, 'Code');
    const serverMessage = optionalStringField(error, 'Message');
    const details: { serverCode?: string | number; serverMessage?: string; requestId?: string } = {};
    if (typeof code === 'string' || typeof code === 'number') details.serverCode = code;
    if (serverMessage !== undefined) details.serverMessage = serverMessage;
    if (requestId !== undefined) details.requestId = requestId;
    const label = details.serverCode === undefined ? '' : ` (${String(details.serverCode)}${serverMessage ? `: ${serverMessage}` : ''})`;
    throw new IotError('refused', `registration refused by the server${label}`, details);
  }
  const payload = field(response, 'Payload');
  if (typeof payload !== 'string' || payload === '') throw new IotError('bad-response', 'v2 registration answer has no Payload');
  const result: EncryptedPayload = { payload, len: lengthField(field(response, 'Len'), 'Len') };
  if (requestId !== undefined) result.requestId = requestId;
  const state = field(response, 'State');
  if (state !== undefined && state !== null) {
    if (typeof state !== 'number' || !Number.isInteger(state)) throw new IotError('bad-response', 'State is not an integer');
    result.state = state;
  }
  return result;
}
