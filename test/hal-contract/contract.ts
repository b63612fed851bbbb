/**
 * The HAL contract suite: one set of cases that every implementation of hal/hal.ts must pass — the Node HAL
 * (test/hal-contract/node-hal.test.ts), the Moddable HAL on xsnap (test/device/hal-contract-xs.test.ts) and on
 * Moddable's simulator (test/moddable/). Each case checks rules that hal.ts states with MUST / MUST NOT; the
 * case names start with the member they check.
 *
 * PORTABLE on purpose: no mocha, no node: imports, no platform globals. A case is a plain async function that
 * takes a context and throws an Error on failure; the runner of each platform supplies the context (how to
 * make a HAL, and TLS endpoints the HAL can reach — test/hal-contract/servers.ts serves them) and reports the
 * results. No case measures speed: a HAL that hangs where a rule says it must settle fails by the runner's
 * per-case time limit.
 */
import type { ByteStream, ConnectOptions, Credential, Hal, LogLevel, LogThreshold, StoredCredential } from '../../hal/hal.js';

/** A TLS endpoint the HAL under test can reach. */
export interface ContractEndpoint {
  host: string;
  port: number;
  serverName: string;
}

/** How the HAL from `freshHal` differs from a default one. */
export interface FreshHalOptions {
  /** The HAL's LogThreshold. Default 'debug' (every line reaches `logLines`). */
  logThreshold?: LogThreshold;
  /** true: the HAL's clock (now()) reads a time before the clock floor, as an unsynced device's does. */
  unsetClock?: boolean;
  /** true: the platform's log sink throws on every line (nothing reaches `logLines`). */
  logSinkThrows?: boolean;
}

export interface FreshHal {
  hal: Hal;
  productId: string;
  deviceName: string;
  /** Every line the HAL's log wrote, in order (the runner points the HAL's log sink here). */
  logLines: readonly string[];
}

export interface HalContractContext {
  /**
   * A HAL whose storage is empty, for a device of this auth mode, trusting the CA of the endpoints below
   * (except `untrusted`). Each call gives a fresh, separate store.
   */
  freshHal(authMode: 'KEY' | 'CERT', options?: FreshHalOptions): Promise<FreshHal>;
  /** Echoes every byte back. */
  echo: ContractEndpoint;
  /** Sends the ASCII bytes of `closingGreeting`, then closes the stream cleanly. */
  closing: ContractEndpoint;
  closingGreeting: string;
  /** Completes the TLS handshake, then never sends anything. */
  silent: ContractEndpoint;
  /** Completes the TLS handshake, then never reads what it is sent. */
  sink: ContractEndpoint;
  /** More bytes than every buffer between this platform's HAL and `sink` holds (so a write of them stalls). */
  sinkFillBytes: number;
  /** Accepts the TCP connection, then never answers: the TLS handshake never completes. */
  mute: ContractEndpoint;
  /** Resets the connection (TCP RST) as soon as it receives a byte. */
  reset: ContractEndpoint;
  /**
   * true on a platform whose socket reports a TCP reset as an orderly disconnect (Moddable's Linux simulator,
   * hal.ts `read`): there the reset case expects end of stream instead of 'transport'. Default false.
   */
  resetReadsAsEnd?: boolean;
  /** A TLS server whose certificate chains to a CA the HAL does NOT trust. */
  untrusted: ContractEndpoint;
  /** An address where nothing listens: a connection there is refused. */
  closedPort: ContractEndpoint;
  /**
   * How many connections the platform has started so far (the XS runner counts SecureSocket opens; a runner
   * that cannot see those counts the connections its endpoints accepted). Only differences are used.
   */
  connectionCount(): Promise<number>;
  /** Two different PEM certificates with their PEM RSA private keys (storage does not verify them). */
  sampleCertificatePem: string;
  samplePrivateKeyPem: string;
  otherCertificatePem: string;
  otherPrivateKeyPem: string;
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


function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return out;
}

function fromHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** `length` bytes of a pattern that depends on `seed` (no run repeats within 251 bytes). */
function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 7 + (i % 251)) & 0xff;
  return out;
}

/** `bytes` as a view at an odd offset inside a larger buffer with guard bytes on both sides. */
function viewInside(bytes: Uint8Array): { view: Uint8Array; whole: Uint8Array } {
  const whole = new Uint8Array(bytes.length + 10).fill(0xa5);
  whole.set(bytes, 3);
  return { view: whole.subarray(3, 3 + bytes.length), whole };
}

/** Known answers from the standards (FIPS 180-4 examples, RFC 2202, RFC 4231, SP 800-38A F.2.2). */
const JEFE = ascii('Jefe');
const WHAT = ascii('what do ya want for nothing?');
const LONG_KEY_DATA = ascii('Test Using Larger Than Block-Size Key - Hash Key First');
const AES_KEY = '2b7e151628aed2a6abf7158809cf4f3c';
const AES_IV = '000102030405060708090a0b0c0d0e0f';
const AES_CIPHERTEXT = '7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7';
const AES_PLAINTEXT = '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710';

type PrimitiveCall = { name: string; length: number; call: (crypto: Hal['crypto'], inputs: Uint8Array[]) => Uint8Array; inputs: Uint8Array[]; expected: string };

const PRIMITIVE_CALLS: readonly PrimitiveCall[] = Object.freeze([
  { name: 'sha1("abc")', length: 20, call: (c, [d]) => c.sha1(d!), inputs: [ascii('abc')], expected: 'a9993e364706816aba3e25717850c26c9cd0d89d' },
  { name: 'sha1("")', length: 20, call: (c, [d]) => c.sha1(d!), inputs: [new Uint8Array(0)], expected: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
  { name: 'sha256("abc")', length: 32, call: (c, [d]) => c.sha256(d!), inputs: [ascii('abc')], expected: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
  { name: 'hmacSha1 RFC 2202 case 2', length: 20, call: (c, [k, m]) => c.hmacSha1(k!, m!), inputs: [JEFE, WHAT], expected: 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79' },
  { name: 'hmacSha1 RFC 2202 case 6 (80-byte key)', length: 20, call: (c, [k, m]) => c.hmacSha1(k!, m!), inputs: [new Uint8Array(80).fill(0xaa), LONG_KEY_DATA], expected: 'aa4ae5e15272d00e95705637ce8a3b55ed402112' },
  { name: 'hmacSha256 RFC 4231 case 2', length: 32, call: (c, [k, m]) => c.hmacSha256(k!, m!), inputs: [JEFE, WHAT], expected: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' },
  { name: 'hmacSha256 RFC 4231 case 6 (131-byte key)', length: 32, call: (c, [k, m]) => c.hmacSha256(k!, m!), inputs: [new Uint8Array(131).fill(0xaa), LONG_KEY_DATA], expected: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54' },
  { name: 'aes128CbcDecrypt SP 800-38A F.2.2', length: 64, call: (c, [k, iv, d]) => c.aes128CbcDecrypt(k!, iv!, d!), inputs: [fromHex(AES_KEY), fromHex(AES_IV), fromHex(AES_CIPHERTEXT)], expected: AES_PLAINTEXT },
]);

function connectOptions(endpoint: ContractEndpoint, timeoutMs = 5000) {
  return { host: endpoint.host, port: endpoint.port, serverName: endpoint.serverName, trust: 'tencent-iothub' as const, timeoutMs };
}

/** Runs `body` on a stream a fresh KEY HAL opened with `options`, and closes the stream however `body` ends. */
async function onStream(context: HalContractContext, options: ConnectOptions, body: (stream: ByteStream, hal: Hal) => Promise<void>): Promise<void> {
  const { hal } = await context.freshHal('KEY');
  const stream = await hal.connect(options);
  try {
    await body(stream, hal);
  } finally {
    stream.close();
  }
}

export const halContractCases: readonly HalContractCase[] = Object.freeze([
  {
    name: 'crypto: every primitive gives the standards\' answers (FIPS 180-4, RFC 2202, RFC 4231, SP 800-38A)',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      for (const entry of PRIMITIVE_CALLS) {
        const out = entry.call(hal.crypto, entry.inputs);
        assert(out instanceof Uint8Array, `${entry.name}: not a Uint8Array`);
        assert(out.length === entry.length, `${entry.name}: ${out.length} bytes, not ${entry.length}`);
        assert(hex(out) === entry.expected, `${entry.name}: wrong answer`);
      }
    },
  },
  {
    name: 'crypto: inputs that are views at an offset give the same answers and are not modified',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      for (const entry of PRIMITIVE_CALLS) {
        const placed = entry.inputs.map(viewInside);
        const before = placed.map((p) => hex(p.whole));
        const out = entry.call(hal.crypto, placed.map((p) => p.view));
        assert(hex(out) === entry.expected, `${entry.name}: a view at an offset gives another answer (the rest of its buffer leaked in?)`);
        placed.forEach((p, i) => assert(hex(p.whole) === before[i], `${entry.name}: input ${i} (or the bytes around it) was modified`));
      }
    },
  },
  {
    name: 'crypto: each result belongs to the caller (a later call does not change it; it shares no input buffer)',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      for (const entry of PRIMITIVE_CALLS) {
        const first = entry.call(hal.crypto, entry.inputs);
        const firstHex = hex(first);
        entry.call(hal.crypto, entry.inputs.map((input) => input.map((byte) => byte ^ 0xff)));
        assert(hex(first) === firstHex, `${entry.name}: a later call changed an earlier result`);
        entry.inputs.forEach((input, i) => assert(first.buffer !== input.buffer, `${entry.name}: the result shares input ${i}'s buffer`));
      }
    },
  },
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
    name: 'storage: load resolves a new object each time (changing it changes nothing stored)',
    async run(context) {
      const { hal, productId, deviceName } = await context.freshHal('KEY');
      await hal.storage.save({ productId, deviceName, credential: { kind: 'key', deviceSecret: deviceSecret(4) } });
      const first = await hal.storage.load();
      assert(first !== undefined && first.credential.kind === 'key', 'nothing (or the wrong kind) loaded');
      (first.credential as { deviceSecret: string }).deviceSecret = deviceSecret(5);
      first.deviceName = 'changed-by-the-caller';
      const second = await hal.storage.load();
      assert(second !== undefined && second !== first, 'load resolved the same object twice');
      assert(second.deviceName === deviceName, 'changing a loaded value changed the stored identity');
      assert(second.credential.kind === 'key' && second.credential.deviceSecret === deviceSecret(4), 'changing a loaded value changed the stored secret');
    },
  },
  {
    name: 'storage: save takes its value before it returns (the caller may change it at once)',
    async run(context) {
      const { hal, productId, deviceName } = await context.freshHal('CERT');
      const credential = { kind: 'cert' as const, certificatePem: context.sampleCertificatePem, privateKeyPem: context.samplePrivateKeyPem };
      const value: StoredCredential = { productId, deviceName, credential };
      const saving = hal.storage.save(value);
      credential.certificatePem = context.otherCertificatePem;
      credential.privateKeyPem = context.otherPrivateKeyPem;
      value.deviceName = 'changed-by-the-caller';
      await saving;
      const loaded = await hal.storage.load();
      assert(loaded !== undefined && loaded.deviceName === deviceName, `stored ${describe(loaded)}, not the value as it was when save was called`);
      assert(sameCredential(loaded.credential, { kind: 'cert', certificatePem: context.sampleCertificatePem, privateKeyPem: context.samplePrivateKeyPem }),
        'stored the credential as the caller changed it after save returned');
    },
  },
  {
    name: 'storage: a load during a save gives the old or the new value, never a mixture; saves take effect in call order',
    async run(context) {
      const { hal, productId, deviceName } = await context.freshHal('CERT');
      const pair = (certificatePem: string, privateKeyPem: string): StoredCredential => ({ productId, deviceName, credential: { kind: 'cert', certificatePem, privateKeyPem } });
      const a = pair(context.sampleCertificatePem, context.samplePrivateKeyPem);
      const b = pair(context.otherCertificatePem, context.otherPrivateKeyPem);
      await hal.storage.save(a);
      const saves: Promise<void>[] = [];
      const pending: Promise<StoredCredential | undefined>[] = [];
      for (let round = 0; round < 4; round++) {
        saves.push(hal.storage.save(b));
        pending.push(hal.storage.load(), hal.storage.load());
        saves.push(hal.storage.save(a));
        pending.push(hal.storage.load());
      }
      saves.push(hal.storage.save(b));
      pending.push(hal.storage.load());
      const loads = await Promise.all(pending);
      await Promise.all(saves);
      loads.forEach((loaded, i) => {
        assert(loaded !== undefined, `load ${i + 1} during a save resolved nothing`);
        assert(sameCredential(loaded.credential, a.credential) || sameCredential(loaded.credential, b.credential),
          `load ${i + 1} during a save resolved a mixture of two credentials`);
      });
      const last = await hal.storage.load();
      assert(last !== undefined && sameCredential(last.credential, b.credential), 'after overlapping saves, load does not give the last one');
    },
  },
  {
    name: 'connect: write and read echo over verified TLS',
    async run(context) {
      await onStream(context, connectOptions(context.echo), async (stream) => {
        const message = ascii('POST /register/dev HTTP/1.1\r\nHost: contract\r\n\r\n{"hello":"echo"}');
        await stream.write(message);
        const echoed = await readExactly(stream, message.length);
        for (let i = 0; i < message.length; i++) assert(echoed[i] === message[i], `echoed byte ${i} differs`);
        const big = new Uint8Array(20000);
        for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
        await stream.write(big);
        const bigEcho = await readExactly(stream, big.length);
        for (let i = 0; i < big.length; i++) assert(bigEcho[i] === big[i], `echoed byte ${i} of the large write differs`);
      });
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
      await onStream(context, connectOptions(context.silent, 300), async (stream) => {
        const code = await rejectionCode(stream.read(), 'read from a silent peer');
        assert(code === 'timeout', `silent peer gave '${code}', expected 'timeout'`);
      });
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
    name: 'connect: a refused connection rejects with transport (or tls where the platform cannot tell), without waiting for the timeout',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      const code = await rejectionCode(hal.connect(connectOptions(context.closedPort, 30000)), 'connect to a port where nothing listens');
      assert(code === 'transport' || code === 'tls', `a refused connection gave '${code}', expected 'transport' (or 'tls')`);
    },
  },
  {
    name: 'connect: a handshake that never completes rejects with timeout',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      const code = await rejectionCode(hal.connect(connectOptions(context.mute, 300)), 'connect to a server that never answers the handshake');
      assert(code === 'timeout', `a handshake with no answer gave '${code}', expected 'timeout'`);
    },
  },
  {
    name: 'connect: with the clock before the floor rejects with clock, and starts no connection',
    async run(context) {
      const unset = await context.freshHal('KEY', { unsetClock: true });
      const before = await context.connectionCount();
      const code = await rejectionCode(unset.hal.connect(connectOptions(context.echo)), 'connect with an unset clock');
      assert(code === 'clock', `an unset clock gave '${code}', expected 'clock'`);
      // One real connection afterwards: the count must grow by exactly that one.
      const { hal } = await context.freshHal('KEY');
      const stream = await hal.connect(connectOptions(context.echo));
      await stream.write(ascii('.'));
      await readExactly(stream, 1);
      stream.close();
      const after = await context.connectionCount();
      assert(after - before === 1, `connect with an unset clock started ${after - before - 1} connection(s)`);
    },
  },
  {
    name: 'connect: a client certificate without its key rejects with bad-input',
    async run(context) {
      const { hal } = await context.freshHal('CERT');
      const options = { ...connectOptions(context.echo), clientCertificate: Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01) };
      const code = await rejectionCode(hal.connect(options), 'connect with a certificate and no key');
      assert(code === 'bad-input', `a certificate without a key gave '${code}', expected 'bad-input'`);
    },
  },
  {
    name: 'write: the caller may change the buffer as soon as write returned; the original bytes are sent',
    async run(context) {
      await onStream(context, connectOptions(context.echo), async (stream) => {
        // A large write first, so that the platform must queue the second one rather than send it at once.
        const ahead = pattern(20_000, 5);
        const writingAhead = stream.write(ahead);
        const data = pattern(5000, 7);
        const original = data.slice();
        const writing = stream.write(data);
        data.fill(0x55);
        ahead.fill(0x55);
        const echoed = await readExactly(stream, ahead.length + original.length);
        await Promise.all([writingAhead, writing]);
        assert(hex(echoed.subarray(0, ahead.length)) === hex(pattern(20_000, 5)), 'the bytes sent are not the ones the first buffer held when write was called');
        assert(hex(echoed.subarray(ahead.length)) === hex(original), 'the bytes sent are not the ones the buffer held when write was called');
      });
    },
  },
  {
    name: 'write: overlapping writes go out in call order and settle in call order; an empty write resolves',
    async run(context) {
      await onStream(context, connectOptions(context.echo), async (stream) => {
        const parts = [pattern(3000, 1), new Uint8Array(0), pattern(10, 2), pattern(2500, 3)];
        const before = parts.map(hex);
        const settled: number[] = [];
        await Promise.all(parts.map((part, i) => stream.write(part).then(() => { settled.push(i); })));
        assert(settled.join() === '0,1,2,3', `writes settled in the order ${settled.join()}`);
        parts.forEach((part, i) => assert(hex(part) === before[i], `write ${i} modified the caller's buffer`));
        const expected = hex(parts[0]!) + hex(parts[2]!) + hex(parts[3]!);
        const echoed = await readExactly(stream, 3000 + 10 + 2500);
        assert(hex(echoed) === expected, 'the bytes of overlapping writes arrived out of order or interleaved');
      });
    },
  },
  {
    name: 'write: to a peer that reads nothing rejects with timeout (or transport where the socket refuses) and fails the stream',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      const stream = await hal.connect(connectOptions(context.sink, 500));
      const code = await rejectionCode(stream.write(pattern(context.sinkFillBytes, 9)), 'write to a peer that reads nothing');
      assert(code === 'timeout' || code === 'transport', `a stalled write gave '${code}', expected 'timeout' (or 'transport')`);
      const readCode = await rejectionCode(stream.read(), 'read after a write failed');
      assert(readCode === code, `read after a write failed with '${code}' gave '${readCode}', expected '${code}' again`);
      const writeCode = await rejectionCode(stream.write(ascii('x')), 'write after a write timed out');
      assert(writeCode === 'transport', `write after a timeout gave '${writeCode}', expected 'transport'`);
      stream.close();
    },
  },
  {
    name: 'write: close while a write is pending rejects it with transport',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      const stream = await hal.connect(connectOptions(context.sink, 30000));
      const writing = stream.write(pattern(context.sinkFillBytes, 11));
      await hal.sleep(50);
      stream.close();
      const code = await rejectionCode(writing, 'write pending at close');
      assert(code === 'transport', `a write pending at close gave '${code}', expected 'transport'`);
      assert(await stream.read() === undefined, 'read after close did not resolve undefined');
    },
  },
  {
    name: 'write: after the peer ended the stream rejects with transport',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      const stream = await hal.connect(connectOptions(context.closing));
      await readExactly(stream, context.closingGreeting.length);
      assert(await stream.read() === undefined, 'the peer ended the stream, but read did not resolve undefined');
      const code = await rejectionCode(stream.write(ascii('late')), 'write after the peer ended the stream');
      assert(code === 'transport', `write after the peer ended the stream gave '${code}', expected 'transport'`);
      stream.close();
    },
  },
  {
    name: 'read: each chunk belongs to the caller (later reads do not change it; changing it changes no later chunk)',
    async run(context) {
      await onStream(context, connectOptions(context.echo), async (stream) => {
        const kept: { chunk: Uint8Array; copy: string }[] = [];
        let sent = '';
        let received = '';
        for (let round = 0; round < 4; round++) {
          const data = pattern(1500, round * 17 + 1);
          sent += hex(data);
          await stream.write(data);
          let got = 0;
          while (got < data.length) {
            const chunk = await stream.read();
            assert(chunk !== undefined && chunk.length >= 1, 'the echo ended early');
            received += hex(chunk);
            got += chunk.length;
            // Every other chunk the caller overwrites: a HAL that reused its memory would corrupt later chunks.
            if (kept.length % 2 === 1) chunk.fill(0xee);
            kept.push({ chunk, copy: hex(chunk) });
          }
        }
        kept.forEach((entry, i) => assert(hex(entry.chunk) === entry.copy, `chunk ${i} changed after later reads`));
        assert(received === sent, 'the bytes read are not the bytes echoed (a chunk the caller changed leaked into a later one?)');
      });
    },
  },
  {
    name: 'read: a second read while one is pending rejects with bad-input, and the first still gets the data',
    async run(context) {
      await onStream(context, connectOptions(context.echo), async (stream) => {
        const first = stream.read();
        const code = await rejectionCode(stream.read(), 'a second pending read');
        assert(code === 'bad-input', `a second pending read gave '${code}', expected 'bad-input'`);
        await stream.write(ascii('after'));
        const chunk = await first;
        assert(chunk !== undefined && chunk.length >= 1 && chunk[0] === 0x61, 'the first read did not get the echoed bytes');
        const rest = chunk.length < 5 ? await readExactly(stream, 5 - chunk.length) : new Uint8Array(0);
        assert(chunk.length + rest.length === 5, 'the echo lost bytes');
      });
    },
  },
  {
    name: 'read: a connection reset rejects with transport (end of stream where the platform reports it so), again on every later read; writes then reject with transport',
    async run(context) {
      await onStream(context, connectOptions(context.reset), async (stream) => {
        await stream.write(ascii('!'));
        if (context.resetReadsAsEnd === true) {
          assert(await stream.read() === undefined, 'a reset the platform reports as a disconnect did not read as end of stream');
          assert(await stream.read() === undefined, 'read after that end of stream did not resolve undefined again');
        } else {
          const code = await rejectionCode(stream.read(), 'read from a peer that reset the connection');
          assert(code === 'transport', `a reset gave '${code}', expected 'transport'`);
          const again = await rejectionCode(stream.read(), 'read after a reset');
          assert(again === 'transport', `read after a reset gave '${again}', expected 'transport'`);
        }
        const writeCode = await rejectionCode(stream.write(ascii('x')), 'write after a reset');
        assert(writeCode === 'transport', `write after a reset gave '${writeCode}', expected 'transport'`);
      });
    },
  },
  {
    name: 'read: after a read timed out, reads reject with timeout again and writes with transport',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      const stream = await hal.connect(connectOptions(context.silent, 300));
      const code = await rejectionCode(stream.read(), 'read from a silent peer');
      assert(code === 'timeout', `silent peer gave '${code}', expected 'timeout'`);
      const again = await rejectionCode(stream.read(), 'read after a timeout');
      assert(again === 'timeout', `read after a timeout gave '${again}', expected 'timeout'`);
      const writeCode = await rejectionCode(stream.write(ascii('x')), 'write after a read timed out');
      assert(writeCode === 'transport', `write after a read timed out gave '${writeCode}', expected 'transport'`);
      stream.close();
      assert(await stream.read() === undefined, 'read after close did not resolve undefined');
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
    name: 'random: random(n) gives exactly n new bytes, random(0) is empty, and they vary',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      for (const n of [0, 1, 5, 16, 33, 1000]) {
        const bytes = hal.random(n);
        assert(bytes instanceof Uint8Array && bytes.length === n, `random(${n}) gave ${bytes.length} bytes`);
      }
      const a = hal.random(32);
      const b = hal.random(32);
      assert(a.buffer !== b.buffer, 'two calls of random returned views of one buffer');
      let same = 0;
      for (let i = 0; i < 32; i++) if (a[i] === b[i]) same++;
      assert(same < 32, 'two calls of random(32) returned the same bytes');
      const seen = new Set<number>();
      for (const byte of hal.random(256)) seen.add(byte);
      assert(seen.size > 64, `random(256) used only ${seen.size} distinct byte values`);
    },
  },
  {
    name: 'sleep: resolves for 0, fractions, negative and non-finite ms; not before the time has passed on the HAL clock',
    async run(context) {
      const { hal } = await context.freshHal('KEY');
      for (const ms of [0, 0.5, 2.5, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
        const result = await hal.sleep(ms);
        assert(result === undefined, `sleep(${ms}) resolved a value`);
      }
      const before = hal.now();
      await hal.sleep(1100);
      assert(hal.now() >= before + 1, 'sleep(1100) returned before one second passed on now()');
    },
  },
  {
    name: 'log: never throws (also when its sink throws), and writes exactly the lines at or above the threshold, for every threshold',
    async run(context) {
      const levels: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];
      const thresholds: readonly LogThreshold[] = ['off', ...levels];
      for (const threshold of thresholds) {
        const { hal, logLines } = await context.freshHal('KEY', { logThreshold: threshold });
        const allowed = threshold === 'off' ? 0 : levels.indexOf(threshold) + 1;
        levels.forEach((level, i) => {
          hal.log(level, `contract line ${level} under ${threshold}`);
          hal.log(level, '');
          hal.log(level, 'multi\nline \u00e9 \ud83d\ude00');
          const written = logLines.filter((line) => line.includes(`contract line ${level} under ${threshold}`)).length;
          assert(written === (i < allowed ? 1 : 0), `threshold '${threshold}': a '${level}' line was written ${written} time(s)`);
        });
      }
      const { hal } = await context.freshHal('KEY', { logThreshold: 'debug', logSinkThrows: true });
      for (const level of levels) hal.log(level, `contract line ${level} into a sink that throws`);
    },
  },
]);
