/**
 * GCP IAM as the plan grants it: who holds which role on which resource, and a decision function
 * over Google's documented role contents and resource hierarchy. Google offers no offline policy
 * simulator (Policy Simulator replays real access logs in a real project), so the roles the
 * program grants are recorded below, and a grant of any other role makes the decision throw
 * instead of guessing.
 */
import { PlannedResource } from "../../tools/plan/recorder";

/**
 * Permissions of the predefined roles this project grants, from Google's "IAM roles and
 * permissions index" (cloud.google.com/iam/docs/roles-permissions: logging, monitoring,
 * artifactregistry pages). Recorded 2026-11-22; Google adds permissions to predefined roles over
 * time, so a permission a test expects to be denied must be re-checked there when this table
 * changes.
 */
export const gcpRolePermissions: Readonly<Record<string, readonly string[]>> = {
  "roles/logging.logWriter": ["logging.logEntries.create", "logging.logEntries.route"],
  "roles/monitoring.metricWriter": [
    "monitoring.metricDescriptors.create",
    "monitoring.metricDescriptors.get",
    "monitoring.metricDescriptors.list",
    "monitoring.monitoredResourceDescriptors.get",
    "monitoring.monitoredResourceDescriptors.list",
    "monitoring.timeSeries.create",
  ],
  "roles/artifactregistry.reader": [
    "artifactregistry.attachments.get",
    "artifactregistry.attachments.list",
    "artifactregistry.dockerimages.get",
    "artifactregistry.dockerimages.list",
    "artifactregistry.files.download",
    "artifactregistry.files.get",
    "artifactregistry.files.list",
    "artifactregistry.locations.get",
    "artifactregistry.locations.list",
    "artifactregistry.mavenartifacts.get",
    "artifactregistry.mavenartifacts.list",
    "artifactregistry.npmpackages.get",
    "artifactregistry.npmpackages.list",
    "artifactregistry.packages.get",
    "artifactregistry.packages.list",
    "artifactregistry.projectsettings.get",
    "artifactregistry.pythonpackages.get",
    "artifactregistry.pythonpackages.list",
    "artifactregistry.repositories.downloadArtifacts",
    "artifactregistry.repositories.get",
    "artifactregistry.repositories.list",
    "artifactregistry.repositories.listEffectiveTags",
    "artifactregistry.repositories.listTagBindings",
    "artifactregistry.repositories.readViaVirtualRepository",
    "artifactregistry.rules.get",
    "artifactregistry.rules.list",
    "artifactregistry.tags.get",
    "artifactregistry.tags.list",
    "artifactregistry.versions.get",
    "artifactregistry.versions.list",
  ],
};

/** One member holding one role on one resource (a full resource name such as `projects/p`). */
export interface GcpGrant {
  readonly member: string;
  readonly role: string;
  readonly resource: string;
  /** `type::name` of the resource that grants it. */
  readonly source: string;
}

/**
 * How each grant type names the resource it grants on. A grant type missing here makes
 * `gcpGrantsOf` throw, so a new kind of grant in the program must be modelled before it is judged.
 */
const grantScopes: Readonly<Record<string, (inputs: Record<string, unknown>) => string>> = {
  "gcp:projects/iAMMember:IAMMember": (i) => `projects/${String(i.project)}`,
  "gcp:projects/iAMBinding:IAMBinding": (i) => `projects/${String(i.project)}`,
  "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": (i) =>
    `projects/${String(i.project)}/locations/${String(i.location)}/repositories/${String(i.repository)}`,
  "gcp:artifactregistry/repositoryIamBinding:RepositoryIamBinding": (i) =>
    `projects/${String(i.project)}/locations/${String(i.location)}/repositories/${String(i.repository)}`,
  "gcp:serviceaccount/iAMMember:IAMMember": (i) => String(i.serviceAccountId),
  "gcp:serviceaccount/iAMBinding:IAMBinding": (i) => String(i.serviceAccountId),
};

// Module spellings vary: projects/iAMMember, artifactregistry/repositoryIamMember, storage/bucketIAMMember.
const isGrantType = (type: string) => /^gcp:[a-z]+\/[a-z]*iam(member|binding|policy):/i.test(type);

/** Every grant of the plan, bindings expanded to one grant per member. */
export function gcpGrantsOf(plan: { readonly resources: readonly PlannedResource[] }): GcpGrant[] {
  return plan.resources
    .filter((r) => isGrantType(r.type))
    .flatMap((r) => {
      const scope = grantScopes[r.type];
      if (scope === undefined) {
        throw new Error(`${r.type}::${r.name}: no model of where this grant type applies`);
      }
      const members = r.inputs.member !== undefined ? [r.inputs.member] : r.inputs.members;
      return (Array.isArray(members) ? members : []).map((member) => ({
        member: String(member),
        role: String(r.inputs.role),
        resource: scope(r.inputs),
        source: `${r.type}::${r.name}`,
      }));
    });
}

/** Whether `scope` is `resource` or one of its ancestors in the resource hierarchy. */
function covers(scope: string, resource: string): boolean {
  return resource === scope || resource.startsWith(`${scope}/`);
}

export type GcpDecision = "Allowed" | "Denied";

/**
 * Whether `member` may use `permission` on `resource`: some role granted to it on the resource or
 * an ancestor contains the permission. Deny policies are not modelled; the program creates none.
 */
export function decideGcp(
  grants: readonly GcpGrant[],
  member: string,
  permission: string,
  resource: string,
): GcpDecision {
  for (const grant of grants) {
    if (grant.member !== member) continue;
    const permissions = gcpRolePermissions[grant.role];
    if (permissions === undefined) {
      throw new Error(`${grant.source}: ${grant.role} is not in gcpRolePermissions; record it`);
    }
    if (covers(grant.resource, resource) && permissions.includes(permission)) return "Allowed";
  }
  return "Denied";
}

/**
 * OAuth scopes a Compute Engine instance's token carries are a second gate in front of IAM. The
 * `cloud-platform` scope admits every API, leaving the decision to IAM; the narrower ones admit
 * only their service. https://cloud.google.com/compute/docs/access/service-accounts#accesscopesiam
 */
const scopeServices: Readonly<Record<string, readonly string[]>> = {
  "https://www.googleapis.com/auth/cloud-platform": ["*"],
  "https://www.googleapis.com/auth/logging.write": ["logging"],
  "https://www.googleapis.com/auth/monitoring.write": ["monitoring"],
  "https://www.googleapis.com/auth/devstorage.read_only": ["storage", "artifactregistry"],
};

export function scopesAdmit(scopes: readonly string[], permission: string): boolean {
  const service = permission.split(".")[0];
  return scopes.some((scope) => {
    const services = scopeServices[scope] ?? [];
    return services.includes("*") || services.includes(service);
  });
}
