/**
 * The repository's own shell scripts (the setup and test scripts, the image's stand-in base, the
 * Azure instance scripts, CI's entry point) run through shellcheck. The rendered startup scripts
 * and cloud-init are checked by their own tests (tests/gcp, tests/azure).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const repoRoot = join(__dirname, "..", "..");

function shellScripts(): string[] {
  const listed = spawnSync("git", ["ls-files", "*.sh", ".ci/run"], { cwd: repoRoot });
  assert.equal(listed.status, 0, listed.stderr.toString());
  return listed.stdout
    .toString()
    .split("\n")
    .filter((file) => file !== "" && !file.includes("__snapshots__"));
}

describe("the repository's shell scripts", () => {
  it("pass shellcheck", function () {
    const scripts = shellScripts();
    assert.ok(scripts.includes(".ci/run") && scripts.includes("scripts/test.sh"), `${scripts}`);
    const result = spawnSync("shellcheck", ["--format=gcc", ...scripts], { cwd: repoRoot });
    // shellcheck comes from Debian (apt-get install shellcheck); without it there is nothing to run.
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") this.skip();
    assert.equal(result.status, 0, result.stdout.toString());
    const bad = spawnSync("shellcheck", ["-"], { input: "#!/bin/bash\nrm -rf $DIR/*\n" });
    assert.equal(bad.status, 1, "shellcheck must be able to fail");
  });
});
