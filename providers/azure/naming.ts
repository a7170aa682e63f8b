import { createHash } from "node:crypto";
import { autoNameSuffixLength } from "../../components/naming";

/**
 * Azure-specific names. azure-native auto-names a resource `<logical name><8 random hex>` with no
 * separator and no clean-up (pulumi-azure-native provider/pkg/provider/autonaming_test.go), so a
 * logical name must already obey the physical name's character rules.
 */

/** ACR registry names are 5-50 alphanumerics, unique across Azure, and become `<name>.azurecr.io`. */
export const registryNameLimit = 50;

/**
 * The logical name of the registry: `name` without the characters ACR rejects, plus `acr`. Kept
 * auto-named (random suffix) because the name is global: a fixed one would collide with anyone
 * else's stack of the same name. Long names keep a prefix and a hash of the full name.
 */
export function registryLogicalName(name: string): string {
  const alnum = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  const full = `${alnum}acr`;
  const budget = registryNameLimit - autoNameSuffixLength;
  if (full.length <= budget) {
    return full;
  }
  return `${alnum.slice(0, budget - 9)}${shortHash(name)}acr`;
}

/**
 * A public IP's DNS label: lower-case letters, digits and hyphens, starting with a letter. With a
 * `domainNameLabelScope` Azure appends a hash of the scope to it, so the label only has to be
 * readable, and is capped well below the 63-character DNS limit to leave room for that hash.
 * https://learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses#domain-name-label-scope
 */
export const dnsLabelLimit = 40;

export function dnsLabel(name: string, stack: string): string {
  const full = `${name}-${stack}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "");
  const label = full === "" ? "web" : full;
  if (label.length <= dnsLabelLimit) {
    return label;
  }
  const prefix = label.slice(0, dnsLabelLimit - 7).replace(/-+$/, "");
  return `${prefix}-${shortHash(label)}`;
}

/**
 * Hostname prefix of the scale set's instances; Azure appends a 6-character instance id, and the
 * hostname is what the app reports as INSTANCE_ID. Nine characters is the limit Azure enforces for
 * scale sets whose names must also work as NetBIOS names, the strictest case, so the rule is the
 * same whatever the OS.
 */
export const computerNamePrefixLimit = 9;

export function computerNamePrefix(name: string): string {
  const clean = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const stem = (clean === "" ? "web" : clean).slice(0, computerNamePrefixLimit - 1);
  return `${stem.replace(/-+$/, "")}-`;
}

/** Action groups carry a short name of at most 12 characters, shown in SMS and email subjects. */
export const actionGroupShortNameLimit = 12;

export function actionGroupShortName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9-]/g, "");
  return (clean === "" ? "web" : clean).slice(0, actionGroupShortNameLimit);
}

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 6);
}

/**
 * The resource group an environment's service lives in. The pipeline bootstrap creates it and
 * scopes the environment's deploy identity to it (bootstrap/azure.ts); the service program only
 * deploys into it, since that identity cannot create resource groups.
 */
export function workloadResourceGroup(environment: string): string {
  return `ha-web-service-${environment}`;
}
