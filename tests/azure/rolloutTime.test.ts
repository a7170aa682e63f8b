import assert from "node:assert/strict";
import { resolveServiceArgs } from "../../components/args";
import {
  azureRolloutDeadlineSeconds,
  azureRolloutTime,
  vmssBatchSize,
} from "../../providers/azure/rolloutTime";
import { testStackArgs } from "./helpers";

const test = resolveServiceArgs(testStackArgs());
const prod = resolveServiceArgs(
  testStackArgs({ zones: ["1", "2", "3"], minInstances: 3, desiredInstances: 3, maxInstances: 12 }),
);

// Per batch: boot 60 + pull 45 (estimates) + 2 probes × 5 s + poll 5 + drain 30 = 150, plus a
// 10 s pause between batches. No apt step: Docker is in the host image (hostImage.ts), so a batch
// is 90 s faster than when cloud-init installed docker.io; the deadline (grace period bound) is
// unchanged.
describe("azure rollout time", () => {
  const rows: Array<[string, typeof test, number | undefined, number, number, number]> = [
    // stack, args, instances, batch size, total seconds, deadline seconds
    ["test", test, undefined, 1, 2 * 150 + 10, 2 * (150 - 105 + 600) + 10],
    ["prod", prod, undefined, 2, 2 * 150 + 10, 2 * (150 - 105 + 600) + 10],
    ["prod at 12 instances", prod, 12, 6, 2 * 150 + 10, 2 * (150 - 105 + 600) + 10],
    ["prod at 5 instances", prod, 5, 3, 2 * 150 + 10, 2 * (150 - 105 + 600) + 10],
  ];
  for (const [label, args, instances, batch, total, deadline] of rows) {
    it(`${label}: batches of ${batch}, ${total} s expected, ${deadline} s at most`, () => {
      const estimate = azureRolloutTime(args, instances);
      assert.equal(vmssBatchSize(args, estimate.instances), batch);
      assert.equal(estimate.totalSeconds, total);
      assert.equal(
        estimate.phases.reduce((sum, p) => sum + p.seconds, 0),
        estimate.totalSeconds,
      );
      assert.equal(azureRolloutDeadlineSeconds(args, instances), deadline);
    });
  }

  it("names each phase after what Azure and the instance do", () => {
    const labels = azureRolloutTime(prod).phases.map((p) => p.label);
    assert.deepEqual(labels.slice(0, 5), [
      "batch 1 of 2: 2 VMs: allocate and boot the VM (an estimate)",
      "batch 1 of 2: 2 VMs: web-start pulls and starts the image (an estimate)",
      "batch 1 of 2: the Application Health extension reads 2 Healthy answers 5 s apart",
      "batch 1 of 2: 2 old VMs get the terminate notice (polled every 5 s) and drain 30 s",
      "batch 1 of 2: pause between batches (rollingMinReadySeconds)",
    ]);
    assert.ok(!labels.at(-1)?.includes("pause"), "no pause after the last batch");
    assert.ok(!labels.some((l) => /apt|install/.test(l)), "nothing is installed at boot");
  });
});
