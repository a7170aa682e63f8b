import * as gcp from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { keepaliveAbove } from "../../components/keepalive";
import { toMigUpdatePolicy } from "../../components/rolling";
import { gceMachineType } from "../../components/sizing";
import { dependingOn, GcpContext } from "./context";
import { GcpFirewall } from "./firewall";
import { GcpIdentity, instanceScopes } from "./identity";
import { backendKeepaliveSeconds } from "./loadBalancer";
import { baseInstanceName, gcpName, templateNamePrefix } from "./names";
import { GcpNetwork } from "./network";
import { GcpRegistry } from "./registry";
import { migCustomTimeouts } from "./rolloutTime";
import { renderShutdownScript, renderStartupScript } from "./startup";

/**
 * Container-Optimized OS, pinned to a milestone's LTS family rather than `cos-stable`: a family
 * resolves when an instance is created, and an LTS milestone only receives security and bug fixes,
 * so instances added by autoscaling months later run the same major version as the rest. COS 121
 * LTS is supported until March 2027; move to the next LTS family deliberately, as a rollout.
 * https://cloud.google.com/container-optimized-os/docs/concepts/versioning
 */
export const cosImageFamily = "projects/cos-cloud/global/images/family/cos-121-lts";

/** COS's minimum boot disk; the image and its layers need a fraction of it. */
export const bootDiskSizeGb = 10;

/**
 * Seconds from instance creation to the first passing health check. Nothing can be measured
 * here, so this is an estimate: COS boots and runs the startup script in about 30 s, pulling the
 * ~100 MB image from Artifact Registry in-region takes 10-20 s, the supervisor starts nginx and
 * the app in under 5 s: about 60 s. Tripled for a slow disk or a throttled registry, because an
 * autohealing delay that is too short kills instances that were about to become healthy, in a
 * loop, which is worse than replacing a dead one 2 minutes late. Revisit with the real
 * boot-to-healthy time from the MIG's instance history once deployed.
 */
export const bootToHealthySeconds = 180;

/**
 * The load balancer's check: fast, so a draining or failing instance stops getting requests in
 * about 10 s (2 failures 5 s apart) and a new one starts in about 10 s.
 */
export const lbHealthCheck = {
  checkIntervalSec: 5,
  timeoutSec: 3,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
} as const;

/**
 * Autohealing's check: slower and more tolerant (3 failures 10 s apart), because its remedy is
 * recreating the VM; a brief stall should take an instance out of the load balancer, not kill it.
 */
export const autohealHealthCheck = {
  checkIntervalSec: 10,
  timeoutSec: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
} as const;

/** Autoscaling targets. */
export const scaling = {
  cpuUtilization: 0.6,
  /**
   * With the UTILIZATION balancing mode the backend's "fullness" is its CPU-based utilization
   * against `maxUtilization`, so this signal mostly tracks CPU; RATE mode would need a measured
   * requests-per-second capacity per instance, which we do not have.
   */
  loadBalancingUtilization: 0.8,
  /** At most a quarter of the group removed per 10 minutes, so a traffic dip cannot empty it. */
  scaleInMaxPercent: 25,
  scaleInWindowSec: 600,
} as const;

/**
 * Why the deployed group's zones (`live`, from state) cannot become `wanted`, or nothing when
 * they are the same set. Unknown during a first preview, when there is nothing to compare.
 */
export function zoneChangeProblem(
  live: readonly string[] | undefined,
  wanted: readonly string[],
): string | undefined {
  if (live === undefined || live.length === 0) return undefined;
  const short = (zones: readonly string[]) => [...zones].map((z) => z.replace(/.*\//, "")).sort();
  const [from, to] = [short(live), short(wanted)];
  if (from.join() === to.join()) return undefined;
  return `zoneCount: the instance group runs in ${from.join(", ")}; moving it to ${to.join(", ")} would replace it and drop traffic while the load balancer swaps groups. Keep zoneCount at ${from.length}, or follow docs/runbooks/gcp-instance-group.md ("Change the zones"), which sets gcpReplaceInstanceGroup, to move without downtime`;
}

export interface GcpCompute {
  readonly template: gcp.compute.InstanceTemplate;
  readonly lbHealthCheck: gcp.compute.HealthCheck;
  readonly autohealHealthCheck: gcp.compute.HealthCheck;
  readonly group: gcp.compute.RegionInstanceGroupManager;
  readonly autoscaler: gcp.compute.RegionAutoscaler;
}

/** Metadata every instance gets; the two scripts come from `startup.ts`. */
export function instanceMetadata(startupScript: string, shutdownScript: string) {
  return {
    "startup-script": startupScript,
    "shutdown-script": shutdownScript,
    // Logins (only possible through IAP, when allowed) are IAM-checked and audited; keys in
    // project metadata would grant access to every VM in the project.
    "enable-oslogin": "TRUE",
    "block-project-ssh-keys": "TRUE",
    "serial-port-enable": "FALSE",
    // COS ships container logs and host metrics with these agents.
    "google-logging-enabled": "true",
    "google-monitoring-enabled": "true",
    // Instances are never patched in place (an update applies at an unplanned reboot): a new COS
    // build arrives with a new VM, at each release and through docs/runbooks/patch-gcp-os.md.
    "cos-update-strategy": "update_disabled",
  };
}

export function createCompute(
  ctx: GcpContext,
  deps: {
    readonly network: GcpNetwork;
    readonly identity: GcpIdentity;
    readonly firewall: GcpFirewall;
    readonly registry: GcpRegistry;
  },
): GcpCompute {
  const { name, args, region, opts } = ctx;
  const { containerPort, healthCheckPath, drainingTimeoutSeconds } = args;

  const lb = new gcp.compute.HealthCheck(
    gcpName(name, "hc-lb"),
    {
      description: "Load balancer: is this instance ready for requests?",
      ...lbHealthCheck,
      httpHealthCheck: { port: containerPort, requestPath: healthCheckPath },
    },
    opts,
  );
  const autoheal = new gcp.compute.HealthCheck(
    gcpName(name, "hc-heal"),
    {
      description: "Autohealing: is this instance alive, or should it be recreated?",
      ...autohealHealthCheck,
      httpHealthCheck: { port: containerPort, requestPath: healthCheckPath },
    },
    opts,
  );

  const metadata = pulumi.output(deps.registry.image).apply((image) =>
    instanceMetadata(
      renderStartupScript({
        image,
        containerPort,
        drainSeconds: drainingTimeoutSeconds,
        keepaliveSeconds: keepaliveAbove(backendKeepaliveSeconds),
      }),
      renderShutdownScript(drainingTimeoutSeconds),
    ),
  );

  // Templates are immutable: every change (a new version's image) replaces it. `namePrefix` gives
  // the replacement a fresh name, so Pulumi's default create-before-delete works: the MIG moves to
  // the new template, then the old one (no longer "in use") is deleted. A fixed `name` would need
  // delete-before-replace, which fails while the MIG still references the template.
  const template = new gcp.compute.InstanceTemplate(
    gcpName(name, "tpl"),
    {
      namePrefix: templateNamePrefix(name),
      description: `${name} ${args.appVersion}`,
      machineType: gceMachineType(args.instanceSize),
      disks: [
        {
          boot: true,
          autoDelete: true,
          sourceImage: cosImageFamily,
          diskType: "pd-balanced",
          diskSizeGb: bootDiskSizeGb,
        },
      ],
      // No accessConfigs: no external address. Requests arrive through the load balancer only.
      networkInterfaces: [{ network: deps.network.network.id, subnetwork: deps.network.subnet.id }],
      serviceAccount: { email: deps.identity.serviceAccount.email, scopes: instanceScopes },
      shieldedInstanceConfig: {
        enableSecureBoot: true,
        enableVtpm: true,
        enableIntegrityMonitoring: true,
      },
      metadata,
    },
    // Never protected: every rollout replaces the template (create before delete), which a
    // protected resource refuses. A destroy never reaches it before the protected group.
    { ...opts, protect: false },
  );

  const updateNumbers = toMigUpdatePolicy(
    args.rollingUpdate,
    args.desiredInstances,
    args.zones.length,
  );
  const group = new gcp.compute.RegionInstanceGroupManager(
    gcpName(name, "mig"),
    {
      region,
      baseInstanceName: baseInstanceName(name),
      description: `${name}: web service instances`,
      versions: [{ name: "primary", instanceTemplate: template.selfLinkUnique }],
      distributionPolicyZones: [...args.zones],
      // EVEN keeps the zones within one instance of each other, so losing a zone loses at most
      // its share; it is also the only shape that allows proactive redistribution.
      distributionPolicyTargetShape: "EVEN",
      namedPorts: [{ name: "http", port: containerPort }],
      autoHealingPolicies: {
        healthCheck: autoheal.id,
        initialDelaySec: bootToHealthySeconds,
      },
      // An instance that autohealing recreates picks up the current template.
      instanceLifecyclePolicy: { forceUpdateOnRepair: "YES", defaultActionOnFailure: "REPAIR" },
      updatePolicy: {
        type: "PROACTIVE",
        minimalAction: "REPLACE",
        // SUBSTITUTE creates new instances (new names) before removing old ones, which is what
        // lets maxUnavailable stay 0; RECREATE keeps names but requires maxSurge 0.
        replacementMethod: "SUBSTITUTE",
        instanceRedistributionType: "PROACTIVE",
        ...updateNumbers,
      },
      // Sets the size on creation only (see ignoreChanges): the autoscaler owns it afterwards.
      // Without it a new group starts empty, `waitForInstances` has nothing to wait for and the
      // first `pulumi up` reports success before a single instance is serving.
      targetSize: args.desiredInstances,
      // `pulumi up` returns only once every instance runs the new template (the version target
      // is reached) and the group is stable: nothing is being created, verified or repaired.
      // STABLE alone can report success while the MIG has not yet started replacing instances.
      // A rollout that never becomes healthy fails the deploy at the timeout below instead of
      // reporting success early. terraform-provider-google
      // google/services/compute/resource_compute_region_instance_group_manager.go
      // (waitForInstancesRefreshFunc: UPDATED also waits for Status.VersionTarget.IsReached).
      // Pitfall: delete waits for the same status before it deletes, so a group stuck in an
      // autohealing loop (instances that never pass the check) holds `pulumi destroy` for the
      // whole timeout and then fails it; docs/runbooks/gcp-instance-group.md says what to do.
      waitForInstances: true,
      waitForInstancesStatus: "UPDATED",
    },
    {
      ...dependingOn(ctx, ...deps.identity.grants, ...deps.firewall.rules),
      // The provider docs: targetSize "will fight with autoscaler settings" unless ignored.
      // Zones force a new group (distribution_policy_zones is ForceNew in
      // terraform-provider-google's resource_compute_region_instance_group_manager.go), and the
      // backend service would then swap groups in one update, with no draining for a removed
      // backend: an outage. So, as terraform-google-modules/terraform-google-vm modules/mig does
      // (`ignore_changes = [distribution_policy_zones]`), a zone change never reaches the group;
      // `zoneChangeProblem` below refuses it instead of ignoring it silently. Only
      // gcpReplaceInstanceGroup, set while the runbook has a temporary group serving, lets a zone
      // change through (the engine applies ignoreChanges to replacements too:
      // pulumi/pulumi pkg/resource/deploy/step_generator.go, processIgnoreChanges).
      ignoreChanges: args.gcpReplaceInstanceGroup
        ? ["targetSize"]
        : ["targetSize", "distributionPolicyZones"],
      // The provider's 15-minute default is shorter than a rollout of a fleet autoscaling has
      // grown; sized from the rollout at maxInstances (rolloutTime.ts). Pulumi passes these to
      // the bridged provider's timeouts: https://www.pulumi.com/docs/iac/concepts/options/customtimeouts/
      customTimeouts: migCustomTimeouts(args),
    },
  );

  // The group's zones as deployed (ignoreChanges keeps the old ones on an update): a different
  // zoneCount fails the preview with the runbook to follow, rather than doing nothing silently.
  // The autoscaler's description depends on the check, so its failure fails that registration.
  const checkedZones = group.distributionPolicyZones.apply((live) => {
    const problem = args.gcpReplaceInstanceGroup ? undefined : zoneChangeProblem(live, args.zones);
    if (problem) throw new pulumi.ResourceError(problem, group);
    return live;
  });

  const autoscaler = new gcp.compute.RegionAutoscaler(
    gcpName(name, "autoscaler"),
    {
      region,
      target: group.id,
      description: checkedZones.apply(
        (zones) =>
          `${name}: ${args.minInstances}-${args.maxInstances} instances over ${zones.length} zones`,
      ),
      autoscalingPolicy: {
        mode: "ON",
        minReplicas: args.minInstances,
        maxReplicas: args.maxInstances,
        // New instances are ignored by the autoscaler for this long: until they serve, their low
        // CPU would otherwise read as spare capacity and trigger a scale-in.
        cooldownPeriod: bootToHealthySeconds,
        cpuUtilization: { target: scaling.cpuUtilization },
        loadBalancingUtilization: { target: scaling.loadBalancingUtilization },
        scaleInControl: {
          maxScaledInReplicas: { percent: scaling.scaleInMaxPercent },
          timeWindowSec: scaling.scaleInWindowSec,
        },
      },
    },
    opts,
  );

  return { template, lbHealthCheck: lb, autohealHealthCheck: autoheal, group, autoscaler };
}
