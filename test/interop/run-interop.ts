/**
 * `npm run test:interop`: Tencent's C SDK against the local cloud.
 *
 * 1. Builds (or reuses from the cache outside the repository) the SDK's dynreg_dev and mqtt samples, for key
 *    and certificate authentication, with the test CA compiled in (c-sdk-build.ts).
 * 2. Runs mocha on test/interop/*.interop.ts inside a new network and mount namespace (`unshare -n -m`, or
 *    `-r -n -m` when not root): only a loopback interface exists there, and a temporary hosts file is
 *    bind-mounted over /etc/hosts to map Tencent's compiled-in names to 127.0.0.1. The machine's own
 *    /etc/hosts and network are untouched, and the cloud can listen on 443 and 8883 inside.
 * Everything is bounded: the whole run is killed after RUN_TIMEOUT_MS.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareCSdk, REPO_ROOT, type PreparedSdk } from './c-sdk-build.js';
import { TENCENT_NAMES } from './fixtures.js';

const RUN_TIMEOUT_MS = 10 * 60_000;

function say(line: string): void {
  process.stdout.write(`test:interop: ${line}\n`);
}

async function main(): Promise<number> {
  const started = Date.now();
  let prepared: PreparedSdk;
  try {
    prepared = await prepareCSdk();
  } catch (error) {
    process.stderr.write(`test:interop: cannot build Tencent's C SDK: ${(error as Error).message}\n`);
    return 1;
  }
  say(`${prepared.report.join('; ')} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const temp = await mkdtemp(join(tmpdir(), 'tc-iot-interop-'));
  try {
    const hosts = join(temp, 'hosts');
    await writeFile(hosts, ['127.0.0.1 localhost', '::1 localhost', ...TENCENT_NAMES.map((name) => `127.0.0.1 ${name}`), ''].join('\n'));
    const namespace = process.getuid?.() === 0 ? ['-n', '-m'] : ['-r', '-n', '-m'];
    const script = 'mount --bind "$1" /etc/hosts && ip link set lo up && shift && exec "$@"';
    const mocha = join(REPO_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const args = [...namespace, '--', 'sh', '-c', script, 'sh', hosts, process.execPath, mocha, '--no-config', '--import=tsx', '--timeout', '120000', '--exit', 'test/interop/*.interop.ts'];
    const code = await new Promise<number>((resolveCode) => {
      const child = spawn('unshare', args, { cwd: REPO_ROOT, stdio: 'inherit', detached: true, env: { ...process.env, TC_IOT_INTEROP: JSON.stringify(prepared) } });
      const stop = (): void => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } };
      const timer = setTimeout(() => { process.stderr.write(`test:interop: still running after ${RUN_TIMEOUT_MS / 1000} s: stopped\n`); stop(); }, RUN_TIMEOUT_MS);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      child.on('error', (error) => { clearTimeout(timer); process.stderr.write(`test:interop: unshare could not start: ${error.message}\n`); resolveCode(1); });
      child.on('close', (exitCode, signal) => {
        clearTimeout(timer);
        if (signal !== null) process.stderr.write(`test:interop: the namespace run ended by ${signal}\n`);
        resolveCode(exitCode ?? 1);
      });
    });
    say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s (exit ${code})`);
    return code;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

process.exitCode = await main();
