import { createHash } from "node:crypto";

/**
 * Pulumi auto-names a physical resource as `<logical name>-<7 random hex>`. The random part is what
 * lets a replacement be created before the old resource is deleted without the names colliding, so
 * we keep it and shorten the logical part instead.
 */
export const autoNameSuffixLength = 8;

/** AWS caps load balancer and target group names at 32 characters. */
export const awsLoadBalancerNameLimit = 32;

/**
 * The logical name of a child, `<name>-<suffix>`, shortened when needed so that the auto-named
 * physical name stays within `limit`. A shortened name keeps a readable prefix and a 6-character
 * hash of the full name, so two long names that share a prefix stay distinct.
 */
export function childName(name: string, suffix: string, limit?: number): string {
  const full = `${name}-${suffix}`;
  if (limit === undefined) {
    return full;
  }
  const budget = limit - autoNameSuffixLength;
  if (full.length <= budget) {
    return full;
  }
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 6);
  const keep = budget - suffix.length - hash.length - 2;
  if (keep < 1) {
    throw new Error(
      `childName: suffix "${suffix}" leaves no room for the name within ${limit} characters`,
    );
  }
  const prefix = name.slice(0, keep).replace(/-+$/, "");
  return `${prefix}-${hash}-${suffix}`;
}
