import { setTimeout as sleep } from "node:timers/promises";
import { parseFlags } from "../lib/args";
import { IoWith, printHelp } from "../lib/cli";
import { UsageError } from "../lib/errors";
import { run } from "../lib/exec";
import { Lookup } from "../lib/net";
import { writeLine } from "../lib/output";
import { ifGiven, parseDuration, parseHttpUrl, parsePositiveInt } from "../lib/parse";
import { checkVersion, CheckResult } from "./check";
import { CheckOutcome, checkExitCodes, exitCodeTable } from "./codes";
import { readExpectedVersion, readStackUrl, StackError } from "./stack";

export const defaultStack = "test";

export const usage = `Usage: npm run check -- --url <url> [options]

Checks that a deployment serves the expected version at /version.txt.

Options:
  --url <url>          URL of version.txt; a URL with no path (https://www.example.com or
                       https://www.example.com/) gets /version.txt appended, and the check says
                       so (with --stack and no --url: the stack's versionUrl output, read with
                       the pulumi CLI)
  --expect <version>   version to expect (default: ha-web-service:appVersion from
                       Pulumi.<stack>.yaml in the current directory)
  --stack <name>       stack for both defaults above (default: ${defaultStack})
  --every <duration>   check periodically, e.g. 30s (default: check once)
  --times <n>          number of checks with --every (default: until interrupted)
  --attempts <n>       tries per check, with exponential backoff between them (default: 3)
  --timeout <duration> limit per try, connect to last byte (default: 5s)
  --backoff <duration> first wait between tries, doubled each time up to 10s (default: 500ms)
  --on-failure <cmd>   run <cmd> with /bin/sh after each failed check, with CHECK_URL,
                       CHECK_EXPECTED, CHECK_OUTCOME and CHECK_MESSAGE in its environment;
                       it may run for at most 60s and its exit code does not change the
                       check's. A hook for people who want one: on every cloud here the load
                       balancer's health check already replaces an instance that stops serving
  --json               one JSON object per check instead of a line of text
  -h, --help           show this help

Exit codes:
${exitCodeTable()}
With several checks: 0 if all passed, else the code of the last one that failed.`;

/** Aborting `signal` ends a periodic run after the current check. */
export type CheckIo = IoWith<"stdout" | "stderr" | "env" | "cwd"> & { readonly lookup?: Lookup };

const flagSpec = {
  url: { type: "string" },
  expect: { type: "string" },
  stack: { type: "string" },
  every: { type: "string" },
  times: { type: "string" },
  attempts: { type: "string" },
  timeout: { type: "string" },
  backoff: { type: "string" },
  "on-failure": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function report(io: CheckIo, json: boolean, result: CheckResult): void {
  const time = new Date().toISOString();
  if (json) {
    writeLine(io.stdout, JSON.stringify({ time, ok: result.outcome === "ok", ...result }));
  } else {
    writeLine(io.stdout, `${time} ${result.outcome === "ok" ? "OK" : "FAIL"} ${result.message}`);
  }
}

function fail(io: CheckIo, json: boolean, outcome: CheckOutcome, message: string): number {
  const { code } = checkExitCodes[outcome];
  if (json) writeLine(io.stdout, JSON.stringify({ ok: false, outcome, exitCode: code, message }));
  else writeLine(io.stderr, `check: ${message}`);
  return code;
}

/** Longest an --on-failure command may run before it is killed. */
export const hookTimeoutMs = 60_000;

/** Runs the --on-failure command for one failed check; reports how it ended, never throws. */
async function runHook(io: CheckIo, command: string, result: CheckResult): Promise<void> {
  const hook = await run("/bin/sh", ["-c", command], {
    cwd: io.cwd,
    env: {
      ...io.env,
      CHECK_URL: result.url,
      CHECK_EXPECTED: result.expected,
      CHECK_OUTCOME: result.outcome,
      CHECK_MESSAGE: result.message,
    },
    timeoutMs: hookTimeoutMs,
  });
  // The hook's output goes where the check's own lines go, so a log shows both in order.
  io.stdout.write(hook.stdout);
  io.stderr.write(hook.stderr);
  if (hook.missing) writeLine(io.stderr, "check: --on-failure could not start: no /bin/sh");
  else if (hook.code !== 0) {
    writeLine(io.stderr, `check: --on-failure exited ${hook.code ?? hook.signal}`);
  }
}

/** The whole CLI, minus process wiring; returns the exit code. */
export async function runCheckCli(argv: readonly string[], io: CheckIo): Promise<number> {
  let json = false;
  try {
    const flags = parseFlags(argv, flagSpec);
    json = flags.json === true;
    if (flags.help === true) return printHelp(io, usage);
    const every = ifGiven(flags.every, (text) => parseDuration(text, "every"));
    const times =
      ifGiven(flags.times, (text) => parsePositiveInt(text, "times")) ??
      (every === undefined ? 1 : Infinity);
    const attempts = ifGiven(flags.attempts, (text) => parsePositiveInt(text, "attempts", 20)) ?? 3;
    const timeoutMs = parseDuration(flags.timeout ?? "5s", "timeout");
    const backoffMs = parseDuration(flags.backoff ?? "500ms", "backoff");
    if (times > 1 && every === undefined) throw new UsageError("--times needs --every");
    if (flags.url === undefined && flags.stack === undefined) {
      throw new UsageError("--url <url> is required, or --stack <name> to read it from the stack");
    }
    const stack = flags.stack ?? defaultStack;
    const url = flags.url ?? (await readStackUrl(stack, io.env, io.cwd));
    const parsed = parseHttpUrl(url, "url");
    if (parsed.pathname === "/" && parsed.search === "") {
      parsed.pathname = "/version.txt";
      writeLine(io.stderr, `check: --url has no path; checking ${parsed.href}`);
    }
    const target = parsed.href;
    const expected = flags.expect ?? (await readExpectedVersion(stack, io.cwd));
    const onFailure = flags["on-failure"];

    let exitCode = 0;
    for (let i = 0; i < times; i += 1) {
      if (i > 0 && every !== undefined) {
        const stopped = await sleep(every, false, { signal: io.signal }).catch(() => true);
        if (stopped) break;
      }
      const result = await checkVersion({
        url: target,
        expected,
        attempts,
        timeoutMs,
        backoffMs,
        lookup: io.lookup,
        signal: io.signal,
      });
      if (io.signal?.aborted === true && result.outcome !== "ok") break;
      report(io, json, result);
      if (result.exitCode !== 0) {
        exitCode = result.exitCode;
        if (onFailure !== undefined) await runHook(io, onFailure, result);
      }
    }
    return exitCode;
  } catch (error) {
    if (error instanceof UsageError)
      return fail(io, json, "usage", `${error.message} (see --help)`);
    if (error instanceof StackError) return fail(io, json, error.outcome, error.message);
    throw error;
  }
}
