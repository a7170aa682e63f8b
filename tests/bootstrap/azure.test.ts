import assert from "node:assert/strict";
import {
  azureActionMatches,
  azureBuiltInRoles,
  azureDeployActions,
  previewKeyDataActions,
  previewLockDataActions,
  stackStateCondition,
  workloadResourceGroup,
  azureGrantableRoles,
  azureResourceOperations,
  grantableRolesCondition,
  lockOnlyCondition,
} from "../../bootstrap/azure";
import { checkAzureTrust, FederatedCredential, pipelineSubjects } from "../../bootstrap/trust";
import { sharedRegistryName } from "../../providers/azure/registry";
import { planStack } from "../helpers/plan";
import { bootstrapConfig, named, ofType, PlannedResource, runBootstrap } from "./harness";

const repository = "acme/ha-web-service";
const environments = ["test", "prod"];
const subscription = "/subscriptions/00000000-0000-0000-0000-000000000000";
const role = (id: string) =>
  `${subscription}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
const load = () => runBootstrap(bootstrapConfig.azure);
/** The shared registry, as the program names it for its AcrPull (providers/azure/registry.ts). */
const registryPath = `/providers/Microsoft.ContainerRegistry/registries/${sharedRegistryName(subscription.split("/")[2])}`;
const registryId = `${subscription}/resourceGroups/ha-web-service-images${registryPath}`;

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

  const trusted: [string, readonly string[]][] = [
    ["preview", pipelineSubjects(repository, environments).preview],
    ["deploy-test", ["repo:acme/ha-web-service:environment:test"]],
    ["deploy-prod", ["repo:acme/ha-web-service:environment:prod"]],
  ];
  for (const [pipelineRole, expected] of trusted) {
    it(`federates exactly ${expected.join(" and ")} into the ${pipelineRole} identity`, async () => {
      const run = await load();
      const credentials = ofType(
        run,
        "azure-native:managedidentity:FederatedIdentityCredential",
      ).filter(
        (r) =>
          r.name.startsWith(`pipeline-${pipelineRole}-`) &&
          !(pipelineRole === "preview" && r.name.includes("deploy")),
      );
      const subjects = credentials.map((r) => String(r.inputs.subject));
      assert.deepEqual(subjects, expected);
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
    const byName = new Map(
      ofType(run, "azure-native:authorization:RoleDefinition").map((r) => [r.name, r]),
    );
    // The mocks give every custom role the same id; what each allows is checked below.
    const assignments = ofType(run, "azure-native:authorization:RoleAssignment").map((r) => [
      r.name,
      String(r.inputs.roleDefinitionId).endsWith("44444444-4444-4444-4444-444444444444")
        ? "custom"
        : r.inputs.roleDefinitionId,
      String(r.inputs.scope).replace(
        /\/resourceGroups\/.*\/providers\//,
        "/resourceGroups/…/providers/",
      ),
      r.inputs.condition ?? null,
    ]);
    const container = `${subscription}/resourceGroups/…/providers/Microsoft.Storage/storageAccounts/acct/blobServices/default/containers/pulumi-state`;
    const key = `${subscription}/resourceGroups/…/providers/Microsoft.KeyVault/vaults/pipeline-kv-58bed86/keys/pulumi-state`;
    const group = (environment: string) =>
      `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ha-web-service-${environment}`;
    const sorted = (rows: unknown[][]) =>
      [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(
      sorted(assignments),
      sorted([
        ["pipeline-preview-reader", role(azureBuiltInRoles.reader), subscription, null],
        ["pipeline-preview-state", role(azureBuiltInRoles.storageBlobDataReader), container, null],
        ["pipeline-preview-state-locks", "custom", container, lockOnlyCondition],
        ["pipeline-preview-state-key", "custom", key, null],
        ...["test", "prod"].flatMap((environment) => [
          [`pipeline-deploy-${environment}-workload`, "custom", group(environment), null],
          [
            `pipeline-deploy-${environment}-state`,
            role(azureBuiltInRoles.storageBlobDataContributor),
            container,
            stackStateCondition(environment),
          ],
          [
            `pipeline-deploy-${environment}-state-key`,
            role(azureBuiltInRoles.keyVaultCryptoUser),
            key,
            null,
          ],
          // Where the program assigns its instances AcrPull (bootstrap/registry.ts).
          [
            `images-deploy-${environment}-grant-acr-pull`,
            role(azureBuiltInRoles.roleBasedAccessControlAdministrator),
            `${subscription}/resourceGroups/…${registryPath}`,
            grantableRolesCondition(azureGrantableRoles),
          ],
        ]),
      ]),
    );
    // Which custom role each custom assignment uses, by what the role allows.
    const permissions = (name: string) =>
      (byName.get(name)?.inputs.permissions as { actions: string[]; dataActions: string[] }[])[0];
    assert.deepEqual(permissions("pipeline-key-decrypter").dataActions, [...previewKeyDataActions]);
    assert.deepEqual(permissions("pipeline-lock-writer").dataActions, [...previewLockDataActions]);
    assert.deepEqual(permissions("pipeline-deployer").actions, [...azureDeployActions]);
    assert.deepEqual(byName.get("pipeline-deployer")?.inputs.assignableScopes, [
      group("test"),
      group("prod"),
    ]);
  });

  it("gives the deploy identities no right at subscription scope (a grant there reaches every resource group)", async () => {
    const run = await load();
    const atSubscription = ofType(run, "azure-native:authorization:RoleAssignment")
      .filter((r) => r.name.startsWith("pipeline-deploy-") && r.inputs.scope === subscription)
      .map((r) => r.name);
    assert.deepEqual(atSubscription, []);
  });

  // Operations a deploy identity must never be granted, each with why.
  const forbidden: [string, string][] = [
    [
      "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
      "adds a trust for any subject to an identity, its own included",
    ],
    [
      "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete",
      "removes the environment's trust",
    ],
    [
      "Microsoft.Authorization/roleAssignments/write",
      "grants any role (only via the conditioned built-in)",
    ],
    ["Microsoft.Authorization/roleDefinitions/write", "widens its own role"],
    [
      "Microsoft.Resources/subscriptions/resourceGroups/write",
      "creates resource groups outside its own",
    ],
  ];
  for (const [operation, why] of forbidden) {
    it(`the deploy role does not grant ${operation}: it ${why}`, () => {
      const granting = azureDeployActions.filter((action) => azureActionMatches(action, operation));
      assert.deepEqual(granting, []);
    });
  }

  it("the matcher reads wildcards as Azure does (so the checks above can fail)", () => {
    assert.equal(
      azureActionMatches(
        "Microsoft.ManagedIdentity/userAssignedIdentities/*",
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
      ),
      true,
    );
    assert.equal(
      azureActionMatches(
        "Microsoft.ManagedIdentity/userAssignedIdentities/write",
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
      ),
      false,
    );
  });

  it("gives the preview identity no control-plane action on the state container (Blob Data Contributor could delete it)", () => {
    for (const action of [...previewLockDataActions, ...previewKeyDataActions]) {
      assert.ok(
        !azureActionMatches(
          action,
          "Microsoft.Storage/storageAccounts/blobServices/containers/delete",
        ),
        action,
      );
      assert.ok(
        !azureActionMatches(action, "Microsoft.KeyVault/vaults/keys/encrypt/action"),
        action,
      );
    }
  });

  it("limits each deploy identity's state access to its own stack", () => {
    const condition = stackStateCondition("test");
    assert.match(condition, /StringStartsWith '\.pulumi\/stacks\/ha-web-service\/test\.json'/);
    assert.match(condition, /StringStartsWith '\.pulumi\/locks\/ha-web-service\/test\/'/);
    assert.doesNotMatch(condition, /prod/);
  });

  it("limits the preview identity's blob writes to Pulumi's lock files", () => {
    assert.equal(
      lockOnlyCondition,
      "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'}) AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'}) AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith '.pulumi/locks/'))",
    );
  });

  it("lets the deploy identity assign only AcrPull", () => {
    const condition = grantableRolesCondition(azureGrantableRoles);
    assert.equal(
      condition,
      "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {7f951dda-4ed3-4680-a7ca-43fe172d538d})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {7f951dda-4ed3-4680-a7ca-43fe172d538d}))",
    );
  });

  it("lets on the shared registry exactly the environment's deploy identity assign AcrPull", async () => {
    const run = await load();
    const assignment = (name: string) =>
      named(run, "azure-native:authorization:RoleAssignment", name).inputs.principalId;
    for (const environment of environments) {
      assert.equal(
        assignment(`images-deploy-${environment}-grant-acr-pull`),
        assignment(`pipeline-deploy-${environment}-workload`),
      );
    }
    assert.notEqual(
      assignment("images-deploy-test-grant-acr-pull"),
      assignment("images-deploy-prod-grant-acr-pull"),
    );
  });

  it("the shared registry accepts only ACR-audience Entra tokens, not ARM-audience ones", async () => {
    const [acr] = ofType(await load(), "azure-native:containerregistry:Registry");
    assert.deepEqual(acr.inputs.policies, {
      azureADAuthenticationAsArmPolicy: { status: "disabled" },
    });
  });

  it("gives the custom deploy role no authorization or wildcard-provider rights except locks", () => {
    for (const action of azureDeployActions) {
      assert.doesNotMatch(action, /^\*|^Microsoft\.Authorization\/(?!locks\/)/, action);
    }
  });
});

/**
 * Fails unless every Azure resource in `resources` is covered by an action of the deploy role, and
 * every role the program assigns is one the deploy identity may assign, on the shared registry
 * where the bootstrap lets it (bootstrap/registry.ts).
 */
function assertDeployCovers(resources: readonly PlannedResource[]): void {
  for (const resource of resources.filter((r) => r.custom && r.type.startsWith("azure-native:"))) {
    if (resource.type === "azure-native:authorization:RoleAssignment") {
      const id = String(resource.inputs.roleDefinitionId).split("/").pop() ?? "";
      assert.ok(
        (azureGrantableRoles as readonly string[]).includes(id),
        `the program assigns role ${id}; add it to azureGrantableRoles in bootstrap/azure.ts`,
      );
      assert.equal(
        resource.inputs.scope,
        registryId,
        `the program assigns a role at ${String(resource.inputs.scope)}, where the deploy identity may not assign roles`,
      );
      continue;
    }
    const operation = azureResourceOperations[resource.type];
    assert.ok(
      operation,
      `add the namespace ${resource.type} writes to azureResourceOperations and azureDeployActions in bootstrap/azure.ts`,
    );
    assert.ok(
      azureDeployActions.some((action) => azureActionMatches(action, operation)),
      `${resource.type} needs ${operation}, which the deploy role lacks`,
    );
  }
}

describe("the deploy role covers what the main program registers on Azure", () => {
  for (const stack of ["test", "prod"]) {
    it(`${stack}: every Azure resource module maps to a granted action`, async () => {
      assertDeployCovers((await planStack(stack, "azure")).resources);
    });

    // The deploy identity holds rights only in the resource group the bootstrap made for its
    // environment, and may not create groups: the program must deploy into that group.
    it(`${stack}: creates no resource group and puts every resource in ${workloadResourceGroup(stack)}`, async () => {
      const resources = (await planStack(stack, "azure")).resources;
      assert.deepEqual(
        resources.filter((r) => r.type === "azure-native:resources:ResourceGroup"),
        [],
      );
      const groups = new Set(
        resources
          .filter((r) => r.inputs.resourceGroupName !== undefined)
          .map((r) => r.inputs.resourceGroupName),
      );
      assert.deepEqual([...groups], [workloadResourceGroup(stack)]);
    });
  }

  it("grants no resource type the program never registers (the list is exact)", async () => {
    const planned = new Set(
      (await Promise.all(["test", "prod"].map((stack) => planStack(stack, "azure"))))
        .flatMap((plan) => plan.resources)
        .map((r) => r.type),
    );
    // Reads of the pipeline and the provider, and attaching the identity to the scale set.
    const supporting = [
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Compute/virtualMachines/read",
      "Microsoft.Compute/disks/read",
      "Microsoft.ManagedIdentity/userAssignedIdentities/read",
      "Microsoft.ManagedIdentity/userAssignedIdentities/delete",
      "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
    ];
    const unused = azureDeployActions.filter(
      (action) =>
        !supporting.includes(action) &&
        !Object.entries(azureResourceOperations).some(
          ([type, operation]) => planned.has(type) && azureActionMatches(action, operation),
        ),
    );
    assert.deepEqual(unused, []);
  });

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

  it("fails for AcrPull assigned outside the shared registry (the check can fail)", () => {
    const inGroup: PlannedResource = {
      type: "azure-native:authorization:RoleAssignment",
      name: "acr-pull",
      parent: null,
      inputs: {
        roleDefinitionId: role(azureBuiltInRoles.acrPull),
        scope: `${subscription}/resourceGroups/ha-web-service-test`,
      },
      custom: true,
      provider: null,
    };
    assert.throws(() => assertDeployCovers([inGroup]), /where the deploy identity may not assign/);
  });
});
