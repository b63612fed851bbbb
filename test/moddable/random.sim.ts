/**
 * The HAL's random bytes on Moddable's own runtime: an app on the library manifest (test/moddable/random-app)
 * is built once and booted twice on mcsim. XS's Math.random there is glibc's rand(), never seeded: both boots
 * give the same bytes, exactly those of an unseeded rand() computed here (SDK 8.2.3) — why
 * hal/moddable/native/random.c exists. The HAL's bytes come from getrandom(2) through that module: they differ
 * between boots, and the HAL draws nothing from rand() (Math.random's sequence goes on where it stopped).
 *
 * Moddable's TLS draws its ClientHello random and premaster secret from `rng`, RC4 keyed from that same rand():
 * a TLS server here logs each handshake's client random (node:tls 'keylog'). Keyed the SDK's default way they
 * repeat from boot to boot; after createModdableHal re-keyed `rng` from the CSPRNG they differ.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import type { ModdableSdk } from '../../scripts/moddable-sdk.js';
import { leafSignedBy, newCaDir } from './certs.js';
import { glibcRandUnseeded, mathRandomBytesFromRand } from './glibc-rand.js';
import { writeLibraryApp } from './library-app.js';
import { buildFirmware, REPO_ROOT, runToEnd, simulatorSdk } from './simulator.js';

interface Boot {
  math: string;
  hal: string;
  halEmpty: string;
  mathAfter: string;
  /** The 28 random bytes of each ClientHello's random (after its 4-byte time), hex, in connection order. */
  clientRandoms: string[];
}

/** An echo server that keeps each handshake's client random (from the TLS 1.2 key log's CLIENT_RANDOM lines). */
async function startKeylogEcho(work: string): Promise<{ port: number; caFile: string; randoms: string[]; close(): Promise<void> }> {
  const ca = newCaDir(work, 'random-app CA');
  const leaf = leafSignedBy(ca, 'localhost');
  const randoms: string[] = [];
  const server = tls.createServer({ key: leaf.keyPem, cert: leaf.chainPem }, (socket) => {
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  server.on('tlsClientError', () => undefined);
  server.on('keylog', (line: Buffer) => {
    const match = /^CLIENT_RANDOM ([0-9a-f]{64}) /i.exec(line.toString('latin1'));
    if (match !== null) randoms.push(match[1]!.toLowerCase().slice(8));
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
  const caFile = join(work, 'random-app-ca.pem');
  writeFileSync(caFile, readFileSync(join(ca, 'ca.pem')));
  return {
    port: (server.address() as AddressInfo).port,
    caFile,
    randoms,
    close: () => new Promise<void>((resolveClose) => server.close(() => resolveClose())),
  };
}

describe("random bytes on Moddable's simulator (the native tc-iot-random module)", function () {
  this.timeout(600_000);
  let sdk: ModdableSdk;
  let work: string;
  const boots: Boot[] = [];

  before(async () => {
    sdk = await simulatorSdk();
    work = mkdtempSync(join(tmpdir(), 'tc-iot-random-app-'));
    const echo = await startKeylogEcho(work);
    const appConfig = { tlsHost: '127.0.0.1', tlsPort: String(echo.port), caFile: echo.caFile };
    const mcSo = await buildFirmware(sdk, 'random-app', appConfig, await writeLibraryApp(work, 'random-app', join(REPO_ROOT, 'test/moddable/random-app/entry.ts')));
    try {
      for (let boot = 0; boot < 2; boot++) {
        echo.randoms.length = 0;
        const lines = await runToEnd(sdk, mcSo, /^random-app done$/, 120_000);
        assert.deepEqual(lines.filter((line) => line.includes('FAIL')), []);
        const value = (name: string): string => {
          const line = lines.find((text) => text.startsWith(`${name} `));
          assert.ok(line !== undefined, `no "${name}" line in:\n${lines.join('\n')}`);
          return line.slice(name.length + 1);
        };
        assert.deepEqual(lines.filter((line) => line.startsWith('tls ')), ['tls seeded ok', 'tls default ok']);
        boots.push({ math: value('math'), hal: value('hal'), halEmpty: value('hal-empty'), mathAfter: value('math-after'), clientRandoms: echo.randoms.slice() });
      }
    } finally {
      await echo.close();
    }
    process.stderr.write(`  Math.random at boot: ${boots.map((b) => b.math).join(' / ')}; hal.random(16): ${boots.map((b) => b.hal).join(' / ')}\n`);
    process.stderr.write(`  ClientHello randoms (re-keyed, default): ${boots.map((b) => b.clientRandoms.map((r) => r.slice(0, 16)).join(', ')).join(' / ')}\n`);
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("XS's Math.random gives the same bytes on every boot: an unseeded glibc rand() (why the HAL does not use it)", () => {
    assert.equal(boots[0]!.math, boots[1]!.math);
    assert.equal(boots[0]!.math, mathRandomBytesFromRand(glibcRandUnseeded(16)));
  });

  it('hal.random gives 16 bytes that differ from one boot to the next', () => {
    for (const boot of boots) assert.match(boot.hal, /^[0-9a-f]{32}$/);
    assert.notEqual(boots[0]!.hal, boots[1]!.hal);
  });

  it('hal.random(0) and randomBytes(0) give empty arrays', () => {
    for (const boot of boots) assert.equal(boot.halEmpty, '0 0');
  });

  it("hal.random draws nothing from rand(), Math.random's source (its sequence continues where it stopped)", () => {
    const draws = glibcRandUnseeded(32);
    for (const boot of boots) assert.equal(boot.mathAfter, mathRandomBytesFromRand(draws.slice(16)));
  });

  it("Moddable's TLS keyed the SDK's default way (from rand()) sends the same ClientHello random on every boot", () => {
    for (const boot of boots) assert.equal(boot.clientRandoms.length, 2, `two handshakes per boot: ${boot.clientRandoms.join(', ')}`);
    assert.equal(boots[0]!.clientRandoms[1], boots[1]!.clientRandoms[1]);
  });

  it('after createModdableHal re-keyed rng from the CSPRNG, the ClientHello randoms differ from boot to boot', () => {
    assert.notEqual(boots[0]!.clientRandoms[0], boots[1]!.clientRandoms[0]);
    assert.notEqual(boots[0]!.clientRandoms[0], boots[0]!.clientRandoms[1]);
  });
});
