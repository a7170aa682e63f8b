// `npm run bench`: wall time and peak memory of the offline plan for every stack × cloud, beside
// the time Node takes just to load @pulumi/aws. Each run is a fresh process, so module loading
// (the dominant cost) is measured as a user pays it. Reported, never asserted: hosts are noisy.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { clouds } from "../components/cloud";
import { summarize } from "./stats";

const root = join(__dirname, "..");
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    json: { type: "boolean", default: false },
    // The figures the README shows (bench/readme.ts) are read from here.
    write: { type: "string", default: "docs/reports/bench/plan.json" },
  },
});
const runs = Number(values.runs);

function timed(args: string[]): { ms: number; stdout: string; ok: boolean } {
  const start = performance.now();
  const child = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
  return { ms: performance.now() - start, stdout: child.stdout, ok: child.status === 0 };
}

function baseline(module: string) {
  const samples = Array.from(
    { length: runs },
    () => timed(["-e", `require(${JSON.stringify(module)})`]).ms,
  );
  return summarize(samples);
}

const loadAws = baseline("@pulumi/aws");
const rows = [];
for (const stack of ["test", "prod"]) {
  for (const cloud of clouds) {
    const samples: number[] = [];
    const memory: number[] = [];
    let detail: { resources: number; loadedSdks: string[] } | undefined;
    for (let i = 0; i < runs; i++) {
      const run = timed([
        "-r",
        "./scripts/register.js",
        "bench/planChild.ts",
        "--stack",
        stack,
        "--cloud",
        cloud,
      ]);
      if (!run.ok) break;
      const parsed = JSON.parse(run.stdout) as {
        resources: number;
        maxRssKb: number;
        loadedSdks: string[];
      };
      samples.push(run.ms);
      memory.push(parsed.maxRssKb / 1024);
      detail = parsed;
    }
    if (!detail) {
      rows.push({ stack, cloud, error: "plan failed" });
      continue;
    }
    const time = summarize(samples);
    rows.push({
      stack,
      cloud,
      resources: detail.resources,
      medianMs: Math.round(time.median),
      minMs: Math.round(time.min),
      maxMs: Math.round(time.max),
      peakMiB: Math.round(summarize(memory).median),
      ratioToLoadingAws: Number((time.median / loadAws.median).toFixed(2)),
      sdksLoaded: detail.loadedSdks.join(" "),
    });
  }
}

const report = {
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
  runs,
  baseline: { loadAwsMedianMs: Math.round(loadAws.median) },
  target: "plan median <= 1.5 × load @pulumi/aws",
  rows,
};
if (values.write !== "") {
  mkdirSync(dirname(values.write), { recursive: true });
  writeFileSync(
    values.write,
    `${JSON.stringify({ ...report, cpus: availableParallelism() }, null, 2)}\n`,
  );
}
if (values.json) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  console.log(
    `node -e "require('@pulumi/aws')": median ${report.baseline.loadAwsMedianMs} ms over ${runs} runs`,
  );
  console.table(rows);
}
