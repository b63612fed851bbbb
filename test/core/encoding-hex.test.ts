import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { hexDecode, hexEncode } from '../../src/encoding/hex.js';
import { IotError } from '../../src/errors.js';

function assertBadInput(text: string): void {
  assert.throws(() => hexDecode(text), (e: unknown) => e instanceof IotError && e.code === 'bad-input', JSON.stringify(text));
}

describe('hexEncode / hexDecode', () => {
  it('encodes lower-case, two digits per byte', () => {
    assert.equal(hexEncode(new Uint8Array([0, 1, 0x0f, 0x10, 0xab, 0xff])), '00010f10abff');
    assert.equal(hexEncode(new Uint8Array(0)), '');
  });

  it('decodes either case', () => {
    assert.deepEqual([...hexDecode('00ABcdEf9a')], [0, 0xab, 0xcd, 0xef, 0x9a]);
  });

  it('round-trips random bytes as Buffer does (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = hexEncode(bytes);
        assert.equal(text, Buffer.from(bytes).toString('hex'));
        assert.deepEqual(hexDecode(text), bytes);
        assert.deepEqual(hexDecode(text.toUpperCase()), bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects odd lengths and non-hex characters', () => {
    for (const t of ['0', 'abc', '0g', 'g0', '0x12', ' 12', '12 ', '1-', '@1', '`1', 'G1', '/0', ':0', '\u00e90', '\u0130\u0030']) assertBadInput(t);
  });

  it('rejects exactly the texts that are not hex, throwing only IotError bad-input (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12, unit: 'binary' }), (text) => {
        const valid = /^(?:[0-9a-fA-F]{2})*$/.test(text);
        if (valid) assert.deepEqual(hexDecode(text), new Uint8Array(Buffer.from(text, 'hex')));
        else assertBadInput(text);
      }),
      { numRuns: 2000 },
    );
  });
});
