/**
 * `npm run bench:cloud-attack`: the local cloud's memory under attack. Starts `tc-iot-device cloud` as a
 * child process (default limits, loopback only), reads its resident set size from /proc, then runs three
 * waves of 200 connections each, all at once:
 *   1. TLS to the broker, a CONNECT announcing 256 MB, then up to 1 MiB of filler per connection;
 *   2. TLS to the broker, many small packets before logging in (the pre-login byte budget);
 *   3. TLS to the gateway, headers that never end (header size limit), up to 1 MiB per connection.
 * During each wave a real device registers and logs in. Prints the RSS before, the peak (VmHWM) and after,
 * as one JSON object ("bytes written by a client" counts what the client handed to its kernel before the
 * close reached it, not what the cloud kept). Every connection is bounded (bytes and a 20 s cap) and the cloud is stopped at the end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectKey, endClient, registerV1 } from '../test/cloud/tc-client.js';

const PID = 'K7QW2ZP4XA';
const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';
const CONNECTIONS = 200;
const BYTES_PER_CONNECTION = 1024 * 1024;

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}

/** One attacking connection: writes `head`, then `filler` until closed or the byte cap; resolves bytes written. */
function attacker(url: string, ca: string, head: Buffer, filler: Buffer): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    let written = 0;
    let done = false;
    const socket = tlsConnect({ host: '127.0.0.1', port: Number(port), ca, servername: 'localhost' }, () => {
      socket.write(head);
      written += head.length;
      const pump = (): void => {
        while (!done && written < BYTES_PER_CONNECTION) {
          written += filler.length;
          if (!socket.write(filler)) return void socket.once('drain', pump);
        }
        if (!done) socket.end();
      };
      pump();
    });
    const cap = setTimeout(() => socket.destroy(), 20_000);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      done = true;
      clearTimeout(cap);
      resolve(written);
    });
  });
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'cloud-attack-'));
  const productsPath = join(directory, 'products.json');
  writeFileSync(productsPath, JSON.stringify({ products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto' }] }));
  const child = spawn(process.execPath, ['bin/tc-iot-device.js', 'cloud', '--products', productsPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let logLines = 0;
  child.stderr.on('data', (chunk: Buffer) => { logLines += chunk.toString().split('\n').length - 1; });
  try {
    const ready = await new Promise<{ gateway: string; broker: string; ca: string }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
      });
      child.once('exit', (code) => reject(new Error(`the cloud exited (${code})`)));
    });
    const cloud = { gateway: ready.gateway, broker: ready.broker, caPem: readFileSync(ready.ca, 'utf8') };
    const pid = child.pid!;
    // Warm up: one registration and login, so the baseline includes the code paths a device uses.
    const { psk } = await registerV1(cloud as never, { productId: PID, productSecret: SECRET, deviceName: 'warm-up' });
    const warm = await connectKey(cloud as never, PID, 'warm-up', psk);
    if (warm.ok) await endClient(warm.client);
    const rssBeforeKb = statusKb(pid, 'VmRSS');

    const pingreqs = Buffer.alloc(2048);
    for (let i = 0; i < pingreqs.length; i += 2) pingreqs[i] = 0xc0;
    const waves = [
      { name: 'broker: CONNECT announcing 256 MB', url: cloud.broker, head: Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]), filler: Buffer.alloc(16 * 1024, 0x41) },
      { name: 'broker: small packets before login', url: cloud.broker, head: Buffer.alloc(0), filler: pingreqs },
      { name: 'gateway: endless headers', url: cloud.gateway, head: Buffer.from('POST /register/dev HTTP/1.1\r\nHost: localhost\r\n'), filler: Buffer.from(`X-Filler: ${'a'.repeat(1000)}\r\n`) },
    ];
    const results = [];
    let index = 0;
    for (const wave of waves) {
      index += 1;
      const attacks = Array.from({ length: CONNECTIONS }, () => attacker(wave.url, cloud.caPem, wave.head, wave.filler));
      // A real device during the attack.
      const name = `during-${index}`;
      const registered = await registerV1(cloud as never, { productId: PID, productSecret: SECRET, deviceName: name }).then((r: { psk: string }) => r.psk, () => undefined);
      const login = registered === undefined ? undefined : await connectKey(cloud as never, PID, name, registered);
      if (login?.ok) await endClient(login.client);
      const written = await Promise.all(attacks);
      results.push({
        wave: wave.name,
        connections: CONNECTIONS,
        maxBytesWrittenByAClient: Math.max(...written),
        deviceServedDuringAttack: login?.ok === true,
        rssAfterKb: statusKb(pid, 'VmRSS'),
      });
    }
    const report = { connectionsPerWave: CONNECTIONS, clientCapBytesPerConnection: BYTES_PER_CONNECTION, rssBeforeKb, peakRssKb: statusKb(pid, 'VmHWM'), waves: results, cloudLogLines: logLines };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`cloud-attack: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
