/**
 * The console's REST API against a real local cloud: every route, every refusal (no token, wrong token,
 * unknown product or device, bad JSON, oversize body, wrong method, foreign Host), the effects of the
 * changes on the gateway and the broker (driven by the independent client in test/cloud/tc-client.ts),
 * persistence in the --state file, and that no answer but /secret carries a secret.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { startCloud, REFUSALS, type RunningCloud } from '../../host-sim/cloud/index.js';
import { ROUTES } from '../../host-sim/cloud/console/api.js';
import { MAX_API_BODY_BYTES } from '../../host-sim/cloud/console/http-io.js';
import { connectKey, endClient, mqttConnect, post, registerV1, v1Body, v2Request, V1_ERROR, V2_ERROR } from '../cloud/tc-client.js';
import { ConsoleClient, openEventStream, type StreamReader } from './console-client.js';

const KEY = { productId: 'K7QW2ZP4XA', productSecret: 'mR4tQ8zLw2Vn6YpC1sHb9dKf', authMode: 'KEY', dynamicRegistration: 'auto', devices: ['listed-0'] } as const;
const CERT = { productId: 'C3RTPR0D01', productSecret: 'Zx9Pq2Lm7Nw4Rt6Yv8Bc1Dk3', authMode: 'CERT', dynamicRegistration: 'auto', devices: [] } as const;
const PRE = { productId: 'PRE0CREATE', productSecret: 'Hq3Wm8Zt5Lp1Vx7Nc4Rb9Jd', authMode: 'KEY', dynamicRegistration: 'precreated', devices: ['listed-1'] } as const;
const PRODUCTS = { products: [KEY, CERT, PRE] };

const PRODUCT_FIELDS = ['productId', 'authMode', 'dynamicRegistration', 'autoCreateDevices', 'registrationMode', 'registerLimit', 'autoCreatedCount', 'deviceCount', 'onlineCount', 'source'];
const DEVICE_FIELDS = ['productId', 'deviceName', 'state', 'activated', 'credential', 'origin', 'registrations', 'lastLoginAt'];

/** A concrete path for a route pattern. */
function pathOf(pattern: string, productId: string = KEY.productId, deviceName = "listed-0"): string {
  return pattern.replace('{productId}', encodeURIComponent(productId)).replace('{deviceName}', encodeURIComponent(deviceName));
}

function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => (client.disconnected ? resolve() : client.once('close', () => resolve())));
}

function connectCert(cloud: RunningCloud, deviceName: string, credential: { clientCert: string; clientKey: string }) {
  const clientId = `${CERT.productId}${deviceName}`;
  return mqttConnect(cloud.broker, { clientId, username: `${clientId};21010406;abcde;${Math.floor(Date.now() / 1000) + 600}`, password: 'ignored', ca: cloud.caPem, cert: credential.clientCert, key: credential.clientKey });
}

describe('console REST API', function () {
  this.timeout(60_000);
  let dir: string;
  let statePath: string;
  let cloud: RunningCloud;
  let api: ConsoleClient;
  let stream: StreamReader;
  const logs: string[] = [];
  /** Every secret the cloud issued or holds; no API answer (but /secret) may contain one. */
  const secrets = new Set<string>([KEY.productSecret, CERT.productSecret, PRE.productSecret]);
  const remember = (credential: { psk?: string; clientCert?: string; clientKey?: string }): void => {
    for (const value of [credential.psk, credential.clientKey]) if (value) secrets.add(value);
    // The key's body lines, so that a re-encoded or cut key is caught too.
    if (credential.clientKey) for (const line of credential.clientKey.split('\n').slice(1, -2)) secrets.add(line);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-api-test-'));
    statePath = join(dir, 'state', 'registry.json');
    cloud = await startCloud({ products: PRODUCTS, statePath, log: (line) => logs.push(line) });
    api = new ConsoleClient(cloud);
    stream = await openEventStream(api.base);
  });
  after(async () => {
    stream?.close();
    await cloud?.close(); // closing twice is harmless
    await rm(dir, { recursive: true, force: true });
  });

  it('serves an OpenAPI document naming exactly the routes it has', async () => {
    const answer = await api.get('/api/openapi.json');
    assert.equal(answer.status, 200);
    assert.equal(answer.json.openapi, '3.0.3');
    const documented = Object.entries(answer.json.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) => Object.keys(item).filter((key) => key !== 'parameters').map((method) => `${method.toUpperCase()} ${path}`));
    assert.deepEqual(documented.sort(), ROUTES.map((route) => `${route.method} ${route.pattern}`).sort());
    for (const route of ROUTES) {
      const operation = answer.json.paths[route.pattern][route.method.toLowerCase()];
      assert.equal(Boolean(operation.security), route.auth, `${route.method} ${route.pattern}: security documented as the server enforces it`);
    }
  });

  it('lists products and devices with exactly the documented fields', async () => {
    const products = await api.get('/api/products');
    assert.equal(products.status, 200);
    assert.deepEqual(products.json.products.map((p: { productId: string }) => p.productId), [KEY.productId, CERT.productId, PRE.productId]);
    for (const product of products.json.products) assert.deepEqual(Object.keys(product), PRODUCT_FIELDS);
    const pre = products.json.products[2];
    assert.deepEqual([pre.dynamicRegistration, pre.autoCreateDevices, pre.registrationMode, pre.registerLimit, pre.source], [true, false, 'precreated', null, 'products-file']);
    const one = await api.get(`/api/products/${PRE.productId}`);
    assert.deepEqual(one.json, pre);
    const devices = await api.get('/api/devices');
    for (const device of devices.json.devices) assert.deepEqual(Object.keys(device), DEVICE_FIELDS);
    const listed = await api.get(`/api/products/${PRE.productId}/devices/listed-1`);
    assert.deepEqual(listed.json, { productId: PRE.productId, deviceName: 'listed-1', state: 'unregistered', activated: false, credential: null, origin: 'precreated', registrations: 0, lastLoginAt: null });
    const ofProduct = await api.get(`/api/products/${PRE.productId}/devices`);
    assert.deepEqual(ofProduct.json.devices.map((d: { deviceName: string }) => d.deviceName), ['listed-1']);
  });

  it('shows a device unregistered → registered → online → registered, with credential kind, registrations and last login', async () => {
    const path = `/api/products/${PRE.productId}/devices/listed-1`;
    const credential = await registerV1(cloud, { ...PRE, deviceName: 'listed-1' });
    remember(credential);
    const registered = (await api.get(path)).json;
    assert.deepEqual([registered.state, registered.credential, registered.registrations, registered.activated, registered.lastLoginAt], ['registered', 'key', 1, false, null]);
    const login = await connectKey(cloud, PRE.productId, 'listed-1', credential.psk, 'hmacsha256');
    assert.ok(login.ok);
    const online = (await api.get(path)).json;
    assert.deepEqual([online.state, online.activated], ['online', true]);
    assert.ok(Math.abs(Date.parse(online.lastLoginAt) - Date.now()) < 600_000, 'last login is a time near now');
    assert.equal((await api.get(`/api/products/${PRE.productId}`)).json.onlineCount, 1);
    await endClient(login.client);
    await stream.next((e) => e.kind === 'disconnected' && e.clientId === `${PRE.productId}listed-1`);
    const after = (await api.get(path)).json;
    assert.deepEqual([after.state, after.activated, after.lastLoginAt], ['registered', true, online.lastLoginAt]);
  });

  it('reports registrations, refusals with their codes, logins and publishes, live and in the log', async () => {
    const credential = await registerV1(cloud, { ...KEY, deviceName: 'ev-1' });
    remember(credential);
    const registered = await stream.next((e) => e.kind === 'registered' && e.deviceName === 'ev-1');
    assert.deepEqual([registered.api, registered.productId, registered.existed], ['v1', KEY.productId, false]);
    const bad = await post(cloud, '/register/dev', v1Body({ ...KEY, productSecret: 'W'.repeat(24), deviceName: 'ev-2' }));
    assert.equal(Number(V1_ERROR.exec(bad.text)?.[1]), 1010);
    const refused = await stream.next((e) => e.kind === 'registration-refused' && e.code === 1010);
    assert.equal(refused.reason, 'bad-signature');
    const login = await connectKey(cloud, KEY.productId, 'ev-1', credential.psk);
    assert.ok(login.ok);
    const loginEvent = await stream.next((e) => e.kind === 'login' && e.deviceName === 'ev-1');
    assert.deepEqual([loginEvent.credential, loginEvent.transport, loginEvent.activated], ['key', 'TLS', true]);
    await login.client.publishAsync(`${KEY.productId}/ev-1/data`, '{"t":21.5}', { qos: 1 });
    const published = await stream.next((e) => e.kind === 'publish' && e.deviceName === 'ev-1');
    assert.deepEqual([published.topic, published.payload, published.payloadEncoding, published.bytes, published.qos], [`${KEY.productId}/ev-1/data`, '{"t":21.5}', 'utf8', 10, 1]);
    await endClient(login.client);
    const stale = await connectKey(cloud, KEY.productId, 'ev-1', Buffer.alloc(16, 7).toString('base64'));
    assert.equal(stale.ok, false);
    const loginRefused = await stream.next((e) => e.kind === 'login-refused' && e.clientId === `${KEY.productId}ev-1`);
    assert.equal(loginRefused.returnCode, 4);

    // The same events from the log, with after/limit; ids increase.
    const all = (await api.get('/api/events?limit=2000')).json;
    const ids = all.events.map((e: { id: number }) => e.id);
    assert.deepEqual(ids, [...ids].sort((a: number, b: number) => a - b));
    assert.equal(all.lastId, ids[ids.length - 1]);
    for (const event of [registered, refused, loginEvent, published, loginRefused]) assert.ok(ids.includes(event.id));
    const tail = (await api.get(`/api/events?after=${published.id}&limit=1`)).json.events;
    assert.equal(tail.length, 1);
    assert.ok(tail[0].id > published.id);
    assert.equal((await api.get(`/api/events?after=${all.lastId}`)).json.events.length, 0);
    for (const query of ['limit=abc', 'limit=2001', 'after=-1']) assert.equal((await api.get(`/api/events?${query}`)).status, 400, query);

    // A stream that resumes (Last-Event-ID, as EventSource sends it) replays what came after.
    const resumed = await openEventStream(api.base, { 'Last-Event-ID': String(published.id - 1) });
    try {
      assert.equal((await resumed.next(() => true)).id, published.id);
    } finally {
      resumed.close();
    }
  });

  it('refuses every change without the token (401) or with a wrong one (403), logs it, and changes nothing', async () => {
    const before = (await api.get('/api/products')).text;
    const bodies: Record<string, unknown> = { 'POST /api/products': { productId: 'SHOULDNOT1' }, 'PATCH /api/products/{productId}': { dynamicRegistration: false }, 'POST /api/products/{productId}/devices': { deviceNames: ['nope-1'] } };
    const guarded = ROUTES.filter((route) => route.auth);
    assert.ok(guarded.length >= 6);
    for (const route of guarded) {
      const path = pathOf(route.pattern);
      const body = bodies[`${route.method} ${route.pattern}`];
      const none = await api.call(route.method, path, body === undefined ? {} : { body });
      assert.equal(none.status, 401, `${route.method} ${path}`);
      assert.equal(none.json.error.code, 'unauthorized');
      assert.match(String(none.headers['www-authenticate']), /^Bearer /);
      const wrong = await api.call(route.method, path, { token: `${api.token}x`, ...(body === undefined ? {} : { body }) });
      assert.equal(wrong.status, 403, `${route.method} ${path}`);
      assert.equal(wrong.json.error.code, 'forbidden');
      const malformed = await api.call(route.method, path, { headers: { Authorization: 'Basic abc' } });
      assert.equal(malformed.status, 403);
      assert.ok(logs.some((line) => line.startsWith(`console: ${route.method} ${path} from 127.0.0.1 refused (401`)), `401 logged for ${route.method} ${path}`);
      assert.ok(logs.some((line) => line.startsWith(`console: ${route.method} ${path} from 127.0.0.1 refused (403`)), `403 logged for ${route.method} ${path}`);
    }
    const events = (await api.get('/api/events?limit=2000')).json.events.filter((e: { kind: string }) => e.kind === 'console-refused');
    assert.ok(events.length >= guarded.length * 3);
    assert.equal((await api.get('/api/products')).text, before, 'nothing changed');
    assert.equal((await api.get(`/api/products/${KEY.productId}/devices/listed-0`)).json.state, 'unregistered');
    // The X-Console-Token header works as well as Authorization.
    const viaHeader = await api.call('PATCH', `/api/products/${KEY.productId}`, { body: { registerLimit: null }, headers: { 'X-Console-Token': api.token } });
    assert.equal(viaHeader.status, 200);
    assert.ok(!logs.some((line) => line.includes(api.token)), 'the token is never logged');
  });

  it('refuses bad JSON, non-objects, unknown fields, bad values and oversize bodies (400/413)', async () => {
    const post = (raw: string | Buffer, path = '/api/products', method = 'POST') => api.call(method, path, { token: api.token, raw });
    for (const raw of ['{', '{"productId":', 'null', '[1]', '"text"', Buffer.from([0x7b, 0xff, 0x7d])]) {
      const answer = await post(raw);
      assert.equal(answer.status, 400, String(raw));
      assert.equal(answer.json.error.code, 'bad-json');
    }
    const unknownField = await post('{"productID":"X"}');
    assert.deepEqual([unknownField.status, unknownField.json.error.code], [400, 'bad-request']);
    assert.match(unknownField.json.error.message, /unknown field "productID"/);
    const badAuth = await post('{"authMode":"PSK"}');
    assert.equal(badAuth.status, 400);
    assert.match(badAuth.json.error.message, /^authMode must be "KEY" or "CERT"$/);
    const badSecret = await post('{"productSecret":"short-secret"}');
    assert.match(badSecret.json.error.message, /^productSecret must be/);
    assert.ok(!badSecret.text.includes('short-secret'), 'a refused secret is not echoed');
    for (const raw of ['{}', '{"dynamicRegistration":"no"}', '{"registerLimit":-1}', '{"registerLimit":1.5}']) assert.equal((await post(raw, `/api/products/${KEY.productId}`, 'PATCH')).status, 400, raw);
    for (const raw of ['{}', '{"deviceNames":[]}', '{"deviceNames":["bad name"]}', '{"deviceNames":["a","a"]}', `{"deviceNames":[${'"x",'.repeat(1000)}"y"]}`]) {
      assert.equal((await post(raw, `/api/products/${KEY.productId}/devices`)).status, 400, raw.slice(0, 40));
    }
    const oversize = await post(`{"productId":"${'A'.repeat(MAX_API_BODY_BYTES)}"}`);
    assert.deepEqual([oversize.status, oversize.json.error.code], [413, 'too-large']);
    assert.equal(oversize.headers.connection, 'close');
    // Without a Content-Length (chunked), the limit holds while reading.
    const chunked = await api.call('POST', '/api/products', { token: api.token, raw: 'x'.repeat(MAX_API_BODY_BYTES + 10), chunked: true });
    assert.equal(chunked.status, 413);
    assert.equal((await api.get(`/api/products/SHOULDNOT1`)).status, 404);
  });

  it('answers 404 for an unknown product, device or path, and 405 with Allow for a wrong method', async () => {
    for (const route of ROUTES.filter((r) => r.pattern.includes('{productId}'))) {
      const answer = await api.call(route.method, pathOf(route.pattern, 'NOSUCHPROD'), { token: api.token, ...(route.method === 'GET' || route.method === 'DELETE' || route.pattern.endsWith('/reset') ? {} : { body: route.method === 'PATCH' ? { dynamicRegistration: true } : { deviceNames: ['a'] } }) });
      assert.deepEqual([answer.status, answer.json.error.code], [404, 'not-found'], `${route.method} ${route.pattern}`);
    }
    for (const route of ROUTES.filter((r) => r.pattern.includes('{deviceName}'))) {
      const answer = await api.call(route.method, pathOf(route.pattern, KEY.productId, 'no-such-device'), { token: api.token });
      assert.deepEqual([answer.status, answer.json.error.code], [404, 'not-found'], `${route.method} ${route.pattern}`);
    }
    for (const path of ['/api/nothing', '/api/products/', '/api/products/K7QW2ZP4XA/devices/%E0%A4%A', '/index.html', '/api/products/K7QW2ZP4XA/devices/x/y/z']) {
      assert.equal((await api.get(path)).status, 404, path);
    }
    const wrongMethod = await api.call('PUT', `/api/products/${KEY.productId}`, { token: api.token });
    assert.deepEqual([wrongMethod.status, wrongMethod.headers.allow], [405, 'GET, PATCH']);
    assert.equal((await api.call('DELETE', '/api/devices', { token: api.token })).status, 405);
    assert.equal((await api.call('POST', '/', { token: api.token })).status, 405);
  });

  it('refuses a foreign Host header on loopback (DNS rebinding), and logs it', async () => {
    const answer = await api.call('GET', '/api/products', { headers: { Host: 'evil.example:80' } });
    assert.equal(answer.status, 403);
    assert.ok(logs.some((line) => /console: GET \/api\/products from .* refused \(403: the Host header/.test(line)));
    for (const host of [`localhost:${api.base.port}`, `127.0.0.1:${api.base.port}`, `[::1]:${api.base.port}`]) assert.equal((await api.call('GET', '/api/products', { headers: { Host: host } })).status, 200, host);
  });

  it('creates a product that registers at once; its secret only from /secret, with the token', async () => {
    const created = await api.authed('POST', '/api/products', { productId: 'NEWPROD001', authMode: 'KEY', registerLimit: 5, deviceNames: ['n-1'] });
    assert.equal(created.status, 201);
    assert.deepEqual(Object.keys(created.json), PRODUCT_FIELDS);
    assert.deepEqual([created.json.productId, created.json.source, created.json.registrationMode, created.json.registerLimit, created.json.deviceCount], ['NEWPROD001', 'console', 'auto', 5, 1]);
    assert.equal((await api.authed('POST', '/api/products', { productId: 'NEWPROD001' })).status, 409);
    assert.equal((await api.get('/api/products/NEWPROD001/secret')).status, 401);
    const secret = await api.authed('GET', '/api/products/NEWPROD001/secret');
    assert.equal(secret.status, 200);
    const productSecret: string = secret.json.productSecret;
    assert.match(productSecret, /^[A-Za-z0-9]{24}$/);
    secrets.add(productSecret);
    assert.ok(logs.includes('console: product secret of NEWPROD001 read'));
    remember(await registerV1(cloud, { productId: 'NEWPROD001', productSecret, deviceName: 'n-1' }));
    remember(await registerV1(cloud, { productId: 'NEWPROD001', productSecret, deviceName: 'n-auto' }));
    assert.equal((await api.get('/api/products/NEWPROD001')).json.autoCreatedCount, 1);
    // A random id when none is given; a given secret is used as given.
    const random = await api.authed('POST', '/api/products', { authMode: 'CERT', productSecret: 'Given-Secret-0123456789', dynamicRegistration: false });
    assert.match(random.json.productId, /^[A-Z0-9]{10}$/);
    assert.deepEqual([random.json.authMode, random.json.dynamicRegistration, random.json.autoCreateDevices], ['CERT', false, true]);
    secrets.add('Given-Secret-0123456789');
    assert.equal((await api.authed('GET', `/api/products/${random.json.productId}/secret`)).json.productSecret, 'Given-Secret-0123456789');
  });

  it('toggling dynamic registration and automatic creation changes what the gateway accepts', async () => {
    const product = `/api/products/${KEY.productId}`;
    const off = await api.authed('PATCH', product, { dynamicRegistration: false });
    assert.deepEqual([off.status, off.json.dynamicRegistration, off.json.autoCreateDevices, off.json.registrationMode], [200, false, true, 'off']);
    const v1 = await post(cloud, '/register/dev', v1Body({ ...KEY, deviceName: 'toggle-1' }));
    assert.equal(Number(V1_ERROR.exec(v1.text)?.[1]), REFUSALS['registration-off'].v1);
    const { body, headers } = v2Request({ ...KEY, deviceName: 'toggle-1' });
    assert.equal(V2_ERROR.exec((await post(cloud, '/device/register', body, headers)).text)?.[1], REFUSALS['registration-off'].v2);
    const event = await stream.next((e) => e.kind === 'registration-refused' && e.deviceName === 'toggle-1' && e.api === 'v1');
    assert.deepEqual([event.code, event.reason, event.productId], [1022, 'registration-off', KEY.productId]);

    // On again: automatic creation was remembered while off.
    const on = await api.authed('PATCH', product, { dynamicRegistration: true });
    assert.equal(on.json.registrationMode, 'auto');
    remember(await registerV1(cloud, { ...KEY, deviceName: 'toggle-1' }));
    const precreatedOnly = await api.authed('PATCH', product, { autoCreateDevices: false });
    assert.equal(precreatedOnly.json.registrationMode, 'precreated');
    const unknown = await post(cloud, '/register/dev', v1Body({ ...KEY, deviceName: 'toggle-2' }));
    assert.equal(Number(V1_ERROR.exec(unknown.text)?.[1]), REFUSALS['not-precreated'].v1);
    const added = await api.authed('POST', `${product}/devices`, { deviceNames: ['toggle-2', 'toggle-3'] });
    assert.equal(added.status, 201);
    assert.deepEqual(added.json.devices.map((d: { deviceName: string; state: string; origin: string }) => [d.deviceName, d.state, d.origin]), [['toggle-2', 'unregistered', 'precreated'], ['toggle-3', 'unregistered', 'precreated']]);
    remember(await registerV1(cloud, { ...KEY, deviceName: 'toggle-2' }));
    const again = await api.authed('POST', `${product}/devices`, { deviceNames: ['toggle-4', 'toggle-3'] });
    assert.deepEqual([again.status, again.json.error.code], [409, 'conflict']);
    assert.match(again.json.error.message, /toggle-3/);
    assert.equal((await api.get(`${product}/devices/toggle-4`)).status, 404, 'a refused batch adds nothing');
    const limited = await api.authed('PATCH', product, { autoCreateDevices: true, registerLimit: 0 });
    assert.deepEqual([limited.json.registrationMode, limited.json.registerLimit], ['auto', 0]);
    const overLimit = await post(cloud, '/register/dev', v1Body({ ...KEY, deviceName: 'toggle-5' }));
    assert.equal(Number(V1_ERROR.exec(overLimit.text)?.[1]), REFUSALS['limit-reached'].v1);
    assert.equal((await api.authed('PATCH', product, { registerLimit: null })).json.registerLimit, null);
  });

  it('reset revokes a key credential: the open session is closed, the old secret is refused, the device registers again', async () => {
    const first = await registerV1(cloud, { ...KEY, deviceName: 'reset-1' });
    remember(first);
    const login = await connectKey(cloud, KEY.productId, 'reset-1', first.psk);
    assert.ok(login.ok);
    const refusedBefore = await post(cloud, '/register/dev', v1Body({ ...KEY, deviceName: 'reset-1' }));
    assert.equal(Number(V1_ERROR.exec(refusedBefore.text)?.[1]), REFUSALS['already-activated'].v1);
    const sessionClosed = closed(login.client);
    const reset = await api.authed('POST', `/api/products/${KEY.productId}/devices/reset-1/reset`);
    assert.equal(reset.status, 200);
    assert.deepEqual([reset.json.state, reset.json.activated, reset.json.credential, reset.json.registrations], ['unregistered', false, null, 1]);
    await sessionClosed;
    await endClient(login.client);
    const stale = await connectKey(cloud, KEY.productId, 'reset-1', first.psk);
    assert.deepEqual([stale.ok, (stale as { returnCode?: number }).returnCode], [false, 4]);
    const second = await registerV1(cloud, { ...KEY, deviceName: 'reset-1' });
    remember(second);
    assert.notEqual(second.psk, first.psk);
    const view = (await api.get(`/api/products/${KEY.productId}/devices/reset-1`)).json;
    assert.deepEqual([view.state, view.registrations], ['registered', 2]);
    const fresh = await connectKey(cloud, KEY.productId, 'reset-1', second.psk);
    assert.ok(fresh.ok);
    await endClient(fresh.client);
    const event = await stream.next((e) => e.kind === 'console' && e.action === 'device-reset' && e.deviceName === 'reset-1');
    assert.equal(event.detail, 'credential revoked, session closed');
  });

  it('reset revokes a certificate: the old certificate is refused (CONNACK 5), the next registration issues a new one', async function () {
    this.timeout(120_000);
    const first = await registerV1(cloud, { ...CERT, deviceName: 'cam-reset' });
    remember(first);
    const login = await connectCert(cloud, 'cam-reset', first);
    assert.ok(login.ok);
    assert.equal((await api.get(`/api/products/${CERT.productId}/devices/cam-reset`)).json.credential, 'certificate');
    const sessionClosed = closed(login.client);
    assert.equal((await api.authed('POST', `/api/products/${CERT.productId}/devices/cam-reset/reset`)).status, 200);
    await sessionClosed;
    await endClient(login.client);
    const stale = await connectCert(cloud, 'cam-reset', first);
    assert.deepEqual([stale.ok, (stale as { returnCode?: number }).returnCode], [false, 5]);
    const second = await registerV1(cloud, { ...CERT, deviceName: 'cam-reset' });
    remember(second);
    const fresh = await connectCert(cloud, 'cam-reset', second);
    assert.ok(fresh.ok);
    await endClient(fresh.client);
  });

  it('delete closes the session and removes the device and its messages; an auto name can register anew', async () => {
    const credential = await registerV1(cloud, { ...KEY, deviceName: 'del-1' });
    remember(credential);
    const login = await connectKey(cloud, KEY.productId, 'del-1', credential.psk);
    assert.ok(login.ok);
    await login.client.publishAsync(`${KEY.productId}/del-1/data`, 'bye', { qos: 1 });
    await stream.next((e) => e.kind === 'publish' && e.deviceName === 'del-1');
    const sessionClosed = closed(login.client);
    const deleted = await api.authed('DELETE', `/api/products/${KEY.productId}/devices/del-1`);
    assert.deepEqual([deleted.status, deleted.text], [204, '']);
    await sessionClosed;
    await endClient(login.client);
    assert.equal((await api.get(`/api/products/${KEY.productId}/devices/del-1`)).status, 404);
    assert.equal((await api.get(`/api/products/${KEY.productId}/devices/del-1/messages`)).status, 404);
    const stale = await connectKey(cloud, KEY.productId, 'del-1', credential.psk);
    assert.equal(stale.ok, false);
    remember(await registerV1(cloud, { ...KEY, deviceName: 'del-1' }));
    const view = (await api.get(`/api/products/${KEY.productId}/devices/del-1`)).json;
    assert.deepEqual([view.state, view.registrations, view.origin], ['registered', 1, 'auto']);
    assert.deepEqual((await api.get(`/api/products/${KEY.productId}/devices/del-1/messages`)).json.messages, []);
    // A pre-created name of the products file can be deleted too.
    assert.equal((await api.authed('DELETE', `/api/products/${KEY.productId}/devices/listed-0`)).status, 204);
  });

  it('keeps each device\'s last messages, text as text and binary as Base64', async () => {
    const credential = await registerV1(cloud, { ...KEY, deviceName: 'msg-1' });
    remember(credential);
    const login = await connectKey(cloud, KEY.productId, 'msg-1', credential.psk);
    assert.ok(login.ok);
    const topic = `${KEY.productId}/msg-1/data`;
    for (let i = 0; i < 3; i++) await login.client.publishAsync(topic, JSON.stringify({ n: i }), { qos: 1 });
    await login.client.publishAsync(`${KEY.productId}/msg-1/event`, Buffer.from([0, 255, 1]), { qos: 0 });
    await stream.next((e) => e.kind === 'publish' && e.deviceName === 'msg-1' && e.payloadEncoding === 'base64');
    await endClient(login.client);
    const messages = (await api.get(`/api/products/${KEY.productId}/devices/msg-1/messages`)).json.messages;
    assert.deepEqual(messages.map((m: { topic: string; payload: string; qos: number }) => [m.topic, m.payload, m.qos]), [[topic, '{"n":0}', 1], [topic, '{"n":1}', 1], [topic, '{"n":2}', 1], [`${KEY.productId}/msg-1/event`, Buffer.from([0, 255, 1]).toString('base64'), 0]]);
  });

  it('keeps the changes in the --state file across a restart', async () => {
    await cloud.close();
    const text = await readFile(statePath, 'utf8');
    const restarted = await startCloud({ products: PRODUCTS, statePath, log: (line) => logs.push(line) });
    try {
      const again = new ConsoleClient(restarted);
      const products = (await again.get('/api/products')).json.products;
      const byId = new Map(products.map((p: { productId: string }) => [p.productId, p]));
      assert.ok(byId.has('NEWPROD001'), 'the created product is back');
      assert.equal((byId.get('NEWPROD001') as { source: string }).source, 'console');
      assert.equal((byId.get(KEY.productId) as { registrationMode: string }).registrationMode, 'auto');
      assert.equal((await again.get(`/api/products/${KEY.productId}/devices/listed-0`)).status, 404, 'a deleted pre-created name does not come back');
      assert.equal((await again.get(`/api/products/${KEY.productId}/devices/toggle-3`)).json.state, 'unregistered');
      const resetDevice = (await again.get(`/api/products/${KEY.productId}/devices/reset-1`)).json;
      assert.deepEqual([resetDevice.registrations, resetDevice.state], [2, 'registered']);
      assert.ok(resetDevice.lastLoginAt, 'last login survives the restart');
      const secret = await again.authed('GET', '/api/products/NEWPROD001/secret');
      remember(await registerV1(restarted, { productId: 'NEWPROD001', productSecret: secret.json.productSecret, deviceName: 'after-restart' }));
      assert.notEqual(again.token, api.token, 'a fresh token per start');
      assert.ok(text.includes('"products"'));
      api.seen.push(...again.seen);
    } finally {
      await restarted.close();
    }
  });

  it('a change that cannot be saved is answered 500 and undone', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'console-api-unsaved-'));
    const unsaved = await startCloud({ products: PRODUCTS, statePath: join(folder, 'sub', 'registry.json') });
    try {
      const client = new ConsoleClient(unsaved);
      await rm(join(folder, 'sub'), { recursive: true, force: true });
      const answer = await client.authed('PATCH', `/api/products/${KEY.productId}`, { dynamicRegistration: false });
      assert.deepEqual([answer.status, answer.json.error.code], [500, 'internal']);
      assert.equal((await client.get(`/api/products/${KEY.productId}`)).json.dynamicRegistration, true);
      assert.equal((await client.authed('POST', `/api/products/${KEY.productId}/devices`, { deviceNames: ['unsaved-1'] })).status, 500);
      assert.equal((await client.get(`/api/products/${KEY.productId}/devices/unsaved-1`)).status, 404);
    } finally {
      await unsaved.close();
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('no answer but /secret carries a product secret, device secret or private key', () => {
    assert.ok(api.seen.length > 100, `${api.seen.length} answers checked`);
    for (const { path, text } of api.seen) {
      if (path.endsWith('/secret')) continue;
      for (const secret of secrets) assert.ok(!text.includes(secret), `${path} leaks a secret`);
      assert.doesNotMatch(text, /PRIVATE KEY|BEGIN CERTIFICATE|"psk"|certFingerprint/, path);
    }
    for (const secret of secrets) assert.ok(!stream.raw().includes(secret), 'the event stream leaks a secret');
    for (const line of logs) for (const secret of secrets) assert.ok(!line.includes(secret), `log line leaks a secret: ${line}`);
  });
});
