/**
 * Minified (terser) and gzip sizes of a bundle exporting only the five crypto functions — sha1, sha256,
 * hmacSha1, hmacSha256, aesCbcDecrypt — from ours (dist/core.js, tree-shaken to those five) and from each peer
 * (bench/peers/*: the peer's modules plus the thin Uint8Array adapters a caller needs).
 */
import { bundleSource, gzipBytes, minify, REPO_ROOT } from './bundle.js';
import type { LibraryName, SizeFigures } from './results.js';

const FIVE = 'sha1, sha256, hmacSha1, hmacSha256, aesCbcDecrypt';

const ENTRIES: Record<LibraryName, string> = {
  ours: `${REPO_ROOT}dist/core.js`,
  noble: `${REPO_ROOT}bench/peers/noble-crypto.ts`,
  'crypto-js': `${REPO_ROOT}bench/peers/crypto-js-crypto.ts`,
};

export async function measureCryptoSizes(): Promise<Record<LibraryName, SizeFigures>> {
  const out = {} as Record<LibraryName, SizeFigures>;
  for (const [library, path] of Object.entries(ENTRIES) as [LibraryName, string][]) {
    const bundled = await bundleSource(`export { ${FIVE} } from ${JSON.stringify(path)};\n`);
    const minified = await minify(bundled);
    out[library] = { minifiedBytes: Buffer.byteLength(minified, 'utf8'), gzipBytes: gzipBytes(minified) };
  }
  return out;
}
