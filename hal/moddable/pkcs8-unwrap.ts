/**
 * The inverse of the core's `rsaPkcs1ToPkcs8`: takes the RSA PKCS#1 key back out of a PKCS#8 PrivateKeyInfo.
 *
 * Flash keeps the key as PKCS#8 DER because that is what SecureSocket's `clientKey` wants; the HAL's
 * `StoredCredential` hands back PKCS#1 PEM (what Tencent sent), so `load` unwraps it. Only the DER shapes
 * this SDK writes are accepted: SEQUENCE { INTEGER 0, SEQUENCE { OID rsaEncryption, NULL }, OCTET STRING }.
 */
import { IotError } from '../../src/errors.js';

/** rsaEncryption, 1.2.840.113549.1.1.1, as DER content bytes. */
const RSA_ENCRYPTION_OID = '2a864886f70d010101';

interface Tlv {
  tag: number;
  start: number; // first content byte
  end: number; // one past the last content byte
}

function readTlv(der: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw new IotError('storage', 'stored key is truncated');
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count < 1 || count > 3 || start + count > limit) throw new IotError('storage', 'stored key has a bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i]!;
    start += count;
  }
  const end = start + length;
  if (end > limit) throw new IotError('storage', 'stored key is truncated');
  return { tag, start, end };
}

function hexOf(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return text;
}

/** True when `der` is a PKCS#8 PrivateKeyInfo holding an RSA key (rather than a bare PKCS#1 RSAPrivateKey). */
export function isRsaPkcs8(der: Uint8Array): boolean {
  try {
    rsaPkcs8ToPkcs1(der);
    return true;
  } catch {
    return false;
  }
}

/** Returns the PKCS#1 RSAPrivateKey DER inside a PKCS#8 PrivateKeyInfo; `storage` error when it is not one. */
export function rsaPkcs8ToPkcs1(der: Uint8Array): Uint8Array {
  const outer = readTlv(der, 0, der.length);
  if (outer.tag !== 0x30 || outer.end !== der.length) throw new IotError('storage', 'stored key is not a DER SEQUENCE');
  const version = readTlv(der, outer.start, outer.end);
  if (version.tag !== 0x02 || version.end - version.start !== 1 || der[version.start] !== 0) throw new IotError('storage', 'stored key is not PKCS#8 v0');
  const algorithm = readTlv(der, version.end, outer.end);
  if (algorithm.tag !== 0x30) throw new IotError('storage', 'stored key has no algorithm identifier');
  const oid = readTlv(der, algorithm.start, algorithm.end);
  if (oid.tag !== 0x06 || hexOf(der.subarray(oid.start, oid.end)) !== RSA_ENCRYPTION_OID) throw new IotError('storage', 'stored key is not an RSA key');
  const key = readTlv(der, algorithm.end, outer.end);
  if (key.tag !== 0x04) throw new IotError('storage', 'stored key has no private key octets');
  return der.slice(key.start, key.end);
}
