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

  it('encodes a view at any byte offset, of any length (the word reads go through a DataView on the view)', () => {
    const backing = new Uint8Array(600);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 151 + 89) & 255;
    for (const offset of [1, 2, 3, 5, 255]) {
      for (const length of [0, 1, 2, 3, 4, 5, 7, 9, 127, 128, 129, 255, 257, 301]) {
        const view = backing.subarray(offset, offset + length);
        assert.equal(hexEncode(view), Buffer.from(view).toString('hex'), `offset ${offset}, length ${length}`);
      }
    }
  });

  // The text is decoded in 256-character slices (128 bytes each).
  it('decodes long texts across slice boundaries, in either case', () => {
    const backing = new Uint8Array(400);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 73 + 11) & 255;
    for (const length of [127, 128, 129, 255, 256, 257, 383, 384, 385, 400]) {
      const bytes = backing.subarray(0, length);
      const text = Buffer.from(bytes).toString('hex');
      assert.deepEqual(hexDecode(text), bytes, `${length} bytes`);
      assert.deepEqual(hexDecode(text.toUpperCase()), bytes, `${length} bytes, upper case`);
    }
  });

  it('refuses a non-hex character just before, at and after a slice boundary', () => {
    const text = Buffer.from(new Uint8Array(300).map((_, i) => i * 29)).toString('hex'); // 600 characters
    for (const p of [254, 255, 256, 257, 510, 511, 512, 513, 599]) {
      for (const c of ['g', '/', ':', '\u00e9', '\u0130', ' ']) assertBadInput(text.slice(0, p) + c + text.slice(p + 1));
    }
    assertBadInput(text.slice(0, 511)); // odd length past a boundary
  });
});
