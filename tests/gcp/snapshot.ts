import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const directory = join(__dirname, "__snapshots__");

/**
 * Compares generated text with its stored snapshot. `UPDATE_SNAPSHOTS=1` rewrites it; a missing
 * snapshot is written on first run, except under CI, where it fails so that one is committed.
 */
export function matchSnapshot(name: string, actual: string): void {
  const file = join(directory, name);
  if (process.env.UPDATE_SNAPSHOTS === "1" || (!existsSync(file) && !process.env.CI)) {
    mkdirSync(directory, { recursive: true });
    writeFileSync(file, actual);
  }
  assert.ok(existsSync(file), `missing snapshot ${file}; run with UPDATE_SNAPSHOTS=1`);
  assert.equal(
    actual,
    readFileSync(file, "utf8"),
    `${name} differs from its snapshot; if the change is intended, run with UPDATE_SNAPSHOTS=1`,
  );
}
