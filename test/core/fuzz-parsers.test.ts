/**
 * Fuzzing: whatever bytes or JSON a server (or an attacker in its place) sends, the parsers answer with a
 * value or an IotError — never a TypeError, RangeError or any other crash, and never a hang. 10,000 HTTP
 * inputs, 10,000 JSON inputs, 10,000 whole gateway responses through provision() and 10,000 MQTT byte
 * streams through the local cloud's packet-size guard, aedes' parser and MQTT.js's parser — half random,
 * half mutations of valid inputs.
 *
 * Seeded and reproducible: FUZZ_SEED (default 0x7c10) and FUZZ_RUNS (default 10,000 per property; `npm run
 * fuzz` runs 200,000). A failure prints fast-check's seed and path; rerun with that FUZZ_SEED to replay it.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { MqttFrameWatch } from '../../host-sim/cloud/connection-limits.js';
import { parseUsername, checkPassword } from '../../host-sim/cloud/mqtt-login.js';
import { jsCrypto } from '../../src/crypto/js-primitives.js';
import { provision } from '../../src/runner/provision.js';
import { fakeHal } from './support/fake-hal.js';
import { isIotError } from '../../src/errors.js';
import { parseDeviceInfo } from '../../src/device/device-info.js';
import { HttpResponseParser } from '../../src/protocol/http-response.js';
import { decryptPayload, parseCredentialPlaintext } from '../../src/protocol/payload.js';
import { parseV1RegisterResponse } from '../../src/protocol/register-v1.js';
import { parseV2RegisterResponse } from '../../src/protocol/register-v2.js';
import { parseRegisterResponse } from '../../src/protocol/register-response.js';
import { encryptPayload } from './support/node-encrypt.js';
import { vectors } from '../vectors/tencent.js';

const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x7c10);
/** fast-check parameters: a fixed seed (reproducible) and the run count. */
const params = (offset: number): { seed: number; numRuns: number } => ({ seed: SEED + offset, numRuns: RUNS });

function onlyIotErrors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (error) {
    if (isIotError(error)) return true;
    throw error;
  }
}

const sealed = encryptPayload(SECRET, '{"encryptionType":2,"psk":"zDUa5wy4XFn2EbJ8Zwj/og=="}');
const v1Body = JSON.stringify({ code: 0, message: '', len: sealed.Len, payload: sealed.Payload });
const v2Body = JSON.stringify({ Response: { Len: sealed.Len, Payload: sealed.Payload, RequestId: 'r', State: 0 } });
const httpSeeds = [
  `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${v1Body.length}\r\n\r\n${v1Body}`,
  `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10;x=y\r\n${v2Body.slice(0, 16)}\r\n${(v2Body.length - 16).toString(16)}\r\n${v2Body.slice(16)}\r\n0\r\nT: 1\r\n\r\n`,
  `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 403 Forbidden\r\nConnection: close\r\n\r\n{"code":1010,"message":"Check signature failed"}`,
].map((s) => new Uint8Array(Buffer.from(s, 'latin1')));
const jsonSeeds = [v1Body, v2Body, vectors.payloads[1]!.plaintext, vectors.payloads[0]!.plaintext, '{"Response":{"Error":{"Code":"X","Message":"m"},"RequestId":"r"}}', '{"code":1010,"message":"m","requestId":"r"}'];

type Mutation = { kind: 'flip' | 'insert' | 'delete' | 'truncate' | 'duplicate'; at: number; value: number; length: number };
const mutation = fc.record({
  kind: fc.constantFrom('flip', 'insert', 'delete', 'truncate', 'duplicate') as fc.Arbitrary<Mutation['kind']>,
  at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), length: fc.integer({ min: 1, max: 40 }),
});

function mutate(seed: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = Array.from(seed);
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length;
    if (m.kind === 'flip') bytes[at] = m.value;
    else if (m.kind === 'insert') bytes.splice(at, 0, ...Array.from({ length: m.length }, (_, i) => (m.value + i * 37) & 0xff));
    else if (m.kind === 'delete') bytes.splice(at, m.length);
    else if (m.kind === 'truncate') bytes = bytes.slice(0, at);
    else bytes.splice(at, 0, ...bytes.slice(at, at + m.length));
  }
  return Uint8Array.from(bytes);
}

/** HTTP bytes: random, or a mutated valid response; delivered in random splits, then end(). */
const httpInput = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.tuple(fc.constantFrom(...httpSeeds), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([seed, ms]) => mutate(seed, ms)),
);

const jsonText = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 80 }),
  fc.tuple(fc.constantFrom(...jsonSeeds), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([seed, ms]) => Buffer.from(mutate(new Uint8Array(Buffer.from(seed, 'latin1')), ms)).toString('latin1')),
  fc.record({ code: fc.oneof(fc.constant(0), fc.integer(), fc.string()), len: fc.oneof(fc.integer(), fc.double(), fc.string()), payload: fc.oneof(fc.base64String(), fc.string()) }).map((o) => JSON.stringify(o)),
  fc.record({ Response: fc.record({ Len: fc.oneof(fc.integer(), fc.string()), Payload: fc.oneof(fc.base64String(), fc.constant(null)), State: fc.anything(), Error: fc.option(fc.anything()) }, { requiredKeys: [] }) }).map((o) => JSON.stringify(o)),
  fc.record({ encryptionType: fc.oneof(fc.constant(1), fc.constant(2), fc.anything()), psk: fc.anything(), clientCert: fc.oneof(fc.string(), fc.anything()), clientKey: fc.string() }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
);

describe('fuzzing the parsers (fast-check)', function () {
  this.timeout(Math.max(30_000, RUNS * 10));
  it(`HTTP response parser: ${RUNS.toLocaleString('en')} random and mutated responses give a response or an IotError`, () => {
    let parsed = 0;
    fc.assert(
      fc.property(httpInput, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }), (bytes, splits) => {
        return onlyIotErrors(() => {
          const parser = new HttpResponseParser();
          let offset = 0;
          let i = 0;
          while (offset < bytes.length) {
            const size = splits[i++ % splits.length]!;
            if (parser.push(bytes.subarray(offset, offset + size)) !== undefined) break;
            offset += size;
          }
          const response = parser.end();
          assert.ok(Number.isInteger(response.status) && response.body instanceof Uint8Array);
          parsed++;
        });
      }),
      params(1),
    );
    assert.ok(parsed > 0, 'some inputs must still parse, or the mutations only test the error path');
  });

  it(`whole gateway answers: ${RUNS.toLocaleString('en')} random statuses and bodies give a verdict or a bad-response IotError`, () => {
    const verdicts = new Set<string>();
    fc.assert(
      fc.property(fc.constantFrom('v1' as const, 'v2' as const), fc.integer({ min: 100, max: 999 }), fc.oneof(jsonText.map((t) => new TextEncoder().encode(t)), fc.uint8Array({ maxLength: 300 })), (api, status, body) => {
        try {
          verdicts.add(parseRegisterResponse(api, status, body).kind);
        } catch (error) {
          assert.ok(isIotError(error) && error.code === 'bad-response' && error.httpStatus === status, `status ${status}: ${String(error)}`);
        }
        return true;
      }),
      params(3),
    );
    assert.deepEqual([...verdicts].sort(), ['accepted', 'refused', 'unavailable'], 'every verdict must be reached, or the generator only tests one path');
  });

  it(`JSON answers, plaintexts and payloads: ${RUNS.toLocaleString('en')} random and mutated bodies give a value or an IotError`, () => {
    fc.assert(
      fc.property(jsonText, fc.integer({ min: -5, max: 200 }), (text, len) => {
        for (const parse of [parseV1RegisterResponse, parseV2RegisterResponse]) {
          onlyIotErrors(() => {
            const answer = parse(text);
            if (answer.kind === 'accepted') onlyIotErrors(() => parseCredentialPlaintext(decryptPayload(SECRET, answer.payload, answer.len, jsCrypto), 'KEY'));
          });
        }
        onlyIotErrors(() => parseCredentialPlaintext(text, 'KEY'));
        onlyIotErrors(() => parseCredentialPlaintext(text, 'CERT'));
        onlyIotErrors(() => decryptPayload(SECRET, text, len, jsCrypto));
        onlyIotErrors(() => parseDeviceInfo(text));
        return true;
      }),
      params(2),
    );
  });

  it(`whole gateway responses through provision(): ${RUNS.toLocaleString('en')} end in a registration or an IotError, never a hang`, async () => {
    const sealedCert = encryptPayload(SECRET, JSON.stringify({ encryptionType: 2, psk: 'zDUa5wy4XFn2EbJ8Zwj/og==' }));
    const body = JSON.stringify({ code: 0, message: '', len: sealedCert.Len, payload: sealedCert.Payload });
    const seed = new Uint8Array(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`, 'latin1'));
    const response = fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => mutate(seed, ms)));
    let registered = 0;
    await fc.assert(
      fc.asyncProperty(response, fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 6 }), async (bytes, splits) => {
        const chunks: Uint8Array[] = [];
        for (let at = 0, i = 0; at < bytes.length; i++) {
          const size = splits[i % splits.length]!;
          chunks.push(bytes.subarray(at, at + size));
          at += size;
        }
        const hal = fakeHal([{ answer: () => chunks }]);
        try {
          await provision(hal, { productId: 'K7QW2ZP4XA', productSecret: SECRET, deviceName: 'fuzz-1', authMode: 'KEY', region: 'china' }, { maxAttempts: 1 });
          registered++;
          assert.equal(hal.saved.length, 1);
        } catch (error) {
          if (!isIotError(error)) throw error;
          assert.equal(hal.saved.length, 0, 'nothing stored on a failure');
        }
        return true;
      }),
      { ...params(3), timeout: 2000 },
    );
    assert.ok(registered > 0, 'some mutated responses still register, or only the error path was tested');
  });

  it(`MQTT byte streams: ${RUNS.toLocaleString('en')} through the cloud's packet-size guard, aedes' parser and MQTT.js's parser, no crash`, () => {
    const connect = mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'K7QW2ZP4XAfuzz-1', keepalive: 60, username: 'K7QW2ZP4XAfuzz-1;21010406;abcde;1999999999', password: Buffer.from('00'.repeat(32) + ';hmacsha256') });
    const packets = [
      connect,
      mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: false }),
      mqttPacket.generate({ cmd: 'publish', topic: 'K7QW2ZP4XA/fuzz-1/data', payload: Buffer.from('{"t":21.5}'), qos: 1, messageId: 7, retain: false, dup: false }),
      mqttPacket.generate({ cmd: 'subscribe', messageId: 8, subscriptions: [{ topic: 'K7QW2ZP4XA/fuzz-1/control', qos: 1 }] }),
      mqttPacket.generate({ cmd: 'suback', messageId: 8, granted: [1, 128] }),
      mqttPacket.generate({ cmd: 'pingreq' }),
    ].map((b) => new Uint8Array(b));
    const stream = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.tuple(fc.array(fc.constantFrom(...packets), { minLength: 1, maxLength: 4 }), fc.array(mutation, { maxLength: 3 }))
        .map(([list, ms]) => mutate(Uint8Array.from(list.flatMap((p) => Array.from(p))), ms)),
    );
    let accepted = 0;
    fc.assert(
      fc.property(stream, fc.integer({ min: 1, max: 64 }), (bytes, split) => {
        const watch = new MqttFrameWatch(128);
        const server = mqttPacket.parser({ protocolVersion: 4 });
        const client = mqttPacket.parser({ protocolVersion: 4 });
        const parsed: unknown[] = [];
        server.on('packet', (packet: unknown) => parsed.push(packet));
        // aedes closes the connection at the first parse error, so the broker parses nothing after one.
        let serverFailed = false;
        server.on('error', () => { serverFailed = true; });
        client.on('error', () => undefined);
        let cut: string | undefined;
        for (let at = 0; at < bytes.length && cut === undefined; at += split) {
          const chunk = bytes.subarray(at, at + split);
          cut = watch.feed(chunk);
          // The broker parses only what the guard let through; the client parses everything.
          if (cut === undefined && !serverFailed) server.parse(Buffer.from(chunk));
          client.parse(Buffer.from(chunk));
        }
        if (cut !== undefined) assert.match(cut, /^a packet (of \d+ bytes, the limit is 128|length longer than four bytes)$/);
        for (const packet of parsed as Array<{ cmd?: string; username?: unknown; password?: unknown; length?: number }>) {
          accepted++;
          assert.ok((packet.length ?? 0) <= 128, 'a parsed packet is within the guard\'s limit');
          if (packet.cmd === 'connect' && typeof packet.username === 'string') {
            const user = parseUsername(packet.username);
            if (user !== undefined && Buffer.isBuffer(packet.password)) checkPassword('zDUa5wy4XFn2EbJ8Zwj/og==', packet.username, packet.password.toString('utf8'));
          }
        }
        return true;
      }),
      params(4),
    );
    assert.ok(accepted > 0, 'some streams still parse');
  });
});
