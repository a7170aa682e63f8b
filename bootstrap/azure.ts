import * as pulumi from "@pulumi/pulumi";
import * as azure from "../providers/azure/sdk";
import { azureAudience, deploySubject, githubIssuer, pipelineSubjects } from "./trust";
import { BootstrapImplementation, environmentVariables, subjectTag } from "./types";
import { workloadResourceGroup } from "../providers/azure/naming";

/** Built-in Azure role definition ids (the same in every tenant). */
export const azureBuiltInRoles = {
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  // pull/read and push/write only; no metadata/write, so it cannot lock what it pushes.
  // https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers#acrpush
  acrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  roleBasedAccessControlAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
} as const;

/**
 * What the deploy identity of one environment may do, granted on that environment's resource
 * group only (which the bootstrap creates, so the grant can exist before the first deploy).
 * Listed action by action where a wildcard would reach further than the program needs; in
 * particular nothing under `Microsoft.ManagedIdentity/userAssignedIdentities/` beyond read, write,
 * delete and assign: `federatedIdentityCredentials/write` would let a workflow add a trust for any
 * subject to an identity, its own included. Operations:
 * https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/identity#microsoftmanagedidentity
 */
export const azureDeployActions: readonly string[] = [
  // Reads the pipeline and the program make; nothing registers a group (the bootstrap owns it).
  "Microsoft.Resources/subscriptions/resourceGroups/read",
  "Microsoft.Compute/virtualMachines/read",
  "Microsoft.Compute/disks/read",
  // One line per resource type the program registers (azureResourceOperations); `*` on a type
  // covers its sub-resources and the `join/action` a reference to it needs.
  "Microsoft.Network/virtualNetworks/*",
  "Microsoft.Network/networkSecurityGroups/*",
  "Microsoft.Network/publicIPAddresses/*",
  "Microsoft.Network/loadBalancers/*",
  "Microsoft.Compute/virtualMachineScaleSets/*",
  "Microsoft.ManagedIdentity/userAssignedIdentities/read",
  "Microsoft.ManagedIdentity/userAssignedIdentities/write",
  "Microsoft.ManagedIdentity/userAssignedIdentities/delete",
  // Attaching the program's identity to its scale set. Granted on the environment's resource
  // group, it reaches only identities in that group, never the pipeline's own identities, which
  // live in the bootstrap's group.
  "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
  // Delete locks on prod's load balancer and address (deletionProtection). They guard against
  // accidents, not against this identity, which has to remove them for a planned replacement.
  "Microsoft.Authorization/locks/*",
  "Microsoft.Insights/autoscalesettings/*",
  "Microsoft.Insights/metricAlerts/*",
  "Microsoft.Insights/activityLogAlerts/*",
  "Microsoft.Insights/actionGroups/*",
  "Microsoft.Insights/dataCollectionRules/*",
  "Microsoft.Insights/dataCollectionRuleAssociations/*",
  "Microsoft.OperationalInsights/workspaces/*",
];

/**
 * Whether an Azure RBAC action pattern grants `operation`. Azure matches `*` against any run of
 * characters, case-insensitively
 * (https://learn.microsoft.com/en-us/azure/role-based-access-control/role-definitions#actions).
 */
export function azureActionMatches(pattern: string, operation: string): boolean {
  const regex = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${regex}$`, "i").test(operation);
}

/**
 * The preview identity's state role: blob data actions only, no control-plane actions. The
 * built-in Storage Blob Data Contributor also carries `containers/delete`, which no data
 * condition limits, so a pull request could delete the state container with it.
 */
export const previewLockDataActions: readonly string[] = [
  "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
  "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
  "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
];

/**
 * The preview identity's key role: decrypt and read only. A preview loads the stack's secrets
 * manager, which decrypts its data key (pulumi/pulumi pkg/secrets/cloud/manager.go); it never
 * encrypts. The built-in Key Vault Crypto User would also let it encrypt, sign and wrap.
 */
export const previewKeyDataActions: readonly string[] = [
  "Microsoft.KeyVault/vaults/keys/read",
  "Microsoft.KeyVault/vaults/keys/decrypt/action",
];

/**
 * The GitHub environment whose deploy job pushes each commit's image to the shared registry and
 * locks it (`.github/workflows/main.yml`, the job with `push: true`; tests/bootstrap checks the
 * two agree). Every other environment only reads the image it deploys.
 */
export const imagePushEnvironment = "test";

/**
 * What locking a pushed image takes: `az acr repository update --write-enabled false
 * --delete-enabled false` asks ACR for a `metadata_write,metadata_read` token
 * (azure-cli src/azure-cli/azure/cli/command_modules/acr/repository.py, acr_repository_update),
 * which ACR grants on these two actions ("Updates the metadata of a repository",
 * https://learn.microsoft.com/azure/role-based-access-control/permissions/containers#microsoftcontainerregistry).
 * No built-in role short of Contributor has them on a registry in the default "RBAC Registry
 * Permissions" mode: AcrPush is pull/read and push/write only
 * (https://learn.microsoft.com/azure/container-registry/container-registry-rbac-built-in-roles-directory-reference).
 * ACR custom roles take no wildcards, so each action is listed
 * (https://learn.microsoft.com/azure/container-registry/container-registry-roles#custom-roles).
 */
export const imageLockActions: readonly string[] = [
  "Microsoft.ContainerRegistry/registries/metadata/read",
  "Microsoft.ContainerRegistry/registries/metadata/write",
];

/**
 * Roles the deploy identity may assign: its scale set's identity pulls images, and that is the
 * program's only role assignment. It is made on the shared registry, outside the environment's
 * resource group, so the grant is there too (bootstrap/registry.ts), and the deploy identity may
 * assign no role in its group. Azure's "delegation conditions" on Role Based Access Control
 * Administrator express this; without them, role assignment rights are rights to grant Owner.
 */
export const azureGrantableRoles = [azureBuiltInRoles.acrPull] as const;

export function grantableRolesCondition(roleIds: readonly string[]): string {
  const ids = roleIds.join(", ");
  return [
    "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR ",
    `(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ids}}))`,
    " AND ",
    "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR ",
    `(@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ids}}))`,
  ].join("");
}

export { workloadResourceGroup };

/**
 * Blob reads and writes of a deploy identity only under its own stack's paths (see
 * `stackStateObjects` in awsPolicies.ts for the layout), plus reading `.pulumi/meta.yaml`.
 */
export function stackStateCondition(environment: string, project = "ha-web-service"): string {
  const paths = [
    `.pulumi/stacks/${project}/${environment}.json`,
    ...["history", "backups", "journal", "locks"].map(
      (dir) => `.pulumi/${dir}/${project}/${environment}/`,
    ),
  ];
  const under = paths
    .map(
      (path) =>
        `@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith '${path}'`,
    )
    .join(" OR ");
  return [
    "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})",
    " AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'})",
    " AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'})",
    " AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'}))",
    ` OR ${under} OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringEquals '.pulumi/meta.yaml'))`,
  ].join("");
}

/**
 * Blob writes and deletes only under Pulumi's lock prefix: a preview takes the stack lock, and
 * nothing else a preview does writes state. Reads stay unconditional.
 */
export const lockOnlyCondition = [
  "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'})",
  " AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'})",
  " AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'}))",
  " OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith '.pulumi/locks/'))",
].join("");

/**
 * Azure: a storage account and blob container for state, a Key Vault key for stack secrets, and a
 * read-only and a deploy identity that GitHub can federate into.
 *
 * The identities are user-assigned managed identities with federated credentials, not app
 * registrations: app registrations live in Entra ID and need the azuread provider (not a
 * dependency here) and directory permissions the bootstrap admin may not have. A managed identity
 * is an ordinary ARM resource, and azure/login accepts its client id the same way.
 *
 * Pulumi's Azure Blob backend locks a stack with a lock blob in the container; nothing else is
 * needed.
 */
export const deployAzure: BootstrapImplementation = (name, settings, parent) => {
  const opts = { parent };
  const client = azure.authorization.getClientConfigOutput(opts);
  const subscription = pulumi.interpolate`/subscriptions/${client.subscriptionId}`;
  const roleId = (id: string) =>
    pulumi.interpolate`${subscription}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
  // Storage account names are global and alphanumeric only.
  const compact = name.replace(/[^a-z0-9]/gi, "").toLowerCase();

  const group = new azure.resources.ResourceGroup(
    `${name}-rg`,
    { location: settings.region, tags: settings.tags },
    opts,
  );
  const inGroup = { resourceGroupName: group.name, location: settings.region, tags: settings.tags };

  const account = new azure.storage.StorageAccount(
    `${compact}state`,
    {
      ...inGroup,
      kind: "StorageV2",
      sku: { name: "Standard_ZRS" },
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      allowBlobPublicAccess: false,
      // Entra ID only: no account keys or SAS tokens that could leak. Pulumi's azblob backend
      // authenticates with the same Azure credentials as azure/login and `az login`.
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowCrossTenantReplication: false,
    },
    opts,
  );
  new azure.storage.BlobServiceProperties(
    `${name}-state`,
    {
      resourceGroupName: group.name,
      accountName: account.name,
      blobServicesName: "default",
      isVersioningEnabled: true,
      deleteRetentionPolicy: { enabled: true, days: 30 },
      containerDeleteRetentionPolicy: { enabled: true, days: 30 },
    },
    opts,
  );
  const container = new azure.storage.BlobContainer(
    `${name}-state`,
    {
      resourceGroupName: group.name,
      accountName: account.name,
      containerName: "pulumi-state",
      publicAccess: "None",
    },
    opts,
  );

  const vault = new azure.keyvault.Vault(
    `${name}-kv`,
    {
      resourceGroupName: group.name,
      location: settings.region,
      tags: settings.tags,
      properties: {
        tenantId: client.tenantId,
        sku: { family: "A", name: "standard" },
        // RBAC instead of access policies, so access is granted like everything else here.
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        // A purged key would make every stack's secrets unreadable; purge protection forbids it.
        enablePurgeProtection: true,
      },
    },
    opts,
  );
  const key = new azure.keyvault.Key(
    `${name}-state-key`,
    {
      resourceGroupName: group.name,
      vaultName: vault.name,
      keyName: "pulumi-state",
      properties: { kty: "RSA", keySize: 2048, keyOps: ["encrypt", "decrypt"] },
    },
    opts,
  );

  const subjects = pipelineSubjects(settings.githubRepository, settings.environments);
  /** A managed identity GitHub can federate into from exactly `trusted`. */
  const federatedIdentity = (label: string, trusted: readonly string[]) => {
    const identity = new azure.managedidentity.UserAssignedIdentity(
      `${name}-${label}`,
      inGroup,
      opts,
    );
    // Entra ID refuses concurrent writes of credentials on one identity, so they are chained.
    let previous: pulumi.Resource | undefined;
    for (const subject of trusted) {
      const tag = subjectTag(subject);
      previous = new azure.managedidentity.FederatedIdentityCredential(
        `${name}-${label}-${tag}`,
        {
          resourceGroupName: group.name,
          resourceName: identity.name,
          federatedIdentityCredentialResourceName: tag,
          issuer: githubIssuer,
          subject,
          audiences: [azureAudience],
        },
        { ...opts, dependsOn: previous ? [previous] : [] },
      );
    }
    return identity;
  };

  const assign = (
    label: string,
    identity: azure.managedidentity.UserAssignedIdentity,
    roleDefinitionId: pulumi.Input<string>,
    scope: pulumi.Input<string>,
    condition?: string,
  ) =>
    new azure.authorization.RoleAssignment(
      `${name}-${label}`,
      {
        principalId: identity.principalId,
        principalType: "ServicePrincipal",
        roleDefinitionId,
        scope,
        ...(condition ? { condition, conditionVersion: "2.0" } : {}),
      },
      opts,
    );
  const customRole = (
    label: string,
    roleName: string,
    description: string,
    permissions: { actions?: readonly string[]; dataActions?: readonly string[] },
    scopes: pulumi.Input<string>[],
  ) =>
    new azure.authorization.RoleDefinition(
      `${name}-${label}`,
      {
        scope: subscription,
        roleName: `ha-web-service ${roleName} (${settings.stack})`,
        description,
        permissions: [
          {
            actions: [...(permissions.actions ?? [])],
            notActions: [],
            dataActions: [...(permissions.dataActions ?? [])],
            notDataActions: [],
          },
        ],
        assignableScopes: scopes,
      },
      opts,
    );

  const keyScope = pulumi.interpolate`${vault.id}/keys/${key.name}`;
  const preview = federatedIdentity("preview", subjects.preview);
  const keyDecrypter = customRole(
    "key-decrypter",
    "state key decrypter",
    "Read and decrypt with the state key; see bootstrap/azure.ts",
    { dataActions: previewKeyDataActions },
    [keyScope],
  );
  const lockWriter = customRole(
    "lock-writer",
    "state lock writer",
    "Blob writes, limited by a condition to Pulumi's lock files; see bootstrap/azure.ts",
    { dataActions: previewLockDataActions },
    [container.id],
  );
  assign("preview-reader", preview, roleId(azureBuiltInRoles.reader), subscription);
  assign("preview-state", preview, roleId(azureBuiltInRoles.storageBlobDataReader), container.id);
  assign("preview-state-locks", preview, lockWriter.id, container.id, lockOnlyCondition);
  assign("preview-state-key", preview, keyDecrypter.id, keyScope);

  // One deploy identity per environment, allowed only in that environment's resource group.
  const workloadGroups = settings.environments.map(
    (environment) =>
      new azure.resources.ResourceGroup(
        `${name}-workload-${environment}`,
        {
          resourceGroupName: workloadResourceGroup(environment),
          location: settings.region,
          tags: { ...settings.tags, stack: environment },
        },
        { ...opts, protect: true },
      ),
  );
  const deployer = customRole(
    "deployer",
    "deployer",
    "What pulumi up of ha-web-service needs in its resource group; see bootstrap/azure.ts",
    { actions: azureDeployActions },
    workloadGroups.map((g) => g.id),
  );
  const deployIdentities = Object.fromEntries(
    settings.environments.map((environment, index) => {
      const identity = federatedIdentity(`deploy-${environment}`, [
        deploySubject(settings.githubRepository, environment),
      ]);
      const groupId = workloadGroups[index].id;
      assign(`deploy-${environment}-workload`, identity, deployer.id, groupId);
      assign(
        `deploy-${environment}-state`,
        identity,
        roleId(azureBuiltInRoles.storageBlobDataContributor),
        container.id,
        stackStateCondition(environment),
      );
      assign(
        `deploy-${environment}-state-key`,
        identity,
        roleId(azureBuiltInRoles.keyVaultCryptoUser),
        keyScope,
      );
      return [environment, identity];
    }),
  );

  const backendUrl = pulumi.interpolate`azblob://${container.name}?storage_account=${account.name}`;
  const secretsProvider = pulumi.interpolate`azurekeyvault://${vault.name}.vault.azure.net/keys/${key.name}`;
  return {
    backendUrl,
    secretsProvider,
    githubVariables: pulumi
      .all([backendUrl, secretsProvider, client.tenantId, client.subscriptionId, preview.clientId])
      .apply(([backend, secrets, tenant, sub, previewClient]): Record<string, string> => ({
        PULUMI_BACKEND_URL: backend,
        PULUMI_SECRETS_PROVIDER: secrets,
        AZURE_TENANT_ID: tenant,
        AZURE_SUBSCRIPTION_ID: sub,
        AZURE_PREVIEW_CLIENT_ID: previewClient,
      })),
    githubEnvironmentVariables: environmentVariables(settings.environments, (environment) =>
      deployIdentities[environment].clientId.apply((clientId): Record<string, string> => ({
        AZURE_DEPLOY_CLIENT_ID: clientId,
      })),
    ),
    stackConfig: pulumi.output<Record<string, string>>({}),
    registryPrincipals: Object.fromEntries(
      settings.environments.map((environment) => [
        environment,
        deployIdentities[environment].principalId,
      ]),
    ),
  };
};

/**
 * The ARM write operation behind each resource type of `providers/azure`, so a test can hold
 * `azureDeployActions` to what the program really registers, both ways: every planned type must be
 * granted, and every granted type must be planned. A type missing here fails the test. Operation
 * names: https://learn.microsoft.com/azure/role-based-access-control/resource-provider-operations
 */
export const azureResourceOperations: Readonly<Record<string, string>> = {
  "azure-native:network:VirtualNetwork": "Microsoft.Network/virtualNetworks/write",
  "azure-native:network:Subnet": "Microsoft.Network/virtualNetworks/subnets/write",
  "azure-native:network:NetworkSecurityGroup": "Microsoft.Network/networkSecurityGroups/write",
  "azure-native:network:PublicIPAddress": "Microsoft.Network/publicIPAddresses/write",
  "azure-native:network:LoadBalancer": "Microsoft.Network/loadBalancers/write",
  "azure-native:compute:VirtualMachineScaleSet": "Microsoft.Compute/virtualMachineScaleSets/write",
  "azure-native:managedidentity:UserAssignedIdentity":
    "Microsoft.ManagedIdentity/userAssignedIdentities/write",
  "azure-native:authorization:ManagementLockByScope": "Microsoft.Authorization/locks/write",
  "azure-native:monitor:AutoscaleSetting": "Microsoft.Insights/autoscalesettings/write",
  "azure-native:monitor:MetricAlert": "Microsoft.Insights/metricAlerts/write",
  "azure-native:monitor:ActivityLogAlert": "Microsoft.Insights/activityLogAlerts/write",
  "azure-native:monitor:ActionGroup": "Microsoft.Insights/actionGroups/write",
  "azure-native:monitor:DataCollectionRule": "Microsoft.Insights/dataCollectionRules/write",
  "azure-native:monitor:DataCollectionRuleAssociation":
    "Microsoft.Insights/dataCollectionRuleAssociations/write",
  "azure-native:operationalinsights:Workspace": "Microsoft.OperationalInsights/workspaces/write",
};
