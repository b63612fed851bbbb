/**
 * The whole HAL contract suite (test/hal-contract/contract.ts) on Moddable's own runtime: an app on the library
 * manifest (test/moddable/contract-app) built by the real mcconfig and run by mcsim runs every case against
 * createModdableHal — storage through the platform module (files), the real SecureSocket to TLS endpoints
 * served by test/hal-contract/servers.ts (as for the Node and xsnap runners), the real Timer, clock and native
 * random.
 * The app reports one trace line per case; each case here asserts its line.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import type { ModdableSdk } from '../../scripts/moddable-sdk.js';
import { halContractCases } from '../hal-contract/contract.js';
import { startContractServers, type ContractServers } from '../hal-contract/servers.js';
import { leafSignedBy, newCaDir } from './certs.js';
import { writeLibraryApp } from './library-app.js';
import { buildFirmware, REPO_ROOT, runToEnd, simulatorSdk } from './simulator.js';

/**
 * More than every buffer between the app and the sink holds. On Linux the simulator's SecureSocket throws
 * "write failed" at the first partial send() (modSocket.c), so the write fails long before this many bytes.
 */
const SIMULATOR_SINK_FILL_BYTES = 8 * 1024 * 1024;

/**
 * The app cannot see the host's servers, so it asks: a TLS endpoint (not one of the counted ones) that answers
 * every connection with the number of connections the contract endpoints accepted so far, in ASCII, then ends.
 */
async function startCountServer(work: string, servers: ContractServers): Promise<{ port: number; caPem: string; close(): Promise<void> }> {
  const ca = newCaDir(work, 'contract count CA');
  const leaf = leafSignedBy(ca, 'localhost');
  const server = tls.createServer({ key: leaf.keyPem, cert: leaf.chainPem }, (socket) => {
    socket.on('error', () => undefined);
    socket.end(String(servers.accepted()));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
  return {
    port: (server.address() as AddressInfo).port,
    caPem: readFileSync(join(ca, 'ca.pem'), 'utf8'),
    close: () => new Promise<void>((resolveClose) => server.close(() => resolveClose())),
  };
}

/** The app's config (mcconfig `key=value`): endpoints, and host files for what does not fit a value well. */
function appConfig(servers: ContractServers, count: { port: number; caPem: string }, work: string, flashDir: string): Record<string, string> {
  const file = (name: string, text: string): string => {
    const path = join(work, name);
    writeFileSync(path, text);
    return path;
  };
  const config: Record<string, string> = {
    serverName: servers.endpoints.echo.serverName,
    closingGreeting: servers.closingGreeting,
    caFile: file('contract-ca.pem', servers.caPem),
    countCaFile: file('count-ca.pem', count.caPem),
    countHost: '127.0.0.1',
    countPort: String(count.port),
    sinkFillBytes: String(SIMULATOR_SINK_FILL_BYTES),
    certificatePemFile: file('sample-cert.pem', servers.samples[0].certificatePem),
    privateKeyPemFile: file('sample-key.pem', servers.samples[0].privateKeyPem),
    otherCertificatePemFile: file('other-cert.pem', servers.samples[1].certificatePem),
    otherPrivateKeyPemFile: file('other-key.pem', servers.samples[1].privateKeyPem),
    flashDir: `${flashDir}/`,
  };
  for (const [name, endpoint] of Object.entries(servers.endpoints)) {
    config[`${name}Host`] = endpoint.host;
    config[`${name}Port`] = String(endpoint.port);
  }
  return config;
}

describe("HAL contract: the Moddable HAL on Moddable's simulator (mcconfig -p lin, mcsim)", function () {
  this.timeout(900_000);
  let sdk: ModdableSdk;
  let work: string;
  let servers: ContractServers | undefined;
  let count: { close(): Promise<void> } | undefined;
  let lines: string[] = [];
  const results = new Map<string, string>();

  before(async () => {
    sdk = await simulatorSdk();
    work = mkdtempSync(join(tmpdir(), 'tc-iot-contract-app-'));
    const flashDir = join(work, 'flash');
    mkdirSync(flashDir);
    servers = await startContractServers();
    const counter = await startCountServer(work, servers);
    count = counter;
    const manifest = await writeLibraryApp(work, 'contract-app', join(REPO_ROOT, 'test/moddable/contract-app/entry.ts'));
    const mcSo = await buildFirmware(sdk, 'contract-app', appConfig(servers, counter, work, flashDir), manifest);
    lines = await runToEnd(sdk, mcSo, /^contract-app done$/, 600_000);
    for (const line of lines) {
      const match = /^contract (.+): (ok|FAIL.*)$/.exec(line);
      if (match) results.set(match[1]!, match[2]!);
    }
  });

  after(async () => {
    await count?.close();
    await servers?.close();
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
