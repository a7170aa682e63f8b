import { Pool } from "undici";
import { classifyError, Lookup, lookup as defaultLookup } from "../lib/net";
import { ProbeReport, RequestRecord, summarize } from "./stats";

export interface ProbeOptions {
  readonly url: string;
  /** Requests per second on a fixed schedule, or "max": `concurrency` loops back to back. */
  readonly rate: number | "max";
  readonly durationMs: number;
  /**
   * Most requests in flight, and connections kept open.
   * @default enough for `rate × timeout` requests in flight, 2 to 64; 32 with rate "max"
   */
  readonly concurrency?: number;
  /** Per request, from when it was due (so time queued counts). @default 1000 */
  readonly timeoutMs?: number;
  /** @default RFC 6761-aware dns.lookup */
  readonly lookup?: Lookup;
}

/** What the live status line shows. */
export interface ProbeStatus {
  readonly elapsedMs: number;
  readonly sent: number;
  readonly completed: number;
  readonly failed: number;
  readonly inFlight: number;
  /** Successful responses per version since the previous tick: the current mix. */
  readonly recentVersions: Readonly<Record<string, number>>;
}

export interface ProbeHooks {
  /** Called every `tickMs` while the probe runs. */
  readonly onTick?: (status: ProbeStatus) => void;
  /** @default 1000 */
  readonly tickMs?: number;
  /** Stops sending; requests in flight finish (within the timeout) and the report covers them. */
  readonly signal?: AbortSignal;
}

export function defaultConcurrency(rate: number | "max", timeoutMs: number): number {
  if (rate === "max") return 32;
  return Math.min(64, Math.max(2, Math.ceil((rate * timeoutMs) / 1000)));
}

/**
 * Sends GET requests to `url` at a fixed rate and reports what failed, for how long, how fast
 * the rest were, and which versions answered when.
 *
 * Open loop: request i is due at i / rate whatever happened to earlier ones, so a slow or dead
 * server cannot slow the probe down and hide its own outage. If `concurrency` requests are
 * already in flight, a due request waits, and its latency (and timeout) include the wait.
 */
export async function runProbe(
  options: ProbeOptions,
  hooks: ProbeHooks = {},
): Promise<ProbeReport> {
  const url = new URL(options.url);
  const timeoutMs = options.timeoutMs ?? 1000;
  const concurrency = options.concurrency ?? defaultConcurrency(options.rate, timeoutMs);
  const path = `${url.pathname}${url.search}`;
  const versionFromBody = url.pathname.endsWith("/version.txt");
  const pool = new Pool(url.origin, {
    connections: concurrency,
    pipelining: 1,
    connect: { timeout: timeoutMs, lookup: options.lookup ?? defaultLookup },
    // Backstops only: each request carries its own deadline as an abort signal.
    headersTimeout: timeoutMs + 1000,
    bodyTimeout: timeoutMs + 1000,
  });

  const records: RequestRecord[] = [];
  const queue: number[] = [];
  let inFlight = 0;
  let sent = 0;
  let failed = 0;
  let recentVersions: Record<string, number> = {};
  const startedAtEpochMs = Date.now();
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  let stoppedEarly = false;

  let settle: () => void = () => undefined;
  const idle = new Promise<void>((resolve) => (settle = resolve));
  let scheduling = true;
  const checkDone = () => {
    if (!scheduling && inFlight === 0 && queue.length === 0) settle();
  };
  const finish = () => {
    scheduling = false;
    checkDone();
  };

  const record = (entry: RequestRecord) => {
    records.push(entry);
    if (!entry.ok) failed += 1;
    else if (entry.version !== undefined) {
      recentVersions[entry.version] = (recentVersions[entry.version] ?? 0) + 1;
    }
  };

  const fire = async (at: number): Promise<void> => {
    inFlight += 1;
    sent += 1;
    const remaining = Math.max(1, Math.ceil(timeoutMs - (now() - at)));
    try {
      const response = await pool.request({
        path,
        method: "GET",
        signal: AbortSignal.timeout(remaining),
      });
      let version: string | undefined;
      if (versionFromBody && response.statusCode === 200) {
        const text = await response.body.text();
        version = text.endsWith("\n") ? text.slice(0, -1) : text;
      } else {
        await response.body.dump();
        const header = response.headers["x-app-version"];
        version = Array.isArray(header) ? header[0] : header;
      }
      const ok = response.statusCode >= 200 && response.statusCode < 400;
      record({
        at,
        latencyMs: now() - at,
        ok,
        status: response.statusCode,
        version,
        ...(ok ? {} : { error: `http ${response.statusCode}` }),
      });
    } catch (error) {
      const { kind, code } = classifyError(error);
      // Our own deadline surfaces as an abort; anything unexpected keeps its code to be found.
      const label = kind === "aborted" ? "timeout" : kind === "other" ? `other (${code})` : kind;
      record({ at, latencyMs: now() - at, ok: false, error: label });
    } finally {
      inFlight -= 1;
      next();
    }
  };

  /** Starts queued requests while there is room; ones that waited past their timeout fail. */
  const next = () => {
    while (queue.length > 0 && inFlight < concurrency) {
      const at = queue.shift() as number;
      if (now() - at >= timeoutMs) {
        record({ at, latencyMs: now() - at, ok: false, error: "timeout (queued)" });
        continue;
      }
      void fire(at);
    }
    checkDone();
  };

  const due = (at: number) => {
    queue.push(at);
    next();
  };

  const ticker = setInterval(() => {
    hooks.onTick?.({
      elapsedMs: now(),
      sent,
      completed: records.length,
      failed,
      inFlight,
      recentVersions,
    });
    recentVersions = {};
  }, hooks.tickMs ?? 1000);

  const stop = () => {
    stoppedEarly = scheduling;
    queue.length = 0;
    finish();
  };
  hooks.signal?.addEventListener("abort", stop, { once: true });
  if (hooks.signal?.aborted === true) stop();

  let timer: NodeJS.Timeout | undefined;
  if (options.rate === "max") {
    // Closed loop on purpose: each of `concurrency` workers sends as soon as its last answer
    // arrived, which measures the server's capacity rather than a schedule.
    const loop = async (): Promise<void> => {
      while (scheduling && now() < options.durationMs) await fire(now());
    };
    const end = setTimeout(() => (scheduling = false), options.durationMs);
    await Promise.all(Array.from({ length: concurrency }, loop));
    clearTimeout(end);
    finish();
  } else {
    const interval = 1000 / options.rate;
    const total = Math.floor(options.durationMs / interval);
    let index = 0;
    const pump = () => {
      const elapsed = now();
      while (scheduling && index < total && index * interval <= elapsed) {
        due(index * interval);
        index += 1;
      }
      if (!scheduling) return;
      // The run lasts its full duration even when the last request went out earlier.
      const last = index >= total;
      const at = last ? options.durationMs : index * interval;
      timer = setTimeout(last ? finish : pump, Math.max(0, at - now()));
    };
    pump();
  }

  await idle;
  clearTimeout(timer);
  clearInterval(ticker);
  hooks.signal?.removeEventListener("abort", stop);
  const durationMs = now();
  await pool.destroy();
  return summarize(records, {
    url: options.url,
    startedAtEpochMs,
    durationMs,
    rate: options.rate,
    concurrency,
    timeoutMs,
    stoppedEarly,
  });
}
