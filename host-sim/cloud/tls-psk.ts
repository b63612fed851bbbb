/**
 * TLS-PSK on the broker's TLS port: the way Tencent's C SDK logs a key device in (PROTOCOL.md §6). The
 * device offers TLS_PSK_WITH_AES_128_CBC_SHA / _256_ (TLS 1.2) with identity = client id (`<pid><name>`)
 * and key = the Base64-decoded device secret; it sends no certificate check and, in the MQTT CONNECT, a
 * username but no password. The same server keeps serving certificate suites (TLS 1.2 and 1.3) for
 * username/password and mutual-TLS logins: OpenSSL picks a PSK suite only when the client offers one.
 *
 * Keys come from the cloud's own registry at handshake time. An unknown identity, a certificate product or a
 * device without a secret yet gets no key (handshake alert "unknown PSK identity"); a wrong key fails the
 * handshake's Finished check. Both are logged with the identity, never with a key.
 */
import { DEFAULT_CIPHERS, type TLSSocket } from 'node:tls';
import { CONNACK } from './errors.js';
import { checkPassword, parseUsername } from './mqtt-login.js';
import { DEVICE_NAME_PATTERN } from './products.js';
import type { DeviceEntry, Registry } from './registry.js';

/** The PSK suites served (OpenSSL names): the C SDK's two, then the AEAD ones for clients that offer them. */
export const PSK_CIPHER_SUITES = Object.freeze(['PSK-AES128-CBC-SHA', 'PSK-AES256-CBC-SHA', 'PSK-AES128-GCM-SHA256', 'PSK-AES256-GCM-SHA384']);

/**
 * Node's default list with its `!PSK` turned into `-PSK` (`!` would forbid adding PSK suites back), then the
 * PSK suites above appended: certificate clients negotiate exactly what they would with Node's defaults.
 */
export const BROKER_TLS_CIPHERS = `${DEFAULT_CIPHERS.replace(/(^|:)!PSK(?=:|$)/, '$1-PSK')}:-PSK:${PSK_CIPHER_SUITES.join(':')}`;

/** What the TLS layer established for a PSK session, for the MQTT CONNECT check. */
export interface PskSession {
  /** The identity the client sent (= the device's client id). */
  identity: string;
  productId: string;
  deviceName: string;
  /** The device secret (Base64) whose decoded bytes were the session key, to notice a re-registration. */
  secret: string;
}

/** At most this much of a client-chosen identity goes into a log line. */
const IDENTITY_LOG_LIMIT = 80;

function printable(identity: string): string {
  return JSON.stringify(identity.length > IDENTITY_LOG_LIMIT ? `${identity.slice(0, IDENTITY_LOG_LIMIT)}…` : identity);
}

export class TlsPskAuthority {
  readonly #registry: Registry;
  readonly #log: (line: string) => void;
  readonly #sessions = new WeakMap<object, PskSession>();

  constructor(registry: Registry, log: (line: string) => void) {
    this.#registry = registry;
    this.#log = log;
  }

  /** Options for `tls.createServer` (added to the key, certificate and client-certificate options). */
  serverOptions(): { ciphers: string; minVersion: 'TLSv1.2'; pskCallback: (socket: TLSSocket, identity: string) => Buffer | null } {
    return { ciphers: BROKER_TLS_CIPHERS, minVersion: 'TLSv1.2', pskCallback: (socket, identity) => this.#keyFor(socket, identity) };
  }

  /** The PSK session of a socket whose handshake used a PSK suite; undefined for certificate sessions. */
  sessionOf(socket: object): PskSession | undefined {
    const session = this.#sessions.get(socket);
    if (session === undefined) return undefined;
    const cipher = (socket as Partial<TLSSocket>).getCipher?.();
    return cipher !== undefined && cipher.name.includes('PSK') ? session : undefined;
  }

  /** The server's `tlsClientError` listener: names the PSK identity when the handshake failed on its key. */
  onTlsClientError = (error: Error, socket: TLSSocket): void => {
    const session = this.#sessions.get(socket);
    const code = (error as NodeJS.ErrnoException).code ?? error.message;
    if (session === undefined) {
      this.#log(`broker: TLS handshake failed: ${error.message}`);
      return;
    }
    this.#log(`broker: TLS-PSK identity ${printable(session.identity)}: refused (handshake failed: ${code} — the client's key is not the device's current secret)`);
  };

  #keyFor(socket: TLSSocket, identity: string): Buffer | null {
    const found = this.#findDevice(identity);
    const refuse = (reason: string): null => {
      this.#log(`broker: TLS-PSK identity ${printable(identity)}: refused (${reason})`);
      return null;
    };
    if (found === undefined) return refuse('no such device');
    if (found.authMode !== 'KEY') return refuse('a certificate product: its devices log in with mutual TLS');
    const secret = found.device.psk;
    if (secret === undefined) return refuse('the device has no secret yet (not registered)');
    this.#sessions.set(socket, { identity, productId: found.device.productId, deviceName: found.device.deviceName, secret });
    return Buffer.from(secret, 'base64');
  }

  #findDevice(clientId: string): { authMode: string; device: Readonly<DeviceEntry> } | undefined {
    for (const product of this.#registry.productsForClientId(clientId)) {
      const deviceName = clientId.slice(product.productId.length);
      if (!DEVICE_NAME_PATTERN.test(deviceName)) continue;
      const device = this.#registry.device(product.productId, deviceName);
      if (device) return { authMode: product.authMode, device };
    }
    return undefined;
  }
}

export interface PskLoginRefusal {
  returnCode: 4 | 5;
  reason: string;
}

/**
 * The MQTT CONNECT of a PSK session, checked against what the handshake proved: the client id must be the
 * PSK identity, the device's secret must still be the one used as the key (a registration in between
 * revokes it), and a username or password, when sent, must be valid for that device. The C SDK sends a
 * username and no password; whether Tencent insists on the username is not known, so it is optional.
 */
export function checkPskLogin(session: PskSession, device: Readonly<DeviceEntry> | undefined, clientId: string, username: string | undefined, password: Buffer | undefined, nowSeconds: number): PskLoginRefusal | undefined {
  if (clientId !== session.identity) return { returnCode: CONNACK.notAuthorized, reason: 'client id is not the TLS-PSK identity' };
  if (device === undefined || device.productId !== session.productId || device.deviceName !== session.deviceName) return { returnCode: CONNACK.notAuthorized, reason: 'client id is not the TLS-PSK identity' };
  if (device.psk !== session.secret) return { returnCode: CONNACK.badUserNameOrPassword, reason: 'the TLS-PSK key is no longer the device secret (registered again since the handshake)' };
  if (username !== undefined) {
    const parsed = parseUsername(username);
    if (!parsed) return { returnCode: CONNACK.badUserNameOrPassword, reason: 'user name is not <clientId>;<appid>;<connid>;<expiry>' };
    if (parsed.clientId !== clientId) return { returnCode: CONNACK.badUserNameOrPassword, reason: 'user name names another client id' };
    if (parsed.expiry <= nowSeconds) return { returnCode: CONNACK.badUserNameOrPassword, reason: 'user name expiry is in the past' };
  }
  if (password !== undefined) {
    if (username === undefined) return { returnCode: CONNACK.badUserNameOrPassword, reason: 'a password without a user name' };
    const check = checkPassword(session.secret, username, password.toString('utf8'));
    if (check === 'malformed') return { returnCode: CONNACK.badUserNameOrPassword, reason: 'password is not <hex>;hmacsha1|hmacsha256' };
    if (check === 'wrong') return { returnCode: CONNACK.badUserNameOrPassword, reason: 'password does not match the current device secret' };
  }
  return undefined;
}
