/**
 * test/vectors/tencent-iot.json is a copy of the project's shared known-answer file (../shared/vectors), kept in
 * the repository so that a clone tests on its own. Where the shared file is present (a developer's machine, CI),
 * the copy must be identical: a vector fixed upstream must not be silently missed here.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TENCENT_VECTORS_PATH, vectors } from './tencent.js';

const SHARED = fileURLToPath(new URL('../../../shared/vectors/tencent-iot.json', import.meta.url));

describe('test/vectors/tencent-iot.json', () => {
  it('holds every group the suites read, none empty', () => {
    for (const group of ['legacyRegister', 'v2Register', 'payloads', 'mqtt'] as const) assert.ok(vectors[group].length > 0, group);
  });

  it('is byte for byte the shared vectors file, where that file is present', function () {
    if (!existsSync(SHARED)) this.skip();
    assert.ok(readFileSync(TENCENT_VECTORS_PATH).equals(readFileSync(SHARED)), 'the repository copy differs from ../shared/vectors/tencent-iot.json');
  });
});
