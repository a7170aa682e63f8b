import * as pulumi from "@pulumi/pulumi";
import * as azure from "@pulumi/azure-native";
import {
  azureAudience,
  githubIssuer,
  pipelineRoles,
  PipelineRole,
  pipelineSubjects,
} from "./trust";
import { BootstrapImplementation, subjectTag } from "./types";

/** Built-in Azure role definition ids (the same in every tenant). */
export const azureBuiltInRoles = {
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  roleBasedAccessControlAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
} as const;

/**
 * What the deploy identity may do, per resource provider, read off what `providers/azure`
 * registers (VM scale set behind a Standard load balancer). Not expressible more tightly: the
 * program creates its own resource group, so this has to be granted at subscription scope, and
 * Azure RBAC cannot limit a subscription-wide grant to resource groups by name or tag.
 */
export const azureDeployActions: readonly string[] = [
  "Microsoft.Resources/subscriptions/resourceGroups/read",
  "Microsoft.Resources/subscriptions/resourceGroups/write",
  "Microsoft.Resources/subscriptions/resourceGroups/delete",
  "Microsoft.Network/virtualNetworks/*",
  "Microsoft.Network/networkSecurityGroups/*",
  "Microsoft.Network/publicIPAddresses/*",
  "Microsoft.Network/loadBalancers/*",
  "Microsoft.Network/natGateways/*",
  "Microsoft.Network/dnsZones/*",
  "Microsoft.Compute/virtualMachineScaleSets/*",
  "Microsoft.Compute/virtualMachines/read",
  "Microsoft.Compute/disks/read",
  "Microsoft.ManagedIdentity/userAssignedIdentities/*",
  // The stack's own registry; `*` includes push/write, which is how the pipeline pushes images.
  "Microsoft.ContainerRegistry/registries/*",
  // Delete locks on prod's resources (deletionProtection). They guard against accidents, not
  // against this identity, which has to be able to remove them for a planned replacement.
  "Microsoft.Authorization/locks/*",
  "Microsoft.Insights/autoscalesettings/*",
  "Microsoft.Insights/metricAlerts/*",
  "Microsoft.Insights/actionGroups/*",
  "Microsoft.Insights/diagnosticSettings/*",
  "Microsoft.OperationalInsights/workspaces/*",
];

/**
 * Roles the deploy identity may assign (its scale set's identity pulls images and publishes
 * metrics). Azure's "delegation conditions" on Role Based Access Control Administrator express
 * this; without them, role assignment rights are rights to grant Owner.
 */
export const azureGrantableRoles = [
  azureBuiltInRoles.acrPull,
  azureBuiltInRoles.monitoringMetricsPublisher,
] as const;

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
  const identities = {} as Record<PipelineRole, azure.managedidentity.UserAssignedIdentity>;
  for (const role of pipelineRoles) {
    const identity = new azure.managedidentity.UserAssignedIdentity(
      `${name}-${role}`,
      inGroup,
      opts,
    );
    identities[role] = identity;
    // Entra ID refuses concurrent writes of credentials on one identity, so they are chained.
    let previous: pulumi.Resource | undefined;
    for (const subject of subjects[role]) {
      const tag = subjectTag(subject);
      previous = new azure.managedidentity.FederatedIdentityCredential(
        `${name}-${role}-${tag}`,
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
  }

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

  const deployer = new azure.authorization.RoleDefinition(
    `${name}-deployer`,
    {
      scope: subscription,
      roleName: `ha-web-service deployer (${settings.stack})`,
      description: "What pulumi up of ha-web-service needs; see bootstrap/azure.ts",
      permissions: [{ actions: [...azureDeployActions], notActions: [] }],
      assignableScopes: [subscription],
    },
    opts,
  );

  const keyScope = pulumi.interpolate`${vault.id}/keys/${key.name}`;
  assign("preview-reader", identities.preview, roleId(azureBuiltInRoles.reader), subscription);
  assign(
    "preview-state",
    identities.preview,
    roleId(azureBuiltInRoles.storageBlobDataContributor),
    container.id,
    lockOnlyCondition,
  );
  // No decrypt-only built-in role exists for keys; Crypto User also allows encrypt.
  assign(
    "preview-state-key",
    identities.preview,
    roleId(azureBuiltInRoles.keyVaultCryptoUser),
    keyScope,
  );

  assign("deploy-workload", identities.deploy, deployer.id, subscription);
  assign(
    "deploy-state",
    identities.deploy,
    roleId(azureBuiltInRoles.storageBlobDataContributor),
    container.id,
  );
  assign(
    "deploy-state-key",
    identities.deploy,
    roleId(azureBuiltInRoles.keyVaultCryptoUser),
    keyScope,
  );
  assign(
    "deploy-grant-workload-roles",
    identities.deploy,
    roleId(azureBuiltInRoles.roleBasedAccessControlAdministrator),
    subscription,
    grantableRolesCondition(azureGrantableRoles),
  );

  const backendUrl = pulumi.interpolate`azblob://${container.name}?storage_account=${account.name}`;
  const secretsProvider = pulumi.interpolate`azurekeyvault://${vault.name}.vault.azure.net/keys/${key.name}`;
  return {
    backendUrl,
    secretsProvider,
    githubVariables: pulumi
      .all([
        backendUrl,
        secretsProvider,
        client.tenantId,
        client.subscriptionId,
        identities.preview.clientId,
        identities.deploy.clientId,
      ])
      .apply(
        ([backend, secrets, tenant, sub, previewClient, deployClient]): Record<string, string> => ({
          PULUMI_BACKEND_URL: backend,
          PULUMI_SECRETS_PROVIDER: secrets,
          AZURE_TENANT_ID: tenant,
          AZURE_SUBSCRIPTION_ID: sub,
          AZURE_PREVIEW_CLIENT_ID: previewClient,
          AZURE_DEPLOY_CLIENT_ID: deployClient,
        }),
      ),
  };
};

/**
 * The resource provider namespace each module of `providers/azure` writes to, so a test can hold
 * `azureDeployActions` to what the program really registers. A module missing here fails the test.
 */
export const azureModuleNamespaces: Readonly<Record<string, string>> = {
  resources: "Microsoft.Resources/subscriptions/resourceGroups",
  network: "Microsoft.Network",
  compute: "Microsoft.Compute/virtualMachineScaleSets",
  managedidentity: "Microsoft.ManagedIdentity/userAssignedIdentities",
  insights: "Microsoft.Insights",
  monitor: "Microsoft.Insights",
  containerregistry: "Microsoft.ContainerRegistry/registries",
  operationalinsights: "Microsoft.OperationalInsights/workspaces",
  dns: "Microsoft.Network/dnsZones",
  // Role assignments are checked one by one against azureGrantableRoles; locks by action.
  authorization: "Microsoft.Authorization/locks",
};
