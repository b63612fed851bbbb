import { strict as assert } from 'node:assert';
import { createCipheriv } from 'node:crypto';
import { jsCrypto } from '../../src/crypto/js-primitives.js';
import { decryptPayload, parseCredentialPlaintext } from '../../src/protocol/payload.js';
import { expectIotError } from './support/expect-iot-error.js';
import { encryptPayload } from './support/node-encrypt.js';
import { vectors } from '../vectors/tencent.js';

const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';
const certVector = vectors.payloads.find((p) => p.name === 'cert-mode')!;
const certPlain = JSON.parse(certVector.plaintext) as { clientCert: string; clientKey: string };

describe('the encrypted registration payload', () => {
  for (const v of vectors.payloads) {
    it(`decrypts vector ${v.name} to its exact plaintext and credential`, () => {
      const text = decryptPayload(v.productSecret, v.Payload, v.Len, jsCrypto);
      assert.equal(text, v.plaintext);
      const plain = JSON.parse(v.plaintext) as { encryptionType: number; psk?: string; clientCert?: string; clientKey?: string };
      const credential = parseCredentialPlaintext(text, plain.encryptionType === 2 ? 'KEY' : 'CERT');
      if (plain.encryptionType === 2) assert.deepEqual(credential, { kind: 'key', deviceSecret: plain.psk });
      else assert.deepEqual(credential, { kind: 'cert', certificatePem: plain.clientCert, privateKeyPem: plain.clientKey });
    });
  }

  it('uses only the first 16 characters of a longer product secret as the key', () => {
    const sealed = encryptPayload('0123456789abcdefTAIL-IGNORED', '{"encryptionType":2,"psk":"AAAA"}');
    assert.equal(decryptPayload('0123456789abcdefOTHER-TAIL', sealed.Payload, sealed.Len, jsCrypto), '{"encryptionType":2,"psk":"AAAA"}');
  });

  it('does not unpad: a plaintext ending in bytes that look like PKCS#7 padding is cut by len only', () => {
    const plaintext = 'x'.repeat(14) + '\u0002\u0002';
    const sealed = encryptPayload(SECRET, plaintext);
    assert.equal(decryptPayload(SECRET, sealed.Payload, 16, jsCrypto), plaintext);
    assert.equal(decryptPayload(SECRET, sealed.Payload, 14, jsCrypto), 'x'.repeat(14));
    assert.equal(decryptPayload(SECRET, sealed.Payload, 0, jsCrypto), '');
  });

  it('accepts len equal to the whole ciphertext (plaintext filling the last block exactly)', () => {
    const plaintext = 'y'.repeat(32);
    const sealed = encryptPayload(SECRET, plaintext);
    assert.equal(Buffer.from(sealed.Payload, 'base64').length, 32);
    assert.equal(decryptPayload(SECRET, sealed.Payload, 32, jsCrypto), plaintext);
  });

  describe('decryptPayload failures', () => {
    const good = encryptPayload(SECRET, '{"encryptionType":2,"psk":"AAAA"}');

    it('a product secret shorter than 16 characters is bad-input, and not quoted', () => {
      const e = expectIotError(() => decryptPayload('fifteen-chars!!', good.Payload, good.Len, jsCrypto), 'bad-input', /16/);
      assert.ok(!e.message.includes('fifteen'));
      expectIotError(() => decryptPayload('', good.Payload, good.Len, jsCrypto), 'bad-input');
    });

    it('malformed Base64 is bad-response', () => {
      for (const payload of ['', 'QUJD!', 'QUJ', 'QUJDRA', '====', ' QUJD', 'QUJD\n', `${good.Payload.slice(0, -2)}?=`]) {
        expectIotError(() => decryptPayload(SECRET, payload, 1, jsCrypto), 'bad-response');
      }
    });

    it('a ciphertext that is not a non-zero multiple of 16 bytes is bad-response', () => {
      for (const size of [1, 15, 17, 31, 33]) {
        expectIotError(() => decryptPayload(SECRET, Buffer.alloc(size, 7).toString('base64'), 1, jsCrypto), 'bad-response', /multiple of 16/);
      }
    });

    it('len larger than the plaintext, negative, fractional or not a number is bad-response', () => {
      for (const len of [49, 1000, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3' as unknown as number]) {
        expectIotError(() => decryptPayload(SECRET, good.Payload, len, jsCrypto), 'bad-response');
      }
    });

    it('a wrong key (garbage that is not UTF-8) is bad-response', () => {
      // Find deterministically a ciphertext block that decrypts (under SECRET) to invalid UTF-8: encrypt 0xff bytes.
      const cipher = createCipheriv('aes-128-cbc', Buffer.from(SECRET.slice(0, 16)), Buffer.from('0000000000000000'));
      cipher.setAutoPadding(false);
      const payload = Buffer.concat([cipher.update(Buffer.alloc(16, 0xff)), cipher.final()]).toString('base64');
      expectIotError(() => decryptPayload(SECRET, payload, 16, jsCrypto), 'bad-response', /UTF-8/);
    });
  });

  describe('parseCredentialPlaintext failures', () => {
    it('refuses an encryptionType that does not match the product and says which', () => {
      expectIotError(() => parseCredentialPlaintext('{"encryptionType":2,"psk":"zDUa5wy4XFn2EbJ8Zwj/og=="}', 'CERT'), 'bad-response', /encryptionType 2.*CERT/);
      expectIotError(() => parseCredentialPlaintext(certVector.plaintext, 'KEY'), 'bad-response', /encryptionType 1.*KEY/);
    });

    it('non-JSON, missing fields and unexpected types are bad-response', () => {
      const bad = [
        '', '{', 'psk', '[]', 'null', '{}', '{"encryptionType":3,"psk":"AAAA"}', '{"encryptionType":"2","psk":"AAAA"}',
        '{"encryptionType":2}', '{"encryptionType":2,"psk":""}', '{"encryptionType":2,"psk":7}', '{"encryptionType":2,"psk":"not base64!"}',
      ];
      for (const text of bad) expectIotError(() => parseCredentialPlaintext(text, 'KEY'), 'bad-response');
      const certBad = [
        '{"encryptionType":1}', JSON.stringify({ encryptionType: 1, clientCert: certPlain.clientCert }),
        JSON.stringify({ encryptionType: 1, clientKey: certPlain.clientKey }),
        JSON.stringify({ encryptionType: 1, clientCert: 5, clientKey: certPlain.clientKey }),
        JSON.stringify({ encryptionType: 1, clientCert: 'not pem', clientKey: certPlain.clientKey }),
        JSON.stringify({ encryptionType: 1, clientCert: certPlain.clientKey, clientKey: certPlain.clientCert }),
      ];
      for (const text of certBad) {
        const e = expectIotError(() => parseCredentialPlaintext(text, 'CERT'), 'bad-response');
        assert.ok(!e.message.includes('MII'), 'no key material in the message');
      }
    });

    it('a bad authMode argument is bad-input', () => {
      expectIotError(() => parseCredentialPlaintext('{"encryptionType":2,"psk":"AAAA"}', 'key' as 'KEY'), 'bad-input');
    });
  });
});
