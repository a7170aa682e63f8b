import { formatDuration } from "../lib/parse";
import { ProbeStatus } from "./probe";
import { ProbeReport } from "./stats";

/**
 * Each version's share, largest first: "1.0.7 80%, 1.0.6 20%". The status line (`alone`) names
 * a lone version without 100%, and "none" for nothing; the drill report writes "80 %".
 */
export function versionMix(
  versions: Readonly<Record<string, number>>,
  unit = "%",
  alone = true,
): string {
  const entries = Object.entries(versions).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (alone && total === 0) return "none";
  if (alone && entries.length === 1) return entries[0]?.[0] ?? "none";
  return entries
    .map(([version, count]) => `${version} ${Math.round((count / total) * 100)}${unit}`)
    .join(", ");
}

export function statusLine(status: ProbeStatus): string {
  return (
    `${formatDuration(status.elapsedMs).padStart(6)}  requests ${status.sent}, failed ${status.failed}, ` +
    `in flight ${status.inFlight}, versions ${versionMix(status.recentVersions)}`
  );
}

const ms = (value: number | undefined) => (value === undefined ? "-" : `${value} ms`);

/** The end-of-run summary, one labelled line per topic. */
export function summaryLines(report: ProbeReport, verdict: string): string[] {
  const rate = report.rate === "max" ? "max rate" : `${Number(report.rate.toFixed(2))}/s`;
  const lines = [
    `probe      ${report.url} for ${formatDuration(report.durationMs)} at ${rate} ` +
      `(concurrency ${report.concurrency}, timeout ${report.timeoutMs} ms)` +
      (report.stoppedEarly ? ", stopped early" : ""),
    `requests   ${report.total} sent, ${report.succeeded} ok, ${report.failed} failed ` +
      `(${report.successPct}% success, ${report.achievedRatePerSec}/s achieved)`,
  ];
  const errors = Object.entries(report.errors);
  if (errors.length > 0) {
    lines.push(`errors     ${errors.map(([kind, count]) => `${kind}: ${count}`).join(", ")}`);
  }
  const longest = report.longestOutage;
  lines.push(
    longest === null
      ? "outage     none"
      : `outage     longest ${longest.durationMs} ms from ${longest.startAt} ` +
          `(+${formatDuration(longest.startMs)}), ${longest.failedRequests} failed in a row; ` +
          `${report.outages.length} outage(s) in total`,
  );
  const { p50, p95, p99, max } = report.latencyMs;
  lines.push(
    `latency    p50 ${ms(p50)}, p95 ${ms(p95)}, p99 ${ms(p99)}, max ${ms(max)} (successful requests)`,
  );
  lines.push(
    `versions   ${
      report.versions.length === 0
        ? "none seen"
        : report.versions
            .map(
              (v) =>
                `${v.version} x${v.count} (${formatDuration(v.firstSeenMs)} to ${formatDuration(v.lastSeenMs)})`,
            )
            .join(", ")
    }`,
  );
  if (report.versionSpans.length > 0) {
    lines.push(
      `timeline   ${report.versionSpans
        .map((span) => `${span.fromSecond}-${span.toSecond} s: ${versionMix(span.versions)}`)
        .join(" | ")}`,
    );
  }
  lines.push(`result     ${verdict}`);
  return lines;
}
