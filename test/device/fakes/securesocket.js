// Fake Moddable "securesocket": the TLS connection itself is made by node:tls on the Node side (with the CA,
// server name and client identity given here, and certificate dates checked against the DEVICE clock);
// this object relays plaintext. Callback messages as in the SDK: 1 connected, 2 readable(bytes),
// 3 writable, -1 closed by the peer, -2 error (a failed handshake gives only -2, without a reason).
// write() as modules/crypt/securesocket/modsecuresocket.c: ArrayBuffers, typed arrays, strings and bytes, at
// most what the underlying socket has room for minus 128 bytes of TLS overhead per call ("can't write all
// data" beyond), and write() with no argument says how much that is. The simulator's socket buffers 1024 bytes
// (modules/network/socket/lin/modSocket.c kTxBufferSize), so 896 — measured against the real module by
// test/moddable/conformance.sim.ts (an earlier fake allowed 1024, which the real module refuses); an ESP32's
// lwIP send buffer is larger, so 896 is the strict bound. After a write, message 3 (writable) follows —
// unless the connection's buffers are full (the peer reads nothing): then write() says 0, a write throws
// "can't write all data" (as the real module does with no room), and message 3 comes once they drained.
import { secureForBridge } from './secure-options.js';

const bridge = () => globalThis.__fakeBridge;
let nextId = 1;

/** kTxBufferSize (1024) minus the 128 bytes modsecuresocket.c keeps for TLS overhead. */
const WRITE_LIMIT = 1024 - 128;

function toBytes(data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  if (data instanceof DataView) throw new Error('fake SecureSocket.write: the device ignores a DataView silently; pass an ArrayBuffer');
  if (typeof data === 'number') return Uint8Array.of(data & 0xff);
  if (typeof data === 'string') {
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) {
      if (data.charCodeAt(i) > 0x7f) throw new Error('fake SecureSocket.write: only ASCII strings');
      out[i] = data.charCodeAt(i);
    }
    return out;
  }
  throw new Error('SecureSocket.write: unsupported data');
}

export default class SecureSocket {
  #id = nextId++;
  #received = [];
  #open = true;
  #full = false;
  callback = undefined;

  constructor(dictionary) {
    if (!dictionary || typeof dictionary.host !== 'string' || !Number.isInteger(dictionary.port)) throw new Error('SecureSocket: host and port required');
    const secure = secureForBridge(dictionary.secure);
    // Throws "date validation failed" when the CA is not valid at the device time, as the real constructor
    // does (modules/crypt/ssl/ssl_cert.js register(), called from the TLS session SecureSocket creates).
    bridge().call('socket.open', { id: this.#id, host: dictionary.host, port: dictionary.port, ...secure, deviceTimeMs: Date.now() });
    bridge().on(`socket:${this.#id}`, (event) => this.#event(event));
  }

  #event(event) {
    if (!this.#open) return;
    if (event.type === 'connected') this.callback?.(1);
    else if (event.type === 'data') {
      this.#received.push(new Uint8Array(event.data));
      this.callback?.(2, event.data.byteLength);
    } else if (event.type === 'writable') {
      this.#full = false;
      this.callback?.(3, WRITE_LIMIT);
    } else if (event.type === 'closed') this.callback?.(-1);
    // A reset (like any socket error) is -2, as on the ESP32: lwIP's tcp_err → socketMsgError. Moddable's Linux
    // simulator reports it as -1 instead (its recv loop drops ECONNRESET); the contract suite's reset case knows
    // both (hal.ts `read`, test/moddable/hal-contract.sim.ts).
    else if (event.type === 'error') this.callback?.(-2);
  }

  read(type, count) {
    if (type !== ArrayBuffer) throw new Error('fake SecureSocket.read: only read(ArrayBuffer[, count])');
    let available = 0;
    for (const chunk of this.#received) available += chunk.length;
    if (available === 0) return undefined;
    const size = count === undefined ? available : Math.min(count, available);
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const chunk = this.#received[0];
      const take = Math.min(chunk.length, size - filled);
      out.set(chunk.subarray(0, take), filled);
      filled += take;
      if (take === chunk.length) this.#received.shift();
      else this.#received[0] = chunk.subarray(take);
    }
    return out.buffer;
  }

  write(...parts) {
    const room = this.#full ? 0 : WRITE_LIMIT;
    if (parts.length === 0) return room;
    if (!this.#open) throw new Error('SecureSocket.write: socket closed');
    const pieces = parts.map(toBytes);
    let total = 0;
    for (const piece of pieces) total += piece.length;
    if (total > room) throw new Error("can't write all data");
    for (const piece of pieces) {
      if (bridge().call('socket.write', { id: this.#id, data: piece.buffer })?.full) this.#full = true;
    }
    if (this.#full) return undefined;
    // The fake's buffer empties at once; the device reports room again with message 3, after this call.
    Promise.resolve().then(() => {
      if (this.#open && !this.#full) this.callback?.(3, WRITE_LIMIT);
    });
    return undefined;
  }

  close() {
    if (!this.#open) return;
    this.#open = false;
    bridge().off(`socket:${this.#id}`);
    bridge().call('socket.close', { id: this.#id });
  }
}
