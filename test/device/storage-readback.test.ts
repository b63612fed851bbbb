/**
 * A save is not a save until it has been read back: on the XS engine with the device build's storage code
 * (dist/device/tc-iot-device.js → PreferenceStorage) over flash layers that lose writes without saying so —
 * what Moddable's simulator Preference did (its `set` failed silently and `get` answered from memory).
 */
import { strict as assert } from 'node:assert';
import { bundleForXs, libraryEntry } from './device-bundle.js';
import { DeviceHost } from './device-host.js';
import { deviceSecret } from './fixtures.js';

const RECORD = { productId: 'K7QW2ZP4XA', deviceName: 'sensor-0001', credential: { kind: 'key', deviceSecret: deviceSecret(7) } };

/** A PreferenceApi inside XS over a Map, with `mangle` applied to each value as it is stored. */
function flashSource(mangle: string): string {
  return `(() => { const values = new Map(); const id = (d, k) => d + '/' + k; return {
    get: (d, k) => values.get(id(d, k)),
    set: (d, k, v) => { const kept = (${mangle})(k, v); if (kept !== undefined) values.set(id(d, k), kept); },
    delete: (d, k) => { values.delete(id(d, k)); },
  }; })()`;
}

describe('device storage on XS: every save is read back', function () {
  this.timeout(60_000);
  let script = '';
  before(async () => {
    script = await bundleForXs(libraryEntry());
  });

  async function save(mangle: string): Promise<string> {
    const device = await DeviceHost.boot(script, {});
    try {
      return await device.call<string>(`new __deviceLibrary.PreferenceStorage({ preference: ${flashSource(mangle)} }).save(${JSON.stringify(RECORD)}).then(
        () => 'saved', (error) => error.code + ': ' + error.message)`);
    } finally {
      assert.deepEqual(device.uncaught, []);
      await device.close();
    }
  }

  it('a flash that keeps what it is given: saved', async () => {
    assert.equal(await save('(k, v) => v.slice(0)'), 'saved');
  });

  it('a flash that drops every write without an error: storage error, not saved', async () => {
    assert.match(await save('() => undefined'), /^storage: the credential read back from flash is not what was written \(slot empty\); it is not saved$/);
  });

  it('a flash that drops only the header (the commit step): storage error', async () => {
    assert.match(await save("(k, v) => (k.endsWith('.h') ? undefined : v.slice(0))"), /^storage: .*read back.*\(slot empty\)/);
  });

  it('a flash that flips one stored bit: storage error (the checksum catches it on read-back)', async () => {
    assert.match(await save("(k, v) => { const copy = v.slice(0); if (k.endsWith('.0')) new Uint8Array(copy)[5] ^= 1; return copy; }"), /^storage: .*read back.*\(slot corrupt\)/);
  });

  it('a flash whose set throws: storage error naming the write', async () => {
    assert.match(await save("() => { throw new Error('disk full'); }"), /^storage: writing the credential to flash failed$/);
  });
});
