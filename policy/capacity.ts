/**
 * Capacity and deployment policies: enough instances in enough zones that losing one of either
 * keeps serving, rollouts that never take capacity away, and failed instances replaced on their own.
 */
import {
  asArray,
  asBoolean,
  asNumber,
  asObject,
  asString,
  asStrings,
  at,
  forTypes,
  present,
  resourcePolicy,
} from "./lib";
import { aws, azure, gcp } from "./types";

/** Fewest zones and instances that survive the loss of one. */
export const minimumZones = 2;
export const minimumInstances = 2;

export const spreadOverZones = resourcePolicy(
  {
    name: "spread-over-zones",
    description: `Instances are spread over at least ${minimumZones} zones, so a zone outage leaves the service running.`,
    enforcementLevel: "mandatory",
    severity: "high",
  },
  {
    // awsx's Vpc places one public and one private subnet per zone; the ECS service uses them all.
    [aws.vpc]: (props, report) => {
      const names = asStrings(props.availabilityZoneNames);
      const count = names.length > 0 ? names.length : asNumber(props.numberOfAvailabilityZones);
      // awsx's own default is 3 zones when neither is given.
      if (count !== undefined && count < minimumZones) {
        report(`the VPC spans ${count} availability zone(s); at least ${minimumZones} are needed`);
      }
    },
    [gcp.mig]: (props, report) => {
      const zones = asStrings(props.distributionPolicyZones);
      // Unset means "every zone of the region" (at least 3 in every region with zones).
      if (zones.length > 0 && zones.length < minimumZones) {
        report(
          `distributionPolicyZones lists ${zones.length} zone(s) (${zones.join(", ")}); at least ${minimumZones} are needed`,
        );
      }
    },
    [gcp.zonalMig]: (_props, report) => {
      report(
        "a zonal instance group lives in one zone; use a regional group (RegionInstanceGroupManager)",
      );
    },
    [azure.vmss]: (props, report) => {
      const zones = asStrings(props.zones);
      if (zones.length < minimumZones) {
        report(
          `zones is ${JSON.stringify(zones)}; the scale set must span at least ${minimumZones} zones`,
        );
      }
    },
  },
);

export const minimumTwoInstances = resourcePolicy(
  {
    name: "minimum-two-instances",
    description: `At least ${minimumInstances} instances run at all times: autoscaling's minimum and the deployed count.`,
    enforcementLevel: "mandatory",
    severity: "high",
  },
  {
    [aws.scaling]: (props, report) => {
      if (props.serviceNamespace !== "ecs") return;
      const min = asNumber(props.minCapacity);
      if (min === undefined || min < minimumInstances) {
        report(`minCapacity is ${String(min)}; autoscaling must keep at least ${minimumInstances}`);
      }
    },
    [aws.service]: (props, report) => {
      const desired = asNumber(props.desiredCount);
      // Unset desiredCount means 1 for a replica service.
      if (props.schedulingStrategy !== "DAEMON" && (desired ?? 1) < minimumInstances) {
        report(`desiredCount is ${String(desired ?? 1)}; at least ${minimumInstances} are needed`);
      }
    },
    ...forTypes([gcp.autoscaler, gcp.zonalAutoscaler], (props, report) => {
      const min = asNumber(at(props, "autoscalingPolicy", "minReplicas"));
      if (min === undefined || min < minimumInstances) {
        report(
          `autoscalingPolicy.minReplicas is ${String(min)}; at least ${minimumInstances} are needed`,
        );
      }
    }),
    [gcp.mig]: (props, report) => {
      const size = asNumber(props.targetSize);
      if (size !== undefined && size < minimumInstances) {
        report(`targetSize is ${size}; at least ${minimumInstances} are needed`);
      }
    },
    [azure.vmss]: (props, report) => {
      const capacity = asNumber(at(props, "sku", "capacity"));
      if (capacity === undefined || capacity < minimumInstances) {
        report(`sku.capacity is ${String(capacity)}; at least ${minimumInstances} are needed`);
      }
    },
    ...forTypes(azure.autoscale, (props, report) => {
      asArray(props.profiles).forEach((profile, index) => {
        const min = asNumber(at(profile, "capacity", "minimum"));
        if (min === undefined || min < minimumInstances) {
          report(
            `profiles[${index}].capacity.minimum is ${String(min)}; at least ${minimumInstances} are needed`,
          );
        }
      });
    }),
  },
);

export const rollingUpdatesKeepCapacity = resourcePolicy(
  {
    name: "rolling-updates-keep-capacity",
    description:
      "A rollout starts new instances before it stops old ones, so serving capacity never drops: ECS minimum healthy 100 %, MIG maxUnavailable 0, VMSS Rolling upgrades with surge.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  {
    [aws.service]: (props, report) => {
      const controller = asString(at(props, "deploymentController", "type")) ?? "ECS";
      if (controller !== "ECS") return; // CODE_DEPLOY and EXTERNAL deploy blue/green instead.
      // ECS's default for a replica service is 100, so unset is fine.
      const minHealthy = asNumber(props.deploymentMinimumHealthyPercent) ?? 100;
      if (minHealthy < 100) {
        report(
          `deploymentMinimumHealthyPercent is ${minHealthy}; below 100 a rollout stops tasks before their replacements serve`,
        );
      }
      const max = asNumber(props.deploymentMaximumPercent) ?? 200;
      if (max <= 100) {
        report(
          `deploymentMaximumPercent is ${max}; with no room above 100 % a rollout cannot start a replacement first`,
        );
      }
    },
    ...forTypes([gcp.mig, gcp.zonalMig], (props, report) => {
      const policy = asObject(props.updatePolicy);
      if (policy === undefined) {
        report(
          "no updatePolicy: Compute Engine's default takes up to one instance per zone out of service during a rollout; set maxUnavailableFixed to 0",
        );
        return;
      }
      const fixed = asNumber(policy.maxUnavailableFixed);
      const percent = asNumber(policy.maxUnavailablePercent);
      if (
        (fixed ?? 0) !== 0 ||
        (percent ?? 0) !== 0 ||
        (fixed === undefined && percent === undefined)
      ) {
        report(
          `updatePolicy.maxUnavailableFixed is ${String(fixed)}${percent !== undefined ? ` (maxUnavailablePercent ${percent})` : ""}; it must be 0 so a rollout never takes an instance out before its replacement is ready`,
        );
      }
    }),
    [azure.vmss]: (props, report) => {
      const mode = asString(at(props, "upgradePolicy", "mode"));
      if (mode !== "Rolling") {
        report(
          `upgradePolicy.mode is ${JSON.stringify(mode)}; it must be "Rolling" so instances are replaced in health-gated batches`,
        );
        return;
      }
      if (asBoolean(at(props, "upgradePolicy", "rollingUpgradePolicy", "maxSurge")) !== true) {
        report(
          "upgradePolicy.rollingUpgradePolicy.maxSurge is not true: each batch is taken out of service before its replacements exist",
        );
      }
    },
  },
);

export const healthChecksAndSelfHealing = resourcePolicy(
  {
    name: "health-checks-and-self-healing",
    description:
      "The load balancer health-checks every instance and failed instances are replaced automatically.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  {
    ...forTypes([aws.tg, aws.tgAlias], (props, report) => {
      const check = asObject(props.healthCheck);
      if (check !== undefined && asBoolean(check.enabled) === false) {
        report("healthCheck.enabled is false: failed targets keep receiving requests");
      }
      const protocol = asString(check?.protocol) ?? asString(props.protocol) ?? "HTTP";
      if (protocol.startsWith("HTTP") && asString(check?.path) === undefined) {
        report("healthCheck.path is unset: the check probes / instead of the health endpoint");
      }
    }),
    // ECS replaces a task that fails the load balancer's check, but only for a service it knows.
    [aws.service]: (props, report) => {
      if (asArray(props.loadBalancers).length === 0) {
        report("no loadBalancers: ECS cannot replace tasks the load balancer finds unhealthy");
      }
    },
    ...forTypes([gcp.mig, gcp.zonalMig], (props, report) => {
      if (!present(props, "autoHealingPolicies", "healthCheck")) {
        report("autoHealingPolicies.healthCheck is unset: failed VMs are never recreated");
      }
    }),
    [gcp.backend]: (props, report) => {
      if (!present(props, "healthChecks")) {
        report("healthChecks is empty: the load balancer sends requests to failed VMs");
      }
    },
    [azure.vmss]: (props, report) => {
      if (asBoolean(at(props, "automaticRepairsPolicy", "enabled")) !== true) {
        report("automaticRepairsPolicy.enabled is not true: failed VMs are never replaced");
      }
      const probe = present(props, "virtualMachineProfile", "networkProfile", "healthProbe");
      const extensions = asArray(
        at(props, "virtualMachineProfile", "extensionProfile", "extensions"),
      ).map((e) => asString(at(e, "type")) ?? asString(at(e, "properties", "type")) ?? "");
      const healthExtension = extensions.some((t) => t.startsWith("ApplicationHealth"));
      if (!probe && !healthExtension) {
        report(
          "neither a load balancer healthProbe nor the Application Health extension: rolling upgrades and repairs have no health signal",
        );
      }
      // Binary health states (1.0) read a booting VM as Unhealthy, which aborts a health-gated
      // rolling upgrade; rich states (2.0) hold it in Initializing for gracePeriod seconds.
      // https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-health-extension#rich-health-states
      for (const e of asArray(
        at(props, "virtualMachineProfile", "extensionProfile", "extensions"),
      )) {
        if (!(asString(at(e, "type")) ?? "").startsWith("ApplicationHealth")) continue;
        const version = asString(at(e, "typeHandlerVersion")) ?? "";
        const grace = asNumber(at(e, "settings", "gracePeriod"));
        if (!version.startsWith("2.") || grace === undefined || grace < 300) {
          report(
            `the Application Health extension is ${version || "unversioned"} with gracePeriod ${String(grace)}; use 2.0 (rich health states) with a gracePeriod of at least 300 s that covers boot, or new instances abort rolling upgrades`,
          );
        }
      }
      // Burstable sizes are held at their baseline once their CPU credits run out, below the
      // autoscale thresholds, so CPU autoscaling would scale a saturated fleet in.
      // https://learn.microsoft.com/azure/virtual-machines/sizes/b-family
      const size = asString(at(props, "sku", "name")) ?? "";
      if (/^Standard_B\d/.test(size)) {
        report(`sku.name is ${size}, a burstable size; CPU autoscaling needs a non-burstable size`);
      }
    },
    [azure.lb]: (props, report) => {
      const rules = asArray(props.loadBalancingRules);
      if (rules.length > 0 && asArray(props.probes).length === 0) {
        report("no probes: the load balancer sends requests to failed instances");
      }
      rules.forEach((rule, index) => {
        if (!present(rule, "probe")) {
          report(`loadBalancingRules[${index}] has no probe`);
        }
      });
    },
  },
);

export const capacityPolicies = [
  spreadOverZones,
  minimumTwoInstances,
  rollingUpdatesKeepCapacity,
  healthChecksAndSelfHealing,
];
