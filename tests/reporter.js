// mocha's spec output, followed by the plain summary line CI reads: "N passed, N failed".
// The counts are mocha's own statistics for the run. When TEST_SUMMARY_FILE is set (by
// scripts/test.sh, which runs several tiers), the counts are also appended there as
// "passed failed" so the script can print the total as the run's last line. When
// TEST_DURATIONS_FILE is set, each file's time in tests and hooks is recorded there, for
// scripts/test-order.js to start the longest files first on the next run.
"use strict";
const { appendFileSync, mkdirSync, readFileSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const Spec = require("mocha/lib/reporters/spec");

class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const durations = {};
    const add = (runnable) => {
      if (runnable.file)
        durations[runnable.file] = (durations[runnable.file] ?? 0) + (runnable.duration ?? 0);
    };
    runner.on("test end", add);
    runner.on("hook end", add);
    runner.once("end", () => {
      if (process.env.TEST_DURATIONS_FILE)
        recordDurations(process.env.TEST_DURATIONS_FILE, durations);
      const { passes, failures, pending } = this.stats;
      const skipped = pending > 0 ? `, ${pending} skipped` : "";
      process.stdout.write(`${passes} passed, ${failures} failed${skipped}\n`);
      if (process.env.TEST_SUMMARY_FILE) {
        appendFileSync(process.env.TEST_SUMMARY_FILE, `${passes} ${failures}\n`);
      }
    });
  }
}

/** Merges this run's times into the file: a file this run did not include keeps its old time. */
function recordDurations(file, durations) {
  let recorded = {};
  try {
    recorded = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // The first run on this machine.
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...recorded, ...durations }, null, 2) + "\n");
}

module.exports = SpecWithSummary;
