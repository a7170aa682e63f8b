/**
 * Runs the policy pack offline: every policy of `policy/policies.ts` against the resources of an
 * offline plan, the way the Pulumi engine's analyzer would call it, without the CLI, a backend or
 * the gRPC server a PolicyPack starts.
 *
 * What differs from the engine, and why the policies cope:
 * - Resource policies get the program's inputs, as the engine gives them after the provider's
 *   Check. JSON documents are strings in both.
 * - Stack policies get inputs too, where the engine gives outputs (a superset for these resources).
 * - The engine's `propertyDependencies` are rebuilt from the mocks' ids (`<logical name>-id`): an
 *   input holding another resource's id depends on it. Two resources sharing a logical name share
 *   an id under the mocks, so both are listed; the policies only follow security-group links,
 *   whose names are unique.
 * - Remote components (awsx's Vpc) are one opaque resource here; the engine also sees their
 *   children. The policies check the component's own inputs where the children are not visible.
 */
import {
  EnforcementLevel,
  Policies,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
} from "@pulumi/policy";
import { policies as packPolicies } from "../../policy/policies";
import { PlannedResource } from "../plan/recorder";
import { readProject } from "../../stacks/stackFile";

export interface Violation {
  readonly policy: string;
  readonly enforcementLevel: EnforcementLevel;
  /** `type::name` of the resource, or null for a finding about the whole stack. */
  readonly resource: string | null;
  readonly message: string;
}

export interface PolicyEvaluation {
  readonly violations: readonly Violation[];
  /** Violations that would fail `pulumi preview`/`up`. */
  readonly mandatoryCount: number;
  readonly policyCount: number;
  readonly resourceCount: number;
}

/** Per-policy configuration, as a pack config file would give it. */
export type PolicyConfig = Readonly<
  Record<string, { readonly enforcementLevel?: EnforcementLevel } & Record<string, unknown>>
>;

export interface EvaluateOptions {
  /** Policies to run instead of the pack's. */
  readonly policies?: Policies;
  readonly config?: PolicyConfig;
  /** Project name for URNs; read from Pulumi.yaml when not given. */
  readonly project?: string;
}

/** What a planned resource needs to be evaluated; a plan, or a hand-written fixture. */
export interface EvaluatedPlan {
  readonly stack?: string;
  readonly resources: readonly PlannedResource[];
}

class NotApplicable extends Error {}

/** `isType(aws.ecs.Service)` compares the class's type token, as the policy SDK does. */
const isTypeOf = (type: string) => (resourceClass: unknown) =>
  (resourceClass as { __pulumiType?: string }).__pulumiType === type;

const label = (r: Pick<PlannedResource, "type" | "name">) => `${r.type}::${r.name}`;

/** URNs as the engine writes them: parent types joined by `$`, the stack resource left out. */
function urnsOf(resources: readonly PlannedResource[], stack: string, project: string) {
  const byLabel = new Map(resources.map((r) => [label(r), r]));
  const typeChain = (r: PlannedResource, seen = new Set<string>()): string => {
    const parent = r.parent ? byLabel.get(r.parent) : undefined;
    if (!parent || seen.has(r.parent ?? "")) return r.type;
    seen.add(r.parent ?? "");
    return `${typeChain(parent, seen)}$${r.type}`;
  };
  return new Map(
    resources.map((r) => [label(r), `urn:pulumi:${stack}::${project}::${typeChain(r)}::${r.name}`]),
  );
}

/** Top-level input → resources whose mock id (`<name>-id`) appears in it. */
function propertyDependencies(
  resource: PlannedResource,
  idOwners: ReadonlyMap<string, readonly PlannedResource[]>,
): Record<string, PlannedResource[]> {
  const result: Record<string, PlannedResource[]> = {};
  const collect = (value: unknown, into: Set<PlannedResource>) => {
    if (typeof value === "string") {
      const id = value.split("/")[0];
      for (const owner of idOwners.get(id) ?? []) if (owner !== resource) into.add(owner);
    } else if (Array.isArray(value)) {
      value.forEach((v) => collect(v, into));
    } else if (value && typeof value === "object") {
      Object.values(value).forEach((v) => collect(v, into));
    }
  };
  for (const [key, value] of Object.entries(resource.inputs)) {
    const owners = new Set<PlannedResource>();
    collect(value, owners);
    if (owners.size > 0) result[key] = [...owners];
  }
  return result;
}

/** The config a policy sees: its schema's defaults under what `config` sets. */
function configFor(policy: Policies[number], config: PolicyConfig): Record<string, unknown> {
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {})
      .filter(([, schema]) => (schema as { default?: unknown }).default !== undefined)
      .map(([key, schema]) => [key, (schema as { default?: unknown }).default]),
  );
  // The enforcement level is the engine's business, not the policy's configuration.
  const own = Object.fromEntries(
    Object.entries(config[policy.name] ?? {}).filter(([key]) => key !== "enforcementLevel"),
  );
  return { ...defaults, ...own };
}

/**
 * Runs each resource policy on every resource of the plan and each stack policy on the whole
 * plan, in the pack's order. A policy that throws fails the run, as it fails a preview.
 */
export async function evaluatePolicies(
  plan: EvaluatedPlan,
  options: EvaluateOptions = {},
): Promise<PolicyEvaluation> {
  const policies = options.policies ?? packPolicies;
  const config = options.config ?? {};
  const project = options.project ?? readProject().name;
  const stack = plan.stack ?? "offline";
  const resources = plan.resources;
  const urns = urnsOf(resources, stack, project);
  const byLabel = new Map(resources.map((r) => [label(r), r]));
  const labelOfUrn = new Map([...urns].map(([l, urn]) => [urn, l]));

  const idOwners = new Map<string, PlannedResource[]>();
  for (const r of resources) {
    if (!r.custom || r.type.startsWith("pulumi:providers:")) continue;
    const id = `${r.name}-id`;
    idOwners.set(id, [...(idOwners.get(id) ?? []), r]);
  }

  /** What resource and stack policies alike see of a resource. */
  const viewOf = (r: PlannedResource) => {
    const provider = r.provider ? byLabel.get(r.provider) : undefined;
    const opts: PolicyResourceOptions = {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
      parent: r.parent ? urns.get(r.parent) : undefined,
    };
    return {
      type: r.type,
      props: r.inputs,
      urn: urns.get(label(r)) ?? "",
      name: r.name,
      opts,
      provider: provider && {
        type: provider.type,
        props: provider.inputs,
        urn: urns.get(label(provider)) ?? "",
        name: provider.name,
      },
      isType: isTypeOf(r.type),
    };
  };
  const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
  };
  const stackTags = new Map<string, string>();

  const violations: Violation[] = [];
  for (const policy of policies) {
    const level = config[policy.name]?.enforcementLevel ?? policy.enforcementLevel ?? "advisory";
    if (level === "disabled") continue;
    // As the engine does: a remediation that still leaves a violation counts as mandatory.
    const reported: EnforcementLevel = level === "remediate" ? "mandatory" : level;
    const getConfig = <T extends object>() => configFor(policy, config) as T;
    const record = (resource: string | null) => (message: string, urn?: string) => {
      const about = urn !== undefined ? (labelOfUrn.get(urn) ?? urn) : resource;
      violations.push({
        policy: policy.name,
        enforcementLevel: reported,
        resource: about,
        message,
      });
    };

    if ("validateStack" in policy) {
      const policyResources = new Map<PlannedResource, PolicyResource>();
      for (const r of resources) {
        policyResources.set(r, {
          ...viewOf(r),
          dependencies: [],
          propertyDependencies: {},
          asType: () => undefined,
        });
      }
      for (const [r, pr] of policyResources) {
        const parent = r.parent ? byLabel.get(r.parent) : undefined;
        if (parent) pr.parent = policyResources.get(parent);
        const deps = propertyDependencies(r, idOwners);
        for (const [key, owners] of Object.entries(deps)) {
          pr.propertyDependencies[key] = owners.map((o) => policyResources.get(o)!);
        }
        pr.dependencies = [...new Set(Object.values(pr.propertyDependencies).flat())];
      }
      try {
        await policy.validateStack(
          { resources: [...policyResources.values()], getConfig, stackTags, notApplicable },
          record(null),
        );
      } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
      }
      continue;
    }

    const validations = policy.validateResource;
    if (validations === undefined) continue;
    for (const r of resources) {
      const args: ResourceValidationArgs = {
        ...viewOf(r),
        stackTags,
        asType: ((resourceClass: unknown) =>
          isTypeOf(r.type)(resourceClass)
            ? r.inputs
            : undefined) as ResourceValidationArgs["asType"],
        getConfig,
        notApplicable,
      };
      for (const validate of Array.isArray(validations) ? validations : [validations]) {
        try {
          await validate(args, record(label(r)));
        } catch (error) {
          if (!(error instanceof NotApplicable)) throw error;
        }
      }
    }
  }
  return {
    violations,
    mandatoryCount: violations.filter((v) => v.enforcementLevel === "mandatory").length,
    policyCount: policies.length,
    resourceCount: resources.length,
  };
}

/** One block per violation, mandatory first, then a one-line summary. */
export function formatViolations(evaluation: PolicyEvaluation): string {
  const order: Record<string, number> = { mandatory: 0, remediate: 0, advisory: 1, disabled: 2 };
  const sorted = [...evaluation.violations].sort(
    (a, b) =>
      order[a.enforcementLevel] - order[b.enforcementLevel] ||
      a.policy.localeCompare(b.policy) ||
      (a.resource ?? "").localeCompare(b.resource ?? ""),
  );
  const lines = sorted.map(
    (v) =>
      `${v.enforcementLevel.padEnd(9)}  ${v.policy}  ${v.resource ?? "(stack)"}\n  ${v.message}`,
  );
  const advisory = evaluation.violations.length - evaluation.mandatoryCount;
  lines.push(
    `policy: ${evaluation.policyCount} policies on ${evaluation.resourceCount} resources: ` +
      `${evaluation.mandatoryCount} mandatory, ${advisory} advisory violation(s)`,
  );
  return `${lines.join("\n")}\n`;
}
