/**
 * The HAL's random bytes on Moddable's own runtime: an app on the library manifest (test/moddable/random-app)
 * is built once and booted twice on mcsim. XS's Math.random there is glibc's rand(), never seeded: both boots
 * give the same bytes, exactly those of an unseeded rand() computed here (SDK 8.2.3) — why
 * hal/moddable/native/random.c exists. The HAL's bytes come from getrandom(2) through that module: they differ
 * between boots, and the HAL draws nothing from rand() (Math.random's sequence goes on where it stopped).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModdableSdk } from '../../scripts/moddable-sdk.js';
import { glibcRandUnseeded, mathRandomBytesFromRand } from './glibc-rand.js';
import { writeLibraryApp } from './library-app.js';
import { buildFirmware, REPO_ROOT, simulatorSdk, startSimulator } from './simulator.js';

interface Boot {
  math: string;
  hal: string;
  halEmpty: string;
  mathAfter: string;
}

describe("random bytes on Moddable's simulator (the native tc-iot-random module)", function () {
  this.timeout(600_000);
  let sdk: ModdableSdk;
  let work: string;
  const boots: Boot[] = [];

  before(async () => {
    sdk = await simulatorSdk();
    work = mkdtempSync(join(tmpdir(), 'tc-iot-random-app-'));
    const mcSo = await buildFirmware(sdk, 'random-app', {}, await writeLibraryApp(work, 'random-app', join(REPO_ROOT, 'test/moddable/random-app/entry.ts')));
    for (let boot = 0; boot < 2; boot++) {
      const simulator = await startSimulator(sdk, mcSo);
      try {
        await simulator.trace.waitFor(/^random-app done$/, 120_000);
        assert.deepEqual(simulator.trace.matching(/FAIL/), []);
        assert.deepEqual(simulator.trace.breaks, []);
        const value = (name: string): string => {
          const line = simulator.trace.lines.find((text) => text.startsWith(`${name} `));
          assert.ok(line !== undefined, `no "${name}" line in:\n${simulator.trace.lines.join('\n')}`);
          return line.slice(name.length + 1);
        };
        boots.push({ math: value('math'), hal: value('hal'), halEmpty: value('hal-empty'), mathAfter: value('math-after') });
      } finally {
        await simulator.stop();
      }
    }
    process.stderr.write(`  Math.random at boot: ${boots.map((b) => b.math).join(' / ')}; hal.random(16): ${boots.map((b) => b.hal).join(' / ')}\n`);
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
});
