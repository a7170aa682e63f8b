import assert from "node:assert/strict";
import { resolveServiceArgs, ResolvedServiceArgs } from "../../components/args";
import { awsRolloutTime, ecsBatchSize } from "../../providers/aws/rolloutTime";
import { parseSettings, toServiceArgs } from "../../stacks/settings";
import { loadStackConfig } from "../../stacks/stackFile";

/** The resolved args a stack file gives the component, as the program computes them. */
function stackArgs(stack: string): ResolvedServiceArgs {
  const { config, project } = loadStackConfig(stack);
  return resolveServiceArgs(toServiceArgs(parseSettings(config, project, stack)));
}

describe("AWS · rollout time", () => {
  it("replaces the 3-task prod stack in one batch of 115 s, within the 3-minute goal", () => {
    const time = awsRolloutTime(stackArgs("prod"));
    assert.deepEqual(time, {
      instances: 3,
      phases: [
        {
          label:
            "batch 1 of 1: 3 tasks start on Fargate (network interface, image pull, boot; an estimate)",
          seconds: 60,
        },
        {
          label: "batch 1 of 1: the ALB sees 2 passing health checks 10 s apart",
          seconds: 20,
        },
        {
          label:
            "batch 1 of 1: 3 old tasks are deregistered; the ALB drains for the deregistration delay",
          seconds: 30,
        },
        {
          label: "batch 1 of 1: SIGTERM; the image drains 5 s and exits (SIGKILL at 20 s)",
          seconds: 5,
        },
      ],
      totalSeconds: 115,
    });
    // Before the ECS drain was sized, the image drained another 30 s after the ALB's 30 s.
    assert.ok(time.totalSeconds <= 180, `${time.totalSeconds} s exceeds the 3-minute goal`);
  });

  it("gives the test stack the same per-task replacement time", () => {
    assert.equal(awsRolloutTime(stackArgs("test")).totalSeconds, 115);
  });

  it("counts batches the way ECS rounds its percentages", () => {
    const prod = stackArgs("prod");
    const withRolling = (maxSurgePercent: number, maxUnavailablePercent: number) => ({
      ...prod,
      rollingUpdate: { ...prod.rollingUpdate, maxSurgePercent, maxUnavailablePercent },
    });
    // [surge %, unavailable %, desired] → tasks per batch. maximumPercent rounds down,
    // minimumHealthyPercent rounds up.
    const table: Array<[number, number, number, number]> = [
      [100, 0, 3, 3],
      [50, 0, 3, 1], // floor(4.5) − 3
      [50, 0, 4, 2],
      [34, 0, 3, 1], // floor(4.02) − 3
      [0, 50, 4, 2],
      [25, 25, 4, 2],
    ];
    for (const [surge, unavailable, desired, batch] of table) {
      assert.equal(
        ecsBatchSize(withRolling(surge, unavailable), desired),
        batch,
        `${surge}/${unavailable}/${desired}`,
      );
    }
    const twoBatches = awsRolloutTime(withRolling(50, 0), 4);
    assert.equal(twoBatches.phases.length, 8);
    assert.equal(twoBatches.totalSeconds, 230);
    assert.equal(twoBatches.phases[4].label.startsWith("batch 2 of 2: 2 tasks start"), true);
  });

  it("follows the deregistration delay the stack sets", () => {
    const prod = stackArgs("prod");
    assert.equal(awsRolloutTime({ ...prod, drainingTimeoutSeconds: 60 }).totalSeconds, 145);
  });
});
