/**
 * The independent witness: seed 000's downtime check, run next to the probe. Like the seed's
 * script it runs `curl -m 1 <url>` (exit code only: an HTTP error status still counts as up,
 * because the seed does not pass -f), sleeps 0.5 s, and stops at the first failure. Written here
 * (not the seed's shell loop) so it can be bounded and aborted; the status codes are recorded
 * too, to show what `-f` would have added.
 */
import { MissingToolError } from "../lib/errors";
import { installHint, run } from "../lib/exec";
import { setTimeout as sleep } from "node:timers/promises";

export interface WitnessReport {
  readonly command: string;
  /** curl runs made. */
  readonly checks: number;
  /** `down`: a curl run failed (the seed prints "target is down" and stops). */
  readonly verdict: "up" | "down";
  /** The failed run: ms from the witness start, curl's exit code. */
  readonly firstFailure?: { readonly atMs: number; readonly exitCode: number };
  /** Runs that got an HTTP status ≥ 500: up for the seed's check, down with `curl -f`. */
  readonly httpErrors: number;
  readonly startedAt: string;
  readonly durationMs: number;
}

export interface WitnessOptions {
  readonly url: string;
  /** Stops the witness (the drill ended). */
  readonly signal: AbortSignal;
  /** @default 600: bounds the run whatever happens */
  readonly maxChecks?: number;
  /** @default "curl" */
  readonly curl?: string;
}

/** Whether `url`'s host is on 127.0.0.0/8. */
export const isLoopback = (url: string) => /^127(\.\d{1,3}){3}$/.test(new URL(url).hostname);

async function curlOnce(curl: string, url: string): Promise<{ exitCode: number; status: number }> {
  const result = await run(curl, ["-m", "1", "-s", "-o", "/dev/null", "-w", "%{http_code}", url], {
    timeoutMs: 5_000,
  });
  if (result.missing) throw new MissingToolError(curl, installHint("curl"));
  return { exitCode: result.code ?? 1, status: Number(result.stdout) || 0 };
}

export async function runWitness(options: WitnessOptions): Promise<WitnessReport> {
  // Only loopback: the witness is for the local rehearsal, never a stranger's host.
  if (!isLoopback(options.url)) {
    throw new Error(`witness: expected a 127.0.0.0/8 URL; got ${JSON.stringify(options.url)}`);
  }
  const curl = options.curl ?? "curl";
  const maxChecks = options.maxChecks ?? 600;
  const started = Date.now();
  let checks = 0;
  let httpErrors = 0;
  let firstFailure: WitnessReport["firstFailure"];
  while (!options.signal.aborted && checks < maxChecks) {
    const at = Date.now() - started;
    const { exitCode, status } = await curlOnce(curl, options.url);
    checks += 1;
    if (status >= 500) httpErrors += 1;
    if (exitCode !== 0) {
      firstFailure = { atMs: at, exitCode };
      break;
    }
    try {
      await sleep(500, undefined, { signal: options.signal });
    } catch {
      break;
    }
  }
  return {
    command: `curl -m 1 ${options.url}, every 0.5 s, stop at the first failure`,
    checks,
    verdict: firstFailure === undefined ? "up" : "down",
    ...(firstFailure === undefined ? {} : { firstFailure }),
    httpErrors,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  };
}
