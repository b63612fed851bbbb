/**
 * The byte layout of a stored credential in flash (one "record"; preference-storage.ts splits it into values).
 *
 *   u8 format (1) | u8 kind (1 key, 2 cert) | field* where field = u16 big-endian length + bytes
 *   key:  productId, deviceName, deviceSecret           (UTF-8)
 *   cert: productId, deviceName, certificate DER, private key PKCS#8 DER
 *   cert as PEM (kind 3): productId, deviceName, certificate PEM, private key PEM — only when the PEM texts
 *   are not laid out the way derToPem writes them, so that `load` returns exactly what `save` was given
 *
 * Certificate products are stored as DER — the certificate and the key already converted to PKCS#8 — because
 * that is what SecureSocket takes (`clientCertificates: [der]`, `clientKey: pkcs8Der`); DER is also about 25%
 * smaller than Base64 PEM. `StoredCredential` is PEM (what Tencent sent, key as PKCS#1), so decoding rebuilds
 * the PEM texts: the same bytes, with the standard 64-column layout.
 */
import type { Credential, StoredCredential } from '../hal.js';
import { IotError } from '../../src/errors.js';
import { concatBytes } from '../../src/encoding/bytes.js';
import { utf8Decode, utf8Encode } from '../../src/encoding/utf8.js';
import { derToPem, pemToDer } from '../../src/pki/pem.js';
import { rsaPkcs1ToPkcs8 } from '../../src/pki/pkcs8.js';
import { rsaPkcs8ToPkcs1 } from './pkcs8-unwrap.js';

const FORMAT = 1;
const KIND_KEY = 1;
const KIND_CERT = 2;
const KIND_CERT_PEM = 3;

/** Certificate and key DER of a certificate credential, ready for SecureSocket. */
export interface TlsIdentity {
  certificate: Uint8Array;
  /** PKCS#8 DER (RSA). */
  key: Uint8Array;
}

/** Converts a certificate credential's PEM texts into what SecureSocket wants (DER, key as PKCS#8). */
export function tlsIdentityOf(credential: Extract<Credential, { kind: 'cert' }>): TlsIdentity {
  const certificate = pemToDer(credential.certificatePem, 'CERTIFICATE');
  // Tencent sends PKCS#1 ("RSA PRIVATE KEY"); accept a PKCS#8 PEM too, for burned-in keys made by hand.
  const key = credential.privateKeyPem.includes('-----BEGIN PRIVATE KEY-----')
    ? pemToDer(credential.privateKeyPem, 'PRIVATE KEY')
    : rsaPkcs1ToPkcs8(pemToDer(credential.privateKeyPem, 'RSA PRIVATE KEY'));
  return { certificate, key };
}

function field(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length > 0xffff) throw new IotError('storage', 'credential field is too large to store');
  return [Uint8Array.of(bytes.length >> 8, bytes.length & 0xff), bytes];
}

export function encodeStoredCredential(value: StoredCredential): Uint8Array {
  const { productId, deviceName, credential } = value;
  if (typeof productId !== 'string' || typeof deviceName !== 'string' || productId === '' || deviceName === '') {
    throw new IotError('bad-input', 'stored credential needs a productId and a deviceName');
  }
  const parts: Uint8Array[] = [];
  if (credential?.kind === 'key' && typeof credential.deviceSecret === 'string' && credential.deviceSecret !== '') {
    parts.push(Uint8Array.of(FORMAT, KIND_KEY), ...field(utf8Encode(productId)), ...field(utf8Encode(deviceName)), ...field(utf8Encode(credential.deviceSecret)));
  } else if (credential?.kind === 'cert' && typeof credential.certificatePem === 'string' && typeof credential.privateKeyPem === 'string') {
    const identity = tlsIdentityOf(credential);
    const canonical = derToPem(identity.certificate, 'CERTIFICATE') === credential.certificatePem
      && derToPem(rsaPkcs8ToPkcs1(identity.key), 'RSA PRIVATE KEY') === credential.privateKeyPem;
    parts.push(Uint8Array.of(FORMAT, canonical ? KIND_CERT : KIND_CERT_PEM), ...field(utf8Encode(productId)), ...field(utf8Encode(deviceName)));
    if (canonical) parts.push(...field(identity.certificate), ...field(identity.key));
    else parts.push(...field(utf8Encode(credential.certificatePem)), ...field(utf8Encode(credential.privateKeyPem)));
  } else {
    throw new IotError('bad-input', 'credential must be a key credential (deviceSecret) or a cert credential (certificatePem, privateKeyPem)');
  }
  return concatBytes(...parts);
}

export function decodeStoredCredential(bytes: Uint8Array): StoredCredential {
  let offset = 2;
  const next = (): Uint8Array => {
    if (offset + 2 > bytes.length) throw new IotError('storage', 'stored credential is truncated');
    const length = (bytes[offset]! << 8) | bytes[offset + 1]!;
    const start = offset + 2;
    offset = start + length;
    if (offset > bytes.length) throw new IotError('storage', 'stored credential is truncated');
    return bytes.subarray(start, offset);
  };
  if (bytes.length < 2 || bytes[0] !== FORMAT) throw new IotError('storage', 'stored credential has an unknown format');
  const kind = bytes[1];
  try {
    const productId = utf8Decode(next());
    const deviceName = utf8Decode(next());
    let credential: Credential;
    if (kind === KIND_KEY) {
      credential = { kind: 'key', deviceSecret: utf8Decode(next()) };
    } else if (kind === KIND_CERT) {
      const certificate = next();
      const key = next();
      credential = { kind: 'cert', certificatePem: derToPem(certificate, 'CERTIFICATE'), privateKeyPem: derToPem(rsaPkcs8ToPkcs1(key), 'RSA PRIVATE KEY') };
    } else if (kind === KIND_CERT_PEM) {
      const certificatePem = utf8Decode(next());
      credential = { kind: 'cert', certificatePem, privateKeyPem: utf8Decode(next()) };
    } else {
      throw new IotError('storage', 'stored credential has an unknown kind');
    }
    if (offset !== bytes.length) throw new IotError('storage', 'stored credential has trailing bytes');
    return { productId, deviceName, credential };
  } catch (error) {
    if (error instanceof IotError && error.code === 'storage') throw error;
    throw new IotError('storage', 'stored credential cannot be decoded', { cause: error });
  }
}
