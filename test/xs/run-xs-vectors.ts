/**
 * `npm run test:xs`: the vector suite on the real XS engine against dist/core.js (built by `npm run build`,
 * which `npm test` runs first). Prints "xs-vectors: N passed, M failed" and exits 1 on any failure,
 * including an export the core does not have yet (that fails loudly; nothing is skipped).
 */
import { loadCoreAndSuite, runSuiteInXs } from './core-in-xs.js';
import { withXs } from './xs-host.js';

async function main(): Promise<number> {
  // One million "a" through SHA-1 and SHA-256 costs ~3e8 compute: above xsnap's default per-evaluation limit.
  const results = await withXs(
    async (host) => {
      await loadCoreAndSuite(host);
      return runSuiteInXs(host);
    },
    { name: 'xs-vectors', meteringLimit: 0 },
  );
  const failed = results.filter((result) => !result.ok);
  for (const failure of failed) console.log(`  FAIL ${failure.name}: ${failure.detail ?? ''}`);
  console.log(`xs-vectors: ${results.length - failed.length} passed, ${failed.length} failed`);
  return failed.length === 0 && results.length > 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`XS vectors: could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
