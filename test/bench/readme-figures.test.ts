/**
 * The README's performance tables are generated from bench/results.json by `npm run bench`; this fails when
 * someone edits the figures by hand or commits a new results.json without regenerating the README.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readmeBenchBlock, renderReadmeSection } from '../../bench/render-readme-table.js';
import type { BenchResults } from '../../bench/results.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe("README's performance figures", () => {
  it('are exactly what bench/results.json renders to', () => {
    const results = JSON.parse(readFileSync(`${root}bench/results.json`, 'utf8')) as BenchResults;
    const readme = readFileSync(`${root}README.md`, 'utf8');
    assert.equal(readmeBenchBlock(readme), renderReadmeSection(results).trim());
  });

  it('refuse a README without the generated block', () => {
    assert.throws(() => readmeBenchBlock('# no figures here\n'), /markers/);
  });
});
