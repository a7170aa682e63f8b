// `npm run bench:tests`: wall time of the inner test loop (`npm run test:fast`) and of each of its
// tiers, and the peak memory of the largest single process in it. Each sample is one whole run
// of scripts/test.sh --fast, as a developer runs it; the tiers' times are the "== <step>: N s"
// lines the script prints, and the static checks' parts are the lines scripts/static-checks.ts
// prints. Reported, never asserted: hosts are noisy, and the suite shares the machine with the
// tests' own processes. The target is issue 18's: at most 90 s warm on 2 cores, at most 1.5 GB
// for any one process.
//
//   node -r ./scripts/register.js bench/tests.ts [--runs 3] [--json] [--write FILE]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { summarize } from "./stats";

const root = join(__dirname, "..");
// GNU time reports the largest resident set of any one process the run waited for (getrusage's
// RUSAGE_CHILDREN ru_maxrss: https://man7.org/linux/man-pages/man2/getrusage.2.html). Where it is
// missing (macOS without gnu-time) the peak is left out rather than guessed.
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

interface Sample {
  readonly wallS: number;
  readonly peakMiB?: number;
  readonly steps: Record<string, number>;
  readonly passed: number;
  readonly failed: number;
  /** The host's 1-minute load average before and after: other work on the machine shows here. */
  readonly load: readonly [number, number];
}

/** Parses test.sh's step lines ("== name: 12 s") and static-checks' part lines ("   eslint: 9.1 s"). */
export function stepTimes(output: string): Record<string, number> {
  const steps: Record<string, number> = {};
  for (const match of output.matchAll(/^== (.+): (\d+) s$/gm)) steps[match[1]] = Number(match[2]);
  for (const match of output.matchAll(/^ {3}(type-check|eslint|prettier): ([\d.]+) s$/gm)) {
    steps[`lint and types: ${match[1]}`] = Number(match[2]);
  }
  return steps;
}

function sample(): Sample {
  const scratch = mkdtempSync(join(tmpdir(), "bench-tests-"));
  const timeFile = join(scratch, "time");
  const command = ["bash", "scripts/test.sh", "--fast"];
  const loadBefore = loadavg()[0];
  const start = performance.now();
  const child = gnuTime
    ? spawnSync(gnuTime, ["-f", "%M", "-o", timeFile, ...command], { cwd: root, encoding: "utf8" })
    : spawnSync(command[0], command.slice(1), { cwd: root, encoding: "utf8" });
  const wallS = (performance.now() - start) / 1000;
  const peakKb = gnuTime ? Number(readFileSync(timeFile, "utf8").trim().split("\n").pop()) : NaN;
  rmSync(scratch, { recursive: true, force: true });
  const output = `${child.stdout}${child.stderr}`;
  const total = /^(\d+) passed, (\d+) failed$/m.exec(output.split("\n").slice(-3).join("\n"));
  return {
    wallS,
    peakMiB: Number.isFinite(peakKb) ? Math.round(peakKb / 1024) : undefined,
    steps: stepTimes(output),
    passed: Number(total?.[1] ?? NaN),
    failed: Number(total?.[2] ?? NaN),
    load: [Number(loadBefore.toFixed(1)), Number(loadavg()[0].toFixed(1))],
  };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      json: { type: "boolean", default: false },
      write: { type: "string", default: "docs/reports/bench/tests.json" },
    },
  });
  const runs = Number(values.runs);
  const samples = Array.from({ length: runs }, (_, i) => {
    const s = sample();
    console.error(
      `run ${i + 1}/${runs}: ${s.wallS.toFixed(0)} s, ${s.passed} passed, ${s.failed} failed`,
    );
    return s;
  });
  const stepNames = [...new Set(samples.flatMap((s) => Object.keys(s.steps)))];
  const seconds = (values: number[]) => {
    const time = summarize(values);
    return { medianS: Number(time.median.toFixed(1)), minS: time.min, maxS: time.max };
  };
  const peaks = samples.flatMap((s) => (s.peakMiB === undefined ? [] : [s.peakMiB]));
  const report = {
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    cpus: availableParallelism(),
    // Mocha workers: TEST_JOBS when set, else scripts/test.sh's default.
    testJobs: process.env.TEST_JOBS ?? "scripts/test.sh default",
    runs,
    target: "npm run test:fast <= 90 s warm, <= 1.5 GB (1536 MiB) for any one process",
    total: {
      ...seconds(samples.map((s) => Math.round(s.wallS))),
      peakMiB: peaks.length > 0 ? Math.max(...peaks) : null,
      passed: Math.max(...samples.map((s) => s.passed)),
      failed: Math.max(...samples.map((s) => s.failed)),
    },
    loadAverage1m: samples.map((s) => s.load),
    steps: stepNames.map((step) => ({
      step,
      ...seconds(samples.flatMap((s) => (step in s.steps ? [s.steps[step]] : []))),
    })),
  };
  if (values.write !== "") {
    mkdirSync(dirname(values.write), { recursive: true });
    writeFileSync(values.write, `${JSON.stringify(report, null, 2)}\n`);
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    console.log(
      `npm run test:fast: median ${report.total.medianS} s over ${runs} runs, ` +
        `largest process ${report.total.peakMiB ?? "?"} MiB, ${report.total.passed} tests passed`,
    );
    console.table(report.steps);
  }
}

if (require.main === module) main();
