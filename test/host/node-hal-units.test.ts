/**
 * Node-HAL details the portable contract cannot see: the logger's levels and redaction backstop, the mapping
 * of Node errors to codes, the pinned roots, and the device-info storage's file rules.
 */
import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { caPemFor, DeviceInfoFileStorage, DIGICERT_GLOBAL_ROOT_CA_PEM, iotErrorFromNode, Logger, redactSecrets, TENCENT_IOTHUB_ROOT_PEM } from '../../hal/node/index.js';

describe('Node HAL details', () => {
  describe('logger', () => {
    it('is silent by default and writes only up to its level', () => {
      const lines: string[] = [];
      const silent = new Logger({ write: (line) => lines.push(line) });
      silent.log('error', 'nothing');
      assert.equal(lines.length, 0);
      const info = new Logger({ level: 'info', write: (line) => lines.push(line) });
      info.log('debug', 'too detailed');
      info.log('info', 'kept');
      info.log('error', 'kept too');
      assert.equal(lines.length, 2);
      assert.match(lines[0]!, / info  kept\n$/);
    });

    it('masks registered secrets, PEM private keys and MQTT passwords even if a caller passes them', () => {
      const lines: string[] = [];
      const logger = new Logger({ level: 'debug', write: (line) => lines.push(line) });
      logger.addSecret('mR4tQ8zLw2Vn6YpC1sHb9dKf');
      logger.log('debug', 'secret=mR4tQ8zLw2Vn6YpC1sHb9dKf pem=-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY----- pw=3f2a9c0d1e4b5a6978877665544332211aabbccdd;hmacsha1');
      assert.equal(lines.length, 1);
      assert.doesNotMatch(lines[0]!, /mR4tQ8zL|MIIEpAIBAAKCAQEA|3f2a9c0d1e4b/);
      assert.match(lines[0]!, /\[redacted\]/);
      assert.equal(lines[0]!.split('\n').length, 2, 'one line');
    });

    it('never throws, even when the sink does', () => {
      const logger = new Logger({ level: 'debug', write: () => { throw new Error('disk full'); } });
      assert.doesNotThrow(() => logger.log('error', 'x'));
    });

    it('redactSecrets leaves ordinary text alone and ignores too-short "secrets"', () => {
      assert.equal(redactSecrets('register K7QW2ZP4XA/sensor-1: attempt 1', ['abc']), 'register K7QW2ZP4XA/sensor-1: attempt 1');
    });
  });

  describe('error mapping', () => {
    const cases: Array<[string, string]> = [
      ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'], ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'], ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
      ['CERT_HAS_EXPIRED', 'tls'],
      ['ECONNREFUSED', 'transport'], ['ENOTFOUND', 'transport'], ['ECONNRESET', 'transport'], ['ETIMEDOUT', 'timeout'],
    ];
    for (const [nodeCode, code] of cases) {
      it(`${nodeCode} → ${code}`, () => {
        const error = Object.assign(new Error('x'), { code: nodeCode });
        const mapped = iotErrorFromNode(error, 'gateway.example:443');
        assert.equal(mapped.code, code);
        assert.match(mapped.message, /gateway\.example:443/);
        if (code === 'tls') assert.match(mapped.message, /TLS verification failed.*--ca FILE/);
      });
    }
    it('a handshake failure that is not about the certificate (a plain-text server) → tls, blamed on the scheme or port, not on the CA', () => {
      const mapped = iotErrorFromNode(Object.assign(new Error('x'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }), 'gateway.example:443');
      assert.equal(mapped.code, 'tls');
      assert.match(mapped.message, /TLS handshake with gateway\.example:443 failed \(ERR_SSL_WRONG_VERSION_NUMBER\): the server does not speak TLS there/);
      assert.doesNotMatch(mapped.message, /--ca/);
    });
  });

  describe('pinned trust anchors', () => {
    it('the Tencent Iothub root is the self-signed 2017-2032 certificate of O=Tencent, OU=Tencent Iothub', () => {
      const root = new X509Certificate(TENCENT_IOTHUB_ROOT_PEM);
      assert.match(root.subject, /O=Tencent/);
      assert.match(root.subject, /OU=Tencent Iothub/);
      assert.match(root.subject, /CN=www\.tencent\.com/);
      assert.equal(root.subject, root.issuer);
      assert.ok(root.verify(root.publicKey), 'self-signature valid');
      assert.equal(new Date(root.validFrom).toISOString(), '2017-11-27T04:20:59.000Z');
      assert.equal(new Date(root.validTo).toISOString(), '2032-11-23T04:20:59.000Z');
      assert.equal(root.fingerprint256, '3B:1F:A1:E1:14:9E:3F:3B:D3:72:27:30:DB:EF:9E:B7:2E:C4:B9:FD:95:55:30:63:A9:C6:0B:A6:27:78:E7:40');
    });

    it('DigiCert Global Root CA is the one in Node\'s root store, and v2 uses it', () => {
      const digicert = new X509Certificate(DIGICERT_GLOBAL_ROOT_CA_PEM);
      assert.match(digicert.subject, /CN=DigiCert Global Root CA/);
      assert.equal(digicert.fingerprint256, '43:48:A0:E9:44:4C:78:CB:26:5E:05:8D:5E:89:44:B4:D8:4F:96:62:BD:26:DB:25:7F:89:34:A4:43:C7:01:61');
      assert.ok(rootCertificates.some((pem) => new X509Certificate(pem).fingerprint256 === digicert.fingerprint256), "in Node's bundled root store");
      assert.equal(caPemFor('public-web'), DIGICERT_GLOBAL_ROOT_CA_PEM);
      assert.equal(caPemFor('tencent-iothub'), TENCENT_IOTHUB_ROOT_PEM);
      assert.equal(caPemFor('public-web', 'CONFIGURED'), 'CONFIGURED');
    });
  });

  describe('device-info storage', () => {
    let folder = '';
    beforeEach(async () => { folder = await mkdtemp(join(tmpdir(), 'node-hal-units-')); });
    afterEach(async () => { await rm(folder, { recursive: true, force: true }); });

    const info = (extra: Record<string, unknown> = {}): string => JSON.stringify({ auth_mode: 'KEY', productId: 'K7QW2ZP4XA', productSecret: 'mR4tQ8zLw2Vn6YpC1sHb9dKf', deviceName: 'sensor-1', ...extra }, null, 2);

    it('a missing file is "not registered"', async () => {
      assert.equal(await new DeviceInfoFileStorage(join(folder, 'none.json')).load(), undefined);
    });

    it('refuses to store another device\'s credential in the file', async () => {
      const file = join(folder, 'device_info.json');
      await writeFile(file, info());
      const storage = new DeviceInfoFileStorage(file);
      await assert.rejects(storage.save({ productId: 'K7QW2ZP4XA', deviceName: 'other', credential: { kind: 'key', deviceSecret: 'AAAAAAAAAAAAAAAAAAAAAA==' } }), { code: 'storage' });
      await assert.rejects(storage.save({ productId: 'K7QW2ZP4XA', deviceName: 'sensor-1', credential: { kind: 'cert', certificatePem: 'x', privateKeyPem: 'y' } }), { code: 'storage' });
      assert.equal(await readFile(file, 'utf8'), info(), 'untouched');
    });

    it('a corrupt file is a storage error on load, not "not registered"', async () => {
      const file = join(folder, 'device_info.json');
      await writeFile(file, '{"auth_mode":');
      await assert.rejects(new DeviceInfoFileStorage(file).load(), { code: 'storage' });
    });

    it('a cert_deviceinfo name that leaves certs/ is refused', async () => {
      const file = join(folder, 'device_info.json');
      await writeFile(file, info({ auth_mode: 'CERT', cert_deviceinfo: { devCertFile: '../../etc/passwd', devPrivateKeyFile: 'k.key' } }));
      await assert.rejects(new DeviceInfoFileStorage(file).load(), { code: 'storage' });
    });

    it('cert mode writes the key 0600 and the certificate 0644 under certs/', async () => {
      const file = join(folder, 'device_info.json');
      await writeFile(file, info({ auth_mode: 'CERT' }));
      await mkdir(join(folder, 'certs'));
      const storage = new DeviceInfoFileStorage(file);
      await storage.save({ productId: 'K7QW2ZP4XA', deviceName: 'sensor-1', credential: { kind: 'cert', certificatePem: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n', privateKeyPem: '-----BEGIN RSA PRIVATE KEY-----\nAA==\n-----END RSA PRIVATE KEY-----\n' } });
      assert.equal((await stat(join(folder, 'certs', 'sensor-1_private.key'))).mode & 0o777, 0o600);
      assert.equal((await stat(join(folder, 'certs', 'sensor-1_cert.crt'))).mode & 0o777, 0o644);
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const loaded = await storage.load();
      assert.equal(loaded?.credential.kind, 'cert');
    });
  });
});
