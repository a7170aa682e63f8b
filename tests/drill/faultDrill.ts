import assert from "node:assert/strict";
import { Cloud } from "../../components/cloud";
import { DrillOptions, DrillReport, runDrill } from "../../tools/drill/drills";
import { localTarget } from "../../tools/drill/local";
import { FaultDrill } from "../../tools/drill/target";
import { groupAlive } from "../../tools/rehearsal/procs";
import { RehearsalOptions, startRehearsal } from "../../tools/rehearsal/rehearsal";

/**
 * One fault drill for real, well under 15 s: 3 instances over 3 zones, the probe at 100
 * requests/s and seed 000's curl check alongside. localFaults.test.ts drills each fault per cloud
 * mode; localFaultsBroken.test.ts gives each a broken policy the drill must catch. They are two
 * files so the test runner's workers can run them side by side (about a minute each).
 */
export async function drill(
  kind: FaultDrill,
  cloud: Cloud,
  rehearsalOptions: RehearsalOptions = {},
  drillOptions: Partial<DrillOptions> = {},
  /** A policy change made once the group serves (a broken one that would not let it start). */
  bootDeadlineAfterStartMs?: number,
): Promise<DrillReport> {
  const rehearsal = await startRehearsal({
    stack: "test",
    instances: 3,
    zones: 3,
    cloud,
    ...rehearsalOptions,
  });
  if (bootDeadlineAfterStartMs !== undefined) rehearsal.setBootDeadline(bootDeadlineAfterStartMs);
  try {
    return await runDrill(localTarget(rehearsal, { ownsRehearsal: false }), {
      kind,
      rate: 100,
      warmupMs: 500,
      cooldownMs: 500,
      settleMs: 8_000,
      ...drillOptions,
    });
  } finally {
    const groups = rehearsal.footprint().processGroups;
    await rehearsal.stop();
    assert.deepEqual(groups.filter(groupAlive), [], "process groups left");
  }
}

export const failed = (report: DrillReport): string[] =>
  report.checks.filter((c) => !c.pass).map((c) => c.name);
