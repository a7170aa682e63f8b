/**
 * Type tokens the policies inspect, as the engine reports them (`<package>:<module>/<file>:<Type>`):
 * each cloud's, by role, from its home (`providers/<cloud>/resourceTypes.ts`). Those modules are
 * plain data, so the pack, which the CLI runs in a process of its own, loads neither the program
 * nor a cloud SDK with them; tests/unit/resourceTypes.test.ts holds each token to the SDK's.
 */
import { azureTypes as azure } from "../providers/azure/resourceTypes";

export { awsTypes as aws } from "../providers/aws/resourceTypes";
export { gcpTypes as gcp } from "../providers/gcp/resourceTypes";
export { azure };

/**
 * GCP IAM grant types that carry a `role` (member, binding). Each module spells them its own way
 * (`projects/iAMMember`, `artifactregistry/repositoryIamMember`, `storage/bucketIAMMember`), so
 * they are matched by a case-insensitive pattern.
 */
export const gcpIamGrant = /^gcp:[a-z]+\/[a-z]*iam(member|binding):/i;

/** Authoritative whole-policy resources, whose bindings live in a `policyData` JSON document. */
export const gcpIamPolicy = /^gcp:[a-z]+\/[a-z]*iampolicy:/i;

/**
 * Azure resource types that take `tags`. Sub-resources (security rules, subnets, role
 * assignments, diagnostic settings) have none, so the tag policy only looks at these.
 */
export const azureTaggable: readonly string[] = [
  azure.resourceGroup,
  azure.vnet,
  azure.nsg,
  azure.lb,
  azure.ip,
  azure.nat,
  azure.vmss,
  azure.identity,
  azure.registry,
  azure.workspace,
  ...azure.autoscale,
  ...azure.actionGroup,
  ...azure.alert,
  azure.appInsights,
];
