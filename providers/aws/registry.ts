import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "./context";

/** Lifecycle rules: untagged layers go after a week, and the 30 newest releases are kept. */
export const ecrLifecyclePolicy = {
  rules: [
    {
      rulePriority: 1,
      description: "Expire untagged images after 7 days",
      selection: {
        tagStatus: "untagged",
        countType: "sinceImagePushed",
        countUnit: "days",
        countNumber: 7,
      },
      action: { type: "expire" },
    },
    {
      rulePriority: 2,
      description: "Keep the 30 most recent releases",
      selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 },
      action: { type: "expire" },
    },
  ],
};

export function createRegistry(ctx: AwsContext): aws.ecr.Repository {
  const { name, args, opts } = ctx;
  const repository = new aws.ecr.Repository(
    `${name}-repo`,
    {
      // A pushed version can never be overwritten, so a rollback redeploys exactly what ran.
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: "AES256" }],
      forceDelete: !args.deletionProtection,
    },
    opts,
  );
  new aws.ecr.LifecyclePolicy(
    `${name}-repo-lifecycle`,
    { repository: repository.name, policy: JSON.stringify(ecrLifecyclePolicy) },
    opts,
  );
  return repository;
}

/** The image the service runs: the one given, or this version in the stack's own registry. */
export function imageReference(
  ctx: AwsContext,
  repository: aws.ecr.Repository,
): pulumi.Output<string> {
  return ctx.args.image !== undefined
    ? pulumi.output(ctx.args.image)
    : pulumi.interpolate`${repository.repositoryUrl}:${ctx.args.appVersion}`;
}
