import assert from "node:assert/strict";
import {
  azureBuiltInRoles,
  azureDeployActions,
  azureGrantableRoles,
  azureModuleNamespaces,
  grantableRolesCondition,
  lockOnlyCondition,
} from "../../bootstrap/azure";
import { checkAzureTrust, FederatedCredential, pipelineSubjects } from "../../bootstrap/trust";
import { planStack } from "../helpers/plan";
import { bootstrapConfig, named, ofType, PlannedResource, runBootstrap } from "./harness";

const repository = "acme/ha-web-service";
const environments = ["test", "prod"];
const subscription = "/subscriptions/00000000-0000-0000-0000-000000000000";
const role = (id: string) =>
  `${subscription}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
const load = () => runBootstrap(bootstrapConfig.azure);

describe("bootstrap on Azure", () => {
  it("keeps state in a TLS 1.2, Entra-only storage account with versioning and a private container", async () => {
    const run = await load();
    const account = named(run, "azure-native:storage:StorageAccount", "pipelinestate").inputs;
    assert.equal(account.minimumTlsVersion, "TLS1_2");
    assert.equal(account.enableHttpsTrafficOnly, true);
    assert.equal(account.allowBlobPublicAccess, false);
    assert.equal(account.allowSharedKeyAccess, false);
    const blobService = named(
      run,
      "azure-native:storage:BlobServiceProperties",
      "pipeline-state",
    ).inputs;
    assert.equal(blobService.isVersioningEnabled, true);
    assert.deepEqual(blobService.deleteRetentionPolicy, { enabled: true, days: 30 });
    assert.equal(
      named(run, "azure-native:storage:BlobContainer", "pipeline-state").inputs.publicAccess,
      "None",
    );
    const vault = named(run, "azure-native:keyvault:Vault", "pipeline-kv").inputs
      .properties as Record<string, unknown>;
    assert.equal(vault.enableRbacAuthorization, true);
    assert.equal(vault.enablePurgeProtection, true);
  });

  for (const pipelineRole of ["preview", "deploy"] as const) {
    it(`federates exactly the ${pipelineRole} subjects into the ${pipelineRole} identity`, async () => {
      const run = await load();
      const credentials = ofType(
        run,
        "azure-native:managedidentity:FederatedIdentityCredential",
      ).filter((r) => r.name.startsWith(`pipeline-${pipelineRole}-`));
      const subjects = credentials.map((r) => String(r.inputs.subject));
      assert.deepEqual(subjects, pipelineSubjects(repository, environments)[pipelineRole]);
      assert.deepEqual(
        checkAzureTrust(
          credentials.map((r) => r.inputs as unknown as FederatedCredential),
          { repository, environments },
        ),
        [],
      );
    });
  }

  it("assigns each identity exactly these roles at these scopes", async () => {
    const run = await load();
    const assignments = ofType(run, "azure-native:authorization:RoleAssignment").map((r) => [
      r.name,
      r.inputs.roleDefinitionId,
      String(r.inputs.scope).replace(
        /\/resourceGroups\/.*\/providers\//,
        "/resourceGroups/…/providers/",
      ),
      r.inputs.condition ?? null,
    ]);
    const container = `${subscription}/resourceGroups/…/providers/Microsoft.Storage/storageAccounts/acct/blobServices/default/containers/pulumi-state`;
    const key = `${subscription}/resourceGroups/…/providers/Microsoft.KeyVault/vaults/pipeline-kv-58bed86/keys/pulumi-state`;
    const sorted = (rows: unknown[][]) =>
      [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(
      sorted(assignments),
      sorted([
        ["pipeline-preview-reader", role(azureBuiltInRoles.reader), subscription, null],
        [
          "pipeline-preview-state",
          role(azureBuiltInRoles.storageBlobDataContributor),
          container,
          lockOnlyCondition,
        ],
        ["pipeline-preview-state-key", role(azureBuiltInRoles.keyVaultCryptoUser), key, null],
        [
          "pipeline-deploy-workload",
          `${subscription}/providers/Microsoft.Authorization/roleDefinitions/44444444-4444-4444-4444-444444444444`,
          subscription,
          null,
        ],
        [
          "pipeline-deploy-state",
          role(azureBuiltInRoles.storageBlobDataContributor),
          container,
          null,
        ],
        ["pipeline-deploy-state-key", role(azureBuiltInRoles.keyVaultCryptoUser), key, null],
        [
          "pipeline-deploy-grant-workload-roles",
          role(azureBuiltInRoles.roleBasedAccessControlAdministrator),
          subscription,
          grantableRolesCondition(azureGrantableRoles),
        ],
      ]),
    );
  });

  it("limits the preview identity's blob writes to Pulumi's lock files", () => {
    assert.equal(
      lockOnlyCondition,
      "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'}) AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'}) AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith '.pulumi/locks/'))",
    );
  });

  it("lets the deploy identity assign only AcrPull and Monitoring Metrics Publisher", () => {
    const condition = grantableRolesCondition(azureGrantableRoles);
    assert.equal(
      condition,
      "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {7f951dda-4ed3-4680-a7ca-43fe172d538d, 3913510d-42f4-4e42-8a64-420c390055eb})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {7f951dda-4ed3-4680-a7ca-43fe172d538d, 3913510d-42f4-4e42-8a64-420c390055eb}))",
    );
  });

  it("gives the custom deploy role no authorization or wildcard-provider rights except locks", () => {
    for (const action of azureDeployActions) {
      assert.doesNotMatch(action, /^\*|^Microsoft\.Authorization\/(?!locks\/)/, action);
    }
  });
});

/**
 * Fails unless every Azure resource in `resources` is covered by an action of the deploy role, and
 * every role the program assigns is one the deploy identity may assign.
 */
function assertDeployCovers(resources: readonly PlannedResource[]): void {
  for (const resource of resources.filter((r) => r.custom && r.type.startsWith("azure-native:"))) {
    if (resource.type === "azure-native:authorization:RoleAssignment") {
      const id = String(resource.inputs.roleDefinitionId).split("/").pop() ?? "";
      assert.ok(
        (azureGrantableRoles as readonly string[]).includes(id),
        `the program assigns role ${id}; add it to azureGrantableRoles in bootstrap/azure.ts`,
      );
      continue;
    }
    const module = resource.type.split(":")[1];
    const namespace = azureModuleNamespaces[module];
    assert.ok(
      namespace,
      `add the namespace ${resource.type} writes to azureModuleNamespaces and azureDeployActions in bootstrap/azure.ts`,
    );
    assert.ok(
      azureDeployActions.some((action) => action.startsWith(namespace)),
      `${resource.type} needs ${namespace}/*, which the deploy role lacks`,
    );
  }
}

describe("the deploy role covers what the main program registers on Azure", () => {
  for (const stack of ["test", "prod"]) {
    it(`${stack}: every Azure resource module maps to a granted action`, async () => {
      assertDeployCovers((await planStack(stack, "azure")).resources);
    });
  }

  it("fails for a role assignment of Owner (the check can fail)", () => {
    const owner: PlannedResource = {
      type: "azure-native:authorization:RoleAssignment",
      name: "owner",
      parent: null,
      inputs: { roleDefinitionId: role("8e3af657-a8ff-443c-a75c-2fe8c4bcb635") },
      custom: true,
      provider: null,
    };
    assert.throws(() => assertDeployCovers([owner]), /the program assigns role 8e3af657/);
  });

  it("fails for a module the deploy role does not cover (the check can fail)", () => {
    const sql: PlannedResource = {
      type: "azure-native:sql:Server",
      name: "db",
      parent: null,
      inputs: {},
      custom: true,
      provider: null,
    };
    assert.throws(() => assertDeployCovers([sql]), /add the namespace azure-native:sql:Server/);
  });
});
