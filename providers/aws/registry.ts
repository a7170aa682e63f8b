import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "./context";
import { ecrRepositoryOf } from "./identity";

/**
 * The image registry is not part of the service stack: the bootstrap program creates one ECR
 * repository per account (`bootstrap/registry.ts`), the pipeline pushes each commit's image to it
 * once, and both stacks run it by digest. A registry inside the stack would have to exist before
 * the image it runs, which only a targeted update could arrange, and the engine refuses that on a
 * fresh stack (docs/decisions.md, "Where the image registry lives").
 */
export const sharedRepositoryName = "ha-web-service/web";

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

/** The repository the service pulls from, and what its execution role may read. */
export interface SharedRepository {
  readonly arn: pulumi.Output<string>;
  readonly repositoryUrl: pulumi.Output<string>;
}

/**
 * The ECR repository an image reference names (`ecrRepositoryOf`, in any account), or the
 * account's shared repository in the stack's region when `image` is unset or lives outside ECR.
 * The execution role gets read on this one repository only.
 */
export function sharedRepository(ctx: AwsContext): SharedRepository {
  const image = ctx.args.image;
  const arn = pulumi
    .all([pulumi.output(image ?? ""), ctx.accountId])
    .apply(
      ([ref, account]) =>
        ecrRepositoryOf(ref)?.arn ??
        `arn:aws:ecr:${ctx.args.region}:${account}:repository/${sharedRepositoryName}`,
    );
  const repositoryUrl = ctx.accountId.apply(
    (account) => `${account}.dkr.ecr.${ctx.args.region}.amazonaws.com/${sharedRepositoryName}`,
  );
  return { arn, repositoryUrl };
}

/**
 * The image the service runs: `image` as given (the pipeline passes `<repository>@sha256:<digest>`),
 * or the shared repository's `appVersion` tag for a hand deploy of test.
 */
export function imageReference(
  ctx: AwsContext,
  repository: SharedRepository,
): pulumi.Output<string> {
  return ctx.args.image !== undefined
    ? pulumi.output(ctx.args.image)
    : pulumi.interpolate`${repository.repositoryUrl}:${ctx.args.appVersion}`;
}
