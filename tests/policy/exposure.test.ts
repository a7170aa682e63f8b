/**
 * `production-serves-https` on real plans: it reports prod without HTTPS on every cloud, with the
 * key to set where one exists, and stays quiet for test and for prod with a domain.
 */
import assert from "node:assert/strict";
import { evaluatePolicies } from "../../tools/verify/policy";
import { planStack } from "../helpers/plan";

const https = async (stack: string, cloud: "aws" | "gcp" | "azure", overrides = {}) =>
  (await evaluatePolicies(await planStack(stack, cloud, overrides))).violations
    .filter((v) => v.policy === "production-serves-https")
    .map((v) => [v.enforcementLevel, v.message]);

describe("policy production-serves-https", () => {
  for (const cloud of ["aws", "gcp"] as const) {
    it(`${cloud}: reports prod without a domain and names the key to set`, async () => {
      assert.deepEqual(await https("prod", cloud), [
        [
          "advisory",
          `stack prod serves plain HTTP: set the stack key \`domain\` (with \`awsHostedZone\` on AWS) to get a managed certificate, HTTPS and a redirect from HTTP`,
        ],
      ]);
    });

    it(`${cloud}: is quiet for prod with a domain, and for test`, async () => {
      const domain = { domain: "www.example.com", awsHostedZone: "example.com" };
      assert.deepEqual(await https("prod", cloud, domain), []);
      assert.deepEqual(await https("test", cloud), []);
    });
  }

  it("azure: reports prod, where no stack key can give it HTTPS", async () => {
    const found = await https("prod", "azure");
    assert.equal(found.length, 1);
    assert.match(
      String(found[0][1]),
      /^stack prod serves plain HTTP: Azure's Standard Load Balancer works at layer 4/,
    );
  });
});
