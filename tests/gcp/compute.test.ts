import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks } from "../../tools/plan/recorder";
import { until } from "../../tools/lib/wait";
import { runPlan } from "../../tools/plan/run";
import { guardedRules, one } from "../helpers/plan";
import { zoneChangeProblem } from "../../providers/gcp/compute";
import { expected, inputs, label, plan, planWithOptions, stacks, T, Resources } from "./helpers";

for (const stack of stacks) {
  describe(`gcp instances (${stack})`, () => {
    const want = expected[stack];
    const load = () => plan(stack);

    guardedRules<Resources>(load, [
      {
        name: "instances have no external address",
        check: (p) => {
          const nics = inputs(one(p, T.template)).networkInterfaces;
          for (const nic of nics) assert.equal(nic.accessConfigs, undefined);
          assert.deepEqual(nics, [{ network: "web-vpc-id", subnetwork: "web-subnet-id" }]);
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          inputs(one(broken, T.template)).networkInterfaces[0].accessConfigs = [{}];
          return broken;
        },
      },
      {
        name: "instances are Shielded VMs on a pinned Container-Optimized OS family",
        check: (p) => {
          const template = inputs(one(p, T.template));
          assert.deepEqual(template.shieldedInstanceConfig, {
            enableSecureBoot: true,
            enableVtpm: true,
            enableIntegrityMonitoring: true,
          });
          assert.deepEqual(template.disks, [
            {
              boot: true,
              autoDelete: true,
              sourceImage: "projects/cos-cloud/global/images/family/cos-121-lts",
              diskType: "pd-balanced",
              diskSizeGb: 10,
            },
          ]);
          assert.equal(template.machineType, want.machineType);
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          inputs(one(broken, T.template)).shieldedInstanceConfig.enableSecureBoot = false;
          return broken;
        },
      },
      {
        name: "metadata: OS Login only, no project keys, no serial port, no konlet declaration",
        check: (p) => {
          const {
            "startup-script": startup,
            "shutdown-script": shutdown,
            ...rest
          } = inputs(one(p, T.template)).metadata;
          assert.equal(typeof startup, "string");
          assert.equal(typeof shutdown, "string");
          assert.deepEqual(rest, {
            "enable-oslogin": "TRUE",
            "block-project-ssh-keys": "TRUE",
            "serial-port-enable": "FALSE",
            "google-logging-enabled": "true",
            "google-monitoring-enabled": "true",
            "cos-update-strategy": "update_disabled",
          });
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          inputs(one(broken, T.template)).metadata["gce-container-declaration"] = "spec: {}";
          return broken;
        },
      },
      {
        // A fixed name would force delete-before-replace, which fails while the MIG uses it.
        name: "the template is named by prefix, so a new version's template never collides",
        check: (p) => {
          const template = inputs(one(p, T.template));
          assert.equal(template.name, undefined);
          assert.equal(template.namePrefix, "web-tpl-");
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          inputs(one(broken, T.template)).name = "web-tpl";
          return broken;
        },
      },
      {
        name: "two health checks on the serving port and path: fast for the load balancer, slow for autohealing",
        check: (p) => {
          const http = { port: 8080, requestPath: "/healthz" };
          assert.deepEqual(inputs(one(p, T.healthCheck, "web-hc-lb")), {
            description: "Load balancer: is this instance ready for requests?",
            checkIntervalSec: 5,
            timeoutSec: 3,
            healthyThreshold: 2,
            unhealthyThreshold: 2,
            httpHealthCheck: http,
          });
          assert.deepEqual(inputs(one(p, T.healthCheck, "web-hc-heal")), {
            description: "Autohealing: is this instance alive, or should it be recreated?",
            checkIntervalSec: 10,
            timeoutSec: 5,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
            httpHealthCheck: http,
          });
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          inputs(one(broken, T.healthCheck, "web-hc-lb")).httpHealthCheck.port = 80;
          return broken;
        },
      },
      {
        name: "the regional MIG spreads evenly over the stack's zones and serves http on 8080",
        check: (p) => {
          const group = inputs(one(p, T.group));
          assert.equal(group.region, "us-central1");
          assert.deepEqual(group.distributionPolicyZones, want.zones);
          assert.equal(group.distributionPolicyTargetShape, "EVEN");
          assert.deepEqual(group.namedPorts, [{ name: "http", port: 8080 }]);
          assert.equal(group.baseInstanceName, "web-vm");
          assert.deepEqual(group.versions, [
            {
              name: "primary",
              instanceTemplate: `https://www.googleapis.com/compute/v1/projects/${want.project}/global/instanceTemplates/web-tpl-20250101000000000000000001?uniqueId=4242424242424242424`,
            },
          ]);
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          inputs(one(broken, T.group)).distributionPolicyZones.pop();
          return broken;
        },
      },
      {
        // From toMigUpdatePolicy: capacity never drops (0 unavailable), surge exactly 100 %.
        name: "rollouts replace proactively, surging new instances before removing old ones",
        check: (p) => {
          assert.deepEqual(inputs(one(p, T.group)).updatePolicy, {
            type: "PROACTIVE",
            minimalAction: "REPLACE",
            replacementMethod: "SUBSTITUTE",
            instanceRedistributionType: "PROACTIVE",
            maxSurgeFixed: want.maxSurgeFixed,
            maxUnavailableFixed: want.maxUnavailableFixed,
            minReadySec: want.minReadySec,
          });
          const group = inputs(one(p, T.group));
          assert.equal(group.waitForInstances, true);
          // UPDATED also waits for the version target (every instance on the new template).
          assert.equal(group.waitForInstancesStatus, "UPDATED");
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          inputs(one(broken, T.group)).updatePolicy.maxUnavailableFixed = 1;
          return broken;
        },
      },
      {
        name: "autohealing uses the slow check and waits the estimated 180 s boot-to-healthy time",
        check: (p) => {
          assert.deepEqual(inputs(one(p, T.group)).autoHealingPolicies, {
            healthCheck: "web-hc-heal-id",
            initialDelaySec: 180,
          });
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          inputs(one(broken, T.group)).autoHealingPolicies.initialDelaySec = 30;
          return broken;
        },
      },
      {
        name: "the autoscaler keeps the stack's limits and ignores instances until they have booted",
        check: (p) => {
          const autoscaler = inputs(one(p, T.autoscaler));
          assert.equal(autoscaler.target, "web-mig-id");
          assert.equal(autoscaler.region, "us-central1");
          assert.deepEqual(autoscaler.autoscalingPolicy, {
            mode: "ON",
            minReplicas: want.minInstances,
            maxReplicas: want.maxInstances,
            cooldownPeriod: 180,
            cpuUtilization: { target: 0.6 },
            loadBalancingUtilization: { target: 0.8 },
            scaleInControl: { maxScaledInReplicas: { percent: 25 }, timeWindowSec: 600 },
          });
          const delay = inputs(one(p, T.group)).autoHealingPolicies.initialDelaySec;
          assert.ok(autoscaler.autoscalingPolicy.cooldownPeriod >= delay);
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          inputs(one(broken, T.autoscaler)).autoscalingPolicy.cooldownPeriod = 60;
          return broken;
        },
      },
    ]);

    it("creates the group at desiredInstances, then leaves its size to the autoscaler", async () => {
      const p = await planWithOptions(stack);
      const group = one(p, T.group);
      assert.equal(inputs(group).targetSize, want.desiredInstances);
      // distributionPolicyZones too: a zone change would otherwise replace the group (an outage).
      assert.deepEqual(p.options.get(label(group))?.ignoreChanges, [
        "targetSize",
        "distributionPolicyZones",
      ]);
      // The zone check feeds the autoscaler, so a refused zone change fails a registration.
      assert.equal(
        inputs(one(p, T.autoscaler)).description,
        `web: ${want.minInstances}-${want.maxInstances} instances over ${want.zones.length} zones`,
      );
    });

    it("replaces the template create-before-delete (Pulumi's default), never delete-first", async () => {
      const p = await planWithOptions(stack);
      assert.equal(p.options.get(label(one(p, T.template)))?.deleteBeforeReplace, false);
    });

    it("starts instances only after their grants and firewall rules exist", async () => {
      const p = await planWithOptions(stack);
      const deps = p.options.get(label(one(p, T.group)))?.dependencies ?? [];
      for (const name of ["web-vm-logging", "web-vm-monitoring"]) {
        assert.ok(deps.includes(`${T.projectMember}::${name}`), name);
      }
      assert.ok(deps.includes(`${T.repositoryMember}::web-vm-images-reader`));
      assert.ok(deps.includes(`${T.firewall}::web-allow-lb`));
    });
  });
}

describe("zoneChangeProblem (a deployed group's zones never change silently)", () => {
  const three = ["us-central1-a", "us-central1-b", "us-central1-c"];
  it("accepts the same zones, in any order or as self links, and a group not deployed yet", () => {
    assert.equal(zoneChangeProblem(three, three), undefined);
    assert.equal(zoneChangeProblem([...three].reverse(), three), undefined);
    assert.equal(
      zoneChangeProblem(
        three.map((z) => `https://www.googleapis.com/compute/v1/projects/p/zones/${z}`),
        three,
      ),
      undefined,
    );
    assert.equal(zoneChangeProblem(undefined, three), undefined);
    assert.equal(zoneChangeProblem([], three), undefined);
  });
  it("refuses a different zoneCount, naming the key and the runbook", () => {
    assert.equal(
      zoneChangeProblem(three.slice(0, 2), three),
      'zoneCount: the instance group runs in us-central1-a, us-central1-b; moving it to us-central1-a, us-central1-b, us-central1-c would replace it and drop traffic while the load balancer swaps groups. Keep zoneCount at 2, or follow docs/runbooks/gcp-instance-group.md ("Change the zones"), which sets gcpReplaceInstanceGroup, to move without downtime',
    );
  });
});

/** Mocks that answer for the MIG as a group deployed earlier in two zones would. */
class TwoZoneGroupMocks extends RecordingMocks {
  override newResource(args: pulumi.runtime.MockResourceArgs) {
    const result = super.newResource(args);
    if (args.type !== T.group) return result;
    return {
      ...result,
      state: { ...result.state, distributionPolicyZones: ["us-central1-a", "us-central1-b"] },
    };
  }
}

describe("a zoneCount change on a deployed group", () => {
  // Under the engine, the rejected input fails the autoscaler's registration and the language
  // host reports the ResourceError (an unhandled rejection in the program); the mocks only let
  // the test see both halves of that: no autoscaler, and the rejection with its message.
  it("fails the autoscaler's registration with the runbook, instead of replacing the group", async () => {
    const rejections: unknown[] = [];
    const listener = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", listener);
    try {
      const mocks = new TwoZoneGroupMocks();
      await runPlan({ stack: "prod", cloud: "gcp", mocks }).catch(() => undefined);
      const refused = () =>
        rejections.some((r) =>
          /^error serializing property "description": zoneCount: the instance group runs in us-central1-a, us-central1-b; moving it to us-central1-a, us-central1-b, us-central1-c would replace it/.test(
            (r as Error).message,
          ),
        );
      // Waits for the rejection rather than a fixed 200 ms; gives up after 5 s.
      await until(refused, 5_000, 10);
      assert.equal(mocks.resources.filter((r) => r.type === T.autoscaler).length, 0);
      assert.ok(refused(), `no zone refusal among ${rejections.map(String).join("; ")}`);
    } finally {
      process.off("unhandledRejection", listener);
    }
  });
});

describe("gcpReplaceInstanceGroup (the runbook's zone move)", () => {
  it("lets the zone change through: zones are no longer ignored and the check stands aside", async () => {
    const p = await planWithOptions("prod", { gcpReplaceInstanceGroup: "true" });
    assert.deepEqual(p.options.get(label(one(p, T.group)))?.ignoreChanges, ["targetSize"]);
    const rejections: unknown[] = [];
    const listener = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", listener);
    try {
      const mocks = new TwoZoneGroupMocks();
      await runPlan({
        stack: "prod",
        cloud: "gcp",
        mocks,
        overrides: { gcpReplaceInstanceGroup: "true" },
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(mocks.resources.filter((r) => r.type === T.autoscaler).length, 1);
      assert.deepEqual(rejections, []);
    } finally {
      process.off("unhandledRejection", listener);
    }
  });
});
