/**
 * The local cloud's memory bounds: what one connection may cost before it is closed. Every limit closes
 * only the connection that broke it (with one log line saying which limit) and leaves everyone else served.
 *
 * - connections: at most `maxConnectionsPerAddress` open TCP connections from one remote address and
 *   `maxConnections` in total (gateway and broker together), counted from the TCP accept, before TLS;
 * - TLS: a handshake must finish within `loginTimeoutMs` (both servers' `handshakeTimeout`);
 * - MQTT, before login (CONNACK accepted): the CONNECT must be accepted within `loginTimeoutMs` of the
 *   handshake, and the client may send at most `preLoginBytes` (the CONNECT and anything pipelined behind it);
 * - MQTT, always: no packet may declare more than `maxPacketBytes` (fixed header included). The length is
 *   read from the packet's own header as the bytes arrive, before aedes' parser buffers them, so a CONNECT
 *   that announces 256 MB is cut after its first five bytes;
 * - gateway: request headers at most `gatewayMaxHeaderBytes`, a whole request within `requestTimeoutMs`,
 *   the body at most 4096 bytes (gateway.ts MAX_BODY_BYTES).
 */
import type { TLSSocket } from 'node:tls';
import type { Server as HttpsServer } from 'node:https';
import type { Server, Socket } from 'node:net';

export interface CloudLimits {
  /** Largest MQTT packet, fixed header included (Tencent caps a device message's payload at 16 KB). */
  maxPacketBytes: number;
  /** Bytes a broker connection may send before its login is accepted. */
  preLoginBytes: number;
  /** TLS handshake, and then MQTT CONNECT → accepted login, each within this time. */
  loginTimeoutMs: number;
  /** Open connections from one remote address (gateway + broker). */
  maxConnectionsPerAddress: number;
  /** Open connections in total (gateway + broker). */
  maxConnections: number;
  /** Gateway: a whole HTTP request (headers and body) within this time. */
  requestTimeoutMs: number;
  /** Gateway: request line and headers at most this many bytes (node:http maxHeaderSize). */
  gatewayMaxHeaderBytes: number;
}

export const DEFAULT_LIMITS: Readonly<CloudLimits> = Object.freeze({
  maxPacketBytes: 17_408, // a 16 KiB payload plus 1 KiB for the topic and headers
  preLoginBytes: 4_096,
  loginTimeoutMs: 10_000,
  // `fleet --concurrency 1000` opens up to 2,000 connections from the loopback address.
  maxConnectionsPerAddress: 2_048,
  maxConnections: 4_096,
  requestTimeoutMs: 10_000,
  gatewayMaxHeaderBytes: 8_192,
});

/** The limits with `overrides` applied, each checked to be a positive integer. */
export function resolveLimits(overrides: Partial<CloudLimits> = {}): CloudLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides) as Array<[keyof CloudLimits, number | undefined]>) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_LIMITS)) throw new RangeError(`unknown limit ${key}`);
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`limits.${key} must be a positive integer`);
    limits[key] = value;
  }
  return limits;
}

/** The remote address, an IPv4-mapped IPv6 address written as IPv4 (the servers listen on `::`). */
function addressOf(socket: Socket): string {
  const address = socket.remoteAddress ?? '?';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function peerOf(socket: Socket): string {
  const address = addressOf(socket);
  return `${address.includes(':') ? `[${address}]` : address}:${socket.remotePort ?? '?'}`;
}

/** Counts open connections per remote address and in total; refuses (closes) the ones over a limit. */
export class ConnectionCounter {
  readonly #limits: CloudLimits;
  readonly #log: (line: string) => void;
  readonly #perAddress = new Map<string, number>();
  #total = 0;

  constructor(limits: CloudLimits, log: (line: string) => void) {
    this.#limits = limits;
    this.#log = log;
  }

  get total(): number {
    return this.#total;
  }

  /** Watches `server`'s TCP accepts (before TLS). `service` names it in the log. */
  watch(server: Server, service: string): void {
    // Prepended, so a refused socket is closed before the TLS layer spends anything on it.
    server.prependListener('connection', (socket: Socket) => this.#admit(socket, service));
  }

  #admit(socket: Socket, service: string): void {
    const address = addressOf(socket);
    const fromAddress = this.#perAddress.get(address) ?? 0;
    let refusal: string | undefined;
    if (this.#total >= this.#limits.maxConnections) refusal = `${this.#total} connections open, the limit is ${this.#limits.maxConnections}`;
    else if (fromAddress >= this.#limits.maxConnectionsPerAddress) refusal = `${fromAddress} connections open from this address, the limit is ${this.#limits.maxConnectionsPerAddress}`;
    if (refusal !== undefined) {
      this.#log(`${service}: connection from ${peerOf(socket)} refused (${refusal})`);
      socket.destroy();
      return;
    }
    this.#total += 1;
    this.#perAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      this.#total -= 1;
      const left = (this.#perAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.#perAddress.delete(address);
      else this.#perAddress.set(address, left);
    });
  }
}

/**
 * Follows MQTT framing over a byte stream without buffering packets: a fixed-header byte, a Remaining
 * Length of 1–4 bytes (MQTT 3.1.1 §2.2.3), then that many bytes skipped. Reports the first packet whose
 * declared size is over the limit, or a Remaining Length longer than four bytes.
 */
export class MqttFrameWatch {
  readonly #maxPacketBytes: number;
  #state: 'type' | 'length' | 'body' = 'type';
  #length = 0;
  #lengthBytes = 0;
  #left = 0;

  constructor(maxPacketBytes: number) {
    this.#maxPacketBytes = maxPacketBytes;
  }

  /** Feeds the next bytes; returns a reason when the stream broke a rule (then stop feeding). */
  feed(bytes: Uint8Array): string | undefined {
    let i = 0;
    while (i < bytes.length) {
      if (this.#state === 'type') {
        this.#state = 'length';
        this.#length = 0;
        this.#lengthBytes = 0;
        i += 1;
      } else if (this.#state === 'length') {
        const byte = bytes[i++]!;
        this.#length += (byte & 0x7f) * 128 ** this.#lengthBytes;
        this.#lengthBytes += 1;
        if (byte & 0x80) {
          if (this.#lengthBytes >= 4) return 'a packet length longer than four bytes';
          continue;
        }
        const size = 1 + this.#lengthBytes + this.#length;
        if (size > this.#maxPacketBytes) return `a packet of ${size} bytes, the limit is ${this.#maxPacketBytes}`;
        this.#left = this.#length;
        this.#state = this.#left === 0 ? 'type' : 'body';
      } else {
        const take = Math.min(this.#left, bytes.length - i);
        this.#left -= take;
        i += take;
        if (this.#left === 0) this.#state = 'type';
      }
    }
    return undefined;
  }
}

interface AedesClientLike {
  connected?: boolean;
  id?: string | null;
  _parser?: { parse(buffer: Buffer): number };
}

/**
 * Guards one broker connection: the packet-size rule, the pre-login byte budget and the login deadline.
 * Installs itself in front of aedes' parser (aedes 1.2 reads the socket and calls `client._parser.parse`).
 */
export function guardMqttClient(client: AedesClientLike, socket: Socket, limits: CloudLimits, log: (line: string) => void): void {
  const peer = peerOf(socket);
  const watch = new MqttFrameWatch(limits.maxPacketBytes);
  let received = 0;
  let closed = false;
  const close = (reason: string): void => {
    if (closed) return;
    closed = true;
    clearTimeout(deadline);
    log(`broker: connection from ${peer}${client.id ? ` (client id ${client.id})` : ''} closed: ${reason}`);
    socket.destroy();
  };
  const deadline = setTimeout(() => {
    if (client.connected !== true) close(`not logged in within ${limits.loginTimeoutMs} ms`);
  }, limits.loginTimeoutMs);
  deadline.unref();
  socket.once('close', () => {
    closed = true;
    clearTimeout(deadline);
  });
  const parser = client._parser;
  if (parser === undefined) {
    close('internal error: the broker has no parser to guard');
    return;
  }
  const parse = parser.parse.bind(parser);
  parser.parse = (buffer: Buffer): number => {
    if (closed) return 0;
    const broken = watch.feed(buffer);
    if (broken !== undefined) {
      close(`sent ${broken}`);
      return 0;
    }
    if (client.connected !== true) {
      received += buffer.length;
      if (received > limits.preLoginBytes) {
        close(`sent more than ${limits.preLoginBytes} bytes before logging in`);
        return 0;
      }
    } else {
      clearTimeout(deadline);
    }
    return parse(buffer);
  };
}

/**
 * The gateway's HTTP limits on its server: header size (set at creation, see gatewayServerOptions), request
 * timeout, and one log line plus a closed connection for a client that breaks one.
 */
export function gatewayServerOptions(limits: CloudLimits): { maxHeaderSize: number; requestTimeout: number; headersTimeout: number; handshakeTimeout: number; connectionsCheckingInterval: number; keepAliveTimeout: number } {
  return {
    maxHeaderSize: limits.gatewayMaxHeaderBytes,
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.requestTimeoutMs,
    handshakeTimeout: limits.loginTimeoutMs,
    // node checks the two time-outs above only this often (30 s by default).
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.requestTimeoutMs / 4))),
    keepAliveTimeout: 5_000,
  };
}

const CLIENT_ERROR_ANSWERS: Readonly<Record<string, string>> = Object.freeze({
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
});

/**
 * A failed TLS handshake (including the handshake time-out) is logged and its connection closed: node
 * emits 'tlsClientError' but leaves the socket open when a listener is attached.
 */
export function closeOnTlsError(server: Server, service: string, log: (line: string) => void, report?: (error: Error, socket: TLSSocket) => void): void {
  server.on('tlsClientError', (error: Error, socket: TLSSocket) => {
    // `report` says more where it can (tls-psk.ts names the PSK identity whose key failed).
    if (report !== undefined) report(error, socket);
    else log(`${service}: TLS handshake failed: ${error.message}`);
    socket.destroy();
  });
}

/** Answers (when it still can) and closes a connection node:http refused, and logs why. */
export function watchGatewayClientErrors(server: HttpsServer, limits: CloudLimits, log: (line: string) => void): void {
  const closing = new WeakSet<Socket>();
  server.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
    // Ending the connection below makes node report the cut request once more: one line is enough.
    if (closing.has(socket)) return void socket.destroy();
    closing.add(socket);
    const code = error.code ?? 'error';
    const what = code === 'HPE_HEADER_OVERFLOW' ? `headers larger than ${limits.gatewayMaxHeaderBytes} bytes`
      : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? `request not complete within ${limits.requestTimeoutMs} ms`
        : code === 'ECONNRESET' ? 'connection reset by the client' : `malformed HTTP (${code})`;
    if (code !== 'ECONNRESET') log(`gateway: connection from ${peerOf(socket)} closed: ${what}`);
    const status = CLIENT_ERROR_ANSWERS[code] ?? '400 Bad Request';
    // As node:http does without a listener: answer only when no byte of a response was written yet.
    if (!socket.writable || (socket as Socket & { _httpMessage?: { _headerSent?: boolean } })._httpMessage?._headerSent) {
      socket.destroy();
      return;
    }
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    // A client that does not read the answer must not keep the connection open.
    setTimeout(() => socket.destroy(), 1_000).unref();
  });
}
