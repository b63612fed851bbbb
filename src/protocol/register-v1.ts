/**
 * Dynamic registration, API v1: `POST /register/dev` (PROTOCOL.md §2), the flow of Tencent's C SDK.
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
import { hostWithoutPort, validateRegisterIdentity, type RegisterIdentity } from './register-params.js';
import { field, lengthField, optionalStringField, parseResponseObject } from './response-json.js';

export const V1_REGISTER_PATH = '/register/dev';

/** `deviceName=<n>&nonce=<i>&productId=<p>&timestamp=<t>`, no URL-encoding (the server signs the same raw text). */
export function v1SignSource(p: { deviceName: string; nonce: number; productId: string; timestamp: number }): string {
  return `deviceName=${p.deviceName}&nonce=${p.nonce}&productId=${p.productId}&timestamp=${p.timestamp}`;
}

/**
 * Base64 of the LOWER-CASE HEX of HMAC-SHA1(productSecret, signSource): 56 characters ending in `==`.
 * (Base64 of the raw MAC is the classic mistake; the server then answers 1010 "Check signature failed".)
 * The HMAC runs on the platform's primitive (`primitives`, hal/hal.ts).
 */
export function v1Signature(productSecret: string, signSource: string, primitives: CryptoPrimitives): string {
  const key = asciiBytes(productSecret);
  const message = utf8Encode(signSource);
  const mac = guardedPrimitive('hmacSha1', 'bad-input', 20, () => primitives.hmacSha1(key, message));
  return base64Encode(asciiBytes(hexEncode(mac)));
}

export interface V1RegisterParams extends RegisterIdentity {
  /** Gateway host name (a `:port` suffix is dropped here; the serialiser adds the port to `Host`). */
  host: string;
}

/**
 * The v1 request: the body is one-line JSON with the fields in the C SDK's order and `nonce`/`timestamp` as
 * JSON numbers; the headers are the C SDK's (its `Content-Type` says form-urlencoded although the body is
 * JSON — the gateway accepts it, and being byte-identical to the C SDK is the safer bet).
 */
export function buildV1RegisterRequest(p: V1RegisterParams, primitives: CryptoPrimitives): HttpRequest {
  validateRegisterIdentity(p);
  return composeV1RegisterRequest(p, primitives);
}

/**
 * Internal (not in the public surface): buildV1RegisterRequest without its checks, for the runner, which
 * validated the identity once at its own entry and makes the timestamp and nonce itself.
 */
export function composeV1RegisterRequest(p: V1RegisterParams, primitives: CryptoPrimitives): HttpRequest {
  const signature = v1Signature(p.productSecret, v1SignSource(p), primitives);
  const body = JSON.stringify({ deviceName: p.deviceName, nonce: p.nonce, productId: p.productId, timestamp: p.timestamp, signature });
  return {
    method: 'POST',
    host: hostWithoutPort(p.host),
    path: V1_REGISTER_PATH,
    headers: { Accept: 'text/xml,application/json;*/*', 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  };
}

/**
 * v1 body: `{"code":0,"message":"","len":53,"payload":"…"}` → accepted; a non-zero `code` → refused with the
 * server's code, message and request id. Anything malformed → `bad-response`.
 */
export function parseV1RegisterResponse(text: string): RegisterAnswer {
  const json = parseResponseObject(text, 'v1 registration answer');
  const code = field(json, 'code');
  const requestId = optionalStringField(json, 'requestId');
  if (typeof code !== 'number' && typeof code !== 'string') throw new IotError('bad-response', 'v1 registration answer has no code');
  if (code !== 0 && code !== '0') return refusal(code, optionalStringField(json, 'message'), requestId);
  const payload = field(json, 'payload');
  if (typeof payload !== 'string' || payload === '') throw new IotError('bad-response', 'v1 registration answer has no payload');
  const accepted: RegisterAccepted = { kind: 'accepted', payload, len: lengthField(field(json, 'len'), 'len') };
  if (requestId !== undefined) accepted.requestId = requestId;
  return accepted;
}
