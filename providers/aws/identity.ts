import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "./context";
import { SharedRepository } from "./registry";

/** An IAM policy document, typed loosely enough for Output values inside. */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Array<Record<string, unknown>>;
}

/**
 * Only ECS tasks of this account may assume the roles. `aws:SourceAccount` stops a task of another
 * account being handed the role (the confused-deputy case).
 */
export function ecsTasksTrustPolicy(accountId: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}

/** What the ECS agent needs to start a task: pull this repository's images, write this log group. */
export function executionPolicy(repositoryArn: string, logGroupArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RegistryLogin",
        Effect: "Allow",
        // GetAuthorizationToken is account-wide by design: it has no resource-level permissions,
        // and the token it returns grants nothing beyond the pull actions below.
        Action: "ecr:GetAuthorizationToken",
        Resource: "*",
      },
      {
        Sid: "PullThisRepository",
        Effect: "Allow",
        Action: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:GetDownloadUrlForLayer",
        ],
        Resource: repositoryArn,
      },
      {
        Sid: "WriteThisLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        // CloudWatch Logs authorises CreateLogStream against `<group>:*` in practice, not only the
        // bare group ARN; both stay inside this one group.
        Resource: [logGroupArn, `${logGroupArn}:*`],
      },
    ],
  };
}

/** A private ECR repository an image reference points into. */
export interface EcrRepository {
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly arn: string;
}

// <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>[:tag][@sha256:digest]
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-pull-ecr-image.html
const ecrImage =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9][a-z0-9._/-]*?)(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/**
 * The private ECR repository `image` is pulled from, or undefined for any other registry (public
 * registries need no IAM permission). Throws for a reference whose host is ECR's but whose shape
 * is not, so a typo fails the preview instead of every task's pull; `validate` reports it. The
 * execution role may pull from that one repository (registry.ts), even in another account, whose
 * repository policy must then also allow this account to pull.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
 */
export function ecrRepositoryOf(image: string): EcrRepository | undefined {
  const host = image.split("/")[0];
  if (!/\.dkr\.ecr(-fips)?\./.test(host)) return undefined;
  const match = ecrImage.exec(image);
  if (match === null) {
    throw new Error(
      `image: expected an ECR image such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0.6; got ${JSON.stringify(image)}`,
    );
  }
  const [, account, region, china, name] = match;
  const partition = china ? "aws-cn" : "aws";
  return {
    account,
    region,
    name,
    arn: `arn:${partition}:ecr:${region}:${account}:repository/${name}`,
  };
}

export interface AwsIdentity {
  readonly executionRole: aws.iam.Role;
  /** The execution role's permissions: tasks cannot pull or log until this exists. */
  readonly executionPolicy: aws.iam.RolePolicy;
  readonly taskRole: aws.iam.Role;
}

export function createIdentity(
  ctx: AwsContext,
  repository: SharedRepository,
  logGroup: aws.cloudwatch.LogGroup,
): AwsIdentity {
  const { name, opts, accountId } = ctx;
  const trust = accountId.apply((id) => JSON.stringify(ecsTasksTrustPolicy(id)));
  const executionRole = new aws.iam.Role(
    `${name}-execution`,
    {
      description: "ECS agent: pull the service image and write its logs",
      assumeRolePolicy: trust,
      // The bootstrap's deploy roles may create roles only with this boundary, so no policy
      // they write on a role can exceed it (bootstrap/awsPolicies.ts).
      permissionsBoundary: ctx.args.awsPermissionsBoundary,
    },
    opts,
  );
  const executionRolePolicy = new aws.iam.RolePolicy(
    `${name}-execution`,
    {
      role: executionRole.id,
      policy: pulumi
        .all([repository.arn, logGroup.arn])
        .apply(([repositoryArn, logGroupArn]) =>
          JSON.stringify(executionPolicy(repositoryArn, logGroupArn)),
        ),
    },
    opts,
  );
  // The application calls no AWS API, so its role grants nothing. It exists so that a future
  // permission is added here, deliberately, instead of landing on the execution role.
  const taskRole = new aws.iam.Role(
    `${name}-task`,
    {
      description: "Application: no AWS permissions",
      assumeRolePolicy: trust,
      permissionsBoundary: ctx.args.awsPermissionsBoundary,
    },
    opts,
  );
  return { executionRole, executionPolicy: executionRolePolicy, taskRole };
}
