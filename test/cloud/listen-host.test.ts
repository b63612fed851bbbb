/**
 * Where the cloud listens: loopback (127.0.0.1) unless `host` says otherwise. Another address of this machine
 * — 127.0.0.2 always exists on Linux, and stands in for a LAN address; the real LAN address is tried too when
 * the machine has one — is then the only one served, named in the printed URLs and in the certificate, so a
 * client dialling it verifies it by IP. A wildcard serves every interface.
 */
import { strict as assert } from 'node:assert';
import { request } from 'node:https';
import { connect as netConnect, createServer } from 'node:net';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import { interfaceAddresses, parseListenHost, urlHost } from '../../host-sim/cloud/listen-host.js';
import { endClient, keyLogin, mqttConnect, v1Body, decrypt, V1_SUCCESS } from './tc-client.js';

const PID = 'K7QW2ZP4XA';
const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';
const products = { products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto' }] };

function port(url: string): number {
  return Number(new URL(url).port);
}

/** 'open' when a TCP connection to address:port is accepted, else the error code. */
function tcpProbe(address: string, portNumber: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: address, port: portNumber }, () => {
      socket.destroy();
      resolve('open');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** A v1 registration at `https://<address>:<port>`, the certificate verified for that address (no SNI, IP check). */
function registerAt(cloud: RunningCloud, address: string, deviceName: string): Promise<string> {
  const body = v1Body({ productId: PID, productSecret: SECRET, deviceName });
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port: port(cloud.gateway), path: '/register/dev', method: 'POST', ca: cloud.caPem, agent: false, headers: { 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => {
        const match = V1_SUCCESS.exec(text);
        if (!match) return reject(new Error(text));
        resolve(JSON.parse(decrypt(SECRET, match[2]!, Number(match[1]))).psk);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function ipv6Loopback(): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}

describe('cloud listen address (--host)', function () {
  this.timeout(60_000);
  const clouds: RunningCloud[] = [];
  const logs: string[] = [];
  const start = async (host?: string): Promise<RunningCloud> => {
    const cloud = await startCloud({ products, plainMqttPort: 0, log: (line) => logs.push(line), ...(host === undefined ? {} : { host }) });
    clouds.push(cloud);
    return cloud;
  };
  after(async () => {
    await Promise.all(clouds.map((cloud) => cloud.close()));
  });

  it('by default every server listens on 127.0.0.1 only, and the ready line says how to serve the LAN', async () => {
    const from = logs.length;
    const cloud = await start();
    assert.equal(cloud.host, '127.0.0.1');
    assert.match(cloud.gateway, /^https:\/\/localhost:\d+$/);
    for (const url of [cloud.gateway, cloud.broker, cloud.plainBroker!]) {
      assert.equal(await tcpProbe('127.0.0.1', port(url)), 'open', url);
      // Were it listening on every interface, these would be accepted too.
      assert.equal(await tcpProbe('127.0.0.2', port(url)), 'ECONNREFUSED', url);
      for (const lan of interfaceAddresses(false)) assert.notEqual(await tcpProbe(lan, port(url)), 'open', `${url} on ${lan}`);
    }
    const ready = logs.slice(from).find((line) => line.startsWith('cloud: gateway'));
    assert.ok(ready);
    assert.match(ready, /listening on 127\.0\.0\.1 \(this machine only\); to serve a board on the LAN restart with --host \S+/);
  });

  it('--host 127.0.0.2 (standing in for a LAN address): only that address, in the URLs and in the certificate', async () => {
    const cloud = await start('127.0.0.2');
    assert.equal(cloud.host, '127.0.0.2');
    assert.match(cloud.gateway, /^https:\/\/127\.0\.0\.2:\d+$/);
    assert.match(cloud.broker, /^mqtts:\/\/127\.0\.0\.2:\d+$/);
    assert.match(cloud.plainBroker!, /^mqtt:\/\/127\.0\.0\.2:\d+$/);
    assert.equal(await tcpProbe('127.0.0.1', port(cloud.gateway)), 'ECONNREFUSED');
    const psk = await registerAt(cloud, '127.0.0.2', 'on-2');
    const login = keyLogin(PID, 'on-2', psk);
    // MQTT.js does not send SNI for an address, so Node checks the address against the certificate.
    const outcome = await mqttConnect(cloud.broker, { clientId: login.clientId, username: login.username, password: login.password, ca: cloud.caPem, servername: undefined });
    if (!outcome.ok) assert.fail(`login refused: CONNACK ${outcome.returnCode}, closed ${outcome.closed}`);
    await endClient(outcome.client);
  });

  it('--host <this machine\'s LAN address>: a board on the LAN verifies the address it dials', async function () {
    const lan = interfaceAddresses(false)[0];
    if (lan === undefined) this.skip();
    const cloud = await start(lan);
    assert.equal(cloud.gateway, `https://${lan}:${port(cloud.gateway)}`);
    await registerAt(cloud, lan!, 'on-lan');
    assert.equal(await tcpProbe('127.0.0.1', port(cloud.gateway)), 'ECONNREFUSED');
  });

  it('--host ::1: URLs in brackets, the certificate names ::1', async function () {
    if (!(await ipv6Loopback())) this.skip();
    const cloud = await start('::1');
    assert.match(cloud.gateway, /^https:\/\/\[::1\]:\d+$/);
    await registerAt(cloud, '::1', 'on-v6');
  });

  it('--host 0.0.0.0: every interface, URLs say localhost, the certificate names the interface addresses', async () => {
    const cloud = await start('0.0.0.0');
    assert.equal(cloud.host, '0.0.0.0');
    assert.match(cloud.gateway, /^https:\/\/localhost:\d+$/);
    assert.equal(await tcpProbe('127.0.0.2', port(cloud.gateway)), 'open');
    await registerAt(cloud, '127.0.0.1', 'wild-1');
    for (const lan of interfaceAddresses(false)) await registerAt(cloud, lan, `wild-${lan.replace(/\W/g, '-')}`);
  });

  it('reads --host values: addresses and localhost; host names and non-addresses are refused', () => {
    assert.equal(parseListenHost('localhost'), '127.0.0.1');
    assert.equal(parseListenHost('[::1]'), '::1');
    assert.equal(parseListenHost('192.168.1.20'), '192.168.1.20');
    assert.equal(parseListenHost('::'), '::');
    for (const bad of ['', 'example.com', '300.1.1.1', '192.168.1', 'http://1.2.3.4', '1.2.3.4:80']) {
      assert.throws(() => parseListenHost(bad), /--host must be an IP address/, bad);
    }
    assert.equal(urlHost('127.0.0.1'), 'localhost');
    assert.equal(urlHost('::'), 'localhost');
    assert.equal(urlHost('fd00::2'), '[fd00::2]');
  });

  it('startCloud refuses a host that is not an address', async () => {
    await assert.rejects(startCloud({ products, host: 'my-laptop.local' }), /--host must be an IP address/);
  });
});
