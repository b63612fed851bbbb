/**
 * AES-CBC decryption against NIST SP 800-38A F.2.2 / F.2.4 / F.2.6 (vectors in test/vectors/standard.ts), every
 * Tencent payload vector (PROTOCOL.md §4: key = first 16 ASCII characters of the product secret, IV = sixteen
 * '0', zero padding kept, cut to Len), node:crypto for all three key sizes, and the input checks.
 */
import { strict as assert } from 'node:assert';
import { createDecipheriv } from 'node:crypto';
import fc from 'fast-check';
import { aesCbcDecrypt } from '../../src/crypto/aes.js';
import { IotError } from '../../src/errors.js';
import { aesCbcDecryptVectors } from '../vectors/standard.js';
import { vectors as tencent } from '../vectors/tencent.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));


function nodeDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): string {
  const d = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(data), d.final()]).toString('hex');
}

function assertBadInput(fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => e instanceof IotError && e.code === 'bad-input');
}

describe('aesCbcDecrypt', () => {
  for (const v of aesCbcDecryptVectors) {
    it(`matches ${v.source}`, () => {
      assert.equal(hex(aesCbcDecrypt(bytes(v.keyHex), bytes(v.ivHex), bytes(v.ciphertextHex))), v.plaintextHex);
    });
    it(`matches ${v.source} block by block (the IV chaining)`, () => {
      // Decrypting block i alone with block i-1 as IV must give plaintext block i.
      const c = bytes(v.ciphertextHex);
      for (let i = 16; i < c.length; i += 16) {
        assert.equal(hex(aesCbcDecrypt(bytes(v.keyHex), c.subarray(i - 16, i), c.subarray(i, i + 16))), v.plaintextHex.slice(2 * i, 2 * i + 32));
      }
    });
  }

  for (const v of tencent.payloads) {
    it(`decrypts the Tencent ${v.name} payload (Len ${v.Len})`, () => {
      const key = new Uint8Array(Buffer.from(v.productSecret.slice(0, 16), 'latin1'));
      const iv = new Uint8Array(16).fill(0x30);
      const plain = aesCbcDecrypt(key, iv, new Uint8Array(Buffer.from(v.Payload, 'base64')));
      assert.equal(Buffer.from(plain.subarray(0, v.Len)).toString('utf8'), v.plaintext);
      assert.ok(plain.subarray(v.Len).every((b) => b === 0), 'zero padding is kept, not removed');
    });
  }

  it('returns an empty array for empty data', () => {
    assert.equal(aesCbcDecrypt(new Uint8Array(16), new Uint8Array(16), new Uint8Array(0)).length, 0);
  });

  it('does not modify its inputs and reads a view by its own bytes only', () => {
    const key = new Uint8Array(32).map((_, i) => i);
    const iv = new Uint8Array(16).fill(7);
    const backing = new Uint8Array(100).map((_, i) => 255 - i);
    const view = backing.subarray(3, 3 + 64);
    const before = hex(backing);
    assert.equal(hex(aesCbcDecrypt(key, iv, view)), nodeDecrypt(key, iv, view));
    assert.equal(hex(backing), before);
  });

  for (const keyLength of [16, 24, 32]) {
    it(`agrees with node:crypto for AES-${keyLength * 8}-CBC on random keys, IVs and data (fast-check)`, () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: keyLength, maxLength: keyLength }),
          fc.uint8Array({ minLength: 16, maxLength: 16 }),
          fc.integer({ min: 0, max: 64 }),
          fc.integer(),
          (key, iv, blocks, seed) => {
            const data = new Uint8Array(blocks * 16).map((_, i) => (seed ^ (i * 2654435761)) >>> 24);
            return hex(aesCbcDecrypt(key, iv, data)) === nodeDecrypt(key, iv, data);
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it('refuses a key that is not 16, 24 or 32 bytes', () => {
    for (const n of [0, 1, 15, 17, 20, 23, 25, 31, 33, 64]) assertBadInput(() => aesCbcDecrypt(new Uint8Array(n), new Uint8Array(16), new Uint8Array(16)));
  });

  it('refuses an IV that is not 16 bytes', () => {
    for (const n of [0, 8, 15, 17, 32]) assertBadInput(() => aesCbcDecrypt(new Uint8Array(16), new Uint8Array(n), new Uint8Array(16)));
  });

  it('refuses data that is not a multiple of 16 bytes', () => {
    for (const n of [1, 15, 17, 31, 33, 100]) assertBadInput(() => aesCbcDecrypt(new Uint8Array(16), new Uint8Array(16), new Uint8Array(n)));
  });

  it('never puts the key into the error message', () => {
    const key = new Uint8Array(Buffer.from('mR4tQ8zLw2Vn6YpC1sHb9dKf', 'latin1')); // 24 bytes, valid; make the IV wrong
    try {
      aesCbcDecrypt(key, new Uint8Array(3), new Uint8Array(16));
      assert.fail('expected a throw');
    } catch (e) {
      assert.ok(e instanceof IotError);
      assert.ok(!e.message.includes('mR4tQ8zL'));
    }
  });
});
