import * as azure from "../providers/azure/sdk";
import * as pulumi from "@pulumi/pulumi";
import {
  baseImage,
  hostGalleryName,
  hostImageBuildScript,
  hostImageDefinition,
  hostImageVersion,
} from "../providers/azure/hostImage";
import { azureBuiltInRoles } from "./azure";
import { BootstrapSettings } from "./settings";

/**
 * What Image Builder's identity may do, on the gallery's resource group only: the actions Microsoft
 * documents for distributing to a managed image and to an Azure Compute Gallery, and no more (no
 * Contributor). https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-permissions-cli#allow-vm-image-builder-to-distribute-images
 */
export const imageBuilderActions: readonly string[] = [
  "Microsoft.Compute/images/write",
  "Microsoft.Compute/images/read",
  "Microsoft.Compute/images/delete",
  "Microsoft.Compute/galleries/read",
  "Microsoft.Compute/galleries/images/read",
  "Microsoft.Compute/galleries/images/versions/read",
  "Microsoft.Compute/galleries/images/versions/write",
];

/** Build VM size: Gen2 and Trusted Launch capable, like the scale set's sizes (Dsv5). */
export const imageBuildVmSize = "Standard_D2s_v5";

/**
 * The instances' host image (providers/azure/hostImage.ts): an Azure Compute Gallery, one image
 * definition, and an Image Builder template that builds `hostImageVersion` from the pinned
 * Marketplace image when it is created (`autoRun`), into the gallery, replicated to every region a
 * stack may deploy to. Lives in the shared images resource group, next to the registry, so both
 * stacks boot the same image version. Returns the image version's id.
 */
export function azureHostImage(
  name: string,
  settings: BootstrapSettings & {
    readonly registryPrincipals?: Readonly<Record<string, pulumi.Input<string>>>;
  },
  group: azure.resources.ResourceGroup,
  subscription: pulumi.Output<string>,
  parent: pulumi.ComponentResource,
): pulumi.Output<string> {
  const inGroup = {
    resourceGroupName: group.name,
    location: settings.region,
    tags: settings.tags,
  };
  const gallery = new azure.compute.Gallery(
    `${name}-gallery`,
    {
      ...inGroup,
      galleryName: hostGalleryName,
      description: "ha-web-service instance images",
    },
    { parent, protect: true },
  );
  const definition = new azure.compute.GalleryImage(
    `${name}-host`,
    {
      ...inGroup,
      galleryName: gallery.name,
      galleryImageName: hostImageDefinition,
      osType: "Linux",
      osState: "Generalized",
      // Gen2 as the base image ("server" SKU of ubuntu-24_04-lts), and usable by Trusted Launch
      // VMs, as the scale set is (securityType TrustedLaunch, providers/azure/compute.ts).
      // https://learn.microsoft.com/azure/virtual-machines/trusted-launch#azure-compute-gallery
      hyperVGeneration: "V2",
      features: [{ name: "SecurityType", value: "TrustedLaunchSupported" }],
      architecture: "x64",
      identifier: { publisher: "ha-web-service", offer: "web-host", sku: "ubuntu-24_04" },
    },
    { parent, protect: true },
  );

  // Whoever creates or updates a VM from a gallery image needs read on the image version, and each
  // deploy identity's own rights stop at its resource group (bootstrap/azure.ts). Reader on the
  // gallery reads the gallery, its definitions and versions, and nothing else.
  // https://learn.microsoft.com/azure/virtual-machines/share-gallery#share-using-rbac
  for (const [environment, principalId] of Object.entries(settings.registryPrincipals ?? {})) {
    new azure.authorization.RoleAssignment(
      `${name}-deploy-${environment}-host-image-reader`,
      {
        principalId,
        principalType: "ServicePrincipal",
        roleDefinitionId: pulumi.interpolate`${subscription}/providers/Microsoft.Authorization/roleDefinitions/${azureBuiltInRoles.reader}`,
        scope: gallery.id,
      },
      { parent },
    );
  }

  const identity = new azure.managedidentity.UserAssignedIdentity(
    `${name}-image-builder`,
    inGroup,
    { parent },
  );
  const role = new azure.authorization.RoleDefinition(
    `${name}-image-builder`,
    {
      scope: subscription,
      roleName: `ha-web-service image builder (${settings.stack})`,
      description: "Azure VM Image Builder: distribute to the gallery; see bootstrap/hostImage.ts",
      permissions: [
        { actions: [...imageBuilderActions], notActions: [], dataActions: [], notDataActions: [] },
      ],
      assignableScopes: [group.id],
    },
    { parent },
  );
  const grant = new azure.authorization.RoleAssignment(
    `${name}-image-builder`,
    {
      principalId: identity.principalId,
      principalType: "ServicePrincipal",
      roleDefinitionId: role.id,
      scope: group.id,
    },
    { parent },
  );

  const versionId = pulumi.interpolate`${definition.id}/versions/${hostImageVersion}`;
  const regions = [...new Set([settings.region, ...settings.workloadRegions])];
  new azure.virtualmachineimages.VirtualMachineImageTemplate(
    `${name}-host-${hostImageVersion.replace(/\./g, "-")}`,
    {
      ...inGroup,
      identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
      source: { type: "PlatformImage", ...baseImage },
      customize: [{ type: "Shell", name: "install-docker", inline: hostImageBuildScript() }],
      distribute: [
        {
          type: "SharedImage",
          // Explicit versioning: exactly the version the stacks name.
          // https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#distribute-sharedimage
          galleryImageId: versionId,
          runOutputName: "web-host",
          targetRegions: regions.map((region) => ({
            name: region,
            replicaCount: 1,
            storageAccountType: "Standard_ZRS",
          })),
        },
      ],
      vmProfile: { vmSize: imageBuildVmSize, osDiskSizeGB: 0 },
      buildTimeoutInMinutes: 60,
      // Builds when the template is created; a template is never rebuilt in place: a new version
      // is a new template (its name carries the version).
      // Enabled starts a build whenever the template is created or updated (ImageTemplateAutoRun):
      // https://learn.microsoft.com/javascript/api/@azure/arm-imagebuilder/imagetemplateautorun
      autoRun: { state: "Enabled" },
    },
    // The identity must hold its role before the build distributes.
    { parent, dependsOn: [grant] },
  );
  return versionId;
}
