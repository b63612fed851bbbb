/**
 * `tc-iot-device cloud …` is dispatched to the local cloud's own command: started as a child process, it
 * prints its one JSON line, and register + connect (also child processes) work against it with its CA.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, cSdkDeviceInfo, KEY_PRODUCT, ROOT, runCli, uniqueName, writeDeviceFile } from './helpers.js';

describe('tc-iot-device cloud (dispatch) with register and connect against it', function () {
  this.timeout(60000);
  let child: ChildProcess | undefined;
  let folder = '';

  before(async () => {
    assertBuilt();
    folder = await mkdtemp(join(tmpdir(), 'tc-iot-cloud-dispatch-'));
  });
  after(async () => {
    if (child !== undefined && child.exitCode === null) child.kill('SIGTERM');
    if (folder !== '') await rm(folder, { recursive: true, force: true });
  });

  it('starts, prints {gateway, broker, ca}, and serves the CLI', async () => {
    const products = join(folder, 'products.json');
    await writeFile(products, JSON.stringify({ products: [KEY_PRODUCT] }));
    const started = spawn(process.execPath, [join(ROOT, 'bin', 'tc-iot-device.js'), 'cloud', '--products', products], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const ready = await new Promise<{ gateway: string; broker: string; ca: string }>((resolve, reject) => {
      let text = '';
      started.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const newline = text.indexOf('\n');
        if (newline >= 0) resolve(JSON.parse(text.slice(0, newline)));
      });
      started.once('exit', (code) => reject(new Error(`cloud exited with ${code}`)));
    });
    assert.match(ready.gateway, /^https:\/\/localhost:\d+$/);
    assert.match(ready.broker, /^mqtts:\/\/localhost:\d+$/);
    const file = await writeDeviceFile(folder, cSdkDeviceInfo(KEY_PRODUCT, uniqueName('via-cloud-cli')));
    const register = await runCli(['register', '-c', file, '--gateway', ready.gateway, '--ca', ready.ca]);
    assert.equal(register.code, 0, register.stderr);
    const connect = await runCli(['connect', '-c', file, '--broker', ready.broker, '--ca', ready.ca]);
    assert.equal(connect.code, 0, connect.stderr);
    const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
    started.kill('SIGTERM');
    assert.equal(await exited, 0, 'the cloud shuts down cleanly on SIGTERM');
  });
});
