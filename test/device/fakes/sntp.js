// Fake Moddable "sntp": new SNTP({host}, callback); the Node side answers with the time or a failure.
// As modules/network/sntp/sntp.js: 1 = time (value: Unix seconds), then SNTP closes itself; 2 = retrying;
// -1 = error (value: text), then SNTP tries the host the callback returns, or closes itself when it returns
// nothing. close() is the SDK's (closing twice is harmless: it only traces on the device).
const bridge = () => globalThis.__fakeBridge;
let nextId = 1;

export default class SNTP {
  #id = nextId++;
  #closed = false;
  constructor(dictionary, callback) {
    if (!dictionary || typeof dictionary.host !== 'string') throw new Error('SNTP: host required');
    bridge().on(`sntp:${this.#id}`, (event) => {
      if (this.#closed) return;
      if (event.message === 2) {
        callback(2);
      } else if (event.message === 1) {
        callback(1, event.value);
        this.close();
      } else {
        const next = callback(-1, event.value);
        if (typeof next === 'string' && next && !this.#closed) bridge().call('sntp.start', { id: this.#id, host: next });
        else this.close();
      }
    });
    bridge().call('sntp.start', { id: this.#id, host: dictionary.host });
  }
  close() {
    this.#closed = true;
    bridge().off(`sntp:${this.#id}`);
  }
}
