/**
 * What the core, the firmware (hal/moddable) and the host simulator (host-sim) share, in one place: the
 * string unions, the default topics, the clock floor, the endpoints and login lifetime, and the C SDK's
 * certificate file names. Each fact is written once here and imported everywhere else
 * (test/core/conventions.test.ts checks that no copy creeps back).
 */
export { AUTH_MODES, REGISTER_APIS, HMAC_ALGORITHMS, isAuthMode, isRegisterApi, isHmacAlgorithm } from './unions.js';
export type { AuthMode, RegisterApi, HmacAlgorithm } from './unions.js';
export { DEFAULT_TOPIC_LEAF, deviceTopic, defaultTopic } from './topics.js';
export type { TopicLeaf } from './topics.js';
export { CLOCK_FLOOR_SECONDS, clockIsPlausible } from './clock.js';
export { GATEWAY_HTTPS_PORT, MQTT_TLS_PORT, LOGIN_LIFETIME_SECONDS, brokerEndpoint, loginExpiry } from './endpoints.js';
export type { Endpoint } from './endpoints.js';
export { CERTS_DIR, certFileNamesFor } from './cert-files.js';
export type { CertFileNames } from './cert-files.js';
