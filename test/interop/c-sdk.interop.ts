/**
 * Tencent's own C SDK (dynreg_dev and mqtt samples, unchanged but for the CA) against the local cloud, under
 * Tencent's compiled-in host names: gateway.tencentdevices.com:443 and <pid>.iotcloud.tencentdevices.com:8883.
 * Runs only through `npm run test:interop` (run-interop.ts), inside a network namespace whose /etc/hosts maps
 * those names to 127.0.0.1. The cloud's log lines are the witness of what it saw.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import { REPO_ROOT, type PreparedSdk, type SdkBuild } from './c-sdk-build.js';
import { CERT_PRODUCT, KEY_PRODUCT, OFF_PRODUCT, PRODUCTS, TENCENT_NAMES } from './fixtures.js';
import { redact, runSample, tail, type SampleRun } from './samples.js';

const SAMPLE_TIMEOUT_MS = 30_000;
const CLI_TIMEOUT_MS = 30_000;

const prepared = JSON.parse(process.env.TC_IOT_INTEROP ?? 'null') as PreparedSdk | null;
if (prepared === null) throw new Error('run this suite with `npm run test:interop`: it builds the C SDK and enters a network namespace');
const sdk: PreparedSdk = prepared;

type Product = typeof KEY_PRODUCT | typeof CERT_PRODUCT | typeof OFF_PRODUCT;

interface Cloud {
  cloud: RunningCloud;
  logs: string[];
  dir: string;
  caFile: string;
  /** Called with every log line (after it is stored), e.g. to answer a subscription. */
  onLog?: (line: string) => void;
  close(): Promise<void>;
}

/** A fresh cloud on 443/8883 with the cached test CA (the one compiled into the samples). */
async function startInteropCloud(): Promise<Cloud> {
  const dir = await mkdtemp(join(tmpdir(), 'tc-iot-interop-cloud-'));
  const stateDir = join(dir, 'cloud');
  await mkdir(stateDir, { mode: 0o700 });
  for (const file of await readdir(sdk.caDir)) if (file.endsWith('.pem')) await copyFile(join(sdk.caDir, file), join(stateDir, file));
  const logs: string[] = [];
  const result: Cloud = {
    logs,
    dir,
    caFile: join(stateDir, 'ca.pem'),
    cloud: undefined as unknown as RunningCloud,
    async close() {
      await result.cloud?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  result.cloud = await startCloud({
    products: { products: PRODUCTS },
    port: 443,
    mqttPort: 8883,
    statePath: join(stateDir, 'state.json'),
    hostnames: TENCENT_NAMES,
    log: (line) => { logs.push(line); result.onLog?.(line); },
  });
  return result;
}

/** A device folder with the C SDK's device_info.json (placeholders = not registered) and an empty certs/. */
async function deviceFolder(cloud: Cloud, product: Product, deviceName: string, overrides: Record<string, unknown> = {}): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(cloud.dir, `${deviceName}-`));
  await mkdir(join(dir, 'certs'));
  const info = {
    auth_mode: product.authMode,
    productId: product.productId,
    productSecret: product.productSecret,
    deviceName,
    key_deviceinfo: { deviceSecret: 'YOUR_IOT_PSK' },
    cert_deviceinfo: { devCertFile: 'YOUR_DEVICE_CERT_FILE_NAME', devPrivateKeyFile: 'YOUR_DEVICE_PRIVATE_KEY_FILE_NAME' },
    region: 'china',
    ...overrides,
  };
  const file = join(dir, 'device_info.json');
  await writeFile(file, `${JSON.stringify(info, null, 4)}\n`);
  return { dir, file };
}

function build(product: Product): SdkBuild {
  return sdk.builds[product.authMode];
}

function dynreg(product: Product, dir: string): Promise<SampleRun> {
  return runSample(build(product).dynregSample, ['-c', './device_info.json'], dir, SAMPLE_TIMEOUT_MS);
}

/** mqtt_sample without -l: subscribe, get_status, one 500 ms yield, one report, then it destroys the client. */
function mqttSample(product: Product, dir: string): Promise<SampleRun> {
  return runSample(build(product).mqttSample, ['-c', './device_info.json'], dir, SAMPLE_TIMEOUT_MS);
}

interface CliRun { code: number | null; stdout: string; stderr: string }

function cli(args: string[]): Promise<CliRun> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'tc-iot-device.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.on('close', (code) => { clearTimeout(timer); resolveRun({ code, stdout, stderr }); });
  });
}

function count(logs: readonly string[], pattern: RegExp): number {
  return logs.filter((line) => pattern.test(line)).length;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function registrations(logs: readonly string[], product: Product, deviceName: string): number {
  return count(logs, new RegExp(`^register v1 ${product.productId}/${escape(deviceName)}: ok`));
}

function logins(logs: readonly string[], product: Product, deviceName: string, how: string): number {
  return count(logs, new RegExp(`^mqtt login ${product.productId}${escape(deviceName)}: ok \\(${escape(how)}[,)]`));
}

async function readInfo(file: string): Promise<Record<string, any>> {
  return JSON.parse(await readFile(file, 'utf8'));
}

describe('interop: Tencent\'s C SDK against the local cloud', function () {
  this.timeout(120_000);
  let cloud: Cloud;

  before(function () {
    if (!existsSync(join(REPO_ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  });
  beforeEach(async () => { cloud = await startInteropCloud(); });
  afterEach(async () => {
    const logs = cloud?.logs ?? [];
    await cloud?.close();
    for (const line of logs) assert.ok(!/"psk"|deviceSecret|PRIVATE KEY/.test(line) && !PRODUCTS.some((p) => line.includes(p.productSecret)), `a cloud log line holds a secret: ${line}`);
  });

  it('key product: dynreg_dev registers and writes device_info.json; mqtt_sample logs in over TLS-PSK, subscribes, receives and publishes; our connect -c uses the same file', async () => {
    const name = 'csdk-key-1';
    const device = await deviceFolder(cloud, KEY_PRODUCT, name);

    const registered = await dynreg(KEY_PRODUCT, device.dir);
    assert.ok(!registered.timedOut && registered.code === 0, tail(registered));
    assert.match(registered.output, /dynamic register success/, tail(registered));
    const info = await readInfo(device.file);
    assert.match(info.key_deviceinfo.deviceSecret, /^[A-Za-z0-9+/]{22}==$/, 'the C SDK stored a 16-byte secret');
    assert.equal(registrations(cloud.logs, KEY_PRODUCT, name), 1, cloud.logs.join('\n'));

    // When the sample subscribes, the cloud sends it a data-template "control" message on that topic.
    const down = `$thing/down/property/${KEY_PRODUCT.productId}/${name}`;
    cloud.onLog = (line) => {
      if (line === `mqtt subscribe ${KEY_PRODUCT.productId}${name} ← ${down}: granted QoS 0`) {
        void cloud.cloud.publish(down, JSON.stringify({ method: 'control', clientToken: 'interop-1', params: { brightness: 42 } }));
      }
    };
    const session = await mqttSample(KEY_PRODUCT, device.dir);
    assert.ok(!session.timedOut && session.code === 0, tail(session));
    assert.match(session.output, /mqtt connect with id: \S+ success/, tail(session));
    assert.match(session.output, /subscribe success/, tail(session));
    assert.match(session.output, /brightness\s+= 42\b/, `the sample did not receive the control message\n${tail(session)}`);
    assert.equal(logins(cloud.logs, KEY_PRODUCT, name, 'key, TLS-PSK'), 1, cloud.logs.join('\n'));
    assert.ok(cloud.logs.includes(`mqtt login ${KEY_PRODUCT.productId}${name}: ok (key, TLS-PSK, device activated)`), cloud.logs.join('\n'));
    // get_status, control_reply and report, all on the device's up topic.
    assert.ok(count(cloud.logs, new RegExp(`^mqtt publish ${KEY_PRODUCT.productId}${name} → \\$thing/up/property/${KEY_PRODUCT.productId}/${name}: \\d+ bytes, QoS 0$`)) >= 3, cloud.logs.join('\n'));
    assert.equal(registrations(cloud.logs, KEY_PRODUCT, name), 1, 'one registration in all');

    // The same file, untouched, logs our simulator in under Tencent's names: TLS-PSK, then username/password.
    const topic = `${KEY_PRODUCT.productId}/${name}/data`;
    const psk = await cli(['connect', '-c', device.file, '--ca', cloud.caFile, '--tls-psk', '--publish', topic, 'from tc-iot-device', '--json']);
    assert.equal(psk.code, 0, psk.stdout + psk.stderr);
    assert.deepEqual({ ...JSON.parse(psk.stdout), file: undefined }, {
      ok: true, command: 'connect', productId: KEY_PRODUCT.productId, deviceName: name, authMode: 'KEY', file: undefined, registered: false,
      clientId: `${KEY_PRODUCT.productId}${name}`, broker: `mqtts://${KEY_PRODUCT.productId}.iotcloud.tencentdevices.com:8883`, tlsPsk: true,
      published: { topic, bytes: 18 },
    });
    const password = await cli(['connect', '-c', device.file, '--ca', cloud.caFile]);
    assert.equal(password.code, 0, password.stderr);
    assert.equal(logins(cloud.logs, KEY_PRODUCT, name, 'key, TLS-PSK'), 2);
    assert.equal(logins(cloud.logs, KEY_PRODUCT, name, 'key, TLS'), 1);
    assert.equal(registrations(cloud.logs, KEY_PRODUCT, name), 1, 'nobody registered again');
  });

  it('key product: the C SDK uses a device_info.json our simulator registered (register -c, Tencent\'s gateway name)', async () => {
    const name = 'csdk-key-ours';
    const device = await deviceFolder(cloud, KEY_PRODUCT, name);
    const ours = await cli(['register', '-c', device.file, '--ca', cloud.caFile]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(registrations(cloud.logs, KEY_PRODUCT, name), 1);

    const again = await dynreg(KEY_PRODUCT, device.dir);
    assert.match(again.output, /dev psk exist/, tail(again));
    assert.equal(registrations(cloud.logs, KEY_PRODUCT, name), 1, 'the C SDK saw the secret and did not register');

    const session = await mqttSample(KEY_PRODUCT, device.dir);
    assert.ok(!session.timedOut && session.code === 0, tail(session));
    assert.equal(logins(cloud.logs, KEY_PRODUCT, name, 'key, TLS-PSK'), 1, cloud.logs.join('\n'));
  });

  it('key product: a device secret the cloud no longer holds is refused in the TLS-PSK handshake, and logged', async () => {
    const name = 'csdk-key-stale';
    const device = await deviceFolder(cloud, KEY_PRODUCT, name);
    assert.equal((await cli(['register', '-c', device.file, '--ca', cloud.caFile])).code, 0);
    const other = await deviceFolder(cloud, KEY_PRODUCT, name);
    assert.equal((await cli(['register', '-c', other.file, '--ca', cloud.caFile])).code, 0, 'a second registration revokes the first secret');
    const session = await mqttSample(KEY_PRODUCT, device.dir);
    assert.ok(!session.timedOut, tail(session));
    assert.match(session.output, /mbedtls_ssl_handshake failed/, tail(session));
    assert.match(session.output, /MQTT Construct failed/, tail(session));
    assert.equal(count(cloud.logs, /^mqtt login .*: ok/), 0);
    assert.ok(cloud.logs.some((line) => line.startsWith(`broker: TLS-PSK identity "${KEY_PRODUCT.productId}${name}": refused (handshake failed`)), cloud.logs.join('\n'));
  });

  it('certificate product: registration returns a certificate and key that the C SDK stores and uses for mutual TLS; our connect -c uses its files', async () => {
    const name = 'csdk-cert-1';
    const device = await deviceFolder(cloud, CERT_PRODUCT, name, { auth_mode: 'CERT' });
    const registered = await dynreg(CERT_PRODUCT, device.dir);
    assert.match(registered.output, /dynamic register success/, tail(registered));
    const info = await readInfo(device.file);
    assert.deepEqual(info.cert_deviceinfo, { devCertFile: `${name}_cert.crt`, devPrivateKeyFile: `${name}_private.key` });
    assert.match(await readFile(join(device.dir, 'certs', `${name}_cert.crt`), 'utf8'), /-----BEGIN CERTIFICATE-----/);
    assert.match(await readFile(join(device.dir, 'certs', `${name}_private.key`), 'utf8'), /-----BEGIN RSA PRIVATE KEY-----/);
    assert.equal(registrations(cloud.logs, CERT_PRODUCT, name), 1);

    const session = await mqttSample(CERT_PRODUCT, device.dir);
    assert.ok(!session.timedOut && session.code === 0, tail(session));
    assert.match(session.output, /subscribe success/, tail(session));
    assert.ok(cloud.logs.includes(`mqtt login ${CERT_PRODUCT.productId}${name}: ok (certificate, TLS, device activated)`), cloud.logs.join('\n'));

    const ours = await cli(['connect', '-c', device.file, '--ca', cloud.caFile, '--publish', `${CERT_PRODUCT.productId}/${name}/event`, 'boot']);
    assert.equal(ours.code, 0, redact(ours.stderr));
    assert.equal(logins(cloud.logs, CERT_PRODUCT, name, 'certificate, TLS'), 2);
    assert.equal(registrations(cloud.logs, CERT_PRODUCT, name), 1);
  });

  it('certificate product: the C SDK logs in with a certificate and key our simulator registered', async () => {
    const name = 'csdk-cert-ours';
    const device = await deviceFolder(cloud, CERT_PRODUCT, name, { auth_mode: 'CERT' });
    const ours = await cli(['register', '-c', device.file, '--ca', cloud.caFile]);
    assert.equal(ours.code, 0, ours.stderr);
    const session = await mqttSample(CERT_PRODUCT, device.dir);
    assert.ok(!session.timedOut && session.code === 0, tail(session));
    assert.equal(logins(cloud.logs, CERT_PRODUCT, name, 'certificate, TLS'), 1, cloud.logs.join('\n'));
    assert.equal(registrations(cloud.logs, CERT_PRODUCT, name), 1);
  });

  describe('refusals, reported by the C SDK as Tencent\'s answers', () => {
    /** `logged`: how the cloud names the request (a badly signed one is not attributed to the device it claims). */
    async function refused(product: Product, name: string, overrides: Record<string, unknown>, code: number, message: RegExp, logged = `${product.productId}/${name}`): Promise<void> {
      const device = await deviceFolder(cloud, product, name, overrides);
      const before = await readFile(device.file, 'utf8');
      const run = await dynreg(product, device.dir);
      assert.ok(!run.timedOut, tail(run));
      assert.match(run.output, new RegExp(`response err, ret:${code}\\b`), tail(run));
      assert.match(run.output, message, tail(run));
      assert.match(run.output, /dynamic register fail/, tail(run));
      assert.equal(await readFile(device.file, 'utf8'), before, 'nothing was written');
      assert.ok(cloud.logs.some((line) => line.startsWith(`register v1 ${logged}: refused (${code} `)), cloud.logs.join('\n'));
    }

    it('wrong product secret: code 1010 "Check signature failed"', async () => {
      await refused(KEY_PRODUCT, 'csdk-bad-secret', { productSecret: 'WrOnGpRoDuCtSeCrEt012345' }, 1010, /"code":1010,"message":"Check signature failed"/, '/register/dev');
    });

    it('dynamic registration disabled for the product: code 1022', async () => {
      await refused(OFF_PRODUCT, 'csdk-off', {}, 1022, /"code":1022,"message":"Dynamic registration is off for this product"/);
    });

    it('device already registered and activated: code 1025', async () => {
      const name = 'csdk-activated';
      const first = await deviceFolder(cloud, KEY_PRODUCT, name);
      assert.match((await dynreg(KEY_PRODUCT, first.dir)).output, /dynamic register success/);
      assert.equal((await mqttSample(KEY_PRODUCT, first.dir)).code, 0);
      await refused(KEY_PRODUCT, name, {}, 1025, /"code":1025,"message":"Device already activated; registration refused"/);
    });
  });
});
