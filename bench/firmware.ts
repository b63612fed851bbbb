/**
 * Firmware figures for the README: the device bundle's size (and, later, XS heap figures).
 *
 * FIRMWARE SIDE: this is the place to extend. `measureFirmware()` is called once per `npm run bench`, after
 * `npm run build`; add XS heap figures under `xsHeap` (e.g. by loading dist/device/main.js into an XS
 * machine from test/xs/xs-host.ts with fakes of the Moddable modules) and say how they were measured in
 * `notes`. The README table (render-readme-table.ts) prints every `xsHeap` entry it finds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gzipBytes, minify, REPO_ROOT } from './bundle.js';
import { measureDeviceFigures } from './device-figures.js';
import type { FirmwareFigures, Spread } from './results.js';

/** The device figures vary a little between runs (random nonces, secrets and certificates change sizes). */
const DEVICE_RUNS = Number(process.env.BENCH_DEVICE_RUNS ?? 3);

/** Per figure: the median over the runs, and the range of those that varied. */
function summarise(runs: Record<string, number>[]): { medians: Record<string, number>; spread: Record<string, Spread> } {
  const medians: Record<string, number> = {};
  const spread: Record<string, Spread> = {};
  for (const name of Object.keys(runs[0]!)) {
    const values = runs.map((run) => run[name]!).sort((a, b) => a - b);
    medians[name] = values[Math.floor(values.length / 2)]!;
    if (values[0] !== values[values.length - 1]) spread[name] = { median: medians[name]!, min: values[0]!, max: values[values.length - 1]!, runs: values.length };
  }
  return { medians, spread };
}

export async function measureFirmware(): Promise<FirmwareFigures> {
  const path = `${REPO_ROOT}dist/device/main.js`;
  if (!existsSync(path)) return { status: 'not-built', notes: ['dist/device/main.js does not exist (no hal/moddable/main.ts yet)'] };
  const source = readFileSync(path, 'utf8');
  // Moddable module specifiers stay imports in the device bundle; terser keeps them as they are.
  const minified = await minify(source);
  const notes = ['sizes of dist/device/main.js (JS source; mcconfig compiles it to XS bytecode, whose size differs)'];
  // XS heap and compute of the firmware on fakes of the Moddable modules (bench/device-figures.ts).
  let xsHeap: Record<string, number> | undefined;
  let xsHeapSpread: Record<string, Spread> | undefined;
  try {
    const runs: Record<string, number>[] = [];
    let deviceNotes: string[] = [];
    for (let run = 0; run < DEVICE_RUNS; run++) {
      const device = await measureDeviceFigures();
      runs.push(device.xsHeap);
      deviceNotes = device.notes;
    }
    const summary = summarise(runs);
    xsHeap = summary.medians;
    xsHeapSpread = summary.spread;
    notes.push(...deviceNotes);
    notes.push(`device figures: median of ${DEVICE_RUNS} runs; a figure that differed between runs shows its range (random nonces, secrets and certificate sizes change the bytes handled), the others were identical in every run`);
  } catch (error) {
    notes.push(`device figures not measured: ${String(error)}`);
  }
  return {
    status: 'measured',
    mainJsBytes: Buffer.byteLength(source, 'utf8'),
    mainJsMinifiedBytes: Buffer.byteLength(minified, 'utf8'),
    mainJsGzipBytes: gzipBytes(minified),
    ...(xsHeap === undefined ? {} : { xsHeap }),
    ...(xsHeapSpread === undefined ? {} : { xsHeapSpread }),
    notes,
  };
}
