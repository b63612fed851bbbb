import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import { jsCrypto } from '../../src/crypto/js-primitives.js';
import { buildMqttLogin, connIdFromRandom, mqttPassword, mqttUsername } from '../../src/protocol/mqtt-login.js';
import { brokerHost, gatewayHost, parseRegion } from '../../src/protocol/regions.js';
import { expectIotError } from './support/expect-iot-error.js';
import { vectors } from '../vectors/tencent.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Random bytes that make connIdFromRandom produce `connId` (each byte below 62 maps to itself). */
const bytesFor = (connId: string): Uint8Array => Uint8Array.from([...connId].map((c) => ALPHABET.indexOf(c)));

describe('MQTT login', () => {
  for (const v of vectors.mqtt) {
    it(`vector ${v.clientId} / ${v.sdkAppId} / ${v.algorithm}: client id, username, password, host, port`, () => {
      const login = buildMqttLogin({
        productId: v.productId, deviceName: v.deviceName, region: 'china', credential: { kind: 'key', deviceSecret: v.psk },
        algorithm: v.algorithm, connIdRandom: bytesFor(v.connId), expiry: v.expiry, sdkAppId: v.sdkAppId,
      }, jsCrypto);
      assert.deepEqual(login, { clientId: v.clientId, username: v.username, password: v.password, host: v.host, port: 8883 });
    });
  }

  it('defaults sdkAppId to 21010406 and signs with the Base64-DECODED secret (checked with node:crypto)', () => {
    const psk = 'QUJDREVGR0hJSktMTU5PUA==';
    const login = buildMqttLogin({ productId: 'B2C3D4E5F6', deviceName: 'meter_42', region: 'europe', credential: { kind: 'key', deviceSecret: psk }, algorithm: 'hmacsha256', connIdRandom: bytesFor('abcde'), expiry: 1800000000 }, jsCrypto);
    assert.equal(login.username, 'B2C3D4E5F6meter_42;21010406;abcde;1800000000');
    const expected = createHmac('sha256', Buffer.from(psk, 'base64')).update(login.username).digest('hex');
    assert.equal(login.password, `${expected};hmacsha256`);
    assert.equal(login.host, 'B2C3D4E5F6.europe.iothub.tencentdevices.com');
  });

  it('has no password for a certificate credential', () => {
    const login = buildMqttLogin({ productId: 'K7QW2ZP4XA', deviceName: 'd1', region: 'china', credential: { kind: 'cert', certificatePem: 'x', privateKeyPem: 'y' }, algorithm: 'hmacsha1', connIdRandom: bytesFor('AAAAA'), expiry: 1 }, jsCrypto);
    assert.equal(login.password, undefined);
    assert.ok(!('password' in login));
  });

  describe('connIdFromRandom', () => {
    it('maps bytes to [A-Za-z0-9] and skips bytes ≥ 248 (rejection sampling)', () => {
      assert.equal(connIdFromRandom(Uint8Array.of(0, 25, 26, 51, 52, 61)), 'AZaz0');
      assert.equal(connIdFromRandom(Uint8Array.of(248, 255, 62, 1, 2, 3, 4)), 'ABCDE');
      assert.equal(connIdFromRandom(Uint8Array.of(250, 0, 1, 2, 3, 4)), 'ABCDE');
    });

    it('uses a byte without rejection only when it is needed to finish', () => {
      assert.equal(connIdFromRandom(Uint8Array.of(255, 255, 255, 255, 255)), 'HHHHH'); // 255 % 62 = 7 → H
    });

    it('is unbiased over all single-byte values it accepts', () => {
      const counts = new Map<string, number>();
      for (let b = 0; b < 248; b++) {
        const c = connIdFromRandom(Uint8Array.of(b, 0, 0, 0, 0, 0, 0, 0))[0]!;
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      assert.equal(counts.size, 62);
      for (const n of counts.values()) assert.equal(n, 4);
    });

    it('needs at least 5 bytes', () => {
      expectIotError(() => connIdFromRandom(new Uint8Array(4)), 'bad-input');
    });
  });

  it('rejects bad username parts and a secret that is not Base64 (without quoting it)', () => {
    expectIotError(() => mqttUsername('c', '2101x', 'abcde', 1), 'bad-input');
    expectIotError(() => mqttUsername('c', '21010406', 'abcd', 1), 'bad-input');
    expectIotError(() => mqttUsername('c', '21010406', 'abcde', -1), 'bad-input');
    const e = expectIotError(() => mqttPassword('not*base64', 'u', 'hmacsha1', jsCrypto), 'bad-input');
    assert.ok(!e.message.includes('not*base64'));
    expectIotError(() => mqttPassword('AAAA', 'u', 'hmacmd5' as 'hmacsha1', jsCrypto), 'unsupported');
  });
});

describe('regions', () => {
  it('knows every region\'s gateways and broker', () => {
    assert.equal(gatewayHost('china', 'v1'), 'gateway.tencentdevices.com');
    assert.equal(gatewayHost('china', 'v2'), 'ap-guangzhou.gateway.tencentdevices.com');
    for (const r of ['us-east', 'europe', 'ap-bangkok'] as const) {
      assert.equal(gatewayHost(r, 'v1'), `${r}.gateway.tencentdevices.com`);
      assert.equal(gatewayHost(r, 'v2'), `${r}.gateway.tencentdevices.com`);
    }
    assert.equal(brokerHost('P1', 'china'), 'P1.iotcloud.tencentdevices.com');
    assert.equal(brokerHost('P1', 'us-east'), 'P1.us-east.iotcloud.tencentdevices.com');
    assert.equal(brokerHost('P1', 'europe'), 'P1.europe.iothub.tencentdevices.com');
    assert.equal(brokerHost('P1', 'ap-bangkok'), 'P1.ap-bangkok.iothub.tencentdevices.com');
  });

  it('parses region names forgivingly but refuses unknown ones', () => {
    assert.equal(parseRegion(' Europe '), 'europe');
    assert.equal(parseRegion('AP-BANGKOK'), 'ap-bangkok');
    for (const bad of ['', 'mars', 'ap-guangzhou', 1, null, undefined]) expectIotError(() => parseRegion(bad), 'bad-input');
    expectIotError(() => gatewayHost('mars' as 'china', 'v1'), 'bad-input');
    expectIotError(() => gatewayHost('china', 'v3' as 'v1'), 'bad-input');
  });
});
