/**
 * The emulator against the known-answer vectors (test/vectors/tencent-iot.json): the exact vector requests are accepted, answers have Tencent's exact shapes, and the
 * emulator's own primitives reproduce the vectors' independently computed values.
 */
import { strict as assert } from 'node:assert';
import { vectors } from '../vectors/tencent.js';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import { encryptPayload } from '../../host-sim/cloud/payload.js';
import { mqttExpectedPassword, v1ExpectedSignature, v2ExpectedSignature } from '../../host-sim/cloud/signatures.js';
import { checkPassword } from '../../host-sim/cloud/mqtt-login.js';
import { decrypt, post, V1_ERROR, V1_SUCCESS, V2_ERROR, V2_SUCCESS } from './tc-client.js';


const KEY_PLAINTEXT = /^\{"encryptionType":2,"psk":"([A-Za-z0-9+/]{22}==)"\}$/;

describe('cloud: Tencent known-answer vectors', function () {
  this.timeout(60_000);
  let cloud: RunningCloud;
  const secrets: Record<string, string> = {};

  before(async () => {
    for (const v of vectors.legacyRegister) secrets[v.productId] = v.productSecret;
    cloud = await startCloud({
      products: {
        products: Object.entries(secrets).map(([productId, productSecret]) => ({
          productId, productSecret, authMode: 'KEY', dynamicRegistration: 'auto', devices: ['sensor-0001'],
        })),
      },
    });
  });
  after(async () => cloud?.close());

  describe('emulator primitives reproduce the vectors', () => {
    it('v1 signature = Base64(lowercase hex(HMAC-SHA1))', () => {
      for (const v of vectors.legacyRegister) {
        assert.equal(v1ExpectedSignature(v.productSecret, { deviceName: v.deviceName, nonce: String(v.nonce), productId: v.productId, timestamp: String(v.timestamp) }), v.signature);
      }
    });
    it('v2 signature = Base64(raw HMAC) over the eight-line string, both algorithms', () => {
      for (const v of vectors.v2Register) {
        const got = v2ExpectedSignature(v.productSecret, { host: v.host, path: v.path, algorithm: v.algorithm, timestamp: String(v.timestamp), nonce: String(v.nonce), body: Buffer.from(v.body) });
        assert.equal(got, v.signature, `${v.algorithm} ${v.deviceName}`);
      }
    });
    it('payload encryption: AES-128-CBC, zero padding, true length', () => {
      for (const p of vectors.payloads) {
        const encrypted = encryptPayload(p.productSecret, p.plaintext);
        assert.equal(encrypted.payload, p.Payload, p.name);
        assert.equal(encrypted.len, p.Len, p.name);
        // and the test client's own decryption agrees with the vector
        assert.equal(decrypt(p.productSecret, p.Payload, p.Len), p.plaintext);
      }
    });
    it('MQTT password: hex(HMAC(base64-decoded psk, username));algorithm', () => {
      for (const m of vectors.mqtt) {
        assert.equal(mqttExpectedPassword(m.psk, m.username, m.algorithm), m.password);
        assert.equal(checkPassword(m.psk, m.username, m.password), 'ok');
        const flipped = m.password.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
        assert.equal(checkPassword(m.psk, m.username, flipped), 'wrong');
        assert.equal(checkPassword(m.psk, m.username, m.password.split(';')[0] ?? ''), 'malformed');
      }
    });
  });

  describe('v1 POST /register/dev with the exact vector bodies', () => {
    for (const [i, v] of (vectors.legacyRegister as any[]).entries()) {
      it(`vector ${i} (${v.deviceName}) is accepted with Tencent's exact success shape`, async () => {
        const answer = await post(cloud, '/register/dev', v.body, { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/xml,application/json;*/*' });
        assert.equal(answer.status, 200);
        const match = V1_SUCCESS.exec(answer.text);
        assert.ok(match, answer.text);
        const plaintext = decrypt(v.productSecret, match[2]!, Number(match[1]));
        assert.match(plaintext, KEY_PLAINTEXT);
        assert.equal(Number(match[1]), Buffer.byteLength(plaintext));
        assert.equal(Buffer.from(KEY_PLAINTEXT.exec(plaintext)![1]!, 'base64').length, 16);
        // zero padding: the ciphertext is the plaintext rounded up to whole blocks, no extra PKCS#7 block
        assert.equal(Buffer.from(match[2]!, 'base64').length, Math.ceil(Number(match[1]) / 16) * 16);
      });
    }
    it('the classic mistake (Base64 of the raw MAC) gets code 1010 "Check signature failed"', async () => {
      const v = vectors.legacyRegister[0]!;
      const raw = Buffer.from(v.hmacSha1Hex, 'hex').toString('base64');
      const body = v.body.replace(v.signature, raw);
      const answer = await post(cloud, '/register/dev', body);
      const match = V1_ERROR.exec(answer.text);
      assert.ok(match, answer.text);
      assert.equal(match[1], '1010');
      assert.equal(match[2], 'Check signature failed');
    });
  });

  describe('v2 POST /device/register with the exact vector requests', () => {
    for (const [i, v] of (vectors.v2Register as any[]).entries()) {
      it(`vector ${i} (${v.algorithm}, ${v.deviceName}, Host ${v.host}) is accepted with Tencent's exact success shape`, async () => {
        const answer = await post(cloud, v.path, v.body, {
          Host: v.host, 'X-TC-Algorithm': v.algorithm, 'X-TC-Timestamp': String(v.timestamp), 'X-TC-Nonce': String(v.nonce), 'X-TC-Signature': v.signature,
        });
        assert.equal(answer.status, 200);
        const match = V2_SUCCESS.exec(answer.text);
        assert.ok(match, answer.text);
        const plaintext = decrypt(v.productSecret, match[2]!, Number(match[1]));
        assert.match(plaintext, KEY_PLAINTEXT);
        assert.equal(Number(match[1]), Buffer.byteLength(plaintext));
        // sensor-0001 is pre-created (State 1); meter_42 is created by this auto-registration or the earlier v1 one
        if (v.deviceName === 'sensor-0001') assert.equal(match[4], '1');
      });
    }
    it('the same vector signed for another host is refused (the Host header without port is signed)', async () => {
      const v = vectors.v2Register[0]!;
      const answer = await post(cloud, v.path, v.body, {
        Host: `us-east.gateway.tencentdevices.com:443`, 'X-TC-Algorithm': v.algorithm, 'X-TC-Timestamp': String(v.timestamp), 'X-TC-Nonce': '99', 'X-TC-Signature': v.signature,
      });
      const match = V2_ERROR.exec(answer.text);
      assert.ok(match, answer.text);
      assert.equal(match[1], 'AuthFailure.SignatureFailure');
    });
    it('a port in the Host header is not part of the string to sign', async () => {
      const v = vectors.v2Register[1]!;
      // Same vector, now with an explicit port on the Host header: still the vector's signature.
      const body = v.body;
      const fresh = await startCloud({ products: { products: [{ productId: v.productId, productSecret: v.productSecret, authMode: 'KEY', dynamicRegistration: 'auto' }] } });
      try {
        const answer = await post(fresh, v.path, body, {
          Host: `${v.host}:8443`, 'X-TC-Algorithm': v.algorithm, 'X-TC-Timestamp': String(v.timestamp), 'X-TC-Nonce': String(v.nonce), 'X-TC-Signature': v.signature,
        });
        const match = V2_SUCCESS.exec(answer.text);
        assert.ok(match, answer.text);
        assert.equal(match[4], '0', 'a device created by this registration has State 0');
      } finally {
        await fresh.close();
      }
    });
  });
});
