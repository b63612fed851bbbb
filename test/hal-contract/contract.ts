/**
 * The HAL contract suite: one set of cases that every implementation of hal/hal.ts must pass — the Node HAL
 * (test/hal-contract/node-hal.test.ts) and the Moddable HAL (run on XS by the firmware's test runner).
 *
 * PORTABLE on purpose: no mocha, no node: imports, no platform globals. A case is a plain async function that
 * takes a context and throws an Error on failure; the runner of each platform supplies the context (how to
 * make a HAL with empty storage, and TLS endpoints the HAL can reach) and reports the results.
 */
import type { Credential, Hal, StoredCredential } from '../../hal/hal.js';

/** A TLS endpoint the HAL under test can reach. */
export interface ContractEndpoint {
  host: string;
  port: number;
  serverName: string;
}

export interface HalContractContext {
  /** A HAL whose storage is empty, for a device of this auth mode. Each call gives a fresh, separate store. */
  freshHal(authMode: 'KEY' | 'CERT'): Promise<{ hal: Hal; productId: string; deviceName: string }>;
  /** Echoes every byte back; its certificate chains to the CA the HALs from freshHal trust. */
  echo: ContractEndpoint;
  /** Sends the ASCII bytes of `closingGreeting`, then closes the stream cleanly. Trusted like `echo`. */
  closing: ContractEndpoint;
  closingGreeting: string;
  /** Completes the TLS handshake, then never sends anything. Trusted like `echo`. */
  silent: ContractEndpoint;
  /** A TLS server whose certificate chains to a CA the HAL does NOT trust. */
  untrusted: ContractEndpoint;
  /** A PEM certificate and PEM RSA private key to store (any valid pair; storage does not verify them). */
  sampleCertificatePem: string;
  samplePrivateKeyPem: string;
  /** The core's MAX_STORED_CREDENTIAL_BYTES: the largest value storage must accept. */
  maxStoredCredentialBytes: number;
}

export interface HalContractCase {
  name: string;
  run(context: HalContractContext): Promise<void>;
}

function fail(message: string): never {
  throw new Error(message);
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) fail(message);
}

/** Resolves to the error code the promise rejected with; fails when it resolved. */
async function rejectionCode(promise: Promise<unknown>, what: string): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
    assert(name === 'IotError', `${what}: rejected with ${String(name)} instead of an IotError`);
    return String(code);
  }
  return fail(`${what}: resolved, but it should have rejected`);
}

function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0x7f;
  return out;
}

function sameCredential(a: Credential, b: Credential): boolean {
  if (a.kind === 'key' && b.kind === 'key') return a.deviceSecret === b.deviceSecret;
  if (a.kind === 'cert' && b.kind === 'cert') return a.certificatePem === b.certificatePem && a.privateKeyPem === b.privateKeyPem;
  return false;
}

function describe(value: StoredCredential | undefined): string {
  return value === undefined ? 'nothing' : `${value.productId}/${value.deviceName} (${value.credential.kind})`;
}

/** Base64 of 16 bytes whose first byte is `seed`: the shape of a Tencent device secret. */
function deviceSecret(seed: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < 21; i++) out += alphabet[(seed * 7 + i * 13) % 64];
  return `${out}A==`;
}

/** Reads from `stream` until `length` bytes arrived (chunk sizes are arbitrary). */
async function readExactly(stream: { read(): Promise<Uint8Array | undefined> }, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const chunk = await stream.read();
    assert(chunk !== undefined, `stream ended after ${filled} of ${length} bytes`);
    assert(chunk.length >= 1, 'read resolved an empty chunk');
    assert(filled + chunk.length <= length, `received more bytes than were sent (${filled + chunk.length} > ${length})`);
    out.set(chunk, filled);
    filled += chunk.length;
  }
  return out;
}

function connectOptions(endpoint: ContractEndpoint, timeoutMs = 5000) {
  return { host: endpoint.host, port: endpoint.port, serverName: endpoint.serverName, trust: 'tencent-iothub' as const, timeoutMs };
}

export const halContractCases: readonly HalContractCase[] = Object.freeze([
  {
    name: 'storage: load on an empty store resolves undefined',
    async run(context) {
      for (const mode of ['KEY', 'CERT'] as const) {
        const { hal } = await context.freshHal(mode);
        const loaded = await hal.storage.load();
        assert(loaded === undefined, `${mode}: expected nothing, loaded ${describe(loaded)}`);
      }
    },
  },
  {
    name: 'storage: save then load round-trips a key credential',
    async run(context) {
      const { hal, productId, deviceName } = await context.freshHal('KEY');
      const value: StoredCredential = { productId, deviceName, credential: { kind: 'key', deviceSecret: deviceSecret(1) } };
      await hal.storage.save(value);
      const loaded = await hal.storage.load();
      assert(loaded !== undefined, 'nothing loaded after save');
      assert(loaded.productId === productId && loaded.deviceName === deviceName, `identity changed: ${describe(loaded)}`);
      assert(sameCredential(loaded.credential, value.credential), 'the loaded key credential differs from the saved one');
    },
  },
  {
    name: 'storage: save then load round-trips a certificate credential',
    async run(context) {
      const { hal, productId, deviceName } = await context.freshHal('CERT');
      const value: StoredCredential = {
        productId, deviceName,
        credential: { kind: 'cert', certificatePem: context.sampleCertificatePem, privateKeyPem: context.samplePrivateKeyPem },
      };
      await hal.storage.save(value);
      const loaded = await hal.storage.load();
      assert(loaded !== undefined, 'nothing loaded after save');
      assert(sameCredential(loaded.credential, value.credential), 'the loaded certificate credential differs from the saved one');
    },
  },
  {
    name: 'storage: a second save replaces the first completely',
    async run(context) {
      const { hal, productId, deviceName } = await context.freshHal('KEY');
      await hal.storage.save({ productId, deviceName, credential: { kind: 'key', deviceSecret: deviceSecret(2) } });
      await hal.storage.save({ productId, deviceName, credential: { kind: 'key', deviceSecret: deviceSecret(3) } });
      const loaded = await hal.storage.load();
      assert(loaded !== undefined && loaded.credential.kind === 'key', 'nothing (or the wrong kind) loaded');
      assert(loaded.credential.deviceSecret === deviceSecret(3), 'the second save did not replace the first');
    },
  },
  {
    name: 'storage: refuses a value over the device limit and keeps the previous one',
    async run(context) {
      const { hal, productId, deviceName } = await context.freshHal('CERT');
      const good: StoredCredential = {
        productId, deviceName,
        credential: { kind: 'cert', certificatePem: context.sampleCertificatePem, privateKeyPem: context.samplePrivateKeyPem },
      };
      await hal.storage.save(good);
      const huge = `-----BEGIN CERTIFICATE-----\n${'A'.repeat(context.maxStoredCredentialBytes + 1)}\n-----END CERTIFICATE-----\n`;
      const oversized: StoredCredential = { productId, deviceName, credential: { kind: 'cert', certificatePem: huge, privateKeyPem: context.samplePrivateKeyPem } };
      const code = await rejectionCode(hal.storage.save(oversized), 'save of an over-limit value');
      assert(code === 'storage', `over-limit save rejected with '${code}', expected 'storage'`);
      const loaded = await hal.storage.load();
      assert(loaded !== undefined && sameCredential(loaded.credential, good.credential), 'a refused save damaged the stored value');
    },
  },
  {
    name: 'connect: write and read echo over verified TLS',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      const stream = await hal.connect(connectOptions(context.echo));
      try {
        const message = ascii('POST /register/dev HTTP/1.1\r\nHost: contract\r\n\r\n{"hello":"echo"}');
        await stream.write(message);
        const echoed = await readExactly(stream, message.length);
        for (let i = 0; i < message.length; i++) assert(echoed[i] === message[i], `echoed byte ${i} differs`);
        const big = new Uint8Array(20000);
        for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
        await stream.write(big);
        const bigEcho = await readExactly(stream, big.length);
        for (let i = 0; i < big.length; i++) assert(bigEcho[i] === big[i], `echoed byte ${i} of the large write differs`);
      } finally {
        stream.close();
      }
    },
  },
  {
    name: 'connect: read after the peer closed resolves undefined, again and again',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      const stream = await hal.connect(connectOptions(context.closing));
      const greeting = await readExactly(stream, context.closingGreeting.length);
      let text = '';
      for (const byte of greeting) text += String.fromCharCode(byte);
      assert(text === context.closingGreeting, `expected the greeting "${context.closingGreeting}", got "${text}"`);
      assert(await stream.read() === undefined, 'first read after the peer closed did not resolve undefined');
      assert(await stream.read() === undefined, 'second read after the peer closed did not resolve undefined');
      stream.close();
    },
  },
  {
    name: 'connect: close is idempotent, never throws, and ends a pending read',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      const stream = await hal.connect(connectOptions(context.silent));
      const pending = stream.read();
      stream.close();
      stream.close();
      const result = await pending;
      assert(result === undefined, 'a read pending at close did not resolve undefined');
      stream.close();
      const code = await rejectionCode(stream.write(ascii('x')), 'write after close');
      assert(code === 'transport', `write after close rejected with '${code}', expected 'transport'`);
    },
  },
  {
    name: 'connect: a read with no data rejects with timeout',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      const stream = await hal.connect(connectOptions(context.silent, 300));
      try {
        const code = await rejectionCode(stream.read(), 'read from a silent peer');
        assert(code === 'timeout', `silent peer gave '${code}', expected 'timeout'`);
      } finally {
        stream.close();
      }
    },
  },
  {
    name: 'connect: a server the CA does not vouch for rejects with tls',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      const code = await rejectionCode(hal.connect(connectOptions(context.untrusted)), 'connect to an untrusted server');
      assert(code === 'tls', `untrusted server gave '${code}', expected 'tls'`);
    },
  },
  {
    name: 'connect: a server name the certificate does not carry rejects with tls',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      const options = { ...connectOptions(context.echo), serverName: 'not-this-host.example' };
      const code = await rejectionCode(hal.connect(options), 'connect with a wrong server name');
      assert(code === 'tls', `wrong server name gave '${code}', expected 'tls'`);
    },
  },
  {
    name: 'clock: now() is whole Unix seconds after 2020 and before 2100',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      const now = hal.now();
      assert(Number.isInteger(now), `now() returned ${now}, not an integer`);
      assert(now > 1577836800 && now < 4102444800, `now() returned ${now}, outside 2020..2100`);
    },
  },
  {
    name: 'random: random(n) gives n bytes, and they vary',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      for (const n of [0, 1, 5, 16, 33]) {
        const bytes = hal.random(n);
        assert(bytes instanceof Uint8Array && bytes.length === n, `random(${n}) gave ${bytes.length} bytes`);
      }
      const a = hal.random(32);
      const b = hal.random(32);
      let same = 0;
      for (let i = 0; i < 32; i++) if (a[i] === b[i]) same++;
      assert(same < 32, 'two calls of random(32) returned the same bytes');
      const seen = new Set<number>();
      for (const byte of hal.random(256)) seen.add(byte);
      assert(seen.size > 64, `random(256) used only ${seen.size} distinct byte values`);
    },
  },
  {
    name: 'sleep: resolves, and not before the time has passed on the HAL clock',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      await hal.sleep(0);
      const before = hal.now();
      await hal.sleep(1100);
      assert(hal.now() >= before + 1, 'sleep(1100) returned before one second passed on now()');
    },
  },
  {
    name: 'log: never throws, at every level, with any text',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      for (const level of ['error', 'warn', 'info', 'debug'] as const) {
        hal.log(level, `contract ${level} line`);
        hal.log(level, '');
        hal.log(level, 'multi\nline \u00e9 \ud83d\ude00');
      }
    },
  },
]);
