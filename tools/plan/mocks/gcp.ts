import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { CloudMocks, mockAccount } from "./types";

type Args = pulumi.runtime.MockResourceArgs;

/**
 * Project and region are inputs where the program passes them; elsewhere the provider's values
 * would apply, which mocks are not told, so the mocks fall back to these placeholders.
 */
const fallbackProject = "mock-project";
const fallbackRegion = "mock-region";

const api = "https://www.googleapis.com/compute/v1";
const project = ({ inputs }: Args): string => inputs.project ?? fallbackProject;
const region = ({ inputs }: Args): string => inputs.region ?? fallbackRegion;
/**
 * The physical name: the input when given, else what auto-naming would produce, computed as the
 * recorder computes its stand-in (`<logical name>-<7 hex>`) so that `name` and the paths agree.
 */
const physical = ({ inputs, name, type }: Args): string =>
  inputs.name ?? `${name}-${createHash("sha1").update(`${type}::${name}`).digest("hex").slice(0, 7)}`;

/** A global Compute Engine resource: `id` is its path, `selfLink` its URL. */
function global(collection: string) {
  return (args: Args) => {
    const path = `projects/${project(args)}/global/${collection}/${physical(args)}`;
    return { id: path, selfLink: `${api}/${path}`, name: physical(args) };
  };
}

function regional(collection: string) {
  return (args: Args) => {
    const path = `projects/${project(args)}/regions/${region(args)}/${collection}/${physical(args)}`;
    return { id: path, selfLink: `${api}/${path}`, name: physical(args) };
  };
}

/** What the gcp provider computes for the resource types this program registers. */
export const gcpMocks: CloudMocks = {
  outputs: {
    "gcp:projects/service:Service": ({ inputs }) => ({
      id: `${inputs.project}/${inputs.service}`,
    }),
    "gcp:compute/network:Network": global("networks"),
    "gcp:compute/subnetwork:Subnetwork": (args) => ({
      ...regional("subnetworks")(args),
      gatewayAddress: "10.20.0.1",
    }),
    "gcp:compute/router:Router": regional("routers"),
    "gcp:compute/routerNat:RouterNat": (args) => ({ name: physical(args) }),
    "gcp:compute/firewall:Firewall": global("firewalls"),
    "gcp:serviceaccount/account:Account": (args) => {
      const email = `${args.inputs.accountId ?? args.name}@${project(args)}.iam.gserviceaccount.com`;
      return {
        email,
        member: `serviceAccount:${email}`,
        name: `projects/${project(args)}/serviceAccounts/${email}`,
        uniqueId: "100000000000000000001",
      };
    },
    "gcp:projects/iAMMember:IAMMember": () => ({ etag: "BwXmock=" }),
    "gcp:artifactregistry/repository:Repository": ({ inputs }) => ({
      id: `projects/${inputs.project}/locations/${inputs.location}/repositories/${inputs.repositoryId}`,
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
        id: path,
        name,
        selfLink: `${api}/${path}`,
        selfLinkUnique: `${api}/${path}?uniqueId=4242424242424242424`,
      };
    },
    "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": (args) => {
      const path = `projects/${project(args)}/regions/${region(args)}`;
      return {
        id: `${path}/instanceGroupManagers/${physical(args)}`,
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
  },
  invokes: {},
};

/** Re-exported so tests can assert documents that embed the project number. */
export const gcpProjectNumber = mockAccount.gcpProjectNumber;
