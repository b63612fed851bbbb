// Evaluated in XS before the device bundle: the bridge to Node that every fake module uses, a device-like
// global environment, and the device clock. Plain script (not a module); BOOT is replaced by the host.
(function (boot) {
  'use strict';
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const rawIssue = globalThis.issueCommand;
  const realNow = Date.now;
  const HEX = '0123456789abcdef';

  function toHex(bytes) {
    let out = '';
    for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
    return out;
  }
  function fromHex(text) {
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(i * 2, 2), 16);
    return out.buffer;
  }
  function replacer(key, value) {
    if (value instanceof ArrayBuffer) return { $b: toHex(new Uint8Array(value)) };
    if (ArrayBuffer.isView(value)) return { $b: toHex(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)), $view: true };
    return value;
  }
  function reviver(key, value) {
    if (value !== null && typeof value === 'object' && typeof value.$b === 'string') return fromHex(value.$b);
    return value;
  }
  const handlers = new Map();
  let clockOffset = boot.clockMs - realNow();

  const bridge = {
    boot,
    toWire(value) { return JSON.stringify(value, replacer); },
    fromWire(text) { return JSON.parse(text, reviver); },
    /** Synchronous request to Node; throws what Node says went wrong (as the real module would throw). */
    call(op, args) {
      const reply = rawIssue(encoder.encode(JSON.stringify({ op, ...args }, replacer)).buffer);
      const answer = JSON.parse(decoder.decode(reply), reviver);
      if (answer && answer.throw) throw new Error(answer.throw);
      return answer;
    },
    on(key, handler) { handlers.set(key, handler); },
    off(key) { handlers.delete(key); },
    setClock(seconds) { clockOffset = seconds * 1000 - realNow(); },
    deviceNow() { return realNow() + clockOffset; },
  };
  globalThis.__fakeBridge = bridge;

  // Node delivers events here (socket data, timers, MQTT, SNTP, RPC calls).
  globalThis.handleCommand = function (message) {
    const event = JSON.parse(decoder.decode(message), reviver);
    const handler = handlers.get(event.key);
    if (handler === undefined) return undefined;
    try {
      handler(event);
    } catch (error) {
      // On the device an exception escaping a callback is uncaught: report it so that the test fails.
      bridge.call('uncaught', { where: event.key, error: String(error && error.stack ? error.stack : error) });
    }
    return undefined;
  };

  // The device's trace(): every argument concatenated, as Moddable's does.
  globalThis.trace = function (...parts) {
    bridge.call('trace', { text: parts.map((part) => String(part)).join('') });
  };
  // The clock counts from boot.clockMs until Time.set (fake "time") moves it, as on the ESP32.
  Date.now = function () { return realNow() + clockOffset; };
  // Globals the ESP32 does not have: remove them so the device code cannot lean on them by accident.
  for (const name of ['TextEncoder', 'TextDecoder', 'Base64', 'print', 'setTimeout', 'console', 'atob', 'btoa', 'performance']) {
    try { delete globalThis[name]; } catch { /* not configurable */ }
  }
})(BOOT);
