/** The Azure plan (zone-spread scale set behind a Standard Load Balancer) as a diagram. */
import { PlannedService } from "../../components/cloudHome";
import { topologyOf } from "../../tools/plan/topology";
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
import { azureTypes as T } from "./resourceTypes";

/** Built-in roles the program assigns, by definition id, with what they let the identity do. */
const roleVerbs: Record<string, { verb: string; target: string }> = {
  "7f951dda-4ed3-4680-a7ca-43fe172d538d": { verb: "pull", target: "registry" },
};

/**
 * Zones, counts, VM size, listeners, probe, scaling range and egress come from the neutral
 * topology; the network, stores, alerting and role assignments from the resources, which the
 * topology does not describe (address spaces, NSG sources, the registry a role is scoped to).
 */
export function azureDiagram(plan: PlannedService): Diagram {
  const r = plan.resources;
  const t = topologyOf(plan);
  const vmss = first(r, T.vmss);
  const zones = t.zones;
  const counts = spreadOverZones(t.instances.desired, zones);
  const lb = first(r, T.lb);
  const port = t.instances.containerPort;
  const check = t.healthCheck;
  const ip = first(r, T.ip);
  const nsg = first(r, T.nsg);
  const subnet = first(r, T.subnet);
  const vnet = first(r, T.vnet);
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
    `rules ${t.loadBalancer.listeners.map((l) => `${l.protocol} :${l.port} → :${port}`).join(", ")}`,
    `probe HTTP ${check.path} every ${check.intervalSeconds} s`,
    // Without a NAT gateway the VMs' egress leaves through the load balancer's outbound rule.
    ...(outbound && !nat
      ? [`outbound rule (SNAT): the VMs' egress to ${t.egress.map((e) => e.to).join(", ")}`]
      : []),
  );
  const zoneGroups = zones.map((zone, index) =>
    group(nodeId("zone", zone), `zone ${zone}`, [
      node(
        nodeId("vm", zone),
        "rect",
        `VM ×${counts[index]} ${t.instances.machineType}`,
        `${imageLabel(at(vmss?.inputs, "virtualMachineProfile", "storageProfile", "imageReference"))} · :${port}`,
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
    node("autoscaling", "subroutine", `Autoscale ${t.instances.min}–${t.instances.max} VMs`),
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
    ...t.loadBalancer.listeners.map((l): Edge => ({
      from: "internet",
      to: lbId,
      label: `${l.protocol} :${l.port}`,
      kind: "traffic",
    })),
    ...zoneTrafficEdges(
      lbId,
      zones,
      `${t.loadBalancer.listeners[0]?.protocol ?? "TCP"} :${port}`,
      nat !== undefined,
    ),
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
