/**
 * Certificate products: registration hands out an RSA-2048 client certificate (CN = pid + name, signed by
 * the device CA) and its PKCS#1 PEM key; the broker accepts exactly the certificate issued last, over TLS.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import { decrypt, endClient, mqttConnect, post, registerV2, v1Body, V1_SUCCESS } from './tc-client.js';

const PID = 'CERTPROD01';
const SECRET = 'CeRtPrOdUcTsEcReT1234567';

interface CertCredential { encryptionType: number; clientCert: string; clientKey: string }

describe('cloud: certificate products', function () {
  this.timeout(60_000);
  let cloud: RunningCloud;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cloud-cert-test-'));
    cloud = await startCloud({
      statePath: join(dir, 'state.json'),
      plainMqttPort: 0,
      products: { products: [{ productId: PID, productSecret: SECRET, authMode: 'CERT', dynamicRegistration: 'auto' }] },
    });
  });
  after(async () => {
    await cloud?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function registerV1Cert(deviceName: string): Promise<CertCredential> {
    const answer = await post(cloud, '/register/dev', v1Body({ productId: PID, productSecret: SECRET, deviceName }));
    const match = V1_SUCCESS.exec(answer.text);
    assert.ok(match, answer.text);
    const plaintext = decrypt(SECRET, match[2]!, Number(match[1]));
    assert.equal(Buffer.byteLength(plaintext), Number(match[1]));
    assert.ok(Number(match[1]) < 5 * 1024, 'fits the C SDK\'s 5 KiB buffer');
    return JSON.parse(plaintext);
  }

  function connectCert(credential: { clientCert?: string; clientKey?: string }, deviceName: string, url = cloud.broker) {
    const clientId = `${PID}${deviceName}`;
    return mqttConnect(url, {
      clientId, username: `${clientId};21010406;abcde;${Math.floor(Date.now() / 1000) + 600}`, password: 'ignored',
      ca: cloud.caPem, ...(credential.clientCert ? { cert: credential.clientCert, key: credential.clientKey } : {}),
    });
  }

  it('issues an RSA-2048 certificate with CN = productId + deviceName, signed by the device CA, and its PKCS#1 key', async () => {
    const credential = await registerV1Cert('cam-1');
    assert.equal(credential.encryptionType, 1);
    assert.deepEqual(Object.keys(credential), ['encryptionType', 'clientCert', 'clientKey']);
    assert.match(credential.clientCert, /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
    assert.match(credential.clientKey, /^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END RSA PRIVATE KEY-----\n$/);
    const cert = new X509Certificate(credential.clientCert);
    assert.equal(cert.subject, `CN=${PID}cam-1`);
    const key = createPrivateKey(credential.clientKey);
    assert.equal(key.asymmetricKeyType, 'rsa');
    assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
    assert.deepEqual(createPublicKey(key).export({ type: 'spki', format: 'der' }), cert.publicKey.export({ type: 'spki', format: 'der' }));
    const deviceCa = new X509Certificate(readFileSync(join(dir, 'device-ca.pem')));
    assert.ok(cert.checkIssued(deviceCa) && cert.verify(deviceCa.publicKey), 'signed by the device CA');
    const serverCa = new X509Certificate(cloud.caPem);
    assert.ok(!cert.verify(serverCa.publicKey), 'not by the server CA');
  });

  it('the issued certificate logs in over TLS (password ignored); only the certificate issued last does', async () => {
    const first = await registerV1Cert('cam-2');
    const second = (await registerV2(cloud, { productId: PID, productSecret: SECRET, deviceName: 'cam-2' })) as CertCredential;
    assert.notEqual(first.clientCert, second.clientCert);
    const stale = await connectCert(first, 'cam-2');
    assert.equal(stale.ok, false);
    assert.equal((stale as { returnCode?: number }).returnCode, 5);
    const fresh = await connectCert(second, 'cam-2');
    assert.ok(fresh.ok);
    await endClient(fresh.client);
  });

  it('refuses with CONNACK 5: no certificate, another device\'s certificate, a self-signed one with the right CN', async () => {
    const own = await registerV1Cert('cam-3');
    const other = await registerV1Cert('cam-4');
    const none = await connectCert({}, 'cam-3');
    assert.equal((none as { returnCode?: number }).returnCode, 5);
    const wrongCn = await connectCert(other, 'cam-3');
    assert.equal((wrongCn as { returnCode?: number }).returnCode, 5);
    const keyPath = join(dir, 'forged-key.pem');
    const forgedCert = execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-subj', `/CN=${PID}cam-3`, '-days', '2'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const forged = await connectCert({ clientCert: forgedCert, clientKey: readFileSync(keyPath, 'utf8') }, 'cam-3');
    assert.equal((forged as { returnCode?: number }).returnCode, 5);
    // and the genuine one still works (none of the refusals activated or changed anything)
    const genuine = await connectCert(own, 'cam-3');
    assert.ok(genuine.ok);
    await endClient(genuine.client);
  });

  it('refuses certificate devices on the plain port', async () => {
    const credential = await registerV1Cert('cam-5');
    const plain = await connectCert({}, 'cam-5', cloud.plainBroker);
    assert.equal((plain as { returnCode?: number }).returnCode, 5);
    // not activated by the refusal: it can still register again
    const again = await registerV1Cert('cam-5');
    assert.notEqual(again.clientCert, credential.clientCert);
  });
});
