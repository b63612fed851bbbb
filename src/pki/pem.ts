/**
 * PEM (RFC 7468) ↔ DER. Moddable's TLS takes DER only, and Tencent hands out PEM.
 *
 * Strict on purpose: exactly one block with the expected label, nothing but blanks around it, no RFC 1421
 * headers (an encrypted key has `Proc-Type:`, which we cannot use), and strict Base64 inside. Line breaks
 * may be LF or CRLF and lines may have any length, as real files differ there.
 */
import { IotError } from '../errors.js';
import { base64Decode, base64Encode } from '../encoding/base64.js';

// A RegExp is made where it is used, never kept in a module constant: a preloaded module's RegExp lives in XS's
// read-only heap, and there exec crashed Moddable's runtime after a garbage collection (SDK 8.2.3, test/moddable).
const labelPattern = (): RegExp => /^[A-Z0-9]+(?: [A-Z0-9]+)*$/;

function checkLabel(label: string): void {
  if (typeof label !== 'string' || !labelPattern().test(label)) throw new IotError('bad-input', 'PEM label must be upper-case words');
}

/** The DER bytes of the single PEM block labelled `label` (e.g. 'CERTIFICATE', 'RSA PRIVATE KEY'). */
export function pemToDer(pem: string, label: string): Uint8Array {
  checkLabel(label);
  if (typeof pem !== 'string') throw new IotError('bad-input', 'PEM must be text');
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const text = pem.trim();
  if (!text.startsWith(begin)) throw new IotError('bad-input', `PEM does not start with the ${label} header`);
  if (!text.endsWith(end)) throw new IotError('bad-input', `PEM does not end with the ${label} footer`);
  const inner = text.slice(begin.length, text.length - end.length);
  if (inner.indexOf('-----') >= 0) throw new IotError('bad-input', `PEM must hold exactly one ${label} block`);
  if (inner.indexOf(':') >= 0) throw new IotError('bad-input', 'PEM headers (e.g. an encrypted key) are not supported');
  // The last character by a read, not by /[\r\n]$/, which XS tries at every position of the text.
  const first = inner.charCodeAt(0);
  const last = inner.charCodeAt(inner.length - 1);
  if ((first !== 10 && first !== 13) || (last !== 10 && last !== 13)) throw new IotError('bad-input', 'PEM header and footer must be on their own lines');
  // Line breaks out, with the blanks around them. Without blanks this is removing every "\r\n", then every
  // "\n" (a lone "\r" stays, and Base64 refuses it), done by native split and join: on XS the global
  // regular-expression replacement costs about 30,000 metered operations and a millisecond for a 4 KB PEM.
  const body = inner.indexOf(' ') < 0 && inner.indexOf('\t') < 0 ? inner.split('\r\n').join('').split('\n').join('') : inner.replace(/[ \t]*\r?\n[ \t]*/g, '');
  if (body === '') throw new IotError('bad-input', `PEM ${label} block is empty`);
  try {
    return base64Decode(body);
  } catch (error) {
    throw new IotError('bad-input', `PEM ${label} block is not valid Base64`, { cause: error });
  }
}

/** PEM text with 64-character lines and a final newline, as openssl writes it. */
export function derToPem(der: Uint8Array, label: string): string {
  checkLabel(label);
  if (!(der instanceof Uint8Array) || der.length === 0) throw new IotError('bad-input', 'DER must be non-empty bytes');
  const b64 = base64Encode(der);
  let out = `-----BEGIN ${label}-----\n`;
  // Lines are cut from 256-character slices: on XS, slicing a string scans it from the start (and measures
  // all of it), so cutting every line from the whole text is quadratic in time.
  let part = '';
  for (let start = 0; start < b64.length; start += 256) {
    part = b64.slice(start, start + 256);
    for (let i = 0; i < part.length; i += 64) out += `${part.slice(i, i + 64)}\n`;
  }
  return `${out}-----END ${label}-----\n`;
}
