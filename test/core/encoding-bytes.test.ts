import { strict as assert } from 'node:assert';
import { asciiBytes, concatBytes } from '../../src/encoding/bytes.js';
import { IotError } from '../../src/errors.js';

describe('concatBytes', () => {
  it('joins parts in order into a new array', () => {
    const a = new Uint8Array([1, 2]);
    const out = concatBytes(a, new Uint8Array(0), new Uint8Array([3]), new Uint8Array([4, 5, 6]).subarray(1));
    assert.deepEqual([...out], [1, 2, 3, 5, 6]);
    out[0] = 99;
    assert.equal(a[0], 1, 'the result does not alias a part');
  });

  it('returns an empty array for no parts', () => {
    assert.equal(concatBytes().length, 0);
  });
});

describe('asciiBytes', () => {
  it('maps each character to its code', () => {
    assert.deepEqual([...asciiBytes('A~ \u0000\u007f')], [65, 126, 32, 0, 127]);
    assert.deepEqual(asciiBytes('deviceName=x&nonce=1'), new Uint8Array(Buffer.from('deviceName=x&nonce=1', 'latin1')));
  });

  it('refuses anything above 0x7f with IotError bad-input', () => {
    for (const t of ['\u0080', 'caf\u00e9', '\u20ac', '\uD83D\uDE00', 'ok\u00ff']) {
      assert.throws(() => asciiBytes(t), (e: unknown) => e instanceof IotError && e.code === 'bad-input');
    }
  });

  // The text is read in 256-character slices, two characters at a time: lengths around the slice edges, odd and
  // even, and a non-ASCII character at every position near an edge, must behave as for a short text.
  const printable = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(32 + ((i * 7) % 95));
    return s;
  };

  it('maps long texts across slice boundaries (lengths 1-3 either side of 256, 512, 768)', () => {
    for (const edge of [256, 512, 768]) {
      for (let n = edge - 3; n <= edge + 3; n++) {
        const text = printable(n);
        assert.deepEqual(asciiBytes(text), new Uint8Array(Buffer.from(text, 'latin1')), `length ${n}`);
      }
    }
    const withControls = '\u0000\u007f\t'.repeat(300);
    assert.deepEqual(asciiBytes(withControls), new Uint8Array(Buffer.from(withControls, 'latin1')));
  });

  it('refuses a non-ASCII character just before, at and after a slice boundary, and at the very end', () => {
    for (const n of [257, 258, 512, 513, 700]) {
      const positions = [254, 255, 256, 257, 511, 512, n - 1].filter((p) => p < n);
      for (const p of positions) {
        for (const c of ['\u0080', '\u00ff', '\u0100', '\u20ac', '\ud83d']) {
          const text = printable(p) + c + printable(n - p - 1);
          assert.throws(() => asciiBytes(text), (e: unknown) => e instanceof IotError && e.code === 'bad-input', `length ${n}, U+${c.charCodeAt(0).toString(16)} at ${p}`);
        }
      }
    }
  });
});
