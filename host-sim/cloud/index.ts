/**
 * The local Tencent IoT cloud, in-process: a registration gateway (HTTPS) and an MQTT broker (TLS, and plain
 * when asked) sharing one device registry. Independent of src/ on purpose (ARCHITECTURE.md rule 5): it is
 * the oracle the SDK is tested against.
 */
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTlsServer } from 'node:tls';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CloudBroker } from './broker.js';
import { maxClientIdLength } from './client-id-limit.js';
import { closeOnTlsError, ConnectionCounter, gatewayServerOptions, resolveLimits, watchGatewayClientErrors, type CloudLimits } from './connection-limits.js';
import { Gateway } from './gateway.js';
import { CloudPki } from './pki.js';
import { parseProducts, type ProductsFile } from './products.js';
import { Registry } from './registry.js';
import { certificateAddresses, DEFAULT_HOST, parseListenHost, reachabilityNote, urlHost } from './listen-host.js';
import { parseHostname, serverCertificateNames } from './server-names.js';
import { TlsPskAuthority } from './tls-psk.js';
import { EventLog } from './console/events.js';
import { startConsole, type ConsoleOptions } from './console/server.js';

export { loadProductsFile, parseProducts, ProductsFileError } from './products.js';
export type { AuthMode, DynamicRegistration, Product, ProductsFile } from './products.js';
export { REFUSALS } from './errors.js';
export { DEFAULT_HOST } from './listen-host.js';
export { TENCENT_DEVICE_HOSTNAMES } from './server-names.js';
export type { ConsoleOptions } from './console/server.js';
export { DEFAULT_LIMITS, type CloudLimits } from './connection-limits.js';

export interface CloudOptions {
  /** A validated ProductsFile or the parsed JSON of one (validated here). */
  products: ProductsFile | unknown;
  /** Gateway port; 0 (default) = any free port. */
  port?: number;
  /** TLS MQTT port; 0 (default) = any free port. */
  mqttPort?: number;
  /** Plain MQTT port (key products only); undefined (default) = no plain broker. */
  plainMqttPort?: number;
  /**
   * The address every server listens on (listen-host.ts): default `127.0.0.1`, this machine only. A LAN
   * address (or `0.0.0.0` / `::`, every interface) serves a board on the network; the certificate names it.
   */
  host?: string;
  /** More names for the server certificate (DNS names, `*.` wildcards, IP addresses). */
  hostnames?: readonly string[];
  /** Add Tencent's public device endpoints of every region to the certificate (server-names.ts). */
  tencentHostnames?: boolean;
  /** Refuse registrations whose timestamp is further than this from the clock; default: not checked. */
  maxClockSkewSeconds?: number;
  /** Registry file; its folder also keeps the CAs. Default: in memory, CAs in a temp folder. */
  statePath?: string;
  /** One human-readable line per event (no secrets). Default: silent. */
  log?: (line: string) => void;
  /** Milliseconds since the epoch, for tests. Default: Date.now. */
  now?: () => number;
  /** The console (page + REST API) on its own port, loopback by default; `false` = none. Default: on. */
  console?: ConsoleOptions | false;
  /** Memory and time bounds per connection (connection-limits.ts); each defaults to DEFAULT_LIMITS. */
  limits?: Partial<CloudLimits>;
}

export interface RunningCloud {
  /** The address all the cloud's servers listen on (`127.0.0.1` unless `host` said otherwise). */
  host: string;
  /** `https://localhost:<port>` (or the listen address, when it is neither loopback nor a wildcard) */
  gateway: string;
  /** `mqtts://localhost:<port>` */
  broker: string;
  /** `mqtt://localhost:<port>`, when a plain port was asked for. */
  plainBroker?: string;
  /** Absolute path of the CA PEM that verifies both the gateway and the broker. */
  ca: string;
  caPem: string;
  /** Sends `payload` from the cloud to a device topic, QoS 0 (as Tencent's PublishMessage API). */
  publish(topic: string, payload: string | Buffer): Promise<void>;
  /** The console's address, `http://127.0.0.1:<port>/` (absent with `console: false`). */
  console?: string;
  /** The token the console's changes need. */
  consoleToken?: string;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    for (const socket of sockets) socket.destroy();
  });
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

function checkPort(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 65535)) throw new RangeError(`${name} must be an integer port 0..65535`);
}

/** The ready line's note on names asked for beyond localhost and the listen address. */
function namesNote(options: CloudOptions): string {
  const extra = [...(options.hostnames ?? []).map(parseHostname), ...(options.tencentHostnames ? ['Tencent\'s device endpoints of every region'] : [])];
  return extra.length > 0 ? `; the certificate also names ${extra.join(', ')}` : '';
}

export async function startCloud(options: CloudOptions): Promise<RunningCloud> {
  const products = parseProducts(options.products);
  checkPort('port', options.port);
  checkPort('mqttPort', options.mqttPort);
  checkPort('plainMqttPort', options.plainMqttPort);
  if (options.maxClockSkewSeconds !== undefined && !(options.maxClockSkewSeconds >= 0)) throw new RangeError('maxClockSkewSeconds must be a non-negative number');
  const host = options.host === undefined ? DEFAULT_HOST : parseListenHost(options.host);
  const names = serverCertificateNames(certificateAddresses(host), (options.hostnames ?? []).map(parseHostname), options.tencentHostnames === true);
  const base = urlHost(host);
  const log = options.log ?? (() => undefined);
  const limits = resolveLimits(options.limits);
  const connections = new ConnectionCounter(limits, log);
  const now = options.now ?? Date.now;
  const statePath = options.statePath === undefined ? undefined : resolve(options.statePath);
  const tempDir = statePath === undefined ? await mkdtemp(join(tmpdir(), 'tc-iot-cloud-')) : undefined;
  const pkiDir = statePath === undefined ? tempDir! : dirname(statePath);

  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async (): Promise<void> => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
    cleanups.length = 0;
  };
  if (tempDir) cleanups.push(() => rm(tempDir, { recursive: true, force: true }));
  try {
    // The registry first: a corrupt state file must stop the start before anything is written next to it.
    if (statePath !== undefined) await mkdir(dirname(statePath), { recursive: true, mode: 0o700 });
    const registry = await Registry.open(products, statePath);
    const pki = await CloudPki.open(pkiDir, names);
    cleanups.push(() => registry.flush());
    const events = new EventLog(now);
    const gateway = new Gateway({ registry, pki, log, now, maxClockSkewSeconds: options.maxClockSkewSeconds, events });
    const psk = new TlsPskAuthority(registry, log);
    const broker = await CloudBroker.create({ registry, pki, log, now, events, limits, maxClientIdLength: maxClientIdLength(products.products), pskSessionOf: (socket) => psk.sessionOf(socket) });
    cleanups.push(() => broker.close());

    const https = createHttpsServer({ key: pki.server.keyPem, cert: pki.server.chainPem, ...gatewayServerOptions(limits) }, gateway.handle);
    connections.watch(https, 'gateway');
    watchGatewayClientErrors(https, limits, log);
    closeOnTlsError(https, 'gateway', log);
    const httpsSockets = trackSockets(https);
    const gatewayPort = await listen(https, options.port ?? 0, host);
    cleanups.push(() => closeServer(https, httpsSockets));

    // requestCert without rejectUnauthorized: key devices connect without a certificate; cert devices'
    // certificates are checked against the device CA by the broker's login rule.
    // TLS-PSK (key devices, the C SDK's login) on the same port: see tls-psk.ts for the cipher list.
    const mqtts = createTlsServer({ key: pki.server.keyPem, cert: pki.server.chainPem, ca: pki.server.deviceCaPem, requestCert: true, rejectUnauthorized: false, handshakeTimeout: limits.loginTimeoutMs, ...psk.serverOptions() }, (socket) => broker.handle(socket, false));
    connections.watch(mqtts, 'broker');
    closeOnTlsError(mqtts, 'broker', log, psk.onTlsClientError);
    const mqttsSockets = trackSockets(mqtts);
    const mqttPort = await listen(mqtts, options.mqttPort ?? 0, host);
    cleanups.push(() => closeServer(mqtts, mqttsSockets));

    let plainBroker: string | undefined;
    if (options.plainMqttPort !== undefined) {
      const plain = createNetServer((socket) => broker.handle(socket, true));
      connections.watch(plain, 'broker');
      const plainSockets = trackSockets(plain);
      const plainPort = await listen(plain, options.plainMqttPort, host);
      cleanups.push(() => closeServer(plain, plainSockets));
      plainBroker = `mqtt://${base}:${plainPort}`;
    }

    const running: RunningCloud = {
      host,
      gateway: `https://${base}:${gatewayPort}`,
      broker: `mqtts://${base}:${mqttPort}`,
      ca: pki.server.caPath,
      caPem: pki.server.caPem,
      publish: (topic, payload) => broker.publishFromCloud(topic, payload),
      close: cleanup,
    };
    if (plainBroker !== undefined) running.plainBroker = plainBroker;
    if (options.console !== false) {
      // The console listens where the gateway and broker do (--host) unless told otherwise.
      const consoleServer = await startConsole({ host, ...(options.console ?? {}) }, { registry, broker, events, log });
      cleanups.push(() => consoleServer.close());
      running.console = consoleServer.url;
      running.consoleToken = consoleServer.token;
    }
    log(`cloud: gateway ${running.gateway}, broker ${running.broker}${plainBroker ? `, plain broker ${plainBroker}` : ''}${running.console ? `, console ${running.console}` : ''}, ${products.products.length} product(s); ${reachabilityNote(host)}${namesNote(options)}`);
    return running;
  } catch (error) {
    await cleanup();
    throw error;
  }
}
