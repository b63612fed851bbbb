/**
 * UTF-8 (RFC 3629) against Buffer (the reference, in the test only) for well-formed text, and the strictness
 * rules for malformed input: the byte sequences of the Unicode Standard's Table 3-7 are the only accepted
 * ones; overlong forms, encoded surrogates, code points above U+10FFFF and truncated sequences are
 * IotError 'bad-input', and so is a lone surrogate on encode.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { utf8Decode, utf8Encode } from '../../src/encoding/utf8.js';
import { IotError } from '../../src/errors.js';

const isBadInput = (e: unknown): boolean => e instanceof IotError && e.code === 'bad-input';
const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

/** Well-formedness per the Unicode Standard, Table 3-7, written independently of the decoder. */
function isWellFormedUtf8(b: Uint8Array): boolean {
  const n = b.length;
  const inRange = (i: number, lo: number, hi: number): boolean => i < n && b[i]! >= lo && b[i]! <= hi;
  for (let i = 0; i < n; ) {
    const x = b[i]!;
    if (x <= 0x7f) i += 1;
    else if (x >= 0xc2 && x <= 0xdf && inRange(i + 1, 0x80, 0xbf)) i += 2;
    else if (x === 0xe0 && inRange(i + 1, 0xa0, 0xbf) && inRange(i + 2, 0x80, 0xbf)) i += 3;
    else if (((x >= 0xe1 && x <= 0xec) || x === 0xee || x === 0xef) && inRange(i + 1, 0x80, 0xbf) && inRange(i + 2, 0x80, 0xbf)) i += 3;
    else if (x === 0xed && inRange(i + 1, 0x80, 0x9f) && inRange(i + 2, 0x80, 0xbf)) i += 3;
    else if (x === 0xf0 && inRange(i + 1, 0x90, 0xbf) && inRange(i + 2, 0x80, 0xbf) && inRange(i + 3, 0x80, 0xbf)) i += 4;
    else if (x >= 0xf1 && x <= 0xf3 && inRange(i + 1, 0x80, 0xbf) && inRange(i + 2, 0x80, 0xbf) && inRange(i + 3, 0x80, 0xbf)) i += 4;
    else if (x === 0xf4 && inRange(i + 1, 0x80, 0x8f) && inRange(i + 2, 0x80, 0xbf) && inRange(i + 3, 0x80, 0xbf)) i += 4;
    else return false;
  }
  return true;
}

/** No lone surrogate, checked with a regular expression (independent of the encoder's loop). */
function isWellFormedUtf16(text: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/**
 * A string as XS on the ESP32 presents it: kept as UTF-8 and indexed by code point, so length, charCodeAt and
 * slice count code points and charCodeAt gives a code point above U+FFFF whole.
 */
function deviceString(codePoints: readonly number[]): string {
  return {
    length: codePoints.length,
    charCodeAt: (i: number) => (i >= 0 && i < codePoints.length ? codePoints[i]! : NaN),
    slice: (start?: number, end?: number) => deviceString(codePoints.slice(start, end)),
  } as unknown as string;
}

describe('utf8Encode', () => {
  it('encodes 1-, 2-, 3- and 4-byte characters, including the range edges', () => {
    const text = 'A\u007f\u0080\u07ff\u0800\u20ac\ud7ff\ue000\uffff\u{10000}\u{1d11e}\u{10ffff}';
    assert.deepEqual(utf8Encode(text), new Uint8Array(Buffer.from(text, 'utf8')));
    assert.equal(utf8Encode('').length, 0);
  });

  it('agrees with Buffer on random well-formed strings (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        assert.deepEqual(utf8Encode(text), new Uint8Array(Buffer.from(text, 'utf8')));
      }),
      { numRuns: 300 },
    );
  });

  it('encodes a whole code point above U+FFFF as a Moddable device string presents it (one unit, charCodeAt > 0xFFFF)', () => {
    // On the ESP32, XS keeps strings as UTF-8 and indexes them by code point; xsnap and V8 use UTF-16 units.
    assert.deepEqual(utf8Encode(deviceString([0x61, 0x1f600, 0xe9, 0x10ffff, 0x10000])), new Uint8Array(Buffer.from('a\u{1f600}\u00e9\u{10ffff}\u{10000}', 'utf8')));
    assert.deepEqual(utf8Encode(deviceString([0x1f600, 0x1f601])), new Uint8Array(Buffer.from('\u{1f600}\u{1f601}', 'utf8')));
  });

  it('encodes long device strings with code points above U+FFFF on and around slice boundaries', () => {
    // U+1D800..U+1DBFF and U+1DC00..U+1DFFF have the low 16 bits of a high or low surrogate: a whole code point
    // there at the end of a slice must not be taken for half of a pair.
    for (const astral of [0x1f600, 0x1d800, 0x1dbff, 0x1dc00, 0x10000, 0x10ffff]) {
      for (const at of [0, 254, 255, 256, 257, 511, 512, 599]) {
        const codePoints = Array.from({ length: 600 }, (_, i) => 0x61 + (i % 26));
        codePoints[at] = astral;
        const expected = new Uint8Array(Buffer.from(String.fromCodePoint(...codePoints), 'utf8'));
        assert.deepEqual(utf8Encode(deviceString(codePoints)), expected, `U+${astral.toString(16)} at ${at}`);
        codePoints[3] = 0xe9; // the same, reached by the general (non-ASCII) loop
        assert.deepEqual(utf8Encode(deviceString(codePoints)), new Uint8Array(Buffer.from(String.fromCodePoint(...codePoints), 'utf8')), `U+${astral.toString(16)} at ${at}, after U+00E9`);
      }
    }
    const allAstral = Array.from({ length: 530 }, (_, i) => 0x1f600 + (i % 80));
    assert.deepEqual(utf8Encode(deviceString(allAstral)), new Uint8Array(Buffer.from(String.fromCodePoint(...allAstral), 'utf8')));
  });

  // The text is read in 256-unit slices: a character of each UTF-8 length, and a surrogate pair with its halves
  // on either side of a slice edge, reached both from the ASCII loop (first non-ASCII there) and from the general
  // loop (an earlier non-ASCII character), must encode as in a short text.
  it('encodes long texts with multi-byte characters and surrogate pairs across slice boundaries', () => {
    for (const edge of [256, 512]) {
      for (let at = edge - 3; at <= edge + 1; at++) {
        for (const ch of ['\u00e9', '\u20ac', '\u{1f600}', '\u{1f600}\u{1f601}', '\u00e9\u{10ffff}']) {
          for (const head of ['', '\u00e9']) {
            const prefix = head + 'x'.repeat(at - head.length);
            for (const tail of ['', 'y', 'tail'.repeat(70)]) {
              const text = prefix + ch + tail;
              assert.deepEqual(utf8Encode(text), new Uint8Array(Buffer.from(text, 'utf8')), `${JSON.stringify(ch)} at ${at}, head ${JSON.stringify(head)}, tail ${tail.length}`);
            }
          }
        }
      }
    }
    // Pairs back to back over several slices, both alignments of a pair against the edges.
    for (const prefix of ['', 'a', '\u00e9', '\u00e9a']) {
      const text = prefix + '\u{1f600}\u{1f4a9}'.repeat(200);
      assert.deepEqual(utf8Encode(text), new Uint8Array(Buffer.from(text, 'utf8')), JSON.stringify(prefix));
    }
  });

  it('agrees with Buffer on random long texts of mixed widths (fast-check)', () => {
    const piece = fc.constantFrom('a', 'bc', '\n', '\u007f', '\u0080', '\u00e9', '\u07ff', '\u0800', '\u20ac', '\uffff', '\u{10000}', '\u{1f600}', '\u{10ffff}');
    fc.assert(
      fc.property(fc.array(piece, { minLength: 150, maxLength: 450 }), (pieces) => {
        const text = pieces.join('');
        assert.deepEqual(utf8Encode(text), new Uint8Array(Buffer.from(text, 'utf8')));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses lone surrogates on and around slice boundaries', () => {
    for (const edge of [256, 512]) {
      for (let at = edge - 2; at <= edge + 1; at++) {
        for (const head of ['', '\u00e9']) {
          const prefix = head + 'x'.repeat(at - head.length);
          for (const bad of ['\ud800', '\udbff', '\udc00', '\udfff', '\udc00\ud800', '\ud800\ud800\udc00', '\ud83d\u00e9']) {
            for (const tail of ['', 'z', 'z'.repeat(300)]) {
              const text = prefix + bad + tail;
              assert.throws(() => utf8Encode(text), isBadInput, `${JSON.stringify(bad)} at ${at}, head ${JSON.stringify(head)}, tail ${tail.length}`);
            }
          }
        }
      }
    }
  });

  it('refuses lone surrogates (high at the end, high before non-low, low alone, reversed pair)', () => {
    for (const t of ['\ud800', 'a\ud800b', '\udc00', 'x\udfff', '\udc00\ud800', '\ud800\ud800', '\ud83d']) {
      assert.throws(() => utf8Encode(t), isBadInput, JSON.stringify(t));
    }
  });

  it('throws bad-input exactly when a random UTF-16 string has a lone surrogate (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { maxLength: 2 }), fc.nat(), (base, surrogates, at) => {
        const i = base.length === 0 ? 0 : at % (base.length + 1);
        const text = base.slice(0, i) + String.fromCharCode(...surrogates) + base.slice(i);
        const wellFormed = isWellFormedUtf16(text);
        try {
          assert.deepEqual(utf8Encode(text), new Uint8Array(Buffer.from(text, 'utf8')));
          assert.ok(wellFormed, 'encoded a lone surrogate');
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          assert.ok(isBadInput(e) && !wellFormed, String(e));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('utf8Decode', () => {
  it('decodes well-formed text to what Buffer gives (fast-check, incl. astral characters)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        assert.equal(utf8Decode(new Uint8Array(Buffer.from(text, 'utf8'))), text);
      }),
      { numRuns: 300 },
    );
  });

  it('finds the first non-ASCII byte wherever it falls in a word, in aligned and unaligned views', () => {
    // The decoder skips leading ASCII four bytes at a time when the view is aligned; exercise every position.
    for (let prefix = 0; prefix < 12; prefix++) {
      for (const tail of ['\u00e9', '\u20ac!', '\u{1f600}abc', 'plain']) {
        const text = 'a'.repeat(prefix) + tail;
        const encoded = Buffer.from(text, 'utf8');
        for (let offset = 0; offset < 4; offset++) {
          const backing = new Uint8Array(encoded.length + offset);
          backing.set(encoded, offset);
          assert.equal(utf8Decode(backing.subarray(offset)), text, `prefix ${prefix}, offset ${offset}`);
        }
      }
    }
    const bad = new Uint8Array(8).fill(0x61);
    bad[5] = 0xff;
    assert.throws(() => utf8Decode(bad), isBadInput);
  });

  it('decodes long text (more than one internal chunk)', () => {
    const text = 'ab\u00e9\u20ac\u{1f600}'.repeat(3000);
    assert.equal(utf8Decode(new Uint8Array(Buffer.from(text, 'utf8'))), text);
  });

  const malformed: [string, Uint8Array][] = [
    ['lone continuation byte', bytes(0x80)],
    ['continuation byte after ASCII', bytes(0x41, 0xbf)],
    ['overlong 2-byte NUL (C0 80)', bytes(0xc0, 0x80)],
    ['overlong 2-byte (C1 BF)', bytes(0xc1, 0xbf)],
    ['overlong 3-byte (E0 80 80)', bytes(0xe0, 0x80, 0x80)],
    ['overlong 3-byte U+07FF (E0 9F BF)', bytes(0xe0, 0x9f, 0xbf)],
    ['overlong 4-byte (F0 80 80 80)', bytes(0xf0, 0x80, 0x80, 0x80)],
    ['overlong 4-byte U+FFFF (F0 8F BF BF)', bytes(0xf0, 0x8f, 0xbf, 0xbf)],
    ['encoded high surrogate U+D800 (ED A0 80)', bytes(0xed, 0xa0, 0x80)],
    ['encoded low surrogate U+DFFF (ED BF BF)', bytes(0xed, 0xbf, 0xbf)],
    ['encoded surrogate pair (CESU-8)', bytes(0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80)],
    ['above U+10FFFF (F4 90 80 80)', bytes(0xf4, 0x90, 0x80, 0x80)],
    ['F5 lead byte', bytes(0xf5, 0x80, 0x80, 0x80)],
    ['FF byte', bytes(0xff)],
    ['FE byte', bytes(0xfe)],
    ['truncated 2-byte', bytes(0xc3)],
    ['truncated 3-byte', bytes(0xe2, 0x82)],
    ['truncated 4-byte', bytes(0xf0, 0x9f, 0x98)],
    ['truncated in the middle', bytes(0xe2, 0x82, 0x41)],
    ['bad second byte of 2', bytes(0xc3, 0x28)],
    ['bad third byte of 4', bytes(0xf0, 0x9f, 0x28, 0x80)],
  ];
  for (const [name, b] of malformed) {
    it(`refuses ${name}`, () => {
      assert.throws(() => utf8Decode(b), isBadInput);
    });
  }

  it('accepts exactly the well-formed byte strings of Unicode Table 3-7, throwing only bad-input (fast-check)', () => {
    // Bytes biased towards lead and continuation bytes so that near-valid sequences are common.
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0x80, max: 0xbf }), fc.integer({ min: 0xc0, max: 0xf7 }));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 12 }), (arr) => {
        const b = new Uint8Array(arr);
        const ok = isWellFormedUtf8(b);
        try {
          const text = utf8Decode(b);
          assert.ok(ok, `accepted malformed ${Buffer.from(b).toString('hex')}`);
          assert.equal(text, Buffer.from(b).toString('utf8'));
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          assert.ok(isBadInput(e) && !ok, `${String(e)} for ${Buffer.from(b).toString('hex')}`);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
