// Fake Moddable "hmac" (modules/crypt/etc/hmac.js): HMAC over a Digest, `process(...items)` → ArrayBuffer,
// computed by the core's JavaScript (dist/core.js) for the fake Digest's type.
import { concatBytes, hmacSha1, hmacSha256 } from '../../../dist/core.js';
import { bytesOf } from './buffer-bytes.js';

export default class HMAC {
  #run;
  #key;
  constructor(digest, key) {
    this.#run = digest.type === 'SHA1' ? hmacSha1 : hmacSha256;
    this.#key = bytesOf(key);
  }
  process(...items) {
    return this.#run(this.#key, concatBytes(...items.map(bytesOf))).slice().buffer;
  }
}
Object.freeze(HMAC.prototype);
