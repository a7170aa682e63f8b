import { sharedRegistryResourceGroup } from "./registry";

/**
 * The instances boot a pre-built ("golden") image with Docker already installed, so a booting VM
 * reaches only Azure services: Ubuntu's mirrors have no service tag, so an instance that ran apt
 * at boot could not have its egress restricted (network.ts, outboundRules). The bootstrap builds
 * it once per `hostImageVersion` with Azure VM Image Builder into an Azure Compute Gallery in the
 * shared images resource group (bootstrap/hostImage.ts); a stack names it by these fixed names, as
 * it names the shared registry, without reading the bootstrap's state.
 */

/**
 * The Marketplace image the host image is built from. Pinned, not `latest`, and so is the result:
 * a gallery image version never changes once built, so the OS and its packages change only when
 * `hostImageVersion` is bumped and a deploy rolls the scale set onto it.
 */
export const baseImage = {
  publisher: "Canonical",
  offer: "ubuntu-24_04-lts",
  sku: "server",
  version: "24.04.202609040",
} as const;

/**
 * Gallery names take letters, digits, underscores and periods only (no hyphens), unique in the
 * resource group.
 * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftcompute
 */
export const hostGalleryName = "hawebsvc_images";
export const hostImageDefinition = "web-host";
/**
 * The image version the stacks boot; Image Builder builds exactly this version ("explicit
 * versioning", a `galleryImageId` ending in `/versions/<x.y.z>`) and a gallery refuses to build it
 * twice. Bump it (and re-run the bootstrap) to change the OS or the packages below.
 * https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#distribute-sharedimage
 */
export const hostImageVersion = "1.0.0";

/** What cloud-init installed at boot before: the container engine and jq (web-start reads JSON). */
export const hostPackages = ["docker.io", "jq"] as const;

/** Where the build records the package versions it installed, for audits of a running VM. */
export const hostPackageManifest = "/etc/ha-web-host-packages";

/**
 * The build's Shell customizer: Image Builder runs these lines as one script, as a non-root user
 * (hence sudo), then generalizes the VM with `waagent -deprovision`.
 * https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#shell-customizer
 */
export function hostImageBuildScript(): string[] {
  return [
    "set -eu",
    "sudo apt-get update",
    `sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${hostPackages.join(" ")}`,
    // Held: nothing on the VM upgrades them; a new host image version does.
    `sudo apt-mark hold ${hostPackages.join(" ")}`,
    "sudo systemctl enable docker.service",
    `dpkg-query -W ${hostPackages.join(" ")} | sudo tee ${hostPackageManifest}`,
    // Empty lists, as in the Marketplace image: nothing reads them, and they would go stale.
    "sudo apt-get clean",
    "sudo rm -rf /var/lib/apt/lists/*",
  ];
}

/** The gallery image definition's resource id, derived like the shared registry's. */
export function hostImageDefinitionId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${sharedRegistryResourceGroup}/providers/Microsoft.Compute/galleries/${hostGalleryName}/images/${hostImageDefinition}`;
}

/** The image version the scale set boots (`storageProfile.imageReference.id`). */
export function hostImageVersionId(subscriptionId: string): string {
  return `${hostImageDefinitionId(subscriptionId)}/versions/${hostImageVersion}`;
}
