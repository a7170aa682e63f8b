/**
 * Type tokens the policies inspect, as the engine reports them (`<package>:<module>/<file>:<Type>`).
 * Each is the `__pulumiType` of the SDK class; the tokens are stable across SDK major versions.
 */
export const aws = {
  provider: "pulumi:providers:aws",
  vpc: "awsx:ec2:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  instance: "aws:ec2/instance:Instance",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  albLoadBalancer: "aws:alb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  albListener: "aws:alb/listener:Listener",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  albTargetGroup: "aws:alb/targetGroup:TargetGroup",
  ecsService: "aws:ecs/service:Service",
  scalingTarget: "aws:appautoscaling/target:Target",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policy: "aws:iam/policy:Policy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  ecrRepository: "aws:ecr/repository:Repository",
} as const;

export const gcp = {
  provider: "pulumi:providers:gcp",
  firewall: "gcp:compute/firewall:Firewall",
  instance: "gcp:compute/instance:Instance",
  instanceTemplate: "gcp:compute/instanceTemplate:InstanceTemplate",
  regionInstanceTemplate: "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
  regionMig: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
  zonalMig: "gcp:compute/instanceGroupManager:InstanceGroupManager",
  regionAutoscaler: "gcp:compute/regionAutoscaler:RegionAutoscaler",
  autoscaler: "gcp:compute/autoscaler:Autoscaler",
  backendService: "gcp:compute/backendService:BackendService",
  httpsProxy: "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
  sslPolicy: "gcp:compute/sSLPolicy:SSLPolicy",
  regionSslPolicy: "gcp:compute/regionSslPolicy:RegionSslPolicy",
  artifactRepository: "gcp:artifactregistry/repository:Repository",
  logBucket: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  logBucketAlt: "gcp:logging/bucketConfig:BucketConfig",
} as const;

/**
 * GCP IAM grant types that carry a `role` (member, binding). Each module spells them its own way
 * (`projects/iAMMember`, `artifactregistry/repositoryIamMember`, `storage/bucketIAMMember`), so
 * they are matched by a case-insensitive pattern.
 */
export const gcpIamGrant = /^gcp:[a-z]+\/[a-z]*iam(member|binding):/i;

/** Authoritative whole-policy resources, whose bindings live in a `policyData` JSON document. */
export const gcpIamPolicy = /^gcp:[a-z]+\/[a-z]*iampolicy:/i;

export const azure = {
  scaleSet: "azure-native:compute:VirtualMachineScaleSet",
  nsg: "azure-native:network:NetworkSecurityGroup",
  securityRule: "azure-native:network:SecurityRule",
  loadBalancer: "azure-native:network:LoadBalancer",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  roleDefinition: "azure-native:authorization:RoleDefinition",
  workspace: "azure-native:operationalinsights:Workspace",
  registry: "azure-native:containerregistry:Registry",
  // Both modules publish AutoscaleSetting in azure-native v3.
  autoscale: ["azure-native:monitor:AutoscaleSetting", "azure-native:insights:AutoscaleSetting"],
} as const;

/**
 * Azure resource types that take `tags`. Sub-resources (security rules, subnets, role
 * assignments, diagnostic settings) have none, so the tag policy only looks at these.
 */
export const azureTaggable = [
  "azure-native:resources:ResourceGroup",
  "azure-native:network:VirtualNetwork",
  "azure-native:network:NetworkSecurityGroup",
  "azure-native:network:LoadBalancer",
  "azure-native:network:PublicIPAddress",
  "azure-native:network:NatGateway",
  "azure-native:compute:VirtualMachineScaleSet",
  "azure-native:managedidentity:UserAssignedIdentity",
  "azure-native:containerregistry:Registry",
  "azure-native:operationalinsights:Workspace",
  "azure-native:monitor:AutoscaleSetting",
  "azure-native:insights:AutoscaleSetting",
  "azure-native:monitor:ActionGroup",
  "azure-native:insights:ActionGroup",
  "azure-native:monitor:MetricAlert",
  "azure-native:insights:MetricAlert",
  "azure-native:insights:Component",
] as const;
