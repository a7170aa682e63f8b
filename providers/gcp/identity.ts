import * as gcp from "./sdk";
import { instanceAccountEmail } from "./names";
import { GcpContext } from "./context";
import { GcpRegistry } from "./registry";

/** Project-level roles of the instances: write their logs and metrics, nothing else. */
export const projectRoles = ["roles/logging.logWriter", "roles/monitoring.metricWriter"];

/** Granted on the repository the image is in (the shared one) only, not on the whole project. */
export const repositoryRole = "roles/artifactregistry.reader";

/**
 * Access scopes are a legacy, coarse filter applied on top of IAM. Google recommends the full
 * `cloud-platform` scope with a dedicated, narrowly-bound service account: IAM then decides, and
 * a missing scope cannot silently break a call IAM allows (narrow scopes are a common cause of
 * 403s from docker-credential-gcr and the COS logging agent).
 * https://cloud.google.com/compute/docs/access/service-accounts#scopes_best_practice
 */
export const instanceScopes = ["https://www.googleapis.com/auth/cloud-platform"];

export interface GcpIdentity {
  /** The bootstrap's instance service account of this stack (`instanceAccountEmail`). */
  readonly serviceAccount: { readonly email: string; readonly member: string };
  /** Every grant; instances must not boot before they exist. */
  readonly grants: (gcp.projects.IAMMember | gcp.artifactregistry.RepositoryIamMember)[];
}

/**
 * The instances run as the environment's service account that the pipeline bootstrap creates
 * (bootstrap/gcp.ts), never the Compute Engine default one (which has Editor on the project in
 * most organisations). The program creates no account: its deploy identity may act as that one
 * account only, and creating accounts would need `iam.serviceAccounts.create` on the project.
 * Using the account by email needs no lookup, so no further permission.
 *
 * The grants stay here, because the deploy identity may make them: the project roles through its
 * `projectIamAdmin` limited to `gcpGrantableRoles`, the repository read through
 * `artifactregistry.admin` (tests/bootstrap/gcp.test.ts holds the two lists together). Grants are
 * `IAMMember`s, each adding one member to one role: authoritative bindings or policies would
 * remove whatever else the project has granted.
 */
export function createIdentity(ctx: GcpContext, registry: GcpRegistry): GcpIdentity {
  const { name, args, project, opts } = ctx;
  // The stack name comes in with the args (stacks/settings.ts), as for the Azure DNS label.
  const email = instanceAccountEmail(args.stack, project);
  const serviceAccount = { email, member: `serviceAccount:${email}` };
  const grants: GcpIdentity["grants"] = projectRoles.map(
    (role) =>
      new gcp.projects.IAMMember(
        `${name}-vm-${role.split("/")[1].split(".")[0]}`,
        { project, role, member: serviceAccount.member },
        opts,
      ),
  );
  // On the repository the image is in (the bootstrap's shared one), not on the project.
  if (registry.repository !== undefined) {
    grants.push(
      new gcp.artifactregistry.RepositoryIamMember(
        `${name}-vm-images-reader`,
        {
          project: registry.repository.project,
          location: registry.repository.location,
          repository: registry.repository.repositoryId,
          role: repositoryRole,
          member: serviceAccount.member,
        },
        opts,
      ),
    );
  }
  return { serviceAccount, grants };
}
