/**
 * AWS IAM, checked rather than eyeballed: every document in a plan is validated with
 * @cloud-copilot/iam-policy and requests are decided by @cloud-copilot/iam-simulate, which
 * implements AWS's evaluation logic (explicit deny, allow, implicit deny; conditions; resource
 * patterns) against AWS's own action and resource-type catalogue.
 *
 * Licence: both libraries are AGPL-3.0. They are devDependencies used only by this offline tool
 * and the tests; neither the deployed program nor the policy pack imports them, so nothing
 * AGPL-licensed is shipped or run as a service.
 */
import { validateIdentityPolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { PlannedResource } from "../../tools/plan/recorder";

const T = {
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
} as const;

/** A role as the plan defines it: trust, inline policies and managed attachments. */
export interface AwsRole {
  /** Logical name in the plan (`web-execution`). */
  readonly name: string;
  readonly arn: string;
  readonly trustPolicy: unknown;
  readonly inlinePolicies: ReadonlyArray<{ readonly source: string; readonly document: unknown }>;
  readonly managedPolicyArns: readonly string[];
}

type Plan = { readonly resources: readonly PlannedResource[] };

const parse = (value: unknown): unknown =>
  typeof value === "string" ? (JSON.parse(value) as unknown) : value;

/**
 * How a RolePolicy or attachment names its role: the role's id (the mocks answer `<name>-id`; AWS
 * uses the role name as its id), its name or its ARN.
 */
function refersTo(reference: unknown, role: PlannedResource, arn: string): boolean {
  return (
    reference === `${role.name}-id` ||
    reference === role.name ||
    reference === role.inputs.name ||
    reference === arn
  );
}

/** Every role of the plan with what is attached to it. ARNs follow the mocks: `role/<name>`. */
export function awsRolesOf(plan: Plan, accountId: string): AwsRole[] {
  const policies = plan.resources.filter((r) => r.type === T.rolePolicy);
  const attachments = plan.resources.filter((r) => r.type === T.attachment);
  return plan.resources
    .filter((r) => r.type === T.role)
    .map((role) => {
      const arn = `arn:aws:iam::${accountId}:role/${String(role.inputs.name ?? role.name)}`;
      const inline = (Array.isArray(role.inputs.inlinePolicies) ? role.inputs.inlinePolicies : [])
        .map((p: { name?: string; policy?: unknown }, index) => ({
          source: `${role.type}::${role.name} inlinePolicies[${index}]`,
          document: parse(p.policy),
        }))
        .concat(
          policies
            .filter((p) => refersTo(p.inputs.role, role, arn))
            .map((p) => ({ source: `${p.type}::${p.name}`, document: parse(p.inputs.policy) })),
        );
      const managed = [
        ...((role.inputs.managedPolicyArns as string[] | undefined) ?? []),
        ...attachments
          .filter((a) => refersTo(a.inputs.role, role, arn))
          .map((a) => String(a.inputs.policyArn)),
      ];
      return {
        name: role.name,
        arn,
        trustPolicy: parse(role.inputs.assumeRolePolicy),
        inlinePolicies: inline,
        managedPolicyArns: managed,
      };
    });
}

export interface DocumentFinding {
  readonly source: string;
  readonly kind: "trust" | "identity";
  readonly problems: readonly string[];
}

/** Validates every trust and identity document of the plan; lists only documents with problems. */
export function validateAwsDocuments(plan: Plan, accountId: string): DocumentFinding[] {
  const findings: DocumentFinding[] = [];
  for (const role of awsRolesOf(plan, accountId)) {
    const trust = validateTrustPolicy(role.trustPolicy);
    if (trust.length > 0) {
      findings.push({
        source: `${T.role}::${role.name} assumeRolePolicy`,
        kind: "trust",
        problems: trust.map((e) => `${e.path}: ${e.message}`),
      });
    }
    for (const inline of role.inlinePolicies) {
      const errors = validateIdentityPolicy(inline.document);
      if (errors.length > 0) {
        findings.push({
          source: inline.source,
          kind: "identity",
          problems: errors.map((e) => `${e.path}: ${e.message}`),
        });
      }
    }
  }
  return findings;
}

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface AwsRequest {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string | string[]>>;
}

/**
 * What AWS would decide for a request made with the role's credentials. Managed policies cannot
 * be evaluated offline (their documents live in AWS), so a role with any is refused rather than
 * judged on its inline policies alone.
 */
export async function decideAws(
  role: AwsRole,
  request: AwsRequest,
  accountId: string,
): Promise<Decision> {
  if (role.managedPolicyArns.length > 0) {
    throw new Error(
      `${role.name}: managed policies ${role.managedPolicyArns.join(", ")} cannot be simulated offline`,
    );
  }
  const result = await runSimulation(
    {
      identityPolicies: role.inlinePolicies.map((p, index) => ({
        name: `${role.name}-${index}`,
        policy: p.document,
      })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action: request.action,
        principal: `arn:aws:sts::${accountId}:assumed-role/${role.name}/session`,
        resource: { accountId, resource: request.resource },
        contextVariables: { ...request.context },
      },
    },
    {},
  );
  return outcome(result, `${role.name} ${request.action} on ${request.resource}`);
}

/** Whether a principal may assume the role, by the role's trust policy. */
export async function decideAssumeRole(
  role: AwsRole,
  principal: string,
  accountId: string,
  context: Readonly<Record<string, string>> = {},
): Promise<Decision> {
  const result = await runSimulation(
    {
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: role.trustPolicy,
      request: {
        action: "sts:AssumeRole",
        principal,
        resource: { accountId, resource: role.arn },
        contextVariables: { ...context },
      },
    },
    {},
  );
  return outcome(result, `${principal} assuming ${role.name}`);
}

function outcome(result: Awaited<ReturnType<typeof runSimulation>>, what: string): Decision {
  if (result.resultType === "error") {
    // A malformed request (unknown action, wrong resource type) is a bug in the table, not a deny.
    throw new Error(`cannot simulate ${what}: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult as Decision;
}
