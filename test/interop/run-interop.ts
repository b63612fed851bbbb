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
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingTools, prepareCSdk, REPO_ROOT, type PreparedSdk } from './c-sdk-build.js';
import { TENCENT_NAMES } from './fixtures.js';

const RUN_TIMEOUT_MS = 10 * 60_000;

function say(line: string): void {
  process.stdout.write(`test:interop: ${line}\n`);
}

/** `unshare` options: root makes the namespaces itself; others need an unprivileged user namespace too. */
const NAMESPACE_OPTIONS = process.getuid?.() === 0 ? ['-n', '-m'] : ['-r', '-n', '-m'];

/** Undefined when a loopback-only network namespace can be made here; else why not. */
function namespaceProblem(): string | undefined {
  const probe = spawnSync('unshare', [...NAMESPACE_OPTIONS, '--', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error === undefined && probe.status === 0) return undefined;
  const why = (probe.stderr ?? '').trim().split('\n')[0] || probe.error?.message || `exit ${probe.status}`;
  return `cannot create a network namespace (\`unshare ${NAMESPACE_OPTIONS.join(' ')}\`: ${why}); run as root with CAP_SYS_ADMIN (in Docker: --cap-add SYS_ADMIN or --privileged), or allow unprivileged user namespaces`;
}

async function main(): Promise<number> {
  const started = Date.now();
  const missing = missingTools();
  if (missing.length > 0) {
    process.stderr.write(`test:interop: the interop suite needs: ${missing.join(', ')}\n`);
    return 1;
  }
  const problem = namespaceProblem();
  if (problem !== undefined) {
    process.stderr.write(`test:interop: ${problem}\n`);
    return 1;
  }
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
    const script = 'mount --bind "$1" /etc/hosts && ip link set lo up && shift && exec "$@"';
    const mocha = join(REPO_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const args = [...NAMESPACE_OPTIONS, '--', 'sh', '-c', script, 'sh', hosts, process.execPath, mocha, '--no-config', '--import=tsx', '--timeout', '120000', '--exit', 'test/interop/*.interop.ts'];
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
