/**
 * A verified TLS byte stream (hal.ts `ByteStream`) over Moddable's `SecureSocket`.
 *
 * SecureSocket reports through one callback: 1 = connected (handshake done), 2 = readable (value = bytes),
 * 3 = writable, -1 = closed by the peer, -2 = error. A failed handshake (bad certificate, wrong name, clock
 * not set) arrives only as -2 before 1, with no reason, so it becomes `tls`; -1 before 1 (the peer hung up
 * during connect) becomes `transport`. Timeouts come from `Timer`, as the platform has no setTimeout.
 */
import SecureSocket from 'securesocket';
import Timer from 'timer';
import type { ByteStream } from '../hal.js';
import { IotError } from '../../src/errors.js';

export interface SecureStreamOptions {
  host: string;
  port: number;
  serverName: string;
  /** The one trusted CA, DER (an ArrayBuffer or a Resource). */
  ca: ArrayBuffer;
  /** Client certificate DER and PKCS#8 key DER, for mutual TLS. */
  clientCertificate?: Uint8Array | undefined;
  clientKey?: Uint8Array | undefined;
  /** Connect + handshake limit, and then the limit for each read and each write. */
  timeoutMs: number;
}

type Waiter = { resolve: (value: Uint8Array | undefined) => void; reject: (error: IotError) => void; timer: Timer | undefined };
/** A write not yet wholly handed to the socket; `timer` is its deadline (hal.ts: settle within timeoutMs). */
type PendingWrite = { bytes: Uint8Array; offset: number; resolve: () => void; reject: (error: IotError) => void; timer: Timer | undefined };

/**
 * SecureSocket.write takes at most what the socket has room for, less 128 bytes of TLS overhead, and throws
 * "can't write all data" beyond (modsecuresocket.c); `write()` with no argument says how much that is. On the
 * simulator it is 896 (a 1024-byte socket buffer), on an ESP32 lwIP's send buffer less 128, and 0 until the
 * socket reports message 3 (writable) after a full buffer.
 */
type SocketWithRoom = { write(...data: ArrayBuffer[]): number | undefined };

/** The `secure` dictionary SecureSocket takes: TLS 1.2, one CA, SNI + host check, optional client identity. */
export function secureDictionary(options: Pick<SecureStreamOptions, 'ca' | 'serverName' | 'clientCertificate' | 'clientKey'>): Record<string, unknown> {
  const secure: Record<string, unknown> = { protocolVersion: 0x303, certificate: options.ca, serverName: options.serverName };
  if (options.clientCertificate !== undefined && options.clientKey !== undefined) {
    secure.clientCertificates = [toArrayBuffer(options.clientCertificate)];
    secure.clientKey = toArrayBuffer(options.clientKey);
  }
  return secure;
}

/**
 * What a throw from the SecureSocket constructor means. The constructor registers the CA and date-checks it
 * against `Date.now()` (modules/crypt/ssl/ssl_cert.js: "date validation failed"): a clock not set, or a CA
 * out of its validity, fails there — synchronously, before any connection — not in the handshake.
 */
export function socketStartError(error: unknown, what: string): IotError {
  const message = error instanceof Error ? error.message : String(error);
  if (/date validation/i.test(message)) {
    return new IotError('tls', `the trusted CA is not valid at the device time (${new Date(Date.now()).toISOString()}): check the clock (SNTP) and the CA`, { cause: error });
  }
  return new IotError('transport', `cannot open ${what}`, { cause: error });
}

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}

/** Opens the connection; resolves once the handshake is done. Rejects with `tls`, `transport` or `timeout`. */
export function openSecureStream(options: SecureStreamOptions): Promise<ByteStream> {
  return new Promise<ByteStream>((resolve, reject) => {
    try {
      // The stream hands itself to `resolve` once the handshake is done (or calls `reject`).
      new SecureByteStream(options, resolve, reject);
    } catch (error) {
      reject(socketStartError(error, `a socket to ${options.host}:${options.port}`));
    }
  });
}

class SecureByteStream implements ByteStream {
  readonly #timeoutMs: number;
  readonly #received: Uint8Array[] = [];
  #socket: SecureSocket | undefined;
  #connected = false;
  #ended = false;
  #closedByUs = false;
  #failure: IotError | undefined;
  #waiter: Waiter | undefined;
  readonly #outgoing: PendingWrite[] = [];
  #connectTimer: Timer | undefined;
  #onOpen: ((stream: ByteStream) => void) | undefined;
  #onOpenError: ((error: IotError) => void) | undefined;

  constructor(options: SecureStreamOptions, onOpen: (stream: ByteStream) => void, onOpenError: (error: IotError) => void) {
    this.#timeoutMs = options.timeoutMs;
    this.#onOpen = onOpen;
    this.#onOpenError = onOpenError;
    const socket = new SecureSocket({ host: options.host, port: options.port, secure: secureDictionary(options) });
    this.#socket = socket;
    (socket as unknown as { callback: (message: number) => void }).callback = (message) => this.#onSocket(message);
    this.#connectTimer = Timer.set(() => {
      this.#connectTimer = undefined;
      this.#failOpen(new IotError('timeout', `no TLS connection to ${options.host}:${options.port} within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
  }

  /** 2 (readable) carries a byte count too; #drain reads whatever is there, so it is not needed. */
  #onSocket(message: number): void {
    if (message === 1) {
      this.#connected = true;
      this.#clearConnectTimer();
      const onOpen = this.#onOpen;
      this.#onOpen = this.#onOpenError = undefined;
      onOpen?.(this);
    } else if (message === 2) {
      this.#drain();
    } else if (message === 3) {
      this.#flush();
    } else if (message < 0) {
      if (!this.#connected) {
        this.#failOpen(message === -2 ? new IotError('tls', 'TLS handshake failed (certificate, server name or clock), or the connection failed') : new IotError('transport', 'connection closed during connect'));
        return;
      }
      this.#drain();
      if (message === -1) this.#ended = true;
      else this.#failure = new IotError('transport', 'connection broken');
      this.#release();
      this.#settleWaiter();
    }
  }

  /**
   * Hands queued bytes to the socket as far as it has room; the rest waits for message 3 (writable). A write
   * resolves once its last byte is handed over, so writes (empty ones too) settle in call order.
   */
  #flush(): void {
    while (this.#outgoing.length > 0) {
      const socket = this.#socket as unknown as SocketWithRoom | undefined;
      if (socket === undefined) return;
      const head = this.#outgoing[0]!;
      if (head.offset < head.bytes.length) {
        try {
          const room = Number(socket.write());
          if (!(room > 0)) return;
          const end = Math.min(head.bytes.length, head.offset + room);
          socket.write(toArrayBuffer(head.bytes.subarray(head.offset, end)));
          head.offset = end;
        } catch (error) {
          this.#failure = new IotError('transport', 'write failed', { cause: error });
          this.#release();
          this.#settleWaiter();
          return;
        }
      }
      if (head.offset === head.bytes.length) {
        this.#outgoing.shift();
        Timer.clear(head.timer);
        head.resolve();
      }
    }
  }

  /** A write that is not wholly handed over by its deadline fails the stream, as a timed-out read does. */
  #onWriteDeadline(pending: PendingWrite): void {
    pending.timer = undefined;
    if (!this.#outgoing.includes(pending)) return;
    this.#failure ??= new IotError('timeout', `could not send within ${this.#timeoutMs} ms (the peer reads nothing)`);
    this.#release();
    this.#settleWaiter();
  }

  /** Pending writes fail with the connection's failure (or as closed). */
  #failWrites(): void {
    const error = this.#failure ?? new IotError('transport', 'the connection closed before the data was sent');
    for (const pending of this.#outgoing.splice(0)) {
      Timer.clear(pending.timer);
      pending.reject(error);
    }
  }

  #drain(): void {
    const socket = this.#socket;
    if (socket === undefined) return;
    let data: ArrayBuffer | undefined;
    try {
      data = socket.read(ArrayBuffer) as ArrayBuffer | undefined;
    } catch {
      data = undefined;
    }
    if (data && data.byteLength > 0) this.#received.push(new Uint8Array(data));
    this.#settleWaiter();
  }

  #settleWaiter(): void {
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    if (this.#received.length > 0) {
      this.#waiter = undefined;
      Timer.clear(waiter.timer);
      waiter.resolve(this.#received.shift());
    } else if (this.#failure !== undefined && !this.#closedByUs) {
      this.#waiter = undefined;
      Timer.clear(waiter.timer);
      waiter.reject(this.#failure);
    } else if (this.#ended || this.#socket === undefined) {
      this.#waiter = undefined;
      Timer.clear(waiter.timer);
      waiter.resolve(undefined);
    }
  }

  #failOpen(error: IotError): void {
    this.#clearConnectTimer();
    const onOpenError = this.#onOpenError;
    this.#onOpen = this.#onOpenError = undefined;
    this.#release();
    onOpenError?.(error);
  }

  #clearConnectTimer(): void {
    if (this.#connectTimer !== undefined) Timer.clear(this.#connectTimer);
    this.#connectTimer = undefined;
  }

  #release(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#failWrites();
    if (socket === undefined) return;
    try {
      socket.close();
    } catch {
      // Closing an already failed socket may throw on Moddable; it is gone either way.
    }
  }

  /**
   * Resolves once every byte is handed to the socket (in pieces that fit its room); writes keep their order.
   * What the socket cannot take at once is copied: the caller may reuse `data` as soon as this returns.
   */
  write(data: Uint8Array): Promise<void> {
    if (this.#socket === undefined || this.#failure !== undefined || this.#ended) return Promise.reject(new IotError('transport', 'write on a closed connection'));
    return new Promise<void>((resolve, reject) => {
      const pending: PendingWrite = { bytes: data, offset: 0, resolve, reject, timer: undefined };
      this.#outgoing.push(pending);
      this.#flush();
      if (this.#outgoing.includes(pending)) {
        pending.bytes = pending.bytes.slice(pending.offset);
        pending.offset = 0;
        pending.timer = Timer.set(() => this.#onWriteDeadline(pending), this.#timeoutMs);
      }
    });
  }

  read(): Promise<Uint8Array | undefined> {
    if (this.#waiter !== undefined) return Promise.reject(new IotError('bad-input', 'only one read may be pending'));
    if (this.#received.length > 0) return Promise.resolve(this.#received.shift());
    if (this.#closedByUs) return Promise.resolve(undefined);
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#ended || this.#socket === undefined) return Promise.resolve(undefined);
    return new Promise<Uint8Array | undefined>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      waiter.timer = Timer.set(() => {
        if (this.#waiter !== waiter) return;
        this.#waiter = undefined;
        this.#failure = new IotError('timeout', `nothing received within ${this.#timeoutMs} ms`);
        this.#release();
        reject(this.#failure);
      }, this.#timeoutMs);
      this.#waiter = waiter;
    });
  }

  close(): void {
    this.#closedByUs = true;
    this.#clearConnectTimer();
    this.#release();
    this.#settleWaiter();
  }
}
Object.freeze(SecureByteStream.prototype);
