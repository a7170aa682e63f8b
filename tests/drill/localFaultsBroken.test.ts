import assert from "node:assert/strict";
import { drill, failed } from "./faultDrill";

describe("fault drills against the local rehearsal: broken policies the drills catch", function () {
  this.timeout(40_000);

  it("kill with a boot deadline shorter than a boot: the replacement never serves", async () => {
    const report = await drill("kill", "gcp", {}, { settleMs: 5_000 }, 150);
    assert.ok(failed(report).includes("time to replace (MTTR)"), JSON.stringify(failed(report)));
  });

  it("hang with a health-check timeout longer than the drill: never detected", async () => {
    const report = await drill(
      "hang",
      "gcp",
      { timing: { healthTimeoutMs: 20_000 } },
      { settleMs: 4_000 },
    );
    assert.ok(failed(report).includes("fault detected"), JSON.stringify(failed(report)));
  });

  it("unhealthy with a threshold of 1000 failures: never taken out", async () => {
    const report = await drill(
      "unhealthy",
      "gcp",
      { timing: { unhealthyThreshold: 1_000 } },
      { settleMs: 4_000 },
    );
    assert.ok(failed(report).includes("fault detected"), JSON.stringify(failed(report)));
  });

  it("slow with a health-check timeout below the added latency: a live instance is replaced", async () => {
    const report = await drill(
      "slow",
      "gcp",
      { timing: { healthTimeoutMs: 100 } },
      { slowMs: 400 },
    );
    assert.ok(
      failed(report).includes("slow instance kept (not mistaken for a dead one)"),
      JSON.stringify(failed(report)),
    );
  });

  it("zone-loss with every instance in one zone: nothing is left to serve", async () => {
    const report = await drill("zone-loss", "gcp", { zones: 1 }, { settleMs: 6_000 });
    assert.ok(failed(report).includes("failed requests"), JSON.stringify(failed(report)));
    assert.ok(failed(report).includes("group refilled in the remaining zones"));
  });
});
