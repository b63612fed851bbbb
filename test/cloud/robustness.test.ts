/**
 * Malformed anything gets an error answer or a closed connection, never a crash; memory stays bounded
 * (the replay cache forgets its oldest entries past its cap).
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import { parseProducts } from '../../host-sim/cloud/products.js';
import { Registry, REPLAY_CACHE_LIMIT } from '../../host-sim/cloud/registry.js';
import { Refusal } from '../../host-sim/cloud/errors.js';
import { connectKey, endClient, registerV1 } from './tc-client.js';

const PID = 'K7QW2ZP4XA';
const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';

/** Sends `bytes` and resolves with what came back once the server closes (or after the peer ends). */
function sendRaw(url: string, bytes: Buffer, tls: boolean, ca: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = tls
      ? tlsConnect({ host: '127.0.0.1', port: Number(port), ca, servername: 'localhost' }, () => socket.end(bytes))
      : netConnect({ host: '127.0.0.1', port: Number(port) }, () => socket.end(bytes));
    let got = '';
    socket.on('data', (c: Buffer) => { got += c.toString('latin1'); });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(got));
  });
}

describe('cloud robustness', function () {
  this.timeout(60_000);
  let cloud: RunningCloud;
  before(async () => {
    cloud = await startCloud({ plainMqttPort: 0, products: { products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto' }] } });
  });
  after(async () => cloud?.close());

  it('garbage on every port is answered or closed, and the cloud keeps working', async () => {
    const garbage = [Buffer.from('GARBAGE / HTTP/9.9\r\n\r\n'), randomBytes(2048), Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f]), Buffer.alloc(0)];
    for (const bytes of garbage) {
      const answer = await sendRaw(cloud.gateway, bytes, true, cloud.caPem);
      if (answer) assert.match(answer, /^HTTP\/1\.1 4\d\d/);
      await sendRaw(cloud.gateway, bytes, false, cloud.caPem); // not even TLS
      await sendRaw(cloud.broker, bytes, true, cloud.caPem);
      await sendRaw(cloud.broker, bytes, false, cloud.caPem);
      await sendRaw(cloud.plainBroker!, bytes, false, cloud.caPem);
    }
    // A CONNECT whose client id is not Tencent's, and a packet before CONNECT.
    await sendRaw(cloud.plainBroker!, Buffer.from([0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x00]), false, cloud.caPem);
    const { psk } = await registerV1(cloud, { productId: PID, productSecret: SECRET, deviceName: 'still-alive' });
    const login = await connectKey(cloud, PID, 'still-alive', psk);
    assert.ok(login.ok);
    await endClient(login.client);
  });

  it('close() ends connected clients and resolves (a fresh cloud)', async () => {
    const own = await startCloud({ plainMqttPort: 0, products: { products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto' }] } });
    const { psk } = await registerV1(own, { productId: PID, productSecret: SECRET, deviceName: 'closing' });
    const tls = await connectKey(own, PID, 'closing', psk);
    const plain = await connectKey(own, PID, 'closing-plain', psk, 'hmacsha256', own.plainBroker);
    assert.ok(tls.ok);
    assert.equal(plain.ok, false, 'unknown device refused');
    const gone = new Promise<void>((resolve) => tls.client.once('close', () => resolve()));
    await own.close();
    await gone;
    await own.close(); // idempotent
  });

  it(`the replay cache is bounded at ${REPLAY_CACHE_LIMIT} entries, forgetting the oldest first`, async () => {
    const registry = await Registry.open(parseProducts({ products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto' }] }));
    for (let i = 0; i <= REPLAY_CACHE_LIMIT; i++) registry.checkAndRememberRequest(PID, 'dev', String(i), '1700000000', 'sig');
    // entry 0 was evicted when entry LIMIT arrived, so it is new again; the newest entry is still remembered
    assert.doesNotThrow(() => registry.checkAndRememberRequest(PID, 'dev', '0', '1700000000', 'sig'));
    assert.throws(() => registry.checkAndRememberRequest(PID, 'dev', String(REPLAY_CACHE_LIMIT), '1700000000', 'sig'), (e: unknown) => e instanceof Refusal && e.reason === 'replayed');
  });
});
