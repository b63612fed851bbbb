/**
 * The server side of the HAL contract suite (contract.ts), shared by every runner: the Node HAL
 * (node-hal.test.ts), the Moddable HAL on xsnap (test/device/hal-contract-xs.test.ts) and the Moddable
 * simulator (test/moddable/).
 *
 *   const servers = await startContractServers();
 *   // … servers.endpoints, caPem / caDer, samples and accepted() go into the runner's HalContractContext …
 *   await servers.close();
 *
 * Certificates are made by the machine's openssl (an independent tool) in a temp dir that is removed before
 * this returns. RSA-2048, not EC: Moddable's TLS offers only RSA/DHE_RSA key exchange. Each server sends its
 * chain (leaf and CA) and its leaf carries a SAN for localhost/127.0.0.1 and key identifiers — what Moddable's
 * TLS needs to verify it. Every endpoint listens on 127.0.0.1 and names itself 'localhost'.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import type { ContractEndpoint } from './contract.js';
import { freePort } from '../support/free-port.js';

export type { ContractEndpoint };

export interface ContractEndpoints {
  /** Echoes every byte back. */
  echo: ContractEndpoint;
  /** Sends the ASCII bytes of CLOSING_GREETING, then ends the stream cleanly. */
  closing: ContractEndpoint;
  /** Completes the handshake, then never sends anything (but reads and discards what it gets). */
  silent: ContractEndpoint;
  /** Completes the handshake, then never reads: writes to it pile up until every buffer is full. */
  sink: ContractEndpoint;
  /** Accepts the TCP connection and then says nothing: the TLS handshake never completes. */
  mute: ContractEndpoint;
  /** Resets the connection (TCP RST, no TLS close) as soon as it receives a byte. */
  reset: ContractEndpoint;
  /** Certificate chained to a CA the HAL does not trust (a second, separate CA). */
  untrusted: ContractEndpoint;
  /** A port on 127.0.0.1 where nothing listens (a connection is refused). */
  closedPort: ContractEndpoint;
}

export interface ContractServers {
  endpoints: ContractEndpoints;
  /** What `closing` sends before it ends the stream. */
  closingGreeting: string;
  /** The CA every endpoint except `untrusted` chains to: PEM, and the same certificate as DER. */
  caPem: string;
  caDer: Uint8Array;
  /**
   * Two different self-signed certificates (PEM), each with its RSA PKCS#1 private key (PEM, the form Tencent
   * issues), for the storage cases.
   */
  samples: readonly [SamplePair, SamplePair];
  /** TCP connections the endpoints have accepted so far (all endpoints together). */
  accepted(): number;
  /** Stops every server and drops every connection. Idempotent. */
  close(): Promise<void>;
}

export interface SamplePair {
  certificatePem: string;
  privateKeyPem: string;
}

export const CLOSING_GREETING = 'bye from the contract server\n';

function openssl(cwd: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A CA and a localhost server certificate it signed; `chainPem` is the leaf followed by the CA. */
function makeChain(cwd: string, prefix: string): { caPem: string; keyPem: string; chainPem: string } {
  openssl(cwd, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${prefix}-ca.key`, '-out', `${prefix}-ca.pem`,
    '-days', '2', '-subj', `/CN=${prefix} HAL contract CA`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl(cwd, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${prefix}-server.key`, '-out', `${prefix}-server.csr`, '-subj', '/CN=localhost');
  writeFileSync(join(cwd, `${prefix}-ext.cnf`), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  openssl(cwd, 'x509', '-req', '-in', `${prefix}-server.csr`, '-CA', `${prefix}-ca.pem`, '-CAkey', `${prefix}-ca.key`, '-CAcreateserial',
    '-out', `${prefix}-server.pem`, '-days', '2', '-extfile', `${prefix}-ext.cnf`);
  const read = (name: string): string => readFileSync(join(cwd, name), 'utf8');
  return { caPem: read(`${prefix}-ca.pem`), keyPem: read(`${prefix}-server.key`), chainPem: read(`${prefix}-server.pem`) + read(`${prefix}-ca.pem`) };
}

function makeSample(cwd: string, name: string): SamplePair {
  openssl(cwd, 'genrsa', '-traditional', '-out', `${name}.key`, '2048');
  openssl(cwd, 'req', '-x509', '-new', '-key', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=K7QW2ZP4XA${name}`);
  return { certificatePem: readFileSync(join(cwd, `${name}.pem`), 'utf8'), privateKeyPem: readFileSync(join(cwd, `${name}.key`), 'utf8') };
}

export async function startContractServers(): Promise<ContractServers> {
  const directory = mkdtempSync(join(tmpdir(), 'hal-contract-servers-'));
  let trusted: ReturnType<typeof makeChain>;
  let other: ReturnType<typeof makeChain>;
  let samples: ContractServers['samples'];
  try {
    trusted = makeChain(directory, 'trusted');
    other = makeChain(directory, 'other');
    samples = [makeSample(directory, 'device1'), makeSample(directory, 'device2')];
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }

  const servers: tls.Server[] = [];
  const netServers: Server[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const serve = async (chain: { keyPem: string; chainPem: string }, onSocket: (socket: tls.TLSSocket) => void): Promise<ContractEndpoint> => {
    const server = tls.createServer({ key: chain.keyPem, cert: chain.chainPem }, (socket) => {
      socket.on('error', () => undefined);
      onSocket(socket);
    });
    server.on('connection', (socket: Socket) => {
      accepted += 1;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('tlsClientError', () => undefined);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { host: '127.0.0.1', port: (server.address() as AddressInfo).port, serverName: 'localhost' };
  };

  /** TLS over a plain TCP server, so that the TCP socket itself can be reset (a TLSSocket cannot). */
  const serveReset = async (chain: { keyPem: string; chainPem: string }): Promise<ContractEndpoint> => {
    const server = createNetServer((raw) => {
      accepted += 1;
      sockets.add(raw);
      raw.on('close', () => sockets.delete(raw));
      raw.on('error', () => undefined);
      const secure = new tls.TLSSocket(raw, { isServer: true, key: chain.keyPem, cert: chain.chainPem });
      secure.on('error', () => undefined);
      secure.once('data', () => raw.resetAndDestroy());
    });
    netServers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { host: '127.0.0.1', port: (server.address() as AddressInfo).port, serverName: 'localhost' };
  };

  const serveMute = async (): Promise<ContractEndpoint> => {
    const server = createNetServer((raw) => {
      accepted += 1;
      sockets.add(raw);
      raw.on('close', () => sockets.delete(raw));
      raw.on('error', () => undefined);
      raw.resume();
    });
    netServers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { host: '127.0.0.1', port: (server.address() as AddressInfo).port, serverName: 'localhost' };
  };

  const endpoints: ContractEndpoints = {
    echo: await serve(trusted, (socket) => socket.pipe(socket)),
    closing: await serve(trusted, (socket) => socket.end(CLOSING_GREETING)),
    silent: await serve(trusted, (socket) => socket.resume()),
    // A paused TLS socket stops reading from TCP once its own small buffer is full (net's readStop).
    sink: await serve(trusted, (socket) => socket.pause()),
    mute: await serveMute(),
    reset: await serveReset(trusted),
    untrusted: await serve(other, () => undefined),
    closedPort: { host: '127.0.0.1', port: await freePort(), serverName: 'localhost' },
  };

  let closed = false;
  return {
    endpoints,
    closingGreeting: CLOSING_GREETING,
    caPem: trusted.caPem,
    caDer: new Uint8Array(new X509Certificate(trusted.caPem).raw),
    samples,
    accepted: () => accepted,
    async close() {
      if (closed) return;
      closed = true;
      for (const socket of sockets) socket.destroy();
      await Promise.all([...servers, ...netServers].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}
