/**
 * Renders a `Diagram` as a Mermaid flowchart. The output depends only on the diagram (no dates,
 * no random ids), so a committed copy can be compared byte for byte with a fresh one.
 */
import { Diagram, Edge, Group, Node, Shape } from "./model";

/** Mermaid's node syntax per shape: `open` + label + `close`. */
const brackets: Record<Shape, [string, string]> = {
  circle: ["((", "))"],
  stadium: ["([", "])"],
  rect: ["[", "]"],
  cylinder: ["[(", ")]"],
  hexagon: ["{{", "}}"],
  subroutine: ["[[", "]]"],
};

/** Text inside a quoted Mermaid label: quotes become entities, lines join with <br/>. */
function text(lines: readonly string[]): string {
  return lines.map((line) => line.replace(/"/g, "#quot;")).join("<br/>");
}

function renderNode(n: Node, indent: string): string {
  const [open, close] = brackets[n.shape];
  return `${indent}${n.id}${open}"${text(n.label)}"${close}`;
}

function renderGroup(g: Group, indent: string): string[] {
  return [
    `${indent}subgraph ${g.id}["${text([g.label])}"]`,
    ...g.nodes.map((n) => renderNode(n, `${indent}  `)),
    ...g.groups.flatMap((child) => renderGroup(child, `${indent}  `)),
    `${indent}end`,
  ];
}

const arrows: Record<Edge["kind"], string> = {
  traffic: "-->",
  permission: "-.->",
  control: "-.->",
};

function renderEdge(e: Edge): string {
  const label = e.label ? `|"${text([e.label])}"|` : "";
  return `  ${e.from} ${arrows[e.kind]}${label} ${e.to}`;
}

export function toMermaid(diagram: Diagram): string {
  const lines = [
    "flowchart TB",
    ...diagram.nodes.map((n) => renderNode(n, "  ")),
    ...diagram.groups.flatMap((g) => renderGroup(g, "  ")),
    ...diagram.edges.map(renderEdge),
  ];
  return `${lines.join("\n")}\n`;
}
