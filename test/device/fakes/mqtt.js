// Fake Moddable "mqtt" (the classic Client): the MQTT session is a real MQTT.js client on the Node side,
// opened with exactly the options given here (host, port, id, user, password, keep-alive, and the TLS
// `secure` dictionary), so the broker checks the real login. Semantics as in the SDK: onReady after CONNACK 0;
// on any failure the client traces "MQTT FAIL: …" and calls onClose; publish before ready throws.
// Over a Socket class (SecureSocket) each packet is one socket write, so a PUBLISH or SUBSCRIBE packet over
// 896 bytes (the simulator socket's 1024-byte buffer less 128 for TLS, see securesocket.js) throws "can't write
// all data" from publish/subscribe, as modsecuresocket.c does.
import { secureForBridge } from './secure-options.js';

const SECURE_WRITE_LIMIT = 1024 - 128;

function utf8Length(value) {
  if (value instanceof ArrayBuffer) return value.byteLength;
  const text = String(value);
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) { bytes += 4; i++; }
    else bytes += 3;
  }
  return bytes;
}

/** Size of the whole MQTT packet: fixed header byte, remaining-length bytes, then `remaining` bytes. */
function packetLength(remaining) {
  return 1 + (remaining < 128 ? 1 : remaining < 16384 ? 2 : remaining < 2097152 ? 3 : 4) + remaining;
}

const bridge = () => globalThis.__fakeBridge;
let nextId = 1;

export default class Client {
  #id = nextId++;
  #secure = false;
  state = 0;

  constructor(dictionary) {
    if (!dictionary.host) throw new Error('parameter host is required');
    const secure = dictionary.Socket ? secureForBridge(dictionary.secure) : undefined;
    this.#secure = secure !== undefined;
    if (dictionary.password !== undefined && typeof dictionary.password !== 'string' && !(dictionary.password instanceof ArrayBuffer)) throw new Error('mqtt: password must be a string or ArrayBuffer');
    this.state = 1;
    // Over SecureSocket this throws "date validation failed" for a CA not valid at the device time: mqtt.js
    // constructs the socket inside its own constructor.
    bridge().call('mqtt.open', {
      id: this.#id,
      host: dictionary.host,
      port: dictionary.port ? dictionary.port : 1883,
      clientId: dictionary.id ?? '',
      user: dictionary.user,
      password: dictionary.password,
      timeout: dictionary.timeout ?? 0,
      secure,
      deviceTimeMs: Date.now(),
    });
    bridge().on(`mqtt:${this.#id}`, (event) => this.#event(event));
  }

  #event(event) {
    if (this.state < 0) return;
    if (event.type === 'ready') {
      this.state = 2;
      this.onReady?.();
    } else if (event.type === 'message') {
      this.onMessage?.(event.topic, event.payload);
    } else if (event.type === 'close') {
      trace('MQTT FAIL: ', event.reason, '\n');
      this.onClose?.();
      this.close();
    }
  }

  publish(topic, data) {
    if (this.state < 2) throw new Error('connection closed');
    if (!(data instanceof ArrayBuffer) && typeof data !== 'string') throw new Error('mqtt: publish data must be an ArrayBuffer or a string');
    if (this.#secure && packetLength(2 + utf8Length(topic) + utf8Length(data)) > SECURE_WRITE_LIMIT) throw new Error("can't write all data");
    bridge().call('mqtt.publish', { id: this.#id, topic, data });
  }

  subscribe(topic) {
    if (this.state < 2) throw new Error('connection closed');
    if (this.#secure && packetLength(2 + 2 + utf8Length(topic) + 1) > SECURE_WRITE_LIMIT) throw new Error("can't write all data");
    bridge().call('mqtt.subscribe', { id: this.#id, topic });
  }

  close() {
    if (this.state < 0) return;
    this.state = -1;
    bridge().off(`mqtt:${this.#id}`);
    bridge().call('mqtt.close', { id: this.#id });
  }
}
