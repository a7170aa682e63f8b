import { CommandIo, printHelp, runMain } from "../lib/cli";
import { parseFlags } from "../lib/args";
import { exitCodes } from "../lib/errors";
import { evaluatePolicies, formatViolations } from "../verify/policy";
import { PlannedResource } from "./recorder";
import { expandRemote } from "./remote";
import { rolloutTimeLines } from "./rolloutTime";
import { PlanResult } from "./run";
import { plan, planFlags, planOptionsFrom } from "./flags";

const usage = `Usage: npm run plan -- --stack <test|prod> [--cloud aws|gcp|azure] [-c key=value ...] [--json] [--policy]

Runs the program offline under Pulumi's mock engine with the stack's configuration and prints
every resource it would register. A remote component (awsx's VPC) is one resource under the
mocks; what it creates at deploy time is listed beneath it, marked *, from the component's own
source (tools/plan/remote.ts). No cloud account or Pulumi CLI is needed.

Exit codes: 0 planned, 2 invalid configuration or arguments, 3 the program asked for something
the mocks cannot answer, 4 a mandatory policy violation (with --policy).`;

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const values = parseFlags(argv, {
    ...planFlags,
    json: { type: "boolean", default: false },
    policy: { type: "boolean", default: false },
  });
  if (values.help) return printHelp(io, usage);
  const options = planOptionsFrom(values);
  const result = await plan(options);
  io.stdout.write(
    values.json ? `${JSON.stringify(toDocument(result), null, 2)}\n` : renderTree(result),
  );
  if (!values.json) io.stdout.write(`${rolloutTimeLines(options).join("\n")}\n`);
  if (values.policy) {
    const evaluation = await evaluatePolicies(result);
    // With --json the report goes to stderr, so stdout stays one JSON document.
    (values.json ? io.stderr : io.stdout).write(formatViolations(evaluation));
    if (evaluation.mandatoryCount > 0) return exitCodes.policy.code;
  }
  return exitCodes.ok.code;
}

/**
 * The stable JSON document: the same shape whatever the cloud. `expandedAtDeploy` lists what
 * remote components (awsx's VPC) will create beneath themselves, which the mocks never see.
 */
export function toDocument(result: PlanResult) {
  return {
    stack: result.stack,
    cloud: result.cloud,
    resources: result.resources.map(({ type, name, parent, inputs }) => ({
      type,
      name,
      parent,
      inputs,
    })),
    expandedAtDeploy: result.resources.flatMap(expandRemote),
  };
}

/** A readable tree of resources grouped under their parents. */
export function renderTree(result: PlanResult): string {
  type Node = Pick<PlannedResource, "type" | "name" | "parent"> & { readonly expanded?: true };
  const children = new Map<string | null, Node[]>();
  const add = (node: Node) => {
    const list = children.get(node.parent) ?? [];
    list.push(node);
    children.set(node.parent, list);
  };
  result.resources.forEach(add);
  const expanded = result.resources.flatMap(expandRemote);
  expanded.forEach((child) => add({ ...child, expanded: true }));
  const lines = [
    `stack ${result.stack} on ${result.cloud}: ${result.resources.length} resources` +
      (expanded.length > 0
        ? `, and ${expanded.length} that remote components create at deploy time (marked *)`
        : ""),
  ];
  const walk = (parent: string | null, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((resource, index) => {
      const last = index === list.length - 1;
      const mark = resource.expanded === true ? "  *" : "";
      lines.push(`${indent}${last ? "└─ " : "├─ "}${resource.type}  ${resource.name}${mark}`);
      walk(`${resource.type}::${resource.name}`, `${indent}${last ? "   " : "│  "}`);
    });
  };
  walk(null, "");
  for (const [key, value] of Object.entries(result.outputs)) {
    lines.push(`output ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
  return `${lines.join("\n")}\n`;
}

if (require.main === module) runMain("plan", main);
