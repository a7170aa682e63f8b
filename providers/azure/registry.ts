import * as pulumi from "@pulumi/pulumi";
import { repositoryOf } from "../../components/image";
import { AzureContext } from "./context";

/**
 * The container registry is not part of the service stack: the bootstrap program creates one per
 * subscription (`bootstrap/registry.ts`), the pipeline pushes each commit's image to it once and
 * locks it, and both stacks run it by digest. See docs/decisions.md, "Where the image registry
 * lives".
 */

/** Repository the image is pushed to inside the registry: `<loginServer>/web`. */
export const imageRepository = "web";

/**
 * The shared registry's resource group. Fixed, so a stack can name the registry's resource id
 * (the AcrPull scope) without reading the bootstrap's state.
 */
export const sharedRegistryResourceGroup = "ha-web-service-images";

/**
 * ACR names are global, 5-50 alphanumerics
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftcontainerregistry),
 * so the shared registry's name carries the subscription id: unique, and derivable by a stack.
 */
export function sharedRegistryName(subscriptionId: string): string {
  return `hawebsvc${subscriptionId.replace(/-/g, "").toLowerCase()}`;
}

/** The registry the instances pull from: its resource id (AcrPull scope) and login server. */
export interface AzureRegistry {
  readonly id: pulumi.Output<string>;
  readonly loginServer: pulumi.Output<string>;
}

// https://learn.microsoft.com/azure/container-registry/container-registry-get-started-docker-cli
const acrImage = /^([a-z0-9]{5,50})\.azurecr\.io\//;

/**
 * The ACR an image reference names (assumed in the shared registry's resource group of this
 * subscription), or the shared registry when `image` is unset or outside ACR.
 */
export function sharedRegistry(ctx: AzureContext): AzureRegistry {
  const name = pulumi
    .all([pulumi.output(ctx.args.image ?? ""), ctx.subscriptionId])
    .apply(
      ([image, subscription]) =>
        acrImage.exec(repositoryOf(image) + "/")?.[1] ?? sharedRegistryName(subscription),
    );
  return {
    id: pulumi.interpolate`/subscriptions/${ctx.subscriptionId}/resourceGroups/${sharedRegistryResourceGroup}/providers/Microsoft.ContainerRegistry/registries/${name}`,
    loginServer: pulumi.interpolate`${name}.azurecr.io`,
  };
}
