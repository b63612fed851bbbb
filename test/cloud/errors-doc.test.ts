/** ERRORS.md and the code's refusal table (host-sim/cloud/errors.ts) say the same thing, row for row. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { REFUSALS } from '../../host-sim/cloud/errors.js';

describe('cloud ERRORS.md matches the refusal table', () => {
  const doc = readFileSync(new URL('../../host-sim/cloud/ERRORS.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((line) => /^\| `[a-z-]+` \|/.test(line)).map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));

  it('has one row per refusal, in the code\'s order', () => {
    assert.deepEqual(rows.map((row) => row[0]!.replace(/`/g, '')), Object.keys(REFUSALS));
  });
  it('gives each refusal its v1 code, v2 code and message', () => {
    for (const row of rows) {
      const entry = REFUSALS[row[0]!.replace(/`/g, '') as keyof typeof REFUSALS];
      assert.equal(row[1], String(entry.v1));
      assert.equal(row[2], `\`${entry.v2}\``);
      assert.equal(row[3], entry.message.replace(/\|/g, '\\|'));
    }
  });
  it('every v1 code and every v2 code is distinct', () => {
    const v1 = Object.values(REFUSALS).map((entry) => entry.v1);
    const v2 = Object.values(REFUSALS).map((entry) => entry.v2);
    assert.equal(new Set(v1).size, v1.length);
    assert.equal(new Set(v2).size, v2.length);
  });
});
