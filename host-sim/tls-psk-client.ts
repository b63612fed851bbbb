/**
 * The client side of TLS-PSK, as Tencent's C SDK logs a key device in (PROTOCOL.md §6): TLS 1.2 with
 * TLS_PSK_WITH_AES_128_CBC_SHA or _256_, identity = client id, key = the Base64-decoded device secret, and no
 * certificate at all — the shared key authenticates both ends, so there is no server name to check (Node
 * needs a checkServerIdentity that accepts the certificate-less session; no other suite can be negotiated).
 */
import type { ConnectionOptions } from 'node:tls';
import { IotError } from '../src/errors.js';

/** Exactly the suites the C SDK offers (platform/tls/mbedtls/HAL_TLS_mbedtls.c), in its order. */
export const C_SDK_PSK_CIPHERS = 'PSK-AES128-CBC-SHA:PSK-AES256-CBC-SHA';

export interface PskCredential {
  identity: string;
  key: Uint8Array;
}

export function pskClientTlsOptions(psk: PskCredential): ConnectionOptions {
  const key = Buffer.from(psk.key);
  return {
    ciphers: C_SDK_PSK_CIPHERS,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    pskCallback: () => ({ identity: psk.identity, psk: key }),
    checkServerIdentity: () => undefined,
  };
}

/** Handshake alerts that mean "the server does not accept this identity or key" (as codes, or in an EPROTO message). */
const PSK_REFUSAL_CODES: ReadonlySet<string> = new Set([
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_PSK_IDENTITY',
  'ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC',
  'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
]);
const PSK_REFUSAL_ALERT = /alert (unknown psk identity|bad record mac|decrypt error)/i;

/** A refusal when the TLS-PSK handshake failed on the identity or key; undefined for any other failure. */
export function pskHandshakeRefusal(error: unknown, endpoint: string): IotError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  const message = (error as { message?: unknown }).message;
  const alert = typeof message === 'string' ? PSK_REFUSAL_ALERT.exec(message)?.[1]?.toLowerCase() : undefined;
  if (!(typeof code === 'string' && PSK_REFUSAL_CODES.has(code)) && alert === undefined) return undefined;
  const reason = alert === undefined ? String(code) : `TLS alert "${alert}"`;
  return new IotError('refused', `the broker at ${endpoint} refused the TLS-PSK handshake (${reason}): it does not know this client id, or the device secret is not its current one`, { cause: error });
}
