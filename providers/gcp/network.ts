import * as gcp from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { GcpContext } from "./context";
import { gcpName } from "./names";
import { isGoogleRegistry, registryHost } from "./startup";

/**
 * One subnet for the instances. /22 leaves room for 1,020 instances: the 100 the settings allow at
 * most, doubled by a 100 % surge, with plenty to spare.
 */
export const subnetCidr = "10.20.0.0/22";

export interface GcpNetwork {
  readonly network: gcp.compute.Network;
  readonly subnet: gcp.compute.Subnetwork;
  /** Set only when the instances need the internet; see `needsInternetEgress`. */
  readonly nat?: { readonly router: gcp.compute.Router; readonly nat: gcp.compute.RouterNat };
}

/**
 * Whether the instances need a route to the internet, which private instances only get through
 * Cloud NAT. Without it they still reach every Google API through Private Google Access: Artifact
 * Registry (image pulls), Cloud Logging and Monitoring (the COS agents), the metadata server
 * (credentials). The startup script downloads nothing else, and COS is never patched in place
 * (`cos-update-strategy: update_disabled`: a new image means a new template and a rolling
 * replacement), so the default image needs no NAT, and none is created: no NAT is the smallest
 * egress surface and the cheapest.
 *
 * An image from any other registry (Docker Hub, GHCR, ...) is pulled over the internet, so it
 * gets a NAT. An image that is only known at deploy time (an Output) cannot be inspected while
 * planning, so it is assumed to need one: a missing NAT fails every boot, an unneeded one costs
 * a little.
 */
export function needsInternetEgress(image: pulumi.Input<string> | undefined): boolean {
  if (image === undefined) return false;
  if (typeof image !== "string") return true;
  return !isGoogleRegistry(registryHost(image));
}

/**
 * A custom-mode VPC with one regional subnet; a regional subnet spans every zone of the region,
 * so one is enough for a MIG spread over zones.
 *
 * `natGateways` (single or per zone) has no GCP counterpart: Cloud NAT is a regional, software-
 * defined service with no per-zone gateway to lose, so one NAT already survives a zone outage.
 */
export function createNetwork(ctx: GcpContext): GcpNetwork {
  const { name, args, region, opts } = ctx;
  const network = new gcp.compute.Network(
    gcpName(name, "vpc"),
    {
      autoCreateSubnetworks: false,
      routingMode: "REGIONAL",
      description: `${name}: private network of the web service instances`,
    },
    opts,
  );
  const subnet = new gcp.compute.Subnetwork(
    gcpName(name, "subnet"),
    {
      network: network.id,
      region,
      ipCidrRange: subnetCidr,
      // Instances have no external address; this is how they reach Artifact Registry and the
      // logging and monitoring APIs.
      privateIpGoogleAccess: true,
      // Flow logs on every subnet (CIS GCP 3.8), sampled to keep their volume in check.
      logConfig: {
        aggregationInterval: "INTERVAL_5_SEC",
        flowSampling: 0.5,
        metadata: "INCLUDE_ALL_METADATA",
      },
    },
    opts,
  );
  if (!needsInternetEgress(args.image)) {
    return { network, subnet };
  }
  const router = new gcp.compute.Router(
    gcpName(name, "router"),
    { network: network.id, region },
    opts,
  );
  const nat = new gcp.compute.RouterNat(
    gcpName(name, "nat"),
    {
      router: router.name,
      region,
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
      subnetworks: [{ name: subnet.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    },
    opts,
  );
  return { network, subnet, nat: { router, nat } };
}
