import { strict as assert } from 'node:assert';
import { createHash, createHmac } from 'node:crypto';
import { IotError } from '../../src/errors.js';
import type { DeviceRecord } from '../../src/device/record.js';
import { provision } from '../../src/runner/provision.js';
import { expectIotErrorAsync } from './support/expect-iot-error.js';
import { fakeHal, httpResponse, pieces, type Exchange, type FakeHal } from './support/fake-hal.js';
import { encryptPayload } from './support/node-encrypt.js';
import { vectors } from '../vectors/tencent.js';

const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';
const PSK = 'zDUa5wy4XFn2EbJ8Zwj/og==';
const certPlain = vectors.payloads.find((p) => p.name === 'cert-mode')!.plaintext;
const keyRecord: DeviceRecord = { productId: 'K7QW2ZP4XA', productSecret: SECRET, deviceName: 'sensor-0001', authMode: 'KEY', region: 'china' };
const certRecord: DeviceRecord = { ...keyRecord, authMode: 'CERT' };

function splitHttp(request: string): { head: string[]; headers: Map<string, string>; body: string } {
  const [head, body] = [request.slice(0, request.indexOf('\r\n\r\n')), request.slice(request.indexOf('\r\n\r\n') + 4)];
  const lines = head.split('\r\n');
  const headers = new Map(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as [string, string]));
  return { head: lines, headers, body };
}

/** A v1 gateway written with node:crypto: checks the signature like the server, then answers with `plaintext` sealed. */
function v1Gateway(plaintext: string, chunk = 7): Exchange {
  return {
    answer(request) {
      const { head, headers, body } = splitHttp(request);
      assert.equal(head[0], 'POST /register/dev HTTP/1.1');
      assert.equal(Number(headers.get('content-length')), Buffer.byteLength(body));
      const p = JSON.parse(body) as { deviceName: string; nonce: number; productId: string; timestamp: number; signature: string };
      const source = `deviceName=${p.deviceName}&nonce=${p.nonce}&productId=${p.productId}&timestamp=${p.timestamp}`;
      const expected = Buffer.from(createHmac('sha1', SECRET).update(source).digest('hex')).toString('base64');
      if (p.signature !== expected) return [httpResponse(200, '{"code":1010,"message":"Check signature failed","requestId":"r-sig"}')];
      const sealed = encryptPayload(SECRET, plaintext);
      return pieces(httpResponse(200, JSON.stringify({ code: 0, message: '', len: sealed.Len, payload: sealed.Payload })), chunk);
    },
  };
}

/** A v2 gateway with node:crypto, answering in chunked encoding. */
function v2Gateway(plaintext: string, hostSigned: string): Exchange {
  return {
    answer(request) {
      const { head, headers, body } = splitHttp(request);
      assert.equal(head[0], 'POST /device/register HTTP/1.1');
      const algorithm = headers.get('x-tc-algorithm')!;
      const hash = createHash(algorithm === 'hmacsha256' ? 'sha256' : 'sha1').update(body).digest('hex');
      const sts = ['POST', hostSigned, '/device/register', '', algorithm, headers.get('x-tc-timestamp'), headers.get('x-tc-nonce'), hash].join('\n');
      const expected = createHmac(algorithm === 'hmacsha256' ? 'sha256' : 'sha1', SECRET).update(sts).digest('base64');
      if (headers.get('x-tc-signature') !== expected) return [httpResponse(200, '{"Response":{"Error":{"Code":"AuthFailure","Message":"bad sig"},"RequestId":"r"}}')];
      const sealed = encryptPayload(SECRET, plaintext);
      const json = JSON.stringify({ Response: { Len: sealed.Len, Payload: sealed.Payload, RequestId: 'r-2', State: 0 } });
      const chunked = pieces(json, 500).map((c) => `${Buffer.byteLength(c).toString(16)}\r\n${c}\r\n`).join('');
      return pieces(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}0\r\n\r\n`, 333);
    },
  };
}

const answer = (...responses: string[]): Exchange => ({ answer: () => responses });
const keyPlain = `{"encryptionType":2,"psk":"${PSK}"}`;

/** Every fake HAL of every test is kept; the last test checks that no log line of any holds a secret. */
const tracked: FakeHal[] = [];
function track(hal: FakeHal): FakeHal {
  tracked.push(hal);
  return hal;
}

describe('provision (the runner) with a fake HAL', () => {
  it('does no I/O at all when the record already holds a credential', async () => {
    const hal = track(fakeHal([]));
    const record = { ...keyRecord, credential: { kind: 'key' as const, deviceSecret: PSK } };
    const result = await provision(hal, record, {});
    assert.deepEqual(result, { record, registered: false, attempts: 0, gateway: { host: 'gateway.tencentdevices.com', port: 443 } });
    assert.equal(hal.connects.length, 0);
    assert.equal(hal.saved.length, 0);
  });

  it('registers a key device over v1: signed request, chunked delivery, credential saved before returning', async () => {
    let releaseSave!: () => void;
    const saveDelay = new Promise<void>((resolve) => (releaseSave = resolve));
    const hal = track(fakeHal([v1Gateway(keyPlain)], { saveDelay }));
    let settled = false;
    const pending = provision(hal, keyRecord, {}).then((r) => ((settled = true), r));
    while (!hal.events.includes('save-start')) await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, 'must not resolve before the save completes');
    releaseSave();
    const result = await pending;
    assert.deepEqual(result, { record: { ...keyRecord, credential: { kind: 'key', deviceSecret: PSK } }, registered: true, attempts: 1, gateway: { host: 'gateway.tencentdevices.com', port: 443 } });
    assert.deepEqual(hal.saved, [{ productId: 'K7QW2ZP4XA', deviceName: 'sensor-0001', credential: { kind: 'key', deviceSecret: PSK } }]);
    assert.deepEqual(hal.connects, [{ host: 'gateway.tencentdevices.com', port: 443, serverName: 'gateway.tencentdevices.com', trust: 'tencent-iothub', timeoutMs: 10000 }]);
    assert.deepEqual(hal.events, ['connect', 'close', 'save-start', 'save-done']);
    const { headers, body } = splitHttp(hal.requests[0]!);
    assert.equal(headers.get('host'), 'gateway.tencentdevices.com');
    assert.equal(headers.get('connection'), 'close');
    const sent = JSON.parse(body) as { timestamp: number; nonce: number };
    assert.equal(sent.timestamp, 1767225600);
    // random bytes are all 0x5a: nonce = 1 + (0x5a5a5a5a % (2^31 - 2)) by the documented rule.
    assert.equal(sent.nonce, 1 + (0x5a5a5a5a % 0x7ffffffe));
  });

  it('registers a certificate device over v2 (hmacsha1) through a custom gateway with a port', async () => {
    const hal = track(fakeHal([v2Gateway(certPlain, '127.0.0.1')], { randomByte: 0xff }));
    const result = await provision(hal, certRecord, { api: 'v2', algorithm: 'hmacsha1', gateway: { host: '127.0.0.1', port: 8443 }, timeoutMs: 500 });
    const plain = JSON.parse(certPlain) as { clientCert: string; clientKey: string };
    assert.deepEqual(result.record.credential, { kind: 'cert', certificatePem: plain.clientCert, privateKeyPem: plain.clientKey });
    assert.deepEqual(hal.connects, [{ host: '127.0.0.1', port: 8443, serverName: '127.0.0.1', trust: 'public-web', timeoutMs: 500 }]);
    assert.equal(splitHttp(hal.requests[0]!).headers.get('host'), '127.0.0.1:8443');
    assert.equal(splitHttp(hal.requests[0]!).headers.get('x-tc-nonce'), '2'); // 1 + (0x7fffffff % 0x7ffffffe)
    assert.equal(hal.closed, 1);
  });

  it('uses the v2 default gateway of the region with hmacsha256', async () => {
    const hal = track(fakeHal([v2Gateway(keyPlain, 'us-east.gateway.tencentdevices.com')]));
    const result = await provision(hal, { ...keyRecord, region: 'us-east' }, { api: 'v2' });
    assert.equal(result.registered, true);
    assert.equal(hal.connects[0]!.host, 'us-east.gateway.tencentdevices.com');
    assert.equal(splitHttp(hal.requests[0]!).headers.get('x-tc-algorithm'), 'hmacsha256');
  });

  it('registers again when forced, even with a credential', async () => {
    const hal = track(fakeHal([v1Gateway(keyPlain)]));
    const result = await provision(hal, { ...keyRecord, credential: { kind: 'key', deviceSecret: 'T0xE' } }, { force: true });
    assert.equal(result.registered, true);
    assert.deepEqual(result.record.credential, { kind: 'key', deviceSecret: PSK });
  });

  it('retries transport, timeout and 5xx with bounded backoff, then succeeds; every opened stream is closed', async () => {
    const hal = track(fakeHal([
      { connectError: new IotError('transport', 'connection refused') },
      { answer: () => ['HTTP/1.1 200 OK\r\nContent-Le'], readError: new IotError('timeout', 'no data') },
      answer(httpResponse(503, 'busy')),
      answer('HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{"code":0'), // truncated → transport
      v1Gateway(keyPlain),
    ], { randomByte: 0xff }));
    const result = await provision(hal, keyRecord, { maxAttempts: 5 });
    assert.equal(result.attempts, 5);
    assert.equal(hal.connects.length, 5);
    assert.equal(hal.opened, 4);
    assert.equal(hal.closed, 4);
    // random32 = 0xffffffff; full jitter over ceilings 1000, 2000, 4000, 8000 (computed from the rule).
    assert.deepEqual(hal.sleeps, [1000, 2000, 4000, 8000].map((c) => 0xffffffff % (c + 1)));
    hal.sleeps.forEach((ms, i) => assert.ok(ms >= 0 && ms <= Math.min(30000, 1000 * 2 ** i)));
  });

  it('keeps every delay within the cap over many attempts, then gives up with the last retryable error', async () => {
    const hal = track(fakeHal(Array.from({ length: 10 }, () => answer(httpResponse(502, 'bad gateway')))));
    const e = await expectIotErrorAsync(provision(hal, keyRecord, { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 450 }), 'unavailable');
    assert.equal(e.httpStatus, 502);
    assert.equal(hal.connects.length, 10);
    assert.equal(hal.sleeps.length, 9);
    hal.sleeps.forEach((ms, i) => assert.ok(ms >= 0 && ms <= Math.min(450, 100 * 2 ** i), `delay ${i}: ${ms}`));
    assert.equal(hal.closed, 10);
    assert.equal(hal.saved.length, 0);
  });

  it('treats 429 as retryable', async () => {
    const hal = track(fakeHal([answer(httpResponse(429, '')), v1Gateway(keyPlain)]));
    assert.equal((await provision(hal, keyRecord, {})).attempts, 2);
  });

  it('never retries a refusal: code, message and request id reach the caller verbatim', async () => {
    const hal = track(fakeHal([answer(httpResponse(200, '{"code":1010,"message":"Check signature failed","requestId":"r-42"}'))]));
    const e = await expectIotErrorAsync(provision(hal, keyRecord, {}), 'refused');
    assert.equal(e.serverCode, 1010);
    assert.equal(e.serverMessage, 'Check signature failed');
    assert.equal(e.requestId, 'r-42');
    assert.equal(e.httpStatus, 200);
    assert.equal(hal.connects.length, 1);
    assert.equal(hal.sleeps.length, 0);
    assert.equal(hal.closed, 1);
  });

  it('lets a Tencent body decide on 4xx, and refuses a bare 4xx', async () => {
    const tencent = track(fakeHal([answer(httpResponse(403, '{"Response":{"Error":{"Code":"ResourceNotFound.DeviceNotExist","Message":"no"},"RequestId":"q"}}'))]));
    const e = await expectIotErrorAsync(provision(tencent, keyRecord, { api: 'v2' }), 'refused');
    assert.equal(e.serverCode, 'ResourceNotFound.DeviceNotExist');
    assert.equal(e.httpStatus, 403);
    const bare = track(fakeHal([answer(httpResponse(404, '<html>not found</html>'))]));
    const b = await expectIotErrorAsync(provision(bare, keyRecord, {}), 'refused');
    assert.equal(b.httpStatus, 404);
    assert.equal(bare.connects.length, 1);
  });

  it('does not retry tls, bad-response or a wrong product secret, and still closes the stream', async () => {
    const tls = track(fakeHal([{ connectError: new IotError('tls', 'certificate verify failed') }]));
    await expectIotErrorAsync(provision(tls, keyRecord, {}), 'tls');
    assert.equal(tls.connects.length, 1);
    const garbage = track(fakeHal([answer('SSH-2.0-nope\r\n\r\n')]));
    await expectIotErrorAsync(provision(garbage, keyRecord, {}), 'bad-response');
    assert.equal(garbage.closed, 1);
    const sealedWithOtherKey = encryptPayload('ffffffffffffffffffffffff', keyPlain);
    const wrongKey = track(fakeHal([answer(httpResponse(200, JSON.stringify({ code: 0, len: sealedWithOtherKey.Len, payload: sealedWithOtherKey.Payload })))]));
    await expectIotErrorAsync(provision(wrongKey, keyRecord, {}), 'bad-response');
    const mismatch = track(fakeHal([v1Gateway(keyPlain)]));
    await expectIotErrorAsync(provision(mismatch, certRecord, {}), 'bad-response');
    assert.equal(mismatch.saved.length, 0);
  });

  it('closes the stream when writing fails, and retries that as transport', async () => {
    const hal = track(fakeHal([{ answer: () => [], writeError: new IotError('transport', 'reset') }, v1Gateway(keyPlain)]));
    assert.equal((await provision(hal, keyRecord, {})).attempts, 2);
    assert.equal(hal.closed, 2);
  });

  it('a HAL that throws a non-IotError is turned into transport, never passed raw', async () => {
    const hal = track(fakeHal([{ connectError: new TypeError('boom') as unknown as IotError }]));
    await expectIotErrorAsync(provision(hal, keyRecord, { maxAttempts: 1 }), 'transport');
  });

  it("a platform primitive that throws, or returns the wrong length, is an IotError: bad-input while signing, bad-response while decrypting; nothing is saved", async () => {
    const broken = (hal: FakeHal, patch: Partial<FakeHal['crypto']>): FakeHal => Object.assign(hal, { crypto: { ...hal.crypto, ...patch } });
    const badKey = new RangeError('bad key size');
    const signing = broken(track(fakeHal([v1Gateway(keyPlain)])), { hmacSha1: () => { throw badKey; } });
    const signError = await expectIotErrorAsync(provision(signing, keyRecord, {}), 'bad-input');
    assert.equal(signError.message, "the platform's hmacSha1 failed");
    assert.equal(signError.cause, badKey, 'the native error is kept as the cause');
    assert.equal(signing.connects.length, 0, 'nothing is sent when signing failed');
    const decrypting = broken(track(fakeHal([v1Gateway(keyPlain)])), { aes128CbcDecrypt: () => { throw new Error('output too small'); } });
    await expectIotErrorAsync(provision(decrypting, keyRecord, {}), 'bad-response');
    assert.equal(decrypting.saved.length, 0);
    const short = broken(track(fakeHal([v1Gateway(keyPlain)])), { aes128CbcDecrypt: () => new Uint8Array(15) });
    assert.match((await expectIotErrorAsync(provision(short, keyRecord, {}), 'bad-response')).message, /did not return 64 bytes/);
    const notBytes = broken(track(fakeHal([])), { hmacSha1: () => [1, 2, 3] as unknown as Uint8Array });
    await expectIotErrorAsync(provision(notBytes, keyRecord, {}), 'bad-input');
    const none = Object.assign(track(fakeHal([])), { crypto: undefined as unknown as FakeHal['crypto'] });
    assert.match((await expectIotErrorAsync(provision(none, keyRecord, {}), 'bad-input')).message, /no crypto primitives/);
  });

  it('a failed save is storage, and the credential is not returned', async () => {
    const hal = track(fakeHal([v1Gateway(keyPlain)], { saveError: new IotError('storage', 'flash full') }));
    const e = await expectIotErrorAsync(provision(hal, keyRecord, {}), 'storage');
    assert.ok(!e.message.includes(PSK));
    assert.equal(hal.connects.length, 1, 'a save failure is not retried by registering again');
    const weird = track(fakeHal([v1Gateway(keyPlain)], { saveError: new Error('EIO') }));
    await expectIotErrorAsync(provision(weird, keyRecord, {}), 'storage');
  });

  it('refuses to register with an unset clock, before any I/O', async () => {
    for (const now of [0, 1577836799, Number.NaN]) {
      const hal = track(fakeHal([], { now }));
      await expectIotErrorAsync(provision(hal, keyRecord, {}), 'clock');
      assert.equal(hal.connects.length, 0);
    }
    const ok = track(fakeHal([v1Gateway(keyPlain)], { now: 1577836800 }));
    assert.equal((await provision(ok, keyRecord, {})).registered, true);
  });

  it('rejects bad records and options with bad-input before any I/O', async () => {
    const cases: [DeviceRecord, object][] = [
      [{ ...keyRecord, productSecret: 'too-short' }, {}], [{ ...keyRecord, deviceName: 'bad name' }, {}], [{ ...keyRecord, authMode: 'PSK' as 'KEY' }, {}],
      [{ ...keyRecord, region: 'mars' as 'china' }, {}], [keyRecord, { api: 'v3' }], [keyRecord, { maxAttempts: 0 }], [keyRecord, { gateway: { host: '', port: 1 } }],
      [keyRecord, { gateway: { host: 'h', port: 70000 } }], [keyRecord, { gateway: { host: 'h:8443', port: 8443 } }], [keyRecord, { baseDelayMs: 10, maxDelayMs: 5 }], [keyRecord, { timeoutMs: -1 }],
    ];
    for (const [record, options] of cases) {
      const hal = track(fakeHal([]));
      await expectIotErrorAsync(provision(hal, record, options), 'bad-input');
      assert.equal(hal.connects.length, 0);
    }
    await expectIotErrorAsync(provision(track(fakeHal([])), keyRecord, { api: 'v2', algorithm: 'md5' as 'hmacsha1' }), 'unsupported');
  });

  it('logs each step and never a secret (checked over every run above)', () => {
    const allLogs = tracked.flatMap((hal) => hal.logs);
    assert.ok(allLogs.length > 20);
    assert.ok(allLogs.some((l) => /^info: register K7QW2ZP4XA\/sensor-0001: API v1 at gateway\.tencentdevices\.com:443, attempt 1 of 5$/.test(l)));
    assert.ok(allLogs.some((l) => l.startsWith('warn: ') && /retrying in \d+ ms/.test(l)));
    assert.ok(allLogs.some((l) => l.startsWith('error: ')));
    for (const line of allLogs) {
      for (const secret of [SECRET, SECRET.slice(0, 16), PSK, 'BEGIN RSA PRIVATE KEY', 'MIIEow']) assert.ok(!line.includes(secret), `secret in log: ${line}`);
      assert.ok(!/[A-Za-z0-9+/]{40,}={0,2}/.test(line), `something signature-like in log: ${line}`);
    }
  });
});
