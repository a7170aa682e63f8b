/**
 * The Pulumi type tokens of what the AWS deploy registers, by role: the names the diagram, the
 * cost rules, the plan's mocks and the policies look resources up by. Plain data, so the policy
 * pack, which runs in a process of its own, can import it without the program or an SDK.
 */
export const awsTypes = {
  provider: "pulumi:providers:aws",
  vpc: "awsx:ec2:Vpc",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  alb: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  tg: "aws:lb/targetGroup:TargetGroup",
  webAcl: "aws:wafv2/webAcl:WebAcl",
  webAclAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
  certificate: "aws:acm/certificate:Certificate",
  certificateValidation: "aws:acm/certificateValidation:CertificateValidation",
  dnsRecord: "aws:route53/record:Record",
  cluster: "aws:ecs/cluster:Cluster",
  service: "aws:ecs/service:Service",
  task: "aws:ecs/taskDefinition:TaskDefinition",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  repo: "aws:ecr/repository:Repository",
  repoLifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  kmsKey: "aws:kms/key:Key",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  topic: "aws:sns/topic:Topic",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  scaling: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  logBucket: "aws:s3/bucket:Bucket",
  logBucketOwnership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  logBucketPublicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  logBucketEncryption:
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  logBucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  logExpiry: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  flowLog: "aws:ec2/flowLog:FlowLog",
  // Not registered by this deploy (the subnets are awsx's), but guarded by the policies, so a
  // change that adds one is held to the same rules.
  subnet: "aws:ec2/subnet:Subnet",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  instance: "aws:ec2/instance:Instance",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  // The `alb` module's aliases of the `lb` types.
  albAlias: "aws:alb/loadBalancer:LoadBalancer",
  listenerAlias: "aws:alb/listener:Listener",
  tgAlias: "aws:alb/targetGroup:TargetGroup",
  policy: "aws:iam/policy:Policy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
} as const;

/** The invoke tokens of the data sources the AWS deploy reads. */
export const awsInvokes = {
  callerIdentity: "aws:index/getCallerIdentity:getCallerIdentity",
  partition: "aws:index/getPartition:getPartition",
  hostedZone: "aws:route53/getZone:getZone",
} as const;
