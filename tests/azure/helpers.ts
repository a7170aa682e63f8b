import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { HighlyAvailableWebServiceArgs } from "../../components/args";
import { HighlyAvailableWebService } from "../../components/webService";
import { azureMocks } from "../../providers/azure/mocks";
import { PlannedResource, RecordingMocks, urnLabel } from "../../tools/plan/recorder";
import { PlanResult } from "../../tools/plan/run";
import { one } from "../helpers/plan";

export type Plan = Pick<PlanResult, "resources">;

export const types = {
  component: "haweb:index:HighlyAvailableWebService",
  provider: "pulumi:providers:azure-native",
  resourceGroup: "azure-native:resources:ResourceGroup",
  vnet: "azure-native:network:VirtualNetwork",
  subnet: "azure-native:network:Subnet",
  nsg: "azure-native:network:NetworkSecurityGroup",
  publicIp: "azure-native:network:PublicIPAddress",
  loadBalancer: "azure-native:network:LoadBalancer",
  registry: "azure-native:containerregistry:Registry",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  lock: "azure-native:authorization:ManagementLockByScope",
  scaleSet: "azure-native:compute:VirtualMachineScaleSet",
  autoscale: "azure-native:monitor:AutoscaleSetting",
  actionGroup: "azure-native:monitor:ActionGroup",
  metricAlert: "azure-native:monitor:MetricAlert",
  activityAlert: "azure-native:monitor:ActivityLogAlert",
  workspace: "azure-native:operationalinsights:Workspace",
  dataCollectionRule: "azure-native:monitor:DataCollectionRule",
  dataCollectionRuleAssociation: "azure-native:monitor:DataCollectionRuleAssociation",
} as const;

/**
 * The id a resource has under the mocks: the mock engine names every custom resource
 * `<logical name>-id` (RecordingMocks does not take ids from the per-cloud tables).
 */
export function mockId(resource: Pick<PlannedResource, "name">): string {
  return `${resource.name}-id`;
}

/** What azureMocks computes for a resource, as the plan's references to it see it. */
export function mockOutputs(resource: PlannedResource): Record<string, unknown> {
  const outputs = azureMocks.outputs[resource.type];
  return outputs
    ? outputs({ type: resource.type, name: resource.name, inputs: resource.inputs, custom: true })
    : {};
}

// Scale set inputs are deep; tests read them through these views.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type Json = any;
export function inputsOf(plan: Plan, type: string): Json {
  return one(plan, type).inputs;
}
export function scaleSetOf(plan: Plan): Json {
  return one(plan, types.scaleSet).inputs;
}
export function vmProfileOf(plan: Plan): Json {
  return scaleSetOf(plan).virtualMachineProfile;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The cloud-init the instances boot with, decoded from the scale set's customData. */
export function cloudInitOf(plan: Plan): string {
  return Buffer.from(vmProfileOf(plan).osProfile.customData as string, "base64").toString("utf8");
}

/** A copy of the plan in which `edit` has changed the inputs of every resource of `type`. */
export function withEdited(
  plan: Plan,
  type: string,
  edit: (inputs: Json, resource: PlannedResource) => void,
): Plan {
  const resources = structuredClone(plan.resources) as PlannedResource[];
  for (const resource of resources.filter((r) => r.type === type)) {
    edit(resource.inputs, resource);
  }
  return { resources };
}

/** Tags every stack file gives its resources. */
export function stackTags(stack: "test" | "prod"): Record<string, string> {
  return {
    environment: stack,
    owner: "platform",
    project: "ha-web-service",
    stack,
    "managed-by": "pulumi",
  };
}

/**
 * Whether the SDK class of a resource type passes `tags` to Azure, read from the generated
 * constructor, so the tag check covers every type that takes tags without a hand-kept list.
 */
export function takesTags(type: string): boolean {
  const [pkg, module, className] = type.split(":");
  if (pkg !== "azure-native") return false;
  const file = require.resolve(
    `@pulumi/azure-native/${module}/${className[0].toLowerCase()}${className.slice(1)}.js`,
  );
  return readFileSync(file, "utf8").includes('resourceInputs["tags"]');
}

export interface ComponentRun {
  readonly error?: Error;
  readonly resources: readonly PlannedResource[];
  /** The options each registration carried (see recordOptions). */
  readonly options: readonly RegisteredOptions[];
}

/**
 * Registers components directly under fresh mocks (no stack file), for what the stack plan cannot
 * show: bad args, or two components side by side. Resolves once every registration has settled.
 */
export async function runComponents(
  components: readonly { name: string; args: HighlyAvailableWebServiceArgs }[],
): Promise<ComponentRun> {
  pulumi.runtime.setAllConfig({});
  const mocks = new RecordingMocks();
  await pulumi.runtime.setMocks(mocks, "ha-web-service", "test", false);
  mocks.hookMonitor();
  const options: RegisteredOptions[] = [];
  recordOptions(options);
  let error: Error | undefined;
  const services: HighlyAvailableWebService[] = [];
  try {
    for (const { name, args } of components) {
      services.push(new HighlyAvailableWebService(name, args));
    }
  } catch (err) {
    error = err as Error;
  }
  await Promise.all(services.map((service) => new Promise((r) => service.url.apply(r))));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    waitForRPCs?: () => Promise<void>;
  };
  await settings.waitForRPCs?.();
  await new Promise((resolve) => setImmediate(resolve));
  return { error, resources: mocks.resources, options };
}

/** The resource options a registration carried to the engine, as the engine would see them. */
export interface RegisteredOptions {
  readonly type: string;
  readonly name: string;
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
  /** `type::name` of every resource this one depends on (dependsOn and input dependencies). */
  readonly dependencies: readonly string[];
}

/**
 * Records the options of every registration from the monitor request itself (protect,
 * ignoreChanges, dependencies): the mocks' newResource never sees them, and they are what the
 * engine acts on for destroy and ignoreChanges.
 */
function recordOptions(into: RegisteredOptions[]): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, callback: unknown): unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    into.push({
      type: req.getType(),
      name: req.getName(),
      protect: req.getProtect() === true,
      ignoreChanges: req.getIgnorechangesList(),
      dependencies: req.getDependenciesList().map(urnLabel),
    });
    return register(req, callback);
  };
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getProtect(): boolean | undefined;
  getIgnorechangesList(): string[];
  getDependenciesList(): string[];
}

/** Args as the test stack file produces them, for direct component runs. */
export function testStackArgs(
  overrides: Partial<HighlyAvailableWebServiceArgs> = {},
): HighlyAvailableWebServiceArgs {
  return {
    cloud: "azure",
    region: "eastus",
    zones: ["1", "2"],
    appVersion: "1.0.0",
    minInstances: 2,
    desiredInstances: 2,
    maxInstances: 4,
    tags: stackTags("test"),
    ...overrides,
  };
}
