/**
 * TLS-PSK on the broker's one TLS port, beside server-verified TLS + password and mutual TLS: the key is the
 * device's current secret from the registry, the CONNECT must match the PSK identity, and every refusal
 * (unknown identity, certificate product, unregistered device, wrong or revoked key) is logged without a key.
 */
import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import type { IClientOptions, MqttClient } from 'mqtt';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import { BROKER_TLS_CIPHERS, PSK_CIPHER_SUITES } from '../../host-sim/cloud/tls-psk.js';
import { decrypt, endClient, keyLogin, mqttConnect, post, registerV1, v1Body, V1_ERROR, V1_SUCCESS } from './tc-client.js';

const KEY_PID = 'PSKPROD001';
const KEY_SECRET = 'PsKpRoDuCtSeCrEt12345678';
const CERT_PID = 'PSKCERT001';
const CERT_SECRET = 'PsKcErTpRoDuCtSeCrEt1234';

type TlsSocketLike = { getCipher(): { name: string }; getProtocol(): string | null };

/** TLS options of a PSK client offering only `suite` (TLS 1.2: OpenSSL has no TLS 1.3 external PSK here). */
function pskTls(identity: string, key: Buffer, suite = 'PSK-AES128-CBC-SHA'): IClientOptions {
  return {
    ciphers: suite,
    maxVersion: 'TLSv1.2',
    pskCallback: () => ({ identity, psk: key }),
    // No certificate in a PSK handshake: the key proves the server.
    checkServerIdentity: () => undefined,
  } as IClientOptions;
}

function cSdkUsername(clientId: string): string {
  return `${clientId};21010406;AbCd1;9223372036854775807`;
}

function socketOf(client: MqttClient): TlsSocketLike {
  return (client as unknown as { stream: TlsSocketLike }).stream;
}

describe('cloud broker: TLS-PSK beside password and mutual TLS on one port', function () {
  this.timeout(60_000);
  let cloud: RunningCloud;
  let psk: string;
  const logs: string[] = [];
  const open: MqttClient[] = [];
  const secrets: string[] = [KEY_SECRET, CERT_SECRET];

  async function logLine(pattern: RegExp): Promise<string> {
    // The server logs a failed handshake when it notices it, which may be just after the client does.
    for (let i = 0; i < 100; i++) {
      const line = logs.find((l) => pattern.test(l));
      if (line !== undefined) return line;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.fail(`no log line matches ${pattern}:\n${logs.join('\n')}`);
  }

  before(async () => {
    cloud = await startCloud({
      log: (line) => logs.push(line),
      products: { products: [
        { productId: KEY_PID, productSecret: KEY_SECRET, authMode: 'KEY', dynamicRegistration: 'auto', devices: ['never-registered'] },
        { productId: CERT_PID, productSecret: CERT_SECRET, authMode: 'CERT', dynamicRegistration: 'auto' },
      ] },
    });
    psk = (await registerV1(cloud, { productId: KEY_PID, productSecret: KEY_SECRET, deviceName: 'dev-1' })).psk;
    secrets.push(psk);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map(endClient));
  });
  after(async () => {
    await cloud?.close();
    for (const line of logs) for (const secret of secrets) assert.ok(!line.includes(secret), `a log line holds a secret: ${line}`);
  });

  async function pskLogin(deviceName: string, key: Buffer, extra: IClientOptions = {}, suite?: string): Promise<Awaited<ReturnType<typeof mqttConnect>>> {
    const clientId = `${KEY_PID}${deviceName}`;
    const outcome = await mqttConnect(cloud.broker, { clientId, username: cSdkUsername(clientId), ...pskTls(clientId, key, suite), ...extra });
    if (outcome.ok) open.push(outcome.client);
    return outcome;
  }

  it('serves all three logins on the same port: password over verified TLS, mutual TLS, and TLS-PSK', async () => {
    const password = await connectOk(keyLogin(KEY_PID, 'dev-1', psk), { ca: cloud.caPem });
    assert.equal(socketOf(password).getProtocol(), 'TLSv1.3');

    const answer = await post(cloud, '/register/dev', v1Body({ productId: CERT_PID, productSecret: CERT_SECRET, deviceName: 'cam-1' }));
    const match = V1_SUCCESS.exec(answer.text);
    assert.ok(match, answer.text);
    const credential = JSON.parse(decrypt(CERT_SECRET, match[2]!, Number(match[1]))) as { clientCert: string; clientKey: string };
    secrets.push(credential.clientKey.split('\n')[1]!);
    const certClientId = `${CERT_PID}cam-1`;
    const mutual = await connectOk({ clientId: certClientId, username: cSdkUsername(certClientId) }, { ca: cloud.caPem, cert: credential.clientCert, key: credential.clientKey });
    assert.doesNotMatch(socketOf(mutual).getCipher().name, /PSK/);

    const outcome = await pskLogin('dev-1', Buffer.from(psk, 'base64'));
    assert.ok(outcome.ok, 'TLS-PSK login refused');
    assert.equal(socketOf(outcome.client).getCipher().name, 'PSK-AES128-CBC-SHA');
    assert.equal(socketOf(outcome.client).getProtocol(), 'TLSv1.2');
    await logLine(new RegExp(`mqtt login ${KEY_PID}dev-1: ok \\(key, TLS-PSK`));
  });

  async function connectOk(login: { clientId: string; username: string; password?: string }, tls: IClientOptions): Promise<MqttClient> {
    const outcome = await mqttConnect(cloud.broker, { ...login, ...tls });
    assert.ok(outcome.ok, `login refused: CONNACK ${outcome.ok ? '' : outcome.returnCode}`);
    open.push(outcome.client);
    return outcome.client;
  }

  it('offers the C SDK\'s two suites (AES-128 and AES-256 CBC-SHA) and AEAD PSK suites, TLS 1.2', async () => {
    assert.deepEqual(PSK_CIPHER_SUITES.slice(0, 2), ['PSK-AES128-CBC-SHA', 'PSK-AES256-CBC-SHA']);
    assert.doesNotMatch(BROKER_TLS_CIPHERS, /!PSK/);
    for (const suite of PSK_CIPHER_SUITES) {
      const outcome = await pskLogin('dev-1', Buffer.from(psk, 'base64'), {}, suite);
      assert.ok(outcome.ok, `${suite} refused`);
      assert.equal(socketOf(outcome.client).getCipher().name, suite);
      await endClient(open.pop()!);
    }
  });

  it('accepts a PSK CONNECT with no user name, and with a valid password too', async () => {
    const clientId = `${KEY_PID}dev-1`;
    const bare = await mqttConnect(cloud.broker, { clientId, ...pskTls(clientId, Buffer.from(psk, 'base64')) });
    assert.ok(bare.ok);
    open.push(bare.client);
    await endClient(open.pop()!);
    const login = keyLogin(KEY_PID, 'dev-1', psk, 'hmacsha1');
    const withPassword = await mqttConnect(cloud.broker, { ...login, ...pskTls(clientId, Buffer.from(psk, 'base64')) });
    assert.ok(withPassword.ok);
    open.push(withPassword.client);
  });

  it('refuses a wrong key in the handshake and logs the identity', async () => {
    const wrong = Buffer.from(psk, 'base64');
    wrong[0] = wrong[0]! ^ 0x01;
    const outcome = await pskLogin('dev-1', wrong);
    assert.equal(outcome.ok, false);
    await logLine(new RegExp(`TLS-PSK identity "${KEY_PID}dev-1": refused \\(handshake failed`));
  });

  it('refuses an unknown identity, a certificate product and a device without a secret yet, and logs each', async () => {
    const key = Buffer.from(psk, 'base64');
    assert.equal((await pskLogin('nobody', key)).ok, false);
    await logLine(new RegExp(`TLS-PSK identity "${KEY_PID}nobody": refused \\(no such device\\)`));
    assert.equal((await pskLogin('never-registered', key)).ok, false);
    await logLine(/TLS-PSK identity "PSKPROD001never-registered": refused \(the device has no secret yet/);
    const certId = `${CERT_PID}cam-1`;
    const cert = await mqttConnect(cloud.broker, { clientId: certId, ...pskTls(certId, key) });
    assert.equal(cert.ok, false);
    await logLine(/TLS-PSK identity "PSKCERT001cam-1": refused \(a certificate product/);
  });

  it('checks the CONNECT against the PSK identity: another client id, a foreign or expired user name, a wrong password', async () => {
    const key = Buffer.from(psk, 'base64');
    const clientId = `${KEY_PID}dev-1`;
    const other = await registerV1(cloud, { productId: KEY_PID, productSecret: KEY_SECRET, deviceName: 'dev-2' });
    secrets.push(other.psk);
    const cases: Array<[string, IClientOptions, number]> = [
      ['client id of another device', { clientId: `${KEY_PID}dev-2`, username: cSdkUsername(`${KEY_PID}dev-2`) }, 5],
      ['user name naming another client', { clientId, username: cSdkUsername(`${KEY_PID}dev-2`) }, 4],
      ['expired user name', { clientId, username: `${clientId};21010406;AbCd1;1600000000` }, 4],
      ['wrong password', { clientId, username: cSdkUsername(clientId), password: `${'0'.repeat(40)};hmacsha1` }, 4],
    ];
    for (const [what, options, code] of cases) {
      const outcome = await mqttConnect(cloud.broker, { ...options, ...pskTls(clientId, key) });
      if (outcome.ok) open.push(outcome.client);
      assert.equal(outcome.ok ? 0 : outcome.returnCode, code, what);
    }
    // The password check really ran: the same CONNECT with the right password is accepted.
    const username = cSdkUsername(clientId);
    const password = `${createHmac('sha1', key).update(username).digest('hex')};hmacsha1`;
    const right = await mqttConnect(cloud.broker, { clientId, username, password, ...pskTls(clientId, key) });
    assert.ok(right.ok);
    open.push(right.client);
  });

  it('uses the current secret: a re-registration revokes the old key, and a PSK login activates the device', async () => {
    const first = await registerV1(cloud, { productId: KEY_PID, productSecret: KEY_SECRET, deviceName: 'dev-3' });
    const second = await registerV1(cloud, { productId: KEY_PID, productSecret: KEY_SECRET, deviceName: 'dev-3' });
    secrets.push(first.psk, second.psk);
    assert.equal((await pskLogin('dev-3', Buffer.from(first.psk, 'base64'))).ok, false);
    const outcome = await pskLogin('dev-3', Buffer.from(second.psk, 'base64'));
    assert.ok(outcome.ok);
    const again = await post(cloud, '/register/dev', v1Body({ productId: KEY_PID, productSecret: KEY_SECRET, deviceName: 'dev-3' }));
    assert.equal(V1_ERROR.exec(again.text)?.[1], '1025', again.text);
  });
});
