import assert from "node:assert/strict";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { validateResourcePolicy } from "@cloud-copilot/iam-policy";
import { elbLogDeliveryPrincipal, logBucketPolicy, logPrefixes } from "../../providers/aws/logs";
import { mockAccount } from "../../tools/plan/mocks/types";
import { json, ofType, one, planStack } from "../helpers/plan";

const account = mockAccount.awsAccountId;
const T = {
  bucket: "aws:s3/bucket:Bucket",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  flowLog: "aws:ec2/flowLog:FlowLog",
  alb: "aws:lb/loadBalancer:LoadBalancer",
} as const;
// The mocks name the bucket `<resource name>-a1b2c3d` (tools/plan/mocks/aws.ts).
const bucketName = "web-logs-a1b2c3d";
const bucketArn = `arn:aws:s3:::${bucketName}`;

/** What S3 would decide for `principal` doing `action` on `resource` under the bucket policy. */
async function bucketDecides(
  policy: unknown,
  principal: string,
  action: string,
  resource: string,
  context: Record<string, string>,
): Promise<string> {
  const result = await runSimulation(
    {
      // A cross-account principal also needs its own account's allow; grant it everything, so
      // only the bucket policy decides. Service principals have no identity policy.
      identityPolicies: principal.startsWith("arn:")
        ? [
            {
              name: "own-account",
              policy: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
              } as never,
            },
          ]
        : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policy as never,
      request: {
        principal,
        action,
        resource: { resource, accountId: account },
        contextVariables: { "aws:SecureTransport": "true", ...context },
      },
    },
    {},
  );
  return result.resultType === "error"
    ? `error: ${JSON.stringify(result.errors)}`
    : result.overallResult;
}

const expected = {
  test: { retention: 7, forceDestroy: true },
  prod: { retention: 90, forceDestroy: false },
} as const;

for (const stack of ["test", "prod"] as const) {
  const want = expected[stack];
  const load = () => planStack(stack, "aws");

  describe(`AWS access and flow logs · ${stack} stack`, () => {
    it("keeps them in one private bucket, SSE-S3 encrypted, expired after logRetentionDays", async () => {
      const plan = await load();
      // forceDestroy only without deletion protection: a protected stack's logs survive a destroy.
      assert.deepEqual(one(plan, T.bucket).inputs, { forceDestroy: want.forceDestroy });
      // SSE-S3 ("AES256") is the only encryption ALB access logs support:
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
      assert.deepEqual(one(plan, T.sse).inputs, {
        bucket: "web-logs-id",
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      });
      assert.deepEqual(one(plan, T.lifecycle).inputs, {
        bucket: "web-logs-id",
        rules: [
          {
            id: "expire-logs",
            status: "Enabled",
            filter: {},
            expiration: { days: want.retention },
          },
        ],
      });
      assert.deepEqual(one(plan, T.publicAccess).inputs, {
        bucket: "web-logs-id",
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      assert.deepEqual(one(plan, T.ownership).inputs, {
        bucket: "web-logs-id",
        rule: { objectOwnership: "BucketOwnerEnforced" },
      });
      assert.equal(ofType(plan, T.bucket).length, 1);
    });

    it("turns on the ALB's access logs into the bucket's alb/ prefix", async () => {
      const alb = one(await load(), T.alb).inputs;
      assert.deepEqual(alb.accessLogs, { bucket: bucketName, prefix: "alb", enabled: true });
    });

    it("logs every flow of the VPC into the bucket's vpc/ prefix", async () => {
      assert.deepEqual(one(await load(), T.flowLog).inputs, {
        vpcId: "vpc-web-vpc",
        trafficType: "ALL",
        logDestinationType: "s3",
        logDestination: `${bucketArn}/vpc/`,
      });
    });

    it("has the bucket policy built for this bucket, account and Region", async () => {
      const policy = json(one(await load(), T.policy).inputs.policy);
      assert.deepEqual(policy, logBucketPolicy(bucketArn, account, "us-east-1"));
      assert.deepEqual(validateResourcePolicy(policy as never), []);
    });
  });
}

describe("AWS log bucket policy, under the IAM simulator", () => {
  const policy = logBucketPolicy(bucketArn, account, "us-east-1");
  const albKey = `${bucketArn}/${logPrefixes.alb}/AWSLogs/${account}/elasticloadbalancing/x.log.gz`;
  const vpcKey = `${bucketArn}/${logPrefixes.vpc}/AWSLogs/${account}/vpcflowlogs/x.log.gz`;
  const flowContext = {
    "aws:SourceAccount": account,
    "aws:SourceArn": `arn:aws:logs:us-east-1:${account}:delivery-source:x`,
    "s3:x-amz-acl": "bucket-owner-full-control",
  };
  const elb = "arn:aws:iam::127311923021:root";
  const rows: [string, string, string, string, Record<string, string>, string][] = [
    ["us-east-1's ELB account writes ALB logs", elb, "s3:PutObject", albKey, {}, "Allowed"],
    [
      "the ELB account cannot write under vpc/",
      elb,
      "s3:PutObject",
      vpcKey,
      {},
      "ImplicitlyDenied",
    ],
    [
      "another Region's ELB account cannot write",
      "arn:aws:iam::797873946194:root",
      "s3:PutObject",
      albKey,
      {},
      "ImplicitlyDenied",
    ],
    [
      "log delivery writes this account's flow logs",
      "delivery.logs.amazonaws.com",
      "s3:PutObject",
      vpcKey,
      flowContext,
      "Allowed",
    ],
    [
      "log delivery for another account is refused (confused deputy)",
      "delivery.logs.amazonaws.com",
      "s3:PutObject",
      vpcKey,
      { ...flowContext, "aws:SourceAccount": "999999999999" },
      "ImplicitlyDenied",
    ],
    [
      "log delivery may check the bucket ACL",
      "delivery.logs.amazonaws.com",
      "s3:GetBucketAcl",
      bucketArn,
      flowContext,
      "Allowed",
    ],
    [
      "nothing over plain HTTP",
      elb,
      "s3:PutObject",
      albKey,
      { "aws:SecureTransport": "false" },
      "ExplicitlyDenied",
    ],
  ];
  for (const [label, principal, action, resource, context, decision] of rows) {
    it(label, async () => {
      assert.equal(await bucketDecides(policy, principal, action, resource, context), decision);
    });
  }

  it("grants ALB delivery to the service principal in Regions opened since August 2022", () => {
    // "Enable access logs for your Application Load Balancer", step 2: older Regions use their
    // ELB account, newer ones (such as me-central-1, August 2022) the service principal.
    assert.deepEqual(elbLogDeliveryPrincipal("us-east-1"), { AWS: elb });
    assert.deepEqual(elbLogDeliveryPrincipal("me-central-1"), {
      Service: "logdelivery.elasticloadbalancing.amazonaws.com",
    });
  });
});
