// Fake Moddable "sntp": new SNTP({host}, callback); the Node side answers with the time or a failure.
// Callback messages as in the SDK: 1 = time (value: Unix seconds), 2 = retrying, -1 = error (value: text).
const bridge = () => globalThis.__fakeBridge;
let nextId = 1;

export default class SNTP {
  #id = nextId++;
  #closed = false;
  constructor(dictionary, callback) {
    if (!dictionary || typeof dictionary.host !== 'string') throw new Error('SNTP: host required');
    bridge().on(`sntp:${this.#id}`, (event) => {
      if (this.#closed) return;
      if (event.message !== 2) this.close();
      callback(event.message, event.value);
    });
    bridge().call('sntp.start', { id: this.#id, host: dictionary.host });
  }
  close() {
    this.#closed = true;
    bridge().off(`sntp:${this.#id}`);
  }
}
SNTP.time = 1;
SNTP.retry = 2;
SNTP.error = -1;
