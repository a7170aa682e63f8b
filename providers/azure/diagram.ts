/** The Azure plan (zone-spread scale set behind a Standard Load Balancer) as a diagram. */
import { PlanResult } from "../../tools/plan/run";
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
import { azureTypes as T } from "./resourceTypes";

/** Built-in roles the program assigns, by definition id, with what they let the identity do. */
const roleVerbs: Record<string, { verb: string; target: string }> = {
  "7f951dda-4ed3-4680-a7ca-43fe172d538d": { verb: "pull", target: "registry" },
};

export function azureDiagram(plan: Pick<PlanResult, "stack" | "resources">): Diagram {
  const r = plan.resources;
  const vmss = first(r, T.vmss);
  const zones = strings(vmss?.inputs.zones);
  const counts = spreadOverZones(num(at(vmss?.inputs, "sku", "capacity")) ?? 0, zones);
  const lb = first(r, T.lb);
  const lbRules = list(lb?.inputs.loadBalancingRules);
  const probe = at(lb?.inputs, "probes", 0);
  const ip = first(r, T.ip);
  const nsg = first(r, T.nsg);
  const subnet = first(r, T.subnet);
  const vnet = first(r, T.vnet);
  const backendPorts = [...new Set(lbRules.map((rule) => String(at(rule, "backendPort"))))];
  const internetRules = list(nsg?.inputs.securityRules).filter(
    (rule) => at(rule, "access") === "Allow" && at(rule, "sourceAddressPrefix") === "Internet",
  );

  const nat = first(r, T.nat);
  const outbound = list(lb?.inputs.outboundRules).length > 0;
  const lbId = "lb";
  const lbNode = node(
    lbId,
    "stadium",
    `Standard Load Balancer ${lb?.name ?? ""}`,
    `public IP ${ip?.name ?? ""} · zones ${strings(ip?.inputs.zones).join(", ")}`,
    `rules ${lbRules.map((rule) => `${String(at(rule, "protocol"))} :${String(at(rule, "frontendPort"))} → :${String(at(rule, "backendPort"))}`).join(", ")}`,
    `probe ${String(at(probe, "protocol"))} ${String(at(probe, "requestPath"))} every ${String(at(probe, "intervalInSeconds"))} s`,
    // Without a NAT gateway the VMs' egress leaves through the load balancer's outbound rule.
    ...(outbound && !nat ? ["outbound rule: the VMs' egress (SNAT)"] : []),
  );
  const zoneGroups = zones.map((zone, index) =>
    group(nodeId("zone", zone), `zone ${zone}`, [
      node(
        nodeId("vm", zone),
        "rect",
        `VM ×${counts[index]} ${String(at(vmss?.inputs, "sku", "name"))}`,
        `${imageLabel(at(vmss?.inputs, "virtualMachineProfile", "storageProfile", "imageReference"))} · :${backendPorts.join(", ")}`,
      ),
    ]),
  );
  const nsgLabel = internetRules
    .map((rule) => `admits Internet on :${String(at(rule, "destinationPortRange"))}`)
    .join(", ");
  const subnetGroup = group(
    "subnet",
    `subnet ${subnet?.name ?? ""} ${String(subnet?.inputs.addressPrefix)} · NSG ${nsg?.name ?? ""}${nsgLabel ? `: ${nsgLabel}` : ""}`,
    nat ? [node("nat", "rect", `NAT gateway ${nat.name}`)] : [],
    zoneGroups,
  );
  const network = group(
    "vnet",
    `VNet ${vnet?.name ?? ""} ${strings(at(vnet?.inputs, "addressSpace", "addressPrefixes")).join(", ")}`,
    [],
    [subnetGroup],
  );

  const registry = first(r, T.registry);
  const workspace = first(r, T.workspace);
  const alerts = ofType(r, ...T.alert);
  const emails = ofType(r, ...T.actionGroup).flatMap((g) =>
    list(g.inputs.emailReceivers).map((e) => String(at(e, "emailAddress"))),
  );
  const capacity = at(first(r, ...T.autoscale)?.inputs, "profiles", 0, "capacity");
  const serviceNodes: Node[] = [
    registry
      ? node(
          "registry",
          "cylinder",
          `Container Registry ${registry.name}`,
          `${String(at(registry.inputs, "sku", "name"))} · admin user ${registry.inputs.adminUserEnabled === true ? "on" : "off"}`,
        )
      : // The subscription's shared registry: bootstrap/ creates it, the stack only pulls from it.
        node(
          "registry",
          "cylinder",
          "Container Registry shared registry",
          "created by the bootstrap, not the stack",
        ),
    ...(workspace
      ? [
          node(
            "logs",
            "cylinder",
            `Log Analytics ${workspace.name}`,
            `kept ${String(workspace.inputs.retentionInDays)} days`,
          ),
        ]
      : []),
    node(
      "monitoring",
      "subroutine",
      `Azure Monitor: ${alerts.length} metric alerts`,
      emails.length > 0 ? `→ ${emails.join(", ")}` : "no receiver",
    ),
    node(
      "autoscaling",
      "subroutine",
      `Autoscale ${String(at(capacity, "minimum"))}–${String(at(capacity, "maximum"))} VMs`,
    ),
  ];
  const services = group("regional_services", "Azure services", serviceNodes);

  const identities = ofType(r, T.identity);
  const assignments = ofType(r, T.assignment);
  const identityNodes: Node[] = identities.map((i) =>
    node(nodeId("identity", i.name), "hexagon", `managed identity ${i.name}`, "the VMs run as it"),
  );
  const identity = group("rbac", "Microsoft Entra ID · RBAC", identityNodes);
  const grantEdges: Edge[] = identities.flatMap((i) =>
    assignments.flatMap((a): Edge[] => {
      const role = roleVerbs[String(a.inputs.roleDefinitionId).split("/").pop() ?? ""];
      const scope = r.find((x) => `${x.name}-id` === a.inputs.scope);
      return role
        ? [
            {
              from: nodeId("identity", i.name),
              to: role.target,
              // A scope outside the stack (the bootstrap's shared registry) by its name.
              label: `${role.verb} ${scope?.name ?? String(a.inputs.scope).split("/").pop()}`,
              kind: "permission",
            },
          ]
        : [];
    }),
  );

  const edges: Edge[] = [
    ...lbRules.map((rule): Edge => ({
      from: "internet",
      to: lbId,
      label: `${String(at(rule, "protocol"))} :${String(at(rule, "frontendPort"))}`,
      kind: "traffic",
    })),
    ...zones.map((zone): Edge => ({
      from: lbId,
      to: nodeId("vm", zone),
      label: `${String(at(lbRules[0], "protocol"))} :${backendPorts.join(", ")}`,
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
    title: `azure · ${plan.stack}`,
    nodes: [node("internet", "circle", "Internet")],
    groups: [
      group("frontend", `region ${str(lb?.inputs.location) ?? ""}`.trim(), [lbNode]),
      network,
      services,
      identity,
    ],
    edges,
  };
}

/**
 * What the VMs boot: a gallery image as `<definition> <version>` (the host image,
 * providers/azure/hostImage.ts), a Marketplace image by its offer.
 */
function imageLabel(reference: unknown): string {
  const id = str(at(reference, "id"));
  const gallery = id === undefined ? null : /\/images\/([^/]+)\/versions\/([^/]+)$/.exec(id);
  if (gallery) return `${gallery[1]} ${gallery[2]}`;
  return String(at(reference, "offer"));
}
