/**
 * One MQTT 3.1.1 session with MQTT.js, logged in with what the core's buildMqttLogin produced. The broker's
 * server certificate is verified (the pinned Tencent root, or --ca); certificate products use mutual TLS.
 * Resolves only after CONNACK accepted; publish waits for PUBACK (QoS 1), so acceptance is known.
 */
import { isIP } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { IotError } from '../src/errors.js';
import { caPemFor, iotErrorFromNode, type Logger } from '../hal/node/index.js';
import type { Credential } from '../hal/hal.js';
import { pskClientTlsOptions, pskHandshakeRefusal, type PskCredential } from './tls-psk-client.js';

export interface HostMqttSessionOptions {
  host: string;
  port: number;
  tls: boolean;
  clientId: string;
  username: string;
  password?: string;
  credential: Credential;
  /** A configured CA (PEM) replacing the pinned Tencent Iothub root. */
  caPem?: string;
  /** Log in the C SDK's way: TLS-PSK (no certificate, no CA) instead of a verified server certificate. */
  psk?: PskCredential;
  timeoutMs: number;
  keepaliveSeconds?: number;
  logger: Logger;
}

/** CONNACK return codes of MQTT 3.1.1 (§3.2.2.3). */
const CONNACK_TEXT: Readonly<Record<number, string>> = Object.freeze({
  1: 'unacceptable protocol version',
  2: 'identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
});

function connackRefusal(returnCode: number): IotError {
  const text = CONNACK_TEXT[returnCode] ?? 'refused';
  // 3 "server unavailable" is the broker's way of saying "later": retryable, not a refusal of this device.
  if (returnCode === 3) return new IotError('unavailable', 'the broker is unavailable (CONNACK 3)', { serverCode: returnCode, serverMessage: text });
  return new IotError('refused', `the broker refused the login (CONNACK ${returnCode}: ${text})`, { serverCode: returnCode, serverMessage: text });
}

export interface ReceivedMessage {
  topic: string;
  payload: Uint8Array;
}

/**
 * The host simulator's MQTT session: every operation waits for the broker's acknowledgement (CONNACK, SUBACK,
 * PUBACK) and reports a refusal as an IotError; `end()` disconnects. Not the firmware's `MqttSession`
 * (hal/moddable/mqtt-session.ts), whose publish is fire-and-forget and which reports the drop through `closed`.
 */
export class HostMqttSession {
  readonly #client: MqttClient;
  readonly #endpoint: string;
  readonly #timeoutMs: number;
  readonly #messages: ReceivedMessage[] = [];
  #waiter: ((message: ReceivedMessage) => void) | undefined;

  private constructor(client: MqttClient, endpoint: string, timeoutMs: number) {
    this.#client = client;
    this.#endpoint = endpoint;
    this.#timeoutMs = timeoutMs;
    client.on('message', (topic, payload) => {
      const message = { topic, payload: new Uint8Array(payload) };
      const waiter = this.#waiter;
      if (waiter !== undefined) {
        this.#waiter = undefined;
        waiter(message);
      } else {
        this.#messages.push(message);
      }
    });
  }

  /** Connects and logs in; resolves after CONNACK accepted. Rejects 'refused', 'tls', 'transport', 'timeout'. */
  static open(options: HostMqttSessionOptions): Promise<HostMqttSession> {
    const endpoint = `${options.host}:${options.port}`;
    const clientOptions: IClientOptions = {
      protocol: options.tls ? 'mqtts' : 'mqtt',
      host: options.host,
      port: options.port,
      protocolVersion: 4,
      clientId: options.clientId,
      username: options.username,
      clean: true,
      keepalive: options.keepaliveSeconds ?? 120,
      reconnectPeriod: 0,
      // Only a backstop: our own timer below reports the time-out as `timeout` (MQTT.js's is a plain Error).
      connectTimeout: options.timeoutMs + 1000,
      // Tencent refuses wills; none is sent.
    };
    if (options.password !== undefined) clientOptions.password = options.password;
    if (options.tls && options.psk !== undefined) {
      Object.assign(clientOptions, pskClientTlsOptions(options.psk));
      if (isIP(options.host) === 0) clientOptions.servername = options.host;
    } else if (options.tls) {
      clientOptions.ca = caPemFor('tencent-iothub', options.caPem);
      clientOptions.rejectUnauthorized = true;
      if (isIP(options.host) === 0) clientOptions.servername = options.host;
      if (options.credential.kind === 'cert') {
        clientOptions.cert = options.credential.certificatePem;
        clientOptions.key = options.credential.privateKeyPem;
      }
    }
    options.logger.log('info', `MQTT connect to ${options.tls ? 'mqtts' : 'mqtt'}://${endpoint} as client id ${options.clientId}${options.psk ? ' (TLS-PSK)' : ''}`);
    return new Promise((resolve, reject) => {
      const client = mqtt.connect(clientOptions);
      let settled = false;
      const finish = (error: IotError | undefined): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.removeListener('connect', onConnect);
        if (error === undefined) {
          resolve(new HostMqttSession(client, endpoint, options.timeoutMs));
        } else {
          client.end(true);
          reject(error);
        }
      };
      const onConnect = (): void => finish(undefined);
      const timer = setTimeout(() => finish(new IotError('timeout', `no CONNACK from ${endpoint} within ${options.timeoutMs} ms`)), options.timeoutMs);
      client.once('connect', onConnect);
      client.on('error', (error: Error & { code?: unknown }) => {
        if (typeof error.code === 'number') finish(connackRefusal(error.code));
        else finish((options.psk && pskHandshakeRefusal(error, endpoint)) || iotErrorFromNode(error, endpoint));
      });
      client.on('close', () => finish(new IotError('transport', `the broker at ${endpoint} closed the connection before accepting the login`)));
    });
  }

  /** Subscribes with QoS 1; rejects 'refused' when the broker answers SUBACK 0x80. */
  subscribe(topic: string): Promise<void> {
    return this.#withTimeout(`SUBACK for ${topic}`, new Promise((resolve, reject) => {
      this.#client.subscribe(topic, { qos: 1 }, (error, granted) => {
        if (error) {
          reject(iotErrorFromNode(error, this.#endpoint));
          return;
        }
        const grant = granted?.[0];
        if (grant === undefined || grant.qos === 128) reject(new IotError('refused', `the broker refused the subscription to ${topic} (SUBACK 0x80)`, { serverCode: 128 }));
        else resolve();
      });
    }));
  }

  /** Publishes with QoS 1 and resolves on PUBACK. */
  publish(topic: string, message: string | Uint8Array): Promise<void> {
    return this.#withTimeout(`PUBACK for ${topic}`, new Promise((resolve, reject) => {
      this.#client.publish(topic, typeof message === 'string' ? message : Buffer.from(message), { qos: 1, retain: false }, (error) => {
        if (error) {
          const code = (error as { code?: unknown }).code;
          reject(typeof code === 'number'
            ? new IotError('refused', `the broker refused the publish to ${topic} (reason ${code})`, { serverCode: code })
            : iotErrorFromNode(error, this.#endpoint));
        } else {
          resolve();
        }
      });
    }), true);
  }

  /** Resolves with the next message received (in arrival order). */
  nextMessage(): Promise<ReceivedMessage> {
    const queued = this.#messages.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return this.#withTimeout('a message', new Promise((resolve) => { this.#waiter = resolve; }));
  }

  /** Sends DISCONNECT and closes; resolves when the socket is gone (at once if the broker already closed it). Never rejects. */
  end(): Promise<void> {
    return new Promise((resolve) => {
      // MQTT.js never calls end()'s callback for a client whose socket is already gone, and a pending promise
      // with no timer lets Node exit early with status 0: so settle on 'close' too, and force after a bound.
      if (this.#client.disconnected || !this.#client.connected) {
        this.#client.end(true, {}, () => undefined);
        resolve();
        return;
      }
      const force = setTimeout(() => { this.#client.end(true); resolve(); }, Math.min(this.#timeoutMs, 5000));
      this.#client.once('close', () => { clearTimeout(force); resolve(); });
      this.#client.end(false, {}, () => { clearTimeout(force); resolve(); });
    });
  }

  #withTimeout<T>(what: string, promise: Promise<T>, closeMeansRefusal = false): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new IotError('timeout', `no ${what} from ${this.#endpoint} within ${this.#timeoutMs} ms`)), this.#timeoutMs);
      const onClose = (): void => {
        clearTimeout(timer);
        reject(closeMeansRefusal
          ? new IotError('refused', `the broker at ${this.#endpoint} closed the connection instead of sending ${what} (MQTT 3.1.1 has no negative PUBACK: this is how a broker refuses a publish)`)
          : new IotError('transport', `the broker at ${this.#endpoint} closed the connection while waiting for ${what}`));
      };
      this.#client.once('close', onClose);
      promise.then(
        (value) => { clearTimeout(timer); this.#client.removeListener('close', onClose); resolve(value); },
        (error: unknown) => { clearTimeout(timer); this.#client.removeListener('close', onClose); reject(error); },
      );
    });
  }
}
