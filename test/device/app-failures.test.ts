/**
 * The firmware on XS when things go wrong: every failure reaches a clear trace line and a bounded retry
 * (a backoff, then the same step again), never an uncaught exception. Against the local cloud over real TLS.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { appEntry, bundleForXs } from './device-bundle.js';
import { DeviceHost, type DeviceBoot } from './device-host.js';
import { KEY_PRODUCT, startLocalCloud, type LocalCloud } from './cloud-fixture.js';
import { deviceSecret } from './fixtures.js';

const TENCENT_ROOT_DER = new Uint8Array(readFileSync(fileURLToPath(new URL('../../hal/moddable/certs/tencent-iothub-root.der', import.meta.url))));

describe('firmware on XS: failures are reported and retried', function () {
  this.timeout(120_000);
  let cloud: LocalCloud;
  let app = '';
  const devices: DeviceHost[] = [];

  before(async () => {
    cloud = await startLocalCloud();
    app = await bundleForXs(appEntry());
  });
  afterEach(async () => {
    for (const device of devices.splice(0)) {
      assert.deepEqual(device.uncaught, [], 'no uncaught exception on the device');
      await device.close();
    }
  });
  after(async () => {
    await cloud?.close();
  });

  async function run(settings: DeviceBoot): Promise<DeviceHost> {
    const device = await DeviceHost.boot(app, settings);
    devices.push(device);
    await device.startApp();
    return device;
  }

  /** The failure line, then a scheduled retry, then the same step starting again: a bounded retry. */
  async function failsThenRetries(device: DeviceHost, failure: RegExp, stepStart: RegExp): Promise<string> {
    const line = await device.waitForTrace(failure);
    await device.waitForTrace(/^tc-iot retry: next attempt in \d+ ms/);
    await device.waitForTrace(stepStart, 2);
    // Every retry delay respects the configured cap (maxDelayMs 200), and the first retry after the first
    // failure waits at most baseDelayMs (20): it is retry number 0, as provision() counts.
    const retries = device.tracesMatching(/^tc-iot retry:/);
    for (const retry of retries) assert.ok(Number(/in (\d+) ms/.exec(retry)![1]) <= 200, retry);
    const first = retries.find((retry) => retry.endsWith('(failures in a row: 1)'));
    assert.ok(first !== undefined && Number(/in (\d+) ms/.exec(first)![1]) <= 20, `first retry: ${first}`);
    return line;
  }

  it('boot without a synced clock and no SNTP answer: reports it, retries, never opens a TLS connection', async () => {
    const device = await run(cloud.boot(KEY_PRODUCT, 'KEY', { deviceName: 'noclock-01', sntp: 'time.example' }, { clock: 'unset', sntp: 'fail' }));
    const line = await failsThenRetries(device, /^tc-iot clock: failed: clock:/, /^tc-iot clock: not set; asking SNTP server time\.example/);
    assert.match(line, /SNTP server time\.example/);
    assert.equal(device.socketOpens.length, 0, 'no TLS before the clock is set');
    assert.equal(device.mqttOpens.length, 0);
  });

  it('boot without a synced clock: syncs by SNTP before the first handshake, then provisions', async () => {
    const device = await run(cloud.boot(KEY_PRODUCT, 'KEY', { deviceName: 'lateclock-01' }, { clock: 'unset', sntp: 'answer' }));
    await device.waitForTrace(/hello published/);
    assert.deepEqual(device.sntpHosts, ['pool.ntp.org']);
    const clockSet = device.traces.findIndex((line) => /^tc-iot clock: set to \d+/.test(line));
    const register = device.traces.findIndex((line) => /^tc-iot register:/.test(line));
    assert.ok(clockSet >= 0 && clockSet < register, device.traces.join('\n'));
    assert.ok(device.socketOpens[0]!.deviceTimeMs > Date.UTC(2020, 0, 1), 'the first handshake saw a set clock');
  });

  it('TLS failure (the gateway is not vouched for by the configured CA): reports tls, retries', async () => {
    const device = await run(cloud.boot(KEY_PRODUCT, 'KEY', { deviceName: 'badca-01' }, { resources: { 'local-cloud-ca.der': TENCENT_ROOT_DER } }));
    const line = await failsThenRetries(device, /^tc-iot register: failed: tls:/, /^tc-iot register: registering badca-01/);
    assert.match(line, /TLS handshake failed/);
    assert.equal(device.socketOpens[0]!.caSubject.includes('Tencent Iothub'), true, 'the socket got exactly the configured CA');
    assert.equal(device.mqttOpens.length, 0);
  });

  it('gateway refusal (wrong product secret): reports the server code and message verbatim, retries', async () => {
    const device = await run(cloud.boot(KEY_PRODUCT, 'KEY', { deviceName: 'badsecret-01', productSecret: 'wrongWrongWrong1234567' }));
    const line = await failsThenRetries(device, /^tc-iot register: failed: refused:/, /^tc-iot register: registering badsecret-01/);
    assert.match(line, /server code 1010/);
    assert.ok(!device.traces.join('\n').includes('wrongWrongWrong1234567'), 'the product secret is never traced');
  });

  it('broker refusal (a wrong burned-in secret): the MQTT client reports the CONNACK code, the app retries', async () => {
    const device = await run(cloud.boot(KEY_PRODUCT, 'KEY', { deviceName: 'badlogin-01', deviceSecret: deviceSecret(99) }));
    const line = await failsThenRetries(device, /^tc-iot mqtt: failed:/, /^tc-iot mqtt: connecting to /);
    assert.match(line, /closed before the broker accepted the login/);
    assert.ok(device.tracesMatching(/^MQTT FAIL: server rejected mqtt request with code [45]$/).length >= 1, device.traces.join('\n'));
    assert.ok(cloud.events.some((event) => event.startsWith(`mqtt login ${KEY_PRODUCT.productId}badlogin-01: refused`)));
    assert.ok(!device.traces.join('\n').includes(deviceSecret(99)));
  });

  it('dropped connection: reports the loss and reconnects with the stored credential', async () => {
    const device = await run(cloud.boot(KEY_PRODUCT, 'KEY', { deviceName: 'dropped-01' }));
    await device.waitForTrace(/hello published/);
    device.dropMqttConnections();
    await device.waitForTrace(/^tc-iot mqtt: connection lost; will reconnect/);
    await device.waitForTrace(/hello published/, 2);
    assert.equal(device.tracesMatching(/^tc-iot register: registered/).length, 1, 'registered once only');
    assert.equal(device.tracesMatching(/^tc-iot credential: found in flash/).length, 1);
    assert.equal(device.mqttOpens.length, 2);
  });

  it('a bad setting (no productId): one clear line and a halt, no exception', async () => {
    const device = await run({ clock: 'synced', config: { productSecret: KEY_PRODUCT.productSecret } });
    await device.waitForTrace(/^tc-iot config: bad-input: config productId is missing.*Halted\.$/);
    assert.equal(device.socketOpens.length, 0);
  });
});
