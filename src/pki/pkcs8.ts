/**
 * RSA PKCS#1 `RSAPrivateKey` → PKCS#8 `PrivateKeyInfo` (RFC 5208), both DER. Tencent issues PKCS#1 keys;
 * Moddable's TLS wants PKCS#8. The wrapping is fixed:
 *
 *   PrivateKeyInfo ::= SEQUENCE { version INTEGER (0),
 *                                 algorithm SEQUENCE { rsaEncryption OID 1.2.840.113549.1.1.1, NULL },
 *                                 privateKey OCTET STRING (the PKCS#1 DER) }
 *
 * with minimal DER lengths, which is byte for byte what openssl and node:crypto produce.
 */
import { IotError } from '../errors.js';
import { concatBytes } from '../encoding/bytes.js';

/**
 * version 0, then AlgorithmIdentifier { rsaEncryption, NULL }. Only ever read (concatBytes copies it); a
 * typed array cannot be Object.freeze'd, and XS preload makes it read-only anyway.
 */
const VERSION_AND_ALGORITHM = Uint8Array.of(0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00);

/** DER length octets: short form below 128, else 0x80|n followed by n big-endian bytes, no leading zeros. */
function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** Reads a DER header at `offset`: returns [contentStart, contentLength], or throws on a malformed length. */
function readHeader(der: Uint8Array, offset: number): [number, number] {
  const first = der[offset + 1];
  if (first === undefined) throw new IotError('bad-input', 'RSA key DER is truncated');
  if (first < 0x80) return [offset + 2, first];
  const count = first & 0x7f;
  if (count === 0 || count > 4) throw new IotError('bad-input', 'RSA key DER has an unsupported length encoding');
  let length = 0;
  for (let i = 0; i < count; i++) {
    const byte = der[offset + 2 + i];
    if (byte === undefined) throw new IotError('bad-input', 'RSA key DER is truncated');
    if (i === 0 && byte === 0) throw new IotError('bad-input', 'RSA key DER length is not minimal');
    length = length * 256 + byte;
  }
  if (length < 0x80) throw new IotError('bad-input', 'RSA key DER length is not minimal');
  return [offset + 2 + count, length];
}

function tlv(tag: number, content: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), derLength(content.length), content);
}

/**
 * Wraps a PKCS#1 RSAPrivateKey. Checks the outer shape only — one SEQUENCE spanning all bytes, starting with
 * an INTEGER — because the TLS stack parses the key itself; that is enough to catch a truncated or wrong file.
 */
export function rsaPkcs1ToPkcs8(der: Uint8Array): Uint8Array {
  if (!(der instanceof Uint8Array) || der.length < 4) throw new IotError('bad-input', 'RSA key DER is too short');
  if (der[0] !== 0x30) throw new IotError('bad-input', 'RSA key DER is not a SEQUENCE');
  const [start, length] = readHeader(der, 0);
  if (start + length !== der.length) throw new IotError('bad-input', 'RSA key DER length does not match its size');
  if (der[start] !== 0x02) throw new IotError('bad-input', 'RSA key DER does not start with a version INTEGER');
  return tlv(0x30, concatBytes(VERSION_AND_ALGORITHM, tlv(0x04, der)));
}
