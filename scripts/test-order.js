// Prints the test files given as arguments, longest first, so the test runner's workers
// (mocha --parallel, which hands files out in the order given) do not start a long file last.
// The times are those tests/reporter.js recorded on this machine's last run (TEST_DURATIONS_FILE);
// a file with no record yet goes first, and with no record at all the order is unchanged.
"use strict";
const { readFileSync } = require("node:fs");
const path = require("node:path");

const [durationsFile, ...files] = process.argv.slice(2);
let recorded = {};
try {
  recorded = JSON.parse(readFileSync(durationsFile, "utf8"));
} catch {
  // No earlier run: keep the given order.
}
const time = (file) => recorded[path.resolve(file)] ?? Infinity;
const ordered = files
  .map((file, index) => ({ file, index }))
  .sort((a, b) => time(b.file) - time(a.file) || a.index - b.index);
process.stdout.write(ordered.map(({ file }) => file).join("\n") + "\n");
