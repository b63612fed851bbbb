/**
 * The portable HAL contract suite (test/hal-contract/contract.ts) run INSIDE the XS engine against the
 * Moddable HAL of the device build (dist/device/tc-iot-device.js): storage over the fake NVS, and TLS through
 * the fake SecureSocket to node:tls servers made here with openssl (an independent tool).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { halContractCases } from '../hal-contract/contract.js';
import { DEVICE_LIBRARY, REPO_ROOT, bundleForXs } from './device-bundle.js';
import { DeviceHost } from './device-host.js';
import { makeCertCredential } from './fixtures.js';

function openssl(cwd: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/**
 * A CA and a localhost server certificate it signed, with SAN and key identifiers (what Moddable's TLS wants).
 * RSA, not EC: Moddable's TLS offers only RSA/DHE_RSA key exchange (the fake SecureSocket offers the same).
 */
function makeChain(cwd: string, prefix: string): { caPem: string; keyPem: string; chainPem: string } {
  openssl(cwd, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${prefix}-ca.key`, '-out', `${prefix}-ca.pem`,
    '-days', '2', '-subj', `/CN=${prefix} device contract CA`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl(cwd, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${prefix}-server.key`, '-out', `${prefix}-server.csr`, '-subj', '/CN=localhost');
  writeFileSync(join(cwd, `${prefix}-ext.cnf`), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  openssl(cwd, 'x509', '-req', '-in', `${prefix}-server.csr`, '-CA', `${prefix}-ca.pem`, '-CAkey', `${prefix}-ca.key`, '-CAcreateserial',
    '-out', `${prefix}-server.pem`, '-days', '2', '-extfile', `${prefix}-ext.cnf`);
  const read = (name: string): string => readFileSync(join(cwd, name), 'utf8');
  return { caPem: read(`${prefix}-ca.pem`), keyPem: read(`${prefix}-server.key`), chainPem: read(`${prefix}-server.pem`) + read(`${prefix}-ca.pem`) };
}

async function serve(key: string, cert: string, onSocket: (socket: tls.TLSSocket) => void): Promise<{ server: tls.Server; endpoint: { host: string; port: number; serverName: string } }> {
  const server = tls.createServer({ key, cert }, (socket) => {
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: { host: '127.0.0.1', port: (server.address() as AddressInfo).port, serverName: 'localhost' } };
}

const ENTRY = `
import { halContractCases } from ${JSON.stringify(join(REPO_ROOT, 'test/hal-contract/contract.ts'))};
import * as library from ${JSON.stringify(DEVICE_LIBRARY)};
let halCount = 0;
globalThis.__contract = {
  async run(name) {
    const boot = globalThis.__fakeBridge.boot.config.contract;
    const context = {
      async freshHal(authMode) {
        halCount += 1;
        // A fresh, separate store: its own NVS domain (at most 15 characters).
        const storage = new library.PreferenceStorage({ domain: 'contract' + halCount });
        const hal = library.createModdableHal({ storage, ca: library.loadDerResource('contract-ca.der'), logLevel: 'debug', write: () => undefined });
        return { hal, productId: 'K7QW2ZP4XA', deviceName: 'contract-' + halCount + '-' + authMode.toLowerCase() };
      },
      echo: boot.echo, closing: boot.closing, closingGreeting: boot.closingGreeting, silent: boot.silent, untrusted: boot.untrusted,
      sampleCertificatePem: boot.certificatePem, samplePrivateKeyPem: boot.privateKeyPem, maxStoredCredentialBytes: 4000,
    };
    const found = halContractCases.find((item) => item.name === name);
    if (found === undefined) throw new Error('no such case: ' + name);
    await found.run(context);
    return 'passed';
  },
};
`;

describe('HAL contract: the Moddable HAL on XS', function () {
  this.timeout(60_000);
  const servers: tls.Server[] = [];
  let directory = '';
  let device: DeviceHost;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'device-contract-'));
    const trusted = makeChain(directory, 'trusted');
    const other = makeChain(directory, 'other');
    const greeting = 'bye from the contract server\n';
    const echo = await serve(trusted.keyPem, trusted.chainPem, (socket) => socket.pipe(socket));
    const closing = await serve(trusted.keyPem, trusted.chainPem, (socket) => socket.end(greeting));
    const silent = await serve(trusted.keyPem, trusted.chainPem, () => undefined);
    const untrusted = await serve(other.keyPem, other.chainPem, () => undefined);
    servers.push(echo.server, closing.server, silent.server, untrusted.server);
    const sample = makeCertCredential('K7QW2ZP4XAcontract');
    device = await DeviceHost.boot(await bundleForXs(ENTRY), {
      clock: 'synced',
      resources: { 'contract-ca.der': new Uint8Array(new X509Certificate(trusted.caPem).raw) },
      config: {
        contract: {
          echo: echo.endpoint, closing: closing.endpoint, closingGreeting: greeting, silent: silent.endpoint, untrusted: untrusted.endpoint,
          certificatePem: sample.certificatePem, privateKeyPem: sample.privateKeyPem,
        },
      },
    });
  });

  after(async () => {
    await device?.close();
    for (const server of servers) server.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  for (const contractCase of halContractCases) {
    it(contractCase.name, async () => {
      assert.equal(await device.call(`__contract.run(${JSON.stringify(contractCase.name)})`), 'passed');
      assert.deepEqual(device.uncaught, []);
    });
  }
});
