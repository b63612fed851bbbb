/**
 * A Moddable app (bundled by test/moddable/crypto-app.ts, Moddable modules external) that runs on the simulator:
 * 1. every Tencent known-answer vector (v1 signature, v2 string to sign and signature, both payload kinds,
 *    MQTT passwords) through the core's protocol code on the native primitives (crypt, hmac);
 * 2. per-primitive and whole-flow timings, native against the core's JavaScript, on the same inputs.
 * (The HAL contract's crypto cases run with the rest of the contract in test/moddable/contract-app.)
 * One trace line per result: `kat <name>: ok|FAIL …`, `time <name>: native <µs> js <µs>`, then `crypto-app done`.
 */
import type { CryptoPrimitives } from '../../../hal/hal.js';
import { nativeCrypto } from '../../../hal/moddable/native-crypto.js';
import { jsCrypto } from '../../../src/crypto/js-primitives.js';
import { asciiBytes } from '../../../src/encoding/bytes.js';
import { utf8Encode } from '../../../src/encoding/utf8.js';
import { base64Decode } from '../../../src/encoding/base64.js';
import { decryptPayload, parseCredentialPlaintext } from '../../../src/protocol/payload.js';
import { v1Signature } from '../../../src/protocol/register-v1.js';
import { v2Signature, v2StringToSign } from '../../../src/protocol/register-v2.js';
import { mqttPassword } from '../../../src/protocol/mqtt-login.js';
import vectors from '../../vectors/tencent-iot.json';

declare const trace: (text: string) => void;

function line(text: string): void {
  trace(`${text}\n`);
}

function check(name: string, got: string, want: string): void {
  line(`kat ${name}: ${got === want ? 'ok' : 'FAIL (got a different value)'}`);
}

/** Microseconds per call, over at least `minMs` of calls (Date.now() has millisecond steps). */
function timePerCall(run: () => void, minMs: number): number {
  run();
  let calls = 0;
  const start = Date.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 10; i++) run();
    calls += 10;
    elapsed = Date.now() - start;
  } while (elapsed < minMs);
  return Math.round((elapsed * 1000) / calls * 10) / 10;
}

function knownAnswers(primitives: CryptoPrimitives): void {
  vectors.legacyRegister.forEach((v, i) => check(`v1[${i}] signature`, v1Signature(v.productSecret, v.signSource, primitives), v.signature));
  vectors.v2Register.forEach((v, i) => {
    const stringToSign = v2StringToSign({ host: v.host, algorithm: v.algorithm as 'hmacsha256' | 'hmacsha1', timestamp: v.timestamp, nonce: v.nonce, body: v.body, path: v.path }, primitives);
    check(`v2[${i}] ${v.algorithm} string to sign`, stringToSign, v.stringToSign);
    check(`v2[${i}] ${v.algorithm} signature`, v2Signature(v.productSecret, v.algorithm as 'hmacsha256' | 'hmacsha1', stringToSign, primitives), v.signature);
  });
  vectors.payloads.forEach((v) => check(`payload ${v.name}`, decryptPayload(v.productSecret, v.Payload, v.Len, primitives), v.plaintext));
  vectors.mqtt.forEach((v, i) => check(`mqtt[${i}] ${v.algorithm} password`, mqttPassword(v.psk, v.username, v.algorithm as 'hmacsha1' | 'hmacsha256', primitives), v.password));
}

function timings(): void {
  const v1 = vectors.legacyRegister[0]!;
  const v2 = vectors.v2Register.find((v) => v.algorithm === 'hmacsha256')!;
  const key = vectors.payloads.find((p) => p.name === 'key-mode')!;
  const cert = vectors.payloads.find((p) => p.name === 'cert-mode')!;
  const secret = asciiBytes(v1.productSecret);
  const signSource = utf8Encode(v1.signSource);
  const stringToSign = utf8Encode(v2.stringToSign);
  const aesKey = asciiBytes(key.productSecret.slice(0, 16));
  const iv = new Uint8Array(16).fill(0x30);
  const keyCipher = base64Decode(key.Payload);
  const certCipher = base64Decode(cert.Payload);
  const pair = (name: string, run: (p: CryptoPrimitives) => void, minMs: number): void => {
    line(`time ${name}: native ${timePerCall(() => run(nativeCrypto), minMs)} js ${timePerCall(() => run(jsCrypto), minMs)}`);
  };
  pair(`hmacSha1 ${signSource.length} B`, (p) => p.hmacSha1(secret, signSource), 300);
  pair(`hmacSha256 ${stringToSign.length} B`, (p) => p.hmacSha256(secret, stringToSign), 300);
  pair(`aes128CbcDecrypt ${keyCipher.length} B`, (p) => p.aes128CbcDecrypt(aesKey, iv, keyCipher), 300);
  pair(`aes128CbcDecrypt ${certCipher.length} B`, (p) => p.aes128CbcDecrypt(aesKey, iv, certCipher), 500);
  // The whole provisioning computation of each product kind: sign the request, decrypt and parse the answer.
  pair('key product: v1 sign + decrypt + parse', (p) => {
    v1Signature(v1.productSecret, v1.signSource, p);
    parseCredentialPlaintext(decryptPayload(key.productSecret, key.Payload, key.Len, p), 'KEY');
  }, 500);
  pair('certificate product: v2 sign + decrypt + parse', (p) => {
    v2Signature(v2.productSecret, 'hmacsha256', v2StringToSign({ host: v2.host, algorithm: 'hmacsha256', timestamp: v2.timestamp, nonce: v2.nonce, body: v2.body, path: v2.path }, p), p);
    parseCredentialPlaintext(decryptPayload(cert.productSecret, cert.Payload, cert.Len, p), 'CERT');
  }, 800);
}

export default function main(): void {
  try {
    knownAnswers(nativeCrypto);
    timings();
  } catch (error) {
    line(`kat crypto-app: FAIL ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  line('crypto-app done');
}
