/**
 * The portable core's public surface: everything here runs unchanged on V8 and on XS. `npm run build`
 * bundles this file into dist/core.js (one ES module, no imports).
 */
export { IotError, isIotError } from './errors.js';
export type { IotErrorCode, IotErrorDetails } from './errors.js';

// Crypto and encodings (pure ECMAScript, no TextEncoder/atob/Buffer/crypto)
export { sha1 } from './crypto/sha1.js';
export { sha256 } from './crypto/sha256.js';
export { hmacSha1, hmacSha256 } from './crypto/hmac.js';
export { aesCbcDecrypt } from './crypto/aes.js';
export { jsCrypto } from './crypto/js-primitives.js';
export { constantTimeEqual } from './crypto/constant-time.js';
export { base64Encode, base64Decode } from './encoding/base64.js';
export { hexEncode, hexDecode } from './encoding/hex.js';
export { utf8Encode, utf8Decode } from './encoding/utf8.js';
export { concatBytes, asciiBytes } from './encoding/bytes.js';

// What both apps share: unions, default topics, clock floor, endpoints, login lifetime, certificate file names
export { AUTH_MODES, REGISTER_APIS, HMAC_ALGORITHMS, isAuthMode, isRegisterApi, isHmacAlgorithm, DEFAULT_TOPIC_LEAF, deviceTopic, defaultTopic, CLOCK_FLOOR_SECONDS, clockIsPlausible, GATEWAY_HTTPS_PORT, LOGIN_LIFETIME_SECONDS, brokerEndpoint, loginExpiry, CERTS_DIR } from './conventions/index.js';
export type { AuthMode, RegisterApi, HmacAlgorithm, TopicLeaf, Endpoint, CertFileNames } from './conventions/index.js';

// Protocol (sans-I/O), device record, PKI and the runner
export { REGIONS, parseRegion, gatewayHost, gatewayTrust, brokerHost } from './protocol/regions.js';
export type { Region } from './protocol/regions.js';
export { serializeHttpRequest } from './protocol/http-request.js';
export type { HttpRequest } from './protocol/http-request.js';
export { HttpResponseParser, MAX_RESPONSE_BYTES } from './protocol/http-response.js';
export type { HttpResponse } from './protocol/http-response.js';
export { MAX_NONCE, hostWithoutPort } from './protocol/register-params.js';
export { parseRegisterResponse, registerVerdictError, isUnavailableStatus } from './protocol/register-response.js';
export type { RegisterVerdict, RegisterAnswer, RegisterAccepted, RegisterRefused, RegisterUnavailable } from './protocol/register-response.js';
export { v1SignSource, v1Signature, buildV1RegisterRequest, parseV1RegisterResponse, V1_REGISTER_PATH } from './protocol/register-v1.js';
export { v2StringToSign, v2Signature, buildV2RegisterRequest, parseV2RegisterResponse, V2_REGISTER_PATH } from './protocol/register-v2.js';
export type { V2Algorithm } from './protocol/register-v2.js';
export { decryptPayload, parseCredentialPlaintext } from './protocol/payload.js';
export { connIdFromRandom, mqttUsername, mqttPassword, buildMqttLogin, DEFAULT_SDK_APP_ID, MQTT_TLS_PORT } from './protocol/mqtt-login.js';
export type { MqttLogin, MqttLoginParams, MqttAlgorithm } from './protocol/mqtt-login.js';
export { validateDeviceName, validateProductId, deviceNameFromMac } from './device/device-name.js';
export { validateProductSecret } from './device/product-secret.js';
export { parseDeviceInfo, keyNeedsRegistration, certFileNames, certFileNamesFor, recordFromDeviceInfo, updateDeviceInfo } from './device/device-info.js';
export type { DeviceInfo } from './device/device-info.js';
export { MAX_STORED_CREDENTIAL_BYTES } from './device/record.js';
export type { DeviceRecord } from './device/record.js';
export { pemToDer, derToPem } from './pki/pem.js';
export { rsaPkcs1ToPkcs8 } from './pki/pkcs8.js';
export { backoffDelay, uint32FromBytes } from './runner/backoff.js';
export { provision } from './runner/provision.js';
export type { ProvisionOptions, ProvisionResult } from './runner/provision.js';
