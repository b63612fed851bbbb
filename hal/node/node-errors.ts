/**
 * Maps Node's socket and TLS errors onto the HAL's error codes, with a message that says what failed and
 * what to do. Shared by the TLS byte stream and the host simulator's MQTT connection, so both speak alike.
 */
import { IotError } from '../../src/errors.js';

/** OpenSSL / Node certificate verification codes (X509_V_ERR_* names as Node reports them). */
const CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_CRL', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE', 'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY', 'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED', 'CRL_NOT_YET_VALID', 'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD', 'ERROR_IN_CERT_NOT_AFTER_FIELD', 'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD', 'OUT_OF_MEM', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_CHAIN_TOO_LONG', 'CERT_REVOKED',
  'INVALID_CA', 'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Network-level failures: worth a retry with backoff. */
const TRANSPORT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  'ECONNABORTED', 'ENETDOWN', 'EHOSTDOWN', 'ERR_SOCKET_CLOSED', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END',
]);

const TIMEOUT_CODES: ReadonlySet<string> = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return '';
}

function isTlsFailure(error: unknown, code: string): boolean {
  if (CERTIFICATE_CODES.has(code)) return true;
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return true;
  // A TLS alert from the peer (handshake_failure, protocol_version…) surfaces as EPROTO on a TLS socket.
  if (code === 'EPROTO') return true;
  const library = typeof error === 'object' && error !== null ? (error as { library?: unknown }).library : undefined;
  return library === 'SSL routines';
}

/** A short reason for a message: Node's error code, or its message when it has none. Never holds secrets. */
function reasonOf(error: unknown, code: string): string {
  if (code !== '') return code;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns any error Node raised while connecting to `endpoint` ("host:port") into an IotError:
 * certificate/handshake → 'tls', connection errors → 'transport', time-outs → 'timeout'.
 * An IotError passes through unchanged.
 */
export function iotErrorFromNode(error: unknown, endpoint: string): IotError {
  if (error instanceof IotError) return error;
  const code = errorCode(error);
  const reason = reasonOf(error, code);
  if (CERTIFICATE_CODES.has(code)) {
    return new IotError('tls', `TLS verification failed for ${endpoint} (${reason}): the server's certificate does not chain to the trusted CA or does not name the host; for a local cloud pass its CA with --ca FILE`, { cause: error });
  }
  if (isTlsFailure(error, code)) {
    // Not a certificate problem: the peer does not speak TLS on that port (e.g. plain HTTP or MQTT), or
    // offers no protocol version or cipher suite in common.
    return new IotError('tls', `TLS handshake with ${endpoint} failed (${reason}): the server does not speak TLS there, or shares no TLS version or cipher suite with us — check the URL's scheme and port`, { cause: error });
  }
  if (TIMEOUT_CODES.has(code)) {
    return new IotError('timeout', `no answer from ${endpoint} in time (${reason})`, { cause: error });
  }
  if (TRANSPORT_CODES.has(code)) {
    return new IotError('transport', `could not talk to ${endpoint} (${reason})`, { cause: error });
  }
  return new IotError('transport', `connection to ${endpoint} failed (${reason})`, { cause: error });
}
