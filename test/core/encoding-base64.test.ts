/**
 * Base64 against RFC 4648 §10 (vectors in test/vectors/standard.ts), Buffer as the reference for round trips
 * (Buffer is used only here, in the test), and the strictness rules: bad characters, bad lengths, misplaced or
 * missing padding and non-zero trailing bits are all IotError 'bad-input', and nothing else ever escapes.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { base64Decode, base64Encode } from '../../src/encoding/base64.js';
import { IotError } from '../../src/errors.js';
import { base64Vectors } from '../vectors/standard.js';

const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function assertBadInput(text: string): void {
  assert.throws(() => base64Decode(text), (e: unknown) => e instanceof IotError && e.code === 'bad-input', JSON.stringify(text));
}

/** The canonical test: a text is valid iff Buffer decodes it and re-encodes it to the very same text. */
function isCanonicalBase64(text: string): boolean {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return false;
  return Buffer.from(text, 'base64').toString('base64') === text;
}

describe('base64Encode / base64Decode (RFC 4648)', () => {
  for (const v of base64Vectors) {
    it(`${v.source}: ${JSON.stringify(v.bytesAscii)} ↔ ${JSON.stringify(v.base64)}`, () => {
      assert.equal(base64Encode(ascii(v.bytesAscii)), v.base64);
      assert.deepEqual(base64Decode(v.base64), ascii(v.bytesAscii));
    });
  }

  it('uses the standard alphabet with + and / (not URL-safe)', () => {
    assert.equal(base64Encode(new Uint8Array([0xfb, 0xff, 0xbf])), '+/+/');
    assert.deepEqual([...base64Decode('+/+/')], [0xfb, 0xff, 0xbf]);
  });

  it('round-trips random bytes exactly as Buffer does (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const text = base64Encode(bytes);
        assert.equal(text, Buffer.from(bytes).toString('base64'));
        assert.deepEqual(base64Decode(text), bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a length that is not a multiple of 4', () => {
    for (const t of ['Z', 'Zg', 'Zg=', 'Zm9', 'Zm9vY', 'Zm9vYg=', 'Zm9vYmFy=']) assertBadInput(t);
  });

  it('rejects characters outside the alphabet (URL-safe, whitespace, non-ASCII, NUL)', () => {
    for (const t of ['Zm9-', 'Zm9_', 'Zm 9', 'Zm9v\n', ' Zm9', 'Zm9\u00e9', 'Zm9\u0000', 'Zm9\u2028', 'Zm.v', 'Zm9v\uD83D\uDE00==']) assertBadInput(t);
  });

  it('rejects padding that is misplaced, excessive or missing', () => {
    for (const t of ['====', '=Zm9', 'Z=m9', 'Zm=9', 'Z===', 'Zg==Zm9v', 'Zm8=Zm9v', 'Zg=a', 'Zg==Zg==', 'Zg======']) assertBadInput(t);
  });

  it('rejects non-zero bits after the last byte (non-canonical forms)', () => {
    assertBadInput('Zh=='); // 'f' is Zg==; h sets a trailing bit
    assertBadInput('Zm9=');
    assertBadInput('Zm+=');
    assertBadInput('AB==');
    assert.deepEqual([...base64Decode('AA==')], [0]);
  });

  it('accepts exactly the canonical texts, throwing only IotError bad-input otherwise (fast-check)', () => {
    const chars = fc.constantFrom(...(ALPHABET + '=-_ .\n\u00e9').split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 16 }).map((a) => a.join('')), (text) => {
        let result: Uint8Array | undefined;
        try {
          result = base64Decode(text);
        } catch (e) {
          assert.ok(e instanceof IotError && e.code === 'bad-input', `unexpected ${String(e)}`);
        }
        assert.equal(result !== undefined, isCanonicalBase64(text), JSON.stringify(text));
        if (result !== undefined) assert.deepEqual(result, new Uint8Array(Buffer.from(text, 'base64')));
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects every single-character mutation of a valid text that is not itself canonical (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), fc.integer({ min: 0, max: 0xffff }), (bytes, at, code) => {
        const text = base64Encode(bytes);
        const i = at % text.length;
        const mutated = text.slice(0, i) + String.fromCharCode(code) + text.slice(i + 1);
        if (isCanonicalBase64(mutated)) {
          assert.deepEqual(base64Decode(mutated), new Uint8Array(Buffer.from(mutated, 'base64')));
        } else {
          assertBadInput(mutated);
        }
      }),
      { numRuns: 1000 },
    );
  });

  // The decoder reads the text in 256-character slices, two quanta at a time, the last quantum apart.
  it('decodes texts that end on, just before and just after slice boundaries, with each padding', () => {
    const backing = new Uint8Array(800);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 197 + 31) & 255;
    for (const edge of [256, 512, 768, 1024]) {
      for (const bytesLength of [(edge / 4) * 3 - 4, (edge / 4) * 3 - 3, (edge / 4) * 3 - 2, (edge / 4) * 3 - 1, (edge / 4) * 3, (edge / 4) * 3 + 1, (edge / 4) * 3 + 2, (edge / 4) * 3 + 3]) {
        const bytes = backing.subarray(0, bytesLength);
        const text = Buffer.from(bytes).toString('base64');
        assert.equal(base64Encode(bytes), text, `${bytesLength} bytes`);
        assert.deepEqual(base64Decode(text), bytes, `${bytesLength} bytes (${text.length} characters)`);
      }
    }
  });

  it('rejects a bad character placed just before, at and just after a slice boundary of a long text', () => {
    const text = Buffer.from(new Uint8Array(768).map((_, i) => i * 13 + 5)).toString('base64'); // 1,024 characters
    for (const p of [255, 256, 257, 258, 259, 511, 512, 513, 767, 768, 769, 1019, 1020, 1021]) {
      for (const c of ['-', '_', '=', ' ', '\n', '\u00e9', '\u0000']) assertBadInput(text.slice(0, p) + c + text.slice(p + 1));
    }
    assertBadInput(text.slice(0, 257) + '\ud83d\ude00' + text.slice(259));
    // Non-zero trailing bits in the last quantum, after four slices of quanta ('B' is 000001: its low bits are set).
    const padded = Buffer.from(new Uint8Array(767).map((_, i) => i * 13 + 5)).toString('base64'); // 1,024 characters, one '='
    assert.equal(padded.length, 1024);
    assertBadInput(padded.slice(0, 1022) + 'B=');
    assertBadInput(padded.slice(0, 1021) + 'B==');
  });
});
