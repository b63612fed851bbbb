/**
 * `tc-iot-device connect --tls-psk`: the C SDK's login (TLS-PSK, identity = client id, key = decoded device
 * secret, user name only) against the local cloud, with the cloud's log as the witness that PSK was used.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import { assertBuilt, CERT_PRODUCT, cSdkDeviceInfo, KEY_PRODUCT, readJson, runCli, uniqueName, writeDeviceFile } from './helpers.js';

describe('tc-iot-device connect --tls-psk (end to end, local cloud)', function () {
  this.timeout(60000);
  let cloud: RunningCloud;
  let folder: string;
  let caFile: string;
  const logs: string[] = [];

  before(async () => {
    assertBuilt();
    folder = await mkdtemp(join(tmpdir(), 'tc-iot-psk-test-'));
    cloud = await startCloud({ products: { products: [KEY_PRODUCT, CERT_PRODUCT] }, plainMqttPort: 0, log: (line) => logs.push(line) });
    caFile = join(folder, 'ca.pem');
    await writeFile(caFile, cloud.caPem);
  });
  after(async () => {
    await cloud?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  async function registeredKeyDevice(prefix: string): Promise<{ name: string; file: string; secret: string }> {
    const name = uniqueName(prefix);
    const file = await writeDeviceFile(folder, cSdkDeviceInfo(KEY_PRODUCT, name));
    const run = await runCli(['register', '-c', file, '--gateway', cloud.gateway, '--ca', caFile]);
    assert.equal(run.code, 0, run.stderr);
    return { name, file, secret: (await readJson(file)).key_deviceinfo!.deviceSecret! };
  }

  it('logs in over TLS-PSK (the cloud sees a PSK session), publishes with PUBACK, and says so, in --json too', async () => {
    const { name, file, secret } = await registeredKeyDevice('psk');
    const topic = `${KEY_PRODUCT.productId}/${name}/data`;
    const human = await runCli(['connect', '-c', file, '--broker', cloud.broker, '--tls-psk', '--publish', topic, 'hi', '-vv']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`logged in to mqtts://localhost:\\d+ as ${KEY_PRODUCT.productId}${name} over TLS-PSK`));
    assert.match(human.stdout, /published 2 bytes .* \(PUBACK received\)/);
    assert.ok(logs.some((line) => line === `mqtt login ${KEY_PRODUCT.productId}${name}: ok (key, TLS-PSK, device activated)`), logs.join('\n'));
    assert.ok(!human.stdout.includes(secret) && !human.stderr.includes(secret), 'the secret was printed');

    const json = await runCli(['connect', '-c', file, '--broker', cloud.broker, '--tls-psk', '--json']);
    assert.equal(json.code, 0, json.stdout + json.stderr);
    const result = JSON.parse(json.stdout);
    assert.equal(result.tlsPsk, true);
    assert.equal(result.clientId, `${KEY_PRODUCT.productId}${name}`);
    assert.equal(logs.filter((line) => line.startsWith(`mqtt login ${KEY_PRODUCT.productId}${name}: ok (key, TLS-PSK`)).length, 2);
  });

  it('needs no CA for the broker: a PSK session has no certificate (the key proves the server)', async () => {
    const { file } = await registeredKeyDevice('psk-noca');
    const run = await runCli(['connect', '-c', file, '--broker', cloud.broker, '--tls-psk']);
    assert.equal(run.code, 0, run.stderr);
    // Without --tls-psk the same call verifies the server certificate, which the pinned Tencent root refuses.
    const verified = await runCli(['connect', '-c', file, '--broker', cloud.broker]);
    assert.equal(verified.code, 5, verified.stderr);
  });

  it('a secret replaced by a newer registration is refused in the handshake: exit 4, one line naming TLS-PSK', async () => {
    const { name, file } = await registeredKeyDevice('psk-stale');
    const other = await writeDeviceFile(folder, cSdkDeviceInfo(KEY_PRODUCT, name));
    assert.equal((await runCli(['register', '-c', other, '--gateway', cloud.gateway, '--ca', caFile])).code, 0);
    const run = await runCli(['connect', '-c', file, '--broker', cloud.broker, '--tls-psk']);
    assert.equal(run.code, 4, run.stderr);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, /refused the TLS-PSK handshake/);
    assert.ok(logs.some((line) => line.includes(`TLS-PSK identity "${KEY_PRODUCT.productId}${name}": refused (handshake failed`)), logs.join('\n'));
  });

  it('refuses --tls-psk for a certificate device and for plain MQTT (exit 3)', async () => {
    const certFile = await writeDeviceFile(folder, cSdkDeviceInfo(CERT_PRODUCT, uniqueName('psk-cert')));
    assert.equal((await runCli(['register', '-c', certFile, '--gateway', cloud.gateway, '--ca', caFile])).code, 0);
    const cert = await runCli(['connect', '-c', certFile, '--broker', cloud.broker, '--ca', caFile, '--tls-psk']);
    assert.equal(cert.code, 3, cert.stderr);
    assert.match(cert.stderr, /--tls-psk is for key devices/);
    const { file } = await registeredKeyDevice('psk-plain');
    const plain = await runCli(['connect', '-c', file, '--broker', cloud.plainBroker!, '--tls-psk']);
    assert.equal(plain.code, 3, plain.stderr);
    assert.match(plain.stderr, /--tls-psk needs a TLS broker/);
  });
});
