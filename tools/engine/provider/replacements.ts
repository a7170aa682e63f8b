/**
 * Which input changes make the real provider replace a resource instead of updating it, for the
 * resource types this program creates where a replacement matters. Every entry names the upstream
 * source that says so, and tests/engine/replacements.test.ts downloads that source through the Go
 * module proxy and checks the entry is really marked there, so the table cannot drift.
 *
 * - aws and gcp are Terraform-bridged: a change to an attribute whose schema says `ForceNew: true`
 *   is a replacement (pulumi/pulumi-terraform-bridge pkg/tfshim/sdk-v2 diff: RequiresNew). pulumi-gcp
 *   bridges google-beta, which the proxy does not serve; terraform-provider-google is generated
 *   from the same Magic Modules definitions, so the compute resources here share their schema.
 * - azure-native replaces when a path parameter of the resource's ARM URL changes, or a property
 *   its metadata marks forceNew (pulumi/pulumi-azure-native provider/pkg/provider/diff.go,
 *   calculateDetailedDiff). The azure-native metadata is not served by the proxy either, so only
 *   path parameters are listed, checked against the ARM URL in azure-sdk-for-go's generated client
 *   (generated from the same REST API specifications).
 *
 * Upstream versions: the proxy serves terraform-provider-aws and terraform-provider-google only as
 * pseudo-versions of their default branch (their v2+ tags lack a /vN module path), so the newest
 * commit it served when this was written is pinned. ForceNew on these attributes has not changed
 * in years.
 */
export interface UpstreamSource {
  readonly module: string;
  readonly version: string;
  /** File in the module, and the function (Terraform) or client (Azure) that holds the schema. */
  readonly file: string;
  readonly symbol: string;
  readonly kind: "terraform-sdk" | "azure-path";
}

export interface ReplaceRule {
  /** The Pulumi input property, as the program passes it. */
  readonly property: string;
  /** The upstream attribute (Terraform) or ARM path parameter (Azure). */
  readonly upstream: string;
}

export interface TypeRules {
  readonly source: UpstreamSource;
  readonly replaceOn: readonly ReplaceRule[];
}

const tfAws = "github.com/hashicorp/terraform-provider-aws";
const tfAwsVersion = "v1.60.1-0.20260602190131-5f2286d6d836";
const tfGoogle = "github.com/hashicorp/terraform-provider-google";
const tfGoogleVersion = "v1.20.1-0.20260828184646-f3721fb45fa3";
const armCompute = "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v6";
const armNetwork = "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7";

const aws = (file: string, symbol: string): UpstreamSource => ({
  module: tfAws,
  version: tfAwsVersion,
  file: `internal/service/${file}`,
  symbol,
  kind: "terraform-sdk",
});
const gcp = (file: string, symbol: string): UpstreamSource => ({
  module: tfGoogle,
  version: tfGoogleVersion,
  file: `google/services/compute/${file}`,
  symbol,
  kind: "terraform-sdk",
});
const azure = (module: string, version: string, file: string, symbol: string): UpstreamSource => ({
  module,
  version,
  file,
  symbol,
  kind: "azure-path",
});

/** `loadBalancerType` from `load_balancer_type`, as the bridge names properties. */
const same = (...attributes: string[]): ReplaceRule[] =>
  attributes.map((upstream) => ({
    property: upstream.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()),
    upstream,
  }));

/** ARM path parameters keep their name as azure-native inputs. */
const pathParameters = (...names: string[]): ReplaceRule[] =>
  names.map((name) => ({ property: name, upstream: name }));

export const replacementRules: Readonly<Record<string, TypeRules>> = {
  "aws:lb/loadBalancer:LoadBalancer": {
    source: aws("elbv2/load_balancer.go", "resourceLoadBalancer"),
    replaceOn: same("name", "name_prefix", "internal", "load_balancer_type"),
  },
  "aws:lb/listener:Listener": {
    source: aws("elbv2/listener.go", "resourceListener"),
    replaceOn: same("load_balancer_arn"),
  },
  "aws:lb/targetGroup:TargetGroup": {
    source: aws("elbv2/target_group.go", "resourceTargetGroup"),
    replaceOn: same(
      "name",
      "name_prefix",
      "port",
      "protocol",
      "protocol_version",
      "target_type",
      "vpc_id",
      "ip_address_type",
    ),
  },
  "aws:ecs/service:Service": {
    source: aws("ecs/service.go", "resourceService"),
    replaceOn: same("name", "cluster", "launch_type", "iam_role", "scheduling_strategy"),
  },
  "aws:ecs/taskDefinition:TaskDefinition": {
    source: aws("ecs/task_definition.go", "resourceTaskDefinition"),
    replaceOn: same(
      "container_definitions",
      "cpu",
      "memory",
      "family",
      "execution_role_arn",
      "task_role_arn",
      "network_mode",
      "requires_compatibilities",
      "runtime_platform",
    ),
  },
  "aws:ecs/cluster:Cluster": {
    source: aws("ecs/cluster.go", "resourceCluster"),
    replaceOn: same("name"),
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    source: aws("ec2/vpc_security_group.go", "resourceSecurityGroup"),
    replaceOn: same("name", "name_prefix", "description", "vpc_id"),
  },
  "aws:ecr/repository:Repository": {
    source: aws("ecr/repository.go", "resourceRepository"),
    replaceOn: [
      ...same("name"),
      // A MaxItems-less list: the bridge pluralises the property name.
      { property: "encryptionConfigurations", upstream: "encryption_configuration" },
    ],
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    source: aws("logs/group.go", "resourceGroup"),
    replaceOn: same("name", "name_prefix"),
  },
  "aws:appautoscaling/target:Target": {
    source: aws("appautoscaling/target.go", "resourceTarget"),
    replaceOn: same("resource_id", "scalable_dimension", "service_namespace"),
  },
  "aws:acm/certificate:Certificate": {
    source: aws("acm/certificate.go", "resourceCertificate"),
    replaceOn: same(
      "domain_name",
      "subject_alternative_names",
      "validation_method",
      "key_algorithm",
    ),
  },

  "gcp:compute/globalAddress:GlobalAddress": {
    source: gcp("resource_compute_global_address.go", "ResourceComputeGlobalAddress"),
    replaceOn: same(
      "name",
      "project",
      "address",
      "address_type",
      "ip_version",
      "network",
      "prefix_length",
      "purpose",
      "description",
    ),
  },
  "gcp:compute/backendService:BackendService": {
    source: gcp("resource_compute_backend_service.go", "ResourceComputeBackendService"),
    replaceOn: same("name", "project"),
  },
  "gcp:compute/healthCheck:HealthCheck": {
    source: gcp("resource_compute_health_check.go", "ResourceComputeHealthCheck"),
    replaceOn: same("name", "project"),
  },
  "gcp:compute/uRLMap:URLMap": {
    source: gcp("resource_compute_url_map.go", "ResourceComputeUrlMap"),
    replaceOn: same("name", "project"),
  },
  "gcp:compute/targetHttpProxy:TargetHttpProxy": {
    source: gcp("resource_compute_target_http_proxy.go", "ResourceComputeTargetHttpProxy"),
    replaceOn: same("name", "project", "description"),
  },
  "gcp:compute/targetHttpsProxy:TargetHttpsProxy": {
    source: gcp("resource_compute_target_https_proxy.go", "ResourceComputeTargetHttpsProxy"),
    replaceOn: same("name", "project", "description"),
  },
  "gcp:compute/managedSslCertificate:ManagedSslCertificate": {
    source: gcp(
      "resource_compute_managed_ssl_certificate.go",
      "ResourceComputeManagedSslCertificate",
    ),
    replaceOn: same("name", "project", "managed", "type", "description"),
  },
  "gcp:compute/globalForwardingRule:GlobalForwardingRule": {
    source: gcp(
      "resource_compute_global_forwarding_rule.go",
      "ResourceComputeGlobalForwardingRule",
    ),
    replaceOn: same(
      "name",
      "project",
      "ip_address",
      "ip_protocol",
      "port_range",
      "network",
      "network_tier",
      "ip_version",
      "description",
    ),
  },
  "gcp:compute/instanceTemplate:InstanceTemplate": {
    source: gcp("resource_compute_instance_template.go", "ResourceComputeInstanceTemplate"),
    replaceOn: [
      ...same(
        "name",
        "name_prefix",
        "project",
        "region",
        "machine_type",
        "metadata",
        "metadata_startup_script",
        "tags",
        "description",
        "can_ip_forward",
        "scheduling",
        "shielded_instance_config",
        "service_account",
      ),
      { property: "disks", upstream: "disk" },
      { property: "networkInterfaces", upstream: "network_interface" },
    ],
  },
  "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": {
    source: gcp(
      "resource_compute_region_instance_group_manager.go",
      "ResourceComputeRegionInstanceGroupManager",
    ),
    replaceOn: same(
      "name",
      "project",
      "region",
      "base_instance_name",
      "description",
      "distribution_policy_zones",
    ),
  },
  "gcp:compute/regionAutoscaler:RegionAutoscaler": {
    source: gcp("resource_compute_region_autoscaler.go", "ResourceComputeRegionAutoscaler"),
    replaceOn: same("name", "project", "region"),
  },

  "azure-native:compute:VirtualMachineScaleSet": {
    source: azure(
      armCompute,
      "v6.4.0",
      "virtualmachinescalesets_client.go",
      "VirtualMachineScaleSetsClient",
    ),
    replaceOn: pathParameters("resourceGroupName", "vmScaleSetName"),
  },
  "azure-native:network:LoadBalancer": {
    source: azure(armNetwork, "v7.2.0", "loadbalancers_client.go", "LoadBalancersClient"),
    replaceOn: pathParameters("resourceGroupName", "loadBalancerName"),
  },
  "azure-native:network:PublicIPAddress": {
    source: azure(armNetwork, "v7.2.0", "publicipaddresses_client.go", "PublicIPAddressesClient"),
    replaceOn: pathParameters("resourceGroupName", "publicIpAddressName"),
  },
  "azure-native:network:VirtualNetwork": {
    source: azure(armNetwork, "v7.2.0", "virtualnetworks_client.go", "VirtualNetworksClient"),
    replaceOn: pathParameters("resourceGroupName", "virtualNetworkName"),
  },
  "azure-native:network:Subnet": {
    source: azure(armNetwork, "v7.2.0", "subnets_client.go", "SubnetsClient"),
    replaceOn: pathParameters("resourceGroupName", "virtualNetworkName", "subnetName"),
  },
};

/** The top-level properties whose change makes the provider replace a resource of this type. */
export function replaceProperties(type: string): readonly string[] {
  return (replacementRules[type]?.replaceOn ?? []).map((rule) => rule.property);
}
