/**
 * UTF-8 (RFC 3629) without TextEncoder/TextDecoder, which XS does not have. Both directions are strict,
 * because these bytes are signed and sent to a server: a lone surrogate cannot be encoded, and the decoder
 * refuses overlong forms, encoded surrogates, code points above U+10FFFF and truncated sequences rather than
 * substituting U+FFFD.
 *
 * What passes through here is almost all ASCII (JSON, PEM), and the certificate payload is about 3 KB, so
 * both directions have an ASCII fast path written for XS (one read, one test, one write per character), and
 * the decoder turns runs of ASCII bytes into text with one native call each.
 */
import { IotError } from '../errors.js';

function malformed(): IotError {
  return new IotError('bad-input', 'malformed UTF-8');
}

/**
 * Code units handed to one String.fromCharCode.apply call. Each becomes an argument on the XS stack, which is
 * a few hundred slots on a Moddable device, so keep this small.
 */
const CHUNK = 128;

/**
 * Characters read per slice of the text when encoding. XS keeps strings as UTF-8 and finds a character by
 * scanning from the start, so text.charCodeAt(i) costs time in proportion to i and reading a 3 KB PEM in place
 * is quadratic (several times slower; the XS meter does not count the scan); a short slice is read cheaply.
 */
const SLICE = 256;

export function utf8Encode(text: string): Uint8Array {
  const n = text.length;
  // Optimistic: one byte per character, for as long as the text is ASCII.
  let out = new Uint8Array(n);
  let start = 0; // where the current slice begins in the text
  let end = 0;
  let part = '';
  let dst = out;
  let m = 0;
  let j = 0;
  let c = 0;
  let d = 0;
  for (; start < n; start = end) {
    end = start + SLICE;
    part = text.slice(start, end);
    dst = out.subarray(start, end);
    j = 0;
    // A non-ASCII code is stored truncated and then overwritten by the general loop below. No `j < m` test:
    // charCodeAt(m) is NaN, whose store past the end of dst is ignored and which fails `< 0x80`, ending the loop.
    while ((dst[j] = c = part.charCodeAt(j)) < 0x80) j++;
    if (j < part.length) break;
  }
  if (start >= n) return out;
  // Not ASCII from start + j on: at most 4 bytes per unit (on a Moddable device, where strings are UTF-8
  // inside, a unit is a whole code point, up to U+10FFFF); trimmed at the end.
  start += j;
  const ascii = out.subarray(0, start);
  out = new Uint8Array(4 * n);
  out.set(ascii);
  let o = start;
  for (; start < n; start += m) {
    end = start + SLICE;
    part = text.slice(start, end);
    m = part.length;
    // A slice must not end between the two halves of a surrogate pair: a high surrogate at its end, unless it
    // is the end of the text, is left to the next slice.
    c = part.charCodeAt(m - 1);
    if (c >= 0xd800 && c <= 0xdbff && end < n) m--;
    for (j = 0; j < m; j++) {
      c = part.charCodeAt(j);
      if (c < 0x80) {
        out[o++] = c;
      } else if (c < 0x800) {
        out[o++] = 0xc0 | (c >> 6);
        out[o++] = 0x80 | (c & 63);
      } else if (c < 0xd800 || (c > 0xdfff && c < 0x10000)) {
        out[o++] = 0xe0 | (c >> 12);
        out[o++] = 0x80 | ((c >> 6) & 63);
        out[o++] = 0x80 | (c & 63);
      } else if (c > 0xffff) {
        // XS without CESU-8 (the device build) indexes strings by code point: charCodeAt gives it whole.
        out[o++] = 0xf0 | (c >> 18);
        out[o++] = 0x80 | ((c >> 12) & 63);
        out[o++] = 0x80 | ((c >> 6) & 63);
        out[o++] = 0x80 | (c & 63);
      } else {
        // A high surrogate must be followed by a low one; anything else is a lone surrogate. Past the end of
        // the slice d is NaN, which fails the range test.
        d = part.charCodeAt(j + 1);
        if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) throw new IotError('bad-input', 'text has a lone surrogate');
        j++;
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        out[o++] = 0xf0 | (c >> 18);
        out[o++] = 0x80 | ((c >> 12) & 63);
        out[o++] = 0x80 | ((c >> 6) & 63);
        out[o++] = 0x80 | (c & 63);
      }
    }
  }
  return out.slice(0, o);
}

/** The text of `bytes[start, end)`, all ASCII, in CHUNK-sized native calls. */
function asciiRun(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i += CHUNK) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(i + CHUNK, end)) as unknown as number[]);
  }
  return s;
}

export function utf8Decode(bytes: Uint8Array): string {
  const n = bytes.length;
  let out = '';
  let start = 0; // where the current run of ASCII bytes began
  let i = 0;
  let b0: number, b1: number, b2: number, b3: number, c: number;
  // Skip the leading ASCII thirty-two, then four, bytes at a time (word reads and one mask test; byte order does
  // not matter for a test of every byte's top bit). Needs an aligned view, which a fresh array always is.
  // (A native regular-expression search over the text is fewer XS operations but takes longer: measured.)
  if ((bytes.byteOffset & 3) === 0) {
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, n >> 2);
    const count = words.length;
    const eights = count - 7;
    while (i < eights && ((words[i]! | words[i + 1]! | words[i + 2]! | words[i + 3]! | words[i + 4]! | words[i + 5]! | words[i + 6]! | words[i + 7]!) & 0x80808080) === 0) i += 8;
    while (i < count && (words[i]! & 0x80808080) === 0) i++;
    i <<= 2;
  }
  while (i < n) {
    b0 = bytes[i]!;
    if (b0 < 0x80) {
      i++;
      continue;
    }
    if (start < i) out += asciiRun(bytes, start, i);
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      // 2 bytes; 0xc0/0xc1 would be overlong encodings of ASCII
      if (i + 1 >= n) throw malformed();
      b1 = bytes[i + 1]!;
      if ((b1 & 0xc0) !== 0x80) throw malformed();
      out += String.fromCharCode(((b0 & 0x1f) << 6) | (b1 & 63));
      i += 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      if (i + 2 >= n) throw malformed();
      b1 = bytes[i + 1]!;
      b2 = bytes[i + 2]!;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) throw malformed();
      c = ((b0 & 0x0f) << 12) | ((b1 & 63) << 6) | (b2 & 63);
      if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)) throw malformed(); // overlong, or an encoded surrogate
      out += String.fromCharCode(c);
      i += 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      if (i + 3 >= n) throw malformed();
      b1 = bytes[i + 1]!;
      b2 = bytes[i + 2]!;
      b3 = bytes[i + 3]!;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) throw malformed();
      c = ((b0 & 0x07) << 18) | ((b1 & 63) << 12) | ((b2 & 63) << 6) | (b3 & 63);
      if (c < 0x10000 || c > 0x10ffff) throw malformed(); // overlong, or beyond Unicode
      out += String.fromCharCode(0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff));
      i += 4;
    } else {
      throw malformed(); // a continuation byte where a sequence should start, or 0xc0, 0xc1, 0xf5-0xff
    }
    start = i;
  }
  return start < n ? out + asciiRun(bytes, start, n) : out;
}
