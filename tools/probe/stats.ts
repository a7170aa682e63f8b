import { percentile } from "../lib/output";

/** One request as the probe saw it. Times are ms from the start of the run. */
export interface RequestRecord {
  /** When the request was due (open loop) or sent (max rate); outages are measured on this. */
  readonly at: number;
  /** From `at` to the last byte or the failure, so time spent queued counts. */
  readonly latencyMs: number;
  readonly ok: boolean;
  readonly status?: number;
  /** From the body of /version.txt, else the X-App-Version header. */
  readonly version?: string;
  /** For failures: "http 503", "refused", "timeout", "timeout (queued)", ... */
  readonly error?: string;
}

export interface Outage {
  /** Offset of the first failed request. */
  readonly startMs: number;
  readonly startAt: string;
  /** Up to the next successful request (or the last failure plus one interval at the end). */
  readonly durationMs: number;
  readonly failedRequests: number;
}

export interface SecondBucket {
  readonly second: number;
  readonly ok: number;
  readonly failed: number;
  /** Successful responses per version. */
  readonly versions: Readonly<Record<string, number>>;
}

/** Consecutive seconds that saw the same set of versions: where a rollout switched over. */
export interface VersionSpan {
  readonly fromSecond: number;
  /** Exclusive. */
  readonly toSecond: number;
  readonly versions: Readonly<Record<string, number>>;
}

export interface VersionSeen {
  readonly version: string;
  readonly count: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

export interface ProbeReport {
  readonly url: string;
  readonly startedAt: string;
  readonly durationMs: number;
  /** Requests per second asked for, or "max". */
  readonly rate: number | "max";
  readonly achievedRatePerSec: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** True when interrupted (SIGINT or an abort signal) before the duration ran out. */
  readonly stoppedEarly: boolean;
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  /** 100 when nothing was sent, so an empty run does not look like an outage. */
  readonly successPct: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly longestOutage: Outage | null;
  readonly outages: readonly Outage[];
  /** Over successful requests. */
  readonly latencyMs: {
    readonly p50?: number;
    readonly p95?: number;
    readonly p99?: number;
    readonly max?: number;
  };
  readonly versions: readonly VersionSeen[];
  readonly versionSpans: readonly VersionSpan[];
  readonly timeline: readonly SecondBucket[];
}

export interface RunFacts {
  readonly url: string;
  /** Epoch ms of offset 0. */
  readonly startedAtEpochMs: number;
  readonly durationMs: number;
  readonly rate: number | "max";
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly stoppedEarly: boolean;
}

/** A report part while it is being counted. */
type Mutable<T> = {
  -readonly [K in keyof T]: K extends "versions" ? Record<string, number> : T[K];
};

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function outagesOf(sorted: readonly RequestRecord[], facts: RunFacts): Outage[] {
  const outages: Outage[] = [];
  const gap = facts.rate === "max" ? 0 : 1000 / facts.rate;
  let first: RequestRecord | undefined;
  let last: RequestRecord | undefined;
  let count = 0;
  const close = (endMs: number) => {
    if (first === undefined) return;
    outages.push({
      startMs: round(first.at),
      startAt: new Date(facts.startedAtEpochMs + first.at).toISOString(),
      durationMs: round(endMs - first.at),
      failedRequests: count,
    });
    first = undefined;
    count = 0;
  };
  for (const record of sorted) {
    if (record.ok) {
      close(record.at);
    } else {
      first ??= record;
      last = record;
      count += 1;
    }
  }
  if (first !== undefined && last !== undefined) {
    close(gap > 0 ? last.at + gap : last.at + last.latencyMs);
  }
  return outages;
}

function sameKeys(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((key, i) => key === kb[i]);
}

/** Turns the raw records of a run into its report. Pure, so it is table-tested. */
export function summarize(records: readonly RequestRecord[], facts: RunFacts): ProbeReport {
  const sorted = [...records].sort((a, b) => a.at - b.at);
  const succeeded = sorted.filter((r) => r.ok);
  const errors: Record<string, number> = {};
  for (const { ok, error = "unknown" } of sorted) {
    if (!ok) errors[error] = (errors[error] ?? 0) + 1;
  }

  const outages = outagesOf(sorted, facts);
  const longestOutage = outages.reduce<Outage | null>(
    (longest, outage) =>
      longest === null || outage.durationMs > longest.durationMs ? outage : longest,
    null,
  );

  const latencies = succeeded.map((r) => r.latencyMs).sort((a, b) => a - b);
  const pick = (p: number) => {
    const value = percentile(latencies, p);
    return value === undefined ? undefined : round(value);
  };

  const seen = new Map<string, VersionSeen>();
  const buckets: Mutable<SecondBucket>[] = [];
  for (const record of sorted) {
    const second = Math.floor(record.at / 1000);
    while (buckets.length <= second) {
      buckets.push({ second: buckets.length, ok: 0, failed: 0, versions: {} });
    }
    const bucket = buckets[second];
    if (bucket === undefined) continue;
    if (!record.ok) {
      bucket.failed += 1;
      continue;
    }
    bucket.ok += 1;
    const version = record.version ?? "unknown";
    bucket.versions[version] = (bucket.versions[version] ?? 0) + 1;
    const at = round(record.at);
    const entry = seen.get(version) ?? { version, count: 0, firstSeenMs: at, lastSeenMs: at };
    seen.set(version, { ...entry, count: entry.count + 1, lastSeenMs: at });
  }

  const spans: Mutable<VersionSpan>[] = [];
  for (const bucket of buckets) {
    // Seconds with only failures say nothing about versions; they belong to the outage list.
    if (bucket.ok === 0) continue;
    const previous = spans[spans.length - 1];
    if (previous !== undefined && sameKeys(previous.versions, bucket.versions)) {
      previous.toSecond = bucket.second + 1;
      for (const [version, count] of Object.entries(bucket.versions)) {
        previous.versions[version] = (previous.versions[version] ?? 0) + count;
      }
    } else {
      spans.push({
        fromSecond: bucket.second,
        toSecond: bucket.second + 1,
        versions: { ...bucket.versions },
      });
    }
  }

  const total = sorted.length;
  return {
    url: facts.url,
    startedAt: new Date(facts.startedAtEpochMs).toISOString(),
    durationMs: round(facts.durationMs),
    rate: facts.rate,
    achievedRatePerSec: facts.durationMs > 0 ? round((total * 1000) / facts.durationMs, 1) : 0,
    concurrency: facts.concurrency,
    timeoutMs: facts.timeoutMs,
    stoppedEarly: facts.stoppedEarly,
    total,
    succeeded: succeeded.length,
    failed: total - succeeded.length,
    successPct: total === 0 ? 100 : round((succeeded.length / total) * 100, 3),
    errors,
    longestOutage,
    outages,
    latencyMs: { p50: pick(50), p95: pick(95), p99: pick(99), max: pick(100) },
    versions: [...seen.values()].sort((a, b) => a.firstSeenMs - b.firstSeenMs),
    versionSpans: spans,
    timeline: buckets,
  };
}
