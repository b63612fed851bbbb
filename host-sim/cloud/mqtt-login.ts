/**
 * The MQTT login rules of a key-mode device (PROTOCOL.md §6): username `<clientId>;<appid>;<connid>;<expiry>`,
 * password `hex(HMAC(base64-decoded secret, username));hmacsha1|hmacsha256`. Pure functions: the broker
 * supplies the device's current secret and the clock.
 */
import { mqttExpectedPassword, safeEqual, type MqttAlgorithm } from './signatures.js';

export interface ParsedUsername {
  clientId: string;
  appId: string;
  connId: string;
  /** Unix seconds. */
  expiry: number;
}

/** Parses the username; undefined when it does not have Tencent's shape. */
export function parseUsername(username: string): ParsedUsername | undefined {
  const parts = username.split(';');
  if (parts.length !== 4) return undefined;
  const [clientId, appId, connId, expiryText] = parts as [string, string, string, string];
  if (clientId.length === 0 || !/^[0-9]{1,20}$/.test(appId) || !/^[A-Za-z0-9]{1,32}$/.test(connId) || !/^[0-9]{1,20}$/.test(expiryText)) return undefined;
  // The C SDK sends LONG_MAX (19 digits): a double is precise enough to compare with "now".
  return { clientId, appId, connId, expiry: Number(expiryText) };
}

export type PasswordCheck = 'ok' | 'malformed' | 'wrong';

/** Checks `password` against the device secret; constant-time on the MAC. */
export function checkPassword(deviceSecretBase64: string, username: string, password: string): PasswordCheck {
  const separator = password.lastIndexOf(';');
  if (separator < 0) return 'malformed';
  const algorithm = password.slice(separator + 1);
  if (algorithm !== 'hmacsha1' && algorithm !== 'hmacsha256') return 'malformed';
  const expected = mqttExpectedPassword(deviceSecretBase64, username, algorithm as MqttAlgorithm);
  return safeEqual(expected, password) ? 'ok' : 'wrong';
}
