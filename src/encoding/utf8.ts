/**
 * UTF-8 (RFC 3629) without TextEncoder/TextDecoder, which XS does not have. Both directions are strict,
 * because these bytes are signed and sent to a server: a lone surrogate cannot be encoded, and the decoder
 * refuses overlong forms, encoded surrogates, code points above U+10FFFF and truncated sequences rather than
 * substituting U+FFFD.
 */
import { IotError } from '../errors.js';

function malformed(): IotError {
  return new IotError('bad-input', 'malformed UTF-8');
}

export function utf8Encode(text: string): Uint8Array {
  const n = text.length;
  // Worst case is 3 bytes per UTF-16 unit (a surrogate pair is 2 units for 4 bytes); trimmed at the end.
  const out = new Uint8Array(n * 3);
  let o = 0;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
    } else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 63);
    } else if (c < 0xd800 || c > 0xdfff) {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 63);
      out[o++] = 0x80 | (c & 63);
    } else {
      // A high surrogate must be followed by a low one; anything else is a lone surrogate.
      const d = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || d < 0xdc00 || d > 0xdfff) throw new IotError('bad-input', 'text has a lone surrogate');
      i++;
      c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      out[o++] = 0xf0 | (c >> 18);
      out[o++] = 0x80 | ((c >> 12) & 63);
      out[o++] = 0x80 | ((c >> 6) & 63);
      out[o++] = 0x80 | (c & 63);
    }
  }
  return out.slice(0, o);
}

/** Strings are built from UTF-16 units in slices of this many, to stay far below engines' argument limits. */
const CHUNK = 4096;

export function utf8Decode(bytes: Uint8Array): string {
  const n = bytes.length;
  let out = '';
  const units: number[] = [];
  let i = 0;
  while (i < n) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      units.push(b0);
      i++;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      // 2 bytes; 0xc0/0xc1 would be overlong encodings of ASCII
      if (i + 1 >= n) throw malformed();
      const b1 = bytes[i + 1]!;
      if ((b1 & 0xc0) !== 0x80) throw malformed();
      units.push(((b0 & 0x1f) << 6) | (b1 & 63));
      i += 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      if (i + 2 >= n) throw malformed();
      const b1 = bytes[i + 1]!;
      const b2 = bytes[i + 2]!;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) throw malformed();
      const c = ((b0 & 0x0f) << 12) | ((b1 & 63) << 6) | (b2 & 63);
      if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)) throw malformed(); // overlong, or an encoded surrogate
      units.push(c);
      i += 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      if (i + 3 >= n) throw malformed();
      const b1 = bytes[i + 1]!;
      const b2 = bytes[i + 2]!;
      const b3 = bytes[i + 3]!;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) throw malformed();
      const c = ((b0 & 0x07) << 18) | ((b1 & 63) << 12) | ((b2 & 63) << 6) | (b3 & 63);
      if (c < 0x10000 || c > 0x10ffff) throw malformed(); // overlong, or beyond Unicode
      units.push(0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff));
      i += 4;
    } else {
      throw malformed(); // a continuation byte where a sequence should start, or 0xc0, 0xc1, 0xf5-0xff
    }
    if (units.length >= CHUNK) {
      out += String.fromCharCode.apply(null, units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode.apply(null, units);
}
