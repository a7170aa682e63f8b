/**
 * `npm run bench:app`: what one instance (nginx + app, as in the image) serves on this machine.
 *
 * The probe runs at full rate (closed loop, --concurrency connections) against `/`, which nginx
 * proxies to the app, and against `/version.txt`, which nginx serves alone: the ceiling the
 * app's share is measured against. Each figure is the median of --runs runs, after a warm-up.
 * The probe shares the machine's CPUs with nginx and the app, so compare figures from the same
 * machine only. Then the built image (tests/image/): its size and how long it takes from start
 * to a 200 on /healthz, run as GCE runs it (the median of --runs starts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { startInstance, stopAllInstances } from "../tools/rehearsal/instance";
import { imageFor, imageRunnable, startImageInstance } from "../tests/image/instance";
import { parseFlags } from "../tools/lib/args";
import { parseDuration, parsePositiveInt } from "../tools/lib/parse";
import { runProbe } from "../tools/probe/probe";
import { summarize } from "./stats";

const median = (values: readonly number[]) => summarize(values).median;

async function main() {
  const flags = parseFlags(process.argv.slice(2), {
    duration: { type: "string" },
    runs: { type: "string" },
    concurrency: { type: "string" },
    write: { type: "string" },
  });
  const durationMs = parseDuration(flags.duration ?? "5s", "duration");
  const runs = parsePositiveInt(flags.runs ?? "3", "runs", 99);
  const concurrency = parsePositiveInt(flags.concurrency ?? "32", "concurrency", 1024);

  // Two workers and access logs on, as the image runs.
  const instance = await startInstance({
    version: "1.0.0",
    workerProcesses: 2,
    captureOutput: false,
    testRoutes: false,
  });
  try {
    const results: Record<string, { rps: number; p99: number; failed: number }> = {};
    for (const path of ["/", "/version.txt"]) {
      const url = `${instance.url}${path}`;
      await runProbe({ url, rate: "max", durationMs: 1_000, concurrency });
      const rps: number[] = [];
      const p99: number[] = [];
      let failed = 0;
      for (let run = 0; run < runs; run += 1) {
        const report = await runProbe({
          url,
          rate: "max",
          durationMs,
          concurrency,
          timeoutMs: 5_000,
        });
        rps.push(report.achievedRatePerSec);
        p99.push(report.latencyMs.p99 ?? NaN);
        failed += report.failed;
        process.stdout.write(
          `  ${path.padEnd(13)} run ${run + 1}: ${report.achievedRatePerSec} req/s, p99 ${report.latencyMs.p99} ms, ${report.failed} failed\n`,
        );
      }
      results[path] = { rps: median(rps), p99: median(p99), failed };
    }

    const proxied = results["/"];
    const ceiling = results["/version.txt"];
    if (proxied === undefined || ceiling === undefined) return;
    figures.instance = { concurrency, durationMs, runs, proxied, static: ceiling };
    const row = (name: string, r: { rps: number; p99: number; failed: number }) =>
      `${name.padEnd(28)} ${String(Math.round(r.rps)).padStart(8)} ${r.p99.toFixed(2).padStart(9)} ${String(r.failed).padStart(7)}`;
    process.stdout.write(
      [
        "",
        `one instance, concurrency ${concurrency}, ${durationMs / 1000} s per run, median of ${runs}`,
        `${"".padEnd(28)} ${"req/s".padStart(8)} ${"p99 ms".padStart(9)} ${"failed".padStart(7)}`,
        row("/ (nginx -> app)", proxied),
        row("/version.txt (nginx only)", ceiling),
        `proxied / static: ${(proxied.rps / ceiling.rps).toFixed(2)}x throughput, ` +
          `${(proxied.p99 / ceiling.p99).toFixed(2)}x p99`,
        "",
      ].join("\n"),
    );
  } finally {
    await stopAllInstances();
  }
  figures.image = await imageFigures(runs);
  // The figures the README shows (bench/readme.ts), with the day and the machine they are from.
  const write = flags.write ?? "docs/reports/bench/app.json";
  mkdirSync(dirname(write), { recursive: true });
  writeFileSync(write, `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(`figures written to ${write}\n`);
}

/** What --write records. */
const figures: {
  date: string;
  node: string;
  cpus: number;
  instance?: unknown;
  image?: { ref: string; engine: string; sizeBytes: number; startMedianMs: number } | string;
} = {
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
  cpus: availableParallelism(),
};

async function imageFigures(
  runs: number,
): Promise<{ ref: string; engine: string; sizeBytes: number; startMedianMs: number } | string> {
  const runnable = imageRunnable();
  if (!runnable.ok) {
    process.stdout.write(`image: skipped (${runnable.reason})\n`);
    return `skipped: ${runnable.reason}`;
  }
  const image = await imageFor({ log: (line) => process.stdout.write(`  ${line}\n`) });
  const startMs: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = Date.now();
    // A 0 s drain so each start is not followed by a 30 s stop.
    const instance = await startImageInstance({ cloud: "gcp", extraEnv: { DRAIN_SECONDS: "0" } });
    startMs.push(Date.now() - started);
    await instance.close();
  }
  process.stdout.write(
    [
      `image ${image.ref} (${image.engine}): ${(image.sizeBytes / 1e6).toFixed(0)} MB uncompressed`,
      `start to healthy (GCE arrangement), median of ${runs}: ${median(startMs)} ms`,
      "",
    ].join("\n"),
  );
  return {
    ref: image.ref,
    engine: image.engine,
    sizeBytes: image.sizeBytes,
    startMedianMs: median(startMs),
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:app: ${String(error)}\n`);
  process.exitCode = 1;
});
