/**
 * Moddable's classic MQTT client ($(MODULES)/network/mqtt/mqtt.js), which @moddable/typings 5.6 does not
 * declare (it only has the newer "mqtt/js"). Only what this SDK uses; semantics from the SDK source:
 * MQTT 3.1.1, clean session, QoS 0, no reconnect; `onReady` after a CONNACK of 0; `onClose` on any failure
 * (socket error, refused CONNACK, protocol error) and on close by the peer.
 */
declare module 'mqtt' {
  export interface ClientOptions {
    host: string;
    port?: number;
    id?: string;
    user?: string;
    password?: string | ArrayBuffer;
    /** Keep-alive, milliseconds. */
    timeout?: number;
    /** The socket class to use, e.g. SecureSocket for TLS. */
    Socket?: unknown;
    /** Passed to `Socket` as its `secure` dictionary. */
    secure?: Record<string, unknown>;
  }
  export default class Client {
    constructor(options: ClientOptions);
    onReady?: () => void;
    onMessage?: (topic: string, body: ArrayBuffer) => void;
    onClose?: () => void;
    publish(topic: string, data: string | ArrayBuffer): void;
    subscribe(topic: string): void;
    close(): void;
  }
}
