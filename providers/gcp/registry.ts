import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GcpContext } from "./context";
import { gcpName } from "./names";

/** Versions kept whatever their age: enough to roll back several releases. */
export const keepRecentVersions = 10;

/** Untagged images (superseded pushes, failed builds) are deleted after a week. */
export const untaggedMaxAgeSeconds = 7 * 24 * 3600;

/** Name of the image inside the repository. */
export const imageName = "web";

export interface GcpRegistry {
  readonly repository: gcp.artifactregistry.Repository;
  readonly repositoryId: string;
  /** What the instances run: `args.image`, or this repository's image tagged `appVersion`. */
  readonly image: pulumi.Input<string>;
}

/** The image this repository holds for a version; known before anything is deployed. */
export function defaultImage(
  region: string,
  project: string,
  repositoryId: string,
  appVersion: string,
): string {
  return `${region}-docker.pkg.dev/${project}/${repositoryId}/${imageName}:${appVersion}`;
}

/**
 * The repository id is fixed rather than auto-named because CI pushes to it by name; it is
 * derived from the component name, so two components in one project do not collide.
 */
export function createRegistry(ctx: GcpContext): GcpRegistry {
  const { name, args, project, region, opts } = ctx;
  const repositoryId = gcpName(name, "images");
  const repository = new gcp.artifactregistry.Repository(
    gcpName(name, "images"),
    {
      project,
      location: region,
      repositoryId,
      format: "DOCKER",
      description: `${name}: web service images, one immutable tag per version`,
      // A tag, once pushed, always names the same image: `web:1.0.6` on a new instance is what
      // the rollout tested, and a rollback gets the bytes that ran before.
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
      deletionPolicy: args.deletionProtection ? "PREVENT" : undefined,
    },
    opts,
  );
  return {
    repository,
    repositoryId,
    image: args.image ?? defaultImage(region, project, repositoryId, args.appVersion),
  };
}
