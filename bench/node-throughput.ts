/**
 * Node (V8) throughput of SHA-256 and AES-128-CBC decryption over 1 MiB: ours (dist/core.js), noble, and
 * node:crypto (native, the ceiling). Wall clock, median of several runs after warm-up: a benchmark figure
 * only (this machine may be shared), never a test assertion.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as noble from './peers/noble-crypto.js';
import * as cryptoJs from './peers/crypto-js-crypto.js';
import type { CryptoFive } from './peers/crypto-five.js';
import type { NodeThroughput, Spread } from './results.js';
import { REPO_ROOT } from './bundle.js';

const MIB = 1024 * 1024;
const RUNS = 7;

const round = (x: number): number => Math.round(x * 100) / 100;

function timedMiBps(work: () => Uint8Array, check: Uint8Array): Spread {
  for (let i = 0; i < 2; i++) work(); // warm-up: let V8 optimise
  const seconds: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const out = work();
    seconds.push((performance.now() - start) / 1000);
    if (Buffer.compare(Buffer.from(out), Buffer.from(check)) !== 0) throw new Error('throughput: an implementation disagrees with node:crypto');
  }
  seconds.sort((a, b) => a - b);
  return { median: round(1 / seconds[Math.floor(RUNS / 2)]!), min: round(1 / seconds[RUNS - 1]!), max: round(1 / seconds[0]!), runs: RUNS };
}

export async function measureNodeThroughput(): Promise<NodeThroughput> {
  const ours = (await import(pathToFileURL(`${REPO_ROOT}dist/core.js`).href)) as CryptoFive;
  const data = new Uint8Array(MIB);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >>> 8)) & 0xff;
  const key = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
  const iv = Uint8Array.from({ length: 16 }, (_, i) => 0x30 + (i % 10));

  const shaCheck = new Uint8Array(createHash('sha256').update(data).digest());
  const nodeDecrypt = (): Uint8Array => {
    const decipher = createDecipheriv('aes-128-cbc', key, iv).setAutoPadding(false);
    return new Uint8Array(Buffer.concat([decipher.update(data), decipher.final()]));
  };
  const aesCheck = nodeDecrypt();

  const libraries: [keyof NodeThroughput['sha256MiBps'], CryptoFive | undefined][] = [['ours', ours], ['noble', noble], ['crypto-js', cryptoJs], ['node:crypto', undefined]];
  const sha256MiBps = {} as NodeThroughput['sha256MiBps'];
  const aesMiBps = {} as NodeThroughput['aes128CbcDecryptMiBps'];
  const spread = { sha256: {}, aes128CbcDecrypt: {} } as NonNullable<NodeThroughput['spread']>;
  for (const [name, lib] of libraries) {
    spread.sha256[name] = timedMiBps(lib ? () => lib.sha256(data) : () => new Uint8Array(createHash('sha256').update(data).digest()), shaCheck);
    spread.aes128CbcDecrypt[name] = timedMiBps(lib ? () => lib.aesCbcDecrypt(key, iv, data) : nodeDecrypt, aesCheck);
    sha256MiBps[name] = spread.sha256[name].median;
    aesMiBps[name] = spread.aes128CbcDecrypt[name].median;
  }
  const ratio = (a: number | null, b: number | null): number => (a === null || b === null ? NaN : Math.round((a / b) * 1000) / 1000);
  return {
    sha256MiBps,
    aes128CbcDecryptMiBps: aesMiBps,
    spread,
    ratios: {
      sha256: { oursToNoble: ratio(sha256MiBps.ours, sha256MiBps.noble), oursToNodeCrypto: ratio(sha256MiBps.ours, sha256MiBps['node:crypto']) },
      aes128CbcDecrypt: { oursToNoble: ratio(aesMiBps.ours, aesMiBps.noble), oursToNodeCrypto: ratio(aesMiBps.ours, aesMiBps['node:crypto']) },
    },
  };
}
