/**
 * Issue 16 item 3: the facts both apps share (unions, default topic, clock floor, endpoints, login lifetime,
 * certificate file names) live in src/conventions/ and nowhere else. The first part scans the sources of the
 * core, the firmware (hal/moddable) and the host simulator (host-sim, not the cloud emulator, which is an
 * independent oracle and never imports src/) for a second spelling of each fact; the second part checks the
 * facts themselves against PROTOCOL.md and the code that uses them.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  AUTH_MODES, CERTS_DIR, CLOCK_FLOOR_SECONDS, DEFAULT_TOPIC_LEAF, GATEWAY_HTTPS_PORT, HMAC_ALGORITHMS, LOGIN_LIFETIME_SECONDS, MQTT_TLS_PORT, REGISTER_APIS,
  brokerEndpoint, certFileNamesFor, clockIsPlausible, defaultTopic, deviceTopic, isAuthMode, isHmacAlgorithm, isRegisterApi, loginExpiry,
} from '../../src/conventions/index.js';
import { LOG_THRESHOLDS, isLogThreshold, logAdmits } from '../../src/conventions/unions.js';
import { sleepDelayMs } from '../../src/conventions/clock.js';
import { buildMqttLogin, type MqttLogin, type MqttLoginParams } from '../../src/protocol/mqtt-login.js';
import { REGIONS } from '../../src/protocol/regions.js';
import { dataTopic } from '../../host-sim/device.js';
import { blankOut } from './support/source-scan.js';
import { expectIotError } from './support/expect-iot-error.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function tsFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(`${root}${dir}`)) {
    const path = `${dir}/${name}`;
    if (statSync(`${root}${path}`).isDirectory()) {
      if (path !== 'host-sim/cloud') out.push(...tsFilesUnder(path));
    } else if (path.endsWith('.ts')) {
      out.push(path);
    }
  }
  return out.sort();
}

interface Fact {
  what: string;
  /** A second spelling of the fact, in code (comments are blanked out first). */
  copy: RegExp;
  /** The one file allowed to spell it. */
  home: string;
  /** What the home file must contain, so that the rule cannot pass because the fact moved elsewhere. */
  homeHas: RegExp;
  /** A line the rule must catch (checks the pattern itself). */
  sample: string;
  /**
   * Files the lead is rewriting for issue 14 while this lands (hands off for issue 16's helper): they still
   * hold their own copy and switch to the conventions import in that rewrite. Remove each entry then.
   */
  pending?: readonly string[];
}

const UNION = (a: string, b: string): RegExp => new RegExp(`'${a}'\\s*\\|\\s*'${b}'|'${b}'\\s*\\|\\s*'${a}'|\\[\\s*'${a}'\\s*,\\s*'${b}'\\s*\\]|\\[\\s*'${b}'\\s*,\\s*'${a}'\\s*\\]`);

const FACTS: readonly Fact[] = [
  { what: 'the auth-mode union', copy: UNION('KEY', 'CERT'), home: 'src/conventions/unions.ts', homeHas: /\['KEY', 'CERT'\]/, sample: "authMode: 'KEY' | 'CERT';" },
  { what: 'the API union', copy: UNION('v1', 'v2'), home: 'src/conventions/unions.ts', homeHas: /\['v1', 'v2'\]/, sample: "requireOne(x, '--api', ['v1', 'v2'] as const, 'v1')" },
  { what: 'the algorithm union', copy: UNION('hmacsha1', 'hmacsha256'), home: 'src/conventions/unions.ts', homeHas: /\['hmacsha256', 'hmacsha1'\]/, sample: "algorithm?: 'hmacsha256' | 'hmacsha1';" },
  { what: 'the log thresholds and their order', copy: /'off',\s*'error'|\boff:\s*0\b/, home: 'src/conventions/unions.ts', homeHas: /\['off', 'error', 'warn', 'info', 'debug'\]/, sample: 'const SEVERITY = Object.freeze({ off: 0, error: 1 });' },
  { what: 'a default topic', copy: /\/(data|event|control)[`'"]/, home: 'src/conventions/topics.ts', homeHas: /DEFAULT_TOPIC_LEAF: TopicLeaf = 'data'/, sample: 'const topic = `${p}/${n}/event`;' },
  { what: 'the clock floor', copy: /\b1577836800\b/, home: 'src/conventions/clock.ts', homeHas: /CLOCK_FLOOR_SECONDS = 1577836800;/, sample: 'export const CLOCK_VALID_FROM = 1577836800;' },
  { what: 'the login lifetime', copy: /\b3600\b(?!\d)/, home: 'src/conventions/endpoints.ts', homeHas: /LOGIN_LIFETIME_SECONDS = 3600;/, sample: 'expiry: hal.now() + 3600,' },
  { what: 'the MQTT TLS port', copy: /\b8883\b/, home: 'src/conventions/endpoints.ts', homeHas: /MQTT_TLS_PORT = 8883;/, sample: "{ 'mqtts:': 8883, 'mqtt:': 1883 }" },
  { what: "the C SDK's certificate file names", copy: /_cert\.crt|_private\.key/, home: 'src/conventions/cert-files.ts', homeHas: /_cert\.crt.*_private\.key/, sample: 'certs/${name}_cert.crt' },
];

describe('conventions: every fact both apps share is written once (src/conventions/)', () => {
  const files = ['src', 'hal/moddable', 'host-sim'].flatMap(tsFilesUnder);
  const code = new Map(files.map((file) => [file, blankOut(readFileSync(`${root}${file}`, 'utf8'), { strings: false })]));

  it('scans the core, the firmware and the host simulator (not the cloud emulator)', () => {
    for (const expected of ['src/conventions/unions.ts', 'hal/moddable/device-app.ts', 'hal/moddable/device-settings.ts', 'host-sim/device.ts', 'host-sim/commands/shared.ts']) {
      assert.ok(files.includes(expected), expected);
    }
    assert.ok(!files.some((file) => file.startsWith('host-sim/cloud/')));
  });

  for (const fact of FACTS) {
    it(`${fact.what}: only in ${fact.home}`, () => {
      assert.match(code.get(fact.home) ?? '', fact.homeHas, `${fact.home} no longer holds ${fact.what}`);
      assert.match(fact.sample, fact.copy, 'the pattern misses the spelling it is meant to catch');
      const copies = files.filter((file) => file !== fact.home && !(fact.pending ?? []).includes(file) && fact.copy.test(code.get(file)!));
      assert.deepEqual(copies, [], `${fact.what} is written again; import it from src/conventions/ instead`);
    });
  }
});

describe('conventions: the facts', () => {
  it('the unions are the wire spellings, frozen, and their guards accept exactly them', () => {
    assert.deepEqual([...AUTH_MODES], ['KEY', 'CERT']);
    assert.deepEqual([...REGISTER_APIS], ['v1', 'v2']);
    assert.deepEqual([...HMAC_ALGORITHMS], ['hmacsha256', 'hmacsha1']);
    for (const list of [AUTH_MODES, REGISTER_APIS, HMAC_ALGORITHMS]) assert.ok(Object.isFrozen(list));
    for (const [guard, good, bad] of [
      [isAuthMode, AUTH_MODES, ['key', 'Cert', '', 'KEY ', null, 1]],
      [isRegisterApi, REGISTER_APIS, ['V1', 'v3', '', undefined]],
      [isHmacAlgorithm, HMAC_ALGORITHMS, ['hmacsha512', 'HMACSHA1', 'sha256', {}]],
    ] as const) {
      for (const value of good) assert.equal(guard(value), true, String(value));
      for (const value of bad) assert.equal(guard(value), false, String(value));
    }
  });

  it('both apps publish to <pid>/<name>/data (PROTOCOL.md §6: the pub/sub topic, so the demo can read it back)', () => {
    assert.equal(DEFAULT_TOPIC_LEAF, 'data');
    assert.equal(defaultTopic('K7QW2ZP4XA', 'sensor-0001'), 'K7QW2ZP4XA/sensor-0001/data');
    assert.equal(deviceTopic('K7QW2ZP4XA', 'sensor-0001', 'control'), 'K7QW2ZP4XA/sensor-0001/control');
    // The host simulator's demo topic (the firmware's is checked where the firmware runs: test/device).
    assert.equal(dataTopic({ productId: 'K7QW2ZP4XA', productSecret: '', deviceName: 'sensor-0001', authMode: 'KEY', region: 'china' }), 'K7QW2ZP4XA/sensor-0001/data');
  });

  it('the clock floor is 2020-01-01T00:00:00Z', () => {
    assert.equal(CLOCK_FLOOR_SECONDS, Date.UTC(2020, 0, 1) / 1000);
    assert.equal(clockIsPlausible(CLOCK_FLOOR_SECONDS), true);
    assert.equal(clockIsPlausible(CLOCK_FLOOR_SECONDS - 1), false);
    assert.equal(clockIsPlausible(0), false);
  });

  it("a HAL's sleep waits whole ms, never shorter than asked; what is not a finite number ≥ 0 counts as 0", () => {
    assert.deepEqual([0, 5, 0.2, 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(sleepDelayMs), [0, 5, 1, 2, 0, 0, 0, 0]);
  });

  it('the log thresholds run from silent to most verbose; a line passes a threshold at or after its level', () => {
    assert.deepEqual([...LOG_THRESHOLDS], ['off', 'error', 'warn', 'info', 'debug']);
    assert.equal(isLogThreshold('off'), true);
    assert.equal(isLogThreshold('trace'), false);
    assert.deepEqual((['error', 'warn', 'info', 'debug'] as const).map((level) => logAdmits('warn', level)), [true, true, false, false]);
    assert.deepEqual((['error', 'warn', 'info', 'debug'] as const).map((level) => logAdmits('off', level)), [false, false, false, false]);
    assert.deepEqual((['error', 'warn', 'info', 'debug'] as const).map((level) => logAdmits('debug', level)), [true, true, true, true]);
  });

  it('the broker endpoint is the one buildMqttLogin logs in to, on TLS port 8883; the gateway is HTTPS 443', () => {
    assert.equal(MQTT_TLS_PORT, 8883);
    assert.equal(GATEWAY_HTTPS_PORT, 443);
    assert.deepEqual(brokerEndpoint('K7QW2ZP4XA', 'china'), { host: 'K7QW2ZP4XA.iotcloud.tencentdevices.com', port: 8883 });
    assert.deepEqual(brokerEndpoint('K7QW2ZP4XA', 'europe'), { host: 'K7QW2ZP4XA.europe.iothub.tencentdevices.com', port: 8883 });
    for (const region of REGIONS) {
      // A certificate login needs no HMAC, so no crypto primitives (the argument issue 14 adds) are passed.
      const login = (buildMqttLogin as (p: MqttLoginParams, ...rest: unknown[]) => MqttLogin)({ productId: 'K7QW2ZP4XA', deviceName: 'd1', region, credential: { kind: 'cert', certificatePem: 'C', privateKeyPem: 'K' }, algorithm: 'hmacsha256', connIdRandom: new Uint8Array(8), expiry: 1 }, undefined);
      assert.deepEqual(brokerEndpoint('K7QW2ZP4XA', region), { host: login.host, port: login.port }, region);
    }
  });

  it('a login made now expires an hour later', () => {
    assert.equal(LOGIN_LIFETIME_SECONDS, 3600);
    assert.equal(loginExpiry(CLOCK_FLOOR_SECONDS), CLOCK_FLOOR_SECONDS + 3600);
  });

  it("names a certificate's files as the C SDK does, and refuses a name that is not a device name", () => {
    assert.equal(CERTS_DIR, 'certs');
    assert.deepEqual(certFileNamesFor('A4:D1:8C:DB:C0:20'), { devCertFile: 'A4:D1:8C:DB:C0:20_cert.crt', devPrivateKeyFile: 'A4:D1:8C:DB:C0:20_private.key' });
    for (const bad of ['../x', 'a/b', '', 'a b']) expectIotError(() => certFileNamesFor(bad), 'bad-input', /deviceName/);
  });
});
