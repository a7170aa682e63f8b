import { writeFile } from "node:fs/promises";
import { parseFlags } from "../lib/args";
import { IoWith, printHelp, reportError } from "../lib/cli";
import { UsageError } from "../lib/errors";
import { Lookup } from "../lib/net";
import { isInteractive, writeLine } from "../lib/output";
import {
  ifGiven,
  parseDuration,
  parseHttpUrl,
  parsePositiveInt,
  parseRate,
  parseTolerance,
  Tolerance,
  withinTolerance,
} from "../lib/parse";
import { statusLine, summaryLines } from "./format";
import { runProbe } from "./probe";

export const usage = `Usage: npm run probe -- --url <url> [options]

Sends requests at a fixed rate and reports failures, the longest outage, latency and the
versions that answered over time. Stops after --duration or on Ctrl-C, and prints the summary
either way.

Options:
  --url <url>              what to request; a URL ending in /version.txt reads the version from
                           the body, any other from the X-App-Version header
  --rate <rate>            e.g. 2/s, 120/m, 500, or max for back-to-back (default: 2/s)
  --duration <duration>    e.g. 60s, 5m (default: 60s)
  --concurrency <n>        most requests in flight (default: enough for rate x timeout, 2-64;
                           32 with --rate max)
  --timeout <duration>     per request, counted from when it was due (default: 1s)
  --tolerance <n|x%>       failed requests allowed before the exit code is 1 (default: 0)
  --json <file>            also write the full report as JSON
  -h, --help               show this help

Exit codes: 0 failures within tolerance, 1 too many failures, 2 bad command line.`;

export type ProbeIo = IoWith<"stdout" | "stderr" | "env"> & { readonly lookup?: Lookup };

const flagSpec = {
  url: { type: "string" },
  rate: { type: "string" },
  duration: { type: "string" },
  concurrency: { type: "string" },
  timeout: { type: "string" },
  tolerance: { type: "string" },
  json: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** The whole CLI, minus process wiring; returns the exit code. */
export async function runProbeCli(argv: readonly string[], io: ProbeIo): Promise<number> {
  let options;
  let tolerance: Tolerance;
  let jsonPath: string | undefined;
  try {
    const flags = parseFlags(argv, flagSpec);
    if (flags.help === true) return printHelp(io, usage);
    if (flags.url === undefined) throw new UsageError("--url <url> is required");
    parseHttpUrl(flags.url, "url");
    options = {
      url: flags.url,
      rate: parseRate(flags.rate ?? "2/s", "rate"),
      durationMs: parseDuration(flags.duration ?? "60s", "duration"),
      concurrency: ifGiven(flags.concurrency, (text) =>
        parsePositiveInt(text, "concurrency", 1024),
      ),
      timeoutMs: parseDuration(flags.timeout ?? "1s", "timeout"),
      lookup: io.lookup,
    };
    tolerance = parseTolerance(flags.tolerance ?? "0", "tolerance");
    jsonPath = flags.json;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return reportError("probe", io.stderr, error);
  }

  const interactive = isInteractive(io.stdout, io.env);
  let drawn = false;
  const report = await runProbe(options, {
    signal: io.signal,
    // A terminal gets a line redrawn in place; a log gets a whole line now and then.
    tickMs: interactive ? 250 : 5_000,
    onTick: (status) => {
      if (interactive) {
        io.stdout.write(`\r${statusLine(status)}\x1b[K`);
        drawn = true;
      } else {
        writeLine(io.stdout, statusLine(status));
      }
    },
  });
  if (drawn) io.stdout.write("\n");

  const pass = withinTolerance(report.failed, report.total, tolerance);
  const allowed = tolerance.kind === "count" ? String(tolerance.value) : `${tolerance.value}%`;
  const verdict = `${pass ? "PASS" : "FAIL"}: ${report.failed} failed request(s), tolerance ${allowed}`;
  for (const line of summaryLines(report, verdict)) writeLine(io.stdout, line);
  if (jsonPath !== undefined) {
    await writeFile(jsonPath, `${JSON.stringify({ ...report, pass, tolerance }, null, 2)}\n`);
    writeLine(io.stdout, `report     ${jsonPath}`);
  }
  return pass ? 0 : 1;
}
