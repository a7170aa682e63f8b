import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedServiceArgs } from "../../components/args";

/** What every AWS helper needs: the component's name and args, and the options for its children. */
export interface AwsContext {
  readonly name: string;
  readonly args: ResolvedServiceArgs;
  /**
   * `{ parent, provider, protect }`: every child is parented to the component, uses its provider,
   * and is protected when deletionProtection is on.
   */
  readonly opts: pulumi.CustomResourceOptions;
  readonly accountId: pulumi.Output<string>;
}

/**
 * The explicit provider pins the region from settings (so ambient `AWS_REGION` cannot redirect a
 * deploy) and applies the stack's tags to every taggable resource through `defaultTags`.
 */
export function awsContext(
  name: string,
  args: ResolvedServiceArgs,
  parent: pulumi.ComponentResource,
): AwsContext {
  const provider = new aws.Provider(
    `${name}-aws`,
    { region: args.region as aws.Region, defaultTags: { tags: { ...args.tags } } },
    { parent },
  );
  // With deletionProtection every child is protected, not only the load balancer: the engine
  // refuses a protected delete only when it reaches that step and deletes dependents first
  // (pulumi/pulumi pkg/resource/deploy/step.go DeleteStep.Apply; pulumi/pulumi#782), so a
  // `pulumi destroy` would otherwise delete the service, alarms and listeners before failing on
  // the ALB. https://www.pulumi.com/docs/iac/concepts/options/protect/
  const opts = { parent, provider, protect: args.deletionProtection };
  const accountId = aws.getCallerIdentityOutput({}, opts).accountId;
  return { name, args, opts, accountId };
}
