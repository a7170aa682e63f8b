// Wall time and peak memory of the offline verification for every stack × cloud: plan, then the
// policy pack, the diagram (Mermaid and DOT text) and the cost estimate. Each sample is a fresh
// process, so module loading (the dominant cost) is counted as a user pays it; the child reports
// how long each phase took inside it. Medians over --runs samples. Reported, never asserted.
//
//   node -r ./scripts/register.js bench/verify.ts [--runs 3] [--json]
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Cloud, clouds } from "../components/cloud";
import { summarize } from "./stats";

const root = join(__dirname, "..");
const stacks = ["test", "prod"];

interface ChildReport {
  readonly resources: number;
  readonly violations: number;
  readonly phasesMs: Readonly<Record<"plan" | "policy" | "diagram" | "cost", number>>;
  readonly maxRssKb: number;
}

/** One measured pass, in this process: what the parent spawns. */
async function child(stack: string, cloud: Cloud): Promise<ChildReport> {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded here so their cost is timed */
  const phasesMs = { plan: 0, policy: 0, diagram: 0, cost: 0 };
  const timed = async <T>(phase: keyof typeof phasesMs, work: () => T | Promise<T>) => {
    const start = performance.now();
    const result = await work();
    phasesMs[phase] = Math.round(performance.now() - start);
    return result;
  };
  const plan = await timed("plan", () =>
    (require("../tools/plan/run") as typeof import("../tools/plan/run")).runPlan({ stack, cloud }),
  );
  const evaluation = await timed("policy", () =>
    (require("../tools/verify/policy") as typeof import("../tools/verify/policy")).evaluatePolicies(
      plan,
    ),
  );
  await timed("diagram", () => {
    const render = require("../tools/diagram/render") as typeof import("../tools/diagram/render");
    const { toMermaid } =
      require("../tools/diagram/mermaid") as typeof import("../tools/diagram/mermaid");
    const { toDot } = require("../tools/diagram/dot") as typeof import("../tools/diagram/dot");
    const diagram = render.diagramOf(plan);
    return toMermaid(diagram).length + toDot(diagram).length;
  });
  await timed("cost", () =>
    (require("../tools/cost/estimate") as typeof import("../tools/cost/estimate")).estimateCost(
      plan,
    ),
  );
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    resources: plan.resources.length,
    violations: evaluation.violations.length,
    phasesMs,
    maxRssKb: process.resourceUsage().maxRSS,
  };
}

function sample(stack: string, cloud: Cloud): { ms: number; report?: ChildReport; error?: string } {
  const start = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      "-r",
      "./scripts/register.js",
      "bench/verify.ts",
      "--child",
      "--stack",
      stack,
      "--cloud",
      cloud,
    ],
    { cwd: root, encoding: "utf8" },
  );
  const ms = performance.now() - start;
  if (run.status !== 0) return { ms, error: run.stderr.trim().split("\n").pop() };
  return { ms, report: JSON.parse(run.stdout) as ChildReport };
}

function parent(runs: number, json: boolean): void {
  const rows = [];
  for (const stack of stacks) {
    for (const cloud of clouds) {
      const samples = Array.from({ length: runs }, () => sample(stack, cloud));
      const failed = samples.find((s) => s.report === undefined);
      if (failed) {
        rows.push({ stack, cloud, error: failed.error ?? "failed" });
        continue;
      }
      const reports = samples.map((s) => s.report as ChildReport);
      const median = (values: number[]) => Math.round(summarize(values).median);
      const wall = summarize(samples.map((s) => s.ms));
      rows.push({
        stack,
        cloud,
        resources: reports[0].resources,
        violations: reports[0].violations,
        wallMedianMs: Math.round(wall.median),
        wallMinMs: Math.round(wall.min),
        wallMaxMs: Math.round(wall.max),
        planMs: median(reports.map((r) => r.phasesMs.plan)),
        policyMs: median(reports.map((r) => r.phasesMs.policy)),
        diagramMs: median(reports.map((r) => r.phasesMs.diagram)),
        costMs: median(reports.map((r) => r.phasesMs.cost)),
        peakMiB: median(reports.map((r) => r.maxRssKb / 1024)),
      });
    }
  }
  const report = {
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    runs,
    rows,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    console.log(
      `plan + policy + diagram + cost, one fresh process per sample, medians of ${runs} runs`,
    );
    console.table(rows);
  }
}

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    json: { type: "boolean", default: false },
    child: { type: "boolean", default: false },
    stack: { type: "string", default: "test" },
    cloud: { type: "string", default: "aws" },
  },
});

if (values.child) {
  child(values.stack ?? "test", (values.cloud ?? "aws") as Cloud).then(
    (report) => {
      process.stdout.write(JSON.stringify(report));
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
} else {
  parent(Number(values.runs), values.json ?? false);
}
