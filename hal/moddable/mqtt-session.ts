/**
 * One MQTT connection with Moddable's classic client, as a promise: resolves when the broker accepted the
 * login (CONNACK 0), rejects when the connection closes first. The client has no reconnect of its own;
 * device-app.ts reconnects with backoff when `closed` settles.
 */
import Client from 'mqtt';
import SecureSocket from 'securesocket';
import Timer from 'timer';
import { IotError } from '../../src/errors.js';
import { utf8Encode } from '../../src/encoding/utf8.js';
import { secureDictionary, socketStartError, toArrayBuffer } from './secure-stream.js';

export interface MqttSessionOptions {
  host: string;
  port: number;
  serverName: string;
  clientId: string;
  username: string;
  /** Key products only; certificate products log in with mutual TLS. */
  password?: string | undefined;
  ca: ArrayBuffer;
  clientCertificate?: Uint8Array | undefined;
  clientKey?: Uint8Array | undefined;
  keepAliveMs: number;
  /** How long the TLS handshake plus CONNACK may take. */
  timeoutMs: number;
}

export interface MqttSession {
  /**
   * QoS 0. Over TLS the whole PUBLISH packet (topic + payload + 4-5 bytes) must fit in one SecureSocket.write:
   * mqtt.js writes it at once, and modsecuresocket.c refuses more than the socket's room less 128 bytes (896 on
   * the simulator, more on an ESP32); beyond, this throws `transport`.
   */
  publish(topic: string, payload: string): void;
  subscribe(topic: string): void;
  /** Called for each message on a subscribed topic. */
  onMessage: ((topic: string, payload: Uint8Array) => void) | undefined;
  /** Settles when the connection is gone (closed by either side or broken). Never rejects. */
  readonly closed: Promise<void>;
  close(): void;
}

export function openMqttSession(options: MqttSessionOptions): Promise<MqttSession> {
  return new Promise<MqttSession>((resolve, reject) => {
    let ready = false;
    let gone = false;
    let markClosed: () => void = () => undefined;
    const closed = new Promise<void>((settle) => {
      markClosed = settle;
    });
    let client: Client;
    try {
      client = new Client({
        host: options.host,
        port: options.port,
        id: options.clientId,
        user: options.username,
        ...(options.password !== undefined ? { password: options.password } : {}),
        timeout: options.keepAliveMs,
        Socket: SecureSocket,
        secure: secureDictionary(options),
      });
    } catch (error) {
      // mqtt.js constructs the SecureSocket here, so a CA date-check failure throws from this constructor.
      reject(socketStartError(error, `MQTT to ${options.host}:${options.port}`));
      return;
    }
    // Moddable's Timer.clear throws on a timer already cleared or already fired (modTimer.c validates the host
    // data), so the guard is cleared at most once and forgotten when it fires.
    let guard: Timer | undefined = Timer.set(() => {
      guard = undefined;
      if (ready || gone) return;
      gone = true;
      shut();
      reject(new IotError('timeout', `the broker did not accept the login within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    const stopGuard = (): void => {
      const pending = guard;
      guard = undefined;
      if (pending !== undefined) Timer.clear(pending);
    };
    const shut = (): void => {
      try {
        client.close();
      } catch {
        // Already closed.
      }
      markClosed();
    };
    const session: MqttSession = {
      onMessage: undefined,
      closed,
      publish(topic, payload) {
        if (gone) throw new IotError('transport', 'publish on a closed MQTT connection');
        try {
          client.publish(topic, toArrayBuffer(utf8Encode(payload)));
        } catch (error) {
          throw new IotError('transport', 'publish failed', { cause: error });
        }
      },
      subscribe(topic) {
        if (gone) throw new IotError('transport', 'subscribe on a closed MQTT connection');
        try {
          client.subscribe(topic);
        } catch (error) {
          throw new IotError('transport', 'subscribe failed', { cause: error });
        }
      },
      close() {
        if (gone) return;
        gone = true;
        stopGuard();
        shut();
      },
    };
    client.onReady = () => {
      if (gone) return;
      ready = true;
      stopGuard();
      resolve(session);
    };
    client.onMessage = (topic, body) => {
      try {
        session.onMessage?.(topic, new Uint8Array(body));
      } catch {
        // A listener's mistake must not kill the connection.
      }
    };
    client.onClose = () => {
      if (gone) return;
      gone = true;
      stopGuard();
      markClosed();
      if (!ready) {
        // Moddable's client reports a refused CONNACK, a failed handshake and a dropped socket alike (its own
        // trace line before this says which); all that is known here is that no session came up.
        reject(new IotError('refused', 'the MQTT connection closed before the broker accepted the login (refused login, TLS failure or network)'));
      }
    };
  });
}
