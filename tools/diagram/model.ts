/**
 * A cloud-neutral architecture graph, built per cloud from a plan (`aws.ts`, `gcp.ts`, `azure.ts`)
 * and rendered by `mermaid.ts`. The builders only read resources; every label is derived from an
 * input, so the picture changes when the program does.
 */

export type Shape =
  /** Clients on the internet. */
  | "circle"
  /** Load balancers and other managed front doors. */
  | "stadium"
  /** Compute: tasks, VMs. */
  | "rect"
  /** Stores: registries, log stores. */
  | "cylinder"
  /** Identities: roles, service accounts, managed identities. */
  | "hexagon"
  /** Control loops: autoscaling, alerting. */
  | "subroutine";

export interface Node {
  readonly id: string;
  /** Lines of the label, joined with line breaks. */
  readonly label: readonly string[];
  readonly shape: Shape;
}

/** A boundary: a network, a subnet, a zone, an account's identity plane. */
export interface Group {
  readonly id: string;
  readonly label: string;
  readonly nodes: readonly Node[];
  readonly groups: readonly Group[];
}

export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  /** Requests flow along solid edges; permissions and control along dotted ones. */
  readonly kind: "traffic" | "permission" | "control";
}

export interface Diagram {
  readonly title: string;
  /** Nodes outside any group. */
  readonly nodes: readonly Node[];
  readonly groups: readonly Group[];
  readonly edges: readonly Edge[];
}

/**
 * The load balancer's traffic to the instances in each zone (`vm_<zone>`), and, when the network
 * has a NAT, each zone's egress through it: the same edges on every VM-based cloud.
 */
export function zoneTrafficEdges(
  lbId: string,
  zones: readonly string[],
  label: string,
  nat: boolean,
): Edge[] {
  const vm = (zone: string) => nodeId("vm", zone);
  return [
    ...zones.map((zone): Edge => ({ from: lbId, to: vm(zone), label, kind: "traffic" })),
    ...(nat
      ? zones.map((zone): Edge => ({ from: vm(zone), to: "nat", label: "egress", kind: "traffic" }))
      : []),
  ];
}

/** A Mermaid-safe id: lower-case letters, digits and underscores. */
export function nodeId(...parts: readonly string[]): string {
  return parts
    .join("_")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

export const node = (id: string, shape: Shape, ...label: string[]): Node => ({ id, shape, label });

export const group = (
  id: string,
  label: string,
  nodes: readonly Node[],
  groups: readonly Group[] = [],
): Group => ({ id, label, nodes, groups });

/**
 * How `count` instances spread over `zones`: as evenly as possible, earlier zones taking the
 * remainder. ECS, regional MIGs (EVEN target shape) and zone-balanced scale sets all balance this
 * way; which zone gets an extra instance is theirs to choose, so the diagram shows one valid split.
 */
export function spreadOverZones(count: number, zones: readonly string[]): number[] {
  if (zones.length === 0) return [];
  const base = Math.floor(count / zones.length);
  const extra = count % zones.length;
  return zones.map((_, index) => base + (index < extra ? 1 : 0));
}

/** The last segment of an ARN, resource name or id path (`repository/web-repo` → `web-repo`). */
export function shortName(reference: string): string {
  return reference.split(/[/:]/).filter(Boolean).pop() ?? reference;
}
