/** The GCP plan (regional MIG behind a global external Application Load Balancer) as a diagram. */
import { PlannedService } from "../../components/cloudHome";
import { TopologyListener } from "../../components/topology";
import { listenerText, topologyOf } from "../../tools/plan/topology";
import { PlannedResource } from "../../tools/plan/recorder";
import { at, first, list, ofType, str, strings } from "../../tools/verify/resources";
import {
  Diagram,
  Edge,
  group,
  node,
  Node,
  nodeId,
  spreadOverZones,
  zoneTrafficEdges,
} from "../../tools/diagram/model";
import { gcpTypes as T } from "./resourceTypes";

/** What each granted role lets the account do, for edge labels. */
const roleVerbs: Record<string, { verb: string; target: "registry" | "logs" | "monitoring" }> = {
  "roles/artifactregistry.reader": { verb: "pull", target: "registry" },
  "roles/logging.logWriter": { verb: "write logs", target: "logs" },
  "roles/monitoring.metricWriter": { verb: "write metrics", target: "monitoring" },
};

/** The topology's listener, with the TLS policy's profile on HTTPS (a detail of the resource). */
function listenerLabel(resources: readonly PlannedResource[], listener: TopologyListener): string {
  if (listener.protocol !== "HTTPS") return listenerText(listener);
  const policy = first(resources, T.sslPolicy)?.inputs;
  const tls = policy ? ` (${String(policy.profile)}, ${String(policy.minTlsVersion)}+)` : "";
  return `${listenerText(listener)}${tls}`;
}

const percent = (fraction: unknown) => String(Math.round(Number(fraction) * 100));

/**
 * Zones, counts, machine type, listeners, health check, scaling range and the instances' account
 * come from the neutral topology; the network, stores, alerting and grants from the resources,
 * which the topology does not describe (CIDR, firewall sources, repository names, alert policies).
 */
export function gcpDiagram(plan: PlannedService): Diagram {
  const r = plan.resources;
  const t = topologyOf(plan);
  const subnet = first(r, T.subnet)?.inputs ?? {};
  const zones = t.zones;
  const counts = spreadOverZones(t.instances.desired, zones);
  const port = t.instances.containerPort;
  const address = str(first(r, T.rule)?.inputs.ipAddress) ?? "";

  const lbId = "lb";
  const lb = node(
    lbId,
    "stadium",
    `Global external Application Load Balancer ${address}`.trim(),
    `listeners ${t.loadBalancer.listeners.map((l) => listenerLabel(r, l)).join(", ")}`,
    `health check ${t.healthCheck.path} every ${t.healthCheck.intervalSeconds} s`,
  );
  const allowLb = ofType(r, T.firewall).find((f) => list(f.inputs.allows).length > 0);
  const zoneGroups = zones.map((zone, index) =>
    group(nodeId("zone", zone), zone, [
      node(
        nodeId("vm", zone),
        "rect",
        `VM ×${counts[index]} ${t.instances.machineType}`,
        `Container-Optimized OS · :${String(port)}`,
      ),
    ]),
  );
  const nat = first(r, T.nat);
  const firewall = allowLb
    ? ` · firewall admits :${String(port)} from ${strings(allowLb.inputs.sourceRanges).join(", ")} only`
    : "";
  const network = group(
    "vpc",
    `VPC ${first(r, T.network)?.name ?? ""} · subnet ${String(subnet.ipCidrRange)} ${String(subnet.region)}${firewall}`,
    nat ? [node("nat", "rect", "Cloud NAT")] : [],
    zoneGroups,
  );

  const repo = first(r, T.repo);
  const bucket = first(r, T.logBucket)?.inputs;
  const alerts = ofType(r, T.alert);
  const uptime = first(r, T.uptime)?.inputs;
  const emails = ofType(r, T.channel).map((c) => String(at(c.inputs, "labels", "email_address")));
  const autoscaler = at(first(r, T.autoscaler)?.inputs, "autoscalingPolicy");
  const services = group("regional_services", "Google Cloud services", [
    repo
      ? node(
          "registry",
          "cylinder",
          `Artifact Registry ${repo.name}`,
          at(repo.inputs, "dockerConfig", "immutableTags") === true
            ? "immutable tags"
            : "mutable tags",
        )
      : // The project's shared repository: bootstrap/ creates it, the stack only pulls from it.
        node(
          "registry",
          "cylinder",
          "Artifact Registry shared repository",
          "created by the bootstrap, not the stack",
        ),
    node(
      "logs",
      "cylinder",
      bucket ? `Cloud Logging bucket ${String(bucket.bucketId)}` : "Cloud Logging _Default bucket",
      bucket ? `kept ${String(bucket.retentionDays)} days` : "kept 30 days (default)",
    ),
    node(
      "monitoring",
      "subroutine",
      `Cloud Monitoring: ${alerts.length} alert policies${uptime ? `, uptime check ${String(at(uptime, "httpCheck", "path"))}` : ""}`,
      emails.length > 0 ? `→ ${emails.join(", ")}` : "no notification channel",
    ),
    node(
      "autoscaling",
      "subroutine",
      `Autoscaler ${t.instances.min}–${t.instances.max} VMs`,
      `CPU ${percent(at(autoscaler, "cpuUtilization", "target"))} % · LB ${percent(at(autoscaler, "loadBalancingUtilization", "target"))} %`,
    ),
  ]);

  // Edges show what each grant lets the instances' account do; a role the table does not know is
  // listed on the account itself rather than left out.
  // The instances' account is the bootstrap's (bootstrap/gcp.ts), named by the template's email.
  const email = t.identities[0]?.name ?? "";
  const [accountId, project = ""] = email.replace(".iam.gserviceaccount.com", "").split("@");
  const accounts = email === "" ? [] : [{ name: accountId }];
  const member = `serviceAccount:${email}`;
  const grants = r.filter(
    (g) => /iam(member|binding):/i.test(g.type) && g.inputs.member === member,
  );
  const byTarget = new Map<string, string[]>();
  const otherRoles: string[] = [];
  for (const grant of grants) {
    const known = roleVerbs[String(grant.inputs.role)];
    if (known === undefined) {
      otherRoles.push(String(grant.inputs.role));
      continue;
    }
    const label = `${known.verb}${known.target === "registry" ? ` ${String(grant.inputs.repository)}` : ""}`;
    byTarget.set(known.target, [...(byTarget.get(known.target) ?? []), label]);
  }
  const accountNodes: Node[] = accounts.map((a) =>
    node(
      nodeId("sa", a.name),
      "hexagon",
      `service account ${a.name}`,
      "the VMs run as it · created by the bootstrap",
      ...otherRoles.map((role) => `also holds ${role}`),
    ),
  );
  const identity = group("iam", `IAM · project ${project}`, accountNodes);
  const grantEdges: Edge[] = accounts.flatMap((a) =>
    [...byTarget].map(([target, labels]): Edge => ({
      from: nodeId("sa", a.name),
      to: target,
      label: labels.join(", "),
      kind: "permission",
    })),
  );

  const backendLabel = `${String(first(r, T.backend)?.inputs.protocol)} :${String(port)}`;
  const edges: Edge[] = [
    ...t.loadBalancer.listeners.map((l): Edge => ({
      from: "internet",
      to: lbId,
      label: listenerLabel(r, l),
      kind: "traffic",
    })),
    ...zoneTrafficEdges(lbId, zones, backendLabel, nat !== undefined),
    ...grantEdges,
  ];
  return {
    title: `gcp · ${plan.stack}`,
    nodes: [node("internet", "circle", "Internet")],
    groups: [group("front_ends", "Google front ends (global)", [lb]), network, services, identity],
    edges,
  };
}
