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
