// Fake Moddable "preference" over a flash model on the Node side (test/device/fake-flash.ts), with the
// ESP32 NVS limits enforced here as the device would: domain and key ≤ 15 characters (a longer domain makes
// get return undefined), values boolean / int32 / string / real ArrayBuffer ≤ 4000 bytes — a Uint8Array or a
// float throws. Erase-then-write and power cuts are modelled by the Node side.
const bridge = () => globalThis.__fakeBridge;
const MAX_NAME = 15;
const MAX_VALUE = 4000;

function checkKey(key) {
  if (typeof key !== 'string' || key.length < 1 || key.length > MAX_NAME) throw new Error(`Preference: key must be 1..${MAX_NAME} characters`);
}
function checkDomain(domain) {
  if (typeof domain !== 'string' || domain.length < 1 || domain.length > MAX_NAME) throw new Error(`Preference: domain must be 1..${MAX_NAME} characters`);
}
function wireValue(value) {
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) throw new Error('Preference: numbers must be int32');
    return { type: 'integer', value };
  }
  if (typeof value === 'string') {
    if (value.length > MAX_VALUE) throw new Error('Preference: value too long');
    return { type: 'string', value };
  }
  if (value instanceof ArrayBuffer) {
    if (value.byteLength > MAX_VALUE) throw new Error('Preference: value too long');
    return { type: 'buffer', value };
  }
  throw new Error('Preference: unsupported value type (use boolean, int32, string or ArrayBuffer)');
}

const Preference = {
  get(domain, key) {
    checkKey(key);
    if (typeof domain !== 'string' || domain.length > MAX_NAME) return undefined;
    const answer = bridge().call('pref.get', { domain, key });
    return answer.found ? answer.value : undefined;
  },
  set(domain, key, value) {
    checkDomain(domain);
    checkKey(key);
    bridge().call('pref.set', { domain, key, ...wireValue(value) });
  },
  delete(domain, key) {
    // esp32/modPreference.c: a domain nvs_open cannot open (too long, or never written) is not an error here.
    if (typeof domain !== 'string' || domain.length < 1 || domain.length > MAX_NAME) return;
    checkKey(key);
    bridge().call('pref.delete', { domain, key });
  },
  // Older esp32/modPreference.c returned an empty array (its NVS iterator code was disabled); the 2023 one
  // lists the keys with nvs_entry_find. Which one a given SDK has is not checked, so device code must not
  // rely on keys() and the fake keeps the conservative [].
  keys(domain) {
    checkDomain(domain);
    return [];
  },
};
export default Preference;
