/**
 * The MQTT broker (MQTT 3.1.1, aedes) with Tencent's login and topic rules (PROTOCOL.md §6):
 * - key products: username/password signed with the device's current secret, expiry in the future,
 *   client id = the one the username names; on TLS or, when asked, on a plain port;
 * - cert products: TLS only; the client certificate must chain to the device CA, carry CN = client id and
 *   be the certificate issued last; the password is ignored;
 * - the first successful login activates the device (saved before the CONNACK); a refused login gets a
 *   CONNACK with code 4 or 5, is logged, and activates nothing;
 * - topics: a device's own tree and its system topics only; a refused subscription gets SUBACK 0x80, a
 *   refused publish (wrong topic, or retain) closes the connection. No will; QoS 2 subscriptions are
 *   granted QoS 1, so nothing is delivered at QoS 2.
 */
import { Aedes, type AuthenticateError, type Client, type ConnectPacket } from 'aedes';
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { guardMqttClient, type CloudLimits } from './connection-limits.js';
import { CONNACK } from './errors.js';
import { checkPassword, parseUsername } from './mqtt-login.js';
import { fingerprintOfDer, type CloudPki } from './pki.js';
import { DEVICE_NAME_PATTERN, type Product } from './products.js';
import type { DeviceEntry, Registry } from './registry.js';
import { deviceMayUseTopic } from './topics.js';

export interface BrokerDeps {
  registry: Registry;
  pki: CloudPki;
  log: (line: string) => void;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Packet size, pre-login budget and login deadline (connection-limits.ts). */
  limits: CloudLimits;
}

interface Identity {
  productId: string;
  deviceName: string;
}

class LoginRefused extends Error {
  readonly returnCode: 4 | 5;
  constructor(returnCode: 4 | 5, reason: string) {
    super(reason);
    this.returnCode = returnCode;
  }
}

function refusalError(refused: LoginRefused): AuthenticateError {
  const error = new Error(refused.returnCode === CONNACK.badUserNameOrPassword ? 'bad user name or password' : 'not authorized') as AuthenticateError;
  error.returnCode = refused.returnCode as AuthenticateError['returnCode'];
  return error;
}

export class CloudBroker {
  readonly aedes: Aedes;
  readonly #deps: BrokerDeps;
  readonly #connectPackets = new WeakMap<Client, ConnectPacket>();
  readonly #identities = new WeakMap<Client, Identity>();
  readonly #plainSockets = new WeakSet<object>();

  private constructor(aedes: Aedes, deps: BrokerDeps) {
    this.aedes = aedes;
    this.#deps = deps;
  }

  static async create(deps: BrokerDeps): Promise<CloudBroker> {
    // aedes' own CONNECT time-out is only a backstop: connection-limits.ts closes (and logs) first.
    const aedes = await Aedes.createBroker({ heartbeatInterval: 3_600_000, connectTimeout: deps.limits.loginTimeoutMs * 2 });
    const broker = new CloudBroker(aedes, deps);
    aedes.preConnect = (client, packet, callback) => {
      broker.#connectPackets.set(client, packet);
      callback(null, true);
    };
    aedes.authenticate = (client, username, password, done) => {
      broker.#authenticate(client, username, password).then(
        () => done(null, true),
        (error: unknown) => {
          const refused = error instanceof LoginRefused ? error : new LoginRefused(CONNACK.notAuthorized, 'internal error');
          deps.log(`mqtt login ${client.id || '(no client id)'}: refused (CONNACK ${refused.returnCode}: ${refused.message})`);
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
    aedes.on('clientDisconnect', (client) => deps.log(`mqtt ${client.id}: disconnected`));
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
    const found = this.#findDevice(clientId);
    if (!found) throw new LoginRefused(CONNACK.badUserNameOrPassword, 'no such device');
    const { product, device } = found;
    const plain = this.#plainSockets.has(client.conn);
    if (product.authMode === 'KEY') {
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
    this.#identities.set(client, { productId: product.productId, deviceName: device.deviceName });
    this.#deps.log(`mqtt login ${clientId}: ok (${product.authMode === 'KEY' ? 'key' : 'certificate'}, ${plain ? 'plain' : 'TLS'}${wasActivated ? '' : ', device activated'})`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.aedes.close(() => resolve()));
  }
}
