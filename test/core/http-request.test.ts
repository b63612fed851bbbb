import { strict as assert } from 'node:assert';
import { serializeHttpRequest, type HttpRequest } from '../../src/protocol/http-request.js';
import { expectIotError } from './support/expect-iot-error.js';

const request: HttpRequest = {
  method: 'POST',
  host: 'gateway.tencentdevices.com',
  path: '/register/dev',
  headers: { Accept: 'text/xml,application/json;*/*', 'Content-Type': 'application/x-www-form-urlencoded' },
  body: '{"deviceName":"d"}',
};

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

describe('serializeHttpRequest', () => {
  it('writes request line, Host, the headers in order, Content-Length, Connection: close and the body', () => {
    assert.equal(
      text(serializeHttpRequest(request)),
      'POST /register/dev HTTP/1.1\r\nHost: gateway.tencentdevices.com\r\nAccept: text/xml,application/json;*/*\r\n' +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 18\r\nConnection: close\r\n\r\n{"deviceName":"d"}',
    );
  });

  it('adds :port to Host only when the port is not 443', () => {
    assert.match(text(serializeHttpRequest(request, 443)), /\r\nHost: gateway\.tencentdevices\.com\r\n/);
    assert.match(text(serializeHttpRequest({ ...request, host: '127.0.0.1' }, 8443)), /\r\nHost: 127\.0\.0\.1:8443\r\n/);
  });

  it('counts Content-Length in UTF-8 bytes, not characters', () => {
    const out = text(serializeHttpRequest({ ...request, body: 'é€😀' }));
    assert.match(out, /Content-Length: 9\r\n/);
    assert.ok(out.endsWith('\r\n\r\né€😀'));
  });

  it('refuses header injection, reserved headers, bad hosts, paths and ports (bad-input)', () => {
    expectIotError(() => serializeHttpRequest({ ...request, headers: { 'X-A': 'v\r\nX-Evil: 1' } }), 'bad-input');
    expectIotError(() => serializeHttpRequest({ ...request, headers: { 'X A': 'v' } }), 'bad-input');
    expectIotError(() => serializeHttpRequest({ ...request, headers: { 'content-length': '1' } }), 'bad-input');
    expectIotError(() => serializeHttpRequest({ ...request, headers: { Host: 'x' } }), 'bad-input');
    expectIotError(() => serializeHttpRequest({ ...request, host: 'a b' }), 'bad-input');
    expectIotError(() => serializeHttpRequest({ ...request, host: 'evil\r\n' }), 'bad-input');
    expectIotError(() => serializeHttpRequest({ ...request, path: 'register' }), 'bad-input');
    expectIotError(() => serializeHttpRequest({ ...request, path: '/a b' }), 'bad-input');
    for (const port of [0, 65536, 1.5]) expectIotError(() => serializeHttpRequest(request, port), 'bad-input');
    expectIotError(() => serializeHttpRequest({ ...request, method: 'GET' as 'POST' }), 'bad-input');
  });
});
