import { CloudMocks, mockAccount } from "../../tools/plan/mocks/types";
import { awsInvokes as I, awsTypes as T } from "./resourceTypes";

const account = mockAccount.awsAccountId;
const arn = (service: string, resource: string, region = "us-east-1") =>
  `arn:aws:${service}:${region}:${account}:${resource}`;

/** What the AWS provider computes for the resource types this program registers. */
export const awsMocks: CloudMocks = {
  outputs: {
    [T.vpc]: ({ name, inputs }) => {
      const zones: string[] = inputs.availabilityZoneNames ?? [];
      return {
        vpcId: `vpc-${name}`,
        publicSubnetIds: zones.map((zone) => `subnet-public-${zone}`),
        privateSubnetIds: zones.map((zone) => `subnet-private-${zone}`),
      };
    },
    [T.securityGroup]: ({ name }) => ({
      arn: arn("ec2", `security-group/sg-${name}`),
    }),
    [T.alb]: ({ name }) => ({
      arn: arn("elasticloadbalancing", `loadbalancer/app/${name}/50dc6c495c0c9188`),
      arnSuffix: `app/${name}/50dc6c495c0c9188`,
      dnsName: `${name}-1234567890.us-east-1.elb.amazonaws.com`,
      zoneId: "Z35SXDOTRQ7X7K",
    }),
    // Regional web ACL ARNs: arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>.
    [T.webAcl]: ({ name }) => ({
      arn: arn("wafv2", `regional/webacl/${name}/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111`),
    }),
    [T.tg]: ({ name }) => ({
      arn: arn("elasticloadbalancing", `targetgroup/${name}/6d0ecf831eec9f09`),
      arnSuffix: `targetgroup/${name}/6d0ecf831eec9f09`,
    }),
    [T.listener]: ({ name }) => ({
      arn: arn("elasticloadbalancing", `listener/app/${name}/50dc6c495c0c9188/f2f7dc8efc522ab2`),
    }),
    [T.repo]: ({ name }) => ({
      arn: arn("ecr", `repository/${name}`),
      repositoryUrl: `${account}.dkr.ecr.us-east-1.amazonaws.com/${name}`,
    }),
    [T.cluster]: ({ name }) => ({ arn: arn("ecs", `cluster/${name}`) }),
    [T.task]: ({ name }) => ({
      arn: arn("ecs", `task-definition/${name}:1`),
      revision: 1,
    }),
    [T.service]: ({ name }) => ({ id: arn("ecs", `service/${name}`) }),
    [T.logGroup]: ({ name, inputs }) => ({
      arn: arn("logs", `log-group:${inputs.name ?? name}`),
    }),
    [T.role]: ({ name, inputs }) => ({
      arn: `arn:aws:iam::${account}:role/${inputs.name ?? name}`,
    }),
    [T.topic]: ({ name }) => ({ arn: arn("sns", name) }),
    [T.kmsKey]: ({ name }) => ({
      arn: arn("kms", `key/${name}-0000-4000-8000-000000000000`),
      keyId: `${name}-0000-4000-8000-000000000000`,
    }),
    [T.certificate]: ({ inputs }) => ({
      arn: arn("acm", "certificate/0f6b4a1e-0000-4000-8000-000000000000"),
      domainValidationOptions: [
        {
          domainName: inputs.domainName,
          resourceRecordName: `_x1.${inputs.domainName}.`,
          resourceRecordType: "CNAME",
          resourceRecordValue: "_x2.acm-validations.aws.",
        },
      ],
    }),
    // Bucket names are global; the provider auto-names `<name>-<7 random chars>`.
    [T.logBucket]: ({ name, inputs }) => {
      const bucket = inputs.bucket ?? `${name}-a1b2c3d`;
      return { bucket, arn: `arn:aws:s3:::${bucket}` };
    },
    [T.scaling]: ({ inputs }) => ({ resourceId: inputs.resourceId }),
  },
  invokes: {
    [I.callerIdentity]: () => ({
      accountId: account,
      arn: `arn:aws:iam::${account}:user/plan`,
      userId: "AIDAPLAN",
    }),
    [I.partition]: () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }),
    [I.hostedZone]: (inputs) => ({
      zoneId: "Z0123456789PLANZONE",
      name: inputs.name,
    }),
  },
  // elasticloadbalancing DeleteLoadBalancer refuses an ALB with deletion protection on:
  // OperationNotPermitted, "Load balancer ... cannot be deleted because deletion protection is
  // enabled" (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteLoadBalancer.html).
  deleteRefusal: (type, state) =>
    type === T.alb && state.enableDeletionProtection === true
      ? `OperationNotPermitted: Load balancer '${String(state.arn)}' cannot be deleted because deletion protection is enabled`
      : undefined,
};
