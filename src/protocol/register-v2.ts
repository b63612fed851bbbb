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
import { refusal, type RegisterAccepted, type RegisterAnswer } from './register-answer.js';
import { hostWithoutPort, validateNonce, validateRegisterIdentity, validateTimestamp, type RegisterIdentity } from './register-params.js';
import { field, isJsonObject, lengthField, optionalStringField, parseResponseObject } from './response-json.js';
import { isHmacAlgorithm, type HmacAlgorithm } from '../conventions/unions.js';

export const V2_REGISTER_PATH = '/device/register';

/** The v2 signature algorithms: the shared HMAC union (src/conventions/unions.ts). */
export type V2Algorithm = HmacAlgorithm;

function checkAlgorithm(algorithm: unknown): V2Algorithm {
  if (!isHmacAlgorithm(algorithm)) throw new IotError('unsupported', 'algorithm must be hmacsha256 or hmacsha1');
  return algorithm;
}

/** The string to sign, from arguments already checked (see v2StringToSign). */
function stringToSign(host: string, algorithm: V2Algorithm, timestamp: number, nonce: number, body: string, path: string, primitives: CryptoPrimitives): string {
  const bodyBytes = utf8Encode(body);
  const bodyHash = hexEncode(algorithm === 'hmacsha256'
    ? guardedPrimitive('sha256', 'bad-input', 32, () => primitives.sha256(bodyBytes))
    : guardedPrimitive('sha1', 'bad-input', 20, () => primitives.sha1(bodyBytes)));
  return ['POST', host, path, '', algorithm, String(timestamp), String(nonce), bodyHash].join('\n');
}

/** The signature, from arguments already checked (see v2Signature). */
function sign(productSecret: string, algorithm: V2Algorithm, text: string, primitives: CryptoPrimitives): string {
  const key = asciiBytes(productSecret);
  const message = utf8Encode(text);
  return base64Encode(algorithm === 'hmacsha256'
    ? guardedPrimitive('hmacSha256', 'bad-input', 32, () => primitives.hmacSha256(key, message))
    : guardedPrimitive('hmacSha1', 'bad-input', 20, () => primitives.hmacSha1(key, message)));
}

/**
 * Eight lines joined by "\n", no trailing newline: POST, host (without port), path, empty query, algorithm,
 * timestamp, nonce, lower-case hex hash of the exact body bytes (SHA-256 or SHA-1, matching the algorithm).
 */
export function v2StringToSign(p: { host: string; algorithm: V2Algorithm; timestamp: number; nonce: number; body: string; path?: string }, primitives: CryptoPrimitives): string {
  return stringToSign(hostWithoutPort(p.host), checkAlgorithm(p.algorithm), validateTimestamp(p.timestamp), validateNonce(p.nonce), p.body, p.path ?? V2_REGISTER_PATH, primitives);
}

/** Base64 of the RAW HMAC (unlike v1) keyed with the product secret's ASCII bytes. */
export function v2Signature(productSecret: string, algorithm: V2Algorithm, stringToSign: string, primitives: CryptoPrimitives): string {
  return sign(productSecret, checkAlgorithm(algorithm), stringToSign, primitives);
}

export interface V2RegisterParams extends RegisterIdentity {
  host: string;
  algorithm: V2Algorithm;
}

/** The v2 request: compact body `{"ProductId":…,"DeviceName":…}` and the X-TC-* headers in the documented order. */
export function buildV2RegisterRequest(p: V2RegisterParams, primitives: CryptoPrimitives): HttpRequest {
  validateRegisterIdentity(p);
  checkAlgorithm(p.algorithm);
  return composeV2RegisterRequest(p, primitives);
}

/**
 * Internal (not in the public surface): buildV2RegisterRequest without its checks, for the runner, which
 * validated the identity and the algorithm once at its own entry and makes the timestamp and nonce itself.
 */
export function composeV2RegisterRequest(p: V2RegisterParams, primitives: CryptoPrimitives): HttpRequest {
  const host = hostWithoutPort(p.host);
  const body = JSON.stringify({ ProductId: p.productId, DeviceName: p.deviceName });
  const signature = sign(p.productSecret, p.algorithm, stringToSign(host, p.algorithm, p.timestamp, p.nonce, body, V2_REGISTER_PATH, primitives), primitives);
  return {
    method: 'POST',
    host,
    path: V2_REGISTER_PATH,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'X-TC-Algorithm': p.algorithm,
      'X-TC-Timestamp': String(p.timestamp),
      'X-TC-Nonce': String(p.nonce),
      'X-TC-Signature': signature,
    },
    body,
  };
}

/**
 * v2 body: `{"Response":{"Len":…,"Payload":"…","RequestId":"…","State":0}}` → accepted;
 * `{"Response":{"Error":{"Code":"…","Message":"…"},"RequestId":"…"}}` → refused verbatim. Anything malformed →
 * `bad-response`.
 */
export function parseV2RegisterResponse(text: string): RegisterAnswer {
  const json = parseResponseObject(text, 'v2 registration answer');
  const response = field(json, 'Response');
  if (!isJsonObject(response)) throw new IotError('bad-response', 'v2 registration answer has no Response object');
  const requestId = optionalStringField(response, 'RequestId');
  const error = field(response, 'Error');
  if (error !== undefined && error !== null) {
    if (!isJsonObject(error)) throw new IotError('bad-response', 'v2 registration answer has a malformed Error');
    return refusal(field(error, 'Code'), optionalStringField(error, 'Message'), requestId);
  }
  const payload = field(response, 'Payload');
  if (typeof payload !== 'string' || payload === '') throw new IotError('bad-response', 'v2 registration answer has no Payload');
  const accepted: RegisterAccepted = { kind: 'accepted', payload, len: lengthField(field(response, 'Len'), 'Len') };
  if (requestId !== undefined) accepted.requestId = requestId;
  const state = field(response, 'State');
  if (state !== undefined && state !== null) {
    if (typeof state !== 'number' || !Number.isInteger(state)) throw new IotError('bad-response', 'State is not an integer');
    accepted.state = state;
  }
  return accepted;
}
