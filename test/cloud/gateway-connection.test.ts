/**
 * How registration answers end their connection (host-sim/cloud/answer-framing.ts):
 * - a client that does not ask for keep-alive gets `Connection: close` and the connection is closed after the
 *   answer, so a client reading to end-of-stream finishes at once, and a second request on that connection is
 *   never answered (it must reconnect, as HTTP/1.1 says);
 * - a keep-alive client (Node's agent) reuses one connection for several registrations;
 * - every answer is at least 1024 bytes with its head inside the first 1024, which is what Tencent's C SDK
 *   needs to finish at once instead of after its 2 s read timeout: emulated here read for read
 *   (utils_httpc.c + HAL_TLS_mbedtls.c: the first read wants 1024 bytes, a close during it is an error).
 */
import { strict as assert } from 'node:assert';
import { Agent, request } from 'node:https';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import { FIRST_READ_BYTES } from '../../host-sim/cloud/answer-framing.js';
import { decrypt, v1Body, v2Request, V1_ERROR, V1_SUCCESS, V2_ERROR, V2_SUCCESS } from './tc-client.js';

const PID = 'K7QW2ZP4XA';
const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';
const READ_TIMER_MS = 15_000;

function rawRequest(path: string, body: string, extraHeaders = ''): string {
  return `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n${body}`;
}

function openTls(cloud: RunningCloud): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: Number(new URL(cloud.gateway).port), ca: cloud.caPem, servername: 'localhost' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes `text` and collects everything until the server ends the stream. */
function readToEnd(socket: TLSSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    socket.on('data', (c: Buffer) => { got += c.toString('latin1'); });
    socket.once('end', () => resolve(got));
    socket.once('error', reject);
    socket.write(text);
  });
}

interface RawAnswer { head: string; headers: Record<string, string>; body: string; total: number; headEnd: number }

function splitAnswer(raw: string): RawAnswer {
  const headEnd = raw.indexOf('\r\n\r\n') + 4;
  assert.ok(headEnd > 4, 'a complete head');
  const head = raw.slice(0, headEnd);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { head, headers, body: raw.slice(headEnd), total: raw.length, headEnd };
}

/**
 * Tencent's C SDK reading a registration answer (qcloud-iot-explorer-sdk-embedded-c 810ac68): HAL_TLS_Read
 * loops until it has the bytes it asked for or its timer runs out; end of stream or close_notify inside that
 * loop is QCLOUD_ERR_SSL_READ and the answer is dropped. The first read asks for 1024 bytes; after the head
 * (which must be in those bytes) it asks for exactly the Content-Length still missing. Returns how each read
 * ended: 'count' (got what it asked for), 'timer' (the real SDK would have waited its 2 s), or throws on a close.
 */
function cSdkStyleRead(socket: TLSSocket, request: string): Promise<{ answer: RawAnswer; reads: Array<'count' | 'timer'> }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    let wanted = FIRST_READ_BYTES;
    let got = Buffer.alloc(0);
    const reads: Array<'count' | 'timer'> = [];
    let head: RawAnswer | undefined;
    // Stands in for DYN_REG_RES_HTTP_TIMEOUT_MS (2 s), made longer so that a slow, loaded machine (a certificate
    // is generated before the answer) is not mistaken for a server that leaves the reader waiting: what is
    // checked is which condition ended each read, not how long it took.
    let timer = setTimeout(() => onTimer(), READ_TIMER_MS);
    const finishRead = (how: 'count' | 'timer'): void => {
      reads.push(how);
      const chunk = buffered.subarray(0, wanted);
      buffered = buffered.subarray(chunk.length);
      got = Buffer.concat([got, chunk]);
      if (!head) {
        const text = got.toString('latin1');
        const end = text.indexOf('\r\n\r\n');
        if (end < 0) return fail(new Error('the head did not fit in the first 1024-byte read'));
        head = splitAnswer(text);
      }
      const length = Number(head.headers['content-length']);
      const missing = head.headEnd + length - got.length;
      if (missing <= 0 || how === 'timer') {
        clearTimeout(timer);
        socket.removeAllListeners('data');
        socket.removeAllListeners('end');
        socket.on('error', () => undefined);
        return resolve({ answer: splitAnswer(got.toString('latin1')), reads });
      }
      wanted = missing;
      timer = setTimeout(() => onTimer(), READ_TIMER_MS);
      if (buffered.length >= wanted) finishRead('count');
    };
    const onTimer = (): void => finishRead('timer');
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    socket.on('data', (c: Buffer) => {
      buffered = Buffer.concat([buffered, c]);
      if (buffered.length >= wanted) finishRead('count');
    });
    socket.once('end', () => fail(new Error(`the server closed during a read (${buffered.length} of ${wanted} bytes): QCLOUD_ERR_SSL_READ, the answer is lost`)));
    socket.once('error', fail);
    socket.write(request);
  });
}

describe('cloud gateway: how a registration answer ends its connection', function () {
  this.timeout(60_000);
  let cloud: RunningCloud;
  before(async () => {
    cloud = await startCloud({ products: { products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto' }, { productId: 'C3RT7PRD01', productSecret: SECRET, authMode: 'CERT', dynamicRegistration: 'auto' }] } });
  });
  after(async () => cloud?.close());

  it('a raw client that reads until end-of-stream gets the whole answer and the end, with Connection: close', async () => {
    const socket = await openTls(cloud);
    const raw = await readToEnd(socket, rawRequest('/register/dev', v1Body({ productId: PID, productSecret: SECRET, deviceName: 'eof-reader' })));
    const answer = splitAnswer(raw);
    assert.match(answer.head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.equal(answer.headers.connection, 'close');
    assert.equal(answer.headers['keep-alive'], undefined, 'no keep-alive promise');
    assert.equal(Buffer.byteLength(answer.body, 'latin1'), Number(answer.headers['content-length']));
    const match = V1_SUCCESS.exec(answer.body);
    assert.ok(match, answer.body);
    assert.ok(JSON.parse(decrypt(SECRET, match[2]!, Number(match[1]))).psk);
  });

  it('…and a second request on that connection is never answered: the server closed after the first answer', async () => {
    const socket = await openTls(cloud);
    const first = rawRequest('/register/dev', v1Body({ productId: PID, productSecret: SECRET, deviceName: 'no-reuse-1' }));
    const second = rawRequest('/register/dev', v1Body({ productId: PID, productSecret: SECRET, deviceName: 'no-reuse-2' }));
    // Both requests pipelined at once: a server keeping the connection would answer both.
    const raw = await readToEnd(socket, first + second);
    assert.equal(raw.split('HTTP/1.1 ').length - 1, 1, 'exactly one answer');
    assert.match(splitAnswer(raw).body, V1_SUCCESS);
  });

  it('an HTTP/1.1 keep-alive agent reuses one connection for two registrations', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: cloud.caPem, servername: 'localhost' });
    const sockets = new Set<unknown>();
    try {
      for (const [i, deviceName] of ['keep-1', 'keep-2'].entries()) {
        const { body, headers } = v2Request({ productId: PID, productSecret: SECRET, deviceName, host: '127.0.0.1' });
        const answer = await new Promise<{ text: string; connection: string | undefined; reused: boolean }>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: Number(new URL(cloud.gateway).port), path: '/device/register', method: 'POST', agent, headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
            sockets.add(res.socket);
            let text = '';
            res.on('data', (c: Buffer) => { text += c.toString(); });
            res.on('end', () => resolve({ text, connection: res.headers.connection, reused: req.reusedSocket }));
          });
          req.on('error', reject);
          req.end(body);
        });
        assert.match(answer.text, V2_SUCCESS);
        assert.equal(answer.connection, 'keep-alive');
        assert.equal(answer.reused, i === 1, i === 1 ? 'the second request reuses the connection' : 'the first opens it');
      }
      assert.equal(sockets.size, 1, 'one connection for both');
    } finally {
      agent.destroy();
    }
  });

  const answers: Array<[string, () => { path: string; body: string; headers?: string }, RegExp]> = [
    ['a v1 key registration', () => ({ path: '/register/dev', body: v1Body({ productId: PID, productSecret: SECRET, deviceName: 'csdk-like-1' }) }), V1_SUCCESS],
    ['a v1 certificate registration (about 4 KB)', () => ({ path: '/register/dev', body: v1Body({ productId: 'C3RT7PRD01', productSecret: SECRET, deviceName: 'csdk-like-2' }) }), V1_SUCCESS],
    ['a v1 refusal (bad signature)', () => ({ path: '/register/dev', body: v1Body({ productId: PID, productSecret: 'wrong-secret-0123456789', deviceName: 'csdk-like-3' }) }), V1_ERROR],
    ['a refusal in the v2 shape (no such path)', () => ({ path: '/x', body: '{}' }), V2_ERROR],
    ['a v2 key registration', () => { const r = v2Request({ productId: PID, productSecret: SECRET, deviceName: 'csdk-like-4' }); return { path: '/device/register', body: r.body, headers: Object.entries(r.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') }; }, V2_SUCCESS],
  ];
  for (const [what, make, shape] of answers) {
    it(`${what}: read as Tencent's C SDK reads it, every read is satisfied at once and the close is never read`, async () => {
      const { path, body, headers } = make();
      const socket = await openTls(cloud);
      try {
        const { answer, reads } = await cSdkStyleRead(socket, rawRequest(path, body, headers));
        assert.ok(reads.every((how) => how === 'count'), `a read ran into the 2 s timer: ${reads.join(', ')}`);
        assert.ok(answer.total >= FIRST_READ_BYTES, `${answer.total} bytes`);
        assert.ok(answer.headEnd <= FIRST_READ_BYTES, `head ends at ${answer.headEnd}`);
        assert.match(answer.body, shape);
      } finally {
        socket.destroy();
      }
    });
  }
});
