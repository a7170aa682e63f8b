import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseFlags } from "../lib/args";
import { IoWith, printHelp, reportError } from "../lib/cli";
import { exitCodes, UsageError } from "../lib/errors";
import { writeLine } from "../lib/output";
import { ifGiven, parseCloud, parseDuration, parsePositiveInt, parseRate } from "../lib/parse";
import { openStack, StackApi } from "./automation";
import { Exec, execCli } from "./clouds";
import { DrillKind, drillKinds, runDrill } from "./drills";
import { openLocalTarget } from "./local";
import { renderJson, renderMarkdown, verdictLine } from "./report";
import { stackTarget } from "./stack";
import { DrillTarget } from "./target";

export const usage = `Usage: npm run drill -- <drill> [options]

Runs one drill with a probe sending requests through the front door the whole time, and writes
a Markdown and a JSON report.

  self-heal     kill one instance (SIGKILL to its processes; in a cloud, through its CLI);
                report the time until the group is whole again (MTTR) and failed requests
  rollout       roll to a new version; report the rollout time, failed requests, and when the
                new version was first and the old one last seen
  bad-release   roll to a version whose health check never passes; check that the rollout was
                halted and rolled back and that only the old version was served

Fault drills (local target): each reports failed requests, time to detect, time to replace
(MTTR) and the capacity left during the fault, with seed 000's curl check run alongside.
  kill          SIGKILL to one instance's whole process group
  hang          SIGSTOP to one instance's process group: connections accepted, nothing answers
  slow          --slow-ms added to one instance's app for 2.5 s; it must not be replaced
  unhealthy     one instance's /healthz answers 503 while / still serves
  zone-loss     every instance of one zone killed; the group must refill in the other zones

Options:
  --target <target>        local (default): the rehearsal on 127.0.0.1;
                           stack:<name>: the deployed stack (Pulumi CLI and cloud login needed)
  --rate <rate>            probe rate, e.g. 100/s (default: 100/s)
  --json <file>            JSON report (default: reports/drill-<drill>.json)
  --markdown <file>        Markdown report (default: reports/drill-<drill>.md)
  --version <version>      rollout: the version to roll to (local default: patch + 1; required
                           on a stack, where it must be a tag the pipeline has built and pushed:
                           a tag nobody pushed cannot start and behaves like a bad release);
                           bad-release: the bad version (default: <patch + 1>-bad; locally its
                           health check is made to fail; on a stack, a tag never pushed, so its
                           instances never start, or an image built to fail its check)
  --tolerance <n>          failed requests allowed (default: 0)
  --max-mttr <duration>    self-heal: the MTTR that passes (default: 5s local, 15m stack)
  --stack <name>           local: the stack whose settings drive the rehearsal (default: test)
  --cloud <cloud>          local: behave like aws, gcp or azure's load balancer (default: the
                           stack's cloud)
  --zones <n>              local: zones to spread over (default: the stack's)
  --slow-ms <ms>           slow: latency added (default: 300)
  --instances <n>          local: instances (default: the stack's desiredInstances)
  -h, --help               show this help

Exit codes: 0 every check passed, 1 a check failed, 2 bad command line, 3 the drill could not run.`;

/** `cwd` resolves the report paths (default: the current directory); `signal` (Ctrl-C) stops
 * the drill, tears the target down and exits 130. */
export interface DrillIo extends IoWith<"stdout" | "stderr"> {
  /** @default the Automation API (automation.ts) */
  readonly openStack?: (name: string) => Promise<StackApi>;
  /** @default execFile */
  readonly exec?: Exec;
}

const flagSpec = {
  target: { type: "string" },
  rate: { type: "string" },
  json: { type: "string" },
  markdown: { type: "string" },
  version: { type: "string" },
  tolerance: { type: "string" },
  "max-mttr": { type: "string" },
  stack: { type: "string" },
  cloud: { type: "string" },
  zones: { type: "string" },
  "slow-ms": { type: "string" },
  instances: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type Target = { readonly kind: "local" } | { readonly kind: "stack"; readonly name: string };

function parseTarget(text: string): Target {
  if (text === "local") return { kind: "local" };
  const match = /^stack:([A-Za-z0-9_.-]+)$/.exec(text);
  if (match?.[1] !== undefined) return { kind: "stack", name: match[1] };
  throw new UsageError(
    `--target: expected local or stack:<name> such as stack:test; got ${JSON.stringify(text)}`,
  );
}

/** The whole CLI, minus process wiring; returns the exit code. */
export function runDrillCli(argv: readonly string[], io: DrillIo): Promise<number> {
  // Only the command line throws a UsageError: a drill that cannot run is exit 3, below.
  return drill(argv, io).catch((error: unknown) => {
    if (!(error instanceof UsageError)) throw error;
    return reportError("drill", io.stderr, error);
  });
}

async function drill(argv: readonly string[], io: DrillIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "-h" || first === "--help") return printHelp(io, usage);
  const flags = parseFlags(rest, flagSpec);
  if (flags.help === true) return printHelp(io, usage);
  if (first === undefined || !(drillKinds as readonly string[]).includes(first)) {
    throw new UsageError(
      `expected a drill, one of ${drillKinds.join(", ")}; got ${JSON.stringify(first ?? "")}`,
    );
  }
  const kind = first as DrillKind;
  const target = parseTarget(flags.target ?? "local");
  const rate = parseRate(flags.rate ?? "100/s", "rate");
  if (rate === "max") {
    throw new UsageError("--rate: a drill needs a fixed rate such as 100/s, not max");
  }
  const tolerance = flags.tolerance === undefined ? 0 : Number(flags.tolerance);
  if (!Number.isInteger(tolerance) || tolerance < 0) {
    throw new UsageError(
      `--tolerance: expected a whole number of failed requests; got ${JSON.stringify(flags.tolerance)}`,
    );
  }
  const maxMttrMs = ifGiven(flags["max-mttr"], (text) => parseDuration(text, "max-mttr"));
  const instances = ifGiven(flags.instances, (text) => parsePositiveInt(text, "instances", 20));
  const cloud = ifGiven(flags.cloud, parseCloud);
  const slowMs = ifGiven(flags["slow-ms"], (text) => parsePositiveInt(text, "slow-ms", 2000));
  const zones = ifGiven(flags.zones, (text) => parsePositiveInt(text, "zones", 6));
  if (target.kind === "stack") {
    if ([flags.instances, flags.stack, flags.cloud, flags.zones].some((f) => f !== undefined)) {
      throw new UsageError(
        "--stack, --instances, --cloud and --zones are for the local target only",
      );
    }
    if (kind === "rollout" && flags.version === undefined) {
      throw new UsageError(
        "--version: required for a rollout on a stack; build and push that tag first (the pipeline's build job does), since a tag nobody pushed cannot start and behaves like a bad release",
      );
    }
  }

  const log = (line: string) => writeLine(io.stderr, line);
  let drillTarget: DrillTarget;
  try {
    if (target.kind === "local") {
      const stack = flags.stack ?? "test";
      log(`drill: starting the local rehearsal (stack ${stack})`);
      drillTarget = await openLocalTarget({ stack, instances, zones, cloud });
    } else {
      const api = await (io.openStack ?? openStack)(target.name);
      drillTarget = stackTarget({ stack: target.name, api, exec: io.exec ?? execCli, log });
    }
  } catch (error) {
    writeLine(io.stderr, `drill: cannot open the target: ${String(error)}`);
    return exitCodes.environment.code;
  }

  try {
    log(`drill: ${kind} on ${drillTarget.description}`);
    const interrupted = new Promise<"interrupted">((resolve) => {
      if (io.signal?.aborted === true) resolve("interrupted");
      io.signal?.addEventListener("abort", () => resolve("interrupted"), { once: true });
    });
    const report = await Promise.race([
      runDrill(drillTarget, {
        kind,
        rate,
        tolerance,
        maxMttrMs,
        version: flags.version,
        slowMs,
        onProgress: log,
      }),
      interrupted,
    ]);
    if (report === "interrupted") {
      log("drill: interrupted; tearing the target down, no report written");
      return exitCodes.interrupted.code;
    }
    const cwd = io.cwd ?? process.cwd();
    const jsonPath = resolve(cwd, flags.json ?? `reports/drill-${kind}.json`);
    const markdownPath = resolve(cwd, flags.markdown ?? `reports/drill-${kind}.md`);
    for (const [path, text] of [
      [jsonPath, renderJson(report)],
      [markdownPath, renderMarkdown(report)],
    ] as const) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    }
    for (const c of report.checks) {
      writeLine(
        io.stdout,
        `${c.pass ? "pass" : "FAIL"}  ${c.name}: ${c.actual} (expected ${c.expected})`,
      );
    }
    writeLine(io.stdout, verdictLine(report));
    writeLine(io.stdout, `reports    ${markdownPath}, ${jsonPath}`);
    return report.pass ? 0 : 1;
  } catch (error) {
    writeLine(io.stderr, `drill: ${kind} could not run: ${String(error)}`);
    return exitCodes.environment.code;
  } finally {
    await drillTarget.close();
  }
}
