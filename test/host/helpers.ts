/**
 * Shared by the end-to-end tests: run the BUILT CLI (bin/tc-iot-device.js → dist/cli.js) as a child process,
 * start the local cloud in-process, and write device-info files into a temp folder.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'tc-iot-device.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
}

/** Runs `node bin/tc-iot-device.js …args` and resolves with its exit code and output (never rejects on exit ≠ 0). */
export function runCli(args: string[], options: { nodeOptions?: string[]; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolveRun) => {
    execFile(process.execPath, [...(options.nodeOptions ?? []), BIN, ...args], { cwd: options.cwd ?? ROOT, timeout: 60000, env: { ...process.env, NODE_OPTIONS: '' } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1;
      resolveRun({ code, stdout, stderr });
    });
  });
}

export interface TestProduct {
  productId: string;
  productSecret: string;
  authMode: 'KEY' | 'CERT';
  dynamicRegistration: 'off' | 'precreated' | 'auto';
  devices: string[];
}

export const KEY_PRODUCT: TestProduct = { productId: 'K7QW2ZP4XA', productSecret: 'mR4tQ8zLw2Vn6YpC1sHb9dKf', authMode: 'KEY', dynamicRegistration: 'auto', devices: [] };
export const CERT_PRODUCT: TestProduct = { productId: 'C3RTPR0D01', productSecret: 'Zx9Pq2Lm7Nw4Rt6Yv8Bc1Dk3', authMode: 'CERT', dynamicRegistration: 'auto', devices: [] };
export const PRECREATED_PRODUCT: TestProduct = { productId: 'PRE0CREATE', productSecret: 'Hq3Wm8Zt5Lp1Vx7Nc4Rb9Jd', authMode: 'KEY', dynamicRegistration: 'precreated', devices: ['listed-1'] };

export interface TestCloud {
  cloud: RunningCloud;
  caFile: string;
  folder: string;
  close(): Promise<void>;
}

export async function startTestCloud(products: TestProduct[] = [KEY_PRODUCT, CERT_PRODUCT, PRECREATED_PRODUCT], plain = false): Promise<TestCloud> {
  const folder = await mkdtemp(join(tmpdir(), 'tc-iot-host-test-'));
  const cloud = await startCloud({ products: { products }, ...(plain ? { plainMqttPort: 0 } : {}) });
  return {
    cloud,
    caFile: cloud.ca,
    folder,
    async close() {
      await cloud.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

let fileCounter = 0;

/** Writes a device-info file (an object is serialised with 4-space indent, like the C SDK's samples). */
export async function writeDeviceFile(folder: string, content: string | Record<string, unknown>): Promise<string> {
  fileCounter += 1;
  const dir = await mkdtemp(join(folder, `device-${fileCounter}-`));
  const file = join(dir, 'device_info.json');
  await writeFile(file, typeof content === 'string' ? content : `${JSON.stringify(content, null, 4)}\n`);
  return file;
}

/** The C SDK's dynreg_device_info.json shape, placeholders included. */
export function cSdkDeviceInfo(product: TestProduct, deviceName: string): Record<string, unknown> {
  return {
    auth_mode: product.authMode,
    productId: product.productId,
    productSecret: product.productSecret,
    deviceName,
    region: 'china',
    key_deviceinfo: { deviceSecret: 'YOUR_IOT_PSK' },
    cert_deviceinfo: { devCertFile: 'YOUR_DEVICE_CERT_FILE_NAME', devPrivateKeyFile: 'YOUR_DEVICE_PRIVATE_KEY_FILE_NAME' },
  };
}

export async function readJson(file: string): Promise<Record<string, unknown> & { key_deviceinfo?: { deviceSecret?: string }; cert_deviceinfo?: { devCertFile?: string; devPrivateKeyFile?: string } }> {
  return JSON.parse(await readFile(file, 'utf8'));
}

let nameCounter = 0;
/** A device name not used before in this test process. */
export function uniqueName(prefix: string): string {
  nameCounter += 1;
  return `${prefix}-${process.pid}-${nameCounter}`;
}

/**
 * Runs the BUILT CLI's main() in this process with captured output: the same code as the child process,
 * without a second Node start (about a second on a busy machine). For commands that need no cloud.
 */
export async function runCliInProcess(args: string[]): Promise<CliRun> {
  const modulePath: string = join(ROOT, 'dist', 'cli.js');
  const cli = await import(modulePath) as { main(argv: string[], io: { stdout(t: string): void; stderr(t: string): void; stderrIsTTY: boolean }): Promise<number> };
  let stdout = '';
  let stderr = '';
  const code = await cli.main(args, { stdout: (text) => { stdout += text; }, stderr: (text) => { stderr += text; }, stderrIsTTY: false });
  return { code, stdout, stderr };
}

/** Exactly one line on stderr, nothing on stdout: how every CLI failure must look. */
export function oneLine(run: CliRun): string {
  assert.equal(run.stdout, '', `nothing on stdout, got: ${run.stdout}`);
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  return lines[0]!;
}

/** A port on which nothing listens (bound, then released). */
export { freePort as closedPort } from '../support/free-port.js';
