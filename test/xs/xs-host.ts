/**
 * A small host for running JavaScript on the real XS engine (Moddable's, via @agoric/xsnap) from Node:
 * used by the XS vector run (test/xs/run-xs-vectors.ts), the mocha XS tests and the benchmark (bench/),
 * and meant to be reused for device-side tests.
 *
 * What it gives you:
 * - `startXs(options)` → an `XsHost` around one xsnap worker process (a fresh XS machine).
 * - `host.loadBundle(esModuleText, 'core')` — xsnap evaluates scripts, not modules, so a rollup/esbuild ES
 *   bundle is turned into a script whose final `export { a, b as c };` becomes `globalThis.core = { a, c }`.
 *   A bundle that still has an `import` (or any other `export`) is refused: XS would have nothing to resolve
 *   it with, and on the device it would mean a platform dependency slipped into the portable core.
 *   With `{ trackLoadTimeBuffers: true }` it records the buffers the module body creates, and
 *   `host.changedLoadTimeBuffers('core')` later lists those written since: on the device those live in flash.
 * - `host.run(script)` — evaluate, return only the meter (`compute`, `allocate`, `currentHeapCount`).
 * - `host.value<T>(expression)` — evaluate an expression (a Promise is awaited within the same crank) and
 *   return its JSON value. A thrown error comes back as an `XsEvaluationError` carrying the XS error's
 *   `name`, `message` and `code` (so `IotError` codes can be asserted from Node).
 * - `host.gc()` — run XS's garbage collector; the returned meter's `currentHeapCount` is then the live count.
 * - `host.snapshotBytes()` — size of a heap snapshot (slots and chunks), a proxy for all retained memory.
 * - `host.issueCommand(bytes)` — send bytes to XS's `globalThis.handleCommand(arrayBuffer)`; XS code can call
 *   the host with `issueCommand(arrayBuffer)` (synchronous on the XS side), answered by `options.handleCommand`.
 * - `host.close()` — always settles: a polite quit first, a kill if that hangs. `withXs(fn)` closes in `finally`.
 *
 * Helpers installed in every machine under `globalThis.xsTest` (test scaffolding, independent of the core):
 * `xsTest.hex(bytes)`, `xsTest.bytes(hex)`, `xsTest.ascii(text)`, `xsTest.equalBytes(a, b)`.
 *
 * Example (see test/xs/xs-core.test.ts and bench/xs-measure.ts for more):
 *
 *     await withXs(async (xs) => {
 *       await xs.loadBundle(readFileSync('dist/core.js', 'utf8'), 'core');
 *       const { value, meter } = await xs.value<string>('xsTest.hex(core.sha256(xsTest.ascii("abc")))');
 *       // value === 'ba7816bf…', meter.compute = the XS work it took (including the hex/JSON round trip)
 *     });
 *
 * Each evaluation is limited to `meteringLimit` compute (xsnap's default 1e8, roughly a second of XS work);
 * pass `meteringLimit: 0` for no limit (the million-"a" vectors need it).
 *
 * Beware: xsnap's XS has globals a real device lacks (TextEncoder/TextDecoder, print, gc, harden,
 * performance, base64 helpers). The harness uses TextEncoder only to carry JSON back to Node; the core must not
 * use any of them (the architecture test checks src/). XS in xsnap counts string length in UTF-16 units like
 * V8; the device counts code points.
 */
import './endo-globals.js';
import { xsnap } from '@agoric/xsnap';
import type { XsnapMeterUsage, XsnapWorker } from '@agoric/xsnap';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

/** What XS reports after each evaluate/command (its "crank"). */
export interface XsMeter {
  /** Deterministic count of work done in this crank: use it for performance comparisons. */
  compute: number;
  /** Bytes of heap (slots and chunks) the machine has reserved since it started; monotonic. */
  allocate: number;
  /** Slots (fixed-size XS values: 32 bytes each on 64-bit) in use, as of the last garbage collection. */
  currentHeapCount: number;
}

export interface XsResult<T> {
  value: T;
  meter: XsMeter;
}

export interface XsHostOptions {
  /** A name for the worker, shown in xsnap's error messages. Must not start with '-'. */
  name?: string;
  /** Answers XS's `issueCommand(arrayBuffer)`. Default: echo the bytes back. */
  handleCommand?: (request: Uint8Array) => Uint8Array | Promise<Uint8Array>;
  /** Show XS's `print()` output on this process's stdout (default: discarded). */
  print?: boolean;
  /** Upper bound on `compute` per crank (xsnap's default is 1e8); a runaway loop then fails instead of hanging. */
  meteringLimit?: number;
  /** Milliseconds `close()` waits for a polite exit before killing the worker. Default 5000. */
  closeGraceMs?: number;
}

/** An exception thrown inside XS, carried back to Node. */
export class XsEvaluationError extends Error {
  /** The XS error's `name` ('TypeError', 'IotError', …). */
  readonly xsName: string;
  /** The XS error's `code` property when it is a string (an `IotError` code), else undefined. */
  readonly xsCode: string | undefined;

  constructor(xsName: string, message: string, xsCode: string | undefined) {
    super(`${xsName}${xsCode === undefined ? '' : ` [${xsCode}]`}: ${message}`);
    this.xsName = xsName;
    this.xsCode = xsCode;
  }
}
Object.defineProperty(XsEvaluationError.prototype, 'name', { value: 'XsEvaluationError' });

export interface XsHost {
  readonly name: string;
  loadBundle(esModuleSource: string, globalName: string, options?: BundleOptions): Promise<XsMeter>;
  /** After `loadBundle(…, { trackLoadTimeBuffers: true })`: the load-time buffers whose bytes have changed since. */
  changedLoadTimeBuffers(globalName: string): Promise<{ type: string; byteLength: number }[]>;
  run(script: string): Promise<XsMeter>;
  value<T = unknown>(expression: string): Promise<XsResult<T>>;
  gc(): Promise<XsMeter>;
  snapshotBytes(): Promise<number>;
  issueCommand(bytes: Uint8Array): Promise<XsResult<Uint8Array>>;
  issueStringCommand(text: string): Promise<XsResult<string>>;
  close(): Promise<void>;
}

/**
 * Turns an ES-module bundle (one self-contained file, as rollup or esbuild write it) into a script for XS:
 * the module body runs inside a strict-mode function (so its top-level names stay private, as in a module)
 * and its export list becomes `globalThis[globalName] = { exportedName: localName, … }`.
 */
export function bundleToScript(esModuleSource: string, globalName: string, options: BundleOptions = {}): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(globalName)) throw new Error(`bundleToScript: "${globalName}" is not an identifier`);
  const exportList = /^export\s*\{([^}]*)\}\s*;?[ \t]*$/gm;
  const lists = [...esModuleSource.matchAll(exportList)];
  if (lists.length !== 1) throw new Error(`bundleToScript: expected exactly one final "export { … };" statement, found ${lists.length}`);
  const body = esModuleSource.replace(exportList, '');
  const leftover = /^[ \t]*(import[\s{*'"]|export\s)/m.exec(body) ?? /\bimport\s*\(|\bimport\.meta\b/.exec(body);
  if (leftover !== null) throw new Error(`bundleToScript: the bundle still has "${leftover[0].trim()}" — XS cannot resolve imports; bundle them in`);
  const pairs = (lists[0]?.[1] ?? '')
    .split(',')
    .map((specifier) => specifier.trim())
    .filter((specifier) => specifier !== '')
    .map((specifier) => {
      const parts = /^([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$/.exec(specifier);
      if (parts === null) throw new Error(`bundleToScript: cannot read export specifier "${specifier}"`);
      const local = parts[1] as string;
      return `${JSON.stringify(parts[2] ?? local)}: ${local}`;
    });
  const exportsObject = `globalThis[${JSON.stringify(globalName)}] = { ${pairs.join(', ')} };`;
  if (options.trackLoadTimeBuffers !== true) return `(function () {\n'use strict';\n${body}\n${exportsObject}\n})();\n`;
  // The bundle's buffer constructors are shadowed by recording proxies (instanceof and statics still work):
  // everything constructed while the module body runs is remembered with a copy of its bytes.
  const name = JSON.stringify(globalName);
  return `(function () {
'use strict';
const recorded = [];
let loading = true;
const track = (C) => new Proxy(C, { construct(target, args, newTarget) { const made = Reflect.construct(target, args, newTarget); if (loading) recorded.push(made); return made; } });
(function (${BUFFER_CONSTRUCTORS.join(', ')}) {
'use strict';
${body}
${exportsObject}
})(${BUFFER_CONSTRUCTORS.map((c) => `track(${c})`).join(', ')});
loading = false;
globalThis.__xsLoadTimeBuffers[${name}] = recorded.map((made) => ({ made, copy: xsTest.bytesOfBuffer(made).slice() }));
recorded.length = 0; // the proxies stay reachable from the bundle: do not let them keep temporaries alive
})();\n`;
}

/** Constructors whose load-time instances `trackLoadTimeBuffers` records. */
const BUFFER_CONSTRUCTORS = [
  'ArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

export interface BundleOptions {
  /**
   * Record every ArrayBuffer, DataView and typed array the bundle creates while its module body runs (its
   * module-level buffers) with a copy of their bytes; `host.changedLoadTimeBuffers(globalName)` later lists
   * those whose bytes changed. On the device, a preloaded module's buffers live in flash and writing one
   * throws, so any entry there is a bug that only the ESP32 would show. Costs a Proxy per construction: not for
   * benchmarks.
   */
  trackLoadTimeBuffers?: boolean;
}

/** Test scaffolding installed in each machine. Written out longhand so it depends on nothing in the core. */
const PRELUDE = `globalThis.xsTest = Object.freeze({
  hex(bytes) { let s = ''; for (let i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16); return s; },
  bytes(hex) { const out = new Uint8Array(hex.length >> 1); for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16); return out; },
  ascii(text) { const out = new Uint8Array(text.length); for (let i = 0; i < text.length; i++) { const c = text.charCodeAt(i); if (c > 0x7f) throw new RangeError('xsTest.ascii: not ASCII'); out[i] = c; } return out; },
  equalBytes(a, b) { if (a.length !== b.length) return false; for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false; return true; },
  bytesOfBuffer(x) { return x instanceof ArrayBuffer ? new Uint8Array(x) : new Uint8Array(x.buffer, x.byteOffset, x.byteLength); },
});
globalThis.__xsLoadTimeBuffers = {};
globalThis.__xsHostReply = function (outcome) { return new TextEncoder().encode(JSON.stringify(outcome)).buffer; };
globalThis.__xsHostFailure = function (error) {
  const isObject = typeof error === 'object' && error !== null;
  return { error: { name: isObject ? String(error.name) : typeof error, message: isObject ? String(error.message) : String(error), code: isObject && typeof error.code === 'string' ? error.code : undefined } };
};
undefined;
`;

function meterOf(usage: XsnapMeterUsage): XsMeter {
  return { compute: usage.compute ?? 0, allocate: usage.allocate ?? 0, currentHeapCount: usage.currentHeapCount ?? 0 };
}

/** Hosts not yet closed: killed if the Node process exits first, so no xsnap child outlives a failed run. */
const openWorkers = new Set<XsnapWorker>();
process.on('exit', () => {
  for (const worker of openWorkers) void worker.terminate();
});

let workerCount = 0;

export async function startXs(options: XsHostOptions = {}): Promise<XsHost> {
  workerCount += 1;
  const name = options.name ?? `xs-host-${process.pid}-${workerCount}`;
  const handleCommand = options.handleCommand ?? ((request: Uint8Array) => request);
  const worker = await xsnap({
    os: os.type(),
    spawn,
    fs: { ...fs, ...fs.promises },
    name,
    handleCommand: async (request) => handleCommand(request),
    stdout: options.print === true ? 'inherit' : 'ignore',
    stderr: 'inherit',
    ...(options.meteringLimit === undefined ? {} : { meteringLimit: options.meteringLimit }),
  });
  openWorkers.add(worker);
  const decoder = new TextDecoder();
  let closed: Promise<void> | undefined;

  async function run(script: string): Promise<XsMeter> {
    const { meterUsage } = await worker.evaluate(script);
    return meterOf(meterUsage);
  }

  async function value<T>(expression: string): Promise<XsResult<T>> {
    // The expression runs in its own function; a Promise result is awaited through xsnap's `{ result }`
    // convention (xsnap drains the job queue before answering, then sends `box.result`).
    const script = `(function () {
  let outcome;
  try { outcome = (${expression}\n); } catch (error) { return __xsHostReply(__xsHostFailure(error)); }
  if (outcome !== null && typeof outcome === 'object' && typeof outcome.then === 'function') {
    const box = {};
    outcome.then((ok) => { box.result = __xsHostReply({ ok }); }, (error) => { box.result = __xsHostReply(__xsHostFailure(error)); });
    return box;
  }
  return __xsHostReply({ ok: outcome });
})()`;
    const { reply, meterUsage } = await worker.evaluate(script);
    if (reply.length === 0) throw new Error('XS: the promise did not settle within the evaluation (is it waiting for a timer or I/O?)');
    const outcome = JSON.parse(decoder.decode(reply)) as { ok?: T; error?: { name: string; message: string; code?: string } };
    if (outcome.error !== undefined) throw new XsEvaluationError(outcome.error.name, outcome.error.message, outcome.error.code);
    return { value: outcome.ok as T, meter: meterOf(meterUsage) };
  }

  const host: XsHost = {
    name,
    run,
    value,
    async loadBundle(esModuleSource, globalName, bundleOptions) {
      return run(bundleToScript(esModuleSource, globalName, bundleOptions));
    },
    async changedLoadTimeBuffers(globalName) {
      const { value: changed } = await value<{ type: string; byteLength: number }[]>(`(function () {
  const entries = globalThis.__xsLoadTimeBuffers[${JSON.stringify(globalName)}];
  if (entries === undefined) throw new Error('no buffers were recorded for ${globalName}: load it with trackLoadTimeBuffers');
  return entries
    .filter((entry) => !xsTest.equalBytes(xsTest.bytesOfBuffer(entry.made), entry.copy))
    .map((entry) => ({ type: Object.prototype.toString.call(entry.made).slice(8, -1), byteLength: entry.made.byteLength }));
})()`);
      return changed;
    },
    async gc() {
      return run('gc(); undefined;');
    },
    async snapshotBytes() {
      let total = 0;
      for await (const chunk of worker.makeSnapshotStream(name)) total += chunk.length;
      return total;
    },
    async issueCommand(bytes) {
      const { reply, meterUsage } = await worker.issueCommand(bytes);
      return { value: reply, meter: meterOf(meterUsage) };
    },
    async issueStringCommand(text) {
      const { reply, meterUsage } = await worker.issueStringCommand(text);
      return { value: reply, meter: meterOf(meterUsage) };
    },
    close() {
      closed ??= (async () => {
        const grace = options.closeGraceMs ?? 5000;
        let timer: NodeJS.Timeout | undefined;
        const politely = worker.close().then(() => true, () => true);
        const timedOut = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), grace);
        });
        const exited = await Promise.race([politely, timedOut]);
        clearTimeout(timer);
        if (!exited) await worker.terminate();
        openWorkers.delete(worker);
      })();
      return closed;
    },
  };

  try {
    await run(PRELUDE);
  } catch (error) {
    await host.close();
    throw error;
  }
  return host;
}

/** Runs `fn` with a fresh XS machine and closes it afterwards, whether `fn` succeeds or throws. */
export async function withXs<T>(fn: (host: XsHost) => Promise<T>, options: XsHostOptions = {}): Promise<T> {
  const host = await startXs(options);
  try {
    return await fn(host);
  } finally {
    await host.close();
  }
}
