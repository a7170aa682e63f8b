import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedServiceArgs } from "../../components/args";

/** What every AWS helper needs: the component's name and args, and the options for its children. */
export interface AwsContext {
  readonly name: string;
  readonly args: ResolvedServiceArgs;
  /** `{ parent, provider }`: every child is parented to the component and uses its provider. */
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
  const opts = { parent, provider };
  const accountId = aws.getCallerIdentityOutput({}, opts).accountId;
  return { name, args, opts, accountId };
}
