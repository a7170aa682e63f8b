import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { keepBucketPrivate } from "./bucket";
import { AwsContext } from "./context";
import { PolicyDocument } from "./identity";

/** Key prefixes in the log bucket: one per source, so each can be read or expired on its own. */
export const logPrefixes = { alb: "alb", vpc: "vpc" } as const;

/**
 * The ELB log-delivery account of each Region that was available before August 2022. AWS's
 * "Enable access logs for your Application Load Balancer", step 2: in these Regions the bucket
 * policy grants `s3:PutObject` to the Region's ELB account; in Regions available as of August
 * 2022 or later it grants it to the `logdelivery.elasticloadbalancing.amazonaws.com` service
 * principal instead. us-east-1 (both stacks) is an older Region, so it gets the account.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html#attach-bucket-policy
 * The same ids as hashicorp/terraform-provider-aws internal/service/elb/service_account_data_source.go,
 * whose data source fails for the newer Regions, hence this table instead of
 * `aws.elb.getServiceAccount`.
 */
export const elbLogAccounts: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-southeast-3": "589379963580",
  "ap-south-1": "718504428378",
  "ap-northeast-3": "383597477331",
  "ap-northeast-2": "600734575887",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-south-1": "635631232127",
  "eu-west-3": "009996457667",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
};

/** Who writes ALB access logs in `region`: its ELB account, or the service principal. */
export function elbLogDeliveryPrincipal(region: string): Record<string, string> {
  const account = elbLogAccounts[region];
  return account === undefined
    ? { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }
    : { AWS: `arn:aws:iam::${account}:root` };
}

/**
 * The log bucket's policy: the ALB writes under `alb/AWSLogs/<account>/`; VPC flow logs (through
 * the `delivery.logs.amazonaws.com` service, limited to this account's log sources in this Region
 * against the confused deputy) write under `vpc/AWSLogs/<account>/` after checking the bucket ACL,
 * as "Amazon S3 bucket permissions for flow logs" lists; nothing is accepted without TLS.
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html
 */
export function logBucketPolicy(
  bucketArn: string,
  accountId: string,
  region: string,
): PolicyDocument {
  const fromThisAccount = {
    StringEquals: { "aws:SourceAccount": accountId },
    ArnLike: { "aws:SourceArn": `arn:aws:logs:${region}:${accountId}:*` },
  };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AlbAccessLogs",
        Effect: "Allow",
        Principal: elbLogDeliveryPrincipal(region),
        Action: "s3:PutObject",
        Resource: `${bucketArn}/${logPrefixes.alb}/AWSLogs/${accountId}/*`,
      },
      {
        Sid: "FlowLogsWrite",
        Effect: "Allow",
        Principal: { Service: "delivery.logs.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${bucketArn}/${logPrefixes.vpc}/AWSLogs/${accountId}/*`,
        Condition: {
          ...fromThisAccount,
          StringEquals: {
            ...fromThisAccount.StringEquals,
            "s3:x-amz-acl": "bucket-owner-full-control",
          },
        },
      },
      {
        Sid: "FlowLogsAclCheck",
        Effect: "Allow",
        Principal: { Service: "delivery.logs.amazonaws.com" },
        Action: ["s3:GetBucketAcl", "s3:ListBucket"],
        Resource: bucketArn,
        Condition: fromThisAccount,
      },
      {
        Sid: "TlsOnly",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

export interface AwsLogBucket {
  readonly bucket: aws.s3.Bucket;
  /** The ALB and the flow log wait for it: ELB checks that it may write when logging is enabled. */
  readonly ready: pulumi.Resource[];
}

/**
 * One bucket for the ALB's access logs and the VPC's flow logs, private, encrypted with SSE-S3
 * (the only server-side encryption ALB access logs support: "Enable access logs for your
 * Application Load Balancer", step 1, bucket requirements), and expired after `logRetentionDays`
 * like the service's CloudWatch logs. `forceDestroy` only without deletion protection, so a
 * protected stack's logs are never emptied by a destroy.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
export function createLogBucket(ctx: AwsContext): AwsLogBucket {
  const { name, args, opts, accountId } = ctx;
  const bucket = new aws.s3.Bucket(
    `${name}-logs`,
    { forceDestroy: !args.deletionProtection },
    opts,
  );
  const privacy = keepBucketPrivate(`${name}-logs`, bucket.id, opts);
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-logs`,
    {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    },
    opts,
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-logs`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-logs",
          status: "Enabled",
          filter: {},
          expiration: { days: args.logRetentionDays },
        },
      ],
    },
    opts,
  );
  const policy = new aws.s3.BucketPolicy(
    `${name}-logs`,
    {
      bucket: bucket.id,
      policy: pulumi
        .all([bucket.arn, accountId])
        .apply(([arn, account]) => JSON.stringify(logBucketPolicy(arn, account, args.region))),
    },
    { ...opts, dependsOn: privacy },
  );
  return { bucket, ready: [policy, encryption] };
}

/** Every accepted and rejected flow of the VPC, delivered to the log bucket. */
export function createFlowLog(
  ctx: AwsContext,
  vpcId: pulumi.Input<string>,
  logs: AwsLogBucket,
): aws.ec2.FlowLog {
  const { name, opts } = ctx;
  return new aws.ec2.FlowLog(
    `${name}-flows`,
    {
      vpcId,
      trafficType: "ALL",
      logDestinationType: "s3",
      logDestination: pulumi.interpolate`${logs.bucket.arn}/${logPrefixes.vpc}/`,
    },
    { ...opts, dependsOn: logs.ready },
  );
}
