/** What the GCP deploy builds, in the neutral words of components/topology.ts. */
import { ResolvedServiceArgs } from "../../components/args";
import { gceMachineType } from "../../components/sizing";
import { instancesOf, ServiceTopology, webListeners } from "../../components/topology";
import { lbHealthCheck } from "./compute";
import { projectRoles, repositoryRole } from "./identity";
import { needsInternetEgress } from "./network";

/** What each role the instances hold lets them do (identity.ts grants exactly these). */
const roleWords: Readonly<Record<string, string>> = {
  "roles/artifactregistry.reader": "pull images from the shared repository",
  "roles/logging.logWriter": "write logs to the project",
  "roles/monitoring.metricWriter": "write metrics to the project",
};

/**
 * From the same values the resources are registered with: the forwarding rules of the domain,
 * the backend service's `lbHealthCheck`, the template's machine type, the service account's
 * grants, and whether `needsInternetEgress` gives the subnet a Cloud NAT.
 */
export function gcpTopology(args: ResolvedServiceArgs, accountEmail: string): ServiceTopology {
  const roles = [...projectRoles, repositoryRole];
  return {
    cloud: "gcp",
    region: args.region,
    zones: args.zones,
    loadBalancer: {
      kind: "global external Application Load Balancer",
      layer: 7,
      listeners: webListeners(args.domain),
    },
    instances: instancesOf(args, gceMachineType(args.instanceSize)),
    healthCheck: {
      path: args.healthCheckPath,
      port: args.containerPort,
      intervalSeconds: lbHealthCheck.checkIntervalSec,
      timeoutSeconds: lbHealthCheck.timeoutSec,
      healthyThreshold: lbHealthCheck.healthyThreshold,
      unhealthyThreshold: lbHealthCheck.unhealthyThreshold,
    },
    identities: [
      { name: accountEmail, may: roles.map((role) => `${role}: ${roleWords[role] ?? role}`) },
    ],
    egress: [
      {
        what: "Artifact Registry, Cloud Logging and Monitoring APIs",
        to: "Google APIs",
        ports: "tcp 443",
        via: "Private Google Access",
      },
      ...(needsInternetEgress(args.image)
        ? [
            {
              what: "the image, from a registry outside Google",
              to: "0.0.0.0/0",
              ports: "any",
              via: "Cloud NAT",
            },
          ]
        : []),
    ],
  };
}
