/**
 * The console from the command line: `tc-iot-device cloud --console-port/--console-token/--console-host`
 * and the "console" key of its ready line; `tc-iot-device demo` (npm start) printing the console's
 * address, exiting at once without a terminal, and at a terminal keeping the cloud up with the demo
 * device online until Enter. Child processes of the built CLI (npm test builds first).
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCloudCommand } from '../../host-sim/cloud/cli.js';
import { ConsoleClient } from './console-client.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'tc-iot-device.js');
const PRODUCT = { productId: 'CL1PR0DUCT', productSecret: 'Wm4Qx7Lt2Vn9Rp5Zc3Hb8Kd6', authMode: 'KEY', dynamicRegistration: 'auto', devices: [] };
const TOKEN = 'test-token.0123456789_abc~';

interface Child { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> }

function start(command: string, args: string[], stdin: 'ignore' | 'pipe' = 'ignore'): Child {
  const child = spawn(command, args, { cwd: ROOT, stdio: [stdin, 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  const exit = new Promise<number | null>((resolveExit) => child.on('close', (code) => resolveExit(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Resolves with stdout once `pattern` matches it; rejects if the process ends first. */
function waitForOutput(run: Child, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolveMatch, reject) => {
    const check = (): void => {
      const match = pattern.exec(run.stdout());
      if (match) {
        run.child.stdout!.off('data', check);
        resolveMatch(match);
      }
    };
    run.child.stdout!.on('data', check);
    check();
    run.exit.then((code) => reject(new Error(`exited ${code} first; stdout: ${run.stdout()} stderr: ${run.stderr()}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function inProcess(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += chunk.toString(); return true; }) as typeof process.stderr.write;
  try {
    return { code: await runCloudCommand(argv), stderr };
  } finally {
    process.stderr.write = write;
  }
}

describe('console from the command line and the demo', function () {
  this.timeout(90_000);
  let folder: string;
  let productsPath: string;
  before(async () => {
    if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
    folder = await mkdtemp(join(tmpdir(), 'console-cli-test-'));
    productsPath = join(folder, 'products.json');
    await writeFile(productsPath, JSON.stringify({ products: [PRODUCT] }));
  });
  after(async () => rm(folder, { recursive: true, force: true }));

  it('cloud --console-port N --console-token T: the ready line\'s console is that address with that token, and it works', async () => {
    const port = await freePort();
    const run = start(process.execPath, [BIN, 'cloud', '--products', productsPath, '--console-port', String(port), `--console-token=${TOKEN}`, '--console-host', '127.0.0.1']);
    try {
      const [line] = await waitForOutput(run, /^.*\n/);
      const printed = JSON.parse(line);
      assert.deepEqual(Object.keys(printed), ['gateway', 'broker', 'ca', 'console']);
      assert.equal(printed.console, `http://127.0.0.1:${port}/#token=${TOKEN}`);
      const api = new ConsoleClient({ console: `http://127.0.0.1:${port}/`, consoleToken: TOKEN });
      assert.equal((await api.call('PATCH', `/api/products/${PRODUCT.productId}`, { body: { dynamicRegistration: false } })).status, 401);
      const changed = await api.authed('PATCH', `/api/products/${PRODUCT.productId}`, { dynamicRegistration: false });
      assert.equal(changed.status, 200);
    } finally {
      run.child.kill('SIGTERM');
    }
    assert.equal(await run.exit, 0, run.stderr());
    assert.match(run.stderr(), /console http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(run.stderr(), /console: PATCH \/api\/products\/CL1PR0DUCT from 127\.0\.0\.1 refused \(401/);
    assert.match(run.stderr(), /console: product CL1PR0DUCT: dynamic registration off/);
    assert.ok(!run.stderr().includes(TOKEN) && !run.stderr().includes(PRODUCT.productSecret), 'neither the token nor a secret on stderr');
  });

  it('refuses a bad console flag with exit 2 and one line naming it', async () => {
    for (const [args, message] of [
      [['--console-token', 'short'], /--console-token must be 16 to 128 characters/],
      [['--console-token', 'has space in it 0123456789'], /--console-token must be/],
      [['--console-port', '70000'], /--console-port must be a port number/],
      [['--console-host', 'a b'], /--console-host must be a host name or an IP address/],
      [['--console-port'], /--console-port needs a value/],
    ] as const) {
      const run = await inProcess(['--products', productsPath, ...args]);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1);
    }
  });

  it('demo (no terminal): prints the console address in its first step and exits 0 at once', async () => {
    const run = start(process.execPath, [BIN, 'demo']);
    assert.equal(await run.exit, 0, run.stderr());
    assert.match(run.stdout(), /^ 1\. started the local cloud: .*, console http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{32} \(\d+ ms\)$/m);
    assert.doesNotMatch(run.stdout(), /Press Enter/);
    assert.match(run.stdout(), /^ 8\. disconnected, stopped the cloud/m);
  });

  it('demo at a terminal: the cloud stays up with the device online in the console until Enter', async function () {
    const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
    if (script.error) {
      // eslint-disable-next-line no-console -- the reason must reach whoever runs the tests
      console.log('      skipped: `script` (util-linux) is not installed, so no terminal can be simulated');
      this.skip();
    }
    // `script` runs the demo on a pseudo-terminal: stdin and stdout are terminals, as for `npm start`.
    const run = start('script', ['-qec', `${process.execPath} ${BIN} demo`, '/dev/null'], 'pipe');
    try {
      const [, url] = await waitForOutput(run, /open (http:\/\/127\.0\.0\.1:\d+\/#token=\S+) to see it\. Press Enter or Ctrl-C to stop\./);
      const address = new URL(url!);
      const api = new ConsoleClient({ console: `${address.origin}/`, consoleToken: address.hash.slice('#token='.length) });
      const devices = (await api.get('/api/devices')).json.devices;
      assert.equal(devices.length, 1);
      assert.match(devices[0].deviceName, /^demo-/);
      assert.deepEqual([devices[0].state, devices[0].registrations], ['online', 1]);
      const messages = (await api.get(`/api/products/${devices[0].productId}/devices/${devices[0].deviceName}/messages`)).json.messages;
      assert.match(messages[0].payload, /^\{"hello":"from tc-iot-device"/);
      assert.equal((await api.get('/')).status, 200);
      run.child.stdin!.write('\n');
    } finally {
      setTimeout(() => run.child.kill('SIGTERM'), 20_000).unref();
    }
    assert.equal(await run.exit, 0, run.stdout());
    assert.match(run.stdout(), / 8\. disconnected, stopped the cloud, removed the temp folder/);
  });
});
