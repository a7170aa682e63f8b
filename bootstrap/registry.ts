import * as aws from "../providers/aws/sdk";
import * as azure from "../providers/azure/sdk";
import * as gcp from "../providers/gcp/sdk";
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
import {
  azureBuiltInRoles,
  azureGrantableRoles,
  grantableRolesCondition,
  imageLockActions,
  imagePushEnvironment,
} from "./azure";
import { azureHostImage } from "./hostImage";
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
  /**
   * Azure only: the gallery image version the instances boot (bootstrap/hostImage.ts); stacks
   * derive the same id from providers/azure/hostImage.ts. Empty on the other clouds.
   */
  public readonly hostImage: pulumi.Output<string>;

  constructor(
    name: string,
    settings: SharedImageRegistrySettings,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super(SharedImageRegistry.token, name, {}, opts);
    const shared = registryFor(name, settings, this);
    this.repository = shared.repository;
    this.hostImage = shared.hostImage ?? pulumi.output("");
    this.registerOutputs({ repository: this.repository, hostImage: this.hostImage });
  }
}

interface SharedImages {
  readonly repository: pulumi.Output<string>;
  readonly hostImage?: pulumi.Output<string>;
}

function registryFor(
  name: string,
  settings: SharedImageRegistrySettings,
  parent: pulumi.ComponentResource,
): SharedImages {
  switch (settings.cloud) {
    case "aws":
      return { repository: awsRegistry(name, parent) };
    case "gcp":
      return { repository: gcpRegistry(name, settings, parent) };
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
): SharedImages {
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
  const subscription = pulumi.interpolate`/subscriptions/${client.subscriptionId}`;
  const builtIn = (id: string) =>
    pulumi.interpolate`${subscription}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
  const principals = Object.entries(settings.registryPrincipals ?? {});
  const assign = (
    label: string,
    principalId: pulumi.Input<string>,
    roleDefinitionId: pulumi.Input<string>,
    condition?: string,
  ) =>
    new azure.authorization.RoleAssignment(
      `${name}-${label}`,
      {
        principalId,
        principalType: "ServicePrincipal",
        roleDefinitionId,
        scope: registry.id,
        ...(condition ? { condition, conditionVersion: "2.0" } : {}),
      },
      { parent },
    );
  // Locking what the pipeline pushed (deploy-stack.yml, "Lock the pushed image (ACR)").
  const locker = principals.some(([environment]) => environment === imagePushEnvironment)
    ? new azure.authorization.RoleDefinition(
        `${name}-image-locker`,
        {
          scope: subscription,
          roleName: `ha-web-service image locker (${settings.stack})`,
          description: "Lock pushed images of the shared registry; see bootstrap/azure.ts",
          permissions: [
            { actions: [...imageLockActions], notActions: [], dataActions: [], notDataActions: [] },
          ],
          assignableScopes: [registry.id],
        },
        { parent },
      )
    : undefined;
  for (const [environment, principalId] of principals) {
    assign(
      `deploy-${environment}-grant-acr-pull`,
      principalId,
      builtIn(azureBuiltInRoles.roleBasedAccessControlAdministrator),
      grantableRolesCondition(azureGrantableRoles),
    );
    if (environment === imagePushEnvironment && locker) {
      // The one deploy that pushes (main.yml, `push: true`): push, and lock what it pushed.
      assign(`deploy-${environment}-acr-push`, principalId, builtIn(azureBuiltInRoles.acrPush));
      assign(`deploy-${environment}-acr-lock`, principalId, locker.id);
    } else {
      // Every other deploy only checks that the digest it deploys is there (skopeo inspect).
      assign(`deploy-${environment}-acr-pull`, principalId, builtIn(azureBuiltInRoles.acrPull));
    }
  }
  return {
    repository: pulumi.interpolate`${registry.loginServer}/${imageRepository}`,
    hostImage: azureHostImage(name, settings, group, subscription, parent),
  };
}
