/**
 * Firmware heap and work figures on the XS engine, for the README's device section: the device build
 * (dist/device/main.js) runs in @agoric/xsnap on the fakes of the Moddable modules (test/device/fakes)
 * against the in-process local cloud, exactly as in the device tests, and XS's own meters are read:
 * - live slots after a garbage collection (`currentHeapCount`), minus a machine that loaded only the
 *   fakes — slots are 16 bytes on the ESP32 (32 on the 64-bit xsnap), so slots × 16 estimates the ESP32;
 * - compute units (`meterUsage.compute`, deterministic per run of the same bytes) summed over every crank
 *   from module load to the hello being published. They include the fakes' bridge work (every socket
 *   byte is hex-encoded through JSON), so they are an upper bound on the firmware's own work.
 * Not measured here: XS chunk (byte-heap) peaks during the TLS handshake — the handshake runs in Node
 * behind the fake SecureSocket; Moddable documents ~18 KB of JS heap for it on the device.
 *
 * `measureDeviceFigures()` is called by bench/firmware.ts; `node --import tsx bench/device-figures.ts`
 * prints the figures as JSON on its own.
 */
import { appEntry, bundleForXs } from '../test/device/device-bundle.js';
import { DeviceHost } from '../test/device/device-host.js';
import { CERT_PRODUCT, KEY_PRODUCT, startLocalCloud } from '../test/device/cloud-fixture.js';

export interface DeviceFigures {
  xsHeap: Record<string, number>;
  notes: string[];
}

const FAKES_ONLY = ['preference', 'securesocket', 'timer', 'time', 'sntp', 'net', 'mqtt', 'Resource']
  .map((name, i) => `import m${i} from ${JSON.stringify(name)};`).join('\n') + "\nimport config from 'mc/config';\nglobalThis.__fakes = [config];\n";

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`device figures: ${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

export async function measureDeviceFigures(): Promise<DeviceFigures> {
  const baseline = await DeviceHost.boot(await bundleForXs(FAKES_ONLY), { clock: 'synced' });
  const baseSlots = (await baseline.meter()).currentHeapCount;
  await baseline.close();

  const app = await bundleForXs(appEntry());
  const loaded = await DeviceHost.boot(app, { clock: 'synced' });
  const loadedSlots = (await loaded.meter()).currentHeapCount - baseSlots;
  const loadCompute = loaded.compute;
  await loaded.close();

  const cloud = await startLocalCloud();
  const figures: Record<string, number> = {
    'firmware module load: XS compute': loadCompute,
    'firmware module load: live slots': loadedSlots,
  };
  try {
    for (const [label, product, mode] of [['key device', KEY_PRODUCT, 'KEY'], ['certificate device', CERT_PRODUCT, 'CERT']] as const) {
      const device = await DeviceHost.boot(app, cloud.boot(product, mode, { deviceName: `bench-${mode.toLowerCase()}-${process.pid}` }));
      try {
        await device.startApp();
        await withTimeout(device.waitForTrace(/hello published/), 60_000, `${label} boot to hello`);
        const meter = await device.meter();
        const slots = meter.currentHeapCount - baseSlots;
        figures[`${label}, boot → registered → hello: XS compute`] = device.compute;
        figures[`${label}, connected: live slots`] = slots;
        figures[`${label}, connected: ESP32 slot heap estimate (bytes, 16 B/slot)`] = slots * 16;
      } finally {
        await device.close();
      }
    }
  } finally {
    await cloud.close();
  }
  return {
    xsHeap: figures,
    notes: [
      'device figures: dist/device/main.js on XS (@agoric/xsnap) with fake Moddable modules, against the in-process local cloud',
      'live slots: currentHeapCount after gc, minus a machine with only the fakes loaded; 16 bytes per slot on the ESP32',
      'compute: XS compute units summed over all cranks, including the fake bridge (hex/JSON of every socket byte): an upper bound',
      "xsnap has no native crypto: the fake crypt and hmac compute with the core's JavaScript, so compute and slots here include crypto the device runs natively (on the simulator, below, the firmware uses Moddable's own)",
      'not measured: the TLS handshake heap (done by node:tls behind the fake SecureSocket; Moddable documents ~18 KB on the device)',
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  measureDeviceFigures().then((figures) => {
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    process.exit(0);
  }, (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
