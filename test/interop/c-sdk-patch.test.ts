/**
 * The interop suite's patches to Tencent's C SDK (c-sdk-build.ts), on a miniature of the files they touch:
 * exactly -Werror, the auth mode and the CA literal change, and a tree that does not look like the SDK at
 * 810ac68 is refused rather than half patched.
 */
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caAsCString, patchSource } from './c-sdk-build.js';

const CMAKE = [
  'set(FEATURE_AUTH_MODE "KEY")',
  'if(${BUILD_TYPE} STREQUAL  "release")',
  '\tset(CMAKE_C_FLAGS "${CMAKE_C_FLAGS} -Werror -Wall -Wno-error=sign-compare -Wno-error=format -std=gnu99 -Os -pthread") # 编译选项',
  'elseif(${BUILD_TYPE} STREQUAL  "debug")',
  '\tset(CMAKE_C_FLAGS "${CMAKE_C_FLAGS} -g -Werror -Wall -Wno-error=sign-compare -Wno-error=format -std=gnu99 -Os -pthread") # 编译选项',
  'endif()',
  '',
].join('\n');

const CA_C = [
  '#ifndef AUTH_WITH_NOTLS',
  'static const char *iot_ca_crt = {',
  '    "-----BEGIN CERTIFICATE-----\\r\\n"',
  '    "MIIDxTCCAq2gAwIBAgIJALM1winYO2xzMA0GCSqGSIb3DQEBCwUAMHkxCzAJBgNV\\r\\n"',
  '    "-----END CERTIFICATE-----"};',
  '',
  'static const char *iot_https_ca_crt = {',
  '    "-----BEGIN CERTIFICATE-----\\r\\n"',
  '    "-----END CERTIFICATE-----"};',
  '',
].join('\n');

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBtestLINE1\nMIIBtestLINE2==\n-----END CERTIFICATE-----\n';

describe('interop: patches to the C SDK', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tc-iot-patch-test-'));
    await mkdir(join(dir, 'sdk_src', 'utils'), { recursive: true });
    await writeFile(join(dir, 'CMakeLists.txt'), CMAKE);
    await writeFile(join(dir, 'sdk_src', 'utils', 'qcloud_iot_ca.c'), CA_C);
  });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('drops both -Werror flags, sets the auth mode, and replaces only the MQTT/registration CA literal', async () => {
    await patchSource(dir, 'CERT', PEM);
    const cmake = await readFile(join(dir, 'CMakeLists.txt'), 'utf8');
    assert.equal(cmake, CMAKE.replaceAll(' -Werror', '').replace('"KEY"', '"CERT"'));
    const ca = await readFile(join(dir, 'sdk_src', 'utils', 'qcloud_iot_ca.c'), 'utf8');
    assert.ok(!ca.includes('MIIDxTCCAq2gAwIBAgIJALM1winYO2xz'), 'the Tencent CA is gone');
    assert.ok(ca.includes('static const char *iot_https_ca_crt = {\n    "-----BEGIN CERTIFICATE-----\\r\\n"\n    "-----END CERTIFICATE-----"};'), 'the HTTPS CA is untouched');
    // Reading the literal back as C would gives the PEM (CRLF line ends, no trailing newline).
    const literal = /iot_ca_crt = \{\n([\s\S]*?)\};/.exec(ca)![1]!;
    const text = [...literal.matchAll(/"([^"]*)"/g)].map((m) => m[1]!.replaceAll('\\r\\n', '\r\n')).join('');
    assert.equal(text, PEM.trim().replaceAll('\n', '\r\n'));
    assert.equal(caAsCString(PEM).split('\n').length, 4);
  });

  it('refuses a tree that is not the SDK it knows', async () => {
    await writeFile(join(dir, 'CMakeLists.txt'), CMAKE.replace(' -Werror', ''));
    await assert.rejects(patchSource(dir, 'KEY', PEM), /expected 2 "-Werror" flags, found 1/);
    await writeFile(join(dir, 'CMakeLists.txt'), CMAKE);
    await writeFile(join(dir, 'sdk_src', 'utils', 'qcloud_iot_ca.c'), CA_C.replace('MIIDxTCCAq2g', 'MIIXXXXXXXX'));
    await assert.rejects(patchSource(dir, 'KEY', PEM), /Tencent Iothub CA literal was not found/);
  });
});
