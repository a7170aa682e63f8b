import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { clouds } from "../../components/cloud";
import { awsRolloutTime } from "../../providers/aws/rolloutTime";
import { main } from "../../tools/plan/cli";
import { resolvedArgsFor, rolloutTimeLines } from "../../tools/plan/rolloutTime";
import { runInProcess } from "../helpers/command";

const root = join(__dirname, "..", "..");

describe("plan: the expected rollout time, from each cloud's own model", function () {
  this.timeout(60_000);

  it("prints each cloud's total and phases, the total being their sum", () => {
    for (const cloud of clouds) {
      const lines = rolloutTimeLines({ stack: "prod", cloud });
      const total = Number(/about (\d+) s/.exec(lines[0] ?? "")?.[1]);
      const phases = lines.slice(1).map((l) => Number(/^\s+(\d+) s {2}/.exec(l)?.[1]));
      assert.match(
        lines[0] ?? "",
        new RegExp(`^rollout time \\(${cloud}, 3 instances\\): about \\d+ s`),
      );
      assert.ok(phases.length > 0 && phases.every((n) => Number.isFinite(n)), lines.join("\n"));
      assert.equal(
        phases.reduce((a, b) => a + b, 0),
        total,
      );
    }
  });

  it("aws: the number is awsRolloutTime's for the stack's settings (a -c override reaches it)", () => {
    const lines = rolloutTimeLines({
      stack: "prod",
      cloud: "aws",
      overrides: { drainingTimeoutSeconds: "60" },
    });
    const expected = awsRolloutTime(
      resolvedArgsFor({ stack: "prod", cloud: "aws", overrides: { drainingTimeoutSeconds: "60" } }),
    );
    assert.equal(
      lines[0],
      `rollout time (aws, 3 instances): about ${expected.totalSeconds} s (${(expected.totalSeconds / 60).toFixed(1)} min)`,
    );
    assert.ok(
      lines.some((l) => l.includes("drains for the deregistration delay") && /^\s+60 s/.test(l)),
    );
  });

  it("npm run plan prints it under the resource tree; --json stays one document", async () => {
    // The plan command's main, in-process (tests/plan/cli.test.ts also runs it as a process).
    const run = (...args: string[]) => runInProcess("plan", main, args);
    const text = await run("--stack", "test", "--cloud", "gcp");
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /\nrollout time \(gcp, 2 instances\): about \d+ s/);
    const json = await run("--stack", "test", "--cloud", "gcp", "--json");
    assert.equal(json.code, 0, json.stderr);
    JSON.parse(json.stdout);
  });

  it("the plan chooses the model through the registry, with no per-cloud branch", () => {
    for (const file of ["tools/plan/cli.ts", "tools/plan/rolloutTime.ts"]) {
      assert.doesNotMatch(
        readFileSync(join(root, file), "utf8"),
        /cloud\s*===|===\s*"(aws|gcp|azure)"/,
      );
    }
  });
});
