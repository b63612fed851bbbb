import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { constantTimeEqual } from '../../src/crypto/constant-time.js';

describe('constantTimeEqual', () => {
  it('is true for equal contents, including empty and views', () => {
    assert.equal(constantTimeEqual(new Uint8Array(0), new Uint8Array(0)), true);
    const backing = new Uint8Array([9, 1, 2, 3, 9]);
    assert.equal(constantTimeEqual(backing.subarray(1, 4), new Uint8Array([1, 2, 3])), true);
  });

  it('is false when any single byte differs, wherever it is (first, middle, last, one bit)', () => {
    const a = new Uint8Array(32).map((_, i) => i);
    for (let i = 0; i < 32; i++) {
      for (const bit of [1, 0x80]) {
        const b = a.slice();
        b[i] = b[i]! ^ bit;
        assert.equal(constantTimeEqual(a, b), false, `byte ${i}, bit ${bit}`);
      }
    }
  });

  it('is false for different lengths, even when one is a prefix of the other', () => {
    assert.equal(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2])), false);
    assert.equal(constantTimeEqual(new Uint8Array(0), new Uint8Array([0])), false);
  });

  it('agrees with Buffer.equals on random pairs (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => constantTimeEqual(a, b) === Buffer.from(a).equals(Buffer.from(b))),
      { numRuns: 1000 },
    );
  });
});
