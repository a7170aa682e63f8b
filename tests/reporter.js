// mocha's spec output, followed by the plain summary line CI reads: "N passed, N failed".
// The counts are mocha's own statistics for the run.
"use strict";
const Spec = require("mocha/lib/reporters/spec");

class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once("end", () => {
      const { passes, failures, pending } = this.stats;
      const skipped = pending > 0 ? `, ${pending} skipped` : "";
      process.stdout.write(`${passes} passed, ${failures} failed${skipped}\n`);
    });
  }
}

module.exports = SpecWithSummary;
