import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import { jsCrypto } from '../../src/crypto/js-primitives.js';
import { buildV1RegisterRequest, parseV1RegisterResponse, v1Signature, v1SignSource } from '../../src/protocol/register-v1.js';
import { expectIotError } from './support/expect-iot-error.js';
import { vectors } from '../vectors/tencent.js';

describe('registration API v1 (POST /register/dev)', () => {
  for (const v of vectors.legacyRegister) {
    describe(`vector ${v.deviceName} / nonce ${v.nonce}`, () => {
      it('builds the sign source in the documented order, without URL-encoding', () => {
        assert.equal(v1SignSource(v), v.signSource);
      });

      it('signs: Base64 of the lower-case hex HMAC-SHA1 (56 characters ending in ==)', () => {
        const signature = v1Signature(v.productSecret, v.signSource, jsCrypto);
        assert.equal(signature, v.signature);
        assert.equal(Buffer.from(signature, 'base64').toString('ascii'), v.hmacSha1Hex);
        assert.equal(signature.length, 56);
        assert.ok(signature.endsWith('=='));
      });

      it('builds the exact request: body bytes, field order, number types, headers, path, host', () => {
        const request = buildV1RegisterRequest({ ...v, host: 'gateway.tencentdevices.com' }, jsCrypto);
        assert.equal(request.body, v.body);
        assert.equal(request.method, 'POST');
        assert.equal(request.path, '/register/dev');
        assert.equal(request.host, 'gateway.tencentdevices.com');
        assert.deepEqual(Object.entries(request.headers), [
          ['Accept', 'text/xml,application/json;*/*'],
          ['Content-Type', 'application/x-www-form-urlencoded'],
        ]);
        const parsed = JSON.parse(request.body) as Record<string, unknown>;
        assert.deepEqual(Object.keys(parsed), ['deviceName', 'nonce', 'productId', 'timestamp', 'signature']);
        assert.equal(typeof parsed.nonce, 'number');
        assert.equal(typeof parsed.timestamp, 'number');
      });
    });
  }

  it('agrees with node:crypto on a sign source that is not in the vector file', () => {
    const source = v1SignSource({ deviceName: 'a_b-c:d', nonce: 42, productId: 'ABCDEFGHIJ', timestamp: 1800000000 });
    const expected = Buffer.from(createHmac('sha1', 'sixteen-chars-ok!').update(source).digest('hex'), 'ascii').toString('base64');
    assert.equal(v1Signature('sixteen-chars-ok!', source, jsCrypto), expected);
  });

  it('refuses to build a request from invalid input (bad-input, the secret never in the message)', () => {
    const base = { ...vectors.legacyRegister[0]!, host: 'gateway.tencentdevices.com' };
    for (const nonce of [0, -1, 2147483647, 1.5, Number.NaN]) expectIotError(() => buildV1RegisterRequest({ ...base, nonce }, jsCrypto), 'bad-input', /nonce/);
    for (const timestamp of [-1, 1.5, Number.POSITIVE_INFINITY]) expectIotError(() => buildV1RegisterRequest({ ...base, timestamp }, jsCrypto), 'bad-input', /timestamp/);
    expectIotError(() => buildV1RegisterRequest({ ...base, deviceName: 'bad name' }, jsCrypto), 'bad-input', /deviceName/);
    expectIotError(() => buildV1RegisterRequest({ ...base, deviceName: 'x'.repeat(49) }, jsCrypto), 'bad-input', /deviceName/);
    expectIotError(() => buildV1RegisterRequest({ ...base, productId: 'AB/CD' }, jsCrypto), 'bad-input', /productId/);
    const short = expectIotError(() => buildV1RegisterRequest({ ...base, productSecret: 'short-secret' }, jsCrypto), 'bad-input', /productSecret/);
    assert.ok(!short.message.includes('short-secret'));
    expectIotError(() => buildV1RegisterRequest({ ...base, productSecret: 'YOUR_PRODUCT_SECRET' }, jsCrypto), 'bad-input', /placeholder/);
  });

  describe('parseV1RegisterResponse', () => {
    it('returns payload and len of a success answer', () => {
      const answer = parseV1RegisterResponse('{"code":0,"message":"","len":53,"payload":"QUJD","requestId":"r-9"}');
      assert.deepEqual(answer, { kind: 'accepted', payload: 'QUJD', len: 53, requestId: 'r-9' });
    });

    it('returns a non-zero code as a refusal value (not an exception), with code, message and request id verbatim', () => {
      assert.deepEqual(parseV1RegisterResponse('{"code":1010,"message":"Check signature failed","requestId":"abc-123"}'),
        { kind: 'refused', serverCode: 1010, serverMessage: 'Check signature failed', requestId: 'abc-123' });
      assert.deepEqual(parseV1RegisterResponse('{"code":"1021"}'), { kind: 'refused', serverCode: '1021' });
      // A refusal needs no payload: fields of a success answer next to a non-zero code are ignored.
      assert.deepEqual(parseV1RegisterResponse('{"code":1021,"payload":"QUJD","len":3}'), { kind: 'refused', serverCode: 1021 });
    });

    it('gives bad-response for anything malformed', () => {
      const bad = [
        '', 'not json', '[]', 'null', '42', '"text"', '{}', '{"code":null}', '{"code":true,"payload":"QUJD","len":3}',
        '{"code":0}', '{"code":0,"len":53}', '{"code":0,"payload":"","len":3}', '{"code":0,"payload":5,"len":3}',
        '{"code":0,"payload":"QUJD"}', '{"code":0,"payload":"QUJD","len":-1}', '{"code":0,"payload":"QUJD","len":1.5}',
        '{"code":0,"payload":"QUJD","len":"x"}', '{"code":0,"payload":"QUJD","len":null}', '{"code":0,"payload":"QUJD","len":1e300}',
        '{"__proto__":{"code":0},"payload":"QUJD","len":3}',
      ];
      for (const text of bad) expectIotError(() => parseV1RegisterResponse(text), 'bad-response');
    });
  });
});
