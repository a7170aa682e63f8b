/** The GCP plan (regional MIG behind a global external Application Load Balancer) as a diagram. */
import { PlanResult } from "../../tools/plan/run";
import { PlannedResource } from "../../tools/plan/recorder";
import { at, first, list, num, ofType, str, strings } from "../../tools/verify/resources";
import {
  Diagram,
  Edge,
  group,
  node,
  Node,
  nodeId,
  spreadOverZones,
} from "../../tools/diagram/model";
import { gcpTypes as T } from "./resourceTypes";

/** What each granted role lets the account do, for edge labels. */
const roleVerbs: Record<string, { verb: string; target: "registry" | "logs" | "monitoring" }> = {
  "roles/artifactregistry.reader": { verb: "pull", target: "registry" },
  "roles/logging.logWriter": { verb: "write logs", target: "logs" },
  "roles/monitoring.metricWriter": { verb: "write metrics", target: "monitoring" },
};

/** The mocks' id of a resource is `<logical name>-id`; inputs refer to others by it. */
const byId = (resources: readonly PlannedResource[], id: unknown) =>
  resources.find((r) => `${r.name}-id` === id);

function listenerLabel(resources: readonly PlannedResource[], rule: PlannedResource): string {
  const proxy = byId(resources, rule.inputs.target);
  const port = String(rule.inputs.portRange);
  if (proxy?.type === T.httpsProxy) {
    const policy = byId(resources, proxy.inputs.sslPolicy)?.inputs;
    const tls = policy ? ` (${String(policy.profile)}, ${String(policy.minTlsVersion)}+)` : "";
    return `HTTPS :${port}${tls}`;
  }
  const map = byId(resources, proxy?.inputs.urlMap)?.inputs;
  return map?.defaultUrlRedirect !== undefined ? `HTTP :${port} → redirect` : `HTTP :${port}`;
}

const percent = (fraction: unknown) => String(Math.round(Number(fraction) * 100));

export function gcpDiagram(plan: Pick<PlanResult, "stack" | "resources">): Diagram {
  const r = plan.resources;
  const subnet = first(r, T.subnet)?.inputs ?? {};
  const mig = first(r, T.mig);
  const zones = strings(mig?.inputs.distributionPolicyZones);
  const counts = spreadOverZones(num(mig?.inputs.targetSize) ?? 0, zones);
  const template = first(r, T.template)?.inputs ?? {};
  const port = num(at(mig?.inputs, "namedPorts", 0, "port"));
  const rules = ofType(r, T.rule).sort((a, b) => a.name.localeCompare(b.name));
  const lbCheck = byId(r, first(r, T.backend)?.inputs.healthChecks)?.inputs;
  const address = str(rules[0]?.inputs.ipAddress) ?? "";

  const lbId = "lb";
  const lb = node(
    lbId,
    "stadium",
    `Global external Application Load Balancer ${address}`.trim(),
    `listeners ${rules.map((rule) => listenerLabel(r, rule)).join(", ")}`,
    `health check ${String(at(lbCheck, "httpHealthCheck", "requestPath"))} every ${String(lbCheck?.checkIntervalSec)} s`,
  );
  const allowLb = ofType(r, T.firewall).find((f) => list(f.inputs.allows).length > 0);
  const zoneGroups = zones.map((zone, index) =>
    group(nodeId("zone", zone), zone, [
      node(
        nodeId("vm", zone),
        "rect",
        `VM ×${counts[index]} ${String(template.machineType)}`,
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
      `Autoscaler ${String(at(autoscaler, "minReplicas"))}–${String(at(autoscaler, "maxReplicas"))} VMs`,
      `CPU ${percent(at(autoscaler, "cpuUtilization", "target"))} % · LB ${percent(at(autoscaler, "loadBalancingUtilization", "target"))} %`,
    ),
  ]);

  // Edges show what each grant lets the instances' account do; a role the table does not know is
  // listed on the account itself rather than left out.
  // The instances' account is the bootstrap's (bootstrap/gcp.ts), named by the template's email.
  const email = str(at(template, "serviceAccount", "email")) ?? "";
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
    ...rules.map((rule): Edge => ({
      from: "internet",
      to: lbId,
      label: listenerLabel(r, rule),
      kind: "traffic",
    })),
    ...zones.map((zone): Edge => ({
      from: lbId,
      to: nodeId("vm", zone),
      label: backendLabel,
      kind: "traffic",
    })),
    ...(nat
      ? zones.map((zone): Edge => ({
          from: nodeId("vm", zone),
          to: "nat",
          label: "egress",
          kind: "traffic",
        }))
      : []),
    ...grantEdges,
  ];
  return {
    title: `gcp · ${plan.stack}`,
    nodes: [node("internet", "circle", "Internet")],
    groups: [group("front_ends", "Google front ends (global)", [lb]), network, services, identity],
    edges,
  };
}
