/**
 * The firmware on Moddable's own runtime: `mcconfig -d -m -p lin` builds manifest.json (the repository's own,
 * unchanged) with `key=value` config overrides, and `mcsim` runs the result under Xvfb with its trace going to
 * an XsbugListener. Builds share one output folder in the cache (mcconfig rebuilds only what changed: the first
 * build compiles the SDK's C modules, later ones take seconds) and so run one at a time; each finished mc.so
 * is copied out so that several can be kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { cacheRoot, ensureModdableSdk, type ModdableSdk } from '../../scripts/moddable-sdk.js';
import { XsbugListener } from './xsbug-listener.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** The file `name` in a folder named `folder` somewhere below `dir`. */
function findFile(dir: string, name: string, folder: string): string | undefined {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      const found = findFile(path, name, folder);
      if (found) return found;
    } else if (entry === name && basename(dir) === folder) return path;
  }
  return undefined;
}

function runTool(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const chunks: Buffer[] = [];
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

let suiteSdk: Promise<ModdableSdk> | undefined;

/**
 * The SDK for the simulator suites, prepared once per process (mocha runs every suite in one): the checks of
 * prerequisites and of the tarball's sha256 are not repeated for each file.
 */
export function simulatorSdk(): Promise<ModdableSdk> {
  suiteSdk ??= ensureModdableSdk((line) => process.stderr.write(`  moddable-sdk: ${line}\n`));
  return suiteSdk;
}

/** A TCP port free on loopback now (for servers whose port a firmware build must know in advance). */
export { freePort } from '../support/free-port.js';

/** A per-clone build folder in the cache: two clones never share one. */
export function simulatorBuildRoot(): string {
  return join(cacheRoot(), 'sim-builds', createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 16));
}

/**
 * Builds the firmware for the lin simulator with `config` (mcconfig's `key=value` overrides) and returns the
 * path of a copy of its mc.so named `name`. Throws with mcconfig's output when the build fails.
 */
export async function buildFirmware(sdk: ModdableSdk, name: string, config: Record<string, string>, manifest = join(REPO_ROOT, 'manifest.json')): Promise<string> {
  const root = simulatorBuildRoot();
  const out = join(root, 'out');
  mkdirSync(out, { recursive: true });
  const args = ['-d', '-m', '-p', 'lin', '-o', out, manifest, ...Object.entries(config).map(([key, value]) => `${key}=${value}`)];
  const { code, output } = await runTool(sdk.mcconfig, args, sdk.env, REPO_ROOT);
  writeFileSync(join(root, `${name}.build.log`), output);
  if (code !== 0) throw new Error(`mcconfig failed (exit ${code}) for ${name}:\n${output.split('\n').slice(-30).join('\n')}`);
  // mcconfig names the app after its manifest's folder: out/bin/lin/…/<folder>/mc.so.
  const app = basename(dirname(manifest));
  const built = findFile(join(out, 'bin'), 'mc.so', app);
  if (built === undefined) throw new Error(`mcconfig built no mc.so for ${name}; see ${join(root, `${name}.build.log`)}`);
  const kept = join(root, `${name}.so`);
  copyFileSync(built, kept);
  return kept;
}

export interface RunningSimulator {
  trace: XsbugListener;
  /** Stops mcsim (and its Xvfb); resolves once they are gone. Safe to call twice. */
  stop(): Promise<void>;
  /** The simulator ended by itself (a crash): its exit code or signal. */
  exited: Promise<string>;
  /** What mcsim and xvfb-run printed (not the app's trace). */
  output(): string;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Starts `mcsim <mcSo>` under xvfb-run, its trace connected to a fresh listener. */
export async function startSimulator(sdk: ModdableSdk, mcSo: string): Promise<RunningSimulator> {
  if (!existsSync(mcSo)) throw new Error(`no firmware at ${mcSo}`);
  const trace = await XsbugListener.start();
  // Own process group: xvfb-run starts Xvfb and mcsim as its children, and all of them must stop together.
  // TC_IOT_SIM_GDB=1 runs mcsim under gdb, which prints a backtrace into output() if it crashes.
  const command = process.env.TC_IOT_SIM_GDB ? ['gdb', '-batch', '-ex', 'run', '-ex', 'bt 30', '--args', sdk.mcsim, mcSo] : [sdk.mcsim, mcSo];
  const child = spawn('xvfb-run', ['-a', ...command], {
    env: { ...sdk.env, XSBUG_HOST: '127.0.0.1', XSBUG_PORT: String(trace.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk));
  let stopped = false;
  const exited = new Promise<string>((resolveExit) => {
    child.on('close', (code, signal) => resolveExit(signal ?? `exit ${code}`));
    child.on('error', (error) => resolveExit(`cannot start: ${error.message}`));
  });
  return {
    trace,
    exited,
    output: () => Buffer.concat(output).toString('utf8'),
    async stop() {
      if (!stopped) {
        stopped = true;
        killGroup(child, 'SIGTERM');
        const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((wake) => setTimeout(() => wake(false), 5_000))]);
        if (!gone) killGroup(child, 'SIGKILL');
        await exited;
      }
      await trace.close();
    },
  };
}

/**
 * Boots `mcSo` once and runs the app to its last line (`done`), then stops the simulator and returns the whole
 * trace. An engine break (an uncaught exception or a debugger stop) fails it: the test apps report their
 * results as lines, and a break means a line may be missing for a reason no line says.
 */
export async function runToEnd(sdk: ModdableSdk, mcSo: string, done: RegExp, timeoutMs: number): Promise<string[]> {
  const simulator = await startSimulator(sdk, mcSo);
  try {
    await simulator.trace.waitFor(done, timeoutMs);
    if (simulator.trace.breaks.length > 0) throw new Error(`the engine broke: ${JSON.stringify(simulator.trace.breaks)}`);
    return simulator.trace.lines.slice();
  } finally {
    await simulator.stop();
  }
}
