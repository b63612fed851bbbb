/**
 * Certificates the simulator suites need beside the local cloud's own, made with the openssl command line
 * (an independent tool, and on every machine here): an unrelated CA, and a server certificate signed by the
 * cloud's CA for a host name of the test's choosing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A self-signed CA unrelated to the cloud's, as PEM (its key is thrown away). */
export function selfSignedCaPem(work: string): string {
  const dir = mkdtempSync(join(work, 'other-ca-'));
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=not the local cloud', '-days', '30', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'ca.pem'), '-addext', 'basicConstraints=critical,CA:TRUE']);
  return readFileSync(join(dir, 'ca.pem'), 'utf8');
}

/**
 * A server certificate for `host` only, signed by the CA kept in `caDir` (the local cloud's state folder:
 * ca.pem, ca-key.pem), with the key identifiers Moddable's TLS needs. `chainPem` is leaf then CA.
 */
export function leafSignedBy(caDir: string, host: string): { certPem: string; keyPem: string; chainPem: string } {
  const dir = mkdtempSync(join(caDir, 'leaf-'));
  const key = join(dir, 'key.pem');
  const csr = join(dir, 'req.csr');
  const cert = join(dir, 'cert.pem');
  const ext = join(dir, 'ext.cnf');
  const san = /^[0-9.]+$/.test(host) ? `IP:${host}` : `DNS:${host}`;
  writeFileSync(ext, `subjectAltName=${san}\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${host}`, '-keyout', key, '-out', csr]);
  openssl(['x509', '-req', '-in', csr, '-CA', join(caDir, 'ca.pem'), '-CAkey', join(caDir, 'ca-key.pem'), '-CAcreateserial', '-days', '30', '-sha256', '-extfile', ext, '-out', cert]);
  const certPem = readFileSync(cert, 'utf8');
  return { certPem, keyPem: readFileSync(key, 'utf8'), chainPem: `${certPem}${readFileSync(join(caDir, 'ca.pem'), 'utf8')}` };
}

/**
 * A new self-signed RSA CA kept in a fresh folder below `work` (ca.pem, ca-key.pem: the layout leafSignedBy
 * signs from); returns the folder.
 */
export function newCaDir(work: string, commonName: string): string {
  const dir = mkdtempSync(join(work, 'ca-'));
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${commonName}`, '-days', '30', '-keyout', join(dir, 'ca-key.pem'), '-out', join(dir, 'ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return dir;
}
