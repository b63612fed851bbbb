import { strict as assert } from 'node:assert';
import {
  certFileNames, certFileNamesFor, keyNeedsRegistration, parseDeviceInfo, recordFromDeviceInfo, updateDeviceInfo,
} from '../../src/device/device-info.js';
import { deviceNameFromMac, validateDeviceName } from '../../src/device/device-name.js';
import { expectIotError } from './support/expect-iot-error.js';

const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';

/** The C SDK's dynreg_device_info.json, exactly as it ships (placeholders and all, tab-indented). */
const C_SDK_FILE = `{
\t"auth_mode":"KEY",
\t"productId":"K7QW2ZP4XA",
\t"productSecret":"${SECRET}",
\t"deviceName":"sensor-0001",
\t"key_deviceinfo":{
\t\t"deviceSecret":"YOUR_IOT_PSK"
\t},
\t"cert_deviceinfo":{
\t\t"devCertFile":"YOUR_DEVICE_CERT_FILE_NAME",
\t\t"devPrivateKeyFile":"YOUR_DEVICE_PRIVATE_KEY_FILE_NAME"
\t}
}
`;

const file = (fields: Record<string, unknown>): string => JSON.stringify({ auth_mode: 'KEY', productId: 'K7QW2ZP4XA', productSecret: SECRET, deviceName: 'sensor-0001', ...fields });

describe('device names', () => {
  it('accepts [A-Za-z0-9:_-]{1,48} and nothing else', () => {
    for (const ok of ['a', 'A4:D1:8C:DB:C0:20', 'meter_42', 'x-y', 'Z'.repeat(48)]) assert.equal(validateDeviceName(ok), ok);
    for (const bad of ['', 'Z'.repeat(49), 'a b', 'a.b', 'a/b', 'é', 'a\n', 42, null]) expectIotError(() => validateDeviceName(bad), 'bad-input', /deviceName/);
  });

  it('makes the canonical upper-case colon form from any MAC spelling', () => {
    for (const mac of ['a4:d1:8c:db:c0:20', 'A4:D1:8C:DB:C0:20', 'a4-d1-8c-db-c0-20', 'A4D18CDBC020', 'a4d1.8cdb.c020', ' a4:d1:8c:db:c0:20\n']) {
      assert.equal(deviceNameFromMac(mac), 'A4:D1:8C:DB:C0:20', mac);
    }
    assert.equal(validateDeviceName(deviceNameFromMac('000000000000')), '00:00:00:00:00:00');
    for (const bad of ['a4:d1:8c:db:c0', 'a4:d1-8c:db:c0:20', 'g4d18cdbc020', 'a4d18cdbc0201', '', 7]) expectIotError(() => deviceNameFromMac(bad), 'bad-input');
  });
});

describe('device-info file', () => {
  it('parses the C SDK file as shipped: key mode, china, not registered yet', () => {
    const info = parseDeviceInfo(C_SDK_FILE);
    assert.deepEqual(info, {
      authMode: 'KEY', productId: 'K7QW2ZP4XA', productSecret: SECRET, deviceName: 'sensor-0001', region: 'china',
      deviceSecret: 'YOUR_IOT_PSK', devCertFile: 'YOUR_DEVICE_CERT_FILE_NAME', devPrivateKeyFile: 'YOUR_DEVICE_PRIVATE_KEY_FILE_NAME',
    });
    assert.equal(keyNeedsRegistration(info), true);
    assert.equal(recordFromDeviceInfo(info).credential, undefined);
  });

  it('applies the key-mode "not registered yet" rule', () => {
    for (const block of [undefined, {}, { deviceSecret: '' }, { deviceSecret: '  ' }, { deviceSecret: 'YOUR_IOT_PSK' }, { deviceSecret: 'YOUR_DEVICE_SECRET' }, { deviceSecret: null }]) {
      assert.equal(keyNeedsRegistration(parseDeviceInfo(file(block === undefined ? {} : { key_deviceinfo: block }))), true, JSON.stringify(block));
    }
    const registered = parseDeviceInfo(file({ key_deviceinfo: { deviceSecret: 'zDUa5wy4XFn2EbJ8Zwj/og==' } }));
    assert.equal(keyNeedsRegistration(registered), false);
    assert.deepEqual(recordFromDeviceInfo(registered).credential, { kind: 'key', deviceSecret: 'zDUa5wy4XFn2EbJ8Zwj/og==' });
  });

  it('does not need the product secret once a key device is registered', () => {
    const info = parseDeviceInfo(file({ productSecret: 'YOUR_PRODUCT_SECRET', key_deviceinfo: { deviceSecret: 'zDUa5wy4XFn2EbJ8Zwj/og==' } }));
    assert.equal(keyNeedsRegistration(info), false);
    expectIotError(() => parseDeviceInfo(file({ productSecret: 'YOUR_PRODUCT_SECRET' })), 'bad-input', /placeholder/);
  });

  it('exposes the cert file names only when both are real names', () => {
    const cert = (block: unknown): string => file({ auth_mode: 'CERT', cert_deviceinfo: block });
    for (const block of [{}, { devCertFile: 'a.crt' }, { devCertFile: 'a.crt', devPrivateKeyFile: 'YOUR_DEVICE_PRIVATE_KEY_FILE_NAME' }, { devCertFile: '', devPrivateKeyFile: 'b.key' }]) {
      const info = parseDeviceInfo(cert(block));
      assert.equal(certFileNames(info), undefined);
    }
    const info = parseDeviceInfo(cert({ devCertFile: 'd_cert.crt', devPrivateKeyFile: 'd_private.key' }));
    assert.equal(keyNeedsRegistration(info), false);
    assert.deepEqual(certFileNames(info), { devCertFile: 'd_cert.crt', devPrivateKeyFile: 'd_private.key' });
    assert.deepEqual(recordFromDeviceInfo(info, { certificatePem: 'C', privateKeyPem: 'K' }).credential, { kind: 'cert', certificatePem: 'C', privateKeyPem: 'K' });
  });

  it('reads region forgivingly (optional, default china, any case) but auth_mode exactly (the wire values)', () => {
    assert.equal(parseDeviceInfo(file({})).region, 'china');
    assert.equal(parseDeviceInfo(file({ region: 'us-east' })).region, 'us-east');
    assert.equal(parseDeviceInfo(file({ region: 'Europe' })).region, 'europe');
    assert.equal(parseDeviceInfo(file({ auth_mode: 'CERT' })).authMode, 'CERT');
    for (const mode of ['cert', 'key', 'Key', ' KEY', 'KEY ']) {
      expectIotError(() => parseDeviceInfo(file({ auth_mode: mode })), 'bad-input', /auth_mode must be "KEY" or "CERT" \(upper case/);
    }
    assert.equal(parseDeviceInfo(`\uFEFF${file({})}`).productId, 'K7QW2ZP4XA');
  });

  it('refuses a key repeated in one object (ambiguous), naming the key and where, never a value', () => {
    const top = `{"auth_mode":"KEY","productId":"K7QW2ZP4XA","productSecret":"${SECRET}","deviceName":"a","deviceName":"b"}`;
    expectIotError(() => parseDeviceInfo(top), 'bad-input', /the key "deviceName" twice: it is ambiguous/);
    const nested = `{"auth_mode":"KEY","productId":"K7QW2ZP4XA","productSecret":"${SECRET}","deviceName":"a","key_deviceinfo":{"deviceSecret":"QUJD","deviceSecret":"REVG"}}`;
    const e = expectIotError(() => parseDeviceInfo(nested), 'bad-input', /the key "deviceSecret" twice in "key_deviceinfo"/);
    assert.ok(!e.message.includes('QUJD') && !e.message.includes('REVG'));
    expectIotError(() => updateDeviceInfo(nested, { kind: 'key', deviceSecret: 'QUJD' }), 'bad-input', /twice/);
    // The same key spelled with an escape is the same key.
    expectIotError(() => parseDeviceInfo(top.replace('"deviceName":"b"', '"device\\u004eame":"b"')), 'bad-input', /twice/);
    // The same key in two different objects, or inside strings, is not a repeat.
    const fine = `{"auth_mode":"KEY","productId":"K7QW2ZP4XA","productSecret":"${SECRET}","deviceName":"a","x":{"deviceName":"z","l":[{"k":1},{"k":2}]},"s":"\\"deviceName\\":1"}`;
    assert.equal(parseDeviceInfo(fine).deviceName, 'a');
  });

  it('keeps a UTF-8 byte order mark on write-back', () => {
    const out = updateDeviceInfo(`\uFEFF${file({})}\n`, { kind: 'key', deviceSecret: 'zDUa5wy4XFn2EbJ8Zwj/og==' });
    assert.ok(out.startsWith('\uFEFF{'), JSON.stringify(out.slice(0, 3)));
    assert.ok(out.endsWith('}\n'));
    assert.equal(parseDeviceInfo(out).deviceSecret, 'zDUa5wy4XFn2EbJ8Zwj/og==');
    assert.ok(!updateDeviceInfo(file({}), { kind: 'key', deviceSecret: 'QUJD' }).startsWith('\uFEFF'), 'and adds none');
  });

  it('cert file names must be bare names inside certs/ (placeholders pass)', () => {
    const cert = (block: unknown): string => file({ auth_mode: 'CERT', cert_deviceinfo: block });
    for (const bad of ['../../etc/passwd', '/etc/passwd', 'sub/x.crt', 'a\\b.crt', '..', '.']) {
      expectIotError(() => parseDeviceInfo(cert({ devCertFile: bad, devPrivateKeyFile: 'k.key' })), 'bad-input', /devCertFile must be a bare file name inside certs\//);
      expectIotError(() => parseDeviceInfo(cert({ devCertFile: 'c.crt', devPrivateKeyFile: bad })), 'bad-input', /devPrivateKeyFile must be a bare file name/);
    }
    assert.deepEqual(certFileNames(parseDeviceInfo(cert({ devCertFile: 'd_cert.crt', devPrivateKeyFile: 'd_private.key' }))), { devCertFile: 'd_cert.crt', devPrivateKeyFile: 'd_private.key' });
    assert.equal(certFileNames(parseDeviceInfo(cert({ devCertFile: 'YOUR_DEVICE_CERT_FILE_NAME', devPrivateKeyFile: 'YOUR_DEVICE_PRIVATE_KEY_FILE_NAME' }))), undefined);
  });

  it('names the wrong field and never echoes a value', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ auth_mode: undefined }, /auth_mode/], [{ auth_mode: 'PSK' }, /auth_mode/], [{ productId: undefined }, /productId/],
      [{ productId: 'K7.QW' }, /productId/], [{ deviceName: 'bad name' }, /deviceName/], [{ deviceName: 5 }, /deviceName/],
      [{ region: 'mars' }, /region/], [{ region: 3 }, /region/], [{ productSecret: undefined }, /productSecret/],
      [{ productSecret: 'short-Secret-15' }, /productSecret/], [{ productSecret: 'sixteen chars ok' }, /productSecret/],
      [{ key_deviceinfo: 'x' }, /key_deviceinfo/], [{ key_deviceinfo: { deviceSecret: 5 } }, /deviceSecret/],
      [{ cert_deviceinfo: [] }, /cert_deviceinfo/], [{ cert_deviceinfo: { devCertFile: true } }, /devCertFile/],
    ];
    for (const [fields, pattern] of cases) {
      const e = expectIotError(() => parseDeviceInfo(file(fields)), 'bad-input', pattern);
      assert.ok(!e.message.includes(SECRET) && !e.message.includes('short-Secret'), e.message);
    }
    for (const text of ['', '{', '[]', 'null', '"x"']) expectIotError(() => parseDeviceInfo(text), 'bad-input', /device-info/);
  });

  describe('updateDeviceInfo', () => {
    it('writes the device secret into the C SDK file, keeping every key, its order and the tab indentation', () => {
      const out = updateDeviceInfo(C_SDK_FILE, { kind: 'key', deviceSecret: 'zDUa5wy4XFn2EbJ8Zwj/og==' });
      assert.equal(out, C_SDK_FILE.replace('YOUR_IOT_PSK', 'zDUa5wy4XFn2EbJ8Zwj/og==').replace(/":"/g, '": "').replace(/":\{/g, '": {'));
      assert.equal(keyNeedsRegistration(parseDeviceInfo(out)), false);
    });

    it('keeps unknown keys and nested blocks as they were, and adds a missing block at the end', () => {
      const text = JSON.stringify({ comment: 'mine', auth_mode: 'KEY', productId: 'K7QW2ZP4XA', extra: { a: [1, 2] }, productSecret: SECRET, deviceName: 'd', zzz: null }, null, 2);
      const out = JSON.parse(updateDeviceInfo(text, { kind: 'key', deviceSecret: 'QUJD' })) as Record<string, unknown>;
      assert.deepEqual(Object.keys(out), ['comment', 'auth_mode', 'productId', 'extra', 'productSecret', 'deviceName', 'zzz', 'key_deviceinfo']);
      assert.deepEqual(out.extra, { a: [1, 2] });
      assert.deepEqual(out.key_deviceinfo, { deviceSecret: 'QUJD' });
    });

    it('writes the C SDK cert file names for a certificate credential, keeping other keys in the block', () => {
      const text = file({ auth_mode: 'CERT', deviceName: 'A4:D1:8C:DB:C0:20', cert_deviceinfo: { note: 'x', devCertFile: 'YOUR_DEVICE_CERT_FILE_NAME', devPrivateKeyFile: 'YOUR_DEVICE_PRIVATE_KEY_FILE_NAME' } });
      const out = JSON.parse(updateDeviceInfo(text, { kind: 'cert', certificatePem: 'C', privateKeyPem: 'K' })) as { cert_deviceinfo: unknown };
      assert.deepEqual(out.cert_deviceinfo, { note: 'x', devCertFile: 'A4:D1:8C:DB:C0:20_cert.crt', devPrivateKeyFile: 'A4:D1:8C:DB:C0:20_private.key' });
      assert.ok(!JSON.stringify(out).includes('"C"'), 'PEM texts are not put into the file');
      assert.deepEqual(certFileNamesFor('d1'), { devCertFile: 'd1_cert.crt', devPrivateKeyFile: 'd1_private.key' });
      const named = JSON.parse(updateDeviceInfo(text, { devCertFile: 'a.crt', devPrivateKeyFile: 'b.key' })) as { cert_deviceinfo: unknown };
      assert.deepEqual(named.cert_deviceinfo, { note: 'x', devCertFile: 'a.crt', devPrivateKeyFile: 'b.key' });
    });

    it('refuses a credential of the wrong kind, and broken files (bad-input)', () => {
      expectIotError(() => updateDeviceInfo(C_SDK_FILE, { kind: 'cert', certificatePem: 'C', privateKeyPem: 'K' }), 'bad-input', /auth_mode is KEY/);
      expectIotError(() => updateDeviceInfo(file({ auth_mode: 'CERT' }), { kind: 'key', deviceSecret: 'QUJD' }), 'bad-input', /auth_mode is CERT/);
      expectIotError(() => updateDeviceInfo(C_SDK_FILE, { kind: 'key', deviceSecret: '' }), 'bad-input');
      expectIotError(() => updateDeviceInfo('{', { kind: 'key', deviceSecret: 'QUJD' }), 'bad-input');
    });
  });
});
