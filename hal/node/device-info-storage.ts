/**
 * CredentialStorage over the C SDK's device-info file (PROTOCOL.md §1), drop-in compatible with it:
 * key products keep the secret in `key_deviceinfo.deviceSecret`; certificate products keep PEM files in
 * `certs/` next to the file and their bare names in `cert_deviceinfo`. Every other key of the file is kept
 * as it was (the core's updateDeviceInfo), the file is replaced atomically and stays private (0600).
 *
 * Only regular files are read (at most FILE_CAPS bytes; a FIFO, directory or device is refused at once) or
 * replaced. A symbolic link is followed: the device-info file is the file the link points to, its `certs/`
 * folder is beside that file, and the link itself stays a link (the target is replaced, not the link).
 */
import { mkdir, realpath } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { IotError } from '../../src/errors.js';
import { certFileNames, certFileNamesFor, keyNeedsRegistration, parseDeviceInfo, updateDeviceInfo } from '../../src/device/device-info.js';
import { MAX_STORED_CREDENTIAL_BYTES } from '../../src/device/record.js';
import type { CredentialStorage, StoredCredential } from '../hal.js';
import { writeFileAtomic } from './atomic-file.js';
import { FILE_CAPS, readFailureReason, readRegularFile } from './regular-file.js';

const PRIVATE_FILE_MODE = 0o600;
/** A certificate is public; only its key is private. */
const CERTIFICATE_FILE_MODE = 0o644;
const CERTS_DIRECTORY = 'certs';

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

function storageError(message: string, cause?: unknown): IotError {
  return new IotError('storage', message, cause === undefined ? {} : { cause });
}

/** UTF-8 byte length, for the device limit (values are measured in bytes on the ESP32). */
function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * The device keeps the whole credential as one serialised value (MAX_STORED_CREDENTIAL_BYTES, one NVS
 * Preference); the host measures the same serialisation and refuses what the ESP32 would refuse.
 */
function checkLimits(value: StoredCredential): void {
  const size = byteLength(JSON.stringify(value));
  if (size > MAX_STORED_CREDENTIAL_BYTES) {
    throw storageError(`the credential is larger than the device can store (${size} bytes serialised > ${MAX_STORED_CREDENTIAL_BYTES})`);
  }
}

/** A copy of `value` with only the fields storage uses: `save` takes it before its first await (hal.ts). */
function snapshot(value: StoredCredential): StoredCredential {
  const { productId, deviceName, credential } = value;
  return {
    productId, deviceName,
    credential: credential.kind === 'key'
      ? { kind: 'key', deviceSecret: credential.deviceSecret }
      : { kind: 'cert', certificatePem: credential.certificatePem, privateKeyPem: credential.privateKeyPem },
  };
}

export class DeviceInfoFileStorage implements CredentialStorage {
  readonly #path: string;
  /**
   * Loads and saves of this object run one after another, in call order: a certificate credential is three
   * files, and a load between a save's file replacements would read a mixture of two credentials.
   */
  #queue: Promise<unknown> = Promise.resolve();

  /** `path`: the device-info JSON file; certificate files live in `certs/` beside it. */
  constructor(path: string) {
    this.#path = path;
  }

  get path(): string {
    return this.#path;
  }

  /** The file itself: a symbolic link resolved (the documented rule), the path as given when it is missing. */
  async #realPath(): Promise<string> {
    try {
      return await realpath(this.#path);
    } catch {
      return this.#path;
    }
  }

  async #readText(path: string): Promise<string | undefined> {
    try {
      return await readRegularFile(path, FILE_CAPS.deviceInfo);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw storageError(`cannot read the device-info file ${this.#path} (${readFailureReason(error)})`, error);
    }
  }

  async #readCertFile(file: string, name: string): Promise<string | undefined> {
    // A bare name as the C SDK writes it; refuse paths that would leave certs/ (the file is user-edited).
    if (name !== basename(name) || name === '.' || name === '..') throw storageError(`cert_deviceinfo names "${name}", which is not a bare file name inside certs/`);
    try {
      return await readRegularFile(join(dirname(file), CERTS_DIRECTORY, name), FILE_CAPS.credentialPem);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw storageError(`cannot read certs/${name} (${readFailureReason(error)})`, error);
    }
  }

  load(): Promise<StoredCredential | undefined> {
    return this.#inTurn(() => this.#load());
  }

  save(value: StoredCredential): Promise<void> {
    let taken: StoredCredential;
    try {
      taken = snapshot(value);
    } catch (error) {
      return Promise.reject(new IotError('bad-input', 'save needs a StoredCredential ({ productId, deviceName, credential })', { cause: error }));
    }
    return this.#inTurn(() => this.#save(taken));
  }

  /** Runs `operation` once every earlier load and save of this object settled. */
  #inTurn<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation, operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #load(): Promise<StoredCredential | undefined> {
    const file = await this.#realPath();
    const text = await this.#readText(file);
    if (text === undefined) return undefined;
    let info;
    try {
      info = parseDeviceInfo(text);
    } catch (error) {
      throw storageError(`the device-info file ${this.#path} is not valid: ${(error as Error).message}`, error);
    }
    const identity = { productId: info.productId, deviceName: info.deviceName };
    if (info.authMode === 'KEY') {
      if (keyNeedsRegistration(info) || info.deviceSecret === undefined) return undefined;
      return { ...identity, credential: { kind: 'key', deviceSecret: info.deviceSecret.trim() } };
    }
    const names = certFileNames(info);
    if (names === undefined) return undefined;
    const certificatePem = await this.#readCertFile(file, names.devCertFile);
    const privateKeyPem = await this.#readCertFile(file, names.devPrivateKeyFile);
    // "Not registered yet" when either named file is absent (PROTOCOL.md §1), exactly like the C SDK.
    if (certificatePem === undefined || privateKeyPem === undefined) return undefined;
    return { ...identity, credential: { kind: 'cert', certificatePem, privateKeyPem } };
  }

  async #save(value: StoredCredential): Promise<void> {
    checkLimits(value);
    const file = await this.#realPath();
    const text = await this.#readText(file);
    if (text === undefined) throw storageError(`the device-info file ${this.#path} does not exist; create it from the C SDK's template first`);
    let info;
    try {
      info = parseDeviceInfo(text);
    } catch (error) {
      throw storageError(`the device-info file ${this.#path} is not valid: ${(error as Error).message}`, error);
    }
    if (info.productId !== value.productId || info.deviceName !== value.deviceName) {
      throw storageError(`refusing to store a credential of ${value.productId}/${value.deviceName} in the file of ${info.productId}/${info.deviceName}`);
    }
    const expected = info.authMode === 'KEY' ? 'key' : 'cert';
    if (value.credential.kind !== expected) throw storageError(`refusing to store a ${value.credential.kind} credential for a ${info.authMode} device`);
    try {
      let updated: string;
      if (value.credential.kind === 'key') {
        updated = updateDeviceInfo(text, value.credential);
      } else {
        // Certificate files first, then the JSON that names them: a crash in between leaves the old
        // record (or "not registered"), never a record naming files that do not exist.
        const names = certFileNamesFor(value.deviceName);
        const certsDirectory = join(dirname(file), CERTS_DIRECTORY);
        await mkdir(certsDirectory, { recursive: true, mode: 0o700 });
        await writeFileAtomic(join(certsDirectory, names.devCertFile), value.credential.certificatePem, CERTIFICATE_FILE_MODE);
        await writeFileAtomic(join(certsDirectory, names.devPrivateKeyFile), value.credential.privateKeyPem, PRIVATE_FILE_MODE);
        updated = updateDeviceInfo(text, names);
      }
      await writeFileAtomic(file, updated, PRIVATE_FILE_MODE);
    } catch (error) {
      if (error instanceof IotError) throw error.code === 'storage' ? error : storageError(error.message, error);
      throw storageError(`cannot write the credential next to ${this.#path} (${(error as Error).name === 'NotRegularFileError' ? (error as Error).message : (error as { code?: string }).code ?? 'error'})`, error);
    }
  }
}
