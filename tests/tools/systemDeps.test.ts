import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../helpers/processes";

describe("scripts/system-deps.sh on a machine without apt-get (macOS)", () => {
  it("names every missing tool with what to install, in Homebrew's words, and exits 1", () => {
    // A PATH with bash alone: no apt-get, and none of the tools.
    const bin = mkdtempSync(join(tmpdir(), "no-apt-"));
    try {
      symlinkSync("/bin/bash", join(bin, "bash"));
      const result = spawnSync(join(bin, "bash"), [join(repoRoot, "scripts", "system-deps.sh")], {
        env: { PATH: bin },
        encoding: "utf8",
        timeout: 10_000,
      });
      assert.equal(result.status, 1, result.stderr);
      const lines = result.stderr.split("\n");
      assert.equal(lines[0], "missing system tools, and no apt-get to install them:");
      for (const expected of [
        "  shellcheck: brew install shellcheck",
        "  graphviz: brew install graphviz",
        "  curl: brew install curl",
      ]) {
        assert.ok(lines.includes(expected), `${expected}\n${result.stderr}`);
      }
      assert.ok(!result.stdout.includes("apt-get install"));
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
