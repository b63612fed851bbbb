/**
 * `tc-iot-device connect` end to end: login over MQTT with the stored credential (registering first when
 * needed), one QoS 1 publish, a clean disconnect; exit 0 only after CONNACK (and PUBACK).
 */
import { strict as assert } from 'node:assert';
import { assertBuilt, CERT_PRODUCT, cSdkDeviceInfo, KEY_PRODUCT, readJson, runCli, startTestCloud, uniqueName, writeDeviceFile, type TestCloud } from './helpers.js';

describe('tc-iot-device connect (end to end, local cloud)', function () {
  this.timeout(60000);
  let test: TestCloud;

  before(async () => {
    assertBuilt();
    test = await startTestCloud(undefined, true);
  });
  after(async () => { await test?.close(); });

  const args = (): string[] => ['--gateway', test.cloud.gateway, '--broker', test.cloud.broker, '--ca', test.caFile];

  it('a key device with no credential registers first, logs in, publishes to its data topic, and disconnects', async () => {
    const name = uniqueName('connect-key');
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, name));
    const topic = `${KEY_PRODUCT.productId}/${name}/data`;
    const run = await runCli(['connect', '-c', file, ...args(), '--publish', topic, '{"temperature":21.5}']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /registered .* first/);
    assert.match(run.stdout, new RegExp(`logged in to ${test.cloud.broker.replace(/[.]/g, '\\.')} as ${KEY_PRODUCT.productId}${name}`));
    assert.match(run.stdout, new RegExp(`published 20 bytes to ${topic} \\(PUBACK received\\)`));
    assert.match(run.stdout, /disconnected cleanly/);
    assert.match((await readJson(file)).key_deviceinfo?.deviceSecret ?? '', /^[A-Za-z0-9+/]{22}==$/);
  });

  it('a registered key device logs in with --json: one object, registered false', async () => {
    const name = uniqueName('connect-json');
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, name));
    assert.equal((await runCli(['register', '-c', file, '--gateway', test.cloud.gateway, '--ca', test.caFile])).code, 0);
    const run = await runCli(['connect', '-c', file, '--broker', test.cloud.broker, '--ca', test.caFile, '--json']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.deepEqual(JSON.parse(lines[0]!), {
      ok: true, command: 'connect', productId: KEY_PRODUCT.productId, deviceName: name, authMode: 'KEY', file,
      registered: false, clientId: `${KEY_PRODUCT.productId}${name}`, broker: test.cloud.broker,
    });
  });

  it('a certificate device logs in with mutual TLS and publishes', async () => {
    const name = uniqueName('connect-cert');
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(CERT_PRODUCT, name));
    const topic = `${CERT_PRODUCT.productId}/${name}/event`;
    const run = await runCli(['connect', '-c', file, ...args(), '--api', 'v2', '--publish', topic, 'boot', '--json']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.registered, true);
    assert.equal(result.clientId, `${CERT_PRODUCT.productId}${name}`);
    assert.deepEqual(result.published, { topic, bytes: 4 });
  });

  it('a certificate device whose stored certificate was replaced by a newer registration is refused (exit 4)', async () => {
    const name = uniqueName('cert-stale');
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(CERT_PRODUCT, name));
    const other = await writeDeviceFile(test.folder, cSdkDeviceInfo(CERT_PRODUCT, name));
    assert.equal((await runCli(['register', '-c', file, '--gateway', test.cloud.gateway, '--ca', test.caFile])).code, 0);
    assert.equal((await runCli(['register', '-c', other, '--gateway', test.cloud.gateway, '--ca', test.caFile])).code, 0);
    const run = await runCli(['connect', '-c', file, '--broker', test.cloud.broker, '--ca', test.caFile]);
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /broker refused the login/);
  });

  it('a key device logs in over plain MQTT (mqtt://) when the cloud offers it', async () => {
    const plain = test.cloud.plainBroker;
    assert.ok(plain !== undefined, 'the test cloud was started with a plain port');
    const name = uniqueName('connect-plain');
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, name));
    const run = await runCli(['connect', '-c', file, '--gateway', test.cloud.gateway, '--ca', test.caFile, '--broker', plain]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`logged in to ${plain.replace(/[.]/g, '\\.')}`));
  });

  it('--publish takes the next two words as they are, even a message that looks like a flag', async () => {
    const name = uniqueName('connect-dash');
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, name));
    const run = await runCli(['connect', '-c', file, ...args(), '--publish', `${KEY_PRODUCT.productId}/${name}/data`, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /published 6 bytes to /, 'the message is "--json", not the --json flag');
  });
});
