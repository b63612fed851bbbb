/**
 * The vector suite that runs INSIDE the XS engine against dist/core.js (and can run on Node too).
 *
 * Bundled by esbuild into one script (see load-core.ts) together with test/vectors/standard.ts, so it must use
 * only the language: no TextEncoder, no Buffer, no console. It checks the core's public exports (by name, as
 * docs/core-api.md lists them) and reports one result per check: a missing export is a failed check, never a
 * skipped one. Failure details name the check and the field, never a secret (product secrets, device secrets,
 * signatures and passwords are compared, not printed; digests of public test messages are printed).
 */
import {
  aesCbcDecryptVectors,
  base64Vectors,
  hmacSha1Vectors,
  hmacSha256Vectors,
  sha1Vectors,
  sha256Vectors,
} from '../vectors/standard.js';
import type { HashVector, HmacVector } from '../vectors/standard.js';
import type { TencentVectors } from '../vectors/tencent.js';

export type { TencentVectors };

export interface CheckResult {
  name: string;
  ok: boolean;
  detail?: string;
}


type Fn = (...args: never[]) => unknown;
/** The core as seen from here: a bag of exports, looked up by name so that an absent one fails loudly. */
export type CoreExports = Record<string, unknown>;

class Checks {
  readonly results: CheckResult[] = [];
  constructor(private readonly core: CoreExports) {}

  fn<T extends Fn>(name: string): T {
    const value = this.core[name];
    if (typeof value !== 'function') throw new Error(`dist/core.js does not export ${name}()`);
    return value as T;
  }

  /** The crypto primitives the protocol functions run on: the core's own JavaScript (`jsCrypto`) here. */
  get crypto(): object {
    const value = this.core.jsCrypto;
    if (typeof value !== 'object' || value === null) throw new Error('dist/core.js does not export jsCrypto');
    return value;
  }

  /** Runs one named check; an exception (including a missing export) is a failure with its name and message. */
  check(name: string, body: () => string | undefined): void {
    try {
      const problem = body();
      this.results.push(problem === undefined ? { name, ok: true } : { name, ok: false, detail: problem });
    } catch (error) {
      const e = error as { name?: unknown; message?: unknown; code?: unknown };
      const code = typeof e?.code === 'string' ? ` [${e.code}]` : '';
      this.results.push({ name, ok: false, detail: `threw ${String(e?.name)}${code}: ${String(e?.message)}` });
    }
  }
}

// ---- tiny helpers, independent of the core under test ----

function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return s;
}

function messageOf(v: { messageAscii?: string; messageHex?: string; repeat?: number }): Uint8Array {
  const one = v.messageHex !== undefined ? fromHex(v.messageHex) : ascii(v.messageAscii ?? '');
  const repeat = v.repeat ?? 1;
  const out = new Uint8Array(one.length * repeat);
  for (let i = 0; i < repeat; i++) out.set(one, i * one.length);
  return out;
}

/** Compares public values (digests of public test messages) and shows both when they differ. */
function samePublic(what: string, got: unknown, expected: unknown): string | undefined {
  return got === expected ? undefined : `${what}: got ${String(got)}, expected ${String(expected)}`;
}

/** Compares secret-bearing values (signatures, passwords, plaintexts holding keys) without showing them. */
function sameSecret(what: string, got: unknown, expected: unknown): string | undefined {
  if (got === expected) return undefined;
  const gotLength = typeof got === 'string' ? ` (a ${got.length}-char string)` : ` (a ${typeof got})`;
  return `${what} differs from the vector${gotLength}; values not shown`;
}

function bytesOut(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new Error(`${what} did not return a Uint8Array`);
  return value;
}

// ---- groups ----

/** `quick` leaves out the long messages (one million "a"): seconds of XS time that mocha need not spend. */
function standardGroup(c: Checks, quick: boolean): void {
  const short = (v: HashVector): boolean => !quick || (v.repeat ?? 1) <= 100;
  const hashes: [string, string, readonly HashVector[]][] = [
    ['sha1', 'sha1', sha1Vectors],
    ['sha256', 'sha256', sha256Vectors],
  ];
  for (const [label, exportName, vectors] of hashes) {
    vectors.forEach((v, i) =>
      short(v) && c.check(`${label}[${i}] ${v.source}`, () => {
        const digest = c.fn<(m: Uint8Array) => Uint8Array>(exportName)(messageOf(v));
        return samePublic('digest', toHex(bytesOut(digest, exportName)), v.digestHex);
      }),
    );
  }
  const macs: [string, string, readonly HmacVector[]][] = [
    ['hmac-sha1', 'hmacSha1', hmacSha1Vectors],
    ['hmac-sha256', 'hmacSha256', hmacSha256Vectors],
  ];
  for (const [label, exportName, vectors] of macs) {
    vectors.forEach((v, i) =>
      c.check(`${label}[${i}] ${v.source}`, () => {
        const mac = c.fn<(k: Uint8Array, m: Uint8Array) => Uint8Array>(exportName)(fromHex(v.keyHex), messageOf(v));
        // Truncated vectors (RFC 4231 test case 5) give only a prefix of the MAC.
        return samePublic('mac', toHex(bytesOut(mac, exportName)).slice(0, v.digestHex.length), v.digestHex);
      }),
    );
  }
  aesCbcDecryptVectors.forEach((v, i) =>
    c.check(`aes-cbc-decrypt[${i}] ${v.source}`, () => {
      const plain = c.fn<(k: Uint8Array, iv: Uint8Array, d: Uint8Array) => Uint8Array>('aesCbcDecrypt')(fromHex(v.keyHex), fromHex(v.ivHex), fromHex(v.ciphertextHex));
      return samePublic('plaintext', toHex(bytesOut(plain, 'aesCbcDecrypt')), v.plaintextHex);
    }),
  );
  base64Vectors.forEach((v, i) => {
    c.check(`base64-encode[${i}] ${v.source} "${v.bytesAscii}"`, () =>
      samePublic('base64', c.fn<(b: Uint8Array) => string>('base64Encode')(ascii(v.bytesAscii)), v.base64),
    );
    c.check(`base64-decode[${i}] ${v.source} "${v.base64}"`, () =>
      samePublic('bytes', toHex(bytesOut(c.fn<(s: string) => Uint8Array>('base64Decode')(v.base64), 'base64Decode')), toHex(ascii(v.bytesAscii))),
    );
  });
  // UTF-8 (no standard table is cited for it in the issue; these are the RFC 3629 §7 examples).
  const utf8: [string, string][] = [
    ['A\u2262\u0391.', '41e289a2ce912e'],
    ['\ud55c\uad6d\uc5b4', 'ed959ceab5adec96b4'],
    ['\u65e5\u672c\u8a9e', 'e697a5e69cace8aa9e'],
    ['\ufeff\ud84c\udfb4', 'efbbbff0a38eb4'],
  ];
  utf8.forEach(([text, hex], i) => {
    c.check(`utf8-encode[${i}] RFC 3629 §7`, () => samePublic('bytes', toHex(bytesOut(c.fn<(s: string) => Uint8Array>('utf8Encode')(text), 'utf8Encode')), hex));
    c.check(`utf8-decode[${i}] RFC 3629 §7`, () => samePublic('text', c.fn<(b: Uint8Array) => string>('utf8Decode')(fromHex(hex)), text));
  });
}

interface HttpRequestLike {
  method: string;
  host: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

function header(request: HttpRequestLike, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(request.headers)) if (key.toLowerCase() === wanted) return request.headers[key];
  return undefined;
}

function v1Group(c: Checks, vectors: TencentVectors): void {
  vectors.legacyRegister.forEach((v, i) => {
    const params = { productId: v.productId, productSecret: v.productSecret, deviceName: v.deviceName, timestamp: v.timestamp, nonce: v.nonce };
    c.check(`v1[${i}] sign source`, () => samePublic('sign source', c.fn<(p: object) => string>('v1SignSource')(params), v.signSource));
    c.check(`v1[${i}] HMAC-SHA1 hex`, () => {
      const mac = c.fn<(k: Uint8Array, m: Uint8Array) => Uint8Array>('hmacSha1')(ascii(v.productSecret), ascii(v.signSource));
      return sameSecret('HMAC hex', c.fn<(b: Uint8Array) => string>('hexEncode')(mac), v.hmacSha1Hex);
    });
    c.check(`v1[${i}] signature`, () => sameSecret('signature', c.fn<(s: string, src: string, crypto: object) => string>('v1Signature')(v.productSecret, v.signSource, c.crypto), v.signature));
    c.check(`v1[${i}] request`, () => {
      const host = 'gateway.tencentdevices.com';
      const request = c.fn<(p: object, crypto: object) => HttpRequestLike>('buildV1RegisterRequest')({ ...params, host }, c.crypto);
      return (
        samePublic('method', request.method, 'POST') ??
        samePublic('path', request.path, '/register/dev') ??
        samePublic('host', request.host, host) ??
        sameSecret('body', request.body, v.body)
      );
    });
  });
}

function v2Group(c: Checks, vectors: TencentVectors): void {
  vectors.v2Register.forEach((v, i) => {
    const label = `v2[${i}] ${v.algorithm}`;
    c.check(`${label} body hash`, () => {
      const hash = c.fn<(m: Uint8Array) => Uint8Array>(v.algorithm === 'hmacsha256' ? 'sha256' : 'sha1')(ascii(v.body));
      return samePublic('body hash', c.fn<(b: Uint8Array) => string>('hexEncode')(hash), v.bodyHash);
    });
    c.check(`${label} string to sign`, () => {
      const params = { host: v.host, path: v.path, algorithm: v.algorithm, timestamp: v.timestamp, nonce: v.nonce, body: v.body, productId: v.productId, deviceName: v.deviceName };
      return samePublic('string to sign', c.fn<(p: object, crypto: object) => string>('v2StringToSign')(params, c.crypto), v.stringToSign);
    });
    c.check(`${label} request and signature`, () => {
      const request = c.fn<(p: object, crypto: object) => HttpRequestLike>('buildV2RegisterRequest')({
        productId: v.productId,
        productSecret: v.productSecret,
        deviceName: v.deviceName,
        timestamp: v.timestamp,
        nonce: v.nonce,
        host: v.host,
        algorithm: v.algorithm,
      }, c.crypto);
      return (
        samePublic('method', request.method, 'POST') ??
        samePublic('path', request.path, v.path) ??
        samePublic('host', request.host, v.host) ??
        samePublic('body', request.body, v.body) ??
        samePublic('X-TC-Algorithm', header(request, 'X-TC-Algorithm'), v.algorithm) ??
        samePublic('X-TC-Timestamp', header(request, 'X-TC-Timestamp'), String(v.timestamp)) ??
        samePublic('X-TC-Nonce', header(request, 'X-TC-Nonce'), String(v.nonce)) ??
        sameSecret('X-TC-Signature', header(request, 'X-TC-Signature'), v.signature)
      );
    });
  });
}

interface EncryptedPayloadLike {
  payload: string;
  len: number;
}

type CredentialLike = { kind: 'key'; deviceSecret: string } | { kind: 'cert'; certificatePem: string; privateKeyPem: string };

function payloadGroup(c: Checks, vectors: TencentVectors): void {
  vectors.payloads.forEach((v, i) => {
    const label = `payload[${i}] ${v.name}`;
    const expected = JSON.parse(v.plaintext) as { encryptionType: number; psk?: string; clientCert?: string; clientKey?: string };
    const mode = expected.encryptionType === 2 ? 'KEY' : 'CERT';
    c.check(`${label} v1 response → decrypt → plaintext`, () => {
      const response = JSON.stringify({ code: 0, message: '', len: v.Len, payload: v.Payload });
      const parsed = c.fn<(t: string) => EncryptedPayloadLike>('parseV1RegisterResponse')(response);
      return (
        samePublic('len', parsed.len, v.Len) ??
        sameSecret('plaintext', c.fn<(s: string, p: string, l: number, crypto: object) => string>('decryptPayload')(v.productSecret, parsed.payload, parsed.len, c.crypto), v.plaintext)
      );
    });
    c.check(`${label} v2 response → decrypt → plaintext`, () => {
      const response = JSON.stringify({ Response: { Len: v.Len, Payload: v.Payload, RequestId: 'req-xs-1', State: 0 } });
      const parsed = c.fn<(t: string) => EncryptedPayloadLike>('parseV2RegisterResponse')(response);
      return (
        samePublic('len', parsed.len, v.Len) ??
        sameSecret('plaintext', c.fn<(s: string, p: string, l: number, crypto: object) => string>('decryptPayload')(v.productSecret, parsed.payload, parsed.len, c.crypto), v.plaintext)
      );
    });
    c.check(`${label} whole answer (status + body bytes) → accepted verdict → plaintext`, () => {
      const body = c.fn<(t: string) => Uint8Array>('utf8Encode')(JSON.stringify({ Response: { Len: v.Len, Payload: v.Payload, RequestId: 'req-xs-2' } }));
      const verdict = c.fn<(api: string, status: number, body: Uint8Array) => EncryptedPayloadLike & { kind: string; httpStatus: number }>('parseRegisterResponse')('v2', 200, body);
      return (
        samePublic('kind', verdict.kind, 'accepted') ??
        samePublic('httpStatus', verdict.httpStatus, 200) ??
        sameSecret('plaintext', c.fn<(s: string, p: string, l: number, crypto: object) => string>('decryptPayload')(v.productSecret, verdict.payload, verdict.len, c.crypto), v.plaintext)
      );
    });
    c.check(`${label} credential (${mode})`, () => {
      const credential = c.fn<(t: string, m: string) => CredentialLike>('parseCredentialPlaintext')(v.plaintext, mode);
      if (credential.kind === 'key') return samePublic('kind', mode, 'KEY') ?? sameSecret('deviceSecret', credential.deviceSecret, expected.psk);
      return (
        samePublic('kind', mode, 'CERT') ??
        samePublic('certificatePem', credential.certificatePem, expected.clientCert) ??
        sameSecret('privateKeyPem', credential.privateKeyPem, expected.clientKey)
      );
    });
    c.check(`${label} refuses the other auth mode`, () => {
      try {
        c.fn<(t: string, m: string) => unknown>('parseCredentialPlaintext')(v.plaintext, mode === 'KEY' ? 'CERT' : 'KEY');
      } catch (error) {
        if ((error as { name?: unknown }).name === 'IotError') return undefined;
        throw error;
      }
      return 'accepted a credential of the wrong auth mode';
    });
  });
  c.check('v1 refusal (HTTP 200, code 1010) → a refused verdict value, the server\'s words verbatim', () => {
    const body = c.fn<(t: string) => Uint8Array>('utf8Encode')('{"code":1010,"message":"Check signature failed","requestId":"r-xs"}');
    const verdict = c.fn<(api: string, status: number, body: Uint8Array) => { kind: string; serverCode?: unknown; serverMessage?: unknown; requestId?: unknown }>('parseRegisterResponse')('v1', 200, body);
    return samePublic('kind', verdict.kind, 'refused') ?? samePublic('serverCode', verdict.serverCode, 1010) ?? samePublic('serverMessage', verdict.serverMessage, 'Check signature failed') ?? samePublic('requestId', verdict.requestId, 'r-xs');
  });
}

interface MqttLoginLike {
  clientId: string;
  username: string;
  password?: string;
  host: string;
  port: number;
}

/**
 * The vectors give the 5-character connid; the core derives it from random bytes. Find, position by
 * position, a byte the core maps to the wanted character (only the core's alphabet mapping is used, and the
 * username/password are still checked against the independently computed vector).
 */
function randomForConnId(c: Checks, connId: string): Uint8Array {
  const derive = c.fn<(b: Uint8Array) => string>('connIdFromRandom');
  const bytes = new Uint8Array(connId.length);
  for (let position = 0; position < connId.length; position++) {
    let found = false;
    for (let b = 0; b < 256 && !found; b++) {
      bytes[position] = b;
      if (derive(bytes).charAt(position) === connId.charAt(position)) found = true;
    }
    if (!found) throw new Error(`connIdFromRandom never yields "${connId.charAt(position)}" at position ${position}`);
  }
  if (derive(bytes) !== connId) throw new Error('connIdFromRandom: characters are not independent per byte; cannot reproduce the vector');
  return bytes;
}

function mqttGroup(c: Checks, vectors: TencentVectors): void {
  vectors.mqtt.forEach((v, i) => {
    const label = `mqtt[${i}] ${v.algorithm}`;
    c.check(`${label} login`, () => {
      const login = c.fn<(p: object, crypto: object) => MqttLoginLike>('buildMqttLogin')({
        productId: v.productId,
        deviceName: v.deviceName,
        region: 'china',
        credential: { kind: 'key', deviceSecret: v.psk },
        algorithm: v.algorithm,
        connIdRandom: randomForConnId(c, v.connId),
        expiry: v.expiry,
        sdkAppId: v.sdkAppId,
      }, c.crypto);
      return (
        samePublic('clientId', login.clientId, v.clientId) ??
        samePublic('username', login.username, v.username) ??
        sameSecret('password', login.password, v.password) ??
        samePublic('host', login.host, v.host)
      );
    });
    c.check(`${label} broker host`, () => samePublic('host', c.fn<(p: string, r: string) => string>('brokerHost')(v.productId, 'china'), v.host));
  });
}

/** Group names, in the order a runner should use them (each may be run in its own XS evaluation). */
export const GROUPS = ['standard', 'v1', 'v2', 'payload', 'mqtt'] as const;
/** `standard-quick`: the standard group without the million-byte messages. */
export type GroupName = (typeof GROUPS)[number] | 'standard-quick';

export function runGroup(core: CoreExports, vectors: TencentVectors, group: GroupName): CheckResult[] {
  const checks = new Checks(core);
  if (group === 'standard' || group === 'standard-quick') standardGroup(checks, group === 'standard-quick');
  else if (group === 'v1') v1Group(checks, vectors);
  else if (group === 'v2') v2Group(checks, vectors);
  else if (group === 'payload') payloadGroup(checks, vectors);
  else if (group === 'mqtt') mqttGroup(checks, vectors);
  else checks.check(`group ${String(group)}`, () => 'unknown group');
  return checks.results;
}
