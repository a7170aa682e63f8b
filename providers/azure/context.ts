import * as pulumi from "@pulumi/pulumi";
import { ResolvedServiceArgs } from "../../components/args";

/** What every Azure helper needs to register its children the same way. */
export interface AzureContext {
  readonly name: string;
  readonly args: ResolvedServiceArgs;
  /** The component (parent) and the explicit azure-native provider every child is registered with. */
  readonly parent: pulumi.ComponentResource;
  readonly provider: pulumi.ProviderResource;
  readonly resourceGroupName: pulumi.Output<string>;
  readonly subscriptionId: pulumi.Output<string>;
}

/**
 * Fresh options for one child; a shared object could be mutated by one registration for all.
 *
 * With deletionProtection every child is protected, not only the load balancer and its address:
 * the engine refuses a protected delete only when it reaches that step (pulumi/pulumi
 * pkg/resource/deploy/step.go, DeleteStep.Apply) and deletes dependents first (pulumi/pulumi#782,
 * #6191), so `pulumi destroy` would otherwise remove the scale set, alerts and locks before
 * failing on the load balancer. With every leaf protected the first batch of deletes fails and
 * nothing is deleted. Turning deletionProtection off takes one `pulumi up` before a destroy, as
 * on AWS. https://www.pulumi.com/docs/iac/concepts/options/protect/
 */
export function childOptions(
  ctx: AzureContext,
  extra: Omit<pulumi.CustomResourceOptions, "parent" | "provider"> = {},
): pulumi.CustomResourceOptions {
  return {
    protect: ctx.args.deletionProtection,
    ...extra,
    parent: ctx.parent,
    provider: ctx.provider,
  };
}

/**
 * The tags of every resource that takes them. azure-native has no provider-level default tags
 * (unlike AWS's `defaultTags`), so every resource gets them from here; tests check that every
 * taggable resource carries them.
 */
export function tagsOf(args: ResolvedServiceArgs): Record<string, string> {
  return { ...args.tags };
}

/** Resource group, location and tags, spread into every resource that takes them. */
export function placement(ctx: AzureContext): {
  resourceGroupName: pulumi.Output<string>;
  location: string;
  tags: Record<string, string>;
} {
  return {
    resourceGroupName: ctx.resourceGroupName,
    location: ctx.args.region,
    tags: tagsOf(ctx.args),
  };
}

/** ARM id of a child of a resource: `<parent id>/<collection>/<name>`. */
export function childId(
  parentId: pulumi.Input<string>,
  collection: string,
  name: string,
): pulumi.Output<string> {
  return pulumi.interpolate`${parentId}/${collection}/${name}`;
}
