/**
 * The pure parts of the diagram tools: how instances spread over zones, ids and names, and the
 * exact Mermaid and DOT text for a small graph.
 */
import assert from "node:assert/strict";
import { toDot } from "../../tools/diagram/dot";
import { toMermaid } from "../../tools/diagram/mermaid";
import {
  Diagram,
  group,
  node,
  nodeId,
  shortName,
  spreadOverZones,
} from "../../tools/diagram/model";

describe("diagram model", () => {
  const spread: Array<[number, string[], number[]]> = [
    [3, ["a", "b", "c"], [1, 1, 1]],
    [2, ["a", "b"], [1, 1]],
    [4, ["a", "b", "c"], [2, 1, 1]],
    [5, ["a", "b", "c"], [2, 2, 1]],
    [1, ["a", "b"], [1, 0]],
    [0, ["a", "b"], [0, 0]],
    [7, [], []],
  ];
  for (const [count, zones, expected] of spread) {
    it(`spreads ${count} instances over ${zones.length} zones as ${JSON.stringify(expected)}`, () => {
      const result = spreadOverZones(count, zones);
      assert.deepEqual(result, expected);
      assert.equal(
        result.reduce((a, b) => a + b, 0),
        zones.length === 0 ? 0 : count,
      );
    });
  }

  const names: Array<[string, string]> = [
    ["arn:aws:ecr:us-east-1:123456789012:repository/web-repo", "web-repo"],
    ["arn:aws:logs:us-east-1:123456789012:log-group:web-logs", "web-logs"],
    ["arn:aws:logs:us-east-1:123456789012:log-group:web-logs:*", "*"],
    ["projects/p/locations/r/repositories/web-images", "web-images"],
    ["webacr", "webacr"],
  ];
  for (const [reference, expected] of names) {
    it(`names ${reference} ${expected}`, () => assert.equal(shortName(reference), expected));
  }

  it("makes Mermaid- and DOT-safe ids", () => {
    assert.equal(nodeId("task", "us-east-1a"), "task_us_east_1a");
    assert.equal(nodeId("role", "Web Execution!"), "role_web_execution");
  });
});

const small: Diagram = {
  title: 'tiny "demo"',
  nodes: [node("internet", "circle", "Internet")],
  groups: [
    group(
      "net",
      "VPC 10.0.0.0/16",
      [node("lb", "stadium", "LB", 'says "hi"')],
      [group("zone_a", "zone a", [node("vm_a", "rect", "VM ×1")])],
    ),
    group("iam", "IAM", [node("role", "hexagon", "role")]),
  ],
  edges: [
    { from: "internet", to: "lb", label: "HTTP :80", kind: "traffic" },
    { from: "lb", to: "vm_a", kind: "traffic" },
    { from: "role", to: "lb", label: "read", kind: "permission" },
  ],
};

describe("diagram renderers", () => {
  it("writes Mermaid with nested subgraphs, escaped quotes and dotted permission edges", () => {
    assert.equal(
      toMermaid(small),
      [
        "flowchart TB",
        '  internet(("Internet"))',
        '  subgraph net["VPC 10.0.0.0/16"]',
        '    lb(["LB<br/>says #quot;hi#quot;"])',
        '    subgraph zone_a["zone a"]',
        '      vm_a["VM ×1"]',
        "    end",
        "  end",
        '  subgraph iam["IAM"]',
        '    role{{"role"}}',
        "  end",
        '  internet -->|"HTTP :80"| lb',
        "  lb --> vm_a",
        '  role -.->|"read"| lb',
        "",
      ].join("\n"),
    );
  });

  it("writes DOT with clusters, escaped quotes and dashed permission edges", () => {
    const dot = toDot(small);
    assert.match(dot, /^digraph "tiny \\"demo\\"" \{\n/);
    assert.ok(dot.includes('  subgraph cluster_net {\n    label="VPC 10.0.0.0/16";\n'));
    assert.ok(
      dot.includes('    lb [label="LB\\nsays \\"hi\\"", shape=box, style="rounded,filled"];'),
    );
    assert.ok(dot.includes("    subgraph cluster_zone_a {\n"));
    assert.ok(dot.includes('  internet -> lb [label="HTTP :80"];'));
    assert.ok(dot.includes("  lb -> vm_a;"));
    assert.ok(dot.includes('  role -> lb [label="read", style=dashed];'));
    assert.ok(dot.endsWith("}\n"));
  });
});
