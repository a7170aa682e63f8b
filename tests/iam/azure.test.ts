/**
 * Azure RBAC from the plan's role assignments, decided over the built-in roles' documented
 * actions (tools/verify/azureIam.ts): the scale set's identity can pull from its registry and
 * nothing else.
 */
import assert from "node:assert/strict";
import { azureAssignmentsOf, decideAzure } from "./azureIam";
import { copyPlan, ofType, one, planStack } from "../helpers/plan";
import { landed } from "../policy/fixtures";
import { sharedRegistryName } from "../../providers/azure/registry";
import { mockAccount } from "../../tools/plan/mocks/types";

const acrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
// The subscription's shared registry (bootstrap/registry.ts); the stack creates none.
const registry = `/subscriptions/${mockAccount.azureSubscriptionId}/resourceGroups/ha-web-service-images/providers/Microsoft.ContainerRegistry/registries/${sharedRegistryName(mockAccount.azureSubscriptionId)}`;

const mustAllow: Array<[string, string, string]> = [
  ["pull from its registry", "Microsoft.ContainerRegistry/registries/pull/read", registry],
];
const mustDeny: Array<[string, string, string]> = [
  ["push to its registry", "Microsoft.ContainerRegistry/registries/push/write", registry],
  ["delete from its registry", "Microsoft.ContainerRegistry/registries/delete", registry],
  ["pull from another registry", "Microsoft.ContainerRegistry/registries/pull/read", "otheracr-id"],
  [
    "list the registry's admin credentials",
    "Microsoft.ContainerRegistry/registries/listCredentials/action",
    registry,
  ],
  ["write to the resource group", "Microsoft.Resources/deployments/write", "web-rg-id"],
  ["read secrets", "Microsoft.KeyVault/vaults/secrets/read", "vault-id"],
  ["assign roles", "Microsoft.Authorization/roleAssignments/write", registry],
];

for (const stack of ["test", "prod"]) {
  const load = () => planStack(stack, "azure");

  describe(`Azure RBAC · ${stack} stack`, () => {
    before(async function () {
      if (!(await landed("azure"))) this.skip();
    });

    it("the scale set uses one user-assigned identity, holding AcrPull on the registry only", async () => {
      const plan = await load();
      const identity = one(plan, "azure-native:managedidentity:UserAssignedIdentity");
      const vmss = one(plan, "azure-native:compute:VirtualMachineScaleSet").inputs;
      assert.deepEqual(vmss.identity, {
        type: "UserAssigned",
        userAssignedIdentities: [`${identity.name}-id`],
      });
      const assignments = azureAssignmentsOf(plan);
      assert.deepEqual(
        assignments.map((a) => [a.roleDefinitionId, a.scope]),
        [[acrPull, registry]],
      );
      assert.equal(
        ofType(plan, "azure-native:authorization:RoleAssignment")[0].inputs.principalType,
        "ServicePrincipal",
      );
    });

    it("the identity can pull from its registry and do nothing else", async () => {
      const assignments = azureAssignmentsOf(await load());
      const principal = assignments[0].principalId;
      for (const [what, operation, scope] of mustAllow) {
        assert.equal(decideAzure(assignments, principal, operation, scope), "Allowed", what);
      }
      for (const [what, operation, scope] of mustDeny) {
        assert.equal(decideAzure(assignments, principal, operation, scope), "Denied", what);
      }
    });
  });
}

describe("Azure RBAC · the tables notice a broken plan", () => {
  before(async function () {
    if (!(await landed("azure"))) this.skip();
  });

  it("another registry becomes pullable when AcrPull moves to the resource group", async () => {
    const copy = copyPlan(await planStack("prod", "azure"));
    const assignment = copy.resources.find(
      (r) => r.type === "azure-native:authorization:RoleAssignment",
    )!;
    assignment.inputs.scope = "/subscriptions/s/resourceGroups/web-rg";
    const assignments = azureAssignmentsOf(copy);
    const principal = assignments[0].principalId;
    assert.equal(
      decideAzure(
        assignments,
        principal,
        "Microsoft.ContainerRegistry/registries/pull/read",
        "/subscriptions/s/resourceGroups/web-rg/providers/Microsoft.ContainerRegistry/registries/other",
      ),
      "Allowed",
    );
  });

  it("an unrecorded role is refused rather than guessed", async () => {
    const copy = copyPlan(await planStack("prod", "azure"));
    const assignment = copy.resources.find(
      (r) => r.type === "azure-native:authorization:RoleAssignment",
    )!;
    assignment.inputs.roleDefinitionId =
      "/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c";
    const assignments = azureAssignmentsOf(copy);
    assert.throws(
      () => decideAzure(assignments, assignments[0].principalId, "x/read", registry),
      /role b24988ac-6180-42a0-ab88-20f7382dd24c is not in azureBuiltInRoles; record it/,
    );
  });
});
