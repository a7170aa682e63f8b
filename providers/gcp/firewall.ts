import * as gcp from "./sdk";
import { GcpContext } from "./context";
import { GcpIdentity } from "./identity";
import { gcpName } from "./names";
import { GcpNetwork } from "./network";

/**
 * Where Google Front Ends (the global external Application Load Balancer's proxies and its health
 * checkers) connect from. https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges
 */
export const googleFrontEndRanges = ["130.211.0.0/22", "35.191.0.0/16"];

/** Where IAP TCP forwarding connects from. https://cloud.google.com/iap/docs/using-tcp-forwarding */
export const iapForwardingRange = "35.235.240.0/20";

/** Just above the implied deny-all (65535), so it matches what that rule would and logs it. */
export const denyAllPriority = 65534;

export interface GcpFirewall {
  readonly rules: gcp.compute.Firewall[];
}

/**
 * Rules target the instances' service account rather than network tags: anyone who can edit an
 * instance can add a tag, but attaching a service account requires `iam.serviceAccountUser` on it.
 * No rule opens SSH to the internet; with `gcpAllowIapSsh`, only IAP's range may connect.
 */
export function createFirewall(
  ctx: GcpContext,
  network: GcpNetwork,
  identity: GcpIdentity,
): GcpFirewall {
  const { name, args, opts } = ctx;
  const targetServiceAccounts = [identity.serviceAccount.email];
  const rules = [
    new gcp.compute.Firewall(
      gcpName(name, "allow-lb"),
      {
        network: network.network.id,
        description: `Load balancer and health checks to the serving port ${args.containerPort}`,
        direction: "INGRESS",
        priority: 1000,
        sourceRanges: googleFrontEndRanges,
        targetServiceAccounts,
        allows: [{ protocol: "tcp", ports: [String(args.containerPort)] }],
      },
      opts,
    ),
  ];
  if (args.gcpAllowIapSsh) {
    rules.push(
      new gcp.compute.Firewall(
        gcpName(name, "allow-iap-ssh"),
        {
          network: network.network.id,
          description: "SSH through Identity-Aware Proxy only; OS Login decides who may log in",
          direction: "INGRESS",
          priority: 1000,
          sourceRanges: [iapForwardingRange],
          targetServiceAccounts,
          allows: [{ protocol: "tcp", ports: ["22"] }],
          logConfig: { metadata: "INCLUDE_ALL_METADATA" },
        },
        opts,
      ),
    );
  }
  // The implied rule denies the same but logs nothing; this one makes probes visible in the
  // firewall logs, and keeps the intent explicit if someone adds a broad allow to the network.
  rules.push(
    new gcp.compute.Firewall(
      gcpName(name, "deny-all-in"),
      {
        network: network.network.id,
        description: "Everything not allowed above",
        direction: "INGRESS",
        priority: denyAllPriority,
        sourceRanges: ["0.0.0.0/0"],
        denies: [{ protocol: "all" }],
        logConfig: { metadata: "EXCLUDE_ALL_METADATA" },
      },
      opts,
    ),
  );
  return { rules };
}
