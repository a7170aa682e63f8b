/**
 * The Pulumi type tokens of what the GCP deploy registers, by role: the names the diagram, the
 * cost rules, the plan's mocks and the policies look resources up by. Plain data, so the policy
 * pack, which runs in a process of its own, can import it without the program or an SDK.
 */
export const gcpTypes = {
  provider: "pulumi:providers:gcp",
  projectService: "gcp:projects/service:Service",
  network: "gcp:compute/network:Network",
  subnet: "gcp:compute/subnetwork:Subnetwork",
  router: "gcp:compute/router:Router",
  nat: "gcp:compute/routerNat:RouterNat",
  firewall: "gcp:compute/firewall:Firewall",
  address: "gcp:compute/globalAddress:GlobalAddress",
  rule: "gcp:compute/globalForwardingRule:GlobalForwardingRule",
  httpProxy: "gcp:compute/targetHttpProxy:TargetHttpProxy",
  httpsProxy: "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
  certificate: "gcp:compute/managedSslCertificate:ManagedSslCertificate",
  urlMap: "gcp:compute/uRLMap:URLMap",
  sslPolicy: "gcp:compute/sSLPolicy:SSLPolicy",
  securityPolicy: "gcp:compute/securityPolicy:SecurityPolicy",
  backend: "gcp:compute/backendService:BackendService",
  healthCheck: "gcp:compute/healthCheck:HealthCheck",
  mig: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
  template: "gcp:compute/instanceTemplate:InstanceTemplate",
  autoscaler: "gcp:compute/regionAutoscaler:RegionAutoscaler",
  repo: "gcp:artifactregistry/repository:Repository",
  repoMember: "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
  logBucket: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  logSink: "gcp:logging/projectSink:ProjectSink",
  logExclusion: "gcp:logging/projectExclusion:ProjectExclusion",
  alert: "gcp:monitoring/alertPolicy:AlertPolicy",
  uptime: "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig",
  channel: "gcp:monitoring/notificationChannel:NotificationChannel",
  account: "gcp:serviceaccount/account:Account",
  projectMember: "gcp:projects/iAMMember:IAMMember",
  // Not registered by this deploy, but guarded by the policies, so a change that adds one is held
  // to the same rules.
  instance: "gcp:compute/instance:Instance",
  regionTemplate: "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
  zonalMig: "gcp:compute/instanceGroupManager:InstanceGroupManager",
  zonalAutoscaler: "gcp:compute/autoscaler:Autoscaler",
  regionSslPolicy: "gcp:compute/regionSslPolicy:RegionSslPolicy",
} as const;
