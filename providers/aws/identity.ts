import * as aws from "@pulumi/aws";
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

export interface AwsIdentity {
  readonly executionRole: aws.iam.Role;
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
    },
    opts,
  );
  new aws.iam.RolePolicy(
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
    { description: "Application: no AWS permissions", assumeRolePolicy: trust },
    opts,
  );
  return { executionRole, taskRole };
}
