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
  imageLockActions,
  imagePushEnvironment,
} from "../../bootstrap/azure";
import { checkAzureTrust, FederatedCredential, pipelineSubjects } from "../../bootstrap/trust";
import { sharedRegistryName } from "../../providers/azure/registry";
import {
  baseImage,
  hostImageBuildScript,
  hostImageVersionId,
  hostPackages,
} from "../../providers/azure/hostImage";
import { imageBuilderActions, imageBuildVmSize } from "../../bootstrap/hostImage";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planStack } from "../helpers/plan";
import { bootstrapConfig, named, ofType, PlannedResource, runBootstrap } from "./harness";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

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
    // Which custom role each custom assignment uses, by what the role allows.
    const permissions = (name: string) =>
      (byName.get(name)?.inputs.permissions as { actions: string[]; dataActions: string[] }[])[0];
    const sorted = (rows: unknown[][]) =>
      [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(
      sorted(assignments),
      sorted([
        ["pipeline-preview-reader", role(azureBuiltInRoles.reader), subscription, null],
        ["pipeline-preview-state", role(azureBuiltInRoles.storageBlobDataReader), container, null],
        ["pipeline-preview-state-locks", "custom", container, lockOnlyCondition],
        ["pipeline-preview-state-key", "custom", key, null],
        // Image Builder's identity, on the shared images group only (bootstrap/hostImage.ts).
        [
          "images-image-builder",
          "custom",
          `${subscription}/resourceGroups/ha-web-service-images`,
          null,
        ],
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
          // Creating the scale set from the host image needs read on it (bootstrap/hostImage.ts).
          [
            `images-deploy-${environment}-host-image-reader`,
            role(azureBuiltInRoles.reader),
            `${subscription}/resourceGroups/…/providers/Microsoft.Compute/galleries/hawebsvc_images`,
            null,
          ],
          // The deploy that pushes may push and lock; the others only read (bootstrap/registry.ts).
          ...(environment === imagePushEnvironment
            ? [
                [
                  `images-deploy-${environment}-acr-push`,
                  role(azureBuiltInRoles.acrPush),
                  `${subscription}/resourceGroups/…${registryPath}`,
                  null,
                ],
                [
                  `images-deploy-${environment}-acr-lock`,
                  "custom",
                  `${subscription}/resourceGroups/…${registryPath}`,
                  null,
                ],
              ]
            : [
                [
                  `images-deploy-${environment}-acr-pull`,
                  role(azureBuiltInRoles.acrPull),
                  `${subscription}/resourceGroups/…${registryPath}`,
                  null,
                ],
              ]),
        ]),
      ]),
    );
    assert.deepEqual(permissions("images-image-locker").actions, [...imageLockActions]);
    // Assignable on the registry only (the mocks put every registry in resource group "rg").
    assert.deepEqual(byName.get("images-image-locker")?.inputs.assignableScopes, [
      `${subscription}/resourceGroups/rg${registryPath}`,
    ]);
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

  /**
   * What the deploy workflow does on the shared registry, per environment, and the operation each
   * step needs. The push (skopeo copy) needs push/write, the digest check (skopeo inspect)
   * pull/read, the lock (az acr repository update) metadata/write and metadata/read
   * (imageLockActions). Built-in role contents:
   * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers
   */
  const builtInActions: Readonly<Record<string, readonly string[]>> = {
    [azureBuiltInRoles.acrPull]: ["Microsoft.ContainerRegistry/registries/pull/read"],
    [azureBuiltInRoles.acrPush]: [
      "Microsoft.ContainerRegistry/registries/pull/read",
      "Microsoft.ContainerRegistry/registries/push/write",
    ],
  };
  const push = "Microsoft.ContainerRegistry/registries/push/write";
  const pull = "Microsoft.ContainerRegistry/registries/pull/read";
  const lock = "Microsoft.ContainerRegistry/registries/metadata/write";
  /** Registry operations each deploy identity holds, resolved from its assignments on the registry. */
  async function registryRights(): Promise<Record<string, string[]>> {
    const run = await load();
    const customs = new Map(
      ofType(run, "azure-native:authorization:RoleDefinition").map((r) => [
        r.name,
        (r.inputs.permissions as { actions: string[] }[])[0].actions,
      ]),
    );
    const rights: Record<string, string[]> = {};
    for (const environment of environments) {
      const principal = named(
        run,
        "azure-native:authorization:RoleAssignment",
        `pipeline-deploy-${environment}-workload`,
      ).inputs.principalId;
      const actions = ofType(run, "azure-native:authorization:RoleAssignment")
        .filter((r) => r.inputs.principalId === principal && r.name.startsWith("images-"))
        // On the registry, and not the conditioned role-assignment grant.
        .filter((r) => String(r.inputs.scope).includes(registryPath) && !r.inputs.condition)
        .flatMap((r) => {
          const id = String(r.inputs.roleDefinitionId).split("/").pop() ?? "";
          // Custom roles all get the mocks' one id; the lock role is the registry's only one.
          return builtInActions[id] ?? customs.get("images-image-locker") ?? [];
        });
      rights[environment] = [push, pull, lock].filter((operation) =>
        actions.some((action) => azureActionMatches(action, operation)),
      );
    }
    return rights;
  }

  it("lets only the deploy that pushes push and lock on the shared registry; the others pull", async () => {
    assert.deepEqual(await registryRights(), {
      test: [push, pull, lock],
      prod: [pull],
    });
  });

  it("grants push to the environment whose deploy job pushes in main.yml", () => {
    const main = parse(readFileSync(".github/workflows/main.yml", "utf8")) as {
      jobs: Record<string, { with?: { push?: boolean; environment?: string } }>;
    };
    const pushing = Object.values(main.jobs)
      .filter((job) => job.with?.push === true)
      .map((job) => job.with?.environment);
    assert.deepEqual(pushing, [imagePushEnvironment]);
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

describe("bootstrap on Azure: the instances' host image", () => {
  const sub = subscription.split("/")[2];
  const template = async () =>
    ofType(await load(), "azure-native:virtualmachineimages:VirtualMachineImageTemplate");

  it("builds exactly the gallery image version the stacks boot, from the pinned Ubuntu image", async () => {
    const run = await load();
    const [built] = await template();
    assert.equal(built.name, "images-host-1-0-0");
    assert.deepEqual(built.inputs.source, { type: "PlatformImage", ...baseImage });
    assert.notEqual(baseImage.version, "latest");
    const [distribute] = built.inputs.distribute as Record<string, unknown>[];
    assert.equal(distribute.type, "SharedImage");
    // The id a stack derives for its scale set (providers/azure/compute.ts) is the one built here.
    assert.equal(distribute.galleryImageId, hostImageVersionId(sub));
    assert.equal(run.outputs.hostImage, hostImageVersionId(sub));
    assert.deepEqual(distribute.targetRegions, [
      { name: "eastus", replicaCount: 1, storageAccountType: "Standard_ZRS" },
    ]);
    // Builds on creation; without autoRun the template exists and no image version ever does.
    assert.deepEqual(built.inputs.autoRun, { state: "Enabled" });
    assert.deepEqual(built.inputs.vmProfile, { vmSize: imageBuildVmSize, osDiskSizeGB: 0 });
  });

  it("defines a Gen2, Trusted Launch capable Linux image in a protected gallery", async () => {
    const run = await load();
    const definition = named(run, "azure-native:compute:GalleryImage", "images-host").inputs;
    assert.equal(definition.hyperVGeneration, "V2");
    assert.equal(definition.osType, "Linux");
    assert.equal(definition.osState, "Generalized");
    assert.deepEqual(definition.features, [
      { name: "SecurityType", value: "TrustedLaunchSupported" },
    ]);
    assert.ok(run.protected.has("azure-native:compute:Gallery::images-gallery"));
    assert.ok(run.protected.has("azure-native:compute:GalleryImage::images-host"));
  });

  it("installs docker.io and jq, holds them, and records their versions", async () => {
    const [built] = await template();
    const [customizer] = built.inputs.customize as { type: string; inline: string[] }[];
    assert.equal(customizer.type, "Shell");
    assert.deepEqual(customizer.inline, hostImageBuildScript());
    const script = customizer.inline.join("\n");
    assert.deepEqual(hostPackages, ["docker.io", "jq"]);
    assert.match(script, /apt-get install -y --no-install-recommends docker\.io jq$/m);
    assert.match(script, /apt-mark hold docker\.io jq$/m);
    assert.match(script, /^set -eu$/m);
  });

  it("the build script passes shellcheck", async () => {
    const [built] = await template();
    const { inline } = (built.inputs.customize as { inline: string[] }[])[0];
    const dir = mkdtempSync(join(tmpdir(), "host-image-"));
    try {
      const file = join(dir, "build.sh");
      writeFileSync(file, `#!/bin/sh\n${inline.join("\n")}\n`);
      const result = spawnSync("shellcheck", ["--severity=style", file], { encoding: "utf8" });
      assert.equal(result.status, 0, result.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives Image Builder's identity exactly Microsoft's documented distribute actions, on the images group, before the build", async () => {
    const run = await load();
    const role = named(run, "azure-native:authorization:RoleDefinition", "images-image-builder");
    const permissions = (role.inputs.permissions as { actions: string[] }[])[0];
    assert.deepEqual(permissions.actions, [...imageBuilderActions]);
    assert.deepEqual(imageBuilderActions, [
      "Microsoft.Compute/images/write",
      "Microsoft.Compute/images/read",
      "Microsoft.Compute/images/delete",
      "Microsoft.Compute/galleries/read",
      "Microsoft.Compute/galleries/images/read",
      "Microsoft.Compute/galleries/images/versions/read",
      "Microsoft.Compute/galleries/images/versions/write",
    ]);
    const group = `${subscription}/resourceGroups/ha-web-service-images`;
    assert.deepEqual(role.inputs.assignableScopes, [group]);
    const grant = named(run, "azure-native:authorization:RoleAssignment", "images-image-builder");
    assert.equal(grant.inputs.scope, group);
    // The mocks' principal id names the identity it belongs to (harness.ts).
    assert.equal(grant.inputs.principalId, "principal-of-images-image-builder");
    const [built] = await template();
    const identity = built.inputs.identity as { type: string; userAssignedIdentities: string[] };
    assert.equal(identity.type, "UserAssigned");
    assert.equal(identity.userAssignedIdentities.length, 1);
    assert.match(identity.userAssignedIdentities[0], /images-image-builder/);
  });
});

describe("bootstrap on Azure: deploy identities can use the host image", () => {
  it("gives each environment's deploy identity Reader on the gallery, which holds the image version its scale set boots", async () => {
    const run = await load();
    const gallery = `${subscription}/resourceGroups/ha-web-service-images/providers/Microsoft.Compute/galleries/hawebsvc_images`;
    assert.ok(hostImageVersionId(subscription.split("/")[2]).startsWith(`${gallery}/`));
    for (const environment of environments) {
      const grant = named(
        run,
        "azure-native:authorization:RoleAssignment",
        `images-deploy-${environment}-host-image-reader`,
      ).inputs;
      assert.equal(grant.scope, gallery);
      assert.equal(grant.roleDefinitionId, role(azureBuiltInRoles.reader));
      assert.equal(
        grant.principalId,
        named(
          run,
          "azure-native:authorization:RoleAssignment",
          `pipeline-deploy-${environment}-workload`,
        ).inputs.principalId,
      );
    }
  });
});
