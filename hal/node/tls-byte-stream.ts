/**
 * The Node HAL's transport: a verified TLS byte stream over node:tls, with the pull-style `read` the core's
 * runner wants (hal.ts `ByteStream`). Verification is never switched off: the server name is sent as SNI
 * and checked by Node's default checkServerIdentity against the certificate's SAN.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import { IotError } from '../../src/errors.js';
import type { ByteStream, ConnectOptions } from '../hal.js';
import { iotErrorFromNode } from './node-errors.js';
import { caPemFor } from './trust-anchors.js';

/** Above this many unread bytes the socket is paused, so a fast peer cannot fill the host's memory. */
const HIGH_WATER_BYTES = 64 * 1024;

interface PendingRead {
  resolve: (chunk: Uint8Array | undefined) => void;
  reject: (error: IotError) => void;
  timer: NodeJS.Timeout;
}

interface PendingWrite {
  resolve: () => void;
  reject: (error: IotError) => void;
  /** Unset for an empty write, which only waits for the writes before it (writes settle in call order). */
  timer: NodeJS.Timeout | undefined;
}

class TlsByteStream implements ByteStream {
  readonly #socket: tls.TLSSocket;
  readonly #endpoint: string;
  readonly #timeoutMs: number;
  readonly #chunks: Uint8Array[] = [];
  #queuedBytes = 0;
  #ended = false;
  #failure: IotError | undefined;
  #closedByUs = false;
  #waiter: PendingRead | undefined;
  /** Writes node has not flushed yet, oldest first (node calls their callbacks in this order). */
  readonly #writes: PendingWrite[] = [];

  constructor(socket: tls.TLSSocket, endpoint: string, timeoutMs: number) {
    this.#socket = socket;
    this.#endpoint = endpoint;
    this.#timeoutMs = timeoutMs;
    socket.on('data', (data: Buffer) => this.#onData(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    socket.on('end', () => this.#onEnd());
    socket.on('close', () => this.#onEnd());
    socket.on('error', (error: Error) => this.#onError(iotErrorFromNode(error, endpoint)));
  }

  #onData(chunk: Uint8Array): void {
    if (this.#waiter !== undefined) {
      this.#settle().resolve(chunk);
      return;
    }
    this.#chunks.push(chunk);
    this.#queuedBytes += chunk.byteLength;
    if (this.#queuedBytes > HIGH_WATER_BYTES) this.#socket.pause();
  }

  #onEnd(): void {
    if (this.#failure !== undefined) return;
    this.#ended = true;
    if (this.#waiter !== undefined && this.#chunks.length === 0) this.#settle().resolve(undefined);
  }

  #onError(error: IotError): void {
    // Data already received stays readable; the failure shows once it is drained. A failure after a clean
    // end of stream changes nothing for the reader.
    if (this.#ended) return;
    this.#failure ??= error;
    if (this.#waiter !== undefined && this.#chunks.length === 0) this.#settle().reject(error);
  }

  #settle(): PendingRead {
    const waiter = this.#waiter!;
    this.#waiter = undefined;
    clearTimeout(waiter.timer);
    return waiter;
  }

  /** Rejects every pending write with `error` (node would report them as "destroyed", without a code). */
  #failWrites(error: IotError): void {
    for (const pending of this.#writes.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }

  #isOpen(): boolean {
    return !this.#closedByUs && !this.#ended && this.#failure === undefined && !this.#socket.destroyed && this.#socket.writable;
  }

  write(data: Uint8Array): Promise<void> {
    if (!this.#isOpen()) return Promise.reject(new IotError('transport', `cannot write to ${this.#endpoint}: the connection is closed`));
    if (data.byteLength === 0) {
      if (this.#writes.length === 0) return Promise.resolve();
      return new Promise((resolve, reject) => { this.#writes.push({ resolve, reject, timer: undefined }); });
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // The peer took none of the rest within the limit: the stream fails as a timed-out read does.
        const error = new IotError('timeout', `could not send ${data.byteLength} bytes to ${this.#endpoint} within ${this.#timeoutMs} ms (the peer reads nothing)`);
        this.#failure ??= error;
        this.#failWrites(error);
        this.#socket.destroy();
        if (this.#waiter !== undefined) this.#settle().reject(error);
      }, this.#timeoutMs);
      const pending: PendingWrite = { resolve, reject, timer };
      this.#writes.push(pending);
      // A copy: node keeps what it is given until it is flushed, and the caller may reuse `data` at once.
      this.#socket.write(Buffer.from(data), (error) => {
        const index = this.#writes.indexOf(pending);
        if (index < 0) return; // Already failed by a timeout or close.
        this.#writes.splice(index, 1);
        clearTimeout(timer);
        if (error) {
          reject(this.#closedByUs ? new IotError('transport', `the connection to ${this.#endpoint} was closed before the data was sent`) : iotErrorFromNode(error, this.#endpoint));
          return;
        }
        resolve();
        // Empty writes made after this one, before the next real one, settle now, in order.
        while (this.#writes.length > 0 && this.#writes[0]!.timer === undefined) this.#writes.shift()!.resolve();
      });
    });
  }

  read(): Promise<Uint8Array | undefined> {
    if (this.#waiter !== undefined) return Promise.reject(new IotError('bad-input', 'ByteStream.read called while another read is pending'));
    const chunk = this.#chunks.shift();
    if (chunk !== undefined) {
      this.#queuedBytes -= chunk.byteLength;
      if (this.#queuedBytes <= HIGH_WATER_BYTES && this.#socket.isPaused()) this.#socket.resume();
      return Promise.resolve(chunk);
    }
    if (this.#closedByUs || this.#ended) return Promise.resolve(undefined);
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        const error = new IotError('timeout', `no data from ${this.#endpoint} within ${this.#timeoutMs} ms`);
        this.#failure ??= error;
        this.#failWrites(error);
        this.#socket.destroy();
        reject(error);
      }, this.#timeoutMs);
      this.#waiter = { resolve, reject, timer };
    });
  }

  close(): void {
    this.#closedByUs = true;
    this.#failWrites(new IotError('transport', `the connection to ${this.#endpoint} was closed before the data was sent`));
    this.#socket.destroy();
    if (this.#waiter !== undefined) this.#settle().resolve(undefined);
  }
}

/** PEM texts for node:tls from the HAL's DER inputs (Node's TLS options take PEM or KeyObjects). */
function clientIdentity(options: ConnectOptions): { cert?: string; key?: string } {
  if (options.clientCertificate === undefined && options.clientKey === undefined) return {};
  if (options.clientCertificate === undefined || options.clientKey === undefined) {
    throw new IotError('bad-input', 'a client certificate needs both the certificate and its private key');
  }
  try {
    const cert = new X509Certificate(options.clientCertificate).toString();
    const key = createPrivateKey({ key: Buffer.from(options.clientKey), format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString();
    return { cert, key };
  } catch (error) {
    throw new IotError('bad-input', 'the client certificate or private key is not valid DER (certificate, PKCS#8 key)', { cause: error });
  }
}

/**
 * Opens a TLS connection and resolves once the handshake and verification succeeded.
 * Rejects with 'tls' (verification/handshake), 'transport' (refused, reset, DNS) or 'timeout'.
 */
export function connectTls(options: ConnectOptions, configuredCaPem?: string): Promise<ByteStream> {
  const endpoint = `${options.host}:${options.port}`;
  return new Promise((resolve, reject) => {
    let identity: { cert?: string; key?: string };
    try {
      identity = clientIdentity(options);
    } catch (error) {
      reject(error);
      return;
    }
    const socket = tls.connect({
      host: options.host,
      port: options.port,
      // RFC 6066 forbids an IP literal as SNI; without it Node checks the IP against the SAN instead.
      ...(isIP(options.serverName) === 0 ? { servername: options.serverName } : {}),
      ca: caPemFor(options.trust, configuredCaPem),
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...identity,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new IotError('timeout', `no TLS connection to ${endpoint} within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    const onError = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(iotErrorFromNode(error, endpoint));
    };
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(new TlsByteStream(socket, endpoint, options.timeoutMs));
    });
  });
}
