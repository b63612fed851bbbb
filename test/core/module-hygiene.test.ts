/**
 * Issue 16 item 5: the hash functions HMAC calls check their buffer precondition instead of hashing the wrong
 * padding silently; HMAC leaves no key-derived bytes behind; the core's classes have frozen prototypes.
 */
import { strict as assert } from 'node:assert';
import { createHash, createHmac } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IotError } from '../../src/errors.js';
import { hmacSha1, hmacSha256 } from '../../src/crypto/hmac.js';
import { sha1Into } from '../../src/crypto/sha1.js';
import { sha256Into } from '../../src/crypto/sha256.js';
import { HttpResponseParser } from '../../src/protocol/http-response.js';
import { expectIotError } from './support/expect-iot-error.js';
import { blankOut } from './support/source-scan.js';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

for (const [name, hashInto, size, nodeName] of [['sha1Into', sha1Into, 20, 'sha1'], ['sha256Into', sha256Into, 32, 'sha256']] as const) {
  describe(`${name}: the precondition is checked`, () => {
    const message = bytes('abc');
    const expected = createHash(nodeName).update(message).digest('hex');

    it('hashes a buffer of the required size', () => {
      for (const n of [0, 3, 55, 56, 64, 119, 120]) {
        const m = new Uint8Array((n + 72) & ~63);
        m.set(new Uint8Array(n).fill(0x61));
        const out = new Uint8Array(size);
        hashInto(m, n, out, 0);
        assert.equal(hex(out), createHash(nodeName).update(new Uint8Array(n).fill(0x61)).digest('hex'), `n = ${n}`);
      }
    });

    it('gives the right digest whatever the caller left past n (the tail is cleared, not trusted)', () => {
      const m = new Uint8Array(64).fill(0xa5);
      m.set(message);
      const out = new Uint8Array(size);
      hashInto(m, message.length, out, 0);
      assert.equal(hex(out), expected);
    });

    it('refuses a buffer of the wrong size, a bad length or an output that is too small, with bad-input', () => {
      const out = new Uint8Array(size);
      for (const [m, n] of [[new Uint8Array(128), 3], [new Uint8Array(63), 3], [new Uint8Array(64), 56], [new Uint8Array(64), -1], [new Uint8Array(64), 1.5], [new Uint8Array(64), Number.NaN]] as const) {
        expectIotError(() => hashInto(m, n, out, 0), 'bad-input', new RegExp(name));
      }
      const m = (): Uint8Array => { const b = new Uint8Array(64); b.set(message); return b; };
      expectIotError(() => hashInto(m(), 3, new Uint8Array(size - 1), 0), 'bad-input');
      expectIotError(() => hashInto(m(), 3, new Uint8Array(size + 4), 5), 'bad-input');
      expectIotError(() => hashInto(m(), 3, out, -1), 'bad-input');
      // A view whose buffer goes on: the digest must not run past the view into someone else's bytes.
      const backing = new Uint8Array(size + 8);
      expectIotError(() => hashInto(m(), 3, backing.subarray(0, size), 4), 'bad-input');
      assert.ok(backing.every((b) => b === 0));
      // In range, at an offset: accepted.
      const wide = new Uint8Array(size + 4);
      hashInto(m(), 3, wide, 4);
      assert.equal(hex(wide.subarray(4)), expected);
    });
  });
}

describe('HMAC wipes its key-derived buffers', () => {
  /**
   * Records every Uint8Array the HMAC allocates, by standing a subclass in for the global while it runs (the
   * module looks `Uint8Array` up at call time). Restored in `finally`.
   */
  function allocationsOf(run: () => Uint8Array): { result: Uint8Array; made: Uint8Array[] } {
    const made: Uint8Array[] = [];
    const Original = globalThis.Uint8Array;
    class Recording extends Original {
      // Any constructor form (length, array, buffer + offset): recorded all the same.
      constructor(...args: unknown[]) {
        super(...(args as unknown as [number]));
        made.push(this);
      }
    }
    (globalThis as { Uint8Array: unknown }).Uint8Array = Recording;
    try {
      return { result: run(), made };
    } finally {
      (globalThis as { Uint8Array: unknown }).Uint8Array = Original;
    }
  }

  for (const [name, fn, nodeName] of [['hmacSha1', hmacSha1, 'sha1'], ['hmacSha256', hmacSha256, 'sha256']] as const) {
    for (const keyLength of [16, 64, 100]) {
      it(`${name} with a ${keyLength}-byte key: only the MAC is left non-zero`, () => {
        const key = new Uint8Array(keyLength).map((_, i) => (i * 37 + 11) & 255);
        const message = bytes('the username;21010406;AbCdE;1700000000');
        const { result, made } = allocationsOf(() => fn(key, message));
        assert.equal(hex(result), createHmac(nodeName, key).update(message).digest('hex'));
        const others = made.filter((buffer) => buffer !== result);
        assert.ok(others.length >= 2, `expected the inner and outer buffers, saw ${others.length}`);
        for (const buffer of others) assert.ok(buffer.every((b) => b === 0), `a ${buffer.length}-byte buffer still holds key-derived bytes`);
      });
    }
  }
});

describe('class prototypes are frozen (as Moddable freezes its modules\')', () => {
  it('IotError and HttpResponseParser', () => {
    for (const type of [IotError, HttpResponseParser]) assert.ok(Object.isFrozen(type.prototype), type.name);
    // Errors still carry their own fields, and the prototype's name and methods cannot be replaced.
    const error = new IotError('bad-input', 'x', { serverCode: 7 });
    assert.equal(error.name, 'IotError');
    assert.deepEqual(error.toJSON(), { code: 'bad-input', message: 'x', serverCode: 7 });
    assert.throws(() => { (IotError.prototype as unknown as { toJSON: unknown }).toJSON = () => ({ secret: 'leak' }); }, TypeError);
  });
});

describe('every class in src/ and hal/moddable/ freezes its prototype in its own module', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const tsFiles = (dir: string): string[] => readdirSync(`${root}${dir}`).flatMap((name) => {
    const path = `${dir}/${name}`;
    return statSync(`${root}${path}`).isDirectory() ? tsFiles(path) : path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });

  it('finds the classes and their Object.freeze(X.prototype)', () => {
    const classes: string[] = [];
    const unfrozen: string[] = [];
    for (const file of [...tsFiles('src'), ...tsFiles('hal/moddable')]) {
      const code = blankOut(readFileSync(`${root}${file}`, 'utf8'), { strings: true });
      for (const match of code.matchAll(/^(?:export\s+)?class\s+([A-Za-z0-9_]+)/gm)) {
        const name = match[1]!;
        classes.push(name);
        if (!new RegExp(`^Object\\.freeze\\(${name}\\.prototype\\);`, 'm').test(code)) unfrozen.push(`${file}: ${name}`);
      }
    }
    for (const expected of ['IotError', 'HttpResponseParser', 'PreferenceStorage', 'SecureByteStream']) assert.ok(classes.includes(expected), expected);
    assert.deepEqual(unfrozen, []);
  });
});

describe('each check once: the public surface validates, internal helpers trust and are not exported', () => {
  const INTERNAL = ['composeV1RegisterRequest', 'composeV2RegisterRequest', 'openPayload', 'credentialFromPlaintext'];

  it('src/index.ts (dist/core.js) does not export the helpers that skip validation', async () => {
    const surface = await import('../../src/index.js');
    assert.deepEqual(INTERNAL.filter((name) => name in surface), []);
  });

  it('their public twins still refuse what the internal ones would trust', async () => {
    const core = await import('../../src/index.js');
    const identity = { productId: 'K7QW2ZP4XA', productSecret: 'mR4tQ8zLw2Vn6YpC1sHb9dKf', deviceName: 'sensor-0001', timestamp: 1700000000, nonce: 7, host: 'gateway.tencentdevices.com' };
    assert.throws(() => core.buildV1RegisterRequest({ ...identity, nonce: 0 }, core.jsCrypto), { code: 'bad-input' });
    assert.throws(() => core.buildV2RegisterRequest({ ...identity, algorithm: 'md5' as 'hmacsha1' }, core.jsCrypto), { code: 'unsupported' });
    assert.throws(() => core.decryptPayload('short', 'QUJD', 3, core.jsCrypto), { code: 'bad-input' });
    assert.throws(() => core.parseCredentialPlaintext('{}', 'PSK' as 'KEY'), { code: 'bad-input' });
  });
});
