/**
 * No secret ever reaches the output: every command at its most verbose level (--log-level debug), in human
 * and --json mode, successes and failures. Secrets looked for: the product secret, the device secret (from
 * the file after registration), every body line of the private key, and any MQTT password (";hmacsha").
 */
import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assertBuilt, CERT_PRODUCT, cSdkDeviceInfo, KEY_PRODUCT, readJson, runCli, startTestCloud, uniqueName, writeDeviceFile, type CliRun, type TestCloud } from './helpers.js';

function assertNoSecret(runs: CliRun[], secrets: string[]): void {
  const output = runs.map((run) => run.stdout + run.stderr).join('\n');
  for (const secret of secrets) {
    assert.ok(secret.length >= 16, 'a secret worth looking for');
    assert.ok(!output.includes(secret), `a secret (${secret.length} chars, starting ${secret.slice(0, 3)}…) appeared in the output`);
  }
  assert.doesNotMatch(output, /;hmacsha(1|256)/, 'an MQTT password appeared in the output');
  assert.doesNotMatch(output, /PRIVATE KEY-----\s*\n?[A-Za-z0-9+/]{20}/, 'a private key body appeared in the output');
}

describe('tc-iot-device never prints a secret (most verbose level, every command)', function () {
  this.timeout(120000);
  let test: TestCloud;

  before(async () => {
    assertBuilt();
    test = await startTestCloud();
  });
  after(async () => { await test?.close(); });

  const debug = ['--log-level', 'debug'];

  it('register and connect of a key device, human and --json, success and refusals', async () => {
    const name = uniqueName('quiet-key');
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(KEY_PRODUCT, name));
    const runs: CliRun[] = [];
    runs.push(await runCli(['register', '-c', file, '--gateway', test.cloud.gateway, '--ca', test.caFile, ...debug]));
    runs.push(await runCli(['register', '-c', file, '--gateway', test.cloud.gateway, '--ca', test.caFile, ...debug, '--json']));
    runs.push(await runCli(['connect', '-c', file, '--broker', test.cloud.broker, '--ca', test.caFile, '--publish', `${KEY_PRODUCT.productId}/${name}/data`, 'x', ...debug]));
    runs.push(await runCli(['connect', '-c', file, '--broker', test.cloud.broker, '--ca', test.caFile, ...debug, '--json']));
    // Refused: re-registration of an activated device, with the product secret in the request.
    runs.push(await runCli(['register', '-c', file, '--force', '--gateway', test.cloud.gateway, '--ca', test.caFile, ...debug]));
    runs.push(await runCli(['register', '-c', file, '--force', '--api', 'v2', '--gateway', test.cloud.gateway, '--ca', test.caFile, ...debug, '--json']));
    const deviceSecret = (await readJson(file)).key_deviceinfo?.deviceSecret ?? '';
    assert.match(deviceSecret, /==$/);
    for (const run of runs.slice(0, 4)) assert.equal(run.code, 0, run.stderr);
    assert.ok(runs[0]!.stderr.includes(' debug '), 'debug lines were written (so the check has something to look at)');

    // Refused login: a wrong secret that is still well-formed.
    const info = await readJson(file);
    const wrongSecret = Buffer.alloc(16, 9).toString('base64');
    info.key_deviceinfo = { deviceSecret: wrongSecret };
    await writeFile(file, JSON.stringify(info, null, 4));
    runs.push(await runCli(['connect', '-c', file, '--broker', test.cloud.broker, '--ca', test.caFile, ...debug]));
    runs.push(await runCli(['connect', '-c', file, '--broker', test.cloud.broker, '--ca', test.caFile, ...debug, '--json']));
    // A wrong product secret: refused with 1010.
    const badFile = await writeDeviceFile(test.folder, { ...cSdkDeviceInfo(KEY_PRODUCT, uniqueName('quiet-bad')), productSecret: 'SECRETsecretSECRETsecret99' });
    runs.push(await runCli(['register', '-c', badFile, '--gateway', test.cloud.gateway, '--ca', test.caFile, ...debug]));
    runs.push(await runCli(['register', '-c', badFile, '--gateway', test.cloud.gateway, '--ca', test.caFile, ...debug, '--json']));
    assert.deepEqual(runs.slice(4).map((run) => run.code), [4, 4, 4, 4, 4, 4]);
    assertNoSecret(runs, [KEY_PRODUCT.productSecret, deviceSecret, wrongSecret, 'SECRETsecretSECRETsecret99']);
  });

  it('register and connect of a certificate device (the private key never shows)', async () => {
    const name = uniqueName('quiet-cert');
    const file = await writeDeviceFile(test.folder, cSdkDeviceInfo(CERT_PRODUCT, name));
    const runs: CliRun[] = [];
    runs.push(await runCli(['register', '-c', file, '--gateway', test.cloud.gateway, '--ca', test.caFile, ...debug]));
    runs.push(await runCli(['connect', '-c', file, '--broker', test.cloud.broker, '--ca', test.caFile, '--publish', `${CERT_PRODUCT.productId}/${name}/data`, 'x', ...debug, '--json']));
    runs.push(await runCli(['register', '-c', file, '--force', '--gateway', test.cloud.gateway, '--ca', test.caFile, ...debug]));
    assert.deepEqual(runs.map((run) => run.code), [0, 0, 4]);
    const keyPem = await readFile(join(dirname(file), 'certs', `${name}_private.key`), 'utf8');
    const keyLines = keyPem.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----'));
    assert.ok(keyLines.length > 10);
    assertNoSecret(runs, [CERT_PRODUCT.productSecret, ...keyLines]);
  });

  it('demo and fleet at debug level', async () => {
    const runs = [await runCli(['demo', ...debug]), await runCli(['fleet', '-n', '3', ...debug, '--json'])];
    assert.deepEqual(runs.map((run) => run.code), [0, 0]);
    assert.ok(runs[0]!.stderr.includes(' debug '));
    // The demo's product secret is random and unknown here; the redaction backstop and the password check
    // still apply, and nothing that looks like a device secret (Base64 of 16 bytes) may appear.
    for (const run of runs) assert.doesNotMatch(run.stdout + run.stderr, /[A-Za-z0-9+/]{22}==/);
    assertNoSecret(runs, []);
  });
});
