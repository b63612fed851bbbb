/**
 * The firmware (manifest.json, dist/device/main.js) on Moddable's own runtime: built by the real mcconfig for
 * the lin simulator, run by the real mcsim under Xvfb, with the real XS, SecureSocket, MQTT client, Timer and
 * file modules, against the project's local cloud on loopback. Each case asserts from both ends: what the
 * cloud saw (registrations, logins, publishes, refusals) and what the device traced.
 *
 * Run by `npm run test:moddable` (part of `npm test`); the SDK comes from $MODDABLE or the vendored tarball
 * (scripts/moddable-sdk.ts). DEVICE_TRACE=1 prints the device's trace as it comes.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import type { ModdableSdk } from '../../scripts/moddable-sdk.js';
import { leafSignedBy, selfSignedCaPem } from './certs.js';
import { buildFirmware, freePort, REPO_ROOT, simulatorSdk, startSimulator, type RunningSimulator } from './simulator.js';

const KEY_PRODUCT = Object.freeze({ productId: 'K7QW2ZP4XA', productSecret: 'mR4tQ8zLw2Vn6YpC1sHb9dKf' });
const CERT_PRODUCT = Object.freeze({ productId: 'C3RT9PR0D1', productSecret: 'T0pS3cr3tPr0duct5ecretXYZ12' });
/** The device's retry limits in these builds: short, so that backoff shows within a test. */
const BASE_DELAY_MS = 200;
const MAX_DELAY_MS = 1500;
/** Generous: the machine may be busy with another suite. */
const STEP_MS = 60_000;

interface CloudRun {
  cloud: RunningCloud;
  events: string[];
  statePath: string;
}

describe("the firmware on Moddable's simulator (mcconfig -p lin, mcsim)", function () {
  this.timeout(900_000);
  let sdk: ModdableSdk;
  let work: string;
  let gatewayPort: number;
  let brokerPort: number;
  let flashDir: string;
  let trustedCa: string;
  const firmware: Record<'keyV1' | 'keyV2' | 'cert' | 'example', string> = { keyV1: '', keyV2: '', cert: '', example: '' };
  const running = new Set<RunningSimulator>();
  const clouds = new Set<RunningCloud>();
  /** Every cloud event of the current case, for the failure report. */
  let cloudEvents: string[] = [];

  before(async function () {
    sdk = await simulatorSdk();
    work = mkdtempSync(join(tmpdir(), 'tc-iot-sim-'));
    flashDir = join(work, 'flash');
    trustedCa = join(work, 'trusted-ca.pem');
    gatewayPort = await freePort();
    brokerPort = await freePort();
    const common = {
      gateway: `https://localhost:${gatewayPort}`,
      broker: `mqtts://localhost:${brokerPort}`,
      caFile: trustedCa,
      flashDir: `${flashDir}/`,
      baseDelayMs: String(BASE_DELAY_MS),
      maxDelayMs: String(MAX_DELAY_MS),
      timeoutMs: '10000',
      logLevel: 'info',
    };
    process.stderr.write('  building the firmware for the lin simulator (three configurations, and the library example)\n');
    firmware.keyV1 = await buildFirmware(sdk, 'key-v1', { ...common, ...KEY_PRODUCT, deviceName: 'sim-key-01', api: 'v1' });
    firmware.keyV2 = await buildFirmware(sdk, 'key-v2', { ...common, ...KEY_PRODUCT, deviceName: 'sim-key-02', api: 'v2', algorithm: 'hmacsha256' });
    firmware.cert = await buildFirmware(sdk, 'cert', { ...common, ...CERT_PRODUCT, authMode: 'CERT', deviceName: 'sim-cert-01', api: 'v1' });
    // A user's own app on the library manifest (manifest_tc_iot_device.json), as the README shows it.
    firmware.example = await buildFirmware(sdk, 'example', {
      ...KEY_PRODUCT, deviceName: 'sim-example-01', caFile: trustedCa, flashDir: `${flashDir}/`,
      gateway: 'localhost', gatewayPort: String(gatewayPort), broker: 'localhost', brokerPort: String(brokerPort),
    }, join(REPO_ROOT, 'hal/moddable/example/manifest.json'));
  });

  after(async () => {
    for (const simulator of running) await simulator.stop();
    for (const cloud of clouds) await cloud.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  afterEach(async function () {
    for (const simulator of running) {
      if (this.currentTest?.state === 'failed') {
        process.stderr.write(`  device trace:\n${simulator.trace.lines.map((line) => `    ${line}`).join('\n')}\n`);
        process.stderr.write(`  simulator output (${await Promise.race([simulator.exited, Promise.resolve('still running')])}):\n${simulator.output().slice(-3000)}\n`);
        process.stderr.write(`  cloud events:\n${cloudEvents.map((line) => `    ${line}`).join('\n')}\n`);
      }
      await simulator.stop();
    }
    running.clear();
    for (const cloud of clouds) await cloud.close();
    clouds.clear();
    cloudEvents = [];
  });

  /** Empties the simulated flash (a new unit off the line). */
  function newUnit(): void {
    rmSync(flashDir, { recursive: true, force: true });
    mkdirSync(flashDir);
  }

  function flashFiles(): string[] {
    try {
      return readdirSync(flashDir).sort();
    } catch {
      return [];
    }
  }

  async function cloud(options: { keySecret?: string; stateDir?: string; trust?: boolean } = {}): Promise<CloudRun> {
    const events: string[] = [];
    cloudEvents = events;
    const stateDir = options.stateDir ?? mkdtempSync(join(work, 'cloud-'));
    const statePath = join(stateDir, 'state.json');
    const started = await startCloud({
      products: {
        products: [
          { productId: KEY_PRODUCT.productId, productSecret: options.keySecret ?? KEY_PRODUCT.productSecret, authMode: 'KEY', dynamicRegistration: 'auto', devices: [] },
          { ...CERT_PRODUCT, authMode: 'CERT', dynamicRegistration: 'auto', devices: [] },
        ],
      },
      port: gatewayPort,
      mqttPort: brokerPort,
      statePath,
      log: (line) => events.push(line),
    });
    clouds.add(started);
    if (options.trust !== false) writeFileSync(trustedCa, started.caPem);
    return { cloud: started, events, statePath };
  }

  async function boot(mcSo: string): Promise<RunningSimulator> {
    const simulator = await startSimulator(sdk, mcSo);
    running.add(simulator);
    return simulator;
  }

  async function reboot(simulator: RunningSimulator): Promise<void> {
    await simulator.stop();
    running.delete(simulator);
  }

  /** The device secrets the cloud issued (from its state file), to look for in the device's output. */
  function issuedSecrets(run: CloudRun): string[] {
    const state = JSON.parse(readFileSync(run.statePath, 'utf8')) as { devices: Array<{ psk?: string }> };
    return state.devices.flatMap((device) => (device.psk ? [device.psk, Buffer.from(device.psk, 'base64').toString('hex')] : []));
  }

  function assertNoSecrets(simulator: RunningSimulator, secrets: string[]): void {
    const text = `${simulator.trace.lines.join('\n')}\n${simulator.output()}`;
    for (const secret of [KEY_PRODUCT.productSecret, CERT_PRODUCT.productSecret, ...secrets]) assert.ok(!text.includes(secret), 'a secret reached the device output');
    assert.ok(!/PRIVATE KEY|BEGIN CERTIFICATE/.test(text), 'PEM material reached the device output');
  }

  function assertNoUncaught(simulator: RunningSimulator): void {
    assert.deepEqual(simulator.trace.matching(/^tc-iot fatal/), [], 'no failure escaped the app');
    assert.deepEqual(simulator.trace.breaks, [], 'the engine reported no break');
  }

  const count = (events: string[], pattern: RegExp): number => events.filter((line) => pattern.test(line)).length;

  /** Waits until the cloud has logged a line matching `pattern` (a device's publish reaches it after its trace). */
  async function cloudSaw(events: string[], pattern: RegExp): Promise<number> {
    const deadline = Date.now() + STEP_MS;
    while (count(events, pattern) === 0 && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 50));
    return count(events, pattern);
  }

  it('key product, API v1: the first boot registers, stores, logs in and publishes; a reboot logs in from flash without registering', async () => {
    newUnit();
    const run = await cloud();
    const first = await boot(firmware.keyV1);
    await first.trace.waitFor(/^tc-iot mqtt: hello published to K7QW2ZP4XA\/sim-key-01\/data$/, STEP_MS);
    assert.equal(count(run.events, /^register v1 K7QW2ZP4XA\/sim-key-01: ok \(new device/), 1);
    assert.equal(count(run.events, /^mqtt login K7QW2ZP4XAsim-key-01: ok \(key, TLS, device activated\)/), 1);
    assert.equal(await cloudSaw(run.events, /^mqtt publish K7QW2ZP4XAsim-key-01 → K7QW2ZP4XA\/sim-key-01\/data: /), 1, 'the cloud received the hello on the shared default topic');
    assert.ok(first.trace.lines.includes('tc-iot register: registered after 1 attempt(s); key credential saved to flash'));
    assert.deepEqual(flashFiles(), ['tciot-a.0', 'tciot-a.h'], 'the credential is on disk: one data value and the header of slot a');
    assertNoSecrets(first, issuedSecrets(run));
    assertNoUncaught(first);
    await reboot(first);

    const second = await boot(firmware.keyV1);
    await second.trace.waitFor(/^tc-iot mqtt: hello published to/, STEP_MS);
    assert.ok(second.trace.lines.includes('tc-iot credential: found in flash'));
    assert.deepEqual(second.trace.matching(/^tc-iot register/), [], 'no registration on the second boot');
    assert.equal(count(run.events, /^register /), 1, 'the cloud saw one registration in all');
    assert.equal(count(run.events, /^mqtt login K7QW2ZP4XAsim-key-01: ok \(key, TLS\)$/), 1, 'the second login used the stored secret');
    assertNoSecrets(second, issuedSecrets(run));
    assertNoUncaught(second);
  });

  it('key product, API v2 with hmacsha256: registers, logs in and publishes', async () => {
    newUnit();
    const run = await cloud();
    const device = await boot(firmware.keyV2);
    await device.trace.waitFor(/^tc-iot mqtt: hello published to K7QW2ZP4XA\/sim-key-02\/data$/, STEP_MS);
    assert.equal(count(run.events, /^register v2 K7QW2ZP4XA\/sim-key-02: ok/), 1);
    assert.equal(count(run.events, /^mqtt login K7QW2ZP4XAsim-key-02: ok \(key, TLS, device activated\)/), 1);
    assert.ok(device.trace.matching(/^tc-iot boot: .* api v2$/).length === 1);
    assertNoSecrets(device, issuedSecrets(run));
    assertNoUncaught(device);
  });

  it('certificate product: registers, stores the certificate and key, logs in over mutual TLS; a reboot uses them', async () => {
    newUnit();
    const run = await cloud();
    const first = await boot(firmware.cert);
    await first.trace.waitFor(/^tc-iot mqtt: hello published to C3RT9PR0D1\/sim-cert-01\/data$/, STEP_MS);
    assert.equal(count(run.events, /^register v1 C3RT9PR0D1\/sim-cert-01: ok/), 1);
    assert.equal(count(run.events, /^mqtt login C3RT9PR0D1sim-cert-01: ok \(certificate, TLS, device activated\)/), 1);
    assert.ok(first.trace.lines.includes('tc-iot mqtt: connecting to localhost:' + brokerPort + ' as C3RT9PR0D1sim-cert-01 (mutual TLS)'));
    assert.ok(flashFiles().includes('tciot-a.h'));
    assertNoSecrets(first, []);
    assertNoUncaught(first);
    await reboot(first);
    const second = await boot(firmware.cert);
    await second.trace.waitFor(/^tc-iot mqtt: hello published to/, STEP_MS);
    assert.ok(second.trace.lines.includes('tc-iot credential: found in flash'));
    assert.equal(count(run.events, /^register /), 1);
    assert.equal(count(run.events, /^mqtt login C3RT9PR0D1sim-cert-01: ok \(certificate, TLS\)$/), 1);
    assertNoSecrets(second, []);
  });

  it('wrong product secret: a clear refusal with the server code, capped backoff (no retry storm), nothing stored', async () => {
    newUnit();
    const run = await cloud({ keySecret: 'Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2' });
    const device = await boot(firmware.keyV1);
    await device.trace.waitFor(/^tc-iot register: failed: refused: .*server code 1010/, STEP_MS);
    // Watch the retries for a while: each waits a capped, jittered backoff.
    await device.trace.waitFor(/failures in a row: 4\)$/, STEP_MS);
    // The cloud's count first, the device's lines after: each refused request is followed by one backoff line,
    // so the device can only be ahead here, never behind.
    // A request whose signature fails names no device in the cloud's log (it cannot trust the body).
    const attempts = count(run.events, /^register v1 .*: refused \(1010 /);
    const delays = device.trace.matching(/^tc-iot retry: next attempt in \d+ ms/).map((line) => Number(/in (\d+) ms/.exec(line)![1]));
    assert.ok(delays.length >= 4 && delays.every((delay) => delay >= 0 && delay <= MAX_DELAY_MS), `delays ${delays.join(', ')}`);
    assert.ok(attempts >= 4 && attempts <= delays.length + 1, `the cloud saw ${attempts} refused attempts for ${delays.length} backoffs: one per round, never more`);
    assert.equal(count(run.events, /^mqtt login/), 0);
    assert.deepEqual(flashFiles(), [], 'nothing stored');
    assertNoSecrets(device, []);
    assertNoUncaught(device);
  });

  it('gateway down at first boot: capped backoff while it is down, then registration once it is up', async () => {
    newUnit();
    // Trust the CA of the cloud that will come up (it keeps its CA in its state folder).
    const stateDir = mkdtempSync(join(work, 'later-'));
    const early = await cloud({ stateDir });
    await early.cloud.close();
    clouds.delete(early.cloud);
    const device = await boot(firmware.keyV1);
    await device.trace.waitFor(/failures in a row: 3\)$/, STEP_MS);
    const down = device.trace.matching(/^tc-iot register: failed: /);
    // Moddable's SecureSocket reports a refused connection like a failed handshake (-2 before connect), so the
    // device can only say "TLS handshake failed … or the connection failed".
    assert.ok(down.length >= 3 && down.every((line) => /: (tls|transport|timeout): /.test(line)), down.join('\n'));
    const delays = device.trace.matching(/^tc-iot retry: next attempt in \d+ ms/).map((line) => Number(/in (\d+) ms/.exec(line)![1]));
    assert.ok(delays.every((delay) => delay <= MAX_DELAY_MS), `delays ${delays.join(', ')}`);
    assert.deepEqual(flashFiles(), []);
    const run = await cloud({ stateDir });
    await device.trace.waitFor(/^tc-iot mqtt: hello published to K7QW2ZP4XA\/sim-key-01\/data$/, STEP_MS);
    assert.equal(count(run.events, /^register v1 K7QW2ZP4XA\/sim-key-01: ok/), 1);
    assert.equal(count(run.events, /^mqtt login K7QW2ZP4XAsim-key-01: ok/), 1);
    assertNoSecrets(device, issuedSecrets(run));
    assertNoUncaught(device);
  });

  it('a CA the device does not trust: TLS refused, no request reaches the gateway, nothing stored, no secret traced', async () => {
    newUnit();
    const run = await cloud({ trust: false });
    // The device trusts another CA than the one that signed the cloud's certificate.
    writeFileSync(trustedCa, selfSignedCaPem(work));
    const device = await boot(firmware.keyV1);
    await device.trace.waitFor(/failures in a row: 2\)$/, STEP_MS);
    const failures = device.trace.matching(/^tc-iot register: failed: /);
    assert.ok(failures.length >= 2 && failures.every((line) => /: tls: /.test(line)), failures.join('\n'));
    assert.equal(count(run.events, /^register /), 0, 'the gateway answered no request');
    assert.deepEqual(flashFiles(), []);
    assertNoSecrets(device, []);
    assertNoUncaught(device);
  });

  it("a server certificate for another host name (signed by the trusted CA): TLS refused, no request served, nothing stored", async () => {
    newUnit();
    const stateDir = mkdtempSync(join(work, 'impostor-'));
    const run = await cloud({ stateDir });
    await run.cloud.close();
    clouds.delete(run.cloud);
    // The trusted CA signs a certificate for wrong.example only; a TLS server on the gateway's port serves it.
    const leaf = leafSignedBy(stateDir, 'wrong.example');
    const requests: string[] = [];
    const impostor: HttpsServer = createHttpsServer({ key: leaf.keyPem, cert: leaf.chainPem }, (request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.end('{}');
    });
    await new Promise<void>((resolveListen) => impostor.listen(gatewayPort, () => resolveListen()));
    try {
      const device = await boot(firmware.keyV1);
      await device.trace.waitFor(/failures in a row: 2\)$/, STEP_MS);
      const failures = device.trace.matching(/^tc-iot register: failed: /);
      assert.ok(failures.length >= 2 && failures.every((line) => /: tls: /.test(line)), failures.join('\n'));
      assert.deepEqual(requests, [], 'no HTTP request was sent over the mis-named connection');
      assert.deepEqual(flashFiles(), []);
      assertNoSecrets(device, []);
      assertNoUncaught(device);
    } finally {
      impostor.closeAllConnections();
      await new Promise<void>((resolveClose) => impostor.close(() => resolveClose()));
    }
  });

  it('an own app on the library manifest (hal/moddable/example, manifest_tc_iot_device.json) registers, stores, logs in and publishes', async () => {
    newUnit();
    const run = await cloud();
    const device = await boot(firmware.example);
    await device.trace.waitFor(/^published$/, STEP_MS);
    assert.equal(count(run.events, /^register v1 K7QW2ZP4XA\/sim-example-01: ok/), 1);
    assert.equal(count(run.events, /^mqtt login K7QW2ZP4XAsim-example-01: ok/), 1);
    assert.equal(await cloudSaw(run.events, /^mqtt publish K7QW2ZP4XAsim-example-01 → K7QW2ZP4XA\/sim-example-01\/data: /), 1);
    assert.ok(flashFiles().includes('tciot-a.h'), 'the library stores the credential the same way');
    assertNoSecrets(device, issuedSecrets(run));
    assertNoUncaught(device);
  });

  it('flash that cannot be written: the save fails as storage, the device says so and does not log in as if provisioned', async () => {
    rmSync(flashDir, { recursive: true, force: true });
    // A regular file where the flash folder should be: every write fails.
    writeFileSync(flashDir, 'not a folder');
    try {
      const run = await cloud();
      const device = await boot(firmware.keyV1);
      await device.trace.waitFor(/^tc-iot register: failed: storage: /, STEP_MS);
      await device.trace.waitFor(/failures in a row: 2\)$/, STEP_MS);
      assert.deepEqual(device.trace.matching(/credential saved to flash/), []);
      assert.equal(count(run.events, /^mqtt login/), 0, 'no login without a stored credential');
      assert.ok(count(run.events, /^register v1 K7QW2ZP4XA\/sim-key-01: ok/) >= 1);
      assertNoSecrets(device, issuedSecrets(run));
      assertNoUncaught(device);
    } finally {
      rmSync(flashDir, { force: true });
    }
  });
});
