/**
 * The MQTT broker (MQTT 3.1.1, aedes) with Tencent's login and topic rules (PROTOCOL.md §6):
 * - key products: username/password signed with the device's current secret, expiry in the future,
 *   client id = the one the username names; on TLS or, when asked, on a plain port; or TLS-PSK with the
 *   device secret as the key (the C SDK's way), client id = the PSK identity (tls-psk.ts);
 * - cert products: TLS only; the client certificate must chain to the device CA, carry CN = client id and
 *   be the certificate issued last; the password is ignored;
 * - the first successful login activates the device (saved before the CONNACK); a refused login gets a
 *   CONNACK with code 2, 4 or 5, is logged (connack-log.ts: so are aedes' own refusals), and activates nothing;
 * - client ids up to product id + 48 characters on MQTT 3.1 and 3.1.1 (client-id-limit.ts), longer ones
 *   refused with CONNACK 2;
 * - topics: a device's own tree and its system topics only; a refused subscription gets SUBACK 0x80, a
 *   refused publish (wrong topic, or retain) closes the connection. No will; QoS 2 subscriptions are
 *   granted QoS 1, so nothing is delivered at QoS 2.
 */
import { Aedes, type AuthenticateError, type Client, type ConnectPacket } from 'aedes';
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { maxClientIdLength as defaultMaxClientIdLength } from './client-id-limit.js';
import { ConnackLog } from './connack-log.js';
import { guardMqttClient, type CloudLimits } from './connection-limits.js';
import { CONNACK } from './errors.js';
import { payloadPreview, type EventSink } from './console/events.js';
import { checkPassword, parseUsername } from './mqtt-login.js';
import { fingerprintOfDer, type CloudPki } from './pki.js';
import { DEVICE_NAME_PATTERN, type Product } from './products.js';
import type { DeviceEntry, Registry } from './registry.js';
import { checkPskLogin, type PskSession } from './tls-psk.js';
import { deviceMayUseTopic } from './topics.js';

export interface BrokerDeps {
  registry: Registry;
  pki: CloudPki;
  log: (line: string) => void;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** The longest client id accepted (client-id-limit.ts); default: Tencent's 10 + 48. */
  maxClientIdLength?: number;
  /** The TLS-PSK session of a connection, when its handshake used a PSK suite (tls-psk.ts). */
  pskSessionOf?: (socket: object) => PskSession | undefined;
  /** The console's event log (logins, refusals, publishes); optional. */
  events?: EventSink;
  /** Packet size, pre-login budget and login deadline (connection-limits.ts). */
  limits: CloudLimits;
}

interface Identity {
  productId: string;
  deviceName: string;
}

class LoginRefused extends Error {
  readonly returnCode: 2 | 4 | 5;
  constructor(returnCode: 2 | 4 | 5, reason: string) {
    super(reason);
    this.returnCode = returnCode;
  }
}

function refusalError(refused: LoginRefused): AuthenticateError {
  const error = new Error(refused.returnCode === CONNACK.identifierRejected ? 'identifier rejected' : refused.returnCode === CONNACK.badUserNameOrPassword ? 'bad user name or password' : 'not authorized') as AuthenticateError;
  error.returnCode = refused.returnCode as AuthenticateError['returnCode'];
  return error;
}

export class CloudBroker {
  readonly aedes: Aedes;
  readonly #deps: BrokerDeps;
  readonly #connectPackets = new WeakMap<Client, ConnectPacket>();
  readonly #identities = new WeakMap<Client, Identity>();
  readonly #plainSockets = new WeakSet<object>();
  readonly #maxClientIdLength: number;
  readonly #connackLog: ConnackLog;

  private constructor(aedes: Aedes, deps: BrokerDeps, maxClientIdLength: number) {
    this.aedes = aedes;
    this.#deps = deps;
    this.#maxClientIdLength = maxClientIdLength;
    this.#connackLog = new ConnackLog(aedes, deps.log, maxClientIdLength);
  }

  static async create(deps: BrokerDeps): Promise<CloudBroker> {
    const maxClientIdLength = deps.maxClientIdLength ?? defaultMaxClientIdLength([]);
    // aedes' own MQTT 3.1 client-id check (default 23) gets the same limit as #authenticate applies to 3.1.1;
    // its CONNECT time-out is only a backstop: connection-limits.ts closes (and logs) first.
    const aedes = await Aedes.createBroker({ heartbeatInterval: 3_600_000, connectTimeout: deps.limits.loginTimeoutMs * 2, maxClientsIdLength: maxClientIdLength });
    const broker = new CloudBroker(aedes, deps, maxClientIdLength);
    aedes.preConnect = (client, packet, callback) => {
      broker.#connectPackets.set(client, packet);
      broker.#connackLog.rememberConnect(client, packet);
      callback(null, true);
    };
    aedes.authenticate = (client, username, password, done) => {
      broker.#authenticate(client, username, password).then(
        () => done(null, true),
        (error: unknown) => {
          const refused = error instanceof LoginRefused ? error : new LoginRefused(CONNACK.notAuthorized, 'internal error');
          broker.#connackLog.refused(client, refused.returnCode, refused.message);
          deps.events?.emit({ kind: 'login-refused', clientId: client.id ?? '', returnCode: refused.returnCode, message: refused.message });
          done(refusalError(refused), false);
        },
      );
    };
    aedes.authorizePublish = (client, packet, callback) => {
      if (!client) return callback(null);
      const identity = broker.#identities.get(client);
      if (!identity) return callback(new Error('not logged in'));
      if (packet.retain) {
        deps.log(`mqtt publish ${client.id} → ${packet.topic}: refused (retain is not supported); connection closed`);
        return callback(new Error('retain is not supported'));
      }
      if (!deviceMayUseTopic(identity.productId, identity.deviceName, packet.topic)) {
        deps.log(`mqtt publish ${client.id} → ${packet.topic}: refused (not this device's topic); connection closed`);
        return callback(new Error('topic not allowed'));
      }
      callback(null);
    };
    aedes.authorizeSubscribe = (client, subscription, callback) => {
      const identity = broker.#identities.get(client);
      if (!identity || !deviceMayUseTopic(identity.productId, identity.deviceName, subscription.topic)) {
        deps.log(`mqtt subscribe ${client.id} ← ${subscription.topic}: refused (SUBACK 0x80)`);
        return callback(null, null);
      }
      callback(null, { ...subscription, qos: subscription.qos > 1 ? 1 : subscription.qos });
    };
    // One line per accepted publish and subscription (sizes and topics, never payloads): the evidence an
    // interop run reads, as Tencent's console shows a device's traffic; the console's event log gets a preview.
    aedes.on('publish', (packet, client) => {
      if (!client) return;
      deps.log(`mqtt publish ${client.id} → ${packet.topic}: ${packet.payload.length} bytes, QoS ${packet.qos}`);
      const identity = broker.#identities.get(client);
      if (identity && deps.events) deps.events.emit({ kind: 'publish', ...identity, topic: packet.topic, qos: packet.qos, bytes: packet.payload.length, ...payloadPreview(Buffer.from(packet.payload)) });
    });
    // aedes lists refused filters here too (QoS 0x80): authorizeSubscribe has logged those already.
    aedes.on('subscribe', (subscriptions, client) => { for (const s of subscriptions) if ((s.qos as number) !== 128) deps.log(`mqtt subscribe ${client.id} ← ${s.topic}: granted QoS ${s.qos}`); });
    aedes.on('clientDisconnect', (client) => {
      deps.log(`mqtt ${client.id}: disconnected`);
      deps.events?.emit({ kind: 'disconnected', clientId: client.id });
    });
    aedes.on('clientError', (client, error) => deps.log(`mqtt ${client.id}: ${error.message}`));
    return broker;
  }

  /** Hands a connection to the broker; `plain` = it arrived on the plain (non-TLS) port. */
  handle(socket: Socket, plain: boolean): void {
    if (plain) this.#plainSockets.add(socket);
    const client = this.aedes.handle(socket);
    guardMqttClient(client as never, socket, this.#deps.limits, this.#deps.log);
    // QoS 2 is downgraded to 1 in the SUBACK itself: aedes fixes the granted QoS before authorizeSubscribe
    // runs, so the SUBSCRIBE packet is adjusted as it is parsed (aedes 1.2 keeps its parser in `_parser`).
    const parser = (client as unknown as { _parser?: EventEmitter })._parser;
    parser?.prependListener('packet', (packet: { cmd?: string; subscriptions?: Array<{ qos: number }> }) => {
      if (packet.cmd === 'subscribe' && Array.isArray(packet.subscriptions)) {
        for (const subscription of packet.subscriptions) if (subscription.qos > 1) subscription.qos = 1;
      }
    });
  }

  /** The logged-in session of the device, if any (aedes lists a client once its CONNECT was accepted). */
  #sessionOf(productId: string, deviceName: string): Client | undefined {
    const clients = (this.aedes as unknown as { clients: Record<string, Client | undefined> }).clients;
    const client = clients[`${productId}${deviceName}`];
    const identity = client ? this.#identities.get(client) : undefined;
    return identity?.productId === productId && identity.deviceName === deviceName ? client : undefined;
  }

  isOnline(productId: string, deviceName: string): boolean {
    return this.#sessionOf(productId, deviceName) !== undefined;
  }

  /** Closes the device's session (after a reset or a deletion in the console); false if it had none. */
  disconnectDevice(productId: string, deviceName: string): boolean {
    const client = this.#sessionOf(productId, deviceName);
    if (!client) return false;
    this.#deps.log(`mqtt ${client.id}: closed by the console (credential revoked)`);
    client.close();
    return true;
  }

  #findDevice(clientId: string): { product: Product; device: Readonly<DeviceEntry> } | undefined {
    for (const product of this.#deps.registry.productsForClientId(clientId)) {
      const deviceName = clientId.slice(product.productId.length);
      if (!DEVICE_NAME_PATTERN.test(deviceName)) continue;
      const device = this.#deps.registry.device(product.productId, deviceName);
      if (device) return { product, device };
    }
    return undefined;
  }

  async #authenticate(client: Client, username: string | undefined, password: Buffer | undefined): Promise<void> {
    const packet = this.#connectPackets.get(client);
    this.#connectPackets.delete(client);
    if (!packet) throw new LoginRefused(CONNACK.notAuthorized, 'no CONNECT seen');
    if (packet.will) throw new LoginRefused(CONNACK.notAuthorized, 'will messages are not supported');
    const clientId = packet.clientId;
    if (clientId.length > this.#maxClientIdLength) throw new LoginRefused(CONNACK.identifierRejected, `identifier rejected: client id of ${clientId.length} characters, longer than ${this.#maxClientIdLength} (product id + device name)`);
    const found = this.#findDevice(clientId);
    if (!found) throw new LoginRefused(CONNACK.badUserNameOrPassword, 'no such device');
    const { product, device } = found;
    const plain = this.#plainSockets.has(client.conn);
    const pskSession = plain ? undefined : this.#deps.pskSessionOf?.(client.conn);
    if (pskSession !== undefined) {
      const refusal = checkPskLogin(pskSession, device, clientId, username, password, this.#deps.now() / 1000);
      if (refusal) throw new LoginRefused(refusal.returnCode, refusal.reason);
    } else if (product.authMode === 'KEY') {
      if (username === undefined) throw new LoginRefused(CONNACK.badUserNameOrPassword, 'no user name');
      const parsed = parseUsername(username);
      if (!parsed) throw new LoginRefused(CONNACK.badUserNameOrPassword, 'user name is not <clientId>;<appid>;<connid>;<expiry>');
      if (parsed.clientId !== clientId) throw new LoginRefused(CONNACK.badUserNameOrPassword, 'user name names another client id');
      if (parsed.expiry <= this.#deps.now() / 1000) throw new LoginRefused(CONNACK.badUserNameOrPassword, 'user name expiry is in the past');
      if (device.psk === undefined) throw new LoginRefused(CONNACK.badUserNameOrPassword, 'device has no secret yet (not registered)');
      if (password === undefined) throw new LoginRefused(CONNACK.badUserNameOrPassword, 'no password');
      const check = checkPassword(device.psk, username, password.toString('utf8'));
      if (check === 'malformed') throw new LoginRefused(CONNACK.badUserNameOrPassword, 'password is not <hex>;hmacsha1|hmacsha256');
      if (check === 'wrong') throw new LoginRefused(CONNACK.badUserNameOrPassword, 'password does not match the current device secret');
    } else {
      if (plain) throw new LoginRefused(CONNACK.notAuthorized, 'certificate products must use TLS');
      const socket = client.conn as TLSSocket;
      const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
      if (!peer || !peer.raw) throw new LoginRefused(CONNACK.notAuthorized, 'no client certificate');
      if (!socket.authorized || !this.#deps.pki.signedByDeviceCa(peer.raw)) throw new LoginRefused(CONNACK.notAuthorized, 'client certificate does not chain to the device CA');
      const commonName = Array.isArray(peer.subject?.CN) ? undefined : peer.subject?.CN;
      if (commonName !== clientId) throw new LoginRefused(CONNACK.notAuthorized, 'client certificate CN is not the client id');
      if (device.certFingerprint === undefined || fingerprintOfDer(peer.raw) !== device.certFingerprint) {
        throw new LoginRefused(CONNACK.notAuthorized, 'client certificate is not the one issued last');
      }
    }
    const wasActivated = device.activated;
    try {
      await this.#deps.registry.activate(product.productId, device.deviceName);
    } catch {
      throw new LoginRefused(CONNACK.notAuthorized, 'activation could not be recorded');
    }
    // The console may have reset or deleted the device while this login was being checked.
    const current = this.#deps.registry.device(product.productId, device.deviceName);
    if (!current || current.psk !== device.psk || current.certFingerprint !== device.certFingerprint) throw new LoginRefused(CONNACK.badUserNameOrPassword, 'the credential was revoked meanwhile');
    this.#deps.registry.noteLogin(product.productId, device.deviceName, this.#deps.now());
    this.#identities.set(client, { productId: product.productId, deviceName: device.deviceName });
    const transport = plain ? 'plain' : pskSession ? 'TLS-PSK' : 'TLS';
    this.#deps.log(`mqtt login ${clientId}: ok (${product.authMode === 'KEY' ? 'key' : 'certificate'}, ${transport}${wasActivated ? '' : ', device activated'})`);
    this.#deps.events?.emit({ kind: 'login', clientId, productId: product.productId, deviceName: device.deviceName, credential: product.authMode === 'KEY' ? 'key' : 'certificate', transport, activated: !wasActivated });
  }

  /**
   * A message from the cloud to a device topic (what Tencent's PublishMessage API does), QoS 0, no retain.
   * Delivered to the device's current subscriptions; topic rules apply to devices, not to the cloud.
   */
  publishFromCloud(topic: string, payload: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.aedes.publish({ cmd: 'publish', topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos: 0, retain: false, dup: false }, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.aedes.close(() => resolve()));
  }
}
