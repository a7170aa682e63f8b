import * as pulumi from "@pulumi/pulumi";
import { repositoryOf } from "../../components/image";
import { GcpContext } from "./context";

/**
 * The Artifact Registry repository is not part of the service stack: the bootstrap program
 * creates one per project (`bootstrap/registry.ts`), the pipeline pushes each commit's image to it
 * once, and both stacks run it by digest. See docs/decisions.md, "Where the image registry lives".
 */
export const sharedRepositoryId = "ha-web-service";

/** Versions kept whatever their age: enough to roll back several releases. */
export const keepRecentVersions = 10;

/** Untagged images (superseded pushes, failed builds) are deleted after a week. */
export const untaggedMaxAgeSeconds = 7 * 24 * 3600;

/** Name of the image inside the repository. */
export const imageName = "web";

/** The Artifact Registry repository the instances pull from, and the image they run. */
export interface GcpRegistry {
  /** Undefined when the image lives outside Artifact Registry: then nothing is granted. */
  readonly repository?: {
    readonly project: string;
    readonly location: string;
    readonly repositoryId: string;
  };
  /** `args.image`, or the shared repository's image tagged `appVersion`. */
  readonly image: pulumi.Input<string>;
}

/** The shared repository's image for a version; known before anything is deployed. */
export function defaultImage(region: string, project: string, appVersion: string): string {
  return `${region}-docker.pkg.dev/${project}/${sharedRepositoryId}/${imageName}:${appVersion}`;
}

// https://cloud.google.com/artifact-registry/docs/docker/names
const artifactRegistryImage = /^([a-z0-9-]+)-docker\.pkg\.dev\/([a-z][a-z0-9-]+)\/([a-z0-9-]+)\//;

/**
 * The repository an image reference names. The instances' account gets `reader` on that one
 * repository, wherever it is: pulling across projects is an ordinary IAM grant. An image only
 * known at deploy time (an Output) cannot be read while resources are registered, so it is
 * assumed to be in the stack project's shared repository.
 */
export function sharedRegistry(ctx: GcpContext): GcpRegistry {
  const { args, project, region } = ctx;
  const image = args.image ?? defaultImage(region, project, args.appVersion);
  const shared = { location: region, project, repositoryId: sharedRepositoryId };
  if (typeof image !== "string") return { repository: shared, image };
  const match = artifactRegistryImage.exec(repositoryOf(image) + "/");
  return {
    repository: match
      ? { location: match[1], project: match[2], repositoryId: match[3] }
      : undefined,
    image,
  };
}
