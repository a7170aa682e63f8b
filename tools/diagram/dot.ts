/**
 * Renders a `Diagram` as Graphviz DOT, for the committed SVGs. Graphviz lays out nested clusters
 * and edges into them reliably, which the offline Mermaid renderer tried (beautiful-mermaid 1.1)
 * did not: edges into nested subgraphs were drawn from the wrong node.
 */
import { Diagram, Edge, Group, Node, Shape } from "./model";

const shapes: Record<Shape, string> = {
  circle: "shape=circle, fixedsize=true, width=1",
  stadium: 'shape=box, style="rounded,filled"',
  rect: "shape=box",
  cylinder: "shape=cylinder",
  hexagon: "shape=hexagon",
  subroutine: "shape=box, peripheries=2",
};

const quote = (text: string) => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

function renderNode(n: Node, indent: string): string {
  return `${indent}${n.id} [label=${quote(n.label.join("\n")).replace(/\n/g, "\\n")}, ${shapes[n.shape]}];`;
}

function renderGroup(g: Group, indent: string): string[] {
  return [
    `${indent}subgraph cluster_${g.id} {`,
    `${indent}  label=${quote(g.label)};`,
    ...g.nodes.map((n) => renderNode(n, `${indent}  `)),
    ...g.groups.flatMap((child) => renderGroup(child, `${indent}  `)),
    `${indent}}`,
  ];
}

function renderEdge(e: Edge): string {
  const attributes = [
    ...(e.label ? [`label=${quote(e.label)}`] : []),
    ...(e.kind === "traffic" ? [] : ["style=dashed"]),
  ];
  return `  ${e.from} -> ${e.to}${attributes.length > 0 ? ` [${attributes.join(", ")}]` : ""};`;
}

export function toDot(diagram: Diagram): string {
  const lines = [
    `digraph ${quote(diagram.title)} {`,
    '  graph [rankdir=TB, fontname="Helvetica", fontsize=11, labeljust=l, style=rounded, color="#9a9aa0", nodesep=0.3, ranksep=0.45];',
    '  node [fontname="Helvetica", fontsize=10, style=filled, fillcolor="#f4f4f6", color="#8a8a90"];',
    '  edge [fontname="Helvetica", fontsize=9, color="#5a5a60", fontcolor="#3a3a40"];',
    ...diagram.nodes.map((n) => renderNode(n, "  ")),
    ...diagram.groups.flatMap((g) => renderGroup(g, "  ")),
    ...diagram.edges.map(renderEdge),
    "}",
  ];
  return `${lines.join("\n")}\n`;
}
