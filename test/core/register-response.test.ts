/**
 * parseRegisterResponse: the gateway's whole answer (HTTP status + body bytes) → a verdict value, and
 * registerVerdictError, which words a failed verdict as the runner's IotError.
 */
import { strict as assert } from 'node:assert';
import { IotError } from '../../src/errors.js';
import { gatewayTrust } from '../../src/protocol/regions.js';
import { isUnavailableStatus, parseRegisterResponse, registerVerdictError } from '../../src/protocol/register-response.js';
import { expectIotError } from './support/expect-iot-error.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const V1_OK = '{"code":0,"message":"","len":53,"payload":"QUJD","requestId":"r-9"}';
const V1_REFUSED = '{"code":1010,"message":"Check signature failed","requestId":"abc-123"}';
const V2_OK = '{"Response":{"Len":53,"Payload":"QUJD","RequestId":"r-1","State":0}}';
const V2_REFUSED = '{"Response":{"Error":{"Code":"InvalidParameterValue.SignatureFailed","Message":"sign failed"},"RequestId":"req-7"}}';

describe('parseRegisterResponse (the registration verdict as a value)', () => {
  it('accepts a 2xx success answer of either API, with the status it came with', () => {
    assert.deepEqual(parseRegisterResponse('v1', 200, bytes(V1_OK)), { kind: 'accepted', httpStatus: 200, payload: 'QUJD', len: 53, requestId: 'r-9' });
    assert.deepEqual(parseRegisterResponse('v2', 201, bytes(V2_OK)), { kind: 'accepted', httpStatus: 201, payload: 'QUJD', len: 53, requestId: 'r-1', state: 0 });
  });

  it('returns the server\'s refusal verbatim, on 2xx and on 4xx alike', () => {
    for (const status of [200, 401, 403]) {
      assert.deepEqual(parseRegisterResponse('v1', status, bytes(V1_REFUSED)),
        { kind: 'refused', httpStatus: status, serverCode: 1010, serverMessage: 'Check signature failed', requestId: 'abc-123' });
      assert.deepEqual(parseRegisterResponse('v2', status, bytes(V2_REFUSED)),
        { kind: 'refused', httpStatus: status, serverCode: 'InvalidParameterValue.SignatureFailed', serverMessage: 'sign failed', requestId: 'req-7' });
    }
  });

  it('the body is read with the API it was asked with: a v2 answer to a v1 request is malformed', () => {
    expectIotError(() => parseRegisterResponse('v1', 200, bytes(V2_OK)), 'bad-response');
    expectIotError(() => parseRegisterResponse('v2', 200, bytes(V1_OK)), 'bad-response');
  });

  it('5xx, 429 and 408 are unavailable whatever the body says (even a success body)', () => {
    for (const status of [500, 502, 503, 504, 599, 429, 408]) {
      assert.equal(isUnavailableStatus(status), true, String(status));
      assert.deepEqual(parseRegisterResponse('v1', status, bytes(V1_OK)), { kind: 'unavailable', httpStatus: status });
      assert.deepEqual(parseRegisterResponse('v2', status, bytes('<html>busy</html>')), { kind: 'unavailable', httpStatus: status });
    }
    for (const status of [200, 400, 404, 407, 409, 428, 430, 499]) assert.equal(isUnavailableStatus(status), false, String(status));
  });

  it('a 4xx without a Tencent answer (HTML, empty, not UTF-8, wrong shape) is a refusal with the status only', () => {
    for (const body of [bytes('<html>Forbidden</html>'), new Uint8Array(0), new Uint8Array([0xff, 0xfe, 0x41]), bytes('{}'), bytes('{"code":0}')]) {
      assert.deepEqual(parseRegisterResponse('v1', 403, body), { kind: 'refused', httpStatus: 403 });
      assert.deepEqual(parseRegisterResponse('v2', 404, body), { kind: 'refused', httpStatus: 404 });
    }
  });

  it('a malformed 2xx answer, or a status outside 2xx/4xx/5xx, is bad-response carrying the status', () => {
    const notUtf8 = expectIotError(() => parseRegisterResponse('v1', 200, new Uint8Array([0xc3, 0x28])), 'bad-response', /UTF-8/);
    assert.equal(notUtf8.httpStatus, 200);
    const noPayload = expectIotError(() => parseRegisterResponse('v1', 200, bytes('{"code":0,"len":3}')), 'bad-response', /no payload/);
    assert.equal(noPayload.httpStatus, 200);
    for (const status of [100, 199, 301, 304, 399]) {
      const e = expectIotError(() => parseRegisterResponse('v1', status, bytes(V1_OK)), 'bad-response', new RegExp(`HTTP ${status}`));
      assert.equal(e.httpStatus, status);
    }
  });

  it('arguments of the wrong type are the caller\'s bug: bad-input', () => {
    expectIotError(() => parseRegisterResponse('v3' as 'v1', 200, bytes(V1_OK)), 'bad-input', /api/);
    for (const status of [99, 1000, 200.5, Number.NaN]) expectIotError(() => parseRegisterResponse('v1', status, bytes(V1_OK)), 'bad-input', /httpStatus/);
    expectIotError(() => parseRegisterResponse('v1', 200, V1_OK as unknown as Uint8Array), 'bad-input', /body/);
  });

  it('is pure: the same bytes give the same verdict, and the body is not modified', () => {
    const body = bytes(V1_REFUSED);
    const copy = body.slice();
    assert.deepEqual(parseRegisterResponse('v1', 200, body), parseRegisterResponse('v1', 200, body));
    assert.deepEqual(body, copy);
  });
});

describe('registerVerdictError (a failed verdict worded as the runner reports it)', () => {
  it('refused with the server\'s fields: final, verbatim, the code and message in the text', () => {
    const e = registerVerdictError({ kind: 'refused', httpStatus: 200, serverCode: 1010, serverMessage: 'Check signature failed', requestId: 'abc-123' });
    assert.ok(e instanceof IotError);
    assert.equal(e.code, 'refused');
    assert.equal(e.retryable, false);
    assert.deepEqual(e.toJSON(), { code: 'refused', message: 'registration refused by the server (code 1010: Check signature failed)', serverCode: 1010, serverMessage: 'Check signature failed', requestId: 'abc-123', httpStatus: 200 });
  });

  it('refused without a Tencent answer names the status; a message without a code is kept', () => {
    assert.match(registerVerdictError({ kind: 'refused', httpStatus: 403 }).message, /HTTP 403/);
    const e = registerVerdictError({ kind: 'refused', httpStatus: 200, serverMessage: 'device disabled' });
    assert.equal(e.serverMessage, 'device disabled');
    assert.match(e.message, /device disabled/);
  });

  it('unavailable is retryable and names the status', () => {
    const e = registerVerdictError({ kind: 'unavailable', httpStatus: 503 });
    assert.equal(e.code, 'unavailable');
    assert.equal(e.retryable, true);
    assert.equal(e.httpStatus, 503);
  });
});

describe('gatewayTrust (the API-to-CA rule, beside the region table)', () => {
  it('v1 gateways chain to the Tencent Iothub root, the v2 gateway to the public web PKI', () => {
    assert.equal(gatewayTrust('v1'), 'tencent-iothub');
    assert.equal(gatewayTrust('v2'), 'public-web');
    expectIotError(() => gatewayTrust('v3' as 'v1'), 'bad-input');
  });
});
