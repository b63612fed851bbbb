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
import type { FirmwareFigures } from './results.js';

export async function measureFirmware(): Promise<FirmwareFigures> {
  const path = `${REPO_ROOT}dist/device/main.js`;
  if (!existsSync(path)) return { status: 'not-built', notes: ['dist/device/main.js does not exist (no hal/moddable/main.ts yet)'] };
  const source = readFileSync(path, 'utf8');
  // Moddable module specifiers stay imports in the device bundle; terser keeps them as they are.
  const minified = await minify(source);
  const notes = ['sizes of dist/device/main.js (JS source; mcconfig compiles it to XS bytecode, whose size differs)'];
  // XS heap and compute of the firmware on fakes of the Moddable modules (bench/device-figures.ts).
  let xsHeap: Record<string, number> | undefined;
  try {
    const device = await measureDeviceFigures();
    xsHeap = device.xsHeap;
    notes.push(...device.notes);
  } catch (error) {
    notes.push(`device figures not measured: ${String(error)}`);
  }
  return {
    status: 'measured',
    mainJsBytes: Buffer.byteLength(source, 'utf8'),
    mainJsMinifiedBytes: Buffer.byteLength(minified, 'utf8'),
    mainJsGzipBytes: gzipBytes(minified),
    ...(xsHeap === undefined ? {} : { xsHeap }),
    notes,
  };
}
