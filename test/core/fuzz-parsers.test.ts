/**
 * Fuzzing: whatever bytes or JSON a server (or an attacker in its place) sends, the parsers answer with a
 * value or an IotError — never a TypeError, RangeError or any other crash. 10,000 HTTP inputs and 10,000
 * JSON inputs, half random, half mutations of valid answers.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { isIotError } from '../../src/errors.js';
import { parseDeviceInfo } from '../../src/device/device-info.js';
import { HttpResponseParser } from '../../src/protocol/http-response.js';
import { decryptPayload, parseCredentialPlaintext } from '../../src/protocol/payload.js';
import { parseV1RegisterResponse } from '../../src/protocol/register-v1.js';
import { parseV2RegisterResponse } from '../../src/protocol/register-v2.js';
import { encryptPayload } from './support/node-encrypt.js';
import { vectors } from '../vectors/tencent.js';

const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';

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

describe('fuzzing the parsers (fast-check)', () => {
  it('HTTP response parser: 10,000 random and mutated responses give a response or an IotError', () => {
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
      { numRuns: 10_000 },
    );
    assert.ok(parsed > 0, 'some inputs must still parse, or the mutations only test the error path');
  });

  it('JSON answers, plaintexts and payloads: 10,000 random and mutated bodies give a value or an IotError', () => {
    fc.assert(
      fc.property(jsonText, fc.integer({ min: -5, max: 200 }), (text, len) => {
        for (const parse of [parseV1RegisterResponse, parseV2RegisterResponse]) {
          onlyIotErrors(() => {
            const payload = parse(text);
            onlyIotErrors(() => parseCredentialPlaintext(decryptPayload(SECRET, payload.payload, payload.len), 'KEY'));
          });
        }
        onlyIotErrors(() => parseCredentialPlaintext(text, 'KEY'));
        onlyIotErrors(() => parseCredentialPlaintext(text, 'CERT'));
        onlyIotErrors(() => decryptPayload(SECRET, text, len));
        onlyIotErrors(() => parseDeviceInfo(text));
        return true;
      }),
      { numRuns: 10_000 },
    );
  });
});
