import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { backoffDelay, uint32FromBytes } from '../../src/runner/backoff.js';
import { expectIotError } from './support/expect-iot-error.js';

const limits = { baseMs: 1000, maxMs: 30000 };
const MAX_U32 = 0xffffffff;

describe('backoffDelay (capped exponential, full jitter)', () => {
  it('doubles the ceiling per attempt and caps it: the largest random value reaches the ceiling exactly', () => {
    // random32 = k·(ceiling+1) + ceiling gives exactly the ceiling; computed here from the rule, not the code.
    const ceilings = [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000];
    ceilings.forEach((ceiling, attempt) => {
      assert.equal(backoffDelay(attempt, limits, ceiling), ceiling, `attempt ${attempt}`);
      assert.equal(backoffDelay(attempt, limits, ceiling + 1), 0, `attempt ${attempt} wraps`);
      assert.equal(backoffDelay(attempt, limits, 0), 0);
    });
  });

  it('stays within 0..min(maxMs, baseMs·2^attempt) for any input (property)', () => {
    fc.assert(
      fc.property(fc.nat(2000), fc.integer({ min: 1, max: 100000 }), fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: MAX_U32 }), (attempt, baseMs, extra, random32) => {
        const maxMs = baseMs + extra;
        const delay = backoffDelay(attempt, { baseMs, maxMs }, random32);
        const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 60));
        return Number.isInteger(delay) && delay >= 0 && delay <= ceiling;
      }),
      { numRuns: 2000 },
    );
  });

  it('spreads: every value 0..ceiling is reachable', () => {
    const seen = new Set<number>();
    for (let r = 0; r < 50; r++) seen.add(backoffDelay(2, { baseMs: 10, maxMs: 1000 }, r));
    assert.equal(seen.size, 41); // ceiling 40 → 0..40
  });

  it('rejects nonsense arguments with bad-input', () => {
    expectIotError(() => backoffDelay(-1, limits, 0), 'bad-input');
    expectIotError(() => backoffDelay(0.5, limits, 0), 'bad-input');
    expectIotError(() => backoffDelay(0, { baseMs: 0, maxMs: 1 }, 0), 'bad-input');
    expectIotError(() => backoffDelay(0, { baseMs: 10, maxMs: 5 }, 0), 'bad-input');
    expectIotError(() => backoffDelay(0, limits, -1), 'bad-input');
    expectIotError(() => backoffDelay(0, limits, MAX_U32 + 1), 'bad-input');
  });

  it('reads a big-endian unsigned 32-bit value from random bytes', () => {
    assert.equal(uint32FromBytes(Uint8Array.of(0xff, 0xff, 0xff, 0xff)), MAX_U32);
    assert.equal(uint32FromBytes(Uint8Array.of(0x80, 0, 0, 1, 9)), 0x80000001);
    expectIotError(() => uint32FromBytes(new Uint8Array(3)), 'bad-input');
  });
});
