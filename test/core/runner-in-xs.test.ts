/**
 * The protocol code and the runner on the real XS engine (@agoric/xsnap): src/index.ts is bundled on the fly
 * (so this does not depend on a stale dist/), loaded into XS, and driven there with a fake HAL written in
 * plain JavaScript. The gateway's answers are made in Node with node:crypto and passed in as bytes.
 */
import { strict as assert } from 'node:assert';
import { createPrivateKey } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startXs, XsEvaluationError, type XsHost } from '../xs/xs-host.js';
import { encryptPayload } from './support/node-encrypt.js';
import { vectors } from '../vectors/tencent.js';

const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';
const PSK = 'zDUa5wy4XFn2EbJ8Zwj/og==';

async function bundleCore(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../../src/index.ts', import.meta.url))],
    bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', write: false, logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** A fake HAL inside XS: one scripted answer (hex chunks) per connection, instant sleep, fixed clock. */
const FAKE_HAL = `
globalThis.makeHal = (answers, saveFails) => {
  const state = { connects: 0, closed: 0, sleeps: [], logs: [], saved: [] };
  const hal = {
    state,
    crypto: core.jsCrypto,
    storage: {
      async load() { return state.saved[state.saved.length - 1]; },
      async save(value) { if (saveFails) throw new core.IotError('storage', 'flash full'); state.saved.push(value); },
    },
    async connect(options) {
      const answer = answers[state.connects++];
      if (answer === 'refuse') throw new core.IotError('transport', 'connection refused');
      const chunks = answer.map((hex) => xsTest.bytes(hex));
      let closed = false;
      return {
        async write(data) {},
        async read() { return closed ? undefined : chunks.shift(); },
        close() { if (!closed) state.closed++; closed = true; },
      };
    },
    now() { return 1767225600; },
    random(n) { const out = new Uint8Array(n); for (let i = 0; i < n; i++) out[i] = 0xa5; return out; },
    async sleep(ms) { state.sleeps.push(ms); },
    log(level, message) { state.logs.push(level + ': ' + message); },
  };
  return hal;
};
`;

const hexChunks = (text: string, size: number): string[] => {
  const bytes = Buffer.from(text, 'utf8');
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size).toString('hex'));
  return out;
};

describe('the protocol code and the runner on the XS engine', function () {
  this.timeout(60_000);
  let xs: XsHost | undefined;
  before(async () => {
    xs = await startXs({ name: 'runner-in-xs' });
    await xs.loadBundle(await bundleCore(), 'core');
    await xs.run(FAKE_HAL);
  });
  after(async () => {
    await xs?.close();
  });
  const host = (): XsHost => {
    assert.ok(xs, 'XS did not start');
    return xs;
  };

  it('provisions a key device over v1 after a refused connect and a 503, in XS', async () => {
    const sealed = encryptPayload(SECRET, `{"encryptionType":2,"psk":"${PSK}"}`);
    const ok = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${(60).toString(16)}\r\n${JSON.stringify({ code: 0, message: '', len: sealed.Len, payload: sealed.Payload }).slice(0, 60)}\r\n`;
    const body = JSON.stringify({ code: 0, message: '', len: sealed.Len, payload: sealed.Payload });
    const rest = body.slice(60);
    const wire = `${ok}${Buffer.byteLength(rest).toString(16)};ext=1\r\n${rest}\r\n0\r\nX-T: 1\r\n\r\n`;
    const answers = ['refuse', hexChunks('HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n', 5), hexChunks(wire, 3)];
    const record = { productId: 'K7QW2ZP4XA', productSecret: SECRET, deviceName: 'sensor-0001', authMode: 'KEY', region: 'china' };
    const { value } = await host().value<{ result: { registered: boolean; attempts: number; record: { credential: unknown } }; state: { closed: number; sleeps: number[]; saved: unknown[]; logs: string[] } }>(
      `(async () => { const hal = makeHal(${JSON.stringify(answers)}, false); const result = await core.provision(hal, ${JSON.stringify(record)}, {}); return { result, state: hal.state }; })()`,
    );
    assert.equal(value.result.registered, true);
    assert.equal(value.result.attempts, 3);
    assert.deepEqual(value.result.record.credential, { kind: 'key', deviceSecret: PSK });
    assert.equal(value.state.closed, 2);
    assert.deepEqual(value.state.sleeps, [0xa5a5a5a5 % 1001, 0xa5a5a5a5 % 2001]);
    assert.equal(value.state.saved.length, 1);
    assert.ok(value.state.logs.every((l) => !l.includes(PSK) && !l.includes(SECRET)));
  });

  it('surfaces typed errors from XS: refused verbatim, storage on a failed save, bad-response for a throwing crypto primitive', async () => {
    const refusal = hexChunks('HTTP/1.1 200 OK\r\nContent-Length: 48\r\n\r\n{"code":1010,"message":"Check signature failed"}', 7);
    const record = { productId: 'K7QW2ZP4XA', productSecret: SECRET, deviceName: 'sensor-0001', authMode: 'KEY', region: 'china' };
    await assert.rejects(
      host().value(`core.provision(makeHal(${JSON.stringify([refusal])}, false), ${JSON.stringify(record)}, {})`),
      (e: unknown) => e instanceof XsEvaluationError && e.xsCode === 'refused' && /1010/.test(e.message),
    );
    const sealed = encryptPayload(SECRET, `{"encryptionType":2,"psk":"${PSK}"}`);
    const body = JSON.stringify({ code: 0, len: sealed.Len, payload: sealed.Payload });
    const okAnswer = hexChunks(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`, 100);
    await assert.rejects(
      host().value(`core.provision(makeHal(${JSON.stringify([okAnswer])}, true), ${JSON.stringify(record)}, {})`),
      (e: unknown) => e instanceof XsEvaluationError && e.xsCode === 'storage',
    );
    // A native primitive that throws (as Moddable's crypt does on a bad key size) leaves provision() only as an IotError.
    await assert.rejects(
      host().value(`(() => { const hal = makeHal(${JSON.stringify([okAnswer])}, false); hal.crypto = { ...core.jsCrypto, aes128CbcDecrypt() { throw new Error('bad key size'); } }; return core.provision(hal, ${JSON.stringify(record)}, {}); })()`),
      (e: unknown) => e instanceof XsEvaluationError && e.xsCode === 'bad-response' && /aes128CbcDecrypt failed/.test(e.message),
    );
  });

  it('decrypts the cert-mode vector and converts its key to the same PKCS#8 as node:crypto, in XS', async () => {
    const v = vectors.payloads.find((p) => p.name === 'cert-mode')!;
    const { value } = await host().value<string>(
      `(() => { const c = core.parseCredentialPlaintext(core.decryptPayload(${JSON.stringify(v.productSecret)}, ${JSON.stringify(v.Payload)}, ${v.Len}, core.jsCrypto), 'CERT');
        return xsTest.hex(core.rsaPkcs1ToPkcs8(core.pemToDer(c.privateKeyPem, 'RSA PRIVATE KEY'))); })()`,
    );
    const plain = JSON.parse(v.plaintext) as { clientKey: string };
    assert.equal(value, createPrivateKey(plain.clientKey).export({ type: 'pkcs8', format: 'der' }).toString('hex'));
  });

  it('parses and updates a device-info file in XS, keeping unknown keys', async () => {
    const text = JSON.stringify({ note: 'keep', auth_mode: 'KEY', productId: 'K7QW2ZP4XA', productSecret: SECRET, deviceName: 'A4:D1:8C:DB:C0:20', key_deviceinfo: { deviceSecret: 'YOUR_IOT_PSK' } }, null, 4);
    const { value } = await host().value<{ before: boolean; after: boolean; keys: string[]; name: string }>(
      `(() => { const t = ${JSON.stringify(text)}; const out = core.updateDeviceInfo(t, { kind: 'key', deviceSecret: ${JSON.stringify(PSK)} });
        return { before: core.keyNeedsRegistration(core.parseDeviceInfo(t)), after: core.keyNeedsRegistration(core.parseDeviceInfo(out)),
                 keys: Object.keys(JSON.parse(out)), name: core.deviceNameFromMac('a4d1.8cdb.c020') }; })()`,
    );
    assert.deepEqual(value, { before: true, after: false, keys: ['note', 'auth_mode', 'productId', 'productSecret', 'deviceName', 'key_deviceinfo'], name: 'A4:D1:8C:DB:C0:20' });
  });
});
