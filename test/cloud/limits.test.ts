/**
 * The local cloud's connection limits, each broken by a client made for it: the one connection is closed
 * and logged, and a well-behaved device still registers and logs in afterwards. Short limits via options,
 * so nothing waits long; the mocha timeout is the only clock.
 */
import { strict as assert } from 'node:assert';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import { DEFAULT_LIMITS, MqttFrameWatch } from '../../host-sim/cloud/connection-limits.js';
import { parseCloudArguments } from '../../host-sim/cloud/cli.js';
import { connectKey, endClient, mqttConnect, registerV1 } from './tc-client.js';

const PID = 'K7QW2ZP4XA';
const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';

interface Attack {
  /** Bytes the client managed to write before the server closed the connection. */
  written: number;
  /** What the server answered, latin1. */
  answer: string;
}

/**
 * Opens a connection (TLS unless `plain`) and writes `head`, then `filler` chunks while the server keeps the
 * connection open, up to `maxBytes` in all (so a server without the limit ends the test instead of hanging).
 */
function attack(url: string, ca: string, options: { plain?: boolean; head?: Buffer; filler?: Buffer; maxBytes?: number; localAddress?: string; handshake?: boolean }): Promise<Attack> {
  const { port } = new URL(url);
  const maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
  return new Promise((resolve) => {
    let written = 0;
    let answer = '';
    let done = false;
    const start = (): void => {
      if (options.head) {
        socket.write(options.head);
        written += options.head.length;
      }
      const pump = (): void => {
        while (!done && options.filler && written < maxBytes) {
          written += options.filler.length;
          if (!socket.write(options.filler)) {
            socket.once('drain', pump);
            return;
          }
        }
        if (written >= maxBytes && !done) socket.end();
      };
      pump();
    };
    const base = { host: '127.0.0.1', port: Number(port), ...(options.localAddress ? { localAddress: options.localAddress } : {}) };
    const socket: Socket = options.plain || options.handshake === false
      ? netConnect(base, start)
      : tlsConnect({ ...base, ca, servername: 'localhost' }, start);
    socket.on('data', (chunk: Buffer) => { answer += chunk.toString('latin1'); });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      done = true;
      resolve({ written, answer });
    });
  });
}

/** A CONNECT fixed header announcing `remaining` bytes (Remaining Length, MQTT 3.1.1 §2.2.3). */
function connectHeader(remaining: number): Buffer {
  const bytes = [0x10];
  let value = remaining;
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return Buffer.from(bytes);
}

describe('cloud limits: a client that breaks one is closed, everyone else is served', function () {
  this.timeout(60_000);
  let cloud: RunningCloud;
  const events: string[] = [];
  let psk = '';

  before(async () => {
    cloud = await startCloud({
      plainMqttPort: 0,
      products: { products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto' }] },
      log: (line) => events.push(line),
      limits: { loginTimeoutMs: 400, requestTimeoutMs: 400, maxConnectionsPerAddress: 4, maxConnections: 12, maxPacketBytes: 2048, preLoginBytes: 1024 },
    });
    ({ psk } = await registerV1(cloud, { productId: PID, productSecret: SECRET, deviceName: 'good-one' }));
  });
  after(async () => cloud?.close());

  async function stillServes(): Promise<void> {
    const login = await connectKey(cloud, PID, 'good-one', psk);
    assert.ok(login.ok, 'a good device still logs in');
    await endClient(login.client);
  }

  function logged(pattern: RegExp): void {
    assert.ok(events.some((line) => pattern.test(line)), `a log line matching ${pattern}:\n${events.slice(-8).join('\n')}`);
  }

  for (const transport of ['TLS', 'plain'] as const) {
    it(`${transport}: a CONNECT announcing 256 MB is cut after its header, before anything is buffered`, async () => {
      const url = transport === 'TLS' ? cloud.broker : cloud.plainBroker!;
      const result = await attack(url, cloud.caPem, { plain: transport === 'plain', head: connectHeader(268_435_455), filler: Buffer.alloc(16 * 1024, 0x41) });
      assert.ok(result.written < 4 * 1024 * 1024, `closed before the client's own cap (wrote ${result.written})`);
      logged(/^broker: connection from 127\.0\.0\.1:\d+ closed: sent a packet of 268435460 bytes, the limit is 2048$/);
      await stillServes();
    });
  }

  it('a Remaining Length longer than four bytes is refused', async () => {
    await attack(cloud.plainBroker!, cloud.caPem, { plain: true, head: Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f]) });
    logged(/closed: sent a packet length longer than four bytes$/);
  });

  it('more than the pre-login byte budget (a CONNECT under the packet limit but over the budget) is refused', async () => {
    const result = await attack(cloud.plainBroker!, cloud.caPem, { plain: true, head: connectHeader(2000), filler: Buffer.alloc(100, 0x41), maxBytes: 2003 });
    assert.ok(result.written <= 2003);
    logged(/closed: sent more than 1024 bytes before logging in$/);
    await stillServes();
  });

  it('a logged-in device that publishes a packet over the limit loses its connection; others stay', async () => {
    const first = await connectKey(cloud, PID, 'good-one', psk);
    assert.ok(first.ok);
    const closed = new Promise<void>((resolve) => first.client.once('close', () => resolve()));
    first.client.publish(`${PID}/good-one/data`, Buffer.alloc(4096, 0x42), { qos: 0 });
    await closed;
    await endClient(first.client);
    logged(/^broker: connection from 127\.0\.0\.1:\d+ \(client id K7QW2ZP4XAgood-one\) closed: sent a packet of 41\d\d bytes, the limit is 2048$/);
    await stillServes();
  });

  it('a connection that never logs in is closed at the deadline (TLS done, no CONNECT)', async () => {
    const result = await attack(cloud.broker, cloud.caPem, {});
    assert.equal(result.answer, '');
    logged(/closed: not logged in within 400 ms$/);
  });

  it('a connection that never finishes the TLS handshake is closed at the deadline', async () => {
    const before = events.length;
    await attack(cloud.broker, cloud.caPem, { handshake: false });
    await attack(cloud.gateway, cloud.caPem, { handshake: false });
    const lines = events.slice(before).join('\n');
    assert.match(lines, /broker: TLS handshake failed: .*timeout/i);
    assert.match(lines, /gateway: TLS handshake failed: .*timeout/i);
  });

  it('connections per address: the fifth from one address is refused; another address is served', async () => {
    const sockets = await Promise.all(Array.from({ length: 4 }, () => new Promise<Socket>((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port: Number(new URL(cloud.plainBroker!).port), localAddress: '127.0.0.2' }, () => resolve(socket));
      socket.on('error', () => undefined);
    })));
    try {
      const fifth = await attack(cloud.plainBroker!, cloud.caPem, { plain: true, localAddress: '127.0.0.2' });
      assert.equal(fifth.answer, '');
      logged(/^broker: connection from 127\.0\.0\.2:\d+ refused \(4 connections open from this address, the limit is 4\)$/);
      await stillServes();
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });

  it('connections in total: over the limit is refused, whatever the address; after they close, served again', async () => {
    const port = Number(new URL(cloud.plainBroker!).port);
    const sockets = await Promise.all(Array.from({ length: 12 }, (_, i) => new Promise<Socket>((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port, localAddress: `127.0.1.${i + 1}` }, () => resolve(socket));
      socket.on('error', () => undefined);
    })));
    try {
      await attack(cloud.plainBroker!, cloud.caPem, { plain: true, localAddress: '127.0.2.1' });
      logged(/refused \(12 connections open, the limit is 12\)$/);
      const refused = await mqttConnect(cloud.broker, { clientId: 'x', ca: cloud.caPem });
      assert.equal(refused.ok, false);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    await stillServes();
  });

  it('gateway: headers over the limit get 431 and a closed connection', async () => {
    const request = Buffer.from(`POST /register/dev HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(10_000)}\r\nContent-Length: 2\r\n\r\n{}`);
    const result = await attack(cloud.gateway, cloud.caPem, { head: request });
    assert.match(result.answer, /^HTTP\/1\.1 431 /);
    logged(/^gateway: connection from 127\.0\.0\.1:\d+ closed: headers larger than 8192 bytes$/);
  });

  it('gateway: a request that trickles in past the request timeout gets 408 and a closed connection', async () => {
    const result = await attack(cloud.gateway, cloud.caPem, { head: Buffer.from('POST /register/dev HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{') });
    assert.match(result.answer, /^HTTP\/1\.1 408 /);
    logged(/^gateway: connection from 127\.0\.0\.1:\d+ closed: request not complete within 400 ms$/);
    const { psk: again } = await registerV1(cloud, { productId: PID, productSecret: SECRET, deviceName: 'after-408' });
    assert.equal(typeof again, 'string');
  });

  it('gateway: a body over 4096 bytes is refused (too-large) and the connection closed', async () => {
    const body = `{"x":"${'a'.repeat(5000)}"}`;
    const result = await attack(cloud.gateway, cloud.caPem, { head: Buffer.from(`POST /register/dev HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${body.length}\r\n\r\n${body}`) });
    assert.match(result.answer, /^HTTP\/1\.1 200 [\s\S]*Connection: close[\s\S]*"code":1002/);
  });
});

describe('MqttFrameWatch (the broker packet-size rule)', () => {
  it('follows packets split at every byte, and reports the first one over the limit', () => {
    const small = Buffer.concat([Buffer.from([0x30, 3]), Buffer.from('abc'), Buffer.from([0xc0, 0x00])]);
    const big = connectHeader(200);
    const watch = new MqttFrameWatch(100);
    for (const byte of small) assert.equal(watch.feed(Uint8Array.of(byte)), undefined);
    assert.equal(watch.feed(big.subarray(0, 1)), undefined);
    assert.equal(watch.feed(big.subarray(1)), 'a packet of 203 bytes, the limit is 100');
  });

  it('a packet of exactly the limit passes', () => {
    const watch = new MqttFrameWatch(10);
    assert.equal(watch.feed(Buffer.concat([Buffer.from([0x30, 8]), Buffer.alloc(8)])), undefined);
    assert.equal(watch.feed(Buffer.from([0x30, 9])), 'a packet of 11 bytes, the limit is 10');
  });
});

describe('cloud limit flags', () => {
  it('--max-packet-bytes, --login-timeout, --request-timeout, --max-connections, --max-connections-per-address set the limits', () => {
    const args = parseCloudArguments(['--products', 'p.json', '--max-packet-bytes', '4096', '--login-timeout=3', '--request-timeout', '7', '--max-connections', '100', '--max-connections-per-address', '9']);
    assert.notEqual(args, 'help');
    assert.deepEqual((args as { limits: unknown }).limits, { maxPacketBytes: 4096, loginTimeoutMs: 3000, requestTimeoutMs: 7000, maxConnections: 100, maxConnectionsPerAddress: 9 });
  });

  it('a bad value is a usage error naming the flag', () => {
    assert.throws(() => parseCloudArguments(['--products', 'p.json', '--max-packet-bytes', '12']), /^Error: --max-packet-bytes must be a whole number of bytes from 64 to 268435460$/);
    assert.throws(() => parseCloudArguments(['--products', 'p.json', '--login-timeout', '1.5']), /--login-timeout must be a whole number of seconds/);
  });

  it('the defaults are the documented ones', () => {
    assert.deepEqual({ ...DEFAULT_LIMITS }, { maxPacketBytes: 17408, preLoginBytes: 4096, loginTimeoutMs: 10000, maxConnectionsPerAddress: 2048, maxConnections: 4096, requestTimeoutMs: 10000, gatewayMaxHeaderBytes: 8192 });
  });
});
