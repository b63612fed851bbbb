// Fake Moddable "hmac" (modules/crypt/etc/hmac.js): HMAC over a Digest, `process(...items)` → ArrayBuffer,
// computed by the core's JavaScript (dist/core.js) for the fake Digest's type.
import { hmacSha1, hmacSha256 } from '../../../dist/core.js';

function bytesOf(data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  throw new TypeError('hmac: ArrayBuffer or view expected');
}

export default class HMAC {
  #run;
  #key;
  constructor(digest, key) {
    this.#run = digest.type === 'SHA1' ? hmacSha1 : hmacSha256;
    this.#key = bytesOf(key);
  }
  process(...items) {
    let total = 0;
    const parts = items.map(bytesOf);
    for (const part of parts) total += part.length;
    const all = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      all.set(part, at);
      at += part.length;
    }
    return this.#run(this.#key, all).slice().buffer;
  }
}
Object.freeze(HMAC.prototype);
