/**
 * The device app's settings, read from Moddable's `mc/config` (manifest.json "config", overridden by
 * `key=value` on the mcconfig command line — where every value arrives as a string).
 */
import type { LogThreshold } from '../hal.js';
import { IotError } from '../../src/errors.js';
import { deviceNameFromMac, validateDeviceName, validateProductId } from '../../src/device/device-name.js';
import { parseRegion, type Region } from '../../src/protocol/regions.js';
import { GATEWAY_HTTPS_PORT, MQTT_TLS_PORT, type Endpoint } from '../../src/conventions/endpoints.js';
import { isAuthMode, isHmacAlgorithm, isLogThreshold, isRegisterApi, LOG_THRESHOLDS, type AuthMode, type HmacAlgorithm, type RegisterApi } from '../../src/conventions/unions.js';

export type { Endpoint };

export interface DeviceSettings {
  productId: string;
  productSecret: string;
  deviceName: string;
  authMode: AuthMode;
  region: Region;
  api: RegisterApi;
  /** v2 registration signature and MQTT password algorithm. */
  algorithm: HmacAlgorithm;
  /** Registration gateway override (e.g. a local cloud); default from the region. */
  gateway: Endpoint | undefined;
  /** MQTT broker override; default `<productId>.<region host>:8883`. */
  broker: Endpoint | undefined;
  /** Name of a DER resource that replaces the pinned CAs (a local cloud's CA). */
  caResource: string | undefined;
  /** Desktop simulators only: a host file (PEM or DER) that replaces the pinned CAs. */
  caFile: string | undefined;
  sntpHost: string;
  /** Burned-in credential: skip registration. Key products: the device secret. */
  deviceSecret: string | undefined;
  /** Burned-in credential, certificate products: DER resources of the certificate and the RSA key. */
  deviceCertResource: string | undefined;
  deviceKeyResource: string | undefined;
  /** Registration attempts per provisioning round, and the backoff/timeouts (ms). */
  maxAttempts: number;
  baseDelayMs: number;
  /** At least baseDelayMs (a smaller configured value is raised to it). */
  maxDelayMs: number;
  timeoutMs: number;
  keepAliveMs: number;
  logLevel: LogThreshold;
}

const PLACEHOLDERS = Object.freeze(['', 'YOUR_PRODUCT_ID', 'YOUR_PRODUCT_SECRET', 'YOUR_IOT_PSK', 'YOUR_DEVICE_SECRET', 'YOUR_DEVICE_NAME']);

function text(config: Record<string, unknown>, key: string): string | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw new IotError('bad-input', `config ${key} must be a string`);
  const out = String(value).trim();
  return PLACEHOLDERS.includes(out) ? undefined : out;
}

function integer(config: Record<string, unknown>, key: string, fallback: number, min: number, max: number): number {
  const raw = text(config, key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new IotError('bad-input', `config ${key} must be an integer in ${min}..${max}`);
  return value;
}

/** `https://host:port`, `mqtts://host:port` or `host:port` (default port when absent). */
export function parseEndpoint(value: string, key: string, defaultPort: number): Endpoint {
  const match = /^(?:[a-z]+:\/\/)?(\[[0-9A-Fa-f:.]+\]|[^/:\s]+)(?::(\d{1,5}))?\/?$/.exec(value);
  if (match === null) throw new IotError('bad-input', `config ${key} must look like scheme://host:port`);
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port < 1 || port > 65535) throw new IotError('bad-input', `config ${key} has a bad port`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/** The MAC, for a device name from it; the desktop simulators have none (Net.get answers undefined). */
function macAddress(mac: () => unknown): string {
  const value = mac();
  if (typeof value !== 'string' || value === '') {
    throw new IotError('bad-input', 'config deviceName is missing and this platform reports no MAC address to derive it from (the desktop simulators have none): set deviceName=…');
  }
  return value;
}

/** Validates the config; `bad-input` naming the first bad key. `mac` is asked only when no deviceName is set. */
export function readDeviceSettings(config: Record<string, unknown>, mac: () => unknown): DeviceSettings {
  const productId = text(config, 'productId');
  if (productId === undefined) throw new IotError('bad-input', 'config productId is missing (mcconfig … productId=…)');
  validateProductId(productId);
  const productSecret = text(config, 'productSecret');
  const deviceSecret = text(config, 'deviceSecret');
  const deviceCertResource = text(config, 'deviceCertResource');
  const deviceKeyResource = text(config, 'deviceKeyResource');
  const burnedIn = deviceSecret !== undefined || (deviceCertResource !== undefined && deviceKeyResource !== undefined);
  if (productSecret === undefined && !burnedIn) throw new IotError('bad-input', 'config productSecret is missing (mcconfig … productSecret=…)');
  if (productSecret !== undefined && (productSecret.length < 16 || !/^[\x21-\x7e]+$/.test(productSecret))) {
    throw new IotError('bad-input', 'config productSecret must be at least 16 printable ASCII characters');
  }
  const authText = (text(config, 'authMode') ?? 'KEY').toUpperCase();
  if (!isAuthMode(authText)) throw new IotError('bad-input', 'config authMode must be KEY or CERT');
  const api = text(config, 'api') ?? 'v1';
  if (!isRegisterApi(api)) throw new IotError('bad-input', 'config api must be v1 or v2');
  const algorithm = text(config, 'algorithm') ?? 'hmacsha256';
  if (!isHmacAlgorithm(algorithm)) throw new IotError('bad-input', 'config algorithm must be hmacsha256 or hmacsha1');
  const named = text(config, 'deviceName');
  const deviceName = named === undefined ? deviceNameFromMac(macAddress(mac)) : validateDeviceName(named);
  const gateway = text(config, 'gateway');
  const broker = text(config, 'broker');
  const logLevel = text(config, 'logLevel') ?? 'info';
  if (!isLogThreshold(logLevel)) throw new IotError('bad-input', `config logLevel must be ${LOG_THRESHOLDS.join(', ')}`);
  const baseDelayMs = integer(config, 'baseDelayMs', 1000, 1, 3600000);
  return {
    productId,
    productSecret: productSecret ?? '',
    deviceName,
    authMode: authText,
    region: parseRegion(text(config, 'region') ?? 'china'),
    api,
    algorithm,
    gateway: gateway === undefined ? undefined : parseEndpoint(gateway, 'gateway', GATEWAY_HTTPS_PORT),
    broker: broker === undefined ? undefined : parseEndpoint(broker, 'broker', MQTT_TLS_PORT),
    caResource: text(config, 'ca'),
    caFile: text(config, 'caFile'),
    sntpHost: text(config, 'sntp') ?? 'pool.ntp.org',
    deviceSecret: authText === 'KEY' ? deviceSecret : undefined,
    deviceCertResource: authText === 'CERT' ? deviceCertResource : undefined,
    deviceKeyResource: authText === 'CERT' ? deviceKeyResource : undefined,
    maxAttempts: integer(config, 'maxAttempts', 5, 1, 100),
    baseDelayMs,
    // Clamped here, once: a cap below the first delay would make every backoff refuse its limits.
    maxDelayMs: Math.max(baseDelayMs, integer(config, 'maxDelayMs', 60000, 1, 86400000)),
    timeoutMs: integer(config, 'timeoutMs', 15000, 100, 600000),
    keepAliveMs: integer(config, 'keepAliveMs', 240000, 10000, 900000),
    logLevel,
  };
}
