import * as pulumi from "@pulumi/pulumi";
import { planStack, PlannedResource, PlanResult } from "../helpers/plan";
import { mockAutoName, RecordingMocks, urnLabel } from "../../tools/plan/recorder";
import { runPlan } from "../../tools/plan/run";

/** Type tokens of everything the GCP implementation registers. */
export const T = {
  provider: "pulumi:providers:gcp",
  service: "gcp:projects/service:Service",
  network: "gcp:compute/network:Network",
  subnet: "gcp:compute/subnetwork:Subnetwork",
  router: "gcp:compute/router:Router",
  nat: "gcp:compute/routerNat:RouterNat",
  firewall: "gcp:compute/firewall:Firewall",
  serviceAccount: "gcp:serviceaccount/account:Account",
  projectMember: "gcp:projects/iAMMember:IAMMember",
  repository: "gcp:artifactregistry/repository:Repository",
  repositoryMember: "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
  healthCheck: "gcp:compute/healthCheck:HealthCheck",
  template: "gcp:compute/instanceTemplate:InstanceTemplate",
  group: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
  autoscaler: "gcp:compute/regionAutoscaler:RegionAutoscaler",
  address: "gcp:compute/globalAddress:GlobalAddress",
  backend: "gcp:compute/backendService:BackendService",
  urlMap: "gcp:compute/uRLMap:URLMap",
  httpProxy: "gcp:compute/targetHttpProxy:TargetHttpProxy",
  httpsProxy: "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
  sslPolicy: "gcp:compute/sSLPolicy:SSLPolicy",
  securityPolicy: "gcp:compute/securityPolicy:SecurityPolicy",
  certificate: "gcp:compute/managedSslCertificate:ManagedSslCertificate",
  forwardingRule: "gcp:compute/globalForwardingRule:GlobalForwardingRule",
  channel: "gcp:monitoring/notificationChannel:NotificationChannel",
  uptime: "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig",
  alertPolicy: "gcp:monitoring/alertPolicy:AlertPolicy",
  logBucket: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  logSink: "gcp:logging/projectSink:ProjectSink",
  logExclusion: "gcp:logging/projectExclusion:ProjectExclusion",
} as const;

/** Every optional feature on: a domain (HTTPS), an alert email and IAP SSH. */
export const everything = {
  domain: "www.example.com",
  alertEmail: "oncall@example.com",
  gcpAllowIapSsh: "true",
} as const;

/** What guarded rules check and break: the resources of a plan. */
export type Resources = Pick<PlanResult, "resources">;

export const plan = (stack: "test" | "prod", overrides: Record<string, string> = {}) =>
  planStack(stack, "gcp", overrides);

/** Inputs of a resource, typed loosely for reading nested values. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const inputs = (resource: PlannedResource): any => resource.inputs;

/** How a resource was registered, beyond its inputs: what the recorder does not keep. */
export interface RegistrationOptions {
  /** `type::name` of every resource it waits for (explicit `dependsOn` and input dependencies). */
  readonly dependencies: readonly string[];
  readonly ignoreChanges: readonly string[];
  readonly replaceOnChanges: readonly string[];
  readonly deleteBeforeReplace: boolean;
  /** `customTimeouts` as the engine receives them ("" when not set). */
  readonly customTimeouts: { create: string; update: string; delete: string };
}

interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getDeletebeforereplace(): boolean;
  getCustomtimeouts():
    { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}

/**
 * Records registration options too, from the same monitor request the recorder reads parents
 * from. The lead's recorder could keep these itself; until then, this subclass does.
 */
export class OptionRecordingMocks extends RecordingMocks {
  readonly options = new Map<string, RegistrationOptions>();

  override hookMonitor(): void {
    super.hookMonitor();
    const monitor = pulumi.runtime.getMonitor() as unknown as {
      registerResource(req: RegisterResourceRequest, callback: unknown): unknown;
    };
    const recorded = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
      this.options.set(`${req.getType()}::${req.getName()}`, {
        dependencies: req.getDependenciesList().map(urnLabel),
        ignoreChanges: req.getIgnorechangesList(),
        replaceOnChanges: req.getReplaceonchangesList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        customTimeouts: {
          create: req.getCustomtimeouts()?.getCreate() ?? "",
          update: req.getCustomtimeouts()?.getUpdate() ?? "",
          delete: req.getCustomtimeouts()?.getDelete() ?? "",
        },
      });
      return recorded(req, callback);
    };
  }
}

export interface PlanWithOptions extends Pick<PlanResult, "resources"> {
  readonly options: Map<string, RegistrationOptions>;
}

const withOptions = new Map<string, Promise<PlanWithOptions>>();

/**
 * A plan that also keeps registration options. Called only from awaited test bodies, never
 * alongside `planStack`, because both install global mocks.
 */
export function planWithOptions(
  stack: "test" | "prod",
  overrides: Record<string, string> = {},
): Promise<PlanWithOptions> {
  const key = JSON.stringify([stack, overrides]);
  let result = withOptions.get(key);
  if (!result) {
    const mocks = new OptionRecordingMocks();
    result = runPlan({ stack, cloud: "gcp", overrides, mocks }).then((planned) => ({
      resources: planned.resources,
      options: mocks.options,
    }));
    withOptions.set(key, result);
  }
  return result;
}

/** `type::name`, the label the recorder uses for parents, providers and dependencies. */
export const label = (resource: Pick<PlannedResource, "type" | "name">) =>
  `${resource.type}::${resource.name}`;

/**
 * What each stack file should produce on GCP, written out rather than recomputed, so a change
 * to a stack file or to the rolling-policy maths shows up here as a deliberate edit.
 */
export const expected = {
  test: {
    project: "acme-ha-web-test",
    zones: ["us-central1-a", "us-central1-b"],
    machineType: "e2-small",
    minInstances: 2,
    desiredInstances: 2,
    maxInstances: 4,
    // 100 % surge of 2 = 2, which also meets the regional MIG's "0 or at least #zones" rule.
    maxSurgeFixed: 2,
    maxUnavailableFixed: 0,
    minReadySec: 10,
    deletionPolicy: undefined,
    logRetentionDays: 7,
    labels: {
      environment: "test",
      owner: "platform",
      project: "ha-web-service",
      stack: "test",
      "managed-by": "pulumi",
    },
  },
  prod: {
    project: "acme-ha-web-prod",
    zones: ["us-central1-a", "us-central1-b", "us-central1-c"],
    machineType: "e2-medium",
    minInstances: 3,
    desiredInstances: 3,
    maxInstances: 12,
    maxSurgeFixed: 3,
    maxUnavailableFixed: 0,
    minReadySec: 10,
    deletionPolicy: "PREVENT",
    logRetentionDays: 90,
    labels: {
      environment: "prod",
      owner: "platform",
      project: "ha-web-service",
      stack: "prod",
      "managed-by": "pulumi",
    },
  },
} as const;

export const stacks = ["test", "prod"] as const;

/**
 * The physical name the mocks give an auto-named resource (`<logical>-<7 hex>`, as the recorder
 * and tools/plan/mocks/gcp.ts compute it), so tests can state exact references.
 */
export const autoName = mockAutoName;
