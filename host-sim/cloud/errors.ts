/**
 * Every refusal the local cloud's gateway can answer, in one table, so that ERRORS.md and the code agree
 * (a test reads ERRORS.md and compares it with this table).
 *
 * Tencent publishes only v1 code 1010 ("Check signature failed"); the other codes are the emulator's own,
 * chosen in Tencent's styles: v1 four-digit numbers, v2 `Category.Detail` strings as in Tencent Cloud API 3.0.
 * Every refusal is answered with HTTP 200; the JSON code decides, as on Tencent's v1 gateway.
 */
export const REFUSALS = Object.freeze({
  'bad-signature': { v1: 1010, v2: 'AuthFailure.SignatureFailure', message: 'Check signature failed' },
  'clock-skew': { v1: 1011, v2: 'AuthFailure.SignatureExpire', message: 'Timestamp is too far from the server clock' },
  'replayed': { v1: 1012, v2: 'InvalidParameterValue.NonceReused', message: 'Request already seen (same product, device, nonce and timestamp)' },
  'malformed': { v1: 1001, v2: 'InvalidParameter.MalformedRequest', message: 'Malformed request' },
  'too-large': { v1: 1002, v2: 'RequestSizeLimitExceeded', message: 'Request body larger than 4096 bytes' },
  'bad-method': { v1: 1003, v2: 'UnsupportedOperation.MethodNotAllowed', message: 'Only POST is allowed' },
  'bad-path': { v1: 1004, v2: 'InvalidAction', message: 'No such API path' },
  'bad-algorithm': { v1: 1005, v2: 'InvalidParameterValue.AlgorithmInvalid', message: 'X-TC-Algorithm must be hmacsha256 or hmacsha1' },
  'invalid-device-name': { v1: 1020, v2: 'InvalidParameterValue.DeviceNameInvalid', message: 'Device name must match [A-Za-z0-9:_-]{1,48}' },
  'unknown-product': { v1: 1021, v2: 'ResourceNotFound.ProductNotExist', message: 'Product does not exist' },
  'registration-off': { v1: 1022, v2: 'UnauthorizedOperation.DynamicRegistrationDisabled', message: 'Dynamic registration is off for this product' },
  'not-precreated': { v1: 1023, v2: 'ResourceNotFound.DeviceNotExist', message: 'Device is not pre-created and the product only registers pre-created devices' },
  'limit-reached': { v1: 1024, v2: 'LimitExceeded.DeviceRegisterLimit', message: 'Product has reached its registration limit' },
  'already-activated': { v1: 1025, v2: 'FailedOperation.DeviceAlreadyActivated', message: 'Device already activated; registration refused' },
  'internal': { v1: 1500, v2: 'InternalError', message: 'Internal error' },
} as const);

export type RefusalReason = keyof typeof REFUSALS;

/** The device a refused request named, once its signature held (an unverified body names nobody). */
export interface RefusedDevice {
  productId: string;
  deviceName: string;
}

/** A refusal on its way to the answer writer; `detail` (never a secret) is appended to the message. */
export class Refusal extends Error {
  readonly reason: RefusalReason;
  readonly detail: string | undefined;
  /** Set by the gateway when the refusal came after the signature was verified (for its log and events). */
  device: RefusedDevice | undefined;
  constructor(reason: RefusalReason, detail?: string) {
    super(detail === undefined ? REFUSALS[reason].message : `${REFUSALS[reason].message}: ${detail}`);
    this.reason = reason;
    this.detail = detail;
    this.device = undefined;
  }
}
Object.defineProperty(Refusal.prototype, 'name', { value: 'Refusal' });

/** MQTT CONNACK return codes the broker uses (MQTT 3.1.1 §3.2.2.3). */
export const CONNACK = Object.freeze({ identifierRejected: 2, badUserNameOrPassword: 4, notAuthorized: 5 } as const);
