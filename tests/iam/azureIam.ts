/**
 * Azure RBAC as the plan assigns it: which principal holds which built-in role at which scope,
 * and a decision function over the roles' documented actions. As for GCP there is no offline
 * evaluator to call, so the built-in roles the program may assign are recorded, and assigning any
 * other role makes the decision throw instead of guessing.
 */
import { PlannedResource } from "../../tools/plan/recorder";

export interface AzureRole {
  readonly name: string;
  /** Control-plane (`actions`) and data-plane (`dataActions`) operations; `*` is a wildcard. */
  readonly actions: readonly string[];
  readonly dataActions: readonly string[];
}

/**
 * Built-in roles by definition id (the same GUID in every tenant), from Microsoft's "Azure
 * built-in roles" reference (learn.microsoft.com/azure/role-based-access-control/built-in-roles).
 * Recorded 2026-11-22.
 */
export const azureBuiltInRoles: Readonly<Record<string, AzureRole>> = {
  "7f951dda-4ed3-4680-a7ca-43fe172d538d": {
    name: "AcrPull",
    actions: ["Microsoft.ContainerRegistry/registries/pull/read"],
    dataActions: [],
  },
};

export interface AzureAssignment {
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly scope: string;
  readonly source: string;
}

export function azureAssignmentsOf(plan: {
  readonly resources: readonly PlannedResource[];
}): AzureAssignment[] {
  return plan.resources
    .filter((r) => r.type === "azure-native:authorization:RoleAssignment")
    .map((r) => ({
      principalId: String(r.inputs.principalId),
      roleDefinitionId: String(r.inputs.roleDefinitionId).split("/").pop() ?? "",
      scope: String(r.inputs.scope),
      source: `${r.type}::${r.name}`,
    }));
}

/** Azure operation patterns: `*` matches any run of characters, case-insensitively. */
function operationMatches(pattern: string, operation: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  return regex.test(operation);
}

/** Whether a scope is the resource itself or one of its ancestors (subscription, group, ...). */
function covers(scope: string, resource: string): boolean {
  const a = scope.toLowerCase();
  const b = resource.toLowerCase();
  return a === b || b.startsWith(`${a}/`);
}

export type AzureDecision = "Allowed" | "Denied";

/**
 * Whether `principalId` may perform `operation` on `resource`. `dataAction` selects the data-plane
 * list. Deny assignments are not modelled; the program creates none.
 */
export function decideAzure(
  assignments: readonly AzureAssignment[],
  principalId: string,
  operation: string,
  resource: string,
  dataAction = false,
): AzureDecision {
  for (const assignment of assignments) {
    if (assignment.principalId !== principalId) continue;
    const role = azureBuiltInRoles[assignment.roleDefinitionId];
    if (role === undefined) {
      throw new Error(
        `${assignment.source}: role ${assignment.roleDefinitionId} is not in azureBuiltInRoles; record it`,
      );
    }
    const allowed = dataAction ? role.dataActions : role.actions;
    if (covers(assignment.scope, resource) && allowed.some((p) => operationMatches(p, operation))) {
      return "Allowed";
    }
  }
  return "Denied";
}
