import { strict as assert } from 'node:assert';
import { HttpResponseParser, MAX_RESPONSE_BYTES, type HttpResponse } from '../../src/protocol/http-response.js';
import { expectIotError } from './support/expect-iot-error.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const bodyText = (r: HttpResponse): string => Buffer.from(r.body).toString('latin1');

/** Feeds `wire` in pieces of `size` bytes; returns the response, calling end() if the pushes did not finish it. */
function parseIn(wire: string, size: number): HttpResponse {
  const parser = new HttpResponseParser();
  const all = bytes(wire);
  for (let i = 0; i < all.length; i += size) {
    const done = parser.push(all.subarray(i, i + size));
    if (done !== undefined) return done;
  }
  return parser.end();
}

/** Every split size must give the same answer: the parser is incremental, not lucky. */
function parseEverySplit(wire: string): HttpResponse {
  const whole = parseIn(wire, wire.length || 1);
  for (const size of [1, 2, 3, 5, 7, 16, 64]) {
    const split = parseIn(wire, size);
    assert.deepEqual({ ...split, body: bodyText(split) }, { ...whole, body: bodyText(whole) }, `split ${size}`);
  }
  return whole;
}

function failEverySplit(wire: string, code: 'bad-response' | 'transport', end = true): void {
  for (const size of [1, 3, wire.length]) {
    expectIotError(() => {
      const parser = new HttpResponseParser();
      const all = bytes(wire);
      for (let i = 0; i < all.length; i += size) parser.push(all.subarray(i, i + size));
      if (end) parser.end();
      else throw new Error('push did not fail');
    }, code);
  }
}

describe('HttpResponseParser', () => {
  it('parses a Content-Length response: status, reason, lower-case headers, exact body', () => {
    const r = parseEverySplit('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nX-Dup: a\r\nx-dup: b\r\n\r\n{"code":0}\n');
    assert.equal(r.status, 200);
    assert.equal(r.reason, 'OK');
    assert.deepEqual(r.headers, { 'content-type': 'application/json', 'content-length': '11', 'x-dup': 'a, b' });
    assert.equal(bodyText(r), '{"code":0}\n');
  });

  it('completes on push as soon as the body is there, and ignores bytes after it', () => {
    const parser = new HttpResponseParser();
    assert.equal(parser.push(bytes('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n')), undefined);
    const r = parser.push(bytes('hiEXTRA'));
    assert.ok(r);
    assert.equal(bodyText(r), 'hi');
    assert.equal(parser.push(bytes('more')), r);
    assert.equal(parser.end(), r);
  });

  it('parses chunked bodies with extensions and trailers', () => {
    const r = parseEverySplit('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n1A \r\n' + 'abcdefghijklmnopqrstuvwxyz' + '\r\n0\r\nX-Trailer: t\r\nChecksum: 1\r\n\r\n');
    assert.equal(bodyText(r), 'helloabcdefghijklmnopqrstuvwxyz');
  });

  it('lets chunked win over Content-Length (RFC 9112 §6.3)', () => {
    const r = parseEverySplit('HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
    assert.equal(bodyText(r), 'abc');
  });

  it('reads the body to the end of the stream when the server closes the connection', () => {
    const r = parseEverySplit('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{"code":0,"payload":"x"}');
    assert.equal(bodyText(r), '{"code":0,"payload":"x"}');
    const old = parseEverySplit('HTTP/1.0 200 OK\r\n\r\nbody');
    assert.equal(bodyText(old), 'body');
  });

  it('skips interim 1xx responses, tolerates bare LF, an empty reason, and 204 without a body', () => {
    const r = parseEverySplit('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201\r\nContent-Length: 1\r\n\r\nz');
    assert.equal(r.status, 201);
    assert.equal(r.reason, '');
    assert.equal(bodyText(r), 'z');
    const lf = parseEverySplit('HTTP/1.1 404 Not Found\nContent-Length: 3\n\nnah');
    assert.equal(lf.status, 404);
    assert.equal(bodyText(lf), 'nah');
    assert.equal(parseEverySplit('HTTP/1.1 204 No Content\r\n\r\n').body.length, 0);
  });

  it('keeps header names like __proto__ as plain data', () => {
    const r = parseEverySplit('HTTP/1.1 200 OK\r\n__proto__: x\r\nContent-Length: 0\r\n\r\n');
    assert.equal(Object.getPrototypeOf(r.headers), Object.prototype);
    assert.equal(r.headers.__proto__ as unknown, 'x');
  });

  describe('limits', () => {
    it('accepts a response of exactly 16 KiB', () => {
      const head = 'HTTP/1.1 200 OK\r\nContent-Length: XXXXX\r\n\r\n';
      const size = MAX_RESPONSE_BYTES - head.length;
      const r = parseIn(head.replace('XXXXX', String(size)) + 'b'.repeat(size), 1000);
      assert.equal(r.body.length, size);
    });

    it('refuses one byte more, whatever the framing (bad-response)', () => {
      const head = 'HTTP/1.1 200 OK\r\nContent-Length: XXXXX\r\n\r\n';
      const size = MAX_RESPONSE_BYTES - head.length + 1;
      failEverySplit(head.replace('XXXXX', String(size)) + 'b'.repeat(size), 'bad-response', false);
      failEverySplit('HTTP/1.1 200 OK\r\nContent-Length: 99999\r\n\r\n', 'bad-response', false);
      failEverySplit(`HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n${'c'.repeat(MAX_RESPONSE_BYTES)}`, 'bad-response', false);
      failEverySplit(`HTTP/1.1 200 OK\r\nX-Big: ${'h'.repeat(MAX_RESPONSE_BYTES)}`, 'bad-response', false);
      const chunks = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${'400\r\n'.concat('d'.repeat(0x400), '\r\n').repeat(16)}0\r\n\r\n`;
      failEverySplit(chunks, 'bad-response', false);
      failEverySplit('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFF\r\n', 'bad-response', false);
    });
  });

  describe('truncated responses are transport at end()', () => {
    for (const wire of [
      '', 'HTTP/1.1 200 OK\r\nContent-Len', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n', 'HTTP/1.1 100 Continue\r\n\r\n',
    ]) {
      it(JSON.stringify(wire.slice(-30)), () => failEverySplit(wire, 'transport'));
    }
  });

  describe('malformed responses are bad-response', () => {
    const cases: Record<string, string> = {
      'not HTTP': 'SSH-2.0-OpenSSH\r\n\r\n',
      'bad version': 'HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n',
      'two-digit status': 'HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n',
      'status 600': 'HTTP/1.1 600 X\r\nContent-Length: 0\r\n\r\n',
      'status 101': 'HTTP/1.1 101 Switching\r\n\r\n',
      'header without colon': 'HTTP/1.1 200 OK\r\nBroken header\r\n\r\n',
      'space before colon': 'HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx',
      'folded header': 'HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n',
      'NUL in header': 'HTTP/1.1 200 OK\r\nX: a\u0000b\r\nContent-Length: 0\r\n\r\n',
      'negative length': 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      'non-numeric length': 'HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n',
      'conflicting lengths': 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx',
      'gzip coding': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
      'no framing, keep-alive': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nabc',
      'chunk size not hex': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n',
      'empty chunk size': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\nabc\r\n0\r\n\r\n',
      'negative chunk size': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n',
      'chunk size overflow': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100000000\r\n',
      'chunk without CRLF': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n',
      'chunk with CR only': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\rX0\r\n\r\n',
      'bad trailer': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nnot a trailer\r\n\r\n',
      'endless chunk line': `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${'e'.repeat(2000)}`,
    };
    for (const [name, wire] of Object.entries(cases)) {
      it(name, () => {
        for (const size of [1, 4, wire.length]) {
          expectIotError(() => {
            const parser = new HttpResponseParser();
            const all = bytes(wire);
            for (let i = 0; i < all.length; i += size) parser.push(all.subarray(i, i + size));
            parser.end();
          }, 'bad-response');
        }
      });
    }

    it('stays failed: later pushes and end() throw the same error', () => {
      const parser = new HttpResponseParser();
      const first = expectIotError(() => parser.push(bytes('garbage\r\n\r\n')), 'bad-response');
      assert.equal(expectIotError(() => parser.push(bytes('HTTP/1.1 200 OK\r\n')), 'bad-response'), first);
      assert.equal(expectIotError(() => parser.end(), 'bad-response'), first);
    });
  });
});
