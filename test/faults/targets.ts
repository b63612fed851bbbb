/**
 * The two devices the fault matrix runs: the host simulator (host-sim/device.ts, the code behind the CLI,
 * with the Node HAL) and the device code on XS (dist/device/tc-iot-device.js on @agoric/xsnap with the fake
 * Moddable modules of test/device/, imported, not changed). Each registers a key device that already holds
 * an OLD credential with `force` (so "the old one is kept" is checkable), or logs in with it, against one
 * fault server, and reports what came out: the error, every log line, and what storage holds afterwards.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../../hal/node/index.js';
import { connectHostDevice, openHostDevice, registerHostDevice } from '../../host-sim/device.js';
import { isIotError } from '../../src/errors.js';
import { DEVICE_LIBRARY, bundleForXs } from '../device/device-bundle.js';
import { DeviceHost } from '../device/device-host.js';
import type { FaultChain } from './fault-server.js';

export const PRODUCT_ID = 'K7QW2ZP4XA';
export const PRODUCT_SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';
export const DEVICE_NAME = 'fault-dev-1';
/** The credential the device holds before the case. */
export const OLD_SECRET = 'T2xkU2VjcmV0T2xkU2VjcmV0';
/** The credential the fault server's (broken) answers carry: must never be stored nor printed. */
export const ISSUED_SECRET = 'TmV3U2VjcmV0TmV3U2VjcmV0';

/** Short limits so that no case waits long; the retry count is what is checked. */
export const MAX_ATTEMPTS = 3;
export const PROVISION_OPTIONS = Object.freeze({ force: true, maxAttempts: MAX_ATTEMPTS, baseDelayMs: 5, maxDelayMs: 10, timeoutMs: 700, answerDeadlineMs: 1000 });
export const MQTT_TIMEOUT_MS = 900;

export interface Outcome {
  /** The typed error: IotError's code (or the name of anything else that was thrown). */
  code: string | undefined;
  message: string;
  /** Every log line the device wrote, the error message included. */
  output: string;
  /** Registration attempts the device logged. */
  attempts: number;
  /** The device secret storage holds after the case. */
  stored: string | undefined;
}

function attemptsIn(output: string): number {
  return (output.match(/: API v[12] at [^,]+, attempt \d+ of \d+/g) ?? []).length;
}

function describe(error: unknown): { code: string | undefined; message: string } {
  if (error === undefined) return { code: undefined, message: '' };
  if (isIotError(error)) return { code: error.code, message: error.message };
  return { code: `not an IotError: ${(error as Error)?.name}`, message: String((error as Error)?.message ?? error) };
}

export class HostTarget {
  readonly name = 'host simulator';
  readonly #chain: FaultChain;
  readonly #dir: string;
  #files = 0;

  private constructor(chain: FaultChain, dir: string) {
    this.#chain = chain;
    this.#dir = dir;
  }

  static async start(chain: FaultChain): Promise<HostTarget> {
    return new HostTarget(chain, await mkdtemp(join(tmpdir(), 'fault-host-')));
  }

  async #device(): Promise<{ file: string; lines: string[]; open: () => ReturnType<typeof openHostDevice> }> {
    this.#files += 1;
    const file = join(this.#dir, `device_info_${this.#files}.json`);
    await writeFile(file, `${JSON.stringify({ auth_mode: 'KEY', productId: PRODUCT_ID, productSecret: PRODUCT_SECRET, deviceName: DEVICE_NAME, key_deviceinfo: { deviceSecret: OLD_SECRET } }, null, 4)}\n`, { mode: 0o600 });
    const lines: string[] = [];
    const logger = new Logger({ level: 'debug', write: (line) => { lines.push(line); } });
    return { file, lines, open: () => openHostDevice(file, { logger, caPem: this.#chain.caPem }) };
  }

  async #stored(file: string): Promise<string | undefined> {
    return (JSON.parse(await readFile(file, 'utf8')) as { key_deviceinfo?: { deviceSecret?: string } }).key_deviceinfo?.deviceSecret;
  }

  async register(port: number): Promise<Outcome> {
    const { file, lines, open } = await this.#device();
    let failure: unknown;
    try {
      const device = await open();
      await registerHostDevice(device, { ...PROVISION_OPTIONS, gateway: { host: 'localhost', port } });
    } catch (error) {
      failure = error;
    }
    const { code, message } = describe(failure);
    const output = `${lines.join('')}\n${message}`;
    return { code, message, output, attempts: attemptsIn(output), stored: await this.#stored(file) };
  }

  async login(port: number): Promise<Outcome> {
    const { file, lines, open } = await this.#device();
    let failure: unknown;
    try {
      const device = await open();
      const { session } = await connectHostDevice(device, { broker: { host: 'localhost', port, tls: true }, timeoutMs: MQTT_TIMEOUT_MS });
      try {
        // Logged in: the connection must still carry a publish (QoS 1, so the broker must answer).
        await session.publish(`${PRODUCT_ID}/${DEVICE_NAME}/data`, 'hello');
      } finally {
        await session.end();
      }
    } catch (error) {
      failure = error;
    }
    const { code, message } = describe(failure);
    return { code, message, output: `${lines.join('')}\n${message}`, attempts: 1, stored: await this.#stored(file) };
  }

  async close(): Promise<void> {
    await rm(this.#dir, { recursive: true, force: true });
  }
}

const ENTRY = `
import * as library from ${JSON.stringify(DEVICE_LIBRARY)};
const PRODUCT = { productId: ${JSON.stringify(PRODUCT_ID)}, productSecret: ${JSON.stringify(PRODUCT_SECRET)}, deviceName: ${JSON.stringify(DEVICE_NAME)}, authMode: 'KEY', region: 'china' };
const OLD = { kind: 'key', deviceSecret: ${JSON.stringify(OLD_SECRET)} };
let cases = 0;
function describe(error) {
  return error === undefined ? null : { name: String(error && error.name), code: error && error.code, message: String(error && error.message) };
}
globalThis.__faults = {
  async register(port, options) {
    cases += 1;
    const lines = [];
    // A fresh NVS domain per case (at most 15 characters), holding the old credential.
    const storage = new library.PreferenceStorage({ domain: 'fault' + cases });
    await storage.save({ productId: PRODUCT.productId, deviceName: PRODUCT.deviceName, credential: OLD });
    const hal = library.createModdableHal({ storage, ca: library.loadDerResource('fault-ca.der'), logLevel: 'debug', write: (line) => lines.push(line) });
    let failure;
    try {
      await library.provision(hal, { ...PRODUCT, credential: OLD }, { ...options, gateway: { host: 'localhost', port } });
    } catch (error) {
      failure = error;
    }
    const stored = await storage.load();
    return { error: describe(failure), lines, stored: stored === undefined ? null : stored.credential.deviceSecret };
  },
  async login(port, timeoutMs) {
    const login = library.buildMqttLogin({ ...PRODUCT, credential: OLD, algorithm: 'hmacsha256', connIdRandom: library.randomBytes(8), expiry: Math.floor(Date.now() / 1000) + 3600 }, library.nativeCrypto);
    let failure;
    try {
      const session = await library.openMqttSession({ host: 'localhost', port, serverName: 'localhost', clientId: login.clientId, username: login.username, password: login.password, ca: library.loadDerResource('fault-ca.der'), keepAliveMs: 60000, timeoutMs });
      // Logged in: wait for the connection to end (the broker drops it, or the case's time-out), then publish.
      await session.closed;
      session.publish(PRODUCT.productId + '/' + PRODUCT.deviceName + '/data', 'hello');
    } catch (error) {
      failure = error;
    }
    return { error: describe(failure), lines: [], stored: null };
  },
};
`;

interface XsReport {
  error: { name: string; code: string | undefined; message: string } | null;
  lines: string[];
  stored: string | null;
}

export class XsTarget {
  readonly name = 'device code on XS';
  readonly #device: DeviceHost;

  private constructor(device: DeviceHost) {
    this.#device = device;
  }

  static async start(chain: FaultChain): Promise<XsTarget> {
    const device = await DeviceHost.boot(await bundleForXs(ENTRY), { clock: 'synced', resources: { 'fault-ca.der': chain.caDer } });
    return new XsTarget(device);
  }

  get uncaught(): readonly string[] {
    return this.#device.uncaught;
  }

  #outcome(report: XsReport, attempts?: number): Outcome {
    const error = report.error;
    const code = error === null ? undefined : error.name === 'IotError' ? error.code : `not an IotError: ${error.name}`;
    const message = error?.message ?? '';
    const output = `${report.lines.join('\n')}\n${this.#device.traces.join('\n')}\n${message}`;
    return { code, message, output, attempts: attempts ?? attemptsIn(output), stored: report.stored ?? undefined };
  }

  async register(port: number): Promise<Outcome> {
    const traces = this.#device.traces.length;
    const report = await this.#device.call<XsReport>(`__faults.register(${port}, ${JSON.stringify(PROVISION_OPTIONS)})`);
    const outcome = this.#outcome(report);
    // Only this case's lines count for attempts (traces accumulate over the machine's life).
    outcome.attempts = attemptsIn(`${report.lines.join('\n')}\n${this.#device.traces.slice(traces).join('\n')}`);
    return outcome;
  }

  async login(port: number): Promise<Outcome> {
    const report = await this.#device.call<XsReport>(`__faults.login(${port}, ${MQTT_TIMEOUT_MS})`);
    return { ...this.#outcome(report, 1), stored: OLD_SECRET };
  }

  async close(): Promise<void> {
    await this.#device.close();
  }
}
