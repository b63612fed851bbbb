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
});
