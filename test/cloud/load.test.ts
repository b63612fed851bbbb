/**
 * Load: 200 concurrent registrations of distinct devices (v1 and v2 mixed, with a state file so every
 * answer waits for its write), then 200 concurrent MQTT logins. Zero failures, zero duplicate secrets, and
 * everything recorded. No timing assertion: the mocha timeout is the only clock.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import { connectKey, endClient, registerV1, registerV2 } from './tc-client.js';

const PID = 'K7QW2ZP4XA';
const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';
const COUNT = 200;

describe('cloud under load', function () {
  this.timeout(120_000);
  let cloud: RunningCloud;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cloud-load-test-'));
    cloud = await startCloud({
      statePath: join(dir, 'state.json'),
      products: { products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto', registerLimit: COUNT }] },
    });
  });
  after(async () => {
    await cloud?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${COUNT} concurrent registrations and ${COUNT} concurrent MQTT logins: no failure, no duplicate secret`, async () => {
    const names = Array.from({ length: COUNT }, (_, i) => `load-${String(i).padStart(3, '0')}`);
    const registered = await Promise.allSettled(names.map((deviceName, i) => (i % 2 === 0
      ? registerV1(cloud, { productId: PID, productSecret: SECRET, deviceName })
      : registerV2(cloud, { productId: PID, productSecret: SECRET, deviceName, algorithm: i % 4 === 1 ? 'hmacsha1' : 'hmacsha256' }))));
    const registrationFailures = registered.filter((r) => r.status === 'rejected');
    assert.equal(registrationFailures.length, 0, String((registrationFailures[0] as PromiseRejectedResult | undefined)?.reason));
    const psks = registered.map((r) => (r as PromiseFulfilledResult<{ psk: string }>).value.psk);
    assert.equal(new Set(psks).size, COUNT, 'every device got its own secret');

    // Every registration was recorded before it was answered.
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { devices: Array<{ deviceName: string; psk: string }> };
    const stored = new Map(state.devices.map((d) => [d.deviceName, d.psk]));
    names.forEach((name, i) => assert.equal(stored.get(name), psks[i], name));

    const logins = await Promise.all(names.map((name, i) => connectKey(cloud, PID, name, psks[i]!, i % 2 === 0 ? 'hmacsha256' : 'hmacsha1')));
    const refused = logins.filter((outcome) => !outcome.ok);
    await Promise.all(logins.map((outcome) => (outcome.ok ? endClient(outcome.client) : undefined)));
    assert.equal(refused.length, 0, `${refused.length} logins refused`);

    // And every login activated its device, durably.
    const after = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { devices: Array<{ activated: boolean }> };
    assert.equal(after.devices.filter((d) => d.activated).length, COUNT);
  });
});
