/**
 * PEM (RFC 7468) ↔ DER. Moddable's TLS takes DER only, and Tencent hands out PEM.
 *
 * Strict on purpose: exactly one block with the expected label, nothing but blanks around it, no RFC 1421
 * headers (an encrypted key has `Proc-Type:`, which we cannot use), and strict Base64 inside. Line breaks
 * may be LF or CRLF and lines may have any length, as real files differ there.
 */
import { IotError } from '../errors.js';
import { base64Decode, base64Encode } from '../encoding/base64.js';

const LABEL = /^[A-Z0-9]+(?: [A-Z0-9]+)*$/;

function checkLabel(label: string): void {
  if (typeof label !== 'string' || !LABEL.test(label)) throw new IotError('bad-input', 'PEM label must be upper-case words');
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
  if (!/^[\r\n]/.test(inner) || !/[\r\n]$/.test(inner)) throw new IotError('bad-input', 'PEM header and footer must be on their own lines');
  const body = inner.replace(/[ \t]*\r?\n[ \t]*/g, '');
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
  for (let i = 0; i < b64.length; i += 64) out += `${b64.slice(i, i + 64)}\n`;
  return `${out}-----END ${label}-----\n`;
}
