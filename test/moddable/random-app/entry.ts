/**
 * A Moddable app on the library manifest (test/moddable/random.sim.ts boots it twice on the simulator):
 * traces 16 bytes of XS's own Math.random at boot, then 16 bytes of the HAL's `random`, then 16 more bytes of
 * Math.random — which continue its sequence only if the HAL drew nothing from it (nor from Moddable's `rng`,
 * keyed from the same rand()). Math cannot be replaced here: it is frozen ("set random: not writable").
 * Lines: `math <hex>`, `hal <hex>`, `hal-empty 0 0`, `math-after <hex>`, `random-app done`.
 */
import { createModdableHal, randomBytes } from 'tc-iot-device';

declare const trace: (text: string) => void;

function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return out;
}

function mathBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return bytes;
}

export default function main(): void {
  try {
    // Math.random first: its sequence from boot is what would repeat.
    trace(`math ${hex(mathBytes(16))}\n`);
    const hal = createModdableHal();
    trace(`hal ${hex(hal.random(16))}\n`);
    trace(`hal-empty ${hal.random(0).length} ${randomBytes(0).length}\n`);
    trace(`math-after ${hex(mathBytes(16))}\n`);
  } catch (error) {
    trace(`random-app FAIL ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  }
  trace('random-app done\n');
}
