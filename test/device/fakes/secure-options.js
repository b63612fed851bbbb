// Checks a SecureSocket `secure` dictionary the way Moddable's TLS would take it, and returns what the Node
// side needs to open the real connection. One CA only (an ArrayBuffer or a Resource — ssl_cert.js reads it
// with `new Uint8Array(cert)` — not a list); TLS 1.2; the client identity as [certificate DER] + PKCS#8 key DER.
import Resource from 'Resource';

function isBuffer(value) {
  return value instanceof ArrayBuffer || value instanceof Resource;
}

/** A real ArrayBuffer copy (a Resource is not one, and only ArrayBuffers cross the bridge). */
function copy(value) {
  return new Uint8Array(value).slice().buffer;
}

export function secureForBridge(secure) {
  if (secure === null || typeof secure !== 'object') throw new Error('SecureSocket: secure dictionary required');
  if (secure.protocolVersion !== undefined && secure.protocolVersion !== 0x303) throw new Error('SecureSocket: protocolVersion must be 0x303 (TLS 1.2 is the maximum)');
  if (!isBuffer(secure.certificate)) throw new Error('SecureSocket: certificate must be one CA as DER (ArrayBuffer or Resource)');
  const out = { ca: copy(secure.certificate), serverName: secure.serverName, protocolVersion: secure.protocolVersion };
  if (secure.clientCertificates !== undefined || secure.clientKey !== undefined) {
    if (!Array.isArray(secure.clientCertificates) || secure.clientCertificates.length !== 1 || !isBuffer(secure.clientCertificates[0])) {
      throw new Error('SecureSocket: clientCertificates must be [certificate DER]');
    }
    if (!isBuffer(secure.clientKey)) throw new Error('SecureSocket: clientKey must be PKCS#8 DER (ArrayBuffer)');
    out.clientCertificate = copy(secure.clientCertificates[0]);
    out.clientKey = copy(secure.clientKey);
  }
  return out;
}
