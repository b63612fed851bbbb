/**
 * Every gateway refusal, in both APIs' error shapes, with HTTP 200 (the JSON code decides), plus the
 * boundaries next to them (4096-byte body accepted, 4097 refused; skew S accepted, S+1 refused).
 */
import { strict as assert } from 'node:assert';
import { request } from 'node:https';
import { startCloud, REFUSALS, type RunningCloud } from '../../host-sim/cloud/index.js';
import { post, registerV1, v1Body, v2Request, V1_ERROR, V1_SUCCESS, V2_ERROR, V2_SUCCESS, type HttpAnswer } from './tc-client.js';

const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';
const OFF_SECRET = 'OffOffOffOffOffOff123456';
const PRE_SECRET = 'PrePrePrePrePrePre654321';
const LIM_SECRET = 'LimLimLimLimLimLim000000';

function expectV1(answer: HttpAnswer, reason: keyof typeof REFUSALS): void {
  assert.equal(answer.status, 200, 'refusals are HTTP 200');
  const match = V1_ERROR.exec(answer.text);
  assert.ok(match, `not the v1 error shape: ${answer.text}`);
  assert.equal(Number(match[1]), REFUSALS[reason].v1, answer.text);
  assert.ok(match[2]!.startsWith(REFUSALS[reason].message), answer.text);
}

function expectV2(answer: HttpAnswer, reason: keyof typeof REFUSALS): void {
  assert.equal(answer.status, 200, 'refusals are HTTP 200');
  const match = V2_ERROR.exec(answer.text);
  assert.ok(match, `not the v2 error shape: ${answer.text}`);
  assert.equal(match[1], REFUSALS[reason].v2, answer.text);
  assert.ok(match[2]!.startsWith(REFUSALS[reason].message), answer.text);
}

async function v2(cloud: RunningCloud, p: Parameters<typeof v2Request>[0]): Promise<HttpAnswer> {
  const { body, headers } = v2Request(p);
  return post(cloud, '/device/register', body, headers);
}

describe('cloud gateway: refusals', function () {
  this.timeout(60_000);
  let cloud: RunningCloud;
  const logs: string[] = [];

  before(async () => {
    cloud = await startCloud({
      log: (line) => logs.push(line),
      products: {
        products: [
          { productId: 'K7QW2ZP4XA', productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto', devices: ['sensor-0001'] },
          { productId: 'OFFPRODUCT', productSecret: OFF_SECRET, authMode: 'KEY', dynamicRegistration: 'off', devices: ['off-1'] },
          { productId: 'PREPRODUCT', productSecret: PRE_SECRET, authMode: 'KEY', dynamicRegistration: 'precreated', devices: ['pre-1'] },
          { productId: 'LIMPRODUCT', productSecret: LIM_SECRET, authMode: 'KEY', dynamicRegistration: 'auto', registerLimit: 2, devices: ['lim-pre'] },
        ],
      },
    });
  });
  after(async () => {
    await cloud?.close();
    for (const line of logs) {
      for (const secret of [SECRET, OFF_SECRET, PRE_SECRET, LIM_SECRET]) assert.ok(!line.includes(secret), `a log line holds a product secret: ${line}`);
    }
  });

  const base = { productId: 'K7QW2ZP4XA', productSecret: SECRET };

  it('bad signature: v1 1010 "Check signature failed", v2 AuthFailure.SignatureFailure', async () => {
    expectV1(await post(cloud, '/register/dev', v1Body({ ...base, productSecret: 'WrongSecretWrongSecret00', deviceName: 'dev-a' })), 'bad-signature');
    const answer = await post(cloud, '/register/dev', v1Body({ ...base, productSecret: 'WrongSecretWrongSecret00', deviceName: 'dev-a' }));
    assert.match(answer.text, /^\{"code":1010,"message":"Check signature failed","requestId":"[^"]+"\}$/);
    expectV2(await v2(cloud, { ...base, productSecret: 'WrongSecretWrongSecret00', deviceName: 'dev-a' }), 'bad-signature');
    expectV2(await v2(cloud, { ...base, productSecret: 'WrongSecretWrongSecret00', deviceName: 'dev-a', algorithm: 'hmacsha1' }), 'bad-signature');
  });

  it('a v2 body changed after signing is refused (the body hash is signed)', async () => {
    const { body, headers } = v2Request({ ...base, deviceName: 'dev-b' });
    expectV2(await post(cloud, '/device/register', body.replace('dev-b', 'dev-c'), headers), 'bad-signature');
  });

  it('a v2 request signed for the wrong Host is refused', async () => {
    expectV2(await v2(cloud, { ...base, deviceName: 'dev-b', host: 'ap-guangzhou.gateway.tencentdevices.com' }), 'bad-signature');
  });

  it('unknown product', async () => {
    expectV1(await post(cloud, '/register/dev', v1Body({ productId: 'NOSUCHPROD', productSecret: SECRET, deviceName: 'dev-a' })), 'unknown-product');
    expectV2(await v2(cloud, { productId: 'NOSUCHPROD', productSecret: SECRET, deviceName: 'dev-a' }), 'unknown-product');
  });

  it('registration off, even for a pre-created name', async () => {
    for (const deviceName of ['off-1', 'off-2']) {
      expectV1(await post(cloud, '/register/dev', v1Body({ productId: 'OFFPRODUCT', productSecret: OFF_SECRET, deviceName })), 'registration-off');
      expectV2(await v2(cloud, { productId: 'OFFPRODUCT', productSecret: OFF_SECRET, deviceName }), 'registration-off');
    }
  });

  it('pre-created only: an unknown name is refused, a pre-created one is registered', async () => {
    expectV1(await post(cloud, '/register/dev', v1Body({ productId: 'PREPRODUCT', productSecret: PRE_SECRET, deviceName: 'pre-2' })), 'not-precreated');
    expectV2(await v2(cloud, { productId: 'PREPRODUCT', productSecret: PRE_SECRET, deviceName: 'pre-2' }), 'not-precreated');
    const answer = await v2(cloud, { productId: 'PREPRODUCT', productSecret: PRE_SECRET, deviceName: 'pre-1' });
    assert.match(answer.text, V2_SUCCESS);
    assert.equal(V2_SUCCESS.exec(answer.text)![4], '1', 'a pre-created device existed: State 1');
  });

  it('invalid device names: empty, too long, forbidden characters', async () => {
    for (const deviceName of ['', 'a'.repeat(49), 'has space', 'amp&ersand', 'slash/name', 'plus+', 'hash#', 'ünï']) {
      const v1answer = await post(cloud, '/register/dev', v1Body({ ...base, deviceName }));
      const v2answer = await v2(cloud, { ...base, deviceName });
      if (deviceName === '') {
        expectV1(v1answer, 'malformed');
        expectV2(v2answer, 'malformed');
      } else {
        expectV1(v1answer, 'invalid-device-name');
        expectV2(v2answer, 'invalid-device-name');
      }
    }
    // The longest valid name and every allowed character class are accepted.
    assert.match((await post(cloud, '/register/dev', v1Body({ ...base, deviceName: 'a'.repeat(48) }))).text, V1_SUCCESS);
    assert.match((await post(cloud, '/register/dev', v1Body({ ...base, deviceName: 'Az09:_-' }))).text, V1_SUCCESS);
  });

  it('registration limit: counts auto-created devices only; re-registering an existing one is still allowed', async () => {
    const lim = { productId: 'LIMPRODUCT', productSecret: LIM_SECRET };
    await registerV1(cloud, { ...lim, deviceName: 'lim-pre' }); // pre-created: not counted
    await registerV1(cloud, { ...lim, deviceName: 'lim-1' });
    await registerV1(cloud, { ...lim, deviceName: 'lim-2' });
    expectV1(await post(cloud, '/register/dev', v1Body({ ...lim, deviceName: 'lim-3' })), 'limit-reached');
    expectV2(await v2(cloud, { ...lim, deviceName: 'lim-3' }), 'limit-reached');
    await registerV1(cloud, { ...lim, deviceName: 'lim-1' });
  });

  it('replay: the same signed request twice is refused the second time, in both APIs', async () => {
    const body = v1Body({ ...base, deviceName: 'replay-1', nonce: 4242, timestamp: 1700000000 });
    assert.match((await post(cloud, '/register/dev', body)).text, V1_SUCCESS);
    expectV1(await post(cloud, '/register/dev', body), 'replayed');
    const request = v2Request({ ...base, deviceName: 'replay-2', nonce: 4242, timestamp: 1700000000 });
    assert.match((await post(cloud, '/device/register', request.body, request.headers)).text, V2_SUCCESS);
    expectV2(await post(cloud, '/device/register', request.body, request.headers), 'replayed');
    // A new nonce is a new request.
    assert.match((await post(cloud, '/register/dev', v1Body({ ...base, deviceName: 'replay-1', nonce: 4243, timestamp: 1700000000 }))).text, V1_SUCCESS);
  });

  it('a forged request does not poison the replay cache', async () => {
    const good = v1Body({ ...base, deviceName: 'replay-3', nonce: 77, timestamp: 1700000001 });
    const forged = v1Body({ ...base, productSecret: 'WrongSecretWrongSecret00', deviceName: 'replay-3', nonce: 77, timestamp: 1700000001 });
    expectV1(await post(cloud, '/register/dev', forged), 'bad-signature');
    assert.match((await post(cloud, '/register/dev', good)).text, V1_SUCCESS);
  });

  it('malformed v1 bodies: not JSON, not an object, missing or mistyped fields, bad UTF-8', async () => {
    const good = JSON.parse(v1Body({ ...base, deviceName: 'mal-1' }));
    const bodies: Array<string | Buffer> = [
      '', 'not json', '[1,2,3]', 'null', '"text"',
      JSON.stringify({ ...good, deviceName: undefined }),
      JSON.stringify({ ...good, productId: 12 }),
      JSON.stringify({ ...good, nonce: 'abc' }),
      JSON.stringify({ ...good, nonce: -1 }),
      JSON.stringify({ ...good, timestamp: 1.5 }),
      JSON.stringify({ ...good, signature: null }),
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    ];
    for (const body of bodies) expectV1(await post(cloud, '/register/dev', body), 'malformed');
  });

  it('malformed v2 requests: missing headers, non-numeric timestamp/nonce, bad body', async () => {
    const { body, headers } = v2Request({ ...base, deviceName: 'mal-2' });
    for (const drop of ['X-TC-Timestamp', 'X-TC-Nonce', 'X-TC-Signature']) {
      const partial = { ...headers };
      delete partial[drop];
      expectV2(await post(cloud, '/device/register', body, partial), 'malformed');
    }
    expectV2(await post(cloud, '/device/register', body, { ...headers, 'X-TC-Timestamp': 'soon' }), 'malformed');
    expectV2(await post(cloud, '/device/register', body, { ...headers, 'X-TC-Nonce': '-5' }), 'malformed');
    expectV2(await post(cloud, '/device/register', '{"ProductId":"K7QW2ZP4XA"}', headers), 'malformed');
    expectV2(await post(cloud, '/device/register', 'garbage', headers), 'malformed');
  });

  it('an unknown X-TC-Algorithm is refused as such; a missing one as malformed', async () => {
    const { body, headers } = v2Request({ ...base, deviceName: 'alg-1' });
    expectV2(await post(cloud, '/device/register', body, { ...headers, 'X-TC-Algorithm': 'hmacmd5' }), 'bad-algorithm');
    const partial: Record<string, string> = { ...headers };
    delete partial['X-TC-Algorithm'];
    expectV2(await post(cloud, '/device/register', body, partial), 'malformed');
  });

  it('oversized bodies: 4096 bytes are read, 4097 are refused', async () => {
    const body = v1Body({ ...base, deviceName: 'size-1' });
    const exactly = body + ' '.repeat(4096 - body.length);
    assert.equal(Buffer.byteLength(exactly), 4096);
    assert.match((await post(cloud, '/register/dev', exactly)).text, V1_SUCCESS);
    const over = v1Body({ ...base, deviceName: 'size-2' });
    expectV1(await post(cloud, '/register/dev', over + ' '.repeat(4097 - over.length)), 'too-large');
    const { body: v2body, headers } = v2Request({ ...base, deviceName: 'size-3' });
    expectV2(await post(cloud, '/device/register', v2body + ' '.repeat(10_000), headers), 'too-large');
    // Chunked (no Content-Length): the cap applies while streaming; 1 MB in 1000-byte chunks.
    const chunked = await new Promise<HttpAnswer>((resolve, reject) => {
      const url = new URL(cloud.gateway);
      const req = request({ host: 'localhost', port: Number(url.port), path: '/register/dev', method: 'POST', ca: cloud.caPem, agent: false }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => { text += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, json: undefined }));
      });
      req.on('error', reject);
      for (let i = 0; i < 1000; i++) req.write('z'.repeat(1000));
      req.end();
    });
    expectV1(chunked, 'too-large');
    // A big body does not hurt the next request.
    assert.match((await post(cloud, '/register/dev', v1Body({ ...base, deviceName: 'size-4' }))).text, V1_SUCCESS);
  });

  it('wrong method, in the shape of the path\'s API', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      expectV1(await post(cloud, '/register/dev', '', {}, method), 'bad-method');
      expectV2(await post(cloud, '/device/register', '', {}, method), 'bad-method');
    }
  });

  it('wrong path: /register… answers in v1 shape, anything else in v2 shape', async () => {
    const body = v1Body({ ...base, deviceName: 'path-1' });
    expectV1(await post(cloud, '/register/device', body), 'bad-path');
    expectV1(await post(cloud, '/register/dev?x=1', body), 'bad-path');
    expectV2(await post(cloud, '/', body), 'bad-path');
    expectV2(await post(cloud, '/device/register/extra', body), 'bad-path');
  });

  it('the timestamp is not checked by default (a fixed 2021 timestamp is accepted, as Tencent does)', async () => {
    assert.match((await post(cloud, '/register/dev', v1Body({ ...base, deviceName: 'old-clock', timestamp: 1609459200 }))).text, V1_SUCCESS);
    assert.match((await v2(cloud, { ...base, deviceName: 'old-clock-2', timestamp: 1609459200 })).text, V2_SUCCESS);
  });
});

describe('cloud gateway: --max-clock-skew', function () {
  this.timeout(60_000);
  const NOW_S = 1_800_000_000;
  let cloud: RunningCloud;
  before(async () => {
    cloud = await startCloud({
      maxClockSkewSeconds: 300,
      now: () => NOW_S * 1000,
      products: { products: [{ productId: 'K7QW2ZP4XA', productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto' }] },
    });
  });
  after(async () => cloud?.close());
  const base = { productId: 'K7QW2ZP4XA', productSecret: SECRET };

  it('accepts timestamps up to S seconds off, either way', async () => {
    assert.match((await post(cloud, '/register/dev', v1Body({ ...base, deviceName: 'skew-1', timestamp: NOW_S - 300 }))).text, V1_SUCCESS);
    assert.match((await v2(cloud, { ...base, deviceName: 'skew-2', timestamp: NOW_S + 300 })).text, V2_SUCCESS);
  });
  it('refuses timestamps more than S seconds off, in both APIs', async () => {
    expectV1(await post(cloud, '/register/dev', v1Body({ ...base, deviceName: 'skew-3', timestamp: NOW_S - 301 })), 'clock-skew');
    expectV1(await post(cloud, '/register/dev', v1Body({ ...base, deviceName: 'skew-3', timestamp: 1609459200 })), 'clock-skew');
    expectV2(await v2(cloud, { ...base, deviceName: 'skew-4', timestamp: NOW_S + 301 }), 'clock-skew');
  });
});
