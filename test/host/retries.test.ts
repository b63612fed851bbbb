/**
 * Retries as the CLI drives them (the core's runner, through the Node HAL): 5xx answers are retried up to
 * --max-attempts, refusals are sent once. A fake HTTPS gateway (certificate from openssl) counts requests.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, cSdkDeviceInfo, KEY_PRODUCT, runCli, writeDeviceFile } from './helpers.js';

describe('tc-iot-device register: retries', function () {
  this.timeout(60000);
  let folder = '';
  let caFile = '';
  let key = '';
  let cert = '';

  before(async () => {
    assertBuilt();
    folder = await mkdtemp(join(tmpdir(), 'tc-iot-retries-'));
    const openssl = (...args: string[]): void => { execFileSync('openssl', args, { cwd: folder, stdio: 'pipe' }); };
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=retry test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    await writeFile(join(folder, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
    caFile = join(folder, 'ca.pem');
    key = await readFile(join(folder, 'server.key'), 'utf8');
    cert = await readFile(join(folder, 'server.pem'), 'utf8');
  });
  after(async () => { if (folder !== '') await rm(folder, { recursive: true, force: true }); });

  async function fakeGateway(status: number, body: string): Promise<{ server: Server; url: string; requests: string[] }> {
    const requests: string[] = [];
    const server = createServer({ key, cert }, (request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
      request.on('end', () => {
        requests.push(`${request.method} ${request.url} ${text}`);
        response.writeHead(status, { 'Content-Type': 'application/json' });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, url: `https://localhost:${(server.address() as AddressInfo).port}`, requests };
  }

  it('a 503 answer is retried until --max-attempts, then exit 5', async () => {
    const gateway = await fakeGateway(503, '{"code":1500,"message":"busy"}');
    try {
      const file = await writeDeviceFile(folder, cSdkDeviceInfo(KEY_PRODUCT, 'retry-503'));
      const run = await runCli(['register', '-c', file, '--gateway', gateway.url, '--ca', caFile, '--max-attempts', '3']);
      assert.equal(run.code, 5, run.stderr);
      assert.equal(gateway.requests.length, 3);
      for (const request of gateway.requests) assert.match(request, /^POST \/register\/dev \{"deviceName":"retry-503","nonce":\d+,"productId":"K7QW2ZP4XA","timestamp":\d+,"signature":"[A-Za-z0-9+/]{54}=="\}$/);
      const nonces = new Set(gateway.requests.map((request) => /"nonce":(\d+)/.exec(request)![1]));
      assert.equal(nonces.size, 3, 'each attempt is signed afresh');
    } finally {
      gateway.server.close();
    }
  });

  it('a refusal is sent once, never retried (exit 4, the server words verbatim)', async () => {
    const gateway = await fakeGateway(200, '{"code":1010,"message":"Check signature failed","requestId":"req-42"}');
    try {
      const file = await writeDeviceFile(folder, cSdkDeviceInfo(KEY_PRODUCT, 'no-retry'));
      const run = await runCli(['register', '-c', file, '--gateway', gateway.url, '--ca', caFile, '--max-attempts', '5', '--json']);
      assert.equal(run.code, 4, run.stdout);
      assert.equal(gateway.requests.length, 1);
      const result = JSON.parse(run.stdout);
      assert.deepEqual([result.error.code, result.error.serverCode, result.error.serverMessage, result.error.requestId], ['refused', 1010, 'Check signature failed', 'req-42']);
    } finally {
      gateway.server.close();
    }
  });
});
