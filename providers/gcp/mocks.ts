import * as pulumi from "@pulumi/pulumi";
import { CloudMocks, mockAccount, mockAutoName } from "../../tools/plan/mocks/types";

type Args = pulumi.runtime.MockResourceArgs;

/**
 * Project and region of each explicit gcp provider, by logical name. A resource without its own
 * `project` or `region` input gets its provider's, as the real provider would; mocks are only told
 * the provider's reference (`<urn>::<id>`), so the provider's inputs are remembered when it
 * registers. Each plan registers its provider before any child, so entries are always current.
 */
const providers = new Map<string, { project?: string; region?: string }>();

function providerOf({ provider }: Args) {
  if (!provider) return undefined;
  const urn = provider.slice(0, provider.lastIndexOf("::"));
  return providers.get(urn.slice(urn.lastIndexOf("::") + 2));
}

const api = "https://www.googleapis.com/compute/v1";
const project = (args: Args): string =>
  args.inputs.project ?? providerOf(args)?.project ?? "no-project-configured";
const region = (args: Args): string =>
  args.inputs.region ?? providerOf(args)?.region ?? "no-region-configured";
/**
 * The physical name: the input when given, else what auto-naming would produce, computed as the
 * recorder computes its stand-in (`<logical name>-<7 hex>`) so that `name` and the paths agree.
 */
const physical = ({ inputs, name, type }: Args): string => inputs.name ?? mockAutoName(type, name);

/**
 * A global Compute Engine resource: its physical name and URL. (`id` is the mock engine's own
 * `<logical name>-id`, which references between resources show.)
 */
function global(collection: string) {
  return (args: Args) => {
    const path = `projects/${project(args)}/global/${collection}/${physical(args)}`;
    return { selfLink: `${api}/${path}`, name: physical(args) };
  };
}

function regional(collection: string) {
  return (args: Args) => {
    const path = `projects/${project(args)}/regions/${region(args)}/${collection}/${physical(args)}`;
    return { selfLink: `${api}/${path}`, name: physical(args) };
  };
}

/** What the gcp provider computes for the resource types this program registers. */
export const gcpMocks: CloudMocks = {
  outputs: {
    "pulumi:providers:gcp": ({ name, inputs }) => {
      providers.set(name, { project: inputs.project, region: inputs.region });
      return {};
    },
    "gcp:projects/service:Service": () => ({}),
    "gcp:compute/network:Network": global("networks"),
    "gcp:compute/subnetwork:Subnetwork": (args) => ({
      ...regional("subnetworks")(args),
      gatewayAddress: "10.20.0.1",
    }),
    "gcp:compute/router:Router": regional("routers"),
    "gcp:compute/routerNat:RouterNat": (args) => ({ name: physical(args) }),
    "gcp:compute/firewall:Firewall": global("firewalls"),
    "gcp:serviceaccount/account:Account": (args) => {
      const email = `${args.inputs.accountId ?? physical(args)}@${project(args)}.iam.gserviceaccount.com`;
      return {
        email,
        member: `serviceAccount:${email}`,
        name: `projects/${project(args)}/serviceAccounts/${email}`,
        uniqueId: "100000000000000000001",
      };
    },
    "gcp:projects/iAMMember:IAMMember": () => ({ etag: "BwXmock=" }),
    "gcp:artifactregistry/repository:Repository": ({ inputs }) => ({
      name: inputs.repositoryId,
      registryUri: `${inputs.location}-docker.pkg.dev/${inputs.project}/${inputs.repositoryId}`,
    }),
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": () => ({ etag: "BwXmock=" }),
    "gcp:compute/healthCheck:HealthCheck": global("healthChecks"),
    "gcp:compute/instanceTemplate:InstanceTemplate": (args) => {
      // The provider appends a timestamp and counter to namePrefix.
      const name = `${args.inputs.namePrefix ?? `${args.name}-`}20250101000000000000000001`;
      const path = `projects/${project(args)}/global/instanceTemplates/${name}`;
      return {
        name,
        selfLink: `${api}/${path}`,
        selfLinkUnique: `${api}/${path}?uniqueId=4242424242424242424`,
      };
    },
    "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": (args) => {
      const path = `projects/${project(args)}/regions/${region(args)}`;
      return {
        name: physical(args),
        selfLink: `${api}/${path}/instanceGroupManagers/${physical(args)}`,
        instanceGroup: `${api}/${path}/instanceGroups/${physical(args)}`,
      };
    },
    "gcp:compute/regionAutoscaler:RegionAutoscaler": regional("autoscalers"),
    "gcp:compute/globalAddress:GlobalAddress": (args) => ({
      ...global("addresses")(args),
      // TEST-NET-3 (RFC 5737): never routed, so nothing can mistake it for a real service.
      address: "203.0.113.10",
    }),
    "gcp:compute/backendService:BackendService": (args) => ({
      ...global("backendServices")(args),
      generatedId: 1001,
    }),
    "gcp:compute/uRLMap:URLMap": (args) => ({ ...global("urlMaps")(args), mapId: 2002 }),
    "gcp:compute/targetHttpProxy:TargetHttpProxy": global("targetHttpProxies"),
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy": global("targetHttpsProxies"),
    "gcp:compute/sSLPolicy:SSLPolicy": global("sslPolicies"),
    "gcp:compute/securityPolicy:SecurityPolicy": global("securityPolicies"),
    "gcp:compute/managedSslCertificate:ManagedSslCertificate": (args) => ({
      ...global("sslCertificates")(args),
      certificateId: 3003,
    }),
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": global("forwardingRules"),
    "gcp:monitoring/notificationChannel:NotificationChannel": (args) => ({
      name: `projects/${project(args)}/notificationChannels/4004`,
    }),
    "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": (args) => ({
      uptimeCheckId: `${args.name}-5005`,
      name: `projects/${project(args)}/uptimeCheckConfigs/${args.name}-5005`,
    }),
    "gcp:monitoring/alertPolicy:AlertPolicy": (args) => ({
      name: `projects/${project(args)}/alertPolicies/${args.name}-6006`,
    }),
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": ({ inputs }) => ({
      name: `projects/${inputs.project}/locations/${inputs.location}/buckets/${inputs.bucketId}`,
      lifecycleState: "ACTIVE",
    }),
    "gcp:logging/projectSink:ProjectSink": (args) => ({
      name: physical(args),
      writerIdentity: `serviceAccount:service-${mockAccount.gcpProjectNumber}@gcp-sa-logging.iam.gserviceaccount.com`,
    }),
    "gcp:logging/projectExclusion:ProjectExclusion": (args) => ({ name: physical(args) }),
  },
  invokes: {},
};
