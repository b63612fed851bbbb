/**
 * Bundle entry (esbuild): the benchmark's operations through the core's real public API, i.e. what the device
 * runs, validation included. It imports nothing: it calls `globalThis.core`, the dist/core.js already loaded
 * into the same XS machine, so that the measured code is the built artifact and not a second copy.
 */
import type * as Core from '../../src/index.js';
import type { BenchOps } from './bench-ops.js';

const core = (): typeof Core => (globalThis as unknown as { core: typeof Core }).core;

export const v1Signature: BenchOps['v1Signature'] = (input) => core().v1Signature(input.productSecret, input.signSource, core().jsCrypto);

export const v2Signature: BenchOps['v2Signature'] = ({ productSecret, host, timestamp, nonce, body }) => {
  const c = core();
  return c.v2Signature(productSecret, 'hmacsha256', c.v2StringToSign({ host, algorithm: 'hmacsha256', timestamp, nonce, body }, c.jsCrypto), c.jsCrypto);
};

export const decryptPayload: BenchOps['decryptPayload'] = ({ productSecret, payload, len }) => core().decryptPayload(productSecret, payload, len, core().jsCrypto);

export const keyModeFlow: BenchOps['keyModeFlow'] = (input) => {
  const c = core();
  const request = c.buildV1RegisterRequest({
    productId: input.productId,
    productSecret: input.productSecret,
    deviceName: input.deviceName,
    timestamp: input.timestamp,
    nonce: input.nonce,
    host: input.gatewayHost,
  }, c.jsCrypto);
  if (request.body.length === 0) throw new Error('unreachable');
  const answer = c.parseV1RegisterResponse(input.responseText);
  if (answer.kind !== 'accepted') throw new Error('the vector answer is a success');
  const credential = c.parseCredentialPlaintext(c.decryptPayload(input.productSecret, answer.payload, answer.len, c.jsCrypto), 'KEY');
  const login = c.buildMqttLogin({
    productId: input.productId,
    deviceName: input.deviceName,
    region: 'china',
    credential,
    algorithm: 'hmacsha1',
    connIdRandom: new Uint8Array(input.connIdRandom),
    expiry: input.expiry,
    sdkAppId: input.sdkAppId,
  }, c.jsCrypto);
  return login.password ?? '';
};
