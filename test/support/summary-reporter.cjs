// Mocha's spec reporter plus one closing line in the plain form CI tools read:
// "mocha: N passed, N failed[, N skipped]". Mocha prints "N passing" / "N failing", which tools do not parse.
'use strict';
const { Spec } = require('mocha').reporters;

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const { passes, failures, pending } = runner.stats;
      const skipped = pending > 0 ? `, ${pending} skipped` : '';
      process.stdout.write(`mocha: ${passes} passed, ${failures} failed${skipped}\n`);
      // Suites that keep a tally of their own (the fault matrix, test/faults/) put their line here, last.
      for (const line of globalThis.__summaryLines ?? []) process.stdout.write(`${line}\n`);
    });
  }
}

module.exports = SummaryReporter;
