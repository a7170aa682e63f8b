import * as pulumi from "@pulumi/pulumi";
import { CloudMocks, mockAccount, mockAutoName } from "../../tools/plan/mocks/types";
import { gcpTypes as T } from "./resourceTypes";

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
    [T.provider]: ({ name, inputs }) => {
      providers.set(name, { project: inputs.project, region: inputs.region });
      return {};
    },
    [T.projectService]: () => ({}),
    [T.network]: global("networks"),
    [T.subnet]: (args) => ({
      ...regional("subnetworks")(args),
      gatewayAddress: "10.20.0.1",
    }),
    [T.router]: regional("routers"),
    [T.nat]: (args) => ({ name: physical(args) }),
    [T.firewall]: global("firewalls"),
    [T.account]: (args) => {
      const email = `${args.inputs.accountId ?? physical(args)}@${project(args)}.iam.gserviceaccount.com`;
      return {
        email,
        member: `serviceAccount:${email}`,
        name: `projects/${project(args)}/serviceAccounts/${email}`,
        uniqueId: "100000000000000000001",
      };
    },
    [T.projectMember]: () => ({ etag: "BwXmock=" }),
    [T.repo]: ({ inputs }) => ({
      name: inputs.repositoryId,
      registryUri: `${inputs.location}-docker.pkg.dev/${inputs.project}/${inputs.repositoryId}`,
    }),
    [T.repoMember]: () => ({ etag: "BwXmock=" }),
    [T.healthCheck]: global("healthChecks"),
    [T.template]: (args) => {
      // The provider appends a timestamp and counter to namePrefix.
      const name = `${args.inputs.namePrefix ?? `${args.name}-`}20250101000000000000000001`;
      const path = `projects/${project(args)}/global/instanceTemplates/${name}`;
      return {
        name,
        selfLink: `${api}/${path}`,
        selfLinkUnique: `${api}/${path}?uniqueId=4242424242424242424`,
      };
    },
    [T.mig]: (args) => {
      const path = `projects/${project(args)}/regions/${region(args)}`;
      return {
        name: physical(args),
        selfLink: `${api}/${path}/instanceGroupManagers/${physical(args)}`,
        instanceGroup: `${api}/${path}/instanceGroups/${physical(args)}`,
      };
    },
    [T.autoscaler]: regional("autoscalers"),
    [T.address]: (args) => ({
      ...global("addresses")(args),
      // TEST-NET-3 (RFC 5737): never routed, so nothing can mistake it for a real service.
      address: "203.0.113.10",
    }),
    [T.backend]: (args) => ({
      ...global("backendServices")(args),
      generatedId: 1001,
    }),
    [T.urlMap]: (args) => ({ ...global("urlMaps")(args), mapId: 2002 }),
    [T.httpProxy]: global("targetHttpProxies"),
    [T.httpsProxy]: global("targetHttpsProxies"),
    [T.sslPolicy]: global("sslPolicies"),
    [T.securityPolicy]: global("securityPolicies"),
    [T.certificate]: (args) => ({
      ...global("sslCertificates")(args),
      certificateId: 3003,
    }),
    [T.rule]: global("forwardingRules"),
    [T.channel]: (args) => ({
      name: `projects/${project(args)}/notificationChannels/4004`,
    }),
    [T.uptime]: (args) => ({
      uptimeCheckId: `${args.name}-5005`,
      name: `projects/${project(args)}/uptimeCheckConfigs/${args.name}-5005`,
    }),
    [T.alert]: (args) => ({
      name: `projects/${project(args)}/alertPolicies/${args.name}-6006`,
    }),
    [T.logBucket]: ({ inputs }) => ({
      name: `projects/${inputs.project}/locations/${inputs.location}/buckets/${inputs.bucketId}`,
      lifecycleState: "ACTIVE",
    }),
    [T.logSink]: (args) => ({
      name: physical(args),
      writerIdentity: `serviceAccount:service-${mockAccount.gcpProjectNumber}@gcp-sa-logging.iam.gserviceaccount.com`,
    }),
    [T.logExclusion]: (args) => ({ name: physical(args) }),
  },
  invokes: {},
  // terraform-provider-google refuses to destroy a resource whose deletionPolicy is PREVENT
  // (google/services/compute/resource_compute_global_address.go, resourceComputeGlobalAddressDelete,
  // and every generated resource with that field).
  deleteRefusal: (type, state) =>
    type.startsWith("gcp:") && state.deletionPolicy === "PREVENT"
      ? `cannot destroy Compute${type.split(":").pop() ?? type} without setting deletion_policy="DELETE" and running \`terraform apply\``
      : undefined,
};
