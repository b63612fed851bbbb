/**
 * Fakes against the real thing: test/moddable/probe/main.js exercises Timer, Resource, SecureSocket and the
 * MQTT client where a fake could differ from Moddable's module (clearing timers twice, what a Resource is,
 * which callback messages a failed or refused TLS socket reports, how much one write may carry, which events a
 * refused MQTT login fires). It runs on Moddable's simulator (the real modules) and on xsnap over
 * test/device/fakes against the same servers, and both must print the same `probe …` lines — a fake that
 * accepts what the real module rejects would make the xsnap suites tests that cannot fail.
 */
import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import type { ModdableSdk } from '../../scripts/moddable-sdk.js';
import { bundleForXs, userAppEntry } from '../device/device-bundle.js';
import { DeviceHost } from '../device/device-host.js';
import { leafSignedBy } from './certs.js';
import { buildFirmware, freePort, REPO_ROOT, runToEnd, simulatorSdk } from './simulator.js';

const PROBE_MAIN = join(REPO_ROOT, 'test/moddable/probe/main.js');
const PRODUCT = Object.freeze({ productId: 'K7QW2ZP4XA', productSecret: 'mR4tQ8zLw2Vn6YpC1sHb9dKf' });

/**
 * The probe's lines. A debug build of XS appends " (in <function>)" to the message of an error a host function
 * throws; a release build does not, so that suffix is no difference between a fake and the real module.
 */
const probeLines = (lines: string[]): string[] => lines.filter((line) => line.startsWith('probe ')).map((line) => line.replace(/ \(in [A-Za-z_$][\w$]*\)"/g, '"'));

describe('the xsnap fakes against the real Moddable modules (same probe, same servers)', function () {
  this.timeout(600_000);
  let sdk: ModdableSdk;
  let work: string;
  let cloud: RunningCloud;
  let tlsServer: TlsServer;
  const held = new Set<Socket>();
  let config: Record<string, string>;
  let resources: Record<string, Uint8Array>;
  let appDir: string;

  before(async () => {
    sdk = await simulatorSdk();
    work = mkdtempSync(join(tmpdir(), 'tc-iot-probe-'));
    const stateDir = join(work, 'cloud');
    cloud = await startCloud({ products: { products: [{ ...PRODUCT, authMode: 'KEY', dynamicRegistration: 'auto', devices: [] }] }, statePath: join(stateDir, 'state.json') });
    // A TLS server that completes handshakes and then holds the connection, certified by the cloud's CA.
    const leaf = leafSignedBy(stateDir, 'localhost');
    tlsServer = createTlsServer({ key: leaf.keyPem, cert: leaf.chainPem }, (socket) => {
      held.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => held.delete(socket));
      socket.resume();
    });
    await new Promise<void>((resolveListen) => tlsServer.listen(0, '127.0.0.1', () => resolveListen()));
    const tlsPort = (tlsServer.address() as { port: number }).port;
    config = {
      tlsHost: 'localhost', tlsPort: String(tlsPort), closedPort: String(await freePort()),
      brokerHost: 'localhost', brokerPort: new URL(cloud.broker).port,
      productId: PRODUCT.productId, deviceName: 'probe-01',
    };
    const caDer = new Uint8Array(new X509Certificate(cloud.caPem).raw);
    resources = { 'probe-ca.der': caDer, 'tencent-iothub-root.der': new Uint8Array(readFileSync(join(REPO_ROOT, 'hal/moddable/certs/tencent-iothub-root.der'))) };
    // The probe as a Moddable app of its own (its folder names it "probe").
    appDir = join(work, 'probe');
    mkdirSync(appDir);
    copyFileSync(PROBE_MAIN, join(appDir, 'main.js'));
    writeFileSync(join(appDir, 'probe-ca.der'), caDer);
    writeFileSync(join(appDir, 'manifest.json'), JSON.stringify({
      include: ['$(MODDABLE)/examples/manifest_base.json', '$(MODDABLE)/examples/manifest_net.json', '$(MODULES)/crypt/tls.json', '$(MODULES)/network/mqtt/manifest.json'],
      modules: { '*': './main', 'tc-iot-random': join(REPO_ROOT, 'hal/moddable/native/random') },
      resources: { '*': ['./probe-ca', join(REPO_ROOT, 'hal/moddable/certs/tencent-iothub-root')] },
      config,
    }, null, 2));
  });

  after(async () => {
    for (const socket of held) socket.destroy();
    if (tlsServer) await new Promise<void>((resolveClose) => tlsServer.close(() => resolveClose()));
    if (cloud) await cloud.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  let real: string[] = [];
  let fake: string[] = [];

  it('runs on the simulator with the real modules', async () => {
    const mcSo = await buildFirmware(sdk, 'probe', config, join(appDir, 'manifest.json'));
    real = probeLines(await runToEnd(sdk, mcSo, /^probe done: true$/, 120_000));
    assert.ok(!real.some((line) => line.startsWith('probe probe-failed')), real.join('\n'));
  });

  it('runs on xsnap with the fakes', async () => {
    const device = await DeviceHost.boot(await bundleForXs(userAppEntry(PROBE_MAIN)), { clock: 'synced', config, resources });
    try {
      await device.startApp();
      await device.waitForTrace(/^probe done: true$/);
      fake = probeLines(device.traces);
    } finally {
      await device.close();
    }
  });

  it('every probe line is the same on both', () => {
    assert.ok(real.length > 5 && fake.length > 5, 'both ran');
    assert.deepEqual(fake, real);
  });
});
