import * as aws from "@pulumi/aws";
import * as azure from "@pulumi/azure-native";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { ecrLifecyclePolicy, sharedRepositoryName } from "../providers/aws/registry";
import {
  imageRepository,
  sharedRegistryName,
  sharedRegistryResourceGroup,
} from "../providers/azure/registry";
import {
  imageName,
  keepRecentVersions,
  sharedRepositoryId,
  untaggedMaxAgeSeconds,
} from "../providers/gcp/registry";
import { azureBuiltInRoles, azureGrantableRoles, grantableRolesCondition } from "./azure";
import { BootstrapSettings } from "./settings";

/** The bootstrap's settings, plus each environment's deploy principal where the registry needs it. */
export type SharedImageRegistrySettings = BootstrapSettings & {
  /** See `BootstrapOutputs.registryPrincipals` (bootstrap/types.ts). */
  readonly registryPrincipals?: Readonly<Record<string, pulumi.Input<string>>>;
};

/**
 * The one image registry of a cloud account, shared by the test and prod stacks. It lives here,
 * outside the service stacks, so it exists before any stack's first `pulumi up`: the pipeline
 * builds an image once per commit, pushes it here once, and deploys the same digest to test and
 * then prod. The stacks find it by the names exported from `providers/<cloud>/registry.ts` and grant
 * their instances read on it only. See docs/decisions.md, "Where the image registry lives".
 */
export class SharedImageRegistry extends pulumi.ComponentResource {
  public static readonly token = "haweb:bootstrap:SharedImageRegistry";

  /** Where the pipeline pushes: `<host>/<path>` without tag or digest. */
  public readonly repository: pulumi.Output<string>;

  constructor(
    name: string,
    settings: SharedImageRegistrySettings,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super(SharedImageRegistry.token, name, {}, opts);
    this.repository = registryFor(name, settings, this);
    this.registerOutputs({ repository: this.repository });
  }
}

function registryFor(
  name: string,
  settings: SharedImageRegistrySettings,
  parent: pulumi.ComponentResource,
): pulumi.Output<string> {
  switch (settings.cloud) {
    case "aws":
      return awsRegistry(name, parent);
    case "gcp":
      return gcpRegistry(name, settings, parent);
    case "azure":
      return azureRegistry(name, settings, parent);
    default: {
      const unknown: never = settings.cloud;
      throw new Error(`cloud: expected one of aws, gcp, azure; got ${JSON.stringify(unknown)}`);
    }
  }
}

function awsRegistry(name: string, parent: pulumi.ComponentResource): pulumi.Output<string> {
  const opts = { parent, protect: true };
  const repository = new aws.ecr.Repository(
    `${name}-web`,
    {
      name: sharedRepositoryName,
      // A pushed tag can never be moved: a digest and its tags keep naming the same bytes.
      // https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
      imageTagMutability: "IMMUTABLE",
      // Basic scanning on push; the pipeline reads the findings before it deploys.
      // https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-basic.html
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: "AES256" }],
    },
    opts,
  );
  new aws.ecr.LifecyclePolicy(
    `${name}-web-lifecycle`,
    { repository: repository.name, policy: JSON.stringify(ecrLifecyclePolicy) },
    { parent },
  );
  return repository.repositoryUrl;
}

function gcpRegistry(
  name: string,
  settings: BootstrapSettings,
  parent: pulumi.ComponentResource,
): pulumi.Output<string> {
  const project = settings.gcpProject ?? "";
  const repository = new gcp.artifactregistry.Repository(
    `${name}-web`,
    {
      project,
      location: settings.region,
      repositoryId: sharedRepositoryId,
      format: "DOCKER",
      description: "ha-web-service images: one per commit, deployed by digest to test and prod",
      // https://cloud.google.com/artifact-registry/docs/docker/manage-images#immutable_tags
      dockerConfig: { immutableTags: true },
      cleanupPolicyDryRun: false,
      cleanupPolicies: [
        {
          id: "keep-recent",
          action: "KEEP",
          mostRecentVersions: { keepCount: keepRecentVersions },
        },
        {
          id: "delete-untagged",
          action: "DELETE",
          condition: { tagState: "UNTAGGED", olderThan: `${untaggedMaxAgeSeconds}s` },
        },
      ],
    },
    { parent, protect: true },
  );
  return pulumi.interpolate`${repository.location}-docker.pkg.dev/${repository.project}/${repository.repositoryId}/${imageName}`;
}

function azureRegistry(
  name: string,
  settings: SharedImageRegistrySettings,
  parent: pulumi.ComponentResource,
): pulumi.Output<string> {
  const client = azure.authorization.getClientConfigOutput({ parent });
  const group = new azure.resources.ResourceGroup(
    `${name}-rg`,
    {
      // Fixed: stacks compute the registry's id (their AcrPull scope) from it.
      resourceGroupName: sharedRegistryResourceGroup,
      location: settings.region,
      tags: settings.tags,
    },
    { parent, protect: true },
  );
  const registry = new azure.containerregistry.Registry(
    `${name}-acr`,
    {
      registryName: client.subscriptionId.apply(sharedRegistryName),
      resourceGroupName: group.name,
      location: settings.region,
      tags: settings.tags,
      sku: { name: "Standard" },
      // Only Entra identities pull: no shared admin password, no anonymous access.
      adminUserEnabled: false,
      anonymousPullEnabled: false,
      publicNetworkAccess: "Enabled",
      // Accept only Entra tokens issued for ACR (audience https://containerregistry.azure.net),
      // not ARM-audience ones: a token a workflow or VM gets for managing Azure cannot also pull
      // or push. Instances request the ACR audience (providers/azure/scripts/web-start.sh), and
      // `az acr login` does so from Azure CLI 2.40.
      // https://learn.microsoft.com/azure/container-registry/container-registry-disable-authentication-as-arm
      policies: { azureADAuthenticationAsArmPolicy: { status: "disabled" } },
    },
    { parent, protect: true },
  );
  // Each stack gives its instances AcrPull on this registry (providers/azure/identity.ts). Its
  // deploy identity's rights stop at its own resource group (bootstrap/azure.ts), so the registry
  // lets it assign AcrPull (azureGrantableRoles) here and no other role.
  for (const [environment, principalId] of Object.entries(settings.registryPrincipals ?? {})) {
    new azure.authorization.RoleAssignment(
      `${name}-deploy-${environment}-grant-acr-pull`,
      {
        principalId,
        principalType: "ServicePrincipal",
        roleDefinitionId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${azureBuiltInRoles.roleBasedAccessControlAdministrator}`,
        scope: registry.id,
        condition: grantableRolesCondition(azureGrantableRoles),
        conditionVersion: "2.0",
      },
      { parent },
    );
  }
  return pulumi.interpolate`${registry.loginServer}/${imageRepository}`;
}
