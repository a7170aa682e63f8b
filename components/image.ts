/**
 * Image references as the pipeline and the stacks pass them. A reference pinned by digest,
 * `<repository>@sha256:<64 hex>`, names the same bytes forever; a tag can be moved to other
 * bytes in any registry that allows it, so prod takes digests only.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md (manifests by digest)
 */

const digestSuffix = /@sha256:[a-f0-9]{64}$/;

/** True when the reference names its manifest by digest (`...@sha256:<64 hex>`). */
export function isPinnedByDigest(image: string): boolean {
  return digestSuffix.test(image);
}

/** The repository part of a reference: no tag, no digest (`host/path/name`). */
export function repositoryOf(image: string): string {
  const withoutDigest = image.replace(/@sha256:[a-f0-9]{64}$/, "");
  const lastSlash = withoutDigest.lastIndexOf("/");
  const tagColon = withoutDigest.indexOf(":", lastSlash + 1);
  return tagColon === -1 ? withoutDigest : withoutDigest.slice(0, tagColon);
}
