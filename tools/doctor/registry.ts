/**
 * Finds the stack's own image registry, which the main program creates, so the pipeline can push
 * to it. It reads Pulumi's JSON (a `pulumi stack export`, or a `pulumi preview --json` before the
 * first deploy) instead of asking the program for an output: the registry's URN and outputs are
 * there whatever the program exports.
 */

/** Registry resource types, and how each names the pushed image from the resource's outputs. */
const registryTypes: Readonly<Record<string, (outputs: Record<string, unknown>) => string>> = {
  "aws:ecr/repository:Repository": (o) => String(o.repositoryUrl),
  "gcp:artifactregistry/repository:Repository": (o) =>
    `${String(o.location)}-docker.pkg.dev/${String(o.project)}/${String(o.repositoryId)}/web`,
  "azure-native:containerregistry:Registry": (o) => `${String(o.loginServer)}/web`,
};

/** The resource type at the end of a URN: `urn:pulumi:s::p::a$b$type::name` → `type`. */
export function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  return (parts[2] ?? "").split("$").pop() ?? "";
}

/** Only registries inside the service component count; a stack could hold others. */
function isServiceRegistry(urn: string): boolean {
  return urn.includes("haweb:index:HighlyAvailableWebService$") && typeOfUrn(urn) in registryTypes;
}

export interface RegistryLocation {
  readonly urn: string;
  /** Where images are pushed, without a tag: `<host>/<path>`. */
  readonly repository: string;
  /** The registry host, what `docker login` takes. */
  readonly host: string;
}

/** The registry in a `pulumi stack export` document, or undefined before the first deploy. */
export function registryFromState(exported: unknown): RegistryLocation | undefined {
  const resources =
    (
      exported as {
        deployment?: { resources?: { urn: string; outputs?: Record<string, unknown> }[] };
      }
    ).deployment?.resources ?? [];
  const found = resources.filter((r) => isServiceRegistry(r.urn));
  if (found.length > 1) {
    throw new Error(
      `registry: expected one image registry in the stack; found ${found.map((r) => r.urn).join(", ")}`,
    );
  }
  if (found.length === 0) return undefined;
  const repository = registryTypes[typeOfUrn(found[0].urn)](found[0].outputs ?? {});
  return { urn: found[0].urn, repository, host: repository.split("/")[0] };
}

/** The URN the registry will have, from a `pulumi preview --json` document. */
export function registryUrnFromPreview(preview: unknown): string | undefined {
  const steps = (preview as { steps?: { urn?: string }[] }).steps ?? [];
  return steps.map((step) => step.urn ?? "").find(isServiceRegistry);
}
