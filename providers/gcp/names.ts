import { autoNameSuffixLength, childName } from "../../components/naming";

/** Compute Engine, Artifact Registry and IAM names: RFC 1035 labels of at most 63 characters. */
export const gcpNameLimit = 63;

/** Service account ids are 6-30 characters; Pulumi auto-names them like any other child. */
export const serviceAccountIdLimit = 30;

/**
 * The provider appends a 26-character timestamp and counter to an instance template's `namePrefix`,
 * but only for prefixes of at most 37 characters; longer ones get a shorter, collision-prone
 * suffix (see the `namePrefix` docs of `gcp.compute.InstanceTemplate`).
 */
export const templateNamePrefixLimit = 37;

/** A MIG names its instances `<baseInstanceName>-<4 random characters>`, within 63 characters. */
export const baseInstanceNameLimit = gcpNameLimit - 5;

/** Logical name of an auto-named child whose physical name must fit GCP's 63 characters. */
export function gcpName(name: string, suffix: string): string {
  return childName(name, suffix, gcpNameLimit);
}

/** `namePrefix` of the instance template, ending in `-` and at most 37 characters long. */
export function templateNamePrefix(name: string): string {
  // childName budgets for an 8-character random suffix; here the budget is the prefix minus "-".
  return `${childName(name, "tpl", templateNamePrefixLimit - 1 + autoNameSuffixLength)}-`;
}

/** `baseInstanceName` of the MIG: an explicit name, so it is budgeted without a random suffix. */
export function baseInstanceName(name: string): string {
  return childName(name, "vm", baseInstanceNameLimit + autoNameSuffixLength);
}

/**
 * Id of the service account an environment's instances run as. The pipeline bootstrap creates it
 * (bootstrap/gcp.ts) so that the environment's deploy identity can act as this one account only;
 * the service program uses it by email and creates no account.
 */
export function instanceAccountId(environment: string): string {
  return `ha-web-${environment}-vm`;
}

/** The email of `instanceAccountId(environment)` in `project`. */
export function instanceAccountEmail(environment: string, project: string): string {
  return `${instanceAccountId(environment)}@${project}.iam.gserviceaccount.com`;
}
