import { PolicyDocument, PolicyStatement } from "./trust";

/** The ARNs and names the pipeline policies are scoped to. */
export interface AwsPolicyScope {
  readonly partition: string;
  readonly accountId: string;
  /** Regions the workload may be deployed to; every regional call is limited to them. */
  readonly regions: readonly string[];
  readonly stateBucketArn: string;
  readonly stateKeyArn: string;
  /**
   * Prefix of the names of the IAM roles and ECR repository the main program creates. Pulumi
   * auto-names children from the component name ("web" in program.ts) plus a random suffix, so
   * they all start with "web-".
   */
  readonly workloadNamePrefix: string;
}

/**
 * What `pulumi up` of the main program calls, per AWS service, read off the resources that
 * `providers/aws` registers (see `awsResourceActions` below, which the tests hold the program to).
 * Create actions mostly cannot be scoped to a resource ARN that does not exist yet, so these run
 * on `Resource: "*"` limited to the deployment regions; see docs/pipeline.md.
 */
export const deployActions: Readonly<Record<string, readonly string[]>> = {
  ec2: [
    "ec2:Describe*",
    "ec2:CreateVpc",
    "ec2:DeleteVpc",
    "ec2:ModifyVpcAttribute",
    "ec2:CreateSubnet",
    "ec2:DeleteSubnet",
    "ec2:ModifySubnetAttribute",
    "ec2:CreateInternetGateway",
    "ec2:DeleteInternetGateway",
    "ec2:AttachInternetGateway",
    "ec2:DetachInternetGateway",
    "ec2:AllocateAddress",
    "ec2:ReleaseAddress",
    "ec2:DisassociateAddress",
    "ec2:CreateNatGateway",
    "ec2:DeleteNatGateway",
    "ec2:CreateRouteTable",
    "ec2:DeleteRouteTable",
    "ec2:CreateRoute",
    "ec2:DeleteRoute",
    "ec2:ReplaceRoute",
    "ec2:AssociateRouteTable",
    "ec2:DisassociateRouteTable",
    "ec2:CreateSecurityGroup",
    "ec2:DeleteSecurityGroup",
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:AuthorizeSecurityGroupEgress",
    "ec2:RevokeSecurityGroupIngress",
    "ec2:RevokeSecurityGroupEgress",
    "ec2:ModifySecurityGroupRules",
    "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
    "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
    "ec2:CreateTags",
    "ec2:DeleteTags",
  ],
  elasticloadbalancing: [
    "elasticloadbalancing:Describe*",
    "elasticloadbalancing:CreateLoadBalancer",
    "elasticloadbalancing:DeleteLoadBalancer",
    "elasticloadbalancing:ModifyLoadBalancerAttributes",
    "elasticloadbalancing:SetSecurityGroups",
    "elasticloadbalancing:SetSubnets",
    "elasticloadbalancing:CreateTargetGroup",
    "elasticloadbalancing:DeleteTargetGroup",
    "elasticloadbalancing:ModifyTargetGroup",
    "elasticloadbalancing:ModifyTargetGroupAttributes",
    "elasticloadbalancing:CreateListener",
    "elasticloadbalancing:DeleteListener",
    "elasticloadbalancing:ModifyListener",
    "elasticloadbalancing:ModifyListenerAttributes",
    "elasticloadbalancing:CreateRule",
    "elasticloadbalancing:DeleteRule",
    "elasticloadbalancing:ModifyRule",
    "elasticloadbalancing:AddTags",
    "elasticloadbalancing:RemoveTags",
  ],
  ecs: [
    "ecs:Describe*",
    "ecs:List*",
    "ecs:CreateCluster",
    "ecs:DeleteCluster",
    "ecs:UpdateCluster",
    "ecs:UpdateClusterSettings",
    "ecs:PutClusterCapacityProviders",
    "ecs:RegisterTaskDefinition",
    "ecs:DeregisterTaskDefinition",
    "ecs:CreateService",
    "ecs:UpdateService",
    "ecs:DeleteService",
    "ecs:TagResource",
    "ecs:UntagResource",
  ],
  ecr: [
    "ecr:Describe*",
    "ecr:List*",
    "ecr:GetLifecyclePolicy",
    "ecr:GetRepositoryPolicy",
    "ecr:CreateRepository",
    "ecr:DeleteRepository",
    "ecr:PutLifecyclePolicy",
    "ecr:DeleteLifecyclePolicy",
    "ecr:PutImageScanningConfiguration",
    "ecr:PutImageTagMutability",
    "ecr:TagResource",
    "ecr:UntagResource",
  ],
  logs: [
    "logs:DescribeLogGroups",
    "logs:ListTagsForResource",
    "logs:ListTagsLogGroup",
    "logs:CreateLogGroup",
    "logs:DeleteLogGroup",
    "logs:PutRetentionPolicy",
    "logs:DeleteRetentionPolicy",
    "logs:TagResource",
    "logs:UntagResource",
    "logs:TagLogGroup",
  ],
  cloudwatch: [
    "cloudwatch:DescribeAlarms",
    "cloudwatch:ListTagsForResource",
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:DeleteAlarms",
    "cloudwatch:GetDashboard",
    "cloudwatch:PutDashboard",
    "cloudwatch:DeleteDashboards",
    "cloudwatch:TagResource",
    "cloudwatch:UntagResource",
  ],
  sns: [
    "sns:GetTopicAttributes",
    "sns:SetTopicAttributes",
    "sns:ListTagsForResource",
    "sns:ListSubscriptionsByTopic",
    "sns:GetSubscriptionAttributes",
    "sns:CreateTopic",
    "sns:DeleteTopic",
    "sns:Subscribe",
    "sns:Unsubscribe",
    "sns:TagResource",
    "sns:UntagResource",
  ],
  acm: [
    "acm:DescribeCertificate",
    "acm:ListTagsForCertificate",
    "acm:RequestCertificate",
    "acm:DeleteCertificate",
    "acm:AddTagsToCertificate",
    "acm:RemoveTagsFromCertificate",
  ],
  "application-autoscaling": [
    "application-autoscaling:Describe*",
    "application-autoscaling:ListTagsForResource",
    "application-autoscaling:RegisterScalableTarget",
    "application-autoscaling:DeregisterScalableTarget",
    "application-autoscaling:PutScalingPolicy",
    "application-autoscaling:DeleteScalingPolicy",
    "application-autoscaling:TagResource",
    "application-autoscaling:UntagResource",
  ],
};

/** The read half of `deployActions`: what `pulumi preview` (and a refresh) may call. */
export const previewActions: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(deployActions).map(([service, actions]) => [
    service,
    actions.filter((action) => /:(Describe|List|Get)/.test(action)),
  ]),
);

const roleReadActions = [
  "iam:GetRole",
  "iam:GetRolePolicy",
  "iam:ListRolePolicies",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
  "iam:ListRoleTags",
];
const route53ReadActions = [
  "route53:GetHostedZone",
  "route53:ListHostedZones",
  "route53:ListHostedZonesByName",
  "route53:ListResourceRecordSets",
  "route53:GetChange",
  "route53:ListTagsForResource",
];

/** The AWS managed policy ECS task execution roles attach; the only one the deploy may attach. */
export const ecsTaskExecutionPolicy = (partition: string) =>
  `arn:${partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`;

/**
 * The deploy role's permissions: the state bucket and its key, pushing images to the stack's own
 * repository (which the program creates), and the workload's services in its regions. IAM is the part that cannot be fully
 * contained (see `iamStatements`).
 */
export function deployPolicy(scope: AwsPolicyScope): PolicyDocument {
  const regional = Object.values(deployActions).flat();
  return {
    Version: "2012-10-17",
    Statement: [
      ...stateStatements(scope, "readWrite"),
      ...imagePushStatements(scope),
      {
        Sid: "WorkloadInDeploymentRegions",
        Effect: "Allow",
        Action: regional,
        Resource: "*",
        Condition: { StringEquals: { "aws:RequestedRegion": [...scope.regions] } },
      },
      ...iamStatements(scope),
      {
        Sid: "DnsRecordsForCertificatesAndDomain",
        Effect: "Allow",
        Action: [...route53ReadActions, "route53:ChangeResourceRecordSets"],
        Resource: "*",
      },
    ],
  };
}

/** The preview role's permissions: read state, take the stack lock, decrypt, describe. */
export function previewPolicy(scope: AwsPolicyScope): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      ...stateStatements(scope, "readAndLock"),
      {
        Sid: "DescribeWorkload",
        Effect: "Allow",
        Action: Object.values(previewActions).flat(),
        Resource: "*",
        Condition: { StringEquals: { "aws:RequestedRegion": [...scope.regions] } },
      },
      {
        Sid: "ReadWorkloadRoles",
        Effect: "Allow",
        Action: roleReadActions,
        Resource: workloadRoleArn(scope),
      },
      { Sid: "ReadDns", Effect: "Allow", Action: route53ReadActions, Resource: "*" },
    ],
  };
}

function workloadRoleArn(scope: AwsPolicyScope): string {
  return `arn:${scope.partition}:iam::${scope.accountId}:role/${scope.workloadNamePrefix}*`;
}

/**
 * Pulumi's S3 backend keeps checkpoints under `.pulumi/stacks/`, history and backups beside them,
 * and takes a stack's lock by writing `.pulumi/locks/<stack>/<id>.json` (and deleting it after).
 * A preview takes that lock too, so the read-only role may write and delete there and nowhere else.
 */
function stateStatements(
  scope: AwsPolicyScope,
  access: "readWrite" | "readAndLock",
): PolicyStatement[] {
  const objects = `${scope.stateBucketArn}/*`;
  return [
    {
      Sid: "StateBucketList",
      Effect: "Allow",
      Action: ["s3:ListBucket", "s3:GetBucketLocation"],
      Resource: scope.stateBucketArn,
    },
    access === "readWrite"
      ? {
          Sid: "StateObjects",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
          Resource: objects,
        }
      : { Sid: "StateObjectsRead", Effect: "Allow", Action: ["s3:GetObject"], Resource: objects },
    ...(access === "readAndLock"
      ? [
          {
            Sid: "StateLocks",
            Effect: "Allow" as const,
            Action: ["s3:PutObject", "s3:DeleteObject"],
            Resource: `${scope.stateBucketArn}/.pulumi/locks/*`,
          },
        ]
      : []),
    {
      // The same key encrypts state objects (SSE-KMS) and the stack's secrets (awskms://).
      Sid: "StateKey",
      Effect: "Allow",
      Action:
        access === "readWrite"
          ? ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
          : ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      Resource: scope.stateKeyArn,
    },
  ];
}

function imagePushStatements(scope: AwsPolicyScope): PolicyStatement[] {
  return [
    {
      // GetAuthorizationToken has no resource type; it returns a registry login, not access.
      Sid: "RegistryLogin",
      Effect: "Allow",
      Action: ["ecr:GetAuthorizationToken"],
      Resource: "*",
    },
    {
      Sid: "ImagePush",
      Effect: "Allow",
      Action: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
        "ecr:PutImage",
      ],
      Resource: scope.regions.map(
        (region) =>
          `arn:${scope.partition}:ecr:${region}:${scope.accountId}:repository/${scope.workloadNamePrefix}*`,
      ),
    },
  ];
}

/**
 * IAM for the workload's roles. Limited to roles named like the program's, to attaching only the
 * ECS task-execution managed policy, to passing roles only to ECS tasks, and to creating only the
 * service-linked roles ECS, ELB and Application Auto Scaling use. Not expressible: the content of
 * an inline role policy (`iam:PutRolePolicy`) cannot be constrained by IAM conditions, so a
 * deploy identity can always write a broad inline policy onto a workload role. Containing that
 * needs a permissions boundary that the main program sets on its roles (see docs/pipeline.md).
 */
function iamStatements(scope: AwsPolicyScope): PolicyStatement[] {
  const roles = workloadRoleArn(scope);
  return [
    {
      Sid: "WorkloadRoles",
      Effect: "Allow",
      Action: [
        ...roleReadActions,
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:UpdateRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
      ],
      Resource: roles,
    },
    {
      Sid: "AttachOnlyTaskExecutionPolicy",
      Effect: "Allow",
      Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
      Resource: roles,
      Condition: { ArnEquals: { "iam:PolicyARN": ecsTaskExecutionPolicy(scope.partition) } },
    },
    {
      Sid: "PassRolesOnlyToEcsTasks",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: roles,
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
    {
      Sid: "ServiceLinkedRoles",
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "iam:AWSServiceName": [
            "ecs.amazonaws.com",
            "elasticloadbalancing.amazonaws.com",
            "ecs.application-autoscaling.amazonaws.com",
          ],
        },
      },
    },
  ];
}

/**
 * The action that creates each resource type the main program may register, so a test can hold
 * the deploy policy to what the program really does. Components and providers are not listed:
 * they make no AWS call. A type missing here fails the test with the line to add.
 */
export const awsResourceActions: Readonly<Record<string, string>> = {
  "aws:ec2/vpc:Vpc": "ec2:CreateVpc",
  "aws:ec2/subnet:Subnet": "ec2:CreateSubnet",
  "aws:ec2/internetGateway:InternetGateway": "ec2:CreateInternetGateway",
  "aws:ec2/natGateway:NatGateway": "ec2:CreateNatGateway",
  "aws:ec2/eip:Eip": "ec2:AllocateAddress",
  "aws:ec2/routeTable:RouteTable": "ec2:CreateRouteTable",
  "aws:ec2/route:Route": "ec2:CreateRoute",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "ec2:AssociateRouteTable",
  "aws:ec2/securityGroup:SecurityGroup": "ec2:CreateSecurityGroup",
  "aws:ec2/securityGroupRule:SecurityGroupRule": "ec2:AuthorizeSecurityGroupIngress",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "ec2:AuthorizeSecurityGroupIngress",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "ec2:AuthorizeSecurityGroupEgress",
  "aws:lb/loadBalancer:LoadBalancer": "elasticloadbalancing:CreateLoadBalancer",
  "aws:lb/targetGroup:TargetGroup": "elasticloadbalancing:CreateTargetGroup",
  "aws:lb/listener:Listener": "elasticloadbalancing:CreateListener",
  "aws:lb/listenerRule:ListenerRule": "elasticloadbalancing:CreateRule",
  "aws:ecr/repository:Repository": "ecr:CreateRepository",
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": "ecr:PutLifecyclePolicy",
  "aws:ecs/cluster:Cluster": "ecs:CreateCluster",
  "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "ecs:PutClusterCapacityProviders",
  "aws:ecs/taskDefinition:TaskDefinition": "ecs:RegisterTaskDefinition",
  "aws:ecs/service:Service": "ecs:CreateService",
  "aws:cloudwatch/logGroup:LogGroup": "logs:CreateLogGroup",
  "aws:cloudwatch/metricAlarm:MetricAlarm": "cloudwatch:PutMetricAlarm",
  "aws:cloudwatch/dashboard:Dashboard": "cloudwatch:PutDashboard",
  "aws:iam/role:Role": "iam:CreateRole",
  "aws:iam/rolePolicy:RolePolicy": "iam:PutRolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "iam:AttachRolePolicy",
  "aws:sns/topic:Topic": "sns:CreateTopic",
  "aws:sns/topicSubscription:TopicSubscription": "sns:Subscribe",
  "aws:sns/topicPolicy:TopicPolicy": "sns:SetTopicAttributes",
  "aws:acm/certificate:Certificate": "acm:RequestCertificate",
  "aws:acm/certificateValidation:CertificateValidation": "acm:DescribeCertificate",
  "aws:route53/record:Record": "route53:ChangeResourceRecordSets",
  "aws:appautoscaling/target:Target": "application-autoscaling:RegisterScalableTarget",
  "aws:appautoscaling/policy:Policy": "application-autoscaling:PutScalingPolicy",
};
