import { CloudMocks, mockAccount } from "../../tools/plan/mocks/types";

const account = mockAccount.awsAccountId;
const arn = (service: string, resource: string, region = "us-east-1") =>
  `arn:aws:${service}:${region}:${account}:${resource}`;

/** What the AWS provider computes for the resource types this program registers. */
export const awsMocks: CloudMocks = {
  outputs: {
    "awsx:ec2:Vpc": ({ name, inputs }) => {
      const zones: string[] = inputs.availabilityZoneNames ?? [];
      return {
        vpcId: `vpc-${name}`,
        publicSubnetIds: zones.map((zone) => `subnet-public-${zone}`),
        privateSubnetIds: zones.map((zone) => `subnet-private-${zone}`),
      };
    },
    "aws:ec2/securityGroup:SecurityGroup": ({ name }) => ({
      arn: arn("ec2", `security-group/sg-${name}`),
    }),
    "aws:lb/loadBalancer:LoadBalancer": ({ name }) => ({
      arn: arn("elasticloadbalancing", `loadbalancer/app/${name}/50dc6c495c0c9188`),
      arnSuffix: `app/${name}/50dc6c495c0c9188`,
      dnsName: `${name}-1234567890.us-east-1.elb.amazonaws.com`,
      zoneId: "Z35SXDOTRQ7X7K",
    }),
    // Regional web ACL ARNs: arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>.
    "aws:wafv2/webAcl:WebAcl": ({ name }) => ({
      arn: arn("wafv2", `regional/webacl/${name}/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111`),
    }),
    "aws:lb/targetGroup:TargetGroup": ({ name }) => ({
      arn: arn("elasticloadbalancing", `targetgroup/${name}/6d0ecf831eec9f09`),
      arnSuffix: `targetgroup/${name}/6d0ecf831eec9f09`,
    }),
    "aws:lb/listener:Listener": ({ name }) => ({
      arn: arn("elasticloadbalancing", `listener/app/${name}/50dc6c495c0c9188/f2f7dc8efc522ab2`),
    }),
    "aws:ecr/repository:Repository": ({ name }) => ({
      arn: arn("ecr", `repository/${name}`),
      repositoryUrl: `${account}.dkr.ecr.us-east-1.amazonaws.com/${name}`,
    }),
    "aws:ecs/cluster:Cluster": ({ name }) => ({ arn: arn("ecs", `cluster/${name}`) }),
    "aws:ecs/taskDefinition:TaskDefinition": ({ name }) => ({
      arn: arn("ecs", `task-definition/${name}:1`),
      revision: 1,
    }),
    "aws:ecs/service:Service": ({ name }) => ({ id: arn("ecs", `service/${name}`) }),
    "aws:cloudwatch/logGroup:LogGroup": ({ name, inputs }) => ({
      arn: arn("logs", `log-group:${inputs.name ?? name}`),
    }),
    "aws:iam/role:Role": ({ name, inputs }) => ({
      arn: `arn:aws:iam::${account}:role/${inputs.name ?? name}`,
    }),
    "aws:sns/topic:Topic": ({ name }) => ({ arn: arn("sns", name) }),
    "aws:kms/key:Key": ({ name }) => ({
      arn: arn("kms", `key/${name}-0000-4000-8000-000000000000`),
      keyId: `${name}-0000-4000-8000-000000000000`,
    }),
    "aws:acm/certificate:Certificate": ({ inputs }) => ({
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
    "aws:s3/bucket:Bucket": ({ name, inputs }) => {
      const bucket = inputs.bucket ?? `${name}-a1b2c3d`;
      return { bucket, arn: `arn:aws:s3:::${bucket}` };
    },
    "aws:appautoscaling/target:Target": ({ inputs }) => ({ resourceId: inputs.resourceId }),
  },
  invokes: {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
      accountId: account,
      arn: `arn:aws:iam::${account}:user/plan`,
      userId: "AIDAPLAN",
    }),
    "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }),
    "aws:route53/getZone:getZone": (inputs) => ({
      zoneId: "Z0123456789PLANZONE",
      name: inputs.name,
    }),
  },
};
