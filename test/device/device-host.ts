/**
 * Runs device JS on the real XS engine (@agoric/xsnap) with fake Moddable modules, and plays the platform
 * under them from Node: the flash (FakeFlash), timers (real Node timers), SNTP, resources, and — for
 * `securesocket` and `mqtt` — REAL connections (node:tls, MQTT.js) opened with exactly the options the device
 * code passed, so the local cloud checks the real TLS identity and the real MQTT login.
 *
 * xsnap has no event loop of its own. XS asks for things with `issueCommand(bytes)` (synchronous on the XS
 * side; answered here in `handle`), and Node delivers events (timer fired, socket data, MQTT message) with
 * `host.issueCommand(bytes)` into the fakes' `globalThis.handleCommand`. xsnap serialises both directions,
 * so a delivery waits until XS is idle.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import * as tls from 'node:tls';
import mqtt from 'mqtt';
import { startXs, type XsHost, type XsMeter } from '../xs/xs-host.js';
import { FakeFlash, type FlashValue } from './fake-flash.js';

const here = dirname(fileURLToPath(import.meta.url));
const PRELUDE = readFileSync(join(here, 'fakes/prelude.js'), 'utf8');
/**
 * The cipher suites Moddable's TLS offers (modules/crypt/ssl/ssl_ciphersuites.js: RSA and DHE_RSA key
 * exchange, AES-CBC/GCM), so that a server which only speaks ECDHE or TLS 1.3 fails here as on the device.
 */
// The suites of modules/crypt/ssl/ssl_ciphersuites.js (SDK 4.x and later) with config.tls.DHE_RSA and
// ECDHE_RSA on, their documented default. DHE-RSA-AES256-GCM-SHA384 is commented out there.
const MODDABLE_CIPHERS = [
  'AES128-SHA', 'AES256-SHA', 'AES128-SHA256', 'AES256-SHA256',
  'DHE-RSA-AES128-SHA256', 'DHE-RSA-AES256-SHA256', 'DHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

/**
 * With a client certificate, Moddable's certificateVerify is implemented for RSA and ECDHE_RSA key exchange
 * only (ssl_handshake.js certificateVerify.packetize throws "unimplemented" otherwise): a DHE suite fails.
 */
function clientAuthFailsOn(socket: tls.TLSSocket): boolean {
  return /^DHE-/.test(socket.getCipher()?.name ?? '') || /^DHE-/.test(socket.getCipher()?.standardName ?? '');
}

export interface DeviceBoot {
  /** mc/config as the firmware would see it. */
  config?: Record<string, unknown>;
  mac?: string;
  /** 'synced': the clock is right at boot (setup/network ran SNTP); 'unset': it starts near 1970. */
  clock?: 'synced' | 'unset';
  /** How the fake SNTP server behaves: answer with the time, or fail. */
  sntp?: 'answer' | 'fail';
  /** Firmware resources by file name (CA DER files). */
  resources?: Record<string, Uint8Array>;
  /** The flash; survives across boots when the same object (or its snapshot) is passed again. */
  flash?: FakeFlash;
}

export interface SocketOpen {
  host: string;
  port: number;
  serverName: string | undefined;
  protocolVersion: number | undefined;
  caSubject: string;
  hasClientCertificate: boolean;
  deviceTimeMs: number;
}

export interface MqttOpen {
  host: string;
  port: number;
  clientId: string;
  user: string | undefined;
  hasPassword: boolean;
  /** The password's `;hmacsha1` / `;hmacsha256` suffix (not secret), when there is a password. */
  passwordAlgorithm: string | undefined;
  keepAliveMs: number;
  secure: { serverName: string | undefined; protocolVersion: number | undefined; caSubject: string; hasClientCertificate: boolean } | undefined;
}

type Json = Record<string, unknown>;

function toWire(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof Uint8Array) return { $b: Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString('hex') };
    if (item !== null && typeof item === 'object' && (item as { type?: unknown }).type === 'Buffer' && Array.isArray((item as { data?: unknown }).data)) {
      return { $b: Buffer.from((item as { data: number[] }).data).toString('hex') };
    }
    return item;
  });
}

function fromWire(text: string): Json {
  return JSON.parse(text, (_key, item: unknown) => {
    if (item !== null && typeof item === 'object' && typeof (item as { $b?: unknown }).$b === 'string') return new Uint8Array(Buffer.from((item as { $b: string }).$b, 'hex'));
    return item;
  }) as Json;
}

function pemOfDer(der: Uint8Array): string {
  return new X509Certificate(Buffer.from(der)).toString();
}

function subjectOf(der: Uint8Array): string {
  try {
    return new X509Certificate(Buffer.from(der)).subject;
  } catch {
    return '(not a certificate)';
  }
}

/** Whether every certificate the server sent is valid at the DEVICE's time (Moddable checks dates itself). */
/** ssl_cert.js register(): from < now < to, for the one CA given as `certificate`. */
function caValidAt(der: Uint8Array, deviceTimeMs: number): boolean {
  const ca = new X509Certificate(Buffer.from(der));
  return Date.parse(ca.validFrom) < deviceTimeMs && deviceTimeMs < Date.parse(ca.validTo);
}

function chainValidAt(socket: tls.TLSSocket, deviceTimeMs: number): boolean {
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    if (deviceTimeMs < Date.parse(cert.valid_from) || deviceTimeMs > Date.parse(cert.valid_to)) return false;
    cert = cert.issuerCertificate;
  }
  return true;
}

interface Waiter {
  pattern: RegExp;
  count: number;
  resolve: (line: string) => void;
}

export class DeviceHost {
  readonly traces: string[] = [];
  readonly uncaught: string[] = [];
  readonly socketOpens: SocketOpen[] = [];
  readonly mqttOpens: MqttOpen[] = [];
  readonly published: { topic: string; payload: string }[] = [];
  readonly sntpHosts: string[] = [];
  readonly flash: FakeFlash;
  readonly #boot: DeviceBoot;
  readonly #timers = new Map<number, NodeJS.Timeout>();
  readonly #sockets = new Map<number, tls.TLSSocket>();
  readonly #mqtt = new Map<number, mqtt.MqttClient>();
  readonly #rpc = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #waiters: Waiter[] = [];
  #partial = '';
  #closed = false;
  #rpcId = 0;
  /** XS compute units spent in every crank since boot (module load, main, each delivered event). */
  compute = 0;
  xs!: XsHost;

  private constructor(boot: DeviceBoot) {
    this.#boot = boot;
    this.flash = boot.flash ?? new FakeFlash();
  }

  /** Starts a machine, installs the bridge, and loads `script` (a bundle from device-bundle.ts). */
  static async boot(script: string, boot: DeviceBoot = {}): Promise<DeviceHost> {
    const device = new DeviceHost(boot);
    device.xs = await startXs({ name: 'device', handleCommand: (request) => device.#handle(request), meteringLimit: 0 });
    const bootJson = JSON.stringify({
      config: boot.config ?? {},
      mac: boot.mac ?? 'A4:D1:8C:DB:C0:20',
      clockMs: boot.clock === 'unset' ? 12_345 : Date.now(),
    });
    await device.xs.run(PRELUDE.replace('})(BOOT);', `})(${bootJson});`));
    device.compute += (await device.xs.run(script)).compute;
    return device;
  }

  /** Runs the firmware's main() as Moddable would at boot. */
  async startApp(): Promise<void> {
    this.compute += (await this.xs.run('globalThis.__deviceMain();')).compute;
  }

  /**
   * Calls an async expression inside XS (e.g. `__deviceLibrary…`) and resolves with its JSON-able result,
   * or rejects with `{name, code, message}` of what it threw. Works across timers and sockets.
   */
  call<T>(expression: string): Promise<T> {
    const id = ++this.#rpcId;
    const settled = new Promise<T>((resolve, reject) => this.#rpc.set(id, { resolve: resolve as (value: unknown) => void, reject }));
    const script = `(async () => (${expression}))().then(
      (value) => globalThis.__fakeBridge.call('rpc.result', { id: ${id}, ok: true, value: value === undefined ? null : value }),
      (error) => globalThis.__fakeBridge.call('rpc.result', { id: ${id}, ok: false, error: { name: String(error && error.name), code: error && error.code, message: String(error && error.message) } }));`;
    void this.xs.run(script).catch((error: unknown) => this.#rpc.get(id)?.reject(error as Error));
    return settled;
  }

  async meter(): Promise<XsMeter> {
    return this.xs.gc();
  }

  /** Resolves with the `count`-th trace line matching `pattern` (mocha's timeout bounds the wait). */
  waitForTrace(pattern: RegExp, count = 1): Promise<string> {
    const matches = this.traces.filter((line) => pattern.test(line));
    if (matches.length >= count) return Promise.resolve(matches[count - 1]!);
    return new Promise((resolve) => this.#waiters.push({ pattern, count, resolve }));
  }

  tracesMatching(pattern: RegExp): string[] {
    return this.traces.filter((line) => pattern.test(line));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const socket of this.#sockets.values()) socket.destroy();
    for (const client of this.#mqtt.values()) client.end(true);
    await this.xs.close();
  }

  #deliver(event: Json): void {
    if (this.#closed) return;
    this.xs.issueCommand(new TextEncoder().encode(toWire(event))).then((result) => {
      this.compute += result.meter.compute;
    }, (error: unknown) => {
      if (!this.#closed) this.uncaught.push(String(error));
    });
  }

  #addTrace(text: string): void {
    this.#partial += text;
    const lines = this.#partial.split('\n');
    this.#partial = lines.pop()!;
    for (const line of lines) {
      this.traces.push(line);
      if (process.env.DEVICE_TRACE) process.stderr.write(`  [device] ${line}\n`);
    }
    this.#waiters = this.#waiters.filter((waiter) => {
      const matches = this.traces.filter((line) => waiter.pattern.test(line));
      if (matches.length < waiter.count) return true;
      waiter.resolve(matches[waiter.count - 1]!);
      return false;
    });
  }

  #handle(request: Uint8Array): Uint8Array {
    let reply: Json;
    try {
      reply = this.#dispatch(fromWire(new TextDecoder().decode(request))) ?? {};
    } catch (error) {
      reply = { throw: String(error instanceof Error ? error.message : error) };
    }
    return new TextEncoder().encode(toWire(reply));
  }

  #dispatch(message: Json): Json | undefined {
    const op = message.op as string;
    const id = message.id as number;
    switch (op) {
      case 'trace':
        this.#addTrace(message.text as string);
        return undefined;
      case 'uncaught':
        this.uncaught.push(`${String(message.where)}: ${String(message.error)}`);
        return undefined;
      case 'rpc.result': {
        const pending = this.#rpc.get(id);
        this.#rpc.delete(id);
        if (message.ok) pending?.resolve(message.value);
        else pending?.reject(Object.assign(new Error(JSON.stringify(message.error)), message.error as object));
        return undefined;
      }
      case 'timer.set': {
        const existing = this.#timers.get(id);
        if (existing) clearTimeout(existing);
        const fire = (ms: number): void => {
          this.#timers.set(id, setTimeout(() => {
            this.#timers.delete(id);
            const repeat = message.repeat as number;
            if (repeat > 0) fire(repeat);
            this.#deliver({ key: `timer:${id}` });
          }, ms));
        };
        fire(Math.max(0, message.ms as number));
        return undefined;
      }
      case 'timer.clear': {
        const existing = this.#timers.get(id);
        if (existing) clearTimeout(existing);
        this.#timers.delete(id);
        return undefined;
      }
      case 'time.set':
        return undefined;
      case 'sntp.start':
        this.sntpHosts.push(message.host as string);
        setImmediate(() => {
          if (this.#boot.sntp === 'fail') this.#deliver({ key: `sntp:${id}`, message: -1, value: 'no response from SNTP server' });
          else this.#deliver({ key: `sntp:${id}`, message: 1, value: Math.floor(Date.now() / 1000) });
        });
        return undefined;
      case 'resource.get': {
        const data = this.#boot.resources?.[message.path as string];
        return data === undefined ? {} : { data };
      }
      case 'resource.exists':
        return { exists: this.#boot.resources?.[message.path as string] !== undefined };
      case 'pref.get': {
        const entry = this.flash.get(message.domain as string, message.key as string);
        return entry === undefined ? { found: false } : { found: true, value: entry.value };
      }
      case 'pref.set': {
        const type = message.type as FlashValue['type'];
        const value = type === 'buffer' ? { type, value: message.value as Uint8Array } : ({ type, value: message.value } as FlashValue);
        this.flash.set(message.domain as string, message.key as string, value);
        return undefined;
      }
      case 'pref.delete':
        this.flash.delete(message.domain as string, message.key as string);
        return undefined;
      case 'pref.keys':
        return { keys: this.flash.keys(message.domain as string) };
      case 'socket.open':
        this.#openSocket(id, message);
        return undefined;
      case 'socket.write': {
        const socket = this.#sockets.get(id);
        if (socket === undefined) throw new Error('socket closed');
        // Backpressure as on the device: once node's buffer is over its mark (every buffer to the peer is
        // full), the fake reports no room until node drains it (then message 3, writable).
        return { full: !socket.write(Buffer.from(message.data as Uint8Array)) };
      }
      case 'socket.close':
        this.#sockets.get(id)?.destroy();
        this.#sockets.delete(id);
        return undefined;
      case 'mqtt.open':
        this.#openMqtt(id, message);
        return undefined;
      case 'mqtt.publish': {
        const client = this.#mqtt.get(id);
        if (client === undefined) throw new Error('connection closed');
        const data = message.data;
        const payload = data instanceof Uint8Array ? Buffer.from(data) : Buffer.from(String(data));
        this.published.push({ topic: message.topic as string, payload: payload.toString('utf8') });
        client.publish(message.topic as string, payload, { qos: 0 });
        return undefined;
      }
      case 'mqtt.subscribe':
        this.#mqtt.get(id)?.subscribe(message.topic as string, { qos: 0 });
        return undefined;
      case 'mqtt.close': {
        const client = this.#mqtt.get(id);
        this.#mqtt.delete(id);
        client?.end(true);
        return undefined;
      }
      default:
        throw new Error(`fake bridge: unknown operation ${op}`);
    }
  }

  #openSocket(id: number, message: Json): void {
    const ca = message.ca as Uint8Array;
    const deviceTimeMs = message.deviceTimeMs as number;
    this.socketOpens.push({
      host: message.host as string,
      port: message.port as number,
      serverName: message.serverName as string | undefined,
      protocolVersion: message.protocolVersion as number | undefined,
      caSubject: subjectOf(ca),
      hasClientCertificate: message.clientCertificate !== undefined,
      deviceTimeMs,
    });
    // SecureSocket's constructor registers the CA and date-checks it against the device clock (ssl_cert.js
    // CertificateManager.register): outside its validity the constructor throws, before any connection.
    if (!caValidAt(ca, deviceTimeMs)) throw new Error('date validation failed');
    let connected = false;
    let finished = false;
    const fail = (type: 'error' | 'closed'): void => {
      if (finished) return;
      finished = true;
      this.#sockets.delete(id);
      this.#deliver({ key: `socket:${id}`, type: connected ? type : 'error' });
    };
    const options: tls.ConnectionOptions = {
      host: message.host as string,
      port: message.port as number,
      ca: [pemOfDer(ca)],
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      ciphers: MODDABLE_CIPHERS,
      rejectUnauthorized: true,
    };
    if (typeof message.serverName === 'string') options.servername = message.serverName;
    if (message.clientCertificate !== undefined) {
      options.cert = pemOfDer(message.clientCertificate as Uint8Array);
      options.key = createPrivateKey({ key: Buffer.from(message.clientKey as Uint8Array), format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' });
    }
    // The fake checks the host name itself against serverName (node would otherwise use `host`).
    options.checkServerIdentity = (_host, cert) => tls.checkServerIdentity(typeof message.serverName === 'string' ? message.serverName : (message.host as string), cert);
    const socket = tls.connect(options);
    this.#sockets.set(id, socket);
    socket.on('secureConnect', () => {
      if (!chainValidAt(socket, deviceTimeMs) || (message.clientCertificate !== undefined && clientAuthFailsOn(socket))) {
        socket.destroy();
        fail('error');
        return;
      }
      connected = true;
      this.#deliver({ key: `socket:${id}`, type: 'connected' });
    });
    socket.on('data', (data: Buffer) => {
      if (!finished) this.#deliver({ key: `socket:${id}`, type: 'data', data: new Uint8Array(data) });
    });
    socket.on('drain', () => {
      if (!finished) this.#deliver({ key: `socket:${id}`, type: 'writable' });
    });
    socket.on('error', () => fail('error'));
    socket.on('close', () => fail('closed'));
  }

  #openMqtt(id: number, message: Json): void {
    const secure = message.secure as Json | undefined;
    const password = message.password;
    this.mqttOpens.push({
      host: message.host as string,
      port: message.port as number,
      clientId: message.clientId as string,
      user: message.user as string | undefined,
      hasPassword: password !== undefined && password !== null,
      passwordAlgorithm: typeof password === 'string' ? password.split(';')[1] : undefined,
      keepAliveMs: message.timeout as number,
      secure: secure === undefined ? undefined : {
        serverName: secure.serverName as string | undefined,
        protocolVersion: secure.protocolVersion as number | undefined,
        caSubject: subjectOf(secure.ca as Uint8Array),
        hasClientCertificate: secure.clientCertificate !== undefined,
      },
    });
    let finished = false;
    let reason: string | undefined;
    const close = (why: string): void => {
      if (finished) return;
      finished = true;
      const client = this.#mqtt.get(id);
      this.#mqtt.delete(id);
      client?.end(true);
      this.#deliver({ key: `mqtt:${id}`, type: 'close', reason: why });
    };
    // mqtt.js constructs its Socket (SecureSocket) in its own constructor, so the CA date check throws there.
    if (secure !== undefined && !caValidAt(secure.ca as Uint8Array, message.deviceTimeMs as number)) throw new Error('date validation failed');
    const options: mqtt.IClientOptions = {
      protocol: secure === undefined ? 'mqtt' : 'mqtts',
      host: message.host as string,
      port: message.port as number,
      clientId: message.clientId as string,
      keepalive: Math.floor(((message.timeout as number) + 999) / 1000),
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 30_000,
      protocolVersion: 4,
    };
    if (typeof message.user === 'string') options.username = message.user;
    if (password instanceof Uint8Array) options.password = Buffer.from(password);
    else if (typeof password === 'string') options.password = password;
    if (secure !== undefined) {
      Object.assign(options, {
        ca: [pemOfDer(secure.ca as Uint8Array)],
        servername: secure.serverName,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        maxVersion: 'TLSv1.2',
        ciphers: MODDABLE_CIPHERS,
        checkServerIdentity: (_host: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(typeof secure.serverName === 'string' ? secure.serverName : (message.host as string), cert),
      });
      if (secure.clientCertificate !== undefined) {
        Object.assign(options, {
          cert: pemOfDer(secure.clientCertificate as Uint8Array),
          key: createPrivateKey({ key: Buffer.from(secure.clientKey as Uint8Array), format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }),
        });
      }
    }
    const client = mqtt.connect(options);
    this.#mqtt.set(id, client);
    client.on('connect', () => {
      if (secure?.clientCertificate !== undefined && clientAuthFailsOn(client.stream as unknown as tls.TLSSocket)) {
        close('socket error -2');
        return;
      }
      if (!finished) this.#deliver({ key: `mqtt:${id}`, type: 'ready' });
    });
    client.on('message', (topic, payload) => {
      if (!finished) this.#deliver({ key: `mqtt:${id}`, type: 'message', topic, payload: new Uint8Array(payload) });
    });
    client.on('error', (error: Error & { code?: unknown }) => {
      reason = typeof error.code === 'number' ? `server rejected mqtt request with code ${error.code}` : 'socket error -2';
      close(reason);
    });
    client.on('close', () => close(reason ?? 'socket error -1'));
  }

  /** Drops every live MQTT connection from the network side, as a Wi-Fi loss or a broker restart would. */
  dropMqttConnections(): void {
    for (const client of this.#mqtt.values()) client.stream?.destroy();
  }
}
