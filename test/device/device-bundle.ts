/**
 * Bundles device code for the XS engine with the Moddable specifiers resolved to the fakes in ./fakes.
 * The device build itself (dist/device/*.js, exactly what manifest.json hands to mcconfig) is the input, so
 * the JS that runs here is the firmware's JS; only the platform modules under it are fakes.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../..');
export const DEVICE_MAIN = join(REPO_ROOT, 'dist/device/main.js');
export const DEVICE_LIBRARY = join(REPO_ROOT, 'dist/device/tc-iot-device.js');
/** The ESP32 flavour of "tc-iot-platform" (manifest.json's esp32 section), itself over the fake preference. */
export const DEVICE_PLATFORM_NVS = join(REPO_ROOT, 'dist/device/platform-nvs.js');

/** Moddable module specifier → fake implementation. */
const FAKES: Readonly<Record<string, string>> = Object.freeze({
  preference: 'preference.js',
  securesocket: 'securesocket.js',
  timer: 'timer.js',
  time: 'time.js',
  sntp: 'sntp.js',
  net: 'net.js',
  mqtt: 'mqtt.js',
  'mc/config': 'mc-config.js',
  Resource: 'resource.js',
  crypt: 'crypt.js',
  hmac: 'hmac.js',
  'tc-iot-random': 'random.js',
  rng: 'rng.js',
});

const cache = new Map<string, Promise<string>>();

/** An IIFE script of `entrySource` (an ES module importing device code by absolute path). */
export function bundleForXs(entrySource: string): Promise<string> {
  let pending = cache.get(entrySource);
  if (pending === undefined) {
    pending = build({
      stdin: { contents: entrySource, resolveDir: REPO_ROOT, sourcefile: 'xs-entry.js', loader: 'ts' },
      bundle: true,
      format: 'iife',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      plugins: [{
        name: 'moddable-fakes',
        setup(builder) {
          builder.onResolve({ filter: /^[A-Za-z]/ }, (args) => {
            const fake = FAKES[args.path];
            if (fake !== undefined) return { path: join(here, 'fakes', fake) };
            // The library's module name, as manifest_tc_iot_device.json gives it to users' apps.
            if (args.path === 'tc-iot-device') return { path: DEVICE_LIBRARY };
            // The platform module, as manifest.json maps it for the ESP32: the real build, over the fakes.
            if (args.path === 'tc-iot-platform') return { path: DEVICE_PLATFORM_NVS };
            return { errors: [{ text: `device code imports "${args.path}", which has no fake (and is no Moddable module we expect)` }] };
          });
        },
      }],
    }).then((result) => result.outputFiles[0]!.text);
    cache.set(entrySource, pending);
  }
  return pending;
}

/** A user's app (a JS file importing "tc-iot-device") as `globalThis.__deviceMain`. */
export function userAppEntry(path: string): string {
  return `import main from ${JSON.stringify(path)};\nglobalThis.__deviceMain = main;\n`;
}

/** The firmware app: `globalThis.__deviceMain` is main.js's default export (what Moddable calls at boot). */
export function appEntry(): string {
  return `import main from ${JSON.stringify(DEVICE_MAIN)};\nglobalThis.__deviceMain = main;\n`;
}

/** The library (manifest_tc_iot_device.json's module) as `globalThis.__deviceLibrary`. */
export function libraryEntry(extra = ''): string {
  return `import * as library from ${JSON.stringify(DEVICE_LIBRARY)};\nglobalThis.__deviceLibrary = library;\n${extra}`;
}
