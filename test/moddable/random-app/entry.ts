/**
 * A Moddable app on the library manifest (test/moddable/random.sim.ts boots it twice on the simulator):
 * 1. traces 16 bytes of XS's own Math.random at boot, then 16 bytes of the HAL's `random`, then 16 more bytes of
 *    Math.random — which continue its sequence only if the HAL drew nothing from it. Math cannot be replaced
 *    here: it is frozen ("set random: not writable").
 * 2. opens two TLS connections to config.tlsHost:tlsPort (trusting config.caFile) through the HAL: the first
 *    with Moddable's `rng` as createModdableHal left it (re-keyed from the CSPRNG), the second after
 *    `RNG.init()` re-keyed it the SDK's default way, from rand(). The server side logs each ClientHello random.
 * Lines: `math <hex>`, `hal <hex>`, `hal-empty 0 0`, `math-after <hex>`, `tls seeded ok`, `tls default ok`,
 * `random-app done`.
 */
import config from 'mc/config';
import RNG from 'rng';
import { createModdableHal, loadCaFile, randomBytes } from 'tc-iot-device';
import type { Hal } from '../../../hal/hal.js';

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

/** One verified TLS round trip through the HAL (the server echoes), so the handshake surely completed. */
async function roundTrip(hal: Hal, name: string): Promise<void> {
  const stream = await hal.connect({ host: config.tlsHost ?? '', port: Number(config.tlsPort), serverName: 'localhost', trust: 'tencent-iothub', timeoutMs: 10_000 });
  try {
    await stream.write(new Uint8Array([0x21]));
    const echoed = await stream.read();
    trace(`tls ${name} ${echoed !== undefined && echoed[0] === 0x21 ? 'ok' : 'FAIL no echo'}\n`);
  } finally {
    stream.close();
  }
}

export default async function main(): Promise<void> {
  try {
    // Math.random first: its sequence from boot is what would repeat.
    trace(`math ${hex(mathBytes(16))}\n`);
    const hal = createModdableHal({ ca: loadCaFile(config.caFile ?? '') });
    trace(`hal ${hex(hal.random(16))}\n`);
    trace(`hal-empty ${hal.random(0).length} ${randomBytes(0).length}\n`);
    trace(`math-after ${hex(mathBytes(16))}\n`);
    await roundTrip(hal, 'seeded');
    RNG.init();
    await roundTrip(hal, 'default');
  } catch (error) {
    trace(`random-app FAIL ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  }
  trace('random-app done\n');
}
