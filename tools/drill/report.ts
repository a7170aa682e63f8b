/**
 * A drill report as Markdown (for people, and for the README) and JSON (everything, for tools).
 * The Markdown is written to pass the project's markdownlint rules: no bare URLs, one top-level
 * heading, fenced blocks with a language.
 */
import { formatDuration } from "../lib/parse";
import { summaryLines, versionMix } from "../probe/format";
import { DrillReport } from "./drills";

const titles: Record<DrillReport["drill"], string> = {
  "self-heal": "Self-heal: one instance killed",
  rollout: "Rollout: a new version under load",
  "bad-release": "Bad release: a version whose health check never passes",
  kill: "Kill: SIGKILL to one instance's processes",
  hang: "Hang: one instance stopped (SIGSTOP), connections accepted, nothing answers",
  slow: "Slow: latency added to one instance's app",
  unhealthy: "Unhealthy: one instance's /healthz fails while / still serves",
  "zone-loss": "Zone loss: every instance of one zone killed at once",
};

/** Why requests failed, from what the probe saw and how the mode's load balancer retries. */
export function failureExplanation(report: DrillReport): string | undefined {
  const f = report.figures;
  if (f.failedRequests === 0) return undefined;
  const errors = Object.entries(report.probe.errors)
    .map(([k, n]) => `${k} ×${n}`)
    .join(", ");
  const mode = report.cloudMode;
  const retry =
    mode === undefined
      ? ""
      : mode.layer === 4
        ? ` The ${mode.cloud} load balancer (${mode.loadBalancer}) forwards TCP and retries nothing, and a client's open connection stays on its instance: requests on connections to the faulty instance failed until the probe reconnected elsewhere, and a connection an instance closes (when it dies, or as its drain ends) can meet a request in flight. Inherent to a layer-4 balancer; clients that retry idempotent requests hide it.`
        : mode.attempts === 1
          ? ` The ${mode.cloud} load balancer (${mode.loadBalancer}) does not retry a request that failed on an instance, so every request it sent to the faulty instance before the health check took it out failed: inherent to the cloud, bounded by the check's interval × threshold (a hang: also by the client's timeout).`
          : ` The ${mode.cloud} load balancer retries some failures on another instance; the ones left failed on every attempt or timed out at the client first (a hung instance answers nothing, and the client's 1 s timeout is shorter than the load balancer's request timeout, so no retry comes in time).`;
  return `${f.failedRequests} request(s) failed (${errors}).${retry}`;
}

/** Table cells cannot hold pipes or newlines, and markdownlint refuses bare URLs. */
const cell = (text: string) =>
  text
    .replace(/\|/g, "\\|")
    .replace(/\n/g, " ")
    .replace(/(https?:\/\/[^\s`]+)/g, "`$1`");

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
}

/** Seconds with two decimals: the figures are measured to the millisecond and compared closely. */
const ms = (value: number | undefined | null) =>
  value === undefined || value === null ? "–" : `${(value / 1000).toFixed(2)} s`;

export function renderMarkdown(report: DrillReport): string {
  const f = report.figures;
  const shown = (value: number | undefined) => (value === undefined ? undefined : ms(value));
  const rollout = report.versions.to !== undefined && report.drill === "rollout";
  const rows: [string, string | false | undefined][] = [
    ["requests", `${f.requests} at ${report.rate}/s`],
    ["failed requests", String(f.failedRequests)],
    ["longest outage", f.longestOutageMs === 0 ? "none" : ms(f.longestOutageMs)],
    ["time to recover (MTTR)", shown(f.mttrMs)],
    ["time to detect", shown(f.detectedAfterMs)],
    [
      "capacity during the fault",
      f.capacity &&
        `lowest ${f.capacity.minPct} %, mean ${f.capacity.meanPct} % of the group in service (${f.capacity.samples} samples)`,
    ],
    ["p99 latency", shown(f.p99LatencyMs)],
    ["rollout time", shown(f.rolloutMs)],
    ["health gate halted the rollout after", shown(f.haltedAfterMs)],
    [`${report.versions.to} first seen`, rollout && `${ms(f.newFirstSeenMs)} into the rollout`],
    [`${report.versions.from} last seen`, rollout && `${ms(f.oldLastSeenMs)} into the rollout`],
  ];
  const figureRows = rows.filter((row): row is [string, string] => typeof row[1] === "string");

  const spans = report.probe.versionSpans.map((span) => [
    `${span.fromSecond}–${span.toSecond} s`,
    versionMix(span.versions, " %", false),
  ]);

  const lines = [
    `# ${titles[report.drill]}: ${report.pass ? "PASS" : "FAIL"}`,
    "",
    `- Target: ${report.target}`,
    `- Started: ${report.startedAt}, lasted ${formatDuration(report.durationMs)}`,
    `- Probe: \`${report.probe.url}\` at ${report.rate} requests/s, failed requests allowed: ${report.tolerance}`,
    `- Versions: ${report.versions.from}${report.versions.to === undefined ? "" : ` → ${report.versions.to}`}`,
    "",
    "## Checks",
    "",
    ...table(
      ["Check", "Expected", "Actual", "Result"],
      report.checks.map((c) => [c.name, c.expected, c.actual, c.pass ? "pass" : "**FAIL**"]),
    ),
    "",
    "## Figures",
    "",
    ...table(["Figure", "Value"], figureRows),
    "",
    "## Verdicts: probe and independent witness",
    "",
    ...table(
      ["Check", "Verdict"],
      [
        [
          `probe (${report.rate}/s, ${report.probe.timeoutMs} ms timeout)`,
          report.probe.failed === 0 ? "no failed request" : `${report.probe.failed} failed`,
        ],
        [
          "seed 000 downtime check (`curl -m 1` every 0.5 s, stops at the first failure)",
          report.witness === undefined
            ? "not run"
            : report.witness.verdict === "up"
              ? `up: ${report.witness.checks} checks, none failed${report.witness.httpErrors === 0 ? "" : ` (${report.witness.httpErrors} got an HTTP 5xx, which the seed's check counts as up)`}`
              : `down at check ${report.witness.checks}, +${ms(report.witness.firstFailure?.atMs)} (curl exit ${report.witness.firstFailure?.exitCode})`,
        ],
      ],
    ),
    "",
    ...(failureExplanation(report) === undefined ? [] : [failureExplanation(report) as string, ""]),
    ...(report.cloudMode === undefined
      ? []
      : [
          `## What ${report.cloudMode.cloud} mode does not reproduce`,
          "",
          ...report.cloudMode.notMimicked.map((line) => `- ${line}`),
          "",
        ]),
    "## Versions served, from the probe",
    "",
    ...(spans.length === 0
      ? ["No successful response."]
      : table(["Seconds into the probe", "Versions answering"], spans)),
    "",
    "## Timeline",
    "",
    ...table(
      ["At", "By", "What happened"],
      report.marks.map((m) => [`+${ms(Math.max(0, m.atMs))}`, m.by, m.what]),
    ),
    "",
    "## Probe summary",
    "",
    "```text",
    ...summaryLines(report.probe, `${report.probe.failed} failed request(s)`),
    "```",
    "",
  ];
  return lines.join("\n");
}

export function renderJson(report: DrillReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** One line for a terminal or a CI log. */
export function verdictLine(report: DrillReport): string {
  const f = report.figures;
  const parts = [`${f.failedRequests} of ${f.requests} requests failed`];
  if (f.mttrMs !== undefined) parts.push(`MTTR ${ms(f.mttrMs)}`);
  if (f.rolloutMs !== undefined) parts.push(`rollout ${ms(f.rolloutMs)}`);
  const failed = report.checks.filter((c) => !c.pass).map((c) => c.name);
  return `${report.drill}: ${report.pass ? "PASS" : "FAIL"}: ${parts.join(", ")}${failed.length === 0 ? "" : `; failed: ${failed.join(", ")}`}`;
}
