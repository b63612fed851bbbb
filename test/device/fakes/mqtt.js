// Fake Moddable "mqtt" (the classic Client): the MQTT session is a real MQTT.js client on the Node side,
// opened with exactly the options given here (host, port, id, user, password, keep-alive, and the TLS
// `secure` dictionary), so the broker checks the real login. Semantics as in the SDK: onReady after CONNACK 0;
// on any failure the client traces "MQTT FAIL: …" and calls onClose; publish before ready throws.
import { secureForBridge } from './secure-options.js';

const bridge = () => globalThis.__fakeBridge;
let nextId = 1;

export default class Client {
  #id = nextId++;
  state = 0;

  constructor(dictionary) {
    if (!dictionary.host) throw new Error('parameter host is required');
    const secure = dictionary.Socket ? secureForBridge(dictionary.secure) : undefined;
    if (dictionary.password !== undefined && typeof dictionary.password !== 'string' && !(dictionary.password instanceof ArrayBuffer)) throw new Error('mqtt: password must be a string or ArrayBuffer');
    bridge().on(`mqtt:${this.#id}`, (event) => this.#event(event));
    this.state = 1;
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
    bridge().call('mqtt.publish', { id: this.#id, topic, data });
  }

  subscribe(topic) {
    if (this.state < 2) throw new Error('connection closed');
    bridge().call('mqtt.subscribe', { id: this.#id, topic });
  }

  close() {
    if (this.state < 0) return;
    this.state = -1;
    bridge().off(`mqtt:${this.#id}`);
    bridge().call('mqtt.close', { id: this.#id });
  }
}
