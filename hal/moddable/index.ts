/**
 * The library entry for users' own Moddable apps (manifest_tc_iot_device.json): the portable core's
 * provisioning API plus the Moddable HAL, without the demo app. Bundled to dist/device/tc-iot-device.js.
 */
export { IotError, isIotError } from '../../src/errors.js';
export type { IotErrorCode } from '../../src/errors.js';
export type { ByteStream, ConnectOptions, Credential, CredentialStorage, CryptoPrimitives, Hal, LogLevel, LogThreshold, StoredCredential, TrustAnchor } from '../hal.js';
export { provision } from '../../src/runner/provision.js';
export { backoffDelay, uint32FromBytes } from '../../src/runner/backoff.js';
export { buildMqttLogin } from '../../src/protocol/mqtt-login.js';
export type { MqttLogin, MqttAlgorithm } from '../../src/protocol/mqtt-login.js';
export { deviceNameFromMac, validateDeviceName } from '../../src/device/device-name.js';
export type { DeviceRecord, AuthMode } from '../../src/device/record.js';
export { derToPem, pemToDer } from '../../src/pki/pem.js';
export { rsaPkcs1ToPkcs8 } from '../../src/pki/pkcs8.js';
export { createModdableHal, randomBytes } from './moddable-hal.js';
export { nativeCrypto } from './native-crypto.js';
export type { ModdableHalOptions } from './moddable-hal.js';
export { PreferenceStorage, CHUNK_BYTES, DEFAULT_DOMAIN } from './preference-storage.js';
export type { PreferenceApi } from './preference-storage.js';
export { openSecureStream } from './secure-stream.js';
export { clockIsSet, syncClock, CLOCK_VALID_FROM } from './clock.js';
export { openMqttSession } from './mqtt-session.js';
export type { MqttSession, MqttSessionOptions } from './mqtt-session.js';
export { tlsIdentityOf } from './credential-codec.js';
export { readDeviceSettings } from './device-settings.js';
export type { DeviceSettings } from './device-settings.js';
export { runDevice, describeError } from './device-app.js';
export type { DeviceConfig, DeviceDeps } from './device-app.js';
export { loadCaFile, loadDerResource, trustAnchorDer } from './trust-anchors.js';
