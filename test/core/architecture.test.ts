/**
 * ARCHITECTURE.md rule 1, enforced: src/ imports only src/ (plus `import type` from hal/hal.ts) and names
 * no platform global, so the same code runs on V8 and on XS. Comments and string contents are blanked out
 * first, so documentation may talk about `Buffer` or `setTimeout`.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { blankOut, checkCoreSource } from './support/source-scan.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(`${root}${dir}`)) {
    const path = `${dir}/${name}`;
    if (statSync(`${root}${path}`).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out.sort();
}

describe('architecture: the portable core stays portable', () => {
  const files = filesUnder('src');

  it('src/ holds only TypeScript modules', () => {
    assert.ok(files.length >= 20, `expected the core's files, found ${files.length}`);
    for (const file of files) assert.match(file, /\.ts$/, file);
  });

  it('no file in src/ imports outside src/ or names a platform global', () => {
    const violations = files.flatMap((file) => checkCoreSource(file, readFileSync(`${root}${file}`, 'utf8')));
    assert.deepEqual(violations.map((v) => `${v.file}:${v.line}: ${v.what}`), []);
  });

  describe('the checker itself', () => {
    const check = (source: string, file = 'src/protocol/x.ts'): string[] => checkCoreSource(file, source).map((v) => v.what);

    it('catches forbidden imports', () => {
      assert.equal(check("import { readFileSync } from 'node:fs';").length, 2);
      assert.deepEqual(check("import x from 'mqtt';"), ["imports a package or platform module 'mqtt'"]);
      assert.deepEqual(check("import Timer from \"timer\";"), ["imports a package or platform module 'timer'"]);
      assert.deepEqual(check("import { a } from '../../host-sim/device.js';"), ["imports '../../host-sim/device.js' from outside src/"]);
      assert.deepEqual(check("export { a } from '../../hal/node/index.js';"), ["imports '../../hal/node/index.js' from outside src/"]);
      assert.deepEqual(check("import { Hal } from '../../hal/hal.js';"), ["imports hal/hal.ts without 'import type'"]);
      assert.deepEqual(check("import { type Hal } from '../../hal/hal.js';"), ["imports hal/hal.ts without 'import type'"]);
      assert.deepEqual(check("import '../../bench/run.js';"), ["imports '../../bench/run.js' from outside src/"]);
      assert.deepEqual(check("import { a } from './a';"), ["relative import './a' lacks the .js suffix"]);
      assert.deepEqual(check('const m = await import(name);'), ['uses a dynamic import()']);
      assert.deepEqual(check('const u = import.meta.url;'), ['uses import.meta']);
    });

    it('allows imports inside src/ and import type from hal/hal.ts', () => {
      assert.deepEqual(check("import type { Hal, Credential } from '../../hal/hal.js';\nimport { IotError } from '../errors.js';\nexport { sha1 } from '../crypto/sha1.js';"), []);
      assert.deepEqual(check("export type { Hal } from '../hal/hal.js';", 'src/index.ts'), []);
    });

    it('catches platform globals in code', () => {
      assert.deepEqual(check('const b = Buffer.from(x);'), ["names the platform global 'Buffer'"]);
      assert.deepEqual(check('setTimeout(f, 1); console.log(1);'), ["names the platform global 'console'", "names the platform global 'setTimeout'"]);
      assert.deepEqual(check('const t = Date.now();'), ["names the platform global 'Date'"]);
      assert.deepEqual(check('const r = Math.random();'), ['uses Math.random (randomness comes from the HAL)']);
      assert.deepEqual(check('const e = new TextEncoder();'), ["names the platform global 'TextEncoder'"]);
      assert.deepEqual(check('const g = globalThis;'), ["names the platform global 'globalThis'"]);
      assert.deepEqual(check('const s = `x${process.env.A}y`;'), ["names the platform global 'process'"]);
      assert.deepEqual(check('const s = `a${`b${crypto}`}`;'), ["names the platform global 'crypto'"]);
    });

    it('ignores comments, strings, template text, regexes, properties and object keys', () => {
      const doc = [
        '/** Never Buffer, process or console here; no setTimeout. */',
        '// TextEncoder and atob are not on the device',
        "const a = 'process.env and Buffer';",
        'const b = "console.log(crypto)";',
        'const c = `setTimeout ${1 + 2} Date`;',
        'const d = /Buffer|process/g;',
        'const e = x.process + y.crypto + z?.console;',
        'const f = { process: 1, crypto: 2 };',
        'const g = a / b / c; // Buffer',
        "const h = 'it\\'s Buffer';",
      ].join('\n');
      assert.deepEqual(check(doc), []);
    });

    it('keeps line numbers while blanking out', () => {
      const source = "/* a\nb */ const x = 'y';\nBuffer;";
      assert.equal(blankOut(source, { strings: true }).split('\n').length, 3);
      assert.deepEqual(checkCoreSource('src/a.ts', source).map((v) => v.line), [3]);
    });
  });
});
