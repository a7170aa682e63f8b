import assert from "node:assert/strict";
import { RequestRecord, RunFacts, summarize } from "../../tools/probe/stats";

const facts: RunFacts = {
  url: "http://127.0.0.1:1/",
  startedAtEpochMs: Date.UTC(2026, 0, 1, 12, 0, 0),
  durationMs: 3_000,
  rate: 10,
  concurrency: 2,
  timeoutMs: 1_000,
  stoppedEarly: false,
};

/** 10 requests a second for 3 s; `fail(at)` picks the failures, `version(at)` the answers. */
function run(fail: (at: number) => boolean, version: (at: number) => string = () => "1.0.0") {
  const records: RequestRecord[] = [];
  for (let at = 0; at < 3_000; at += 100) {
    records.push(
      fail(at)
        ? { at, latencyMs: 5, ok: false, error: "http 503" }
        : { at, latencyMs: at % 1_000 === 0 ? 50 : 2, ok: true, status: 200, version: version(at) },
    );
  }
  // Completion order is not request order; the summary must not depend on it.
  return records.reverse();
}

describe("probe summary", () => {
  it("counts a clean run as no outage and 100 % success", () => {
    const report = summarize(
      run(() => false),
      facts,
    );
    assert.equal(report.total, 30);
    assert.equal(report.failed, 0);
    assert.equal(report.successPct, 100);
    assert.equal(report.longestOutage, null);
    assert.equal(report.achievedRatePerSec, 10);
  });

  it("measures an outage from its first failed request to the next success", () => {
    // 1000–1500 ms fails: 5 requests, then 1500 succeeds.
    const report = summarize(
      run((at) => at >= 1_000 && at < 1_500),
      facts,
    );
    assert.equal(report.failed, 5);
    assert.deepEqual(report.errors, { "http 503": 5 });
    assert.deepEqual(report.longestOutage, {
      startMs: 1_000,
      startAt: "2026-01-01T12:00:01.000Z",
      durationMs: 500,
      failedRequests: 5,
    });
  });

  it("reports the longest of several outages, and all of them", () => {
    const report = summarize(
      run((at) => at === 200 || (at >= 2_000 && at < 2_300)),
      facts,
    );
    assert.equal(report.outages.length, 2);
    assert.equal(report.longestOutage?.startMs, 2_000);
    assert.equal(report.longestOutage?.durationMs, 300);
  });

  it("closes an outage that lasts to the end one interval after its last request", () => {
    const report = summarize(
      run((at) => at >= 2_500),
      facts,
    );
    assert.equal(report.longestOutage?.startMs, 2_500);
    assert.equal(report.longestOutage?.durationMs, 500);
  });

  it("takes latency percentiles over successful requests only", () => {
    const report = summarize(
      run(() => false),
      facts,
    );
    // 3 of 30 took 50 ms (one each second), the rest 2 ms.
    assert.deepEqual(report.latencyMs, { p50: 2, p95: 50, p99: 50, max: 50 });
  });

  it("shows when a rollout switched versions: spans of seconds with the same set", () => {
    // 1.0.0 until 1.2 s, both in the second 1, 1.0.1 only from 2 s.
    const report = summarize(
      run(
        () => false,
        (at) => (at < 1_200 ? "1.0.0" : at < 2_000 && at % 200 === 0 ? "1.0.0" : "1.0.1"),
      ),
      facts,
    );
    assert.deepEqual(report.versionSpans, [
      { fromSecond: 0, toSecond: 1, versions: { "1.0.0": 10 } },
      { fromSecond: 1, toSecond: 2, versions: { "1.0.0": 6, "1.0.1": 4 } },
      { fromSecond: 2, toSecond: 3, versions: { "1.0.1": 10 } },
    ]);
    assert.deepEqual(
      report.versions.map((v) => [v.version, v.count, v.firstSeenMs, v.lastSeenMs]),
      [
        ["1.0.0", 16, 0, 1_800],
        ["1.0.1", 14, 1_300, 2_900],
      ],
    );
    assert.deepEqual(
      report.timeline.map((b) => [b.second, b.ok, b.failed]),
      [
        [0, 10, 0],
        [1, 10, 0],
        [2, 10, 0],
      ],
    );
  });

  it("reports 100 % for a run that sent nothing, not NaN", () => {
    const report = summarize([], facts);
    assert.equal(report.successPct, 100);
    assert.deepEqual(report.latencyMs, {
      p50: undefined,
      p95: undefined,
      p99: undefined,
      max: undefined,
    });
  });
});
