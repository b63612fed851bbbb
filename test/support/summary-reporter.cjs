// Mocha's spec reporter plus one closing line in the plain form CI tools read:
// "mocha: N passed, N failed[, N skipped]". Mocha prints "N passing" / "N failing", which tools do not parse.
// `--reporter-option label=NAME` names the suite instead of "mocha" (npm test runs several).
'use strict';
const { Spec } = require('mocha').reporters;

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const { passes, failures, pending } = runner.stats;
      const skipped = pending > 0 ? `, ${pending} skipped` : '';
      // Suites that keep a tally of their own (the fault matrix, test/faults/) put their line here, before the
      // closing line, which stays last: CI reads the last "N passed, N failed" line as the run's count.
      for (const line of globalThis.__summaryLines ?? []) process.stdout.write(`${line}\n`);
      const label = options?.reporterOptions?.label ?? 'mocha';
      process.stdout.write(`${label}: ${passes} passed, ${failures} failed${skipped}\n`);
    });
  }
}

module.exports = SummaryReporter;
