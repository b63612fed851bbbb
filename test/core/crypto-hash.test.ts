/**
 * SHA-1 and SHA-256 against the standards' known answers (FIPS 180-4, RFC 3174, NIST CAVP; the vectors live in
 * test/vectors/standard.ts with their citations) and, differentially, against node:crypto for every message
 * length around the 64-byte block and padding boundaries and random lengths up to a few KiB.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sha1 } from '../../src/crypto/sha1.js';
import { sha256 } from '../../src/crypto/sha256.js';
import { sha1Vectors, sha256Vectors, type HashVector } from '../vectors/standard.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

function messageOf(v: HashVector): Uint8Array {
  const one = v.messageHex !== undefined ? Buffer.from(v.messageHex, 'hex') : Buffer.from(v.messageAscii ?? '', 'latin1');
  return new Uint8Array(Buffer.concat(Array.from({ length: v.repeat ?? 1 }, () => one)));
}

/** Lengths where padding changes shape: 55/56 (length field fits or not), 63/64/65, and the next blocks. */
const BOUNDARY_LENGTHS = [0, 1, 2, 3, 4, 31, 32, 54, 55, 56, 57, 62, 63, 64, 65, 100, 118, 119, 120, 121, 127, 128, 129, 183, 184, 191, 192, 193, 255, 256, 257];

for (const [name, fn, vectors, nodeName, size] of [
  ['sha1', sha1, sha1Vectors, 'sha1', 20],
  ['sha256', sha256, sha256Vectors, 'sha256', 32],
] as const) {
  describe(`${name} (FIPS 180-4)`, () => {
    for (const v of vectors) {
      it(`matches ${v.source}`, () => {
        assert.equal(hex(fn(messageOf(v))), v.digestHex);
      });
    }

    it(`returns ${size} bytes and leaves its input untouched`, () => {
      const m = new Uint8Array([1, 2, 3]);
      assert.equal(fn(m).length, size);
      assert.deepEqual([...m], [1, 2, 3]);
    });

    it('hashes a view into a larger buffer by its own bytes only', () => {
      const backing = new Uint8Array(200).map((_, i) => i);
      const view = backing.subarray(13, 13 + 70);
      assert.equal(hex(fn(view)), createHash(nodeName).update(view).digest('hex'));
    });

    it('agrees with node:crypto at every block/padding boundary length', () => {
      for (const n of BOUNDARY_LENGTHS) {
        const m = new Uint8Array(n).map((_, i) => (i * 131 + n) & 255);
        assert.equal(hex(fn(m)), createHash(nodeName).update(m).digest('hex'), `length ${n}`);
      }
    });

    it('agrees with node:crypto on random messages up to 4 KiB (fast-check)', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 4096 }), (m) => hex(fn(m)) === createHash(nodeName).update(m).digest('hex')),
        { numRuns: 200 },
      );
    });
  });
}
