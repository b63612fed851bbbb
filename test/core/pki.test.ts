import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { derToPem, pemToDer } from '../../src/pki/pem.js';
import { rsaPkcs1ToPkcs8 } from '../../src/pki/pkcs8.js';
import { expectIotError } from './support/expect-iot-error.js';
import { vectors } from '../vectors/tencent.js';

const cert = JSON.parse(vectors.payloads.find((p) => p.name === 'cert-mode')!.plaintext) as { clientCert: string; clientKey: string };

/** node:crypto's own PKCS#1 → PKCS#8 conversion: the oracle. */
function nodePkcs8(pkcs1Pem: string): Buffer {
  return createPrivateKey(pkcs1Pem).export({ type: 'pkcs8', format: 'der' });
}

describe('PEM and PKCS#8', () => {
  it('PEM → DER of the cert-mode vector matches node:crypto (certificate and key)', () => {
    assert.deepEqual(Buffer.from(pemToDer(cert.clientCert, 'CERTIFICATE')), new X509Certificate(cert.clientCert).raw);
    const pkcs1 = createPrivateKey(cert.clientKey).export({ type: 'pkcs1', format: 'der' });
    assert.deepEqual(Buffer.from(pemToDer(cert.clientKey, 'RSA PRIVATE KEY')), pkcs1);
  });

  it('PKCS#1 → PKCS#8 of the cert-mode vector key equals node:crypto byte for byte', () => {
    const ours = rsaPkcs1ToPkcs8(pemToDer(cert.clientKey, 'RSA PRIVATE KEY'));
    assert.deepEqual(Buffer.from(ours), nodePkcs8(cert.clientKey));
  });

  for (const modulusLength of [1024, 2048]) {
    it(`PKCS#1 → PKCS#8 of a fresh ${modulusLength}-bit key equals node:crypto, and derToPem equals its PEM`, () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength });
      const pkcs1Pem = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
      const ours = rsaPkcs1ToPkcs8(pemToDer(pkcs1Pem, 'RSA PRIVATE KEY'));
      assert.deepEqual(Buffer.from(ours), nodePkcs8(pkcs1Pem));
      assert.equal(derToPem(ours, 'PRIVATE KEY'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    });
  }

  it('uses short-form DER lengths for a tiny input (hand-computed)', () => {
    // SEQUENCE { INTEGER 0 } wrapped: 30 19 | 02 01 00 | 30 0d 06 09 2a864886f70d010101 05 00 | 04 05 30 03 02 01 00
    const out = rsaPkcs1ToPkcs8(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00));
    assert.equal(Buffer.from(out).toString('hex'), '3019020100300d06092a864886f70d0101010500040530030201 00'.replace(' ', ''));
  });

  it('refuses DER that is not one whole SEQUENCE starting with an INTEGER (bad-input)', () => {
    const good = pemToDer(cert.clientKey, 'RSA PRIVATE KEY');
    expectIotError(() => rsaPkcs1ToPkcs8(good.subarray(0, good.length - 1)), 'bad-input');
    expectIotError(() => rsaPkcs1ToPkcs8(Uint8Array.from([...good, 0])), 'bad-input');
    expectIotError(() => rsaPkcs1ToPkcs8(Uint8Array.of(0x31, 0x03, 0x02, 0x01, 0x00)), 'bad-input');
    expectIotError(() => rsaPkcs1ToPkcs8(Uint8Array.of(0x30, 0x03, 0x04, 0x01, 0x00)), 'bad-input');
    expectIotError(() => rsaPkcs1ToPkcs8(Uint8Array.of(0x30, 0x81, 0x03, 0x02, 0x01, 0x00)), 'bad-input'); // not minimal
    expectIotError(() => rsaPkcs1ToPkcs8(Uint8Array.of(0x30, 0x85, 1, 1, 1, 1, 1)), 'bad-input');
    expectIotError(() => rsaPkcs1ToPkcs8(new Uint8Array(0)), 'bad-input');
    expectIotError(() => rsaPkcs1ToPkcs8(pemToDer(cert.clientCert, 'CERTIFICATE').subarray(4)), 'bad-input');
  });

  it('accepts CRLF line endings and surrounding blank lines', () => {
    const crlf = `\r\n${cert.clientCert.replace(/\n/g, '\r\n')}\r\n\r\n`;
    assert.deepEqual(pemToDer(crlf, 'CERTIFICATE'), pemToDer(cert.clientCert, 'CERTIFICATE'));
  });

  it('is strict about everything else (bad-input)', () => {
    const key = cert.clientKey;
    expectIotError(() => pemToDer(cert.clientCert, 'RSA PRIVATE KEY'), 'bad-input');
    expectIotError(() => pemToDer(key, 'PRIVATE KEY'), 'bad-input');
    expectIotError(() => pemToDer(`junk\n${key}`, 'RSA PRIVATE KEY'), 'bad-input');
    expectIotError(() => pemToDer(`${key}junk`, 'RSA PRIVATE KEY'), 'bad-input');
    expectIotError(() => pemToDer(key + key, 'RSA PRIVATE KEY'), 'bad-input');
    expectIotError(() => pemToDer(key.replace('\n', '\nProc-Type: 4,ENCRYPTED\n\n'), 'RSA PRIVATE KEY'), 'bad-input');
    expectIotError(() => pemToDer(key.replace('MIIE', 'MI*E'), 'RSA PRIVATE KEY'), 'bad-input');
    expectIotError(() => pemToDer('-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----\n', 'RSA PRIVATE KEY'), 'bad-input');
    expectIotError(() => pemToDer('-----BEGIN RSA PRIVATE KEY-----QUJD-----END RSA PRIVATE KEY-----', 'RSA PRIVATE KEY'), 'bad-input');
    expectIotError(() => pemToDer(key, 'rsa key'), 'bad-input');
    expectIotError(() => pemToDer(42 as unknown as string, 'CERTIFICATE'), 'bad-input');
    expectIotError(() => derToPem(new Uint8Array(0), 'CERTIFICATE'), 'bad-input');
  });

  it('derToPem cuts 64-character lines across its 256-character slices (DER lengths around 192 and 384 bytes)', () => {
    for (const length of [1, 47, 48, 49, 190, 191, 192, 193, 194, 240, 383, 384, 385, 1000]) {
      const der = new Uint8Array(length).map((_, i) => i * 37 + 1);
      const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g)!;
      const expected = `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
      assert.equal(derToPem(der, 'CERTIFICATE'), expected, `${length} bytes`);
      assert.deepEqual(pemToDer(expected, 'CERTIFICATE'), der);
    }
  });

  it('treats line breaks and the blanks around them as the documented pattern does, whatever the mix (fast-check)', () => {
    // Reference: the body is the text between the lines with /[ \t]*\r?\n[ \t]*/g removed, then strict Base64.
    const der = pemToDer(cert.clientCert, 'CERTIFICATE');
    const b64 = Buffer.from(der).toString('base64');
    const separator = fc.constantFrom('\n', '\r\n', ' \n', '\n\t', ' \r\n ', '\r\r\n', '\r', ' ', '\n\n', '\r\n\r\n', '\t\r\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(b64.length), separator), { maxLength: 6 }), fc.constantFrom('\n', '\r\n'), (cuts, eol) => {
        const sorted = [...cuts].sort((a, b) => a[0] - b[0]);
        let inner = eol;
        let at = 0;
        for (const [cut, sep] of sorted) {
          inner += b64.slice(at, cut) + sep;
          at = cut;
        }
        inner += b64.slice(at) + eol;
        const pem = `-----BEGIN CERTIFICATE-----${inner}-----END CERTIFICATE-----\n`;
        const body = inner.replace(/[ \t]*\r?\n[ \t]*/g, '');
        if (body === b64) assert.deepEqual(pemToDer(pem, 'CERTIFICATE'), der);
        else expectIotError(() => pemToDer(pem, 'CERTIFICATE'), 'bad-input');
      }),
      { numRuns: 500 },
    );
  });
});
