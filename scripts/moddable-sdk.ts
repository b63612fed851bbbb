/**
 * The Moddable SDK for the simulator suite and for trying the firmware on a desktop: `$MODDABLE` when it is
 * set (a developer's own SDK, used as it is), else the vendored source tarball (../shared/vendor) extracted
 * into a cache outside the clone and built once per machine — keyed by the tarball's sha256, so another
 * tarball never reuses a stale build. Nothing is downloaded and nothing is written into the repository.
 *
 * `npm run moddable:sdk` prepares it and prints the two shell lines that put its tools on PATH.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MODDABLE_VERSION = '8.2.3';
/** sha256 of moddable-8.2.3.tar.xz as ../shared/vendor/README.md gives it. */
export const MODDABLE_TARBALL_SHA256 = 'ef4f3fe1e01fff6d7e641c727579ec025ccaab37b1af9f9f47c102893b9ac022';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ModdableSdk {
  /** The SDK folder ($MODDABLE). */
  root: string;
  /** build/bin/lin/release: mcconfig, mcsim, xsc … */
  bin: string;
  mcconfig: string;
  mcsim: string;
  /** Environment for the SDK's tools (MODDABLE, and PATH with bin first). */
  env: NodeJS.ProcessEnv;
  /** Where it came from, for progress lines. */
  source: 'MODDABLE' | 'cache';
}

/** A prerequisite or the SDK itself is missing or broken: the message says what to do. */
export class ModdableSdkError extends Error {}
ModdableSdkError.prototype.name = 'ModdableSdkError';

export function cacheRoot(): string {
  return process.env.TC_IOT_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tc-iot-device');
}

export function vendoredTarball(): string {
  return process.env.TC_IOT_MODDABLE_TARBALL ?? resolve(REPO_ROOT, '../shared/vendor', `moddable-${MODDABLE_VERSION}.tar.xz`);
}

function sdkAt(root: string, source: ModdableSdk['source']): ModdableSdk {
  const bin = join(root, 'build/bin/lin/release');
  return {
    root,
    bin,
    mcconfig: join(bin, 'mcconfig'),
    mcsim: join(bin, 'mcsim'),
    env: { ...process.env, MODDABLE: root, PATH: `${bin}:${process.env.PATH ?? ''}` },
    source,
  };
}

function has(command: string, args: string[] = ['--version']): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/** Everything the SDK build and the simulator runs need, with the Debian package that brings each. */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (!has('make')) missing.push('make (build-essential)');
  if (!has('cc')) missing.push('a C compiler (build-essential)');
  if (!has('tar') || !has('xz')) missing.push('tar and xz (xz-utils)');
  if (!has('pkg-config', ['--exists', 'gtk+-3.0'])) missing.push('GTK 3 headers (libgtk-3-dev, and pkg-config)');
  if (!has('xvfb-run', ['--help'])) missing.push('xvfb-run (xvfb)');
  return missing;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; log: string; progress: (line: string) => void; what: string }): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const started = Date.now();
    let last = '';
    const out: Buffer[] = [];
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (chunk: Buffer): void => {
      out.push(chunk);
      const lines = chunk.toString('utf8').split('\n').filter((line) => line.trim() !== '');
      if (lines.length > 0) last = lines[lines.length - 1]!.trim().slice(0, 100);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const ticker = setInterval(() => options.progress(`${options.what}: ${Math.round((Date.now() - started) / 1000)} s (${last})`), 15_000);
    child.on('error', (error) => {
      clearInterval(ticker);
      reject(new ModdableSdkError(`${options.what}: cannot run ${command}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearInterval(ticker);
      writeFileSync(options.log, Buffer.concat(out));
      if (code === 0) resolveRun();
      else {
        const tail = Buffer.concat(out).toString('utf8').split('\n').slice(-15).join('\n');
        reject(new ModdableSdkError(`${options.what} failed (exit ${code}); full log: ${options.log}\n${tail}`));
      }
    });
  });
}

/** One builder at a time per cache folder; a lock whose process is gone is taken over. */
async function withLock<T>(lockDir: string, progress: (line: string) => void, action: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = 0;
      try {
        owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8')) || 0;
      } catch {
        // Not written yet (the owner is between mkdir and writeFile), or just released.
      }
      let alive = owner === 0;
      try {
        if (owner > 0) process.kill(owner, 0);
        alive = true;
      } catch {
        // No such process: the lock is stale.
      }
      if (!alive) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new ModdableSdkError(`another process (pid ${owner}) has held ${lockDir} for 30 minutes`);
      if (owner > 0) progress(`waiting for pid ${owner}, which is building the Moddable SDK`);
      await new Promise((wake) => setTimeout(wake, owner > 0 ? 5_000 : 500));
    }
  }
  try {
    return await action();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * The SDK with its host tools and simulator built. Progress lines go to `progress` (the SDK build takes a few
 * minutes once per machine); a missing prerequisite or tarball is a ModdableSdkError that says what to install.
 */
export async function ensureModdableSdk(progress: (line: string) => void = (line) => process.stderr.write(`moddable-sdk: ${line}\n`)): Promise<ModdableSdk> {
  const missing = missingPrerequisites();
  if (missing.length > 0) throw new ModdableSdkError(`missing: ${missing.join('; ')}. On Debian: apt-get install build-essential pkg-config libgtk-3-dev xvfb xz-utils`);
  const own = process.env.MODDABLE;
  if (own !== undefined && own !== '') {
    const sdk = sdkAt(resolve(own), 'MODDABLE');
    for (const tool of [sdk.mcconfig, sdk.mcsim]) {
      if (!existsSync(tool)) throw new ModdableSdkError(`MODDABLE=${own} has no ${tool}: build its tools (cd "$MODDABLE/build/makefiles/lin" && make), or unset MODDABLE to use the vendored SDK`);
    }
    return sdk;
  }
  const tarball = vendoredTarball();
  if (!existsSync(tarball)) throw new ModdableSdkError(`no Moddable SDK: set MODDABLE to a built SDK, or provide the vendored source at ${tarball} (TC_IOT_MODDABLE_TARBALL overrides the path)`);
  const digest = await sha256Of(tarball);
  if (digest !== MODDABLE_TARBALL_SHA256) throw new ModdableSdkError(`${tarball} has sha256 ${digest}, not the Moddable SDK ${MODDABLE_VERSION} source (${MODDABLE_TARBALL_SHA256})`);
  const home = join(cacheRoot(), `moddable-${MODDABLE_VERSION}-${digest.slice(0, 16)}`);
  const sdk = sdkAt(join(home, 'moddable'), 'cache');
  const stamp = join(home, '.built');
  if (existsSync(stamp)) return sdk;
  mkdirSync(cacheRoot(), { recursive: true });
  return withLock(`${home}.lock`, progress, async () => {
    if (existsSync(stamp)) return sdk;
    try {
      return await buildInto(home, tarball, sdk, stamp, progress);
    } catch (error) {
      // Half an SDK is no SDK: the next run starts again from the tarball.
      rmSync(home, { recursive: true, force: true });
      throw error;
    }
  });
}

async function buildInto(home: string, tarball: string, sdk: ModdableSdk, stamp: string, progress: (line: string) => void): Promise<ModdableSdk> {
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  progress(`extracting ${tarball} into ${home}`);
  await run('tar', ['xJf', tarball, '-C', home], { log: join(home, 'extract.log'), progress, what: 'extracting' });
  const jobs = String(Math.max(1, cpus().length));
  progress(`building the SDK's tools and the simulator (make -j${jobs}; a few minutes, once per machine)`);
  await run('make', [`-j${jobs}`], { cwd: join(sdk.root, 'build/makefiles/lin'), env: sdk.env, log: join(home, 'build.log'), progress, what: 'building the Moddable SDK' });
  for (const tool of [sdk.mcconfig, sdk.mcsim]) if (!existsSync(tool)) throw new ModdableSdkError(`the SDK build finished without ${tool}; see ${join(home, 'build.log')}`);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  progress(`ready: ${sdk.root}`);
  return sdk;
}

// `npm run moddable:sdk`: prepare the SDK and print what to paste into a shell.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureModdableSdk().then(
    (sdk) => {
      process.stdout.write(`export MODDABLE="${sdk.root}"\nexport PATH="${sdk.bin}:$PATH"\n`);
    },
    (error: unknown) => {
      process.stderr.write(`moddable-sdk: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
