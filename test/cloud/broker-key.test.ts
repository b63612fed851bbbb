/**
 * The broker with key products: Tencent's username/password rule (both algorithms), every refused login
 * with its CONNACK code, the plain port, and the topic rules (SUBACK 0x80, refused publish closes,
 * retain and will refused, QoS 2 downgraded).
 */
import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import { connectKey, endClient, keyLogin, mqttConnect, registerV1, registerV2 } from './tc-client.js';

const PID = 'K7QW2ZP4XA';
const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';

function subscribe(client: MqttClient, topic: string, qos: 0 | 1 | 2): Promise<number> {
  return new Promise((resolve, reject) => {
    // MQTT.js reports a refused subscription as an error carrying the SUBACK packet; read the code from it.
    client.subscribe(topic, { qos }, (error, granted, suback?: { granted?: unknown[] }) => {
      const fromPacket = (error as { packet?: { granted?: unknown[] } } | null)?.packet?.granted?.[0] ?? suback?.granted?.[0];
      if (typeof fromPacket === 'number') return resolve(fromPacket);
      if (!error && typeof granted?.[0]?.qos === 'number') return resolve(granted[0].qos);
      reject(error ?? new Error('no SUBACK'));
    });
  });
}

function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}

describe('cloud broker: key products', function () {
  this.timeout(60_000);
  let cloud: RunningCloud;
  let psk: string;
  const logs: string[] = [];
  const open: MqttClient[] = [];

  before(async () => {
    cloud = await startCloud({
      plainMqttPort: 0,
      log: (line) => logs.push(line),
      products: { products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto', devices: ['sensor-0001'] }] },
    });
    psk = (await registerV1(cloud, { productId: PID, productSecret: SECRET, deviceName: 'dev-1' })).psk;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map(endClient));
  });
  after(async () => {
    await cloud?.close();
    for (const line of logs) assert.ok(!line.includes(psk) && !line.includes(SECRET), `a log line holds a secret: ${line}`);
  });

  async function login(deviceName = 'dev-1', algorithm: 'hmacsha1' | 'hmacsha256' = 'hmacsha256', url?: string): Promise<MqttClient> {
    const outcome = await connectKey(cloud, PID, deviceName, psk, algorithm, url);
    if (!outcome.ok) assert.fail(`login refused: CONNACK ${outcome.returnCode}, closed ${outcome.closed}`);
    open.push(outcome.client);
    return outcome.client;
  }

  it('accepts hmacsha256 and hmacsha1 passwords over TLS, verified with the cloud CA', async () => {
    await login('dev-1', 'hmacsha256');
    await endClient(open.pop()!);
    await login('dev-1', 'hmacsha1');
  });

  it('accepts the C SDK\'s LONG_MAX expiry and appid 12010126 (the Java SDK\'s)', async () => {
    const clientId = `${PID}dev-1`;
    const username = `${clientId};12010126;Zz9Yy;9223372036854775807`;
    const password = `${createHmac('sha1', Buffer.from(psk, 'base64')).update(username).digest('hex')};hmacsha1`;
    const outcome = await mqttConnect(cloud.broker, { clientId, username, password, ca: cloud.caPem });
    assert.ok(outcome.ok);
    open.push(outcome.client);
  });

  it('accepts key devices on the plain port', async () => {
    assert.ok(cloud.plainBroker?.startsWith('mqtt://localhost:'));
    await login('dev-1', 'hmacsha256', cloud.plainBroker);
  });

  const refusals: Array<[string, () => { clientId: string; username?: string; password?: string; will?: object }, number]> = [
    ['a wrong password', () => ({ ...keyLogin(PID, 'dev-1', Buffer.alloc(16, 7).toString('base64')) }), 4],
    ['a password without ;algorithm', () => { const l = keyLogin(PID, 'dev-1', psk); return { ...l, password: l.password.split(';')[0]! }; }, 4],
    ['an unknown algorithm', () => { const l = keyLogin(PID, 'dev-1', psk); return { ...l, password: l.password.replace('hmacsha256', 'hmacmd5') }; }, 4],
    ['an expired username', () => keyLogin(PID, 'dev-1', psk, 'hmacsha256', Math.floor(Date.now() / 1000) - 5), 4],
    ['a username that names another client id', () => { const l = keyLogin(PID, 'dev-2', psk); return { ...l, clientId: `${PID}dev-1` }; }, 4],
    ['a client id of another device than the username', () => { const l = keyLogin(PID, 'dev-1', psk); return { ...l, clientId: `${PID}sensor-0001` }; }, 4],
    ['a username not in Tencent\'s shape', () => ({ clientId: `${PID}dev-1`, username: `${PID}dev-1`, password: 'x;hmacsha1' }), 4],
    ['no username at all', () => ({ clientId: `${PID}dev-1` }), 4],
    ['an unknown device', () => keyLogin(PID, 'nobody', psk), 4],
    ['an unknown product', () => keyLogin('ZZZZZZZZZZ', 'dev-1', psk), 4],
    ['a pre-created device that never registered', () => keyLogin(PID, 'sensor-0001', psk), 4],
    ['a will message', () => ({ ...keyLogin(PID, 'dev-1', psk), will: { topic: `${PID}/dev-1/event`, payload: Buffer.from('gone'), qos: 0, retain: false } }), 5],
  ];
  for (const [what, make, code] of refusals) {
    it(`refuses ${what} with CONNACK ${code}, and logs it`, async () => {
      const before = logs.length;
      const outcome = await mqttConnect(cloud.broker, { ...make(), ca: cloud.caPem } as never);
      assert.equal(outcome.ok, false);
      assert.equal((outcome as { returnCode?: number }).returnCode, code);
      assert.ok(logs.slice(before).some((line) => line.includes('refused (CONNACK')), 'the refusal is logged');
    });
  }

  it('refuses a wrong password on the plain port too', async () => {
    const outcome = await mqttConnect(cloud.plainBroker!, { ...keyLogin(PID, 'dev-1', Buffer.alloc(16, 1).toString('base64')) });
    assert.equal((outcome as { returnCode?: number }).returnCode, 4);
  });

  describe('topics', () => {
    it('grants the device\'s own tree and its system topics; QoS 2 is granted as 1', async () => {
      const client = await login();
      assert.equal(await subscribe(client, `${PID}/dev-1/control`, 1), 1);
      assert.equal(await subscribe(client, `${PID}/dev-1/data`, 0), 0);
      assert.equal(await subscribe(client, `${PID}/dev-1/qos2`, 2), 1);
      assert.equal(await subscribe(client, `${PID}/dev-1/#`, 1), 1);
      assert.equal(await subscribe(client, `$thing/down/property/${PID}/dev-1`, 1), 1);
      assert.equal(await subscribe(client, `$shadow/operation/result/${PID}/dev-1`, 0), 0);
      assert.equal(await subscribe(client, `$ota/update/${PID}/dev-1`, 1), 1);
    });

    it('refuses other topics with SUBACK 0x80 and keeps the connection', async () => {
      const client = await login();
      for (const topic of [`${PID}/dev-2/control`, `${PID}/+/control`, '#', `${PID}/#`, `${PID}/dev-1`, `$thing/down/property/${PID}/dev-2`,
        `$thing/+/property/${PID}/dev-1`, `$thing/${PID}/dev-1`, `$sys/${PID}/dev-1`, 'other/topic', `${PID}/dev-10/data`]) {
        assert.equal(await subscribe(client, topic, 1), 0x80, topic);
      }
      assert.ok(client.connected);
      assert.equal(await subscribe(client, `${PID}/dev-1/data`, 1), 1, 'still usable after refusals');
    });

    it('delivers the device\'s own messages; a QoS 2 publish completes and is delivered at QoS 1', async () => {
      const client = await login();
      await subscribe(client, `${PID}/dev-1/data`, 2);
      const received = new Promise<{ payload: string; qos: number }>((resolve) => client.once('message', (_t, payload, packet) => resolve({ payload: payload.toString(), qos: packet.qos })));
      await client.publishAsync(`${PID}/dev-1/data`, 'hello', { qos: 2 });
      const message = await received;
      assert.deepEqual(message, { payload: 'hello', qos: 1 });
    });

    it('a publish to another device\'s topic closes the connection (never silently dropped)', async () => {
      const client = await login();
      const gone = closed(client);
      client.publish(`${PID}/dev-2/data`, 'x', { qos: 0 });
      await gone;
      assert.ok(logs.some((line) => line.includes(`${PID}/dev-2/data: refused`)));
    });

    it('a publish to a system topic of another device closes the connection', async () => {
      const client = await login();
      const gone = closed(client);
      client.publish(`$thing/up/property/${PID}/dev-2`, '{}', { qos: 1 });
      await gone;
    });

    it('a retained publish closes the connection, even on the device\'s own topic', async () => {
      const client = await login();
      const gone = closed(client);
      client.publish(`${PID}/dev-1/data`, 'x', { qos: 1, retain: true });
      await gone;
      assert.ok(logs.some((line) => line.includes('retain is not supported')));
    });

    it('allows publishing to the device\'s system topics', async () => {
      const client = await login();
      await client.publishAsync(`$thing/up/property/${PID}/dev-1`, '{"method":"report"}', { qos: 1 });
      assert.ok(client.connected);
    });
  });

  it('a v2 registration\'s secret logs in as well', async () => {
    const credential = await registerV2(cloud, { productId: PID, productSecret: SECRET, deviceName: 'dev-v2', algorithm: 'hmacsha1' });
    const outcome = await connectKey(cloud, PID, 'dev-v2', credential.psk, 'hmacsha1');
    assert.ok(outcome.ok);
    open.push(outcome.client);
  });
});
