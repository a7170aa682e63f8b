import { Policies } from "@pulumi/policy";
import { Cloud } from "../../components/cloud";
import { PlannedResource } from "../../tools/plan/recorder";
import { evaluatePolicies, PolicyConfig, Violation } from "../../tools/verify/policy";
import { copyPlan, planStack } from "../helpers/plan";

/** A hand-written resource with only the inputs a policy reads. */
export function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<PlannedResource> = {},
): PlannedResource {
  return { type, name, parent: null, inputs, custom: true, provider: null, ...extra };
}

/** `type::name  message` lines of what one policy reports on `resources`, in order. */
export async function findings(
  policy: Policies[number],
  resources: readonly PlannedResource[],
  config: PolicyConfig = {},
): Promise<string[]> {
  const result = await evaluatePolicies(
    { stack: "fixture", resources },
    { policies: [policy], config },
  );
  return result.violations.map(line);
}

export const line = (v: Violation) => `${v.resource ?? "(stack)"}  ${v.message}`;

/** A copy of a real plan with one resource's inputs changed, to break one rule on purpose. */
export async function brokenPlan(
  stack: string,
  cloud: Cloud,
  type: string,
  patch: (inputs: Record<string, unknown>) => void,
  name?: string,
): Promise<PlannedResource[]> {
  const copy = copyPlan(await planStack(stack, cloud));
  const targets = copy.resources.filter(
    (r) => r.type === type && (name === undefined || r.name === name),
  );
  if (targets.length === 0)
    throw new Error(`no ${type}${name ? ` named ${name}` : ""} in the plan`);
  targets.forEach((r) => patch(r.inputs));
  return copy.resources;
}

/** Whether a cloud's implementation is in place yet: its plan runs instead of throwing. */
export async function landed(cloud: Cloud): Promise<boolean> {
  try {
    await planStack("test", cloud);
    return true;
  } catch (error) {
    if (/not implemented/.test(String(error))) return false;
    throw error;
  }
}
