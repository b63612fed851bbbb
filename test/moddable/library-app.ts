/**
 * Builds a test app on the library manifest (manifest_tc_iot_device.json, as a user's own app would include
 * it) into a Moddable app folder: `entry` (TypeScript) bundled by esbuild, with "tc-iot-device" and every
 * Moddable module left to mcconfig, so the app runs the library exactly as the manifest builds it — its native
 * random module and its platform module (files on the simulator) included.
 */
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './simulator.js';

/** Writes the app into `dir`/`name`/ and returns the path of its manifest (mcconfig names the app `name`). */
export async function writeLibraryApp(dir: string, name: string, entry: string): Promise<string> {
  const app = join(dir, name);
  mkdirSync(app, { recursive: true });
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'neutral',
    // Bare specifiers are manifest modules: the library itself, and Moddable's (mc/config, timer …).
    external: ['tc-iot-device', 'tc-iot-platform', 'mc/config', 'timer', 'rng'],
    outfile: join(app, 'main.js'),
    logLevel: 'silent',
  });
  writeFileSync(join(app, 'manifest.json'), JSON.stringify({
    include: ['$(MODDABLE)/examples/manifest_base.json', '$(MODDABLE)/examples/manifest_net.json', join(REPO_ROOT, 'manifest_tc_iot_device.json')],
    modules: { '*': './main' },
  }, null, 2));
  return join(app, 'manifest.json');
}
