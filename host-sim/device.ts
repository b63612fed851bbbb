/**
 * The Node composition root: the only host file that wires the Node HAL to the core's runner
 * (ARCHITECTURE.md rule 4). The CLI commands, the demo and the fleet all go through it, so there is one
 * way to load a device, register it and log it in.
 */
import { FILE_CAPS, readFailureReason, readRegularFile } from '../hal/node/regular-file.js';
import { createNodeHal, type Logger, type NodeHal } from '../hal/node/index.js';
import { IotError, isIotError } from '../src/errors.js';
import { base64Decode } from '../src/encoding/base64.js';
import { parseDeviceInfo, recordFromDeviceInfo, type DeviceInfo } from '../src/device/device-info.js';
import type { DeviceRecord } from '../src/device/record.js';
import { buildMqttLogin } from '../src/protocol/mqtt-login.js';
import { provision, type ProvisionOptions, type ProvisionResult } from '../src/runner/provision.js';
import { CLOCK_FLOOR_SECONDS, defaultTopic, loginExpiry, type HmacAlgorithm } from '../src/conventions/index.js';
import type { BrokerEndpoint } from './endpoint-url.js';
import { HostMqttSession } from './mqtt-session.js';

export interface HostDevice {
  file: string;
  info: DeviceInfo;
  record: DeviceRecord;
  hal: NodeHal;
}

export interface OpenDeviceOptions {
  /** A PEM CA replacing the pinned Tencent roots (the local cloud's CA). */
  caPem?: string;
  logger: Logger;
  /** Clock override (tests); default: the system clock. */
  now?: () => number;
}

/** Reads and validates the device-info file and loads its credential. 'bad-input' / 'storage' on failure. */
export async function openHostDevice(file: string, options: OpenDeviceOptions): Promise<HostDevice> {
  let text: string;
  try {
    text = await readRegularFile(file, FILE_CAPS.deviceInfo);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    throw new IotError('bad-input', code === 'ENOENT' ? `the device-info file ${file} does not exist` : `cannot read the device-info file ${file} (${readFailureReason(error)})`, { cause: error });
  }
  const info = parseDeviceInfo(text);
  options.logger.addSecret(info.productSecret);
  options.logger.addSecret(info.deviceSecret);
  const hal = createNodeHal({ storage: file, logger: options.logger, ...(options.caPem === undefined ? {} : { caPem: options.caPem }), ...(options.now === undefined ? {} : { now: options.now }) });
  // Reading is not storing: a credential file that cannot be read (a bad name, not a regular file) is the
  // file's problem, exit 3 like any other bad device-info file; exit 6 is for writing the credential.
  const stored = await hal.storage.load().catch((error: unknown) => {
    throw isIotError(error) && error.code === 'storage' ? new IotError('bad-input', error.message, { cause: error }) : error;
  });
  // The storage is the authority on the credential (it also reads a certificate device's PEM files).
  const record = recordFromDeviceInfo(info);
  if (stored !== undefined) {
    record.credential = stored.credential;
    rememberSecrets(options.logger, record);
  }
  options.logger.log('info', `device ${info.productId}/${info.deviceName} (${info.authMode}, region ${info.region}): ${stored === undefined ? 'not registered yet' : 'registered'}`);
  return { file, info, record, hal };
}

function rememberSecrets(logger: Logger, record: DeviceRecord): void {
  const credential = record.credential;
  if (credential === undefined) return;
  if (credential.kind === 'key') logger.addSecret(credential.deviceSecret);
  else logger.addSecret(credential.privateKeyPem);
}

/** Registers when needed (or forced) through the core's runner, which saves the credential before returning. */
export async function registerHostDevice(device: HostDevice, options: ProvisionOptions): Promise<ProvisionResult> {
  const result = await provision(device.hal, device.record, options);
  device.record = result.record;
  rememberSecrets(device.hal.logger, device.record);
  return result;
}

export interface ConnectDeviceOptions {
  /** Where to log in; default: the product's broker in the file's region, TLS 8883. */
  broker?: BrokerEndpoint;
  algorithm?: HmacAlgorithm;
  timeoutMs?: number;
  /** Key devices: TLS-PSK (identity = client id, key = decoded secret), user name only — the C SDK's login. */
  tlsPsk?: boolean;
}

export interface ConnectedDevice {
  session: HostMqttSession;
  clientId: string;
  broker: BrokerEndpoint;
}

/** Logs the registered device in over MQTT (resolves after CONNACK accepted). */
export async function connectHostDevice(device: HostDevice, options: ConnectDeviceOptions = {}): Promise<ConnectedDevice> {
  const credential = device.record.credential;
  if (credential === undefined) throw new IotError('bad-input', `${device.file} holds no credential yet: register the device first`);
  const now = device.hal.now();
  if (now < CLOCK_FLOOR_SECONDS) throw new IotError('clock', 'the system clock is not set (it reads a time before 2020), so the login would carry a wrong expiry');
  const login = buildMqttLogin({
    productId: device.record.productId,
    deviceName: device.record.deviceName,
    region: device.record.region,
    credential,
    algorithm: options.algorithm ?? 'hmacsha256',
    connIdRandom: device.hal.random(8),
    expiry: loginExpiry(now),
  }, device.hal.crypto);
  const broker = options.broker ?? { host: login.host, port: login.port, tls: true };
  if (!broker.tls && credential.kind === 'cert') throw new IotError('bad-input', 'a certificate device logs in with mutual TLS: use an mqtts:// broker');
  if (options.tlsPsk === true && credential.kind !== 'key') throw new IotError('bad-input', '--tls-psk is for key devices: a certificate device logs in with mutual TLS');
  if (options.tlsPsk === true && !broker.tls) throw new IotError('bad-input', '--tls-psk needs a TLS broker (mqtts://), not plain MQTT');
  // The C SDK sends no password over TLS-PSK: the handshake already proved the secret.
  const psk = options.tlsPsk === true && credential.kind === 'key' ? { identity: login.clientId, key: base64Decode(credential.deviceSecret) } : undefined;
  const caPem = device.hal.caPem;
  const session = await HostMqttSession.open({
    host: broker.host,
    port: broker.port,
    tls: broker.tls,
    clientId: login.clientId,
    username: login.username,
    ...(login.password === undefined || psk !== undefined ? {} : { password: login.password }),
    ...(psk === undefined ? {} : { psk }),
    credential,
    ...(caPem === undefined ? {} : { caPem }),
    timeoutMs: options.timeoutMs ?? 10000,
    logger: device.hal.logger,
  });
  device.hal.logger.log('info', `MQTT login accepted for client id ${login.clientId}`);
  return { session, clientId: login.clientId, broker };
}

/** The topic both apps publish to by default, `<productId>/<deviceName>/data` (pub/sub; conventions/topics.ts). */
export function dataTopic(record: DeviceRecord): string {
  return defaultTopic(record.productId, record.deviceName);
}
