import * as assert from "node:assert/strict";
import { LiveResource } from "../../tools/engine/provider/cloud";
import { mustNotReplace } from "../../tools/engine/steps";
import { cloudStep, clouds, deployment } from "./deployments";

/**
 * The real Pulumi engine (built by `npm run engine:setup`) runs the program on each cloud against
 * the recording providers: what only the engine decides (config validation, replace or update,
 * ignoreChanges, protect) is observed, not assumed. Each cloud's workspace holds `test` and `prod`
 * deployed from empty state (deployments.ts); the scenarios' steps run on it in order, started
 * with the tier, and each test asserts on what its step saw.
 */

/** What a rollout must change: the workload's definition and the group that runs it. */
const rolloutTouches = {
  aws: { replaced: "aws:ecs/taskDefinition:TaskDefinition", updated: "aws:ecs/service:Service" },
  gcp: {
    replaced: "gcp:compute/instanceTemplate:InstanceTemplate",
    updated: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
  },
  azure: { replaced: undefined, updated: "azure-native:compute:VirtualMachineScaleSet" },
} as const;

for (const cloud of clouds) {
  describe(`engine: ${cloud}`, function () {
    this.timeout(600_000);

    // The steps, in the order they run on this cloud's stacks.
    const wrongType =
      cloud === "aws"
        ? cloudStep(cloud, async ({ ws }) => {
            await ws.ok(["config", "set", "zoneCount", "two"]);
            const preview = await ws.pulumi(["preview"]);
            await ws.ok(["config", "set", "zoneCount", "2"]);
            return preview;
          })
        : undefined;
    const rollout = cloudStep(cloud, async ({ ws }) => {
      await ws.ok(["config", "set", "appVersion", "1.0.1"]);
      ws.cloud.clearCalls();
      await ws.ok(["up", "--yes", "--skip-preview"]);
      return ws.cloud.calls();
    });
    const capacity =
      cloud === "azure"
        ? cloudStep(cloud, async ({ ws }) => {
            const scaleSet = ws.cloud
              .list()
              .find(
                (r) =>
                  r.type === "azure-native:compute:VirtualMachineScaleSet" &&
                  r.urn.startsWith("urn:pulumi:test::"),
              ) as LiveResource;
            assert.ok(scaleSet, "no scale set in the recorded cloud");
            const sku = scaleSet.outputs.sku as { capacity: number };
            // The autoscaler scaled out in the cloud, behind Pulumi's back.
            const scaled = sku.capacity + 3;
            ws.cloud.put({
              ...scaleSet,
              outputs: { ...scaleSet.outputs, sku: { ...sku, capacity: scaled } },
            });
            await ws.ok(["refresh", "--yes", "--skip-preview"]);

            await ws.ok(["config", "set", "appVersion", "1.0.2"]);
            ws.cloud.clearCalls();
            await ws.ok(["up", "--yes", "--skip-preview"]);
            const updates = ws.cloud
              .calls()
              .filter(
                (c) => c.op === "update" && c.type === scaleSet.type && c.urn === scaleSet.urn,
              );
            return { scaled, updates };
          })
        : undefined;
    const destroy = cloudStep(cloud, async ({ ws }) => {
      await ws.ok(["stack", "select", "prod"]);
      try {
        const state = JSON.parse((await ws.ok(["stack", "export"])).stdout) as {
          deployment: { resources?: unknown[] };
        };
        ws.cloud.clearCalls();
        const result = await ws.pulumi(["destroy", "--yes", "--skip-preview"]);
        const deleted = ws.cloud.calls().filter((c) => c.op === "delete");
        return { resources: (state.deployment.resources ?? []).length, result, deleted };
      } finally {
        await ws.ok(["stack", "select", "test"]);
      }
    });

    it("1. pulumi up of test from empty state succeeds", async () => {
      const { created, cloudOutput } = await deployment(cloud);
      assert.equal(cloudOutput.test, cloud);
      // Every front-door type the program declares for this cloud was really created.
      const types = new Set(created.test.map((c) => c.type));
      for (const type of mustNotReplace) {
        if (type.startsWith(cloud === "azure" ? "azure-native:" : `${cloud}:`)) {
          const optional = /targetHttpsProxy|Listener/.test(type);
          if (!optional) assert.ok(types.has(type), `${type} was not created`);
        }
      }
    });

    it("1. pulumi up of prod from empty state succeeds", async () => {
      const { created, cloudOutput } = await deployment(cloud);
      assert.equal(cloudOutput.prod, cloud);
      assert.ok(created.prod.length > 10, "prod was not deployed");
    });

    if (wrongType) {
      it("1. the CLI refuses a value of the wrong type for a declared config key", async () => {
        const preview = await wrongType;
        assert.notEqual(preview.code, 0);
        assert.match(preview.stdout + preview.stderr, /zoneCount/);
        assert.match(preview.stdout + preview.stderr, /integer/);
      });
    }

    it("3. a rollout replaces no load balancer, listener, target group, backend service, address or scale set", async () => {
      // What the preview of this change says is in docs/change-impact.md (scenario 4); here the
      // rollout itself runs and the recording providers show what the engine really did.
      const calls = await rollout;
      const replacedTypes = calls.filter((c) => c.op === "create").map((c) => c.type);
      assert.deepEqual(
        replacedTypes.filter((t) => mustNotReplace.has(t)),
        [],
        "the rollout created a new front-door resource or instance group",
      );
      assert.deepEqual(
        calls.filter((c) => c.op === "delete" && mustNotReplace.has(c.type)),
        [],
      );
      const touches = rolloutTouches[cloud];
      if (touches.replaced) assert.ok(replacedTypes.includes(touches.replaced));
      assert.ok(
        calls.some((c) => c.op === "update" && c.type === touches.updated),
        `${touches.updated} was not updated: the new version would never roll out`,
      );
    });

    if (capacity) {
      it("5. capacity the autoscaler set survives refresh and a rollout", async () => {
        const { scaled, updates } = await capacity;
        assert.equal(updates.length, 1, "the rollout did not update the scale set");
        const sent = updates[0].sent?.sku as { capacity?: number } | undefined;
        assert.equal(sent?.capacity, scaled, "the rollout sent the old capacity back");
      });
    }

    it("6. pulumi destroy is refused in prod before anything is deleted", async () => {
      const { resources, result, deleted } = await destroy;
      assert.ok(resources > 10, "prod is not deployed");
      assert.notEqual(result.code, 0, "destroy of prod succeeded");
      assert.deepEqual(
        deleted.map((c) => c.urn),
        [],
        "destroy deleted resources before it was refused",
      );
      // Refused by the engine's `protect`, which stops before any delete; a cloud-side lock
      // would fail only after the unlocked resources had gone.
      assert.match(result.stdout + result.stderr, /protected/);
    });
  });
}
