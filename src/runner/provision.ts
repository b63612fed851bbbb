/**
 * The one runner: registers a device when it has no credential yet, through whatever platform `hal` is, and
 * persists the credential before handing it back. All protocol work is in the sans-I/O modules; this file
 * only sequences them and decides what is worth retrying.
 *
 * Order matters because of Tencent's lifecycle (PROTOCOL.md §5): every registration issues a NEW secret and
 * kills the previous one, so a device that already holds a credential is never re-registered unless forced,
 * and a fresh credential is saved before anything may use it.
 */
import type { ByteStream, Credential, Hal, TrustAnchor } from '../../hal/hal.js';
import { IotError, isIotError } from '../errors.js';
import { validateDeviceName, validateProductId } from '../device/device-name.js';
import { validateProductSecret } from '../device/product-secret.js';
import type { DeviceRecord } from '../device/record.js';
import { serializeHttpRequest, type HttpRequest } from '../protocol/http-request.js';
import { HttpResponseParser, type HttpResponse } from '../protocol/http-response.js';
import { credentialFromPlaintext, openPayload } from '../protocol/payload.js';
import { gatewayHost, gatewayTrust, parseRegion, type RegisterApi } from '../protocol/regions.js';
import { MAX_NONCE, hostWithoutPort } from '../protocol/register-params.js';
import { parseRegisterResponse, registerVerdictError } from '../protocol/register-response.js';
import { composeV1RegisterRequest } from '../protocol/register-v1.js';
import { composeV2RegisterRequest, type V2Algorithm } from '../protocol/register-v2.js';
import { backoffDelay, uint32FromBytes } from './backoff.js';
import { CLOCK_FLOOR_SECONDS } from '../conventions/clock.js';
import { isAuthMode, isHmacAlgorithm, isRegisterApi } from '../conventions/unions.js';

export interface ProvisionOptions {
  /** Registration API; v1 (the C SDK's) by default. */
  api?: RegisterApi;
  /** v2 only; hmacsha256 by default. */
  algorithm?: V2Algorithm;
  /** Overrides the region's gateway (e.g. the local cloud). */
  gateway?: { host: string; port: number };
  /** Register even though the record holds a credential (issues a new secret; the old one stops working). */
  force?: boolean;
  /** Attempts in total, including the first; 5 by default. */
  maxAttempts?: number;
  /** Backoff ceiling of the first retry, ms; 1000 by default. */
  baseDelayMs?: number;
  /** Backoff cap, ms; 30000 by default. */
  maxDelayMs?: number;
  /** Connect + handshake limit, and per-read limit, ms; 10000 by default. */
  timeoutMs?: number;
  /**
   * The whole answer (from the request written to the last byte read) within this many ms; 3 × timeoutMs
   * by default. A server that trickles bytes slower than that is a `timeout`, however regularly it sends.
   * Checked against `hal.now()` (whole seconds) as each chunk arrives, so it fires up to a second late.
   */
  answerDeadlineMs?: number;
}

export interface ProvisionResult {
  record: DeviceRecord;
  /** True when this call registered (and saved) a new credential. */
  registered: boolean;
  /** Registration attempts made (0 when nothing had to be done). */
  attempts: number;
  /** The gateway this call registered with, or would have (the region's, or `options.gateway`). */
  gateway: { host: string; port: number };
}

/** 2020-01-01T00:00:00Z (src/conventions/clock.ts): a clock before it has not been set, so TLS dates cannot be checked. */
export { CLOCK_FLOOR_SECONDS };

interface Settings {
  api: RegisterApi;
  algorithm: V2Algorithm;
  host: string;
  port: number;
  trust: TrustAnchor;
  force: boolean;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  answerDeadlineMs: number;
}

function positiveInteger(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new IotError('bad-input', `${name} must be a positive integer`);
  return value;
}

function resolveSettings(record: DeviceRecord, options: ProvisionOptions): Settings {
  if (options === null || typeof options !== 'object') throw new IotError('bad-input', 'options must be an object');
  const api = options.api ?? 'v1';
  if (!isRegisterApi(api)) throw new IotError('bad-input', 'api must be v1 or v2');
  const algorithm = options.algorithm ?? 'hmacsha256';
  if (!isHmacAlgorithm(algorithm)) throw new IotError('unsupported', 'algorithm must be hmacsha256 or hmacsha1');
  let host: string;
  let port = 443;
  if (options.gateway !== undefined) {
    const gateway = options.gateway;
    if (gateway === null || typeof gateway !== 'object' || typeof gateway.host !== 'string' || gateway.host === '') throw new IotError('bad-input', 'gateway.host must be a host name');
    if (!Number.isInteger(gateway.port) || gateway.port < 1 || gateway.port > 65535) throw new IotError('bad-input', 'gateway.port must be an integer in 1..65535');
    if (hostWithoutPort(gateway.host) !== gateway.host) throw new IotError('bad-input', 'gateway.host must not carry a port (pass it as gateway.port)');
    host = gateway.host;
    port = gateway.port;
  } else {
    host = gatewayHost(parseRegion(record.region), api);
  }
  const baseDelayMs = positiveInteger(options.baseDelayMs, 1000, 'baseDelayMs');
  const maxDelayMs = positiveInteger(options.maxDelayMs, 30000, 'maxDelayMs');
  if (maxDelayMs < baseDelayMs) throw new IotError('bad-input', 'maxDelayMs must be at least baseDelayMs');
  return {
    api,
    algorithm,
    host,
    port,
    trust: gatewayTrust(api),
    force: options.force === true,
    maxAttempts: positiveInteger(options.maxAttempts, 5, 'maxAttempts'),
    baseDelayMs,
    maxDelayMs,
    timeoutMs: positiveInteger(options.timeoutMs, 10000, 'timeoutMs'),
    answerDeadlineMs: positiveInteger(options.answerDeadlineMs, 3 * positiveInteger(options.timeoutMs, 10000, 'timeoutMs'), 'answerDeadlineMs'),
  };
}

function validateRecord(record: DeviceRecord): void {
  if (record === null || typeof record !== 'object') throw new IotError('bad-input', 'record must be an object');
  validateProductId(record.productId);
  validateDeviceName(record.deviceName);
  if (!isAuthMode(record.authMode)) throw new IotError('bad-input', 'authMode must be KEY or CERT');
  parseRegion(record.region);
}

/** A HAL that breaks its contract and throws something else is treated as a network failure, never passed raw. */
function asIotError(error: unknown, what: string): IotError {
  return isIotError(error) ? error : new IotError('transport', `${what} failed`, { cause: error });
}

function checkClock(now: unknown): number {
  if (typeof now !== 'number' || !Number.isFinite(now) || now < CLOCK_FLOOR_SECONDS) {
    throw new IotError('clock', 'the device clock is not set (before 2020-01-01): sync it (SNTP) before registering');
  }
  return Math.floor(now);
}

/** A nonce in 1..2^31-2 from 4 random bytes (the 2-in-2^31 modulo bias is irrelevant for a nonce). */
function nonceFrom(random: Uint8Array): number {
  return 1 + ((uint32FromBytes(random) & 0x7fffffff) % MAX_NONCE);
}

async function exchange(hal: Hal, stream: ByteStream, request: Uint8Array, deadlineMs: number): Promise<HttpResponse> {
  const started = hal.now();
  await stream.write(request);
  const parser = new HttpResponseParser();
  for (;;) {
    const chunk = await stream.read();
    if (chunk === undefined) return parser.end();
    // Whole seconds: strictly more than the deadline has passed only when the difference exceeds it.
    if ((hal.now() - started) * 1000 > deadlineMs) throw new IotError('timeout', `the gateway's answer did not complete within ${deadlineMs} ms (it trickles in too slowly)`);
    const response = parser.push(chunk);
    if (response !== undefined) return response;
  }
}

async function registerOnce(hal: Hal, record: DeviceRecord, settings: Settings, attempt: number): Promise<Credential> {
  const timestamp = checkClock(hal.now());
  const nonce = nonceFrom(hal.random(4));
  const identity = { productId: record.productId, productSecret: record.productSecret, deviceName: record.deviceName, timestamp, nonce, host: settings.host };
  // The identity was validated once, at provision()'s entry; the timestamp and nonce are made here.
  const request: HttpRequest = settings.api === 'v1' ? composeV1RegisterRequest(identity, hal.crypto) : composeV2RegisterRequest({ ...identity, algorithm: settings.algorithm }, hal.crypto);
  const bytes = serializeHttpRequest(request, settings.port);
  hal.log('info', `register ${record.productId}/${record.deviceName}: API ${settings.api} at ${settings.host}:${settings.port}, attempt ${attempt} of ${settings.maxAttempts}`);
  let stream: ByteStream;
  try {
    stream = await hal.connect({ host: request.host, port: settings.port, serverName: request.host, trust: settings.trust, timeoutMs: settings.timeoutMs });
  } catch (error) {
    throw asIotError(error, 'connect');
  }
  let response: HttpResponse;
  try {
    response = await exchange(hal, stream, bytes, settings.answerDeadlineMs);
  } catch (error) {
    throw asIotError(error, 'request');
  } finally {
    try {
      stream.close();
    } catch {
      // close() must not throw (HAL contract); if one does, the exchange's own outcome still stands.
    }
  }
  hal.log('info', `register ${record.productId}/${record.deviceName}: gateway answered HTTP ${response.status}`);
  const verdict = parseRegisterResponse(settings.api, response.status, response.body);
  if (verdict.kind !== 'accepted') throw registerVerdictError(verdict);
  return credentialFromPlaintext(openPayload(record.productSecret, verdict.payload, verdict.len, hal.crypto), record.authMode);
}

/**
 * Registers `record`'s device if it needs it; see the file comment and docs/core-api.md. Rejects only with
 * `IotError`: 'bad-input', 'clock', 'refused', 'tls', 'bad-response', 'storage', or — after the last
 * attempt — 'transport', 'timeout', 'unavailable'.
 */
export async function provision(hal: Hal, record: DeviceRecord, options: ProvisionOptions = {}): Promise<ProvisionResult> {
  validateRecord(record);
  const settings = resolveSettings(record, options);
  const who = `${record.productId}/${record.deviceName}`;
  if (record.credential !== undefined && !settings.force) {
    hal.log('info', `register ${who}: already holds a credential; not registering again`);
    return { record, registered: false, attempts: 0, gateway: { host: settings.host, port: settings.port } };
  }
  validateProductSecret(record.productSecret);
  if (hal.crypto === null || typeof hal.crypto !== 'object') throw new IotError('bad-input', 'the HAL has no crypto primitives (hal.crypto): pass the platform\'s, or jsCrypto where it has none');
  // The clock is checked by each attempt, before anything is sent: it is the timestamp that gets signed.
  let attempt = 0;
  let credential: Credential;
  for (;;) {
    attempt++;
    try {
      credential = await registerOnce(hal, record, settings, attempt);
      break;
    } catch (error) {
      const failure = asIotError(error, 'registration');
      if (!failure.retryable || attempt >= settings.maxAttempts) {
        hal.log('error', `register ${who}: failed (${failure.code}) after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${failure.message}`);
        throw failure;
      }
      const delay = backoffDelay(attempt - 1, { baseMs: settings.baseDelayMs, maxMs: settings.maxDelayMs }, uint32FromBytes(hal.random(4)));
      hal.log('warn', `register ${who}: attempt ${attempt} failed (${failure.code}): ${failure.message}; retrying in ${delay} ms`);
      try {
        await hal.sleep(delay);
      } catch (sleepError) {
        throw asIotError(sleepError, 'sleep');
      }
    }
  }
  try {
    await hal.storage.save({ productId: record.productId, deviceName: record.deviceName, credential });
  } catch (error) {
    // The new credential is not returned: nothing may use a secret that is not safely stored. The cloud lets
    // the device register again until its first MQTT connect, so the caller can simply retry later.
    const cause = isIotError(error) ? error : undefined;
    hal.log('error', `register ${who}: registered, but saving the credential failed; it was discarded`);
    throw new IotError('storage', 'registered, but saving the credential failed; it was discarded (registering again is allowed until the first connect)', { cause: cause ?? error });
  }
  hal.log('info', `register ${who}: registered (${credential.kind} credential) and saved after ${attempt} attempt${attempt === 1 ? '' : 's'}`);
  return { record: { ...record, credential }, registered: true, attempts: attempt, gateway: { host: settings.host, port: settings.port } };
}
