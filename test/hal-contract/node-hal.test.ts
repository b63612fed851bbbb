/**
 * Runs every HAL contract case (contract.ts) against the Node HAL, with TLS endpoints served by node:tls
 * from certificates made by the machine's openssl (an independent tool) in a temp dir.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { createNodeHal } from '../../hal/node/index.js';
import { MAX_STORED_CREDENTIAL_BYTES } from '../../src/device/record.js';
import { halContractCases, type ContractEndpoint, type HalContractContext } from './contract.js';

function openssl(cwd: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A CA and a server certificate for localhost/127.0.0.1 signed by it (EC P-256: fast to make). */
function makeChain(cwd: string, prefix: string): { caPem: string; keyPem: string; certPem: string } {
  openssl(cwd, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${prefix}-ca.key`,
    '-out', `${prefix}-ca.pem`, '-days', '2', '-subj', `/CN=${prefix} contract CA`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl(cwd, 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${prefix}-server.key`,
    '-out', `${prefix}-server.csr`, '-subj', '/CN=localhost');
  writeFileSync(join(cwd, `${prefix}-ext.cnf`), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  openssl(cwd, 'x509', '-req', '-in', `${prefix}-server.csr`, '-CA', `${prefix}-ca.pem`, '-CAkey', `${prefix}-ca.key`, '-CAcreateserial',
    '-out', `${prefix}-server.pem`, '-days', '2', '-extfile', `${prefix}-ext.cnf`);
  const read = (name: string): string => readFileSync(join(cwd, name), 'utf8');
  return { caPem: read(`${prefix}-ca.pem`), keyPem: read(`${prefix}-server.key`), certPem: read(`${prefix}-server.pem`) };
}

async function serve(key: string, cert: string, onSocket: (socket: tls.TLSSocket) => void): Promise<{ server: tls.Server; endpoint: ContractEndpoint }> {
  const server = tls.createServer({ key, cert }, onSocket);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, endpoint: { host: '127.0.0.1', port, serverName: 'localhost' } };
}

const PLACEHOLDER_DEVICE_INFO = (authMode: 'KEY' | 'CERT', deviceName: string): string => JSON.stringify({
  auth_mode: authMode,
  productId: 'K7QW2ZP4XA',
  productSecret: 'mR4tQ8zLw2Vn6YpC1sHb9dKf',
  deviceName,
  region: 'china',
  key_deviceinfo: { deviceSecret: 'YOUR_IOT_PSK' },
  cert_deviceinfo: { devCertFile: 'YOUR_DEVICE_CERT_FILE_NAME', devPrivateKeyFile: 'YOUR_DEVICE_PRIVATE_KEY_FILE_NAME' },
}, null, 4);

describe('HAL contract: the Node HAL', function () {
  this.timeout(60000);
  const servers: tls.Server[] = [];
  let directory = '';
  let context: HalContractContext;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'hal-contract-'));
    const trusted = makeChain(directory, 'trusted');
    const other = makeChain(directory, 'other');
    // An RSA PKCS#1 key, the form Tencent issues.
    openssl(directory, 'genrsa', '-traditional', '-out', 'device.key', '2048');
    openssl(directory, 'req', '-x509', '-new', '-key', 'device.key', '-out', 'device.pem', '-days', '2', '-subj', '/CN=K7QW2ZP4XAcontract');
    const greeting = 'bye from the contract server\n';
    const echo = await serve(trusted.keyPem, trusted.certPem, (socket) => { socket.on('error', () => undefined); socket.pipe(socket); });
    const closing = await serve(trusted.keyPem, trusted.certPem, (socket) => { socket.on('error', () => undefined); socket.end(greeting); });
    const silent = await serve(trusted.keyPem, trusted.certPem, (socket) => { socket.on('error', () => undefined); });
    const untrusted = await serve(other.keyPem, other.certPem, (socket) => { socket.on('error', () => undefined); });
    servers.push(echo.server, closing.server, silent.server, untrusted.server);
    let counter = 0;
    context = {
      async freshHal(authMode) {
        counter += 1;
        const deviceDirectory = mkdtempSync(join(directory, `device-${counter}-`));
        const deviceName = `contract-${counter}`;
        const file = join(deviceDirectory, 'device_info.json');
        writeFileSync(file, PLACEHOLDER_DEVICE_INFO(authMode, deviceName));
        return { hal: createNodeHal({ storage: file, caPem: trusted.caPem }), productId: 'K7QW2ZP4XA', deviceName };
      },
      echo: echo.endpoint,
      closing: closing.endpoint,
      closingGreeting: greeting,
      silent: silent.endpoint,
      untrusted: untrusted.endpoint,
      sampleCertificatePem: readFileSync(join(directory, 'device.pem'), 'utf8'),
      samplePrivateKeyPem: readFileSync(join(directory, 'device.key'), 'utf8'),
      maxStoredCredentialBytes: MAX_STORED_CREDENTIAL_BYTES,
    };
  });

  after(() => {
    for (const server of servers) server.close();
    if (directory !== '') rmSync(directory, { recursive: true, force: true });
  });

  for (const contractCase of halContractCases) {
    it(contractCase.name, () => contractCase.run(context));
  }
});
