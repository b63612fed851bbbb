/**
 * HMAC-SHA1 against RFC 2202 §3 and HMAC-SHA256 against RFC 4231 §4 (all seven cases, including the
 * truncated case 5 and the 131-byte keys; vectors in test/vectors/standard.ts), the Tencent signature vectors,
 * and node:crypto for keys shorter than, equal to and longer than the 64-byte block.
 */
import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { hmacSha1, hmacSha256 } from '../../src/crypto/hmac.js';
import { hmacSha1Vectors, hmacSha256Vectors, type HmacVector } from '../vectors/standard.js';
import { vectors as tencent } from '../vectors/tencent.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));


const messageOf = (v: HmacVector): Uint8Array => (v.messageHex !== undefined ? new Uint8Array(Buffer.from(v.messageHex, 'hex')) : ascii(v.messageAscii ?? ''));

/** Key lengths around the 64-byte block: short, one less, exactly, one more (hashed first), and long. */
const KEY_LENGTHS = [0, 1, 16, 20, 32, 63, 64, 65, 131, 200];
const MESSAGE_LENGTHS = [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129];

for (const [name, fn, vectors, nodeName] of [
  ['hmacSha1', hmacSha1, hmacSha1Vectors, 'sha1'],
  ['hmacSha256', hmacSha256, hmacSha256Vectors, 'sha256'],
] as const) {
  describe(name, () => {
    for (const v of vectors) {
      it(`matches ${v.source}`, () => {
        const mac = hex(fn(new Uint8Array(Buffer.from(v.keyHex, 'hex')), messageOf(v)));
        // RFC 4231 case 5 gives only the first 128 bits; all others are the full digest.
        assert.equal(mac.slice(0, v.digestHex.length), v.digestHex);
      });
    }

    it('agrees with node:crypto for every key length around the block and message length around the padding', () => {
      for (const kl of KEY_LENGTHS) {
        for (const ml of MESSAGE_LENGTHS) {
          const key = new Uint8Array(kl).map((_, i) => (i * 7 + kl) & 255);
          const m = new Uint8Array(ml).map((_, i) => (i * 13 + ml) & 255);
          assert.equal(hex(fn(key, m)), createHmac(nodeName, key).update(m).digest('hex'), `key ${kl}, message ${ml}`);
        }
      }
    });

    it('agrees with node:crypto on random keys (up to 200 bytes) and messages (up to 3 KiB) (fast-check)', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 3072 }), (key, m) => hex(fn(key, m)) === createHmac(nodeName, key).update(m).digest('hex')),
        { numRuns: 200 },
      );
    });

    it('does not modify the key or the message', () => {
      const key = new Uint8Array(70).fill(0xaa);
      const m = new Uint8Array(10).fill(1);
      fn(key, m);
      assert.ok(key.every((b) => b === 0xaa));
      assert.ok(m.every((b) => b === 1));
    });
  });
}

describe('HMAC on the Tencent signing vectors (test/vectors/tencent-iot.json)', () => {
  for (const v of tencent.legacyRegister) {
    it(`v1 sign source of ${v.signSource.slice(0, 40)}…`, () => {
      assert.equal(hex(hmacSha1(ascii(v.productSecret), ascii(v.signSource))), v.hmacSha1Hex);
    });
  }
  for (const v of tencent.v2Register) {
    it(`v2 ${v.algorithm} string to sign`, () => {
      const fn = v.algorithm === 'hmacsha1' ? hmacSha1 : hmacSha256;
      assert.equal(Buffer.from(fn(ascii(v.productSecret), ascii(v.stringToSign))).toString('base64'), v.signature);
    });
  }
  for (const v of tencent.mqtt) {
    it(`MQTT ${v.algorithm} password for ${v.username.slice(0, 20)}…`, () => {
      // PROTOCOL.md §6: keyed with the Base64-decoded device secret, over the username.
      const fn = v.algorithm === 'hmacsha1' ? hmacSha1 : hmacSha256;
      assert.equal(`${hex(fn(new Uint8Array(Buffer.from(v.psk, 'base64')), ascii(v.username)))};${v.algorithm}`, v.password);
    });
  }
});
