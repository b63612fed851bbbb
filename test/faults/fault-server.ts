/**
 * A server that misbehaves on purpose, in one of the ways a device meets in the field, either as the
 * registration gateway (HTTPS) or as the MQTT broker (TLS). Its certificate chain is made by openssl (an
 * independent tool): an RSA CA and a `localhost` / 127.0.0.1 server certificate with key identifiers, which
 * both node:tls and the fake Moddable SecureSocket accept.
 *
 * TLS is layered by hand over each accepted TCP socket, so a fault can also act below TLS: send a TLS alert
 * instead of a ServerHello, or reset the TCP connection in the middle of an answer. Every connection is
 * bounded: the server destroys anything still open when the case ends (close()), and the trickle and the
 * oversized answer stop by themselves.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { freePort } from '../support/free-port.js';

export const GATEWAY_FAULTS = ['refused', 'reset', 'tls-alert', 'stall', 'trickle', 'truncated', 'oversized', 'malformed-json', 'wrong-request-id', 'bad-ciphertext-length', 'http-5xx'] as const;
export const BROKER_FAULTS = ['refused', 'reset', 'tls-alert', 'stall', 'trickle', 'truncated', 'oversized', 'malformed-packet', 'connack-unavailable', 'drop-after-connack'] as const;
export type GatewayFault = typeof GATEWAY_FAULTS[number];
export type BrokerFault = typeof BROKER_FAULTS[number];

export interface FaultChain {
  caPem: string;
  caDer: Uint8Array;
  keyPem: string;
  chainPem: string;
}

function openssl(cwd: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A CA and a server certificate for localhost / 127.0.0.1 signed by it (openssl, RSA 2048). */
export function makeFaultChain(): FaultChain {
  const cwd = mkdtempSync(join(tmpdir(), 'fault-chain-'));
  try {
    openssl(cwd, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=fault matrix CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    openssl(cwd, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    writeFileSync(join(cwd, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    openssl(cwd, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
    const read = (name: string): string => readFileSync(join(cwd, name), 'utf8');
    const caPem = read('ca.pem');
    return { caPem, caDer: new Uint8Array(new X509Certificate(caPem).raw), keyPem: read('server.key'), chainPem: read('server.pem') + caPem };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** AES-128-CBC with Tencent's key (first 16 characters), IV of sixteen '0' and zero padding, as the cloud does. */
export function sealPayload(productSecret: string, plaintext: string): { payload: string; len: number } {
  const data = Buffer.from(plaintext, 'utf8');
  const padded = Buffer.concat([data, Buffer.alloc((16 - (data.length % 16)) % 16)]);
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(productSecret.slice(0, 16), 'latin1'), Buffer.from('0'.repeat(16), 'latin1'));
  cipher.setAutoPadding(false);
  return { payload: Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64'), len: data.length };
}

function httpAnswer(status: string, body: string): string {
  return `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** A fatal TLS alert record (handshake_failure, 40), TLS 1.2 framing: what a server sends to refuse a handshake. */
const TLS_ALERT = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);

export interface FaultServerOptions {
  chain: FaultChain;
  /** The key product whose secret seals the payloads the gateway faults send (a new secret, never to be stored). */
  productSecret: string;
  /** The secret those payloads carry: a test checks it is neither stored nor printed. */
  issuedSecret: string;
}

export class FaultServer {
  /** TCP connections accepted (each device attempt opens one). */
  connections = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  port = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** A port where nothing listens (bound, then released): connection refused. */
  static closedPort(): Promise<number> {
    return freePort();
  }

  static async gateway(fault: Exclude<GatewayFault, 'refused'>, options: FaultServerOptions): Promise<FaultServer> {
    return FaultServer.#start(fault === 'tls-alert', options, (tls, raw, owner) => {
      let request = Buffer.alloc(0);
      tls.on('data', (chunk: Buffer) => {
        request = Buffer.concat([request, chunk]);
        const head = request.indexOf('\r\n\r\n');
        if (head < 0) return;
        const length = Number(/content-length:\s*(\d+)/i.exec(request.subarray(0, head).toString('latin1'))?.[1] ?? 0);
        if (request.length < head + 4 + length) return;
        tls.removeAllListeners('data');
        owner.#answerGateway(fault, tls, raw, options);
      });
    });
  }

  static async broker(fault: Exclude<BrokerFault, 'refused'>, options: FaultServerOptions): Promise<FaultServer> {
    return FaultServer.#start(fault === 'tls-alert', options, (tls, raw, owner) => {
      tls.once('data', () => owner.#answerBroker(fault, tls, raw));
    });
  }

  static async #start(alert: boolean, options: FaultServerOptions, onTls: (tls: TLSSocket, raw: Socket, owner: FaultServer) => void): Promise<FaultServer> {
    let owner: FaultServer | undefined;
    const server = createServer((raw) => {
      const self = owner!;
      self.connections += 1;
      self.#sockets.add(raw);
      raw.on('error', () => undefined);
      raw.once('close', () => self.#sockets.delete(raw));
      if (alert) {
        raw.once('data', () => raw.end(TLS_ALERT));
        return;
      }
      const tls = new TLSSocket(raw, { isServer: true, key: options.chain.keyPem, cert: options.chain.chainPem });
      tls.on('error', () => undefined);
      tls.once('secure', () => onTls(tls, raw, self));
    });
    owner = new FaultServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    owner.port = (server.address() as AddressInfo).port;
    return owner;
  }

  #every(ms: number, step: () => boolean): void {
    const timer = setInterval(() => {
      if (!step()) {
        clearInterval(timer);
        this.#timers.delete(timer);
      }
    }, ms);
    this.#timers.add(timer);
  }

  /** Writes `chunk` every 5 ms while the client keeps reading, 1 MiB at most: the body of an oversized answer. */
  #pourFiller(tls: TLSSocket, chunk: string | Buffer): void {
    let sent = 0;
    this.#every(5, () => {
      if (tls.destroyed || sent >= 1024 * 1024) return false;
      tls.write(chunk);
      sent += chunk.length;
      return true;
    });
  }

  #answerGateway(fault: Exclude<GatewayFault, 'refused'>, tls: TLSSocket, raw: Socket, options: FaultServerOptions): void {
    const credential = JSON.stringify({ encryptionType: 2, psk: options.issuedSecret });
    const sealed = sealPayload(options.productSecret, credential);
    const v1Success = JSON.stringify({ code: 0, message: '', len: sealed.len, payload: sealed.payload });
    switch (fault) {
      case 'tls-alert':
        return; // answered below TLS, see #start
      case 'reset':
        // Half an answer, then a TCP reset (RST), as a crashed server or a middlebox produces.
        tls.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${v1Success.length}\r\n\r\n${v1Success.slice(0, 20)}`, () => raw.resetAndDestroy());
        return;
      case 'stall':
        return; // the request was read; no byte ever comes back
      case 'trickle': {
        // One byte every 100 ms of an answer that is valid but never ends (bounded at 30 s by the timer count).
        const endless = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ${'z'.repeat(400)}`;
        let at = 0;
        this.#every(100, () => {
          if (tls.destroyed || at >= endless.length) return false;
          tls.write(endless[at++]!);
          return true;
        });
        return;
      }
      case 'truncated':
        // Content-Length promises the whole success body; the connection ends cleanly half-way.
        tls.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${v1Success.length}\r\n\r\n${v1Success.slice(0, Math.floor(v1Success.length / 2))}`);
        return;
      case 'oversized': {
        // Announces 10 MB and sends up to 1 MiB of it while the client keeps reading.
        tls.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{"code":0,"message":"');
        this.#pourFiller(tls, 'a'.repeat(16 * 1024));
        return;
      }
      case 'malformed-json':
        tls.end(httpAnswer('200 OK', `{"code":0,"message":"","len":${sealed.len},"payload":"${sealed.payload}"`));
        return;
      case 'wrong-request-id':
        // API v2's success shape, whose RequestId is a number: not Tencent's answer.
        tls.end(httpAnswer('200 OK', JSON.stringify({ Response: { Len: sealed.len, Payload: sealed.payload, RequestId: 12345, State: 0 } })));
        return;
      case 'bad-ciphertext-length': {
        // 17 bytes of ciphertext: not a whole number of AES blocks.
        const cut = Buffer.from(sealed.payload, 'base64').subarray(0, 17).toString('base64');
        tls.end(httpAnswer('200 OK', JSON.stringify({ code: 0, message: '', len: 10, payload: cut })));
        return;
      }
      case 'http-5xx':
        tls.end(httpAnswer('503 Service Unavailable', '{"error":"maintenance"}'));
        return;
    }
  }

  #answerBroker(fault: Exclude<BrokerFault, 'refused'>, tls: TLSSocket, raw: Socket): void {
    switch (fault) {
      case 'tls-alert':
        return; // answered below TLS, see #start
      case 'reset':
        tls.write(Buffer.from([0x20]), () => raw.resetAndDestroy());
        return;
      case 'stall':
        return;
      case 'trickle': {
        // A CONNACK (accepted), one byte every 400 ms: longer in all than the client's login time-out.
        const connack = [0x20, 0x02, 0x00, 0x00];
        let at = 0;
        this.#every(400, () => {
          if (tls.destroyed || at >= connack.length) return false;
          tls.write(Buffer.from([connack[at++]!]));
          return true;
        });
        return;
      }
      case 'truncated':
        tls.end(Buffer.from([0x20, 0x02, 0x00]));
        return;
      case 'oversized': {
        // A packet announcing 256 MB, then filler while the client reads (bounded at 1 MiB).
        tls.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]));
        this.#pourFiller(tls, Buffer.alloc(16 * 1024, 0x41));
        return;
      }
      case 'malformed-packet':
        // A reserved packet type (0) with a bad length: no MQTT client may accept it.
        tls.end(Buffer.from([0x00, 0xff, 0xff, 0xff, 0xff, 0xff]));
        return;
      case 'connack-unavailable':
        tls.end(Buffer.from([0x20, 0x02, 0x00, 0x03]));
        return;
      case 'drop-after-connack':
        tls.write(Buffer.from([0x20, 0x02, 0x00, 0x00]), () => setTimeout(() => raw.destroy(), 50));
        return;
    }
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.clear();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
