/**
 * `tc-iot-device cloud` as a child process: exactly one JSON line on stdout, a CA file that verifies the
 * gateway and the broker, human-readable events on stderr, SIGTERM → exit 0; bad input → exit 2 and one
 * line on stderr, no stack trace.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectKey, endClient, registerV1 } from './tc-client.js';
import { runCloudInProcess } from './run-cloud-in-process.js';


const ROOT = new URL('../../', import.meta.url).pathname;
const PID = 'K7QW2ZP4XA';
const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';

interface Run { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> }

function run(command: string[], cwd = ROOT): Run {
  const child = spawn(process.execPath, command, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

function firstLine(r: Run): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const nl = r.stdout().indexOf('\n');
      if (nl >= 0) {
        r.child.stdout!.off('data', check);
        resolve(r.stdout().slice(0, nl));
      }
    };
    r.child.stdout!.on('data', check);
    r.exit.then((code) => reject(new Error(`exited ${code} before printing; stderr: ${r.stderr()}`)));
  });
}

const viaSource = (args: string[]): string[] => ['--import', 'tsx', join(ROOT, 'host-sim/cloud/main.ts'), ...args];
const viaBin = (args: string[]): string[] => [join(ROOT, 'bin/tc-iot-device.js'), 'cloud', ...args];

describe('cloud CLI', function () {
  this.timeout(60_000);
  let dir: string;
  let productsPath: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cloud-cli-test-'));
    productsPath = join(dir, 'products.json');
    writeFileSync(productsPath, JSON.stringify({ products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto', registerLimit: 1000, devices: ['sensor-0001'] }] }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const entries: Array<[string, (args: string[]) => string[]]> = [['node --import tsx host-sim/cloud/main.ts', viaSource], ['node bin/tc-iot-device.js cloud (after npm run build)', viaBin]];
  for (const [label, argsFor] of entries) {
    it(`${label}: one JSON line, a CA that verifies gateway and broker, SIGTERM → exit 0`, async function () {
      const statePath = join(dir, `state-${argsFor === viaBin ? 'bin' : 'src'}.json`);
      const r = run(argsFor(['--products', productsPath, '--state', statePath, '--port', '0', '--mqtt-port=0']));
      try {
        const line = await firstLine(r);
        const printed = JSON.parse(line);
        assert.deepEqual(Object.keys(printed), ['gateway', 'broker', 'ca', 'console']);
        assert.match(printed.console, /^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9._~-]{16,128}$/);
        // The console page and its API answer (from the sources, and from dist/console/ after the build).
        const page = await fetch(printed.console);
        assert.equal(page.status, 200);
        assert.match(await page.text(), /<script src="console\.js"/);
        assert.equal((await fetch(new URL('/console.js', printed.console))).status, 200);
        assert.equal(((await (await fetch(new URL('/api/openapi.json', printed.console))).json()) as { openapi: string }).openapi, '3.0.3');
        assert.match(printed.gateway, /^https:\/\/localhost:\d+$/);
        assert.match(printed.broker, /^mqtts:\/\/localhost:\d+$/);
        assert.equal(printed.ca, join(dir, 'ca.pem'));
        const caPem = readFileSync(printed.ca, 'utf8');
        const cloud = { ...printed, caPem };
        const { psk } = await registerV1(cloud, { productId: PID, productSecret: SECRET, deviceName: 'cli-1' });
        const login = await connectKey(cloud, PID, 'cli-1', psk);
        assert.ok(login.ok);
        await endClient(login.client);
      } finally {
        r.child.kill('SIGTERM');
      }
      assert.equal(await r.exit, 0, r.stderr());
      assert.equal(r.stdout().split('\n').filter(Boolean).length, 1, 'exactly one line on stdout');
      assert.match(r.stderr(), /register v1 K7QW2ZP4XA\/cli-1: ok/);
      assert.match(r.stderr(), /mqtt login K7QW2ZP4XAcli-1: ok/);
      assert.match(r.stderr(), /SIGTERM, shutting down/);
      assert.ok(!r.stderr().includes(SECRET) && !r.stderr().includes('psk'), 'no secret on stderr');
    });
  }

  it('SIGINT also shuts down cleanly', async () => {
    const r = run(viaSource(['--products', productsPath]));
    await firstLine(r);
    r.child.kill('SIGINT');
    assert.equal(await r.exit, 0);
  });

  // Two through a real child process (exit code, stderr, no stack trace), the rest in-process.
  const badInChild: Array<[string, () => string[], RegExp]> = [
    ['no --products', () => [], /--products FILE is required/],
    ['a malformed products file', () => { const p = join(dir, 'bad.json'); writeFileSync(p, JSON.stringify({ products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'sometimes' }] })); return ['--products', p]; }, /products\[0\]\.dynamicRegistration/],
  ];
  for (const [what, args, message] of badInChild) {
    it(`${what}: exit 2, one line on stderr, nothing on stdout, no stack trace (child process)`, async () => {
      const r = run(viaSource(args()));
      assert.equal(await r.exit, 2);
      assert.equal(r.stdout(), '');
      const lines = r.stderr().split('\n').filter(Boolean);
      assert.equal(lines.length, 1, r.stderr());
      assert.match(lines[0]!, message);
      assert.doesNotMatch(r.stderr(), /\n\s+at /);
    });
  }

  const bad: Array<[string, () => string[], RegExp]> = [
    ['an unknown flag', () => ['--products', productsPath, '--verbose'], /unknown argument/],
    ['a flag given twice', () => ['--products', productsPath, '--products', productsPath], /--products given twice/],
    ['a flag without its value', () => ['--products'], /--products needs a value/],
    ['a flag followed by another flag', () => ['--state', '--products', productsPath], /--state needs a value/],
    ['a bad port', () => ['--products', productsPath, '--port', '70000'], /--port must be a port number/],
    ['a bad mqtt port', () => ['--products', productsPath, '--mqtt-port=-1'], /--mqtt-port must be a port number/],
    ['a bad plain port', () => ['--products', productsPath, '--plain-mqtt-port', 'x'], /--plain-mqtt-port must be a port number/],
    ['a bad clock skew', () => ['--products', productsPath, '--max-clock-skew', 'ten'], /--max-clock-skew must be a whole number/],
    ['a missing products file', () => ['--products', join(dir, 'nope.json')], /products file \/.*nope\.json cannot be read \(ENOENT\)/],
    ['a corrupt state file', () => { const p = join(dir, 'corrupt-state.json'); writeFileSync(p, '{oops'); return ['--products', productsPath, '--state', p]; }, /state file is not valid JSON/],
  ];
  for (const [what, args, message] of bad) {
    it(`${what}: exit 2, one line on stderr, nothing on stdout`, async () => {
      const r = await runCloudInProcess(args());
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, message);
    });
  }

  it('a port already in use: exit 1 with one clear line', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCloudInProcess(['--products', productsPath, '--port', String(port)]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot start: a port is already in use/);
      assert.equal(r.stdout, '');
    } finally {
      blocker.close();
    }
  });

  it('--help prints the usage on stdout and exits 0', async () => {
    const r = await runCloudInProcess(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^usage: tc-iot-device cloud --products FILE/);
  });
});
