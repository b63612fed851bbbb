/**
 * Standard known-answer vectors, shared by the Node tests (test/core/…) and the XS run (test/xs/…).
 *
 * Plain data only: hex strings (lower case) or ASCII text, each entry citing where it comes from. Every value
 * was typed from the cited standard and cross-checked against node:crypto (test/vectors/standard.test.ts),
 * never taken from this project's own output. A message is given as exactly one of `messageAscii` or
 * `messageHex`; `repeat` (default 1) says how many times the message is concatenated with itself.
 */

export interface HashVector {
  source: string;
  messageAscii?: string;
  messageHex?: string;
  repeat?: number;
  digestHex: string;
}

export interface HmacVector {
  source: string;
  keyHex: string;
  messageAscii?: string;
  messageHex?: string;
  /** The expected MAC; shorter than the full digest when the standard truncates it (compare a prefix). */
  digestHex: string;
}

export interface CbcDecryptVector {
  source: string;
  keyHex: string;
  ivHex: string;
  ciphertextHex: string;
  plaintextHex: string;
}

export interface Base64Vector {
  source: string;
  bytesAscii: string;
  base64: string;
}

const fill = (byteHex: string, count: number): string => byteHex.repeat(count);

const ABC = 'abc';
const TWO_BLOCK_448 = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
const TWO_BLOCK_896 =
  'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu';

export const sha1Vectors: readonly HashVector[] = [
  { source: 'NIST CAVP SHA1ShortMsg, Len = 0', messageAscii: '', digestHex: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
  { source: 'FIPS 180-4 example / RFC 3174 §7.3 TEST1 ("abc")', messageAscii: ABC, digestHex: 'a9993e364706816aba3e25717850c26c9cd0d89d' },
  { source: 'FIPS 180-4 example / RFC 3174 §7.3 TEST2 (448 bits)', messageAscii: TWO_BLOCK_448, digestHex: '84983e441c3bd26ebaae4aa1f95129e5e54670f1' },
  { source: 'FIPS 180-4 example / RFC 3174 §7.3 TEST3 (one million "a")', messageAscii: 'a', repeat: 1_000_000, digestHex: '34aa973cd4c4daa4f61eeb2bdbad27316534016f' },
  {
    source: 'RFC 3174 §7.3 TEST4 ("01234567" × 8, repeated 10 times)',
    messageAscii: '0123456701234567012345670123456701234567012345670123456701234567',
    repeat: 10,
    digestHex: 'dea356a2cddd90c7a7ecedc5ebb563934f460452',
  },
];

export const sha256Vectors: readonly HashVector[] = [
  { source: 'NIST CAVP SHA256ShortMsg, Len = 0', messageAscii: '', digestHex: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  { source: 'FIPS 180-4 example ("abc")', messageAscii: ABC, digestHex: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
  { source: 'FIPS 180-4 example (448 bits)', messageAscii: TWO_BLOCK_448, digestHex: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1' },
  { source: 'FIPS 180-4 / NIST example (896 bits)', messageAscii: TWO_BLOCK_896, digestHex: 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1' },
  { source: 'FIPS 180-4 / NIST example (one million "a")', messageAscii: 'a', repeat: 1_000_000, digestHex: 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0' },
];

export const hmacSha1Vectors: readonly HmacVector[] = [
  { source: 'RFC 2202 §3 test case 1', keyHex: fill('0b', 20), messageAscii: 'Hi There', digestHex: 'b617318655057264e28bc0b6fb378c8ef146be00' },
  { source: 'RFC 2202 §3 test case 2', keyHex: '4a656665', messageAscii: 'what do ya want for nothing?', digestHex: 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79' },
  { source: 'RFC 2202 §3 test case 3', keyHex: fill('aa', 20), messageHex: fill('dd', 50), digestHex: '125d7342b9ac11cd91a39af48aa17b4f63f175d3' },
  { source: 'RFC 2202 §3 test case 4', keyHex: '0102030405060708090a0b0c0d0e0f10111213141516171819', messageHex: fill('cd', 50), digestHex: '4c9007f4026250c6bc8414f9bf50c86c2d7235da' },
  { source: 'RFC 2202 §3 test case 5', keyHex: fill('0c', 20), messageAscii: 'Test With Truncation', digestHex: '4c1a03424b55e07fe7f27be1d58bb9324a9a5a04' },
  { source: 'RFC 2202 §3 test case 6 (key longer than a block)', keyHex: fill('aa', 80), messageAscii: 'Test Using Larger Than Block-Size Key - Hash Key First', digestHex: 'aa4ae5e15272d00e95705637ce8a3b55ed402112' },
  {
    source: 'RFC 2202 §3 test case 7 (key and data longer than a block)',
    keyHex: fill('aa', 80),
    messageAscii: 'Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data',
    digestHex: 'e8e99d0f45237d786d6bbaa7965c7808bbff1a91',
  },
];

export const hmacSha256Vectors: readonly HmacVector[] = [
  { source: 'RFC 4231 §4.2 test case 1', keyHex: fill('0b', 20), messageAscii: 'Hi There', digestHex: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7' },
  { source: 'RFC 4231 §4.3 test case 2', keyHex: '4a656665', messageAscii: 'what do ya want for nothing?', digestHex: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' },
  { source: 'RFC 4231 §4.4 test case 3', keyHex: fill('aa', 20), messageHex: fill('dd', 50), digestHex: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe' },
  { source: 'RFC 4231 §4.5 test case 4', keyHex: '0102030405060708090a0b0c0d0e0f10111213141516171819', messageHex: fill('cd', 50), digestHex: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b' },
  { source: 'RFC 4231 §4.6 test case 5 (truncated to 128 bits)', keyHex: fill('0c', 20), messageAscii: 'Test With Truncation', digestHex: 'a3b6167473100ee06e0c796c2955552b' },
  { source: 'RFC 4231 §4.7 test case 6 (131-byte key)', keyHex: fill('aa', 131), messageAscii: 'Test Using Larger Than Block-Size Key - Hash Key First', digestHex: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54' },
  {
    source: 'RFC 4231 §4.8 test case 7 (131-byte key, long data)',
    keyHex: fill('aa', 131),
    messageAscii:
      'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    digestHex: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  },
];

const SP800_38A_IV = '000102030405060708090a0b0c0d0e0f';
const SP800_38A_PLAINTEXT = '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710';

export const aesCbcDecryptVectors: readonly CbcDecryptVector[] = [
  {
    source: 'NIST SP 800-38A F.2.2 CBC-AES128.Decrypt',
    keyHex: '2b7e151628aed2a6abf7158809cf4f3c',
    ivHex: SP800_38A_IV,
    ciphertextHex: '7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7',
    plaintextHex: SP800_38A_PLAINTEXT,
  },
  {
    source: 'NIST SP 800-38A F.2.4 CBC-AES192.Decrypt',
    keyHex: '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b',
    ivHex: SP800_38A_IV,
    ciphertextHex: '4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd',
    plaintextHex: SP800_38A_PLAINTEXT,
  },
  {
    source: 'NIST SP 800-38A F.2.6 CBC-AES256.Decrypt',
    keyHex: '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    ivHex: SP800_38A_IV,
    ciphertextHex: 'f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b',
    plaintextHex: SP800_38A_PLAINTEXT,
  },
];

export const base64Vectors: readonly Base64Vector[] = [
  { source: 'RFC 4648 §10', bytesAscii: '', base64: '' },
  { source: 'RFC 4648 §10', bytesAscii: 'f', base64: 'Zg==' },
  { source: 'RFC 4648 §10', bytesAscii: 'fo', base64: 'Zm8=' },
  { source: 'RFC 4648 §10', bytesAscii: 'foo', base64: 'Zm9v' },
  { source: 'RFC 4648 §10', bytesAscii: 'foob', base64: 'Zm9vYg==' },
  { source: 'RFC 4648 §10', bytesAscii: 'fooba', base64: 'Zm9vYmE=' },
  { source: 'RFC 4648 §10', bytesAscii: 'foobar', base64: 'Zm9vYmFy' },
];
