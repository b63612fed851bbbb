// The shared vector table checked against node:crypto, an independent implementation: a typo in a
// hand-copied digest fails here, before it can make a correct implementation look wrong (or a wrong one right).
import { strict as assert } from 'node:assert';
import { createDecipheriv, createHash, createHmac } from 'node:crypto';
import { aesCbcDecryptVectors, base64Vectors, hmacSha1Vectors, hmacSha256Vectors, sha1Vectors, sha256Vectors } from './standard.js';
import type { HashVector, HmacVector } from './standard.js';

function messageBytes(v: { messageAscii?: string; messageHex?: string; repeat?: number }): Buffer {
  assert.ok((v.messageAscii === undefined) !== (v.messageHex === undefined), 'exactly one of messageAscii / messageHex');
  const one = v.messageHex !== undefined ? Buffer.from(v.messageHex, 'hex') : Buffer.from(v.messageAscii ?? '', 'latin1');
  return Buffer.concat(Array.from({ length: v.repeat ?? 1 }, () => one));
}

describe('test/vectors/standard.ts agrees with node:crypto', () => {
  const hashes: [string, readonly HashVector[]][] = [['sha1', sha1Vectors], ['sha256', sha256Vectors]];
  for (const [algorithm, vectors] of hashes) {
    it(`${algorithm}: ${vectors.length} vectors`, () => {
      for (const v of vectors) assert.equal(createHash(algorithm).update(messageBytes(v)).digest('hex'), v.digestHex, v.source);
    });
  }

  const macs: [string, readonly HmacVector[]][] = [['sha1', hmacSha1Vectors], ['sha256', hmacSha256Vectors]];
  for (const [algorithm, vectors] of macs) {
    it(`hmac-${algorithm}: ${vectors.length} vectors`, () => {
      for (const v of vectors) {
        const mac = createHmac(algorithm, Buffer.from(v.keyHex, 'hex')).update(messageBytes(v)).digest('hex');
        assert.equal(mac.slice(0, v.digestHex.length), v.digestHex, v.source);
      }
    });
  }

  it(`aes-cbc decrypt: ${aesCbcDecryptVectors.length} vectors`, () => {
    for (const v of aesCbcDecryptVectors) {
      const key = Buffer.from(v.keyHex, 'hex');
      const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.from(v.ivHex, 'hex')).setAutoPadding(false);
      const plain = Buffer.concat([decipher.update(Buffer.from(v.ciphertextHex, 'hex')), decipher.final()]);
      assert.equal(plain.toString('hex'), v.plaintextHex, v.source);
    }
  });

  it(`base64: ${base64Vectors.length} vectors`, () => {
    for (const v of base64Vectors) assert.equal(Buffer.from(v.bytesAscii, 'latin1').toString('base64'), v.base64, v.source);
  });
});
