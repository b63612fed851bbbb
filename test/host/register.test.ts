/**
 * `tc-iot-device register` end to end: the built CLI as a child process against the local cloud started
 * in-process. The stored credentials are checked independently (node:crypto, MQTT.js), not with src/.
 */
import { strict as assert } from 'node:assert';
import { createHmac, X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import mqtt from 'mqtt';
import { assertBuilt, CERT_PRODUCT, cSdkDeviceInfo, KEY_PRODUCT, readJson, runCli, startTestCloud, uniqueName, writeDeviceFile, type TestCloud } from './helpers.js';

const BASE64_16_BYTES = /^[A-Za-z0-9+/]{22}==$/;

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/** Logs in with MQTT.js and a password computed here with node:crypto (independent of the SDK's code). */
async function loginIndependently(test: TestCloud, productId: string, deviceName: string, deviceSecret: string): Promise<void> {
  const clientId = `${productId}${deviceName}`;
  const username = `${clientId};21010406;abcde;${Math.floor(Date.now() / 1000) + 600}`;
  const password = `${createHmac('sha256', Buffer.from(deviceSecret, 'base64')).update(username).digest('hex')};hmacsha256`;
  const client = await mqtt.connectAsync(test.cloud.broker, { clientId, username, password, ca: test.cloud.caPem, reconnectPeriod: 0, protocolVersion: 4, connectTimeout: 10000 }, false);
  await client.endAsync();
}

describe('tc-iot-device register (end to end, local cloud)', function () {
  this.timeout(60000);
  let test: TestCloud;

  before(async () => {
    assertBuilt();
    test = await startTestCloud();
  });
  after(async () => { await test?.close(); });

  const gatewayArgs = (): string[] => ['--gateway', test.cloud.gateway, '--ca', test.caFile];

  it('registers a key device with API v1 by default, writes the secret (0600) and it logs in', async () => {
    const name = uniqueName('key-v1');
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, name));
    const run = await runCli(['register', '-c', file, ...gatewayArgs()]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /registered K7QW2ZP4XA\/key-v1-\S+ \(KEY\) with API v1/);
    assert.equal(run.stderr, '');
    const json = await readJson(file);
    const secret = json.key_deviceinfo?.deviceSecret ?? '';
    assert.match(secret, BASE64_16_BYTES);
    assert.equal(await mode(file), 0o600);
    await loginIndependently(test, KEY_PRODUCT.productId, name, secret);
  });

  for (const algorithm of ['hmacsha256', 'hmacsha1']) {
    it(`registers a key device with API v2 and ${algorithm}`, async () => {
      const name = uniqueName(`key-v2-${algorithm}`);
      const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, name));
      const run = await runCli(['register', '-c', file, '--api', 'v2', '--algorithm', algorithm, ...gatewayArgs(), '--json']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const result = JSON.parse(run.stdout);
      assert.deepEqual(
        { ok: result.ok, command: result.command, registered: result.registered, api: result.api, productId: result.productId, deviceName: result.deviceName },
        { ok: true, command: 'register', registered: true, api: 'v2', productId: KEY_PRODUCT.productId, deviceName: name },
      );
      const secret = (await readJson(file)).key_deviceinfo?.deviceSecret ?? '';
      assert.match(secret, BASE64_16_BYTES);
      await loginIndependently(test, KEY_PRODUCT.productId, name, secret);
    });
  }

  for (const api of ['v1', 'v2']) {
    it(`registers a certificate device with API ${api}: certs/ files, key 0600, names in cert_deviceinfo`, async () => {
      const name = uniqueName(`cert-${api}`);
      const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(CERT_PRODUCT, name));
      const run = await runCli(['register', '-c', file, '--api', api, ...gatewayArgs()]);
      assert.equal(run.code, 0, run.stderr);
      const json = await readJson(file);
      assert.deepEqual(json.cert_deviceinfo, { devCertFile: `${name}_cert.crt`, devPrivateKeyFile: `${name}_private.key` });
      assert.equal(json.key_deviceinfo?.deviceSecret, 'YOUR_IOT_PSK', 'the key block of a certificate device is left alone');
      const certPath = join(dirname(file), 'certs', `${name}_cert.crt`);
      const keyPath = join(dirname(file), 'certs', `${name}_private.key`);
      const certificate = new X509Certificate(await readFile(certPath));
      assert.match(certificate.subject, new RegExp(`CN=${CERT_PRODUCT.productId}${name}`));
      const keyPem = await readFile(keyPath, 'utf8');
      assert.match(keyPem, /^-----BEGIN RSA PRIVATE KEY-----/, 'the key is stored as Tencent sent it (PKCS#1 PEM)');
      assert.ok(certificate.checkPrivateKey(createPrivateKey(keyPem)), 'the stored key belongs to the stored certificate');
      assert.equal(await mode(keyPath), 0o600);
      assert.equal(await mode(file), 0o600);
    });
  }

  it('already registered: exits 0 with a line saying so and sends nothing (an unreachable gateway is never contacted)', async () => {
    const name = uniqueName('already');
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, name));
    assert.equal((await runCli(['register', '-c', file, ...gatewayArgs()])).code, 0);
    const before = await readFile(file, 'utf8');
    const run = await runCli(['register', '-c', file, '--gateway', 'https://127.0.0.1:1', '--ca', test.caFile]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /already registered/);
    assert.match(run.stdout, /--force/);
    assert.equal(await readFile(file, 'utf8'), before, 'the file is untouched');
    const jsonRun = await runCli(['register', '-c', file, '--gateway', 'https://127.0.0.1:1', '--json']);
    assert.equal(jsonRun.code, 0);
    const result = JSON.parse(jsonRun.stdout);
    assert.equal(result.ok, true);
    assert.equal(result.registered, false);
    assert.equal(result.alreadyRegistered, true);
  });

  it('--force registers again and stores a new secret; the old one stops working', async () => {
    const name = uniqueName('force');
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, name));
    assert.equal((await runCli(['register', '-c', file, ...gatewayArgs()])).code, 0);
    const first = (await readJson(file)).key_deviceinfo?.deviceSecret ?? '';
    const run = await runCli(['register', '-c', file, '--force', ...gatewayArgs()]);
    assert.equal(run.code, 0, run.stderr);
    const second = (await readJson(file)).key_deviceinfo?.deviceSecret ?? '';
    assert.match(second, BASE64_16_BYTES);
    assert.notEqual(second, first);
    await assert.rejects(loginIndependently(test, KEY_PRODUCT.productId, name, first));
    await loginIndependently(test, KEY_PRODUCT.productId, name, second);
  });

  for (const [label, block] of [
    ['YOUR_DEVICE_SECRET', { key_deviceinfo: { deviceSecret: 'YOUR_DEVICE_SECRET' } }],
    ['an empty secret', { key_deviceinfo: { deviceSecret: '' } }],
    ['no key_deviceinfo block', { key_deviceinfo: undefined }],
  ] as const) {
    it(`treats ${label} as not registered yet`, async () => {
      const name = uniqueName('placeholder');
      const info: Record<string, unknown> = { ...cSdkDeviceInfo(KEY_PRODUCT, name), ...block };
      const file = await writeDeviceFile(test.folder, info);
      const run = await runCli(['register', '-c', file, ...gatewayArgs()]);
      assert.equal(run.code, 0, run.stderr);
      assert.match((await readJson(file)).key_deviceinfo?.deviceSecret ?? '', BASE64_16_BYTES);
    });
  }

  it('a certificate device whose named files are missing registers again', async () => {
    const name = uniqueName('cert-missing');
    const file = await writeDeviceFile(test.folder, { ...cSdkDeviceInfo(CERT_PRODUCT, name), cert_deviceinfo: { devCertFile: `${name}_cert.crt`, devPrivateKeyFile: `${name}_private.key` } });
    const run = await runCli(['register', '-c', file, ...gatewayArgs()]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /registered/);
    await stat(join(dirname(file), 'certs', `${name}_private.key`));
  });

  it("takes a file of the C SDK's exact shape and keeps all of it (values and key order) except the secret it fills in", async () => {
    const name = uniqueName('csdk');
    // dynreg_device_info.json as shipped by Tencent's C SDK (4-space indent, both blocks, placeholders).
    const text = `{
    "auth_mode":"KEY",
    "productId":"${KEY_PRODUCT.productId}",
    "productSecret":"${KEY_PRODUCT.productSecret}",
    "deviceName":"${name}",
    "region":"china",
    "key_deviceinfo":{
        "deviceSecret":"YOUR_IOT_PSK"
    },
    "cert_deviceinfo":{
        "devCertFile":"YOUR_DEVICE_CERT_FILE_NAME",
        "devPrivateKeyFile":"YOUR_DEVICE_PRIVATE_KEY_FILE_NAME"
    }
}
`;
    const file = await writeDeviceFile(test.folder, text);
    const run = await runCli(['register', '-c', file, ...gatewayArgs()]);
    assert.equal(run.code, 0, run.stderr);
    const after = await readJson(file);
    const secret = after.key_deviceinfo?.deviceSecret ?? '';
    assert.match(secret, BASE64_16_BYTES);
    const expected = JSON.parse(text);
    expected.key_deviceinfo.deviceSecret = secret;
    assert.deepEqual(after, expected);
    assert.deepEqual(Object.keys(after), Object.keys(expected), 'key order kept');
  });

  it('keeps every other key of the file as it was (unknown keys, nested objects, order)', async () => {
    const name = uniqueName('extra');
    const info = {
      comment: 'written by the factory tool',
      ...cSdkDeviceInfo(KEY_PRODUCT, name),
      firmware: { version: '1.2.3', channels: [1, 6, 11], flags: { ota: true, debug: false } },
      serial: 'SN-0042',
      nothing: null,
    };
    const file = await writeDeviceFile(test.folder, info);
    const run = await runCli(['register', '-c', file, ...gatewayArgs()]);
    assert.equal(run.code, 0, run.stderr);
    const after = await readJson(file);
    const secret = after.key_deviceinfo?.deviceSecret ?? '';
    assert.match(secret, BASE64_16_BYTES);
    assert.deepEqual(after, { ...info, key_deviceinfo: { deviceSecret: secret } });
    assert.deepEqual(Object.keys(after), Object.keys(info));
  });

  it('leaves no temp files behind after the atomic write', async () => {
    const name = uniqueName('tidy');
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(CERT_PRODUCT, name));
    assert.equal((await runCli(['register', '-c', file, ...gatewayArgs()])).code, 0);
    const { readdir } = await import('node:fs/promises');
    assert.deepEqual((await readdir(dirname(file))).sort(), ['certs', 'device_info.json']);
    assert.deepEqual((await readdir(join(dirname(file), 'certs'))).sort(), [`${name}_cert.crt`, `${name}_private.key`]);
  });

  it('a file that was world-readable becomes 0600 once it holds a secret', async () => {
    const name = uniqueName('mode');
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, name));
    const { chmod } = await import('node:fs/promises');
    await chmod(file, 0o644);
    assert.equal((await runCli(['register', '-c', file, ...gatewayArgs()])).code, 0);
    assert.equal(await mode(file), 0o600);
  });
});
