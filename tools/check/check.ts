import { setTimeout as sleep } from "node:timers/promises";
import { Agent, Dispatcher, request } from "undici";
import { Lookup, classifyError, lookup as defaultLookup } from "../lib/net";
import { CheckOutcome, checkExitCodes } from "./codes";

export interface CheckOptions {
  /** Usually `<service url>/version.txt`. */
  readonly url: string;
  readonly expected: string;
  /** Tries before declaring failure. @default 3 */
  readonly attempts?: number;
  /** Per attempt, covering connect, headers and body. @default 5000 */
  readonly timeoutMs?: number;
  /** Wait before the second attempt; doubles each time, capped at 10 s. @default 500 */
  readonly backoffMs?: number;
  /** Resolver; tests pass one that never touches the network. @default RFC 6761-aware dns.lookup */
  readonly lookup?: Lookup;
  /** Stops retrying (and waiting) when aborted, e.g. on SIGINT. */
  readonly signal?: AbortSignal;
}

export interface CheckResult {
  readonly outcome: CheckOutcome;
  readonly exitCode: number;
  /** One line for humans, without the OK/FAIL prefix. */
  readonly message: string;
  readonly url: string;
  readonly expected: string;
  /** The body of /version.txt less its trailing newline, when one was received. */
  readonly served?: string;
  readonly status?: number;
  readonly attempts: number;
  readonly elapsedMs: number;
}

const maxBackoffMs = 10_000;
/** version.txt is a few bytes; anything much larger is not it, and is not worth reading. */
const maxBodyBytes = 4_096;

type Attempt = Omit<CheckResult, "attempts" | "elapsedMs" | "exitCode" | "url" | "expected">;

/** Whether another attempt could plausibly give a different answer. */
function retryable({ outcome, status }: Attempt): boolean {
  if (outcome !== "httpStatus") return outcome !== "ok" && outcome !== "tls";
  // 4xx other than 408/429 is the request's fault and will not change on its own.
  return status === undefined || status >= 500 || [408, 429].includes(status);
}

/** `"1.0.6"` → `1.0.6`; anything odd (spaces, empty, control characters) stays quoted. */
function show(version: string): string {
  return /^[\w.+-]+$/.test(version) ? version : JSON.stringify(version);
}

async function attemptOnce(
  options: CheckOptions,
  dispatcher: Dispatcher,
  timeoutMs: number,
): Promise<Attempt> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal =
    options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  const url = new URL(options.url);
  try {
    const response = await request(url, { dispatcher, signal, headers: { accept: "text/plain" } });
    const length = Number(response.headers["content-length"] ?? "0");
    if (response.statusCode < 200 || response.statusCode > 299) {
      await response.body.dump();
      return {
        outcome: "httpStatus",
        status: response.statusCode,
        message: `HTTP ${response.statusCode} from ${options.url} (expected 200 with version ${options.expected})`,
      };
    }
    if (length > maxBodyBytes) {
      await response.body.dump();
      return {
        outcome: "wrongVersion",
        status: response.statusCode,
        message: `wrong version: served a ${length}-byte body, expected ${show(options.expected)} (${options.url})`,
      };
    }
    const text = await response.body.text();
    const served = text.endsWith("\n") ? text.slice(0, -1) : text;
    if (served !== options.expected) {
      return {
        outcome: "wrongVersion",
        status: response.statusCode,
        served,
        message: `wrong version: served ${show(served.slice(0, 80))}, expected ${show(options.expected)} (${options.url})`,
      };
    }
    return {
      outcome: "ok",
      status: response.statusCode,
      served,
      message: `version ${show(served)} served by ${options.url}`,
    };
  } catch (error) {
    // Our own deadline surfaces as an abort.
    const { kind, code } = timeout.aborted
      ? { kind: "timeout" as const, code: "" }
      : classifyError(error);
    switch (kind) {
      case "timeout":
        return {
          outcome: "timeout",
          message: `timeout: no complete answer from ${options.url} within ${timeoutMs} ms`,
        };
      case "refused":
        return {
          outcome: "connectionRefused",
          message: `connection refused: nothing listening at ${url.host} (${options.url})`,
        };
      case "dns":
        return {
          outcome: "dns",
          message: `DNS failure: cannot resolve ${url.hostname} (${code})`,
        };
      case "tls":
        return { outcome: "tls", message: `TLS error with ${url.host}: ${code}` };
      case "aborted":
      case "reset":
      case "other":
        return { outcome: "network", message: `network error with ${url.host}: ${code}` };
    }
  }
}

/**
 * Fetches the version once, retrying failures with exponential backoff, and says how it went.
 * Never throws for network trouble: every failure is an outcome with its own exit code.
 */
export async function checkVersion(options: CheckOptions): Promise<CheckResult> {
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const backoffMs = options.backoffMs ?? 500;
  const started = performance.now();
  // A fresh agent per check: a long --every run must not keep talking to a backend that a
  // cached keep-alive connection happens to point at.
  const dispatcher = new Agent({
    connect: { timeout: timeoutMs, lookup: options.lookup ?? defaultLookup },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  try {
    let attempt: Attempt | undefined;
    let tries = 0;
    while (tries < attempts) {
      if (tries > 0) {
        const wait = Math.min(maxBackoffMs, backoffMs * 2 ** (tries - 1));
        await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
      }
      if (options.signal?.aborted === true && attempt !== undefined) break;
      tries += 1;
      attempt = await attemptOnce(options, dispatcher, timeoutMs);
      if (!retryable(attempt)) break;
    }
    const final = attempt as Attempt;
    const suffix = tries > 1 ? ` after ${tries} attempts` : "";
    return {
      ...final,
      message: `${final.message}${final.outcome === "ok" ? "" : suffix}`,
      exitCode: checkExitCodes[final.outcome].code,
      url: options.url,
      expected: options.expected,
      attempts: tries,
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    await dispatcher.close();
  }
}
