/**
 * Loading the built core (dist/core.js) and the vector suite (vector-suite.ts) into an XS machine: shared
 * by `npm run test:xs` (run-xs-vectors.ts) and the mocha XS test (xs-core.test.ts).
 */
import { bundleFile } from '../../bench/bundle.js';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GROUPS } from './vector-suite.js';
import type { CheckResult, GroupName } from './vector-suite.js';
import { vectors as tencentVectors } from '../vectors/tencent.js';
import type { XsHost } from './xs-host.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export const CORE_BUNDLE_PATH = `${repoRoot}dist/core.js`;


/** dist/core.js as text; a clear error (not a skip) when it has not been built. */
export function readCoreBundle(): string {
  if (!existsSync(CORE_BUNDLE_PATH)) throw new Error(`${CORE_BUNDLE_PATH} is missing: run \`npm run build\` first (npm test does)`);
  return readFileSync(CORE_BUNDLE_PATH, 'utf8');
}

/** The vector suite bundled (with test/vectors/standard.ts) into one ES module for XS. */
export async function bundleVectorSuite(): Promise<string> {
  return bundleFile(fileURLToPath(new URL('./vector-suite.ts', import.meta.url)));
}

/**
 * Loads `core` (dist/core.js), `suite` (the vector suite) and `tencentVectors` as globals of `host`.
 * `hardenCore` hardens the core's exports after loading (XS's `harden`: frozen functions, prototypes and
 * everything reachable from them), approximating what preloading into flash does on the device.
 */
export async function loadCoreAndSuite(host: XsHost, options: { hardenCore?: boolean; trackLoadTimeBuffers?: boolean } = {}): Promise<void> {
  await host.loadBundle(readCoreBundle(), 'core', { trackLoadTimeBuffers: options.trackLoadTimeBuffers === true });
  if (options.hardenCore === true) await host.run('harden(globalThis.core); undefined;');
  await host.loadBundle(await bundleVectorSuite(), 'suite');
  await host.run(`globalThis.tencentVectors = ${JSON.stringify(tencentVectors)}; undefined;`);
}

/** Runs every group of the suite inside `host`, each in its own evaluation, and returns all results. */
export async function runSuiteInXs(host: XsHost, groups: readonly GroupName[] = GROUPS): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const group of groups) {
    const { value } = await host.value<CheckResult[]>(`suite.runGroup(core, tencentVectors, ${JSON.stringify(group)})`);
    results.push(...value);
  }
  return results;
}
