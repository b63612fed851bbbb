// Fake Moddable "crypt" (modules/crypt/digest/crypt.js over modCrypt.c): Digest, BlockCipher and Mode as the
// firmware uses them, computed by the core's JavaScript (dist/core.js) — xsnap has no native crypto. What it
// accepts and returns follows the real module, checked by the conformance probe (test/moddable/conformance.sim.ts):
// buffers in (ArrayBuffer or views), ArrayBuffers out; BlockCipher('AES') refuses a key that is not 16, 24 or
// 32 bytes ("bad key size"); Mode('CBC') without padding decrypts whole blocks only, and its result holds just
// those (a 20-byte input gives 16 bytes — found by the probe: an earlier fake returned 20).
import { aesCbcDecrypt, concatBytes, sha1, sha256 } from '../../../dist/core.js';
import { bytesOf } from './buffer-bytes.js';

const DIGESTS = { SHA1: { run: sha1, blockSize: 64, outputSize: 20 }, SHA256: { run: sha256, blockSize: 64, outputSize: 32 } };

export class Digest {
  #kind;
  #parts = [];
  constructor(type) {
    const kind = DIGESTS[type];
    if (kind === undefined) throw new Error('fake crypt: only SHA1 and SHA256 are modelled');
    this.#kind = kind;
  }
  write(data) {
    this.#parts.push(bytesOf(data));
  }
  close() {
    const all = concatBytes(...this.#parts);
    this.#parts = [];
    return this.#kind.run(all).slice().buffer;
  }
  reset() {
    this.#parts = [];
  }
  process(...items) {
    this.reset();
    for (const item of items) this.write(item);
    return this.close();
  }
  get blockSize() {
    return this.#kind.blockSize;
  }
  get outputSize() {
    return this.#kind.outputSize;
  }
  get type() {
    return this.#kind === DIGESTS.SHA1 ? 'SHA1' : 'SHA256';
  }
}

export class BlockCipher {
  key;
  constructor(cipher, key) {
    if (cipher !== 'AES') throw new Error('fake crypt: only AES is modelled');
    const bytes = bytesOf(key);
    if (bytes.length !== 16 && bytes.length !== 24 && bytes.length !== 32) throw new Error('bad key size');
    this.key = bytes;
  }
  get blockSize() {
    return 16;
  }
}

export class Mode {
  #cipher;
  #iv;
  constructor(mode, cipher, iv, pad = false) {
    if (mode !== 'CBC') throw new Error('fake crypt: only CBC is modelled');
    if (pad) throw new Error('fake crypt: padding is not modelled (the firmware never asks for it)');
    this.#cipher = cipher;
    this.#iv = bytesOf(iv);
  }
  decrypt(data) {
    const bytes = bytesOf(data);
    const whole = bytes.length - (bytes.length % 16);
    if (whole === 0) return new ArrayBuffer(0);
    return aesCbcDecrypt(this.#cipher.key, this.#iv, bytes.subarray(0, whole)).slice().buffer;
  }
}

export default Object.freeze({ Digest, BlockCipher, Mode });
