/**
 * Test credentials made by an independent tool (the machine's openssl), never by the code under test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertCredentialPem {
  certificatePem: string;
  /** RSA PKCS#1 ("RSA PRIVATE KEY"), the form Tencent issues. */
  privateKeyPem: string;
}

/** A self-signed RSA-2048 certificate and its PKCS#1 key, as openssl writes them. */
export function makeCertCredential(commonName: string): CertCredentialPem {
  const directory = mkdtempSync(join(tmpdir(), 'device-cred-'));
  try {
    execFileSync('openssl', ['genrsa', '-traditional', '-out', 'device.key', '2048'], { cwd: directory, stdio: 'pipe' });
    execFileSync('openssl', ['req', '-x509', '-new', '-key', 'device.key', '-out', 'device.pem', '-days', '2', '-subj', `/CN=${commonName}`], { cwd: directory, stdio: 'pipe' });
    return { certificatePem: readFileSync(join(directory, 'device.pem'), 'utf8'), privateKeyPem: readFileSync(join(directory, 'device.key'), 'utf8') };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Base64 of 16 bytes derived from `seed`: the shape of a Tencent device secret. */
export function deviceSecret(seed: number): string {
  return Buffer.from(Array.from({ length: 16 }, (_, i) => (seed * 31 + i * 7) & 0xff)).toString('base64');
}
