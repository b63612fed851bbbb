/**
 * The broker's traffic lines (one per accepted publish and subscription, never a payload) and the cloud's own
 * publish to a device topic (RunningCloud.publish, as Tencent's PublishMessage API).
 */
import { strict as assert } from 'node:assert';
import type { MqttClient } from 'mqtt';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import { connectKey, endClient, registerV1 } from './tc-client.js';

const PID = 'TRAFFIC001';
const SECRET = 'TrAfFiCpRoDuCtSeCrEt1234';

describe('cloud broker: traffic log lines and cloud-to-device publish', function () {
  this.timeout(60_000);
  let cloud: RunningCloud;
  let client: MqttClient;
  const logs: string[] = [];

  before(async () => {
    cloud = await startCloud({ log: (line) => logs.push(line), products: { products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto' }] } });
    const { psk } = await registerV1(cloud, { productId: PID, productSecret: SECRET, deviceName: 'dev-1' });
    const outcome = await connectKey(cloud, PID, 'dev-1', psk);
    assert.ok(outcome.ok);
    client = outcome.client;
  });
  after(async () => {
    if (client) await endClient(client);
    await cloud?.close();
  });

  function subscribe(topic: string, qos: 0 | 1 | 2): Promise<void> {
    return new Promise((resolve) => client.subscribe(topic, { qos }, () => resolve()));
  }

  it('logs a granted subscription with the QoS granted, and a refused one only as refused', async () => {
    await subscribe(`${PID}/dev-1/control`, 2);
    await subscribe('OTHERPROD1/x/data', 0);
    assert.ok(logs.includes(`mqtt subscribe ${PID}dev-1 ← ${PID}/dev-1/control: granted QoS 1`), logs.join('\n'));
    assert.ok(logs.includes(`mqtt subscribe ${PID}dev-1 ← OTHERPROD1/x/data: refused (SUBACK 0x80)`), logs.join('\n'));
    assert.ok(!logs.some((line) => line.includes('OTHERPROD1/x/data: granted')), logs.join('\n'));
  });

  it('logs an accepted publish with its size and QoS, not its payload', async () => {
    await new Promise<void>((resolve, reject) => client.publish(`${PID}/dev-1/data`, 'secret-ish payload', { qos: 1 }, (error) => (error ? reject(error) : resolve())));
    assert.ok(logs.includes(`mqtt publish ${PID}dev-1 → ${PID}/dev-1/data: 18 bytes, QoS 1`), logs.join('\n'));
    assert.ok(!logs.some((line) => line.includes('secret-ish')));
  });

  it('publish() from the cloud reaches the device\'s subscription and is not logged as a device publish', async () => {
    const received = new Promise<[string, string]>((resolve) => client.once('message', (topic, payload) => resolve([topic, payload.toString()])));
    await cloud.publish(`${PID}/dev-1/control`, '{"method":"control"}');
    assert.deepEqual(await received, [`${PID}/dev-1/control`, '{"method":"control"}']);
    assert.ok(!logs.some((line) => line.includes(`→ ${PID}/dev-1/control`)), logs.join('\n'));
  });
});
