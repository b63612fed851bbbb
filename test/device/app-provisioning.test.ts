/**
 * The firmware (dist/device/main.js, the JS manifest.json feeds to mcconfig) on the XS engine, against the
 * local cloud over real TLS: it registers a key device and a certificate device, stores the credential,
 * logs in over MQTT (the broker checks the login) and publishes its hello; after a reboot it uses the
 * stored credential instead of registering again; a burned-in secret skips registration.
 */
import { strict as assert } from 'node:assert';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { appEntry, bundleForXs, libraryEntry } from './device-bundle.js';
import { DeviceHost } from './device-host.js';
import { CERT_PRODUCT, KEY_PRODUCT, startLocalCloud, type LocalCloud } from './cloud-fixture.js';
import { FakeFlash } from './fake-flash.js';
import { dataTopic } from '../../host-sim/device.js';

describe('firmware on XS against the local cloud: provisioning and login', function () {
  this.timeout(120_000);
  let cloud: LocalCloud;
  let app = '';
  let library = '';
  const devices: DeviceHost[] = [];

  before(async () => {
    cloud = await startLocalCloud();
    app = await bundleForXs(appEntry());
    library = await bundleForXs(libraryEntry());
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

  async function boot(script: string, settings: Parameters<typeof DeviceHost.boot>[1]): Promise<DeviceHost> {
    const device = await DeviceHost.boot(script, settings);
    devices.push(device);
    return device;
  }

  async function storedCredential(flash: FakeFlash): Promise<{ productId: string; deviceName: string; credential: Record<string, string> }> {
    const reader = await boot(library, { flash: flash.snapshot() });
    return reader.call('new __deviceLibrary.PreferenceStorage().load()');
  }

  it('key product: registers (name from the MAC), saves, logs in with TLS + password, publishes hello', async () => {
    const flash = new FakeFlash();
    // At the most verbose log level: even then no secret may reach a trace line.
    const device = await boot(app, cloud.boot(KEY_PRODUCT, 'KEY', { logLevel: 'debug' }, { flash, mac: 'a4:d1:8c:db:c0:21' }));
    await device.startApp();
    await device.waitForTrace(/hello published/);
    const name = 'A4:D1:8C:DB:C0:21';
    const clientId = `${KEY_PRODUCT.productId}${name}`;
    assert.ok(device.tracesMatching(/^tc-iot register: registered after 1 attempt/).length === 1, device.traces.join('\n'));
    assert.ok(cloud.events.some((line) => line.startsWith(`mqtt login ${clientId}: ok (key, TLS`)), cloud.events.join('\n'));
    // The gateway connection: one CA, TLS 1.2, the server name checked.
    const gatewayPort = Number(new URL(cloud.gateway).port);
    const toGateway = device.socketOpens.find((open) => open.port === gatewayPort);
    assert.ok(toGateway, 'the device opened a SecureSocket to the gateway');
    assert.equal(toGateway.serverName, 'localhost');
    assert.equal(toGateway.protocolVersion, 0x303);
    assert.equal(toGateway.hasClientCertificate, false);
    // The MQTT login as the app passed it to the Moddable client.
    assert.equal(device.mqttOpens.length, 1);
    const login = device.mqttOpens[0]!;
    assert.equal(login.clientId, clientId);
    assert.match(login.user ?? '', new RegExp(`^${clientId};21010406;[A-Za-z0-9]{5};\\d+$`));
    assert.equal(login.hasPassword, true);
    assert.equal(login.passwordAlgorithm, 'hmacsha256');
    assert.equal(login.keepAliveMs, 240000);
    assert.equal(login.port, Number(new URL(cloud.broker).port));
    assert.equal(login.secure?.serverName, 'localhost');
    assert.equal(login.secure?.protocolVersion, 0x303);
    assert.equal(login.secure?.hasClientCertificate, false);
    // PROTOCOL.md §6's pub/sub topic, and the very topic the host simulator's demo publishes to (issue 16).
    assert.deepEqual(device.published.map((message) => message.topic), [`${KEY_PRODUCT.productId}/${name}/data`]);
    assert.equal(device.published[0]!.topic, dataTopic({ productId: KEY_PRODUCT.productId, productSecret: '', deviceName: name, authMode: 'KEY', region: 'china' }));
    assert.equal(JSON.parse(device.published[0]!.payload).type, 'hello');
    // The credential is in flash, and no secret reached a trace line.
    const stored = await storedCredential(flash);
    assert.equal(stored.deviceName, name);
    assert.equal(stored.credential.kind, 'key');
    const all = device.traces.join('\n');
    for (const secret of [KEY_PRODUCT.productSecret, stored.credential.deviceSecret!]) assert.ok(!all.includes(secret), 'a secret appeared in a trace line');
  });

  it('key product: after a reboot it uses the credential in flash and does not register again', async () => {
    const flash = new FakeFlash();
    const first = await boot(app, cloud.boot(KEY_PRODUCT, 'KEY', { deviceName: 'reboot-01' }, { flash }));
    await first.startApp();
    await first.waitForTrace(/hello published/);
    await first.close();
    const second = await boot(app, cloud.boot(KEY_PRODUCT, 'KEY', { deviceName: 'reboot-01' }, { flash: flash.snapshot() }));
    await second.startApp();
    await second.waitForTrace(/hello published/);
    assert.equal(second.tracesMatching(/^tc-iot register:/).length, 0, second.traces.join('\n'));
    assert.equal(second.tracesMatching(/^tc-iot credential: found in flash/).length, 1);
    // The device was activated by the first login: registering again would have been refused.
    assert.equal(cloud.events.filter((line) => line.startsWith(`mqtt login ${KEY_PRODUCT.productId}reboot-01: ok`)).length, 2);
  });

  it('certificate product: registers, stores certificate + PKCS#8 key, logs in with mutual TLS, publishes hello', async () => {
    const flash = new FakeFlash();
    const device = await boot(app, cloud.boot(CERT_PRODUCT, 'CERT', { deviceName: 'cert-dev-01', logLevel: 'debug' }, { flash }));
    await device.startApp();
    await device.waitForTrace(/hello published/);
    const clientId = `${CERT_PRODUCT.productId}cert-dev-01`;
    assert.ok(cloud.events.some((line) => line.startsWith(`mqtt login ${clientId}: ok (certificate, TLS`)), cloud.events.join('\n'));
    const login = device.mqttOpens[0]!;
    assert.equal(login.clientId, clientId);
    assert.equal(login.secure?.hasClientCertificate, true);
    assert.equal(login.hasPassword, false);
    const stored = await storedCredential(flash);
    assert.equal(stored.credential.kind, 'cert');
    assert.match(stored.credential.certificatePem!, /^-----BEGIN CERTIFICATE-----\n/);
    assert.match(stored.credential.privateKeyPem!, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    const all = device.traces.join('\n');
    assert.ok(!all.includes(CERT_PRODUCT.productSecret) && !all.includes('PRIVATE KEY'), 'no secret in the trace');
    const keyBody = stored.credential.privateKeyPem!.split('\n')[1]!;
    assert.ok(!all.includes(keyBody), 'no line of the private key in the trace');
  });

  it('a burned-in certificate and key (DER resources) skip registration and log in with mutual TLS', async () => {
    const flash = new FakeFlash();
    const factory = await boot(app, cloud.boot(CERT_PRODUCT, 'CERT', { deviceName: 'burned-cert-01' }, { flash }));
    await factory.startApp();
    await factory.waitForTrace(/hello published/);
    await factory.close();
    const { credential } = await storedCredential(flash);
    // As a factory would provision them: the certificate DER and the key as PKCS#8 DER (node:crypto converts).
    const certificate = new Uint8Array(new X509Certificate(credential.certificatePem!).raw);
    const key = new Uint8Array(createPrivateKey(credential.privateKeyPem!).export({ type: 'pkcs8', format: 'der' }));
    const device = await boot(app, cloud.boot(CERT_PRODUCT, 'CERT', { deviceName: 'burned-cert-01', productSecret: '', deviceCertResource: 'dev-cert.der', deviceKeyResource: 'dev-key.der' },
      { resources: { 'dev-cert.der': certificate, 'dev-key.der': key } }));
    await device.startApp();
    await device.waitForTrace(/hello published/);
    assert.equal(device.tracesMatching(/^tc-iot register:/).length, 0);
    assert.equal(device.socketOpens.length, 0, 'no gateway connection');
    assert.equal(device.mqttOpens[0]!.secure?.hasClientCertificate, true);
    assert.equal(cloud.events.filter((line) => line.startsWith(`mqtt login ${CERT_PRODUCT.productId}burned-cert-01: ok (certificate`)).length, 2);
  });

  it('registration API v2 (hmacsha1): registers and logs in with an hmacsha1 password', async () => {
    const device = await boot(app, cloud.boot(KEY_PRODUCT, 'KEY', { deviceName: 'v2-dev-01', api: 'v2', algorithm: 'hmacsha1' }));
    await device.startApp();
    await device.waitForTrace(/hello published/);
    assert.equal(device.tracesMatching(/^tc-iot register: registering v2-dev-01 with .* \(api v2\)$/).length, 1);
    assert.equal(device.mqttOpens[0]!.passwordAlgorithm, 'hmacsha1');
    assert.ok(cloud.events.some((line) => line.startsWith(`mqtt login ${KEY_PRODUCT.productId}v2-dev-01: ok`)), cloud.events.join('\n'));
  });

  it('a burned-in device secret skips registration and logs in directly', async () => {
    // Register once (as a factory would), then build a "firmware" with that secret in its config.
    const flash = new FakeFlash();
    const factory = await boot(app, cloud.boot(KEY_PRODUCT, 'KEY', { deviceName: 'burned-01' }, { flash }));
    await factory.startApp();
    await factory.waitForTrace(/hello published/);
    await factory.close();
    const { credential } = await storedCredential(flash);
    const device = await boot(app, cloud.boot(KEY_PRODUCT, 'KEY', { deviceName: 'burned-01', deviceSecret: credential.deviceSecret, productSecret: '' }));
    await device.startApp();
    await device.waitForTrace(/hello published/);
    assert.equal(device.tracesMatching(/^tc-iot register:/).length, 0);
    assert.equal(device.tracesMatching(/credential built into the firmware/).length, 1);
    assert.equal(device.socketOpens.length, 0, 'no gateway connection');
  });
});
