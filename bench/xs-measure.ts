/**
 * XS figures for one library: compute per operation (deterministic meter) and retained memory.
 *
 * Each library gets a fresh XS machine. Memory first, on the clean machine: inputs loaded, `gc()`, baseline;
 * then the library is loaded and one key-mode decrypt is run, `gc()` again, and the difference is what the
 * library keeps alive (slots from `currentHeapCount`; slots and chunks together from the heap snapshot's size).
 * Then compute: every operation once as a warm-up, then once more in a fresh evaluation — that second count is
 * the figure. Outputs are checked against the Tencent vectors in Node (compared, never printed or stored).
 */
import { readFileSync } from 'node:fs';
import { startXs } from '../test/xs/xs-host.js';
import type { XsHost } from '../test/xs/xs-host.js';
import { bundleFile, REPO_ROOT } from './bundle.js';
import type { BenchInputs } from './ops/bench-ops.js';
import type { LibraryName, OperationName, XsLibraryFigures } from './results.js';

export const OPERATIONS: readonly { name: OperationName; call: string; label: string; primitive: boolean }[] = [
  { name: 'hmacSha1SignSource', call: 'P.hmacSha1(B.productSecret, B.signSource)', label: 'bare HMAC-SHA1 of the sign source', primitive: true },
  { name: 'hmacSha256StringToSign', call: 'P.hmacSha256(B.productSecret, B.stringToSign)', label: 'bare HMAC-SHA256 of the v2 string to sign', primitive: true },
  { name: 'aesCbcDecryptKey', call: 'P.aesCbcDecrypt(B.aesKey, B.iv, B.keyCiphertext)', label: 'bare AES-128-CBC decrypt, key-mode ciphertext', primitive: true },
  { name: 'aesCbcDecryptCert', call: 'P.aesCbcDecrypt(B.aesKey, B.iv, B.certCiphertext)', label: 'bare AES-128-CBC decrypt, certificate ciphertext', primitive: true },
  { name: 'v1Signature', call: 'ops.v1Signature(IN.v1)', label: 'v1 signature (HMAC-SHA1, hex, Base64)', primitive: false },
  { name: 'v2Signature', call: 'ops.v2Signature(IN.v2)', label: 'v2 hmacsha256 signature', primitive: false },
  { name: 'decryptKeyPayload', call: 'ops.decryptPayload(IN.keyPayload)', label: 'decrypt key-mode payload (64 B)', primitive: false },
  { name: 'decryptCertPayload', call: 'ops.decryptPayload(IN.certPayload)', label: 'decrypt certificate payload (2.9 KB)', primitive: false },
  { name: 'keyModeFlow', call: 'ops.keyModeFlow(IN.keyFlow)', label: 'whole key-mode flow', primitive: false },
];

/** What each operation must return, from the independently computed vectors. */
export type ExpectedOutputs = Record<OperationName, string>;

/** What is loaded into a machine: the real core + real-API ops, or a peer-ops bundle (also ours, crypto only). */
export type Variant = LibraryName | 'ours-crypto-only';

/** Loads the variant as `ops` (and `core` for ours); sets `P` to its bare five crypto functions. */
async function loadVariant(host: XsHost, variant: Variant): Promise<number> {
  if (variant === 'ours') {
    const core = await host.loadBundle(readFileSync(`${REPO_ROOT}dist/core.js`, 'utf8'), 'core');
    const ops = await host.loadBundle(await bundleFile(`${REPO_ROOT}bench/ops/ours-ops.ts`), 'ops');
    await host.run('globalThis.P = core; undefined;');
    return core.compute + ops.compute;
  }
  const entry = { noble: 'noble-ops', 'crypto-js': 'crypto-js-ops', 'ours-crypto-only': 'ours-crypto-ops' }[variant];
  const loaded = await host.loadBundle(await bundleFile(`${REPO_ROOT}bench/ops/${entry}.ts`), 'ops');
  await host.run('globalThis.P = ops.crypto; undefined;');
  return loaded.compute;
}

/** The inputs as XS values: `IN` (JSON) and `B` (the primitive inputs as Uint8Arrays). */
async function installInputs(host: XsHost, inputs: BenchInputs): Promise<void> {
  await host.run(`globalThis.IN = ${JSON.stringify(inputs)};
globalThis.B = (function (p) {
  return {
    productSecret: xsTest.ascii(p.productSecret), signSource: xsTest.ascii(p.signSource), stringToSign: xsTest.ascii(p.stringToSign),
    aesKey: xsTest.ascii(p.aesKey), iv: xsTest.ascii(p.iv), keyCiphertext: xsTest.bytes(p.keyCiphertextHex), certCiphertext: xsTest.bytes(p.certCiphertextHex),
  };
})(IN.primitives);
undefined;`);
}

/**
 * Memory of a variant: baseline after the inputs are in and `gc()`, then load + one key-mode decrypt +
 * `gc()`; returns the growth and the compute the load took. Leaves the machine loaded.
 */
async function measureMemory(host: XsHost, variant: Variant): Promise<{ loadCompute: number; memory: XsLibraryFigures['memory'] }> {
  const before = await host.gc();
  const snapshotBefore = await host.snapshotBytes();
  const loadCompute = await loadVariant(host, variant);
  await host.run('ops.decryptPayload(IN.keyPayload); undefined;');
  const after = await host.gc();
  const snapshotAfter = await host.snapshotBytes();
  return {
    loadCompute,
    memory: {
      liveSlotsAfterLoadAndDecrypt: after.currentHeapCount - before.currentHeapCount,
      snapshotBytesDelta: snapshotAfter - snapshotBefore,
      reservedHeapBytesDelta: after.allocate - before.allocate,
    },
  };
}

export async function measureLibraryOnXs(library: LibraryName, inputs: BenchInputs, expected: ExpectedOutputs): Promise<XsLibraryFigures> {
  const host = await startXs({ name: `bench-${library}`, meteringLimit: 0 });
  try {
    await installInputs(host, inputs);
    const { loadCompute, memory } = await measureMemory(host, library);
    const compute = {} as Record<OperationName, number>;
    const verified = {} as Record<OperationName, boolean>;
    for (const operation of OPERATIONS) {
      await host.run(`globalThis.__benchOut = ${operation.call}; undefined;`); // warm-up
      compute[operation.name] = (await host.run(`globalThis.__benchOut = ${operation.call}; undefined;`)).compute;
      const { value } = await host.value<string>(`typeof __benchOut === 'string' ? __benchOut : xsTest.hex(__benchOut)`);
      verified[operation.name] = value === expected[operation.name];
    }
    const figures: XsLibraryFigures = { library, loadCompute, compute, verified, memory };
    if (library === 'ours') figures.encodingCompute = await measureOurEncodings(host);
    return figures;
  } finally {
    await host.close();
  }
}

/**
 * Where the payload operations spend beyond AES: our encodings on the certificate payload (the peers' flows
 * use the same encodings, so this part of their figures is ours too).
 */
async function measureOurEncodings(host: XsHost): Promise<Record<string, number>> {
  await host.run(`globalThis.__certPlain = core.aesCbcDecrypt(B.aesKey, B.iv, B.certCiphertext).subarray(0, IN.certPayload.len);
globalThis.__mac = core.hmacSha1(B.productSecret, B.signSource); undefined;`);
  const snippets: [string, string][] = [
    ['base64Decode of the certificate payload (3904 characters)', 'core.base64Decode(IN.certPayload.payload)'],
    ['utf8Decode of the certificate plaintext (2919 bytes)', 'core.utf8Decode(__certPlain)'],
    ['hexEncode of a 20-byte MAC', 'core.hexEncode(__mac)'],
    ['base64Encode of the 40 hex characters (v1 signature)', 'core.base64Encode(xsTest.ascii(core.hexEncode(__mac)))'],
  ];
  const out: Record<string, number> = {};
  for (const [label, call] of snippets) {
    await host.run(`globalThis.__benchOut = ${call}; undefined;`);
    out[label] = (await host.run(`globalThis.__benchOut = ${call}; undefined;`)).compute;
  }
  return out;
}

/** Memory only, for our crypto driven through the same peer-ops code as the peers (like-for-like). */
export async function measureMemoryOnXs(variant: Variant, inputs: BenchInputs): Promise<{ loadCompute: number; memory: XsLibraryFigures['memory'] }> {
  const host = await startXs({ name: `bench-${variant}`, meteringLimit: 0 });
  try {
    await installInputs(host, inputs);
    return await measureMemory(host, variant);
  } finally {
    await host.close();
  }
}

/**
 * Typed arrays/buffers that dist/core.js creates at load AND still holds after a collection (its tables):
 * load with the harness's load-time buffer recorder, swap its strong references for WeakRefs, collect, and
 * list what survived. Temporaries used while building tables are collected and so are not listed. The
 * WeakRef is to the underlying ArrayBuffer: a table kept only through views (`subarray`) still counts.
 */
export async function retainedCoreBuffers(): Promise<{ type: string; bytes: number }[]> {
  const host = await startXs({ name: 'bench-core-tables' });
  try {
    await host.loadBundle(readFileSync(`${REPO_ROOT}dist/core.js`, 'utf8'), 'core', { trackLoadTimeBuffers: true });
    // Exercise the crypto once, so lazily built tables (if any) exist too.
    await host.run('core.aesCbcDecrypt(new Uint8Array(16), new Uint8Array(16), new Uint8Array(16)); core.hmacSha256(new Uint8Array(1), new Uint8Array(1)); core.hmacSha1(new Uint8Array(1), new Uint8Array(1)); core.base64Decode("AAAA"); undefined;');
    await host.run(`globalThis.__benchRefs = globalThis.__xsLoadTimeBuffers.core.map((entry) => ({
  ref: new WeakRef(entry.made instanceof ArrayBuffer ? entry.made : entry.made.buffer),
  type: Object.prototype.toString.call(entry.made).slice(8, -1), bytes: entry.made.byteLength }));
globalThis.__xsLoadTimeBuffers.core = undefined; undefined;`);
    await host.gc();
    const { value } = await host.value<{ type: string; bytes: number }[]>(
      '__benchRefs.filter((r) => r.ref.deref() !== undefined).map((r) => ({ type: r.type, bytes: r.bytes }))',
    );
    return value;
  } finally {
    await host.close();
  }
}
