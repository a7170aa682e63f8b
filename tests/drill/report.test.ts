import assert from "node:assert/strict";
import { DrillReport, nextVersion } from "../../tools/drill/drills";
import {
  failureExplanation,
  renderJson,
  renderMarkdown,
  verdictLine,
} from "../../tools/drill/report";
import { summarize } from "../../tools/probe/stats";

// 3 s at 10/s: 1.0.0 for 1.5 s, then 1.0.1; one 502 at 1.5 s.
const records = Array.from({ length: 30 }, (_, i) => {
  const at = i * 100;
  if (i === 15) return { at, latencyMs: 2, ok: false, status: 502, error: "http 502" };
  return { at, latencyMs: 2, ok: true, status: 200, version: at < 1500 ? "1.0.0" : "1.0.1" };
});
const probe = summarize(records, {
  url: "http://127.0.0.1:40000/",
  startedAtEpochMs: Date.parse("2025-01-01T00:00:00.000Z"),
  durationMs: 3000,
  rate: 10,
  concurrency: 2,
  timeoutMs: 1000,
  stoppedEarly: true,
});

const report: DrillReport = {
  drill: "rollout",
  target: "local rehearsal of stack test: 3 instances",
  startedAt: probe.startedAt,
  durationMs: 3000,
  pass: false,
  rate: 10,
  tolerance: 0,
  versions: { from: "1.0.0", to: "1.0.1" },
  checks: [
    {
      name: "rollout completed",
      expected: "completed",
      actual: "completed: 3 launched",
      pass: true,
    },
    { name: "failed requests", expected: "≤ 0", actual: "1 of 30 (http 502: 1)", pass: false },
  ],
  figures: {
    requests: 30,
    failedRequests: 1,
    longestOutageMs: 100,
    rolloutMs: 1234,
    newFirstSeenMs: 600,
    oldLastSeenMs: 499,
  },
  marks: [
    { atMs: 2, by: "drill", what: "probe started: http://127.0.0.1:40000/ at 10/s" },
    { atMs: 900, by: "target", what: "lb-reloaded generation 3: i-4 | i-5" },
  ],
  probe,
};

describe("drill reports", () => {
  const markdown = renderMarkdown(report);

  it("opens with the drill and its verdict, then what was drilled", () => {
    assert.deepEqual(markdown.split("\n").slice(0, 7), [
      "# Rollout: a new version under load: FAIL",
      "",
      "- Target: local rehearsal of stack test: 3 instances",
      "- Started: 2025-01-01T00:00:00.000Z, lasted 3 s",
      "- Probe: `http://127.0.0.1:40000/` at 10 requests/s, failed requests allowed: 0",
      "- Versions: 1.0.0 → 1.0.1",
      "",
    ]);
  });

  it("tabulates every check with its result, failures in bold", () => {
    assert.ok(
      markdown.includes("| rollout completed | completed | completed: 3 launched | pass |\n"),
    );
    assert.ok(markdown.includes("| failed requests | ≤ 0 | 1 of 30 (http 502: 1) | **FAIL** |\n"));
  });

  it("gives the figures to the millisecond", () => {
    assert.ok(markdown.includes("| rollout time | 1.23 s |\n"));
    assert.ok(markdown.includes("| 1.0.1 first seen | 0.60 s into the rollout |\n"));
    assert.ok(markdown.includes("| 1.0.0 last seen | 0.50 s into the rollout |\n"));
    assert.ok(markdown.includes("| longest outage | 0.10 s |\n"));
  });

  it("shows the versions over time from the probe, and the timeline with URLs quoted and pipes escaped", () => {
    assert.ok(
      markdown.includes(
        "| 0–1 s | 1.0.0 100 % |\n| 1–2 s | 1.0.0 56 %, 1.0.1 44 % |\n| 2–3 s | 1.0.1 100 % |\n",
      ),
    );
    assert.ok(
      markdown.includes("| +0.00 s | drill | probe started: `http://127.0.0.1:40000/` at 10/s |"),
    );
    assert.ok(markdown.includes("| +0.90 s | target | lb-reloaded generation 3: i-4 \\| i-5 |"));
  });

  it("ends with the probe's own summary in a text block", () => {
    assert.match(
      markdown,
      /## Probe summary\n\n```text\nprobe {6}http:\/\/127\.0\.0\.1:40000\/ for 3 s/,
    );
    assert.ok(markdown.endsWith("result     1 failed request(s)\n```\n"));
  });

  it("JSON holds the whole report, probe included", () => {
    assert.deepEqual(JSON.parse(renderJson(report)), JSON.parse(JSON.stringify(report)));
  });

  it("one line for the terminal names the failed checks", () => {
    assert.equal(
      verdictLine(report),
      "rollout: FAIL: 1 of 30 requests failed, rollout 1.23 s; failed: failed requests",
    );
  });

  it("picks the next patch version for a rollout", () => {
    assert.deepEqual(["1.0.0", "1.0.9", "2.3.4-rc.1"].map(nextVersion), [
      "1.0.1",
      "1.0.10",
      "2.3.5",
    ]);
  });
});

describe("fault drill reports: figures, the witness, why requests failed", () => {
  const fault: DrillReport = {
    ...report,
    drill: "hang",
    versions: { from: "1.0.0" },
    figures: {
      requests: 30,
      failedRequests: 1,
      longestOutageMs: 100,
      detectedAfterMs: 1_250,
      mttrMs: 3_400,
      capacity: { minPct: 67, meanPct: 80, samples: 50 },
    },
    witness: {
      command: "curl -m 1 http://127.0.0.1:40000/, every 0.5 s, stop at the first failure",
      checks: 3,
      verdict: "down",
      firstFailure: { atMs: 1_500, exitCode: 28 },
      httpErrors: 0,
      startedAt: probe.startedAt,
      durationMs: 1_600,
    },
    cloudMode: {
      cloud: "aws",
      loadBalancer: "Application Load Balancer",
      attempts: 1,
      layer: 7,
      drainMs: 1_500,
      notMimicked: ["the ALB fails open when every target is unhealthy"],
    },
  };
  const markdown = renderMarkdown(fault);

  it("gives time to detect, MTTR and the capacity left", () => {
    assert.ok(markdown.includes("| time to detect | 1.25 s |\n"));
    assert.ok(markdown.includes("| time to recover (MTTR) | 3.40 s |\n"));
    assert.ok(
      markdown.includes(
        "| capacity during the fault | lowest 67 %, mean 80 % of the group in service (50 samples) |\n",
      ),
    );
  });

  it("puts the witness's verdict next to the probe's", () => {
    assert.ok(markdown.includes("| probe (10/s, 1000 ms timeout) | 1 failed |\n"));
    assert.match(
      markdown,
      /\| seed 000 downtime check .* \| down at check 3, \+1\.50 s \(curl exit 28\) \|\n/,
    );
  });

  it("explains failures by the mode: no retry at layer 7, pinned connections at layer 4", () => {
    assert.match(
      failureExplanation(fault) ?? "",
      /^1 request\(s\) failed \(http 502 ×1\)\. The aws load balancer .* does not retry/,
    );
    const l4 = { ...fault, cloudMode: { ...fault.cloudMode!, cloud: "azure", layer: 4 as const } };
    assert.match(failureExplanation(l4) ?? "", /forwards TCP and retries nothing/);
    assert.equal(
      failureExplanation({ ...fault, figures: { ...fault.figures, failedRequests: 0 } }),
      undefined,
    );
  });

  it("says what the cloud mode does not reproduce", () => {
    assert.ok(
      markdown.includes(
        "## What aws mode does not reproduce\n\n- the ALB fails open when every target is unhealthy\n",
      ),
    );
  });
});
