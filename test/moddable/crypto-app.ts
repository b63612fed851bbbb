/**
 * Builds test/moddable/crypto-app/entry.ts into a Moddable app folder (esbuild; Moddable's modules stay
 * external) with a manifest that brings Moddable's crypt and hmac (via tls.json), for the simulator.
 */
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './simulator.js';

/** Writes the app into `dir`/crypto-app/ and returns the path of its manifest. */
export async function writeCryptoApp(dir: string): Promise<string> {
  const app = join(dir, 'crypto-app');
  mkdirSync(app, { recursive: true });
  await build({
    entryPoints: [join(REPO_ROOT, 'test/moddable/crypto-app/entry.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'neutral',
    external: ['crypt', 'hmac'],
    outfile: join(app, 'main.js'),
    logLevel: 'silent',
  });
  writeFileSync(join(app, 'manifest.json'), JSON.stringify({
    include: ['$(MODDABLE)/examples/manifest_base.json', '$(MODULES)/crypt/tls.json'],
    modules: { '*': './main' },
    creation: { stack: 768, chunk: { initial: 65536, incremental: 2048 }, heap: { initial: 8192, incremental: 256 } },
  }, null, 2));
  return join(app, 'manifest.json');
}
