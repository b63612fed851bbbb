/**
 * The server certificate under Tencent's names: with `tencentHostnames`, an unmodified client that trusts only
 * the local CA and dials Tencent's public device endpoints — every region the SDK core knows, resolved to this
 * machine through a resolver override — verifies the cloud with host-name checking on, registers (v1 and v2,
 * the v2 signature over Tencent's host) and logs in over MQTT. Without the switch those names fail, and so do
 * names the certificate does not list; `hostnames` adds names and addresses of one's own.
 */
import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { startCloud, TENCENT_DEVICE_HOSTNAMES, type RunningCloud } from '../../host-sim/cloud/index.js';
import { parseHostname, serverCertificateNames } from '../../host-sim/cloud/server-names.js';
import { brokerHost, gatewayHost, REGIONS } from '../../src/protocol/regions.js';
import { decrypt, endClient, keyLogin, mqttConnect, v1Body, v2Request, V1_SUCCESS, V2_SUCCESS } from './tc-client.js';

const PID = 'K7QW2ZP4XA';
const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';

/** A resolver that sends every name to 127.0.0.1 and remembers which names it was asked for. */
function loopbackResolver(asked: string[]): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    asked.push(hostname);
    if (options?.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
  }) as unknown as LookupFunction;
}

function port(url: string): number {
  return Number(new URL(url).port);
}

/** A TLS handshake to `name` (resolved to this machine), host name checked; the error code when it fails. */
function handshake(cloud: RunningCloud, which: 'gateway' | 'broker', name: string): Promise<'ok' | string> {
  return new Promise((resolve) => {
    const asked: string[] = [];
    const socket = tlsConnect({ host: name, port: port(cloud[which]), ca: cloud.caPem, servername: name, lookup: loopbackResolver(asked) }, () => {
      socket.end();
      assert.deepEqual(asked, [name], 'the client resolved the name it verified');
      resolve('ok');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** POSTs to `https://<host>:<gateway port><path>`, Host header and SNI = `host`, resolved to this machine. */
function postAs(cloud: RunningCloud, host: string, path: string, body: string, headers: Record<string, string> = {}): Promise<string> {
  const asked: string[] = [];
  return new Promise((resolve, reject) => {
    const req = request({
      host, port: port(cloud.gateway), path, method: 'POST', ca: cloud.caPem, agent: false, lookup: loopbackResolver(asked),
      headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        assert.deepEqual(asked, [host]);
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function servedLeaf(cloud: RunningCloud): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: port(cloud.gateway), ca: cloud.caPem, servername: 'localhost' }, () => {
      const leaf = new X509Certificate(socket.getPeerCertificate().raw);
      socket.end();
      resolve(leaf);
    });
    socket.on('error', reject);
  });
}

describe('cloud server certificate: Tencent\'s host names and --hostname', function () {
  this.timeout(60_000);
  let cloud: RunningCloud;
  const products = { products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto' }] };
  before(async () => {
    cloud = await startCloud({ products, tencentHostnames: true, hostnames: ['iot-box.example.lan', '*.devices.example.lan', '10.99.0.7'] });
  });
  after(async () => cloud?.close());

  it('lists every gateway and broker name of every region the SDK core knows', () => {
    const names = [...REGIONS.flatMap((region) => [gatewayHost(region, 'v1'), gatewayHost(region, 'v2'), brokerHost(PID, region)])];
    const leafNames = TENCENT_DEVICE_HOSTNAMES;
    for (const name of names) {
      const covered = leafNames.some((entry) => entry === name || (entry.startsWith('*.') && name.endsWith(entry.slice(1)) && !name.slice(0, -entry.length + 1).includes('.')));
      assert.ok(covered, `${name} is not covered by TENCENT_DEVICE_HOSTNAMES`);
    }
  });

  for (const region of REGIONS) {
    it(`${region}: v1 registration at ${gatewayHost(region, 'v1')}, verified under that name`, async () => {
      const text = await postAs(cloud, gatewayHost(region, 'v1'), '/register/dev', v1Body({ productId: PID, productSecret: SECRET, deviceName: `v1-${region}` }));
      const match = V1_SUCCESS.exec(text);
      assert.ok(match, text);
      assert.ok(JSON.parse(decrypt(SECRET, match[2]!, Number(match[1]))).psk);
    });

    it(`${region}: v2 registration at ${gatewayHost(region, 'v2')}, signed over that host`, async () => {
      const host = gatewayHost(region, 'v2');
      const { body, headers } = v2Request({ productId: PID, productSecret: SECRET, deviceName: `v2-${region}`, host });
      const text = await postAs(cloud, host, '/device/register', body, headers);
      assert.match(text, V2_SUCCESS);
    });

    it(`${region}: MQTT login at ${brokerHost(PID, region)}:<port>, verified under that name`, async () => {
      const deviceName = `mqtt-${region}`;
      const text = await postAs(cloud, gatewayHost(region, 'v1'), '/register/dev', v1Body({ productId: PID, productSecret: SECRET, deviceName }));
      const match = V1_SUCCESS.exec(text)!;
      const { psk } = JSON.parse(decrypt(SECRET, match[2]!, Number(match[1])));
      const login = keyLogin(PID, deviceName, psk);
      const host = brokerHost(PID, region);
      const asked: string[] = [];
      const outcome = await mqttConnect(`mqtts://${host}:${port(cloud.broker)}`, {
        clientId: login.clientId, username: login.username, password: login.password, ca: cloud.caPem, servername: host, lookup: loopbackResolver(asked),
      } as Parameters<typeof mqttConnect>[1]);
      if (!outcome.ok) assert.fail(`login refused: CONNACK ${outcome.returnCode}, closed ${outcome.closed}`);
      await endClient(outcome.client);
      // (a URL's host is lower-cased; names are case-insensitive)
      assert.deepEqual(asked, [host.toLowerCase()], 'the MQTT client resolved the broker name');
    });
  }

  it('names the certificate does not list fail host-name verification, even under the Tencent domains', async () => {
    for (const name of ['evil.tencentdevices.com', 'a.b.iotcloud.tencentdevices.com', `${PID}.europe.iotcloud.tencentdevices.com`, 'example.com']) {
      assert.equal(await handshake(cloud, 'gateway', name), 'ERR_TLS_CERT_ALTNAME_INVALID', name);
      assert.equal(await handshake(cloud, 'broker', name), 'ERR_TLS_CERT_ALTNAME_INVALID', name);
    }
  });

  it('--hostname adds DNS names, wildcards and addresses', async () => {
    assert.equal(await handshake(cloud, 'gateway', 'iot-box.example.lan'), 'ok');
    assert.equal(await handshake(cloud, 'broker', 'board-7.devices.example.lan'), 'ok');
    const leaf = await servedLeaf(cloud);
    assert.equal(leaf.checkIP('10.99.0.7'), '10.99.0.7');
    assert.equal(leaf.checkHost('localhost'), 'localhost');
    assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
  });

  it('without the switch, Tencent\'s names fail verification and the certificate names only this machine', async () => {
    const plain = await startCloud({ products });
    try {
      assert.equal(await handshake(plain, 'gateway', 'gateway.tencentdevices.com'), 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.equal(await handshake(plain, 'broker', `${PID}.iotcloud.tencentdevices.com`), 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.equal(await handshake(plain, 'gateway', 'localhost'), 'ok');
      const leaf = await servedLeaf(plain);
      assert.equal(leaf.checkHost('iot-box.example.lan'), undefined);
      assert.deepEqual(leaf.subjectAltName?.split(', ').sort(), ['DNS:localhost', 'IP Address:0:0:0:0:0:0:0:1', 'IP Address:127.0.0.1'].sort());
    } finally {
      await plain.close();
    }
  });

  it('refuses a --hostname that is not a DNS name or an address', () => {
    for (const bad of ['', 'under_score.lan', '-lead.lan', 'a..b', '*', '*.com', 'foo.*.lan', 'x'.repeat(64) + '.lan', '1.2.3', 'with space.lan']) {
      assert.throws(() => parseHostname(bad), /--hostname .* is not a DNS name/, bad);
    }
    assert.equal(parseHostname('Gateway.TencentDevices.com.'), 'gateway.tencentdevices.com');
    assert.equal(parseHostname('[::1]'), '::1');
    assert.deepEqual(serverCertificateNames(['127.0.0.1'], ['a.lan', '10.0.0.1', 'a.lan']), { dns: ['localhost', 'a.lan'], ips: ['127.0.0.1', '10.0.0.1'] });
  });
});
