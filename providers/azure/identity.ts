import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { AzureContext, childOptions, placement } from "./context";
import { AzureRegistry } from "./registry";

/** Built-in role "AcrPull": read images, nothing else. Same id in every Azure cloud and tenant. */
export const acrPullRoleId = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

/** Role definitions are addressed under a subscription even though built-in ones are global. */
export function roleDefinitionId(subscriptionId: string, roleId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}

export interface InstanceIdentity {
  readonly identity: managedidentity.UserAssignedIdentity;
  /** The scale set must wait for it, or first boots fail to pull and need a retry or repair. */
  readonly acrPull: authorization.RoleAssignment;
}

/**
 * A user-assigned identity (not the scale set's system identity) so the role assignment exists
 * before the first instance boots and survives the scale set being replaced. Its only permission
 * is AcrPull on the one registry its image is in (the bootstrap's shared registry).
 */
export function createIdentity(ctx: AzureContext, registry: AzureRegistry): InstanceIdentity {
  const identity = new managedidentity.UserAssignedIdentity(
    `${ctx.name}-identity`,
    { ...placement(ctx) },
    childOptions(ctx),
  );
  const acrPull = new authorization.RoleAssignment(
    `${ctx.name}-acr-pull`,
    {
      principalId: identity.principalId,
      // Without it Azure looks the principal up in Entra first, which fails for a few minutes
      // after the identity is created (PrincipalNotFound).
      principalType: "ServicePrincipal",
      roleDefinitionId: ctx.subscriptionId.apply((id) => roleDefinitionId(id, acrPullRoleId)),
      scope: registry.id,
      description: `Instances of ${ctx.name} pull their image.`,
    },
    childOptions(ctx),
  );
  return { identity, acrPull };
}
