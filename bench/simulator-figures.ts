/**
 * The firmware's memory on Moddable's own runtime: the same builds as test/moddable (mcconfig -d -p lin, the
 * repository's manifest.json) run by mcsim against the in-process local cloud, and the XS instruments a debug
 * build reports every second (the samples xsbug shows): chunk heap, slot heap and stack in use. "After login" is
 * the first sample taken once the device has logged in and published its hello; "peak" is the largest sample
 * of the whole run, TLS handshakes included. Measured on the desktop simulator, not on an ESP32: the slot and
 * chunk sizes are those of a 64-bit host build, so the ESP32's figures stay estimates until measured on a board.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { startCloud } from '../host-sim/cloud/index.js';
import { ensureModdableSdk, MODDABLE_VERSION, type ModdableSdk } from '../scripts/moddable-sdk.js';
import { writeCryptoApp } from '../test/moddable/crypto-app.js';
import { buildFirmware, freePort, REPO_ROOT, simulatorBuildRoot, startSimulator } from '../test/moddable/simulator.js';
import type { InstrumentSample } from '../test/moddable/xsbug-listener.js';

export interface SimulatorRunFigures {
  /** Bytes in use after login (first instrument sample after the hello). */
  afterLogin: { slotBytes: number; chunkBytes: number };
  /** Largest sample of the run. */
  peak: { slotBytes: number; chunkBytes: number; stackBytes: number };
  /** The heap the build reserves (manifest creation, as the instruments report it). */
  available: { slotBytes: number; chunkBytes: number; stackBytes: number };
}

export interface CryptoTiming {
  name: string;
  /** Microseconds per call, wall clock. */
  nativeUs: number;
  jsUs: number;
}

export interface SimulatorFigures {
  status: 'measured' | 'not-measured';
  /** Where and how: platform, build kind, SDK version. */
  where: string;
  key?: SimulatorRunFigures;
  cert?: SimulatorRunFigures;
  /** XS byte code mcconfig made of the firmware's own modules (debug build), bytes. */
  firmwareXsb?: { main: number; platform: number };
  /** Native crypt/hmac against the core's JavaScript, same inputs (test/moddable/crypto-app). */
  crypto?: CryptoTiming[];
  /** Why not measured (a missing SDK prerequisite, say). */
  reason?: string;
}

const KEY = { productId: 'K7QW2ZP4XA', productSecret: 'mR4tQ8zLw2Vn6YpC1sHb9dKf' };
const CERT = { productId: 'C3RT9PR0D1', productSecret: 'T0pS3cr3tPr0duct5ecretXYZ12' };

function figuresOf(samples: InstrumentSample[], fromIndex: number): SimulatorRunFigures {
  const value = (sample: InstrumentSample, name: string): number => sample.values[name] ?? 0;
  const after = samples[fromIndex];
  if (after === undefined) throw new Error('no instrument sample after login');
  const peak = (name: string): number => Math.max(...samples.map((sample) => value(sample, name)));
  const last = samples[samples.length - 1]!;
  return {
    afterLogin: { slotBytes: value(after, 'Slot used'), chunkBytes: value(after, 'Chunk used') },
    peak: { slotBytes: peak('Slot used'), chunkBytes: peak('Chunk used'), stackBytes: peak('Stack used') },
    available: { slotBytes: value(last, 'Slot available'), chunkBytes: value(last, 'Chunk available'), stackBytes: value(last, 'Stack available') },
  };
}

async function measureOne(sdk: ModdableSdk, work: string, kind: 'key' | 'cert'): Promise<SimulatorRunFigures> {
  const gatewayPort = await freePort();
  const brokerPort = await freePort();
  const flashDir = join(work, `${kind}-flash`);
  mkdirSync(flashDir);
  const caFile = join(work, `${kind}-ca.pem`);
  const product = kind === 'key' ? KEY : CERT;
  const mcSo = await buildFirmware(sdk, `bench-${kind}`, {
    ...product,
    authMode: kind === 'key' ? 'KEY' : 'CERT',
    deviceName: `bench-${kind}-01`,
    gateway: `https://localhost:${gatewayPort}`,
    broker: `mqtts://localhost:${brokerPort}`,
    caFile,
    flashDir: `${flashDir}/`,
    logLevel: 'info',
  });
  const cloud = await startCloud({
    products: { products: [{ ...product, authMode: kind === 'key' ? 'KEY' : 'CERT', dynamicRegistration: 'auto', devices: [] }] },
    port: gatewayPort,
    mqttPort: brokerPort,
    console: false,
  });
  writeFileSync(caFile, cloud.caPem);
  const simulator = await startSimulator(sdk, mcSo);
  try {
    await simulator.trace.waitFor(/^tc-iot mqtt: hello published to /, 120_000);
    const fromIndex = simulator.trace.samples.length;
    // Two samples after the hello: the first may still hold the publish's buffers.
    const deadline = Date.now() + 10_000;
    while (simulator.trace.samples.length < fromIndex + 2 && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 200));
    return figuresOf(simulator.trace.samples, fromIndex + 1);
  } finally {
    await simulator.stop();
    await cloud.close();
  }
}

/** The byte code of a built app's module (mcconfig keeps it under out/tmp/lin/mc/debug/<app>/modules/). */
function xsbBytes(app: string, module: string): number {
  return statSync(join(simulatorBuildRoot(), 'out/tmp/lin/mc/debug', app, 'modules', `${module}.xsb`)).size;
}

async function measureCrypto(sdk: ModdableSdk, work: string): Promise<CryptoTiming[]> {
  const mcSo = await buildFirmware(sdk, 'bench-crypto-app', {}, await writeCryptoApp(work));
  const simulator = await startSimulator(sdk, mcSo);
  try {
    await simulator.trace.waitFor(/^crypto-app done$/, 300_000);
    const failed = simulator.trace.lines.filter((line) => line.startsWith('kat ') && !line.endsWith(': ok'));
    if (failed.length > 0) throw new Error(`native crypto gave wrong answers on the simulator:\n${failed.join('\n')}`);
    return simulator.trace.lines.flatMap((line) => {
      const match = /^time (.+): native ([\d.]+) js ([\d.]+)$/.exec(line);
      return match ? [{ name: match[1]!, nativeUs: Number(match[2]), jsUs: Number(match[3]) }] : [];
    });
  } finally {
    await simulator.stop();
  }
}

export async function measureOnSimulator(): Promise<SimulatorFigures> {
  const where = `Moddable SDK ${MODDABLE_VERSION} desktop simulator (mcsim, lin, x86-64), debug build (mcconfig -d -m -p lin), XS instruments`;
  let sdk: ModdableSdk;
  try {
    sdk = await ensureModdableSdk((line) => process.stderr.write(`bench: moddable-sdk: ${line}\n`));
  } catch (error) {
    return { status: 'not-measured', where, reason: error instanceof Error ? error.message : String(error) };
  }
  const work = mkdtempSync(join(tmpdir(), 'tc-iot-bench-sim-'));
  try {
    const key = await measureOne(sdk, work, 'key');
    // The firmware app is named after the repository's folder (mcconfig names an app after its manifest's).
    const firmwareXsb = { main: xsbBytes(basename(REPO_ROOT), 'main'), platform: xsbBytes(basename(REPO_ROOT), 'tc-iot-platform') };
    const cert = await measureOne(sdk, work, 'cert');
    return { status: 'measured', where, key, cert, firmwareXsb, crypto: await measureCrypto(sdk, work) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
