/**
 * The firmware's settings (hal/moddable/device-settings.ts), read from mcconfig's string values: each value is
 * checked and defaulted once, here, so the device app uses them as they are.
 */
import { strict as assert } from 'node:assert';
import { readDeviceSettings } from '../../hal/moddable/device-settings.js';
import { isIotError } from '../../src/errors.js';

const base = { productId: 'K7QW2ZP4XA', productSecret: 'mR4tQ8zLw2Vn6YpC1sHb9dKf', deviceName: 'sensor-0001', authMode: 'KEY' };
const noMac = (): unknown => undefined;

describe('readDeviceSettings (the firmware config, checked once)', () => {
  it('raises a backoff cap below the first delay to that delay (the app then needs no clamp of its own)', () => {
    const settings = readDeviceSettings({ ...base, baseDelayMs: '5000', maxDelayMs: '100' }, noMac);
    assert.equal(settings.baseDelayMs, 5000);
    assert.equal(settings.maxDelayMs, 5000);
  });

  it('keeps a cap above the first delay, and defaults both', () => {
    assert.deepEqual(
      [readDeviceSettings({ ...base, baseDelayMs: '20', maxDelayMs: '200' }, noMac).maxDelayMs, readDeviceSettings(base, noMac).baseDelayMs, readDeviceSettings(base, noMac).maxDelayMs],
      [200, 1000, 60000],
    );
  });

  it('refuses a delay that is not an integer in range, with bad-input', () => {
    for (const baseDelayMs of ['0', '-5', 'soon', '1.5']) {
      assert.throws(() => readDeviceSettings({ ...base, baseDelayMs }, noMac), (error: unknown) => isIotError(error) && error.code === 'bad-input', baseDelayMs);
    }
  });
});
