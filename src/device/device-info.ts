/**
 * The C SDK's device-info JSON file (PROTOCOL.md §1), kept drop-in compatible:
 *
 *   { "auth_mode": "KEY", "productId": "…", "productSecret": "…", "deviceName": "…", "region": "china",
 *     "key_deviceinfo": { "deviceSecret": "…" },
 *     "cert_deviceinfo": { "devCertFile": "…", "devPrivateKeyFile": "…" } }
 *
 * Tolerance: `region` may be absent (china) and is read case-insensitively, and the unused `*_deviceinfo`
 * block may be absent. `auth_mode` is exact: "KEY" or "CERT", the wire values the C SDK writes.
 *
 * Ambiguity is refused, not guessed: a key repeated in one object (JSON.parse would keep the last one
 * and a write-back would drop the other) is `bad-input` naming the key. A UTF-8 byte order mark, which
 * some Windows editors add, is accepted and kept on write-back. Cert file names must be bare names (no
 * folder): the files live in `certs/` beside the device-info file. Errors are `bad-input` and name the
 * field, never its value.
 */
import type { Credential } from '../../hal/hal.js';
import { IotError } from '../errors.js';
import { parseRegion, type Region } from '../protocol/regions.js';
import { validateDeviceName, validateProductId } from './device-name.js';
import { findDuplicateKey } from './json-duplicates.js';
import { validateProductSecret } from './product-secret.js';
import type { AuthMode, DeviceRecord } from './record.js';
import { certFileNamesFor, type CertFileNames } from '../conventions/cert-files.js';
import { isAuthMode } from '../conventions/unions.js';

export interface DeviceInfo {
  authMode: AuthMode;
  productId: string;
  /** Validated when the device still has to register; may be anything (even '') for a registered key device. */
  productSecret: string;
  deviceName: string;
  region: Region;
  /** `key_deviceinfo.deviceSecret` as written in the file (possibly a placeholder). */
  deviceSecret: string | undefined;
  /** `cert_deviceinfo.devCertFile` as written (possibly a placeholder); a bare file name. */
  devCertFile: string | undefined;
  /** `cert_deviceinfo.devPrivateKeyFile` as written (possibly a placeholder); a bare file name. */
  devPrivateKeyFile: string | undefined;
}

// The C SDK's certificate file names are a convention both apps share (conventions/cert-files.ts).
export { certFileNamesFor } from '../conventions/cert-files.js';
export type { CertFileNames } from '../conventions/cert-files.js';

/** Values the C SDK's samples ship with; any `YOUR_…` upper-case word counts (a Base64 secret never has `_`). */
// A RegExp is made where it is used, never kept in a module constant: a preloaded module's RegExp lives in XS's
// read-only heap, and there exec crashed Moddable's runtime after a garbage collection (SDK 8.2.3, test/moddable).
const placeholderPattern = (): RegExp => /^YOUR_[A-Z_]*$/;

function isPlaceholder(value: string | undefined): boolean {
  return value === undefined || value.trim() === '' || placeholderPattern().test(value.trim());
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(object: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

function optionalString(object: JsonObject, key: string, where: string): string | undefined {
  const value = own(object, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new IotError('bad-input', `${where}${key} must be a string`);
  return value;
}

function optionalBlock(object: JsonObject, key: string): JsonObject | undefined {
  const value = own(object, key);
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new IotError('bad-input', `${key} must be an object`);
  return value;
}

function parseJsonObject(text: unknown): JsonObject {
  if (typeof text !== 'string') throw new IotError('bad-input', 'device-info must be text');
  let value: unknown;
  try {
    // A UTF-8 byte order mark is what some Windows editors prepend; JSON.parse would reject it.
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new IotError('bad-input', 'device-info is not valid JSON', { cause: error });
  }
  if (!isObject(value)) throw new IotError('bad-input', 'device-info must be a JSON object');
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    const where = duplicate.where === '' ? '' : ` in ${JSON.stringify(duplicate.where.slice(0, 40))}`;
    throw new IotError('bad-input', `device-info has the key ${JSON.stringify(duplicate.key.slice(0, 40))} twice${where}: it is ambiguous (which value counts?); keep one`);
  }
  return value;
}

const BYTE_ORDER_MARK = '\uFEFF';

function parseAuthMode(value: unknown): AuthMode {
  if (typeof value !== 'string') throw new IotError('bad-input', 'auth_mode is missing (expected "KEY" or "CERT")');
  if (!isAuthMode(value)) throw new IotError('bad-input', 'auth_mode must be "KEY" or "CERT" (upper case, as the C SDK writes it)');
  return value;
}

/** A file name in `certs/` must not leave it: no `/`, `\`, NUL, and not `.` or `..` (placeholders pass). */
function bareFileName(value: string | undefined, field: string): string | undefined {
  if (value === undefined || isPlaceholder(value)) return value;
  const name = value.trim();
  if (/[/\\\u0000]/.test(name) || name === '.' || name === '..') throw new IotError('bad-input', `${field} must be a bare file name inside certs/ (no folder)`);
  return value;
}

/** Parses and validates a device-info file's text. */
export function parseDeviceInfo(text: string): DeviceInfo {
  const json = parseJsonObject(text);
  const authMode = parseAuthMode(own(json, 'auth_mode'));
  const productId = validateProductId(own(json, 'productId'));
  const deviceName = validateDeviceName(own(json, 'deviceName'));
  const regionValue = own(json, 'region');
  const region = regionValue === undefined || regionValue === null || regionValue === '' ? 'china' : parseRegion(regionValue);
  const keyBlock = optionalBlock(json, 'key_deviceinfo');
  const certBlock = optionalBlock(json, 'cert_deviceinfo');
  const info: DeviceInfo = {
    authMode,
    productId,
    productSecret: '',
    deviceName,
    region,
    deviceSecret: keyBlock === undefined ? undefined : optionalString(keyBlock, 'deviceSecret', 'key_deviceinfo.'),
    devCertFile: certBlock === undefined ? undefined : bareFileName(optionalString(certBlock, 'devCertFile', 'cert_deviceinfo.'), 'cert_deviceinfo.devCertFile'),
    devPrivateKeyFile: certBlock === undefined ? undefined : bareFileName(optionalString(certBlock, 'devPrivateKeyFile', 'cert_deviceinfo.'), 'cert_deviceinfo.devPrivateKeyFile'),
  };
  const secret = own(json, 'productSecret');
  if (authMode === 'KEY' && !keyNeedsRegistration(info)) {
    // Already registered: the product secret is not needed any more, and users may have blanked it out.
    info.productSecret = typeof secret === 'string' ? secret : '';
  } else {
    info.productSecret = validateProductSecret(secret);
  }
  return info;
}

/**
 * Key products: true when the file holds no device secret yet (missing, empty, `YOUR_IOT_PSK`,
 * `YOUR_DEVICE_SECRET`, any `YOUR_…` placeholder). Always false for certificate products — see certFileNames.
 */
export function keyNeedsRegistration(info: DeviceInfo): boolean {
  return info.authMode === 'KEY' && isPlaceholder(info.deviceSecret);
}

/**
 * Certificate products: the two bare file names from `cert_deviceinfo`, or `undefined` when either is missing
 * or a placeholder (then the device needs registration). Whether the files exist is for the platform to check.
 */
export function certFileNames(info: DeviceInfo): CertFileNames | undefined {
  if (isPlaceholder(info.devCertFile) || isPlaceholder(info.devPrivateKeyFile)) return undefined;
  return { devCertFile: info.devCertFile!.trim(), devPrivateKeyFile: info.devPrivateKeyFile!.trim() };
}

/**
 * The runner's view of a device-info file. For a registered certificate device the platform reads the two
 * PEM files and passes them as `certificate`; for a key device the credential comes from the file itself.
 */
export function recordFromDeviceInfo(info: DeviceInfo, certificate?: { certificatePem: string; privateKeyPem: string }): DeviceRecord {
  const record: DeviceRecord = {
    productId: info.productId,
    productSecret: info.productSecret,
    deviceName: info.deviceName,
    authMode: info.authMode,
    region: info.region,
  };
  if (info.authMode === 'KEY' && !keyNeedsRegistration(info)) {
    record.credential = { kind: 'key', deviceSecret: info.deviceSecret!.trim() };
  } else if (info.authMode === 'CERT' && certificate !== undefined) {
    record.credential = { kind: 'cert', certificatePem: certificate.certificatePem, privateKeyPem: certificate.privateKeyPem };
  }
  return record;
}

/** Sets `key` on `object`, keeping its position when it exists and appending it otherwise. */
function setOwn(object: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The indentation the file already uses (first indented key), so a rewrite does not reformat it needlessly. */
function detectIndent(text: string): string | number {
  const match = /\n([ \t]+)"/.exec(text);
  return match === null ? 4 : match[1]!;
}

/**
 * The file's text after registration. Every other key is kept, in its place, with its value; only
 * `key_deviceinfo.deviceSecret` (key products) or the two `cert_deviceinfo` names (certificate products) are
 * set, adding the block when it is missing. Given a certificate credential instead of names, it uses the
 * C SDK's names (`<deviceName>_cert.crt`, `<deviceName>_private.key`); writing the PEM files is the platform's job.
 *
 * Limits of a JSON round trip (documented rather than hidden): integer-like keys move first (a JavaScript
 * object rule) and numbers are re-spelled (`1.0` → `1`). A repeated key is refused (see parseJsonObject);
 * a byte order mark at the start is kept.
 */
export function updateDeviceInfo(text: string, update: Credential | CertFileNames): string {
  const json = parseJsonObject(text);
  const authMode = parseAuthMode(own(json, 'auth_mode'));
  const isKey = 'kind' in update && update.kind === 'key';
  if ((authMode === 'KEY') !== isKey) {
    throw new IotError('bad-input', `cannot store a ${isKey ? 'key' : 'certificate'} credential in a device-info file whose auth_mode is ${authMode}`);
  }
  if ('kind' in update && update.kind === 'key') {
    if (typeof update.deviceSecret !== 'string' || update.deviceSecret === '') throw new IotError('bad-input', 'deviceSecret is empty');
    const block = optionalBlock(json, 'key_deviceinfo') ?? {};
    setOwn(block, 'deviceSecret', update.deviceSecret);
    setOwn(json, 'key_deviceinfo', block);
  } else {
    const names = 'kind' in update ? certFileNamesFor(validateDeviceName(own(json, 'deviceName'))) : update;
    if (typeof names.devCertFile !== 'string' || names.devCertFile === '' || typeof names.devPrivateKeyFile !== 'string' || names.devPrivateKeyFile === '') {
      throw new IotError('bad-input', 'certificate file names are empty');
    }
    const block = optionalBlock(json, 'cert_deviceinfo') ?? {};
    setOwn(block, 'devCertFile', names.devCertFile);
    setOwn(block, 'devPrivateKeyFile', names.devPrivateKeyFile);
    setOwn(json, 'cert_deviceinfo', block);
  }
  const out = JSON.stringify(json, null, detectIndent(text));
  const bom = text.startsWith(BYTE_ORDER_MARK) ? BYTE_ORDER_MARK : '';
  return `${bom}${out}${text.endsWith('\n') ? '\n' : ''}`;
}
