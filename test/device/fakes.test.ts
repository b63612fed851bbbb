/**
 * The fakes enforce what the real Moddable modules document (so that device code passing here would not
 * trip on the ESP32 over a limit the fakes let through), and the Moddable HAL reacts to them as it should.
 */
import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalCloud, type LocalCloud } from './cloud-fixture.js';
import { DEVICE_LIBRARY, REPO_ROOT, bundleForXs } from './device-bundle.js';
import { DeviceHost } from './device-host.js';

const ENTRY = `
import Preference from 'preference';
import SecureSocket from 'securesocket';
import Time from 'time';
import Timer from 'timer';
import Resource from 'Resource';
import * as library from ${JSON.stringify(DEVICE_LIBRARY)};
globalThis.__fakes = { Preference, SecureSocket, Time, Timer, Resource, library };
globalThis.__throws = (fn) => { try { fn(); return 'no error'; } catch (error) { return String(error.message); } };
`;

describe('fakes of the Moddable modules on XS', function () {
  this.timeout(60_000);
  let script = '';
  let cloud: LocalCloud;
  const devices: DeviceHost[] = [];

  before(async () => {
    script = await bundleForXs(ENTRY);
    cloud = await startLocalCloud();
  });
  afterEach(async () => {
    for (const device of devices.splice(0)) await device.close();
  });
  after(async () => {
    await cloud?.close();
  });

  async function boot(clock: 'synced' | 'unset'): Promise<DeviceHost> {
    const device = await DeviceHost.boot(script, { clock, resources: { 'local-cloud-ca.der': cloud.caDer } });
    devices.push(device);
    return device;
  }

  it('the device has no TextEncoder, setTimeout or console; Date.now() starts near 1970 until the clock is set', async () => {
    const device = await boot('unset');
    assert.equal(await device.call('[typeof TextEncoder, typeof TextDecoder, typeof setTimeout, typeof console].join()'), 'undefined,undefined,undefined,undefined');
    assert.ok((await device.call<number>('Date.now()')) < 86_400_000);
  });

  it('Preference: ArrayBuffer values only (a Uint8Array or a float throws), at most 4000 bytes, keys and domains of at most 15 characters', async () => {
    const device = await boot('synced');
    const P = '__fakes.Preference';
    assert.match(await device.call(`__throws(() => ${P}.set('d', 'k', new Uint8Array(4)))`), /unsupported value type/);
    assert.match(await device.call(`__throws(() => ${P}.set('d', 'k', 1.5))`), /int32/);
    assert.match(await device.call(`__throws(() => ${P}.set('d', 'k', new ArrayBuffer(4001)))`), /too long/);
    assert.match(await device.call(`__throws(() => ${P}.set('d', 'k'.repeat(16), 1))`), /key must be/);
    assert.match(await device.call(`__throws(() => ${P}.set('d'.repeat(16), 'k', 1))`), /domain must be/);
    assert.equal(await device.call(`__throws(() => ${P}.set('d', 'k', new ArrayBuffer(4000)))`), 'no error');
    assert.equal(await device.call(`${P}.get('d'.repeat(16), 'k') === undefined`), true);
    assert.equal(await device.call(`${P}.get('d', 'k').byteLength`), 4000);
    assert.deepEqual(device.flash.log, ['erase k', 'write k'], 'set = erase, then write');
  });

  it('Timer: clearing a timer twice, or a one-shot that has fired, is ignored (modTimer.c 8.2.3, and the real module on the simulator); scheduling a released one throws', async () => {
    const device = await boot('synced');
    const T = '__fakes.Timer';
    assert.equal(await device.call(`__throws(() => ${T}.clear(undefined))`), 'no error');
    assert.equal(await device.call(`__throws(() => { const t = ${T}.set(() => {}, 60000); ${T}.clear(t); ${T}.clear(t); })`), 'no error');
    const fired = `new Promise((resolve) => { const t = ${T}.set(() => { Promise.resolve().then(() => resolve(__throws(() => ${T}.clear(t)))); }, 1); })`;
    assert.equal(await device.call(fired), 'no error');
    assert.equal(await device.call(`new Promise((resolve) => { const t = ${T}.set(() => resolve(__throws(() => ${T}.clear(t))), 1); })`), 'no error');
    assert.match(await device.call(`__throws(() => { const t = ${T}.set(() => {}, 60000); ${T}.clear(t); ${T}.schedule(t, 10); })`), /invalid/);
  });

  it('Resource: a host buffer, not an ArrayBuffer — byteLength, slice to an ArrayBuffer, viewable by typed arrays; missing throws', async () => {
    const device = await boot('synced');
    const r = `new __fakes.Resource('local-cloud-ca.der')`;
    assert.equal(await device.call(`(() => { const r = ${r}; return [r instanceof ArrayBuffer, r.byteLength, new Uint8Array(r)[0], r.slice(0) instanceof ArrayBuffer, r.slice(1, 3).byteLength].join(); })()`), `false,${cloud.caDer.length},48,true,2`);
    assert.match(await device.call(`__throws(() => __fakes.Preference.set('d', 'k', ${r}))`), /unsupported value type/);
    assert.match(await device.call(`__throws(() => new __fakes.Resource('nope.der'))`), /Resource not found: nope\.der/);
  });

  it('SecureSocket: one CA as DER, TLS 1.2 only', async () => {
    const device = await boot('synced');
    const open = (secure: string): string => `__throws(() => new __fakes.SecureSocket({ host: 'localhost', port: 1, secure: ${secure} }))`;
    assert.match(await device.call(open('{ certificate: [new ArrayBuffer(8)] }')), /one CA/);
    assert.match(await device.call(open('{ protocolVersion: 0x304, certificate: new ArrayBuffer(8) }')), /0x303/);
  });

  it('SecureSocket.write: at most the room write() reports — 896 bytes, the simulator socket buffer less 128 (modsecuresocket.c, and the real module)', async () => {
    const device = await boot('synced');
    const port = Number(new URL(cloud.gateway).port);
    const socket = `new __fakes.SecureSocket({ host: 'localhost', port: ${port}, secure: { certificate: __fakes.library.loadDerResource('local-cloud-ca.der') } })`;
    assert.equal(await device.call(`(() => { const s = ${socket}; const n = s.write(); const e = __throws(() => s.write(new ArrayBuffer(1000), new Uint8Array(25))); s.close(); return n + ' ' + e; })()`), "896 can't write all data");
    assert.equal(await device.call(`(() => { const s = ${socket}; const e = __throws(() => s.write(new ArrayBuffer(896))); s.close(); return e; })()`), 'no error');
  });

  it('without a configured CA, each connection gets exactly one pinned root from the firmware resources', async () => {
    const pinned = (name: string): Uint8Array => new Uint8Array(readFileSync(join(REPO_ROOT, 'hal/moddable/certs', name)));
    const device = await DeviceHost.boot(script, {
      clock: 'synced',
      resources: { 'tencent-iothub-root.der': pinned('tencent-iothub-root.der'), 'digicert-global-root-ca.der': pinned('digicert-global-root-ca.der') },
    });
    devices.push(device);
    const port = Number(new URL(cloud.gateway).port);
    const connect = (trust: string): Promise<unknown> => device.call(`__fakes.library.createModdableHal().connect({ host: 'localhost', port: ${port}, serverName: 'localhost', trust: '${trust}', timeoutMs: 20000 })`);
    // The local cloud is vouched for by neither pinned root: both handshakes fail, as they must.
    await assert.rejects(connect('tencent-iothub'), (error: { code?: string }) => error.code === 'tls');
    await assert.rejects(connect('public-web'), (error: { code?: string }) => error.code === 'tls');
    assert.deepEqual(device.socketOpens.map((open) => /CN=([^\n]+)/.exec(open.caSubject)?.[1]), ['www.tencent.com', 'DigiCert Global Root CA']);
  });

  it('certificates are date-checked against the device clock: before it is set, opening the socket fails (tls); the HAL refuses earlier (clock)', async () => {
    const device = await boot('unset');
    const port = Number(new URL(cloud.gateway).port);
    const options = `{ host: 'localhost', port: ${port}, serverName: 'localhost', ca: __fakes.library.loadDerResource('local-cloud-ca.der'), timeoutMs: 20000 }`;
    await assert.rejects(device.call(`__fakes.library.openSecureStream(${options})`), (error: { code?: string }) => error.code === 'tls');
    assert.equal(device.socketOpens.length, 1);
    assert.ok(device.socketOpens[0]!.deviceTimeMs < Date.UTC(2020, 0, 1));
    const hal = `__fakes.library.createModdableHal({ ca: __fakes.library.loadDerResource('local-cloud-ca.der') })`;
    await assert.rejects(device.call(`${hal}.connect({ host: 'localhost', port: ${port}, serverName: 'localhost', trust: 'tencent-iothub', timeoutMs: 20000 })`), (error: { code?: string }) => error.code === 'clock');
    assert.equal(device.socketOpens.length, 1, 'the HAL opened no socket with the clock unset');
    // Once the clock is set (as SNTP would, through Time.set), the same stream connects.
    await device.call(`__fakes.Time.set(${Math.floor(Date.now() / 1000)})`);
    assert.equal(await device.call(`__fakes.library.openSecureStream(${options}).then((stream) => { stream.close(); return 'connected'; })`), 'connected');
    assert.ok(device.socketOpens[1]!.deviceTimeMs > Date.UTC(2020, 0, 1));
    assert.equal(new X509Certificate(Buffer.from(cloud.caDer)).ca, true);
  });
});
