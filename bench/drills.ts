/**
 * `npm run bench:drills`: how long the local rehearsal takes to roll and to heal.
 *
 * Rollout time is measured against the instance count (1, 3, 6 by default) under two policies:
 * the stack's own (surge 100 %: one batch) and one instance at a time (surge 1: one batch per
 * instance). Each is compared with its lower bound, batches × time-to-healthy, where
 * time-to-healthy is the median, over the instances of that rollout, from launch to ready (boot,
 * two passed checks, then minReady). A ratio near 1 means the supervisor adds little beyond what
 * the policy forces; the rest is the reload per batch and the decision loop.
 *
 * MTTR is measured by the self-heal drill, repeated on one 3-instance rehearsal, and the
 * bad-release drill runs once on it after that (it waits out the 9 s boot deadline). A probe runs
 * at --rate throughout, so failed requests are reported too. Not a test: figures vary with the
 * machine; compare runs on the same one.
 *
 * `--write [dir]` instead writes the drill reports, every drill in every cloud mode
 * (drillReports.ts), to docs/reports/ or `dir`; `--clouds` and `--drills` narrow it.
 */
import { writeFileSync } from "node:fs";
import { RollingUpdatePolicy } from "../components/rolling";
import { parseSettings } from "../stacks/settings";
import { nextVersion, runDrill } from "../tools/drill/drills";
import { localTarget } from "../tools/drill/local";
import { parseFlags } from "../tools/lib/args";
import { parsePositiveInt, parseRate } from "../tools/lib/parse";
import { loadStackConfig } from "../stacks/stackFile";
import { runProbe } from "../tools/probe/probe";
import { RehearsalEvent, startRehearsal } from "../tools/rehearsal/rehearsal";
import { clouds } from "../components/cloud";
import { DrillKind } from "../tools/drill/drills";
import { parseCloud } from "../tools/lib/parse";
import { reportDrills, writeDrillReports } from "./drillReports";
import { summarize, Summary } from "./stats";

interface RolloutRow {
  readonly policy: string;
  readonly instances: number;
  readonly surge: number;
  readonly batches: number;
  readonly rolloutMs: number;
  readonly timeToHealthyMs: number;
  readonly lowerBoundMs: number;
  readonly ratio: number;
  readonly failedRequests: number;
}

const median = (values: readonly number[]) => summarize(values).median;

/**
 * Launch → ready (healthy, then minReady), per instance of `version`, from the rehearsal's
 * events: what the policy makes every batch wait for. The reload that admits a batch is left
 * out on purpose; it is part of what the ratio measures.
 */
function timesToHealthy(
  events: readonly RehearsalEvent[],
  version: string,
  minReadyMs: number,
): number[] {
  const launched = new Map<string, number>();
  const times: number[] = [];
  for (const event of events) {
    if (event.version !== version || event.id === undefined) continue;
    if (event.kind === "launched") launched.set(event.id, event.atMs);
    if (event.kind === "healthy") {
      const start = launched.get(event.id);
      if (start !== undefined) times.push(event.atMs - start + minReadyMs);
    }
  }
  return times;
}

async function rolloutRun(
  instances: number,
  name: string,
  policy: RollingUpdatePolicy,
  rate: number,
): Promise<RolloutRow> {
  const rehearsal = await startRehearsal({ stack: "test", instances, policy });
  try {
    const from = rehearsal.status().version;
    const to = nextVersion(from);
    const controller = new AbortController();
    const probe = runProbe(
      { url: `${rehearsal.url}/`, rate, durationMs: 120_000 },
      { signal: controller.signal },
    );
    const result = await rehearsal.rollout(to);
    controller.abort();
    const report = await probe;
    const surge = result.policy.surge;
    const batches = Math.ceil(instances / surge);
    const timeToHealthyMs = median(
      timesToHealthy(rehearsal.events(), to, result.policy.minReadyMs),
    );
    const lowerBoundMs = batches * timeToHealthyMs;
    return {
      policy: name,
      instances,
      surge,
      batches,
      rolloutMs: result.durationMs,
      timeToHealthyMs: Math.round(timeToHealthyMs),
      lowerBoundMs: Math.round(lowerBoundMs),
      ratio: Number((result.durationMs / lowerBoundMs).toFixed(2)),
      failedRequests: report.failed,
    };
  } finally {
    await rehearsal.stop();
  }
}

async function main() {
  const argv = process.argv.slice(2);
  // `--write` takes an optional directory; parseFlags wants a value, so it is read here.
  const writeAt = argv.indexOf("--write");
  if (writeAt >= 0) {
    const next = argv[writeAt + 1];
    const dir = next !== undefined && !next.startsWith("--") ? next : "docs/reports";
    const rest = argv.filter((_, i) => i !== writeAt && !(i === writeAt + 1 && next === dir));
    const only = parseFlags(rest, { clouds: { type: "string" }, drills: { type: "string" } });
    const drills = (only.drills?.split(",") ?? reportDrills).map((d) => {
      if (!(reportDrills as readonly string[]).includes(d)) {
        throw new Error(
          `--drills: expected some of ${reportDrills.join(", ")}; got ${JSON.stringify(d)}`,
        );
      }
      return d as DrillKind;
    });
    const chosen = only.clouds?.split(",").map((c) => parseCloud(c, "clouds")) ?? [...clouds];
    const started = Date.now();
    process.stderr.write(`writing drill reports to ${dir}/<cloud>/<drill>.{md,json}\n`);
    const rows = await writeDrillReports({
      dir,
      clouds: chosen,
      drills,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(
      `${rows.length} reports, ${rows.filter((r) => r.pass).length} passed, in ${Math.round((Date.now() - started) / 1000)} s; summary in ${dir}/summary.json and ${dir}/README.md\n`,
    );
    return;
  }
  const flags = parseFlags(argv, {
    runs: { type: "string" },
    instances: { type: "string" },
    rate: { type: "string" },
    json: { type: "string" },
  });
  const runs = parsePositiveInt(flags.runs ?? "5", "runs", 50);
  const counts = (flags.instances ?? "1,3,6")
    .split(",")
    .map((n) => parsePositiveInt(n, "instances", 20));
  const rate = parseRate(flags.rate ?? "100/s", "rate");
  if (rate === "max") throw new Error("--rate: a fixed rate such as 100/s");

  const c = loadStackConfig("test");
  const stackPolicy = parseSettings(c.config, c.project, c.stack).rollingUpdate;
  const policies: Array<[string, RollingUpdatePolicy]> = [
    [`stack (surge ${stackPolicy.maxSurgePercent} %)`, stackPolicy],
    // 1 % of up to 20 instances rounds up to exactly one.
    ["one at a time (surge 1)", { ...stackPolicy, maxSurgePercent: 1 }],
  ];

  const rollouts: RolloutRow[] = [];
  for (const [name, policy] of policies) {
    for (const instances of counts) {
      const row = await rolloutRun(instances, name, policy, rate);
      rollouts.push(row);
      process.stderr.write(
        `  rollout ${name}, ${instances} instance(s): ${row.rolloutMs} ms, ${row.failedRequests} failed\n`,
      );
    }
  }

  const rehearsal = await startRehearsal({ stack: "test", instances: 3 });
  const mttr: number[] = [];
  let failed = 0;
  let badRelease: { pass: boolean; haltedAfterMs?: number; failedRequests: number } | undefined;
  try {
    const target = localTarget(rehearsal, { ownsRehearsal: false });
    for (let run = 1; run <= runs; run += 1) {
      const report = await runDrill(target, {
        kind: "self-heal",
        rate,
        warmupMs: 300,
        cooldownMs: 300,
      });
      if (report.figures.mttrMs !== undefined) mttr.push(report.figures.mttrMs);
      failed += report.figures.failedRequests;
      process.stderr.write(
        `  self-heal run ${run}: MTTR ${report.figures.mttrMs} ms, ${report.figures.failedRequests} failed\n`,
      );
    }
    const bad = await runDrill(target, {
      kind: "bad-release",
      rate,
      warmupMs: 300,
      cooldownMs: 300,
    });
    badRelease = {
      // Pass: halted by the health gate, rolled back, only the old version served.
      pass: bad.pass,
      haltedAfterMs: bad.figures.haltedAfterMs,
      failedRequests: bad.figures.failedRequests,
    };
    process.stderr.write(
      `  bad-release: ${bad.pass ? "PASS" : "FAIL"}, ${bad.figures.failedRequests} failed\n`,
    );
  } finally {
    await rehearsal.stop();
  }
  const mttrSummary: Summary = summarize(mttr);

  const pad = (value: string | number, width: number) => String(value).padStart(width);
  const lines = [
    "",
    `rollout time against instance count (probe at ${rate}/s; cloud timings / 20)`,
    `${"policy".padEnd(26)} ${pad("inst", 4)} ${pad("surge", 5)} ${pad("batches", 7)} ${pad("rollout ms", 10)} ${pad("healthy ms", 10)} ${pad("bound ms", 8)} ${pad("ratio", 5)} ${pad("failed", 6)}`,
    ...rollouts.map(
      (r) =>
        `${r.policy.padEnd(26)} ${pad(r.instances, 4)} ${pad(r.surge, 5)} ${pad(r.batches, 7)} ${pad(r.rolloutMs, 10)} ${pad(r.timeToHealthyMs, 10)} ${pad(r.lowerBoundMs, 8)} ${pad(r.ratio.toFixed(2), 5)} ${pad(r.failedRequests, 6)}`,
    ),
    "  bound = batches x time-to-healthy (median launch -> healthy + minReady of that rollout's instances)",
    "",
    `self-heal MTTR over ${runs} runs, 3 instances: median ${mttrSummary.median} ms, min ${mttrSummary.min} ms, max ${mttrSummary.max} ms; ${failed} failed requests in all`,
    badRelease === undefined
      ? "bad release: not run"
      : `bad release, 3 instances: ${badRelease.pass ? "PASS" : "FAIL"}, health gate fired after ` +
        `${badRelease.haltedAfterMs ?? "-"} ms, ${badRelease.failedRequests} failed requests ` +
        "(pass: rolled back, only the old version served)",
    "",
  ];
  process.stdout.write(lines.join("\n"));
  if (flags.json !== undefined) {
    writeFileSync(
      flags.json,
      `${JSON.stringify({ rate, rollouts, mttr: { runs, valuesMs: mttr, ...mttrSummary, failedRequests: failed }, badRelease }, null, 2)}\n`,
    );
    process.stdout.write(`json written to ${flags.json}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:drills: ${String(error)}\n`);
  process.exitCode = 1;
});
