import { strict as assert } from 'node:assert';
import { createHash, createHmac } from 'node:crypto';
import { jsCrypto } from '../../src/crypto/js-primitives.js';
import { buildV2RegisterRequest, parseV2RegisterResponse, v2Signature, v2StringToSign } from '../../src/protocol/register-v2.js';
import { expectIotError } from './support/expect-iot-error.js';
import { vectors } from '../vectors/tencent.js';

describe('registration API v2 (POST /device/register)', () => {
  for (const v of vectors.v2Register) {
    describe(`vector ${v.deviceName} / ${v.host} / ${v.algorithm}`, () => {
      it('builds the compact body and hashes its exact bytes', () => {
        const request = buildV2RegisterRequest(v, jsCrypto);
        assert.equal(request.body, v.body);
        const hash = createHash(v.algorithm === 'hmacsha256' ? 'sha256' : 'sha1').update(request.body).digest('hex');
        assert.equal(hash, v.bodyHash);
      });

      it('builds the eight-line string to sign', () => {
        assert.equal(v2StringToSign({ host: v.host, algorithm: v.algorithm, timestamp: v.timestamp, nonce: v.nonce, body: v.body }, jsCrypto), v.stringToSign);
      });

      it('signs with Base64 of the raw HMAC and sets the headers in order', () => {
        assert.equal(v2Signature(v.productSecret, v.algorithm, v.stringToSign, jsCrypto), v.signature);
        const request = buildV2RegisterRequest(v, jsCrypto);
        assert.equal(request.path, v.path);
        assert.equal(request.host, v.host);
        assert.deepEqual(Object.entries(request.headers), [
          ['Content-Type', 'application/json; charset=utf-8'],
          ['X-TC-Algorithm', v.algorithm],
          ['X-TC-Timestamp', String(v.timestamp)],
          ['X-TC-Nonce', String(v.nonce)],
          ['X-TC-Signature', v.signature],
        ]);
      });

      it('signs the host WITHOUT a port even when given one', () => {
        const request = buildV2RegisterRequest({ ...v, host: `${v.host}:8443` }, jsCrypto);
        assert.equal(request.host, v.host);
        assert.equal(request.headers['X-TC-Signature'], v.signature);
      });
    });
  }

  it('agrees with node:crypto for a local-cloud host', () => {
    const p = { productId: 'LOCAL12345', productSecret: 'abcdefghijklmnopqrstuvwx', deviceName: 'dev-1', timestamp: 1800000001, nonce: 99, host: '127.0.0.1:45678', algorithm: 'hmacsha256' as const };
    const request = buildV2RegisterRequest(p, jsCrypto);
    const hash = createHash('sha256').update(request.body).digest('hex');
    const sts = `POST\n127.0.0.1\n/device/register\n\nhmacsha256\n1800000001\n99\n${hash}`;
    assert.equal(request.headers['X-TC-Signature'], createHmac('sha256', p.productSecret).update(sts).digest('base64'));
  });

  it('rejects an unknown algorithm with unsupported', () => {
    const v = vectors.v2Register[0]!;
    expectIotError(() => buildV2RegisterRequest({ ...v, algorithm: 'hmacmd5' as 'hmacsha1' }, jsCrypto), 'unsupported');
  });

  describe('parseV2RegisterResponse', () => {
    it('returns payload, len, request id and state of a success answer', () => {
      assert.deepEqual(parseV2RegisterResponse('{"Response":{"Len":53,"Payload":"QUJD","RequestId":"r-1","State":1}}'), { kind: 'accepted', payload: 'QUJD', len: 53, requestId: 'r-1', state: 1 });
      assert.deepEqual(parseV2RegisterResponse('{"Response":{"Len":5,"Payload":"QUJD"}}'), { kind: 'accepted', payload: 'QUJD', len: 5 });
    });

    it('returns Response.Error as a refusal value (not an exception), with code, message and request id verbatim', () => {
      assert.deepEqual(parseV2RegisterResponse('{"Response":{"Error":{"Code":"InvalidParameterValue.SignatureFailed","Message":"sign failed"},"RequestId":"req-7"}}'),
        { kind: 'refused', serverCode: 'InvalidParameterValue.SignatureFailed', serverMessage: 'sign failed', requestId: 'req-7' });
      assert.deepEqual(parseV2RegisterResponse('{"Response":{"Error":{}}}'), { kind: 'refused' });
    });

    it('gives bad-response for anything malformed', () => {
      const bad = [
        '', 'nope', '[]', '{}', '{"Response":null}', '{"Response":[]}', '{"Response":"x"}', '{"Response":{}}',
        '{"Response":{"Error":"x"}}', '{"Response":{"Error":[1]}}', '{"Response":{"Payload":"QUJD"}}', '{"Response":{"Len":3}}',
        '{"Response":{"Len":-3,"Payload":"QUJD"}}', '{"Response":{"Len":3,"Payload":7}}', '{"Response":{"Len":3,"Payload":"QUJD","State":"0"}}',
        '{"Response":{"Len":3,"Payload":"QUJD","State":0.5}}',
      ];
      for (const text of bad) expectIotError(() => parseV2RegisterResponse(text), 'bad-response');
    });
  });
});
