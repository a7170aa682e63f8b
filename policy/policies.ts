/**
 * Every policy of the `ha-web-service` pack, importable without starting the policy server:
 * `index.ts` wraps this list in a `PolicyPack` for the Pulumi CLI, and the offline checks
 * (`tools/verify/policy.ts`, `tests/policy/`) evaluate the same objects against a plan.
 */
import { Policies } from "@pulumi/policy";
import { capacityPolicies } from "./capacity";
import { exposurePolicies } from "./exposure";
import { hardeningPolicies } from "./hardening";
import { identityPolicies } from "./identity";
import { networkPolicies } from "./network";
import { tagPolicies } from "./tags";

export const policies: Policies = [
  ...networkPolicies,
  ...capacityPolicies,
  ...identityPolicies,
  ...hardeningPolicies,
  ...tagPolicies,
  ...exposurePolicies,
];
