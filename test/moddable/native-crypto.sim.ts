/**
 * The core's signing and decryption on Moddable's native crypto, on Moddable's own runtime: every Tencent
 * known-answer vector through the core's protocol code on the Moddable HAL's primitives (crypt, hmac), in an
 * app built by the real mcconfig and run by mcsim (the HAL contract's crypto cases run in hal-contract.sim.ts).
 * Timings are traced too, for `npm run bench`; nothing here asserts speed.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModdableSdk } from '../../scripts/moddable-sdk.js';
import { vectors } from '../vectors/tencent.js';
import { writeCryptoApp } from './crypto-app.js';
import { buildFirmware, runToEnd, simulatorSdk } from './simulator.js';

describe("native crypto on Moddable's simulator (crypt, hmac)", function () {
  this.timeout(600_000);
  let sdk: ModdableSdk;
  let work: string;
  let lines: string[] = [];

  before(async () => {
    sdk = await simulatorSdk();
    work = mkdtempSync(join(tmpdir(), 'tc-iot-crypto-app-'));
    const mcSo = await buildFirmware(sdk, 'crypto-app', {}, await writeCryptoApp(work));
    lines = await runToEnd(sdk, mcSo, /^crypto-app done$/, 300_000);
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('gives every Tencent known answer through the core on the native primitives', () => {
    const kat = lines.filter((line) => line.startsWith('kat '));
    const expected = vectors.legacyRegister.length + 2 * vectors.v2Register.length + vectors.payloads.length + vectors.mqtt.length;
    assert.equal(kat.length, expected, kat.join('\n'));
    assert.deepEqual(kat.filter((line) => !line.endsWith(': ok')), []);
  });

  it('traces a native and a JavaScript time for each primitive and flow (for the bench)', () => {
    const times = lines.filter((line) => /^time .+: native [\d.]+ js [\d.]+$/.test(line));
    assert.equal(times.length, 6, lines.join('\n'));
  });
});
