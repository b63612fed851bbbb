/**
 * Power loss while saving a credential, on the XS engine with the device build's storage code
 * (dist/device/tc-iot-device.js → PreferenceStorage) over the fake NVS.
 *
 * For every k, the flash stops taking writes after the k-th write step (each Preference erase, each write,
 * each delete) of a save; then the device reboots (a fresh XS machine on what the flash kept) and loads.
 * Every run must end with the old credential or the new one — whole — never a mixture, never an error,
 * and never nothing when something was stored before.
 */
import { strict as assert } from 'node:assert';
import { bundleForXs, libraryEntry } from './device-bundle.js';
import { DeviceHost } from './device-host.js';
import { FakeFlash } from './fake-flash.js';
import { deviceSecret, makeCertCredential, type CertCredentialPem } from './fixtures.js';

interface Stored {
  productId: string;
  deviceName: string;
  credential: { kind: 'key'; deviceSecret: string } | { kind: 'cert'; certificatePem: string; privateKeyPem: string };
}

describe('device storage on XS: power loss at every write step', function () {
  this.timeout(180_000);
  let script = '';
  let cert: CertCredentialPem;

  before(async () => {
    script = await bundleForXs(libraryEntry());
    cert = makeCertCredential('K7QW2ZP4XAsensor-0002');
  });

  const keyRecord = (seed: number): Stored => ({ productId: 'K7QW2ZP4XA', deviceName: 'sensor-0001', credential: { kind: 'key', deviceSecret: deviceSecret(seed) } });
  const certRecord = (): Stored => ({ productId: 'K7QW2ZP4XA', deviceName: 'sensor-0002', credential: { kind: 'cert', ...cert } });

  /** Boots on a copy of `flash` that stops after `cutAfter` steps, saves `value`, and returns the flash. */
  async function saveWithCut(flash: FakeFlash, value: Stored, cutAfter: number | undefined): Promise<FakeFlash> {
    const target = flash.snapshot();
    target.cutAfter = cutAfter;
    const device = await DeviceHost.boot(script, { flash: target });
    try {
      await device.call(`new __deviceLibrary.PreferenceStorage().save(${JSON.stringify(value)})`);
    } catch {
      // A save that fails after the power is gone is of no interest: nothing runs after a power cut.
    } finally {
      assert.deepEqual(device.uncaught, []);
      await device.close();
    }
    return target;
  }

  /** Reboots on what `flash` kept and loads. */
  async function loadAfterReboot(flash: FakeFlash): Promise<Stored | null> {
    const device = await DeviceHost.boot(script, { flash: flash.snapshot() });
    try {
      return await device.call<Stored | null>('new __deviceLibrary.PreferenceStorage().load()');
    } finally {
      await device.close();
    }
  }

  /** Runs every cut point of saving `next` over `before`; returns the outcome at each cut. */
  async function everyCut(before: FakeFlash, previous: Stored | null, next: Stored): Promise<string[]> {
    const complete = await saveWithCut(before, next, undefined);
    const total = complete.steps;
    assert.ok(total >= 3, `a save takes several steps, saw ${total}: ${complete.log.join(', ')}`);
    const outcomes: string[] = [];
    for (let cut = 0; cut <= total; cut++) {
      const kept = await saveWithCut(before, next, cut);
      const loaded = await loadAfterReboot(kept);
      if (previous === null) assert.ok(loaded === null || isEqual(loaded, next), `cut after ${cut} of ${total} steps: loaded a mixture ${JSON.stringify(loaded)}`);
      else {
        assert.notEqual(loaded, null, `cut after ${cut} of ${total} steps: the previous credential was lost`);
        assert.ok(isEqual(loaded!, previous) || isEqual(loaded!, next), `cut after ${cut} of ${total} steps: loaded neither the old nor the new credential`);
      }
      outcomes.push(loaded === null ? 'nothing' : isEqual(loaded, next) ? 'new' : 'old');
    }
    // Once the new credential is visible it stays visible at every later cut (a single commit point) …
    const firstNew = outcomes.indexOf('new');
    assert.ok(firstNew >= 0 && outcomes.slice(firstNew).every((outcome) => outcome === 'new'), `outcomes by cut point: ${outcomes.join(' ')}`);
    // … and a save that ran to the end leaves the new one.
    assert.equal(outcomes[total], 'new');
    return outcomes;
  }

  it('first save of a certificate credential: nothing or the new one, at every cut', async () => {
    const outcomes = await everyCut(new FakeFlash(), null, certRecord());
    assert.ok(outcomes.includes('nothing'), 'an early cut must leave nothing');
  });

  it('replacing a key credential with a certificate credential: old or new, never lost', async () => {
    const withKey = await saveWithCut(new FakeFlash(), keyRecord(1), undefined);
    const outcomes = await everyCut(withKey, keyRecord(1), certRecord());
    assert.ok(outcomes.includes('old'));
  });

  it('replacing again, into the slot that holds an older record: old or new, never lost', async () => {
    let flash = await saveWithCut(new FakeFlash(), certRecord(), undefined);
    flash = await saveWithCut(flash, keyRecord(2), undefined);
    // The next save goes to the slot that still holds the certificate record (generation 1).
    const outcomes = await everyCut(flash, keyRecord(2), keyRecord(3));
    assert.ok(outcomes.includes('old'));
  });

  it('a corrupted slot is ignored in favour of the other; with no valid slot, load reports storage', async () => {
    let flash = await saveWithCut(new FakeFlash(), keyRecord(4), undefined);
    flash = await saveWithCut(flash, keyRecord(5), undefined);
    // Flip one byte of the newer slot's data ("b.0"): its CRC no longer matches.
    const newer = flash.get('tciot', 'b.0');
    assert.equal(newer?.type, 'buffer');
    const damaged = new Uint8Array(newer!.value as Uint8Array);
    damaged[3] = damaged[3]! ^ 0x40;
    flash.set('tciot', 'b.0', { type: 'buffer', value: damaged });
    assert.deepEqual(await loadAfterReboot(flash), keyRecord(4));
    const older = flash.get('tciot', 'a.0');
    const damagedOlder = new Uint8Array(older!.value as Uint8Array);
    damagedOlder[5] = damagedOlder[5]! ^ 0x01;
    flash.set('tciot', 'a.0', { type: 'buffer', value: damagedOlder });
    await assert.rejects(loadAfterReboot(flash), (error: { code?: string }) => error.code === 'storage');
  });

  it('a shorter record frees the data values a longer one left in its slot (without Preference.keys)', async () => {
    let flash = await saveWithCut(new FakeFlash(), certRecord(), undefined); // slot a: 2 data values
    assert.ok(flash.get('tciot', 'a.1') !== undefined);
    flash = await saveWithCut(flash, keyRecord(6), undefined); // slot b
    flash = await saveWithCut(flash, keyRecord(7), undefined); // slot a again: 1 data value
    assert.equal(flash.get('tciot', 'a.1'), undefined);
    assert.deepEqual(await loadAfterReboot(flash), keyRecord(7));
  });

  it('stores the certificate and the PKCS#8 key as DER values of at most 4000 bytes, keys of at most 15 characters', async () => {
    const flash = await saveWithCut(new FakeFlash(), certRecord(), undefined);
    const keys = flash.keys('tciot');
    assert.ok(keys.length >= 3, `expected a header and several data values, got ${keys.join(', ')}`);
    let data = Buffer.alloc(0);
    for (const key of keys.filter((name) => /^a\.\d+$/.test(name)).sort()) {
      assert.ok(key.length <= 15);
      const value = flash.get('tciot', key)!;
      assert.equal(value.type, 'buffer');
      assert.ok((value.value as Uint8Array).length <= 4000);
      data = Buffer.concat([data, Buffer.from(value.value as Uint8Array)]);
    }
    // The PEM bodies are not in flash; their DER bytes are (the key as PKCS#8, computed here by node:crypto).
    const { createPrivateKey, X509Certificate } = await import('node:crypto');
    const certDer = new X509Certificate(cert.certificatePem).raw;
    const pkcs8Der = createPrivateKey(cert.privateKeyPem).export({ type: 'pkcs8', format: 'der' });
    assert.ok(data.includes(certDer), 'certificate DER is stored');
    assert.ok(data.includes(pkcs8Der), 'PKCS#8 key DER is stored');
    assert.ok(!data.includes(Buffer.from('BEGIN')), 'no PEM text is stored');
    assert.deepEqual(await loadAfterReboot(flash), certRecord());
  });
});

function isEqual(a: Stored, b: Stored): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
