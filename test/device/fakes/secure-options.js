// Checks a SecureSocket `secure` dictionary the way Moddable's TLS would take it, and returns what the Node
// side needs to open the real connection. One CA only (an ArrayBuffer, not a list); TLS 1.2; the client
// identity as [certificate DER] + PKCS#8 key DER.
export function secureForBridge(secure) {
  if (secure === null || typeof secure !== 'object') throw new Error('SecureSocket: secure dictionary required');
  if (secure.protocolVersion !== undefined && secure.protocolVersion !== 0x303) throw new Error('SecureSocket: protocolVersion must be 0x303 (TLS 1.2 is the maximum)');
  if (!(secure.certificate instanceof ArrayBuffer)) throw new Error('SecureSocket: certificate must be one CA as DER (ArrayBuffer)');
  const out = { ca: secure.certificate, serverName: secure.serverName, protocolVersion: secure.protocolVersion };
  if (secure.clientCertificates !== undefined || secure.clientKey !== undefined) {
    if (!Array.isArray(secure.clientCertificates) || secure.clientCertificates.length !== 1 || !(secure.clientCertificates[0] instanceof ArrayBuffer)) {
      throw new Error('SecureSocket: clientCertificates must be [certificate DER]');
    }
    if (!(secure.clientKey instanceof ArrayBuffer)) throw new Error('SecureSocket: clientKey must be PKCS#8 DER (ArrayBuffer)');
    out.clientCertificate = secure.clientCertificates[0];
    out.clientKey = secure.clientKey;
  }
  return out;
}
