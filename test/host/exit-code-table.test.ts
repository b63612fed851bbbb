/**
 * The README's exit-code table, row by row, against the REAL CLI (bin/tc-iot-device.js as a child process):
 * every row of the table has cases here, and every case prints one line (or one --json object). The rows
 * are read from README.md, so a row added there without a case here fails.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assertBuilt, closedPort, oneLine, CERT_PRODUCT, cSdkDeviceInfo, KEY_PRODUCT, ROOT, runCli, startTestCloud, uniqueName, writeDeviceFile, type CliRun, type TestCloud } from './helpers.js';

/** The first column of the README table that starts `| exit | meaning | examples |`. */
function readmeExitCodes(): number[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('| exit | meaning | examples |');
  assert.ok(start >= 0, 'README has the exit-code table');
  const table = readme.slice(start).split('\n\n')[0]!;
  return [...table.matchAll(/^\| (\d+) \|/gm)].map((match) => Number(match[1]));
}

interface Case {
  label: string;
  run(test: TestCloud): Promise<CliRun>;
  /** The one line (or the --json error message) must match. */
  says: RegExp;
}

const REGISTERED_KEY = { key_deviceinfo: { deviceSecret: 'zDUa5wy4XFn2EbJ8Zwj/og==' } };

const CASES: Record<number, Case[]> = {
  0: [{
    label: 'already registered: nothing sent',
    run: async (t) => runCli(['register', '-c', await writeDeviceFile(t.folder, { ...cSdkDeviceInfo(KEY_PRODUCT, 'done-1'), ...REGISTERED_KEY }), '--gateway', `https://127.0.0.1:${await closedPort()}`]),
    says: /already registered/,
  }],
  1: [{
    label: 'fleet: a device failed (a template with a wrong product secret)',
    run: async (t) => runCli(['fleet', '-n', '2', '-c', await writeDeviceFile(t.folder, { ...cSdkDeviceInfo(KEY_PRODUCT, 'fleet-bad'), productSecret: 'wrongWrongWrong123456789' }), '--gateway', t.cloud.gateway, '--broker', t.cloud.broker, '--ca', t.caFile, '--json']),
    says: /"failed":2/,
  }],
  2: [
    { label: 'an unknown flag: one line naming it and the usage', run: () => runCli(['register', '-c', 'x.json', '--bogus']), says: /^tc-iot-device register: unknown option --bogus \(usage: tc-iot-device register -c FILE .*\)$/ },
    { label: '-c followed by another option: one line, not node\'s three', run: () => runCli(['register', '-c', '--api', 'v1']), says: /^tc-iot-device register: option -c needs a value \(it is followed by another option\) \(usage: tc-iot-device register -c FILE .*\)$/ },
    { label: 'a flag that takes no value given one', run: () => runCli(['register', '-c', 'x.json', '--force=yes']), says: /^tc-iot-device register: option --force takes no value \(usage: / },
    { label: 'a missing value', run: () => runCli(['fleet', '-n']), says: /^tc-iot-device fleet: option -n\/--count needs a value \(usage: tc-iot-device fleet / },
    { label: 'a stray positional', run: () => runCli(['connect', '-c', 'x.json', 'extra']), says: /^tc-iot-device connect: unexpected argument "extra" \(options only\) \(usage: / },
    { label: 'missing -c', run: () => runCli(['register']), says: /needs -c FILE/ },
    { label: '--api v3', run: () => runCli(['register', '-c', 'x.json', '--api', 'v3']), says: /--api must be one of v1, v2/ },
    { label: '--gateway http://', run: () => runCli(['register', '-c', 'x.json', '--gateway', 'http://h:1']), says: /--gateway must start with https:\/\// },
  ],
  3: [
    { label: 'device-info file missing', run: (t) => runCli(['register', '-c', join(t.folder, 'nope.json')]), says: /does not exist/ },
    { label: 'device-info not JSON', run: async (t) => runCli(['register', '-c', await writeDeviceFile(t.folder, '{ "auth_mode": ')]), says: /not valid JSON/ },
    { label: 'auth_mode in lower case ("key"): exact, as the wire value', run: async (t) => runCli(['register', '-c', await writeDeviceFile(t.folder, { ...cSdkDeviceInfo(KEY_PRODUCT, 'lower'), auth_mode: 'key' })]), says: /auth_mode must be "KEY" or "CERT"/ },
    {
      label: 'devCertFile "../../etc/passwd" (a path out of certs/)',
      run: async (t) => runCli(['connect', '-c', await writeDeviceFile(t.folder, { ...cSdkDeviceInfo(CERT_PRODUCT, 'escape'), cert_deviceinfo: { devCertFile: '../../etc/passwd', devPrivateKeyFile: 'escape_private.key' } })]),
      says: /cert_deviceinfo\.devCertFile must be a bare file name inside certs\//,
    },
    {
      label: 'a key repeated in the file (ambiguous)',
      run: async (t) => runCli(['register', '-c', await writeDeviceFile(t.folder, `{"auth_mode":"KEY","productId":"${KEY_PRODUCT.productId}","productSecret":"${KEY_PRODUCT.productSecret}","deviceName":"dup","deviceName":"dup2"}`)]),
      says: /the key "deviceName" twice/,
    },
    {
      label: '-c a FIFO: refused at once, no hang',
      run: async (t) => {
        const fifo = join(t.folder, `fifo-${process.pid}`);
        execFileSync('mkfifo', [fifo]);
        return runCli(['register', '-c', fifo]);
      },
      says: /it is a FIFO, not a regular file/,
    },
    { label: '-c a directory', run: (t) => runCli(['register', '-c', t.folder]), says: /it is a directory, not a regular file/ },
    { label: '-c a device node (/dev/zero)', run: () => runCli(['register', '-c', '/dev/zero']), says: /it is a character device, not a regular file/ },
    {
      label: '-c a huge file: refused by size, not loaded',
      run: async (t) => {
        const big = join(t.folder, 'big.json');
        await writeFile(big, `{"pad":"${'x'.repeat(200 * 1024)}"}`);
        return runCli(['register', '-c', big]);
      },
      says: /larger than 65536 bytes/,
    },
    {
      label: '--ca not PEM',
      run: async (t) => {
        const file = await writeDeviceFile(t.folder, cSdkDeviceInfo(KEY_PRODUCT, uniqueName('junkca')));
        const ca = join(dirname(file), 'junk.pem');
        await writeFile(ca, 'not a certificate');
        return runCli(['register', '-c', file, '--ca', ca]);
      },
      says: /holds no PEM certificate/,
    },
    { label: '--ca a directory', run: async (t) => runCli(['register', '-c', await writeDeviceFile(t.folder, cSdkDeviceInfo(KEY_PRODUCT, uniqueName('dirca'))), '--ca', t.folder]), says: /cannot read the CA file .*it is a directory/ },
  ],
  4: [{
    label: 'wrong product secret: server code 1010 verbatim',
    run: async (t) => runCli(['register', '-c', await writeDeviceFile(t.folder, { ...cSdkDeviceInfo(KEY_PRODUCT, uniqueName('refused')), productSecret: 'wrongWrongWrong123456789' }), '--gateway', t.cloud.gateway, '--ca', t.caFile]),
    says: /code 1010.*Check signature failed/,
  }],
  5: [{
    label: 'nothing listening at the gateway (ECONNREFUSED)',
    run: async (t) => runCli(['register', '-c', await writeDeviceFile(t.folder, cSdkDeviceInfo(KEY_PRODUCT, uniqueName('refusedport'))), '--gateway', `https://127.0.0.1:${await closedPort()}`, '--ca', t.caFile, '--max-attempts', '1']),
    says: /ECONNREFUSED|refused the connection|nothing listen/i,
  }],
  6: [{
    label: 'the credential cannot be written (certs/ is a file)',
    run: async (t) => {
      const file = await writeDeviceFile(t.folder, cSdkDeviceInfo(CERT_PRODUCT, uniqueName('storage')));
      await writeFile(join(dirname(file), 'certs'), 'a file where the folder should be');
      return runCli(['register', '-c', file, '--gateway', t.cloud.gateway, '--ca', t.caFile]);
    },
    says: /writ/,
  }],
  7: [{
    label: 'the clock reads 1970',
    run: async (t) => runCli(['register', '-c', await writeDeviceFile(t.folder, cSdkDeviceInfo(KEY_PRODUCT, uniqueName('clock'))), '--gateway', t.cloud.gateway, '--ca', t.caFile], { nodeOptions: ['--import', 'data:text/javascript,Date.now=()=>86400000'] }),
    says: /clock/i,
  }],
  70: [{
    label: 'a bug (a TypeError injected into Date.now)',
    run: async (t) => runCli(['register', '-c', await writeDeviceFile(t.folder, cSdkDeviceInfo(KEY_PRODUCT, uniqueName('bug'))), '--gateway', t.cloud.gateway, '--ca', t.caFile], { nodeOptions: ['--import', 'data:text/javascript,Date.now=()=>{throw new TypeError("injected bug")}'] }),
    says: /internal error/,
  }],
};

describe('the README exit-code table, row by row, with the real CLI', function () {
  this.timeout(90_000);
  let test: TestCloud;
  before(async () => {
    assertBuilt();
    test = await startTestCloud();
    await mkdir(test.folder, { recursive: true });
  });
  after(async () => { await test?.close(); });

  it('the README lists exactly the rows tested here', () => {
    assert.deepEqual(readmeExitCodes().sort((a, b) => a - b), Object.keys(CASES).map(Number).sort((a, b) => a - b));
  });

  for (const [code, cases] of Object.entries(CASES)) {
    for (const item of cases) {
      it(`exit ${code}: ${item.label}`, async () => {
        const run = await item.run(test);
        assert.equal(run.code, Number(code), `exit code\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
        const text = run.stdout.startsWith('{') ? run.stdout : Number(code) === 0 ? run.stdout : oneLine(run);
        assert.match(text, item.says);
      });
    }
  }

  it('a file the CLI refused is left exactly as it was', async () => {
    const file = await writeDeviceFile(test.folder, `{"auth_mode":"key","productId":"${KEY_PRODUCT.productId}","productSecret":"${KEY_PRODUCT.productSecret}","deviceName":"kept"}`);
    const before = await readFile(file, 'utf8');
    const run = await runCli(['register', '-c', file, '--gateway', test.cloud.gateway, '--ca', test.caFile]);
    assert.equal(run.code, 3);
    assert.equal(await readFile(file, 'utf8'), before);
  });
});
