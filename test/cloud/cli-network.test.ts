/**
 * `tc-iot-device cloud` network options: `--host ADDR`, `--hostname NAME` (repeatable), `--tencent-hostnames`.
 * A child process with all three: the JSON line keeps its shape and names the address, the certificate names
 * what was asked for, and the ready line on stderr says what is served. Bad values: exit 2, one line.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { runCloudInProcess } from './run-cloud-in-process.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const PID = 'K7QW2ZP4XA';
const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';


function servedLeaf(address: string, portNumber: number, ca: string): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: address, port: portNumber, ca }, () => {
      const leaf = new X509Certificate(socket.getPeerCertificate().raw);
      socket.end();
      resolve(leaf);
    });
    socket.on('error', reject);
  });
}

describe('cloud CLI: --host, --hostname, --tencent-hostnames', function () {
  this.timeout(60_000);
  let dir: string;
  let productsPath: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cloud-cli-net-'));
    productsPath = join(dir, 'products.json');
    writeFileSync(productsPath, JSON.stringify({ products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto' }] }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the asked address under the asked names; the JSON line keeps its keys (gateway, broker, ca, console)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'host-sim/cloud/main.ts'), '--products', productsPath, '--state', join(dir, 'state.json'),
      '--host', '127.0.0.2', '--hostname', 'iot-box.example.lan', '--hostname=10.20.30.40', '--tencent-hostnames'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const check = (): void => { if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n'))); };
        child.stdout.on('data', check);
        exit.then((code) => reject(new Error(`exited ${code}: ${err}`)));
      });
      const printed = JSON.parse(line);
      assert.deepEqual(Object.keys(printed), ['gateway', 'broker', 'ca', 'console']);
      assert.match(printed.gateway, /^https:\/\/127\.0\.0\.2:\d+$/);
      assert.match(printed.broker, /^mqtts:\/\/127\.0\.0\.2:\d+$/);
      assert.match(printed.console, /^http:\/\/127\.0\.0\.2:\d+\/#token=/, 'the console listens where --host says');
      const ca = readFileSync(printed.ca, 'utf8');
      for (const url of [printed.gateway, printed.broker]) {
        const leaf = await servedLeaf('127.0.0.2', Number(new URL(url).port), ca);
        assert.equal(leaf.checkIP('127.0.0.2'), '127.0.0.2');
        assert.equal(leaf.checkIP('10.20.30.40'), '10.20.30.40');
        assert.equal(leaf.checkHost('iot-box.example.lan'), 'iot-box.example.lan');
        assert.equal(leaf.checkHost('gateway.tencentdevices.com'), 'gateway.tencentdevices.com');
        assert.ok(leaf.checkHost(`${PID}.iotcloud.tencentdevices.com`));
      }
      assert.match(err, /cloud: gateway https:\/\/127\.0\.0\.2:\d+.*listening on 127\.0\.0\.2.*the certificate also names iot-box\.example\.lan, 10\.20\.30\.40, Tencent's device endpoints of every region/);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exit, 0, err);
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['a host name for --host', ['--host', 'my-laptop.local'], /--host must be an IP address/],
    ['--host without a value', ['--host'], /--host needs a value/],
    ['--host given twice', ['--host', '127.0.0.1', '--host', '0.0.0.0'], /--host given twice/],
    ['a --hostname that is not a DNS name', ['--hostname', 'bad_name.lan'], /--hostname "bad_name\.lan" is not a DNS name/],
    ['--hostname without a value', ['--hostname', '--tencent-hostnames'], /--hostname needs a value/],
    ['a value for the --tencent-hostnames switch', ['--tencent-hostnames=yes'], /--tencent-hostnames takes no value/],
  ];
  for (const [what, args, message] of bad) {
    it(`${what}: exit 2, one line on stderr, nothing on stdout`, async () => {
      const r = await runCloudInProcess(['--products', productsPath, ...args]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, message);
    });
  }

  it('an address that is not this machine\'s: exit 1 with one clear line', async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737); .254 is not assigned to this machine.
    const r = await runCloudInProcess(['--products', productsPath, '--host', '192.0.2.254']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /cannot start: --host 192\.0\.2\.254 is not an address of this machine/);
  });

  it('--help names the new options', async () => {
    const r = await runCloudInProcess(['--help']);
    assert.match(r.stdout, /\[--host ADDR\] \[--hostname NAME\]\.\.\. \[--tencent-hostnames\]/);
  });
});
