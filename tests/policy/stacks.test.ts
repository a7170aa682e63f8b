/**
 * The real stack files pass the pack: no mandatory violation on any cloud that has landed, in the
 * variants that change what the policies look at (HTTPS with a domain, IAP SSH on GCP).
 */
import assert from "node:assert/strict";
import { Cloud, clouds } from "../../components/cloud";
import { evaluatePolicies, formatViolations } from "../../tools/verify/policy";
import { planStack } from "../helpers/plan";
import { landed } from "./fixtures";

/** Advisory findings the stacks are known to have, each with the reason it is accepted. */
const acceptedAdvisories: Record<string, string> = {
  // GCP and Azure keep their logs in the provider's default store until they configure one.
  "log-retention-configured": "the provider's default retention applies",
  // prod has no domain in its stack file: the owner sets one (docs/decisions.md).
  "production-serves-https": "the stack file cannot name a domain its owner controls",
};

/** Configurations that change what the policies look at, and the clouds that accept them. */
const variants: Array<{ name: string; overrides: Record<string, string>; clouds: Cloud[] }> = [
  { name: "as committed", overrides: {}, clouds: [...clouds] },
  // Azure's Standard Load Balancer cannot terminate TLS, so the Azure stacks reject a domain.
  {
    name: "with a domain (HTTPS)",
    // awsHostedZone: the Route 53 zone AWS needs for the domain; GCP ignores it.
    overrides: { domain: "www.example.com", awsHostedZone: "example.com" },
    clouds: ["aws", "gcp"],
  },
  { name: "with IAP SSH allowed", overrides: { gcpAllowIapSsh: "true" }, clouds: ["gcp"] },
];

for (const cloud of clouds) {
  describe(`policy pack on the ${cloud} stacks`, () => {
    for (const stack of ["test", "prod"]) {
      for (const variant of variants) {
        if (!variant.clouds.includes(cloud)) continue;
        it(`${stack} ${variant.name}: no mandatory violation`, async function () {
          if (!(await landed(cloud))) this.skip();
          const plan = await planStack(stack, cloud, variant.overrides);
          const result = await evaluatePolicies(plan);
          assert.equal(result.mandatoryCount, 0, formatViolations(result));
          const unexpected = result.violations.filter((v) => !(v.policy in acceptedAdvisories));
          assert.deepEqual(unexpected, [], formatViolations(result));
          assert.equal(result.resourceCount, plan.resources.length);
        });
      }
    }
  });
}
