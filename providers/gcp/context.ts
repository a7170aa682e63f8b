import * as gcp from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedServiceArgs } from "../../components/args";
import { enableApis } from "./apis";

/** What every GCP helper needs: the component's name and args, and the options for its children. */
export interface GcpContext {
  readonly name: string;
  readonly args: ResolvedServiceArgs;
  readonly project: string;
  readonly region: string;
  /**
   * `{ parent, provider, dependsOn: <enabled APIs> }`: every child is parented to the component,
   * uses its provider and waits until the APIs it calls are enabled (a first deploy into a fresh
   * project otherwise fails with "API has not been used in project").
   */
  readonly opts: pulumi.CustomResourceOptions;
  /** The API enablements in `opts.dependsOn`, for children that add dependencies of their own. */
  readonly apis: gcp.projects.Service[];
}

/** `ctx.opts` with extra dependencies on top of the APIs. */
export function dependingOn(
  ctx: GcpContext,
  ...resources: pulumi.Resource[]
): pulumi.CustomResourceOptions {
  return { ...ctx.opts, dependsOn: [...ctx.apis, ...resources] };
}

/**
 * The explicit provider pins project and region from settings, so ambient `GOOGLE_PROJECT` or
 * gcloud defaults cannot redirect a deploy, and applies the stack's tags to every resource that
 * takes labels through `defaultLabels`. Resources whose labels are not provider labels (monitoring
 * `userLabels`) set them explicitly.
 */
export function gcpContext(
  name: string,
  args: ResolvedServiceArgs,
  parent: pulumi.ComponentResource,
): GcpContext {
  // validate() has already rejected a missing project; this only narrows the type.
  const project = args.gcpProject ?? "";
  const provider = new gcp.Provider(
    `${name}-gcp`,
    { project, region: args.region, defaultLabels: { ...args.tags } },
    { parent },
  );
  // With deletionProtection every child is protected, as on AWS and Azure: the engine deletes
  // dependents first and refuses a protected delete only when it reaches it (pulumi/pulumi
  // pkg/resource/deploy/step.go DeleteStep.Apply; pulumi/pulumi#782), so protecting only the
  // forwarding rule would let a destroy remove the group and its backends first.
  // https://www.pulumi.com/docs/iac/concepts/options/protect/
  const base = { parent, provider, protect: args.deletionProtection };
  const apis = enableApis(name, args, project, base);
  return {
    name,
    args,
    project,
    region: args.region,
    opts: { ...base, dependsOn: apis },
    apis,
  };
}
