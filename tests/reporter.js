// mocha's spec output, followed by the plain summary line CI reads: "N passed, N failed".
// The counts are mocha's own statistics for the run. When TEST_SUMMARY_FILE is set (by
// scripts/test.sh, which runs several tiers), the counts are also appended there as
// "passed failed" so the script can print the total as the run's last line.
"use strict";
const { appendFileSync } = require("node:fs");
const Spec = require("mocha/lib/reporters/spec");

class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once("end", () => {
      const { passes, failures, pending } = this.stats;
      const skipped = pending > 0 ? `, ${pending} skipped` : "";
      process.stdout.write(`${passes} passed, ${failures} failed${skipped}\n`);
      if (process.env.TEST_SUMMARY_FILE) {
        appendFileSync(process.env.TEST_SUMMARY_FILE, `${passes} ${failures}\n`);
      }
    });
  }
}

module.exports = SpecWithSummary;
