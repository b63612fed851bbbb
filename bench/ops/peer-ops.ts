/**
 * The benchmark's operations built on a peer library's crypto (noble or crypto-js) and the SAME encodings
 * as the core (our Base64/hex/UTF-8, from src/encoding), so that only the crypto differs. They skip the
 * input validation the core does, which if anything flatters the peers.
 */
import { base64Decode, base64Encode } from '../../src/encoding/base64.js';
import { asciiBytes } from '../../src/encoding/bytes.js';
import { hexEncode } from '../../src/encoding/hex.js';
import { utf8Decode, utf8Encode } from '../../src/encoding/utf8.js';
import type { CryptoFive } from '../peers/crypto-five.js';
import type { BenchOps, PayloadInput } from './bench-ops.js';

const IV = '0000000000000000';

export function makePeerOps(crypto: CryptoFive): BenchOps {
  const v1Signature = (secret: string, source: string): string =>
    base64Encode(asciiBytes(hexEncode(crypto.hmacSha1(asciiBytes(secret), asciiBytes(source)))));
  const decryptPayload = ({ productSecret, payload, len }: PayloadInput): string =>
    utf8Decode(crypto.aesCbcDecrypt(asciiBytes(productSecret.slice(0, 16)), asciiBytes(IV), base64Decode(payload)).subarray(0, len));
  return {
    v1Signature: (input) => v1Signature(input.productSecret, input.signSource),
    v2Signature({ productSecret, host, timestamp, nonce, body }) {
      const bodyHash = hexEncode(crypto.sha256(utf8Encode(body)));
      const stringToSign = ['POST', host, '/device/register', '', 'hmacsha256', String(timestamp), String(nonce), bodyHash].join('\n');
      return base64Encode(crypto.hmacSha256(asciiBytes(productSecret), utf8Encode(stringToSign)));
    },
    decryptPayload,
    keyModeFlow(input) {
      const signSource = `deviceName=${input.deviceName}&nonce=${input.nonce}&productId=${input.productId}&timestamp=${input.timestamp}`;
      const signature = v1Signature(input.productSecret, signSource);
      const body = JSON.stringify({ deviceName: input.deviceName, nonce: input.nonce, productId: input.productId, timestamp: input.timestamp, signature });
      if (body.length === 0) throw new Error('unreachable');
      const answer = JSON.parse(input.responseText) as { code: number; payload: string; len: number };
      if (answer.code !== 0) throw new Error('refused');
      const plaintext = decryptPayload({ productSecret: input.productSecret, payload: answer.payload, len: answer.len });
      const psk = (JSON.parse(plaintext) as { psk: string }).psk;
      const username = `${input.productId}${input.deviceName};${input.sdkAppId};${input.connId};${input.expiry}`;
      return `${hexEncode(crypto.hmacSha1(base64Decode(psk), asciiBytes(username)))};hmacsha1`;
    },
  };
}
