import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { one, planStack } from "../helpers/plan";
import { repoRoot } from "./markdown";

/** The rows of the error-budget table in docs/concepts.md, keyed by their first cell's start. */
function budgetTable(): Map<string, string> {
  const text = readFileSync(join(repoRoot, "docs", "concepts.md"), "utf8");
  const section = text.split("### Users, revenue, SLAs, SLOs and error budgets")[1];
  assert.ok(section !== undefined, "the error-budget section exists");
  const rows = new Map<string, string>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    if (cells.length === 4 && !cells[1].startsWith("-") && cells[1] !== "Quantity") {
      rows.set(cells[1], cells[2]);
    }
  }
  return rows;
}

const grouped = (n: number) => Math.round(n).toLocaleString("en-US");
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(2)} %`;

describe("docs/concepts.md: the worked error-budget example", function () {
  this.timeout(120_000);

  it("recomputes every figure from 50 requests a second, 30 days, 99.9 % and the ALB's own detection time", async () => {
    const rate = 50;
    const seconds = 30 * 24 * 3600;
    const requests = rate * seconds;
    const budget = requests * 0.001;
    // The detection time is the prod plan's target-group health check, not a typed number.
    const plan = await planStack("prod", "aws");
    const { interval, unhealthyThreshold } = one(plan, "aws:lb/targetGroup:TargetGroup").inputs
      .healthCheck as { interval: number; unhealthyThreshold: number };
    const detect = interval * unhealthyThreshold;
    const instances = Number(
      (plan.resources.find((r) => r.type === "aws:ecs/service:Service")?.inputs.desiredCount as
        number | undefined) ?? NaN,
    );
    const lostPerInstance = Math.round((rate * detect) / instances);
    const region = rate * 15 * 60;

    const rows = budgetTable();
    const row = (start: string) => {
      const key = [...rows.keys()].find((k) => k.startsWith(start));
      assert.ok(key !== undefined, `row "${start}…"`);
      return { key, value: rows.get(key) };
    };
    assert.equal(
      row("Requests in 30 days").key,
      `Requests in 30 days (${rate}/s × ${grouped(seconds)} s)`,
    );
    assert.equal(row("Requests in 30 days").value, grouped(requests));
    assert.equal(
      row("Error budget").value,
      `${grouped(budget)} failed requests, or ${((seconds / 60) * 0.001).toFixed(1)} minutes of total outage`,
    );
    assert.equal(
      row("One task lost").key,
      `One task lost: a third of requests fail until the ALB notices (${unhealthyThreshold} × ${interval} s)`,
    );
    assert.equal(instances, 3, "a third: prod runs 3 tasks");
    for (const start of ["One task lost", "One zone lost"]) {
      assert.equal(
        row(start).value,
        `${lostPerInstance} failed requests, ${percent(lostPerInstance, budget)} of the budget`,
      );
    }
    assert.equal(
      row("A 15-minute regional outage").value,
      `${grouped(region)} failed requests, ${percent(region, budget).replace(/(\.\d)\d/, "$1")} of the budget`,
    );
  });
});
