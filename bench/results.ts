/**
 * The shape of bench/results.json — written by `npm run bench` (bench/run.ts), read by
 * bench/render-readme-table.ts. Bump `schemaVersion` when a field changes meaning or is removed; adding a
 * field is compatible. Every figure comes from the run that wrote the file; nothing is typed in by hand
 * except the table inventory names (bench/core-tables.ts), which the run cross-checks.
 */
import type { SimulatorFigures } from './simulator-figures.js';

export type LibraryName = 'ours' | 'noble' | 'crypto-js';
export type PeerName = Exclude<LibraryName, 'ours'>;
/** The bare crypto functions on the protocol's inputs (comparable with the quoted peer figures). */
export type PrimitiveName = 'hmacSha1SignSource' | 'hmacSha256StringToSign' | 'aesCbcDecryptKey' | 'aesCbcDecryptCert';
/** The protocol operations (ours through the core's real API; peers through bench/ops/peer-ops.ts). */
export type FlowName = 'v1Signature' | 'v2Signature' | 'decryptKeyPayload' | 'decryptCertPayload' | 'keyModeFlow';
export type OperationName = PrimitiveName | FlowName;

export interface XsLibraryFigures {
  library: LibraryName;
  /** XS compute to load the library's bundle(s) into a fresh machine (module body, tables built at load). */
  loadCompute: number;
  /** XS `meterUsage.compute` of ONE execution of each operation, measured after one warm-up execution. */
  compute: Record<OperationName, number>;
  /** Ours only: compute of single encoding steps inside the payload operations (label → compute). */
  encodingCompute?: Record<string, number>;
  /** Whether each operation's output equalled the Tencent vector (a false here makes the run fail). */
  verified: Record<OperationName, boolean>;
  memory: {
    /**
     * Live XS slots added by loading the library and running one key-mode decrypt, after `gc()`
     * (`currentHeapCount` difference). A slot is 16 bytes on the ESP32 (32-bit) and 32 bytes in xsnap (64-bit).
     */
    liveSlotsAfterLoadAndDecrypt: number;
    /** Growth of a heap snapshot (slots and chunks: code, strings, buffers) over the same step, bytes. */
    snapshotBytesDelta: number;
    /** Growth of the heap XS reserved from the system over the same step (grows in large steps), bytes. */
    reservedHeapBytesDelta: number;
  };
}

export interface RatioToPeers {
  /** ours / noble, ours / crypto-js, and ours / the cheaper peer (the target is ≤ 0.5 for the last). */
  noble: number;
  'crypto-js': number;
  cheaperPeer: number;
  cheaperPeerName: PeerName;
}

export interface CoreTable {
  name: string;
  file: string;
  /** 'Uint8Array', 'Int32Array', … or a description for non-buffer tables. */
  type: string;
  bytes: number;
  /** True when `bytes` is an estimate (non-buffer tables: arrays of strings), false when exact. */
  estimate: boolean;
}

export interface SizeFigures {
  /** Terser-minified ES module exporting exactly sha1, sha256, hmacSha1, hmacSha256, aesCbcDecrypt. */
  minifiedBytes: number;
  /** The same, gzip -9. */
  gzipBytes: number;
}

/** A figure measured several times because it varies between runs: the median and the range. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export interface NodeThroughput {
  /** Median of several timed runs, MiB/s (wall clock; this machine may be busy — indicative only). */
  sha256MiBps: Record<LibraryName | 'node:crypto', number | null>;
  aes128CbcDecryptMiBps: Record<LibraryName | 'node:crypto', number | null>;
  /** ours / other in throughput (higher is better for us): vs noble and vs node:crypto (the native ceiling). */
  ratios: {
    sha256: { oursToNoble: number; oursToNodeCrypto: number };
    aes128CbcDecrypt: { oursToNoble: number; oursToNodeCrypto: number };
  };
  /** MiB/s over the timed runs: wall-clock figures vary from run to run, so the range is kept with the median. */
  spread?: {
    sha256: Record<LibraryName | 'node:crypto', Spread>;
    aes128CbcDecrypt: Record<LibraryName | 'node:crypto', Spread>;
  };
}

/** Device firmware figures; bench/firmware.ts fills them (the firmware side extends that function). */
export interface FirmwareFigures {
  status: 'measured' | 'not-built';
  /** dist/device/main.js as built, bytes. */
  mainJsBytes?: number;
  mainJsMinifiedBytes?: number;
  mainJsGzipBytes?: number;
  /** Room for XS heap figures of the firmware (measured with fakes of the Moddable modules). */
  xsHeap?: Record<string, number>;
  /**
   * The device figures are measured several times; a figure that differed between runs is listed here with
   * its range (its `xsHeap` value is the median). Absent from this record: the same value in every run.
   */
  xsHeapSpread?: Record<string, Spread>;
  notes: string[];
}

export interface BenchResults {
  schemaVersion: 1;
  /** ISO time of the run. */
  generatedAt: string;
  environment: { node: string; xsnap: string; platform: string; cpus: number };
  /** What each operation is (label) and its inputs, in words. */
  operations: Record<OperationName, string>;
  xs: {
    libraries: Record<LibraryName, XsLibraryFigures>;
    /** Per operation: ours relative to each peer (compute units; lower is better for us). */
    computeRatios: Record<OperationName, RatioToPeers>;
    /** Retained slots relative to each peer (ours = the whole core). */
    liveSlotsRatio: RatioToPeers;
    /**
     * Our five crypto functions and encodings driven by the same bundle code as the peers (bench/ops/
     * ours-crypto-ops.ts): memory like for like, since `libraries.ours` carries the whole core.
     */
    oursCryptoOnly: { loadCompute: number; memory: XsLibraryFigures['memory'] };
    liveSlotsRatioCryptoOnly: RatioToPeers;
    coreTables: {
      /**
       * By inspection of src/ (bench/core-tables.ts); `foundAtRuntime` says whether dist/core.js really retains
       * a buffer of that type and size (null for non-buffer tables, which cannot be found that way).
       */
      inventory: (CoreTable & { foundAtRuntime: boolean | null })[];
      /** Retained buffers that no inventory entry accounts for. */
      unlisted: { type: string; bytes: number }[];
      /** Buffers dist/core.js creates at load and still holds after gc(), found at run time. */
      retainedBuffers: { type: string; bytes: number }[];
      /** True when the inventory's buffers match the retained buffers exactly (type and size). */
      inventoryMatchesRuntime: boolean;
      /** Sum of the retained buffers, bytes (exact). */
      totalBufferBytes: number;
    };
  };
  size: {
    libraries: Record<LibraryName, SizeFigures>;
    minifiedRatio: RatioToPeers;
    gzipRatio: RatioToPeers;
  };
  node: NodeThroughput;
  firmware: FirmwareFigures;
  /** The firmware's XS heap measured on Moddable's simulator (bench/simulator-figures.ts). */
  simulator?: SimulatorFigures;
  /** Targets from the issue, evaluated on this run's figures. */
  targets: { name: string; target: string; value: string; met: boolean }[];
}
