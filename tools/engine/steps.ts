/** One step of `pulumi preview --json`, reduced to what the tables and tests read. */
export interface PlannedStep {
  readonly op: string;
  readonly type: string;
  readonly name: string;
  /** Properties whose change forces the replacement (`replaceReasons`), or [] */
  readonly replaceReasons: readonly string[];
  readonly diffReasons: readonly string[];
}

interface PreviewJson {
  readonly steps?: ReadonlyArray<{
    op: string;
    urn: string;
    diffReasons?: string[];
    replaceReasons?: string[];
  }>;
}

/** `urn:pulumi:<stack>::<project>::<parent types$>type::<name>` → type and name. */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  return { type: parts[2].split("$").pop() as string, name: parts.slice(3).join("::") };
}

/** Every step that changes something: `same` and the stack itself are left out. */
export function changedSteps(previewJson: string): PlannedStep[] {
  const preview = JSON.parse(previewJson) as PreviewJson;
  return (preview.steps ?? [])
    .map((step) => ({
      op: step.op,
      ...parseUrn(step.urn),
      replaceReasons: step.replaceReasons ?? [],
      diffReasons: step.diffReasons ?? [],
    }))
    .filter((step) => step.op !== "same" && step.type !== "pulumi:pulumi:Stack");
}

/**
 * The types a rollout must never replace: the public entry point and what routes to the
 * instances (a replacement means a new address or DNS name, or a window without a route), and the
 * instance groups themselves (all instances at once instead of a rolling update).
 */
export const mustNotReplace: ReadonlySet<string> = new Set([
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:lb/listener:Listener",
  "aws:lb/targetGroup:TargetGroup",
  "aws:ecs/service:Service",
  "gcp:compute/globalAddress:GlobalAddress",
  "gcp:compute/globalForwardingRule:GlobalForwardingRule",
  "gcp:compute/targetHttpProxy:TargetHttpProxy",
  "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
  "gcp:compute/uRLMap:URLMap",
  "gcp:compute/backendService:BackendService",
  "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
  "azure-native:network:LoadBalancer",
  "azure-native:network:PublicIPAddress",
  "azure-native:compute:VirtualMachineScaleSet",
]);

/** True for the ops that make a new physical resource. */
export function isReplacement(op: string): boolean {
  return ["replace", "create-replacement", "delete-replaced"].includes(op);
}
