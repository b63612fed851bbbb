/**
 * The local cloud's certificates, made with @peculiar/x509 over Node's WebCrypto (no hand-rolled ASN.1):
 * - a server CA (the `ca` file devices trust) and a server certificate for the names server-names.ts lists, served as
 *   a full chain (leaf, then CA) with subject and authority key identifiers — Moddable's TLS accepts nothing less;
 * - a separate device CA that signs the client certificates of CERT products (RSA-2048, CN = pid + name,
 *   key handed out as PKCS#1 PEM, as Tencent does).
 * The CAs are kept in a folder so that a restarted cloud is still trusted by devices that saved its CA.
 */
import { createHash, createPrivateKey, randomBytes, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import { mkdir, rename, open } from 'node:fs/promises';
import { FILE_CAPS, readRegularFile } from '../../hal/node/regular-file.js';
import { join } from 'node:path';
// @peculiar/x509 resolves its classes through tsyringe, which needs a Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { ServerNames } from './server-names.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

type Key = webcrypto.CryptoKey;
interface KeyPair { privateKey: Key; publicKey: Key }

interface Authority {
  certPem: string;
  cert: x509.X509Certificate;
  privateKey: Key;
}

export interface ServerTls {
  /** Absolute path of the server CA PEM (the file devices and clients trust). */
  caPath: string;
  caPem: string;
  /** Leaf then CA, for `tls.createServer({ cert })`. */
  chainPem: string;
  keyPem: string;
  /** The device CA, for `ca` in the broker's TLS options: client certificates must chain to it. */
  deviceCaPem: string;
}

export interface IssuedClientCertificate {
  certPem: string;
  /** PKCS#1 PEM ("-----BEGIN RSA PRIVATE KEY-----"). */
  keyPem: string;
  /** SHA-256 of the certificate's DER, lowercase hex. */
  fingerprint: string;
}

async function generateRsa(): Promise<KeyPair> {
  const pair = await webcrypto.subtle.generateKey({ ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify']);
  return pair as KeyPair;
}

async function pkcs8Pem(key: Key): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string;
}

async function importPkcs8Pem(pem: string): Promise<Key> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, RSA, false, ['sign']);
}

/** A positive 16-byte serial (the top bit cleared so DER needs no sign byte games). */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

async function createAuthority(commonName: string): Promise<{ authority: Authority; keyPem: string }> {
  const keys = await generateRsa();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}, O=tc-iot-device local cloud`,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
    signingAlgorithm: RSA,
    keys: keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { authority: { certPem: cert.toString('pem') + '\n', cert, privateKey: keys.privateKey }, keyPem: await pkcs8Pem(keys.privateKey) };
}

async function issueLeaf(authority: Authority, subject: string, keys: KeyPair, usage: 'server' | 'client', altNames?: x509.JsonGeneralNames): Promise<x509.X509Certificate> {
  const now = Date.now();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(authority.cert),
  ];
  if (altNames) extensions.push(new x509.SubjectAlternativeNameExtension(altNames));
  return x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: authority.cert.subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + (usage === 'server' ? 825 : 3650) * DAY_MS),
    signingAlgorithm: RSA,
    publicKey: keys.publicKey,
    signingKey: authority.privateKey,
    extensions,
  });
}

/** Writes atomically; keys are private (0600), certificates readable by all (0644). */
async function writeAtomic(path: string, text: string, mode: number): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readRegularFile(path, FILE_CAPS.credentialPem);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Loads the CA named `stem` from `dir`, or creates and saves it. */
async function loadOrCreateAuthority(dir: string, stem: string, commonName: string): Promise<Authority> {
  const certPath = join(dir, `${stem}.pem`);
  const keyPath = join(dir, `${stem}-key.pem`);
  const [certPem, keyPem] = await Promise.all([readIfPresent(certPath), readIfPresent(keyPath)]);
  if (certPem !== undefined && keyPem !== undefined) {
    return { certPem, cert: new x509.X509Certificate(certPem), privateKey: await importPkcs8Pem(keyPem) };
  }
  const created = await createAuthority(commonName);
  // Key first: a CA certificate without its key on disk would be useless after a crash.
  await writeAtomic(keyPath, created.keyPem, 0o600);
  await writeAtomic(certPath, created.authority.certPem, 0o644);
  return created.authority;
}

export class CloudPki {
  readonly server: ServerTls;
  readonly #deviceCa: Authority;
  readonly #deviceCaNode: NodeX509;

  private constructor(server: ServerTls, deviceCa: Authority) {
    this.server = server;
    this.#deviceCa = deviceCa;
    this.#deviceCaNode = new NodeX509(deviceCa.certPem);
  }

  /**
   * Loads or creates both CAs in `dir`, and makes a fresh server certificate for this run, valid for `names`
   * (server-names.ts: localhost, the addresses the cloud listens on, and any names asked for, so that a
   * client verifies the host name it dialled).
   */
  static async open(dir: string, names: ServerNames = { dns: ['localhost'], ips: ['127.0.0.1'] }): Promise<CloudPki> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const [serverCa, deviceCa] = await Promise.all([
      loadOrCreateAuthority(dir, 'ca', 'tc-iot-device local cloud CA'),
      loadOrCreateAuthority(dir, 'device-ca', 'tc-iot-device local cloud device CA'),
    ]);
    const keys = await generateRsa();
    const leaf = await issueLeaf(serverCa, 'CN=localhost, O=tc-iot-device local cloud', keys, 'server', [
      ...names.dns.map((name) => ({ type: 'dns' as const, value: name })),
      ...names.ips.map((ip) => ({ type: 'ip' as const, value: ip })),
    ]);
    const caPath = join(dir, 'ca.pem');
    const server: ServerTls = {
      caPath,
      caPem: serverCa.certPem,
      chainPem: `${leaf.toString('pem')}\n${serverCa.certPem}`,
      keyPem: await pkcs8Pem(keys.privateKey),
      deviceCaPem: deviceCa.certPem,
    };
    return new CloudPki(server, deviceCa);
  }

  /** Issues a client certificate for a CERT-product device. */
  async issueClientCertificate(productId: string, deviceName: string): Promise<IssuedClientCertificate> {
    const keys = await generateRsa();
    const cert = await issueLeaf(this.#deviceCa, `CN=${productId}${deviceName}`, keys, 'client');
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    const keyPem = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs1', format: 'pem' }) as string;
    return { certPem: cert.toString('pem') + '\n', keyPem, fingerprint: fingerprintOfDer(Buffer.from(cert.rawData)) };
  }

  /** True when `der` is a certificate signed by the device CA (the TLS layer checks the chain too). */
  signedByDeviceCa(der: Buffer): boolean {
    try {
      const cert = new NodeX509(der);
      return cert.checkIssued(this.#deviceCaNode) && cert.verify(this.#deviceCaNode.publicKey);
    } catch {
      return false;
    }
  }
}

export function fingerprintOfDer(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}
