/**
 * The Pulumi type tokens of what the GCP deploy registers, by role: the names the diagram,
 * the cost rules and the tests look resources up by.
 */
export const gcpTypes = {
  network: "gcp:compute/network:Network",
  subnet: "gcp:compute/subnetwork:Subnetwork",
  rule: "gcp:compute/globalForwardingRule:GlobalForwardingRule",
  httpProxy: "gcp:compute/targetHttpProxy:TargetHttpProxy",
  httpsProxy: "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
  urlMap: "gcp:compute/uRLMap:URLMap",
  sslPolicy: "gcp:compute/sSLPolicy:SSLPolicy",
  backend: "gcp:compute/backendService:BackendService",
  healthCheck: "gcp:compute/healthCheck:HealthCheck",
  mig: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
  template: "gcp:compute/instanceTemplate:InstanceTemplate",
  autoscaler: "gcp:compute/regionAutoscaler:RegionAutoscaler",
  firewall: "gcp:compute/firewall:Firewall",
  nat: "gcp:compute/routerNat:RouterNat",
  repo: "gcp:artifactregistry/repository:Repository",
  logBucket: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  alert: "gcp:monitoring/alertPolicy:AlertPolicy",
  uptime: "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig",
  channel: "gcp:monitoring/notificationChannel:NotificationChannel",
  account: "gcp:serviceaccount/account:Account",
} as const;
