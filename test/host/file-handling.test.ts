/**
 * Every file the CLI touches: only regular files are read (capped) or replaced; writes are atomic, 0600,
 * and leave no temp file behind on any failure path — including SIGINT in the middle of a write (a child
 * process is killed while it writes); a symlinked device-info file follows the documented rule.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../hal/node/atomic-file.js';
import { DeviceInfoFileStorage } from '../../hal/node/device-info-storage.js';
import { readRegularFile } from '../../hal/node/regular-file.js';
import { writeNewDeviceInfo } from '../../host-sim/device-info-file.js';
import { loadProductsFile } from '../../host-sim/cloud/index.js';
import { parseProducts } from '../../host-sim/cloud/products.js';
import { Registry } from '../../host-sim/cloud/registry.js';
import { ROOT } from './helpers.js';

const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';
const DEVICE_SECRET = 'zDUa5wy4XFn2EbJ8Zwj/og==';
const TEMPLATE = `${JSON.stringify({ auth_mode: 'KEY', productId: 'K7QW2ZP4XA', productSecret: SECRET, deviceName: 'files-1', key_deviceinfo: { deviceSecret: 'YOUR_IOT_PSK' } }, null, 4)}\n`;
const KEY_CREDENTIAL = { productId: 'K7QW2ZP4XA', deviceName: 'files-1', credential: { kind: 'key' as const, deviceSecret: DEVICE_SECRET } };

async function tempFiles(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((name) => name.endsWith('.tmp'));
}

describe('file handling', function () {
  this.timeout(60_000);
  let dir = '';
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'tc-iot-files-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  describe('reading: regular files only, with a cap', () => {
    it('a FIFO, a directory and a device node are refused at once (ENOTREG), without blocking', async () => {
      const fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      for (const [path, kind] of [[fifo, 'a FIFO'], [dir, 'a directory'], ['/dev/zero', 'a character device'], ['/dev/null', 'a character device']] as const) {
        await assert.rejects(readRegularFile(path, 1024), (error: Error & { code?: string }) => error.code === 'ENOTREG' && error.message === `it is ${kind}, not a regular file`);
      }
    });

    it('a file over the cap is refused (EFBIG); at the cap it is read whole', async () => {
      const path = join(dir, 'f');
      await writeFile(path, 'x'.repeat(100));
      assert.equal(await readRegularFile(path, 100), 'x'.repeat(100));
      await assert.rejects(readRegularFile(path, 99), (error: Error & { code?: string }) => error.code === 'EFBIG');
    });

    it('the storage reports a FIFO device-info file as a storage error naming it, and never hangs', async () => {
      const fifo = join(dir, 'device_info.json');
      execFileSync('mkfifo', [fifo]);
      await assert.rejects(new DeviceInfoFileStorage(fifo).load(), /cannot read the device-info file .* \(it is a FIFO, not a regular file\)/);
    });
  });

  it('the local cloud: a products file or a state file that is a FIFO or a device is refused at once', async () => {
    const fifo = join(dir, 'products.json');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(loadProductsFile(fifo), /products file .* cannot be read \(it is a FIFO, not a regular file\)/);
    await assert.rejects(loadProductsFile('/dev/zero'), /it is a character device, not a regular file/);
    const products = parseProducts({ products: [{ productId: 'K7QW2ZP4XA', productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto' }] });
    await assert.rejects(Registry.open(products, fifo), /state file cannot be read \(it is a FIFO, not a regular file\)/);
  });

  describe('writing: atomic, 0600, regular files only, no temp file left', () => {
    it('writes with mode 0600 even under a permissive umask, and leaves no temp file', async () => {
      const path = join(dir, 'out.json');
      const umask = process.umask(0);
      try {
        await writeFileAtomic(path, 'data', 0o600);
      } finally {
        process.umask(umask);
      }
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      assert.deepEqual(await tempFiles(dir), []);
    });

    it('refuses to replace a directory, a FIFO or a symbolic link, writing nothing', async () => {
      const fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const sub = join(dir, 'sub');
      await mkdir(sub);
      const link = join(dir, 'link');
      await writeFile(join(dir, 'target'), 'old');
      await symlink(join(dir, 'target'), link);
      for (const path of [fifo, sub, link]) {
        await assert.rejects(writeFileAtomic(path, 'new', 0o600), (error: Error & { code?: string }) => error.code === 'ENOTREG');
      }
      assert.equal(await readFile(join(dir, 'target'), 'utf8'), 'old');
      assert.deepEqual(await tempFiles(dir), []);
    });

    it('a failure after the temp file exists (the rename fails) removes the temp file', async () => {
      // The target turns into a directory while the data is written: the rename fails.
      const path = join(dir, 'victim');
      const pending = writeFileAtomic(path, Buffer.alloc(8 * 1024 * 1024, 1), 0o600);
      await mkdir(path);
      await assert.rejects(pending);
      assert.deepEqual(await tempFiles(dir), []);
    });

    it('removes temp files a SIGKILL left behind (older than a minute) at the next write, and no others', async () => {
      const stale = join(dir, '.out.json.0123456789ab.tmp');
      const fresh = join(dir, '.out.json.ba9876543210.tmp');
      const other = join(dir, '.other.json.0123456789ab.tmp');
      for (const path of [stale, fresh, other]) await writeFile(path, 'x');
      const old = new Date(Date.now() - 5 * 60_000);
      const { utimes } = await import('node:fs/promises');
      await utimes(stale, old, old);
      await utimes(other, old, old);
      await writeFileAtomic(join(dir, 'out.json'), 'data', 0o600);
      assert.deepEqual((await tempFiles(dir)).sort(), ['.other.json.0123456789ab.tmp', '.out.json.ba9876543210.tmp']);
    });

    it('SIGINT while a child process writes: no temp file is left, the file is old or new, never partial', async () => {
      const target = join(dir, 'device_info.json');
      const oldText = 'old\n'.repeat(1000);
      await writeFile(target, oldText);
      const newText = 'new\n'.repeat(4 * 1024 * 1024);
      const script = `
        import { writeFileAtomic } from ${JSON.stringify(join(ROOT, 'hal/node/atomic-file.ts'))};
        const text = 'new\\n'.repeat(4 * 1024 * 1024);
        process.stdout.write('ready\\n');
        for (let i = 0; i < 1000; i++) await writeFileAtomic(${JSON.stringify(target)}, text, 0o600);
      `;
      let interruptedMidWrite = 0;
      for (let round = 0; round < 4; round++) {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        // Wait until a temp file exists, so the signal lands in the middle of a write.
        for (let i = 0; i < 500 && (await tempFiles(dir)).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 2));
        if ((await tempFiles(dir)).length > 0) interruptedMidWrite += 1;
        const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
        child.kill('SIGINT');
        assert.equal(await exited, 'SIGINT', 'the child ends by the signal, as without our handler');
        assert.deepEqual(await tempFiles(dir), [], `round ${round}: no temp file left`);
        const text = await readFile(target, 'utf8');
        assert.ok(text === oldText || text === newText, `round ${round}: the file is the old or the new one (${text.length} bytes)`);
      }
      assert.ok(interruptedMidWrite >= 1, 'at least one signal arrived while a temp file existed');
    });
  });

  describe('the device-info file', () => {
    it('a symlinked device-info file: the target is updated, the link stays a link, certs/ beside the target', async () => {
      const real = join(dir, 'real');
      await mkdir(real);
      await writeFile(join(real, 'device_info.json'), TEMPLATE, { mode: 0o644 });
      const link = join(dir, 'device_info.json');
      await symlink(join(real, 'device_info.json'), link);
      const storage = new DeviceInfoFileStorage(link);
      await storage.save(KEY_CREDENTIAL);
      assert.ok((await lstat(link)).isSymbolicLink(), 'the link is still a link');
      assert.equal(await readlink(link), join(real, 'device_info.json'));
      assert.equal(JSON.parse(await readFile(join(real, 'device_info.json'), 'utf8')).key_deviceinfo.deviceSecret, DEVICE_SECRET);
      assert.equal((await stat(join(real, 'device_info.json'))).mode & 0o777, 0o600);
      assert.deepEqual(await storage.load(), KEY_CREDENTIAL);
      assert.deepEqual(await tempFiles(real), []);
      assert.deepEqual(await tempFiles(dir), []);
    });

    it('a save that fails (the file is not a regular file any more) writes nothing and leaves no temp file', async () => {
      const path = join(dir, 'device_info.json');
      await writeFile(path, TEMPLATE);
      const storage = new DeviceInfoFileStorage(path);
      await rm(path);
      execFileSync('mkfifo', [path]);
      await assert.rejects(storage.save(KEY_CREDENTIAL), /FIFO/);
      assert.deepEqual(await tempFiles(dir), []);
    });

    it('a new device-info file (demo, fleet) is written atomically with 0600 and never over an existing one', async () => {
      const path = join(dir, 'new.json');
      await writeNewDeviceInfo(path, { authMode: 'KEY', productId: 'K7QW2ZP4XA', productSecret: SECRET, deviceName: 'n' });
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      await assert.rejects(writeNewDeviceInfo(path, { authMode: 'KEY', productId: 'K7QW2ZP4XA', productSecret: SECRET, deviceName: 'n' }), (error: Error & { code?: string }) => error.code === 'EEXIST');
      assert.deepEqual(await tempFiles(dir), []);
    });
  });
});
