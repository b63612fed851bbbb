// dist/core.js on the real XS engine, inside mocha: a handful of vectors, typed errors crossing from XS,
// and the XS preload rules (no module-level mutable buffers or bindings; still correct once hardened).
// The full vector run (incl. one million "a") is `npm run test:xs`.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { CORE_BUNDLE_PATH, loadCoreAndSuite, runSuiteInXs } from './core-in-xs.js';
import { vectors as tencentVectors } from '../vectors/tencent.js';
import type { CheckResult } from './vector-suite.js';
import { startXs, XsEvaluationError } from './xs-host.js';
import type { XsHost } from './xs-host.js';
import { aesCbcDecryptVectors, hmacSha256Vectors, sha1Vectors } from '../vectors/standard.js';

const QUICK_GROUPS = ['standard-quick', 'v1', 'v2', 'payload', 'mqtt'] as const;

function failures(results: CheckResult[]): string {
  return results
    .filter((r) => !r.ok)
    .map((r) => `${r.name}: ${r.detail ?? ''}`)
    .join('\n');
}

describe('dist/core.js on the XS engine', function () {
  this.timeout(60_000);

  before(function () {
    // Not a skip: without the bundle nothing here can be checked, and saying so is the useful outcome.
    if (!existsSync(CORE_BUNDLE_PATH)) throw new Error(`${CORE_BUNDLE_PATH} is missing: run \`npm run build\` first (npm test builds before mocha)`);
  });

  describe('as loaded', () => {
    let xs: XsHost | undefined;
    before(async () => {
      xs = await startXs({ name: 'xs-core-test' });
      await loadCoreAndSuite(xs, { trackLoadTimeBuffers: true });
    });
    after(async () => {
      await xs?.close();
    });
    const host = (): XsHost => {
      assert.ok(xs, 'XS host did not start');
      return xs;
    };

    it('computes standard vectors (SHA-1 "abc", HMAC-SHA256 RFC 4231 #2, SP 800-38A F.2.2) in XS', async () => {
      const sha = sha1Vectors[1]!;
      const { value: digest } = await host().value<string>(`xsTest.hex(core.sha1(xsTest.ascii(${JSON.stringify(sha.messageAscii)})))`);
      assert.equal(digest, sha.digestHex);
      const mac = hmacSha256Vectors[1]!;
      const { value: macHex } = await host().value<string>(
        `xsTest.hex(core.hmacSha256(xsTest.bytes(${JSON.stringify(mac.keyHex)}), xsTest.ascii(${JSON.stringify(mac.messageAscii)})))`,
      );
      assert.equal(macHex, mac.digestHex);
      const cbc = aesCbcDecryptVectors[0]!;
      const { value: plain } = await host().value<string>(
        `xsTest.hex(core.aesCbcDecrypt(xsTest.bytes(${JSON.stringify(cbc.keyHex)}), xsTest.bytes(${JSON.stringify(cbc.ivHex)}), xsTest.bytes(${JSON.stringify(cbc.ciphertextHex)})))`,
      );
      assert.equal(plain, cbc.plaintextHex);
    });

    it('passes the vector suite (standard without the million-byte messages, and every Tencent vector)', async () => {
      const results = await runSuiteInXs(host(), QUICK_GROUPS);
      assert.ok(results.length >= 60, `only ${results.length} checks ran`);
      assert.equal(failures(results), '', 'checks failed in XS');
    });

    it('throws IotError with its code in XS (strict Base64, AES-CBC length)', async () => {
      await assert.rejects(host().value('core.base64Decode("Zm9v!")'), (error: unknown) => {
        assert.ok(error instanceof XsEvaluationError);
        assert.equal(error.xsName, 'IotError');
        assert.equal(error.xsCode, 'bad-input');
        return true;
      });
      await assert.rejects(host().value('core.aesCbcDecrypt(new Uint8Array(16), new Uint8Array(16), new Uint8Array(15))'), (error: unknown) => {
        assert.ok(error instanceof XsEvaluationError);
        assert.equal(error.xsCode, 'bad-input');
        return true;
      });
    });

    it('never writes a buffer it created at load time (on the ESP32 those are in flash)', async () => {
      // Everything above has run by now (mocha runs `it`s in order); exercise the crypto once more for good measure.
      await host().run('core.aesCbcDecrypt(new Uint8Array(32), new Uint8Array(16), new Uint8Array(64)); core.hmacSha1(new Uint8Array(100), new Uint8Array(3)); core.hmacSha256(new Uint8Array(3), new Uint8Array(200));');
      assert.deepEqual(await host().changedLoadTimeBuffers('core'), []);
    });
  });

  it('the load-time buffer check does catch a module-level scratch buffer', async () => {
    // The check itself must be able to fail: a noble-style module-level scratch array, written per call.
    const xs = await startXs({ name: 'xs-core-test-negative' });
    try {
      await xs.loadBundle('const TABLE = new Uint8Array([1, 2, 3]);\nconst SCRATCH = new Uint32Array(4);\nfunction work(x) { SCRATCH[0] = x; return TABLE[0] + SCRATCH[0]; }\nexport { work };\n', 'lib', { trackLoadTimeBuffers: true });
      assert.equal((await xs.value<number>('lib.work(41)')).value, 42);
      assert.deepEqual(await xs.changedLoadTimeBuffers('lib'), [{ type: 'Uint32Array', byteLength: 16 }]);
    } finally {
      await xs.close();
    }
  });

  it('still passes once its exports are hardened (frozen as XS preload would)', async () => {
    const xs = await startXs({ name: 'xs-core-test-hardened' });
    try {
      await loadCoreAndSuite(xs, { hardenCore: true });
      // harden() reaches Error.prototype through IotError, so an Error subclass assigning `this.name` would throw here.
      const { value: frozen } = await xs.value<boolean>('Object.isFrozen(core) && Object.isFrozen(core.sha256) && Object.isFrozen(core.IotError.prototype) && Object.isFrozen(Error.prototype)');
      assert.equal(frozen, true, 'harden() did not freeze the core');
      const results = await runSuiteInXs(xs, QUICK_GROUPS);
      assert.equal(failures(results), '', 'checks failed with the core hardened');
      // An IotError must still be constructible when its prototype chain is frozen (no `this.name = …`).
      await assert.rejects(xs.value('core.base64Decode("A")'), (error: unknown) => error instanceof XsEvaluationError && error.xsCode === 'bad-input');
    } finally {
      await xs.close();
    }
  });

  it('the vector suite fails a wrong or missing function, and names it without printing secrets', async () => {
    const xs = await startXs({ name: 'xs-core-test-broken' });
    try {
      await loadCoreAndSuite(xs);
      // The classic v1 mistake (Base64 of the raw MAC), a SHA-256 that returns zeros, and a missing export.
      await xs.run(`globalThis.core = Object.assign({}, core, {
  v1Signature: (secret, source) => core.base64Encode(core.hmacSha1(core.asciiBytes(secret), core.asciiBytes(source))),
  sha256: () => new Uint8Array(32),
  decryptPayload: undefined,
}); undefined;`);
      const results = await runSuiteInXs(xs, QUICK_GROUPS);
      const failed = results.filter((r) => !r.ok);
      const names = failed.map((r) => r.name);
      const vectors = tencentVectors;
      assert.equal(names.filter((n) => /^v1\[\d\] signature$/.test(n)).length, vectors.legacyRegister.length);
      assert.ok(names.filter((n) => n.startsWith('sha256[')).length >= 4, 'a zero SHA-256 passed the suite');
      assert.ok(failed.some((r) => /does not export decryptPayload/.test(r.detail ?? '')), 'a missing export was not reported');
      // Nothing else broke: every failure is one of the three planted faults (or a check that uses them).
      assert.ok(names.every((n) => /^(v1\[\d\] signature|sha256\[|hmac-sha256\[|v2\[|payload\[)/.test(n)), `unexpected failures: ${names.join(', ')}`);
      const secrets = [...vectors.legacyRegister.flatMap((v) => [v.productSecret, v.signature]), ...vectors.mqtt.flatMap((m) => [m.psk, m.password])];
      for (const r of failed) for (const secret of secrets) assert.ok(!(r.detail ?? '').includes(secret), `${r.name} prints a secret`);
    } finally {
      await xs.close();
    }
  });

  it('has no module-level `let`/`var` bindings (XS preload keeps only constants)', () => {
    const source = readFileSync(CORE_BUNDLE_PATH, 'utf8');
    // rollup writes the bundle's top-level statements at column 0; nested code is indented.
    const mutable = source.split('\n').filter((line) => /^(let|var)\s/.test(line));
    assert.deepEqual(mutable, []);
  });
});
