import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** scripts/test-order.js, run as scripts/test.sh runs it: the longest recorded file first. */
describe("test order (scripts/test-order.js)", () => {
  let scratch: string;
  before(() => (scratch = mkdtempSync(join(tmpdir(), "test-order-"))));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  const order = (durationsFile: string, files: string[]) =>
    execFileSync("node", ["scripts/test-order.js", durationsFile, ...files], { encoding: "utf8" })
      .trim()
      .split("\n");

  it("starts the longest recorded file first, a file with no record before all, ties in the given order", () => {
    const durations = join(scratch, "durations.json");
    writeFileSync(
      durations,
      JSON.stringify({
        [resolve("tests/a.test.ts")]: 100,
        [resolve("tests/b.test.ts")]: 9_000,
        [resolve("tests/c.test.ts")]: 100,
      }),
    );
    assert.deepEqual(
      order(durations, [
        "tests/a.test.ts",
        "tests/b.test.ts",
        "tests/c.test.ts",
        "tests/new.test.ts",
      ]),
      ["tests/new.test.ts", "tests/b.test.ts", "tests/a.test.ts", "tests/c.test.ts"],
    );
  });

  it("keeps the given order when nothing was recorded yet", () => {
    assert.deepEqual(order(join(scratch, "missing.json"), ["tests/z.test.ts", "tests/a.test.ts"]), [
      "tests/z.test.ts",
      "tests/a.test.ts",
    ]);
  });
});
