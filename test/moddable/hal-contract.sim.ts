/**
 * The whole HAL contract suite (test/hal-contract/contract.ts) on Moddable's own runtime: an app on the library
 * manifest (test/moddable/contract-app) built by the real mcconfig and run by mcsim runs every case against
 * createModdableHal — storage through the platform module (files), the real SecureSocket to TLS endpoints
 * served here on loopback (RSA chains, as Moddable's TLS needs), the real Timer, clock and native random.
 * The app reports one trace line per case; each case here asserts its line.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import type { ModdableSdk } from '../../scripts/moddable-sdk.js';
import type { ContractEndpoint } from '../hal-contract/contract.js';
import { halContractCases } from '../hal-contract/contract.js';
import { makeCertCredential } from '../device/fixtures.js';
import { leafSignedBy, newCaDir } from './certs.js';
import { writeLibraryApp } from './library-app.js';
import { buildFirmware, REPO_ROOT, simulatorSdk, startSimulator } from './simulator.js';

/** What the contract's TLS cases need from the test side (the shape a shared servers module can give too). */
interface ContractEndpoints {
  echo: ContractEndpoint;
  closing: ContractEndpoint;
  closingGreeting: string;
  silent: ContractEndpoint;
  untrusted: ContractEndpoint;
  /** The CA that vouches for echo, closing and silent (not for untrusted). */
  trustedCaPem: string;
  sampleCertificatePem: string;
  samplePrivateKeyPem: string;
  close(): Promise<void>;
}

/**
 * The contract's TLS endpoints on loopback: echo, closing (a greeting, then a clean close), silent, and one
 * whose chain leads to another CA. Each sends leaf and CA and carries SAN and key identifiers (Moddable's TLS
 * verifies nothing else); openssl makes the certificates, node:tls serves them.
 */
async function startContractEndpoints(work: string): Promise<ContractEndpoints> {
  const trustedCa = newCaDir(work, 'contract trusted CA');
  const otherCa = newCaDir(work, 'contract other CA');
  const trusted = leafSignedBy(trustedCa, 'localhost');
  const other = leafSignedBy(otherCa, 'localhost');
  const servers: tls.Server[] = [];
  const sockets = new Set<tls.TLSSocket>();
  const serve = async (chain: { keyPem: string; chainPem: string }, onSocket: (socket: tls.TLSSocket) => void): Promise<ContractEndpoint> => {
    const server = tls.createServer({ key: chain.keyPem, cert: chain.chainPem }, (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      onSocket(socket);
    });
    server.on('tlsClientError', () => undefined);
    servers.push(server);
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
    return { host: '127.0.0.1', port: (server.address() as AddressInfo).port, serverName: 'localhost' };
  };
  const closingGreeting = 'bye from the contract server\n';
  const sample = makeCertCredential('K7QW2ZP4XAcontract');
  return {
    echo: await serve(trusted, (socket) => socket.pipe(socket)),
    closing: await serve(trusted, (socket) => socket.end(closingGreeting)),
    closingGreeting,
    silent: await serve(trusted, (socket) => socket.resume()),
    untrusted: await serve(other, (socket) => socket.resume()),
    trustedCaPem: readFileSync(join(trustedCa, 'ca.pem'), 'utf8'),
    sampleCertificatePem: sample.certificatePem,
    samplePrivateKeyPem: sample.privateKeyPem,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise<void>((resolveClose) => server.close(() => resolveClose()))));
    },
  };
}

/** The app's config (mcconfig `key=value`): endpoints, and host files for what does not fit a value well. */
function appConfig(endpoints: ContractEndpoints, work: string, flashDir: string): Record<string, string> {
  const file = (name: string, text: string): string => {
    const path = join(work, name);
    writeFileSync(path, text);
    return path;
  };
  const config: Record<string, string> = {
    serverName: endpoints.echo.serverName,
    closingGreeting: endpoints.closingGreeting,
    caFile: file('contract-ca.pem', endpoints.trustedCaPem),
    certificatePemFile: file('sample-cert.pem', endpoints.sampleCertificatePem),
    privateKeyPemFile: file('sample-key.pem', endpoints.samplePrivateKeyPem),
    flashDir: `${flashDir}/`,
  };
  for (const name of ['echo', 'closing', 'silent', 'untrusted'] as const) {
    config[`${name}Host`] = endpoints[name].host;
    config[`${name}Port`] = String(endpoints[name].port);
  }
  return config;
}

describe("HAL contract: the Moddable HAL on Moddable's simulator (mcconfig -p lin, mcsim)", function () {
  this.timeout(900_000);
  let sdk: ModdableSdk;
  let work: string;
  let endpoints: ContractEndpoints | undefined;
  let lines: string[] = [];
  const results = new Map<string, string>();

  before(async () => {
    sdk = await simulatorSdk();
    work = mkdtempSync(join(tmpdir(), 'tc-iot-contract-app-'));
    const flashDir = join(work, 'flash');
    mkdirSync(flashDir);
    endpoints = await startContractEndpoints(work);
    const manifest = await writeLibraryApp(work, 'contract-app', join(REPO_ROOT, 'test/moddable/contract-app/entry.ts'));
    const mcSo = await buildFirmware(sdk, 'contract-app', appConfig(endpoints, work, flashDir), manifest);
    const simulator = await startSimulator(sdk, mcSo);
    try {
      await simulator.trace.waitFor(/^contract-app done$/, 600_000);
      lines = simulator.trace.lines;
      assert.deepEqual(simulator.trace.breaks, []);
    } finally {
      await simulator.stop();
    }
    for (const line of lines) {
      const match = /^contract (.+): (ok|FAIL.*)$/.exec(line);
      if (match) results.set(match[1]!, match[2]!);
    }
  });

  after(async () => {
    await endpoints?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the app ran every case of the suite, and nothing failed outside a case', () => {
    assert.deepEqual(lines.filter((line) => line.startsWith('contract-app: FAIL')), []);
    assert.ok(lines.includes(`contract cases ${halContractCases.length}`), lines.join('\n'));
    assert.equal(results.size, halContractCases.length, lines.join('\n'));
  });

  for (const contractCase of halContractCases) {
    it(contractCase.name, () => {
      assert.equal(results.get(contractCase.name), 'ok');
    });
  }
});
