/**
 * Tencent's C SDK (qcloud-iot-explorer-sdk-embedded-c at 810ac68), built for the interop suite in a cache
 * OUTSIDE the repository: `${XDG_CACHE_HOME:-~/.cache}/tc-iot-device/c-sdk-<sha256 prefix>/`.
 *
 * - The vendored tarball's sha256 is checked on every run; the extraction is pristine and never edited.
 * - A fixed test CA is made once in the cache by the local cloud's own PKI code (`ca/`); every run's cloud
 *   loads it from a copy, so the C SDK can have it compiled in and the build stays cached.
 * - Each auth mode gets its own copy of the source (the SDK's CMake writes into its source tree), patched in
 *   exactly three places: `-Werror` dropped (GCC 12 warns in mbedTLS), the "Tencent Iothub" CA string in
 *   sdk_src/utils/qcloud_iot_ca.c replaced with the test CA, and FEATURE_AUTH_MODE set to KEY or CERT.
 *   The host names stay Tencent's: the samples run in a network namespace whose /etc/hosts maps them.
 * - A build directory is complete only when renamed into place, so an interrupted run leaves no half build;
 *   a lock file keeps two runs sharing the cache from preparing it at the same time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudPki } from '../../host-sim/cloud/pki.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TARBALL_NAME = 'qcloud-iot-explorer-sdk-embedded-c-810ac68.tar.xz';
/** From the vendor README (../shared/vendor/README.md). */
export const TARBALL_SHA256 = 'f11af70c43e8385cd2ff1d7546cec82cb708d4363a567a929b0a6677bd392330';
const TOP_FOLDER = 'qcloud-iot-explorer-sdk-embedded-c';
/** Bumped whenever the patches below change, so an old cached build is not reused. */
const PATCH_VERSION = 1;
/** Every external command is bounded. */
const COMMAND_TIMEOUT_MS = 10 * 60_000;

export type AuthMode = 'KEY' | 'CERT';

export interface SdkBuild {
  mode: AuthMode;
  dynregSample: string;
  mqttSample: string;
}

export interface PreparedSdk {
  /** Folder with ca.pem, ca-key.pem, device-ca.pem, device-ca-key.pem: copy it next to a cloud state file. */
  caDir: string;
  builds: Record<AuthMode, SdkBuild>;
  /** What this run did: reused the cache, or extracted/built (and how long it took). */
  report: string[];
}

export function tarballPath(): string {
  return process.env.TC_IOT_C_SDK_TARBALL ?? resolve(REPO_ROOT, '..', 'shared', 'vendor', TARBALL_NAME);
}

export function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME !== undefined && process.env.XDG_CACHE_HOME !== '' ? process.env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'tc-iot-device', `c-sdk-${TARBALL_SHA256.slice(0, 16)}`);
}

/** The tools the suite needs, with the Debian packages that provide them. */
const TOOLS: ReadonlyArray<[command: string, args: string[], debianPackage: string]> = [
  ['cmake', ['--version'], 'cmake'],
  ['make', ['--version'], 'make'],
  ['cc', ['--version'], 'gcc (build-essential)'],
  ['tar', ['--version'], 'tar'],
  ['xz', ['--version'], 'xz-utils'],
  ['unshare', ['--version'], 'util-linux'],
  ['ip', ['-V'], 'iproute2'],
];

/** Names every missing tool and its package; empty when all are there. */
export function missingTools(): string[] {
  const missing: string[] = [];
  for (const [command, args, debianPackage] of TOOLS) {
    const result = spawnSync(command, args, { stdio: 'ignore', timeout: 30_000 });
    if (result.error !== undefined || result.status !== 0) missing.push(`${command} (apt-get install -y ${debianPackage})`);
  }
  return missing;
}

function run(command: string, args: string[], cwd: string, logFile: string): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    child.on('error', (error) => { clearTimeout(timer); reject(new Error(`${command} could not start: ${error.message}`)); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const text = Buffer.concat(output).toString('utf8');
      void writeFile(logFile, text).finally(() => {
        if (code === 0) resolveRun();
        else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}) in ${cwd}; last lines:\n${text.split('\n').slice(-25).join('\n')}`));
      });
    });
  });
}

async function sha256OfFile(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** The pristine extraction (checked tarball), made once. */
async function extractedSource(root: string, report: string[]): Promise<string> {
  const source = join(root, 'source', TOP_FOLDER);
  if (existsSync(join(root, 'source', '.complete'))) return source;
  const tarball = tarballPath();
  const temp = join(root, `source.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(temp, { recursive: true });
  try {
    await run('tar', ['-xJf', tarball, '-C', temp], temp, join(root, 'tar.log'));
    if (!existsSync(join(temp, TOP_FOLDER, 'CMakeLists.txt'))) throw new Error(`the tarball has no ${TOP_FOLDER}/CMakeLists.txt`);
    await writeFile(join(temp, '.complete'), `${TARBALL_SHA256}\n`);
    await rm(join(root, 'source'), { recursive: true, force: true });
    await rename(temp, join(root, 'source'));
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  report.push('extracted the C SDK tarball (sha256 checked)');
  return source;
}

/** The fixed test CA, made once by the cloud's own PKI (both the server CA and the device CA). */
async function testCa(root: string): Promise<{ dir: string; pem: string }> {
  const dir = join(root, 'ca');
  await CloudPki.open(dir);
  return { dir, pem: await readFile(join(dir, 'ca.pem'), 'utf8') };
}

/** The PEM as the C string literal qcloud_iot_ca.c uses ("line\r\n" per line, the last without). */
export function caAsCString(pem: string): string {
  const lines = pem.trim().split(/\r?\n/);
  return lines.map((line, i) => `    "${line}${i < lines.length - 1 ? '\\r\\n' : ''}"`).join('\n');
}

/** The three patches, applied to a copy of the source. Each must match exactly once, or the SDK changed. */
export async function patchSource(dir: string, mode: AuthMode, caPem: string): Promise<void> {
  const cmakePath = join(dir, 'CMakeLists.txt');
  let cmake = await readFile(cmakePath, 'utf8');
  const werror = cmake.match(/ -Werror(?= )/g)?.length ?? 0;
  if (werror !== 2) throw new Error(`CMakeLists.txt: expected 2 "-Werror" flags, found ${werror}`);
  cmake = cmake.replace(/ -Werror(?= )/g, '');
  const authLine = /^set\(FEATURE_AUTH_MODE "KEY"\)$/m;
  if (!authLine.test(cmake)) throw new Error('CMakeLists.txt: no `set(FEATURE_AUTH_MODE "KEY")` line');
  cmake = cmake.replace(authLine, `set(FEATURE_AUTH_MODE "${mode}")`);
  await writeFile(cmakePath, cmake);

  const caPath = join(dir, 'sdk_src', 'utils', 'qcloud_iot_ca.c');
  const ca = await readFile(caPath, 'utf8');
  const literal = /(static const char \*iot_ca_crt = \{\n)[\s\S]*?(\};)/;
  if (!literal.test(ca) || !ca.includes('MIIDxTCCAq2gAwIBAgIJALM1winYO2xzMA0GCSqGSIb3DQEBCwUAMHkxCzAJBgNV')) throw new Error('qcloud_iot_ca.c: the Tencent Iothub CA literal was not found');
  await writeFile(caPath, ca.replace(literal, (_, open: string, close: string) => `${open}${caAsCString(caPem)}${close}`));
}

async function build(root: string, source: string, mode: AuthMode, caPem: string, report: string[]): Promise<SdkBuild> {
  const key = createHash('sha256').update(`${TARBALL_SHA256}\n${mode}\n${PATCH_VERSION}\n${caPem}`).digest('hex').slice(0, 16);
  const dir = join(root, `build-${mode}-${key}`);
  const bin = join(dir, TOP_FOLDER, 'output', 'release', 'bin');
  const result: SdkBuild = { mode, dynregSample: join(bin, 'dynreg_dev_sample'), mqttSample: join(bin, 'mqtt_sample') };
  if (existsSync(join(dir, '.complete')) && existsSync(result.dynregSample) && existsSync(result.mqttSample)) return result;
  const temp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const started = Date.now();
  try {
    await cp(source, join(temp, TOP_FOLDER), { recursive: true });
    const tree = join(temp, TOP_FOLDER);
    await patchSource(tree, mode, caPem);
    await mkdir(join(tree, 'build'));
    // CMake's cache keeps the temp path; nothing is configured again after the rename, and the samples
    // need no source path at run time.
    await run('cmake', ['..'], join(tree, 'build'), join(temp, 'cmake.log'));
    await run('make', ['-j2', 'dynreg_dev_sample', 'mqtt_sample'], join(tree, 'build'), join(temp, 'make.log'));
    await writeFile(join(temp, '.complete'), `${key}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  report.push(`built the ${mode} samples in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!existsSync(result.dynregSample) || !existsSync(result.mqttSample)) throw new Error(`the ${mode} build produced no samples in ${bin}`);
  return result;
}

/** How long a run waits for another run (same cache) to finish preparing. */
const LOCK_WAIT_MS = 15 * 60_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `work` holding `<root>/.lock` (a file naming its owner's pid): two runs sharing the cache (say the lead's
 * and a CI job) must not both create the CA or a build. A lock whose owner is gone is taken over.
 */
async function withCacheLock<T>(root: string, work: () => Promise<T>): Promise<T> {
  const lockPath = join(root, '.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (!Number.isInteger(owner) || owner <= 0 || !processAlive(owner)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`the C SDK cache ${root} is locked by process ${owner} (still running after ${LOCK_WAIT_MS / 60_000} min)`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}

/** Extracts, patches and builds what is not cached yet; returns the samples and the CA folder. */
export async function prepareCSdk(): Promise<PreparedSdk> {
  const missing = missingTools();
  if (missing.length > 0) throw new Error(`the interop suite needs: ${missing.join(', ')}`);
  const root = cacheRoot();
  await mkdir(root, { recursive: true, mode: 0o700 });
  const report: string[] = [];
  // The tarball is checked on every run, even when its extraction is cached.
  if (!existsSync(tarballPath())) throw new Error(`the C SDK tarball is missing: ${tarballPath()} (set TC_IOT_C_SDK_TARBALL to its path)`);
  const actual = await sha256OfFile(tarballPath());
  if (actual !== TARBALL_SHA256) throw new Error(`the C SDK tarball ${tarballPath()} has sha256 ${actual}, expected ${TARBALL_SHA256}: refusing to use it`);
  return withCacheLock(root, async () => {
    const source = await extractedSource(root, report);
    const ca = await testCa(root);
    const builds = { KEY: await build(root, source, 'KEY', ca.pem, report), CERT: await build(root, source, 'CERT', ca.pem, report) };
    if (report.length === 0) report.push(`reused the cached build in ${root}`);
    return { caDir: ca.dir, builds, report };
  });
}
