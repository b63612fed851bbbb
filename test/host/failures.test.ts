/**
 * Every failure the CLI reports: its exit code, ONE line on stderr that says what failed and what to do,
 * the server's code and message verbatim, and the --json object instead of the line.
 */
import { strict as assert } from 'node:assert';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { dirname, join } from 'node:path';
import { assertBuilt, closedPort, oneLine, CERT_PRODUCT, cSdkDeviceInfo, KEY_PRODUCT, PRECREATED_PRODUCT, readJson, runCli, runCliInProcess, startTestCloud, uniqueName, writeDeviceFile, type TestCloud } from './helpers.js';

describe('tc-iot-device failures: exit codes and one clear line', function () {
  this.timeout(60000);
  let test: TestCloud;

  before(async () => {
    assertBuilt();
    test = await startTestCloud();
  });
  after(async () => { await test?.close(); });

  const cloudArgs = (): string[] => ['--gateway', test.cloud.gateway, '--ca', test.caFile];

  async function registeredKeyDevice(prefix: string): Promise<string> {
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, uniqueName(prefix)));
    const run = await runCli(['register', '-c', file, ...cloudArgs()]);
    assert.equal(run.code, 0, run.stderr);
    return file;
  }

  it('wrong product secret (v1): exit 4, the server code 1010 and message verbatim, and "check productSecret"', async () => {
    const file = await writeDeviceFile(test.folder, { ...cSdkDeviceInfo(KEY_PRODUCT, uniqueName('badsecret')), productSecret: 'WRONGwrongWRONGwrong1234' });
    const run = await runCli(['register', '-c', file, ...cloudArgs()]);
    assert.equal(run.code, 4);
    const line = oneLine(run);
    assert.match(line, /^tc-iot-device register: registration failed: /);
    assert.match(line, /code 1010/);
    assert.match(line, /"Check signature failed"/);
    assert.match(line, /check productSecret/);
    assert.match((await readJson(file)).key_deviceinfo?.deviceSecret ?? '', /^YOUR_IOT_PSK$/, 'nothing was written');
  });

  it('wrong product secret with --json: one object with code, serverCode, serverMessage, requestId', async () => {
    const file = await writeDeviceFile(test.folder, { ...cSdkDeviceInfo(KEY_PRODUCT, uniqueName('badsecret-json')), productSecret: 'WRONGwrongWRONGwrong1234' });
    const run = await runCli(['register', '-c', file, ...cloudArgs(), '--api', 'v2', '--json']);
    assert.equal(run.code, 4);
    assert.equal(run.stderr, '');
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const result = JSON.parse(lines[0]!);
    assert.equal(result.ok, false);
    assert.equal(result.error.code, 'refused');
    assert.equal(result.error.serverCode, 'AuthFailure.SignatureFailure');
    assert.equal(result.error.serverMessage, 'Check signature failed');
    assert.equal(typeof result.error.requestId, 'string');
    assert.match(result.error.message, /check productSecret/);
  });

  it('clock not set: exit 7 and "set the system clock", nothing sent', async () => {
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, uniqueName('clock')));
    // The child's Date.now reads 1970-01-02: a device whose SNTP never ran.
    const run = await runCli(['register', '-c', file, ...cloudArgs()], { nodeOptions: ['--import', 'data:text/javascript,Date.now=()=>86400000'] });
    assert.equal(run.code, 7);
    assert.match(oneLine(run), /clock/i);
  });

  it('device already activated: exit 4 with the server words and what to do', async () => {
    const file = await registeredKeyDevice('activated');
    assert.equal((await runCli(['connect', '-c', file, '--broker', test.cloud.broker, '--ca', test.caFile])).code, 0);
    const run = await runCli(['register', '-c', file, '--force', ...cloudArgs()]);
    assert.equal(run.code, 4);
    const line = oneLine(run);
    assert.match(line, /code 1025/);
    assert.match(line, /"Device already activated; registration refused"/);
    assert.match(line, /already activated .*stored credential/);
  });

  it('a name the product did not pre-create: exit 4 with the server message verbatim', async () => {
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(PRECREATED_PRODUCT, uniqueName('unlisted')));
    const run = await runCli(['register', '-c', file, ...cloudArgs()]);
    assert.equal(run.code, 4);
    assert.match(oneLine(run), /"Device is not pre-created and the product only registers pre-created devices"/);
  });

  it('TLS verification failed (no --ca for the local cloud): exit 5 and "pass its CA with --ca"', async () => {
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, uniqueName('tls')));
    const run = await runCli(['register', '-c', file, '--gateway', test.cloud.gateway]);
    assert.equal(run.code, 5);
    const line = oneLine(run);
    assert.match(line, /TLS verification failed/);
    assert.match(line, /--ca FILE/);
  });

  it('TLS verification failed at the broker: exit 5', async () => {
    const file = await registeredKeyDevice('tls-broker');
    const run = await runCli(['connect', '-c', file, '--broker', test.cloud.broker]);
    assert.equal(run.code, 5);
    assert.match(oneLine(run), /^tc-iot-device connect: MQTT login failed: TLS verification failed/);
  });

  it('the broker refuses the login (a secret the cloud never issued): exit 4 with CONNACK 4', async () => {
    const file = await registeredKeyDevice('badlogin');
    const info = await readJson(file);
    info.key_deviceinfo = { deviceSecret: Buffer.alloc(16, 7).toString('base64') };
    await writeFile(file, JSON.stringify(info, null, 4));
    const run = await runCli(['connect', '-c', file, '--broker', test.cloud.broker, '--ca', test.caFile]);
    assert.equal(run.code, 4);
    const line = oneLine(run);
    assert.match(line, /broker refused the login \(CONNACK 4: bad user name or password\)/);
    assert.match(line, /register again with --force/);
  });

  it('a publish to a topic the device may not use: exit 4', async () => {
    const file = await registeredKeyDevice('badtopic');
    const run = await runCli(['connect', '-c', file, '--broker', test.cloud.broker, '--ca', test.caFile, '--publish', 'SOMEONE/else/data', 'hi']);
    assert.equal(run.code, 4);
    const line = run.stderr.trim().split('\n').at(-1) ?? '';
    assert.match(line, /^tc-iot-device connect: publish failed: .*own topics/);
  });

  it('nothing listening at the gateway: exit 5 and "check --gateway"', async () => {
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, uniqueName('refused-port')));
    const run = await runCli(['register', '-c', file, '--gateway', `https://127.0.0.1:${await closedPort()}`, '--ca', test.caFile, '--max-attempts', '1']);
    assert.equal(run.code, 5);
    const line = oneLine(run);
    assert.match(line, /ECONNREFUSED/);
    assert.match(line, /check --gateway/);
  });

  it('a plain HTTP server at the https:// gateway: exit 5, "does not speak TLS", and the scheme/port hint (not --ca)', async () => {
    const plain = createHttpServer((_request, response) => response.end('plain text'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, uniqueName('plain-gateway')));
      const run = await runCli(['register', '-c', file, '--gateway', `https://127.0.0.1:${(plain.address() as AddressInfo).port}`, '--ca', test.caFile, '--max-attempts', '1']);
      assert.equal(run.code, 5);
      const line = oneLine(run);
      assert.match(line, /does not speak TLS/);
      assert.match(line, /check that --gateway is https:\/\/ to the TLS port/);
      assert.doesNotMatch(line, /certificate does not chain/);
    } finally {
      plain.closeAllConnections();
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });

  it('nothing listening at the broker: exit 5 and "check --broker"', async () => {
    const file = await registeredKeyDevice('refused-broker');
    const run = await runCli(['connect', '-c', file, '--broker', `mqtts://127.0.0.1:${await closedPort()}`, '--ca', test.caFile]);
    assert.equal(run.code, 5);
    assert.match(oneLine(run), /check --broker/);
  });

  it('storage failure (certs/ cannot be created): exit 6 and the certificate is not half-written into the JSON', async () => {
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(CERT_PRODUCT, uniqueName('storage')));
    await writeFile(join(dirname(file), 'certs'), 'a file where the folder should be');
    const before = await readFile(file, 'utf8');
    const run = await runCli(['register', '-c', file, ...cloudArgs()]);
    assert.equal(run.code, 6);
    assert.match(oneLine(run), /writable/);
    assert.equal(await readFile(file, 'utf8'), before);
  });

  describe('usage errors: exit 2', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['no command', [], /usage:/],
      ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
      ['an unknown flag', ['register', '-c', 'x.json', '--bogus'], /bogus/],
      ['register without -c', ['register'], /needs -c FILE/],
      ['a bad --api', ['register', '-c', 'x.json', '--api', 'v3'], /--api must be one of v1, v2/],
      ['a bad --algorithm', ['register', '-c', 'x.json', '--algorithm', 'md5'], /--algorithm must be one of/],
      ['a --gateway that is not an https origin', ['register', '-c', 'x.json', '--gateway', 'http://h:1'], /--gateway must start with https:\/\//],
      ['a --gateway with a path', ['register', '-c', 'x.json', '--gateway', 'https://h:1/register/dev'], /origin only/],
      ['a --broker that is not mqtt(s)', ['connect', '-c', 'x.json', '--broker', 'https://h:1'], /--broker must start with mqtts:\/\/ or mqtt:\/\//],
      ['--publish with one value', ['connect', '-c', 'x.json', '--publish', 'topic'], /--publish takes two values/],
      ['a stray positional', ['connect', '-c', 'x.json', 'extra'], /extra/],
      ['fleet without -n', ['fleet'], /fleet needs -n N/],
      ['fleet with -n 0', ['fleet', '-n', '0'], /-n must be a whole number/],
      ['a bad --log-level', ['register', '-c', 'x.json', '--log-level', 'loud'], /--log-level must be one of/],
    ];
    for (const [label, args, pattern] of cases) {
      it(label, async () => {
        const run = await runCliInProcess(args);
        assert.equal(run.code, 2, run.stderr);
        assert.equal(run.stdout, '');
        assert.match(run.stderr, pattern);
      });
    }
  });

  describe('bad input: exit 3', () => {
    it('a device-info file that does not exist', async () => {
      const run = await runCliInProcess(['register', '-c', join(test.folder, 'nope.json')]);
      assert.equal(run.code, 3);
      assert.match(oneLine(run), /does not exist/);
    });
    it('a device-info file that is not JSON', async () => {
      const file = await writeDeviceFile(test.folder, '{ "auth_mode": "KEY", ');
      const run = await runCliInProcess(['register', '-c', file]);
      assert.equal(run.code, 3);
      assert.match(oneLine(run), /not valid JSON/);
    });
    it('an auth_mode that is neither KEY nor CERT (the field is named)', async () => {
      const file = await writeDeviceFile(test.folder, { ...cSdkDeviceInfo(KEY_PRODUCT, 'x'), auth_mode: 'PSK' });
      const run = await runCliInProcess(['register', '-c', file, '--json']);
      assert.equal(run.code, 3);
      const result = JSON.parse(run.stdout);
      assert.equal(result.error.code, 'bad-input');
      assert.match(result.error.message, /auth_mode/);
    });
    it('a --ca file that does not exist', async () => {
      const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, uniqueName('noca')));
      const run = await runCliInProcess(['register', '-c', file, '--ca', join(test.folder, 'missing-ca.pem')]);
      assert.equal(run.code, 3);
      assert.match(oneLine(run), /cannot read the CA file/);
      assert.match(oneLine(run), /give --ca a PEM file/);
      assert.doesNotMatch(oneLine(run), /device-info/, 'a CA problem is not blamed on the device-info file');
    });
    it('a --ca file that holds no certificate', async () => {
      const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, uniqueName('junkca')));
      const ca = join(dirname(file), 'junk.pem');
      await mkdir(dirname(ca), { recursive: true });
      await writeFile(ca, 'not a certificate');
      const run = await runCliInProcess(['register', '-c', file, '--ca', ca]);
      assert.equal(run.code, 3);
      assert.match(oneLine(run), /^tc-iot-device register: cannot use the CA file: .*holds no PEM certificate — give --ca a PEM file/);
      assert.doesNotMatch(oneLine(run), /device-info/, 'a CA problem is not blamed on the device-info file');
    });
  });
});
