/**
 * The committed docs/cost.md is what the command produces from today's plans, and the command's
 * output formats and exit codes.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { clouds } from "../../components/cloud";
import { estimateCost, Estimate } from "../../tools/cost/estimate";
import {
  costCommand,
  costDocument,
  formatText,
  markdownDocument,
  shortResource,
  summaryText,
} from "../../tools/cost/report";
import { main } from "../../tools/cost/cli";
import { repoRoot, runInProcess } from "../helpers/command";
import { planStack } from "../helpers/plan";

/** The cost command's main, in this process, with its output captured. */
function cost(...args: string[]) {
  return runInProcess("cost", main, args);
}

/** `npm run cost` as a user runs it: the script's wiring and the real process's exit code. */
function costProcess(...args: string[]) {
  const result = spawnSync("npm", ["run", "--silent", "cost", "--", ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("cost report", () => {
  it("docs/cost.md is what the command produces from today's plans", async function () {
    this.timeout(60_000);
    const estimates: Estimate[] = [];
    for (const cloud of clouds) {
      for (const stack of ["test", "prod"])
        estimates.push(estimateCost(await planStack(stack, cloud)));
    }
    const message = `docs/cost.md no longer matches the plans; regenerate it with \`${costCommand}\` and commit the result`;
    assert.ok(existsSync(costDocument), message);
    assert.equal(readFileSync(costDocument, "utf8"), await markdownDocument(estimates), message);
  });

  it("prints a readable table with the total and what it left out", async () => {
    const text = formatText(estimateCost(await planStack("test", "aws")));
    const lines = text.split("\n");
    assert.equal(
      lines[0],
      "aws · test · us-east-1: $103.81 a month (USD, on-demand list prices recorded 2026-11-22)",
    );
    assert.ok(
      lines.includes(
        "  $29.55  Fargate vCPU: 2 tasks × 0.5 vCPU × 730 h  (730 vCPU-hour × $0.04048)  Service web-service",
      ),
      text,
    );
    assert.ok(lines.includes(" $103.81  total"), text);
    assert.ok(lines.includes("not estimated:"), text);
  });

  it("--all summarises every stack on every cloud, one line each", async () => {
    const estimates: Estimate[] = [];
    for (const cloud of clouds) {
      for (const stack of ["test", "prod"])
        estimates.push(estimateCost(await planStack(stack, cloud)));
    }
    const lines = summaryText(estimates).trimEnd().split("\n");
    assert.deepEqual(
      lines.map((line) => line.split(/\s+/).slice(0, 2).join(" ")),
      ["aws test", "aws prod", "gcp test", "gcp prod", "azure test", "azure prod"],
    );
    for (const e of estimates) {
      const total = `$${e.total.toFixed(2)}`;
      assert.ok(
        lines.some((l) => l.startsWith(e.cloud) && l.includes(` ${e.stack} `) && l.includes(total)),
      );
    }
  });

  it("shortens resource labels to type and name", () => {
    assert.equal(shortResource("aws:ecs/service:Service::web-service"), "Service web-service");
    assert.equal(shortResource("awsx:ec2:Vpc::web-vpc"), "Vpc web-vpc");
  });

  it("the command prints JSON with every line and exits 2 on bad arguments", async function () {
    this.timeout(60_000);
    const json = await cost("--stack", "prod", "--cloud", "gcp", "--json");
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as Estimate;
    assert.equal(doc.cloud, "gcp");
    assert.equal(doc.region, "us-central1");
    assert.equal(
      doc.total,
      doc.lines.reduce((sum, l) => sum + l.monthly, 0),
    );

    const badCloud = costProcess("--cloud", "awz");
    assert.equal(badCloud.code, 2);
    assert.equal(
      badCloud.stderr,
      'cost: --cloud: expected one of aws, gcp, azure; got "awz" (see --help)\n',
    );
    const badLogs = await cost("--log-gb", "lots");
    assert.equal(badLogs.code, 2);
    assert.equal(
      badLogs.stderr,
      'cost: --log-gb: expected a number of GB, 0 or more; got "lots" (see --help)\n',
    );
  });
});
