import assert from "node:assert/strict";
import {
  decide,
  Decision,
  GroupSpec,
  HealthRecord,
  initialHealth,
  MemberView,
  observeHealth,
  pickZone,
  rolloutVerdict,
  RolloutVerdict,
  serversAfter,
  zoneNames,
} from "../../tools/rehearsal/decide";

const thresholds = { healthyThreshold: 2, unhealthyThreshold: 2 };

describe("rehearsal supervisor: health checks", () => {
  // [from, check result, now, expected]
  const rows: Array<[string, HealthRecord, boolean, HealthRecord]> = [
    ["first pass while booting", initialHealth, true, { state: "booting", passes: 1, failures: 0 }],
    [
      "second pass in a row: healthy from now on",
      { state: "booting", passes: 1, failures: 0 },
      true,
      { state: "healthy", passes: 2, failures: 0, healthySinceMs: 1000 },
    ],
    [
      "a failure resets the streak",
      { state: "booting", passes: 1, failures: 0 },
      false,
      { state: "booting", passes: 0, failures: 1 },
    ],
    [
      "a booting instance is never declared unhealthy by its checks (initial delay)",
      { state: "booting", passes: 0, failures: 50 },
      false,
      { state: "booting", passes: 0, failures: 51 },
    ],
    [
      "one failure while healthy is tolerated, healthy since is kept",
      { state: "healthy", passes: 9, failures: 0, healthySinceMs: 400 },
      false,
      { state: "healthy", passes: 0, failures: 1, healthySinceMs: 400 },
    ],
    [
      "second failure in a row: unhealthy",
      { state: "healthy", passes: 0, failures: 1, healthySinceMs: 400 },
      false,
      { state: "unhealthy", passes: 0, failures: 2 },
    ],
    [
      "a pass between failures starts the count again",
      { state: "healthy", passes: 0, failures: 1, healthySinceMs: 400 },
      true,
      { state: "healthy", passes: 1, failures: 0, healthySinceMs: 400 },
    ],
    [
      "unhealthy is final: the instance is replaced, not readmitted",
      { state: "unhealthy", passes: 0, failures: 2 },
      true,
      { state: "unhealthy", passes: 1, failures: 0 },
    ],
  ];
  for (const [name, from, ok, expected] of rows) {
    it(name, () => assert.deepEqual(observeHealth(from, ok, 1000, thresholds), expected));
  }
});

/** Three instances, 3 of surge, nothing unavailable, 500 ms ready, 9 s to boot: the test stack. */
const spec: GroupSpec = {
  desired: 3,
  version: "B",
  surge: 3,
  maxUnavailable: 0,
  minReadyMs: 500,
  bootDeadlineMs: 9000,
};

const now = 20_000;
/** `id:version:state[:lb]`, launched at 0 and healthy since 1000 unless said otherwise. */
function m(text: string, extra: Partial<MemberView> = {}): MemberView {
  const [id = "", version = "", state = "", lb] = text.split(":");
  return {
    id,
    version,
    state: state as MemberView["state"],
    launchedAtMs: 0,
    ...(state === "healthy" ? { healthySinceMs: 1000 } : {}),
    inLb: lb === "lb",
    ...extra,
  };
}
const none: Decision = { launch: 0, admit: [], retire: [], forget: [] };

describe("rehearsal supervisor: decisions", () => {
  const rows: Array<[string, GroupSpec, MemberView[], Partial<Decision>]> = [
    [
      "steady: nothing to do",
      { ...spec, version: "A" },
      [m("a1:A:healthy:lb"), m("a2:A:healthy:lb"), m("a3:A:healthy:lb")],
      {},
    ],
    ["empty group: launch the desired count", { ...spec, version: "A" }, [], { launch: 3 }],
    [
      "an instance died: forget it (out of the LB) and launch one replacement",
      { ...spec, version: "A" },
      [m("a1:A:exited:lb"), m("a2:A:healthy:lb"), m("a3:A:healthy:lb")],
      { forget: ["a1"], launch: 1 },
    ],
    [
      "an unhealthy instance is retired and replaced",
      { ...spec, version: "A" },
      [m("a1:A:unhealthy:lb"), m("a2:A:healthy:lb"), m("a3:A:healthy:lb")],
      { retire: [{ id: "a1", reason: "unhealthy" }], launch: 1 },
    ],
    [
      "a replacement healthy for less than minReady waits outside the LB",
      { ...spec, version: "A" },
      [
        m("a2:A:healthy:lb"),
        m("a3:A:healthy:lb"),
        m("a4:A:healthy", { healthySinceMs: now - 499 }),
      ],
      {},
    ],
    [
      "a replacement healthy for minReady is admitted",
      { ...spec, version: "A" },
      [
        m("a2:A:healthy:lb"),
        m("a3:A:healthy:lb"),
        m("a4:A:healthy", { healthySinceMs: now - 500 }),
      ],
      { admit: ["a4"] },
    ],
    [
      "a booting instance past the boot deadline is retired and replaced",
      { ...spec, version: "A" },
      [m("a2:A:healthy:lb"), m("a3:A:healthy:lb"), m("a4:A:booting", { launchedAtMs: now - 9001 })],
      { retire: [{ id: "a4", reason: "boot-timeout" }], launch: 1 },
    ],
    [
      "rollout starts (surge 3, unavailable 0): launch 3 of B, keep every A in the LB",
      spec,
      [m("a1:A:healthy:lb"), m("a2:A:healthy:lb"), m("a3:A:healthy:lb")],
      { launch: 3 },
    ],
    [
      "B booting: nothing more to launch (the surge is used up), nothing to retire",
      spec,
      [
        m("a1:A:healthy:lb"),
        m("a2:A:healthy:lb"),
        m("a3:A:healthy:lb"),
        m("b1:B:booting", { launchedAtMs: now - 1000 }),
        m("b2:B:booting", { launchedAtMs: now - 1000 }),
        m("b3:B:booting", { launchedAtMs: now - 1000 }),
      ],
      {},
    ],
    [
      "B ready: admitted and every A retired in the same reload (6 then 3 serving, never fewer)",
      spec,
      [
        m("a1:A:healthy:lb"),
        m("a2:A:healthy:lb"),
        m("a3:A:healthy:lb"),
        m("b1:B:healthy"),
        m("b2:B:healthy"),
        m("b3:B:healthy"),
      ],
      {
        admit: ["b1", "b2", "b3"],
        retire: [
          { id: "a1", reason: "outdated" },
          { id: "a2", reason: "outdated" },
          { id: "a3", reason: "outdated" },
        ],
      },
    ],
    [
      "only some B ready: retire as many A as were admitted, oldest first",
      spec,
      [
        m("a1:A:healthy:lb", { launchedAtMs: 5 }),
        m("a2:A:healthy:lb", { launchedAtMs: 1 }),
        m("a3:A:healthy:lb", { launchedAtMs: 9 }),
        m("b1:B:healthy"),
        m("b2:B:booting", { launchedAtMs: now - 1000 }),
        m("b3:B:healthy", { healthySinceMs: now - 100 }),
      ],
      { admit: ["b1"], retire: [{ id: "a2", reason: "outdated" }] },
    ],
    [
      "surge 1: one B at a time",
      { ...spec, surge: 1 },
      [m("a1:A:healthy:lb"), m("a2:A:healthy:lb"), m("a3:A:healthy:lb")],
      { launch: 1 },
    ],
    [
      "surge 1, the B is ready: swap it for one A and launch the next B at once",
      { ...spec, surge: 1 },
      [m("a1:A:healthy:lb"), m("a2:A:healthy:lb"), m("a3:A:healthy:lb"), m("b1:B:healthy")],
      { admit: ["b1"], retire: [{ id: "a1", reason: "outdated" }], launch: 1 },
    ],
    [
      "unavailable 1, surge 1: take one A out at once and launch two B",
      { ...spec, surge: 1, maxUnavailable: 1 },
      [m("a1:A:healthy:lb"), m("a2:A:healthy:lb"), m("a3:A:healthy:lb")],
      { retire: [{ id: "a1", reason: "outdated" }], launch: 2 },
    ],
    [
      "unavailable = desired (a broken policy): every A out before any B exists",
      { ...spec, maxUnavailable: 3 },
      [m("a1:A:healthy:lb"), m("a2:A:healthy:lb"), m("a3:A:healthy:lb")],
      {
        retire: [
          { id: "a1", reason: "outdated" },
          { id: "a2", reason: "outdated" },
          { id: "a3", reason: "outdated" },
        ],
        launch: 3,
      },
    ],
    [
      "rolled back to A: the B that never served are retired at once, A stay",
      { ...spec, version: "A" },
      [
        m("a1:A:healthy:lb"),
        m("a2:A:healthy:lb"),
        m("a3:A:healthy:lb"),
        m("b1:B:booting", { launchedAtMs: now - 1000 }),
        m("b2:B:booting", { launchedAtMs: now - 1000 }),
        m("b3:B:booting", { launchedAtMs: now - 1000 }),
      ],
      {
        retire: [
          { id: "b1", reason: "outdated" },
          { id: "b2", reason: "outdated" },
          { id: "b3", reason: "outdated" },
        ],
      },
    ],
    [
      "draining instances count for nothing: the next batch does not wait for a drain",
      { ...spec, surge: 1 },
      [m("a1:A:draining"), m("a2:A:healthy:lb"), m("a3:A:healthy:lb"), m("b1:B:healthy:lb")],
      { launch: 1 },
    ],
    [
      "more of the target version serving than desired: the newest surplus is retired",
      { ...spec, version: "A" },
      [
        m("a1:A:healthy:lb", { launchedAtMs: 1 }),
        m("a2:A:healthy:lb", { launchedAtMs: 2 }),
        m("a3:A:healthy:lb", { launchedAtMs: 3 }),
        m("a4:A:healthy:lb", { launchedAtMs: 4 }),
      ],
      { retire: [{ id: "a4", reason: "surplus" }] },
    ],
  ];
  for (const [name, groupSpec, members, expected] of rows) {
    it(name, () => {
      assert.deepEqual(decide(members, groupSpec, now), { ...none, ...expected });
    });
  }

  // Azure's rolling upgrade (cloudModes.ts `rolling: batches`): one batch at a time, the next
  // after the old ones have stopped and the pause has passed. Each row: the last stop, if any.
  const batched: GroupSpec = { ...spec, surge: 1, minReadyMs: 0, batch: { size: 1, pauseMs: 500 } };
  const batchRows: Array<[string, MemberView[], number | undefined, Partial<Decision>]> = [
    [
      "rollout starts: one batch of one, not the whole surge",
      [m("a1:A:healthy:lb"), m("a2:A:healthy:lb"), m("a3:A:healthy:lb")],
      undefined,
      { launch: 1 },
    ],
    [
      "a batch still booting: nothing more",
      [
        m("a1:A:healthy:lb"),
        m("a2:A:healthy:lb"),
        m("a3:A:healthy:lb"),
        m("b1:B:booting", { launchedAtMs: now - 100 }),
      ],
      undefined,
      {},
    ],
    [
      "the batch's old instance still drains: the next batch waits (unlike surge mode)",
      [m("a1:A:draining"), m("a2:A:healthy:lb"), m("a3:A:healthy:lb"), m("b1:B:healthy:lb")],
      undefined,
      {},
    ],
    [
      "stopped 499 ms ago: still pausing",
      [m("a2:A:healthy:lb"), m("a3:A:healthy:lb"), m("b1:B:healthy:lb")],
      now - 499,
      {},
    ],
    [
      "stopped 500 ms ago: the next batch",
      [m("a2:A:healthy:lb"), m("a3:A:healthy:lb"), m("b1:B:healthy:lb")],
      now - 500,
      { launch: 1 },
    ],
    [
      "no rollout (healing after a death): no batches, no pause",
      [m("b1:B:exited:lb"), m("b2:B:healthy:lb"), m("b3:B:healthy:lb")],
      now,
      { forget: ["b1"], launch: 1 },
    ],
  ];
  for (const [name, members, lastStoppedAtMs, expected] of batchRows) {
    it(`batches: ${name}`, () => {
      assert.deepEqual(decide(members, batched, now, lastStoppedAtMs), { ...none, ...expected });
    });
  }

  it("never leaves fewer than desired - maxUnavailable serving, whatever the mix (property)", () => {
    const states = ["booting", "healthy", "unhealthy", "draining", "exited"] as const;
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let run = 0; run < 2000; run += 1) {
      const desired = 1 + random(6);
      const groupSpec: GroupSpec = {
        ...spec,
        desired,
        surge: 1 + random(desired),
        maxUnavailable: random(desired),
      };
      const members: MemberView[] = Array.from({ length: random(2 * desired + 2) }, (_, i) => {
        const state = states[random(states.length)] ?? "healthy";
        return {
          id: `m${i}`,
          version: random(2) === 0 ? "A" : "B",
          state,
          launchedAtMs: random(now),
          ...(state === "healthy" ? { healthySinceMs: random(now) } : {}),
          inLb: state !== "draining" && state !== "booting" && random(2) === 0,
        };
      });
      const decision = decide(members, groupSpec, now);
      const servingBefore = members.filter((x) => x.inLb && x.state === "healthy").length;
      const after = new Set(serversAfter(members, decision));
      const servingAfter = members.filter((x) => after.has(x.id) && x.state === "healthy").length;
      const floor = Math.min(servingBefore, desired - groupSpec.maxUnavailable);
      assert.ok(
        servingAfter >= floor,
        `run ${run}: ${servingAfter} serving after, expected at least ${floor}: ${JSON.stringify({ groupSpec, members, decision })}`,
      );
      const alive = members.filter((x) => x.state !== "exited" && x.state !== "draining").length;
      const retired = decision.retire.length;
      assert.ok(
        decision.launch === 0 || alive - retired + decision.launch <= desired + groupSpec.surge,
        `run ${run}: launching ${decision.launch} exceeds the surge`,
      );
    }
  });
});

describe("rehearsal supervisor: load balancer servers after a decision", () => {
  it("keeps the order, drops retired and forgotten, appends the admitted", () => {
    const members = [
      m("a1:A:healthy:lb"),
      m("a2:A:exited:lb"),
      m("a3:A:healthy:lb"),
      m("a4:A:healthy"),
    ];
    assert.deepEqual(
      serversAfter(members, {
        launch: 0,
        admit: ["a4"],
        retire: [{ id: "a1", reason: "outdated" }],
        forget: ["a2"],
      }),
      ["a3", "a4"],
    );
  });
});

describe("rehearsal supervisor: rollout verdict", () => {
  const progress = { from: "A", to: "B", startedAtMs: 10_000, lastProgressAtMs: 10_000 };
  const rows: Array<[string, GroupSpec, MemberView[], number, RolloutVerdict]> = [
    [
      "only B, all serving, A draining: complete",
      spec,
      [m("b1:B:healthy:lb"), m("b2:B:healthy:lb"), m("b3:B:healthy:lb"), m("a1:A:draining")],
      12_000,
      { kind: "complete" },
    ],
    [
      "B serving but an A still in the LB: progressing",
      spec,
      [m("b1:B:healthy:lb"), m("b2:B:healthy:lb"), m("b3:B:healthy:lb"), m("a1:A:healthy:lb")],
      12_000,
      { kind: "progressing" },
    ],
    [
      "a B booting for exactly the deadline: still progressing",
      spec,
      [m("a1:A:healthy:lb"), m("b1:B:booting", { launchedAtMs: 10_000 })],
      19_000,
      { kind: "progressing" },
    ],
    [
      "a B booting past the deadline: stalled (the health gate)",
      spec,
      [m("a1:A:healthy:lb"), m("b1:B:booting", { launchedAtMs: 10_000 })],
      19_001,
      {
        kind: "stalled",
        reason: "b1 (B) was not healthy 9000 ms after launch",
      },
    ],
    [
      "B crash-looping (relaunched, never admitted): stalled after deadline + minReady",
      spec,
      [m("a1:A:healthy:lb"), m("b9:B:booting", { launchedAtMs: 19_000 })],
      19_501,
      { kind: "stalled", reason: "no instance of B became ready in 9501 ms" },
    ],
    [
      "after the rollback (target A again): complete once only A serve",
      { ...spec, version: "A" },
      [m("a1:A:healthy:lb"), m("a2:A:healthy:lb"), m("a3:A:healthy:lb"), m("b1:B:draining")],
      19_100,
      { kind: "complete" },
    ],
  ];
  for (const [name, groupSpec, members, at, expected] of rows) {
    it(name, () => assert.deepEqual(rolloutVerdict(members, groupSpec, progress, at), expected));
  }
});

describe("rehearsal supervisor: zones", () => {
  it("names as many zones as the stack spreads over", () => {
    assert.deepEqual(zoneNames(3), ["zone-a", "zone-b", "zone-c"]);
  });
  const rows: Array<[string[], string]> = [
    [[], "zone-a"],
    [["zone-a"], "zone-b"],
    [["zone-a", "zone-b"], "zone-c"],
    [["zone-a", "zone-b", "zone-c", "zone-b"], "zone-a"],
    [["zone-b", "zone-c"], "zone-a"],
  ];
  for (const [live, expected] of rows) {
    it(`live in [${live.join(", ")}] → ${expected}: the zone with the fewest, the first on a tie`, () =>
      assert.equal(pickZone(zoneNames(3), live), expected));
  }
});
